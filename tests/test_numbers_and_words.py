"""Numbers, words and data as a couple would check them: lengths read from what was said (not from the
nearest example phrase), kiss and break never confused, wording by the hour and the count, one count of
hugs everywhere, favourites by their words, and an export that never overwrites silently."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from assistant.clock import ManualClock
from assistant.config import Settings
from assistant.hearing.text_listener import TextListener
from assistant.notes.changes import AddFavourite, RecordHug
from assistant.notes.models import BreakRecord, HugRecord
from assistant.notes.store import NotesStore
from assistant.understanding.durations import heard_seconds
from tests.support.harness import Session, run_assistant

START = 1000.0


def typed(tmp_path: Path, script: list[str], at: datetime | None = None,
          **settings: object) -> tuple[Session, ManualClock]:
    clock = ManualClock(at)
    listener = TextListener(io.StringIO("".join(line + "\n" for line in script)), clock=clock)
    return run_assistant(tmp_path, [], listener=listener, clock=clock,
                         settings=Settings(partner_one="Sam", partner_two="Alex", **settings)), clock  # type: ignore[arg-type]


def hugs(s: Session) -> list[HugRecord]:
    return s.store.load().rituals.hugs


def breaks(s: Session) -> list[BreakRecord]:
    return s.store.load().rituals.breaks


@pytest.mark.slow
@pytest.mark.parametrize(("said", "seconds"), [
    ("hug for half a minute", 30), ("a minute and a half hug", 90), ("can we have a hug", 20),
    ("a long hug", 60), ("hug for 45 seconds", 45), ("time a hug", 20), ("hug for one and a half minutes", 90),
])
def test_a_hug_lasts_what_was_said_or_the_default(tmp_path: Path, said: str, seconds: int) -> None:
    s, clock = typed(tmp_path, [said, "", "goodbye"])
    assert [(h.seconds, h.label) for h in hugs(s)] == [(seconds, "hug")]
    assert clock.monotonic() == START + seconds


def test_a_length_out_of_bounds_gets_the_bounds_reply(tmp_path: Path) -> None:
    s, _ = typed(tmp_path, ["hug for ten hours", "goodbye"])
    assert hugs(s) == [] and s.said("I can time a hug from 3 seconds up to 10 minutes")


@pytest.mark.parametrize(("said", "minutes", "note"), [
    ("we need a thirty minute break", 30, "calm_down.suggest_asked"),
    ("let's take half an hour apart", 30, "calm_down.suggest_asked"),
    ("we need a ten minute break", 20, "calm_down.at_least"),
    ("we need a break", 20, "calm_down.suggest"),
])
def test_a_break_lasts_what_was_asked_at_least_twenty_minutes(tmp_path: Path, said: str, minutes: int,
                                                             note: str) -> None:
    s, _ = typed(tmp_path, [said, "yes", "no", "", "goodbye"])
    [record] = breaks(s)
    assert record.planned_minutes == minutes
    assert s.said(f"{minutes} minutes")
    assert any(line in s.variants(note, minutes=f"{minutes} minutes", asked="10 minutes") for line in s.lines), s.lines


@pytest.mark.parametrize(("said", "intent"), [
    ("can we have a kiss", "kiss"), ("a five minute kiss", "kiss"), ("time a kiss", "kiss"),
    ("can we have a hug", "hug"), ("a five minute hug", "hug"),
])
def test_kiss_and_hug_are_never_confused_nor_taken_for_a_break(tmp_path: Path, said: str, intent: str) -> None:
    s, _ = typed(tmp_path, [said, "", "goodbye"])
    assert [h.label for h in hugs(s)] == [intent] and breaks(s) == []
    if said == "a five minute kiss":
        assert hugs(s)[0].seconds == 300


@pytest.mark.parametrize(("hour", "part"), [(7, "morning"), (14, "afternoon"), (19, "evening"), (23, "night")])
def test_a_kiss_ends_with_words_for_the_hour(tmp_path: Path, hour: int, part: str) -> None:
    s, _ = typed(tmp_path, ["time a kiss", "", "goodbye"], at=datetime(2026, 3, 2, hour, 0).astimezone())
    assert s.count(f"hug.done_kiss_{part}") == 1
    if part != "morning":
        assert not s.said("Have a good day")


def test_one_minute_is_singular(tmp_path: Path) -> None:
    s, _ = typed(tmp_path, ["we need a break", "yes", "no", "", "goodbye"], break_minutes=1)
    assert s.said("Let's take one minute apart") and not s.said("1 minutes")


def test_kisses_are_not_counted_as_hugs_anywhere(tmp_path: Path) -> None:
    store = NotesStore.in_dir(tmp_path)
    at = datetime(2026, 3, 2, 21, 0).astimezone()
    for label in ("hug", "hug", "kiss"):
        store.apply(RecordHug(hug=HugRecord(at=at, seconds=20, completed=True, label=label)))
    s = run_assistant(tmp_path, ["how are we doing", "goodbye"])
    assert s.said("2 hugs")
    out = tmp_path / "out.md"
    result = subprocess.run([sys.executable, "-m", "assistant", "notes", "--export", str(out), "--data-dir",
                             str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert "- Timed hugs: 2" in text and "- Timed kisses: 1" in text


@pytest.mark.slow
def test_favourites_are_shown_and_read_by_their_words(tmp_path: Path) -> None:
    store = NotesStore.in_dir(tmp_path)
    store.apply(AddFavourite(question_id="light-01"))
    store.apply(AddFavourite(question_id="article-2"))
    theme = "If this week had a theme song, what would it be, and why?"
    listing = subprocess.run([sys.executable, "-m", "assistant", "notes", "--data-dir", str(tmp_path)],
                             capture_output=True, text=True, timeout=60)
    assert theme in listing.stdout and "light-01" not in listing.stdout
    for name in ("out.md", "out.json"):
        subprocess.run([sys.executable, "-m", "assistant", "notes", "--export", str(tmp_path / name),
                        "--data-dir", str(tmp_path)], check=True, capture_output=True, timeout=60)
    assert theme in (tmp_path / "out.md").read_text()
    exported = json.loads((tmp_path / "out.json").read_text())["favourite_questions"]
    assert exported[0] == {"id": "light-01", "text": theme}
    s = run_assistant(tmp_path, ["read our favourites", "goodbye"])
    assert theme in s.lines
    assert any(line.startswith("\u201cWhat's one way I could") for line in s.lines), "quoted: the partners' words"


@pytest.mark.slow
def test_an_export_never_overwrites_without_force(tmp_path: Path) -> None:
    def export(target: Path, *extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "assistant", "notes", "--export", str(target), *extra,
                               "--data-dir", str(tmp_path / "data")], capture_output=True, text=True, timeout=60)

    existing = tmp_path / "mine.md"
    existing.write_text("my own file")
    refused = export(existing)
    assert refused.returncode == 1 and "already exists" in refused.stderr and "--force" in refused.stderr
    assert existing.read_text() == "my own file"
    assert export(existing, "--force").returncode == 0 and existing.read_text().startswith("# Togetherly notes")
    folder = tmp_path / "wav"
    folder.mkdir()
    into_folder = export(folder)
    assert into_folder.returncode == 1 and "is a folder" in into_folder.stderr
    assert "export format" not in into_folder.stderr


def test_lengths_are_read_from_words() -> None:
    assert heard_seconds("two minutes and ten seconds") == 130
    assert heard_seconds("half an hour") == 1800
    assert heard_seconds("in the minutes before") is None
