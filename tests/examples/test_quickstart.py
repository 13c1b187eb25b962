"""examples/quickstart.ps1 runs end to end through the CLI, as the README's first command runs it, on a fresh
VBOSHELL_HOME and a second time on the same one (it reuses its organization, repository and job)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QUICKSTART = ROOT / "examples" / "quickstart.ps1"


def _vboshell() -> list[str]:
    script = Path(sys.executable).parent / ("vboshell.exe" if os.name == "nt" else "vboshell")
    return [str(script)] if script.exists() else [sys.executable, "-m", "vboshell"]


def _run(home: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VBOSHELL_HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run([*_vboshell(), "-File", str(QUICKSTART)], cwd=cwd, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=240)


def test_quickstart_runs_twice_on_a_fresh_home(tmp_path: Path) -> None:
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    cwd.mkdir()

    first = _run(home, cwd)
    out = first.stdout
    assert first.returncode == 0, out + first.stderr
    assert first.stderr == ""
    for line in ("Added organization contoso.onmicrosoft.com",
                 "Status               : Success",
                 "Found in the backup: Invoice INV-2026-0042 from Fabrikam",
                 "CreatedCount : 1",
                 "Alice's mailbox now holds: Invoice INV-2026-0042 from Fabrikam",
                 "Quickstart finished."):
        assert line in out, f"{line!r} not in the quickstart's output:\n{out}"
    assert "Alice Brown <alice@contoso.onmicrosoft.com>" in out
    assert "alice Message Invoice INV-2026-0042 from Fabrikam Inbox" in out  # Remove-VBOSandboxItem's table row
    mbox = home / "quickstart-export" / "alice-inbox.mbox"
    assert f"message(s) written to {mbox}" in out
    data = mbox.read_bytes()
    assert data.startswith(b"From ") and b"INV-2026-0042" in data
    assert (home / "repositories" / "quickstart").is_dir()

    second = _run(home, cwd)
    assert second.returncode == 0, second.stdout + second.stderr
    assert second.stderr == ""
    assert "Organization contoso.onmicrosoft.com is already added" in second.stdout
    assert "CreatedCount : 1" in second.stdout and "Quickstart finished." in second.stdout
    assert second.stdout.count("Quickstart - entire organization contoso.onmicrosoft.com") >= 2  # two restore points
