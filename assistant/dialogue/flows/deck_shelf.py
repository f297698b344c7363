"""Where the question decks come from: the shipped ones under `intents/<lang>/decks/`, and the couple's own
beside their notes (`<data dir>/decks/*.yaml`)."""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from assistant.dialogue.conversation import Conversation
from assistant.dialogue.decks import DeckLibrary, load_library
from assistant.paths import language_dir

log = logging.getLogger(__name__)


def shipped_decks_dir() -> Path:
    return language_dir() / "decks"


def user_decks_dir(ctx: Conversation) -> Path:
    """The couple's own decks live beside their notes: `<data dir>/decks/*.yaml`."""
    return ctx.notes.data_dir / "decks"


@functools.cache
def _shipped(directory: Path) -> DeckLibrary:
    return DeckLibrary.load_dir(directory)


def couple_library(ctx: Conversation, shipped_dir: Path | None) -> DeckLibrary:
    """The shipped decks (from `shipped_dir`; None: none) with the couple's own; a problem in one of their
    files is logged and told, and the rest is played."""
    shipped = _shipped(shipped_dir) if shipped_dir is not None else DeckLibrary()
    library, problems = load_library(shipped, user_decks_dir(ctx))
    for problem in problems:
        log.error("%s", problem)
        name = Path(str(problem.path)).name
        if problem.line is None:
            ctx.say("question_game.deck_problem_noline", file=name)
        else:
            ctx.say("question_game.deck_problem", file=name, line=problem.line)
    return library
