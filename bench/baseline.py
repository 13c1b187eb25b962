"""The naive baseline: what an admin would script with msal + httpx — list users, page through each mailbox's
folders fetching every message's MIME one request at a time, then walk the OneDrive fetching every file.

Run by bench/backup.py against the same sandbox tenant (or by hand against any tenant). Connection values come from
the environment (never the command line): BASELINE_TENANT, BASELINE_CLIENT_ID, BASELINE_CLIENT_SECRET,
BASELINE_AUTHORITY_HOST, BASELINE_GRAPH (https://host), BASELINE_CA (CA bundle, optional).
Prints one JSON line: items, bytes, wall seconds, items/s, requests, 429s. `--max-seconds` stops it early (the
rate is what matters; a 10,000-item tenant at 40 ms a request would otherwise take minutes)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx
import msal


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--max-seconds", type=float, default=60.0)
    ap.add_argument("--out", default="", help="folder for the .eml files and documents (default: a temp folder)")
    a = ap.parse_args()
    env = os.environ
    graph = env["BASELINE_GRAPH"].rstrip("/")
    ca = env.get("BASELINE_CA") or True
    app = msal.ConfidentialClientApplication(
        env["BASELINE_CLIENT_ID"], client_credential=env["BASELINE_CLIENT_SECRET"],
        authority=env["BASELINE_AUTHORITY_HOST"].rstrip("/") + "/" + env["BASELINE_TENANT"], instance_discovery=False)
    token = app.acquire_token_for_client(scopes=[graph + "/.default"])
    if "access_token" not in token:
        print(json.dumps({"error": token.get("error"), "description": token.get("error_description")}))
        return 1
    out = Path(a.out or tempfile.mkdtemp(prefix="vbo-baseline-"))
    stats = {"items": 0, "bytes": 0, "requests": 0, "throttled": 0, "mail_items": 0, "files": 0}
    client = httpx.Client(base_url=graph + "/v1.0", verify=ca, timeout=60,
                          headers={"Authorization": "Bearer " + token["access_token"]})
    t0 = time.perf_counter()
    deadline = t0 + a.max_seconds

    def get(url: str, **kw: object) -> httpx.Response:
        while True:  # the one courtesy a hand-written script usually has: wait when told to
            stats["requests"] += 1
            r = client.get(url, **kw)  # type: ignore[arg-type]
            if r.status_code == 429 or r.status_code == 503:
                stats["throttled"] += r.status_code == 429
                time.sleep(float(r.headers.get("Retry-After", "1")))
                continue
            r.raise_for_status()
            return r

    def pages(url: str) -> list[dict]:
        items: list[dict] = []
        while url:
            body = get(url).json()
            items.extend(body.get("value", []))
            url = body.get("@odata.nextLink")
        return items

    def folders(uid: str, parent: str | None = None) -> list[dict]:
        url = f"/users/{uid}/mailFolders/{parent}/childFolders" if parent else f"/users/{uid}/mailFolders"
        found = pages(url)
        for f in list(found):
            if f.get("childFolderCount"):
                found.extend(folders(uid, f["id"]))
        return found

    def save(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        stats["items"] += 1
        stats["bytes"] += len(data)

    def walk(drive: str, item: str, where: Path) -> None:
        for child in pages(f"/drives/{drive}/items/{item}/children"):
            if time.perf_counter() > deadline:
                return
            if "folder" in child:
                walk(drive, child["id"], where / child["id"])
            elif "file" in child:
                r = get(f"/drives/{drive}/items/{child['id']}/content", follow_redirects=True)
                save(where / child["id"], r.content)
                stats["files"] += 1

    done = True
    try:
        for user in pages("/users?$select=id,userPrincipalName"):
            uid = user["id"]
            try:
                fl = folders(uid)
            except httpx.HTTPStatusError:
                continue  # no mailbox
            for f in fl:
                for m in pages(f"/users/{uid}/mailFolders/{f['id']}/messages?$select=id&$top=100"):
                    if time.perf_counter() > deadline:
                        raise TimeoutError
                    save(out / uid / f["id"] / f"{m['id'][-40:]}.eml", get(f"/users/{uid}/messages/{m['id']}/$value").content)
                    stats["mail_items"] += 1
            try:
                d = get(f"/users/{uid}/drive").json()
            except httpx.HTTPStatusError:
                continue  # no OneDrive
            walk(d["id"], "root", out / uid / "onedrive")
            if time.perf_counter() > deadline:
                raise TimeoutError
    except TimeoutError:
        done = False
    wall = time.perf_counter() - t0
    client.close()
    print(json.dumps({**stats, "wall_s": round(wall, 2), "items_per_s": round(stats["items"] / wall, 2),
                      "complete": done}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
