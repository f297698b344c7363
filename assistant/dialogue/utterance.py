"""One thing heard and what it means: what `Conversation.hear_command` returns and what starts a flow."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.hearing.requests import Heard
from assistant.understanding.matcher import Match


@dataclass(frozen=True)
class Utterance:
    heard: Heard
    match: Match
    """The matcher's verdict; its intent is None when nothing was understood (or nothing said)."""

    @property
    def intent(self) -> str | None:
        return self.match.intent

    @property
    def text(self) -> str:
        """The words as the recognizer wrote them (a note said in one breath is kept as said)."""
        return self.heard.text

    @property
    def status(self) -> str:
        return self.heard.status

    def slot(self, name: str) -> str | int | None:
        return self.match.slot(name)


def nothing_meant(heard: Heard) -> Utterance:
    """Silence, the end of input, a deadline: heard, and meaning no intent."""
    return Utterance(heard, Match("", None, 0.0, None, ()))
