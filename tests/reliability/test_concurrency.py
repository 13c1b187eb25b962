"""Concurrency without jobs: two processes changing the catalogue at once lose nothing; two writers on one
repository are serialised or refused clearly and never corrupt it."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.conftest import ROOT, child_env, pick, vboshell_exe

WORKER = r"""
param([string]$Who, [int]$N, [string]$OrgId, [string]$Base, [string]$Go)
$ErrorActionPreference = 'Stop'
while (-not (Test-Path $Go)) { Start-Sleep -Milliseconds 5 }
$periods = 'Year1', 'Years2', 'Years3', 'Years5', 'Years7'
for ($i = 1; $i -le $N; $i++) {
    $null = Add-VBORepository -Name "$Who-$i" -Path (Join-Path $Base "$Who-$i")
    $shared = Get-VBORepository -Name 'Shared'
    $org = Get-VBOOrganization -Id $OrgId
    if ($Who -eq 'A') {
        $null = Set-VBORepository -Repository $shared -Description "A-$i"
        $null = Set-VBOOrganization -Organization $org -Description "A-$i"
    } else {
        $null = Set-VBORepository -Repository $shared -RetentionPeriod $periods[$i % 5]
        $null = Set-VBOOrganization -Organization $org -Name "Org-B-$i"
    }
}
"DONE $Who"
"""


def _add_org(home: Path, sandbox: Any) -> str:
    from vboshell.runtime.context import BufferHost, ExecutionContext

    ctx = ExecutionContext(BufferHost(width=200), interactive=False)
    ctx.set_variable("secret", _secure(sandbox.client_secret))
    out = ctx.invoke(
        f"$s = New-VBOOffice365ApplicationOnlyConnectionSettings -TenantId '{sandbox.tenant_id}' "
        f"-ApplicationId '{sandbox.client_id}' -ApplicationSecret $secret -Region Custom "
        f"-AuthorityHost '{sandbox.authority_host}' -GraphEndpoint '{sandbox.graph_endpoint}' "
        f"-CertificateAuthorityPath '{sandbox.ca_bundle_path}'\n"
        "(Add-VBOOrganization -Name 'Concurrency Org' -Office365ExchangeConnectionsSettings $s "
        "-Office365SharePointConnectionsSettings $s).Id.ToString()", raise_errors=True)
    return str(out[-1])


def _secure(text: str) -> Any:
    from vboshell.runtime.securestring import SecureString

    return SecureString(text)


def test_two_processes_change_the_catalogue_at_once(home: Path, tmp_path: Path, sandbox: Any) -> None:
    from vboshell.runtime.context import BufferHost, ExecutionContext
    from vboshell.store.catalog import Catalog

    org_id = _add_org(home, sandbox)
    ExecutionContext(BufferHost(), interactive=False).invoke(
        f"Add-VBORepository -Name Shared -Path '{tmp_path / 'shared'}'", raise_errors=True)
    script = tmp_path / "worker.ps1"
    script.write_text(WORKER)
    go = tmp_path / "go"
    n = pick(8, 30)
    procs = [subprocess.Popen([vboshell_exe(), "-NoProfile", "-NonInteractive", "-File", str(script), "-Who", who,
                               "-N", str(n), "-OrgId", org_id, "-Base", str(tmp_path / "repos"), "-Go", str(go)],
                              env=child_env(home), cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for who in ("A", "B")]
    time.sleep(0.5)
    go.touch()
    results = [p.communicate(timeout=240) for p in procs]
    for who, (out, err), p in zip("AB", results, procs, strict=True):
        assert p.returncode == 0 and f"DONE {who}" in out, f"{who}: rc={p.returncode}\n{out}\n{err}"
        assert not err.strip(), err
    cat = Catalog(home / "catalog.db")
    names = {r.name for r in cat.list_repositories()}
    missing = {f"{w}-{i}" for w in "AB" for i in range(1, n + 1)} - names
    assert not missing, f"repositories lost: {sorted(missing)}"
    shared = cat.find_repository("Shared")
    assert shared.description == f"A-{n}", "A's last description change was lost"
    assert shared.retention_period == ("Year1", "Years2", "Years3", "Years5", "Years7")[n % 5], \
        "B's last retention change was lost"
    org = cat.get_organization(org_id)
    assert org.name == f"Org-B-{n}", f"B's last rename was lost (name is {org.name!r})"
    assert org.description == f"A-{n}", f"A's last description was lost (description is {org.description!r})"


def test_same_name_added_by_two_processes_once(home: Path, tmp_path: Path) -> None:
    """Two shells adding the same repository name at the same moment: exactly one succeeds, the other is told."""
    script = tmp_path / "add.ps1"
    script.write_text("param([string]$Go, [string]$P)\n$ErrorActionPreference = 'Stop'\n"
                      "while (-not (Test-Path $Go)) { Start-Sleep -Milliseconds 2 }\n"
                      "Add-VBORepository -Name 'Twin' -Path $P | Out-Null\n'ADDED'")
    go = tmp_path / "go"
    procs = [subprocess.Popen([vboshell_exe(), "-NoProfile", "-File", str(script), "-Go", str(go), "-P",
                               str(tmp_path / f"twin{k}")], env=child_env(home), cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for k in range(2)]
    time.sleep(0.5)
    go.touch()
    res = [p.communicate(timeout=60) for p in procs]
    added = [out for out, _ in res if "ADDED" in out]
    errs = "".join(e for _, e in res)
    from vboshell.store.catalog import Catalog

    assert len(Catalog(home / "catalog.db").list_repositories()) == 1
    assert len(added) == 1, res
    assert "already exists" in errs, errs
    assert "Traceback" not in errs and "locked" not in errs.lower()


# ------------------------------------------------------------------------------- two repository writers

WRITER = """
import sys, time
from vboshell.repository import ObjectRef, Repository, RepositoryLockedError
path, who, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
repo = Repository.open(path, key="conc-key")
done = refused = 0
deadline = time.monotonic() + 60
while done < n and time.monotonic() < deadline:
    try:
        with repo.writer(f"job-{who}", "org") as w:
            w.begin_restore_point()
            for k in range(5):
                w.put_item(ObjectRef("user", who), "Exchange", f"{who}-{done}-{k}", "Inbox", {"subject": who},
                           (f"{who}-{done}-{k} ".encode()) * 500)
            w.commit()
        done += 1
    except RepositoryLockedError as e:
        refused += 1
        if refused == 1:
            print("REFUSED", e, flush=True)
        time.sleep(0.01)
print("DONE", who, done, refused, flush=True)
"""


def test_two_writers_on_one_repository(tmp_path: Path) -> None:
    from vboshell.repository import ObjectRef, Repository

    path = tmp_path / "repo"
    Repository.init(path, key="conc-key").close()
    n = pick(6, 25)
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    procs = [subprocess.Popen([sys.executable, str(script), str(path), who, str(n)], cwd=ROOT,
                              env=child_env(tmp_path / "h"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for who in ("A", "B")]
    res = [p.communicate(timeout=120) for p in procs]
    for (_out, err), p in zip(res, procs, strict=True):
        assert p.returncode == 0, err
        assert "Traceback" not in err
    outs = "".join(o for o, _ in res)
    for line in outs.splitlines():
        if line.startswith("REFUSED"):
            assert re.search(r"in use|lock", line, re.I) and "process" in line, line  # names the holder
    repo = Repository.open(path, key="conc-key")
    try:
        rep = repo.verify()
        assert rep.ok, rep.summary()
        view = repo.view()
        for who in "AB":
            done = int(next(ln.split()[2] for ln in outs.splitlines() if ln.startswith(f"DONE {who}")))
            assert done == n, outs
            for i in range(done):
                for k in range(5):
                    iv = view.get(ObjectRef("user", who), "Exchange", f"{who}-{i}-{k}")
                    assert iv is not None, f"{who}-{i}-{k} lost"
                    assert repo.read_content(iv) == (f"{who}-{i}-{k} ".encode()) * 500
        assert len(repo.restore_points()) == 2 * n
    finally:
        repo.close()


def test_two_writers_in_one_process_are_serialised_or_refused(tmp_path: Path) -> None:
    """Threads of one process (e.g. the service and a shell's job) get the same guarantee."""
    from vboshell.repository import ObjectRef, Repository, RepositoryLockedError

    path = tmp_path / "repo"
    Repository.init(path).close()
    outcomes: list[str] = []

    def work(who: str) -> None:
        repo = Repository.open(path)
        try:
            for i in range(pick(3, 10)):
                while True:
                    try:
                        with repo.writer(f"job-{who}", "org") as w:
                            w.begin_restore_point()
                            w.put_item(ObjectRef("user", who), "OneDrive", f"{who}{i}", "", {}, who.encode() * 1000)
                            time.sleep(0.01)
                            w.commit()
                        outcomes.append(f"{who} ok")
                        break
                    except RepositoryLockedError:
                        outcomes.append(f"{who} refused")
                        time.sleep(0.01)
        finally:
            repo.close()

    threads = [threading.Thread(target=work, args=(w,)) for w in "AB"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    repo = Repository.open(path)
    try:
        assert repo.verify().ok
        assert outcomes.count("A ok") == outcomes.count("B ok") == pick(3, 10)
        assert len(list(repo.view().items(recursive=True))) == 2 * pick(3, 10)
    finally:
        repo.close()


@pytest.mark.parametrize("who", ["reader"])
def test_reader_during_writer_sees_only_complete_restore_points(tmp_path: Path, who: str) -> None:
    from vboshell.repository import ObjectRef, Repository

    path = tmp_path / "repo"
    Repository.init(path).close()
    stop = threading.Event()
    seen: list[int] = []

    def writer() -> None:
        repo = Repository.open(path)
        try:
            i = 0
            while not stop.is_set():
                with repo.writer("j", "o") as w:
                    w.begin_restore_point()
                    for k in range(4):
                        w.put_item(ObjectRef("user", "u"), "Exchange", f"m{i}-{k}", "Inbox", {}, b"x" * 3000 + bytes([k]))
                    w.commit()
                i += 1
        finally:
            repo.close()

    t = threading.Thread(target=writer)
    t.start()
    try:
        reader = Repository.open(path)
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            rps = reader.restore_points()
            if rps:
                view = reader.view(rps[-1])
                n = len(list(view.items(recursive=True)))
                assert n % 4 == 0, f"a restore point shows {n} items: half of a run is visible"
                seen.append(n)
        reader.close()
    finally:
        stop.set()
        t.join(30)
    assert seen


def test_stale_object_does_not_revert_another_shells_change(home: Path, tmp_path: Path, sandbox: Any) -> None:
    """A shell holding an old $org/$repo object changes one property; what another shell (or the service) changed
    meanwhile stays: Set-* applies the parameters given, not the whole stale object."""
    from vboshell.runtime.context import BufferHost, ExecutionContext

    org_id = _add_org(home, sandbox)
    shell = ExecutionContext(BufferHost(width=200), interactive=False)
    shell.invoke(f"$org = Get-VBOOrganization -Id {org_id}; "
                 f"$repo = Add-VBORepository -Name Stale -Path '{tmp_path / 'stale'}'", raise_errors=True)
    other = subprocess.run([vboshell_exe(), "-NoProfile", "-Command",
                            f"$ErrorActionPreference='Stop'; Set-VBOOrganization -Organization "
                            f"(Get-VBOOrganization -Id {org_id}) -Name 'Renamed elsewhere' | Out-Null; "
                            "Set-VBORepository -Repository (Get-VBORepository -Name Stale) -RetentionPeriod Years7 "
                            "| Out-Null; 'OK'"],
                           env=child_env(home), cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "OK" in other.stdout, other.stderr
    shell.invoke("Set-VBOOrganization -Organization $org -Description 'from the old object' | Out-Null; "
                 "Set-VBORepository -Repository $repo -Description 'from the old object' | Out-Null", raise_errors=True)
    from vboshell.store.catalog import Catalog

    cat = Catalog(home / "catalog.db")
    org = cat.get_organization(org_id)
    assert org.description == "from the old object"
    assert org.name == "Renamed elsewhere", "Set-VBOOrganization wrote back the stale name"
    rec = cat.find_repository("Stale")
    assert rec.description == "from the old object" and rec.retention_period == "Years7"
