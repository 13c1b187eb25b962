"""Collector checks on single malformed Graph answers that would otherwise lose data silently: a channel message's
deletedDateTime that is not a date (taken for a deletion before), a message or reply without its body, a list item
without its fields, and a mailbox-settings answer without the archive field (remembered as "no archive" for a day
before). Each is malformed (ValueError/skip without remembering), so the container is read again next run."""

from __future__ import annotations

from typing import Any

import pytest

from vboshell.backup.collectors import exchange, teams
from vboshell.backup.collectors.base import UnitSkipped


@pytest.mark.parametrize("value", ["not-a-NoneType", 12345, {"x": 1}, ""])
def test_deleted_date_must_be_a_date(value: Any) -> None:
    with pytest.raises(ValueError):
        teams._deleted({"deletedDateTime": value})


def test_deleted_and_body_on_good_rows() -> None:
    assert teams._deleted({"deletedDateTime": None}) is False
    assert teams._deleted({}) is False
    assert teams._deleted({"deletedDateTime": "2025-12-03T08:00:01Z"}) is True
    teams._body({"body": {"content": "<p>x</p>"}})
    for bad in ({}, {"body": "text"}, {"body": None}):
        with pytest.raises(ValueError):
            teams._body(bad)


class _Graph:
    def __init__(self, answer: Any) -> None:
        self.answer = answer

    def get_json(self, url: str, **kw: Any) -> Any:
        return self.answer


class _Unit:
    def __init__(self, answer: Any) -> None:
        self.graph = _Graph(answer)
        self.obj = type("O", (), {"external_id": "u1"})()
        self.remembered: dict[str, Any] = {}

    def remember(self, key: str, value: Any) -> None:
        self.remembered[key] = value


def test_no_archive_is_remembered_only_when_graph_says_so() -> None:
    said = _Unit({"id": "u1", "primaryMailboxId": "MBX:1", "inPlaceArchiveMailboxId": None})
    with pytest.raises(UnitSkipped):
        exchange._archive_id(said)
    assert said.remembered == {"archive:mailbox": None}
    silent = _Unit({"id": "u1", "primaryMailboxId": "MBX:1"})  # the field itself is missing: ask again next run
    with pytest.raises(UnitSkipped):
        exchange._archive_id(silent)
    assert silent.remembered == {}
    found = _Unit({"id": "u1", "inPlaceArchiveMailboxId": "MBX:2"})
    assert exchange._archive_id(found) == "MBX:2" and found.remembered == {"archive:mailbox": "MBX:2"}
