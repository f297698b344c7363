"""The twenty-second hug (and the six-second kiss): a cue and a soft chime, quiet, then an end chime
exactly on time and a warm line.

States: READY (cue, start chime) -> RUNNING <-> PAUSED -> DONE (end chime, line, counted) or STOPPED.
While it runs the assistant only listens, with the hug's deadline (`ctx.wait_until`), so the end
chime comes on time even if someone is talking; "pause", "resume", "how long left" and "stop" work.
Every timed hug is counted in the store (`rituals.hugs`), finished or not.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from assistant.config import EveningStep
from assistant.dialogue.conversation import Conversation, FlowCancelled
from assistant.dialogue.flow import Flow
from assistant.dialogue.timer import Countdown, whole_seconds_left
from assistant.dialogue.utterance import Utterance
from assistant.notes.changes import RecordHug
from assistant.notes.models import HugRecord
from assistant.understanding.durations import heard_seconds
from assistant.understanding.matcher import Match

log = logging.getLogger(__name__)

SHORTEST_S = 3
LONGEST_S = 600
DEFAULT_S = {"hug": 20, "kiss": 6}
LONG_S = 60
"""A long hug: a minute."""
"""Twenty seconds of hugging releases oxytocin; six seconds is the article's morning kiss."""
KISS_GOODBYES = {"morning": "hug.done_kiss_morning", "afternoon": "hug.done_kiss_afternoon",
                 "evening": "hug.done_kiss_evening", "night": "hug.done_kiss_night"}
"""A kiss's farewell fits the hour (`part_of_day`)."""
COMMANDS = ("pause_timer", "continue", "time_left")
"""Besides stop and help, which work in every wait. "continue" is how "resume" is said."""


@dataclass(frozen=True)
class HugTimerFlow(Flow):
    name: str = "hug_timer"
    triggers: tuple[str, ...] = ("hug_timer", "kiss_timer")
    files: str = "hug"
    rank: int = 30
    summary_key: str = "hug.summary"
    capability_key: str = "hug.capability"
    listens: tuple[tuple[str, tuple[str, ...]], ...] = (("hug", COMMANDS),)
    evening_step: EveningStep | None = "hug"

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        if trigger is None or trigger.intent not in self.triggers:  # run as a step of another ritual
            self.time(ctx, DEFAULT_S["hug"])
            return
        label = "kiss" if trigger.intent == "kiss_timer" else "hug"
        self.time(ctx, requested_seconds(trigger.match, DEFAULT_S[label]), label)

    def time(self, ctx: Conversation, seconds: int, label: str = "hug") -> bool:
        """Time one hug (or kiss) of `seconds`; True when it ran to the end."""
        if not SHORTEST_S <= seconds <= LONGEST_S:
            ctx.say("hug.out_of_bounds", shortest=ctx.length(SHORTEST_S),
                    longest=ctx.length(LONGEST_S))
            return False
        timer = Countdown(ctx.clock, seconds)
        with ctx.help("hug.help"):
            started = ctx.clock.now()
            completed = False
            try:
                ctx.say("hug.ready_kiss" if label == "kiss" else "hug.ready_hug", length=ctx.length(seconds))
                timer.start()  # on the "now": the chime marks the start, so the count starts with it
                ctx.chime("hug_start")
                completed = _run_timer(ctx, timer)
                late_ms = (ctx.clock.monotonic() - (timer.deadline or 0.0)) * 1000
                ctx.chime("hug_end")  # first thing at the deadline: nothing may delay it
                log.info("hug end cue %.1f ms after its deadline", late_ms)
                ctx.say(KISS_GOODBYES[part_of_day(ctx.clock.now().hour)] if label == "kiss" else "hug.done_hug")
            except FlowCancelled:
                ctx.say("hug.stopped")
            finally:
                if timer.started_at is not None:
                    record = HugRecord(at=started, seconds=seconds, completed=completed, label=label)
                    notes = ctx.notes.save(RecordHug(hug=record))
                    if completed and label == "hug" and notes is not None:
                        count = notes.rituals.timed("hug")
                        ctx.say("hug.progress_first" if count == 1 else "hug.progress", count=count)
            return completed


def _run_timer(ctx: Conversation, timer: Countdown) -> bool:
    """Listen quietly until the deadline, handling pause, resume and "how long left"."""
    while True:
        match = ctx.wait_until(timer.deadline, COMMANDS)
        if match is None:
            return True
        left = ctx.length(whole_seconds_left(timer.remaining()))
        if match.intent == "time_left":
            ctx.say("hug.time_left_paused" if timer.paused else "hug.time_left", left=left)
        elif match.intent == "pause_timer":
            if timer.paused:
                ctx.say("hug.already_paused")
            else:
                timer.pause()
                ctx.say("hug.paused")
        elif timer.paused:  # continue: resume once the line is said, so no hug time is talked over
            ctx.say("hug.resumed", left=left)
            timer.resume()
        else:
            ctx.say("hug.still_running", left=left)


def requested_seconds(match: Match, default: int) -> int:
    """The length said in the trigger ("hug for 45 seconds", "half a minute", "a minute and a half"), read
    from the words heard, never from the nearest example phrase; "a long hug" is a minute; else `default`."""
    said = heard_seconds(match.text)
    if said is not None:
        return said
    return LONG_S if "long" in match.text.split() else default


def part_of_day(hour: int) -> str:
    """morning (5-12), afternoon (12-17), evening (17-22) or night: a kiss's farewell fits the hour."""
    if 5 <= hour < 12:
        return "morning"
    if 12 <= hour < 17:
        return "afternoon"
    return "evening" if 17 <= hour < 22 else "night"


RITUALS = (HugTimerFlow(),)
