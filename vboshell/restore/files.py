"""Document restore and save for OneDrive, SharePoint libraries and Teams channel files: restore to the original
drive or another user/site/folder through Graph (simple PUT up to 4 MB, 320 KiB-multiple upload sessions above),
conflicts by -Action (Overwrite | Keep), OneNote notebooks refused (API-only), and local save to a folder or zip.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from vboshell.restore.paths import safe_join, safe_name, safe_relpath, unique_path, write_complete, zip_member
from vboshell.restore.pipeline import OrderedPool, stop_or_report
from vboshell.restore.session import Entry, Operation
from vboshell.restore.streams import ContentReader, copy_stream

SIMPLE_UPLOAD_LIMIT = 4 * 1024 * 1024
UPLOAD_CONCURRENCY = 4  # files being uploaded at once (decisions and outcomes stay in order: OrderedPool)
ONENOTE_FEATURE = "Restoring OneNote notebooks"
ONENOTE_WHY = ("Microsoft Graph cannot recreate a OneNote notebook from its files with application permissions; "
               "the notebook files were backed up.")
ONENOTE_INSTEAD = "Save-VEODDocument / Save-VESPItem the notebook's files and open them with OneNote."
WEBPART_NOTE = ("Web part custom templates cannot be restored in API-only mode; site pages are restored without "
                "them.")
ONENOTE_EXT = (".one", ".onetoc2", ".onepkg")


def onenote_message() -> str:
    from vboshell.runtime.errors import api_only_not_supported

    return str(api_only_not_supported(ONENOTE_FEATURE, ONENOTE_WHY, ONENOTE_INSTEAD).error_record.message)


def item_path(e: Entry) -> str:
    """Full path of a drive item inside its container ('Documents/Reports/a.docx' for SharePoint)."""
    m = e.meta
    p = m.get("path")
    if p:
        return str(p).strip("/")
    name = str(m.get("name") or e.version.name)
    return "/".join(x for x in ((e.version.folder or "").strip("/"), name) if x)


def package_paths(entries: list[Entry]) -> set[str]:
    return {item_path(e).lower() for e in entries if e.type == "package"}


def in_package(e: Entry, packages: set[str]) -> bool:
    p = item_path(e).lower()
    return e.type == "package" or any(p == k or p.startswith(k + "/") for k in packages)


@dataclass
class DriveTarget:
    """Where documents go: a drive, the folder inside it, and how many leading path segments of the backed-up
    folder to drop (1 for SharePoint libraries and channel files, whose first segment names the library)."""

    drive_id: str
    folder: str = ""  # path inside the drive ("" = root)
    strip: int = 0


class DriveWriter:
    def __init__(self, g: Any, drive_id: str) -> None:
        self.g = g
        self.drive_id = drive_id
        self._ids: dict[str, str] = {}
        self._children: dict[str, dict[str, dict[str, Any]]] = {}

    def root_id(self) -> str:
        if "" not in self._ids:
            self._ids[""] = self.g.get_json(f"/drives/{self.drive_id}/root")["id"]
        return self._ids[""]

    def children(self, folder_id: str) -> dict[str, dict[str, Any]]:
        if folder_id not in self._children:
            self._children[folder_id] = {
                str(c.get("name", "")).lower(): c
                for c in self.g.paged(f"/drives/{self.drive_id}/items/{folder_id}/children", params={"$top": 200})}
        return self._children[folder_id]

    def folder_id(self, path: str) -> str:
        parts = [p for p in path.split("/") if p]
        key = "/".join(parts).lower()
        if key in self._ids:
            return self._ids[key]
        parent = self.folder_id("/".join(parts[:-1])) if len(parts) > 1 else self.root_id()
        if not parts:
            return parent
        name = parts[-1]
        existing = self.children(parent).get(name.lower())
        if existing is not None and "folder" in existing:
            fid = existing["id"]
        else:
            new = self.g.post_json(f"/drives/{self.drive_id}/items/{parent}/children",
                                   {"name": name, "folder": {}, "@microsoft.graph.conflictBehavior": "rename"})
            self.children(parent)[str(new.get("name", name)).lower()] = new
            fid = new["id"]
        self._ids[key] = fid
        return fid

    def upload(self, parent_id: str, name: str, e: Entry, conflict: str,
               progress: Callable[[int], None] | None = None) -> dict[str, Any]:
        size = int(e.version.size or 0)
        enc = quote(name, safe="")
        if size <= SIMPLE_UPLOAD_LIMIT:
            data = e.read() if size else b""
            resp = self.g.request("PUT", f"/drives/{self.drive_id}/items/{parent_id}:/{enc}:/content",
                                  params={"@microsoft.graph.conflictBehavior": conflict}, content=data,
                                  headers={"Content-Type": "application/octet-stream"})
            if progress:
                progress(size)
            item = resp.json()
        else:
            reader = ContentReader(e.open, size)
            try:
                item = self.g.upload_large(f"/drives/{self.drive_id}/items/{parent_id}:/{enc}:/createUploadSession",
                                           reader, size, conflict_behavior=conflict)
            finally:
                reader.close()
            if progress:
                progress(size)
        self.children(parent_id)[str(item.get("name", name)).lower()] = item
        return item


def _same_content(existing: dict[str, Any], e: Entry) -> bool:
    mine = ((e.meta.get("file") or {}).get("hashes") or {}) if isinstance(e.meta.get("file"), dict) else {}
    theirs = ((existing.get("file") or {}).get("hashes") or {}) if isinstance(existing.get("file"), dict) else {}
    common = [k for k in ("sha256Hash", "sha1Hash", "quickXorHash") if mine.get(k) and theirs.get(k)]
    if common:
        return all(str(mine[k]).lower() == str(theirs[k]).lower() for k in common) and \
            int(existing.get("size") or 0) == int(e.version.size or 0)
    return False


def restore_documents(g: Any, entries: list[Entry], target_for: Callable[[Entry], DriveTarget], op: Operation, *,
                      overwrite: bool = False, restore_changed: bool = True, restore_deleted: bool = True,
                      progress: Callable[[int, int, str], None] | None = None,
                      stopping: Callable[[], bool] | None = None, all_entries: list[Entry] | None = None) -> None:
    """Restore files (folders are recreated as needed). OneNote notebooks are skipped with ApiOnlyModeNotSupported
    in the log; everything else continues. Conflicts: unchanged files are skipped; changed ones are overwritten
    (overwrite=True) or kept, the restored copy getting a new name."""
    packages = package_paths(all_entries or entries)
    writers: dict[str, DriveWriter] = {}
    files = [e for e in entries if e.type in ("file", "package", "folder")]
    total = len(files)
    onenote_logged: set[str] = set()
    webpart_noted = False

    def uploaded(tag: tuple[Entry, str, bool], item: Any, error: BaseException | None) -> None:
        e, parent_path, merged = tag
        if error is not None:
            op.fail(e, f"Restore failed: {getattr(error, 'message', None) or error}")
            return
        if not merged:
            how = "restored"
        elif overwrite:
            how = "overwritten"
        else:
            how = f"kept the current file; restored as '{item.get('name')}'"
        op.success(e, f"{how} ({parent_path or '/'})", merged=merged)

    with OrderedPool(UPLOAD_CONCURRENCY, uploaded) as pipe:
        for i, e in enumerate(files, 1):
            if stop_or_report(op, i, total, e.version.name, progress, stopping):
                break
            try:
                if in_package(e, packages) or str(e.version.name).lower().endswith(ONENOTE_EXT):
                    nb = item_path(e)
                    op.skip(e, onenote_message(), log=nb not in onenote_logged)
                    onenote_logged.add(nb)
                    continue
                t = target_for(e)
                w = writers.get(t.drive_id)
                if w is None:
                    w = writers[t.drive_id] = DriveWriter(g, t.drive_id)
                rel = [p for p in (e.version.folder or "").split("/") if p][t.strip:]
                parent_path = "/".join([*(p for p in t.folder.split("/") if p), *rel])
                name = str(e.meta.get("name") or e.version.name)
                if e.type == "folder":
                    w.folder_id(parent_path + "/" + name if parent_path else name)
                    continue
                if name.lower().endswith(".aspx") and not webpart_noted:
                    op.warn(WEBPART_NOTE, e.obj)
                    webpart_noted = True
                parent_id = w.folder_id(parent_path)
                key = (t.drive_id, parent_id, name.lower())
                pipe.wait_for(key)  # a file of this name being uploaded here: decide against its result
                existing = w.children(parent_id).get(name.lower())
                conflict = "replace"
                merged = False
                if existing is not None:
                    if _same_content(existing, e):
                        op.skip(e, f"'{name}' exists unchanged in the target folder.")
                        continue
                    if not restore_changed:
                        op.skip(e, f"'{name}' was changed; not restored (use -RestoreChangedItems).")
                        continue
                    conflict = "replace" if overwrite else "rename"
                    merged = True
                elif not restore_deleted:
                    op.skip(e, f"'{name}' is missing; not restored (use -RestoreDeletedItems).")
                    continue
                pipe.submit((e, parent_path, merged), w.upload, parent_id, name, e, conflict, key=key)
            except Exception as exc:  # noqa: BLE001 - logged per item
                op.fail(e, f"Restore failed: {getattr(exc, 'message', None) or exc}")


def save_documents(entries: list[Entry], root: Path, *, as_zip: bool = False, strip: int = 0,
                   prefix: list[str] | None = None, op: Operation | None = None,
                   progress: Callable[[int, int, str], None] | None = None) -> Path:
    """Save files (streamed) to root/<path>, or into a zip archive (root is then the .zip path or a folder that
    receives <name>.zip). Paths are sanitised and never leave root. Returns the folder or zip path."""
    files = [e for e in entries if e.type == "file"]
    total = len(files)
    pre = prefix or []
    if as_zip:
        zpath = root if root.suffix.lower() == ".zip" else root / "documents.zip"
        zpath.parent.mkdir(parents=True, exist_ok=True)
        zpath = unique_path(zpath)
        names: set[str] = set()
        with zipfile.ZipFile(zpath, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            for i, e in enumerate(files, 1):
                if progress:
                    progress(i, total, e.version.name)
                try:
                    rel = [p for p in (e.version.folder or "").split("/") if p][strip:]
                    member = zip_member(*pre, *rel, str(e.meta.get("name") or e.version.name))
                    base, n = member, 2
                    while member.lower() in names:
                        stem, dot, ext = base.rpartition(".")
                        member = f"{stem} ({n}).{ext}" if dot and stem else f"{base} ({n})"
                        n += 1
                    names.add(member.lower())
                    with e.open() as src, zf.open(member, "w", force_zip64=True) as dst:
                        copy_stream(src, dst)
                    if op:
                        op.success(e, f"Saved to {zpath}:{member}")
                except Exception as exc:  # noqa: BLE001
                    if op:
                        op.fail(e, f"Save failed: {exc}")
        return zpath
    root.mkdir(parents=True, exist_ok=True)
    for i, e in enumerate(files, 1):
        if progress:
            progress(i, total, e.version.name)
        try:
            rel = [p for p in (e.version.folder or "").split("/") if p][strip:]
            d = safe_join(root, *[safe_name(p) for p in pre], *safe_relpath("/".join(rel)))
            d.mkdir(parents=True, exist_ok=True)
            target = unique_path(safe_join(d, str(e.meta.get("name") or e.version.name)))
            with e.open() as src, write_complete(target) as dst:  # no truncated file under the final name
                copy_stream(src, dst)
            if op:
                op.success(e, f"Saved to {target}")
        except Exception as exc:  # noqa: BLE001
            if op:
                op.fail(e, f"Save failed: {exc}")
    return root
