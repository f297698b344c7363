"""Changes to the notes as data, so that a change that cannot be saved now can be kept and saved later.

A flow does not hand the store a function to run on the notes; it hands it one of these records
(`NotesStore.apply`). A record can be written as one line of JSON, so when the disk refuses (full,
read-only, permission denied) the change is kept in memory and in a recovery file, and the next save
that works, in this process or in a later one after a crash, applies it.

Applied exactly once: every record has an id (`change_id`), and the notes file lists the ids of kept
changes once they are saved (`NotesFile.saved_changes`). A copy still held elsewhere (in the memory
of the process that kept it while another process saved it, or in a recovery file a crash left
behind) is then skipped, so a hug is never counted twice and a forgotten note never comes back.
Notes, goals and favourites are also matched by their own id, a second guard that costs nothing.

A record names what it is (`noun`) for messages; messages never include what it holds.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.notes.models import (
    BreakRecord,
    DateNightRecord,
    Goal,
    HugRecord,
    Note,
    NotesFile,
    StressTalkRecord,
    new_id,
)


class _Change(BaseModel):
    model_config = ConfigDict(extra="forbid")
    change_id: str = Field(default_factory=new_id)
    noun: ClassVar[str] = "change"
    """What this is, for messages ("The hug was not saved yet"): never its content."""

    def apply(self, notes: NotesFile) -> None:  # pragma: no cover - every record overrides it
        raise NotImplementedError


class AddNote(_Change):
    op: Literal["add_note"] = "add_note"
    note: Note
    noun: ClassVar[str] = "note"

    def apply(self, notes: NotesFile) -> None:
        if all(n.id != self.note.id for n in notes.notes):
            notes.notes.append(self.note)


class ReplaceNote(_Change):
    """A note corrected by voice: the saved one with the same id is replaced, so its old words are gone."""

    op: Literal["replace_note"] = "replace_note"
    note: Note
    noun: ClassVar[str] = "corrected note"

    def apply(self, notes: NotesFile) -> None:
        notes.notes = [self.note if n.id == self.note.id else n for n in notes.notes]


class ReplaceGoal(_Change):
    """A goal's words corrected by voice: the saved goal with the same id is replaced."""

    op: Literal["replace_goal"] = "replace_goal"
    goal: Goal
    noun: ClassVar[str] = "corrected goal"

    def apply(self, notes: NotesFile) -> None:
        notes.goals = [self.goal if g.id == self.goal.id else g for g in notes.goals]


class AddGoal(_Change):
    op: Literal["add_goal"] = "add_goal"
    goal: Goal
    noun: ClassVar[str] = "goal"

    def apply(self, notes: NotesFile) -> None:
        if all(g.id != self.goal.id for g in notes.goals):
            notes.goals.append(self.goal)


class MarkGoalDone(_Change):
    op: Literal["goal_done"] = "goal_done"
    goal_id: str
    done_at: datetime
    noun: ClassVar[str] = "reached goal"

    def apply(self, notes: NotesFile) -> None:
        for goal in notes.goals:  # a goal forgotten meanwhile stays forgotten
            if goal.id == self.goal_id:
                goal.done_at = self.done_at


class GoalReminderGiven(_Change):
    op: Literal["goal_reminder"] = "goal_reminder"
    day: date
    noun: ClassVar[str] = "goal reminder"

    def apply(self, notes: NotesFile) -> None:
        notes.rituals.last_goal_reminder = self.day


class RecordHug(_Change):
    op: Literal["hug"] = "hug"
    hug: HugRecord
    noun: ClassVar[str] = "hug"

    def apply(self, notes: NotesFile) -> None:
        notes.rituals.hugs.append(self.hug)


class RecordBreak(_Change):
    op: Literal["break"] = "break"
    record: BreakRecord
    noun: ClassVar[str] = "calm-down break"

    def apply(self, notes: NotesFile) -> None:
        notes.rituals.breaks.append(self.record)


class RecordStressTalk(_Change):
    op: Literal["stress_talk"] = "stress_talk"
    record: StressTalkRecord
    noun: ClassVar[str] = "stress-reducing conversation"

    def apply(self, notes: NotesFile) -> None:
        notes.rituals.stress_talks.append(self.record)


class RecordDateNight(_Change):
    op: Literal["date_night"] = "date_night"
    record: DateNightRecord
    noun: ClassVar[str] = "date night"

    def apply(self, notes: NotesFile) -> None:
        notes.rituals.date_nights.append(self.record)


class RememberAsked(_Change):
    """Which questions of a deck have been asked in its current round (the whole list, not one more)."""

    op: Literal["asked"] = "asked"
    deck: str
    question_ids: list[str]
    noun: ClassVar[str] = "question-game memory"

    def apply(self, notes: NotesFile) -> None:
        notes.rituals.asked_questions[self.deck] = list(self.question_ids)


class AddFavourite(_Change):
    op: Literal["favourite"] = "favourite"
    question_id: str
    noun: ClassVar[str] = "favourite question"

    def apply(self, notes: NotesFile) -> None:
        if self.question_id not in notes.rituals.favourite_questions:
            notes.rituals.favourite_questions.append(self.question_id)


class AddAgreement(_Change):
    op: Literal["add_agreement"] = "add_agreement"
    text: str
    noun: ClassVar[str] = "agreement"

    def apply(self, notes: NotesFile) -> None:
        notes.rituals.agreements.append(self.text)


class ClearAgreements(_Change):
    op: Literal["clear_agreements"] = "clear_agreements"
    noun: ClassVar[str] = "clearing of the agreements"

    def apply(self, notes: NotesFile) -> None:
        notes.rituals.agreements.clear()


class RecordWeeklyMeeting(_Change):
    op: Literal["weekly_meeting"] = "weekly_meeting"
    at: datetime
    noun: ClassVar[str] = "weekly meeting"

    def apply(self, notes: NotesFile) -> None:
        notes.rituals.weekly_meetings.append(self.at)


class ClosenessAsked(_Change):
    """How far the thirty-six questions have come (0 after starting over), and when they were finished."""

    op: Literal["closeness"] = "closeness"
    asked: int
    finished_at: datetime | None = None
    noun: ClassVar[str] = "place in the thirty-six questions"

    def apply(self, notes: NotesFile) -> None:
        notes.rituals.closeness_asked = self.asked
        if self.finished_at is not None:
            notes.rituals.closeness_finished.append(self.finished_at)


class ParkedOffered(_Change):
    """Coming back to a parked topic was offered: never again."""

    op: Literal["parked_offered"] = "parked_offered"
    note_id: str
    noun: ClassVar[str] = "offer to come back"

    def apply(self, notes: NotesFile) -> None:
        for note in notes.notes:
            if note.kind == "parked" and note.id == self.note_id:
                note.offered = True


class ClearParked(_Change):
    """"We sorted it": the parked topic, and its words, are gone."""

    op: Literal["clear_parked"] = "clear_parked"
    note_id: str
    noun: ClassVar[str] = "clearing of a parked topic"

    def apply(self, notes: NotesFile) -> None:
        notes.notes = [note for note in notes.notes if note.id != self.note_id]


Change = Annotated[
    AddNote | ReplaceNote | AddGoal | ReplaceGoal | MarkGoalDone | GoalReminderGiven | RecordHug | RecordBreak
    | RecordDateNight | RecordStressTalk | RememberAsked | AddFavourite | AddAgreement | ClearAgreements
    | ParkedOffered | ClearParked | ClosenessAsked | RecordWeeklyMeeting,
    Field(discriminator="op"),
]
