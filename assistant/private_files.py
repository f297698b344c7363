"""One way to write a file of ours: readable by the owner only (0600) from its first byte, and whole or not
at all (written beside it, flushed to disk, renamed over the old one, and the folder synced so the rename
survives a power cut). The notes store, the config, exports, the model check's stamp and the caches all
write through here; the store adds locking and recovery files around it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_private(path: Path, data: bytes | str, *, temp_prefix: str | None = None) -> None:
    """Replace `path` with `data` atomically and durably, mode 0600; OSError when the disk refuses (nothing
    is left behind, and the old file is untouched). `temp_prefix`: how the file written beside it is named
    (the store finds its own leftovers by it)."""
    directory = path.parent if str(path.parent) else Path(".")
    fd, temporary = tempfile.mkstemp(prefix=temp_prefix or f".{path.name}-", suffix=".tmp", dir=directory)  # 0600
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
    sync_folder(directory)


def append_private(path: Path, line: bytes) -> None:
    """Append one whole line, fsynced, mode 0600, on a line of its own (a crash may have cut the last line
    short); on failure the file is cut back so no partial line stays."""
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)
        start = os.fstat(fd).st_size
        try:
            view = memoryview(line if start == 0 else b"\n" + line)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        except OSError:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, start)
                if created:
                    path.unlink()
            raise
    finally:
        os.close(fd)
    if created:
        sync_folder(path.parent)


def sync_folder(directory: Path) -> None:
    """Make the names in `directory` (a rename, a new or deleted file) durable."""
    dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
