"""`togetherly notes --forget` / `--forget-all`: delete entries from the notes and from every copy of them,
damaged files set aside included."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from assistant import paths
from assistant.cli.output import report as _report
from assistant.errors import TogetherlyError
from assistant.notes.damaged import DamagedForget, chosen_in_damaged, forget_in_damaged, private_texts
from assistant.notes.models import NotesFile
from assistant.notes.query import (
    EntryFilter,
    Selection,
    describe_entries,
    forget_ids,
    forget_selection,
    select,
    unknown_ids,
)
from assistant.notes.store import NotesStore


def forget_notes(data_dir: Path | None, where: EntryFilter, ids: list[str], confirmed: bool) -> int:
    """Delete entries by id, or everything `where` selects, from the notes and every copy of them; asks
    first unless `confirmed`, and says what went from where.

    Changes kept from a failed save (recovery files) are saved into the notes first, so they are forgotten
    with the rest and their files removed. Upgrade backups lose the same entries. A file set aside as
    unreadable is searched as raw text: the entries that can still be read out of it go, and so does every
    trace of what the forgotten entries said; when an entry asked for by id is in it but too damaged to
    tell what it said, the file is deleted whole. Forgetting everything (`--forget-all`, no filter)
    deletes those files.
    """
    store = NotesStore.in_dir(paths.data_dir(data_dir), report=_report)
    kept = [p for p in store.recovery_files if p.exists()]
    current = store.load()  # saves changes kept from a failed save into the file, then removes their copies
    everything = not ids and where.is_everything
    wanted = set(ids)

    def chosen(data: NotesFile) -> Selection:
        if ids:
            return Selection([n for n in data.notes if n.id in wanted], [g for g in data.goals if g.id in wanted])
        return select(data, where)

    def change(data: NotesFile) -> str:
        if ids:
            return describe_entries(forget_ids(data, wanted).counts())
        removed, rituals = forget_selection(data, where)
        return describe_entries(removed.counts(), rituals)

    backups = {path: store.copies.read_backup(path) for path in store.copies.backups()}
    readable = [current, *(data for data in backups.values() if data is not None)]
    asides = {} if everything else {path: _raw_text(path) for path in store.copies.set_aside()}
    if ids:
        missing = [i for i in ids if all(unknown_ids(data, [i]) for data in readable)
                   and not any(json.dumps(i) in text for text in asides.values())]
        if missing:
            raise TogetherlyError(f"no entry with id {', '.join(missing)}; nothing was deleted "
                                  "(`togetherly notes` shows the ids)")
    damaged = _plan_damaged(asides, [chosen(data) for data in readable], wanted, where)
    found = [path for path, result in damaged.items() if result.found]
    whole = [path for path in found if damaged[path].new_text is None]

    planned = change(current.model_copy(deep=True))
    copies = [*backups, *store.copies.set_aside()] if everything else []
    in_backups = [path for path, data in backups.items() if not everything and data is not None
                  and change(data) != "nothing"]
    if planned == "nothing" and not copies and not in_backups and not found:
        print(f"Nothing to forget ({where.describe()}).")
        _mention_searched(damaged)
        return 0
    what = _plan_in_words(planned, copies, in_backups, found, whole)
    if not confirmed and not _confirm(what):
        return 1
    done: list[str] = []
    store.update(lambda data: done.append(change(data)))
    if done[0] != "nothing":
        print(f"Forgot {done[0]}. It is gone from {store.path}.")
    if kept:
        left = [p for p in kept if p.exists()]
        print(f"Changes kept from a failed save ({_names(kept)}) were saved into the notes first, so they were "
              "included" + (f"; could not delete {_names(left)}: delete it by hand." if left
                            else f"; {'that file is' if len(kept) == 1 else 'those files are'} gone."))
    changed = [path for path in in_backups if store.copies.forget_in_backup(path, change)]
    if changed:
        print(f"Also removed from {_count(changed, 'backup', 'backups')}: {_names(changed)}.")
    for path in found:
        _forget_in_damaged_file(store, path, damaged[path])
    if copies:
        store.copies.delete_copies(copies)
        print(f"Deleted {_count(copies, 'older copy', 'older copies')} of the notes file: {_names(copies)}.")
    _mention_searched(damaged)
    return 0


def _plan_in_words(planned: str, copies: list[Path], in_backups: list[Path], found: list[Path],
                   whole: list[Path]) -> str:
    """What forgetting is about to delete, for the question (or the refusal without --yes)."""
    if copies:
        files = f"{_count(copies, 'older copy', 'older copies')} of the notes file ({_names(copies)})"
        return files if planned == "nothing" else f"{planned} and {files}"
    also = [_count(in_backups, "backup", "backups")] if in_backups else []
    if found:
        also.append(f"{_count(found, 'file', 'files')} set aside as unreadable")
    in_ = " and ".join(also)
    if not also:
        what = planned
    else:
        what = f"{planned} (also in {in_})" if planned != "nothing" else f"those entries from {in_}"
    if whole:
        what += (f" ({_names(whole)} whole: an entry asked for is in {'it' if len(whole) == 1 else 'them'}, too "
                 "damaged to remove alone)")
    return what


def _plan_damaged(asides: dict[Path, str], selections: list[Selection], wanted: set[str],
                  where: EntryFilter) -> dict[Path, DamagedForget]:
    """What forgetting takes out of each file set aside as unreadable (`asides`: their raw text).
    `selections`: the entries being forgotten, as each readable copy holds them."""
    # What the forgotten entries said, from every copy that can be read, to find it in damaged ones too.
    words: set[str] = set()
    known: set[str] = set()
    for selection in selections:
        words |= private_texts(selection)
        known |= {entry.id for entry in [*selection.notes, *selection.goals]}
    for text in asides.values():
        for entry in chosen_in_damaged(text, wanted, where):
            words |= entry.texts()
            known.add(entry.id)
    return {path: forget_in_damaged(text, wanted, where, words, known) for path, text in asides.items()}


def _forget_in_damaged_file(store: NotesStore, path: Path, result: DamagedForget) -> None:
    if result.new_text is None:
        store.copies.delete_copies([path])
        print(f"Deleted {path.name} (set aside as unreadable): it held {', '.join(result.too_damaged)} too "
              "damaged to remove alone.")
        return
    store.copies.rewrite_copy(path, result.new_text.encode("utf-8", "surrogateescape"))
    parts = [f"{result.entries} {'entry' if result.entries == 1 else 'entries'}"] if result.entries else []
    if result.traces:
        parts.append(f"{result.traces} other {'trace' if result.traces == 1 else 'traces'} of them")
    print(f"Also removed from {path.name} (set aside as unreadable): {' and '.join(parts)}; the rest of it is "
          "left as it was.")


def _raw_text(path: Path) -> str:
    """A damaged file's text, every byte kept (bytes that are not UTF-8 come back unchanged on encoding)."""
    try:
        return path.read_bytes().decode("utf-8", "surrogateescape")
    except OSError as exc:
        raise TogetherlyError(f"cannot read {path} to search it: {exc.strerror or exc}; nothing was deleted") \
            from exc


def _mention_searched(damaged: dict[Path, DamagedForget]) -> None:
    """Files set aside as unreadable that were searched and held none of it; and what could not be checked."""
    clean = [path for path, result in damaged.items() if not result.found and not result.unreadable]
    if clean:
        print(f"Also searched {_names(clean)} (set aside as unreadable): none of it was there.")
    for path, result in damaged.items():
        if result.unreadable:
            n = result.unreadable
            print(f"{path.name} (set aside as unreadable) holds {n} damaged {'entry' if n == 1 else 'entries'} "
                  "whose kind and date cannot be read, so they could not be checked against the filter. "
                  "`togetherly notes --forget-all --yes` deletes everything, these files included.")


def _count(items: list[Path], one: str, many: str) -> str:
    return f"{len(items)} {one if len(items) == 1 else many}"


def _names(items: list[Path]) -> str:
    return ", ".join(path.name for path in items)


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
