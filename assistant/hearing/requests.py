"""What a listener is asked for and what it gives back: the vocabulary between the dialogue and hearing."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from assistant.understanding.intents import Phrase, Slots


class ListenMode(enum.Enum):
    COMMAND = "command"
    """Waiting for one of a known set of phrases: the recognizer is restricted to them."""
    ANSWER = "answer"
    """A free answer (a high of the day): open vocabulary, longer pauses allowed."""
    WAKE = "wake"
    """Waiting for the wake word, with nothing recognized until it is heard: the next COMMAND request then
    hears from the name on (what was said with it: "Togetherly, start our check-in")."""


@dataclass(frozen=True)
class Meaning:
    """What a phrase of a request means: two wordings with the same meaning are the same command."""

    intent: str
    slots: Slots = ()


@dataclass(frozen=True)
class ListenRequest:
    mode: ListenMode
    phrases: tuple[str, ...] = ()
    """In COMMAND mode, every sentence that could be meant (the grammar)."""
    timeout_s: float | None = 8.0
    """How long to wait for speech to start; None waits for ever."""
    deadline: float | None = None
    """Monotonic time (on the listener's clock) at which to give up, even mid-utterance: timers end
    on time whatever is being said. None: no deadline."""
    start_by: float | None = None
    """Monotonic time by which speech must have started (the end of the follow-up window): past it with
    nothing said, SILENCE; an utterance already begun is heard to its end. None: no such limit."""
    meanings: tuple[Meaning, ...] = ()
    """What each of `phrases` means, in the same order. A command heard whole
    ends after a shorter silence when every longer phrase it could still grow into means the same
    ("cancel" / "cancel that", not "next" / "next week"). Empty: each phrase means something of its own."""


def command_request(phrases: Sequence[Phrase], timeout_s: float | None = 8.0,
                    deadline: float | None = None, start_by: float | None = None) -> ListenRequest:
    """Listen for one of `phrases` (their spoken forms are the grammar; intent and slots their meaning)."""
    return ListenRequest(ListenMode.COMMAND, tuple(p.spoken for p in phrases), timeout_s, deadline, start_by,
                         tuple(Meaning(p.intent, p.slots) for p in phrases))


@dataclass(frozen=True)
class Heard:
    status: Literal["speech", "silence", "end", "deadline", "wake"]
    """speech: something was said; silence: nothing before the timeout; end: the input is finished;
    deadline: the request's deadline came first; wake: the wake word was heard (a WAKE request)."""
    text: str = ""
    confidence: float = 0.0
    recognize_ms: float = 0.0
    """Time from the end of speech to the transcript."""
    alternatives: tuple[str, ...] = ()
    """The recognizer's other readings of it, likelier first (`Transcript.alternatives`)."""
    addressed: bool = False
    """Meant for the assistant whatever it says: typed to it, or said after its name (the wake phrase).
    A microphone also overhears talk in the room, so what it hears in the idle loop is held to a higher
    bar (`IntentMatcher.match`); what is addressed is not."""
    speech_s: float = 0.0
    """How long the utterance was, its trailing silence not counted (0: not known, as for a typed line)."""
    doubtful: bool = False
    """The recognizer doubts there was speech at all (`Transcript.doubtful`)."""


END = Heard("end")
SILENCE = Heard("silence")
DEADLINE = Heard("deadline")
WOKE = Heard("wake")


class Listener(Protocol):
    def listen(self, request: ListenRequest) -> Heard: ...


class BargeIn(Protocol):
    def take(self) -> Heard | None:
        """A command said over the assistant's speech and not yet acted on (assistant.hearing.barge_in)."""
