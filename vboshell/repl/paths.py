"""Where the interactive shell keeps its per-user files: the history file and $PROFILE.
VBOSHELL_HOME (when set) holds both, so tests and portable installs stay self-contained; otherwise platformdirs decides."""

from __future__ import annotations

import os
from pathlib import Path

HISTORY_FILE_NAME = "history.txt"
PROFILE_FILE_NAME = "profile.ps1"


def data_dir() -> Path:
    """The user data directory (VBOSHELL_HOME or platformdirs' user data dir), created if missing."""
    from vboshell.store.secrets import vboshell_home

    return vboshell_home()


def history_path() -> Path:
    """The shared history file; every shell of this user appends to it."""
    return data_dir() / HISTORY_FILE_NAME


def profile_path() -> Path:
    """$PROFILE: `profile.ps1` in VBOSHELL_HOME when set, else in platformdirs' user config dir (not created)."""
    env = os.environ.get("VBOSHELL_HOME")
    if env:
        return Path(env).expanduser() / PROFILE_FILE_NAME
    import platformdirs

    return Path(platformdirs.user_config_dir("vboshell")) / PROFILE_FILE_NAME
