"""Safe local file names for exports and saves: hostile item names never escape the target directory.
Sanitises `..`, separators, control characters, Windows reserved names and over-long names, and joins safely."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

MAX_COMPONENT_BYTES = 200  # well under the 255-byte limit of common file systems, room for " (2)" and extensions
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
_BAD = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


class UnsafePathError(ValueError):
    """A computed path would leave its target directory."""


def safe_name(name: str | None, default: str = "item") -> str:
    """One path component: no separators or control characters, not `.`/`..`, not a reserved device name,
    at most MAX_COMPONENT_BYTES of UTF-8 (shortened with a hash suffix, keeping the extension)."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = _BAD.sub("_", text).strip().rstrip(". ")
    if text in ("", ".", "..") or set(text) <= {"."}:
        text = default
    stem, dot, ext = text.rpartition(".")
    base = stem if dot and stem else text
    if base.lower() in _RESERVED or text.lower() in _RESERVED:
        text = "_" + text
    raw = text.encode("utf-8")
    if len(raw) > MAX_COMPONENT_BYTES:
        digest = hashlib.sha1(raw).hexdigest()[:8]
        ext = ("." + text.rpartition(".")[2]) if "." in text else ""
        if len(ext.encode("utf-8")) > 16:
            ext = ""
        keep = MAX_COMPONENT_BYTES - len(ext.encode("utf-8")) - 9
        head = raw[:keep].decode("utf-8", "ignore")
        text = f"{head}~{digest}{ext}"
    return text


def safe_relpath(path: str | None) -> list[str]:
    """A backed-up folder path ('Inbox/Projects', '/Documents/a') as safe components (empty parts dropped)."""
    parts = re.split(r"[/\\]+", str(path or ""))
    return [safe_name(p, "folder") for p in parts if p not in ("", ".")]


def safe_join(root: str | os.PathLike[str], *components: str) -> Path:
    """root/components, each sanitised; raises UnsafePathError if the result still leaves root."""
    base = Path(root).resolve()
    out = base
    for c in components:
        out = out / safe_name(c)
    resolved = out.resolve()
    if resolved != base and base not in resolved.parents:
        raise UnsafePathError(f"'{out}' is outside '{base}'.")
    return out


def unique_path(path: Path) -> Path:
    """`path`, or `name (2).ext`, `name (3).ext`… when it exists already."""
    if not path.exists():
        return path
    stem, suffix = path.stem, path.suffix
    n = 2
    while True:
        cand = path.with_name(f"{stem} ({n}){suffix}")
        if not cand.exists():
            return cand
        n += 1


def zip_member(*components: str) -> str:
    """A safe member name for a zip archive (forward slashes, sanitised components)."""
    return "/".join(safe_name(c) for c in components if c not in ("", None))


def partial_path(target: Path) -> Path:
    """Where `target` is written until it is complete: a hidden `.<name>.partial` beside it."""
    return target.with_name(f".{target.name}.partial")


@contextmanager
def write_complete(target: Path) -> Iterator[IO[bytes]]:
    """Open a file for writing that appears under `target` only once it is complete (written to
    `.<name>.partial`, renamed at the end): a killed or failing export never leaves a truncated file that
    looks finished."""
    tmp = partial_path(target)
    try:
        with open(tmp, "wb") as fh:
            yield fh
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
