"""The notes file: one JSON document, written atomically, readable by the owner only.

A file that cannot be parsed is never overwritten: it is moved aside with a timestamp and reported,
and a fresh store is started beside it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from assistant.errors import NotesError
from assistant.notes import SCHEMA_VERSION, Note, NotesFile, migrate
from assistant.paths import ensure_private_dir

log = logging.getLogger(__name__)

NOTES_FILE_NAME = "notes.json"


class NotesStore:
    def __init__(self, path: Path, report: Callable[[str], None] | None = None) -> None:
        self.path = path
        self._report = report or (lambda message: log.warning("%s", message))

    @classmethod
    def in_dir(cls, directory: Path, report: Callable[[str], None] | None = None) -> NotesStore:
        return cls(directory / NOTES_FILE_NAME, report)

    def load(self) -> NotesFile:
        """The stored notes; an unreadable file is moved aside (reported) and an empty store returned."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return NotesFile()
        except OSError as exc:
            raise NotesError(f"cannot read the notes file {self.path}: {exc.strerror or exc}") from exc
        try:
            data = json.loads(raw)
            version = data.get("schema_version", 1) if isinstance(data, dict) else None
            if isinstance(version, int) and version > SCHEMA_VERSION:
                raise NotesError(
                    f"The notes file {self.path} was written by a newer Togetherly (schema {version}, this one "
                    f"knows {SCHEMA_VERSION}). Update Togetherly; the file was left untouched."
                )
            if isinstance(version, int) and version < SCHEMA_VERSION:
                return self._migrate(data, version)
            return NotesFile.model_validate(data)
        except (ValueError, ValidationError) as exc:
            moved = self._move_aside()
            # Only the error's kind, never the content: notes are private.
            reason = f"first problem: {exc.errors()[0]['type']}" if isinstance(exc, ValidationError) else "not JSON"
            self._report(
                f"The notes file {self.path} could not be read ({reason}). It was moved to {moved.name} and "
                "nothing in it was deleted; new notes go to a fresh file."
            )
            return NotesFile()

    def _migrate(self, data: dict[str, object], version: int) -> NotesFile:
        notes = NotesFile.model_validate(migrate(dict(data)))
        backup = self.path.with_name(f"{self.path.name}.v{version}.bak")
        if not backup.exists():  # keep the original as it was, once
            shutil.copy2(self.path, backup)
            backup.chmod(0o600)
        self.save(notes)
        self._report(f"The notes file was upgraded from version {version}; the original is kept as {backup.name}.")
        return notes

    def update(self, change: Callable[[NotesFile], None]) -> NotesFile:
        """Read, change and write back in one step."""
        notes = self.load()
        change(notes)
        self.save(notes)
        return notes

    def add(self, note: Note) -> None:
        self.update(lambda notes: notes.notes.append(note))

    def save(self, notes: NotesFile) -> None:
        """Write atomically: a temp file in the same directory, fsync, rename, fsync the directory."""
        directory = ensure_private_dir(self.path.parent)
        data = notes.model_dump_json(indent=2).encode("utf-8")
        try:
            fd, tmp_name = tempfile.mkstemp(prefix=".notes-", suffix=".tmp", dir=directory)
        except OSError as exc:
            raise NotesError(f"cannot write in {directory}: {exc.strerror or exc}") from exc
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as handle:  # mkstemp already made it 0600
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise NotesError(f"cannot save notes to {self.path}: {exc.strerror or exc}") from exc
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def _move_aside(self) -> Path:
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        counter = 1
        while target.exists():
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{counter}")
            counter += 1
        os.replace(self.path, target)
        target.chmod(0o600)
        return target
