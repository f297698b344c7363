"""Copies beside the notes file: upgrade backups and set-aside unreadable files. Forgetting must reach
them too: a backup loses the forgotten entries in its own format; a set-aside file is not valid JSON, so
its raw text is rewritten (`rewrite_copy`) or it is deleted whole (`delete_copies`)."""

from __future__ import annotations

import glob
import json
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from assistant.errors import NotesError
from assistant.notes.folder_lock import FolderLock
from assistant.notes.models import SCHEMA_VERSION, NotesFile, migrate, schema_version
from assistant.notes.reasons import reason
from assistant.private_files import sync_folder, write_private

TEMP_PREFIX = ".notes-"
"""Every temp file written beside the notes starts so: the store removes those of writers that died."""


class NoteCopies:
    """The copies of one notes file (`path`), changed under the store's folder lock."""

    def __init__(self, path: Path, lock: FolderLock) -> None:
        self.path = path
        self._lock = lock

    def backups(self) -> list[Path]:
        """Originals kept by upgrades: `notes.json.v1.bak`, `notes.json.v1.bak-2`, ..."""
        return sorted(self.path.parent.glob(f"{glob.escape(self.path.name)}.v*.bak*"))

    def set_aside(self) -> list[Path]:
        """Unreadable notes files moved aside: `notes.json.corrupt-<time>`."""
        return sorted(self.path.parent.glob(f"{glob.escape(self.path.name)}.corrupt-*"))

    def rewrite_copy(self, copy: Path, data: bytes) -> None:
        """Replace a set-aside file's content with `data` (forgetting part of it), in one step, mode 0600."""
        with self._lock.held(create=True):
            try:
                write_private(copy, data, temp_prefix=TEMP_PREFIX)
            except OSError as exc:
                raise NotesError(f"Cannot change {copy}: {reason(exc)}.") from exc

    def read_backup(self, backup: Path) -> NotesFile | None:
        """A backup as this version understands it; None when it cannot be read."""
        try:
            data = json.loads(backup.read_bytes())
            if schema_version(data) > SCHEMA_VERSION:
                return None
            return NotesFile.model_validate(migrate(dict(data)))
        except (OSError, ValueError, TypeError, RecursionError):
            return None

    def forget_in_backup(self, backup: Path, change: Callable[[NotesFile], object]) -> int:
        """Remove from `backup` the entries `change` removes from what it holds, keeping its own format
        (it stays a true copy of the older file, minus those entries). How many were removed."""
        with self._lock.held(create=True):
            before = self.read_backup(backup)
            if before is None:
                return 0
            after = before.model_copy(deep=True)
            change(after)
            gone = {e.id for e in [*before.notes, *before.goals]} - {e.id for e in [*after.notes, *after.goals]}
            if not gone:
                return 0
            data = json.loads(backup.read_bytes())
            for key in ("notes", "goals"):
                if isinstance(data.get(key), list):
                    data[key] = [e for e in data[key] if not (isinstance(e, dict) and e.get("id") in gone)]
            try:
                write_private(backup, json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8"),
                              temp_prefix=TEMP_PREFIX)
            except OSError as exc:
                raise NotesError(f"Cannot change the backup {backup}: {reason(exc)}.") from exc
            return len(gone)

    def delete_copies(self, copies: list[Path]) -> None:
        """Delete backups or set-aside files for good (forgetting everything)."""
        with self._lock.held(create=True):
            for copy in copies:
                try:
                    copy.unlink(missing_ok=True)
                except OSError as exc:
                    raise NotesError(f"Cannot delete {copy}: {reason(exc)}.") from exc
            with suppress(OSError):
                sync_folder(self.path.parent)
