"""The admin-workflow examples in examples/ are clean for `vboshell check`: every cmdlet, parameter and value they use
exists in vboshell and works in API-only mode (test_examples_run.py runs them against the sandbox)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vboshell.migration import check

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SCRIPTS = ["daily-session-report.ps1", "add-unprotected-users-to-job.ps1", "failed-objects-report.ps1",
           "restore-deleted-mail.ps1", "protected-users-report.ps1", "nightly-run.ps1"]


@pytest.mark.parametrize("name", SCRIPTS)
def test_example_is_clean(name: str) -> None:
    path = EXAMPLES / name
    assert path.is_file()
    report = check.Checker().check_file(path, name)
    assert [f"{f.line}:{f.column} {f.category} {f.code}: {f.message}" for f in report.findings] == []
