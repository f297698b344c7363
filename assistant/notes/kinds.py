"""Each kind of entry defined once: what it is called, where its private words are, and how it is listed
at the terminal, written into a Markdown export and read back aloud.

Adding a kind of note touches its model (`assistant.notes.models`), this module and the response file of
its spoken read-back. Nothing here imports pydantic, so `togetherly --help` stays fast.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.notes.models import Goal, Note


@dataclass(frozen=True)
class EntryKind:
    kind: str
    """As stored (a note's `kind`; goals are kept apart and have none) and as `--kind` takes it."""
    label: str
    plural: str
    private: tuple[str, ...]
    """Where what the couple said is kept: field names, `partners.high` inside each partner's part.
    Forgetting removes these words from every copy; the questions asked and the names are not private."""

    def counted(self, n: int) -> str:
        return f"{n} {self.label if n == 1 else self.plural}"


ENTRY_KINDS = (
    EntryKind("checkin", "check-in", "check-ins", ("partners.high", "partners.low")),
    EntryKind("note", "note", "notes", ("text",)),
    EntryKind("answer", "saved answer", "saved answers", ("text",)),
    EntryKind("appreciation", "appreciation", "appreciations", ("text",)),
    EntryKind("parked", "parked topic", "parked topics", ("partners.text",)),
    EntryKind("goal", "goal", "goals", ("text",)),
)
BY_KIND = {k.kind: k for k in ENTRY_KINDS}
KINDS = tuple(BY_KIND)
"""Every kind, notes first and goals last: the order listings and counts use."""
NOTE_KINDS = KINDS[:-1]


def private_words(kind: str, fields: Mapping[str, Any]) -> set[str]:
    """The private words of one entry, given as its JSON fields (a model's dump, or an entry read out of a
    damaged file, where any field may be missing or of the wrong type)."""
    entry_kind = BY_KIND.get(kind)
    if entry_kind is None:
        return set()
    found: set[str] = set()
    for place in entry_kind.private:
        name, _, inner = place.partition(".")
        values = fields.get(name)
        if inner:
            for part in values if isinstance(values, list) else []:
                word = part.get(inner) if isinstance(part, dict) else None
                if isinstance(word, str):
                    found.add(word)
        elif isinstance(values, str):
            found.add(values)
    return {word for word in found if word}


def shown(text: str) -> str:
    """Text from the notes as a terminal should show it: control characters (line breaks, ANSI escapes)
    written as escapes, so a saved answer can never move the cursor, recolour or fake a line."""
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def goal_status(goal: Goal) -> str:
    """"open, review on …" or "reached …", as both the listing and the export say it."""
    if goal.done_at:
        return f"reached {goal.done_at.strftime('%Y-%m-%d')}"
    return f"open, review on {goal.review_on.isoformat()}" if goal.review_on else "open"


# -- the terminal listing (`togetherly notes`) ------------------------------------------------------------
MISHEARD = " (may be misheard)"
"""After a note or goal whose answer was still unclear when asked again."""


def listed_note(note: Note) -> str:
    """A few readable lines for one note."""
    head = f"{note.created_at.strftime('%Y-%m-%d %H:%M')}  {BY_KIND[note.kind].label}{MISHEARD if note.unsure else ''}"
    if note.kind == "checkin":
        lines = [f"{head}{'' if note.completed else ' (stopped early)'}  [{note.id}]"]
        for part in note.partners:
            name = shown(part.partner)
            lines.append(f"    {name}: high: {shown(part.high) if part.high else '(skipped)'}")
            lines.append(f"    {' ' * len(name)}  low:  {shown(part.low) if part.low else '(skipped)'}")
        return "\n".join(lines)
    if note.kind == "answer":
        return f"{head}  [{note.id}]\n    Q: {shown(note.question)}\n    A: {shown(note.text)}"
    if note.kind == "parked":
        return "\n".join([f"{head}  [{note.id}]", *(f"    {shown(p.partner)}: {shown(p.text)}" for p in note.partners)])
    who = f"{shown(note.partner)}: " if note.partner else ""
    return f"{head}  [{note.id}]\n    {who}{shown(note.text)}"


def listed_goal(goal: Goal) -> str:
    when = goal.created_at.strftime("%Y-%m-%d %H:%M")
    return f"{when}  goal ({goal_status(goal)}){MISHEARD if goal.unsure else ''}  [{goal.id}]\n    {shown(goal.text)}"


# -- the Markdown export -------------------------------------------------------------------------------
def markdown_note(note: Note) -> list[str]:
    when = note.created_at.strftime("%Y-%m-%d %H:%M")
    stopped = " (stopped early)" if note.kind == "checkin" and not note.completed else ""
    misheard = MISHEARD if note.unsure else ""
    lines = [f"### {when} · {BY_KIND[note.kind].label}{stopped}{misheard}", f"*id {note.id}*", ""]
    if note.kind == "checkin":
        for part in note.partners:
            lines.append(f"- **{part.partner}**: high: {part.high or '(skipped)'}; low: {part.low or '(skipped)'}")
        return lines
    if note.kind == "answer":
        lines += [f"> {note.question}", ""]
    if note.kind == "parked":
        return [*lines, *(f"- **{p.partner}**: {p.text}" for p in note.partners)]
    who = f"{note.partner}: " if note.partner else ""
    return [*lines, f"{who}{note.text}"]


def markdown_goal(goal: Goal) -> str:
    box = "x" if goal.done_at else " "
    return f"- [{box}] {goal.text} (set {goal.created_at.strftime('%Y-%m-%d')}, {goal_status(goal)}; id {goal.id})"


# -- read back aloud ------------------------------------------------------------------------------------
def spoken_note(note: Note, day: str) -> Iterator[tuple[str, dict[str, str]]]:
    """The lines (response key, values) that read one note aloud; `day` is the spoken day ("yesterday")."""
    if note.kind == "checkin":
        yield "notes.checkin_intro", {"day": day}
        for part in note.partners:
            if part.high:
                yield "notes.checkin_high", {"name": part.partner, "text": _spoken_text(part.high)}
            if part.low:
                yield "notes.checkin_low", {"name": part.partner, "text": _spoken_text(part.low)}
    elif note.kind == "note":
        yield "notes.free_note", {"day": day, "text": _spoken_text(note.text)}
    elif note.kind == "answer":
        yield "notes.answer", {"day": day, "question": note.question, "text": _spoken_text(note.text)}
    elif note.kind == "parked":
        yield "notes.parked_intro", {"day": day}
        for words in note.partners:
            yield "notes.parked_words", {"name": words.partner, "text": _spoken_text(words.text)}
    else:
        yield "notes.appreciation", {"day": day, "name": note.partner, "text": _spoken_text(note.text)}


def _spoken_text(text: str) -> str:
    """Dictated text without its closing full stop (the line adds its own)."""
    return text.strip().rstrip(".")
