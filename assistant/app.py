"""The one place that wires a session: the conversation over a listener, a speaker, a clock, a notes store
and settings, and the loop that runs the rituals through it.

The command line (`assistant.cli.run`) builds the real devices and passes them in; the tests' harness and
the benchmarks pass typed text, printed speech and a manual clock the same way, so every caller gets the
same wiring.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

from assistant import paths
from assistant.clock import Clock
from assistant.config import Settings
from assistant.dialogue.conversation import Conversation
from assistant.dialogue.flows import default_flows
from assistant.dialogue.responses import Responses
from assistant.dialogue.runner import Assistant
from assistant.hearing.requests import Listener
from assistant.notes.store import NotesStore
from assistant.understanding.intents import IntentSet
from assistant.understanding.matcher import IntentMatcher
from assistant.voice.speaker import Speaker


@dataclass
class Session:
    """A wired session: `run()` talks until goodbye; `close()` shuts down what it holds (devices, the
    voice's warm-up), whatever the outcome."""

    assistant: Assistant
    closers: list[Callable[[], None]] = field(default_factory=list)

    @property
    def ctx(self) -> Conversation:
        return self.assistant.ctx

    def run(self) -> int:
        return self.assistant.run()

    def close(self) -> None:
        for close in self.closers:
            close()


@functools.cache
def _phrases(directory: Path) -> IntentSet:
    return IntentSet.load_dir(directory)


def language_phrases() -> IntentSet:
    """The installed phrase data (`intents/`), loaded once a process."""
    return _phrases(paths.language_dir())


def language_matcher() -> IntentMatcher:
    """A matcher over the installed phrases (the learned stage is its own, ready in the background)."""
    return IntentMatcher(language_phrases())


def language_responses(rng: Random | None = None) -> Responses:
    return Responses.load_dir(paths.language_dir() / "responses", rng)


def assemble(*, listener: Listener, speaker: Speaker, clock: Clock, store: NotesStore, settings: Settings,
             matcher: IntentMatcher | None = None, responses: Responses | None = None,
             settings_keeper: Callable[[Settings], None] | None = None, notices: Sequence[str] = (),
             closers: Sequence[Callable[[], None]] = ()) -> Session:
    """The conversation and the loop over the given parts. `notices`: lines said right after the welcome
    (a recognizer that could not load); `closers`: what the session must shut down before the process ends."""
    ctx = Conversation(listener=listener, speaker=speaker, matcher=matcher or language_matcher(),
                       responses=responses or language_responses(), clock=clock, store=store, settings=settings,
                       settings_keeper=settings_keeper)
    return Session(Assistant(ctx, default_flows(), notices), list(closers))
