"""Question decks: the shipped content, the loader's errors (file and line), and choosing questions."""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

import pytest

from assistant.dialogue.decks import (
    CATEGORIES,
    DEPTHS,
    Deck,
    DeckLibrary,
    Question,
    load_deck,
    load_library,
    next_question,
    record_asked,
)
from assistant.dialogue.flows.deck_shelf import shipped_decks_dir
from assistant.errors import DataFileError

SHIPPED = DeckLibrary.load_dir(shipped_decks_dir())

ARTICLE_QUESTIONS = [  # "Questions for Regular Practice", shared/seed-article.md
    "What’s something you’ve been thinking about lately that you haven’t shared with me?",
    "What’s one way I could make you feel more loved this week?",
    "What dream or goal has been on your mind recently?",
    "What’s something you appreciated about us today?",
    "Is there anything you’ve been worried about that I could support you with?",
    "What’s a happy memory from this past month?",
]


def own_questions() -> list[Question]:
    return [q for deck in SHIPPED if deck.name != "article" for q in deck.questions]


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD_DECK = """\
title: Ours
questions:
  - id: ours-1
    depth: light
    category: fun
    text: "What should we call our next houseplant?"
  - id: ours-2
    depth: deeper
    category: future
    text: "Where would you like to spend next winter?"
"""


# -- shipped content ----------------------------------------------------------------------------
def test_at_least_ninety_own_questions_thirty_per_level() -> None:
    own = own_questions()
    assert len(own) >= 90
    per_level = Counter(q.depth for q in own)
    assert all(per_level[depth] >= 30 for depth in DEPTHS), per_level


def test_every_category_is_used_and_valid() -> None:
    used = Counter(q.category for q in SHIPPED.questions())
    assert set(used) == set(CATEGORIES)


def test_the_six_article_questions_are_their_own_deck_with_a_source_note() -> None:
    article = SHIPPED.decks["article"]
    assert "seed article" in article.source
    texts = {q.text for q in article.questions}
    assert texts == {q.replace("’", "'") for q in ARTICLE_QUESTIONS}


def test_ids_and_texts_are_unique_across_decks() -> None:
    questions = SHIPPED.questions()
    assert len({q.id for q in questions}) == len(questions) == len(SHIPPED)
    assert len({q.text.lower() for q in questions}) == len(questions)


def test_questions_are_read_aloud_as_questions() -> None:
    for question in SHIPPED.questions():
        assert question.text.endswith("?"), question.id
        assert len(question.text) < 130, question.id  # short enough to hold in mind while answering


# -- malformed decks ----------------------------------------------------------------------------
def test_bad_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.yaml", GOOD_DECK.replace('text: "Where', 'text: ["Where'))
    with pytest.raises(DataFileError) as error:
        load_deck(path)
    assert error.value.path == path and error.value.line is not None and error.value.line >= 11
    assert "broken.yaml:" in str(error.value)


def test_missing_field_names_the_question_line(tmp_path: Path) -> None:
    path = write(tmp_path, "missing.yaml", GOOD_DECK.replace("    category: future\n", ""))
    with pytest.raises(DataFileError) as error:
        load_deck(path)
    assert error.value.line == 7  # the "- id: ours-2" line
    assert "questions.1.category" in str(error.value) and "missing.yaml:7" in str(error.value)


def test_bad_depth_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "depth.yaml", GOOD_DECK.replace("depth: deeper", "depth: intense"))
    with pytest.raises(DataFileError) as error:
        load_deck(path)
    assert error.value.line == 8
    assert "depth" in str(error.value) and "light" in str(error.value)


def test_bad_category_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "category.yaml", GOOD_DECK.replace("category: fun", "category: money"))
    with pytest.raises(DataFileError) as error:
        load_deck(path)
    assert error.value.line == 5


def test_duplicate_id_in_one_file_names_the_second_line(tmp_path: Path) -> None:
    path = write(tmp_path, "dupe.yaml", GOOD_DECK.replace("id: ours-2", "id: ours-1"))
    with pytest.raises(DataFileError) as error:
        load_deck(path)
    assert error.value.line == 7
    assert "'ours-1' is used twice (first on line 3)" in str(error.value)


def test_id_already_used_by_a_shipped_deck_names_the_user_file(tmp_path: Path) -> None:
    path = write(tmp_path / "decks", "mine.yaml", GOOD_DECK.replace("id: ours-2", "id: light-01"))
    library, problems = load_library(SHIPPED, tmp_path / "decks")
    [problem] = problems
    assert problem.path == path and problem.line == 7
    assert "light.yaml" in str(problem)
    assert "mine" not in library.decks and len(library) == len(SHIPPED)


def test_empty_and_questionless_decks_are_errors(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="empty"):
        load_deck(write(tmp_path, "empty.yaml", "# nothing yet\n"))
    with pytest.raises(DataFileError, match="questions"):
        load_deck(write(tmp_path, "none.yaml", "title: x\nquestions: []\n"))


def test_user_decks_load_beside_a_broken_one(tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", GOOD_DECK)
    write(tmp_path, "bad.yaml", "title: [\n")
    library, problems = load_library(SHIPPED, tmp_path)
    assert [Path(str(p.path)).name for p in problems] == ["bad.yaml"]
    assert library.get("ours-1") is not None and "good" in library.decks
    assert len(SHIPPED.decks) == 4, "the shipped library itself is untouched"


# -- choosing questions -------------------------------------------------------------------------
def tiny() -> DeckLibrary:
    def q(i: int, depth: str) -> Question:
        return Question(f"t{i}", "tiny", depth, "fun", f"Question {i}?")  # type: ignore[arg-type]

    questions = (q(1, "light"), q(2, "light"), q(3, "deeper"), q(4, "vulnerable"))
    return DeckLibrary([Deck("tiny", "Tiny", "", Path("tiny.yaml"), questions)])


def test_no_question_repeats_until_the_deck_is_exhausted() -> None:
    library, rng = tiny(), random.Random(3)
    asked: dict[str, list[str]] = {}
    seen = []
    for _ in range(4):
        question = next_question(library, asked, "light", rng)
        record_asked(asked, question, library)
        seen.append(question.id)
    assert sorted(seen) == ["t1", "t2", "t3", "t4"]
    assert sorted(asked["tiny"]) == ["t1", "t2", "t3", "t4"]
    # exhausted: a new round starts and the memory begins again
    question = next_question(library, asked, "light", rng)
    record_asked(asked, question, library)
    assert asked["tiny"] == [question.id] and question.depth == "light"


def test_the_wanted_depth_first_then_the_nearest_lighter_one() -> None:
    library, rng = tiny(), random.Random(0)
    assert next_question(library, {}, "deeper", rng).id == "t3"
    assert next_question(library, {"tiny": ["t3"]}, "deeper", rng).depth == "light"
    assert next_question(library, {"tiny": ["t4"]}, "vulnerable", rng).id == "t3"


def test_questions_heard_this_session_are_avoided_when_possible() -> None:
    library, rng = tiny(), random.Random(0)
    assert next_question(library, {}, "light", rng, avoid={"t1"}).id == "t2"
    assert next_question(library, {}, "light", rng, avoid={"t1", "t2"}).id == "t3"
    assert next_question(library, {}, "light", rng, avoid={"t1", "t2", "t3", "t4"}).depth == "light"


def test_ids_no_longer_in_a_deck_are_forgotten() -> None:
    library = tiny()
    asked = {"tiny": ["gone", "t1"], "other": ["x"]}
    record_asked(asked, library.get("t2") or pytest.fail(), library)
    assert asked == {"tiny": ["t1", "t2"], "other": ["x"]}


_FIRST_PERSON = re.compile(r"\b(I|me|my|mine|myself|I'm|I've|I'd|I'll)\b")
_QUOTED = re.compile(r"(?<!\w)'[^']*'(?!\w)|\"[^\"]*\"|\u201c[^\u201d]*\u201d")
"""Quoted speech ("a real 'we'"); an apostrophe inside a word (you've) starts no quote."""


def test_shipped_questions_are_asked_by_a_third_voice() -> None:
    """The device reads the questions aloud, so "I" would be the assistant: every question addresses the
    couple ("the way your partner handles hard things"), first person only inside quoted speech."""
    speaking_as_me = [q.text for deck in DeckLibrary.load_dir(shipped_decks_dir()) for q in deck.questions
                      if _FIRST_PERSON.search(_QUOTED.sub("", q.spoken))]
    assert speaking_as_me == []
