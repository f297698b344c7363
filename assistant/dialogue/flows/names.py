"""What should I call you two? Asked on the first evening (and on "change our names"), by voice or typed,
with "skip" always possible. The names are kept in config.yaml, as `togetherly setup` keeps them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from assistant.config import Settings, with_updates
from assistant.data_files import load_model
from assistant.dialogue.conversation import Conversation
from assistant.dialogue.flow import Flow
from assistant.dialogue.utterance import Utterance
from assistant.errors import ConfigError
from assistant.paths import language_dir

MAX_TRIES = 2


class NameWords(BaseModel):
    """`intents/<lang>/names/words.yaml`."""

    model_config = ConfigDict(extra="forbid")
    lead_ins: list[str]
    joiners: list[str]


@functools.cache
def _words(folder: Path) -> NameWords:
    return load_model(folder / "words.yaml", NameWords)[0]


def parse_names(text: str, words: NameWords | None = None) -> tuple[str, str] | None:
    """Two names from "Sam and Alex", "I'm Sam and this is Alex", "Sam, Alex"; None when it is not two."""
    words = words or _words(language_dir() / "names")
    cleaned = " " + re.sub(r"[.!?;:\"]", " ", text.strip().lower()) + " "
    for joiner in sorted(words.joiners, key=len, reverse=True):
        cleaned = cleaned.replace(f" {joiner} " if joiner.isalpha() else joiner, " | ")
    parts = []
    for part in cleaned.split("|"):
        tokens = f" {' '.join(part.split())} "
        for lead in sorted(words.lead_ins, key=len, reverse=True):
            tokens = tokens.replace(f" {lead} ", " ")
        name = " ".join(w[:1].upper() + w[1:] for w in tokens.split())
        if name:
            parts.append(name)
    if len(parts) != 2 or any(len(p) > 40 for p in parts):
        return None
    return parts[0], parts[1]


def named(settings: Settings) -> bool:
    """The couple has told us their names (or chose the defaults when asked)."""
    return settings.names_asked or settings.partners != Settings().partners


@dataclass(frozen=True)
class NamesFlow(Flow):
    name: str = "names"
    triggers: tuple[str, ...] = ("set_names",)
    files: str = "core"
    rank: int = 90
    summary_key: str = ""

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        self.ask(ctx, "core.ask_names_again", ())

    def ask(self, ctx: Conversation, key: str, idle_intents: tuple[str, ...]) -> Utterance | None:
        """Ask for the names. An answer that is plainly one of `idle_intents` ("start our check-in") is
        not a name: it is returned, for the caller to act on, and the names wait for another evening."""
        with ctx.help("core.help_names"):
            for _ in range(MAX_TRIES):
                answer = ctx.ask_answer(key)
                if answer is None:
                    self._keep(ctx, ctx.settings, "core.names_skipped")
                    return None
                command = ctx.understand(answer, idle_intents, idle=True) if idle_intents else None
                names = parse_names(answer)
                # A phrase said as it is, or a paraphrase that is not two names ("could we check in").
                if command is not None and command.intent is not None and \
                        (command.match.by != "classifier" or names is None):
                    return command
                if names is not None:
                    try:
                        settings = with_updates(ctx.settings, {"partner_one": names[0], "partner_two": names[1]})
                    except ConfigError:
                        pass
                    else:
                        self._keep(ctx, settings, "core.names_saved")
                        return None
                key = "core.names_unclear"
        self._keep(ctx, ctx.settings, "core.names_skipped")
        return None

    @staticmethod
    def _keep(ctx: Conversation, settings: Settings, key: str) -> None:
        settings = settings.model_copy(update={"names_asked": True})
        ctx.settings = settings
        saved = ctx.keep_settings(settings)
        ctx.say(key if saved or key != "core.names_saved" else "core.names_not_saved")


RITUALS = (NamesFlow(),)
