"""Explorer search queries (Get-VEXItem -Query, Get-VETPost -Query, Get-VESPDocument -Query…): free text and
`key:value` / `key>=date` terms with AND / OR / NOT, in the spirit of Exchange's keyword query language.

    q = Query.parse('invoice from:fabrikam received>=2026-11-01 -subject:draft')
    q.matches(fields)   # fields: {"subject": "...", "from": "...", "to": "...", "received": datetime, ...}

Terms: bare words and "quoted phrases" match any text field (subject, sender, recipients, name, body text);
`key:value` matches a contains-test on that field (`subject:"monthly report"`, `from:alice`, `to:bob`);
dates take `key:value` (that day or named range), `key>=v`, `key<=v`, `key>v`, `key<v`, `key:v1..v2`, where v is
ISO (2026-11-20), US (11/20/2026), today, yesterday, thisweek, lastweek, thismonth, lastmonth, or -7d / -2w;
booleans (hasattachment:true, isread:no, isdeleted:true); `deleted` is when a backup saw the item deleted. Terms are ANDed; OR between terms; NOT or a leading '-' negates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any


class QueryError(ValueError):
    """A query that cannot be parsed (message is user-facing)."""


ALIASES = {
    "sender": "from", "recipients": "to", "recipient": "to", "participants": "participants", "title": "subject",
    "date": "received", "receivedtime": "received", "senttime": "sent", "created": "created", "modified": "modified",
    "lastmodified": "modified", "hasattachments": "hasattachment", "attachments": "hasattachment", "read": "isread",
    "filename": "name", "author": "from", "by": "modifiedby", "kind": "type", "class": "type",
}
DATE_FIELDS = {"received", "sent", "created", "modified", "deleted"}
BOOL_FIELDS = {"hasattachment", "isread", "isdeleted", "isimportant"}

_TOKEN = re.compile(
    r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<neg>-)?(?:(?P<key>[A-Za-z][\w.]*)\s*(?P<op>>=|<=|:>=|:<=|:>|:<|>|<|:|=)\s*)?'
    r'(?:"(?P<q>[^"]*)"|(?P<w>[^\s()"]+)))'
)


@dataclass
class Term:
    key: str | None  # None: free text
    op: str
    value: str
    negate: bool = False

    def test(self, fields: dict[str, Any]) -> bool:
        r = self._test(fields)
        return not r if self.negate else r

    def _test(self, fields: dict[str, Any]) -> bool:
        if self.key is None:
            needle = self.value.lower()
            return any(needle in str(v).lower() for k, v in fields.items()
                       if isinstance(v, str) and k not in ("id",))
        key = self.key
        if key == "participants":
            return any(Term(k, self.op, self.value).test(fields) for k in ("from", "to", "cc", "bcc"))
        if key in DATE_FIELDS:
            v = fields.get(key)
            if v is None:
                return False
            if isinstance(v, str):
                try:
                    v = datetime.fromisoformat(v.replace("Z", "+00:00"))
                except ValueError:
                    return False
            v = v if v.tzinfo else v.replace(tzinfo=UTC)
            lo, hi = _date_range(self.value)
            if self.op in (">=", ":>="):
                return v >= lo
            if self.op in (">", ":>"):
                return v >= hi
            if self.op in ("<=", ":<="):
                return v < hi
            if self.op in ("<", ":<"):
                return v < lo
            return lo <= v < hi
        if key in BOOL_FIELDS:
            want = self.value.lower() in ("true", "yes", "1", "y", "$true")
            return bool(fields.get(key)) == want
        v = fields.get(key)
        if v is None:
            return False
        if isinstance(v, (list, tuple)):
            v = " ".join(str(x) for x in v)
        if self.op == "=":
            return str(v).lower() == self.value.lower()
        return self.value.lower() in str(v).lower()


class Query:
    """A parsed query: OR of AND-groups of terms."""

    def __init__(self, groups: list[list[Term]], text: str = "") -> None:
        self.groups = groups
        self.text = text

    @classmethod
    def parse(cls, text: str | None) -> Query:
        text = (text or "").strip()
        groups: list[list[Term]] = [[]]
        negate_next = False
        pos = 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise QueryError(f"Cannot parse the query near '{text[pos:pos + 20]}'.")
            pos = m.end()
            if m.group("lp") or m.group("rp"):
                continue  # grouping is flattened: AND binds tighter than OR
            value = m.group("q") if m.group("q") is not None else m.group("w")
            key = m.group("key")
            if key is None and m.group("q") is None and value.upper() in ("AND", "&&"):
                continue
            if key is None and m.group("q") is None and value.upper() in ("OR", "||"):
                if groups[-1]:
                    groups.append([])
                continue
            if key is None and m.group("q") is None and value.upper() == "NOT":
                negate_next = True
                continue
            op = m.group("op") or ":"
            k = None
            if key is not None:
                k = key.lower()
                k = ALIASES.get(k, k)
                if k in DATE_FIELDS:
                    _date_range(value)  # validate now
            groups[-1].append(Term(k, op, value, negate=bool(m.group("neg")) or negate_next))
            negate_next = False
        groups = [g for g in groups if g]
        return cls(groups, text)

    def matches(self, fields: dict[str, Any]) -> bool:
        if not self.groups:
            return True
        return any(all(t.test(fields) for t in g) for g in self.groups)

    def filter(self, items: Any, fields_of: Callable[[Any], dict[str, Any]]) -> Any:
        for it in items:
            if self.matches(fields_of(it)):
                yield it


def _day(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def _date_range(value: str, today: date | None = None) -> tuple[datetime, datetime]:
    """[start, end) of a date value or named range."""
    v = value.strip().lower().replace(" ", "")
    today = today or datetime.now(UTC).date()
    if ".." in v:
        a, b = v.split("..", 1)
        return _date_range(a, today)[0], _date_range(b, today)[1]
    if v == "today":
        return _day(today), _day(today) + timedelta(days=1)
    if v == "yesterday":
        return _day(today) - timedelta(days=1), _day(today)
    monday = today - timedelta(days=today.weekday())
    if v in ("thisweek",):
        return _day(monday), _day(monday) + timedelta(days=7)
    if v in ("lastweek",):
        return _day(monday) - timedelta(days=7), _day(monday)
    first = today.replace(day=1)
    if v == "thismonth":
        nxt = (first + timedelta(days=32)).replace(day=1)
        return _day(first), _day(nxt)
    if v == "lastmonth":
        prev = (first - timedelta(days=1)).replace(day=1)
        return _day(prev), _day(first)
    m = re.fullmatch(r"-(\d+)([dwmh])", v)
    if m:
        n = int(m.group(1))
        delta = {"d": timedelta(days=n), "w": timedelta(weeks=n), "m": timedelta(days=30 * n),
                 "h": timedelta(hours=n)}[m.group(2)]
        start = datetime.now(UTC) - delta
        return start, datetime.now(UTC) + timedelta(days=1)
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d"):
        try:
            d = datetime.strptime(v, fmt).date()
            return _day(d), _day(d) + timedelta(days=1)
        except ValueError:
            pass
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        dt = dt if dt.tzinfo else dt.replace(tzinfo=UTC)
        return dt, dt + timedelta(seconds=1)
    except ValueError:
        raise QueryError(f"'{value}' is not a date (use 2026-11-20, 11/20/2026, today, yesterday, lastweek, "
                         "thismonth or -7d).") from None
