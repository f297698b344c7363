"""One way to write a file of ours: readable by the owner only (0600) from its first byte, and whole or not
at all (written beside it, flushed to disk, then renamed over the old one). Used by the config, exports,
the model check's stamp and the caches; the notes store has its own, with locking and recovery files."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_private(path: Path, data: bytes | str) -> None:
    """Replace `path` with `data` atomically, mode 0600; OSError when the disk refuses (nothing is left
    behind, and the old file is untouched)."""
    directory = path.parent if str(path.parent) else Path(".")
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=directory)  # 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    path.chmod(0o600)  # an old file replaced keeps no wider rights
