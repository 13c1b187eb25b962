"""Fixtures for the backup engine tests: a VBOSHELL_HOME with an organization connected to a sandbox tenant and a
repository on disk, helpers to create and run jobs, and a comparison of the repository with the sandbox truth."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

CONNECT = (
    "$s = New-VBOOffice365ApplicationOnlyConnectionSettings -TenantId $tenant -ApplicationId $app "
    "-ApplicationSecret (ConvertTo-SecureString $secret -AsPlainText -Force) -Region Custom -AuthorityHost $authority "
    "-GraphEndpoint $graph -CertificateAuthorityPath $ca\n"
    "$org = Add-VBOOrganization -Office365ExchangeConnectionsSettings $s -Office365SharePointConnectionsSettings $s "
    "-WarningAction SilentlyContinue\n"
    "$repo = Add-VBORepository -Name Local -Path $rp\n"
)


def connect_shell(sb: Any, cwd: Any, repo: Any, script: str = "", width: int | None = 200) -> Any:
    """A shell context in `cwd` connected to sandbox `sb` through the cmdlets ($org; $repo at `repo`), then
    `script` run in it."""
    from vboshell.runtime.context import BufferHost, ExecutionContext

    ctx = ExecutionContext(BufferHost(width=width) if width else BufferHost(), cwd=cwd)
    for k, v in dict(tenant=sb.tenant_id, app=sb.client_id, secret=sb.client_secret, authority=sb.authority_host,
                     graph=sb.graph_endpoint, ca=sb.ca_bundle_path, rp=str(repo)).items():
        ctx.set_variable(k, v)
    ctx.invoke(CONNECT + script, raise_errors=True)
    return ctx


class Env:
    def __init__(self, sb: Any, ctx: Any, home: str) -> None:
        self.sb = sb
        self.ctx = ctx
        self.home = home
        from vboshell.store.catalog import Catalog

        self.catalog = Catalog.default()
        self.org_id = str(ctx.get_variable("org").Id)
        self.repo_id = str(ctx.get_variable("repo").Id)

    def run(self, script: str) -> list[Any]:
        return self.ctx.invoke(script, raise_errors=True)

    def job(self, name: str = "J", **kw: Any) -> Any:
        from vboshell.store.records import JobRecord

        kw.setdefault("entire_organization", True)
        return self.catalog.add_job(JobRecord(name=name, organization_id=self.org_id, repository_id=self.repo_id, **kw))

    def backup(self, job: Any, **kw: Any) -> Any:
        from vboshell.backup.runner import JobRunner

        return JobRunner(self.catalog.get_job(job.id), self.catalog, **kw).run()

    def repo(self) -> Any:
        from vboshell.repository.manage import open_repository

        return open_repository(self.catalog.get_repository(self.repo_id), self.catalog)

    def logs(self, session: Any) -> list[Any]:
        return self.catalog.job_session_logs(session.id)


def _make_env(sb: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    home = str(tmp_path / "home")
    monkeypatch.setenv("VBOSHELL_HOME", home)
    ctx = connect_shell(sb, tmp_path, tmp_path / "repo", width=None)
    yield Env(sb, ctx, home)
    from vboshell.graph.sync import close_all

    close_all()


@pytest.fixture
def env(sandbox: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    """Shared (read-only) sandbox tenant."""
    yield from _make_env(sandbox, tmp_path, monkeypatch)


@pytest.fixture
def fresh_env(fresh_sandbox: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    """A tenant of its own (mutations, counters, knobs)."""
    yield from _make_env(fresh_sandbox, tmp_path, monkeypatch)


# ------------------------------------------------------------------------------------------------ comparison


def repo_state(repo: Any) -> dict[tuple[str, str, str], Any]:
    """{(object external id, service, item id): ItemVersion} at the latest committed restore point."""
    view = repo.view()
    out = {}
    for obj in view.objects():
        for svc in ("Exchange", "ExchangeArchive", "OneDrive", "SharePoint", "Teams"):
            for v in view.items(obj, svc, None, recursive=True):
                out[(obj.external_id, svc, v.item_id)] = v
    return out


def compare_with_truth(sb: Any, repo: Any, *, content: bool = True, paths: bool = True) -> dict[str, int]:
    """Assert the latest restore point holds exactly the tenant's current items (ids, folders, content).
    Returns counts per kind."""
    t = sb.truth
    state = repo_state(repo)
    counts: dict[str, int] = {}

    def of(obj_id: str, svc: str, kind: str) -> dict[str, Any]:
        return {k[2]: v for k, v in state.items() if k[0] == obj_id and k[1] == svc and v.metadata.get("type") == kind}

    users = [u for u in t.users() if u["listedInGraph"]]
    for u in users:
        try:
            msgs = t.messages(u["id"], with_mime=content)
        except Exception:  # noqa: BLE001 - no mailbox
            continue
        stored = of(u["id"], "Exchange", "message")
        assert set(stored) == {m["id"] for m in msgs}, f"messages of {u['userPrincipalName']}"
        for m in msgs:
            v = stored[m["id"]]
            assert not paths or v.folder == m["folderPath"], (m["subject"], v.folder, m["folderPath"])
            if content:
                assert repo.read_content(v) == m["mime"]
        counts["messages"] = counts.get("messages", 0) + len(msgs)
        assert set(of(u["id"], "Exchange", "contact")) == {c["id"] for c in t.contacts(u["id"])}
        assert set(of(u["id"], "Exchange", "event")) == {e["id"] for e in t.events(u["id"])}
        if u["hasArchive"]:
            am = t.messages(u["id"], mailbox="archive", with_mime=content)
            stored = of(u["id"], "ExchangeArchive", "message")
            assert set(stored) == {m["id"] for m in am}
            if content:
                for m in am:
                    assert repo.read_content(stored[m["id"]]) == m["mime"]
            counts["archive"] = counts.get("archive", 0) + len(am)
    for d in t.drives():
        items = t.drive_items(d["id"], with_content=content)
        if d["ownerKind"] == "user":
            owner, svc, prefix = d["ownerId"], "OneDrive", ""
            if not any(u["id"] == owner for u in users):
                continue
        else:
            site = next((s for s in t.sites() if d["id"] in s["drives"]), None)
            if site is None:
                continue
            owner, svc, prefix = site["id"], "SharePoint", d["name"]
        stored = {k[2]: v for k, v in state.items() if k[0] == owner and k[1] == svc
                  and v.metadata.get("driveId") == d["id"]}
        assert set(stored) == {i["id"] for i in items}, f"drive {d['name']} of {owner}"
        for i in items:
            v = stored[i["id"]]
            parent = i["path"].rsplit("/", 1)[0] if "/" in i["path"] else ""
            assert not paths or v.folder == "/".join(x for x in (prefix, parent) if x), (i["path"], v.folder)
            if content and not i["isFolder"]:
                assert repo.read_content(v) == i["content"], i["path"]
        counts["driveItems"] = counts.get("driveItems", 0) + len(items)
    for s in t.sites():
        for li in s["lists"]:
            if li["template"] != "genericList" or li["hidden"]:
                continue
            stored = {k[2]: v for k, v in state.items() if k[0] == s["id"] and k[1] == "SharePoint"
                      and v.metadata.get("type") == "listItem" and v.metadata.get("listId") == li["id"]}
            truth = t.list_items(s["id"], li["id"])
            assert {v.metadata["id"] for v in stored.values()} == {x["id"] for x in truth}, li["displayName"]
            for x in truth:
                v = stored[f"list:{li['id']}:item:{x['id']}"]
                assert v.metadata["fields"]["Title"] == x["Title"]
            counts["listItems"] = counts.get("listItems", 0) + len(truth)
    for tm in t.teams():
        for ch in tm["channels"]:
            truth = [m for m in t.channel_messages(tm["id"], ch["id"]) if not m["deleted"]]
            stored = {k[2]: v for k, v in state.items() if k[0] == tm["id"] and k[1] == "Teams"
                      and v.metadata.get("type") in ("post", "reply") and v.metadata.get("channelId") == ch["id"]}
            assert set(stored) == {m["id"] for m in truth}, ch["displayName"]
            import json

            for m in truth:
                assert json.loads(repo.read_content(stored[m["id"]]))["body"]["content"] == m["body"]
            counts["posts"] = counts.get("posts", 0) + len(truth)
    return counts
