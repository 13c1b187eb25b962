"""Get-Process (minimal): the local processes via psutil, shown with Windows PowerShell's process table.
Stop-Process is deliberately absent: vboshell manages Microsoft 365 data, not the host machine."""

from __future__ import annotations

from typing import Any

from vboshell.builtins._util import as_list, to_string
from vboshell.commands.base import Cmdlet, Example, Parameter
from vboshell.commands.registry import register
from vboshell.format.properties import has_wildcard, wildcard_match
from vboshell.runtime.errors import ErrorCategory, ErrorRecord
from vboshell.runtime.psobject import TypeView, ps_type


def _kb(n: Any) -> Any:
    return None if n is None else int(n) // 1024


_VIEW = TypeView(table=(
    ("Handles", "Handles", 7, "right"), ("NPM", "NPM(K)", 7, "right"), ("PMK", "PM(K)", 8, "right"),
    ("WSK", "WS(K)", 10, "right"),
    {"property": "CPU", "label": "CPU(s)", "width": 10, "align": "right",
     "expression": lambda p: "" if p.CPU is None else f"{p.CPU:.2f}"},
    ("Id", "Id", 6, "right"), ("SI", "SI", 3, "right"), ("ProcessName", "ProcessName", None, "left"),
), kind="table")


@ps_type("System.Diagnostics.Process", view=_VIEW)
class ProcessInfo:
    def __init__(self, proc: Any) -> None:
        with proc.oneshot():
            self.Id = proc.pid
            self.ProcessName = proc.name()
            try:
                mem = proc.memory_info()
                self.WorkingSet = mem.rss
                self.PrivateMemorySize = getattr(mem, "vms", 0)
            except Exception:  # noqa: BLE001 - access denied for other users' processes
                self.WorkingSet = self.PrivateMemorySize = None
            try:
                t = proc.cpu_times()
                self.CPU = float(t.user + t.system)
            except Exception:  # noqa: BLE001
                self.CPU = None
            try:
                self.Handles = proc.num_fds()
            except Exception:  # noqa: BLE001
                self.Handles = 0
            try:
                self.Path = proc.exe()
            except Exception:  # noqa: BLE001
                self.Path = None
        self.SI = 0
        self.NPM = 0

    @property
    def PMK(self) -> Any:  # noqa: N802
        return _kb(self.PrivateMemorySize)

    @property
    def WSK(self) -> Any:  # noqa: N802
        return _kb(self.WorkingSet)

    @property
    def Name(self) -> str:  # noqa: N802
        return self.ProcessName

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("Name", self.ProcessName), ("Id", self.Id), ("ProcessName", self.ProcessName),
                ("CPU", self.CPU), ("WorkingSet", self.WorkingSet), ("WS", self.WorkingSet),
                ("PM", self.PrivateMemorySize), ("Handles", self.Handles), ("Path", self.Path),
                ("SI", self.SI), ("NPM", self.NPM), ("PMK", self.PMK), ("WSK", self.WSK)]

    def __str__(self) -> str:
        return f"System.Diagnostics.Process ({self.ProcessName})"


@register
class GetProcess(Cmdlet):
    name = "Get-Process"
    aliases = ("gps", "ps")
    module = "Microsoft.PowerShell.Management"
    synopsis = "Gets the processes that are running on the local computer."
    description = "Lists local processes (Handles, memory, CPU seconds, Id, ProcessName), optionally by -Name " \
                  "(wildcards allowed) or -Id."
    parameters = [
        Parameter("Name", str, array=True, position=0, value_from_pipeline_by_property_name=True,
                  aliases=("ProcessName",), help="Process names; wildcards allowed."),
        Parameter("Id", int, array=True, value_from_pipeline_by_property_name=True, help="Process ids."),
    ]
    examples = [Example("(Get-Process -Id $PID).Id -eq $PID", "The shell's own process.", expect="True")]

    def process_record(self) -> None:
        import psutil

        names = [to_string(n) for n in as_list(self.Name)]
        ids = [int(i) for i in as_list(self.Id)]
        found: set[str] = set()
        for proc in sorted(psutil.process_iter(["name"]), key=lambda p: ((p.info.get("name") or "").lower(), p.pid)):
            try:
                if ids and proc.pid not in ids:
                    continue
                pname = proc.name()
                if names:
                    hit = [n for n in names if wildcard_match(n, pname)]
                    if not hit:
                        continue
                    found.update(n.lower() for n in hit)
                found.add(str(proc.pid))
                self.write_object(ProcessInfo(proc))
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
        for n in names:
            if not has_wildcard(n) and n.lower() not in found:
                self.write_error(ErrorRecord(
                    f'Cannot find a process with the name "{n}". Verify the process name and call the cmdlet again.',
                    "NoProcessFoundForGivenName", ErrorCategory.ObjectNotFound, n,
                    exception_type="ProcessCommandException"))
        for i in ids:
            if str(i) not in found:
                self.write_error(ErrorRecord(
                    f"Cannot find a process with the process identifier {i}.", "NoProcessFoundForGivenId",
                    ErrorCategory.ObjectNotFound, i, exception_type="ProcessCommandException"))
