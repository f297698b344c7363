"""The couple's time, offered once: "remind us to check in at nine", "not on Fridays", "stop reminding us";
and "be quiet for tonight".

At the time, on a chosen day, if no ritual has run that evening and Togetherly is not keeping quiet, it asks
once, softly, whether they would like their check-in (`assistant.dialogue.offers`). Silence means no. It
never mentions a streak. The schedule lives in config.yaml; the evening it was offered too, so a restart
neither asks twice nor replays a time it missed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import ClassVar

from assistant.clock import local_day
from assistant.config import WEEKDAYS, Weekday
from assistant.dialogue.conversation import Conversation
from assistant.dialogue.flow import Flow
from assistant.dialogue.flows.progress import ritual_days
from assistant.dialogue.offers import GRACE, Offer
from assistant.dialogue.utterance import Utterance
from assistant.quiet_hours import clock_time
from assistant.understanding.times import evening_time, heard_time

_DAY_WORDS = {day: (day, f"{day}s") for day in WEEKDAYS}


@dataclass(frozen=True)
class RemindersFlow(Flow):
    name: str = "reminders"
    triggers: tuple[str, ...] = ("remind_ritual", "reminder_day_off", "stop_reminders", "quiet_tonight")
    files: str = "reminders"
    idle: ClassVar[bool] = True
    offered_flow: str = "checkin"

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        intent = trigger.intent if trigger is not None else None
        if intent == "quiet_tonight":
            until = ctx.keep_quiet_tonight()
            ctx.say("reminders.quiet_tonight", time=ctx.time_of_day(until.time()))
        elif intent == "stop_reminders":
            ctx.keep_settings(ctx.settings.model_copy(update={"ritual_time": None}))
            ctx.say("reminders.stopped")
        elif intent == "reminder_day_off" and trigger is not None:
            self.day_off(ctx, days_said(ctx.words(trigger.text)))
        elif trigger is not None:
            self.set_time(ctx, trigger)

    def set_time(self, ctx: Conversation, trigger: Utterance) -> None:
        said = heard_time(trigger.text)
        if said is None:
            answer = ctx.ask_answer("reminders.ask_time")
            said = heard_time(answer) if answer else None
        if said is None:
            ctx.say("reminders.time_unclear")
            return
        at = evening_time(said)
        off = days_said(ctx.words(trigger.text))
        days = [day for day in WEEKDAYS if day not in off]
        # Set for later tonight: offered tonight; set after the time: first offered tomorrow.
        ctx.keep_settings(ctx.settings.model_copy(update={"ritual_time": at.strftime("%H:%M"), "ritual_days": days,
                                                          "ritual_offered_on": None}))
        if off:
            ctx.say("reminders.set_except", time=ctx.time_of_day(at), days=self._days(ctx, off))
        else:
            ctx.say("reminders.set", time=ctx.time_of_day(at))

    def day_off(self, ctx: Conversation, off: list[Weekday]) -> None:
        if ctx.settings.ritual_time is None:
            ctx.say("reminders.no_reminder")
            return
        days = [day for day in ctx.settings.ritual_days if day not in off]
        if not days:
            ctx.keep_settings(ctx.settings.model_copy(update={"ritual_time": None}))
            ctx.say("reminders.all_days_off")
            return
        ctx.keep_settings(ctx.settings.model_copy(update={"ritual_days": days}))
        ctx.say("reminders.day_off", days=self._days(ctx, off))

    @staticmethod
    def _days(ctx: Conversation, days: list[Weekday]) -> str:
        names = ctx.spoken_variants("reminders.weekdays")
        return ctx.spoken_list([names[WEEKDAYS.index(day)] for day in days], "and")

    def offers(self, ctx: Conversation) -> list[Offer]:
        settings = ctx.settings
        if settings.ritual_time is None:
            return []
        notes = ctx.notes.quietly()
        # Not on an evening it was offered, nor on one a ritual has run: nothing to offer then.
        skipped = (ritual_days(notes) if notes is not None else set()) | {settings.ritual_offered_on}
        due = next_due(ctx.clock.now(), clock_time(settings.ritual_time), settings.ritual_days, skipped)
        if due is None:
            return []
        return [Offer(due=due, key="reminders.offer_checkin", flow=self.offered_flow, mark=_mark_offered,
                      values={"time": ctx.time_of_day(due.time())})]


def _mark_offered(ctx: Conversation) -> None:
    ctx.keep_settings(ctx.settings.model_copy(update={"ritual_offered_on": local_day(ctx.clock.now())}))


def next_due(now: datetime, at: time, days: list[Weekday], skipped: Collection[date | None]) -> datetime | None:
    """The next time to offer: tonight's if it is at most GRACE past (a time missed by more is never replayed),
    else the next chosen day's; never on a `skipped` day."""
    for ahead in range(9):
        day = now.date() + timedelta(days=ahead)
        if WEEKDAYS[day.weekday()] not in days or day in skipped:
            continue
        moment = now.replace(year=day.year, month=day.month, day=day.day, hour=at.hour, minute=at.minute, second=0,
                             microsecond=0)
        if moment + GRACE >= now:
            return moment
    return None


def days_said(words: list[str]) -> list[Weekday]:
    """The weekdays named in `words` ("not on fridays" -> friday)."""
    return [day for day, names in _DAY_WORDS.items() if any(word in names for word in words)]


RITUALS = (RemindersFlow(),)
