"""Date night: planning alternates between the partners, as the article suggests, so both partners'
preferences get their turn. "whose turn is it to plan date night" answers from the stored log;
"I planned it" / "we had our date night" records one, asking who planned it (one microphone cannot
tell who said "I").
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.clock import local_day
from assistant.dialogue.conversation import Conversation, FlowCancelled
from assistant.dialogue.flow import Flow
from assistant.dialogue.flows.spoken_days import spoken_day
from assistant.dialogue.utterance import Utterance
from assistant.notes.changes import RecordDateNight
from assistant.notes.models import DateNightRecord

ATTEMPTS = 3


def _same_name(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def latest(history: list[DateNightRecord]) -> DateNightRecord:
    """The most recent date night (on a tie, the one recorded last)."""
    return sorted(history, key=lambda r: r.at)[-1]


def whose_turn(partners: tuple[str, str], history: list[DateNightRecord]) -> str:
    """The partner who did not plan the last date night (the first partner when there is none, or
    when the last planner's name is no longer one of the two)."""
    if not history:
        return partners[0]
    last = latest(history).planner
    if _same_name(last, partners[0]):
        return partners[1]
    return partners[0]


def other(partners: tuple[str, str], name: str) -> str:
    return partners[1] if _same_name(name, partners[0]) else partners[0]


def named_partner(ctx: Conversation, text: str) -> str | None:
    """The one partner whose name appears in `text` ("Sam did", "it was Alex's turn"), else None."""
    words = [w.removesuffix("'s") for w in ctx.words(text)]
    found = []
    for partner in ctx.settings.partners:
        name = ctx.words(partner)
        if name and any(words[i:i + len(name)] == name for i in range(len(words))):
            found.append(partner)
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class DateNightTurnFlow(Flow):
    name: str = "date_night_turn"
    triggers: tuple[str, ...] = ("date_night_turn",)
    files: str = "date_night"
    rank: int = 70
    summary_key: str = "date_night.summary"
    capability_key: str = "date_night.capability"

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        stored = ctx.notes.read()
        if stored is None:
            return
        history = stored.rituals.date_nights
        turn = whose_turn(ctx.settings.partners, history)
        if not history:
            ctx.say("date_night.turn_first", name=turn)
            return
        last = latest(history)
        ctx.say("date_night.turn", name=turn, last_name=last.planner,
                day=spoken_day(ctx, local_day(last.at)))


@dataclass(frozen=True)
class DateNightDoneFlow(Flow):
    name: str = "date_night_done"
    triggers: tuple[str, ...] = ("date_night_done",)
    files: str = "date_night"
    rank: int = 71
    summary_key: str = ""  # described together with whose turn it is

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        stored = ctx.notes.read()
        if stored is None:
            return
        history = stored.rituals.date_nights
        partners = ctx.settings.partners
        with ctx.help("date_night.help"):
            try:
                planner = self._ask_planner(ctx, whose_turn(partners, history))
            except FlowCancelled:
                ctx.say("date_night.not_recorded")
                return
        if planner is None:
            ctx.say("date_night.not_recorded")
            return
        record = DateNightRecord(at=ctx.clock.now(), planner=planner)
        if ctx.notes.save(RecordDateNight(record=record)) is not None:
            ctx.say("date_night.recorded", name=planner, next=other(partners, planner))

    @staticmethod
    def _ask_planner(ctx: Conversation, likely: str) -> str | None:
        """Who planned it: yes/no to the partner whose turn it was, or a name; None if skipped or unclear."""
        for attempt in range(ATTEMPTS):
            key = "date_night.ask_planner" if attempt == 0 else "date_night.ask_planner_by_name"
            text = ctx.ask_answer(key, name=likely)
            if text is None:
                return None
            named = named_partner(ctx, text)
            if named is not None:
                return named
            answer = ctx.understand(text, ["yes", "no"]).intent
            if answer == "yes":
                return likely
            if answer == "no":
                return other(ctx.settings.partners, likely)
        return None


RITUALS = (DateNightTurnFlow(), DateNightDoneFlow(),)
