""""How are we doing": a gentle look back, read from the store. Counts are reported, never judged;
every zero has its own kind line.

Questions answered are the questions asked in the question game (its per-deck memory), plus the
answers the couple chose to save.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from assistant.clock import local_day
from assistant.dialogue.conversation import Conversation
from assistant.dialogue.flow import Flow
from assistant.dialogue.flows.closeness import SET_SIZE
from assistant.dialogue.flows.spoken_days import spoken_day
from assistant.dialogue.utterance import Utterance
from assistant.notes.models import AnswerNote, AppreciationNote, CheckInNote, NotesFile

WEEK_DAYS = 7
BREAK_ENDINGS = {"time_up": ("progress.break_time_up", "progress.break_time_up_only"),
                 "ready_early": ("progress.break_ready_early", "progress.break_ready_early_only"),
                 "stopped": ("progress.break_stopped", "progress.break_stopped_only")}
"""How each break ended, with its line among several breaks and its line when there was only one."""


@dataclass(frozen=True)
class Progress:
    checkins_this_week: int
    streak_days: int
    """Days in a row with at least one ritual, ending today (or yesterday, if today is still open)."""
    hugs: int
    questions_asked: int
    answers_saved: int
    breaks: int
    break_endings: dict[str, int] = field(default_factory=dict)
    stress_talks: int = 0


def ritual_days(notes: NotesFile) -> set[date]:
    """Days on which the couple did something together: check-ins, appreciations, saved answers,
    completed hugs, calm-down breaks, date nights and stress talks."""
    days = {local_day(n.created_at) for n in notes.notes
            if isinstance(n, CheckInNote | AppreciationNote | AnswerNote)}
    days |= {local_day(h.at) for h in notes.rituals.hugs if h.completed}
    days |= {local_day(b.at) for b in notes.rituals.breaks}
    days |= {local_day(d.at) for d in notes.rituals.date_nights}
    days |= {local_day(t.at) for t in notes.rituals.stress_talks}
    days |= {local_day(at) for at in notes.rituals.weekly_meetings}
    return days


def streak(days: set[date], today: date) -> int:
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


def progress(notes: NotesFile, today: date) -> Progress:
    week_start = today - timedelta(days=WEEK_DAYS - 1)
    checkins = [n for n in notes.notes
                if isinstance(n, CheckInNote) and week_start <= local_day(n.created_at) <= today]
    return Progress(
        checkins_this_week=len(checkins),
        streak_days=streak(ritual_days(notes), today),
        hugs=notes.rituals.timed("hug"),
        questions_asked=sum(len(ids) for ids in notes.rituals.asked_questions.values()),
        answers_saved=sum(1 for n in notes.notes if isinstance(n, AnswerNote)),
        breaks=len(notes.rituals.breaks),
        break_endings=dict(Counter(b.ended for b in notes.rituals.breaks)),
        stress_talks=len(notes.rituals.stress_talks),
    )


@dataclass(frozen=True)
class ProgressFlow(Flow):
    name: str = "progress"
    triggers: tuple[str, ...] = ("progress",)
    files: str = "progress"
    rank: int = 80
    summary_key: str = "progress.summary"
    capability_key: str = "progress.capability"

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        notes = ctx.notes.read()
        if notes is None:
            return
        report = progress(notes, local_day(ctx.clock.now()))
        ctx.say("progress.intro")
        ctx.say("progress.checkins", count=report.checkins_this_week)
        ctx.say("progress.streak", count=report.streak_days)
        ctx.say("progress.hugs", count=report.hugs)
        ctx.say("progress.questions", count=report.questions_asked)
        if report.answers_saved:
            ctx.say("progress.answers", count=report.answers_saved)
        self._breaks(ctx, report)
        if report.stress_talks:  # said only once there are some: no scolding for what was never tried
            ctx.say("progress.stress_talks", count=report.stress_talks)
        if notes.rituals.weekly_meetings:
            ctx.say("progress.weekly_meeting", day=spoken_day(ctx, local_day(max(notes.rituals.weekly_meetings))))
        self._closeness(ctx, notes.rituals.closeness_asked, len(notes.rituals.closeness_finished))
        ctx.say("progress.closing")

    @staticmethod
    def _closeness(ctx: Conversation, asked: int, finished: int) -> None:
        """Where they are in the thirty-six questions, once begun: a place to come back to, never a task."""
        if finished:
            ctx.say("progress.closeness_finished", count=finished)
        if asked:
            ctx.say("progress.closeness_place", asked=asked, set=asked // SET_SIZE + 1)

    @staticmethod
    def _breaks(ctx: Conversation, report: Progress) -> None:
        ctx.say("progress.breaks", count=report.breaks)
        for ending, (key, only_key) in BREAK_ENDINGS.items():
            count = report.break_endings.get(ending, 0)
            if count:
                # With a single break the line speaks of "it"; otherwise of how many of them.
                ctx.say(only_key if report.breaks == 1 else key, count=count)


RITUALS = (ProgressFlow(),)
