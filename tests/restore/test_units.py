"""Unit tests of the restore engine helpers: hostile file names, the query language, the seekable content reader,
MBOX quoting, and per-item failure handling in the export writers (no sandbox needed)."""

from __future__ import annotations

import io
import mailbox
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from vboshell.restore.paths import MAX_COMPONENT_BYTES, UnsafePathError, safe_join, safe_name, safe_relpath, zip_member
from vboshell.restore.query import Query, QueryError
from vboshell.restore.streams import ContentReader


@pytest.mark.parametrize("name", ["..", ".", "../../etc/passwd", "a/b\\c", "CON", "con.txt", "nul", "LPT1.log",
                                  "x" * 400, "é" * 300 + ".docx", "bad\x00name", " trailing. ", "", "...."])
def test_safe_name_never_escapes(tmp_path: Path, name: str) -> None:
    s = safe_name(name)
    assert s and "/" not in s and "\\" not in s and "\x00" not in s and s not in (".", "..")
    assert len(s.encode()) <= MAX_COMPONENT_BYTES
    assert s.split(".")[0].lower() not in ("con", "nul", "lpt1")
    p = safe_join(tmp_path, "sub", name)
    assert tmp_path.resolve() in p.resolve().parents
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(b"x")  # the file system accepts it


def test_long_names_keep_extension_and_stay_unique() -> None:
    a, b = safe_name("a" * 400 + "1.docx"), safe_name("a" * 400 + "2.docx")
    assert a.endswith(".docx") and b.endswith(".docx") and a != b


def test_relpath_and_zip_member() -> None:
    assert safe_relpath("/Inbox/../Projects//2025/") == ["Inbox", "folder", "Projects", "2025"]
    assert zip_member("..", "a/b", "c.txt") == "item/a_b/c.txt"


def test_safe_join_refuses_symlink_escape(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "link").symlink_to(tmp_path.parent)
    with pytest.raises(UnsafePathError):
        safe_join(tmp_path / "out", "link", "x")


FIELDS = {"subject": "Invoice INV-2026-0042 from Fabrikam", "from": "Fabrikam Billing <billing@fabrikam.com>",
          "to": "Alice <alice@contoso.com>", "cc": "", "received": datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
          "hasattachment": True, "isread": False, "folder": "Inbox"}


@pytest.mark.parametrize("q,ok", [
    ("invoice", True), ("INVOICE fabrikam", True), ('"from fabrikam"', True), ("subject:invoice", True),
    ("subject:memo", False), ("from:billing@fabrikam.com", True), ("to:alice", True), ("to:bob", False),
    ("received>=2026-11-01", True), ("received<2026-11-01", False), ("received:2026-11-20", True),
    ("received:11/20/2026", True), ("received:2026-11-01..2026-11-30", True), ("received>2026-11-20", False),
    ("hasattachment:true", True), ("isread:yes", False), ("-subject:invoice", False), ("NOT invoice", False),
    ("subject:memo OR from:fabrikam", True), ("subject:memo OR to:bob", False), ("participants:fabrikam", True),
    ("", True), ("subject:invoice AND received>=2026-11-20", True),
])
def test_query_language(q: str, ok: bool) -> None:
    assert Query.parse(q).matches(FIELDS) is ok


def test_relative_dates() -> None:
    recent = dict(FIELDS, received=datetime.now(UTC) - timedelta(days=3))
    assert Query.parse("received>=-7d").matches(recent)
    assert not Query.parse("received>=-2d").matches(recent)
    assert Query.parse("received:today").matches(dict(FIELDS, received=datetime.now(UTC)))


def test_query_errors() -> None:
    with pytest.raises(QueryError):
        Query.parse("received>=someday")


def test_content_reader_seeks_forward_and_back() -> None:
    data = bytes(range(256)) * 5000
    opened = []

    def opener() -> Any:
        opened.append(1)
        return io.BufferedReader(io.BytesIO(data))

    r = ContentReader(opener, len(data))
    r.seek(1000)
    assert r.read(10) == data[1000:1010]
    r.seek(500_000)
    assert r.read(5) == data[500_000:500_005]
    r.seek(10)  # backwards: reopens
    assert r.read(3) == data[10:13] and len(opened) == 2
    r.close()


class _FakeEntry:
    def __init__(self, mime: bytes, subject: str, fail: bool = False) -> None:
        self.meta = {"subject": subject, "from": {"emailAddress": {"address": "a@b.c"}},
                     "receivedDateTime": "2026-11-20T09:30:00Z"}
        self.type = "message"
        self._mime, self.fail = mime, fail
        self.version = type("V", (), {"name": subject, "folder": "Inbox", "item_id": subject})()
        self.obj = type("O", (), {"name": "Alice", "external_id": "u1"})()
        self.deleted = self.old = False

    def open(self) -> Any:
        if self.fail:
            raise OSError("chunk unreadable")
        return io.BufferedReader(io.BytesIO(self._mime))

    def read(self) -> bytes:
        return self._mime


def test_mbox_quotes_from_lines_and_one_failure_continues(tmp_path: Path) -> None:
    from vboshell.restore.exchange import export_mbox

    body = b"Subject: one\r\nFrom: a@b.c\r\n\r\nFrom here on\r\n>From quoted\r\nend"
    entries = [_FakeEntry(body, "one"), _FakeEntry(b"Subject: bad\r\n\r\nx", "bad", fail=True),
               _FakeEntry(b"Subject: two\r\n\r\nhello\r\n", "two")]
    out = tmp_path / "x.mbox"
    export_mbox({"Alice/Inbox": entries}, tmp_path, single_file=out)  # type: ignore[dict-item]
    box = mailbox.mbox(str(out))
    assert [m["Subject"] for m in box] == ["one", "two"]
    text = out.read_bytes()
    assert b"\n>From here on\n>>From quoted\n" in text


def test_eml_export_failure_is_per_item(tmp_path: Path) -> None:
    from vboshell.restore.exchange import export_eml

    class Op:
        def __init__(self) -> None:
            self.ok: list[str] = []
            self.bad: list[str] = []

        def success(self, e: Any, msg: str = "") -> None:
            self.ok.append(e.version.name)

        def fail(self, e: Any, msg: str) -> None:
            self.bad.append(e.version.name)

        def skip(self, e: Any, msg: str) -> None:
            pass

    op = Op()
    entries = [_FakeEntry(b"Subject: ../../evil\r\n\r\nx", "../../evil"), _FakeEntry(b"x", "bad", fail=True),
               _FakeEntry(b"Subject: CON\r\n\r\ny", "CON")]
    files = export_eml(entries, tmp_path / "out", op=op)  # type: ignore[arg-type]
    assert op.ok == ["../../evil", "CON"] and op.bad == ["bad"]
    assert all((tmp_path / "out").resolve() in f.resolve().parents for f in files)


class _Resp:
    def __init__(self, body: dict) -> None:
        self.body = body

    def json(self) -> dict:
        return self.body


class _FakeGraph:
    """Just enough of SyncGraphClient for the list and document writers."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def paged(self, url: str, **kw: Any) -> Any:
        self.calls.append(("GET", url))
        if url.endswith("/lists"):
            return iter([{"id": "L1", "name": "Survey", "displayName": "Survey"}])
        return iter([])

    def get_json(self, url: str, **kw: Any) -> dict:
        self.calls.append(("GET", url))
        if url.endswith("/root"):
            return {"id": "root"}
        from vboshell.graph.errors import GraphError

        raise GraphError("not found", status=404, code="itemNotFound")

    def post_json(self, url: str, body: Any = None, **kw: Any) -> dict:
        self.calls.append(("POST", url))
        return {"id": "new", "name": (body or {}).get("name", "x")}

    def send_json(self, method: str, url: str, body: Any = None, **kw: Any) -> dict:
        self.calls.append((method, url))
        return {}

    def request(self, method: str, url: str, **kw: Any) -> _Resp:
        self.calls.append((method, url))
        return _Resp({"id": "f1", "name": url.rsplit(":/", 2)[-2] if ":/" in url else "f"})


class _Op:
    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.done: list[str] = []
        self.skipped: list[str] = []

    def warn(self, msg: str, obj: Any = None) -> None:
        self.warnings.append(msg)

    def success(self, e: Any, msg: str = "", **kw: Any) -> None:
        self.done.append(e.version.name)

    def skip(self, e: Any, msg: str, **kw: Any) -> None:
        self.skipped.append(msg)

    def fail(self, e: Any, msg: str, **kw: Any) -> None:
        raise AssertionError(msg)


def _entry(type_: str, name: str, folder: str, meta: dict | None = None, item_id: str = "i1") -> Any:
    e = _FakeEntry(b"<html>page</html>", name)
    e.type = type_
    e.meta = {"name": name, **(meta or {})}
    e.version = type("V", (), {"name": name, "folder": folder, "item_id": item_id, "size": 17, "parent_id": None,
                               "service": "SharePoint"})()
    e.obj = type("O", (), {"name": "Site", "external_id": "host,1,2"})()
    return e


def test_survey_and_web_part_notes_and_onenote_skip() -> None:
    from vboshell.restore import files as F
    from vboshell.restore import lists as L

    g, op = _FakeGraph(), _Op()
    item = _entry("listItem", "Answer", "Lists/Survey", {"listId": "L1", "fields": {"Title": "yes", "id": "1"}},
                  "list:L1:item:1")
    L.restore_list_items(g, [item], op, site_for=lambda e: "host,1,2", templates={"L1": "survey"})
    assert any("Allow multiple responses" in w for w in op.warnings) and op.done == ["Answer"]
    page = _entry("file", "Home.aspx", "Site Pages", {"driveId": "D"})
    nb = _entry("package", "Notebook", "Documents", {"driveId": "D", "path": "Documents/Notebook"})
    one = _entry("file", "Meetings.one", "Documents/Notebook", {"driveId": "D"})
    F.restore_documents(g, [page, nb, one], lambda e: F.DriveTarget("D", "", 1), op)
    assert any("Web part" in w for w in op.warnings)
    assert op.done[-1] == "Home.aspx" and len(op.skipped) == 2
    assert all("not supported in API-only mode" in s for s in op.skipped)


class _ZeroStream(io.RawIOBase):
    """A large stream produced on the fly (no buffer of its size anywhere)."""

    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:  # type: ignore[override]
        n = min(len(b), self.left)
        b[:n] = bytes(n)
        self.left -= n
        return n


def test_save_streams_with_flat_memory(tmp_path: Path) -> None:
    import tracemalloc

    from vboshell.restore.files import save_documents

    size = 48 * 1024 * 1024
    e = _entry("file", "big.bin", "", {})
    e.version.size = size
    e.open = lambda: io.BufferedReader(_ZeroStream(size), 1024 * 1024)  # type: ignore[method-assign]
    tracemalloc.start()
    try:
        save_documents([e], tmp_path / "out")
        save_documents([e], tmp_path / "z.zip", as_zip=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (tmp_path / "out" / "big.bin").stat().st_size == size
    assert peak < 8 * 1024 * 1024, peak  # a few MiB of buffers for a 48 MiB file
    r = ContentReader(e.open, size)
    total = 0
    r.seek(0)
    while chunk := r.read(10 * 327_680):
        total += len(chunk)
    assert total == size
