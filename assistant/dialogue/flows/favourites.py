"""'Read our favourites': the questions the couple saved in the question game, read out as they were
asked (their ids are what the notes keep)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.dialogue.conversation import Conversation
from assistant.dialogue.decks import question_texts
from assistant.dialogue.flow import Flow
from assistant.dialogue.flows.deck_shelf import shipped_decks_dir, user_decks_dir
from assistant.dialogue.utterance import Utterance
from assistant.notes.query import favourite_text

MOST_READ = 5
"""A list read aloud is best short: the most recent few."""


@dataclass(frozen=True)
class ReadFavouritesFlow(Flow):
    name: str = "read_favourites"
    triggers: tuple[str, ...] = ("read_favourites",)
    files: str = "question_game"
    rank: int = 22
    summary_key: str = ""  # described with the question game

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        stored = ctx.notes.read()
        if stored is None:
            return
        saved = stored.rituals.favourite_questions
        if not saved:
            ctx.say("question_game.no_favourites_idle")
            return
        texts = question_texts(shipped_decks_dir(), user_decks_dir(ctx))
        ctx.say("question_game.favourites_intro")
        ctx.say_each(favourite_text(question, texts) for question in saved[-MOST_READ:])
        ctx.say("question_game.favourites_outro")


RITUALS = (ReadFavouritesFlow(),)
