"""Restore, explore and export (issue 9): restore sessions over repository restore points, and per-service writers
that put items back through Microsoft Graph or out to local files. The cmdlets (vboshell/cmdlets/restore_*.py) are thin.

Sessions (vboshell.restore.session)
    s = RestoreSession.start(catalog, "Vex"|"Veod"|"Vesp"|"Vet", organization_id=, job_id=, restore_point=(repo_id,
        rp_id), point_in_time=, show_deleted=, show_all_versions=, reason=)   -> persisted RestoreSessionRecord
    RestoreSession.get(catalog, id) / .active(catalog, kind) / s.stop()        (result Success | Warning | Failed)
    s.objects(kind, service) -> [(Source, ObjectRef)];  s.entries(src, obj, service, folder, recursive=, types=)
        -> Entry(version, deleted, old, deleted_at) — deleted items (tombstoned at or before the restore point) only
        with show_deleted, earlier versions only with show_all_versions;  s.entry(...); s.versions(entry)
    with s.operation("Restore-VEXItem", target) as op: op.success/skip/fail/warn — per-item results and log lines
        in the catalogue (Get-VBORestoreSession .Items / .Log), summary line and statistics at the end.
Services (repository layout: vboshell/backup/__init__.py)
    exchange: mailboxes/folders/items, query_fields, restore_items (MIME POST, import API above 3 MB, folders
              recreated, unchanged skipped by MIME comparison), export_eml / export_mbox (mboxrd, streamed)
    files:    restore_documents (DriveTarget; PUT <= 4 MB, upload sessions above, streamed via ContentReader;
              Overwrite/Keep; OneNote -> ApiOnlyModeNotSupported skip; web part note), save_documents (folder/zip)
    lists:    restore_list_items (writable fields; PATCH changed, POST missing; survey note)
    teams:    restore_posts (import into a new migration-mode channel), export_html (sanitised, self-contained)
    query:    Query.parse(text).matches(fields) — the explorers' -Query language
    paths:    safe_name / safe_join / unique_path / zip_member — nothing is written outside the target
"""
