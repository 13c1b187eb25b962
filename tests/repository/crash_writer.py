"""Child process of the crash test: ingests items into a repository forever, until it is SIGKILLed.
Usage: python -m tests.repository.crash_writer <repo> <seed>"""

from __future__ import annotations

import random
import sys

import vboshell.repository.repo as repo_mod
from vboshell.repository import ObjectRef, Repository


def maintenance(path: str, seed: int) -> None:
    """Ingest items with spread-out dates, then run item-level retention + GC, forever."""
    from datetime import UTC, datetime, timedelta

    from vboshell.repository import RetentionPolicy

    repo_mod.TARGET_SIZE = 64 * 1024
    rnd = random.Random(seed)
    repo = Repository.open(path, key="crash-key")
    now = datetime.now(UTC)
    print("ready", flush=True)
    n = 0
    while True:
        with repo.writer("maint-job", "org") as w:
            w.begin_restore_point()
            for _ in range(30):
                n += 1
                w.put_item(ObjectRef("user", "m"), "Exchange", f"x{rnd.randrange(200)}", "Inbox", {}, rnd.randbytes(8_000),
                           item_date=now - timedelta(days=rnd.randrange(60)))
            w.commit()
        repo.apply_retention(RetentionPolicy.parse(None, "ItemLevel", "Days", 30))


def main() -> None:
    path, seed = sys.argv[1], int(sys.argv[2])
    if len(sys.argv) > 3 and sys.argv[3] == "maintenance":
        maintenance(path, seed)
        return
    repo_mod.TARGET_SIZE = 256 * 1024  # many small packs: many publish points to be killed at
    rnd = random.Random(seed)
    pool = [random.Random(i).randbytes(20_000) for i in range(40)]
    repo = Repository.open(path, key="crash-key")
    users = [ObjectRef("user", f"u{i}", f"User {i}") for i in range(3)]
    with repo.writer("crash-job", "org") as w:
        print("ready", flush=True)
        n = 0
        while True:
            w.begin_restore_point()
            for _ in range(40):
                u = rnd.choice(users)
                iid = f"m{rnd.randrange(300)}"
                r = rnd.random()
                if r < 0.05:
                    w.delete_item(u, "Exchange", iid)
                elif r < 0.10:
                    w.put_item(u, "OneDrive", f"f{rnd.randrange(20)}", "Docs", {"name": "file"}, rnd.randbytes(rnd.randrange(300_000, 1_500_000)))
                else:
                    body = rnd.randbytes(20_000) if r < 0.4 else rnd.choice(pool)
                    w.put_item(u, "Exchange", iid, f"Inbox/{rnd.randrange(3)}", {"subject": f"s{n}"}, body, change_key=str(n))
                n += 1
                if n % 25 == 0:
                    w.set_delta_state(u, "mail", f"token-{n}")
                    w.set_object_status(u, "Success", {"n": n})
            w.commit()


if __name__ == "__main__":
    main()
