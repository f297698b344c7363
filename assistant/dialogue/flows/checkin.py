"""The evening check-in: each partner shares a high and a low of the day, then it is saved.

A small state machine: the state is the position in `STEPS`; each step asks one partner one
question. Stop keeps what was said so far; skip moves to the next step.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from assistant.config import EveningStep
from assistant.dialogue.answers import misheard
from assistant.dialogue.conversation import Conversation, FlowCancelled
from assistant.dialogue.flow import Flow
from assistant.dialogue.utterance import Utterance
from assistant.notes.models import CheckInNote, PartnerCheckIn

STEPS: tuple[tuple[int, str], ...] = ((0, "high"), (0, "low"), (1, "high"), (1, "low"))
"""(partner index, question) in the order asked."""
ASK = {"high": "checkin.ask_high", "low": "checkin.ask_low"}
REFLECT = {"high": "checkin.reflect_high", "low": "checkin.reflect_low"}
"""What is said to ask for each answer, and after it."""


@dataclass(frozen=True)
class CheckInFlow(Flow):
    name: str = "checkin"
    triggers: tuple[str, ...] = ("start_checkin",)
    files: str = "checkin"
    rank: int = 10
    summary_key: str = "checkin.summary"
    capability_key: str = "checkin.capability"
    evening_step: EveningStep | None = "checkin"
    keeps: str = "checkin"

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        partners = ctx.settings.partners
        note = CheckInNote(created_at=ctx.clock.now(), partners=[PartnerCheckIn(partner=p) for p in partners],
                           completed=False)
        saved = [False]

        def correct(who: int, question: str, text: str) -> None:
            setattr(note.partners[who], question, text)
            ctx.notes.corrected(note, saved[0])
        with ctx.help("checkin.help"):
            ctx.say("checkin.greet")
            try:
                for who, question in STEPS:
                    name = partners[who]
                    if question == "high" and who == 1:
                        ctx.say("checkin.turn", name=name)
                    answer = ctx.ask_answer(ASK[question], name=name,
                                            correct=functools.partial(correct, who, question))
                    if answer is None:
                        ctx.say("checkin.skipped")
                        continue
                    setattr(note.partners[who], question, answer)
                    note.unsure = note.unsure or misheard(answer)
                    ctx.say(REFLECT[question], name=name)
                note.completed = True
                ctx.say("checkin.closing")
            except FlowCancelled:
                ctx.say("checkin.stopped")
            finally:
                if note.has_answers() and ctx.notes.save_note(note):
                    saved[0] = True
                    ctx.say("checkin.saved" if note.completed else "checkin.saved_partial")


RITUALS = (CheckInFlow(),)
