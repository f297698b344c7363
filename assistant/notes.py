"""What Togetherly keeps: pydantic models for the notes file (schema-versioned JSON)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1


def new_id() -> str:
    return uuid.uuid4().hex[:12]


class PartnerCheckIn(BaseModel):
    """One partner's part of a check-in; None where a question was skipped or never reached."""

    model_config = ConfigDict(extra="forbid")
    partner: str
    high: str | None = None
    low: str | None = None


class CheckInNote(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["checkin"] = "checkin"
    id: str = Field(default_factory=new_id)
    created_at: datetime
    partners: list[PartnerCheckIn]
    completed: bool
    """False when the check-in was stopped part way; what was said so far is still kept."""

    def has_answers(self) -> bool:
        return any(p.high or p.low for p in self.partners)


Note = CheckInNote
"""Every kind of note; a discriminated union on `kind` as more kinds arrive."""


class NotesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    schema_version: int = SCHEMA_VERSION
    notes: list[Note] = []
