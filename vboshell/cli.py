"""Command-line entry point: `vboshell [-File f.ps1 args | -Command text | -Command - | check ... | sandbox ... | service ...]`.
Runs scripts with pwsh-compatible switches and exit codes; with no arguments on a terminal it starts the REPL."""

from __future__ import annotations

import os
import sys
from typing import Any

SUBCOMMANDS = {
    "sandbox": "vboshell.sandbox.cli",
    "check": "vboshell.migration.check",
    "service": "vboshell.backup.service",
}

_SWITCHES = ("command", "file", "noprofile", "noninteractive", "executionpolicy", "nologo", "noexit", "help",
             "inputformat", "outputformat", "windowstyle", "encodedcommand", "version", "sta", "mta")
_ALIASES = {"c": "command", "f": "file", "nop": "noprofile", "noni": "noninteractive", "ep": "executionpolicy",
            "ex": "executionpolicy", "nol": "nologo", "e": "encodedcommand", "ec": "encodedcommand",
            "v": "version", "h": "help", "?": "help", "if": "inputformat", "of": "outputformat", "w": "windowstyle"}

USAGE = """Usage: vboshell [-NoProfile] [-NonInteractive] [-NoLogo] [-ExecutionPolicy <policy>]
                [-File <script.ps1> [args...] | -Command <text...> | -Command -]
       vboshell check <script.ps1 ...>      migration check of Veeam scripts
       vboshell sandbox ...                 the demo tenant and Graph emulator
       vboshell service ...                 the backup service
"""


def _match_switch(word: str) -> str | None:
    if not word.startswith(("-", "/")) or len(word) < 2:
        return None
    name = word[1:].lstrip("-").lower()
    if name in _ALIASES:
        return _ALIASES[name]
    hits = [s for s in _SWITCHES if s.startswith(name)]
    if len(hits) == 1:
        return hits[0]
    if name in _SWITCHES:
        return name
    return None


def _parse(argv: list[str]) -> dict[str, Any]:
    opts: dict[str, Any] = {"noprofile": False, "noninteractive": False, "nologo": False, "command": None,
                            "file": None, "args": [], "help": False, "version": False, "noexit": False}
    i = 0
    while i < len(argv):
        word = argv[i]
        sw = _match_switch(word)
        if sw is None:
            # a bare first word: pwsh treats it as -File if it is a .ps1, else as -Command text
            if word.lower().endswith(".ps1"):
                opts["file"] = word
                opts["args"] = argv[i + 1:]
            else:
                opts["command"] = " ".join(argv[i:])
            break
        if sw == "command":
            rest = argv[i + 1:]
            opts["command"] = "-" if rest == ["-"] else " ".join(rest)
            opts["command_given"] = True
            break
        if sw == "file":
            if i + 1 >= len(argv):
                raise SystemExit(_usage_error("Missing the argument for -File."))
            opts["file"] = argv[i + 1]
            opts["args"] = argv[i + 2:]
            break
        if sw == "encodedcommand":
            import base64

            if i + 1 >= len(argv):
                raise SystemExit(_usage_error("Missing the argument for -EncodedCommand."))
            try:
                opts["command"] = base64.b64decode(argv[i + 1], validate=True).decode("utf-16-le")
            except ValueError:  # binascii.Error and UnicodeDecodeError
                raise SystemExit(_usage_error("-EncodedCommand needs base64 of UTF-16LE text.")) from None
            i += 2
            continue
        if sw in ("executionpolicy", "inputformat", "outputformat", "windowstyle"):
            i += 2
            continue
        opts[sw] = True
        i += 1
    return opts


def _usage_error(msg: str) -> int:
    sys.stderr.write(f"{msg}\n{USAGE}")
    return 64


def _dispatch_subcommand(name: str, argv: list[str]) -> int:
    import importlib

    module_name = SUBCOMMANDS[name]
    try:
        mod = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if e.name and (module_name == e.name or module_name.startswith(e.name + ".")):
            sys.stderr.write(f"vboshell {name}: this command is not available in this build ({module_name} is missing).\n")
            return 2
        raise
    fn = getattr(mod, "main", None)
    if fn is None:
        sys.stderr.write(f"vboshell {name}: {module_name} has no main().\n")
        return 2
    rc = fn(argv)
    return int(rc or 0)


def _install_ctrl_c(ctx: Any) -> None:
    """First Ctrl+C stops the running pipeline (finally blocks run); a second one interrupts hard."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return

    def handler(signum: int, frame: Any) -> None:
        if ctx.is_stopping:
            raise KeyboardInterrupt
        ctx.stop()

    try:
        signal.signal(signal.SIGINT, handler)
    except (ValueError, OSError):
        pass


def _make_context(opts: dict[str, Any], script_name: str | None = None) -> Any:
    from vboshell.runtime.context import ExecutionContext, Host

    host = Host()
    interactive = host.is_interactive and not opts.get("noninteractive")
    ctx = ExecutionContext(host, interactive=interactive, script_name=script_name)
    if opts.get("file") is not None or opts.get("command") is not None:
        _install_ctrl_c(ctx)
    if not opts.get("noprofile"):
        _load_profile(ctx)
    return ctx


def _load_profile(ctx: Any) -> None:
    from vboshell.runtime.display import vboshell_home

    path = os.path.join(vboshell_home(), "profile.ps1")
    if os.path.isfile(path):
        ctx.invoke(f". '{path.replace(chr(39), chr(39) * 2)}'")


def _simple_repl(ctx: Any) -> int:
    from vboshell.language import is_incomplete

    code = 0
    while True:
        try:
            line = input(f"PS {ctx.cwd}> ")
            while is_incomplete(line):
                line += "\n" + input(">> ")
        except EOFError:
            print()
            return code
        except KeyboardInterrupt:
            print()
            continue
        if line.strip().lower() == "exit":
            return code
        try:
            code = ctx.execute(line)
        except KeyboardInterrupt:
            ctx.reset_stop()
            print()
        if getattr(ctx, "exit_requested", False):
            return code


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0].lower() in SUBCOMMANDS:
        return _dispatch_subcommand(argv[0].lower(), argv[1:])
    try:
        opts = _parse(argv)
    except SystemExit as e:
        return int(e.code or 0)
    if opts["help"]:
        sys.stdout.write(USAGE)
        return 0
    if opts["version"]:
        from vboshell import __version__

        sys.stdout.write(f"vboshell {__version__} (Windows PowerShell 5.1 dialect)\n")
        return 0
    try:
        if opts["file"] is not None:
            path = opts["file"]
            if not os.path.isfile(path):
                sys.stderr.write(f'The argument \'{path}\' to the -File parameter does not exist. Provide the path to an '
                                 "existing '.ps1' file as an argument to the -File parameter.\n")
                return 64
            ctx = _make_context(opts, os.path.abspath(path))
            return ctx.run_script_file(path, opts["args"])
        if opts["command"] is not None:
            text = opts["command"]
            if text == "-":
                text = sys.stdin.read()
                opts["nonprompt"] = True
            ctx = _make_context(opts)
            code = ctx.execute(text)
            if code == 0 and not getattr(ctx, "exit_requested", False) and ctx.get_variable("?") is False:
                return 1  # like powershell -Command: the last statement failed
            return code
        if sys.stdin.isatty() and sys.stdout.isatty():
            ctx = _make_context(opts)
            try:
                from vboshell.repl import main as repl_main  # type: ignore[attr-defined]
            except ImportError:
                repl_main = None
            if repl_main is not None:
                return int(repl_main(ctx, opts) or 0)
            return _simple_repl(ctx)
        text = sys.stdin.read()
        ctx = _make_context(opts)
        return ctx.execute(text)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        except OSError:
            pass
        return 0
    except Exception as e:  # noqa: BLE001 - no traceback reaches the user
        from vboshell.runtime.display import format_error_record, internal_error_record

        sys.stderr.write(format_error_record(internal_error_record(e, "cli")) + "\n")
        return 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
