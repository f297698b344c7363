"""The calm-down break: a time-out when a talk gets heated, and the way back.

States: ACKNOWLEDGE (no blame) -> OFFER breathing -> [BREATHING] -> RESTING (when will you come back
together?) -> [CONFIRM ready] -> WELCOME BACK (chime when the time is up, the fair-fighting agreements, a
repair phrase to try) -> READY TO TALK? (not yet: PARK the topic, one sentence each, offered back once
later by `assistant.dialogue.flows.parked_topics`).
The break's countdown starts once it is suggested, so the breathing is part of it. While resting
the assistant stays quiet and only listens, with the break's deadline: "how long left", "five more
minutes", "we're ready" (checked with a yes/no) and "stop" work.

Breathing cues are each due at a fixed offset from the round's start (`timer.schedule`), so a cue
said late (a long line, a question answered) never shifts the ones after it.

Only that a break happened is stored (`rituals.breaks`: when, planned and actual length, how it
ended), never anything that was said. The couple's own agreements come from `agreements.yaml` in
the data folder and from "add an agreement" (kept in the store); until there are any, the suggested
ones in the response file are used.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.data_files import load_model
from assistant.dialogue.answers import misheard
from assistant.dialogue.conversation import Conversation, FlowCancelled
from assistant.dialogue.flow import Flow
from assistant.dialogue.timer import Countdown, Cue, Phase, schedule
from assistant.dialogue.utterance import Utterance
from assistant.errors import DataFileError
from assistant.notes.changes import AddAgreement, ClearAgreements, RecordBreak
from assistant.notes.models import BreakRecord, NotesFile, ParkedNote, PartnerWords
from assistant.understanding.durations import heard_seconds
from assistant.understanding.matcher import Match
from assistant.understanding.times import heard_time, next_time

log = logging.getLogger(__name__)

BREATH = (Phase("in", 4.0), Phase("hold", 2.0), Phase("out", 6.0))
BREATH_CUES = {"in": "calm_down.breathe_in", "hold": "calm_down.breathe_hold", "out": "calm_down.breathe_out"}
BREATH_ROUNDS = 10
"""Twelve seconds a round: ten rounds is about two minutes."""
CUE_PACE = 0.8
"""The breathing cues ("Breathe in.") at four fifths of the couple's own pace: slow, like the breath."""
SHORTEST_BREAK_MIN = 20
"""About the time a flooded body needs to calm down (the article): a shorter break is lengthened."""
LONGEST_BREAK_MIN = 240
REST_COMMANDS = ("time_left", "extend_break", "break_ready", "continue", "come_back_at")
BREATH_COMMANDS = ("skip", "time_left", "extend_break", "break_ready")
"""Not "continue": while breathing it would sooner mean "go on breathing" than "we're ready"."""
DEFAULT_EXTENSION_MIN = 5
LONGEST_EXTENSION_MIN = 60
AGREEMENTS_FILE = "agreements.yaml"

Ending = Literal["time_up", "ready_early", "stopped"]
READY_ANSWERS = ("yes", "no", "extend_break", "break_ready")
"""Heard after "Are you ready to talk again, or do you need more time?"."""
NOT_READY = ("no", "extend_break")


@dataclass
class Break:
    timer: Countdown
    started: datetime
    come_back_at: datetime | None = None
    """When the couple said they would come back together."""


@dataclass(frozen=True)
class CalmDownFlow(Flow):
    name: str = "calm_down"
    triggers: tuple[str, ...] = ("need_break",)
    files: str = "calm_down"
    rank: int = 40
    summary_key: str = "calm_down.summary"
    capability_key: str = "calm_down.capability"
    listens: tuple[tuple[str, tuple[str, ...]], ...] = (("break", (*REST_COMMANDS, *BREATH_COMMANDS)),)
    confirm: tuple[tuple[str, str], ...] = (("need_break", "calm_down.confirm_need_break"),)

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        with ctx.help("calm_down.help"):
            started = ctx.clock.now()
            ctx.say("calm_down.acknowledge")
            minutes = break_minutes(ctx, trigger)
            timer = Countdown(ctx.clock, minutes * 60).start()
            plan = Break(timer, started)
            ended: Ending = "stopped"
            elapsed: float | None = None
            try:
                ready = False
                if ctx.ask_choice("calm_down.offer_breathing", ("yes", "no")) == "yes":
                    ready = breathe(ctx, plan)
                else:
                    ctx.say("calm_down.breathing_no")
                if ready:
                    ended = "ready_early"
                else:
                    if timer.remaining() >= 60:  # else the breathing took (nearly) all of a short break
                        ctx.say("calm_down.break_start", minutes=ctx.length(minutes_left(timer) * 60))
                        ctx.say("calm_down.ask_come_back")  # the first words heard in the rest may answer it
                    ended = rest(ctx, plan)
                elapsed = timer.elapsed()
                if ended == "time_up":
                    ctx.chime("break_end")  # first thing at the deadline
            except FlowCancelled:
                ctx.say("calm_down.stopped")
            finally:
                minutes_taken = (timer.elapsed() if elapsed is None else elapsed) / 60
                record = BreakRecord(at=started, planned_minutes=round(timer.planned / 60, 2),
                                     actual_minutes=round(minutes_taken, 2), ended=ended,
                                     come_back_at=plan.come_back_at)
                log.info("break ended (%s) after %.1f of %.0f minutes", ended, minutes_taken, timer.planned / 60)
                ctx.notes.save(RecordBreak(record=record))
            if ended != "stopped":
                welcome_back(ctx)
                if ctx.ask_once("calm_down.ask_ready_to_talk", READY_ANSWERS) in NOT_READY:
                    park(ctx, plan)


def break_minutes(ctx: Conversation, trigger: Utterance | None) -> int:
    """The break's length, said: the one asked for ("a thirty minute break", "half an hour") within the
    bounds, at least the twenty minutes a racing heart needs (said kindly); else the couple's setting."""
    asked = heard_seconds(trigger.match.text) if trigger is not None and trigger.intent == "need_break" else None
    if asked is None:
        ctx.say("calm_down.suggest", minutes=ctx.length(ctx.settings.break_minutes * 60))
        return ctx.settings.break_minutes
    minutes = round(asked / 60)
    if minutes < SHORTEST_BREAK_MIN:
        ctx.say("calm_down.at_least", asked=ctx.length(minutes * 60), minutes=ctx.length(SHORTEST_BREAK_MIN * 60))
        return SHORTEST_BREAK_MIN
    if minutes > LONGEST_BREAK_MIN:
        ctx.say("calm_down.at_most", minutes=ctx.length(LONGEST_BREAK_MIN * 60))
        return LONGEST_BREAK_MIN
    ctx.say("calm_down.suggest_asked", minutes=ctx.length(minutes * 60))
    return minutes


def breathe(ctx: Conversation, plan: Break) -> bool:
    """About two minutes of paced breathing, each cue on its own deadline; "skip" ends it early.
    True when the couple said they were ready (and confirmed it) during the round."""
    with ctx.help("calm_down.help_breathing"):
        ctx.say("calm_down.breathing_intro")
        start = ctx.clock.monotonic()
        cycle = sum(phase.seconds for phase in BREATH)
        for cue in [*schedule(start, BREATH, BREATH_ROUNDS), Cue("done", start + cycle * BREATH_ROUNDS)]:
            if plan.timer.deadline is not None and cue.due >= plan.timer.deadline:
                return False  # a break shorter than the round: the break's end comes first
            while (match := ctx.wait_until(cue.due, BREATH_COMMANDS)) is not None:
                if match.intent == "skip":
                    ctx.say("calm_down.breathing_skipped")
                    return False
                if answer(ctx, plan, match):
                    return True
            late_ms = (ctx.clock.monotonic() - cue.due) * 1000
            log.debug("breathing cue %s %.0f ms after its time", cue.name, late_ms)
            if cue.name == "done":
                ctx.say("calm_down.breathing_done")
            else:
                ctx.say_at_pace(BREATH_CUES[cue.name], CUE_PACE)
        return False


def rest(ctx: Conversation, plan: Break) -> Ending:
    """Stay quiet until the break is over, answering only what is asked of us."""
    with ctx.help("calm_down.help"):
        while True:
            match = ctx.wait_until(plan.timer.deadline, REST_COMMANDS)
            if match is None:
                return "time_up"
            if answer(ctx, plan, match):
                return "ready_early"


def answer(ctx: Conversation, plan: Break, match: Match) -> bool:
    """"how long left", "five more minutes", "let's come back at ten", "we're ready"; True when they are
    ready and confirm it."""
    timer = plan.timer
    if match.intent == "come_back_at":
        come_back(ctx, plan, match.text)
    elif match.intent == "time_left":
        say_time_left(ctx, timer)
    elif match.intent == "extend_break":
        asked = match.slot("minutes")
        added = min(asked if isinstance(asked, int) and asked > 0 else DEFAULT_EXTENSION_MIN,
                    LONGEST_EXTENSION_MIN)
        timer.extend(added * 60)
        ctx.say("calm_down.extended", added=ctx.length(added * 60), left=ctx.length(minutes_left(timer) * 60))
    elif ctx.ask_choice("calm_down.confirm_ready", ("yes", "no")) == "yes":
        return True
    else:
        ctx.say("calm_down.keep_resting")
    return False


def come_back(ctx: Conversation, plan: Break, said: str) -> None:
    """When they will come back together: at least twenty minutes after the break began, said back. The
    break's chime moves there (as far as the longest break allows)."""
    at = come_back_time(ctx, said)
    if at is None:  # "after dinner", "later"
        answer_text = ctx.ask_answer("calm_down.ask_come_back_time")
        at = come_back_time(ctx, answer_text) if answer_text else None
    if at is None:
        ctx.say("calm_down.come_back_unclear")
        return
    earliest = plan.started + timedelta(minutes=SHORTEST_BREAK_MIN)
    key = "calm_down.come_back_at"
    if at < earliest:
        at, key = earliest, "calm_down.come_back_at_least"
    plan.come_back_at = at
    timer = plan.timer
    wanted = (at - ctx.clock.now()).total_seconds()
    longest = LONGEST_BREAK_MIN * 60 - timer.elapsed()
    timer.extend(min(wanted, longest) - timer.remaining())
    if wanted > longest:
        chime = ctx.clock.now() + timedelta(seconds=timer.remaining())
        ctx.say("calm_down.come_back_later", time=ctx.time_of_day(at.time()), chime=ctx.time_of_day(chime.time()))
    else:
        ctx.say(key, time=ctx.time_of_day(at.time()))


def come_back_time(ctx: Conversation, said: str) -> datetime | None:
    """"at nine thirty" (the next nine thirty), "in half an hour", or None when no time was said."""
    now = ctx.clock.now()
    at = heard_time(said)
    if at is not None:
        return next_time(at, now)
    seconds = heard_seconds(said)
    return now + timedelta(seconds=seconds) if seconds else None


def park(ctx: Conversation, plan: Break) -> None:
    """Not ready yet: one sentence each to keep, offered back once later (never the rest of the talk)."""
    if ctx.ask_choice("calm_down.offer_park", ("yes", "no")) != "yes":
        ctx.say("calm_down.not_parked")
        return
    words: list[PartnerWords] = []
    unsure = False
    try:
        for name in ctx.settings.partners:
            text = ctx.ask_answer("calm_down.ask_parked", name=name)
            if text:
                words.append(PartnerWords(partner=name, text=text))
                unsure = unsure or misheard(text)
    finally:  # stopped part way: what was said is still kept
        now = ctx.clock.now()
        back = plan.come_back_at if plan.come_back_at is not None and plan.come_back_at > now else None
        saved = bool(words) and ctx.notes.save_note(ParkedNote(created_at=now, partners=words, come_back_at=back,
                                                               unsure=unsure))
    if not words:
        ctx.say("calm_down.parked_nothing")
    elif saved and back is not None:
        ctx.say("calm_down.parked_saved", time=ctx.time_of_day(back.time()))
    elif saved:
        ctx.say("calm_down.parked_saved_next")


def minutes_left(timer: Countdown) -> int:
    return max(1, round(timer.remaining() / 60))


def say_time_left(ctx: Conversation, timer: Countdown) -> None:
    left = timer.remaining()
    if left < 60:
        ctx.say("calm_down.time_left_under_a_minute")
    else:
        ctx.say("calm_down.time_left_minutes", n=minutes_left(timer))


def welcome_back(ctx: Conversation) -> None:
    """The repair prompt: welcome, the agreements, and words to start again with."""
    ctx.say("calm_down.welcome_back")
    ctx.say("calm_down.agreements_intro")
    say_agreements(ctx, own_agreements(ctx, ctx.notes.quietly()))  # no bad news about a file mid-repair
    ctx.say("calm_down.repair")


def say_agreements(ctx: Conversation, own: list[str]) -> None:
    """The couple's own agreements as they said them, or else every suggested one."""
    if own:
        ctx.say_each(own)
    else:
        ctx.say_every("calm_down.default_agreements")


# -- agreements -----------------------------------------------------------------------------------
class AgreementsFile(BaseModel):
    """`agreements.yaml` in the data folder: the couple's own fair-fighting agreements."""

    model_config = ConfigDict(extra="forbid")
    agreements: list[str] = Field(min_length=1)


def own_agreements(ctx: Conversation, notes: NotesFile | None) -> list[str]:
    """The couple's agreements: from their file, then those added by voice (`notes`: None when they could
    not be read). Empty: use the defaults."""
    from_file: list[str] = []
    path = ctx.notes.data_dir / AGREEMENTS_FILE
    if path.exists():
        try:
            from_file = [a.strip() for a in load_model(path, AgreementsFile)[0].agreements if a.strip()]
        except DataFileError as exc:
            log.warning("%s", exc)  # names the file and line; the agreements' text is not in it
            ctx.say("calm_down.file_problem")
    return from_file + (notes.rituals.agreements if notes is not None else [])


@dataclass(frozen=True)
class AgreementsFlow(Flow):
    """"add an agreement", "read our agreements", "clear our agreements"."""

    name: str = "agreements"
    triggers: tuple[str, ...] = ("add_agreement", "read_agreements", "clear_agreements")
    files: str = "calm_down"
    rank: int = 41
    summary_key: str = ""  # the calm-down break's line mentions it
    confirm: tuple[tuple[str, str], ...] = (("clear_agreements", "calm_down.confirm_clear_agreements"),)

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        intent = trigger.intent if trigger is not None else None
        if intent == "add_agreement":
            self.add(ctx)
        elif intent == "clear_agreements":
            self.clear(ctx)
        else:
            self.read(ctx)

    def add(self, ctx: Conversation) -> None:
        text = ctx.ask_answer("calm_down.ask_agreement")
        if text and ctx.ask_choice("calm_down.confirm_agreement", ("yes", "no"), text=text) == "yes":
            if ctx.notes.save(AddAgreement(text=text)) is not None:
                ctx.say("calm_down.agreement_added")
            return
        ctx.say("calm_down.agreement_not_added")

    def read(self, ctx: Conversation) -> None:
        own = own_agreements(ctx, ctx.notes.read())  # told when the notes cannot be read; goes on
        ctx.say("calm_down.agreements_own" if own else "calm_down.agreements_defaults")
        say_agreements(ctx, own)
        if not own:
            ctx.say("calm_down.agreements_add_hint")

    def clear(self, ctx: Conversation) -> None:
        notes = ctx.notes.read()
        if notes is None:
            return
        if not notes.rituals.agreements:
            ctx.say("calm_down.nothing_to_clear")
        elif ctx.ask_choice("calm_down.confirm_clear", ("yes", "no")) == "yes":
            if ctx.notes.save(ClearAgreements()) is not None:
                ctx.say("calm_down.cleared")
        else:
            ctx.say("calm_down.not_cleared")


RITUALS = (CalmDownFlow(), AgreementsFlow(),)
