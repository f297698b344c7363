"""What a break parked: "what did we park", "we sorted it", and the one offer to come back to it.

The offer is made once: at the time the couple said they would come back together, if that is still to come
and outside quiet hours, else the next evening; never more than a day after the parking, never twice.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from assistant.clock import local_day
from assistant.dialogue.conversation import Conversation
from assistant.dialogue.flow import Flow
from assistant.dialogue.flows.spoken_days import spoken_day
from assistant.dialogue.offers import GRACE, Offer
from assistant.dialogue.utterance import Utterance
from assistant.notes.changes import ClearParked, ParkedOffered
from assistant.notes.kinds import spoken_note
from assistant.notes.models import ParkedNote

NEXT_EVENING = timedelta(hours=23)
"""Where no come-back time is left: offered the next evening, an hour before a day has passed."""
LONGEST = timedelta(hours=24)


@dataclass(frozen=True)
class ParkedTopicsFlow(Flow):
    name: str = "parked_topics"
    triggers: tuple[str, ...] = ("park_topics", "parked_sorted")
    files: str = "calm_down"
    idle: ClassVar[bool] = True
    keeps: str = "parked"

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        notes = ctx.notes.read()
        if notes is None:
            return
        parked = sorted((n for n in notes.notes if isinstance(n, ParkedNote)), key=lambda n: n.created_at)
        if not parked:
            ctx.say("calm_down.parked_none")
        elif trigger is not None and trigger.intent == "parked_sorted":
            if ctx.notes.save(ClearParked(note_id=parked[-1].id)) is None:
                return
            if len(parked) > 1:
                ctx.say("calm_down.parked_cleared_more", day=spoken_day(ctx, local_day(parked[-2].created_at)))
            else:
                ctx.say("calm_down.parked_cleared")
        else:
            for note in parked:
                for key, values in spoken_note(note, spoken_day(ctx, local_day(note.created_at))):
                    ctx.say(key, **values)
            ctx.say("calm_down.parked_read_outro")

    def offers(self, ctx: Conversation) -> list[Offer]:
        notes = ctx.notes.quietly()
        if notes is None:
            return []
        now = ctx.clock.now()
        offers = []
        for note in notes.notes:
            if isinstance(note, ParkedNote) and not note.offered:
                due = offer_time(ctx, note, now)
                if due is not None:
                    same_day = local_day(due) == local_day(note.created_at)
                    key = "calm_down.offer_come_back" if same_day else "calm_down.offer_come_back_last_night"
                    offers.append(Offer(
                        due=due, key=key,
                        flow=self.name, mark=functools.partial(_offered, note_id=note.id),
                        latest=min(due + GRACE, note.created_at + LONGEST)))
        return offers


def offer_time(ctx: Conversation, note: ParkedNote, now: datetime) -> datetime | None:
    """The agreed come-back time if it is still to come and outside quiet hours, else the next evening (if
    that is outside them), never a day after the parking; None when no such time is left."""
    limit = note.created_at + LONGEST
    for due in (note.come_back_at, note.created_at + NEXT_EVENING):
        if due is not None and due + GRACE >= now and due <= limit and not ctx.quiet_at(due):
            return due
    return None


def _offered(ctx: Conversation, note_id: str) -> None:
    ctx.notes.save(ParkedOffered(note_id=note_id))


RITUALS = (ParkedTopicsFlow(),)
