"""The notes file: one JSON document, written atomically, readable by the owner only.

What the store promises (each one tested in tests/notes/test_store.py and tests/notes/test_store_durability.py):

- A save that returned is on disk: temp file, fsync, rename, fsync the directory. A writer killed at
  any moment leaves the old file or the new one, never half of one; its temp file is removed the next
  time any Togetherly takes the lock.
- Processes sharing a data directory never lose each other's writes: every read-modify-write holds an
  exclusive lock on the directory.
- A file that cannot be parsed, or parses to the wrong shape, is never overwritten: it is moved aside
  with a timestamp and reported, and a fresh store is started beside it.
- An older file is upgraded, the original kept as `notes.json.v<N>.bak`. A file from a newer version
  is never written (saving refuses with a clear message); `load(allow_newer=True)` shows what this
  version understands of it.
- A change that cannot be saved (disk full, read-only disk, permission denied) is kept: a note, a goal,
  a hug, anything made through `apply` (changes are records, assistant/notes/changes.py). It is kept in memory
  and in a recovery file (`notes.recovery.jsonl` beside the notes, else in the fallback recovery folder),
  and applied by the next save or start that succeeds, exactly once (the notes file lists the ids of
  kept changes once saved).
- Forgetting reaches the copies: entries are removed from upgrade backups as well
  (`NoteCopies.forget_in_backup`); a set-aside file is not valid JSON, so forgetting searches its raw text and
  rewrites it without what is forgotten (`rewrite_copy`) or deletes it whole (`delete_copies`).

POSIX only (Linux, macOS): the lock is flock(2) and the directory is fsynced.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.errors import NotesError
from assistant.notes.changes import AddNote, Change
from assistant.notes.copies import TEMP_PREFIX, NoteCopies
from assistant.notes.folder_lock import FolderLock
from assistant.notes.models import (
    SCHEMA_VERSION,
    Note,
    NotesFile,
    WrongShape,
    migrate,
    schema_version,
)
from assistant.notes.newer_file import understood_of_newer
from assistant.notes.reasons import reason
from assistant.notes.recovery import KeptChanges
from assistant.private_files import write_private

log = logging.getLogger(__name__)

NOTES_FILE_NAME = "notes.json"
TEMP_SUFFIX = ".tmp"



class NotesStore:
    def __init__(self, path: Path, report: Callable[[str], None] | None = None, *,
                 recovery_dir: Path | None = None) -> None:
        self.path = path
        self._report = report or (lambda message: log.warning("%s", message))
        self._kept = KeptChanges(path, recovery_dir)
        self._lock = FolderLock(path.parent, self._remove_stale_temp_files)
        self.copies = NoteCopies(path, self._lock)
        """Backups and set-aside files beside the notes: forgetting must reach them too."""
        self.moved_aside: list[Path] = []
        """Unreadable notes files this store set aside, in order; the conversation tells the couple."""

    @classmethod
    def in_dir(cls, directory: Path, report: Callable[[str], None] | None = None, *,
               recovery_dir: Path | None = None) -> NotesStore:
        return cls(directory / NOTES_FILE_NAME, report, recovery_dir=recovery_dir)

    # -- reading --------------------------------------------------------------------------------
    def load(self, *, allow_newer: bool = False, read_only: bool = False) -> NotesFile:
        """The stored notes; an unreadable file is moved aside (reported, and listed in `moved_aside`)
        and an empty store returned; with `read_only` (a listing) it is left where it is and NotesError
        says so.

        Changes kept from a failed save are written in now if possible (and included either way).
        A file from a newer Togetherly raises NotesError, unless `allow_newer`: then what this version
        understands of it is returned, for showing only (saving it is refused).
        """
        with self._lock.held():
            try:
                notes = self._read(read_only=read_only)
            except _NewerFile as newer:
                if not allow_newer:
                    raise NotesError(newer.message) from None
                return self._lenient(newer.data)
            added = self._kept.fold_into(notes)
            if not self._lock.holding:
                return notes
            if added:
                try:
                    self._write(notes)
                except NotesError as exc:  # still kept where it was; shown all the same
                    log.warning("kept changes not saved yet: %s", exc)
                else:
                    self._recovered_are_saved(added)
            elif self._kept.waiting():
                self._recovered_are_saved([])  # every one is saved already (before a crash, or by another process)
            return notes

    def _read(self, *, read_only: bool = False) -> NotesFile:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return NotesFile()
        except OSError as exc:
            raise NotesError(f"cannot read the notes file {self.path}: {exc.strerror or exc}") from exc
        try:
            data = json.loads(raw)
            version = schema_version(data)
            if version > SCHEMA_VERSION:
                raise _NewerFile(data, (
                    f"The notes file {self.path} was written by a newer Togetherly (schema {version}, this one "
                    f"knows {SCHEMA_VERSION}). Update Togetherly; the file was left untouched."))
            if version < SCHEMA_VERSION:
                return self._migrate(data, version)
            return NotesFile.model_validate(data)
        except (ValueError, TypeError, RecursionError) as exc:  # ValidationError is a ValueError
            # Only the error's kind, never the content: notes are private.
            reason = (f"first problem: {exc.errors()[0]['type']}" if isinstance(exc, ValidationError)
                      else str(exc) if isinstance(exc, WrongShape) else "not JSON")
            if read_only:
                raise NotesError(f"The notes file {self.path} could not be read ({reason}). It was left as it is "
                                 "and nothing in it was deleted; the assistant sets it aside the next time it "
                                 "saves a note.") from None
            moved = self._move_aside()
            self.moved_aside.append(moved)
            self._report(
                f"The notes file {self.path} could not be read ({reason}). It was moved to {moved.name} and "
                "nothing in it was deleted; new notes go to a fresh file."
            )
            return NotesFile()

    def _migrate(self, data: dict[str, object], version: int) -> NotesFile:
        notes = NotesFile.model_validate(migrate(dict(data)))
        backup = self._keep_backup(version)
        self._write(notes)
        self._report(f"The notes file was upgraded from version {version}; the original is kept as {backup.name}.")
        return notes

    def _keep_backup(self, version: int) -> Path:
        """Copy the file as it is before upgrading it; an earlier backup with other content is kept too."""
        original = self.path.read_bytes()
        backup = self.path.with_name(f"{self.path.name}.v{version}.bak")
        counter = 1
        while backup.exists():
            if backup.read_bytes() == original:
                return backup
            counter += 1
            backup = self.path.with_name(f"{self.path.name}.v{version}.bak-{counter}")
        try:
            fd = os.open(backup, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # private from the first byte
            with os.fdopen(fd, "wb") as handle:
                handle.write(original)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:  # without its backup, an old file is not touched
            raise NotesError(f"cannot back up {self.path} before upgrading it: {exc.strerror or exc}") from exc
        return backup

    def _lenient(self, data: dict[str, Any]) -> NotesFile:
        """What this version understands of a newer file, for showing only."""
        notes, left_out = understood_of_newer(data)
        self._report(f"The notes file {self.path} is from a newer Togetherly: shown read-only, nothing can be "
                     "saved to it until Togetherly is updated"
                     + (f" ({left_out} of its entries cannot be shown by this version)." if left_out else "."))
        return notes

    # -- writing --------------------------------------------------------------------------------
    def update(self, change: Callable[[NotesFile], None]) -> NotesFile:
        """Read, change and write back in one step, holding the lock so no other process interleaves."""
        with self._lock.held(create=True):
            notes = self._load_for_writing()
            added = self._kept.fold_into(notes)  # before the change, so forgetting a kept note works too
            change(notes)
            self._write(notes)
            self._recovered_are_saved(added)
            return notes

    def apply(self, change: Change) -> NotesFile:
        """Make one change (assistant/notes/changes.py) and save it; the notes as saved.

        If it cannot be saved it is kept (memory, recovery file) to be applied by the next save that works,
        and ChangeKept says where. `update` is for changes that must not outlive a failure (forgetting).
        """
        try:
            return self.update(change.apply)
        except NotesError as exc:
            retried = not isinstance(exc, _RefusedNewer)  # a newer file stays refused until Togetherly is updated
            try:
                with self._lock.held():  # so a concurrent save cannot fold and delete the file mid-append
                    kept_in = self._kept.keep(change, durable=retried)
            except NotesError:  # the lock is out of reach too: keep it all the same
                kept_in = self._kept.keep(change, durable=retried)
            where = f"in {kept_in}" if kept_in else "in memory until Togetherly is closed"
            later = " and will be saved as soon as saving works again" if retried else ", but cannot be saved to it"
            raise ChangeKept(f"{exc} The {change.noun} was not saved yet; it is kept {where}{later}.",
                             in_file=kept_in is not None, retried=retried) from exc

    def add(self, note: Note) -> None:
        """Append one note. If it cannot be saved it is kept (memory, recovery file) and ChangeKept says where."""
        self.apply(AddNote(note=note))

    def save(self, notes: NotesFile) -> None:
        """Write `notes` as the whole file (with any kept notes), atomically; never over a newer file."""
        with self._lock.held(create=True):
            self._load_for_writing()  # a damaged file is moved aside, an old one backed up, a newer one refused
            added = self._kept.fold_into(notes)
            self._write(notes)
            self._recovered_are_saved(added)

    def _load_for_writing(self) -> NotesFile:
        try:
            return self._read()
        except _NewerFile as newer:
            raise _RefusedNewer(newer.message) from None

    def _write(self, notes: NotesFile) -> None:
        """Temp file in the same directory, fsync, rename over the old file, fsync the directory."""
        data = notes.model_dump_json(indent=2).encode("utf-8")
        try:
            write_private(self.path, data, temp_prefix=TEMP_PREFIX)
        except OSError as exc:
            raise NotesError(f"Cannot save notes to {self.path}: {reason(exc)}.") from exc

    def _move_aside(self) -> Path:
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        counter = 1
        while target.exists():
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{counter}")
            counter += 1
        try:
            os.replace(self.path, target)
            target.chmod(0o600)
        except OSError as exc:  # cannot move it: leave it exactly as it is, and write nothing over it
            raise NotesError(f"The notes file {self.path} could not be read and could not be moved aside "
                             f"({reason(exc)}); it was left untouched.") from exc
        return target

    # -- keeping changes that could not be saved --------------------------------------------------
    @property
    def recovery_files(self) -> tuple[Path, Path]:
        """Where changes that could not be saved are kept (`assistant.notes.recovery`)."""
        return self._kept.files

    def _recovered_are_saved(self, applied: list[Change]) -> None:
        """After a successful write: kept changes are in the notes file now, so their copies go."""
        self._kept.saved()
        if applied:
            what = "note" if all(isinstance(c, AddNote) for c in applied) else "change"
            self._report(f"{len(applied)} {what}(s) that could not be saved earlier are now saved in "
                         f"{self.path.name}.")

    def _remove_stale_temp_files(self) -> None:
        """Temp files of writers that died mid-save. Holding the lock, no writer can be mid-save now."""
        with suppress(OSError):
            for entry in os.scandir(self.path.parent):
                if entry.name.startswith(TEMP_PREFIX) and entry.name.endswith(TEMP_SUFFIX):
                    with suppress(OSError):
                        os.unlink(entry.path)


class ChangeKept(NotesError):
    """`NotesStore.apply` could not save a change and kept it to save later; the message says where."""

    def __init__(self, message: str, *, in_file: bool, retried: bool) -> None:
        super().__init__(message)
        self.in_file = in_file
        """Kept in a recovery file, so it survives a restart (else in memory, while this process runs)."""
        self.retried = retried
        """Saved by the next save that works (False: the notes file is from a newer Togetherly)."""


class _NewerFile(Exception):
    def __init__(self, data: dict[str, Any], message: str) -> None:
        super().__init__(message)
        self.data = data
        self.message = message


class _RefusedNewer(NotesError):
    """Saving refused because the file is from a newer version (not an I/O failure)."""
