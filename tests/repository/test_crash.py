"""Crash test: a writer subprocess SIGKILLed at 20 random points; after each kill the repository verifies clean
and the next write completes; maintenance then reclaims orphaned data."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from vboshell.repository import ObjectRef, Repository

ROOT = Path(__file__).resolve().parents[2]


def test_sigkill_at_random_points(tmp_path):
    path = tmp_path / "crash"
    Repository.init(path, key="crash-key").close()
    rnd = random.Random(20261127)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.monotonic()
    notes: list[str] = []
    for i in range(20):
        proc = subprocess.Popen([sys.executable, "-m", "tests.repository.crash_writer", str(path), str(i)],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = proc.stdout.readline()
        assert line.strip() == "ready", proc.stderr.read()
        time.sleep(rnd.uniform(0.0, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        proc.stdout.close()
        proc.stderr.close()
        repo = Repository.open(path, key="crash-key")
        rep = repo.verify()
        assert rep.ok, "\n".join(str(p) for p in rep.problems)
        notes.extend(rep.notes)
        # the next write completes (it breaks the dead writer's lock)
        with repo.writer("after-crash", "org") as w:
            w.begin_restore_point()
            w.put_item(ObjectRef("user", "u0"), "Exchange", f"after-{i}", "Inbox", {"subject": "after"}, f"after {i}".encode())
            w.commit()
        view = repo.view()
        sample = list(view.items())[:50]
        for iv in sample:
            repo.read_content(iv)
        assert view.get(ObjectRef("user", "u0"), "Exchange", f"after-{i}") is not None
        repo.close()
    repo = Repository.open(path, key="crash-key")
    res = repo.gc(discard_incomplete=True)
    assert repo.verify().ok and not repo.verify().notes
    assert res is not None
    print("\n".join(notes))
    assert any("incomplete restore point" in n for n in notes)  # kills happened mid restore point
    repo.close()
    assert time.monotonic() - t0 < 60


def test_sigkill_during_retention_and_gc(tmp_path):
    path = tmp_path / "maint"
    Repository.init(path, key="crash-key").close()
    rnd = random.Random(7)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for i in range(6):
        proc = subprocess.Popen([sys.executable, "-m", "tests.repository.crash_writer", str(path), str(i), "maintenance"],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        time.sleep(rnd.uniform(0.2, 0.9))
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        proc.stdout.close()
        proc.stderr.close()
        repo = Repository.open(path, key="crash-key")
        rep = repo.verify()
        assert rep.ok, "\n".join(str(p) for p in rep.problems)
        for iv in repo.view().items() if repo.restore_points() else []:
            repo.read_content(iv)
        repo.close()
    repo = Repository.open(path, key="crash-key")
    repo.gc(discard_incomplete=True)
    assert repo.verify().ok
    repo.close()
