"""Forgetting entries everywhere they are kept: the notes file, changes kept from a failed save, upgrade
backups and files set aside as unreadable. `togetherly notes --forget` and "forget that note" by voice both
plan here and carry the plan out; only how they ask and what they say differ.

Changes kept from a failed save (recovery files) are saved into the notes first, so they are forgotten with
the rest and their files removed. Upgrade backups lose the same entries. A file set aside as unreadable is
searched as raw text: the entries that can still be read out of it go, and so does every trace of what the
forgotten entries said; when an entry asked for by id is in it but too damaged to tell what it said, the file
is deleted whole. Forgetting everything (no ids, no filter) deletes those files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

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


@dataclass
class ForgetPlan:
    """What forgetting would delete, from where; `carry_out` does it."""

    store: NotesStore
    where: EntryFilter
    ids: list[str]
    kept: list[Path]
    """Recovery files that were saved into the notes first (loading did it)."""
    backups: list[Path]
    in_backups: list[Path]
    copies: list[Path]
    """Whole older copies to delete (forgetting everything)."""
    damaged: dict[Path, DamagedForget]
    planned: str
    """The entries it deletes from the notes, in words ("1 check-in"), or "nothing"."""

    @property
    def found(self) -> list[Path]:
        return [path for path, result in self.damaged.items() if result.found]

    @property
    def empty(self) -> bool:
        return self.planned == "nothing" and not self.copies and not self.in_backups and not self.found

    def change(self, data: NotesFile) -> str:
        """Forget in one copy of the notes; what went, in words."""
        if self.ids:
            return describe_entries(forget_ids(data, set(self.ids)).counts())
        removed, rituals = forget_selection(data, self.where)
        return describe_entries(removed.counts(), rituals)

    def in_words(self) -> str:
        """What forgetting is about to delete, for the question (or the refusal without --yes)."""
        planned, copies, in_backups, found = self.planned, self.copies, self.in_backups, self.found
        whole = [path for path in found if self.damaged[path].new_text is None]
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
            what += (f" ({_names(whole)} whole: an entry asked for is in {'it' if len(whole) == 1 else 'them'}, "
                     "too damaged to remove alone)")
        return what

    def carry_out(self) -> list[str]:
        """Forget, everywhere planned; what was done, as lines for the terminal (never an entry's words)."""
        store, said = self.store, []
        done: list[str] = []
        store.update(lambda data: done.append(self.change(data)))
        if done[0] != "nothing":
            said.append(f"Forgot {done[0]}. It is gone from {store.path}.")
        if self.kept:
            left = [p for p in self.kept if p.exists()]
            gone = "that file is" if len(self.kept) == 1 else "those files are"
            said.append(f"Changes kept from a failed save ({_names(self.kept)}) were saved into the notes first, "
                        "so they were included" + (f"; could not delete {_names(left)}: delete it by hand."
                                                   if left else f"; {gone} gone."))
        changed = [path for path in self.in_backups if store.copies.forget_in_backup(path, self.change)]
        if changed:
            said.append(f"Also removed from {_count(changed, 'backup', 'backups')}: {_names(changed)}.")
        for path in self.found:
            said.append(self._forget_in_damaged_file(path, self.damaged[path]))
        if self.copies:
            store.copies.delete_copies(self.copies)
            said.append(f"Deleted {_count(self.copies, 'older copy', 'older copies')} of the notes file: "
                        f"{_names(self.copies)}.")
        return said + self.searched()

    def searched(self) -> list[str]:
        """Files set aside as unreadable that were searched and held none of it; and what could not be checked."""
        said = []
        clean = [path for path, result in self.damaged.items() if not result.found and not result.unreadable]
        if clean:
            said.append(f"Also searched {_names(clean)} (set aside as unreadable): none of it was there.")
        for path, result in self.damaged.items():
            if result.unreadable:
                n = result.unreadable
                said.append(f"{path.name} (set aside as unreadable) holds {n} damaged "
                            f"{'entry' if n == 1 else 'entries'} whose kind and date cannot be read, so they could "
                            "not be checked against the filter. `togetherly notes --forget-all --yes` deletes "
                            "everything, these files included.")
        return said

    def _forget_in_damaged_file(self, path: Path, result: DamagedForget) -> str:
        if result.new_text is None:
            self.store.copies.delete_copies([path])
            return (f"Deleted {path.name} (set aside as unreadable): it held {', '.join(result.too_damaged)} too "
                    "damaged to remove alone.")
        self.store.copies.rewrite_copy(path, result.new_text.encode("utf-8", "surrogateescape"))
        parts = [f"{result.entries} {'entry' if result.entries == 1 else 'entries'}"] if result.entries else []
        if result.traces:
            parts.append(f"{result.traces} other {'trace' if result.traces == 1 else 'traces'} of them")
        return (f"Also removed from {path.name} (set aside as unreadable): {' and '.join(parts)}; the rest of it "
                "is left as it was.")


def plan_forget(store: NotesStore, where: EntryFilter, ids: list[str]) -> ForgetPlan:
    """Plan forgetting entries by id, or everything `where` selects; TogetherlyError for an id that is nowhere."""
    kept = [p for p in store.recovery_files if p.exists()]
    current = store.load()  # saves changes kept from a failed save into the file, then removes their copies
    everything = not ids and where.is_everything
    wanted = set(ids)

    def chosen(data: NotesFile) -> Selection:
        if ids:
            return Selection([n for n in data.notes if n.id in wanted], [g for g in data.goals if g.id in wanted])
        return select(data, where)

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
    plan = ForgetPlan(store, where, ids, kept, list(backups), [], [*backups, *store.copies.set_aside()]
                      if everything else [], damaged, "nothing")
    plan.planned = plan.change(current.model_copy(deep=True))
    plan.in_backups = [path for path, data in backups.items() if not everything and data is not None
                       and plan.change(data) != "nothing"]
    return plan


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


def _raw_text(path: Path) -> str:
    """A damaged file's text, every byte kept (bytes that are not UTF-8 come back unchanged on encoding)."""
    try:
        return path.read_bytes().decode("utf-8", "surrogateescape")
    except OSError as exc:
        raise TogetherlyError(f"cannot read {path} to search it: {exc.strerror or exc}; nothing was deleted") \
            from exc


def _count(items: list[Path], one: str, many: str) -> str:
    return f"{len(items)} {one if len(items) == 1 else many}"


def _names(items: list[Path]) -> str:
    return ", ".join(path.name for path in items)
