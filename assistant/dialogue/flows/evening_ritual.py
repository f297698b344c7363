"""The bedside evening ritual: the check-in, one appreciation each, one question from the game, the
twenty-second hug and a good-night line, in the order the config file gives (`evening_steps`), which can
also add the stress-reducing conversation and one set of the thirty-six questions.

Each step is announced with a short "ready?", where "skip" (or "no") passes it and "short version"
switches to the two-minute version: one line each, no question, no more "ready?" prompts. The
article's advice is to simplify a ritual on a tired night rather than drop it. "stop" at a prompt
ends the ritual; inside the check-in or the hug it ends that step (those flows own their stop).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from assistant.config import EveningStep
from assistant.dialogue.answers import misheard
from assistant.dialogue.conversation import Conversation, FlowCancelled
from assistant.dialogue.flow import Flow
from assistant.dialogue.utterance import Utterance
from assistant.notes.models import AppreciationNote, CheckInNote, PartnerCheckIn

GO_INTENTS = ("yes", "continue", "next")
SKIP_INTENTS = ("skip", "no")
SHORT_INTENT = "short_version"
BEFORE: dict[EveningStep, str] = {"checkin": "evening.before_checkin", "appreciation": "evening.before_appreciation",
                                  "question": "evening.before_question", "hug": "evening.before_hug",
                                  "stress_talk": "evening.before_stress_talk",
                                  "closeness": "evening.before_closeness"}
"""The "ready?" that announces each prompted step (all but good night)."""
PROMPTED_STEPS: frozenset[EveningStep] = frozenset(BEFORE)
SHORT_LEAVES_OUT: frozenset[EveningStep] = frozenset({"question", "stress_talk", "closeness"})
"""They wait for the couple to talk: too long for a two-minute night."""


@dataclass
class _Evening:
    ctx: Conversation
    short: bool
    flows: Mapping[EveningStep, Flow]
    """The rituals that are steps of the evening (the check-in, the question, the hug): each `Flow.evening`."""

    def run(self, steps: list[EveningStep]) -> None:
        actions: dict[EveningStep, Callable[[], None]] = {
            step: functools.partial(flow.evening, self.ctx) for step, flow in self.flows.items()}
        actions["appreciation"], actions["good_night"] = self.appreciation, self.good_night
        if "checkin" in actions:
            actions["checkin"] = functools.partial(self.checkin, actions["checkin"])
        self.ctx.say("evening.greet_short" if self.short else "evening.greet")
        with self.ctx.help("evening.help"):
            self._steps(steps, actions)

    def _steps(self, steps: list[EveningStep], actions: dict[EveningStep, Callable[[], None]]) -> None:
        for step in steps:
            if self.short and step in SHORT_LEAVES_OUT:
                continue
            if not self.short and step in PROMPTED_STEPS:
                go = self._ready(step)
                if self.short and step in SHORT_LEAVES_OUT:  # just switched to the short version
                    continue
                if not go:
                    self.ctx.say("evening.step_skipped")
                    continue
            actions[step]()

    def _ready(self, step: EveningStep) -> bool:
        """Announce a step; False to pass it. "short version" here switches for the rest of the night."""
        answer = self.ctx.ask_choice(BEFORE[step], [*GO_INTENTS, "no", SHORT_INTENT], skippable=True)
        if answer == SHORT_INTENT:
            self.short = True
            self.ctx.say("evening.switched_short")
            return True
        return answer not in SKIP_INTENTS

    # -- steps --------------------------------------------------------------------------------------
    def checkin(self, full: Callable[[], None]) -> None:
        if not self.short:
            full()
            return
        ctx = self.ctx
        note = CheckInNote(created_at=ctx.clock.now(), completed=True,
                           partners=[PartnerCheckIn(partner=p) for p in ctx.settings.partners])
        for part in note.partners:
            part.high = ctx.ask_answer("evening.short_checkin", name=part.partner)
            note.unsure = note.unsure or misheard(part.high)
        if note.has_answers() and ctx.notes.save_note(note):
            ctx.say("evening.short_checkin_saved")

    def appreciation(self) -> None:
        ctx = self.ctx
        for name in ctx.settings.partners:
            kept: list[AppreciationNote] = []

            def correct(text: str, kept: list[AppreciationNote] = kept) -> None:
                if kept:
                    kept[0].text, kept[0].unsure = text, misheard(text)
                    ctx.notes.corrected(kept[0], saved=True)

            text = ctx.ask_answer("evening.ask_appreciation", name=name, correct=correct)
            if text is None:
                continue
            note = AppreciationNote(created_at=ctx.clock.now(), partner=name, text=text, unsure=misheard(text))
            if ctx.notes.save_note(note):
                kept.append(note)
                ctx.say("evening.thanks_appreciation", name=name)

    def good_night(self) -> None:
        self.ctx.say("evening.good_night_short" if self.short else "evening.good_night")


@dataclass(frozen=True)
class EveningRitualFlow(Flow):
    name: str = "evening_ritual"
    triggers: tuple[str, ...] = ("start_evening_ritual", SHORT_INTENT)
    files: str = "evening"
    rank: int = 45
    summary_key: str = "evening.summary"
    capability_key: str = "evening.capability"
    listens: tuple[tuple[str, tuple[str, ...]], ...] = (("evening_step", (*GO_INTENTS, "no", SHORT_INTENT)),)
    keeps: str = "appreciation"
    steps: tuple[tuple[EveningStep, Flow], ...] = ()
    """The rituals it strings together (`FlowRegistry.evening_steps`), given by `default_flows`."""

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        evening = _Evening(ctx, short=trigger is not None and trigger.intent == SHORT_INTENT, flows=dict(self.steps))
        try:
            evening.run(list(ctx.settings.evening_steps))
        except FlowCancelled:
            ctx.say("evening.stopped")


RITUALS = (EveningRitualFlow(),)
