"""Forgetting by voice, as typed scripts over a real notes file: named by kind and day (the words only when
asked), gone from every file in the data folder, and "forget everything" only when both partners say yes."""

from __future__ import annotations

from pathlib import Path

from tests.support.harness import run_assistant

CHECKIN = ["start our check-in", "a walk by the river", "the rain", "our dinner", "a long day"]


def anywhere(folder: Path, words: str) -> list[Path]:
    """Every file under `folder` that still holds `words`."""
    return [p for p in folder.rglob("*") if p.is_file() and words.encode() in p.read_bytes()]


def test_tonight_s_check_in_is_named_by_kind_and_day_read_only_when_asked_then_gone(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, [*CHECKIN, "forget tonight's check-in", "what does it say", "yes", "goodbye"])
    confirm = s.lines.index(s.variants("forgetting.confirm", kind="check-in", day="today")[0])
    assert not any("river" in line for line in s.lines[confirm - 1:confirm + 1]), "named, not read"
    assert s.count("notes.checkin_high", name="Sam", text="a walk by the river") == 1, "read because they asked"
    assert s.count("forgetting.forgotten") == 1
    assert s.store.load().notes == [] and anywhere(tmp_path, "river") == []


def test_no_keeps_it_and_what_we_just_said_is_the_last_thing_kept(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["remember that the boiler man comes on monday", "forget that note", "no",
                                 "remember that we owe Jo a card", "forget what we just said", "yes", "goodbye"])
    assert s.count("forgetting.kept") == 1 and s.count("forgetting.forgotten") == 1
    assert [n.text for n in s.store.load().notes] == ["the boiler man comes on monday"]  # type: ignore[union-attr]
    assert anywhere(tmp_path, "owe Jo") == []


def test_nothing_to_forget_is_said_kindly(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["forget tonight's check-in", "forget what we just said", "forget everything",
                                 "goodbye"])
    assert s.count("forgetting.no_checkin") == 1 and s.count("forgetting.nothing_just_said") == 1
    assert s.count("forgetting.nothing_kept") == 1


def test_forget_everything_needs_both_partners_each_asked_by_name(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, [*CHECKIN, "forget everything", "yes", "no", "goodbye"])
    assert s.count("forgetting.ask_partner", name="Sam") == 1
    assert s.count("forgetting.ask_other_partner", name="Alex") == 1
    assert s.count("forgetting.everything_kept") == 1 and len(s.store.load().notes) == 1
    s = run_assistant(tmp_path, ["forget everything", "yes", "yes", "goodbye"])
    assert s.count("forgetting.everything_forgotten") == 1
    assert s.store.load().notes == [] and anywhere(tmp_path, "river") == []


