"""The backup engine: job selection, schedules, the job runner and its per-service collectors (API-only, Graph).
This docstring is the contract for restore/explore code: what a backup run writes into the repository, and how.

Engine API (the cmdlets in vboshell/cmdlets/jobs.py are thin wrappers over these)
    from vboshell.backup.runner import JobRunner, start_job, stop_job, wait_session, running_session
    sess = start_job(job_record, catalog, full=False, wait=True, progress=cb)   # -> JobSessionRecord (final)
    sess = start_job(job_record, catalog, wait=False)                           # background thread; returns at once
    stop_job(job_id, catalog)          # in-process: sets the stop event; other process: flags the session record
    JobRunner(job, catalog, full=, stop_event=, progress=).run() -> JobSessionRecord   (synchronous)
    vboshell.backup.selection: resolve(job, org) -> [WorkUnit(obj: ObjectRef, service: str, ...)]
    vboshell.backup.schedule: next_run(policy: dict, after: datetime, last_run=None) -> datetime | None
    vboshell.backup.locks: JobLock / ServiceLock (fcntl file locks with pid under VBOSHELL_HOME/locks; a killed
                           process releases them, so a crash never blocks the next run)
    vboshell.backup.service.main(argv) -> int     (`vboshell service`: the scheduler)

Work units
    One unit = (object, service). Units run concurrently (thread pool) on the organization's shared Graph client,
    whose ThrottlePolicy enforces the per-mailbox / SharePoint limits. A unit reads its own delta state from the
    repository and writes items, tombstones, delta state and its object status; it needs nothing else, so it can
    later be shipped to a proxy process.

Repository layout written by a run (vboshell.repository; one restore point per run, per-object status)
    Objects (ObjectRef kind, external_id = Graph id, name = display name):
        user  — a user: services "Exchange" (primary mailbox), "ExchangeArchive" (in-place archive), "OneDrive"
        site  — a SharePoint site, external_id = Graph composite id "host,siteGuid,webGuid": service "SharePoint"
        team  — a team, external_id = the group id: service "Teams"
    Groups selected in a job are expanded to their member users and/or the group's site (as Veeam does).

    Every stored item has metadata["type"] (below); `folder` is the display path of the item's *container*
    ("" = top level), `parent_id` the Graph id of the container. Paths use "/" as separator. Folders are items too.
    When a mail folder or drive folder is renamed or moved, the folder item gets a new version and every item
    below it is stored again under the new path (a new version with the same content, read back from the
    repository — nothing is downloaded), so View.items(obj, service, folder) always uses current paths.

    "Exchange" / "ExchangeArchive"  (object kind user)
        type "folder":  item_id = mail folder id; folder = parent folder path; parent_id = parentFolderId;
                        metadata: id, displayName, parentFolderId, path (full path of this folder), wellKnownName
                        (for the well-known folders: inbox, sentitems, drafts, deleteditems, junkemail, archive, ...);
                        content: empty.
        type "message": item_id = immutable message id; change_key = Graph changeKey; folder = folder path, e.g.
                        "Inbox/Projects"; parent_id = folder id.
                        content = the full RFC 822 MIME from GET /users/{id}/messages/{mid}/$value (attachments
                        inside). metadata = Graph message properties without the body: subject, from, sender,
                        toRecipients, ccRecipients, bccRecipients, replyTo, receivedDateTime, sentDateTime,
                        createdDateTime, lastModifiedDateTime, isRead, isDraft, hasAttachments, importance,
                        categories, flag, internetMessageId, conversationId, parentFolderId, changeKey, plus
                        "contentType": "message/rfc822".
                        ExchangeArchive messages come from the mailbox export API (exportItems): content is the
                        exported item data as returned (metadata "contentType": "application/x-exchange-export";
                        when the data is RFC 822 it is "message/rfc822" and subject/from/receivedDateTime are
                        parsed from its headers), plus metadata mailboxId, size, createdDateTime, lastModifiedDateTime.
        type "contact": item_id = contact id; folder "Contacts"; parent_id "Contacts"; content = the contact's
                        Graph JSON (UTF-8); metadata = the same JSON.                 (primary mailbox only)
        type "event":   item_id = event id; folder "Calendar"; parent_id "Calendar"; content = the event's Graph JSON (with body);
                        metadata = the JSON without body.                             (primary mailbox only)
    "OneDrive" (kind user) and "SharePoint" (kind site) document libraries — one drive delta per drive
        type "file" | "folder" | "package" (OneNote notebook: a folder with the package facet; its .one/.onetoc2
                        files are ordinary "file" items — notebooks are backed up as the files they are).
                        item_id = driveItem id; change_key = eTag; parent_id = parent driveItem id (the drive root's
                        id for top-level items); folder = parent path inside the drive. For SharePoint the library
                        name is the first path segment ("Documents/Reports"); for OneDrive the path is relative to
                        the drive root ("" for top level).
                        content (files) = the bytes streamed from @microsoft.graph.downloadUrl; folders: empty.
                        metadata: id, name, size, driveId, driveName, parentId, path (full path of the item),
                        createdDateTime, lastModifiedDateTime, eTag, cTag, webUrl, createdBy, lastModifiedBy,
                        file {mimeType, hashes} / folder {childCount} / package {type}, fileSystemInfo,
                        versions [{id, lastModifiedDateTime, size}] (files; from /versions).
    "SharePoint" lists (kind site; generic lists — document libraries are covered by their drives)
        type "list":     item_id = "list:<listId>"; folder "Lists"; metadata: id, name, displayName, template,
                         webUrl, columns [{name, type}]; content = the list JSON.
        type "listItem": item_id = "list:<listId>:item:<itemId>"; parent_id = "list:<listId>"; change_key = eTag;
                         folder = "Lists/<list displayName>"; metadata: id, listId, listName, eTag,
                         createdDateTime, lastModifiedDateTime, webUrl, fields {...}; content = JSON of the fields.
        Site pages are files of the "Site Pages" library (a drive); web parts whose export mode forbids export are
        not captured in API-only mode, which the session log says once per site ("skipped").
    "Teams" (kind team)
        type "team":    item_id = "team"; folder ""; content/metadata = the team JSON (settings included).
        type "channel": item_id = channel id; folder ""; parent_id = "team"; metadata/content = the channel JSON.
        type "post":    item_id = message id; folder = channel displayName; parent_id = channel id;
                        change_key = etag/lastModifiedDateTime; content = the chatMessage JSON (body HTML inside);
                        metadata = it without body plus channelId, channelName.
        type "reply":   item_id = reply id; parent_id = the root post id; otherwise as "post".
                        A soft-deleted post/reply (deletedDateTime set) becomes a tombstone.
        type "file" | "folder": channel files from the team site's document library, stored as for SharePoint
                        drives with folder prefixed "Files/" (e.g. "Files/General/notes.docx" -> folder
                        "Files/General"), item_id = driveItem id.
    Deletions in the source: Writer.delete_item (tombstone; the previous version stays restorable). Moves: a new
    version with the new folder/parent_id, same item_id.

    Delta state (Writer.set_delta_state, per object; restore code does not need it):
        "mail:folders"        extra {folderId: [path, parentId]}          (Exchange / "xmail:folders" for archive)
        "mail:<folderId>"     message delta link                          ("xmail:<folderId>" for archive)
        "contacts", "events"  contact/event delta links
        "drive:<driveId>"     drive delta link; extra {"items": {id: [name, parentId, type]}, "root": rootId}
        "list:<listId>"       list item delta link
        "channel:<channelId>" channel message delta link
    An expired token (DeltaResyncRequired, at the first request or on a later page) drops it, re-reads that
    container fully (skipping items whose change key is already stored), and reconciles deletions by id; a warning
    goes to the session log. An item that cannot be read (error after retries, malformed answer, 404 on content)
    is skipped with a warning and its container's token is not advanced (state saved with token None), so the
    next run re-reads that container in full; a listing with malformed rows deletes nothing.

Crash safety and resume
    The runner checkpoints the writer every VBOSHELL_CHECKPOINT_SECONDS (5 s); a stopped, interrupted or killed
    run leaves an uncommitted restore point that the next run of the job adopts: stored items are recognised by
    change key and container and not downloaded again. Two runs of one job never overlap (fcntl lock file
    VBOSHELL_HOME/locks/job-<id>.lock; sessions left "Running" by a dead process are marked Failed).

Session log (catalogue JobSessionLog entries; Get-VBOJobSession ... | Select-Object -ExpandProperty Log)
    Per object: "Processing <name>" (Info) ... "<name>: <service> <n> items (<size>) processed" (Success) or a
    Warning/Error with the reason; job-level lines for start, the restore point, retention and the summary.
    JobSessionRecord.statistics: ProcessedObjects, TotalObjects, ProcessedItems, ProcessedBytes (read),
    TransferredBytes (stored after dedup/compression), DeletedItems, SkippedItems, Duration, ItemsPerSecond,
    BytesPerSecond, Objects {"<kind>:<id>:<service>": {name, status, items, bytes, deleted}}.
"""
