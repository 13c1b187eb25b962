"""Unit checks of the Exchange collector's truncated-MIME detection (a cut $value body is not stored as the
message); pure functions, no sandbox."""

from __future__ import annotations

import pytest

from vboshell.backup.collectors.base import content_ends
from vboshell.backup.collectors.exchange import mime_problem
from vboshell.sandbox.content import build_mime


def _mime(attachment: int = 0) -> bytes:
    atts = [("a.bin", "application/octet-stream", b"x" * attachment)] if attachment else []
    return build_mime(subject="s", from_name="A", from_addr="a@example.com", to=[("B", "b@example.com")],
                      date_rfc2822="Mon, 01 Jan 2024 00:00:00 +0000", message_id="<1@example.com>",
                      body_text="hello", attachments=atts, boundary_seed="seed")


@pytest.mark.parametrize("attachment", [0, 200_000])
def test_complete_message_passes(attachment: int) -> None:
    m = _mime(attachment)
    assert mime_problem(*content_ends([m[:70_000], m[70_000:]])) is None


@pytest.mark.parametrize("attachment", [0, 200_000])
@pytest.mark.parametrize("keep", [0.5, 0.9, 0.01])
def test_cut_message_is_reported(attachment: int, keep: float) -> None:
    m = _mime(attachment)
    assert mime_problem(*content_ends([m[: max(1, int(len(m) * keep))]])) is not None


def test_single_part_and_long_headers_are_not_judged() -> None:
    assert mime_problem(*content_ends([b"Subject: x\r\n\r\nhello"])) is None
    long_head = b"X-Long: " + b"y" * 100_000
    assert mime_problem(*content_ends([long_head])) is None


@pytest.mark.parametrize("header", [
    b'Content-Type: multipart/mixed; boundary="abc 123"',
    b"content-type: Multipart/Alternative;\r\n\tboundary=plain_token-9",
    b'Content-Type: multipart/related; type="text/html";\r\n boundary="quo\\"ted"',
    b"Content-Type: text/plain; boundary=notmultipart",
    b"Content-Type: multipart/mixed",
    b"Content-Type: multipart/mixed; boundary*=utf-8''%C3%A9x",
    b"X-Content-Type: multipart/mixed; boundary=fake",
    b"Subject: no content type",
])
def test_boundary_reader_agrees_with_the_email_package(header: bytes) -> None:
    """The fast boundary reader used on every message gives what Python's email package gives."""
    import email.parser
    import email.policy

    from vboshell.backup.collectors.exchange import _multipart_boundary

    block = b"From: a@b.c\r\n" + header + b"\r\nMIME-Version: 1.0\r\n\r\n"
    msg = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(block)
    expected = msg.get_boundary() if msg.get_content_type().startswith("multipart/") else None
    assert _multipart_boundary(block) == expected
