"""Looking through saved entries outside a conversation: filter by kind and date, export to
Markdown or JSON (readable by the owner only), and forget entries on request.

Entries are the notes (check-ins, dictated notes, saved answers, appreciations) and the goals; both
carry an id. The ritual log (hugs, breaks, date nights, question memory) holds no ids and is only
cleared by forgetting everything.

A notes file set aside as unreadable is not valid JSON, but most of it usually is: forgetting reads
out of its raw text the entries that still parse on their own, and searches it for the words of the
entries being forgotten (`forget_in_damaged`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from assistant.clock import local_day
from assistant.errors import TogetherlyError
from assistant.notes.kinds import BY_KIND, KINDS, markdown_goal, markdown_note, private_words
from assistant.notes.models import (
    AnswerNote,
    AppreciationNote,
    CheckInNote,
    FreeNote,
    Goal,
    Note,
    NotesFile,
    PartnerCheckIn,
    RitualLog,
)
from assistant.private_files import write_private

EXPORT_FORMATS = {".md": "markdown", ".markdown": "markdown", ".json": "json"}



@dataclass(frozen=True)
class EntryFilter:
    kinds: frozenset[str] | None = None
    """None: every kind."""
    since: date | None = None
    """First day included (local date)."""
    until: date | None = None
    """Last day included (local date)."""

    @property
    def is_everything(self) -> bool:
        return self.kinds is None and self.since is None and self.until is None

    def accepts(self, kind: str, moment: datetime) -> bool:
        if self.kinds is not None and kind not in self.kinds:
            return False
        day = local_day(moment)
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)

    def describe(self) -> str:
        parts = [", ".join(BY_KIND[k].plural for k in KINDS if k in self.kinds)] if self.kinds else []
        if self.since:
            parts.append(f"from {self.since.isoformat()}")
        if self.until:
            parts.append(f"until {self.until.isoformat()}")
        return "; ".join(parts) or "everything"


@dataclass
class Selection:
    notes: list[Note] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.notes) + len(self.goals)

    def counts(self) -> Counter[str]:
        return Counter([n.kind for n in self.notes] + ["goal"] * len(self.goals))


def select(data: NotesFile, where: EntryFilter) -> Selection:
    """The entries `where` accepts, oldest first."""
    notes = sorted((n for n in data.notes if where.accepts(n.kind, n.created_at)), key=lambda n: n.created_at)
    goals = sorted((g for g in data.goals if where.accepts("goal", g.created_at)), key=lambda g: g.created_at)
    return Selection(notes, goals)


# -- export -------------------------------------------------------------------------------------------
def export_format(path: Path) -> str:
    try:
        return EXPORT_FORMATS[path.suffix.lower()]
    except KeyError:
        raise TogetherlyError(f"cannot tell the export format from {path.name!r}: name it .md (Markdown) "
                              "or .json") from None


def to_json(data: NotesFile, chosen: Selection, where: EntryFilter, exported_at: datetime,
            questions: Mapping[str, str]) -> str:
    document: dict[str, Any] = {
        "exported_at": exported_at.isoformat(timespec="seconds"),
        "filter": where.describe(),
        "schema_version": data.schema_version,
        "notes": [n.model_dump(mode="json") for n in chosen.notes],
        "goals": [g.model_dump(mode="json") for g in chosen.goals],
    }
    if where.is_everything:  # the ritual log has no kinds or ids: only part of a full export
        document["rituals"] = data.rituals.model_dump(mode="json")
        document["favourite_questions"] = [{"id": q, "text": questions.get(q)}
                                           for q in data.rituals.favourite_questions]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def to_markdown(data: NotesFile, chosen: Selection, where: EntryFilter, exported_at: datetime,
                questions: Mapping[str, str]) -> str:
    lines = ["# Togetherly notes", "",
             f"Exported {exported_at.strftime('%Y-%m-%d %H:%M')} ({where.describe()}).", ""]
    if not chosen:
        lines += ["Nothing matched.", ""]
    if chosen.notes:
        lines += ["## Notes", ""]
        for note in chosen.notes:
            lines += [*markdown_note(note), ""]
    if chosen.goals:
        lines += ["## Goals", ""]
        lines += [markdown_goal(g) for g in chosen.goals]
        lines.append("")
    if where.is_everything:
        lines += _rituals_markdown(data.rituals, questions)
    return "\n".join(lines).rstrip("\n") + "\n"


def _rituals_markdown(log: RitualLog, questions: Mapping[str, str]) -> list[str]:
    lines = ["## Rituals", ""]
    lines.append(f"- Timed hugs: {log.timed('hug')}")
    lines.append(f"- Timed kisses: {log.timed('kiss')}")
    lines.append(f"- Calm-down breaks: {len(log.breaks)}")
    lines.append(f"- Date nights: {len(log.date_nights)}"
                 + (f" (last planned by {max(log.date_nights, key=lambda d: d.at).planner})"
                    if log.date_nights else ""))
    lines.append(f"- Question-game questions asked: {sum(len(v) for v in log.asked_questions.values())}")
    if log.favourite_questions:
        lines += ["", "### Our favourite questions", "", *(f"- {favourite_text(q, questions)}"
                                                             for q in log.favourite_questions)]
    if log.agreements:
        lines += ["", "### Our fair-fighting agreements", "", *(f"- {a}" for a in log.agreements)]
    lines.append("")
    return lines


def write_export(path: Path, text: str) -> None:
    """The export, owner-only and whole (`private_files.write_private`), or a TogetherlyError saying why."""
    try:
        write_private(path, text)
    except OSError as exc:
        raise TogetherlyError(f"cannot write {path}: {exc.strerror or exc}") from exc


def export(data: NotesFile, where: EntryFilter, path: Path, exported_at: datetime,
           questions: Mapping[str, str] | None = None) -> Selection:
    """Write the entries `where` accepts to `path` (format from its extension); what was written.
    `questions` (id -> text) words the saved favourite questions."""
    render = to_markdown if export_format(path) == "markdown" else to_json
    chosen = select(data, where)
    write_export(path, render(data, chosen, where, exported_at, questions or {}))
    return chosen


def favourite_text(question_id: str, questions: Mapping[str, str]) -> str:
    """A saved favourite as the couple heard it; a question whose deck is gone keeps its id."""
    text = questions.get(question_id)
    return text if text is not None else f"(a question no longer in the decks: {question_id})"


# -- forgetting ---------------------------------------------------------------------------------------
def unknown_ids(data: NotesFile, ids: list[str]) -> list[str]:
    known = {n.id for n in data.notes} | {g.id for g in data.goals}
    return [i for i in ids if i not in known]


def forget_ids(data: NotesFile, ids: set[str]) -> Selection:
    """Remove the entries with these ids; what was removed."""
    removed = Selection([n for n in data.notes if n.id in ids], [g for g in data.goals if g.id in ids])
    data.notes = [n for n in data.notes if n.id not in ids]
    data.goals = [g for g in data.goals if g.id not in ids]
    return removed


def forget_selection(data: NotesFile, where: EntryFilter) -> tuple[Selection, RitualLog | None]:
    """Remove what `where` accepts; forgetting everything also clears the ritual log (returned)."""
    removed = select(data, where)
    forget_ids(data, {n.id for n in removed.notes} | {g.id for g in removed.goals})
    if not where.is_everything:
        return removed, None
    cleared, data.rituals = data.rituals, RitualLog()
    return removed, cleared


def describe_entries(counts: Counter[str], rituals: RitualLog | None = None) -> str:
    """`2 check-ins, 1 note and 3 goals`, with the ritual history when it goes too; `nothing` if empty."""
    parts = [BY_KIND[k].counted(counts[k]) for k in KINDS if counts[k]]
    if rituals is not None and rituals != RitualLog():
        parts.append(describe_rituals(rituals))
    if not parts:
        return "nothing"
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def describe_rituals(log: RitualLog) -> str:
    counts = {"hug": len(log.hugs), "calm-down break": len(log.breaks), "date night": len(log.date_nights),
              "asked question": sum(len(v) for v in log.asked_questions.values()),
              "favourite question": len(log.favourite_questions), "agreement": len(log.agreements)}
    listed = ", ".join(f"{n} {what}{'' if n == 1 else 's'}" for what, n in counts.items() if n)
    return f"the ritual history ({listed})" if listed else "the ritual history"


# -- forgetting in files set aside as unreadable ------------------------------------------------------
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
    models: list[type[BaseModel]] = [NotesFile, RitualLog, CheckInNote, FreeNote, AnswerNote, AppreciationNote,
                                     Goal, PartnerCheckIn]
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
