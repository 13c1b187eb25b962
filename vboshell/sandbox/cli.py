"""`vboshell sandbox ...`: run the sandbox tenant in the foreground and print its connection values.
`main(argv) -> int` is what vboshell/cli.py dispatches to; Ctrl+C stops the server and returns 0."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

USAGE_EPILOG = """\
commands:
  serve    start the sandbox tenant and keep it running until Ctrl+C
  specs    list the built-in specs
  spec     print the default spec (YAML) to start your own from
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="vboshell sandbox", description="The built-in Microsoft 365 sandbox tenant "
                                "(Microsoft Graph + Entra ID emulator on loopback HTTPS).",
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=USAGE_EPILOG)
    sub = p.add_subparsers(dest="command")
    s = sub.add_parser("serve", help="start the sandbox tenant in the foreground")
    s.add_argument("--spec", default=None, help="a spec YAML file or a built-in spec name (default, tiny, medium, large)")
    s.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (default: a free port)")
    s.add_argument("--seed", type=int, default=None, help="content seed (default: the spec's, 42)")
    s.add_argument("--state-dir", default=None, help="where certificates and config.json go (default: a temp dir)")
    s.add_argument("--time-scale", type=float, default=1.0, help="shrink throttling windows (0.01: 10 min -> 6 s)")
    s.add_argument("--no-throttling", action="store_true", help="turn the Graph throttling limits off")
    s.add_argument("--token-lifetime", type=int, default=3599, help="access-token lifetime in seconds")
    s.add_argument("--hide-secrets", action="store_true", help="print the secret and PFX password masked")
    s.add_argument("--json", action="store_true", help="print the connection values as one JSON object")
    sub.add_parser("specs", help="list the built-in specs")
    sub.add_parser("spec", help="print the default spec")
    return p


def connection_values(sb: Any, hide: bool = False) -> dict[str, str]:
    mask = "********"
    return {
        "TenantId": sb.tenant_id,
        "TenantName": sb.tenant_name,
        "ApplicationId": sb.client_id,
        "ApplicationSecret": mask if hide else sb.client_secret,
        "CertificatePath": sb.certificate_path,
        "CertificatePassword": mask if hide else sb.certificate_password,
        "CertificatePemPath": sb.certificate_pem_path,
        "AuthorityHost": sb.authority_host,
        "GraphEndpoint": sb.graph_endpoint,
        "CertificateAuthorityPath": sb.ca_bundle_path,
    }


def main(argv: list[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] == "sandbox":
        args_list = args_list[1:]
    parser = _parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as e:
        return int(e.code or 0)
    if args.command is None:
        parser.print_help()
        return 2
    if args.command == "specs":
        from vboshell.sandbox.spec import NAMED_SPECS
        for name in NAMED_SPECS:
            print(name)
        return 0
    if args.command == "spec":
        from vboshell.sandbox.spec import DEFAULT_SPEC_YAML
        sys.stdout.write(DEFAULT_SPEC_YAML)
        return 0
    return _serve(args)


def _serve(args: argparse.Namespace) -> int:
    from vboshell.sandbox.server import Sandbox
    spec = args.spec
    if spec is not None and not Path(spec).exists():
        from vboshell.sandbox.spec import NAMED_SPECS
        if spec not in NAMED_SPECS:
            print(f"vboshell sandbox: spec file not found: {spec}", file=sys.stderr)
            return 2
    try:
        sb = Sandbox(spec, seed=args.seed, port=args.port, state_dir=args.state_dir, time_scale=args.time_scale,
                     throttling=not args.no_throttling, token_lifetime=args.token_lifetime)
        sb.start()
    except (OSError, ValueError, RuntimeError) as e:
        print(f"vboshell sandbox: cannot start: {e}", file=sys.stderr)
        return 1
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    old_int = signal.signal(signal.SIGINT, on_signal)
    old_term = signal.signal(signal.SIGTERM, on_signal)
    try:
        values = connection_values(sb, args.hide_secrets)
        info_path = Path(sb.state_dir) / "connection.json"
        info_path.write_text(json.dumps(connection_values(sb), indent=1))
        os.chmod(info_path, 0o600)
        if args.json:
            print(json.dumps(values))
        else:
            width = max(len(k) for k in values)
            for k, v in values.items():
                print(f"{k.ljust(width)} : {v}")
            print(f"\nSandbox tenant {sb.tenant_name} is running (Ctrl+C stops it). "
                  f"Connection values are also in {info_path}.")
        sys.stdout.flush()
        while not stop.wait(0.5):
            if not sb.running:
                break
    finally:
        signal.signal(signal.SIGINT, old_int)
        signal.signal(signal.SIGTERM, old_term)
        sb.stop()
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
