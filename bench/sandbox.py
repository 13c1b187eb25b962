"""Sandbox benchmark: requests/s for a message $value GET (latency off, throttling off) and the server's RSS for
the 1,000-user x 1,000-item spec. Run by hand: `.venv/bin/python bench/sandbox.py [--seconds 5] [--connections 8]`."""

from __future__ import annotations

import argparse
import asyncio
import json
import ssl
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vboshell.sandbox import Sandbox  # noqa: E402


async def _connection(host: str, port: int, ctx: ssl.SSLContext, requests: list[bytes], deadline: float,
                      lat: list[float], counts: list[int]) -> None:
    """One keep-alive HTTPS connection sending GETs back to back (a minimal HTTP/1.1 client, so the load generator
    is not the bottleneck)."""
    reader, writer = await asyncio.open_connection(host, port, ssl=ctx)
    i = 0
    n = len(requests)
    try:
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            writer.write(requests[i % n])
            i += 1
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            clen = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    clen = int(line[15:])
                    break
            await reader.readexactly(clen)
            lat.append(time.perf_counter() - t0)
            counts[0] += 1
            counts[1] += clen
            if status != 200:
                counts[2] += 1
    finally:
        writer.close()


async def _load(sb: Sandbox, paths: list[str], token: str, seconds: float, connections: int) -> dict[str, Any]:
    ctx = sb.ssl_context()
    reqs = [(f"GET {p} HTTP/1.1\r\nHost: 127.0.0.1:{sb.port}\r\nAuthorization: Bearer {token}\r\n"
             f"Accept: */*\r\nPrefer: IdType=\"ImmutableId\"\r\n\r\n").encode() for p in paths]
    lat: list[float] = []
    counts = [0, 0, 0]
    # warm-up (connections, MIME cache)
    await asyncio.gather(*[_connection("127.0.0.1", sb.port, ctx, reqs, time.perf_counter() + 0.5, [], [0, 0, 0])
                           for _ in range(connections)])
    t0 = time.perf_counter()
    await asyncio.gather(*[_connection("127.0.0.1", sb.port, ctx, reqs[k::connections] or reqs,
                                       t0 + seconds, lat, counts) for k in range(connections)])
    wall = time.perf_counter() - t0
    lat.sort()
    return {"requests": counts[0], "seconds": round(wall, 2), "requests_per_s": round(counts[0] / wall),
            "mb_per_s": round(counts[1] / wall / 1e6, 1), "non_200": counts[2],
            "latency_ms_p50": round(statistics.median(lat) * 1000, 2) if lat else None,
            "latency_ms_p99": round(lat[int(len(lat) * 0.99)] * 1000, 2) if lat else None}


def bench_value(seconds: float, connections: int, spec: str) -> dict[str, Any]:
    sb = Sandbox(spec, throttling=False).start(mode="process")
    try:
        users = [u for u in sb.truth.users() if u["purpose"] == "user"]
        paths = []
        for u in users:
            for m in sb.truth.messages(u["id"]):
                if "Large design" not in m["subject"]:
                    paths.append(f"/v1.0/users/{u['id']}/messages/{m['id']}/$value")
        token = sb.token()
        try:
            import uvloop
            uvloop.install()
        except ImportError:
            pass
        res = asyncio.run(_load(sb, paths, token, seconds, connections))
        res["distinct_messages"] = len(paths)
        res["server_counted"] = sb.counters()["requests"]
        return res
    finally:
        sb.stop()


def bench_rss(spec: str, touch_mailboxes: int) -> dict[str, Any]:
    import psutil
    t0 = time.perf_counter()
    sb = Sandbox(spec, throttling=False).start(mode="process")
    try:
        started = time.perf_counter() - t0
        proc = psutil.Process(sb._proc.pid)
        idle = proc.memory_info().rss
        summary = sb.truth.summary()
        # touch content like a backup does: message delta + MIME for some mailboxes, drive delta for their drives
        import httpx
        token = sb.token()
        users = [u for u in sb.truth.users() if u["purpose"] == "user"][:touch_mailboxes]
        with httpx.Client(base_url=sb.graph_url, verify=sb.ssl_context(),
                          headers={"Authorization": f"Bearer {token}"}) as c:
            for u in users:
                url: str | None = f"/users/{u['id']}/mailFolders/inbox/messages/delta?$select=id"
                while url:
                    b = c.get(url, headers={"Prefer": "odata.maxpagesize=1000"}).json()
                    for m in b["value"][:20]:
                        c.get(f"/users/{u['id']}/messages/{m['id']}/$value")
                    url = b.get("@odata.nextLink")
                url = f"/users/{u['id']}/drive/root/delta?$top=1000"
                while url:
                    b = c.get(url).json()
                    url = b.get("@odata.nextLink")
        touched = proc.memory_info().rss
        return {"spec": spec, "start_s": round(started, 2), "rss_idle_mb": round(idle / 2**20, 1),
                "rss_after_touching_mb": round(touched / 2**20, 1), "mailboxes_touched": len(users), **summary}
    finally:
        sb.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--spec", default="default", help="spec for the $value benchmark")
    ap.add_argument("--rss-spec", default="large", help="spec whose RSS is measured ('' to skip)")
    ap.add_argument("--touch", type=int, default=20, help="mailboxes/drives read in the RSS run")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    out: dict[str, Any] = {"value_get": bench_value(a.seconds, a.connections, a.spec)}
    if a.rss_spec:
        out["rss"] = bench_rss(a.rss_spec, a.touch)
    if a.json:
        print(json.dumps(out, indent=1))
    else:
        v = out["value_get"]
        print(f"message $value GET: {v['requests_per_s']} requests/s ({v['mb_per_s']} MB/s) over {v['seconds']} s, "
              f"{a.connections} keep-alive HTTPS connections, p50 {v['latency_ms_p50']} ms, p99 {v['latency_ms_p99']} ms, "
              f"non-200 {v['non_200']}")
        if "rss" in out:
            r = out["rss"]
            print(f"RSS for spec '{r['spec']}' ({r['users']} users, {r['messages']:,} messages, {r['driveItems']:,} drive "
                  f"items): {r['rss_idle_mb']} MB after start ({r['start_s']} s), {r['rss_after_touching_mb']} MB after "
                  f"reading {r['mailboxes_touched']} mailboxes and drives")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
