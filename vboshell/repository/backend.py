"""Storage backends of the repository: named immutable files with put/get/list/delete/exists/rename.
LocalBackend is a directory; S3/Azure backends implement the same small interface later."""

from __future__ import annotations

import os
import shutil
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path


class Backend(ABC):
    """A flat namespace of files addressed by '/'-separated names relative to the repository root."""

    @abstractmethod
    def put(self, name: str, data: bytes) -> None:
        """Store `data` under `name` durably and atomically (readers see all or nothing)."""

    @abstractmethod
    def put_file(self, name: str, local_path: Path) -> None:
        """Durably store the finished local file `local_path` under `name` (moved, not copied, when possible)."""

    @abstractmethod
    def get(self, name: str, offset: int = 0, length: int | None = None) -> bytes:
        """Read `length` bytes (all when None) of `name` from `offset`. FileNotFoundError if missing."""

    @abstractmethod
    def size(self, name: str) -> int:
        """Size in bytes of `name`."""

    @abstractmethod
    def list(self, prefix: str) -> Iterator[str]:
        """Names of the files below `prefix` (a directory-like prefix such as 'data/')."""

    @abstractmethod
    def delete(self, name: str) -> None:
        """Remove `name` (no error if already gone)."""

    @abstractmethod
    def exists(self, name: str) -> bool:
        """Whether `name` exists."""

    @abstractmethod
    def rename(self, src: str, dst: str) -> None:
        """Atomically rename `src` to `dst` (replacing dst)."""

    def local_path(self) -> Path | None:
        """The root directory for backends with a local file system (index.db, locks and tmp live there)."""
        return None


def fsync_dir(path: Path) -> None:
    """fsync a directory so a rename/create inside it is durable (no-op where unsupported)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


class LocalBackend(Backend):
    """A repository in a local directory."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _p(self, name: str) -> Path:
        if name.startswith("/") or ".." in name.split("/"):
            raise ValueError(f"invalid repository file name: {name!r}")
        return self.root / name

    def local_path(self) -> Path:
        return self.root

    def put(self, name: str, data: bytes) -> None:
        dst = self._p(name)
        dst.parent.mkdir(parents=True, exist_ok=True)
        tmp = dst.with_name(f".{dst.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, dst)
        fsync_dir(dst.parent)

    def put_file(self, name: str, local_path: Path) -> None:
        dst = self._p(name)
        dst.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(local_path, dst)
        except OSError:  # another file system: copy then remove
            tmp = dst.with_name(f".{dst.name}.{os.getpid()}.tmp")
            shutil.copyfile(local_path, tmp)
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
            os.replace(tmp, dst)
            os.unlink(local_path)
        fsync_dir(dst.parent)

    def get(self, name: str, offset: int = 0, length: int | None = None) -> bytes:
        with open(self._p(name), "rb") as f:
            if offset:
                f.seek(offset)
            return f.read() if length is None else f.read(length)

    def size(self, name: str) -> int:
        return self._p(name).stat().st_size

    def list(self, prefix: str) -> Iterator[str]:
        base = self._p(prefix.rstrip("/")) if prefix else self.root
        if not base.exists():
            return
        for dirpath, _dirs, files in os.walk(base):
            for fn in files:
                full = Path(dirpath) / fn
                yield full.relative_to(self.root).as_posix()

    def delete(self, name: str) -> None:
        try:
            self._p(name).unlink()
        except FileNotFoundError:
            pass

    def exists(self, name: str) -> bool:
        return self._p(name).exists()

    def rename(self, src: str, dst: str) -> None:
        d = self._p(dst)
        d.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self._p(src), d)
        fsync_dir(d.parent)
