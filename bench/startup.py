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


CPU: dict[str, list[float]] = {}


def _cpu() -> float:
    import resource

    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _time(cmd: list[str]) -> float:
    cpu0 = _cpu()
    start = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, env=ENV)
    elapsed = time.perf_counter() - start
    CPU.setdefault(" ".join(cmd), []).append(_cpu() - cpu0)
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
    cpu_base = statistics.median(CPU[" ".join([sys.executable, "-c", "pass"])][1:])
    cpu_shell = statistics.median(CPU[" ".join(vbo + ["-NoProfile", "-Command", "1+1"])][1:])
    print(f"python -c pass          median {base:.3f} s  (cpu {cpu_base:.3f} s)")
    print(f"vboshell -Command 1+1   median {shell:.3f} s  (cpu {cpu_shell:.3f} s; ratio {shell / base:.1f}x; "
          f"target <= 0.30 s)")
    print(f"load average: {os.getloadavg()[0]:.2f} (wall times grow with load; cpu times do not)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
