"""Demo-organization specs for the sandbox tenant: the built-in default, named bigger specs, YAML loading.
A spec says how many of each object to generate; the seed makes the content; both together make the tenant."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

DEFAULT_SPEC_YAML = """\
# vboshell sandbox spec (all keys optional; missing keys take these defaults)
seed: 42
tenant:
  name: contoso                 # contoso.onmicrosoft.com, contoso.sharepoint.com
  displayName: Contoso Ltd
users:
  count: 8                      # regular licensed users (Alice, Bob, Carol, ...)
  archive: 2                    # the first N users also get an archive mailbox
  noDrive: 0                    # the last N users have no OneDrive provisioned (404)
mail:
  messagesPerMailbox: 24        # spread over a folder tree (Inbox/Projects/..., Sent Items, ...)
  archiveMessages: 6
  attachmentRate: 0.3           # share of messages with 1-2 small attachments
  largeMessages: 2              # messages over 4 MB in the tenant (keep few)
  largeMessageBytes: 4400000
contacts:
  perMailbox: 4
events:
  perMailbox: 4
shared: 1                       # shared mailboxes (userPurpose shared)
rooms: 1
equipment: 1
publicFolderMailboxes: 1        # present in truth, never in Graph's user listing
discoveryMailboxes: 1           # idem
groups:
  unified: 3                    # Microsoft 365 groups; the first `teams` of them are Teams
  teams: 2
  security: 1
  distribution: 1
  dynamicDistribution: 1        # present in truth, not returned by Graph
onedrive:
  folders: 3
  files: 10
  maxFileBytes: 200000
  largeFiles: 1                 # files over 4 MB in the tenant (upload-session sized)
  largeFileBytes: 5000000
  oneNote: true                 # a OneNote notebook (package facet) in the first user's OneDrive
sharepoint:
  sites: 2                      # communication sites besides the root and the team sites
  libraryFiles: 8
  libraryFolders: 2
  lists: 1                      # custom lists per site (plus hidden system lists)
  listItems: 6
teams:
  channels: 2                   # besides General
  posts: 3                      # root posts per channel
  replies: 2                    # replies per post
chats:
  oneOnOne: 3                   # 1:1 chats between neighbouring users
  group: 1                      # group chats of three or more users
  messages: 6                   # messages per chat
"""

NAMED_SPECS: dict[str, dict[str, Any]] = {
    "default": {},
    "tiny": {"users": {"count": 3, "archive": 1}, "mail": {"messagesPerMailbox": 6, "archiveMessages": 2, "largeMessages": 0},
             "contacts": {"perMailbox": 2}, "events": {"perMailbox": 2}, "onedrive": {"files": 4, "largeFiles": 0},
             "sharepoint": {"sites": 1, "libraryFiles": 3, "listItems": 3}, "teams": {"posts": 2, "replies": 1},
             "groups": {"unified": 2, "teams": 1}},
    "medium": {"users": {"count": 50, "archive": 10}, "mail": {"messagesPerMailbox": 200, "largeMessages": 4},
               "onedrive": {"files": 100, "folders": 10, "largeFiles": 3}, "groups": {"unified": 10, "teams": 5},
               "sharepoint": {"sites": 5, "libraryFiles": 50, "listItems": 50}, "teams": {"posts": 20}},
    # the 1,000 users x 1,000 items benchmark tenant (content is lazy: descriptors only)
    "large": {"users": {"count": 1000, "archive": 100}, "mail": {"messagesPerMailbox": 1000, "archiveMessages": 100,
                                                              "largeMessages": 10},
              "contacts": {"perMailbox": 50}, "events": {"perMailbox": 50},
              "onedrive": {"files": 1000, "folders": 20, "largeFiles": 20},
              "groups": {"unified": 100, "teams": 50, "security": 20, "distribution": 10},
              "sharepoint": {"sites": 50, "libraryFiles": 1000, "libraryFolders": 10, "listItems": 500},
              "teams": {"posts": 50, "replies": 3}, "chats": {"oneOnOne": 500, "group": 100, "messages": 50}},
}


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in (over or {}).items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def default_spec() -> dict[str, Any]:
    return yaml.safe_load(DEFAULT_SPEC_YAML)


def load_spec(spec: str | Path | dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    """A full spec: a named spec ('default', 'tiny', 'medium', 'large'), a YAML file path, YAML text or a dict,
    merged over the defaults; keyword overrides (e.g. seed=7) win."""
    base = default_spec()
    if spec is None:
        over: dict[str, Any] = {}
    elif isinstance(spec, dict):
        over = spec
    elif isinstance(spec, str) and spec in NAMED_SPECS:
        over = NAMED_SPECS[spec]
    else:
        p = Path(spec)
        text = p.read_text() if (isinstance(spec, Path) or ("\n" not in str(spec) and p.exists())) else str(spec)
        loaded = yaml.safe_load(text)
        if isinstance(loaded, str) and loaded in NAMED_SPECS:
            loaded = NAMED_SPECS[loaded]
        if not isinstance(loaded, dict):
            raise ValueError(f"sandbox spec must be a mapping or a named spec ({', '.join(NAMED_SPECS)})")
        over = loaded
    merged = _merge(base, over)
    return _merge(merged, {k: v for k, v in overrides.items() if v is not None})
