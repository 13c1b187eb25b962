"""Fixtures of the restore tests: a sandbox tenant backed up once by the real job runner, in a catalogue of its own,
and a shell session (ExecutionContext) on that catalogue."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

SPEC: dict[str, Any] = {"users": {"count": 3, "archive": 1}, "shared": 0, "rooms": 0, "equipment": 0,
                        "mail": {"messagesPerMailbox": 8, "archiveMessages": 2, "largeMessages": 1},
                        "contacts": {"perMailbox": 1}, "events": {"perMailbox": 1},
                        "onedrive": {"files": 4, "folders": 2, "largeFiles": 1},
                        "groups": {"unified": 1, "teams": 1, "security": 0, "distribution": 0},
                        "sharepoint": {"sites": 1, "libraryFiles": 3, "libraryFolders": 1, "listItems": 3},
                        "teams": {"channels": 1, "posts": 2, "replies": 1}}


@dataclass
class Env:
    sb: Any
    home: str
    ctx: Any
    catalog: Any
    org: Any
    job: Any
    repo: Any

    def run(self, script: str) -> list[Any]:
        """Run a script in the shell session; fails the test on any displayed error."""
        host = self.ctx.host
        start = len(host.error_text)
        out = self.ctx.invoke(script)
        err = host.error_text[start:]
        assert err == "", err
        return list(out)

    def run_errors(self, script: str) -> tuple[list[Any], str]:
        host = self.ctx.host
        start = len(host.error_text)
        try:
            out = list(self.ctx.invoke(script))
        except Exception as exc:  # noqa: BLE001
            return [], str(exc)
        return out, host.error_text[start:]

    def backup(self) -> Any:
        from vboshell.backup.runner import start_job

        job = self.catalog.get_job(self.job.id)
        r = start_job(job, self.catalog, wait=True)
        return r


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    """A tenant of its own per test module, connected and backed up once (restore point 1)."""
    gen = make_env(tmp_path_factory)
    e = next(gen)
    e.backup()
    yield e
    gen.close()


def make_env(tmp_path_factory: pytest.TempPathFactory, spec: dict[str, Any] | None = None) -> Iterator[Env]:
    from vboshell.runtime.context import BufferHost, ExecutionContext
    from vboshell.sandbox import Sandbox
    from vboshell.store.catalog import Catalog
    from vboshell.store.records import JobRecord

    home = str(tmp_path_factory.mktemp("restore-home"))
    mp = pytest.MonkeyPatch()
    mp.setenv("VBOSHELL_HOME", home)
    sb = Sandbox(spec or SPEC, seed=42).start()
    try:
        ctx = ExecutionContext(BufferHost(width=200), cwd=home)
        ctx.invoke(
            f"$settings = New-VBOOffice365ApplicationOnlyConnectionSettings -TenantId '{sb.tenant_id}' "
            f"-ApplicationId '{sb.client_id}' -ApplicationSecret (ConvertTo-SecureString '{sb.client_secret}' "
            f"-AsPlainText -Force) -Region Custom -AuthorityHost '{sb.authority_host}' "
            f"-GraphEndpoint '{sb.graph_endpoint}' -CertificateAuthorityPath '{sb.ca_bundle_path}'\n"
            "$org = Add-VBOOrganization -Office365ExchangeConnectionsSettings $settings "
            "-Office365SharePointConnectionsSettings $settings\n"
            f"$repo = Add-VBORepository -Name 'R1' -Path '{os.path.join(home, 'repo')}'\n")
        assert ctx.host.error_text == "", ctx.host.error_text
        cat = Catalog.default()
        org = cat.list_organizations()[0]
        repo = cat.list_repositories()[0]
        job = cat.add_job(JobRecord(name="Backup1", organization_id=org.id, repository_id=repo.id,
                                    entire_organization=True))
        env = Env(sb, home, ctx, cat, org, job, repo)
        yield env
    finally:
        from vboshell.graph.sync import close_all

        close_all()
        sb.stop()
        mp.undo()
