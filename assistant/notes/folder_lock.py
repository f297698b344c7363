"""The inter-process lock on the notes folder: every read-modify-write of the notes holds it.

fcntl.flock on the directory itself rather than a lock file (or the filelock library): nothing extra is
left in the folder, it works on a read-only disk, and the kernel drops it when a process dies, even by
SIGKILL, so a crash can never leave a stale lock. POSIX only.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import NotesError
from assistant.notes.reasons import reason
from assistant.paths import ensure_private_dir

LOCK_TIMEOUT_S = 10.0
"""A save takes milliseconds; a lock held this long belongs to a stuck process, and we say so."""


class FolderLock:
    """An exclusive lock on `directory`, re-entrant within this process's store. `on_acquired` runs each
    time it is taken from no one (the store clears temp files of writers that died mid-save)."""

    def __init__(self, directory: Path, on_acquired: Callable[[], None] = lambda: None) -> None:
        self.directory = directory
        self._on_acquired = on_acquired
        self._thread_lock = threading.RLock()
        self._fd: int | None = None
        self._depth = 0

    @property
    def holding(self) -> bool:
        """True inside `held()` when the folder exists (reading a store that has none creates nothing)."""
        return self._fd is not None

    @contextmanager
    def held(self, *, create: bool = False) -> Iterator[None]:
        """Hold the lock (`create`: make the folder first, as a write needs it)."""
        with self._thread_lock:
            if self._depth == 0:
                self._fd = self._acquire(create)
                if self._fd is not None:
                    self._on_acquired()
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0 and self._fd is not None:
                    os.close(self._fd)  # releases the lock
                    self._fd = None

    def _acquire(self, create: bool) -> int | None:
        directory = self.directory
        try:
            if create:
                ensure_private_dir(directory)
            fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        except FileNotFoundError:
            if create:
                raise NotesError(f"Cannot create the notes folder {directory}.") from None
            return None  # nothing stored yet, nothing to guard; reading creates nothing
        except OSError as exc:
            raise NotesError(f"Cannot use the notes folder {directory}: {reason(exc)}.") from exc
        deadline = time.monotonic() + LOCK_TIMEOUT_S
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise NotesError(f"Another Togetherly has been holding the notes in {directory} for over "
                                     f"{LOCK_TIMEOUT_S:.0f} seconds; is one stuck?") from None
                time.sleep(0.005)
