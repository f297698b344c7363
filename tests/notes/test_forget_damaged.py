"""`togetherly notes --forget` searches files set aside as unreadable (`notes.json.corrupt-<time>`): damaged
files made from what the real store writes (cut short, overwritten with bytes that are not text, broken in
the middle), set aside by the real store, and the real command in a subprocess. What is forgotten is gone
from every file afterwards; what was not asked for stays."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from assistant.notes.models import CheckInNote, FreeNote, Goal, NotesFile, PartnerCheckIn
from assistant.notes.recovery import RECOVERY_DIR_ENV
from assistant.notes.store import NotesStore
from tests.support.disks import holding

SECRET = "the surprise trip to Porto"
OTHER = "water the basil"
LOW = "a flat tyre on the way home"
AT = datetime(2026, 3, 2, 20, 0).astimezone()


def togetherly(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", "notes", "--data-dir", str(data), *args],
                          capture_output=True, text=True, timeout=60, check=False,
                          env={**os.environ, "TOGETHERLY_DATA_DIR": "", RECOVERY_DIR_ENV: str(data.parent / "st")})


def written(notes: NotesFile, folder: Path) -> bytes:
    """What the real store writes for `notes`."""
    NotesStore.in_dir(folder).save(notes)
    return (folder / "notes.json").read_bytes()


def set_aside(data: Path, damaged: bytes) -> Path:
    """Put `damaged` as the notes file and let the real store find it unreadable and set it aside."""
    data.mkdir(mode=0o700, exist_ok=True)
    (data / "notes.json").write_bytes(damaged)
    store = NotesStore.in_dir(data, lambda _: None)
    store.load()
    [aside] = store.copies.set_aside()
    assert aside.read_bytes() == damaged
    return aside


def three_notes() -> NotesFile:
    return NotesFile(
        notes=[FreeNote(id="secret000001", created_at=AT, text=SECRET),
               CheckInNote(id="checkin00002", created_at=AT.replace(day=3), completed=True,
                           partners=[PartnerCheckIn(partner="Sam", high="pancakes", low=LOW)]),
               FreeNote(id="other0000003", created_at=AT.replace(day=4), text=OTHER)],
        goals=[Goal(id="goal00000004", created_at=AT.replace(day=5), text="a walk every sunday")])


def test_an_entry_only_in_a_damaged_file_is_found_by_id_and_cut_out_of_it(tmp_path: Path) -> None:
    whole = written(three_notes(), tmp_path / "w")
    damaged = whole[:whole.rindex(b'"a walk every')]  # cut short, as a failing disk might leave it
    aside = set_aside(tmp_path / "data", damaged)
    data = tmp_path / "data"
    assert holding(data) == [aside.name]

    asked = togetherly(data, "--forget", "secret000001")
    assert asked.returncode == 1
    assert "this would delete those entries from 1 file set aside as unreadable for good; add --yes" in asked.stderr
    assert aside.read_bytes() == damaged, "nothing changed without --yes"

    result = togetherly(data, "--forget", "secret000001", "--yes")
    assert result.returncode == 0, result.stderr
    assert (f"Also removed from {aside.name} (set aside as unreadable): 1 entry; the rest of it is left as it was."
            in result.stdout)
    assert holding(data) == [] and holding(data, words="secret000001") == []
    assert holding(data, words=OTHER) == [aside.name] and holding(data, words=LOW) == [aside.name], \
        "the rest of the damaged file is kept, for whoever wants to rescue it"
    assert aside.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in data.iterdir()) == sorted(["notes.json", aside.name]), "no temp file left"


def test_the_words_of_a_forgotten_entry_are_removed_from_damage_no_parser_could_read(tmp_path: Path) -> None:
    data = tmp_path / "data"
    whole = written(three_notes(), tmp_path / "w")
    start = whole.index(b'"id": "checkin00002"')
    damaged = b"\xff\xfe\x00" + whole[start:start + 400] + b"\x00\x9c" + SECRET.encode() + b"\x00"
    aside = set_aside(data, damaged)
    store = NotesStore.in_dir(data)
    for note in three_notes().notes:
        store.add(note)
    assert holding(data, words=LOW) == sorted(["notes.json", aside.name])

    result = togetherly(data, "--forget", "checkin00002", "secret000001", "--yes")
    assert result.returncode == 0, result.stderr
    assert "Forgot 1 check-in and 1 note." in result.stdout
    assert f"Also removed from {aside.name} (set aside as unreadable): 4 other traces of them;" in result.stdout
    assert holding(data, words=LOW) == [] and holding(data) == [] and holding(data, words="checkin00002") == []
    left = aside.read_bytes()
    assert left.startswith(b"\xff\xfe\x00") and b"\x00\x9c" in left, "bytes that are not text are kept as they were"
    assert b'"partner": "Sam"' in left and b"pancakes" not in left, "what the check-in said is gone, no more"


def test_a_file_cut_short_inside_a_forgotten_text_loses_that_text_too(tmp_path: Path) -> None:
    data = tmp_path / "data"
    whole = written(three_notes(), tmp_path / "w")
    damaged = whole[:whole.index(SECRET.encode()) + 14]  # ends in the middle: "the surprise t
    aside = set_aside(data, damaged)
    NotesStore.in_dir(data).add(FreeNote(id="secret000001", created_at=AT, text=SECRET))
    assert holding(data, words=SECRET[:14]) == sorted(["notes.json", aside.name])

    result = togetherly(data, "--forget", "secret000001", "--yes")
    assert result.returncode == 0, result.stderr
    assert "Forgot 1 note." in result.stdout and f"Also removed from {aside.name}" in result.stdout
    assert holding(data, words=SECRET[:5]) == [], "not even the start of it is left"


def test_an_entry_too_damaged_to_cut_out_means_the_whole_file_goes_after_asking(tmp_path: Path) -> None:
    data = tmp_path / "data"
    whole = written(three_notes(), tmp_path / "w")
    secret_at = whole.index(SECRET.encode())
    damaged = whole[:secret_at - 3] + b"\x00\x00\x00" + whole[secret_at:]  # the quote before its text is gone
    damaged = damaged.replace(SECRET.encode(), b"the surprise \x00\x00\x00\x00 to Porto")  # and its words too
    aside = set_aside(data, damaged)

    asked = togetherly(data, "--forget", "secret000001")
    assert asked.returncode == 1
    assert (f"this would delete those entries from 1 file set aside as unreadable ({aside.name} whole: an entry "
            "asked for is in it, too damaged to remove alone) for good; add --yes") in asked.stderr
    assert aside.exists()

    result = togetherly(data, "--forget", "secret000001", "--yes")
    assert result.returncode == 0, result.stderr
    assert f"Deleted {aside.name} (set aside as unreadable): it held secret000001 too damaged to remove alone." \
        in result.stdout
    assert not aside.exists() and holding(data, words="Porto") == []


def test_forgetting_by_kind_reads_damaged_entries_and_says_which_it_cannot_check(tmp_path: Path) -> None:
    data = tmp_path / "data"
    whole = written(three_notes(), tmp_path / "w")
    broken = whole.index(b'"created_at"', whole.index(b'"other0000003"'))
    damaged = whole[:broken] + b"\x00" + whole[broken + 1:]  # the last note can no longer be read
    aside = set_aside(data, damaged)

    result = togetherly(data, "--forget-all", "--kind", "note", "--until", "2026-03-02", "--yes")
    assert result.returncode == 0, result.stderr
    assert f"Also removed from {aside.name} (set aside as unreadable): 1 entry; the rest of it" in result.stdout
    assert (f"{aside.name} (set aside as unreadable) holds 1 damaged entry whose kind and date cannot be read, so "
            "they could not be checked against the filter.") in result.stdout
    assert holding(data) == []
    for kept in (LOW, OTHER, "a walk every sunday"):
        assert holding(data, words=kept) == [aside.name], "entries the filter does not take are left"


@pytest.mark.parametrize("text", ["ok", "note"])
def test_a_short_forgotten_text_is_removed_only_where_it_is_a_whole_string(tmp_path: Path, text: str) -> None:
    """A short text could be part of anything (`"kind": "note"`): only whole JSON strings of it go."""
    data = tmp_path / "data"
    notes = three_notes()
    notes.notes.append(FreeNote(id="short0000005", created_at=AT, text=text))
    whole = written(notes, tmp_path / "w")
    aside = set_aside(data, whole[:-40])
    NotesStore.in_dir(data).add(FreeNote(id="short0000005", created_at=AT, text=text))

    result = togetherly(data, "--forget", "short0000005", "--yes")
    assert result.returncode == 0, result.stderr
    left = aside.read_text()
    assert f'"{text}"' not in left.replace('"kind": "note"', "") and "short0000005" not in left
    assert left.count('"kind": "note"') == 2 and SECRET in left and OTHER in left
