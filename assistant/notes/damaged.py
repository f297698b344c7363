"""Forgetting inside a notes file set aside as unreadable. It is not valid JSON, but most of it usually is:
the entries that still parse on their own are read out of its raw text, and it is searched for the words
of the entries being forgotten, so what the couple asked to forget is gone from it too."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from assistant.notes.kinds import KINDS, private_words
from assistant.notes.models import (
    NOTE_MODELS,
    BreakRecord,
    Goal,
    NotesFile,
    PartnerCheckIn,
    PartnerWords,
    RitualLog,
)
from assistant.notes.query import EntryFilter, Selection

_ENTRY_START = re.compile(r'\{\s*"(?:kind|id)"\s*:')
"""Where a note (`{"kind": ...`) or a goal (`{"id": ...`) begins, as the store writes them."""
_ID_KEY = re.compile(r'"id"\s*:')
TAIL_PREFIX = 4
"""A file cut short inside a forgotten text: the cut-off start of it is removed from this many characters."""
LOOSE_MIN = 4
"""Words this long are removed wherever they appear; shorter ones only as a whole JSON string ("ok")."""


def _vocabulary() -> frozenset[str]:
    """The names and fixed values the notes file is written with: a forgotten word found inside one
    of these is part of the file's structure, not of a note, and is removed only as a whole string."""
    models: list[type[BaseModel]] = [NotesFile, RitualLog, BreakRecord, *NOTE_MODELS, Goal, PartnerCheckIn,
                                     PartnerWords]
    words = {name for model in models for name in model.model_fields}
    words |= {"hugs", "breaks", "date_nights", "at", "seconds", "completed", "label", "planned_minutes",
              "actual_minutes", "ended", "time_up", "ready_early", "stopped", "planner", "hug", "kiss",
              *KINDS, "true", "false", "null"}
    return frozenset(words)


_VOCABULARY = _vocabulary()


@dataclass(frozen=True)
class DamagedEntry:
    """An entry read out of a damaged file: where its JSON object is, and what it holds."""

    start: int
    end: int
    fields: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.fields.get("id"))

    @property
    def kind(self) -> str:
        kind = self.fields.get("kind")
        return kind if isinstance(kind, str) else "goal"

    def accepted_by(self, where: EntryFilter) -> bool:
        created = self.fields.get("created_at")
        try:
            moment = datetime.fromisoformat(created) if isinstance(created, str) else None
        except ValueError:
            moment = None
        if moment is None:  # no date to test: only a filter by kind alone can take it
            return where.since is None and where.until is None and (where.kinds is None or self.kind in where.kinds)
        return where.accepts(self.kind, moment)

    def texts(self) -> set[str]:
        return private_words(self.kind, self.fields)

def damaged_entries(text: str) -> list[DamagedEntry]:
    """The entries of a damaged notes file that still parse on their own, in file order."""
    decoder = json.JSONDecoder()
    found: list[DamagedEntry] = []
    after = 0
    for start in _ENTRY_START.finditer(text):
        if start.start() < after:  # inside an entry already read
            continue
        try:
            value, end = decoder.raw_decode(text, start.start())
        except (ValueError, RecursionError):
            continue
        if isinstance(value, dict) and isinstance(value.get("id"), str):
            found.append(DamagedEntry(start.start(), end, value))
            after = end
    return found


def private_texts(chosen: Selection) -> set[str]:
    """What was said or written in these entries (not the questions asked, nor the partners' names)."""
    words = [private_words(n.kind, n.model_dump()) for n in chosen.notes]
    words += [private_words("goal", g.model_dump()) for g in chosen.goals]
    return set().union(*words)

@dataclass
class DamagedForget:
    """What forgetting does to one damaged file."""

    entries: int = 0
    """Whole entries read out of it and removed."""
    traces: int = 0
    """Other places the forgotten words or ids were found (a damaged entry, a line cut short) and removed."""
    new_text: str | None = None
    """Its content without them; None when it must be deleted whole (see `too_damaged`)."""
    too_damaged: list[str] = field(default_factory=list)
    """Ids asked for that appear in it only inside entries too damaged to read: what they said is unknown,
    so no part of it can be removed safely."""
    unreadable: int = 0
    """Entries left in it that could not be read, so could not be checked against a filter."""

    @property
    def found(self) -> bool:
        return bool(self.entries or self.traces or self.too_damaged)


def chosen_in_damaged(text: str, ids: set[str], where: EntryFilter) -> list[DamagedEntry]:
    """The readable entries of a damaged file that forgetting `ids` (or else what `where` accepts) removes."""
    return [e for e in damaged_entries(text) if (e.id in ids if ids else e.accepted_by(where))]


def forget_in_damaged(text: str, ids: set[str], where: EntryFilter, words: Iterable[str],
                      known_ids: Iterable[str] = ()) -> DamagedForget:
    """Remove from a damaged file's text the entries forgetting `ids` (or else what `where` accepts)
    removes, and every trace of `words` (what the forgotten entries said, from every copy) and of `ids`.
    `known_ids`: ids whose words are known from a readable copy, so they can be removed even from a
    damaged entry; any other id asked for that is found only in a damaged entry makes it `too_damaged`."""
    result = DamagedForget()
    chosen = chosen_in_damaged(text, ids, where)
    result.entries = len(chosen)
    known = set(known_ids) | {e.id for e in chosen}
    words = set(words) | {t for e in chosen for t in e.texts()}
    for entry in reversed(chosen):
        text = text[:entry.start] + "{}" + text[entry.end:]
    traces = 0
    for word in sorted(words, key=len, reverse=True):  # a longer text may contain a shorter one
        text, n = _remove_word(text, word)
        traces += n
    for entry_id in sorted(ids):
        quoted = json.dumps(entry_id)
        if quoted in text:
            if entry_id not in known:
                result.too_damaged.append(entry_id)
            traces += text.count(quoted)
            text = text.replace(quoted, '""')
    result.traces = traces
    if not ids:  # a filter: entries that cannot be read cannot be tested against it
        result.unreadable = max(0, len(_ID_KEY.findall(text)) - len(damaged_entries(text)))
    result.new_text = None if result.too_damaged else text
    return result


def _forms(word: str) -> list[str]:
    """How `word` can appear in the file: as the store writes it (JSON, non-ASCII as is), as JSON with
    \\u escapes, and as plain text."""
    forms = [json.dumps(word, ensure_ascii=False)[1:-1], json.dumps(word)[1:-1], word]
    return list(dict.fromkeys(forms))


def _remove_word(text: str, word: str) -> tuple[str, int]:
    """`text` without `word`: as a whole JSON string, unless it is one of the file's own words ("note");
    anywhere, when it is long enough and not part of one of those words; and its cut-off start when the
    text ends inside it. How many places were changed."""
    structure = word in _VOCABULARY  # "kind": "note" is not the note that said "note"
    loose = (len(word) >= LOOSE_MIN and any(c.isalpha() for c in word)  # not a year inside a date
             and not any(word in v for v in _VOCABULARY))
    count = 0
    for form in _forms(word):
        quoted = f'"{form}"'
        if not structure:
            count += text.count(quoted)
            text = text.replace(quoted, '""')
        if loose:
            count += text.count(form)
            text = text.replace(form, "")
        stripped = text.rstrip()
        for k in range(len(form), min(TAIL_PREFIX, len(form)) - 1, -1):
            if k > 0 and stripped.endswith('"' + form[:k]):
                text, count = stripped[:-k], count + 1
                break
    return text, count
