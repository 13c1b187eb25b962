"""Benchmark of the backup repository: ingest/read rates for mail-sized items and a large streamed file,
dedup ratio and peak RSS. Usage: python bench/repository.py [--items 20000] [--file-mb 1024] [--plain] [--dir D]"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import struct
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vboshell.repository import ObjectRef, Repository  # noqa: E402

MB = 1024 * 1024


class RssSampler:
    """Samples the process RSS every 20 ms in a thread; .peak is the maximum seen."""

    def __init__(self) -> None:
        self.proc = psutil.Process()
        self.peak = self.proc.memory_info().rss
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.02)

    def __enter__(self) -> RssSampler:
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)


def big_file(size: int, seed: int):
    """A stream of `size` incompressible, non-repeating bytes (a random MiB stamped with a counter every 4 KiB)."""
    base = bytearray(random.Random(seed).randbytes(MB))
    counter = 0
    left = size
    while left > 0:
        blk = bytearray(base)
        for off in range(0, MB, 4096):
            struct.pack_into("<QQ", blk, off, seed, counter)
            counter += 1
        n = min(MB, left)
        yield bytes(blk[:n])
        left -= n


def mail_bodies(count: int, seed: int = 1):
    """`count` distinct ~20 KB messages: MIME-like headers, word text that compresses like mail, and a unique
    incompressible 6 KB part (so no two items dedup)."""
    rnd = random.Random(seed)
    words = [b"meeting", b"project", b"budget", b"review", b"the", b"and", b"please", b"team", b"update", b"thanks"]
    texts = [b" ".join(rnd.choice(words) for _ in range(2200))[:13_800] for _ in range(64)]
    for i in range(count):
        head = f"Message-ID: <{i}@contoso.com>\r\nSubject: Status {i}\r\nFrom: user{i % 50}@contoso.com\r\n\r\n".encode()
        body = head + texts[i % 64] + rnd.randbytes(6_000)
        yield body[:20_000].ljust(20_000, b" ")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--items", type=int, default=20_000)
    ap.add_argument("--file-mb", type=int, default=1024)
    ap.add_argument("--plain", action="store_true", help="unencrypted repository (default: encrypted)")
    ap.add_argument("--dir", default=None, help="where to create the repository (default: a temp dir)")
    args = ap.parse_args()

    base = Path(args.dir or tempfile.mkdtemp(prefix="vbo-bench-"))
    path = base / "repo"
    if path.exists():
        shutil.rmtree(path)
    repo = Repository.init(path, key=None if args.plain else "bench-password")
    print(f"repository: {path} ({'unencrypted' if args.plain else 'AES-256-GCM encrypted'})")
    user = ObjectRef("user", "bench-user", "Bench User")

    # --- mail-sized items ---
    total = args.items * 20_000
    t = time.perf_counter()
    with repo.writer("bench", "org") as w:
        w.begin_restore_point()
        for i, body in enumerate(mail_bodies(args.items)):
            w.put_item(user, "Exchange", f"msg-{i}", f"Inbox/{i % 20}", {"subject": f"Status {i}", "size": len(body),
                       "receivedDateTime": "2026-11-01T10:00:00Z"}, body, change_key=f"ck{i}")
        w.commit()
    dt = time.perf_counter() - t
    print(f"mail items ingest : {args.items / dt:9.0f} items/s  {total / dt / MB:7.1f} MB/s  ({args.items} x 20 KB in {dt:.2f}s)")
    t = time.perf_counter()
    n = nbytes = 0
    for iv in repo.view().items(user, "Exchange"):
        nbytes += len(repo.read_content(iv))
        n += 1
    dt = time.perf_counter() - t
    print(f"mail items read   : {n / dt:9.0f} items/s  {nbytes / dt / MB:7.1f} MB/s")

    # --- one large file, streamed ---
    size = args.file_mb * MB
    t = time.perf_counter()
    for _ in big_file(min(size, 256 * MB), 99):
        pass
    gen_rate = min(size, 256 * MB) / (time.perf_counter() - t) / MB
    rss_before = psutil.Process().memory_info().rss
    with RssSampler() as rss:
        t = time.perf_counter()
        with repo.writer("bench", "org") as w:
            w.begin_restore_point()
            w.put_item(user, "OneDrive", "big-file", "Documents", {"name": "big.bin"}, big_file(size, 7))
            w.commit()
        dt = time.perf_counter() - t
    print(f"large file ingest : {size / dt / MB:9.1f} MB/s  ({args.file_mb} MB in {dt:.2f}s, generator alone {gen_rate:.0f} MB/s)")
    print(f"peak RSS (ingest) : {rss.peak / MB:9.1f} MB  (before: {rss_before / MB:.1f} MB)")
    iv = repo.view().get(user, "OneDrive", "big-file")
    h = hashlib.sha256()
    with RssSampler() as rss_r:
        t = time.perf_counter()
        with repo.open_content(iv) as f:
            while blk := f.read(4 * MB):
                h.update(blk)
        dt = time.perf_counter() - t
    ref = hashlib.sha256()
    for b in big_file(size, 7):
        ref.update(b)
    print(f"large file read   : {size / dt / MB:9.1f} MB/s  (byte-identical: {h.digest() == ref.digest()}, peak RSS {rss_r.peak / MB:.1f} MB)")

    # --- dedup: the same content again under other items ---
    before = repo.stats().pack_bytes
    t = time.perf_counter()
    with repo.writer("bench", "org") as w:
        w.begin_restore_point()
        w.put_item(ObjectRef("user", "other-user"), "OneDrive", "copy", "Backup", {"name": "copy.bin"}, big_file(size, 7))
        w.commit()
    dt = time.perf_counter() - t
    added = repo.stats().pack_bytes - before
    st = repo.stats()
    print(f"dedup (same file) : added {added / MB:.2f} MB for {size / MB:.0f} MB ({added / size * 100:.3f}%), "
          f"{size / dt / MB:.0f} MB/s")
    print(f"dedup ratio       : {st.dedup_ratio:9.2f}  (logical {st.logical_bytes / MB:.0f} MB / unique {st.raw_bytes / MB:.0f} MB, "
          f"stored {st.pack_bytes / MB:.0f} MB in {st.packs} packs)")
    t = time.perf_counter()
    rep = repo.verify()
    print(f"verify            : {rep.summary()}  ({st.pack_bytes / (time.perf_counter() - t) / MB:.0f} MB/s)")
    print(f"peak RSS (process): {psutil.Process().memory_info().rss / MB:9.1f} MB now; ru_maxrss "
          f"{__import__('resource').getrusage(__import__('resource').RUSAGE_SELF).ru_maxrss / 1024:.1f} MB")
    repo.close()
    if not args.dir:
        shutil.rmtree(base)
    else:
        shutil.rmtree(path)
    os.sync() if hasattr(os, "sync") else None


if __name__ == "__main__":
    main()
