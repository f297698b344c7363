"""`togetherly notes`: list (filtered), print as JSON or export the notes; forgetting is `assistant.cli.forget`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from assistant import paths
from assistant.errors import TogetherlyError
from assistant.notes.kinds import listed_goal, listed_note, shown
from assistant.notes.store import NotesStore

if TYPE_CHECKING:
    from assistant.notes.query import EntryFilter



from datetime import datetime

from assistant.cli.forget import forget_notes
from assistant.cli.output import report as _report
from assistant.dialogue.decks import question_texts
from assistant.notes.query import EntryFilter, describe_entries, export, favourite_text, select


def notes(args: argparse.Namespace) -> int:
    """`togetherly notes`: list (filtered), export, or forget entries."""
    if args.since and args.until and args.since > args.until:
        raise TogetherlyError(f"--since {args.since} is after --until {args.until}: nothing could match")
    where = EntryFilter(frozenset(args.kind) if args.kind else None, args.since, args.until)
    if args.forget and not where.is_everything:
        raise TogetherlyError("--forget takes ids only; to forget by kind or date use --forget-all with "
                              "--kind/--since/--until")
    if args.forget or args.forget_all:
        return forget_notes(args.data_dir, where, args.forget or [], args.yes)
    if args.yes:
        raise TogetherlyError("--yes confirms --forget or --forget-all; on its own it does nothing")
    if args.export:
        return export_notes(args.data_dir, where, args.export, force=args.force)
    return show_notes(args.data_dir, as_json=args.json, where=where)


def _question_texts(data_dir: Path) -> dict[str, str]:
    return question_texts(paths.language_dir() / "decks", data_dir / "decks")


def show_notes(data_dir: Path | None, as_json: bool, where: EntryFilter | None = None) -> int:
    where = where or EntryFilter()
    store = NotesStore.in_dir(paths.data_dir(data_dir), report=_report)
    notes = store.load(allow_newer=True, read_only=True)  # a listing changes nothing, even a damaged file
    chosen = select(notes, where)
    if as_json:
        document = notes.model_dump(mode="json") if where.is_everything else {
            "filter": where.describe(), "notes": [n.model_dump(mode="json") for n in chosen.notes],
            "goals": [g.model_dump(mode="json") for g in chosen.goals]}
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return 0
    if not chosen and not (where.is_everything and notes.rituals.favourite_questions):
        print("No notes yet. Say \"start our check-in\" to make your first one." if where.is_everything
              else f"Nothing matches ({where.describe()}).")
        return 0
    for note in chosen.notes:
        print(listed_note(note))
    for goal in chosen.goals:
        print(listed_goal(goal))
    if where.is_everything and notes.rituals.favourite_questions:
        questions = _question_texts(paths.data_dir(data_dir))
        print("Favourite questions:")
        for question in notes.rituals.favourite_questions:
            print(f"    {shown(favourite_text(question, questions))}")
    return 0


def export_notes(data_dir: Path | None, where: EntryFilter, path: Path, *, force: bool = False) -> int:
    if path.is_dir():
        raise TogetherlyError(f"{path} is a folder: give the export a file name, e.g. {path / 'our-notes.md'}")
    if path.exists() and not force:
        raise TogetherlyError(f"{path} already exists: choose another name, or add --force to replace it")
    directory = paths.data_dir(data_dir)
    store = NotesStore.in_dir(directory, report=_report)
    written = export(store.load(allow_newer=True, read_only=True), where, path, datetime.now().astimezone(),
                     _question_texts(directory))
    print(f"Exported {describe_entries(written.counts())} to {path} (readable only by you).")
    return 0
