"""Cold-start benchmark: median wall time of `vboshell -Command '1+1'` over 10 runs, and the ratio to `python -c pass`.
Run by hand: `.venv/bin/python bench/startup.py` (target: median <= 0.30 s)."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time

RUNS = 10


# An installed vboshell has compiled bytecode (pip compiles it); measure that state even when the
# developer environment sets PYTHONDONTWRITEBYTECODE, by letting the warm-up run write the .pyc files.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"NO_COLOR": "1"}


def _time(cmd: list[str]) -> float:
    start = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, env=ENV)
    elapsed = time.perf_counter() - start
    if r.returncode != 0:
        raise SystemExit(f"{cmd} failed ({r.returncode}): {r.stderr.decode(errors='replace')}")
    return elapsed


def median(cmd: list[str]) -> float:
    _time(cmd)  # warm the OS file cache once; every measured run is a fresh process
    return statistics.median(_time(cmd) for _ in range(RUNS))


def main() -> int:
    exe = shutil.which("vboshell", path=os.path.dirname(sys.executable)) or shutil.which("vboshell")
    vbo = [exe] if exe else [sys.executable, "-m", "vboshell"]
    base = median([sys.executable, "-c", "pass"])
    shell = median(vbo + ["-NoProfile", "-Command", "1+1"])
    print(f"python -c pass          median {base:.3f} s")
    print(f"vboshell -Command 1+1   median {shell:.3f} s  (ratio {shell / base:.1f}x; target <= 0.30 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
