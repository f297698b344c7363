"""`togetherly notes --forget` / `--forget-all`: delete entries from the notes and from every copy of them,
damaged files set aside included (`assistant.notes.forgetting`)."""

from __future__ import annotations

import sys
from pathlib import Path

from assistant import paths
from assistant.cli.output import report as _report
from assistant.errors import TogetherlyError
from assistant.notes.forgetting import plan_forget
from assistant.notes.query import EntryFilter
from assistant.notes.store import NotesStore


def forget_notes(data_dir: Path | None, where: EntryFilter, ids: list[str], confirmed: bool) -> int:
    """Delete entries by id, or everything `where` selects, from the notes and every copy of them; asks
    first unless `confirmed`, and says what went from where."""
    store = NotesStore.in_dir(paths.data_dir(data_dir), report=_report)
    plan = plan_forget(store, where, ids)
    if plan.empty:
        print(f"Nothing to forget ({where.describe()}).")
        for line in plan.searched():
            print(line)
        return 0
    if not confirmed and not _confirm(plan.in_words()):
        return 1
    for line in plan.carry_out():
        print(line)
    return 0


def _confirm(planned: str) -> bool:
    """Ask at a terminal; anywhere else (a script, a pipe) refuse: deleting needs an explicit --yes."""
    if not sys.stdin.isatty():
        raise TogetherlyError(f"this would delete {planned} for good; add --yes to confirm "
                              "(nothing was deleted)")
    answer = input(f"Delete {planned} for good? [y/N] ").strip().lower()
    if answer in ("y", "yes"):
        return True
    print("Nothing was deleted.")
    return False
