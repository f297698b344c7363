"""Days as the rituals say them: "today", "yesterday", "on Tuesday", "on March 3", and a date alone."""

from __future__ import annotations

from datetime import date

from assistant.clock import local_day
from assistant.dialogue.conversation import Conversation


def spoken_day(ctx: Conversation, day: date) -> str:
    """`today`, `yesterday`, `on Tuesday` (within the last week) or `on March 3`, as a phrase."""
    today = local_day(ctx.clock.now())
    ago = (today - day).days
    if ago == 0:
        return ctx.line("notes.day_today")
    if ago == 1:
        return ctx.line("notes.day_yesterday")
    if 1 < ago < 7:
        return ctx.line("notes.day_weekday", weekday=day.strftime("%A"))
    return ctx.line("notes.day_date", date=spoken_date(ctx, day))


def spoken_date(ctx: Conversation, day: date) -> str:
    """"March 3", as the response files word a date."""
    return ctx.line("core.date", month=day.strftime("%B"), day=day.day)
