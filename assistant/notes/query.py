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
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from assistant.clock import local_day
from assistant.errors import TogetherlyError
from assistant.notes.kinds import BY_KIND, KINDS, markdown_goal, markdown_note
from assistant.notes.models import (
    Goal,
    Note,
    NotesFile,
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
