"""Correcting what was just kept, from the idle loop once the ritual is over: "that's not what I said" takes
the last answer again, "what did you hear?" reads it back (inside a ritual the conversation does the same
at any question: `assistant.dialogue.corrections`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from assistant.dialogue.conversation import Conversation
from assistant.dialogue.corrections import CORRECT_INTENTS
from assistant.dialogue.flow import Flow
from assistant.dialogue.utterance import Utterance


@dataclass(frozen=True)
class CorrectionFlow(Flow):
    name: str = "corrections"
    triggers: tuple[str, ...] = CORRECT_INTENTS
    files: str = "corrections"
    idle: ClassVar[bool] = True

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        ctx.handled_correction(trigger.intent if trigger is not None else "say_answer_again")


RITUALS = (CorrectionFlow(),)
