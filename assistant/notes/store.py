"""The notes file: one JSON document, written atomically, readable by the owner only.

What the store promises (each one tested in tests/test_store.py and tests/test_store_durability.py):

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
  (`forget_in_backup`); a set-aside file is not valid JSON, so forgetting searches its raw text and
  rewrites it without what is forgotten (`rewrite_copy`) or deletes it whole (`delete_copies`).

POSIX only (Linux, macOS): the lock is flock(2) and the directory is fsynced.
"""

from __future__ import annotations

import errno
import fcntl
import glob
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import BaseModel, TypeAdapter, ValidationError

from assistant.errors import NotesError
from assistant.notes.changes import AddNote, Change
from assistant.notes.models import (
    NOTE_MODELS,
    SAVED_CHANGES_KEPT,
    SCHEMA_VERSION,
    Goal,
    Note,
    NotesFile,
    RitualLog,
    migrate,
)
from assistant.paths import APP_NAME, ensure_private_dir
from assistant.private_files import append_private, sync_folder, write_private

log = logging.getLogger(__name__)

NOTES_FILE_NAME = "notes.json"
TEMP_PREFIX = ".notes-"
TEMP_SUFFIX = ".tmp"
RECOVERY_DIR_ENV = "TOGETHERLY_RECOVERY_DIR"
LOCK_TIMEOUT_S = 10.0
"""A save takes milliseconds; a lock held this long belongs to a stuck process, and we say so."""

_NOTE: TypeAdapter[Note] = TypeAdapter(Note)
_CHANGE: TypeAdapter[Change] = TypeAdapter(Change)


def default_recovery_dir() -> Path:
    """Where unsaved changes go when the data directory itself cannot take them."""
    env = os.environ.get(RECOVERY_DIR_ENV)
    return Path(env) if env else Path(platformdirs.user_state_dir(APP_NAME)) / "recovery"


class NotesStore:
    def __init__(self, path: Path, report: Callable[[str], None] | None = None, *,
                 recovery_dir: Path | None = None) -> None:
        self.path = path
        self._report = report or (lambda message: log.warning("%s", message))
        self._recovery_dir = recovery_dir
        self._pending: list[Change] = []
        """Changes that could not be saved yet, oldest first (also in a recovery file when possible)."""
        self._thread_lock = threading.RLock()
        self._lock_fd: int | None = None
        self._lock_depth = 0
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
        with self._locked():
            try:
                notes = self._read(read_only=read_only)
            except _NewerFile as newer:
                if not allow_newer:
                    raise NotesError(newer.message) from None
                return self._lenient(newer.data)
            added = self._fold_recovered(notes)
            if self._lock_fd is None:
                return notes
            if added:
                try:
                    self._write(notes)
                except NotesError as exc:  # still kept where it was; shown all the same
                    log.warning("kept changes not saved yet: %s", exc)
                else:
                    self._recovered_are_saved(added)
            elif self._pending or any(p.exists() for p in self.recovery_files):
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
            version = _schema_version(data)
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
                      else str(exc) if isinstance(exc, _WrongShape) else "not JSON")
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
        """What this version understands of a newer file: known entries, unknown fields dropped."""
        notes, left_out = NotesFile(), 0
        for raw in _as_list(data.get("notes")):
            try:
                notes.notes.append(_NOTE.validate_python(_known_fields(raw, _note_model(raw))))
            except (ValidationError, TypeError):
                left_out += 1
        for raw in _as_list(data.get("goals")):
            try:
                notes.goals.append(Goal.model_validate(_known_fields(raw, Goal)))
            except (ValidationError, TypeError):
                left_out += 1
        with suppress(ValidationError, TypeError):
            notes.rituals = RitualLog.model_validate(_known_fields(data.get("rituals", {}), RitualLog))
        self._report(f"The notes file {self.path} is from a newer Togetherly: shown read-only, nothing can be "
                     "saved to it until Togetherly is updated"
                     + (f" ({left_out} of its entries cannot be shown by this version)." if left_out else "."))
        return notes

    # -- writing --------------------------------------------------------------------------------
    def update(self, change: Callable[[NotesFile], None]) -> NotesFile:
        """Read, change and write back in one step, holding the lock so no other process interleaves."""
        with self._locked(create=True):
            notes = self._load_for_writing()
            added = self._fold_recovered(notes)  # before the change, so forgetting a kept note works too
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
                with self._locked():  # so a concurrent save cannot fold and delete the file mid-append
                    kept_in = self._keep(change, durable=retried)
            except NotesError:  # the lock is out of reach too: keep it all the same
                kept_in = self._keep(change, durable=retried)
            where = f"in {kept_in}" if kept_in else "in memory until Togetherly is closed"
            later = " and will be saved as soon as saving works again" if retried else ", but cannot be saved to it"
            raise ChangeKept(f"{exc} The {change.noun} was not saved yet; it is kept {where}{later}.",
                             in_file=kept_in is not None, retried=retried) from exc

    def add(self, note: Note) -> None:
        """Append one note. If it cannot be saved it is kept (memory, recovery file) and ChangeKept says where."""
        self.apply(AddNote(note=note))

    def save(self, notes: NotesFile) -> None:
        """Write `notes` as the whole file (with any kept notes), atomically; never over a newer file."""
        with self._locked(create=True):
            self._load_for_writing()  # a damaged file is moved aside, an old one backed up, a newer one refused
            added = self._fold_recovered(notes)
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
            raise NotesError(f"Cannot save notes to {self.path}: {_reason(exc)}.") from exc

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
                             f"({_reason(exc)}); it was left untouched.") from exc
        return target

    # -- copies beside the notes (forgetting must reach them too) ---------------------------------
    def backups(self) -> list[Path]:
        """Originals kept by upgrades: `notes.json.v1.bak`, `notes.json.v1.bak-2`, ..."""
        return sorted(self.path.parent.glob(f"{glob.escape(self.path.name)}.v*.bak*"))

    def set_aside(self) -> list[Path]:
        """Unreadable notes files moved aside: `notes.json.corrupt-<time>`."""
        return sorted(self.path.parent.glob(f"{glob.escape(self.path.name)}.corrupt-*"))

    def rewrite_copy(self, copy: Path, data: bytes) -> None:
        """Replace a set-aside file's content with `data` (forgetting part of it), in one step, mode 0600."""
        with self._locked(create=True):
            try:
                write_private(copy, data, temp_prefix=TEMP_PREFIX)
            except OSError as exc:
                raise NotesError(f"Cannot change {copy}: {_reason(exc)}.") from exc

    def read_backup(self, backup: Path) -> NotesFile | None:
        """A backup as this version understands it; None when it cannot be read."""
        try:
            data = json.loads(backup.read_bytes())
            if _schema_version(data) > SCHEMA_VERSION:
                return None
            return NotesFile.model_validate(migrate(dict(data)))
        except (OSError, ValueError, TypeError, RecursionError):
            return None

    def forget_in_backup(self, backup: Path, change: Callable[[NotesFile], object]) -> int:
        """Remove from `backup` the entries `change` removes from what it holds, keeping its own format
        (it stays a true copy of the older file, minus those entries). How many were removed."""
        with self._locked(create=True):
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
                raise NotesError(f"Cannot change the backup {backup}: {_reason(exc)}.") from exc
            return len(gone)

    def delete_copies(self, copies: list[Path]) -> None:
        """Delete backups or set-aside files for good (forgetting everything)."""
        with self._locked(create=True):
            for copy in copies:
                try:
                    copy.unlink(missing_ok=True)
                except OSError as exc:
                    raise NotesError(f"Cannot delete {copy}: {_reason(exc)}.") from exc
            with suppress(OSError):
                sync_folder(self.path.parent)

    # -- keeping changes that could not be saved --------------------------------------------------
    @property
    def recovery_files(self) -> tuple[Path, Path]:
        """Beside the notes first; the fallback folder when the data directory cannot be written."""
        key = hashlib.sha256(str(self.path.absolute()).encode()).hexdigest()[:12]
        fallback = self._recovery_dir or default_recovery_dir()
        return (self.path.with_name(f"{self.path.stem}.recovery.jsonl"),
                fallback / f"{self.path.stem}-{key}.recovery.jsonl")

    def _keep(self, change: Change, *, durable: bool) -> Path | None:
        """Keep `change` in memory and, if `durable`, in the first recovery file that takes it (returned)."""
        if all(c.change_id != change.change_id for c in self._pending):
            self._pending.append(change)
        if durable:
            line = change.model_dump_json().encode("utf-8") + b"\n"
            for index, target in enumerate(self.recovery_files):
                try:
                    if index == 1:
                        ensure_private_dir(target.parent)
                    append_private(target, line)
                except OSError as exc:
                    log.warning("cannot keep an unsaved %s in %s: %s", change.noun, target, _reason(exc))
                    continue
                return target
        return None

    def _fold_recovered(self, notes: NotesFile) -> list[Change]:
        """Apply the kept changes `notes` has not seen yet (by id), noting their ids; those applied."""
        seen = set(notes.saved_changes)
        applied: list[Change] = []
        for change in [*self._pending, *self._read_recovery_files()]:
            if change.change_id not in seen:
                change.model_copy(deep=True).apply(notes)  # the kept copy stays as it was
                seen.add(change.change_id)
                notes.saved_changes.append(change.change_id)
                applied.append(change)
        del notes.saved_changes[:-SAVED_CHANGES_KEPT]
        return applied

    def _read_recovery_files(self) -> list[Change]:
        out: list[Change] = []
        for target in self.recovery_files:
            try:
                lines = target.read_bytes().splitlines()
            except OSError:
                continue
            for line in lines:
                # A line cut short by a crash mid-append is skipped; every whole line is a change.
                with suppress(ValidationError, ValueError):
                    out.append(_recovered(line))
        return out

    def _recovered_are_saved(self, applied: list[Change]) -> None:
        """After a successful write: kept changes are in the notes file now, so their copies go."""
        self._pending.clear()
        for target in self.recovery_files:
            try:
                target.unlink(missing_ok=True)
            except OSError as exc:  # harmless: the notes file lists their ids, so none is applied twice
                log.warning("cannot remove %s: %s", target, _reason(exc))
        if applied:
            what = "note" if all(isinstance(c, AddNote) for c in applied) else "change"
            self._report(f"{len(applied)} {what}(s) that could not be saved earlier are now saved in "
                         f"{self.path.name}.")

    # -- the inter-process lock -----------------------------------------------------------------
    @contextmanager
    def _locked(self, *, create: bool = False) -> Iterator[None]:
        """Hold an exclusive lock on the data directory (re-entrant within this store).

        fcntl.flock on the directory itself rather than a lock file (or the filelock library): nothing
        extra is left in the folder, it works on a read-only disk, and the kernel drops it when a process
        dies, even by SIGKILL, so a crash can never leave a stale lock.
        """
        with self._thread_lock:
            if self._lock_depth == 0:
                self._lock_fd = self._acquire(create)
                if self._lock_fd is not None:
                    self._remove_stale_temp_files()
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
                if self._lock_depth == 0 and self._lock_fd is not None:
                    os.close(self._lock_fd)  # releases the lock
                    self._lock_fd = None

    def _acquire(self, create: bool) -> int | None:
        directory = self.path.parent
        try:
            if create:
                ensure_private_dir(directory)
            fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        except FileNotFoundError:
            if create:
                raise NotesError(f"Cannot create the notes folder {directory}.") from None
            return None  # nothing stored yet, nothing to guard; reading creates nothing
        except OSError as exc:
            raise NotesError(f"Cannot use the notes folder {directory}: {_reason(exc)}.") from exc
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


class _WrongShape(ValueError):
    """Valid JSON that is not a notes file; the message names the problem, never the content."""


class _RefusedNewer(NotesError):
    """Saving refused because the file is from a newer version (not an I/O failure)."""


def _recovered(line: bytes) -> Change:
    """One line of a recovery file: a change; a bare note (as earlier versions kept them) is a note to add."""
    try:
        return _CHANGE.validate_json(line)
    except ValidationError:
        note = _NOTE.validate_json(line)
        return AddNote(change_id=f"note-{note.id}", note=note)


def _reason(exc: OSError) -> str:
    """The failure in plain words, for the couple; never any note text."""
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno == errno.EROFS:
        return "the disk is read-only"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return exc.strerror or str(exc)


def _schema_version(data: object) -> int:
    """The notes file's schema version; _WrongShape when it holds none this program could have written (a
    newer one is for the caller to refuse)."""
    version = data.get("schema_version", 1) if isinstance(data, dict) else None
    # bool is an int in Python, but JSON true is no version number
    if not isinstance(version, int) or isinstance(version, bool):
        raise _WrongShape("not a notes file" if version is None else "schema_version is not a number")
    if version < 1:
        raise _WrongShape("schema_version is not a version this program ever wrote")
    return version


def _as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


_NOTE_KINDS: dict[object, type[BaseModel]] = {model.model_fields["kind"].default: model for model in NOTE_MODELS}
"""A note's model by its `kind`, to keep the fields it knows from a newer file."""


def _note_model(raw: object) -> type[BaseModel] | None:
    kind = raw.get("kind") if isinstance(raw, dict) else None
    return _NOTE_KINDS.get(kind) if isinstance(kind, str) else None


def _known_fields(raw: object, model: type[BaseModel] | None) -> object:
    """`raw` without the fields `model` does not know (a newer version may have added some)."""
    if model is None or not isinstance(raw, dict):
        return raw
    return {k: v for k, v in raw.items() if k in model.model_fields}
