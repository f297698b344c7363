"""Question decks for the question game: YAML files of questions, and the choice of the next one.

A deck file looks like::

    title: Light questions
    source: Written for Togetherly.
    questions:
      - id: light-01
        depth: light            # light, deeper or vulnerable
        category: fun           # dreams, memories, appreciation, worries, future or fun
        text: "If this week had a theme song, what would it be, and why?"

The shipped decks live in `intents/<lang>/decks/`; a couple can add their own as
`<data dir>/decks/*.yaml`. A deck is named after its file. Every problem (bad YAML, a missing field,
an unknown depth or category, an id used twice) is a DataFileError naming the file and line.

No question repeats until its deck is exhausted: `next_question` chooses among the questions a deck
has not asked yet (an exhausted deck starts a new round), and `record_asked` keeps that memory in the
`rituals.asked_questions` mapping of the notes file.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from assistant.data_files import line_for, load_model
from assistant.errors import DataFileError

__all__ = [
    "CATEGORIES",
    "DEPTHS",
    "Category",
    "Deck",
    "DeckLibrary",
    "Depth",
    "Question",
    "depth_preference",
    "load_deck",
    "load_library",
    "next_question",
    "record_asked",
]

Depth = Literal["light", "deeper", "vulnerable"]
Category = Literal["dreams", "memories", "appreciation", "worries", "future", "fun"]
DEPTHS: tuple[Depth, ...] = get_args(Depth)
"""From the lightest to the most vulnerable: a session climbs this ladder gradually."""
CATEGORIES: tuple[Category, ...] = get_args(Category)


class _QuestionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=60)
    depth: Depth
    category: Category
    text: str = Field(min_length=1)


class _DeckFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1)
    source: str = ""
    """Where the questions come from (written for the project, quoted from somewhere, your own)."""
    quoted: bool = False
    """The questions are one partner's words to the other ("What's one way I could ..."): read as a quote
    for the couple to ask each other, since the voice reading them is not one of them."""
    questions: list[_QuestionSpec] = Field(min_length=1)


@dataclass(frozen=True)
class Question:
    id: str
    """Unique across all loaded decks: favourites are remembered by id alone."""
    deck: str
    """The deck it belongs to (its file name without `.yaml`)."""
    depth: Depth
    category: Category
    text: str
    """The question as written."""
    line: int | None = None
    """Where it is defined in its file, for error messages."""
    quoted: bool = False
    """Words for one partner to say to the other (`_DeckFile.quoted`)."""

    @property
    def spoken(self) -> str:
        """What is read aloud: the text, in quotation marks when it is the partners' own words to say."""
        return f"\u201c{self.text}\u201d" if self.quoted else self.text


@dataclass(frozen=True)
class Deck:
    name: str
    title: str
    source: str
    path: Path
    questions: tuple[Question, ...]

    def ids(self) -> set[str]:
        return {q.id for q in self.questions}


def load_deck(path: Path) -> Deck:
    """Read and validate one deck file; any problem is a DataFileError with the file and line."""
    data, lines = load_model(path, _DeckFile)
    seen: dict[str, int | None] = {}
    questions: list[Question] = []
    for index, spec in enumerate(data.questions):
        line = line_for(lines, ("questions", index, "id"))
        if spec.id in seen:
            raise DataFileError(path, line, f"question id {spec.id!r} is used twice "
                                f"(first on line {seen[spec.id]})")
        seen[spec.id] = line
        questions.append(Question(spec.id, path.stem, spec.depth, spec.category, spec.text.strip(), line,
                                  data.quoted))
    return Deck(path.stem, data.title, data.source, path, tuple(questions))


class DeckLibrary:
    """All decks in play, with questions findable by id."""

    def __init__(self, decks: Iterable[Deck] = ()) -> None:
        self.decks: dict[str, Deck] = {}
        self._by_id: dict[str, Question] = {}
        for deck in decks:
            self.add(deck)

    def add(self, deck: Deck) -> None:
        """Add a deck; a name or question id already in the library is a DataFileError."""
        if deck.name in self.decks:
            raise DataFileError(deck.path, None, f"a deck named {deck.name!r} already exists "
                                f"({self.decks[deck.name].path}); rename this file")
        for question in deck.questions:
            if question.id in self._by_id:
                other = self.decks[self._by_id[question.id].deck].path
                raise DataFileError(deck.path, question.line,
                                    f"question id {question.id!r} is also used in {other}")
        self.decks[deck.name] = deck
        self._by_id.update((q.id, q) for q in deck.questions)

    def __iter__(self) -> Iterator[Deck]:
        return iter(self.decks.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, question_id: str) -> Question | None:
        return self._by_id.get(question_id)

    def questions(self) -> list[Question]:
        return list(self._by_id.values())

    @classmethod
    def load_dir(cls, directory: Path) -> DeckLibrary:
        """Every `*.yaml` deck in `directory`; the first problem is raised."""
        return cls(load_deck(path) for path in sorted(directory.glob("*.yaml")))


def load_library(shipped: DeckLibrary, user_dir: Path | None) -> tuple[DeckLibrary, list[DataFileError]]:
    """The shipped decks plus the couple's own from `user_dir`.

    A broken user deck is left out and its error returned rather than raised, so one typo in a
    home-made deck does not silence the whole game.
    """
    library = DeckLibrary(shipped)
    problems: list[DataFileError] = []
    if user_dir is None or not user_dir.is_dir():
        return library, problems
    for path in sorted(user_dir.glob("*.yaml")):
        try:
            library.add(load_deck(path))
        except DataFileError as exc:
            problems.append(exc)
    return library, problems


def depth_preference(depth: Depth) -> tuple[Depth, ...]:
    """Depths to try when `depth` has nothing left: nearest first, the lighter one on a tie."""
    wanted = DEPTHS.index(depth)
    return tuple(sorted(DEPTHS, key=lambda d: (abs(DEPTHS.index(d) - wanted), DEPTHS.index(d))))


def _fresh(deck: Deck, asked: Collection[str]) -> list[Question]:
    left = [q for q in deck.questions if q.id not in asked]
    return left or list(deck.questions)  # an exhausted deck starts a new round


def next_question(library: DeckLibrary, asked: Mapping[str, Collection[str]], depth: Depth,
                  rng: random.Random, avoid: Collection[str] = ()) -> Question:
    """A question its deck has not asked yet, of `depth` if any is left, else of the nearest depth.

    `avoid` (asked earlier in this session) is only a preference: it matters when a deck has just
    started a new round, so a question does not come back the same evening if anything else can.
    """
    fresh = [q for deck in library for q in _fresh(deck, set(asked.get(deck.name, ())))]
    for allow_avoided in (False, True):
        for level in depth_preference(depth):
            pool = [q for q in fresh if q.depth == level and (allow_avoided or q.id not in avoid)]
            if pool:
                return rng.choice(pool)
    raise LookupError("there are no questions in any deck")


def record_asked(asked: dict[str, list[str]], question: Question, library: DeckLibrary) -> None:
    """Remember in `asked` (deck name -> ids) that `question` was asked."""
    deck = library.decks[question.deck]
    ids = deck.ids()
    done = [i for i in asked.get(deck.name, []) if i in ids]  # ids removed from the file are forgotten
    if set(done) >= ids:
        done = []  # the deck was exhausted: this question opens a new round
    if question.id not in done:
        done.append(question.id)
    asked[deck.name] = done


def _every_question(shipped_dir: Path, user_dir: Path | None) -> list[Question]:
    """Every question, the couple's own decks included (a broken one is left out)."""
    library, _ = load_library(DeckLibrary.load_dir(shipped_dir), user_dir)
    return [q for deck in library for q in deck.questions]


def question_texts(shipped_dir: Path, user_dir: Path | None) -> dict[str, str]:
    """Every question's text by id: what a saved favourite's id stands for."""
    return {q.id: q.spoken for q in _every_question(shipped_dir, user_dir)}


def question_depths(shipped_dir: Path, user_dir: Path | None) -> dict[str, str]:
    """Every question's depth by id: how deep the asked questions went (the journal)."""
    return {q.id: q.depth for q in _every_question(shipped_dir, user_dir)}
