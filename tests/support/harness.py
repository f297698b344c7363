"""Drive the real dialogue stack from a script of typed lines, collecting what was said.

The listener is the real TextListener over a string, the speaker the real PrintSpeaker over a string,
the store a real file in a temporary directory: only time can be replaced (ManualClock).
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant import app
from assistant.clock import Clock, ManualClock
from assistant.config import Settings
from assistant.dialogue.conversation import Conversation
from assistant.dialogue.responses import Responses
from assistant.hearing.requests import Listener
from assistant.hearing.text_listener import TextListener
from assistant.notes.store import NotesStore
from assistant.voice.speaker import PrintSpeaker

INTENTS = app.language_phrases()
"""The installed phrases, as every session here is given them."""


@dataclass
class Session:
    wired: app.Session
    output: io.StringIO
    store: NotesStore

    @property
    def ctx(self) -> Conversation:
        return self.wired.ctx

    def run(self) -> int:
        """The whole loop, from the welcome to the goodbye (or the end of the script)."""
        return self.wired.run()

    @property
    def lines(self) -> list[str]:
        prefix = "Togetherly: "
        return [line[len(prefix):] if line.startswith(prefix) else line
                for line in self.output.getvalue().splitlines()]

    def said(self, fragment: str) -> bool:
        return any(fragment in line for line in self.lines)

    def variants(self, key: str, **values: object) -> list[str]:
        """Every way the line `key` can be said, filled in as the conversation would (the lists of rituals in
        "what can you do" and "tell me more" as the registry gives them)."""
        names = {"partner_one": self.ctx.settings.partner_one, "partner_two": self.ctx.settings.partner_two}
        filled = {**names, **self._listed(), **values}
        try:
            forms = self.ctx.responses.variants(key, **filled)  # a plural line: the form its number picks
        except KeyError:
            forms = self.ctx.responses.all_variants(key)
        return [v.format(**filled) for v in forms]

    def _listed(self) -> dict[str, str]:
        flows = self.wired.assistant.flows
        told = [self.ctx.line(key) for key in flows.capability_keys()]
        return {"rituals": self.ctx.spoken_list(told, "and"), "topics": self.ctx.spoken_list(told, "or")}

    def count(self, key: str, **values: object) -> int:
        """How many times a line of `key` was said."""
        options = set(self.variants(key, **values))
        return sum(line in options for line in self.lines)


CONVERSATION_SETTINGS = Settings(partner_one="Sam", partner_two="Alex", wake_word="off")
"""What a conversation test runs with: lines heard as a microphone would (the idle bar) with no wake word, so
"goodbye" closes and a script needs no name; the always-on behaviour has its own tests (test_always_on.py)."""


def responses(seed: int = 0) -> Responses:
    return app.language_responses(random.Random(seed))


def make_session(data_dir: Path, script: list[str] | None = None, *, listener: Listener | None = None,
                 clock: Clock | None = None, settings: Settings | None = None, seed: int = 0,
                 settings_keeper: Callable[[Settings], None] | None = None) -> Session:
    """A session wired as the command wires one (`assistant.app.assemble`), over typed lines and printed
    speech in memory and a real notes file in `data_dir`."""
    output = io.StringIO()
    clock = clock or ManualClock()
    store = NotesStore.in_dir(data_dir)
    text_in = io.StringIO("".join(line + "\n" for line in (script or [])))
    wired = app.assemble(
        listener=listener or TextListener(text_in, clock=clock),  # one clock: a blank line moves it
        speaker=PrintSpeaker(output), clock=clock, store=store,
        settings=settings or CONVERSATION_SETTINGS,
        responses=responses(seed), settings_keeper=settings_keeper)
    return Session(wired, output, store)


def run_assistant(data_dir: Path, script: list[str], **kwargs: object) -> Session:
    """The whole loop, from the welcome to the goodbye, over a script."""
    session = make_session(data_dir, script, **kwargs)  # type: ignore[arg-type]
    assert session.run() == 0
    return session
