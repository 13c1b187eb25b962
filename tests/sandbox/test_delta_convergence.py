"""Delta convergence: random adds/edits/moves/deletes interleaved with page fetches of running rounds; a client
that applies every round ends with exactly the truth (mail folders and a drive), whatever the interleaving."""

from __future__ import annotations

import random
from typing import Any

import pytest

from vboshell.sandbox import Sandbox

FOLDERS = ("inbox", "archive", "sentitems")


class Client:
    """A delta client that fetches one page at a time so tests can interleave changes between pages."""

    def __init__(self, gc: Any, start: str, removed_key: str) -> None:
        self.gc, self.start, self.removed_key = gc, start, removed_key
        self.state: dict[str, Any] = {}
        self.next: str | None = start
        self.delta: str | None = None
        self.rounds = 0

    def step(self) -> None:
        if self.next is None:  # begin the next round from the deltaLink
            self.next = self.delta
        r = self.gc.get(self.next, headers={"Prefer": "odata.maxpagesize=3"})
        assert r.status_code == 200, r.text
        body = r.json()
        for v in body["value"]:
            if self.removed_key in v:
                self.state.pop(v["id"], None)
            elif "root" not in v:
                self.state[v["id"]] = v.get("subject", v.get("size"))
        self.next = body.get("@odata.nextLink")
        if self.next is None:
            self.delta = body["@odata.deltaLink"]
            self.rounds += 1

    def finish(self) -> None:
        self.step()
        while self.next is not None:
            self.step()
        self.step()  # one complete round that starts after the last change
        while self.next is not None:
            self.step()


@pytest.fixture(scope="module")
def sb() -> Any:
    s = Sandbox("tiny", seed=5, throttling=False).start()
    yield s
    s.stop()


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_mail_and_drive_delta_converge(sb: Any, seed: int) -> None:
    r = random.Random(seed)
    alice = sb.truth.users()[0]["id"]
    did = sb.truth.drive_id("alice")
    with sb.graph_client() as gc:
        mail = {f: Client(gc, f"/users/{alice}/mailFolders/{f}/messages/delta", "@removed") for f in FOLDERS}
        drive = Client(gc, f"/drives/{did}/root/delta?$top=3", "deleted")
        hot = [m["id"] for m in sb.truth.messages(alice)][:3]  # moved back and forth: several removals per round
        for _ in range(200):
            op = r.random()
            msgs = sb.truth.messages(alice)
            hot_alive = [h for h in hot if h in {m["id"] for m in msgs}]
            if op < 0.25 and hot_alive:
                sb.mutate.move_message(user="alice", message_id=r.choice(hot_alive), folder=r.choice(FOLDERS))
            elif op < 0.35 or not msgs:
                sb.mutate.add_message(user="alice", folder=r.choice(FOLDERS), subject=f"n{r.random():.6f}")
            elif op < 0.45:
                sb.mutate.move_message(user="alice", message_id=r.choice(msgs)["id"], folder=r.choice(FOLDERS))
            elif op < 0.5:
                sb.mutate.delete_message(user="alice", message_id=r.choice(msgs)["id"])
            elif op < 0.6:
                sb.mutate.update_message(user="alice", message_id=r.choice(msgs)["id"], subject=f"e{r.random():.6f}")
            else:
                files = [i for i in sb.truth.drive_items(did) if not i["isFolder"] and not i["package"]]
                folders = [i for i in sb.truth.drive_items(did) if i["isFolder"]]
                k = r.random()
                if k < 0.3 or not files:
                    sb.mutate.add_file(drive=did, parent=None, name=f"f{r.random():.6f}.bin", data=b"x" * r.randint(1, 9))
                elif k < 0.5:
                    sb.mutate.update_file(drive=did, item=r.choice(files)["id"], data=b"y" * r.randint(10, 99))
                elif k < 0.7 and folders:
                    sb.mutate.move_drive_item(drive=did, item=r.choice(files)["id"], new_parent=r.choice(folders)["id"])
                else:
                    sb.mutate.delete_drive_item(drive=did, item=r.choice(files)["id"])
            for c in [*mail.values(), drive]:
                if r.random() < 0.25:
                    c.step()
        for c in [*mail.values(), drive]:
            c.finish()
    for f, c in mail.items():
        assert c.state == {m["id"]: m["subject"] for m in sb.truth.messages(alice, f)}, f
    assert drive.state == {i["id"]: (0 if i["isFolder"] else i["size"]) for i in sb.truth.drive_items(did)}
    assert all(c.rounds >= 3 for c in mail.values())
