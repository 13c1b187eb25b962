"""File-system cmdlets: Get-Content/Set-Content/Add-Content, Test-Path, New-Item, Remove-Item, Join-Path, Split-Path,
Get-ChildItem (FileInfo-like objects with the directory-listing view), Get-Location/Set-Location, Select-String."""

from __future__ import annotations

import datetime as _dt
import glob
import os
import re
import shutil
import stat
from pathlib import Path
from typing import Any

from vboshell.builtins._util import as_list, detect_decode, encoding_of, split_lines, to_string
from vboshell.commands.base import Cmdlet, Example, Parameter, Switch
from vboshell.commands.registry import register
from vboshell.format.properties import has_wildcard, wildcard_match
from vboshell.format.values import dotnet_format_datetime
from vboshell.runtime.errors import CmdletError, ErrorCategory, ErrorRecord, PSRuntimeError
from vboshell.runtime.psobject import TypeView, ps_type

MGMT = "Microsoft.PowerShell.Management"
ENCODING_SET = ("ASCII", "BigEndianUnicode", "Byte", "Default", "OEM", "String", "Unicode", "UTF7", "UTF8",
                "UTF8BOM", "UTF8NoBOM", "UTF32", "Unknown")


def _mtime(p: Path) -> Any:
    from vboshell.runtime.values import DateTime

    try:
        return DateTime.wrap(_dt.datetime.fromtimestamp(p.stat().st_mtime))
    except OSError:
        return None


def _lwt_text(item: Any) -> str:
    d = item.LastWriteTime
    if d is None:
        return ""
    return f"{dotnet_format_datetime(d, 'd'):>10}  {dotnet_format_datetime(d, 't'):>8}"


_LISTING = TypeView(
    table=(
        {"property": "Mode", "label": "Mode", "width": 7, "align": "left"},
        {"property": "LastWriteTime", "label": "LastWriteTime", "width": 25, "align": "right", "expression": _lwt_text},
        {"property": "Length", "label": "Length", "width": 14, "align": "right"},
        {"property": "Name", "label": "Name", "align": "left"},
    ),
    kind="table",
    group_by="PSParentPath",
    group_format="    Directory: {}\n",
)


class FileSystemItem:
    """A FileInfo/DirectoryInfo stand-in: Name, FullName, Length, LastWriteTime, Mode, Extension..."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._is_dir = _safe_is_dir(path)

    @property
    def PSIsContainer(self) -> bool:  # noqa: N802
        return self._is_dir

    def ps_properties(self) -> list[tuple[str, Any]]:
        p = self._path
        is_dir = self._is_dir
        props: list[tuple[str, Any]] = [
            ("Mode", self.Mode), ("LastWriteTime", _mtime(p)),
        ]
        if not is_dir:
            props.append(("Length", self.Length))
        props += [
            ("Name", p.name), ("FullName", str(p)), ("Extension", p.suffix),
            ("BaseName", p.stem if not is_dir else p.name),
            ("DirectoryName" if not is_dir else "Parent", str(p.parent) if not is_dir else p.parent.name),
            ("Exists", _safe_exists(p)), ("PSIsContainer", is_dir), ("PSParentPath", str(p.parent)),
            ("PSChildName", p.name),
        ]
        return props

    @property
    def Mode(self) -> str:  # noqa: N802
        p = self._path
        if self._is_dir:
            return "d-----"
        ro = not os.access(p, os.W_OK)
        hidden = p.name.startswith(".")
        return "-a" + ("r" if ro else "-") + ("h" if hidden else "-") + "--"

    @property
    def Name(self) -> str:  # noqa: N802
        return self._path.name

    @property
    def FullName(self) -> str:  # noqa: N802
        return str(self._path)

    @property
    def LastWriteTime(self) -> Any:  # noqa: N802
        return _mtime(self._path)

    @property
    def Length(self) -> int | None:  # noqa: N802
        if self._is_dir:
            return None
        try:
            return self._path.stat().st_size
        except OSError:
            return 0

    def __str__(self) -> str:
        return self._path.name

    def __fspath__(self) -> str:
        return str(self._path)


@ps_type("System.IO.FileInfo", view=_LISTING, base_names=("System.IO.FileSystemInfo",))
class FileInfo(FileSystemItem):
    pass


@ps_type("System.IO.DirectoryInfo", view=_LISTING, base_names=("System.IO.FileSystemInfo",))
class DirectoryInfo(FileSystemItem):
    pass


def item_for(path: Path) -> FileSystemItem:
    return DirectoryInfo(path) if _safe_is_dir(path) else FileInfo(path)


def _path_text(value: Any) -> str:
    if isinstance(value, FileSystemItem):
        return value.FullName
    return to_string(value)


def path_not_found(path: str, cmd: str) -> ErrorRecord:
    return ErrorRecord(f"Cannot find path '{path}' because it does not exist.",
                       "PathNotFound", ErrorCategory.ObjectNotFound, path,
                       exception_type="ItemNotFoundException")


def resolve_paths(cmdlet: Cmdlet, path: str, literal: bool = False) -> list[Path]:
    """A user path with wildcards expanded (sorted); a path without wildcards is returned even if missing."""
    resolved = cmdlet.context.resolve_path(path)
    if literal or not has_wildcard(str(path)):
        return [resolved]
    matches = sorted(glob.glob(glob.escape(str(resolved.parent)) + os.sep + resolved.name)
                     if not has_wildcard(str(resolved.parent)) else glob.glob(str(resolved)))
    return [Path(m) for m in matches]


# ----------------------------------------------------------------------------------------------
# content


@register
class GetContent(Cmdlet):
    name = "Get-Content"
    aliases = ("gc", "cat", "type")
    module = MGMT
    synopsis = "Gets the content of the item at the specified location."
    description = (
        "Outputs a text file one line at a time (-Raw: the whole file as one string). -TotalCount (-First, -Head) "
        "reads only the first lines, -Tail (-Last) the last ones. The encoding is taken from the byte order mark "
        "(UTF-8 otherwise) unless -Encoding is given."
    )
    parameters = [
        Parameter("Path", str, array=True, mandatory=True, position=0, value_from_pipeline_by_property_name=True,
                  aliases=("FullName", "PSPath"), is_path=True, help="The file(s) to read."),
        Parameter("Raw", Switch, help="Returns the whole content as one string."),
        Parameter("TotalCount", int, aliases=("First", "Head"), help="Number of lines from the start."),
        Parameter("Tail", int, aliases=("Last",), help="Number of lines from the end."),
        Parameter("Encoding", str, validate_set=ENCODING_SET, help="The file encoding."),
        Parameter("ReadCount", int, help="Lines per output object (0: all in one array)."),
        Parameter("Delimiter", str, help="Splits the content at this string instead of line ends."),
        Parameter("LiteralPath", str, array=True, dont_show=True),
    ]
    examples = [
        Example("Get-Content gc.txt -TotalCount 1", "The first line of a file.",
                setup="Set-Content gc.txt 'one', 'two'",
                expect="one"),
    ]

    def process_record(self) -> None:
        paths = as_list(self.Path) + as_list(self.LiteralPath)
        for p in paths:
            text_path = _path_text(p)
            drv = drive_path(text_path)
            if drv is not None:
                items = drive_items(self, *drv)
                if not items:
                    self.write_error(path_not_found(text_path, "GetContentCommand"))
                for it in items:
                    self.write_object(getattr(it, "Value", it))
                continue
            targets = resolve_paths(self, text_path, literal=self.LiteralPath is not None)
            if not targets or not targets[0].exists():
                self.write_error(path_not_found(str(self.context.resolve_path(text_path)), "GetContentCommand"))
                continue
            for t in targets:
                if t.is_dir():
                    self.write_error(ErrorRecord(
                        f"Unable to get content because it is a directory: '{t}'. Please use 'Get-ChildItem' instead.",
                        "GetContainerContentException",
                        ErrorCategory.InvalidOperation, str(t)))
                    continue
                self._read(t)

    def _read(self, t: Path) -> None:
        try:
            data = t.read_bytes()
        except OSError as e:
            self.write_error(ErrorRecord(f"Access to the path '{t}' is denied. {e.strerror or ''}".strip(),
                                         "GetContentReaderUnauthorizedAccessError", ErrorCategory.PermissionDenied, str(t)))
            return
        text = detect_decode(data, self.Encoding)
        if self.Raw:
            self.write_object(text)
            return
        if self.Delimiter is not None:
            parts = text.split(self.Delimiter)
            lines = [p + self.Delimiter for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
        else:
            lines = split_lines(text)
        if self.TotalCount is not None and self.TotalCount >= 0:
            lines = lines[: self.TotalCount]
        if self.Tail is not None:
            lines = lines[len(lines) - self.Tail:] if self.Tail > 0 else []
        if self.ReadCount is not None and self.ReadCount != 1:
            if self.ReadCount <= 0:
                self.write_object(list(lines), enumerate_collection=False)
                return
            for i in range(0, len(lines), self.ReadCount):
                self.write_object(lines[i:i + self.ReadCount], enumerate_collection=False)
            return
        for line in lines:
            if self.stopping:
                return
            self.write_object(line)


class _WriteContent(Cmdlet):
    append = False
    parameters = [
        Parameter("Path", str, array=True, mandatory=True, position=0, value_from_pipeline_by_property_name=True,
                  aliases=("FullName", "PSPath"), is_path=True, help="The file(s) to write."),
        Parameter("Value", object, array=True, position=1, value_from_pipeline=True, help="The content."),
        Parameter("Encoding", str, validate_set=ENCODING_SET,
                  help="The file encoding (default UTF-8 without BOM; Windows PowerShell uses the ANSI code page)."),
        Parameter("NoNewline", Switch, help="Writes the values without newlines."),
        Parameter("PassThru", Switch, help="Outputs the content written."),
        Parameter("Force", Switch, help="Writes read-only files."),
        Parameter("LiteralPath", str, array=True, dont_show=True),
    ]
    supports_should_process = True

    def begin_processing(self) -> None:
        self._values: list[Any] = []
        self._any = False

    def process_record(self) -> None:
        if self.is_bound("Value"):
            self._any = True
            v = self.Value
            self._values.extend(x for x in (v if isinstance(v, list) else [v]) if x is not None)

    def end_processing(self) -> None:
        texts = [to_string(v) for v in self._values]
        content = "".join(texts) if self.NoNewline else "".join(t + "\n" for t in texts)
        for p in as_list(self.Path) + as_list(self.LiteralPath):
            text_path = _path_text(p)
            for target in resolve_paths(self, text_path, literal=self.LiteralPath is not None):
                if not self.should_process(str(target), "Add Content" if self.append else "Set Content"):
                    continue
                self._write(target, content)
        if self.PassThru:
            for v in self._values:
                self.write_object(v)

    def _write(self, target: Path, content: str) -> None:
        if not target.parent.exists():
            self.write_error(path_not_found(str(target.parent), type(self).__name__ + "Command"))
            return
        if target.is_dir():
            self.write_error(ErrorRecord(f"Access to the path '{target}' is denied.", "GetContentWriterUnauthorizedAccessError",
                                         ErrorCategory.PermissionDenied, str(target)))
            return
        codec, bom = encoding_of(self.Encoding, "UTF8NoBOM")
        try:
            if self.append and target.exists() and target.stat().st_size > 0:
                existing = target.read_bytes()
                prefix = b""
                if not self.NoNewline and not existing.endswith((b"\n", b"\r")) and content:
                    prefix = "\n".encode(codec)
                with open(target, "ab") as f:
                    f.write(prefix + content.encode(codec, errors="replace"))
            else:
                with open(target, "wb") as f:
                    f.write(bom + content.encode(codec, errors="replace"))
        except OSError as e:
            self.write_error(ErrorRecord(f"Access to the path '{target}' is denied. {e.strerror or ''}".strip(),
                                         "GetContentWriterUnauthorizedAccessError", ErrorCategory.PermissionDenied,
                                         str(target)))


@register
class SetContent(_WriteContent):
    name = "Set-Content"
    aliases = ("sc",)
    module = MGMT
    synopsis = "Writes new content or replaces existing content in a file."
    description = "Writes each value's string form on its own line, replacing the file (created if missing). " \
                  "The default encoding is UTF-8 without a byte order mark."
    examples = [Example("Set-Content -Path sc.txt -Value 'hello'; Get-Content sc.txt",
                        "Writes and reads a file.",
                        expect="hello")]


@register
class AddContent(_WriteContent):
    name = "Add-Content"
    aliases = ("ac",)
    module = MGMT
    append = True
    synopsis = "Adds content to the specified items, such as adding words to a file."
    description = "Appends each value's string form as a line (the file is created if missing)."
    examples = [Example("Set-Content ac.txt 'a'; Add-Content ac.txt 'b'; (Get-Content ac.txt).Count",
                        "Appends a line.",  expect="2")]


# ----------------------------------------------------------------------------------------------
# items


@register
class TestPath(Cmdlet):
    name = "Test-Path"
    module = MGMT
    synopsis = "Determines whether all elements of a path exist."
    description = "Returns True if the path exists (wildcards allowed); -PathType Leaf checks for a file, " \
                  "Container for a directory. -IsValid checks only the syntax."
    parameters = [
        Parameter("Path", str, array=True, mandatory=True, position=0, value_from_pipeline=True,
                  value_from_pipeline_by_property_name=True, is_path=True, help="The path(s) to test."),
        Parameter("PathType", str, validate_set=("Any", "Container", "Leaf"), aliases=("Type",),
                  help="Any, Container (directory) or Leaf (file)."),
        Parameter("IsValid", Switch, help="Tests only whether the path syntax is valid."),
        Parameter("LiteralPath", str, array=True, dont_show=True),
    ]
    examples = [Example("Test-Path -Path . -PathType Container", "True: the directory exists.",
                         expect="True"),
                Example("Test-Path ./does-not-exist.txt", "False.", expect="False")]

    def process_record(self) -> None:
        for p in as_list(self.Path) + as_list(self.LiteralPath):
            text = _path_text(p) if p is not None else ""
            if not text.strip():
                self.write_error(ErrorRecord("Cannot bind argument to parameter 'Path' because it is an empty string.",
                                             "ParameterArgumentValidationErrorEmptyStringNotAllowed",
                                             ErrorCategory.InvalidData, None))
                continue
            if self.IsValid:
                self.write_object("\0" not in text)
                continue
            drv = drive_path(text)
            if drv is not None:
                self.write_object(bool(drive_items(self, drv[0], drv[1])) if drv[1] else True)
                continue
            try:
                targets = resolve_paths(self, text, literal=self.LiteralPath is not None)
            except PSRuntimeError as exc:
                if exc.error_record.error_id != "IllegalCharactersInPath":
                    raise
                self.write_object(False)  # a path no file system can hold does not exist
                continue
            kind = (self.PathType or "Any").lower()
            ok = False
            for t in targets:
                if kind == "leaf" and t.is_file():
                    ok = True
                elif kind == "container" and t.is_dir():
                    ok = True
                elif kind == "any" and t.exists():
                    ok = True
            self.write_object(ok)


@register
class NewItem(Cmdlet):
    name = "New-Item"
    aliases = ("ni",)
    module = MGMT
    synopsis = "Creates a new item."
    description = "Creates a file (-ItemType File, the default; -Value sets its content) or a directory " \
                  "(-ItemType Directory, parents included). -Force overwrites a file or returns an existing directory."
    supports_should_process = True
    parameters = [
        Parameter("Path", str, array=True, position=0, value_from_pipeline_by_property_name=True, is_path=True,
                  help="Where to create the item."),
        Parameter("Name", str, value_from_pipeline_by_property_name=True, help="The item name, under -Path."),
        Parameter("ItemType", str, aliases=("Type",), validate_set=("File", "Directory", "SymbolicLink"),
                  help="File or Directory."),
        Parameter("Value", object, value_from_pipeline=True, help="Content of a new file."),
        Parameter("Force", Switch, help="Overwrites an existing file; creates missing parent directories."),
    ]
    examples = [Example("New-Item -Path . -Name 'vbo-demo' -ItemType Directory -Force | Select-Object -ExpandProperty Name",
                        "Creates a directory.",  expect="vbo-demo")]

    def process_record(self) -> None:
        paths = as_list(self.Path) or ["."]
        for p in paths:
            target = self.context.resolve_path(_path_text(p))
            if self.Name:
                target = target / self.Name
            elif self.Path is None:
                raise CmdletError("Cannot process argument because the value of argument \"path\" is not valid.",
                                  "NewItemArgumentError", ErrorCategory.InvalidArgument)
            kind = (self.ItemType or "File").lower()
            if not self.should_process(f"Destination: {target}", f"Create {'Directory' if kind == 'directory' else 'File'}"):
                continue
            try:
                if kind == "directory":
                    if target.exists() and not self.Force:
                        self.write_error(ErrorRecord(f"An item with the specified name {target} already exists.",
                                                     "DirectoryExist",
                                                     ErrorCategory.ResourceExists, str(target),
                                                     exception_type="IOException"))
                        continue
                    target.mkdir(parents=True, exist_ok=True)
                else:
                    if target.exists() and not self.Force:
                        self.write_error(ErrorRecord(f"The file '{target}' already exists.",
                                                     "NewItemIOError",
                                                     ErrorCategory.WriteError, str(target),
                                                     exception_type="IOException"))
                        continue
                    if not target.parent.exists():
                        if self.Force:
                            target.parent.mkdir(parents=True, exist_ok=True)
                        else:
                            self.write_error(ErrorRecord(f"Could not find a part of the path '{target}'.",
                                                         "NewItemIOError",
                                                         ErrorCategory.WriteError, str(target),
                                                         exception_type="DirectoryNotFoundException"))
                            continue
                    value = "" if self.Value is None else to_string(self.Value)
                    target.write_text(value, encoding="utf-8")
            except OSError as e:
                self.write_error(ErrorRecord(f"Access to the path '{target}' is denied. {e.strerror or ''}".strip(),
                                             "NewItemUnauthorizedAccessError",
                                             ErrorCategory.PermissionDenied, str(target)))
                continue
            self.write_object(item_for(target))


@register
class RemoveItem(Cmdlet):
    name = "Remove-Item"
    aliases = ("rm", "del", "ri", "rd", "rmdir", "erase")
    module = MGMT
    synopsis = "Deletes the specified items."
    description = "Deletes files and directories (wildcards allowed). A directory with content needs -Recurse; " \
                  "-WhatIf shows what would be deleted."
    supports_should_process = True
    parameters = [
        Parameter("Path", str, array=True, mandatory=True, position=0, value_from_pipeline=True,
                  value_from_pipeline_by_property_name=True, aliases=("FullName",), is_path=True, help="Items to delete."),
        Parameter("Recurse", Switch, help="Deletes directories with their content."),
        Parameter("Force", Switch, help="Deletes read-only and hidden items."),
        Parameter("Filter", str, help="Only items whose names match."),
        Parameter("Include", str, array=True, help="Only items matching these patterns."),
        Parameter("Exclude", str, array=True, help="Items to keep."),
        Parameter("LiteralPath", str, array=True, dont_show=True),
    ]
    examples = [Example("Remove-Item rm-demo.txt -WhatIf", "Shows what would be deleted.",
                        setup="Set-Content rm-demo.txt 'x'")]

    def process_record(self) -> None:
        for p in as_list(self.Path) + as_list(self.LiteralPath):
            text = _path_text(p)
            drv = drive_path(text)
            if drv is not None:
                if self.should_process(text, "Remove Item") and not remove_drive_item(self, *drv):
                    self.write_error(path_not_found(text, "RemoveItemCommand"))
                continue
            targets = resolve_paths(self, text, literal=self.LiteralPath is not None)
            if not targets or not (targets[0].exists() or targets[0].is_symlink()):
                self.write_error(path_not_found(str(self.context.resolve_path(text)), "RemoveItemCommand"))
                continue
            for t in targets:
                name = t.name
                if self.Filter and not wildcard_match(self.Filter, name):
                    continue
                if self.Include and not any(wildcard_match(i, name) for i in as_list(self.Include)):
                    continue
                if self.Exclude and any(wildcard_match(x, name) for x in as_list(self.Exclude)):
                    continue
                self._remove(t)

    def _remove(self, t: Path) -> None:
        is_dir = t.is_dir() and not t.is_symlink()
        if is_dir and any(t.iterdir()) and not self.Recurse:
            self.write_error(ErrorRecord(
                f"The item at {t} has children and the Recurse parameter was not specified. "
                "Nothing was removed.", "DirectoryNotEmpty",
                ErrorCategory.WriteError, str(t), exception_type="IOException"))
            return
        action = "Remove Directory" if is_dir else "Remove File"
        if not self.should_process(str(t), action):
            return
        try:
            if is_dir:
                if self.Force:
                    shutil.rmtree(t, onerror=_force_writable)
                else:
                    shutil.rmtree(t)
            else:
                if self.Force and not os.access(t, os.W_OK):
                    os.chmod(t, stat.S_IWRITE | stat.S_IREAD)
                t.unlink()
        except OSError as e:
            self.write_error(ErrorRecord(f"Cannot remove item {t}: {e.strerror or e}.",
                                         "RemoveFileSystemItemIOError",
                                         ErrorCategory.WriteError, str(t), exception_type="IOException"))


def _force_writable(func: Any, path: str, _exc: Any) -> None:
    os.chmod(path, stat.S_IWRITE | stat.S_IREAD | stat.S_IEXEC)
    func(path)


_SEP_RE = re.compile(r"[\\/]+")


@register
class JoinPath(Cmdlet):
    name = "Join-Path"
    module = MGMT
    synopsis = "Combines a path and a child path into a single path."
    description = "Joins -Path and -ChildPath (and any further child paths) with one separator between them."
    parameters = [
        Parameter("Path", str, array=True, mandatory=True, position=0, value_from_pipeline=True,
                  aliases=("PSPath",), help="The parent path(s)."),
        Parameter("ChildPath", str, mandatory=True, position=1, help="The child path."),
        Parameter("AdditionalChildPath", str, array=True, position=2, value_from_remaining_arguments=True,
                  help="More child paths."),
        Parameter("Resolve", Switch, help="Returns the resolved full path of an existing item."),
    ]
    examples = [Example("Join-Path -Path 'reports' -ChildPath 'jobs.csv'", "Joins two parts.",
                        expect=f"reports{os.sep}jobs.csv")]

    def process_record(self) -> None:
        for p in as_list(self.Path):
            result = _path_text(p)
            for child in [self.ChildPath, *as_list(self.AdditionalChildPath)]:
                child = to_string(child)
                if not result:
                    result = child
                elif not child:
                    continue
                else:
                    result = result.rstrip("\\/") + os.sep + child.lstrip("\\/")
            if self.Resolve:
                targets = resolve_paths(self, result)
                if not targets or not targets[0].exists():
                    self.write_error(path_not_found(str(self.context.resolve_path(result)), "JoinPathCommand"))
                    continue
                for t in targets:
                    self.write_object(str(t))
                continue
            self.write_object(result)


@register
class SplitPath(Cmdlet):
    name = "Split-Path"
    module = MGMT
    synopsis = "Returns the specified part of a path."
    description = "Returns the parent directory of a path (the default, -Parent), its last element (-Leaf), " \
                  "its extension (-Extension), the leaf without extension (-LeafBase), or the drive (-Qualifier)."
    parameters = [
        Parameter("Path", str, array=True, mandatory=True, position=0, value_from_pipeline=True,
                  value_from_pipeline_by_property_name=True, help="The path(s) to split."),
        Parameter("Parent", Switch, help="The parent container (default)."),
        Parameter("Leaf", Switch, help="The last element."),
        Parameter("LeafBase", Switch, help="The last element without its extension."),
        Parameter("Extension", Switch, help="The extension of the last element."),
        Parameter("Qualifier", Switch, help="The drive, e.g. C:."),
        Parameter("NoQualifier", Switch, help="The path without its drive."),
        Parameter("IsAbsolute", Switch, help="Whether the path is absolute."),
        Parameter("Resolve", Switch, help="Resolves wildcards first."),
    ]
    examples = [Example(r"Split-Path -Path 'C:\Scripts\report.ps1' -Leaf", "The file name.", expect="report.ps1"),
                Example(r"Split-Path 'C:\Scripts\report.ps1'", "The parent.", expect=r"C:\Scripts")]

    def process_record(self) -> None:
        for p in as_list(self.Path):
            text = _path_text(p)
            m = re.match(r"^([A-Za-z]:)", text)
            qual = m.group(1) if m else ""
            if self.IsAbsolute:
                self.write_object(bool(qual) or text.startswith(("/", "\\")))
                continue
            if self.Qualifier:
                if not qual:
                    self.write_error(ErrorRecord(f"Cannot parse path because path '{text}' does not have a qualifier specified.",
                                                 "ParsePathFormatError",
                                                 ErrorCategory.InvalidArgument, text))
                    continue
                self.write_object(qual)
                continue
            if self.NoQualifier:
                self.write_object(text[len(qual):])
                continue
            stripped = text.rstrip("\\/") or text
            idx = max(stripped.rfind("\\"), stripped.rfind("/"))
            leaf = stripped[idx + 1:] if idx >= 0 else stripped
            if self.Leaf:
                self.write_object(leaf)
                continue
            if self.Extension or self.LeafBase:
                dot = leaf.rfind(".")
                if self.Extension:
                    self.write_object(leaf[dot:] if dot > 0 else "")
                else:
                    self.write_object(leaf[:dot] if dot > 0 else leaf)
                continue
            if idx < 0:
                self.write_object("")
                continue
            parent = stripped[:idx]
            if parent == "" or (qual and parent == qual):
                parent = stripped[: idx + 1]
            self.write_object(parent)


def _safe_is_dir(p: Path) -> bool:
    try:
        return p.is_dir()
    except OSError:
        return False


def _safe_exists(p: Path) -> bool:
    try:
        return p.exists()
    except OSError:
        return False


def _matches(name: str, cmdlet: Cmdlet) -> bool:
    if cmdlet.Filter and not wildcard_match(cmdlet.Filter, name):
        return False
    if cmdlet.Include and not any(wildcard_match(i, name) for i in as_list(cmdlet.Include)):
        return False
    if cmdlet.Exclude and any(wildcard_match(x, name) for x in as_list(cmdlet.Exclude)):
        return False
    return True


@register
class GetChildItem(Cmdlet):
    name = "Get-ChildItem"
    aliases = ("dir", "ls", "gci")
    module = MGMT
    synopsis = "Gets the items and child items in one or more specified locations."
    description = (
        "Lists the files and directories at -Path (the current location by default; wildcards allowed), "
        "directories first, each sorted by name. -Filter/-Include/-Exclude match names, -Recurse (and -Depth) "
        "descend, -File/-Directory restrict the kind, -Name outputs names only, -Force includes hidden (dot) files."
    )
    parameters = [
        Parameter("Path", str, array=True, position=0, value_from_pipeline=True,
                  value_from_pipeline_by_property_name=True, is_path=True, help="Where to list."),
        Parameter("Filter", str, position=1, help="A wildcard pattern for the names."),
        Parameter("Include", str, array=True, help="Only names matching these patterns."),
        Parameter("Exclude", str, array=True, help="Names to leave out."),
        Parameter("Recurse", Switch, aliases=("s",), help="Includes the items in all subdirectories."),
        Parameter("Depth", int, help="How many levels to descend with -Recurse."),
        Parameter("File", Switch, help="Files only."),
        Parameter("Directory", Switch, aliases=("ad",), help="Directories only."),
        Parameter("Name", Switch, help="Outputs only the names."),
        Parameter("Force", Switch, help="Includes hidden items."),
        Parameter("LiteralPath", str, array=True, dont_show=True),
    ]
    examples = [
        Example("Get-ChildItem -Path gci-demo -File | Select-Object -ExpandProperty Name",
                "Names of the files in a directory.",
                setup="New-Item gci-demo -ItemType Directory -Force | Out-Null; "
                      "Set-Content gci-demo/a.txt 'x'", expect="a.txt"),
    ]

    def process_record(self) -> None:
        paths = as_list(self.Path) + as_list(self.LiteralPath) or ["."]
        for p in paths:
            text = _path_text(p)
            drv = drive_path(text)
            if drv is not None:
                for it in drive_items(self, drv[0], drv[1]):
                    self.write_object(it)
                continue
            targets = resolve_paths(self, text, literal=self.LiteralPath is not None)
            if not targets or not targets[0].exists():
                self.write_error(path_not_found(str(self.context.resolve_path(text)), "GetChildItemCommand"))
                continue
            for t in targets:
                if t.is_dir():
                    self._list(t, 0, base=t)
                elif self._want(t):
                    self._out(t, base=t.parent)

    def _want(self, p: Path) -> bool:
        is_dir = _safe_is_dir(p)
        if self.File and is_dir:
            return False
        if self.Directory and not is_dir:
            return False
        return _matches(p.name, self)

    def _out(self, p: Path, base: Path) -> None:
        if self.Name:
            try:
                self.write_object(str(p.relative_to(base)))
            except ValueError:
                self.write_object(p.name)
        else:
            self.write_object(item_for(p))

    def _list(self, d: Path, level: int, base: Path) -> None:
        try:
            entries = list(d.iterdir())
        except OSError as e:
            self.write_error(ErrorRecord(f"Access to the path '{d}' is denied. {e.strerror or ''}".strip(),
                                         "DirUnauthorizedAccessError",
                                         ErrorCategory.PermissionDenied, str(d)))
            return
        if not self.Force:
            entries = [e for e in entries if not e.name.startswith(".")]
        kinds = {e: _safe_is_dir(e) for e in entries}
        dirs = sorted((e for e in entries if kinds[e]), key=lambda e: e.name.casefold())
        files = sorted((e for e in entries if not kinds[e]), key=lambda e: e.name.casefold())
        for e in dirs + files:
            if self.stopping:
                return
            if self._want(e):
                self._out(e, base)
        recurse = self.Recurse or self.Depth is not None
        if recurse and (self.Depth is None or level < self.Depth):
            for sub in dirs:
                try:
                    link = sub.is_symlink()
                except OSError:
                    link = True
                if not link:
                    self._list(sub, level + 1, base)


@ps_type("System.Management.Automation.PathInfo", view=TypeView(table=("Path",), kind="table"))
class PathInfo:
    def __init__(self, path: Path) -> None:
        self.Path = str(path)

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("Drive", ""), ("Provider", "Microsoft.PowerShell.Core\\FileSystem"), ("ProviderPath", self.Path),
                ("Path", self.Path)]

    def __str__(self) -> str:
        return self.Path


@register
class GetLocation(Cmdlet):
    name = "Get-Location"
    aliases = ("pwd", "gl")
    module = MGMT
    synopsis = "Gets information about the current working location."
    description = "Returns a PathInfo object for the current directory (shown as a one-column Path table)."
    examples = [Example("(Get-Location).Path", "The current directory as a string.")]

    def end_processing(self) -> None:
        self.write_object(PathInfo(self.context.cwd))


@register
class SetLocation(Cmdlet):
    name = "Set-Location"
    aliases = ("cd", "sl", "chdir")
    module = MGMT
    synopsis = "Sets the current working location to a specified location."
    description = "Changes the current directory (used to resolve relative paths in every cmdlet); `~` is home."
    parameters = [
        Parameter("Path", str, position=0, value_from_pipeline=True, value_from_pipeline_by_property_name=True,
                  is_path=True, help="The new location."),
        Parameter("PassThru", Switch, help="Outputs a PathInfo for the new location."),
        Parameter("LiteralPath", str, dont_show=True),
    ]
    examples = [Example("Set-Location ..; Split-Path (Get-Location).Path -Leaf",
                        "Changes directory.", )]

    def end_processing(self) -> None:
        text = _path_text(self.Path if self.Path is not None else (self.LiteralPath or "~"))
        targets = resolve_paths(self, text, literal=self.LiteralPath is not None)
        target = targets[0] if targets else self.context.resolve_path(text)
        if not target.is_dir():
            raise CmdletError(f"Cannot find path '{target}' because it does not exist.",
                              "PathNotFound",
                              ErrorCategory.ObjectNotFound, text, exception_type="ItemNotFoundException")
        self.context.cwd = target.resolve()
        if self.PassThru:
            self.write_object(PathInfo(self.context.cwd))


# ----------------------------------------------------------------------------------------------
# Select-String


@ps_type("Microsoft.PowerShell.Commands.MatchInfo")
class MatchInfo:
    ps_format_as_text = True

    def __init__(self, line: str, line_number: int, path: str, pattern: str, matches: list[Any],
                 display_path: str | None) -> None:
        self.Line = line
        self.LineNumber = line_number
        self.Path = path
        self.Filename = os.path.basename(path) if display_path else "InputStream"
        self.Pattern = pattern
        self.Matches = matches
        self._display = display_path

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("IgnoreCase", True), ("LineNumber", self.LineNumber), ("Line", self.Line),
                ("Filename", self.Filename), ("Path", self.Path), ("Pattern", self.Pattern),
                ("Matches", self.Matches)]

    def __str__(self) -> str:
        if self._display:
            return f"{self._display}:{self.LineNumber}:{self.Line}"
        return self.Line

    __ps_str__ = __str__


@register
class SelectString(Cmdlet):
    name = "Select-String"
    aliases = ("sls",)
    synopsis = "Finds text in strings and files."
    description = "Outputs a MatchInfo for each line of the input strings or -Path files that matches -Pattern " \
                  "(a regular expression, or literal with -SimpleMatch; case-insensitive unless -CaseSensitive)."
    parameters = [
        Parameter("Pattern", str, array=True, mandatory=True, position=0, help="Regular expression(s) to find."),
        Parameter("Path", str, array=True, position=1, value_from_pipeline_by_property_name=True,
                  aliases=("FullName",), is_path=True, help="Files to search."),
        Parameter("InputObject", object, value_from_pipeline=True, help="Text to search."),
        Parameter("SimpleMatch", Switch, help="Literal matching."),
        Parameter("CaseSensitive", Switch, help="Case-sensitive matching."),
        Parameter("NotMatch", Switch, help="Lines that do not match."),
        Parameter("AllMatches", Switch, help="All matches in each line."),
        Parameter("Quiet", Switch, help="Returns True/False instead of matches."),
        Parameter("List", Switch, help="Only the first match per file."),
        Parameter("Encoding", str, validate_set=ENCODING_SET, help="File encoding."),
    ]
    examples = [Example("'error: disk', 'ok', 'error: net' | Select-String 'error'", "Matching lines.",
                        expect="error: net")]

    def begin_processing(self) -> None:
        flags = 0 if self.CaseSensitive else re.IGNORECASE
        pats = [re.escape(to_string(p)) if self.SimpleMatch else to_string(p) for p in as_list(self.Pattern)]
        try:
            self._res = [re.compile(p, flags) for p in pats]
        except re.error as e:
            raise CmdletError(f"The string {pats[0]} is not a valid regular expression: {e}.",
                              "InvalidRegex",
                              ErrorCategory.InvalidArgument, pats[0]) from None
        self._found = False

    def _check(self, line: str, num: int, path: str, display: str | None) -> bool:
        ms = []
        for rx in self._res:
            found = list(rx.finditer(line)) if self.AllMatches else ([m] if (m := rx.search(line)) else [])
            if found:
                ms = found
                break
        hit = bool(ms) != bool(self.NotMatch)
        if not hit:
            return False
        self._found = True
        if not self.Quiet:
            from vboshell.runtime.members import MatchObject  # type: ignore[attr-defined]

            try:
                objs = [MatchObject(m) for m in ms]
            except Exception:  # noqa: BLE001
                objs = [m.group(0) for m in ms]
            self.write_object(MatchInfo(line, num, path, to_string(self.Pattern[0] if isinstance(self.Pattern, list) else self.Pattern), objs, display))
        return True

    def process_record(self) -> None:
        if self.Path is not None:
            for p in as_list(self.Path):
                for t in resolve_paths(self, _path_text(p)):
                    if not t.is_file():
                        if not t.exists():
                            self.write_error(path_not_found(str(t), "SelectStringCommand"))
                        continue
                    text = detect_decode(t.read_bytes(), self.Encoding)
                    try:
                        display = str(t.relative_to(self.context.cwd))
                    except ValueError:
                        display = str(t)
                    for i, line in enumerate(split_lines(text), 1):
                        if self._check(line, i, str(t), display) and self.List:
                            break
            return
        if self.is_bound("InputObject") and self.InputObject is not None:
            obj = self.InputObject
            if isinstance(obj, FileSystemItem) and not obj.PSIsContainer:
                self.Path = [obj.FullName]  # type: ignore[misc]
                self.process_record()
                self.Path = None  # type: ignore[misc]
                return
            self._check(to_string(obj), 1, "InputStream", None)

    def end_processing(self) -> None:
        if self.Quiet:
            self.write_object(self._found)


# ----------------------------------------------------------------------------------------------
# env:, variable: and function: drives (Test-Path, Get-ChildItem, Get-Item, Remove-Item)

_DRIVE_RE = re.compile(r"^(env|variable|function|alias):[\\/]?(.*)$", re.IGNORECASE)


def drive_path(text: str) -> tuple[str, str] | None:
    """('env', 'PATH') for `env:PATH`/`Env:\\PATH`; None for file-system paths."""
    m = _DRIVE_RE.match(text.strip())
    if not m:
        return None
    return m.group(1).lower(), m.group(2)


@ps_type("System.Collections.DictionaryEntry", view=TypeView(table=(("Name", "Name", 30), "Value"), kind="table"))
class DictionaryEntry:
    def __init__(self, name: str, value: Any) -> None:
        self.Name = name
        self.Key = name
        self.Value = value

    def ps_properties(self) -> list[tuple[str, Any]]:
        return [("Name", self.Name), ("Key", self.Key), ("Value", self.Value)]


def drive_items(cmdlet: Cmdlet, drive: str, pattern: str) -> list[Any]:
    """The items of a provider drive matching `pattern` (empty pattern or * lists everything)."""
    ctx = cmdlet.context
    pat = pattern or "*"
    if drive == "env":
        items = sorted(os.environ.items(), key=lambda kv: kv[0].lower())
        return [DictionaryEntry(k, v) for k, v in items if wildcard_match(pat, k)]
    if drive == "variable":
        from vboshell.builtins.session import PSVariable

        found = [(k, v) for k, v in ctx.variables().items() if wildcard_match(pat, k)]
        return [PSVariable(k, v) for k, v in sorted(found, key=lambda kv: kv[0].lower())]
    if drive == "function":
        from vboshell.builtins.session import _functions

        return [f for k, f in sorted(_functions(ctx).items()) if wildcard_match(pat, k)]
    if drive == "alias":
        from vboshell.builtins.session import _all_commands

        return [c for c in _all_commands(ctx) if c.CommandType == "Alias" and wildcard_match(pat, c.Name)]
    return []


def remove_drive_item(cmdlet: Cmdlet, drive: str, name: str) -> bool:
    ctx = cmdlet.context
    if drive == "env":
        keys = [k for k in os.environ if wildcard_match(name, k)]
        for k in keys:
            del os.environ[k]
        return bool(keys)
    if drive == "variable":
        names = [k for k in ctx.variables() if wildcard_match(name, k)]
        for k in names:
            ctx.remove_variable(k)
        return bool(names)
    if drive == "function":
        session = getattr(ctx, "session", None)
        removed = False
        scope = getattr(session, "current", None)
        while scope is not None:
            for k in [k for k in scope.functions if wildcard_match(name, k)]:
                del scope.functions[k]
                removed = True
            scope = scope.parent
        return removed
    return False


@register
class GetItem(Cmdlet):
    name = "Get-Item"
    aliases = ("gi",)
    module = MGMT
    synopsis = "Gets the item at the specified location."
    description = "Returns the file or directory at -Path (wildcards allowed), or an env:/variable:/function: item."
    parameters = [
        Parameter("Path", str, array=True, mandatory=True, position=0, value_from_pipeline=True,
                  value_from_pipeline_by_property_name=True, aliases=("FullName",), is_path=True, help="Item paths."),
        Parameter("Force", Switch, help="Includes hidden items."),
        Parameter("LiteralPath", str, array=True, dont_show=True),
    ]
    examples = [Example("(Get-Item gi.txt).Length", "The size of a file.", setup="Set-Content gi.txt 'abc'",
                        expect="4"),
                Example("(Get-Item env:HOME).Value.Length -gt 0", "An environment variable.", expect="True")]

    def process_record(self) -> None:
        for p in as_list(self.Path) + as_list(self.LiteralPath):
            text = _path_text(p)
            drv = drive_path(text)
            if drv is not None:
                items = drive_items(self, *drv)
                if not items:
                    self.write_error(path_not_found(text, "GetItemCommand"))
                for it in items:
                    self.write_object(it)
                continue
            targets = resolve_paths(self, text, literal=self.LiteralPath is not None)
            if not targets or not targets[0].exists():
                self.write_error(path_not_found(str(self.context.resolve_path(text)), "GetItemCommand"))
                continue
            for t in targets:
                self.write_object(item_for(t))


@register
class ResolvePath(Cmdlet):
    name = "Resolve-Path"
    aliases = ("rvpa",)
    module = MGMT
    synopsis = "Resolves the wildcard characters in a path, and displays the path contents."
    description = "Returns a PathInfo (full path) for each existing item matching -Path; -Relative gives paths " \
                  "relative to the current location."
    parameters = [
        Parameter("Path", str, array=True, mandatory=True, position=0, value_from_pipeline=True,
                  value_from_pipeline_by_property_name=True, is_path=True, help="Paths to resolve."),
        Parameter("Relative", Switch, help="Relative paths."),
        Parameter("LiteralPath", str, array=True, dont_show=True),
    ]
    examples = [Example("(Resolve-Path .).Path -eq (Get-Location).Path", "The full path of the current directory.",
                        expect="True")]

    def process_record(self) -> None:
        for p in as_list(self.Path) + as_list(self.LiteralPath):
            text = _path_text(p)
            targets = [t for t in resolve_paths(self, text, literal=self.LiteralPath is not None) if t.exists()]
            if not targets:
                self.write_error(path_not_found(str(self.context.resolve_path(text)), "ResolvePathCommand"))
                continue
            for t in targets:
                full = Path(os.path.normpath(str(t)))
                if self.Relative:
                    self.write_object("." + os.sep + os.path.relpath(full, self.context.cwd))
                else:
                    self.write_object(PathInfo(full))


class _CopyMove(Cmdlet):
    move = False
    supports_should_process = True
    parameters = [
        Parameter("Path", str, array=True, mandatory=True, position=0, value_from_pipeline=True,
                  value_from_pipeline_by_property_name=True, aliases=("FullName",), is_path=True, help="Items to copy."),
        Parameter("Destination", str, position=1, is_path=True, help="Where to put them."),
        Parameter("Recurse", Switch, help="Copies directories with their content."),
        Parameter("Force", Switch, help="Overwrites existing files."),
        Parameter("PassThru", Switch, help="Outputs the new items."),
        Parameter("Filter", str, help="Only items whose names match."),
        Parameter("LiteralPath", str, array=True, dont_show=True),
    ]

    def process_record(self) -> None:
        dest_text = self.Destination if self.Destination is not None else "."
        dest = self.context.resolve_path(_path_text(dest_text))
        for p in as_list(self.Path) + as_list(self.LiteralPath):
            text = _path_text(p)
            targets = resolve_paths(self, text, literal=self.LiteralPath is not None)
            if not targets or not targets[0].exists():
                self.write_error(path_not_found(str(self.context.resolve_path(text)), type(self).__name__ + "Command"))
                continue
            for src in targets:
                if self.Filter and not wildcard_match(self.Filter, src.name):
                    continue
                target = dest / src.name if dest.is_dir() else dest
                action = "Move Item" if self.move else ("Copy Directory" if src.is_dir() else "Copy File")
                if not self.should_process(f"Item: {src} Destination: {target}", action):
                    continue
                if target.exists() and not self.Force and not (src.is_dir() and target.is_dir()):
                    if self.move or target.is_file():
                        self.write_error(ErrorRecord(
                            f"Cannot create a file when that file already exists.",  # noqa: F541
                            "MoveItemIOError" if self.move else "CopyItemIOError", ErrorCategory.WriteError,
                            str(src), exception_type="IOException"))
                        continue
                try:
                    if self.move:
                        if target.exists() and self.Force and target.is_file():
                            target.unlink()
                        shutil.move(str(src), str(target))
                    elif src.is_dir():
                        if not self.Recurse and not target.exists():
                            target.mkdir(parents=True)
                        elif self.Recurse:
                            shutil.copytree(src, target, dirs_exist_ok=True)
                    else:
                        shutil.copy2(src, target)
                except OSError as e:
                    self.write_error(ErrorRecord(f"{e.strerror or e}: '{src}'", "CopyItemIOError", ErrorCategory.WriteError,
                                                 str(src), exception_type="IOException"))
                    continue
                if self.PassThru:
                    self.write_object(item_for(target))


@register
class CopyItem(_CopyMove):
    name = "Copy-Item"
    aliases = ("copy", "cp", "cpi")
    module = MGMT
    synopsis = "Copies an item from one location to another."
    description = "Copies files (and, with -Recurse, directories) to -Destination; -Force overwrites."
    examples = [Example("Copy-Item ci.txt ci-copy.txt; Test-Path ci-copy.txt", "Copies a file.",
                        setup="Set-Content ci.txt 'x'", expect="True")]


@register
class MoveItem(_CopyMove):
    name = "Move-Item"
    aliases = ("move", "mv", "mi")
    module = MGMT
    move = True
    synopsis = "Moves an item from one location to another."
    description = "Moves files and directories to -Destination (a directory or a new name); -Force overwrites."
    examples = [Example("Move-Item mi.txt mi2.txt; Test-Path mi.txt", "Moves (renames) a file.",
                        setup="Set-Content mi.txt 'x'", expect="False")]


@register
class RenameItem(Cmdlet):
    name = "Rename-Item"
    aliases = ("ren", "rni")
    module = MGMT
    synopsis = "Renames an item."
    description = "Gives the item at -Path the name -NewName, in the same directory."
    supports_should_process = True
    parameters = [
        Parameter("Path", str, mandatory=True, position=0, value_from_pipeline=True,
                  value_from_pipeline_by_property_name=True, aliases=("FullName",), is_path=True, help="The item."),
        Parameter("NewName", str, mandatory=True, position=1, help="The new name."),
        Parameter("Force", Switch, help="Renames read-only items."),
        Parameter("PassThru", Switch, help="Outputs the renamed item."),
    ]
    examples = [Example("Rename-Item ri.txt ri2.txt; (Get-ChildItem ri*).Name", "Renames a file.",
                        setup="Set-Content ri.txt 'x'", expect="ri2.txt")]

    def process_record(self) -> None:
        src = self.context.resolve_path(_path_text(self.Path))
        if not src.exists():
            self.write_error(path_not_found(str(src), "RenameItemCommand"))
            return
        target = src.parent / re.split(r"[\\/]", self.NewName)[-1]
        if not self.should_process(f"Item: {src} Destination: {target}", "Rename Item"):
            return
        if target.exists():
            self.write_error(ErrorRecord("Cannot create a file when that file already exists.", "RenameItemIOError",
                                         ErrorCategory.WriteError, str(src), exception_type="IOException"))
            return
        src.rename(target)
        if self.PassThru:
            self.write_object(item_for(target))
