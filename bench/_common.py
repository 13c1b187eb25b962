"""Helpers shared by the backup benchmarks: tenant specs by size, machine description, process measures
(CPU time, peak RSS, load average) and the VBOSHELL_HOME setup (organization, repository, job) for a sandbox."""

from __future__ import annotations

import os
import platform
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Items per user of the benchmark tenant: mostly mail (as in most tenants), a OneDrive of files, a few contacts
# and events. SharePoint sites and Teams are kept small (one each) so the mailbox/OneDrive figures dominate.
PER_USER_MAIL = {"10k": 400, "100k": 800}
PER_USER_FILES = {"10k": 100, "100k": 200}


def tenant_spec(users: int, messages: int, files: int, file_bytes: int = 100_000) -> dict[str, Any]:
    """A sandbox spec with `users` mailboxes of `messages` messages and OneDrives of `files` files."""
    return {
        "users": {"count": users, "archive": 0, "noDrive": 0},
        "mail": {"messagesPerMailbox": messages, "archiveMessages": 0, "attachmentRate": 0.3, "largeMessages": 0},
        "contacts": {"perMailbox": 4}, "events": {"perMailbox": 4},
        "shared": 0, "rooms": 0, "equipment": 0,
        "groups": {"unified": 1, "teams": 1, "security": 0, "distribution": 0, "dynamicDistribution": 0},
        "onedrive": {"folders": 5, "files": files, "maxFileBytes": file_bytes, "largeFiles": 0, "oneNote": False},
        "sharepoint": {"sites": 0, "libraryFiles": 10, "libraryFolders": 1, "lists": 1, "listItems": 10},
        "teams": {"channels": 1, "posts": 5, "replies": 1},
        "chats": {"oneOnOne": 0, "group": 0, "messages": 0},
    }


def size_spec(size: str, users: int | None = None) -> tuple[dict[str, Any], str]:
    """'10k' / '100k' / 'smoke' or '<users>x<messages>x<files>' -> (spec, description)."""
    if size == "smoke":
        u, m, f = 3, 20, 5
    elif size in PER_USER_MAIL:
        u = 20 if size == "10k" else 100
        m, f = PER_USER_MAIL[size], PER_USER_FILES[size]
    else:
        u, m, f = (int(x) for x in size.lower().split("x"))
    if users:
        u = users
    return tenant_spec(u, m, f), f"{u} users x ({m} messages + {f} files)"


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def peak_rss_mb() -> float:
    """This process's peak resident set size in MiB. On Linux from /proc/self/status VmHWM: `ru_maxrss` survives
    exec, so a child started by a big parent reports the parent's size at fork time (the benchmark driver, which
    holds the tenant, was ~156 MB at 100k items: every child then "peaked" at 156 MB or more)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0  # KiB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB; macOS: bytes (not used here)


def loadavg() -> float:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:  # pragma: no cover
        return -1.0


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) / 1048576
                break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model or platform.processor(), "ram_gb": round(mem, 1),
            "python": platform.python_version(), "platform": platform.platform()}


CONNECT = (
    "$s = New-VBOOffice365ApplicationOnlyConnectionSettings -TenantId $tenant -ApplicationId $app "
    "-ApplicationSecret (ConvertTo-SecureString $secret -AsPlainText -Force) -Region Custom -AuthorityHost $authority "
    "-GraphEndpoint $graph -CertificateAuthorityPath $ca\n"
    "$org = Add-VBOOrganization -Office365ExchangeConnectionsSettings $s -Office365SharePointConnectionsSettings $s "
    "-WarningAction SilentlyContinue\n"
    "$repo = Add-VBORepository -Name Bench -Path $rp\n"
)


def setup_home(sb: Any, home: Path) -> str:
    """Create organization, repository and an entire-organization job in VBOSHELL_HOME=home; returns the job id.
    Runs in a child-free way: the caller's process must already have VBOSHELL_HOME set to `home`."""
    from vboshell.runtime.context import BufferHost, ExecutionContext
    from vboshell.store.catalog import Catalog
    from vboshell.store.records import JobRecord

    ctx = ExecutionContext(BufferHost(), cwd=home)
    for k, v in dict(tenant=sb.tenant_id, app=sb.client_id, secret=sb.client_secret, authority=sb.authority_host,
                     graph=sb.graph_endpoint, ca=sb.ca_bundle_path, rp=str(home / "repo")).items():
        ctx.set_variable(k, v)
    ctx.invoke(CONNECT, raise_errors=True)
    cat = Catalog.default()
    job = cat.add_job(JobRecord(name="Bench", organization_id=str(ctx.get_variable("org").Id),
                                repository_id=str(ctx.get_variable("repo").Id), entire_organization=True))
    from vboshell.graph.sync import close_all

    close_all()
    return str(job.id)


class Timer:
    def __enter__(self) -> Timer:
        self.t0 = time.perf_counter()
        self.c0 = cpu_seconds()
        self.r0 = resource.getrusage(resource.RUSAGE_SELF)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.wall = time.perf_counter() - self.t0
        self.cpu = cpu_seconds() - self.c0
        r = resource.getrusage(resource.RUSAGE_SELF)
        self.cpu_sys = r.ru_stime - self.r0.ru_stime  # of which in the kernel (system calls, page faults)
        self.switches = (r.ru_nvcsw - self.r0.ru_nvcsw) + (r.ru_nivcsw - self.r0.ru_nivcsw)
        self.voluntary_switches = r.ru_nvcsw - self.r0.ru_nvcsw
