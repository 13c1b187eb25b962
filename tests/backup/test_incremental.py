"""Incremental runs against a mutated tenant (every service): new versions for modified items, tombstones for
deleted ones, path changes for moves; expired delta tokens; a mailbox without REST; throttling; repository vs truth."""

from __future__ import annotations

from typing import Any

from tests.backup.conftest import compare_with_truth, repo_state


def _mutate(sb: Any) -> dict[str, Any]:
    """One change of each kind in every service; returns the ids involved."""
    t, m = sb.truth, sb.mutate
    alice = t.users()[0]["id"]
    msgs = t.messages(alice, folder="inbox")
    ids: dict[str, Any] = {"user": alice}
    ids["msg_new"] = m.add_message(alice, "inbox", subject="Incremental hello")
    ids["msg_mod"] = msgs[0]["id"]
    m.update_message(alice, msgs[0]["id"], isRead=not msgs[0]["isRead"])
    ids["msg_moved"] = msgs[1]["id"]
    m.move_message(alice, msgs[1]["id"], "archive")
    ids["msg_del"] = msgs[2]["id"]
    m.delete_message(alice, msgs[2]["id"])
    sub = next(f for f in t.mail_folders(alice) if f["path"].startswith("Inbox/") and f["count"])
    m.rename_mail_folder(alice, sub["id"], sub["path"].split("/")[-1] + " (renamed)")
    ids["renamed_mail_folder"] = sub["id"]
    fid = m.add_mail_folder(alice, "Brand new")
    ids["msg_in_new_folder"] = m.add_message(alice, fid, subject="In a new folder")
    c = t.contacts(alice)
    m.delete_contact(alice, c[0]["id"])
    ids["contact_del"] = c[0]["id"]
    ev = t.events(alice)
    m.update_event(alice, ev[0]["id"], subject="Moved meeting")
    ids["event_mod"] = ev[0]["id"]
    # OneDrive
    d = t.drive_id(alice)
    files = [i for i in t.drive_items(d) if not i["isFolder"] and not i["package"] and "/" not in i["path"]]
    folders = [i for i in t.drive_items(d) if i["isFolder"] and not i["package"]]
    ids["drive"] = d
    ids["file_new"] = m.add_file(d, None, "new-report.txt", b"fresh content")
    ids["file_mod"] = files[0]["id"]
    m.update_file(d, files[0]["id"], b"modified content " * 10)
    ids["file_moved"] = files[1]["id"]
    m.move_drive_item(d, files[1]["id"], folders[0]["id"])
    ids["file_del"] = files[2]["id"]
    m.delete_drive_item(d, files[2]["id"])
    full = [f for f in folders if any(i["parentId"] == f["id"] for i in t.drive_items(d))]
    m.rename_drive_item(d, full[-1]["id"], full[-1]["name"] + " renamed")
    # SharePoint list + library
    site = next(s for s in t.sites() if any(li["template"] == "genericList" and not li["hidden"] for li in s["lists"]))
    li = next(x for x in site["lists"] if x["template"] == "genericList" and not x["hidden"])
    items = t.list_items(site["id"], li["id"])
    ids["site"], ids["list"] = site["id"], li["id"]
    ids["li_new"] = m.add_list_item(site["id"], li["id"], {"Title": "New task"})
    m.update_list_item(site["id"], li["id"], items[0]["id"], {"Title": "Renamed task"})
    ids["li_mod"] = items[0]["id"]
    m.delete_list_item(site["id"], li["id"], items[1]["id"])
    ids["li_del"] = items[1]["id"]
    sd = site["drives"][0]
    sfile = next(i for i in t.drive_items(sd) if not i["isFolder"])
    m.update_file(sd, sfile["id"], b"site file v2")
    ids["sfile_mod"] = sfile["id"]
    # Teams
    team = t.teams()[0]
    ch = team["channels"][0]
    posts = [x for x in t.channel_messages(team["id"], ch["id"]) if x["replyToId"] is None]
    ids["team"] = team["id"]
    ids["post_new"] = m.add_channel_message(team["id"], ch["id"], "<p>new post</p>")
    ids["reply_new"] = m.add_channel_message(team["id"], ch["id"], "<p>a reply</p>", reply_to=posts[0]["id"])
    m.edit_channel_message(team["id"], ch["id"], posts[1]["id"], "<p>edited</p>")
    ids["post_mod"] = posts[1]["id"]
    m.delete_channel_message(team["id"], ch["id"], posts[2]["id"])
    ids["post_del"] = posts[2]["id"]
    return ids


def test_incremental_every_service(fresh_env: Any) -> None:
    env = fresh_env
    job = env.job()
    s1 = env.backup(job)
    assert s1.status == "Success"
    ids = _mutate(env.sb)
    env.sb.reset_counters()
    s2 = env.backup(job)
    assert s2.status == "Success", [(e.type, e.title, e.message) for e in env.logs(s2) if e.type != "Info"]
    repo = env.repo()
    compare_with_truth(env.sb, repo)
    rp1, rp2 = repo.restore_points(job_id=job.id)
    assert rp2.committed
    u = ids["user"]

    def ref(obj: str, svc: str) -> Any:
        from vboshell.repository import ObjectRef

        kind = {"SharePoint": "site", "Teams": "team"}.get(svc, "user")
        return ObjectRef(kind, obj, "", env.org_id)

    def versions(obj: str, svc: str, iid: str) -> list[Any]:
        return sorted(repo.versions(ref(obj, svc), svc, iid), key=lambda v: v.from_seq)  # oldest first

    assert len(versions(u, "Exchange", ids["msg_new"])) == 1
    mod = versions(u, "Exchange", ids["msg_mod"])
    assert len(mod) == 2 and mod[-1].change_key != mod[0].change_key and mod[0].valid_to == rp2.id
    moved = versions(u, "Exchange", ids["msg_moved"])
    assert [v.folder for v in moved] == ["Inbox", "Archive"]
    assert repo.view(rp1).get(u, "Exchange", ids["msg_del"]) is not None
    assert repo.view(rp2).get(u, "Exchange", ids["msg_del"]) is None
    deleted = {(x.service, x.item_id) for x in repo.deleted_items()}
    for key in (("Exchange", ids["msg_del"]), ("Exchange", ids["contact_del"]), ("OneDrive", ids["file_del"]),
                ("SharePoint", f"list:{ids['list']}:item:{ids['li_del']}"), ("Teams", ids["post_del"])):
        assert key in deleted, key
    assert repo.view(rp2).get(u, "Exchange", ids["msg_in_new_folder"]).folder == "Brand new"
    assert len(versions(u, "Exchange", ids["event_mod"])) == 2
    fm = versions(u, "OneDrive", ids["file_mod"])
    assert len(fm) == 2 and repo.read_content(fm[-1]) == b"modified content " * 10
    fmv = versions(u, "OneDrive", ids["file_moved"])
    assert len(fmv) == 2 and fmv[0].folder == "" and fmv[1].folder != ""
    lm = versions(ids["site"], "SharePoint", f"list:{ids['list']}:item:{ids['li_mod']}")
    assert [v.metadata["fields"]["Title"] for v in lm][-1] == "Renamed task" and len(lm) == 2
    assert len(versions(ids["site"], "SharePoint", ids["sfile_mod"])) == 2
    assert len(versions(ids["team"], "Teams", ids["post_mod"])) == 2
    assert repo.view(rp2).get(ref(ids["team"], "Teams"), "Teams", ids["reply_new"]).metadata["type"] == "reply"
    # the incremental run downloaded only what changed
    per = env.sb.counters()["per_endpoint"]
    downloads = sum(n for k, n in per.items() if "$value" in k or "/_download/" in k)
    assert downloads <= 6, {k: n for k, n in per.items() if "$value" in k or "/_download/" in k}
    assert s2.statistics["DeletedItems"] >= 5
    # unchanged items kept a single version
    state = repo_state(repo)
    multi = [k for k, v in state.items() if len(repo.versions(v.object, k[1], k[2])) > 1]
    assert len(multi) < 40, multi  # changed items + the children of the renamed folders


def test_expired_delta_tokens(fresh_env: Any) -> None:
    env = fresh_env
    job = env.job()
    assert env.backup(job).status == "Success"
    ids = _mutate(env.sb)
    env.sb.configure_faults(delta_expiry_rate=0.33, seed=3)
    s2 = env.backup(job)
    env.sb.reset_faults()
    logs = env.logs(s2)
    expired = [e for e in logs if e.type == "Warning" and e.title.startswith("Delta token expired")]
    assert expired, [(e.type, e.title) for e in logs if e.type != "Info"]
    assert s2.status == "Warning"
    repo = env.repo()
    compare_with_truth(env.sb, repo)
    # no duplicates: an item re-read in full after a 410 is not stored again
    state = repo_state(repo)
    changed = {(ids["user"], ids[k]) for k in ("msg_mod", "msg_moved", "file_mod", "file_moved", "event_mod")}
    changed |= {(ids["site"], ids["sfile_mod"]), (ids["team"], ids["post_mod"])}
    multi = 0
    for (_obj, svc, iid), v in state.items():
        n = len(repo.versions(v.object, svc, iid))
        if (v.object.external_id, iid) in changed:
            assert n == 2, iid
        multi += n > 1
    assert multi < 40  # changed items + the children of the renamed folders
    # a third run after the faults is quiet again
    s3 = env.backup(job)
    new3 = [(k, v.metadata.get("type")) for k, v in repo_state(env.repo()).items() if v.from_seq == 3]
    assert s3.status == "Success" and s3.statistics["ProcessedItems"] == 0, new3


def test_mailbox_not_enabled_for_rest(fresh_env: Any) -> None:
    env = fresh_env
    bob = env.sb.truth.users()[1]
    env.sb.set_mailbox_rest_enabled(bob["id"], False)
    job = env.job()
    s = env.backup(job)
    assert s.status == "Warning"
    warn = [e for e in env.logs(s) if e.type == "Warning"]
    assert any(e.object_name == bob["displayName"] and "MailboxNotEnabledForRESTAPI" in e.message for e in warn), warn
    repo = env.repo()
    st = {x.object.external_id: x.status for x in repo.object_statuses(repo.latest_restore_point(job_id=job.id))}
    assert st[bob["id"]] == "Warning"
    assert sum(1 for v in st.values() if v == "Success") >= len(st) - 1
    from vboshell.repository import ObjectRef

    alice = env.sb.truth.users()[0]["id"]
    assert len(list(repo.view().items(ObjectRef("user", alice), "Exchange", None, recursive=True))) > 10
    # Bob's OneDrive was still backed up
    assert list(repo.view().items(ObjectRef("user", bob["id"]), "OneDrive", None, recursive=True))


def test_throttling_storm(fresh_env: Any) -> None:
    env = fresh_env
    env.sb.configure_faults(error_rate=0.15, error_statuses=[429, 503], retry_after_s=0, seed=11)
    job = env.job()
    s = env.backup(job)
    env.sb.reset_faults()
    assert s.status in ("Success", "Warning"), [(e.type, e.title, e.message) for e in env.logs(s) if e.type != "Info"]
    assert env.sb.counters()["faults"] > 20
    problems = [(e.type, e.title, e.message) for e in env.logs(s) if e.type not in ("Info", "Success")]
    try:
        compare_with_truth(env.sb, env.repo())
    except AssertionError as exc:
        raise AssertionError(f"{exc}; {problems}") from None
    assert s.status == "Success", problems


def test_missing_permissions(fresh_env: Any) -> None:
    """An application without mail permissions: Exchange is skipped with a warning naming them, the rest is backed
    up; and when the permission disappears after the organization was added, mailboxes fail with the reason."""
    from vboshell.backup.runner import JobRunner

    env = fresh_env
    a = env.sb.app_info("vboshell-sandbox-nomail")
    env.ctx.set_variable("app", a.client_id)
    env.ctx.set_variable("secret", a.client_secret)
    env.run("Remove-VBOOrganization -Organization $org -Confirm:$false")
    org = env.run("$s2 = New-VBOOffice365ApplicationOnlyConnectionSettings -TenantId $tenant -ApplicationId $app "
                  "-ApplicationSecret (ConvertTo-SecureString $secret -AsPlainText -Force) -Region Custom "
                  "-AuthorityHost $authority -GraphEndpoint $graph -CertificateAuthorityPath $ca\n"
                  "Add-VBOOrganization -Name NoMail -Office365ExchangeConnectionsSettings $s2 "
                  "-Office365SharePointConnectionsSettings $s2 -WarningAction SilentlyContinue")[0]
    assert not org.IsExchange
    from vboshell.store.records import JobRecord

    job = env.catalog.add_job(JobRecord(name="NoMail", organization_id=str(org.Id), repository_id=env.repo_id,
                                        entire_organization=True))
    s = JobRunner(job, env.catalog).run()
    assert s.status == "Warning"
    w = [e for e in env.logs(s) if e.type == "Warning"]
    assert any(e.title.startswith("Exchange, ExchangeArchive not backed up") and "Mail.Read" in e.message for e in w)
    assert s.statistics["ProcessedItems"] > 50  # OneDrive, SharePoint, Teams
    org.IsExchange = True  # as if the permission had been removed after the organization was added
    s2 = JobRunner(job, env.catalog, organization=org).run()
    errors = [e for e in env.logs(s2) if e.type == "Error"]
    assert errors and all("mailbox failed" in e.title for e in errors)
    assert any("permission" in e.message.lower() for e in errors), errors[0].message
    assert s2.status == "Warning" and s2.statistics["ProcessedObjects"] == s2.statistics["TotalObjects"]


def test_malformed_items(fresh_env: Any) -> None:
    """Missing fields and wrong JSON types in Graph answers: the item is skipped with a warning (never stored
    wrong, never failing the object), its container is re-read next run, and the next run completes the backup."""
    env = fresh_env
    env.sb.configure_faults(missing_fields_rate=0.05, wrong_types_rate=0.05, invalid_utf8_names_rate=0.02, seed=5)
    job = env.job()
    s = env.backup(job)
    env.sb.reset_faults()
    assert s.status in ("Success", "Warning")
    assert not [e for e in env.logs(s) if e.type == "Error" and "archive" not in e.title]
    s2 = env.backup(job)
    assert s2.status == "Success"
    compare_with_truth(env.sb, env.repo(), content=True, paths=False)


def test_a_failed_message_keeps_only_its_folder_for_the_next_run(fresh_env: Any) -> None:
    """A mailbox's folders are read while earlier folders' messages are still being stored (the folder's end is a
    marker in the download queue). A message received incomplete must hold back only its own folder's delta link:
    the next run reads that folder again (its other messages are known and skipped), while the other folder's
    new link is kept (its message is not downloaded twice)."""
    env = fresh_env
    t, m = env.sb.truth, env.sb.mutate
    alice = t.users()[0]["id"]
    job = env.job(entire_organization=False, selected_items=[{"Type": "User", "Id": alice, "Mailbox": True}])
    assert env.backup(job).status == "Success"
    inbox = next(f for f in t.mail_folders(alice) if f["wellKnownName"] == "inbox")
    other = next(f for f in t.mail_folders(alice) if f["wellKnownName"] == "sentitems")
    bad = m.add_message(alice, inbox["id"], subject="Cut short")
    good = m.add_message(alice, other["id"], subject="Arrived whole")
    env.sb.configure_faults(truncated_mime_rate=1.0, only_paths=[bad])
    s2 = env.backup(job)
    env.sb.reset_faults()
    assert s2.status == "Warning"
    state = repo_state(env.repo())
    assert (alice, "Exchange", good) in state and (alice, "Exchange", bad) not in state
    s3 = env.backup(job)
    assert s3.status == "Success"
    st = s3.statistics
    assert st["ProcessedItems"] == 1  # the cut-short message only; "good" is not downloaded again
    assert st["SkippedItems"] == len(t.messages(alice, folder=inbox["id"])) - 1  # the inbox, read again in full
    assert (alice, "Exchange", bad) in repo_state(env.repo())


def test_incremental_mailbox_reads_its_containers_in_one_batch(fresh_env: Any) -> None:
    """An incremental run asks for every mail folder's, the contacts' and the calendar's changes, and the folder
    list, in JSON batches rather than one request each; the answers are the same (a new message is stored, the
    unchanged folders are not read again) and nothing is requested twice."""
    env = fresh_env
    t, m = env.sb.truth, env.sb.mutate
    alice = t.users()[0]["id"]
    job = env.job(entire_organization=False, selected_items=[{"Type": "User", "Id": alice, "Mailbox": True}])
    assert env.backup(job).status == "Success"
    new = m.add_message(alice, "inbox", subject="After the batch")
    env.sb.reset_counters()
    s = env.backup(job)
    assert s.status == "Success" and s.statistics["ProcessedItems"] == 1
    assert (alice, "Exchange", new) in repo_state(env.repo())
    per = env.sb.counters()["per_endpoint"]
    batches = sum(n for k, n in per.items() if "$batch" in k)
    single_deltas = sum(n for k, n in per.items() if "messages/delta" in k or "contacts/delta" in k
                        or "events/delta" in k or "mailFolders/delta" in k)
    folders = len(t.mail_folders(alice))
    assert batches == 1 and folders + 3 <= 20  # one batch holds them all
    assert single_deltas == folders + 3  # the batch's own requests, counted once each (none sent again alone)
