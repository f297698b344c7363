"""Thirty-six questions in three sets of twelve, rising in closeness and asked in turns, then four minutes of
silent eye contact: in the spirit of Aron and colleagues' 1997 study, in our own words
(`intents/<lang>/closeness/questions.yaml`).

All at once (about forty-five minutes) or one set an evening (also as a step of the evening ritual): the
place is kept in the notes (`rituals.closeness_asked`), and "continue our thirty-six questions" picks up
there. The answers are the couple's own conversation: only "next", "skip", "repeat", "help", "stop" and
"that's enough" are listened for, and nothing they say is kept.
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from assistant.config import EveningStep
from assistant.data_files import load_model
from assistant.dialogue.conversation import Conversation, FlowCancelled
from assistant.dialogue.flow import Flow
from assistant.dialogue.flows.eye_contact import EyeContactFlow
from assistant.dialogue.utterance import Utterance
from assistant.notes.changes import ClosenessAsked
from assistant.paths import language_dir

SET_SIZE = 12
QUESTION_COMMANDS = ("next", "skip", "repeat", "enough_questions")
"""Besides stop and help, which work in every wait."""
QUESTIONS_FILE = "closeness/questions.yaml"


class _Sets(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sets: list[list[str]] = Field(min_length=3, max_length=3)


@functools.cache
def questions() -> tuple[str, ...]:
    """The thirty-six, in order (checked: three sets of twelve)."""
    sets = load_model(language_dir() / QUESTIONS_FILE, _Sets)[0].sets
    if any(len(one) != SET_SIZE for one in sets):
        raise ValueError(f"{QUESTIONS_FILE}: each set holds {SET_SIZE} questions")
    return tuple(question for one in sets for question in one)


@dataclass(frozen=True)
class ClosenessFlow(Flow):
    name: str = "closeness"
    triggers: tuple[str, ...] = ("closeness_questions", "closeness_restart")
    files: str = "closeness"
    rank: int = 25
    summary_key: str = "closeness.summary"
    capability_key: str = "closeness.capability"
    listens: tuple[tuple[str, tuple[str, ...]], ...] = (("closeness", QUESTION_COMMANDS),)
    evening_step: EveningStep | None = "closeness"

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        self._sit(ctx, trigger, one_set=False)

    def evening(self, ctx: Conversation) -> None:
        """One set, from where they left off (the eyes too, once the last set is done)."""
        self._sit(ctx, None, one_set=True)

    def _sit(self, ctx: Conversation, trigger: Utterance | None, *, one_set: bool) -> None:
        stored = ctx.notes.quietly()
        asked = stored.rituals.closeness_asked
        if (trigger is not None and trigger.intent == "closeness_restart") or asked >= len(questions()):
            if asked:
                ctx.say("closeness.restarted")
            asked = 0
        first_time = asked == 0 and not stored.rituals.closeness_finished
        with ctx.help("closeness.help"):
            if first_time:
                ctx.say("closeness.explain")
            elif asked:
                ctx.say("closeness.resume", set=asked // SET_SIZE + 1, number=asked % SET_SIZE + 1)
            else:
                ctx.say("closeness.explain_short")
            place = [asked]
            with contextlib.suppress(FlowCancelled):  # "stop" (or goodbye): the place is kept, as for "enough"
                self.ask_from(ctx, place, one_set=one_set)
            asked = place[0]
            ctx.notes.save_quietly(ClosenessAsked(asked=asked))
            if asked < len(questions()):
                ctx.say("closeness.paused", set=asked // SET_SIZE + 1, number=asked % SET_SIZE + 1)
                return
            ctx.say("closeness.to_eyes")
            EyeContactFlow().run(ctx)
            ctx.notes.save_quietly(ClosenessAsked(asked=0, finished_at=ctx.clock.now()))
            ctx.say("closeness.finished")

    def ask_from(self, ctx: Conversation, place: list[int], *, one_set: bool = False) -> None:
        """Ask in turns from the question `place` holds, keeping it up to date, until they stop for tonight
        (`one_set`: at the end of this set at the latest)."""
        partners = ctx.settings.partners
        while (asked := place[0]) < len(questions()):
            if asked % SET_SIZE == 0:
                ctx.say("closeness.set_start", set=asked // SET_SIZE + 1)
            first = asked % 2
            ctx.say("closeness.question", name=partners[first], other=partners[1 - first],
                    question=questions()[asked])
            while (match := ctx.wait_until(None, QUESTION_COMMANDS)) is not None and match.intent == "repeat":
                ctx.say_each([questions()[asked]])
            if match is not None and match.intent == "enough_questions":
                return
            asked = place[0] = asked + 1
            ctx.notes.save_quietly(ClosenessAsked(asked=asked))
            if one_set and asked % SET_SIZE == 0:
                return
            if asked % SET_SIZE == 0 and asked < len(questions()) and ctx.ask_choice(
                    "closeness.set_done", ("continue", "next", "yes", "no", "enough_questions"),
                    set=asked // SET_SIZE, next=asked // SET_SIZE + 1) in ("no", "enough_questions"):
                return


RITUALS = (ClosenessFlow(),)
