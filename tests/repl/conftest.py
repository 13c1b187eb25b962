"""Fixtures for the REPL tests: a fake cmdlet registry and a fake execution context.
Unit tests use these so they do not depend on which real cmdlets exist yet."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from vboshell.commands import registry
from vboshell.commands.base import Cmdlet, Parameter, Switch


class FakeGetVBOJob(Cmdlet):
    name = "Get-VBOJob"
    synopsis = "Returns backup jobs."
    parameters = [
        Parameter("Organization", type=object, position=0, parameter_sets=("ByOrganization",),
                  help="Organization whose jobs to return."),
        Parameter("Name", type=str, array=True, help="Job name(s); wildcards allowed."),
        Parameter("Id", type=str, parameter_sets=("ById",), help="Job id."),
        Parameter("Hidden", type=str, dont_show=True),
    ]


class FakeStartVBOJob(Cmdlet):
    name = "Start-VBOJob"
    synopsis = "Starts a backup job."
    supports_should_process = True
    parameters = [
        Parameter("Job", type=object, position=0, mandatory=True, help="The job to start."),
        Parameter("Full", type=Switch, help="Run a full backup."),
        Parameter("RetentionPolicy", type=str, validate_set=("KeepAll", "Snapshot Based", "ItemLevel"),
                  help="Retention kind."),
    ]


class FakeGetChildItem(Cmdlet):
    name = "Get-ChildItem"
    synopsis = "Lists files."
    aliases = ("gci", "ls", "dir")
    parameters = [
        Parameter("Path", type=str, position=0, is_path=True, help="Where to look."),
        Parameter("Recurse", type=Switch),
        Parameter("Force", type=Switch),
    ]


class FakeGetVBORepository(Cmdlet):
    name = "Get-VBORepository"
    synopsis = "Returns backup repositories."
    parameters = [Parameter("Name", type=str, help="Repository name.")]


class FakeGetHelp(Cmdlet):
    name = "Get-Help"
    synopsis = "Shows help."
    aliases = ("help",)
    parameters = [Parameter("Name", type=str, position=0), Parameter("Full", type=Switch)]


FAKE_CMDLETS: list[type[Cmdlet]] = [FakeGetVBOJob, FakeStartVBOJob, FakeGetChildItem, FakeGetVBORepository,
                                    FakeGetHelp]


def _many_params() -> list[Parameter]:
    return [Parameter(f"Param{i:02d}", type=str if i % 3 else Switch, help=f"Parameter number {i}.",
                      validate_set=("Alpha", "Beta", "Gamma") if i == 5 else None) for i in range(20)]


class FakeSetVBOMany(Cmdlet):
    name = "Set-VBOMany"
    synopsis = "A cmdlet with twenty parameters."
    parameters = _many_params()


FAKE_CMDLETS.append(FakeSetVBOMany)


@pytest.fixture
def fake_registry(monkeypatch: pytest.MonkeyPatch) -> list[type[Cmdlet]]:
    by_name: dict[str, type[Cmdlet]] = {}
    for cls in FAKE_CMDLETS:
        for n in registry.names_of(cls):
            by_name[n.lower()] = cls
    monkeypatch.setattr(registry, "all_cmdlets", lambda: list(FAKE_CMDLETS))
    monkeypatch.setattr(registry, "lookup", lambda name: by_name.get(name.lower()))
    monkeypatch.setattr(registry, "all_names", lambda: dict(by_name))
    return FAKE_CMDLETS


@dataclasses.dataclass
class FakeJob:
    Name: str
    Description: str
    IsEnabled: bool


class FakeContext:
    """The parts of ExecutionContext the REPL reads."""

    def __init__(self, cwd: Path | None = None) -> None:
        self.vars: dict[str, Any] = {
            "job": FakeJob("Daily", "every day", True),
            "jobs": [FakeJob("A", "", True), FakeJob("B", "", False)],
            "text": "hello",
            "ht": {"Alpha": 1, "Beta": 2},
            "JobName": "Daily",
        }
        self.functions: dict[str, Any] = {}
        self.cwd = cwd or Path.cwd()
        self.executed: list[str] = []

    def variables(self, scope: str | None = None) -> dict[str, Any]:
        return dict(self.vars)

    def get_variable(self, name: str, default: Any = None) -> Any:
        for k, v in self.vars.items():
            if k.lower() == name.lower():
                return v
        return default

    def execute(self, text: str, file: str | None = None) -> int:
        self.executed.append(text)
        return 0

    def invoke(self, text: str) -> list[Any]:
        self.executed.append("invoke: " + text)
        return ["help text\n"]

    def set_variable(self, name: str, value: Any, scope: str | None = None) -> None:
        self.vars[name] = value

    def reset_stop(self) -> None:
        pass

    def stop(self) -> None:
        pass


@pytest.fixture
def fake_context(tmp_path: Path) -> FakeContext:
    (tmp_path / "alpha.txt").write_text("a")
    (tmp_path / "alps").mkdir()
    (tmp_path / "beta dir").mkdir()
    (tmp_path / "script.ps1").write_text("1")
    (tmp_path / ".hidden").write_text("h")
    return FakeContext(tmp_path)
