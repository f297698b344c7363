"""What couples actually say inside the rituals, as conversation scripts: each line below was answered
"Sorry, I didn't catch that" or misfiled before."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.notes.models import FreeNote
from tests.support.harness import Session, run_assistant


def notes_of(s: Session) -> list[str]:
    return [n.text for n in s.store.load().notes if isinstance(n, FreeNote)]


@pytest.mark.parametrize("said", ["not yet", "not yet, we're halfway there"])
def test_a_goal_not_reached_yet(tmp_path: Path, said: str) -> None:
    s = run_assistant(tmp_path, ["let's set a goal", "walk every sunday", "no date", "review our goals", said,
                                 "goodbye"])
    assert not s.said("didn't catch")
    [goal] = s.store.load().goals
    assert goal.done_at is None


@pytest.mark.parametrize("said", ["no", "no thanks, that's all"])
def test_anything_else_no(tmp_path: Path, said: str) -> None:
    s = run_assistant(tmp_path, ["take a note", "buy milk", said, "goodbye"])
    assert s.lines[-3].startswith("I'm here if you'd like anything else")
    assert not s.said("didn't catch")
    assert s.count("core.no_idle") == 1


def test_keep_the_agreements(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["add an agreement", "no name calling", "yes", "clear our agreements",
                                 "no, keep them", "read our agreements", "goodbye"])
    assert not s.said("didn't catch")
    assert s.lines.count("no name calling") == 1, "still there after \"no, keep them\""


def test_yes_no_reprompts_say_yes_or_no(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["let's set a goal", "walk every sunday", "no date", "review our goals", "",
                                 "purple", "not yet", "goodbye"])
    assert s.count("core.reprompt_yes_no_1", prompt=s.lines[s.lines.index(s.lines[-5])]) <= 1
    assert any("say yes or no" in line.lower() for line in s.lines), s.lines


@pytest.mark.parametrize(("said", "kept"), [
    ("remember that Alex's mum's birthday is on the 14th", "Alex's mum's birthday is on the 14th"),
    ("take a note that the car is due for a service", "the car is due for a service"),
    ("remember that we need milk", "we need milk"),
])
def test_a_note_in_one_breath(tmp_path: Path, said: str, kept: str) -> None:
    s = run_assistant(tmp_path, [said, "goodbye"])
    assert notes_of(s) == [kept]
    assert s.count("notes.saved_one_breath") == 1 and not s.count("notes.ask_note")


@pytest.mark.parametrize("said", ["remember when we got lost in Rome", "remember how we met at the station",
                                  "remember the time it snowed in April"])
def test_remembering_together_is_not_a_note(tmp_path: Path, said: str) -> None:
    s = run_assistant(tmp_path, [said, "goodbye"])
    assert notes_of(s) == [] and not s.count("notes.saved_one_breath"), s.lines


def test_a_note_asked_for_is_still_asked(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["remember this", "the blue vase", "goodbye"])
    assert s.count("notes.ask_note") == 1 and notes_of(s) == ["the blue vase"]


@pytest.mark.parametrize(("said", "key"), [("thanks", "core.thanks_reply"), ("thank you", "core.thanks_reply"),
                                           ("I love you", "core.affection_reply")])
def test_warm_words_get_a_warm_reply(tmp_path: Path, said: str, key: str) -> None:
    s = run_assistant(tmp_path, [said, "goodbye"])
    assert s.count(key) == 1 and not s.said("didn't")


def test_done_for_tonight_says_good_night(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["we're done for tonight"])
    assert s.count("core.goodbye") == 1 and not s.said("didn't")


def test_help_at_a_step_of_the_evening_ritual_is_the_evening_help(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["start our evening ritual", "yes", "a walk", "skip", "skip", "skip", "help",
                                 "stop", "goodbye"])
    assert s.count("evening.help") == 1, s.lines
    assert not s.count("core.help_idle")


def test_repeated_misses_offer_the_likely_choices(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["let's set a goal", "walk every sunday", "no date", "review our goals",
                                 "purple", "banana", "giraffe", "yes", "goodbye"])
    offers = [line for line in s.lines if line.startswith("Sorry, I still didn't catch that")]
    assert len(offers) == 2 and all('"yes"' in line and '"no"' in line for line in offers)
    lines = [line for line in s.lines if "didn't catch" in line]
    assert len(set(lines)) >= 2, "not the same line again and again"


def test_repeated_misses_in_idle_name_likely_commands(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["blorp", "blorp", "goodbye"])
    assert s.count("core.didnt_catch_idle") == 1
    assert s.said("Sorry, I still didn't catch that. Did you mean ")
