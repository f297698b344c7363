"""`togetherly notes --forget` reaches every copy: upgrade backups, recovery files of notes that could not be
saved, and files set aside as unreadable (more in tests/notes/test_forget_damaged.py); and it says what it removed
where. Real files, the real command in a subprocess; after forgetting, no file anywhere under the folders
still holds the forgotten words."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from assistant.errors import NotesError
from assistant.notes.models import FreeNote, NotesFile
from assistant.notes.recovery import RECOVERY_DIR_ENV
from assistant.notes.store import NotesStore
from tests.support.disks import SECRET, holding, unwritable

OTHER = "water the basil"


def togetherly(data_dir: Path, state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", "notes", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, timeout=60, check=False,
                          env={**os.environ, "TOGETHERLY_DATA_DIR": "", RECOVERY_DIR_ENV: str(state)})


def at(day: int) -> str:
    return datetime(2026, 3, day, 20, 0).astimezone().isoformat()




@pytest.fixture
def upgraded(tmp_path: Path) -> Path:
    """A version-1 notes file with two notes, upgraded by the real store: the original kept as a backup."""
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    (data / "notes.json").write_text(json.dumps({"schema_version": 1, "notes": [
        {"kind": "note", "id": "secret000001", "created_at": at(2), "text": SECRET},
        {"kind": "note", "id": "other0000002", "created_at": at(3), "text": OTHER}]}))
    assert len(NotesStore.in_dir(data).load().notes) == 2
    assert [p.name for p in NotesStore.in_dir(data).copies.backups()] == ["notes.json.v1.bak"]
    return data


def test_forgetting_an_entry_removes_it_from_the_upgrade_backup_too(upgraded: Path, tmp_path: Path) -> None:
    assert holding(upgraded) == ["notes.json", "notes.json.v1.bak"]
    result = togetherly(upgraded, tmp_path / "state", "--forget", "secret000001", "--yes")
    assert result.returncode == 0, result.stderr
    assert "Forgot 1 note." in result.stdout
    assert "Also removed from 1 backup: notes.json.v1.bak." in result.stdout
    assert holding(upgraded) == []
    backup = json.loads((upgraded / "notes.json.v1.bak").read_text())
    assert backup["schema_version"] == 1, "still a true copy of the older file, minus the forgotten entry"
    assert [n["id"] for n in backup["notes"]] == ["other0000002"]
    assert (upgraded / "notes.json.v1.bak").stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in upgraded.iterdir()) == ["notes.json", "notes.json.v1.bak"], "no temp file left"


def test_an_entry_left_only_in_a_backup_can_still_be_forgotten(upgraded: Path, tmp_path: Path) -> None:
    store = NotesStore.in_dir(upgraded)
    store.update(lambda notes: setattr(notes, "notes", [n for n in notes.notes if n.id != "secret000001"]))
    assert holding(upgraded) == ["notes.json.v1.bak"]
    result = togetherly(upgraded, tmp_path / "state", "--forget", "secret000001", "--yes")
    assert result.returncode == 0, result.stderr
    assert "Also removed from 1 backup: notes.json.v1.bak." in result.stdout
    assert holding(upgraded) == []


def test_asking_first_names_the_backup_copies(upgraded: Path, tmp_path: Path) -> None:
    result = togetherly(upgraded, tmp_path / "state", "--forget", "secret000001")
    assert result.returncode == 1
    assert "this would delete 1 note (also in 1 backup) for good; add --yes" in result.stderr
    assert holding(upgraded) == ["notes.json", "notes.json.v1.bak"], "nothing deleted without --yes"


def test_forget_all_with_a_filter_edits_backups_and_forget_all_deletes_them(upgraded: Path, tmp_path: Path) -> None:
    result = togetherly(upgraded, tmp_path / "state", "--forget-all", "--until", "2026-03-02", "--yes")
    assert result.returncode == 0, result.stderr
    assert "Forgot 1 note." in result.stdout and "Also removed from 1 backup" in result.stdout
    assert holding(upgraded) == [] and holding(upgraded, words=OTHER) == ["notes.json", "notes.json.v1.bak"]

    result = togetherly(upgraded, tmp_path / "state", "--forget-all", "--yes")
    assert result.returncode == 0, result.stderr
    assert "Deleted 1 older copy of the notes file: notes.json.v1.bak." in result.stdout
    assert sorted(p.name for p in upgraded.iterdir()) == ["notes.json"]
    assert holding(upgraded, words=OTHER) == []


def test_unreadable_files_set_aside_are_searched_and_deleted_whole_only_by_forget_all(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    (data / "notes.json").write_text('{"schema_version": 2, "notes": [{"text": "' + SECRET + '"')  # cut short
    store = NotesStore.in_dir(data)
    store.add(FreeNote(id="other0000002", created_at=datetime.now().astimezone(), text=OTHER))
    [aside] = store.copies.set_aside()
    assert holding(data) == [aside.name]

    result = togetherly(data, tmp_path / "state", "--forget", "other0000002", "--yes")
    assert result.returncode == 0, result.stderr
    assert "Forgot 1 note." in result.stdout
    assert f"Also searched {aside.name} (set aside as unreadable): none of it was there." in result.stdout
    assert aside.exists() and holding(data) == [aside.name], "it held none of it, so it was left as it was"

    result = togetherly(data, tmp_path / "state", "--forget-all", "--yes")
    assert result.returncode == 0, result.stderr
    assert f"Deleted 1 older copy of the notes file: {aside.name}." in result.stdout
    assert "Nothing to forget" not in result.stdout
    assert holding(data) == [] and not aside.exists()




def test_a_note_kept_in_a_recovery_file_is_forgotten_and_the_file_removed(tmp_path: Path) -> None:
    data, state = tmp_path / "data", tmp_path / "state"
    store = NotesStore.in_dir(data, recovery_dir=state)
    store.add(FreeNote(id="other0000002", created_at=datetime.now().astimezone(), text=OTHER))
    with unwritable(data), pytest.raises(NotesError, match="kept in"):
        store.add(FreeNote(id="secret000001", created_at=datetime.now().astimezone(), text=SECRET))
    recovery = store.recovery_files[1]
    assert holding(data, state) == [recovery.name]

    result = togetherly(data, state, "--forget", "secret000001", "--yes")
    assert result.returncode == 0, result.stderr
    assert "Forgot 1 note." in result.stdout
    assert (f"Changes kept from a failed save ({recovery.name}) were saved into the notes first, so they were "
            "included; that file is gone." in result.stdout)
    assert holding(data, state) == [] and not recovery.exists()
    assert [n.id for n in NotesStore.in_dir(data).load().notes] == ["other0000002"]


def test_forget_all_reaches_recovered_notes_backups_and_set_aside_files_at_once(upgraded: Path,
                                                                              tmp_path: Path) -> None:
    state = tmp_path / "state"
    store = NotesStore.in_dir(upgraded, recovery_dir=state)
    with unwritable(upgraded), pytest.raises(NotesError):
        store.add(FreeNote(created_at=datetime.now().astimezone(), text=f"{SECRET}, again"))
    (upgraded / "notes.json.corrupt-20260101T000000").write_bytes(b"\x00" + SECRET.encode())
    assert holding(upgraded, state) == sorted(["notes.json", "notes.json.v1.bak", "notes.json.corrupt-20260101T000000",
                                               store.recovery_files[1].name])

    result = togetherly(upgraded, state, "--forget-all", "--yes")
    assert result.returncode == 0, result.stderr
    assert "Forgot 3 notes." in result.stdout
    assert "Deleted 2 older copies of the notes file: notes.json.v1.bak, notes.json.corrupt-20260101T000000." \
        in result.stdout
    assert holding(upgraded, state) == [] and holding(upgraded, state, words=OTHER) == []
    left = NotesStore.in_dir(upgraded).load()
    assert left.saved_changes, "the kept note's change id stays (no content): a copy elsewhere is never re-applied"
    assert left.model_copy(update={"saved_changes": []}) == NotesFile()
