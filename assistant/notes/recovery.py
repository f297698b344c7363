"""Changes that could not be saved yet (disk full, read-only, permission denied): kept in memory and in a
recovery file (`notes.recovery.jsonl` beside the notes, else in the fallback recovery folder), and folded
into the notes by the next save or start that succeeds, exactly once (the notes list the ids of kept
changes once saved)."""

from __future__ import annotations

import hashlib
import logging
import os
from contextlib import suppress
from pathlib import Path

import platformdirs
from pydantic import TypeAdapter, ValidationError

from assistant.notes.changes import AddNote, Change
from assistant.notes.models import SAVED_CHANGES_KEPT, Note, NotesFile
from assistant.notes.reasons import reason
from assistant.paths import APP_NAME, ensure_private_dir
from assistant.private_files import append_private

log = logging.getLogger(__name__)

RECOVERY_DIR_ENV = "TOGETHERLY_RECOVERY_DIR"
_NOTE: TypeAdapter[Note] = TypeAdapter(Note)
_CHANGE: TypeAdapter[Change] = TypeAdapter(Change)


def default_recovery_dir() -> Path:
    """Where unsaved changes go when the data directory itself cannot take them."""
    env = os.environ.get(RECOVERY_DIR_ENV)
    return Path(env) if env else Path(platformdirs.user_state_dir(APP_NAME)) / "recovery"



class KeptChanges:
    """The changes kept for the notes file at `notes_path`, in memory and in its recovery files."""

    def __init__(self, notes_path: Path, recovery_dir: Path | None = None) -> None:
        self.notes_path = notes_path
        self._recovery_dir = recovery_dir
        self.pending: list[Change] = []
        """Changes that could not be saved yet, oldest first (also in a recovery file when possible)."""

    @property
    def files(self) -> tuple[Path, Path]:
        """Beside the notes first; the fallback folder when the data directory cannot be written."""
        path = self.notes_path
        key = hashlib.sha256(str(path.absolute()).encode()).hexdigest()[:12]
        fallback = self._recovery_dir or default_recovery_dir()
        return (path.with_name(f"{path.stem}.recovery.jsonl"), fallback / f"{path.stem}-{key}.recovery.jsonl")

    def waiting(self) -> bool:
        """Whether any change is kept, in memory or in a recovery file."""
        return bool(self.pending) or any(p.exists() for p in self.files)

    def keep(self, change: Change, *, durable: bool) -> Path | None:
        """Keep `change` in memory and, if `durable`, in the first recovery file that takes it (returned)."""
        if all(c.change_id != change.change_id for c in self.pending):
            self.pending.append(change)
        if durable:
            line = change.model_dump_json().encode("utf-8") + b"\n"
            for index, target in enumerate(self.files):
                try:
                    if index == 1:
                        ensure_private_dir(target.parent)
                    append_private(target, line)
                except OSError as exc:
                    log.warning("cannot keep an unsaved %s in %s: %s", change.noun, target, reason(exc))
                    continue
                return target
        return None

    def fold_into(self, notes: NotesFile) -> list[Change]:
        """Apply the kept changes `notes` has not seen yet (by id), noting their ids; those applied."""
        seen = set(notes.saved_changes)
        applied: list[Change] = []
        for change in [*self.pending, *self._read_files()]:
            if change.change_id not in seen:
                change.model_copy(deep=True).apply(notes)  # the kept copy stays as it was
                seen.add(change.change_id)
                notes.saved_changes.append(change.change_id)
                applied.append(change)
        del notes.saved_changes[:-SAVED_CHANGES_KEPT]
        return applied

    def _read_files(self) -> list[Change]:
        out: list[Change] = []
        for target in self.files:
            try:
                lines = target.read_bytes().splitlines()
            except OSError:
                continue
            for line in lines:
                # A line cut short by a crash mid-append is skipped; every whole line is a change.
                with suppress(ValidationError, ValueError):
                    out.append(_recovered(line))
        return out

    def saved(self) -> None:
        """After a successful write: kept changes are in the notes file now, so their copies go."""
        self.pending.clear()
        for target in self.files:
            try:
                target.unlink(missing_ok=True)
            except OSError as exc:  # harmless: the notes file lists their ids, so none is applied twice
                log.warning("cannot remove %s: %s", target, reason(exc))


def _recovered(line: bytes) -> Change:
    """One line of a recovery file: a change; a bare note (as earlier versions kept them) is a note to add."""
    try:
        return _CHANGE.validate_json(line)
    except ValidationError:
        note = _NOTE.validate_json(line)
        return AddNote(change_id=f"note-{note.id}", note=note)

