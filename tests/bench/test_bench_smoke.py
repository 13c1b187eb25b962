"""Smoke run of the backup benchmark (bench/backup.py) on a tiny tenant: every phase and the naive baseline run
and print their figures; no timing is asserted (figures on a shared 2-core machine are not test material)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_backup_benchmark_smoke(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    p = subprocess.run([sys.executable, str(ROOT / "bench" / "backup.py"), "--size", "smoke", "--latency-ms", "5",
                        "--baseline-seconds", "2", "--workdir", str(tmp_path), "--json", str(out)],
                       capture_output=True, text=True, timeout=120, cwd=str(ROOT))
    assert p.returncode == 0, p.stderr[-3000:]
    assert "Traceback" not in p.stdout + p.stderr
    import json

    run = json.loads(out.read_text())["runs"][0]
    phases = {ph["phase"]: ph for ph in run["phases"]}
    assert phases["full"]["status"] == "Success" and phases["full"]["items"] > 0
    assert phases["incremental"]["status"] == "Success"
    assert phases["full"]["cpu_ms_per_item"] is not None and phases["full"]["peak_rss_mb"] > 0
    assert run["baseline"].get("items", 0) > 0, run["baseline"]
    assert "restore_raw" in run and "mailbox" in run["restore_raw"], run.get("restore_raw")
    assert "efficiency" in phases["full"] and run["targets"]
