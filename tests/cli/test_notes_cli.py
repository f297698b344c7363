"""`togetherly notes`: filtering, export and forgetting, run as the real command in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from assistant.notes.kinds import NOTE_KINDS
from assistant.notes.models import (
    NOTE_MODELS,
    SCHEMA_VERSION,
    AnswerNote,
    CheckInNote,
    FreeNote,
    Goal,
    HugRecord,
    NotesFile,
    PartnerCheckIn,
)
from assistant.notes.store import NotesStore


def togetherly(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", "notes", "--data-dir", str(data_dir), *args],
                          input=stdin, capture_output=True, text=True, timeout=60, check=False,
                          env={**os.environ, "TOGETHERLY_DATA_DIR": ""})


def at(day: int) -> datetime:
    return datetime(2026, 3, day, 20, 0).astimezone()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A store with a check-in, two notes, an answer and a goal spread over March, and a hug."""
    notes = NotesFile()
    notes.notes += [
        CheckInNote(id="chk000000001", created_at=at(1), completed=True,
                    partners=[PartnerCheckIn(partner="Sam", high="a sunny walk", low="a late bus"),
                              PartnerCheckIn(partner="Alex", high="new shoes")]),
        FreeNote(id="note00000002", created_at=at(5), text="book the dentist"),
        AnswerNote(id="answ00000003", created_at=at(10), question_id="q7", question="A happy memory?",
                   text="the lake at dawn"),
        FreeNote(id="note00000004", created_at=at(20), text="call grandma on Sunday"),
    ]
    notes.goals.append(Goal(id="goal00000005", created_at=at(12), text="cycle to the coast",
                            review_on=date(2026, 6, 12)))
    notes.rituals.hugs.append(HugRecord(at=at(3), seconds=20, completed=True))
    folder = tmp_path / "data"
    NotesStore.in_dir(folder).save(notes)
    return folder


def stored(data_dir: Path) -> NotesFile:
    return NotesStore.in_dir(data_dir).load()


def test_every_kind_of_note_has_a_model_and_a_name() -> None:
    assert tuple(m.model_fields["kind"].default for m in NOTE_MODELS) == NOTE_KINDS


def test_listing_shows_notes_and_goals_with_ids(data_dir: Path) -> None:
    out = togetherly(data_dir).stdout
    for text in ("a sunny walk", "book the dentist", "the lake at dawn", "cycle to the coast",
                 "[goal00000005]", "review on 2026-06-12"):
        assert text in out


@pytest.mark.slow
def test_filter_by_kind_and_date(data_dir: Path) -> None:
    only_notes = togetherly(data_dir, "--kind", "note").stdout
    assert "book the dentist" in only_notes and "call grandma" in only_notes
    assert "a sunny walk" not in only_notes and "cycle to the coast" not in only_notes
    window = togetherly(data_dir, "--since", "2026-03-05", "--until", "2026-03-12").stdout
    assert "book the dentist" in window and "the lake at dawn" in window and "cycle to the coast" in window
    assert "a sunny walk" not in window and "call grandma" not in window
    both = togetherly(data_dir, "--kind", "checkin", "--kind", "goal", "--json").stdout
    data = json.loads(both)
    assert [n["id"] for n in data["notes"]] == ["chk000000001"] and [g["id"] for g in data["goals"]] == [
        "goal00000005"]
    assert "Nothing matches" in togetherly(data_dir, "--since", "2027-01-01").stdout


def test_unfiltered_json_is_the_whole_file_as_before(data_dir: Path) -> None:
    data = json.loads(togetherly(data_dir, "--json").stdout)
    assert data["schema_version"] == SCHEMA_VERSION and len(data["notes"]) == 4 and data["rituals"]["hugs"]


def test_bad_dates_and_ranges_are_refused_clearly(data_dir: Path) -> None:
    bad = togetherly(data_dir, "--since", "March 3")
    assert bad.returncode == 2 and "not a date: 'March 3' (use YYYY-MM-DD)" in bad.stderr
    backwards = togetherly(data_dir, "--since", "2026-03-10", "--until", "2026-03-01")
    assert backwards.returncode == 1 and "is after --until" in backwards.stderr
    assert togetherly(data_dir, "--kind", "hug").returncode == 2


def test_markdown_export_is_readable_and_private(data_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "our-notes.md"
    result = togetherly(data_dir, "--export", str(target))
    assert result.returncode == 0, result.stderr
    assert "Exported 1 check-in, 2 notes, 1 saved answer and 1 goal" in result.stdout
    assert target.stat().st_mode & 0o777 == 0o600
    text = target.read_text()
    assert text.startswith("# Togetherly notes\n")
    assert "- **Sam**: high: a sunny walk; low: a late bus" in text
    assert "- **Alex**: high: new shoes; low: (skipped)" in text
    assert "> A happy memory?" in text and "the lake at dawn" in text
    assert "- [ ] cycle to the coast (set 2026-03-12, open, review on 2026-06-12; id goal00000005)" in text
    assert "- Timed hugs: 1" in text
    assert text.index("a sunny walk") < text.index("book the dentist") < text.index("call grandma")


def test_json_export_follows_the_filter(data_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "notes-march.JSON"
    result = togetherly(data_dir, "--kind", "note", "--since", "2026-03-10", "--export", str(target))
    assert result.returncode == 0, result.stderr
    data = json.loads(target.read_text())
    assert [n["text"] for n in data["notes"]] == ["call grandma on Sunday"]
    assert data["goals"] == [] and "rituals" not in data, "the ritual log only goes with a full export"
    assert data["filter"] == "notes; from 2026-03-10"
    assert target.stat().st_mode & 0o777 == 0o600


def test_export_with_force_replaces_an_existing_file_and_tightens_it(data_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "export.json"
    target.write_text("old")
    target.chmod(0o644)
    assert togetherly(data_dir, "--export", str(target)).returncode == 1, "never without --force"
    assert togetherly(data_dir, "--export", str(target), "--force").returncode == 0
    assert target.stat().st_mode & 0o777 == 0o600
    assert len(json.loads(target.read_text())["notes"]) == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "export.json"], "no temp file left"


def test_export_with_an_unknown_extension_is_refused(data_dir: Path, tmp_path: Path) -> None:
    result = togetherly(data_dir, "--export", str(tmp_path / "notes.docx"))
    assert result.returncode == 1
    assert "name it .md (Markdown) or .json" in result.stderr
    assert not (tmp_path / "notes.docx").exists()


def test_forget_by_id_removes_exactly_those(data_dir: Path) -> None:
    result = togetherly(data_dir, "--forget", "note00000002", "goal00000005", "--yes")
    assert result.returncode == 0, result.stderr
    assert "Forgot 1 note and 1 goal." in result.stdout
    left = stored(data_dir)
    assert [n.id for n in left.notes] == ["chk000000001", "answ00000003", "note00000004"]
    assert left.goals == [] and len(left.rituals.hugs) == 1
    assert "book the dentist" not in (data_dir / "notes.json").read_text()


def test_forget_an_unknown_id_deletes_nothing(data_dir: Path) -> None:
    before = (data_dir / "notes.json").read_text()
    result = togetherly(data_dir, "--forget", "note00000002", "nope", "--yes")
    assert result.returncode == 1 and "no entry with id nope; nothing was deleted" in result.stderr
    assert (data_dir / "notes.json").read_text() == before


@pytest.mark.slow
def test_forgetting_without_yes_is_refused_when_not_interactive(data_dir: Path) -> None:
    before = (data_dir / "notes.json").read_text()
    for args in (["--forget", "note00000002"], ["--forget-all"], ["--forget-all", "--kind", "note"]):
        result = togetherly(data_dir, *args)
        assert result.returncode == 1, args
        assert "add --yes to confirm (nothing was deleted)" in result.stderr
    assert (data_dir / "notes.json").read_text() == before


def test_forget_all_with_a_filter_removes_only_what_it_selects(data_dir: Path) -> None:
    result = togetherly(data_dir, "--forget-all", "--kind", "note", "--until", "2026-03-10", "--yes")
    assert result.returncode == 0, result.stderr
    assert "Forgot 1 note." in result.stdout
    assert [n.id for n in stored(data_dir).notes] == ["chk000000001", "answ00000003", "note00000004"]


def test_forget_all_without_a_filter_clears_everything(data_dir: Path) -> None:
    result = togetherly(data_dir, "--forget-all", "--yes")
    assert result.returncode == 0, result.stderr
    assert ("Forgot 1 check-in, 2 notes, 1 saved answer, 1 goal and the ritual history (1 hug)."
            in result.stdout)
    assert stored(data_dir) == NotesFile()
    assert (data_dir / "notes.json").stat().st_mode & 0o777 == 0o600
    again = togetherly(data_dir, "--forget-all", "--yes")
    assert again.returncode == 0 and "Nothing to forget" in again.stdout


def test_forget_and_ids_filters_do_not_mix(data_dir: Path) -> None:
    result = togetherly(data_dir, "--forget", "note00000002", "--kind", "note", "--yes")
    assert result.returncode == 1 and "--forget takes ids only" in result.stderr
    assert togetherly(data_dir, "--forget", "x", "--export", "a.md").returncode == 2


@pytest.mark.slow
def test_dictated_note_text_never_reaches_the_logs(tmp_path: Path) -> None:
    script = "take a note\nthe surprise is a red bicycle\nhow are we doing\ngoodbye\n"
    result = subprocess.run([sys.executable, "-m", "assistant", "--text", "-vv", "--data-dir", str(tmp_path)],
                            input=script, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "heard" in result.stderr, "verbose logging is on"
    assert "bicycle" not in result.stderr
    assert "red bicycle" in (tmp_path / "notes.json").read_text()
