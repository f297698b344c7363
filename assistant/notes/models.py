"""What Togetherly keeps: pydantic models for the notes file (schema-versioned JSON).

Version history: 1 held only check-ins in `notes`; 2 added the other note kinds and the `rituals`
section (hug and break records, question-game memory, date-night turns, agreements); 3 added
`saved_changes`, the ids of changes kept after a failed save and saved since (assistant/notes/changes.py);
4 added stress talks and the "may be misheard" mark; 5 added topics parked after a calm-down break,
the thirty-six questions' place and the weekly meetings.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 5
SAVED_CHANGES_KEPT = 500
"""How many ids `NotesFile.saved_changes` keeps (the latest): far more than are ever kept at once."""


def new_id() -> str:
    return uuid.uuid4().hex[:12]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PartnerCheckIn(_Strict):
    """One partner's part of a check-in; None where a question was skipped or never reached."""

    partner: str
    high: str | None = None
    low: str | None = None


class CheckInNote(_Strict):
    kind: Literal["checkin"] = "checkin"
    id: str = Field(default_factory=new_id)
    created_at: datetime
    partners: list[PartnerCheckIn]
    completed: bool
    unsure: bool = False
    """Some of its words may be misheard: an answer was still unclear after being asked again."""
    """False when the check-in was stopped part way; what was said so far is still kept."""

    def has_answers(self) -> bool:
        return any(p.high or p.low for p in self.partners)


class FreeNote(_Strict):
    """Something dictated with "take a note" / "remember that ..."."""

    kind: Literal["note"] = "note"
    id: str = Field(default_factory=new_id)
    created_at: datetime
    text: str
    partner: str | None = None
    unsure: bool = False


class AnswerNote(_Strict):
    """An answer to a question-game question, kept only when the couple asked to save it."""

    kind: Literal["answer"] = "answer"
    id: str = Field(default_factory=new_id)
    created_at: datetime
    question_id: str
    question: str
    text: str
    partner: str | None = None
    unsure: bool = False


class AppreciationNote(_Strict):
    """What a partner appreciated about the two of them (evening ritual)."""

    kind: Literal["appreciation"] = "appreciation"
    id: str = Field(default_factory=new_id)
    created_at: datetime
    partner: str
    text: str
    unsure: bool = False


class PartnerWords(_Strict):
    partner: str
    text: str


class ParkedNote(_Strict):
    """A topic a calm-down break left unresolved, parked to come back to: one sentence from each partner who
    wanted to keep one. Cleared ("we sorted it") by removing it."""

    kind: Literal["parked"] = "parked"
    id: str = Field(default_factory=new_id)
    created_at: datetime
    partners: list[PartnerWords]
    come_back_at: datetime | None = None
    """When the couple said they would come back together."""
    offered: bool = False
    """Coming back to it was offered once (never again)."""
    unsure: bool = False


NOTE_MODELS = (CheckInNote, FreeNote, AnswerNote, AppreciationNote, ParkedNote)
"""One model per kind of note (`assistant.notes.kinds` names and renders each)."""
Note = Annotated[CheckInNote | FreeNote | AnswerNote | AppreciationNote | ParkedNote, Field(discriminator="kind")]


class Goal(_Strict):
    id: str = Field(default_factory=new_id)
    created_at: datetime
    text: str
    review_on: date | None = None
    done_at: datetime | None = None
    unsure: bool = False


class HugRecord(_Strict):
    at: datetime
    seconds: float
    """Planned length (20 for the classic hug, 6 for the kiss)."""
    completed: bool
    label: str = "hug"


class BreakRecord(_Strict):
    """That a calm-down break happened and how it went; never what was said."""

    at: datetime
    planned_minutes: float
    actual_minutes: float
    ended: Literal["time_up", "ready_early", "stopped"]
    come_back_at: datetime | None = None
    """When the couple said they would come back together."""


class DateNightRecord(_Strict):
    at: datetime
    planner: str


class StressTalkRecord(_Strict):
    """That a stress-reducing conversation happened, and the couple's answer to "did you each feel heard?"
    (None: not answered); never anything said in it."""

    at: datetime
    minutes_each: float
    completed: bool
    felt_heard: bool | None = None


class RitualLog(_Strict):
    hugs: list[HugRecord] = []
    breaks: list[BreakRecord] = []
    date_nights: list[DateNightRecord] = []
    stress_talks: list[StressTalkRecord] = []
    asked_questions: dict[str, list[str]] = {}
    """Per deck, the question ids already asked (so none repeats until the deck is exhausted)."""
    favourite_questions: list[str] = []
    agreements: list[str] = []
    """The couple's own fair-fighting agreements; empty means the defaults are used."""
    last_goal_reminder: date | None = None
    weekly_meetings: list[datetime] = []
    """When the weekly meetings were held (what was said is kept as notes, never here)."""
    closeness_asked: int = 0
    """How many of the thirty-six questions have been asked (where "continue" picks up); no answer is kept."""
    closeness_finished: list[datetime] = []
    """When the thirty-six questions were gone through to the end."""

    def timed(self, label: str = "hug") -> int:
        """How many timed hugs (or kisses, `label="kiss"`) ran to their end: the one count that the spoken
        progress report, the hug timer and the export all give."""
        return sum(1 for h in self.hugs if h.completed and h.label == label)


class NotesFile(_Strict):
    schema_version: int = SCHEMA_VERSION
    notes: list[Note] = []
    goals: list[Goal] = []
    rituals: RitualLog = Field(default_factory=RitualLog)
    saved_changes: list[str] = []
    """Ids of changes that were kept after a failed save and have been saved since (the latest
    SAVED_CHANGES_KEPT), so a copy still held elsewhere is never applied twice. No content."""


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring an older file's JSON up to SCHEMA_VERSION (each step is one version)."""
    version = data.get("schema_version", 1)
    if version == 1:
        data, version = {**data, "schema_version": 2, "goals": [], "rituals": {}}, 2
    if version == 2:
        data, version = {**data, "schema_version": 3, "saved_changes": []}, 3
    if version == 3:  # stress talks and the "may be misheard" mark: both have defaults
        data, version = {**data, "schema_version": 4}, 4
    if version == 4:  # parked topics: a new kind of note
        data = {**data, "schema_version": 5}
    return data


class WrongShape(ValueError):
    """Valid JSON that is not a notes file; the message names the problem, never the content."""


def schema_version(data: object) -> int:
    """The notes file's schema version; WrongShape when it holds none this program could have written (a
    newer one is for the caller to refuse)."""
    version = data.get("schema_version", 1) if isinstance(data, dict) else None
    # bool is an int in Python, but JSON true is no version number
    if not isinstance(version, int) or isinstance(version, bool):
        raise WrongShape("not a notes file" if version is None else "schema_version is not a number")
    if version < 1:
        raise WrongShape("schema_version is not a version this program ever wrote")
    return version
