"""Shared goals: "let's set a goal" keeps one with an optional review date; "review our goals" reads
the open ones and asks, one by one, which are done. At start-up a gentle reminder is spoken when a
review date has come, or when a quarter has passed without looking at the goals (the article's
quarterly relationship check-in).

Review dates are intents named `review_in_<n>_<unit>` (intents/en/goals.yaml), so the phrases
stay in data and the grammar for the recognizer stays closed (robust with pocketsphinx).
"""

from __future__ import annotations

import calendar
import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta

from assistant.clock import local_day
from assistant.dialogue.answers import misheard
from assistant.dialogue.conversation import Conversation, FlowCancelled
from assistant.dialogue.flow import Flow
from assistant.dialogue.flows.spoken_days import spoken_date, spoken_day
from assistant.dialogue.utterance import Utterance
from assistant.notes.changes import AddGoal, GoalReminderGiven, MarkGoalDone, ReplaceGoal
from assistant.notes.models import Goal, NotesFile

log = logging.getLogger(__name__)

REVIEW_INTENT = re.compile(r"review_in_(\d+)_(week|month|year)s?")
REVIEW_INTENTS = "review_in_*"
"""The review dates a goal can have, as a pattern over intent names (`goals.yaml` lists them)."""
NO_DATE_INTENTS = ("no", "no_review_date")
QUARTER_DAYS = 91
REVIEW_CLOSINGS = {"all": "goals.review_closing_all", "some": "goals.review_closing_some",
                   "none": "goals.review_closing_none"}


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 January + 1 month = 28/29 February)."""
    years, index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_date(intent: str, today: date) -> date | None:
    """The date a `review_in_<n>_<unit>` intent stands for; None for any other answer."""
    match = REVIEW_INTENT.fullmatch(intent)
    if match is None:
        return None
    count, unit = int(match.group(1)), match.group(2)
    if unit == "week":
        return today + timedelta(weeks=count)
    return add_months(today, count if unit == "month" else 12 * count)


def reminder_due(notes: NotesFile, today: date) -> tuple[str, int] | None:
    """Which reminder to speak today (`due`: a review date has come, `quarterly`), with a count."""
    if not notes.goals:
        return None  # no goals yet: nothing to remind about, and no nagging
    last = notes.rituals.last_goal_reminder
    open_goals = [g for g in notes.goals if g.done_at is None]
    due = [g for g in open_goals
           if g.review_on is not None and g.review_on <= today and (last is None or last < g.review_on)]
    if due:
        return "due", len(due)
    # The quarter counts from the last time the goals were looked at, set, reached or reminded of.
    activity = [local_day(g.created_at) for g in notes.goals]
    activity += [local_day(g.done_at) for g in notes.goals if g.done_at is not None]
    if last is not None:
        activity.append(last)
    if (today - max(activity)).days >= QUARTER_DAYS:
        return "quarterly", len(open_goals)
    return None


def mark_reviewed(ctx: Conversation, today: date) -> None:
    ctx.notes.save_quietly(GoalReminderGiven(day=today))  # a failure only shifts the reminder's timing: say nothing


@dataclass(frozen=True)
class SetGoalFlow(Flow):
    name: str = "set_goal"
    triggers: tuple[str, ...] = ("set_goal",)
    files: str = "goals"
    rank: int = 60
    summary_key: str = "goals.summary"
    capability_key: str = "goals.capability"
    listens: tuple[tuple[str, tuple[str, ...]], ...] = (("review_date", (REVIEW_INTENTS, *NO_DATE_INTENTS)),)
    keeps: str = "goal"

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        with ctx.help("goals.help_set"):
            draft: list[Goal] = []  # the goal once its words are known: kept even if stopped at the date
            saved = [False]
            try:
                self._ask(ctx, draft, saved)
            except FlowCancelled:
                if not draft:
                    ctx.say("goals.stopped")
            finally:
                saved[0] = bool(draft) and self._save(ctx, draft[0])

    @staticmethod
    def _ask(ctx: Conversation, draft: list[Goal], saved: list[bool]) -> None:
        def correct(text: str) -> None:  # "that's not what I said": the draft, or the goal once saved
            if draft:
                draft[0].text, draft[0].unsure = text, misheard(text)
                if saved[0]:
                    ctx.notes.save(ReplaceGoal(goal=draft[0]))

        text = ctx.ask_answer("goals.ask_goal", correct=correct)
        if text is None:
            ctx.say("goals.no_goal")
            return
        goal = Goal(created_at=ctx.clock.now(), text=text, unsure=misheard(text))
        draft.append(goal)
        choice = ctx.ask_choice("goals.ask_review", [*ctx.intents_like(REVIEW_INTENTS), *NO_DATE_INTENTS],
                                skippable=True)
        goal.review_on = review_date(choice, local_day(goal.created_at))

    @staticmethod
    def _save(ctx: Conversation, goal: Goal) -> bool:
        if ctx.notes.save(AddGoal(goal=goal)) is None:
            return False
        if goal.review_on is None:
            ctx.say("goals.saved_no_date")
        else:
            ctx.say("goals.saved_with_date", date=spoken_date(ctx, goal.review_on))
        return True


@dataclass(frozen=True)
class ReviewGoalsFlow(Flow):
    name: str = "review_goals"
    triggers: tuple[str, ...] = ("review_goals",)
    files: str = "goals"
    rank: int = 61
    summary_key: str = ""  # described together with setting a goal

    def on_start(self, ctx: Conversation) -> None:
        """Speak the goal reminder when it is due (at most once a day)."""
        today = local_day(ctx.clock.now())
        due = reminder_due(ctx.notes.quietly(), today)
        if due is None:
            return
        reason, count = due
        ctx.say("goals.reminder_due" if reason == "due" else "goals.reminder_quarterly", count=count)
        mark_reviewed(ctx, today)

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        stored = ctx.notes.read()
        if stored is None:
            return
        goals = stored.goals
        open_goals = sorted((g for g in goals if g.done_at is None), key=lambda g: g.created_at)
        today = local_day(ctx.clock.now())
        if not goals:
            ctx.say("goals.none_yet")
            return
        if not open_goals:
            ctx.say("goals.all_done", count=len(goals))
            mark_reviewed(ctx, today)
            return
        ctx.say("goals.review_intro_one" if len(open_goals) == 1 else "goals.review_intro_many",
                count=len(open_goals))
        with ctx.help("goals.help_review"):
            reached = 0
            try:
                for goal in open_goals:
                    if self._ask_done(ctx, goal):
                        reached += 1
                closing = "all" if reached == len(open_goals) else "some" if reached else "none"
                ctx.say(REVIEW_CLOSINGS[closing], count=reached)
            except FlowCancelled:
                ctx.say("goals.review_stopped")
            finally:
                mark_reviewed(ctx, today)

    @staticmethod
    def _ask_done(ctx: Conversation, goal: Goal) -> bool:
        """Ask about one goal; True when it was marked done (and saved)."""
        since = spoken_day(ctx, local_day(goal.created_at))
        answer = ctx.ask_choice("goals.ask_done", ["yes", "no"], skippable=True, text=goal.text, since=since)
        if answer == "yes":
            if ctx.notes.save(MarkGoalDone(goal_id=goal.id, done_at=ctx.clock.now())) is not None:
                ctx.say("goals.marked_done")
                return True
            return False
        ctx.say("goals.still_open" if answer == "no" else "goals.skipped")
        return False


RITUALS = (SetGoalFlow(), ReviewGoalsFlow(),)
