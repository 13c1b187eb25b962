"""The backup repository: immutable content-addressed packs of zstd (and AES-256-GCM) chunks plus a SQLite index.
The on-disk format is specified in docs/repository-format.md; this docstring documents the Python API.

Opening / creating
    repo = Repository.init(path, key=None)          # key: the repository encryption password (str/bytes) or None
    repo = Repository.open(path, key=None)          # RepositoryKeyError: encrypted and key missing or wrong
    Repository.exists(path) -> bool

Writer (backup engine) — one per repository at a time (RepositoryLockedError otherwise; stale locks of
dead processes are broken automatically):

    with repo.writer(job_id="…", organization_id="…") as w:
        rp = w.begin_restore_point()                 # adopts the job's interrupted restore point, if any (w.adopted)
        user = ObjectRef("user", graph_id, "Adele Vance")      # kind: user | site | team | group
        if not w.item_known(user, item_id, change_key):        # already stored (also by an interrupted run)?
            w.put_item(user, "Exchange", item_id, "Inbox/Projects", {"subject": …, "from": …,
                       "receivedDateTime": …, "size": …}, content, change_key=change_key, parent_id=folder_id)
            #   content: bytes | str | Iterable[bytes] | binary file object — streamed, memory-bounded
            #   returns ItemChange.NEW / CHANGED / UNCHANGED (falsy: nothing stored)
            #   item_date= (datetime) is the date item-level retention uses; by default taken from
            #   metadata lastModifiedDateTime/receivedDateTime/modified/date/createdDateTime, else now
        w.delete_item(user, "Exchange", item_id)     # deleted in the source: tombstone, closes the version
        w.current_items(user, "Exchange")            # (service, item_id, change_key) of stored current items
        w.set_delta_state(user, "mail:inbox", token, extra={"previous_path": …})
        w.get_delta_state(user, "mail:inbox") -> DeltaState(token, extra) | None
        w.set_object_status(user, "Success", {"items": 10, "bytes": 123})
        w.checkpoint()                               # make work so far durable (optional; also automatic)
        w.commit(status="Success")                   # fsync data, then one transaction publishes the restore point
    # leaving the block without commit() keeps the restore point incomplete and resumable
    # The writer is thread-safe: several collector threads may put items at once (hashing, compression and
    # encryption run outside its mutex).

Reader (restore, browsing) — never blocks the writer:
    repo.restore_points(job_id=None, organization_id=None) -> [RestorePoint]   (oldest first)
    repo.latest_restore_point(...), repo.restore_point(id), repo.object_statuses(rp)
    view = repo.view(rp_or_id=None)  /  repo.view_at(datetime)   # point-in-time state
    view.objects() -> [ObjectRef];  view.folders(obj, service);  view.items(obj, service, folder, recursive=False)
    view.get(obj, service, item_id) -> ItemVersion | None;  view.count()
    repo.versions(obj, service, item_id) -> [ItemVersion];  repo.deleted_items(obj=None, service=None)
    repo.open_content(version) -> streaming binary reader;  repo.read_content(version) -> bytes
    repo.objects(organization_id=None, kind=None);  repo.stats() -> RepositoryStats

Maintenance (take the writer lock):
    repo.apply_retention(RetentionPolicy.parse("Years3", "SnapshotBased"), now=None) -> RetentionResult (+ GC)
    repo.gc(discard_incomplete=False) -> GCResult
    repo.verify(read_data=True) -> VerifyReport (.ok, .problems, .affected_items, .notes, .summary())
    repo.change_key(new_password)
    repo.usage(organization_id=None, by="organization"|"object") -> {id: stored bytes}
    repo.remove_object_data(obj, service=None) -> versions removed (then GC)

Catalogue glue (vboshell.repository.manage) for the job runner, the scheduler and the cmdlets:
    open_repository(RepositoryRecord, catalog=None) -> Repository      (opens with the record's encryption key)
    create_or_attach(path, key) -> (Repository, created)
    retention_policy(RepositoryRecord) -> RetentionPolicy
    apply_retention(RepositoryRecord, catalog=None, now=None) -> RetentionResult   (call after each job)
    next_retention_run(RepositoryRecord, after) -> datetime           (Daily/Monthly retention schedule)
"""

from vboshell.repository.backend import Backend, LocalBackend
from vboshell.repository.errors import (
    RepositoryCorruptError,
    RepositoryError,
    RepositoryKeyError,
    RepositoryLockedError,
    RepositoryNotFoundError,
    RepositoryStateError,
)
from vboshell.repository.repo import (
    DeletedItem,
    DeltaState,
    ItemChange,
    ItemVersion,
    ObjectRef,
    ObjectStatus,
    Repository,
    RepositoryStats,
    RestorePoint,
    View,
    Writer,
)
from vboshell.repository.retention import GCResult, RetentionPolicy, RetentionResult
from vboshell.repository.verify import AffectedItem, Problem, VerifyReport

__all__ = [
    "AffectedItem", "Backend", "DeletedItem", "DeltaState", "GCResult", "ItemChange", "ItemVersion", "LocalBackend",
    "ObjectRef", "ObjectStatus", "Problem", "Repository", "RepositoryCorruptError", "RepositoryError",
    "RepositoryKeyError", "RepositoryLockedError", "RepositoryNotFoundError", "RepositoryStateError",
    "RepositoryStats", "RestorePoint", "RetentionPolicy", "RetentionResult", "VerifyReport", "View", "Writer",
]
