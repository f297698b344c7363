"""The conversation's door to the notes: what a flow reads and saves, and what the couple is told when the
notes file cannot be read or written. Flows never touch the store themselves."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from assistant.errors import NotesError, TogetherlyError
from assistant.notes.changes import AddGoal, AddNote, Change, ReplaceNote
from assistant.notes.forgetting import plan_forget
from assistant.notes.models import Note, NotesFile
from assistant.notes.query import EntryFilter
from assistant.notes.store import ChangeKept, NotesStore

log = logging.getLogger(__name__)


class NotesDoor:
    """`Conversation.notes`: the notes, read and saved on the couple's behalf, quietly where only a ritual's
    memory is at stake, aloud where what they said is."""

    def __init__(self, store: NotesStore, say: Callable[..., str]) -> None:
        self.store = store
        self.say = say
        """Speaks a response line (the conversation's `say`)."""
        self._aside_told = 0
        self.last_saved: str | None = None
        """The id of the entry (note or goal) last saved in this conversation: "forget what we just said"."""

    @property
    def data_dir(self) -> Path:
        """The couple's data folder: their own decks and agreements live beside the notes."""
        return self.store.path.parent

    def quietly(self) -> NotesFile:
        """The stored notes, for what a ritual only remembers (the questions asked, the agreements read
        after a break): when they cannot be read that is logged, not spoken, and they come back empty."""
        try:
            return self.store.load()
        except NotesError as exc:
            log.error("could not read the notes file: %s", exc)  # names the file, never the content
            return NotesFile()

    def save_quietly(self, change: Change) -> bool:
        """Save what only a ritual's memory needs (which question was asked, that a reminder was given):
        a failure is logged, not spoken, and the store keeps the change to save later."""
        try:
            self.store.apply(change)
        except NotesError as exc:
            log.error("could not save a %s: %s", change.noun, exc)
            return False
        return True

    def read(self) -> NotesFile | None:
        """The stored notes, or None after telling the couple the file could not be read (and, when it was
        damaged, that it was set aside with nothing deleted)."""
        try:
            notes = self.store.load()
        except NotesError:
            self.say("notes.read_failed")
            return None
        if self.tell_set_aside("notes.set_aside"):
            return None
        return notes

    def tell_set_aside(self, key: str, say: Callable[[str], object] | None = None) -> bool:
        """Say `key` (through `say`, if given) if the store has set a damaged notes file aside since the couple
        was last told: a couple with a speaker and no screen must hear it, not only the terminal."""
        if len(self.store.moved_aside) <= self._aside_told:
            return False
        self._aside_told = len(self.store.moved_aside)
        (say or self.say)(key)
        return True

    def save_note(self, note: Note) -> bool:
        """Save, telling the couple if it failed; the conversation goes on either way."""
        return self.save(AddNote(note=note)) is not None

    def corrected(self, note: Note, saved: bool) -> None:
        """A note's answer was corrected by voice: once saved, the saved note is replaced (its old words gone);
        a draft is saved as it is when its ritual ends."""
        if saved:
            self.save(ReplaceNote(note=note))

    def save(self, change: Change) -> NotesFile | None:
        """Save a change (a note, a goal, a hug, ...; assistant/notes/changes.py), telling the couple if it
        failed and whether it is kept to be saved later; the conversation goes on either way.
        The notes as saved, or None when the change is not saved now."""
        try:
            saved = self.store.apply(change)
        except NotesError as exc:
            log.error("could not save a %s: %s", change.noun, exc)  # names the file, never the content
            self.say(_save_failed_line(exc))
            return None
        if isinstance(change, AddNote):
            self.last_saved = change.note.id
        elif isinstance(change, AddGoal):
            self.last_saved = change.goal.id
        self.tell_set_aside("notes.set_aside_saved")
        return saved

    def forget(self, ids: list[str] | None) -> bool:
        """Forget entries by id (None: everything) everywhere they are kept, as `togetherly notes --forget`
        does; False, said, when it could not be done."""
        try:
            plan = plan_forget(self.store, EntryFilter(), ids or [])
            done = plan.carry_out() if not plan.empty else []
        except (NotesError, TogetherlyError, OSError) as exc:
            log.error("could not forget: %s", exc)  # names the file, never the content
            self.say("core.forget_failed")
            return False
        log.info("forgot by voice: %d steps", len(done))  # never the words
        if ids is not None and self.last_saved in ids:
            self.last_saved = None
        return True


def _save_failed_line(exc: NotesError) -> str:
    """Promise a later save only when the store really keeps the change for one."""
    if not isinstance(exc, ChangeKept) or not exc.retried:
        return "core.save_failed"
    return "core.save_failed_kept" if exc.in_file else "core.save_failed_kept_for_now"
