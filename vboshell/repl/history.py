"""Persistent command history shared by concurrent shells, with PSReadLine's sensitive-line rule.
Lines mentioning password, asplaintext, token, apikey, secret or ConvertTo-SecureString stay in memory only.

File format (compatible with prompt_toolkit's FileHistory): each entry is a `# <timestamp>` line followed by
the entry's lines, each prefixed with `+`. Every entry is appended with a single write to a file opened with
O_APPEND, so shells that run at the same time never interleave partial entries; before each prompt a shell
reads what the others appended since it last looked (`refresh`).
"""

from __future__ import annotations

import datetime
import os
import re
import threading
from collections import deque
from collections.abc import AsyncGenerator, Iterable
from pathlib import Path

from prompt_toolkit.history import History

# PSReadLine 2.2's default AddToHistoryHandler: lines matching this are not saved to the file.
SENSITIVE_RE = re.compile(r"password|asplaintext|token|apikey|secret|convertto-securestring", re.IGNORECASE)

MAX_ENTRIES = 4096  # PSReadLine's MaximumHistoryCount


def is_sensitive(line: str) -> bool:
    """True when a history entry must not be written to the history file."""
    return bool(SENSITIVE_RE.search(line))


def parse_entries(text: str) -> list[str]:
    """Entries of a history file's text, oldest first."""
    entries: list[str] = []
    current: list[str] = []
    in_entry = False
    for line in text.split("\n"):
        if line.startswith("+"):
            current.append(line[1:])
            in_entry = True
        elif in_entry:
            entries.append("\n".join(current))
            current = []
            in_entry = False
    if in_entry:
        entries.append("\n".join(current))
    return entries


def format_entry(entry: str) -> str:
    stamp = datetime.datetime.now().isoformat(sep=" ", timespec="seconds")
    body = "".join(f"+{line}\n" for line in entry.split("\n"))
    return f"\n# {stamp}\n{body}"


class SharedHistory(History):
    """A FileHistory that filters sensitive lines, skips consecutive duplicates and picks up other shells' entries."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__()
        self.path = Path(path)
        self._offset = 0  # bytes of the file already read into memory
        self._own_pending: deque[str] = deque()  # entries we appended that a refresh will read back
        self._lock = threading.Lock()

    # --- reading ---
    def _read_new(self) -> list[str]:
        try:
            with open(self.path, "rb") as f:
                f.seek(self._offset)
                data = f.read()
        except FileNotFoundError:
            return []
        except OSError:
            return []
        # Only consume complete entries (a writer may be half-way, although single writes make that unlikely).
        cut = data.rfind(b"\n")
        if cut < 0:
            return []
        data = data[: cut + 1]
        self._offset += len(data)
        return parse_entries(data.decode("utf-8", errors="replace"))

    def load_history_strings(self) -> Iterable[str]:
        with self._lock:
            entries = self._read_new()
            self._own_pending.clear()
        return list(reversed(entries[-MAX_ENTRIES:]))

    def refresh(self) -> int:
        """Read entries appended (by any shell) since the last read; returns how many were new to this shell."""
        if not self._loaded:
            return 0
        with self._lock:
            new = self._read_new()
            batch: list[tuple[str, bool]] = []  # (entry, written by this shell), file order
            for entry in new:
                own = bool(self._own_pending) and self._own_pending[0] == entry
                if own:
                    self._own_pending.popleft()
                batch.append((entry, own))
            # Insert other shells' entries between ours in file (= time) order, newest first.
            added = 0
            newer = 0
            for entry, own in reversed(batch):
                if own:
                    newer += 1
                    continue
                if newer < len(self._loaded_strings) and self._loaded_strings[newer] == entry:
                    continue
                self._loaded_strings.insert(newer, entry)
                newer += 1
                added += 1
            del self._loaded_strings[MAX_ENTRIES:]
            return added

    async def load(self) -> AsyncGenerator[str, None]:
        if self._loaded:
            self.refresh()
        else:
            self._loaded_strings = list(self.load_history_strings())
            self._loaded = True
        seen: set[str] = set()
        for item in list(self._loaded_strings):
            if item in seen:
                continue  # PSReadLine's HistoryNoDuplicates: Up recalls each command once (its newest use)
            seen.add(item)
            yield item

    # --- writing ---
    def append_string(self, string: str) -> None:
        if not string.strip():
            return
        if self._loaded_strings and self._loaded_strings[0] == string:
            return  # like HistoryNoDuplicates for consecutive repeats
        self._loaded_strings.insert(0, string)
        self.store_string(string)

    def store_string(self, string: str) -> None:
        if is_sensitive(string):
            return  # recallable in this session only
        payload = format_entry(string).encode("utf-8")
        with self._lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    os.write(fd, payload)
                finally:
                    os.close(fd)
            except OSError:
                return  # a read-only home must not break the prompt
            self._own_pending.append(string)
