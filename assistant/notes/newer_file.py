"""What this version understands of a notes file written by a newer Togetherly: the entries it knows, their
unknown fields dropped, shown read-only (saving to such a file is refused)."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from assistant.notes.models import NOTE_MODELS, Goal, Note, NotesFile, RitualLog

_NOTE: TypeAdapter[Note] = TypeAdapter(Note)


def understood_of_newer(data: dict[str, Any]) -> tuple[NotesFile, int]:
    """The known entries of a newer file's JSON, and how many of its entries were left out."""
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
    return notes, left_out


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
