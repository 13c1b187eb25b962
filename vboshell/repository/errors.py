"""Exceptions raised by the backup repository.
Callers (cmdlets, the job runner) turn them into ErrorRecords; messages are written for users."""

from __future__ import annotations


class RepositoryError(Exception):
    """Base class of repository errors."""


class RepositoryNotFoundError(RepositoryError):
    """The path holds no vboshell repository."""


class RepositoryKeyError(RepositoryError):
    """The repository is encrypted and no key, or the wrong key, was supplied."""


class RepositoryLockedError(RepositoryError):
    """Another live writer holds the repository lock."""


class RepositoryCorruptError(RepositoryError):
    """Stored data failed an integrity check while being read."""


class RepositoryStateError(RepositoryError):
    """An API call was made in the wrong state (e.g. put_item outside a restore point)."""


class RepositoryFullError(RepositoryError, OSError):
    """The repository's volume has no space left; the message names the path and the space (errno ENOSPC, so
    callers that catch OSError still see it)."""

    def __init__(self, message: str) -> None:
        import errno

        super().__init__(message)
        self.errno = errno.ENOSPC
