"""The stress-reducing conversation (Gottman): a daily talk about stress from outside the relationship.
Partners take turns as speaker and listener; the listener takes the speaker's side and gives no advice
unless asked. Togetherly explains it (in full the first time, briefly later), says whose turn it is, gives
the listener one gentle line, times each turn with a soft chime at the swap, and stays quiet.

The talk itself is never recorded or transcribed (`Conversation.wait_privately`: from a microphone only the
wake word is listened for, "Togetherly, how long left"), and it says so when it starts. Afterwards it asks
one optional question, "Did you each feel heard?", kept as a yes or no with the date.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.config import EveningStep
from assistant.dialogue.conversation import Conversation, FlowCancelled, SessionEnding
from assistant.dialogue.flow import Flow
from assistant.dialogue.timer import Countdown, whole_seconds_left
from assistant.dialogue.utterance import Utterance
from assistant.notes.changes import RecordStressTalk
from assistant.notes.models import StressTalkRecord
from assistant.understanding.durations import heard_seconds

DEFAULT_MIN = 10
"""Ten minutes each: the 20-30 minutes the research suggests for the whole talk."""
SHORTEST_MIN = 1
LONGEST_MIN = 30
COMMANDS = ("time_left", "pause_timer", "continue", "swap_turns", "talk_done")
"""Besides stop ("we're done") and help: "how long left", "pause", "resume", "swap" (the next turn now),
"we're done talking"."""


PRIVACY = {(False, True): "stress_talk.private_typed", (True, True): "stress_talk.private",
           (True, False): "stress_talk.private_unheard"}
"""What is said about privacy: typed (commands as ever), heard by the wake word only, or not heard at all."""


@dataclass(frozen=True)
class StressTalkFlow(Flow):
    name: str = "stress_talk"
    triggers: tuple[str, ...] = ("stress_talk",)
    files: str = "stress_talk"
    rank: int = 42
    summary_key: str = "stress_talk.summary"
    capability_key: str = "stress_talk.capability"
    listens: tuple[tuple[str, tuple[str, ...]], ...] = (("stress_talk", COMMANDS),)
    evening_step: EveningStep | None = "stress_talk"

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        minutes = turn_minutes(ctx, trigger)
        started = ctx.clock.now()
        completed = False
        turns_done = 0
        stored = ctx.notes.quietly()
        with ctx.help("stress_talk.help" if ctx.hears_privately else "stress_talk.help_unheard"):
            try:
                ctx.say("stress_talk.explain_short" if stored.rituals.stress_talks else "stress_talk.explain")
                ctx.say(PRIVACY[(ctx.overhears, ctx.hears_privately)])
                partners = ctx.settings.partners
                for turn, (speaker, listener) in enumerate((partners, partners[::-1])):
                    if turn:
                        ctx.chime("hug_end")  # the swap
                    ctx.say("stress_talk.turn_first" if turn == 0 else "stress_talk.turn_second",
                            speaker=speaker, listener=listener, length=ctx.length(minutes * 60))
                    ctx.chime("hug_start")
                    if not time_turn(ctx, Countdown(ctx.clock, minutes * 60)):
                        break  # "we're done talking", or "stop": the talk ends, the question still comes
                    turns_done += 1
                ctx.chime("hug_end")
                completed = turns_done == 2
                felt = ctx.ask_choice("stress_talk.ask_heard", ("yes", "no"), skippable=True)
            except FlowCancelled:
                ctx.say("stress_talk.stopped")
                return
        record = StressTalkRecord(at=started, minutes_each=minutes, completed=completed,
                                  felt_heard=None if felt == "skip" else felt == "yes")
        if ctx.notes.save(RecordStressTalk(record=record)) is not None:
            ctx.say("stress_talk.thanks_heard" if record.felt_heard else "stress_talk.thanks")


def turn_minutes(ctx: Conversation, trigger: Utterance | None) -> int:
    """Each turn's length, as said ("ten minutes each", "five minutes"), within bounds; else ten."""
    said = heard_seconds(trigger.match.text) if trigger is not None else None
    if said is None:
        return DEFAULT_MIN
    return min(LONGEST_MIN, max(SHORTEST_MIN, round(said / 60)))


def time_turn(ctx: Conversation, timer: Countdown) -> bool:
    """Stay quiet until the turn is over; False when the couple says they are done. The swap's chime comes
    straight after (scripts/bench_timers.py times the two)."""
    timer.start()
    while True:
        try:
            match = ctx.wait_privately(timer.deadline, COMMANDS)  # None while paused: no limit
        except SessionEnding:
            raise
        except FlowCancelled:  # "stop", "we're done": the talk is over, not the question after it
            if ctx.said_goodbye:
                raise
            return False
        if match is None:
            return True
        left = ctx.length(max(1, whole_seconds_left(timer.remaining())))
        if match.intent == "talk_done":
            return False
        if match.intent == "swap_turns":
            return True
        if match.intent == "time_left":
            ctx.say("stress_talk.time_left_paused" if timer.paused else "stress_talk.time_left", left=left)
        elif match.intent == "pause_timer":
            if not timer.paused:
                timer.pause()
            ctx.say("stress_talk.paused")
        elif timer.paused:  # continue
            ctx.say("stress_talk.resumed", left=left)
            timer.resume()


RITUALS = (StressTalkFlow(),)
