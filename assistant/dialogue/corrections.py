"""The answer just kept, so that the couple can correct it by voice: "that's not what I said" (or "let me say
that again", "change that") takes it again and replaces it; "what did you hear?" reads back what was kept.

A flow that keeps an answer hands `Conversation.ask_answer` a `correct` callback that replaces it where it is
kept (a draft still being asked, or the note already saved). The answer stays correctable until the next
kept answer, or the next ritual. Nothing of it is logged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

CORRECT_INTENTS = ("say_answer_again", "what_did_you_hear")
"""Heard in any exchange while an answer is correctable, and from the idle loop."""


@dataclass
class LastAnswer:
    key: str
    """The question that was asked (its response key), asked again to take the answer again."""
    values: dict[str, object]
    text: str
    """What was kept."""
    correct: Callable[[str], None]
    """Replaces the kept answer with the new words wherever the flow keeps it."""
