"""The question game: questions read aloud for the two of you, hands-free, going gently from light
to deeper to vulnerable, the idea behind the well-known 36 questions (closeness grows with disclosure
that deepens step by step).

Each question names who answers first (alternating; the other answers after). Then the game waits
without nagging, since silence is the two of you talking: at most one gentle "say next" per question,
and talk that is not a command is left alone. Commands: next, skip, repeat that, save that one,
save our answer, ask a favourite, go deeper, keep it light, help, and that's enough or stop, which
both end with a short summary.

What is remembered, in the notes file: `rituals.asked_questions` (per deck, so no question repeats
until its deck is exhausted, across sessions), `rituals.favourite_questions`, and an AnswerNote only
when the couple asks to save their answer.

Reusable API for other flows (e.g. the bedside evening ritual)::

    ask_one_question(ctx, depth="light", first=0) -> bool

Reads exactly one question of `depth` ("light", "deeper" or "vulnerable"), as in the game: the deck
memory is updated, `first` (0: partner one, 1: partner two) is named to answer first, and it waits
hands-free. Returns True once the couple moves on ("next" or "that's enough"), False if they skip it.
"repeat that", "save that one", "save our answer", "help", and "go deeper" / "keep it light" (which
swap in a question of the new depth) work as in the game. "stop" raises FlowCancelled and the end of
input EndOfInput, as at any Conversation prompt, so the caller decides how to wind down.
"""

from __future__ import annotations

import contextlib
import logging
import random
from dataclasses import dataclass, field
from pathlib import Path

from assistant.clock import local_day
from assistant.config import EveningStep
from assistant.dialogue.answers import misheard
from assistant.dialogue.conversation import Conversation, FlowCancelled
from assistant.dialogue.decks import (
    DEPTHS,
    DeckLibrary,
    Depth,
    Question,
    next_question,
    record_asked,
)
from assistant.dialogue.flow import Flow
from assistant.dialogue.flows.deck_shelf import couple_library, shipped_decks_dir
from assistant.dialogue.utterance import Utterance
from assistant.notes.changes import AddFavourite, RememberAsked
from assistant.notes.models import AnswerNote

__all__ = ["QuestionGameFlow", "ask_one_question", "favourite_question_flow"]

log = logging.getLogger(__name__)

GAME_COMMANDS = ("next", "skip", "repeat", "help", "stop", "save_favourite", "save_answer", "ask_favourite",
                 "go_deeper", "keep_it_light", "enough_questions")
WAIT_TIMEOUT_S = 120.0
"""One listen while the couple talks; silence is normal here, so this only paces the single nudge."""
RISE_AFTER = 3
"""Questions talked over at one depth before the game goes a level deeper by itself."""


class _Game:
    """One sitting: the current question, the depth, who answers first, and what to sum up."""

    def __init__(self, ctx: Conversation, library: DeckLibrary, rng: random.Random, *,
                 depth: Depth = "light", first: int = 0, single: bool = False) -> None:
        self.ctx = ctx
        self.library = library
        self.rng = rng
        self.single = single
        """Ask exactly one question (ask_one_question), rather than play until told to stop."""
        self.level = DEPTHS.index(depth)
        self.auto_rise = True
        self.at_level = 0
        self.first = first
        self.current: Question | None = None
        self.spoken = ""
        self.nudged = False
        self.read = 0
        self.skipped = 0
        self.favourites_saved = 0
        self.this_session: set[str] = set()
        stored = ctx.notes.quietly()  # unreadable: the game is still played, it just won't remember
        self.asked = stored.rituals.asked_questions
        self.favourites = list(stored.rituals.favourite_questions)

    # -- the loop -------------------------------------------------------------------------------
    def play(self, start: Question | None = None) -> bool:
        """Read questions until the couple has had enough (single: until one is done).

        True when the last question was talked over, False when it was skipped.
        """
        self._read(start or self._pick(), remember=start is None)
        while True:
            intent = self._wait()
            if intent == "enough_questions":
                return True
            if intent == "next":
                if self.single:
                    return True
                self._move_on()
                self._read(self._pick())
            elif intent == "skip":
                self.skipped += 1
                if self.single:
                    return False
                self.ctx.say("question_game.skipped")
                self._read(self._pick())  # the same partner goes first: nobody has answered yet
            elif intent in ("go_deeper", "keep_it_light"):
                self._change_depth(deeper=intent == "go_deeper")
                self._move_on(rise=False)
                self._read(self._pick())
            elif intent == "ask_favourite":
                self._replay_favourite()
            elif intent == "save_favourite":
                self._save_favourite()
            elif intent == "save_answer":
                self._save_answer()
            elif intent == "repeat":
                self.ctx.say_each([self.spoken])
            elif intent == "help":
                self.ctx.say("question_game.help")

    def _wait(self) -> str:
        """The next command. Silence and talk that is not a command are the couple's time, not ours."""
        while True:
            heard = self.ctx.hear_command([*GAME_COMMANDS, *self.ctx.correctable()], WAIT_TIMEOUT_S)
            intent = self.ctx.heed(heard)
            if self.ctx.handled_correction(intent):  # the answer just saved, taken again or read back
                continue
            if heard.status == "silence":
                if not self.nudged:
                    self.nudged = True
                    self.ctx.say("question_game.nudge")
                continue
            if intent is not None:
                return intent

    # -- questions ------------------------------------------------------------------------------
    def _pick(self) -> Question:
        return next_question(self.library, self.asked, DEPTHS[self.level], self.rng, avoid=self.this_session)

    def _read(self, question: Question, remember: bool = True) -> None:
        if remember:
            self._remember(question)
        self.current = question
        self.nudged = False
        self.read += 1
        self.this_session.add(question.id)
        partners = self.ctx.settings.partners
        self.spoken = self.ctx.say("question_game.ask_quoted" if question.quoted else "question_game.ask",
                                   question=question.spoken, first=partners[self.first],
                                   second=partners[1 - self.first])

    def _remember(self, question: Question) -> None:
        record_asked(self.asked, question, self.library)
        # Kept to save later when it fails: not worth interrupting the game for.
        self.ctx.notes.save_quietly(RememberAsked(deck=question.deck, question_ids=self.asked[question.deck]))

    def _move_on(self, rise: bool = True) -> None:
        """The current question has been talked over: swap who goes first, and maybe go deeper."""
        if self.single:
            return
        self.first = 1 - self.first
        if not (rise and self.auto_rise):
            return
        self.at_level += 1
        if self.at_level >= RISE_AFTER and self.level < len(DEPTHS) - 1:
            self.level += 1
            self.at_level = 0
            self.ctx.say("question_game.rising")

    def _change_depth(self, deeper: bool) -> None:
        deepest = len(DEPTHS) - 1
        if deeper:
            key = "question_game.deeper" if self.level < deepest else "question_game.already_deepest"
            self.level = min(self.level + 1, deepest)
            self.auto_rise = True
        else:
            key = "question_game.lighter" if self.level > 0 else "question_game.already_light"
            self.level = 0
            self.auto_rise = False  # they asked for light: stay there until they ask for deeper
        self.at_level = 0
        self.ctx.say(key)

    # -- favourites and answers -----------------------------------------------------------------
    def known_favourites(self) -> list[Question]:
        """Saved favourites still in the decks (a deck may have been removed since)."""
        return [q for q in map(self.library.get, self.favourites) if q is not None]

    def favourite_to_replay(self) -> Question | None:
        """A saved favourite not yet heard in this session, or None (after saying why)."""
        known = self.known_favourites()
        if not known:
            self.ctx.say("question_game.no_favourites")
            return None
        left = [q for q in known if q.id not in self.this_session]
        if not left:
            self.ctx.say("question_game.no_more_favourites")
            return None
        return self.rng.choice(left)

    def _replay_favourite(self) -> None:
        favourite = self.favourite_to_replay()
        if favourite is not None:
            self._move_on(rise=False)
            self._read(favourite, remember=False)

    def _save_favourite(self) -> None:
        question = self.current
        assert question is not None  # commands are only heard after a question was read
        if question.id in self.favourites:
            self.ctx.say("question_game.already_favourite")
            return
        if self.ctx.notes.save(AddFavourite(question_id=question.id)) is None:
            return  # said why, and whether it is kept to be saved later
        self.favourites.append(question.id)
        self.favourites_saved += 1
        self.ctx.say("question_game.favourite_saved")

    def _save_answer(self) -> None:
        question = self.current
        assert question is not None
        kept: list[AnswerNote] = []

        def correct(text: str) -> None:  # "that's not what I said", once it is saved
            if kept:
                kept[0].text, kept[0].unsure = text, misheard(text)
                self.ctx.notes.corrected(kept[0], saved=True)

        answer = self.ctx.ask_answer("question_game.ask_answer", correct=correct)
        if answer is None:
            self.ctx.say("question_game.answer_not_saved")
            return
        note = AnswerNote(created_at=self.ctx.clock.now(), question_id=question.id, question=question.text,
                          text=answer, unsure=misheard(answer))
        if self.ctx.notes.save_note(note):
            kept.append(note)
            self.ctx.say("question_game.answer_saved")

    def summarize(self) -> None:
        talked = self.read - self.skipped
        if talked <= 0:
            self.ctx.say("question_game.end_none")
        elif talked == 1:
            self.ctx.say("question_game.end_one")
        else:
            self.ctx.say("question_game.end_many", count=talked)
        if self.favourites_saved == 1:
            self.ctx.say("question_game.favourites_one")
        elif self.favourites_saved > 1:
            self.ctx.say("question_game.favourites_many", count=self.favourites_saved)


@dataclass(frozen=True)
class QuestionGameFlow(Flow):
    name: str = "question_game"
    triggers: tuple[str, ...] = ("start_question_game",)
    files: str = "question_game"
    rank: int = 20
    summary_key: str = "question_game.summary"
    capability_key: str = "question_game.capability"
    listens: tuple[tuple[str, tuple[str, ...]], ...] = (("game", GAME_COMMANDS),)
    evening_step: EveningStep | None = "question"
    keeps: str = "answer"
    start_with_favourite: bool = False
    """Open with one of the saved favourites ("ask a favourite" from idle)."""
    decks_dir: Path | None = field(default_factory=shipped_decks_dir)
    """The shipped decks; None plays only the couple's own decks."""
    rng: random.Random | None = field(default=None, compare=False)

    def evening(self, ctx: Conversation) -> None:
        """One light question; who answers first alternates by night, so neither partner always goes first."""
        ask_one_question(ctx, depth="light", first=local_day(ctx.clock.now()).toordinal() % 2, rng=self.rng)

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        library = couple_library(ctx, self.decks_dir)
        if not len(library):
            ctx.say("question_game.no_questions")
            return
        game = _Game(ctx, library, self.rng if self.rng is not None else random.Random())
        start = None
        if self.start_with_favourite:
            if not game.known_favourites():
                ctx.say("question_game.no_favourites_idle")
                return
            start = game.favourite_to_replay()
            ctx.say("question_game.intro_favourite")
        else:
            ctx.say("question_game.intro")
        # "stop" ends the game as gracefully as "that's enough"
        with ctx.help("question_game.help"), contextlib.suppress(FlowCancelled):
            game.play(start)
        game.summarize()


def favourite_question_flow() -> QuestionGameFlow:
    """"ask a favourite" from idle: the game, opening with one of the saved favourites."""
    return QuestionGameFlow(name="question_favourite", triggers=("ask_favourite",),
                            summary_key="", capability_key="", listens=(), rank=21,
                            evening_step=None, start_with_favourite=True)


def ask_one_question(ctx: Conversation, depth: Depth = "light", first: int = 0,
                     rng: random.Random | None = None) -> bool:
    """Ask exactly one question of `depth` (see the module docstring); False when it was skipped."""
    library = couple_library(ctx, shipped_decks_dir())
    if not len(library):
        ctx.say("question_game.no_questions")
        return False
    game = _Game(ctx, library, rng if rng is not None else random.Random(), depth=depth, first=first,
                 single=True)
    return game.play()


RITUALS = (QuestionGameFlow(), favourite_question_flow(),)
