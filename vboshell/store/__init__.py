"""The configuration catalogue (SQLite under VBOSHELL_HOME) and secret protection.
Everything configuration-related is read and written through `Catalog`; a PostgreSQL backend can replace it.

Secrets (vboshell.store.secrets — stable API):
    vboshell_home() -> Path; master_key() -> bytes
    protect(plaintext: bytes, purpose="") -> "vbk1:…" token;  unprotect(token, purpose="") -> bytes (SecretError)
    is_protected(value) -> bool

Catalogue:
    cat = Catalog.default()            # <VBOSHELL_HOME>/catalog.db, one instance per home per process
    cat = catalog_for(context)         # same, cached on an ExecutionContext
    cat = Catalog(path)                # explicit file (tests)

    Organizations  add_organization(OrganizationRecord) / get_organization(id) / find_organization(name) /
                   list_organizations() / update_organization(id, **fields) / modify_organization(id, fn) /
                   remove_organization(id)            (refused while jobs use it)
                   OrganizationRecord.secrets values must be protect() tokens (CatalogError otherwise).
    Encryption keys add_encryption_key(password, description) -> EncryptionKeyRecord (password protected) /
                   get_encryption_key / list_encryption_keys / encryption_key_password(id) -> str /
                   update_encryption_key(id, password=, description=) / remove_encryption_key (refused while used)
    Repositories   add_repository(RepositoryRecord) / get_repository / find_repository(name) / find_repository_by_path /
                   list_repositories / update_repository(id, **fields) / remove_repository (refused while jobs use it)
    Jobs           add_job(JobRecord) / get_job / find_job(name) / list_jobs(organization_id=, repository_id=) /
                   update_job(id, **fields) / modify_job(id, fn) (atomic read-modify-write) / remove_job
    Job sessions   add_job_session(JobSessionRecord) / get_job_session / list_job_sessions(job_id=, status=, limit=) /
                   update_job_session / modify_job_session / add_job_session_log(id, LogEntry) /
                   add_job_session_logs(id, [LogEntry]) (one transaction) / job_session_logs(id, after_id=0) /
                   remove_job_sessions(job_id)
    Restore        add_restore_session(RestoreSessionRecord) / get_ / list_restore_sessions / update_ / modify_ /
                   add_restore_session_log / restore_session_logs / add_restore_item_result(id, RestoreItemResult) /
                   restore_item_results(id)
    Settings       get_setting(key, default) / set_setting(key, value) / update_setting(key, fn, default) /
                   delete_setting(key) / list_settings(prefix)
    transaction()  context manager for several calls in one short BEGIN IMMEDIATE transaction

Errors: CatalogError (NotFoundError, DuplicateError). Records are plain dataclasses (vboshell.store.records);
dict/list fields are stored as JSON, datetimes as UTC ISO-8601. Schema changes: append to catalog.MIGRATIONS.
"""

from vboshell.store.catalog import Catalog, CatalogError, DuplicateError, NotFoundError, catalog_for
from vboshell.store.records import (
    EncryptionKeyRecord,
    JobRecord,
    JobSessionRecord,
    LogEntry,
    OrganizationRecord,
    RepositoryRecord,
    RestoreItemResult,
    RestoreSessionRecord,
)
from vboshell.store.secrets import SecretError, is_protected, master_key, protect, unprotect, vboshell_home

__all__ = [
    "Catalog", "CatalogError", "DuplicateError", "EncryptionKeyRecord", "JobRecord", "JobSessionRecord", "LogEntry",
    "NotFoundError", "OrganizationRecord", "RepositoryRecord", "RestoreItemResult", "RestoreSessionRecord",
    "SecretError", "catalog_for", "is_protected", "master_key", "protect", "unprotect", "vboshell_home",
]
