"""The notes file on disk: round trip, damaged and newer files, migration, and file permissions."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from assistant.errors import NotesError
from assistant.notes.models import (
    SCHEMA_VERSION,
    AnswerNote,
    AppreciationNote,
    BreakRecord,
    CheckInNote,
    DateNightRecord,
    FreeNote,
    Goal,
    HugRecord,
    NotesFile,
    PartnerCheckIn,
)
from assistant.notes.store import NotesStore

AT = datetime(2026, 1, 15, 21, 0).astimezone()


def store_in(directory: Path) -> tuple[NotesStore, list[str]]:
    reports: list[str] = []
    return NotesStore.in_dir(directory, report=reports.append), reports


def full_file() -> NotesFile:
    notes = NotesFile()
    notes.notes += [
        CheckInNote(created_at=AT, completed=False, partners=[PartnerCheckIn(partner="Sam", high="a swim")]),
        FreeNote(created_at=AT, text="buy lemons"),
        AnswerNote(created_at=AT, question_id="core-3", question="A dream?", text="a cabin", partner="Alex"),
        AppreciationNote(created_at=AT, partner="Sam", text="the tea you made"),
    ]
    notes.goals.append(Goal(created_at=AT, text="a trip north", review_on=date(2026, 4, 15)))
    notes.rituals.hugs.append(HugRecord(at=AT, seconds=20, completed=True))
    notes.rituals.breaks.append(BreakRecord(at=AT, planned_minutes=20, actual_minutes=20, ended="time_up"))
    notes.rituals.date_nights.append(DateNightRecord(at=AT, planner="Sam"))
    notes.rituals.asked_questions = {"starter": ["a", "b"]}
    notes.rituals.favourite_questions = ["a"]
    notes.rituals.agreements = ["no name-calling"]
    notes.rituals.last_goal_reminder = date(2026, 1, 1)
    return notes


def test_everything_round_trips(tmp_path: Path) -> None:
    store, reports = store_in(tmp_path)
    original = full_file()
    store.save(original)
    loaded = store.load()
    assert loaded == original
    assert [n.kind for n in loaded.notes] == ["checkin", "note", "answer", "appreciation"]
    assert reports == []


def test_add_and_update_read_modify_write(tmp_path: Path) -> None:
    store, _ = store_in(tmp_path)
    store.add(FreeNote(created_at=AT, text="one"))
    store.update(lambda notes: notes.goals.append(Goal(created_at=AT, text="two")))
    store.add(FreeNote(created_at=AT, text="three"))
    loaded = store.load()
    assert [n.text for n in loaded.notes if isinstance(n, FreeNote)] == ["one", "three"]
    assert [g.text for g in loaded.goals] == ["two"]


def test_a_missing_file_is_an_empty_store(tmp_path: Path) -> None:
    store, _ = store_in(tmp_path / "not-yet")
    assert store.load() == NotesFile()
    assert not (tmp_path / "not-yet").exists(), "reading creates nothing"


def test_file_is_owner_only_and_so_is_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    store, _ = store_in(folder)
    store.add(FreeNote(created_at=AT, text="private"))
    assert store.path.stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o777 == 0o700
    assert [p.name for p in folder.iterdir()] == ["notes.json"], "no temp file is left behind"


def _only_aside(folder: Path) -> Path:
    [aside] = folder.glob("notes.json.corrupt-*")
    return aside


def test_corrupted_file_is_moved_aside_and_never_overwritten(tmp_path: Path) -> None:
    damaged = b'{"schema_version": 2, "notes": [ {"kind": "note", "text": "half a secr'
    (tmp_path / "notes.json").write_bytes(damaged)
    store, reports = store_in(tmp_path)
    assert store.load() == NotesFile()
    aside = _only_aside(tmp_path)
    assert aside.read_bytes() == damaged
    assert aside.stat().st_mode & 0o777 == 0o600
    assert len(reports) == 1 and aside.name in reports[0] and "not JSON" in reports[0]
    assert "secr" not in reports[0], "the report never quotes the content"
    store.add(FreeNote(created_at=AT, text="fresh"))
    assert aside.read_bytes() == damaged, "new notes go to a fresh file"
    assert [n.kind for n in store.load().notes] == ["note"]


def test_valid_json_of_the_wrong_shape_is_moved_aside(tmp_path: Path) -> None:
    wrong = json.dumps({"schema_version": SCHEMA_VERSION, "notes": [{"kind": "note", "txt": "typo field"}]})
    (tmp_path / "notes.json").write_text(wrong)
    store, reports = store_in(tmp_path)
    assert store.load() == NotesFile()
    assert _only_aside(tmp_path).read_text() == wrong
    assert "first problem:" in reports[0] and "typo field" not in reports[0]
    (tmp_path / "notes.json").write_text("[1, 2, 3]")
    assert store.load() == NotesFile()
    assert len(list(tmp_path.glob("notes.json.corrupt-*"))) == 2, "a second damaged file gets its own name"


def test_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    newer = json.dumps({"schema_version": SCHEMA_VERSION + 1, "notes": [], "moods": ["a future kind"]})
    path = tmp_path / "notes.json"
    path.write_text(newer)
    path.chmod(0o600)
    before = path.stat()
    store, _ = store_in(tmp_path)
    with pytest.raises(NotesError, match=r"newer Togetherly.*Update Togetherly; the file was left untouched"):
        store.load()
    with pytest.raises(NotesError, match="newer Togetherly"):
        store.add(FreeNote(created_at=AT, text="would be lost"))
    assert path.read_text() == newer
    assert path.stat().st_mtime_ns == before.st_mtime_ns
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.json"], "nothing moved aside or backed up"


def test_version_1_file_is_migrated_and_the_original_kept(tmp_path: Path) -> None:
    v1 = json.dumps({"schema_version": 1, "notes": [{
        "kind": "checkin", "id": "abc123", "created_at": "2025-12-01T21:00:00+00:00", "completed": True,
        "partners": [{"partner": "Sam", "high": "snow", "low": None},
                     {"partner": "Alex", "high": None, "low": "a cold"}]}]}, indent=1)
    path = tmp_path / "notes.json"
    path.write_text(v1)
    store, reports = store_in(tmp_path)
    migrated = store.load()
    assert migrated.schema_version == SCHEMA_VERSION
    [note] = migrated.notes
    assert isinstance(note, CheckInNote) and note.id == "abc123" and note.partners[1].low == "a cold"
    assert migrated.goals == [] and migrated.rituals.hugs == []
    backup = tmp_path / "notes.json.v1.bak"
    assert backup.read_text() == v1
    assert backup.stat().st_mode & 0o777 == 0o600
    assert json.loads(path.read_text())["schema_version"] == SCHEMA_VERSION, "written back in the new form"
    assert path.stat().st_mode & 0o777 == 0o600
    assert "upgraded from version 1" in reports[0] and backup.name in reports[0]
    store.add(FreeNote(created_at=AT, text="after the upgrade"))
    assert backup.read_text() == v1, "the backup is kept as it was"
    assert len(store.load().notes) == 2


def test_a_file_without_a_version_is_taken_as_version_1(tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_text('{"notes": []}')
    store, _ = store_in(tmp_path)
    assert store.load().schema_version == SCHEMA_VERSION
    assert (tmp_path / "notes.json.v1.bak").read_text() == '{"notes": []}'
