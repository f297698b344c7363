"""The question game driven as conversation scripts through the real dialogue stack (and once by voice)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from assistant.audio.sources import WavFilesSource
from assistant.dialogue.conversation import FlowCancelled
from assistant.dialogue.decks import DeckLibrary, Question, load_library
from assistant.dialogue.flows.deck_shelf import shipped_decks_dir
from assistant.dialogue.flows.question_game import QuestionGameFlow, ask_one_question
from assistant.hearing.engines.pocketsphinx_engine import PocketsphinxRecognizer
from assistant.hearing.speech_listener import SpeechListener
from assistant.notes.models import AnswerNote
from tests.support.harness import Session, make_session, run_assistant
from tests.support.speech_fixtures import synthesize

SHIPPED = DeckLibrary.load_dir(shipped_decks_dir())

TINY_DECK = """\
title: Our own
source: Written by us.
questions:
  - {id: ours-1, depth: light, category: fun, text: "What should we name our next houseplant?"}
  - {id: ours-2, depth: light, category: future, text: "Where shall we go for a picnic in spring?"}
  - {id: ours-3, depth: deeper, category: memories, text: "What did our first kitchen smell like?"}
  - {id: ours-4, depth: vulnerable, category: worries, text: "What would you like more help with?"}
"""


def asked(s: Session, user_decks: bool = False) -> list[tuple[Question, str]]:
    """Each question read aloud, in order, with the partner named to answer first."""
    library = load_library(SHIPPED, s.store.path.parent / "decks")[0] if user_decks else SHIPPED
    out = []
    for line in s.lines:
        for question in library.questions():
            if question.text not in line:
                continue
            for first, second in (("Sam", "Alex"), ("Alex", "Sam")):
                key = "question_game.ask_quoted" if question.quoted else "question_game.ask"
                if line in s.variants(key, question=question.spoken, first=first, second=second):
                    out.append((question, first))
    return out


def play(tmp_path: Path, script: list[str], *, seed: int = 1, user_only: bool = False) -> Session:
    s = make_session(tmp_path, script)
    QuestionGameFlow(decks_dir=None if user_only else shipped_decks_dir(), rng=random.Random(seed)).run(s.ctx)
    return s


def with_tiny_deck(tmp_path: Path) -> Path:
    (tmp_path / "decks").mkdir(parents=True, exist_ok=True)
    (tmp_path / "decks" / "ours.yaml").write_text(TINY_DECK)
    return tmp_path


def answers(s: Session) -> list[AnswerNote]:
    return [n for n in s.store.load().notes if isinstance(n, AnswerNote)]


# -- starting and ending --------------------------------------------------------------------------
@pytest.mark.parametrize("phrase", ["let's play the question game", "ask us a question", "question time",
                                    "um question time please"])
def test_starting_phrases(tmp_path: Path, phrase: str) -> None:
    s = run_assistant(tmp_path, [phrase, "that's enough", "goodbye"])
    assert s.count("question_game.intro") == 1
    assert len(asked(s)) == 1
    assert s.count("question_game.end_one") == 1


def test_thats_enough_sums_up_questions_and_favourites(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["ask us a question", "save that one", "next", "next", "save that one",
                                 "that's enough", "goodbye"])
    assert len(asked(s)) == 3
    assert s.count("question_game.end_many", count=3) == 1
    assert s.count("question_game.favourites_many", count=2) == 1
    assert s.count("core.after_flow") == 1, "back to the idle loop afterwards"


def test_stop_mid_game_also_ends_with_the_summary(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["ask us a question", "next", "stop", "goodbye"])
    assert len(asked(s)) == 2
    assert s.count("question_game.end_many", count=2) == 1
    assert s.count("core.stopped") == 0
    assert s.lines[-2:] == [s.lines[-2], s.lines[-1]] and s.count("core.goodbye") == 1


def test_stop_while_dictating_an_answer_ends_gracefully_and_saves_nothing(tmp_path: Path) -> None:
    s = play(tmp_path, ["save our answer", "stop"])
    assert answers(s) == []
    assert s.count("question_game.end_one") == 1


def test_what_can_you_do_mentions_the_game_and_tells_more_when_asked(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["what can you do", "tell me more about the question game", "goodbye"])
    assert s.count("core.capabilities") == 1 and s.said("a question game")
    assert s.count("question_game.summary") == 1


# -- turns, next, skip, repeat --------------------------------------------------------------------
def test_who_answers_first_alternates_and_a_skip_keeps_the_turn(tmp_path: Path) -> None:
    s = play(tmp_path, ["next", "next", "skip", "next", "that's enough"])
    firsts = [first for _, first in asked(s)]
    assert firsts == ["Sam", "Alex", "Sam", "Sam", "Alex"]
    assert s.count("question_game.skipped") == 1
    assert s.count("question_game.end_many", count=4) == 1, "a skipped question is not counted"


def test_repeat_reads_the_same_question_and_turn_again(tmp_path: Path) -> None:
    s = play(tmp_path, ["repeat that", "that's enough"])
    first, again = asked(s)
    assert first == again
    assert s.count("question_game.end_one") == 1


def test_silence_is_waiting_with_at_most_one_nudge_per_question(tmp_path: Path) -> None:
    s = play(tmp_path, ["", "", "", "next", "", "", "that's enough"])
    assert s.count("question_game.nudge") == 2
    assert s.count("core.paused") == 0 and not s.said("I'm still listening")


def test_talk_that_is_not_a_command_is_left_alone(tmp_path: Path) -> None:
    s = play(tmp_path, ["I think mine would be the lake trip", "oh that is lovely", "next", "that's enough"])
    assert not s.said("didn't catch")
    assert len(asked(s)) == 2


def test_help_inside_the_game(tmp_path: Path) -> None:
    s = play(tmp_path, ["help", "that's enough"])
    assert s.count("question_game.help") == 1


# -- depth ----------------------------------------------------------------------------------------
def test_depth_rises_gradually_from_light(tmp_path: Path) -> None:
    s = play(tmp_path, ["next"] * 6 + ["that's enough"])
    depths = [q.depth for q, _ in asked(s)]
    assert depths == ["light"] * 3 + ["deeper"] * 3 + ["vulnerable"]
    assert s.count("question_game.rising") == 2


def test_go_deeper_and_keep_it_light(tmp_path: Path) -> None:
    s = play(tmp_path, ["go deeper", "go deeper", "go deeper", "keep it light", "next", "next", "next",
                        "that's enough"])
    depths = [q.depth for q, _ in asked(s)]
    assert depths == ["light", "deeper", "vulnerable", "vulnerable", "light", "light", "light", "light"]
    assert s.count("question_game.deeper") == 2 and s.count("question_game.already_deepest") == 1
    assert s.count("question_game.lighter") == 1
    assert s.count("question_game.rising") == 0, "after 'keep it light' it stays light until asked"


# -- favourites -----------------------------------------------------------------------------------
def test_favourites_are_kept_and_replayed_in_a_later_session(tmp_path: Path) -> None:
    first = play(tmp_path, ["next", "save that one", "save that one", "that's enough"])
    favourite = asked(first)[1][0]
    assert first.store.load().rituals.favourite_questions == [favourite.id]
    assert first.count("question_game.favourite_saved") == 1
    assert first.count("question_game.already_favourite") == 1

    later = play(tmp_path, ["ask a favourite", "ask a favourite", "that's enough"], seed=5)
    replayed = asked(later)
    assert replayed[1][0] == favourite
    assert later.count("question_game.no_more_favourites") == 1

    idle = run_assistant(tmp_path, ["ask a favourite", "next", "that's enough", "goodbye"])
    assert idle.count("question_game.intro_favourite") == 1
    assert asked(idle)[0][0] == favourite and len(asked(idle)) == 2


def test_ask_a_favourite_with_none_saved(tmp_path: Path) -> None:
    s = play(tmp_path, ["ask a favourite", "that's enough"])
    assert s.count("question_game.no_favourites") == 1
    idle = run_assistant(tmp_path / "idle", ["ask a favourite", "goodbye"])
    assert idle.count("question_game.no_favourites_idle") == 1 and asked(idle) == []


# -- answers --------------------------------------------------------------------------------------
def test_answers_are_saved_only_when_asked(tmp_path: Path) -> None:
    s = play(tmp_path, ["next", "next", "that's enough"])
    assert answers(s) == []

    s = play(tmp_path / "asked", ["next", "note that", "we'd both go back to the coast", "that's enough"])
    [note] = answers(s)
    question = asked(s)[1][0]
    assert (note.question_id, note.question, note.text) == (question.id, question.text,
                                                            "we'd both go back to the coast")
    assert s.count("question_game.answer_saved") == 1


def test_skipping_the_answer_prompt_saves_nothing(tmp_path: Path) -> None:
    s = play(tmp_path, ["save our answer", "skip", "that's enough"])
    assert answers(s) == []
    assert s.count("question_game.answer_not_saved") == 1


# -- memory across sessions -----------------------------------------------------------------------
def test_no_repeats_across_sessions_until_the_deck_is_exhausted(tmp_path: Path) -> None:
    with_tiny_deck(tmp_path)
    one = play(tmp_path, ["next", "that's enough"], user_only=True)
    two = play(tmp_path, ["next", "that's enough"], user_only=True, seed=2)
    heard = [q.id for q, _ in asked(one, user_decks=True) + asked(two, user_decks=True)]
    assert sorted(heard) == ["ours-1", "ours-2", "ours-3", "ours-4"]
    assert sorted(two.store.load().rituals.asked_questions["ours"]) == sorted(heard)

    three = play(tmp_path, ["that's enough"], user_only=True, seed=3)
    [(question, _)] = asked(three, user_decks=True)
    assert three.store.load().rituals.asked_questions["ours"] == [question.id], "a new round began"


def test_user_decks_join_the_shipped_ones(tmp_path: Path) -> None:
    with_tiny_deck(tmp_path)
    s = play(tmp_path, ["go deeper", "go deeper"] + ["keep it light", "next"] * 20 + ["that's enough"])
    assert any(q.deck == "ours" for q, _ in asked(s, user_decks=True))


def test_a_broken_user_deck_is_named_and_left_out(tmp_path: Path) -> None:
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "mine.yaml").write_text("title: Mine\nquestions:\n  - id: m1\n    depth: medium\n"
                                                   "    category: fun\n    text: Hi?\n")
    s = play(tmp_path, ["that's enough"])
    assert s.count("question_game.deck_problem", file="mine.yaml", line=4) == 1
    assert len(asked(s)) == 1


# -- the API for other flows ----------------------------------------------------------------------
def test_ask_one_question_asks_exactly_one_of_the_given_depth(tmp_path: Path) -> None:
    s = make_session(tmp_path, ["", "repeat that", "next", "next"])
    assert ask_one_question(s.ctx, depth="deeper", first=1, rng=random.Random(0)) is True
    [(question, first)] = set(asked(s))
    assert question.depth == "deeper" and first == "Alex"
    assert s.count("question_game.intro") == 0 and s.count("question_game.end_one") == 0
    assert question.id in s.store.load().rituals.asked_questions[question.deck]


def test_ask_one_question_skip_and_stop(tmp_path: Path) -> None:
    s = make_session(tmp_path, ["skip", "stop"])
    assert ask_one_question(s.ctx, depth="vulnerable") is False
    assert len(asked(s)) == 1
    with pytest.raises(FlowCancelled):
        ask_one_question(s.ctx)


# -- by voice -------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.audio
def test_spoken_game_asks_two_questions_and_sums_up(tmp_path: Path) -> None:
    # The next / enough_questions intents, in the phrasings pocketsphinx recognizes from espeak-ng's
    # voice: its short "next question" and "that's enough" are heard as other commands or with too
    # low a confidence (measured: "the next one" and "that's enough for tonight" pass at every espeak
    # speed from 120 to 175 wpm, the short ones at none).
    texts = ["ask us a question", "the next one", "that's enough for tonight"]
    wavs = [synthesize(text, tmp_path / f"{i}.wav") for i, text in enumerate(texts)]
    listener = SpeechListener(WavFilesSource(wavs), PocketsphinxRecognizer())
    s = run_assistant(tmp_path / "data", [], listener=listener)
    assert len(asked(s)) == 2
    assert s.count("question_game.end_many", count=2) == 1
    assert s.count("core.goodbye") == 1
    assert sum(map(len, s.store.load().rituals.asked_questions.values())) == 2
