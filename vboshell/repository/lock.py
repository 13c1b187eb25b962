"""The single-writer lock of a repository: locks/writer.lock with pid/host/start time and stale-lock detection.
A guard flock serialises the check-and-break step between processes."""

from __future__ import annotations

import json
import os
import socket
import time
from contextlib import contextmanager
from pathlib import Path

import psutil

from vboshell.repository.errors import RepositoryLockedError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def _start_time(pid: int) -> float | None:
    try:
        return psutil.Process(pid).create_time()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None


def _is_alive(pid: int, start: float | None) -> bool:
    try:
        p = psutil.Process(pid)
        if p.status() == psutil.STATUS_ZOMBIE:
            return False
        if start is not None and abs(p.create_time() - start) > 1.0:
            return False  # the pid was reused by another process
        return True
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return False
    except psutil.AccessDenied:
        return True


@contextmanager
def _guard(lock_dir: Path):
    lock_dir.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover
        yield
        return
    fd = os.open(lock_dir / ".guard", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


class WriterLock:
    """Exclusive writer lock. acquire() raises RepositoryLockedError when a live writer holds it."""

    def __init__(self, root: Path, purpose: str = "backup") -> None:
        self.dir = root / "locks"
        self.path = self.dir / "writer.lock"
        self.purpose = purpose
        self.token = os.urandom(8).hex()
        self.held = False
        self.broke_stale: dict | None = None

    def read(self) -> dict | None:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return {"corrupt": True}

    def is_stale(self, info: dict) -> bool:
        if info.get("corrupt"):
            # a torn write of the lock file itself: the creator died while writing it
            return True
        if info.get("host") != socket.gethostname():
            return False
        return not _is_alive(int(info.get("pid", -1)), info.get("process_start"))

    def acquire(self) -> WriterLock:
        pid = os.getpid()
        info = {
            "pid": pid,
            "host": socket.gethostname(),
            "process_start": _start_time(pid),
            "created": time.time(),
            "purpose": self.purpose,
            "token": self.token,
        }
        with _guard(self.dir):
            existing = self.read()
            if existing is not None:
                if not self.is_stale(existing):
                    since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(existing.get("created", 0)))
                    raise RepositoryLockedError(
                        f"The repository is in use by another writer (process {existing.get('pid')} on "
                        f"{existing.get('host')}, {existing.get('purpose', 'backup')} since {since})."
                    )
                self.broke_stale = existing
                self.path.unlink()
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                os.write(fd, json.dumps(info).encode())
                os.fsync(fd)
            finally:
                os.close(fd)
        self.held = True
        return self

    def release(self) -> None:
        if not self.held:
            return
        with _guard(self.dir):
            cur = self.read()
            if cur is not None and cur.get("token") == self.token:
                self.path.unlink()
        self.held = False

    def break_lock(self) -> None:
        """Remove the lock whoever holds it (operator action for a lock from a dead host)."""
        with _guard(self.dir):
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass

    def __enter__(self) -> WriterLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
