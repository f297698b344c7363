"""Four minutes of eye contact: the close of Aron's "36 questions" study, where partners look into each
other's eyes in silence. A soft chime starts and ends it; in between Togetherly only listens, for "how
long left" and "stop". Nothing is recorded or saved: it says so when it starts.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.dialogue.conversation import Conversation, FlowCancelled
from assistant.dialogue.flow import Flow
from assistant.dialogue.timer import Countdown, whole_seconds_left
from assistant.dialogue.utterance import Utterance
from assistant.understanding.durations import heard_seconds

DEFAULT_S = 240
"""The study's four minutes."""
SHORTEST_S = 30
LONGEST_S = 600
COMMANDS = ("time_left",)
"""Besides stop and help, which work in every wait."""


@dataclass(frozen=True)
class EyeContactFlow(Flow):
    name: str = "eye_contact"
    triggers: tuple[str, ...] = ("eye_contact",)
    files: str = "eye_contact"
    summary_key: str = "eye_contact.summary"
    capability_key: str = "eye_contact.capability"
    listens: tuple[tuple[str, tuple[str, ...]], ...] = (("eye_contact", COMMANDS),)
    rank: int = 35

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        asked = heard_seconds(trigger.match.text) if trigger is not None else None
        self.time(ctx, min(LONGEST_S, max(SHORTEST_S, asked)) if asked is not None else DEFAULT_S)

    def time(self, ctx: Conversation, seconds: int) -> None:
        """The silent gaze of `seconds`, a chime at each end (scripts/bench_timers.py times it)."""
        timer = Countdown(ctx.clock, seconds)
        with ctx.help("eye_contact.help"):
            try:
                ctx.say("eye_contact.ready", length=ctx.length(seconds))
                timer.start()
                ctx.chime("hug_start")
                while ctx.wait_until(timer.deadline, COMMANDS) is not None:  # only "how long left" returns
                    ctx.say("eye_contact.time_left", left=ctx.length(max(1, whole_seconds_left(timer.remaining()))))
                ctx.chime("hug_end")  # first thing at the deadline
                ctx.say("eye_contact.done")
            except FlowCancelled:
                ctx.say("eye_contact.stopped")


RITUALS = (EyeContactFlow(),)
