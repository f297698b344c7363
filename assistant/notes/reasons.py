"""Why a file could not be read or written, in plain words for the couple; never any note text."""

from __future__ import annotations

import errno


def reason(exc: OSError) -> str:
    """The failure in plain words, for the couple; never any note text."""
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno == errno.EROFS:
        return "the disk is read-only"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return exc.strerror or str(exc)

