"""Unit checks of the Exchange collector's handling of malformed mail-folder rows (missing or wrong-typed
displayName/parentFolderId): warned by id, not stored, last run's name and parent kept for paths."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from vboshell.backup.collectors.exchange import _folder_rows, _paths


def _u() -> Any:
    logged: list[tuple[str, str]] = []
    return SimpleNamespace(logged=logged, warn=lambda t, m="": logged.append((t, m)),
                           item_failed=lambda t, m="": logged.append((t, m)))


ROWS = [{"id": "inbox", "displayName": "Inbox", "parentFolderId": "root"},
        {"id": "sub", "displayName": "Projects", "parentFolderId": "inbox"},
        {"id": "top", "displayName": "Top", "parentFolderId": None}]


def test_good_rows_are_not_flagged() -> None:
    u = _u()
    folders, _meta, incomplete, malformed = _folder_rows(u, ROWS, {})
    assert not malformed and not incomplete and not u.logged
    assert _paths(folders) == {"inbox": "Inbox", "sub": "Inbox/Projects", "top": "Top"}


def test_missing_name_keeps_last_runs_name() -> None:
    prev = {"inbox": ["Inbox", "root"], "sub": ["Inbox/Projects", "inbox"]}
    rows = [ROWS[0], {"id": "sub", "parentFolderId": "inbox"}]
    u = _u()
    folders, _meta, _inc, malformed = _folder_rows(u, rows, prev)
    assert malformed == {"sub"}
    assert _paths(folders)["sub"] == "Inbox/Projects"
    assert len(u.logged) == 1 and "sub" in u.logged[0][0] and "displayName missing" in u.logged[0][1]


def test_wrong_types_without_history_use_a_placeholder() -> None:
    rows = [ROWS[0], {"id": "sub", "displayName": 12345, "parentFolderId": 12345}]
    u = _u()
    folders, _meta, _inc, malformed = _folder_rows(u, rows, {})
    assert malformed == {"sub"}
    assert folders["sub"] == ("[folder sub]", None)
    assert "wrong type (int)" in u.logged[0][1]
