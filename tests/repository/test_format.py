"""Repository format tests: round-trips, dedup, point-in-time views, delta state, resume, locking, encryption."""

from __future__ import annotations

import hashlib
import io
import os
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.repository.helpers import gen_bytes, gen_stream
from vboshell.repository import (
    ItemChange,
    ObjectRef,
    Repository,
    RepositoryKeyError,
    RepositoryLockedError,
    RepositoryStateError,
)

U1 = ObjectRef("user", "u-1", "Adele Vance")
U2 = ObjectRef("user", "u-2", "Bob")
SITE = ObjectRef("site", "s-1", "Marketing")

SIZES = [0, 1, 100, 20_000, 256 * 1024 - 1, 256 * 1024, 256 * 1024 + 1, 1_000_000, 5_000_003]


@pytest.mark.parametrize("form", ["bytes", "iter", "file"])
def test_round_trip_sizes(repo, form):
    datas = {f"i{n}": gen_bytes(n, n) for n in SIZES}
    with repo.writer("j", "o") as w:
        w.begin_restore_point()
        for iid, d in datas.items():
            content = d if form == "bytes" else io.BytesIO(d) if form == "file" else [d[i : i + 9999] for i in range(0, len(d), 9999)]
            assert w.put_item(U1, "OneDrive", iid, "Documents", {"name": iid}, content) is ItemChange.NEW
        w.commit()
    view = repo.view()
    assert view.count() == len(datas)
    for iid, d in datas.items():
        iv = view.get(U1, "OneDrive", iid)
        assert iv.size == len(d) and iv.name == iid
        assert repo.read_content(iv) == d
        with repo.open_content(iv) as f:
            assert f.read() == d
    assert repo.verify().ok


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(st.tuples(st.text(min_size=1, max_size=8), st.binary(max_size=3000)), min_size=1, max_size=8))
def test_round_trip_property(tmp_path_factory, items):
    r = Repository.init(tmp_path_factory.mktemp("p") / "r")
    expected = {}
    with r.writer() as w:
        w.begin_restore_point()
        for iid, data in items:
            w.put_item(U1, "Exchange", iid, "Inbox", {"subject": iid}, data)
            expected[iid] = data
        w.commit()
    v = r.view()
    assert {iv.item_id: r.read_content(iv) for iv in v.items()} == expected
    r.close()


def test_200mb_streamed_round_trip(repo):
    size = 200 * 1024 * 1024
    h = hashlib.sha256()
    for b in gen_stream(7, size):
        h.update(b)
    with repo.writer() as w:
        w.begin_restore_point()
        w.put_item(U1, "OneDrive", "big", "Videos", {"name": "big.bin"}, gen_stream(7, size))
        w.commit()
    iv = repo.view().get(U1, "OneDrive", "big")
    assert iv.size == size
    h2 = hashlib.sha256()
    with repo.open_content(iv) as f:
        while blk := f.read(4 << 20):
            h2.update(blk)
    assert h2.digest() == h.digest()


def test_dedup_same_10mb_twice(repo):
    data = gen_bytes(3, 10 * 1024 * 1024)
    with repo.writer() as w:
        w.begin_restore_point()
        w.put_item(U1, "OneDrive", "a", "Docs", {"name": "a"}, data)
        w.commit()
    before = repo.stats().pack_bytes
    with repo.writer() as w:
        w.begin_restore_point()
        w.put_item(U2, "OneDrive", "b", "Other", {"name": "b"}, io.BytesIO(data))
        w.put_item(SITE, "SharePoint", "c", "Shared", {"name": "c"}, [data[:12345], data[12345:]])
        w.commit()
    after = repo.stats().pack_bytes
    assert after - before < 0.01 * len(data)
    assert repo.stats().dedup_ratio > 2.9


def test_point_in_time_views_across_five_restore_points(repo):
    model: list[dict] = []
    state: dict[str, bytes] = {}
    for rp_no in range(5):
        with repo.writer("job", "org") as w:
            w.begin_restore_point()
            for i in range(10):
                iid = f"m{i}"
                if rp_no == 0 or (i % 5 == rp_no) or (rp_no == 3 and i == 9):
                    body = f"message {i} version {rp_no}".encode() * 50
                    change = w.put_item(U1, "Exchange", iid, f"Inbox/{i % 3}", {"subject": f"S{i}.{rp_no}"}, body, change_key=f"ck{rp_no}")
                    assert change is (ItemChange.NEW if iid not in state else ItemChange.CHANGED)
                    state[iid] = body
                else:
                    # unchanged items re-put store nothing
                    if iid in state:
                        assert w.put_item(U1, "Exchange", iid, f"Inbox/{i % 3}", None, state[iid]) is not ItemChange.NEW
            if rp_no in (2, 4):
                victim = f"m{rp_no + 4}"
                if victim in state:
                    assert w.delete_item(U1, "Exchange", victim)
                    del state[victim]
            if rp_no == 3:  # a deleted item comes back
                w.put_item(U1, "Exchange", "m6", "Inbox/0", {"subject": "back"}, b"resurrected")
                state["m6"] = b"resurrected"
            w.commit()
        model.append(dict(state))
    rps = repo.restore_points("job")
    assert len(rps) == 5
    for rp, expected in zip(rps, model, strict=True):
        got = {iv.item_id: repo.read_content(iv) for iv in repo.view(rp).items(U1, "Exchange")}
        assert got == expected, rp
    # versions, deletions, folder listing, view_at
    assert len(repo.versions(U1, "Exchange", "m1")) >= 2
    deleted = {(d.item_id, d.deleted_in) for d in repo.deleted_items(U1)}
    assert ("m6", rps[2].id) in deleted and ("m8", rps[4].id) in deleted
    assert set(repo.view(rps[0]).folders(U1)) == {"Inbox/0", "Inbox/1", "Inbox/2"}
    assert all(iv.folder == "Inbox/1" for iv in repo.view(rps[0]).items(U1, folder="Inbox/1"))
    assert len(list(repo.view(rps[0]).items(U1, folder="Inbox", recursive=True))) == 10
    assert repo.view_at(rps[2].finished).restore_point.id == rps[2].id
    assert repo.view_at(datetime.now(UTC)).restore_point.id == rps[4].id
    assert repo.verify().ok


def test_unchanged_items_and_item_known_and_delta_state(repo):
    with repo.writer("j", "o") as w:
        w.begin_restore_point()
        assert w.put_item(U1, "Exchange", "m1", "Inbox", {"subject": "a"}, b"x", change_key="ck1")
        assert w.item_known(U1, "m1", "ck1") and not w.item_known(U1, "m1", "ck2")
        w.set_delta_state(U1, "mail:Inbox", "token-1", {"paths": {"f1": "Inbox"}})
        assert w.get_delta_state(U1, "mail:Inbox").token == "token-1"
        w.set_object_status(U1, "Success", {"items": 1})
        rp = w.commit()
    assert repo.object_statuses(rp)[0].status == "Success"
    with repo.writer("j", "o") as w:
        w.begin_restore_point()
        assert w.item_known(U1, "m1", "ck1", service="Exchange")
        ds = w.get_delta_state(U1, "mail:Inbox")
        assert ds.token == "token-1" and ds.extra == {"paths": {"f1": "Inbox"}}
        assert w.put_item(U1, "Exchange", "m1", "Inbox", {"subject": "a"}, b"x", change_key="ck1") is ItemChange.UNCHANGED
        assert [r[1] for r in w.current_items(U1)] == ["m1"]
        w.set_delta_state(U1, "mail:Inbox", "token-2")
        w.commit()
    assert repo.stats().item_versions == 1
    with repo.writer("j", "o") as w:
        w.begin_restore_point()
        assert w.get_delta_state(U1, "mail:Inbox").token == "token-2"


def test_delta_states_of_many_keys_read_as_one_key_at_a_time(repo):
    """get_delta_states (one query for a mailbox's folders) answers exactly as get_delta_state does key by key: the
    newest committed state, this run's own (pending or flushed) state, none for keys never set or set only by an
    interrupted run that is not this one."""
    keys = [f"mail:f{i}" for i in range(600)]  # more than one query's worth of parameters
    with repo.writer("j", "o") as w:
        w.begin_restore_point()
        for i, k in enumerate(keys[:400]):
            w.set_delta_state(U1, k, f"t1-{i}", {"n": i})
        w.set_delta_state(U2, keys[0], "other-object")
        w.commit()
    with repo.writer("j", "o") as w:
        w.begin_restore_point()
        for i, k in enumerate(keys[200:300]):
            w.set_delta_state(U1, k, f"t2-{i}")
        w.commit()
    with repo.writer("j", "o") as w:  # an interrupted run: never committed
        w.begin_restore_point()
        w.set_delta_state(U1, keys[0], "uncommitted")
        w.set_delta_state(U1, keys[500], "uncommitted")
    with repo.writer("j2", "o") as w:  # another job's run: the interrupted one is not adopted
        w.begin_restore_point()
        w.set_delta_state(U1, keys[1], "this-run, flushed")
        w.flush()
        w.set_delta_state(U1, keys[2], None, {"pending": True})
        many = w.get_delta_states(U1, [*keys, "contacts", keys[3]])
        one = {k: w.get_delta_state(U1, k) for k in [*keys, "contacts"]}
        assert many == {k: v for k, v in one.items() if v is not None}
        assert many[keys[0]].token == "t1-0" and many[keys[1]].token == "this-run, flushed"
        assert many[keys[2]].token is None and many[keys[2]].extra == {"pending": True}
        assert many[keys[250]].token == "t2-50" and many[keys[399]].extra == {"n": 399}
        assert keys[500] not in many and "contacts" not in many and len(many) == 400


def test_interrupted_run_is_resumed_without_redownload(repo):
    with repo.writer("job", "org") as w:
        w.begin_restore_point()
        for i in range(20):
            w.put_item(U1, "Exchange", f"m{i}", "Inbox", {"subject": str(i)}, os.urandom(100), change_key=f"c{i}")
        # leaving without commit (like a crash after a checkpoint)
    assert repo.restore_points() == []
    assert len(repo.restore_points(include_incomplete=True)) == 1
    with repo.writer("job", "org") as w:
        rp = w.begin_restore_point()
        assert w.adopted
        assert all(w.item_known(U1, f"m{i}", f"c{i}") for i in range(20))
        w.put_item(U1, "Exchange", "m20", "Inbox", {}, b"last")
        w.commit()
    assert repo.view(rp.id).count() == 21
    assert repo.verify().ok


def test_writer_lock_and_stale_lock(repo, tmp_path):
    w = repo.writer()
    with pytest.raises(RepositoryLockedError, match="in use"):
        repo.writer()
    w.close()
    # a lock left by a dead process is broken
    import json
    import subprocess
    import sys

    p = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(p.stdout)
    info = json.loads((repo.path / "locks" / "writer.lock").read_text()) if (repo.path / "locks" / "writer.lock").exists() else {}
    assert info == {}
    import socket

    (repo.path / "locks" / "writer.lock").write_text(json.dumps({"pid": dead, "host": socket.gethostname(), "created": 0}))
    with repo.writer() as w2:
        assert w2._lock.broke_stale["pid"] == dead


def test_api_misuse_errors(repo):
    with repo.writer() as w:
        with pytest.raises(RepositoryStateError):
            w.put_item(U1, "Exchange", "x", None, None, b"")
        w.begin_restore_point()
        with pytest.raises(RepositoryStateError):
            w.begin_restore_point()


def test_encrypted_repository_hides_plaintext_and_rejects_wrong_key(enc_repo, tmp_path):
    secret_body = b"TOP-SECRET-BODY-CONTENT-0451 " * 200
    subject = "Quarterly-Merger-Plan-Zebra"
    folder = "Inbox/Project-Nightingale"
    with enc_repo.writer("j", "o") as w:
        w.begin_restore_point()
        w.put_item(ObjectRef("user", "u9", "Confidential-Person-Name"), "Exchange", "m1", folder,
                   {"subject": subject, "from": "ceo-hidden@contoso.com"}, secret_body)
        w.put_item(U1, "OneDrive", "f1", "Documents", {"name": "plan.docx"}, gen_bytes(5, 700_000) + secret_body)
        w.set_delta_state(U1, "drive", "delta-token-Hidden-XYZ")
        w.commit()
    enc_repo.close()
    needles = [b"TOP-SECRET-BODY", subject.encode(), b"Nightingale", b"Confidential-Person", b"ceo-hidden", b"plan.docx",
               b"delta-token-Hidden"]
    for dirpath, _d, files in os.walk(tmp_path / "enc"):
        for fn in files:
            blob = open(os.path.join(dirpath, fn), "rb").read()
            for n in needles:
                assert n not in blob, (fn, n)
    with pytest.raises(RepositoryKeyError, match="does not match"):
        Repository.open(tmp_path / "enc", key="wrong")
    with pytest.raises(RepositoryKeyError, match="required"):
        Repository.open(tmp_path / "enc")
    r = Repository.open(tmp_path / "enc", key="correct horse battery staple")
    iv = r.view().get(ObjectRef("user", "u9"), "Exchange", "m1")
    assert iv.metadata["subject"] == subject and iv.folder == folder and r.read_content(iv) == secret_body
    assert r.verify().ok
    r.change_key("new pass")
    r.close()
    assert Repository.open(tmp_path / "enc", key="new pass").view().count() == 2


def test_writer_is_thread_safe(repo):
    import threading

    shared = gen_bytes(42, 400_000)

    def work(t: int, w) -> None:
        for i in range(60):
            body = shared if i % 3 == 0 else gen_bytes(t * 1000 + i, 5_000)
            w.put_item(ObjectRef("user", f"u{t}"), "Exchange", f"m{i}", "Inbox", {"subject": f"{t}-{i}"}, body,
                       change_key=f"c{i}")
            assert w.item_known(ObjectRef("user", f"u{t}"), f"m{i}", f"c{i}")

    with repo.writer() as w:
        w.begin_restore_point()
        threads = [threading.Thread(target=work, args=(t, w)) for t in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        w.commit()
    assert repo.view().count() == 240
    st = repo.stats()
    assert st.chunks == 1 + 4 * 40  # the shared 400 KB body is stored once
    assert repo.verify().ok


def test_init_recovers_from_interrupted_init(tmp_path):
    root = tmp_path / "half"
    (root / "data").mkdir(parents=True)
    (root / "index.db").write_bytes(b"partial")
    Repository.init(root).close()
    assert Repository.exists(root)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "file.txt").write_text("user data")
    with pytest.raises(Exception, match="not empty"):
        Repository.init(tmp_path / "busy")


def test_write_failure_discards_unflushed_work(repo, monkeypatch):
    from vboshell.repository import pack as pack_mod

    with repo.writer("j", "o") as w:
        w.begin_restore_point()
        w.put_item(U1, "Exchange", "kept", "Inbox", {}, b"kept", change_key="k")
        w.checkpoint()
        w.put_item(U1, "Exchange", "lost", "Inbox", {}, gen_bytes(1, 10_000), change_key="l")
        real_add = pack_mod.PackWriter.add

        def full_disk(self, *a, **k):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(pack_mod.PackWriter, "add", full_disk)
        with pytest.raises(OSError):
            w.put_item(U1, "Exchange", "boom", "Inbox", {}, gen_bytes(2, 10_000))
        monkeypatch.setattr(pack_mod.PackWriter, "add", real_add)
        assert w.item_known(U1, "kept", "k") and not w.item_known(U1, "lost", "l")
        w.put_item(U1, "Exchange", "after", "Inbox", {}, b"after")
        w.commit()
    assert sorted(iv.item_id for iv in repo.view().items()) == ["after", "kept"]
    assert repo.verify().ok


def test_compressible_content_is_compressed_and_random_is_stored(repo):
    text = b"The quarterly budget review meeting is moved to Thursday. " * 40_000  # ~2.3 MB
    noise = gen_bytes(77, 2_000_000)
    with repo.writer() as w:
        w.begin_restore_point()
        w.put_item(U1, "OneDrive", "text", "Docs", {}, text)
        w.commit()
    assert repo.stats().pack_bytes < len(text) // 20
    with repo.writer() as w:
        w.begin_restore_point()
        w.put_item(U1, "OneDrive", "noise", "Docs", {}, noise)
        w.commit()
    view = repo.view()
    assert repo.read_content(view.get(U1, "OneDrive", "text")) == text
    assert repo.read_content(view.get(U1, "OneDrive", "noise")) == noise
    assert repo.stats().pack_bytes < len(text) // 20 + len(noise) + 10_000
