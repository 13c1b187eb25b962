"""Teams explorer cmdlets (VET): Get-VETOrganization, Get-VETTeam, Get-VETChannel, Get-VETPost, Get-VETFile,
Restore-VETItem, Save-VETItem and Export-VETPost (engine: vboshell.restore.teams and vboshell.restore.files)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from vboshell.cmdlets._restore_shared import (
    SessionOrganizationCmdlet,
    engine_step,
    session_organization_parameters,
    write_result,
)
from vboshell.cmdlets.restore_common import (
    MOD_VET,
    NS_VET,
    RESTORE_SETUP,
    aware,
    engine_error,
    engine_of,
    graph_for,
    progress_cb,
    result_of,
)
from vboshell.cmdlets.restore_onedrive import _dt, _who, match
from vboshell.commands.base import Cmdlet, Example, Parameter, Switch
from vboshell.commands.registry import register
from vboshell.runtime.errors import CmdletError, ErrorCategory
from vboshell.runtime.psobject import TypeView, ps_type

VET_SETUP = RESTORE_SETUP + "$session = Start-VBOTeamsItemRestoreSession -LatestState -Organization $org\n" \
    "$team = Get-VETTeam -Session $session | Select-Object -First 1\n" \
    "$channel = Get-VETChannel -Team $team -DisplayName General\n"
FILE_TYPES = ("file", "folder", "package")


@ps_type(f"{NS_VET}.VETOrganization", view=TypeView(table=("Name",), kind="table"))
@dataclass(eq=False)
class VETOrganization:
    Name: str
    _engine: Any = field(default=None, repr=False)

    def __str__(self) -> str:
        return self.Name


@ps_type(f"{NS_VET}.VETTeam", view=TypeView(table=("DisplayName", "GroupEmail", "Privacy"), kind="table"))
@dataclass(eq=False)
class VETTeam:
    Id: uuid.UUID | None
    DisplayName: str
    Description: str
    GroupEmail: str
    Alias: str
    Privacy: str
    IsArchived: bool
    OfficeId: str = ""
    _engine: Any = field(default=None, repr=False)
    _src: Any = field(default=None, repr=False)
    _obj: Any = field(default=None, repr=False)

    def __str__(self) -> str:
        return self.DisplayName


@ps_type(f"{NS_VET}.VETChannel", view=TypeView(table=("DisplayName", "Type", "Team"), kind="table"))
@dataclass(eq=False)
class VETChannel:
    Id: str
    DisplayName: str
    Type: str
    Team: str = ""
    IsDeleted: bool = False
    _team: Any = field(default=None, repr=False)

    def __str__(self) -> str:
        return self.DisplayName


@ps_type(f"{NS_VET}.VETPostBody")
@dataclass
class VETPostBody:
    Size: str
    Body: str
    Type: str

    def __str__(self) -> str:
        return self.Body


@ps_type(f"{NS_VET}.VETPost", view=TypeView(table=("CreatedTime", "Author", "Subject", "Text", "IsDeleted"),
                                            kind="table"))
@dataclass(eq=False)
class VETPost:
    Id: str
    Author: str
    Subject: str
    CreatedTime: datetime | None
    LastModifiedTime: datetime | None
    IsImportant: bool
    IsDeleted: bool
    Attachments: list
    Body: VETPostBody
    ParentPost: Any
    Channel: str
    IsReply: bool
    Text: str = ""
    _entry: Any = field(default=None, repr=False)
    _channel: Any = field(default=None, repr=False)

    def __str__(self) -> str:
        return self.Subject or self.Text


@ps_type(f"{NS_VET}.VETFile", view=TypeView(table=("Name", "Size", "Modified", "ModifiedBy", "IsFolder"), kind="table"))
@dataclass(eq=False)
class VETFile:
    Name: str
    Size: int
    Version: str
    Modified: datetime | None
    ModifiedBy: str
    IsFolder: bool
    Path: str = ""
    Channel: str = ""
    IsDeleted: bool = False
    _entry: Any = field(default=None, repr=False)
    _channel: Any = field(default=None, repr=False)

    def __str__(self) -> str:
        return self.Path or self.Name


def _eng(cmd: Cmdlet, value: Any) -> Any:
    eng = getattr(value, "_engine", None)
    if isinstance(value, VETOrganization) and eng is not None:
        return eng
    return engine_of(cmd, value, "Vet")


def teams_of(cmd: Cmdlet, eng: Any, names: list[str] | None = None) -> list[VETTeam]:
    import json

    out = []
    for src, obj in eng.objects(kind="team", service="Teams"):
        e = eng.entry(src, obj, "Teams", "team")
        meta: dict[str, Any] = {}
        if e is not None:
            meta = dict(e.meta)
            try:
                meta.update(json.loads(e.read() or b"{}"))
            except ValueError:
                pass
        try:
            tid: uuid.UUID | None = uuid.UUID(obj.external_id)
        except ValueError:
            tid = None
        t = VETTeam(Id=tid, DisplayName=str(meta.get("displayName") or obj.name or obj.external_id),
                    Description=str(meta.get("description") or ""), GroupEmail=str(meta.get("mail") or ""),
                    Alias=str(meta.get("mailNickname") or ""), Privacy=str(meta.get("visibility") or "Private").title(),
                    IsArchived=bool(meta.get("isArchived")), OfficeId=obj.external_id, _engine=eng, _src=src, _obj=obj)
        if names and not any(match(n, t.DisplayName) for n in names):
            continue
        out.append(t)
    return out


def channels_of(team: VETTeam, names: list[str] | None = None) -> list[VETChannel]:
    out = []
    for e in team._engine.entries(team._src, team._obj, "Teams", types=("channel",)):
        if e.old:
            continue
        m = e.meta
        c = VETChannel(Id=str(m.get("id") or e.version.item_id), DisplayName=str(m.get("displayName") or ""),
                       Type=str(m.get("membershipType") or "standard").title(), Team=team.DisplayName,
                       IsDeleted=e.deleted, _team=team)
        if names and not any(match(n, c.DisplayName) for n in names):
            continue
        out.append(c)
    return sorted(out, key=lambda c: (c.DisplayName.lower() != "general", c.DisplayName.lower()))


def _text(html_body: str) -> str:
    import html as H
    import re

    return H.unescape(re.sub(r"<[^>]+>", " ", html_body)).strip()[:120]


def make_post(e: Any, channel: VETChannel, parent: Any = None) -> VETPost:
    from vboshell.restore.teams import author_of, body_of, message_json

    m = message_json(e)
    ctype, content = body_of(e)
    return VETPost(Id=e.version.item_id, Author=author_of(m), Subject=str(m.get("subject") or ""),
                   CreatedTime=_dt(m.get("createdDateTime")), LastModifiedTime=_dt(m.get("lastModifiedDateTime")),
                   IsImportant=str(m.get("importance") or "").lower() in ("high", "urgent"), IsDeleted=e.deleted,
                   Attachments=list(m.get("attachments") or []),
                   Body=VETPostBody(str(len(content)), content, ctype.title()), ParentPost=parent,
                   Channel=channel.DisplayName, IsReply=e.type == "reply", Text=_text(content), _entry=e,
                   _channel=channel)


def post_entries(channel: VETChannel) -> list[Any]:
    t = channel._team
    out = []
    for e in t._engine.entries(t._src, t._obj, "Teams", types=("post", "reply")):
        if e.old:
            continue
        cid = str(e.meta.get("channelId") or "")
        if cid == channel.Id or (not cid and (e.version.folder or "") == channel.DisplayName):
            out.append(e)
    return out


def posts_of(channel: VETChannel, *, parent: VETPost | None = None, recurse: bool = False,
             query: str | None = None) -> list[VETPost]:
    from vboshell.restore.query import Query
    from vboshell.restore.teams import parent_post_id

    try:
        q = Query.parse(query)
    except ValueError as exc:
        raise engine_error(exc, query) from None
    entries = post_entries(channel)
    roots = {e.version.item_id: make_post(e, channel) for e in entries if e.type == "post"}
    out: list[VETPost] = []
    for e in entries:
        if e.type == "post":
            p = roots[e.version.item_id]
            if parent is not None:
                continue
        else:
            pid = parent_post_id(e) or ""
            if parent is not None and pid != parent.Id:
                continue
            if parent is None and not recurse:
                continue
            p = make_post(e, channel, roots.get(pid) or parent)
        if q.groups and not q.matches({"subject": p.Subject, "from": p.Author, "body": p.Text, "text": p.Text,
                                       "created": p.CreatedTime, "modified": p.LastModifiedTime,
                                       "isdeleted": p.IsDeleted, "isimportant": p.IsImportant}):
            continue
        out.append(p)
    out.sort(key=lambda p: (p.ParentPost.CreatedTime if p.ParentPost is not None and p.ParentPost.CreatedTime
                            else p.CreatedTime or datetime.min.astimezone(), p.IsReply,
                            p.CreatedTime or datetime.min.astimezone()))
    return out


def file_entries(channel: VETChannel) -> list[Any]:
    t = channel._team
    base = f"Files/{channel.DisplayName}".lower()
    return [e for e in t._engine.entries(t._src, t._obj, "Teams", types=FILE_TYPES)
            if not e.old and ((e.version.folder or "").lower() == base or
                              (e.version.folder or "").lower().startswith(base + "/"))]


def make_file(e: Any, channel: VETChannel) -> VETFile:
    from vboshell.restore.files import item_path

    m = e.meta
    return VETFile(Name=str(m.get("name") or e.version.name), Size=int(e.version.size or 0),
                   Version=str(e.version.from_seq), Modified=_dt(m.get("lastModifiedDateTime")),
                   ModifiedBy=_who(m.get("lastModifiedBy")), IsFolder=e.type in ("folder", "package"),
                   Path=item_path(e), Channel=channel.DisplayName, IsDeleted=e.deleted, _entry=e, _channel=channel)


@register
class GetVETOrganization(SessionOrganizationCmdlet):
    name = "Get-VETOrganization"
    module = MOD_VET
    synopsis = "Returns the organization of a Teams restore session."
    description = "Returns the organization whose Teams backups the session shows (pipe it to Get-VETTeam)."
    output_type = "VETOrganization"
    parameters = session_organization_parameters("Teams")
    examples = [Example("Get-VETOrganization -Session $session", "Shows the session's organization.",
                        setup=VET_SETUP, needs_sandbox=True)]
    engine_kind = "Vet"
    organization_type = VETOrganization


@register
class GetVETTeam(Cmdlet):
    name = "Get-VETTeam"
    module = MOD_VET
    synopsis = "Returns backed-up teams."
    description = "Returns the teams in a Teams restore session (or its organization)."
    output_type = "VETTeam"
    parameters = [
        Parameter("Organization", type=object, mandatory=True, position=0, value_from_pipeline=True,
                  aliases=("Session",), help="The Teams restore session or its organization (Get-VETOrganization)."),
        Parameter("DisplayName", type=str, array=True, position=1, aliases=("Name",),
                  help="Team name; wildcards allowed."),
    ]
    examples = [Example("Get-VETTeam -Session $session", "Lists the backed-up teams.", setup=VET_SETUP,
                        needs_sandbox=True)]

    def process_record(self) -> None:
        for t in teams_of(self, _eng(self, self.Organization), self.DisplayName):
            self.write_object(t)


@register
class GetVETChannel(Cmdlet):
    name = "Get-VETChannel"
    module = MOD_VET
    synopsis = "Returns channels of a backed-up team."
    description = "Returns the channels of a team (General first)."
    output_type = "VETChannel"
    parameters = [
        Parameter("Team", type=VETTeam, mandatory=True, position=0, value_from_pipeline=True, help="The team."),
        Parameter("DisplayName", type=str, array=True, position=1, aliases=("Name",),
                  help="Channel name; wildcards allowed."),
    ]
    examples = [Example("Get-VETChannel -Team $team", "Lists the team's channels.", setup=VET_SETUP,
                        needs_sandbox=True)]

    def process_record(self) -> None:
        for c in channels_of(self.Team, self.DisplayName):
            self.write_object(c)


@register
class GetVETPost(Cmdlet):
    name = "Get-VETPost"
    module = MOD_VET
    synopsis = "Returns backed-up channel posts."
    description = ("Returns the root posts of a channel (-Recurse adds their replies), the replies of a post "
                   "(-ParentPost), or every post of a team. -Query: free text over subject, author and text; "
                   "from:, subject:, created>=… as for Get-VEXItem.")
    output_type = "VETPost"
    default_parameter_set = "Channel"
    parameters = [
        Parameter("Channel", type=VETChannel, mandatory=True, value_from_pipeline=True, parameter_sets=("Channel",),
                  help="The channel (Get-VETChannel)."),
        Parameter("ParentPost", type=VETPost, mandatory=True, value_from_pipeline=True, parameter_sets=("Parent",),
                  help="Replies of this post."),
        Parameter("Team", type=VETTeam, mandatory=True, value_from_pipeline=True, parameter_sets=("Team",),
                  help="Every post (and reply) of a team."),
        Parameter("Query", type=str, help="Search query."),
        Parameter("Recurse", type=Switch, parameter_sets=("Channel", "Parent"), help="Include replies."),
    ]
    examples = [
        Example("Get-VETPost -Channel $channel -Recurse", "Lists the channel's posts with their replies.",
                setup=VET_SETUP, needs_sandbox=True),
        Example("Get-VETPost -Team $team -Query 'created>=2020-01-01'", "Finds the team's posts since 2020.",
                setup=VET_SETUP, needs_sandbox=True),
    ]

    def process_record(self) -> None:
        ps = self.parameter_set_name
        if ps == "Channel":
            posts = posts_of(self.Channel, recurse=bool(self.Recurse), query=self.Query)
        elif ps == "Parent":
            posts = posts_of(self.ParentPost._channel, parent=self.ParentPost, query=self.Query)
        else:
            posts = [p for c in channels_of(self.Team) for p in posts_of(c, recurse=True, query=self.Query)]
        for p in posts:
            self.write_object(p)


@register
class GetVETFile(Cmdlet):
    name = "Get-VETFile"
    module = MOD_VET
    synopsis = "Returns backed-up channel files."
    description = "Returns the files and folders of a channel's Files tab (-Recurse for every level), or of a team."
    output_type = "VETFile"
    default_parameter_set = "Channel"
    parameters = [
        Parameter("Channel", type=VETChannel, mandatory=True, value_from_pipeline=True, parameter_sets=("Channel",),
                  help="The channel."),
        Parameter("ParentFile", type=VETFile, parameter_sets=("Channel",), help="A folder of the channel."),
        Parameter("Team", type=VETTeam, mandatory=True, value_from_pipeline=True, parameter_sets=("Team",),
                  help="Every channel file of a team."),
        Parameter("Query", type=str, help="Search query (name:, modified>=, free text)."),
        Parameter("Recurse", type=Switch, parameter_sets=("Channel",), help="Include every level below."),
    ]
    examples = [Example("Get-VETFile -Channel $channel -Recurse", "Lists the channel's files.", setup=VET_SETUP,
                        needs_sandbox=True)]

    def process_record(self) -> None:
        from vboshell.restore.files import item_path
        from vboshell.restore.query import Query

        q = Query.parse(self.Query)
        if self.parameter_set_name == "Team":
            chans, recurse = channels_of(self.Team), True
        else:
            chans, recurse = [self.Channel], bool(self.Recurse)
        for c in chans:
            base = (self.ParentFile.Path if self.ParentFile is not None else f"Files/{c.DisplayName}").lower()
            for e in file_entries(c):
                f = (e.version.folder or "").lower()
                if not (f == base or (recurse and f.startswith(base + "/"))):
                    continue
                v = make_file(e, c)
                if q.groups and not q.matches({"name": v.Name, "path": item_path(e), "modified": v.Modified,
                                               "modifiedby": v.ModifiedBy, "from": v.ModifiedBy}):
                    continue
                self.write_object(v)


def _channel_id(g: Any, team_id: str, name: str, cache: dict[tuple[str, str], str]) -> str:
    key = (team_id, name.lower())
    if key not in cache:
        for c in g.paged(f"/teams/{team_id}/channels"):
            cache[(team_id, str(c.get("displayName", "")).lower())] = str(c["id"])
    if key not in cache:
        raise LookupError(f"The channel '{name}' does not exist in the team any more; create it first.")
    return cache[key]


@register
class RestoreVETItem(Cmdlet):
    name = "Restore-VETItem"
    supports_should_process = True
    module = MOD_VET
    synopsis = "Restores Teams posts, channel files, channels or whole teams."
    description = (
        "Restores through Microsoft Graph into the original team: a channel's posts (-AllPosts, or -PostsFrom/"
        "-PostsTo), chosen posts (-Post), files (-File), a channel (posts and files) or a whole team. Replies go "
        "under their root post. Existing unchanged posts and files are skipped; missing (-RestoreMissingItem) and "
        "changed (-RestoreChangedItem) ones are restored, both by default. API-only: Teams lets an application post "
        "only into a channel being imported, so posts are imported, with their original authors and times, into a "
        "new channel '<name> (restored <time>)' (needs Teamwork.Migrate.All); files go back to the channel's "
        "folder. OneNote notebooks among the files are skipped (ApiOnlyModeNotSupported in the log); the rest "
        "continues.")
    output_type = "VBORestoreResult"
    default_parameter_set = "Channel"
    parameters = [
        Parameter("Channel", type=VETChannel, mandatory=True, position=0, value_from_pipeline=True,
                  parameter_sets=("Channel", "PostsRange", "AllPosts"), help="The channel."),
        Parameter("AllPosts", type=Switch, mandatory=True, parameter_sets=("AllPosts",),
                  help="Restore every post of the channel."),
        Parameter("PostsFrom", type=datetime, mandatory=True, parameter_sets=("PostsRange",),
                  help="Restore the posts created from this time."),
        Parameter("PostsTo", type=datetime, parameter_sets=("PostsRange",), help="… up to this time."),
        Parameter("Post", type=VETPost, array=True, mandatory=True, position=0, value_from_pipeline=True,
                  parameter_sets=("Post",), help="Chosen posts (Get-VETPost; replies included; vboshell extension)."),
        Parameter("File", type=VETFile, array=True, mandatory=True, position=0, value_from_pipeline=True,
                  parameter_sets=("File",), help="Channel files (Get-VETFile)."),
        Parameter("Team", type=VETTeam, mandatory=True, position=0, value_from_pipeline=True,
                  parameter_sets=("Team",), help="A whole team (every channel's posts and files)."),
        Parameter("RestoreChangedItem", type=Switch, aliases=("RestoreChangedItems",),
                  help="Restore posts and files changed since the backup."),
        Parameter("RestoreMissingItem", type=Switch, aliases=("RestoreMissingItems",),
                  help="Restore posts and files missing from the team."),
        Parameter("RestoreOnlyLatestVersion", type=Switch, parameter_sets=("File",),
                  help="Accepted: the version of the restore point is restored."),
        Parameter("RestoreMembers", type=Switch, help="Accepted; team membership is not restored (warning)."),
        Parameter("RestoreSettings", type=Switch, parameter_sets=("Team",),
                  help="Accepted; team settings are not restored (warning)."),
        Parameter("ApplicationId", type=str, dont_show=True, help="Not needed."),
        Parameter("ApplicationCertificatePath", type=str, dont_show=True, help="Not needed."),
        Parameter("ApplicationCertificatePassword", type=object, dont_show=True, help="Not needed."),
        Parameter("ImpersonationAccountName", type=str, dont_show=True, help="Not used."),
        Parameter("Credential", type=object, dont_show=True, help="Not used in API-only mode."),
    ]
    examples = [
        Example("Restore-VETItem -Channel $channel -AllPosts", "Restores the channel's missing and changed posts.",
                setup=VET_SETUP, needs_sandbox=True),
        Example("Get-VETFile -Channel $channel -Recurse | Restore-VETItem -RestoreMissingItem",
                "Puts back the channel files that were deleted.", setup=VET_SETUP, needs_sandbox=True),
    ]

    def begin_processing(self) -> None:
        self._posts: list[tuple[Any, VETChannel]] = []
        self._files: list[tuple[Any, VETChannel]] = []
        self._engine: Any = None
        for flag, what in (("RestoreMembers", "team membership"), ("RestoreSettings", "team settings")):
            if self.is_bound(flag) and getattr(self, flag):
                self.write_warning(f"{what.capitalize()} is not restored by vboshell.")

    def _use(self, eng: Any) -> None:
        if self._engine is not None and eng is not self._engine:
            raise CmdletError("All items of one call must come from one restore session.", "MixedSessions",
                              ErrorCategory.InvalidArgument)
        self._engine = eng

    def _channel_posts(self, c: VETChannel, lo: datetime | None = None, hi: datetime | None = None) -> None:
        from vboshell.restore.exchange import _dt as conv

        self._use(c._team._engine)
        for e in post_entries(c):
            when = conv(e.meta.get("createdDateTime"))
            if lo is not None and (when is None or when < lo):
                continue
            if hi is not None and (when is None or when > hi):
                continue
            self._posts.append((e, c))

    def process_record(self) -> None:
        ps = self.parameter_set_name
        if ps in ("Channel", "AllPosts"):
            self._channel_posts(self.Channel)
            if ps == "Channel":
                self._files += [(e, self.Channel) for e in file_entries(self.Channel)]
        elif ps == "PostsRange":
            self._channel_posts(self.Channel, aware(self.PostsFrom), aware(self.PostsTo))
        elif ps == "Post":
            for p in self.Post or []:
                self._use(p._channel._team._engine)
                self._posts.append((p._entry, p._channel))
                if not p.IsReply:
                    self._posts += [(r._entry, p._channel) for r in posts_of(p._channel, parent=p)]
        elif ps == "File":
            from vboshell.restore.files import item_path

            for f in self.File or []:
                self._use(f._channel._team._engine)
                self._files.append((f._entry, f._channel))
                if f.IsFolder:
                    base = item_path(f._entry).lower()
                    self._files += [(e, f._channel) for e in file_entries(f._channel)
                                    if (e.version.folder or "").lower() == base or
                                    (e.version.folder or "").lower().startswith(base + "/")]
        else:
            for c in channels_of(self.Team):
                self._channel_posts(c)
                self._files += [(e, c) for e in file_entries(c)]

    def end_processing(self) -> None:
        from vboshell.restore import files as F
        from vboshell.restore import teams as T

        if self._engine is None:
            if self._files:
                self._engine = self._files[0][1]._team._engine
            else:
                return
        eng = self._engine
        g = graph_for(self, eng.organization_id)
        changed, missing = bool(self.RestoreChangedItem), bool(self.RestoreMissingItem)
        if not changed and not missing:
            changed = missing = True
        seen: set[str] = set()
        posts = [e for e, _ in self._posts if not (e.version.item_id in seen or seen.add(e.version.item_id))]
        what = f"{len(posts)} post(s), {len(self._files)} file(s)"
        if not self.should_process(what, "Restore-VETItem"):
            return
        activity = "Restoring Teams items"
        cache: dict[tuple[str, str], str] = {}
        folders: dict[tuple[str, str], F.DriveTarget] = {}

        def channel_for(e: Any) -> str:
            name = str(e.meta.get("channelName") or e.version.folder or "")
            return _channel_id(g, e.obj.external_id, name, cache) if not e.meta.get("channelId") else \
                str(e.meta["channelId"])

        def channel_name(e: Any) -> str:
            return str(e.meta.get("channelName") or e.version.folder or "Channel")

        def file_target(e: Any) -> F.DriveTarget:
            parts = [p for p in (e.version.folder or "").split("/") if p]
            chan = parts[1] if len(parts) > 1 else "General"
            key = (e.obj.external_id, chan.lower())
            if key not in folders:
                cid = _channel_id(g, e.obj.external_id, chan, cache)
                ff = g.get_json(f"/teams/{e.obj.external_id}/channels/{cid}/filesFolder")
                did = str((ff.get("parentReference") or {}).get("driveId") or "")
                folders[key] = F.DriveTarget(did, str(ff.get("name") or chan), 2)
            return folders[key]

        with engine_step(self, activity):
            with eng.operation("Restore-VETItem", what) as op:
                if posts:
                    T.restore_posts(g, posts, op, team_id=lambda e: e.obj.external_id, channel_id=channel_for,
                                    channel_name=channel_name,
                                    restore_changed=changed, restore_missing=missing,
                                    progress=progress_cb(self, activity))
                if self._files:
                    files = [e for e, _ in self._files]
                    ctx = files + [x for e in {id(f.source): f for f in files}.values()
                                   for x in eng.entries(e.source, e.obj, "Teams", types=("package",))]
                    F.restore_documents(g, files, file_target, op, overwrite=False, restore_changed=changed,
                                        restore_deleted=missing, progress=progress_cb(self, activity),
                                        stopping=lambda: self.stopping, all_entries=ctx)
        write_result(self, "Restore-VETItem", op, eng)


def _target(cmd: Cmdlet, value: Any) -> Path:
    return Path(cmd.context.resolve_path(str(value))) if hasattr(cmd.context, "resolve_path") else Path(str(value))


def _export(cmd: Cmdlet, eng: Any, title: str, entries: list[Any], path: Path, name: str) -> None:
    from vboshell.restore.paths import safe_name
    from vboshell.restore.teams import export_html

    target = path if path.suffix.lower() in (".html", ".htm") else path / (safe_name(title, "channel") + ".html")
    if target.exists() and not cmd.Force:
        raise CmdletError(f"'{target}' exists; pass -Force to replace it.", "FileExists", ErrorCategory.ResourceExists,
                          target=str(target))
    try:
        with eng.operation(name, str(target)) as op:
            export_html(title, entries, target, op=op)
    except Exception as exc:  # noqa: BLE001
        raise engine_error(exc) from None
    cmd.write_object(result_of(name, op, eng, str(target)))


@register
class ExportVETPost(Cmdlet):
    name = "Export-VETPost"
    module = MOD_VET
    synopsis = "Exports channel posts to a self-contained HTML file."
    description = ("Writes a channel's conversation (root posts in time order, each with its replies) to one HTML "
                   "file with inline styles and no external references; message bodies are sanitised (no scripts). "
                   "-Path is an .html file or a folder (the file is named after the channel).")
    output_type = "VBORestoreResult"
    default_parameter_set = "Post"
    parameters = [
        Parameter("Post", type=VETPost, array=True, mandatory=True, position=0, value_from_pipeline=True,
                  parameter_sets=("Post",), help="Posts (Get-VETPost); replies of root posts are included."),
        Parameter("Channel", type=VETChannel, mandatory=True, position=0, value_from_pipeline=True,
                  parameter_sets=("Channel",), help="The channel."),
        Parameter("Path", type=str, mandatory=True, position=1, is_path=True, help="An .html file or a folder."),
        Parameter("From", type=datetime, position=2, parameter_sets=("Channel",),
                  help="Only posts created from this time (all when omitted)."),
        Parameter("To", type=datetime, position=3, parameter_sets=("Channel",), help="… up to this time."),
        Parameter("Force", type=Switch, help="Replace an existing file."),
    ]
    examples = [Example("Export-VETPost -Channel $channel -Path (Join-Path $HOME 'general.html') -Force",
                        "Exports the General channel's conversation to an HTML file.", setup=VET_SETUP,
                        needs_sandbox=True)]

    def begin_processing(self) -> None:
        self._posts: list[VETPost] = []

    def process_record(self) -> None:
        if self.parameter_set_name == "Channel":
            c = self.Channel
            lo, hi = aware(self.From), aware(self.To)
            posts = posts_of(c, recurse=True)
            roots = [p for p in posts if not p.IsReply and (lo is None or (p.CreatedTime and p.CreatedTime >= lo))
                     and (hi is None or (p.CreatedTime and p.CreatedTime <= hi))]
            ids = {p.Id for p in roots}
            sel = roots + [p for p in posts if p.IsReply and p.ParentPost is not None and p.ParentPost.Id in ids]
            _export(self, c._team._engine, f"{c.Team} - {c.DisplayName}", [p._entry for p in sel],
                    _target(self, self.Path), "Export-VETPost")
            return
        self._posts.extend(self.Post or [])

    def end_processing(self) -> None:
        if not self._posts:
            return
        c = self._posts[0]._channel
        entries = []
        seen: set[str] = set()
        for p in self._posts:
            for x in [p] + ([] if p.IsReply else posts_of(p._channel, parent=p)):
                if x.Id not in seen:
                    seen.add(x.Id)
                    entries.append(x._entry)
        _export(self, c._team._engine, f"{c.Team} - {c.DisplayName}", entries, _target(self, self.Path),
                "Export-VETPost")


@register
class SaveVETItem(Cmdlet):
    name = "Save-VETItem"
    module = MOD_VET
    synopsis = "Saves Teams posts (HTML) or channel files to local files."
    description = ("Saves posts as a self-contained HTML file (like Export-VETPost), or channel files below -Path "
                   "(or into a zip archive with -AsZip), streamed and with sanitised names.")
    output_type = "VBORestoreResult"
    default_parameter_set = "File"
    parameters = [
        Parameter("Post", type=VETPost, array=True, mandatory=True, position=0, value_from_pipeline=True,
                  parameter_sets=("Post",), help="Posts (Get-VETPost)."),
        Parameter("File", type=VETFile, array=True, mandatory=True, position=0, value_from_pipeline=True,
                  parameter_sets=("File",), help="Channel files (Get-VETFile)."),
        Parameter("Path", type=str, mandatory=True, position=1, is_path=True, help="Target folder, .html or .zip."),
        Parameter("AsZip", type=Switch, parameter_sets=("File",), help="Write one zip archive."),
        Parameter("Force", type=Switch, help="Replace an existing HTML file."),
    ]
    examples = [Example("Get-VETFile -Channel $channel -Recurse | Save-VETItem -Path (Join-Path $HOME 'team-files')",
                        "Saves the channel's files to a local folder.", setup=VET_SETUP, needs_sandbox=True)]

    def begin_processing(self) -> None:
        self._posts: list[VETPost] = []
        self._files: list[VETFile] = []

    def process_record(self) -> None:
        if self.parameter_set_name == "Post":
            self._posts.extend(self.Post or [])
        else:
            self._files.extend(self.File or [])

    def end_processing(self) -> None:
        from vboshell.restore import files as F
        from vboshell.restore.files import item_path

        if self._posts:
            c = self._posts[0]._channel
            _export(self, c._team._engine, f"{c.Team} - {c.DisplayName}", [p._entry for p in self._posts],
                    _target(self, self.Path), "Save-VETItem")
            return
        if not self._files:
            return
        eng = self._files[0]._channel._team._engine
        entries = []
        for f in self._files:
            entries.append(f._entry)
            if f.IsFolder:
                base = item_path(f._entry).lower()
                entries += [e for e in file_entries(f._channel) if (e.version.folder or "").lower() == base or
                            (e.version.folder or "").lower().startswith(base + "/")]
        root = _target(self, self.Path)
        activity = "Saving channel files"
        with engine_step(self, activity):
            with eng.operation("Save-VETItem", str(root)) as op:
                out = F.save_documents(entries, root, as_zip=bool(self.AsZip), strip=1, op=op,
                                       progress=progress_cb(self, activity))
        write_result(self, "Save-VETItem", op, eng, str(out))
