"""Deterministic content for the sandbox tenant: words, names, MIME messages, file bytes and quickXorHash.
Everything is a pure function of a seed string, so bodies are materialised on request and never stored."""

from __future__ import annotations

import base64
import hashlib
import random

WORDS = (
    "budget review quarterly plan team project update meeting agenda notes draft final contract kickoff "
    "schedule offsite launch customer feedback roadmap design release migration backup storage policy "
    "security training travel expense report summary forecast pipeline partner vendor order shipment "
    "lunch welcome onboarding hiring interview proposal analysis marketing campaign webinar survey "
    "quality audit compliance license renewal support ticket incident outage maintenance window"
).split()

FIRST = ("Alice Bob Carol Dave Erin Frank Grace Heidi Ivan Judy Ken Laura Mallory Nina Oscar Peggy "
         "Quentin Rupert Sybil Trent Uma Victor Wendy Xavier Yara Zoe").split()
LAST = ("Johnson Smith Diaz Brown Chen Miller Lee Novak Petrov Kim Garcia Rossi Ito Okafor Silva Nguyen "
        "Schmidt Dubois Larsen Kowalski").split()

EXTERNAL = ("fabrikam.com", "northwind.example", "adatum.example", "tailspin.example", "woodgrove.example")


def rng(*key: object) -> random.Random:
    """A Random seeded from the key parts (stable across processes, unlike hash())."""
    h = hashlib.blake2b(":".join(str(k) for k in key).encode(), digest_size=8).digest()
    return random.Random(int.from_bytes(h, "big"))


def sentence(r: random.Random, lo: int = 3, hi: int = 8) -> str:
    words = [r.choice(WORDS) for _ in range(r.randint(lo, hi))]
    return " ".join(words).capitalize()


def paragraph(r: random.Random, n: int = 4) -> str:
    return ". ".join(sentence(r, 6, 14) for _ in range(n)) + "."


def blob(seed: str, size: int) -> bytes:
    """`size` deterministic pseudo-random bytes."""
    if size <= 0:
        return b""
    return rng("blob", seed).randbytes(size)


_TEXT_POOL: bytes = b""


def _text_pool() -> bytes:
    global _TEXT_POOL
    if not _TEXT_POOL:
        r = random.Random(20261127)
        _TEXT_POOL = "".join(paragraph(r, 3) + "\n" for _ in range(400)).encode()
    return _TEXT_POOL


def text_blob(seed: str, size: int) -> bytes:
    """`size` bytes of deterministic readable text (a seeded window over a fixed text pool, wrapping around)."""
    if size <= 0:
        return b""
    pool = _text_pool()
    start = rng("text", seed).randrange(len(pool))
    out = bytearray()
    while len(out) < size:
        out += pool[start:start + size - len(out)]
        start = 0
    return bytes(out)


TEXT_EXT = {".txt", ".md", ".csv", ".json", ".xml", ".html", ".log"}


def file_bytes(seed: str, name: str, size: int) -> bytes:
    ext = name[name.rfind("."):].lower() if "." in name else ""
    return text_blob(seed, size) if ext in TEXT_EXT else blob(seed, size)


MIME_TYPES = {
    ".txt": "text/plain", ".md": "text/markdown", ".csv": "text/csv", ".json": "application/json",
    ".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".zip": "application/zip",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".one": "application/msonenote", ".onetoc2": "application/msonenote", ".mp4": "video/mp4",
    ".html": "text/html", ".xml": "application/xml", ".log": "text/plain", ".vsdx": "application/vnd.ms-visio.drawing",
}


def mime_type(name: str) -> str:
    ext = name[name.rfind("."):].lower() if "." in name else ""
    return MIME_TYPES.get(ext, "application/octet-stream")


def quickxor(data: bytes) -> str:
    """OneDrive's quickXorHash (base64): bytes XORed into a 160-bit circular register, 11 bits apart, length XORed in."""
    width = 160
    n = len(data)
    if n:
        buf = data + b"\0" * ((-n) % 160)
        blocks = len(buf) // 160
        acc = int.from_bytes(buf, "little")
        # fold to one 160-byte block: byte j and byte j+160 land at the same register position
        while blocks > 1:
            if blocks % 2:
                top_shift = (blocks - 1) * 1280
                acc = (acc & ((1 << top_shift) - 1)) ^ (acc >> top_shift)
                blocks -= 1
                continue
            half = (blocks // 2) * 1280
            acc = (acc & ((1 << half) - 1)) ^ (acc >> half)
            blocks //= 2
        folded = acc.to_bytes(160, "little")
    else:
        folded = b"\0" * 160
    reg = 0
    mask = (1 << width) - 1
    for k, b in enumerate(folded):
        if b:
            s = (11 * k) % width
            v = b << s
            reg ^= (v | (v >> width)) & mask
    out = bytearray(reg.to_bytes(20, "little"))
    for i, lb in enumerate(n.to_bytes(8, "little")):
        out[12 + i] ^= lb
    return base64.b64encode(bytes(out)).decode()


def b64_lines(data: bytes) -> str:
    """Base64 in 76-character lines joined by CRLF (MIME transfer encoding)."""
    return base64.encodebytes(data).decode("ascii").replace("\n", "\r\n").rstrip("\r\n")


def body_text(seed: str, n: int = 3) -> str:
    """A deterministic message body: `n` paragraphs taken from the text pool."""
    pool = _text_pool()
    r = rng("bodytext", seed)
    out = []
    for _ in range(n):
        start = pool.find(b"\n", r.randrange(len(pool) - 2000)) + 1
        end = pool.find(b"\n", start + r.randint(200, 700))
        out.append(pool[start:end].decode())
    return "\n\n".join(out)


def build_mime(*, subject: str, from_name: str, from_addr: str, to: list[tuple[str, str]], date_rfc2822: str,
               message_id: str, body_text: str, attachments: list[tuple[str, str, bytes]], boundary_seed: str,
               extra_headers: list[tuple[str, str]] | None = None) -> bytes:
    """A realistic RFC 5322 message: multipart/mixed with text + HTML alternatives and base64 attachments."""
    b1 = "_000_" + hashlib.md5(("a" + boundary_seed).encode()).hexdigest()[:24] + "_"
    b2 = "_000_" + hashlib.md5(("b" + boundary_seed).encode()).hexdigest()[:24] + "_"
    to_h = ", ".join(f'"{n}" <{a}>' for n, a in to)
    html = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"></head><body><p>" + \
        body_text.replace("\n", "</p><p>") + "</p></body></html>"
    head = [
        f'From: "{from_name}" <{from_addr}>',
        f"To: {to_h}",
        f"Subject: {subject}",
        f"Date: {date_rfc2822}",
        f"Message-ID: {message_id}",
        "MIME-Version: 1.0",
        "Content-Language: en-US",
        "X-MS-Has-Attach: " + ("yes" if attachments else ""),
    ]
    for k, v in extra_headers or []:
        head.append(f"{k}: {v}")
    alt = [
        f"--{b2}", "Content-Type: text/plain; charset=\"utf-8\"", "Content-Transfer-Encoding: 8bit", "", body_text,
        f"--{b2}", "Content-Type: text/html; charset=\"utf-8\"", "Content-Transfer-Encoding: 8bit", "", html,
        f"--{b2}--", "",
    ]
    if not attachments:
        head.append(f'Content-Type: multipart/alternative; boundary="{b2}"')
        return ("\r\n".join(head) + "\r\n\r\n" + "\r\n".join(alt)).encode()
    head.append(f'Content-Type: multipart/mixed; boundary="{b1}"')
    parts = [f"--{b1}", f'Content-Type: multipart/alternative; boundary="{b2}"', "", "\r\n".join(alt)]
    for name, ctype, data in attachments:
        parts += [f"--{b1}", f'Content-Type: {ctype}; name="{name}"', f'Content-Disposition: attachment; filename="{name}"',
                  "Content-Transfer-Encoding: base64", "", b64_lines(data)]
    parts += [f"--{b1}--", ""]
    return ("\r\n".join(head) + "\r\n\r\n" + "\r\n".join(parts)).encode()
