"""Faults: backups of the demo tenant under random 429/503/504, connection resets, token expiry and expired delta
tokens complete with every item present, byte-identical to the sandbox truth, without duplicates."""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from tests.reliability.conftest import FULL, sandbox_home

pytest.importorskip("vboshell.backup.runner", reason="backup job runner (issue 8) not available")

from tests.backup.conftest import compare_with_truth, connect_shell  # noqa: E402

# The fault mix. Retry-After 0 keeps the default suite fast (the client's own backoff still applies);
# the full run uses the sandbox's 1 s.
FAULTS: dict[str, Any] = {"error_rate": 0.05, "error_statuses": [429, 503, 504], "reset_rate": 0.01,
                          "delta_expiry_rate": 0.10, "include_downloads": True, "retry_after_s": 1 if FULL else 0}
# "every 30 s", time-scaled: the runs take seconds, not minutes. Kept longer than one request's retry span
# (Retry-After and backoff are not scaled), as 30 s is against real Retry-After values: the client refreshes a
# token once per request, which covers one expiry while a request is retried.
TOKEN_EXPIRY_EVERY_S = 5.0 if FULL else 1.5
SPEC: Any = "default" if FULL else "tiny"
ROUNDS = 3 if FULL else 1  # incremental runs (with tenant changes) after the first full one


class TokenExpirer:
    """Expires every issued access token at a fixed interval while a run is going on."""

    def __init__(self, sb: Any, every: float) -> None:
        self.sb, self.every = sb, every
        self.stop = threading.Event()
        self.count = 0
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self.stop.wait(self.every):
            self.sb.expire_access_tokens()
            self.count += 1

    def __enter__(self) -> TokenExpirer:
        # the first expiry as the run starts: the token kept from the last run is refused at its first request (as
        # between scheduled runs) — a small tenant's incremental run can end before any later expiry
        self.sb.expire_access_tokens()
        self.count += 1
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop.set()
        self.thread.join(5)


def mutate(sb: Any, k: int) -> dict[str, int]:
    """Changes between runs: new, changed, moved and deleted mail, files, list items and posts."""
    t, m = sb.truth, sb.mutate
    users = [u for u in t.users() if u["listedInGraph"] and u["hasDrive"] and u["purpose"] == "user"]
    u = users[k % len(users)]["id"]
    msgs = t.messages(u)
    m.add_message(user=u, folder="inbox", subject=f"reliability new {k}", body=f"body {k} " * 50)
    m.update_message(user=u, message_id=msgs[0]["id"], subject=f"reliability changed {k}")
    m.delete_message(user=u, message_id=msgs[-1]["id"])
    drive = t.drive_id(u)
    files = [i for i in t.drive_items(drive) if not i["isFolder"] and i["path"].count("/") == 0]
    m.add_file(drive=drive, parent="root", name=f"reliability-{k}.bin", data=os.urandom(50_000 + k))
    if files:
        m.update_file(drive=drive, item=files[0]["id"], data=os.urandom(30_000))
        if len(files) > 1:
            m.delete_drive_item(drive=drive, item=files[-1]["id"])
    teams = t.teams()
    if teams:
        ch = teams[0]["channels"][0]
        m.add_channel_message(team=teams[0]["id"], channel=ch["id"], html=f"<p>reliability post {k}</p>")
    return {"user": 1}


@pytest.fixture(scope="module")
def faulted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    from vboshell.backup.runner import JobRunner
    from vboshell.repository.manage import open_repository
    from vboshell.store.catalog import Catalog
    from vboshell.store.records import JobRecord

    base = tmp_path_factory.mktemp("faults")
    with sandbox_home(base, SPEC, 1127) as sb:
        ns = SimpleNamespace(sb=sb, sessions=[], faults=Counter(), expiries=0, token_requests=0)
        ctx = connect_shell(sb, base, base / "repo", width=None)
        cat = Catalog.default()
        org_id, repo_id = str(ctx.get_variable("org").Id), str(ctx.get_variable("repo").Id)
        job = cat.add_job(JobRecord(name="Faults", organization_id=org_id, repository_id=repo_id,
                                    entire_organization=True))
        ns.catalog, ns.job = cat, job
        for rnd in range(ROUNDS + 1):
            if rnd:
                mutate(sb, rnd)
            sb.reset_counters()
            sb.configure_faults(**FAULTS, seed=1000 + rnd)
            with TokenExpirer(sb, TOKEN_EXPIRY_EVERY_S) as ex:
                s = JobRunner(cat.get_job(job.id), cat).run()
            sb.reset_faults()
            c = sb.counters()
            ns.faults.update(c["faults_by_kind"])
            ns.expiries += ex.count
            ns.token_requests += c["token_requests"]
            ns.sessions.append((s, cat.job_session_logs(s.id)))
        ns.repo = open_repository(cat.get_repository(repo_id), cat)
        yield ns
        ns.repo.close()


def _problems(logs: list[Any]) -> list[str]:
    return [f"{e.type}: {e.title}: {e.message}" for e in logs if e.type == "Error"]


def test_faults_were_really_injected(faulted: SimpleNamespace) -> None:
    f = faulted.faults
    assert sum(v for k, v in f.items() if k.startswith("status_")) >= 5, f
    assert faulted.expiries >= 1 and faulted.token_requests >= 2, (faulted.expiries, faulted.token_requests)
    assert f.get("delta_expired", 0) >= 1, f
    if FULL:
        assert f.get("reset", 0) >= 1, f


def test_every_run_completes(faulted: SimpleNamespace) -> None:
    for s, logs in faulted.sessions:
        assert s.status in ("Success", "Warning"), (s.status, _problems(logs))
        assert not _problems(logs), _problems(logs)
        assert s.restore_point_id


def test_content_is_byte_identical_to_truth(faulted: SimpleNamespace) -> None:
    counts = compare_with_truth(faulted.sb, faulted.repo, content=True)
    assert counts.get("messages") and counts.get("driveItems"), counts


def test_no_duplicates(faulted: SimpleNamespace) -> None:
    """One current version per item, and no item stored twice with the same content and change key (a retried or
    resynced read must not create versions)."""
    repo = faulted.repo
    view = repo.view()
    seen: Counter[tuple[str, str, str]] = Counter()
    for obj in view.objects():
        for svc in ("Exchange", "ExchangeArchive", "OneDrive", "SharePoint", "Teams"):
            for v in view.items(obj, svc, None, recursive=True):
                seen[(obj.external_id, svc, v.item_id)] += 1
    dups = [k for k, n in seen.items() if n > 1]
    assert not dups, dups[:5]
    redundant = []
    for obj in view.objects():
        for svc in ("Exchange", "OneDrive", "SharePoint", "Teams"):
            for v in view.items(obj, svc, None, recursive=True):
                versions = repo.versions(obj, svc, v.item_id)
                for a, b in zip(versions, versions[1:], strict=False):
                    if a.chunk_ids == b.chunk_ids and a.change_key == b.change_key and a.folder == b.folder \
                            and a.metadata == b.metadata:
                        redundant.append((svc, v.metadata.get("type"), v.name, a.version_id, a.from_seq, a.to_seq,
                                          b.version_id, b.from_seq, b.to_seq))
    assert not redundant, redundant[:5]


def test_repository_verifies(faulted: SimpleNamespace) -> None:
    rep = faulted.repo.verify()
    assert rep.ok, rep.summary()


def test_faults_show_as_retries_in_the_session_log(faulted: SimpleNamespace) -> None:
    """The promise: the faults are visible in the session log as retries (not as errors)."""
    text = "\n".join(f"{e.title} {e.message}" for _, logs in faulted.sessions for e in logs).lower()
    assert "retr" in text or "throttl" in text
    retry_entries = [e for _, logs in faulted.sessions for e in logs
                     if e.title.startswith(("Throttled by Microsoft 365", "Transient errors"))]
    assert retry_entries and all(e.type == "Info" for e in retry_entries), retry_entries
