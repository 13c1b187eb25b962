"""Cross-process locks for backup jobs and the scheduler service: fcntl file locks with the holder's pid.
The kernel drops a lock when its process ends (even on SIGKILL), so a crash never blocks the next run."""

from __future__ import annotations

import fcntl
import json
import os
import socket
from pathlib import Path
from typing import Any

from vboshell.store.secrets import vboshell_home


class LockBusyError(RuntimeError):
    """The lock is held by another process (or another run in this process); `.holder` says who."""

    def __init__(self, message: str, holder: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.holder = holder or {}


def locks_dir() -> Path:
    d = vboshell_home() / "locks"
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    return d


class FileLock:
    """An exclusive, non-blocking lock on a file; the file holds {"pid", "host", ...} of the holder."""

    _held: set[str] = set()  # paths locked by this process (flock is per open file, so guard re-entry here)

    def __init__(self, path: Path, info: dict[str, Any] | None = None) -> None:
        self.path = path
        self.info = info or {}
        self._fd: int | None = None

    def holder(self) -> dict[str, Any]:
        try:
            return json.loads(self.path.read_text() or "{}")
        except (OSError, ValueError):
            return {}

    def acquire(self) -> FileLock:
        key = str(self.path)
        if key in FileLock._held:
            raise LockBusyError(f"{self.path.name} is held by this process", self.holder())
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise LockBusyError(f"{self.path.name} is held by another process", self.holder()) from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "host": socket.gethostname(), **self.info}).encode())
        os.fsync(fd)
        self._fd = fd
        FileLock._held.add(key)
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None
            FileLock._held.discard(str(self.path))

    def __enter__(self) -> FileLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def job_lock(job_id: str, info: dict[str, Any] | None = None) -> FileLock:
    return FileLock(locks_dir() / f"job-{job_id}.lock", info)


def service_lock() -> FileLock:
    return FileLock(locks_dir() / "service.lock")


def job_running_elsewhere(job_id: str) -> bool:
    """Whether some process (this one included) holds the job's lock right now."""
    lk = job_lock(job_id)
    if str(lk.path) in FileLock._held:
        return True
    try:
        lk_fd = os.open(lk.path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return False
    try:
        fcntl.flock(lk_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(lk_fd)  # closing drops the probe lock
    return False
