"""The idle loop's short replies, each a flow like any ritual: "what can you do", "tell me more about the
hug", "thanks", "speak slower". They answer and are done: nothing to confirm, no "anything else?" after."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from assistant.config import Settings
from assistant.dialogue.conversation import Conversation
from assistant.dialogue.flow import Flow
from assistant.dialogue.utterance import Utterance

VOICE_STEPS = {"speak_slower": ("speaking_rate", 1 / 1.15, "core.voice_slower"),
               "speak_faster": ("speaking_rate", 1.15, "core.voice_faster"),
               "quieter": ("volume", 1 / 1.25, "core.voice_quieter"), "louder": ("volume", 1.25, "core.voice_louder")}
"""How far one "speak slower" or "louder" moves the voice, and what is said."""
SHORT_REPLIES = {"thanks": "core.thanks_reply", "affection": "core.affection_reply", "yes": "core.yes_idle",
                 "no": "core.no_idle"}
"""Idle words that get a short warm line, not a ritual."""


@dataclass(frozen=True)
class CapabilitiesFlow(Flow):
    """"What can you do": the rituals, as each describes itself in a few words."""

    name: str = "capabilities"
    triggers: tuple[str, ...] = ("help", "what_can_you_do")
    files: str = "core"
    idle: ClassVar[bool] = True
    rituals: tuple[str, ...] = ()
    """Each ritual's `capability_key`, in the registry's order."""

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        ctx.say("core.capabilities", rituals=ctx.spoken_list([ctx.line(key) for key in self.rituals], "and"))
        if ctx.always_on:
            ctx.say("core.capabilities_wake")


@dataclass(frozen=True)
class TellMeMoreFlow(Flow):
    """"Tell me more about the hug timer": that ritual's one-breath description."""

    name: str = "tell_me_more"
    triggers: tuple[str, ...] = ("tell_me_more",)
    files: str = "core"
    idle: ClassVar[bool] = True
    described: tuple[tuple[str, str], ...] = ()
    """(flow name, its summary key) for every flow that describes itself; a `{ritual}` slot holds the name."""
    topics: tuple[str, ...] = ()
    """Their capability keys, to list when no ritual was named."""

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        wanted = trigger.slot("ritual") if trigger is not None else None
        summary = dict(self.described).get(str(wanted))
        if summary:
            ctx.say(summary)
        else:
            ctx.say("core.more_about_what", topics=ctx.spoken_list([ctx.line(key) for key in self.topics], "or"))


@dataclass(frozen=True)
class ShortReplyFlow(Flow):
    """"Thank you", "love you", a stray "yes": a warm line."""

    name: str = "short_reply"
    triggers: tuple[str, ...] = tuple(SHORT_REPLIES)
    files: str = "core"
    idle: ClassVar[bool] = True

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        ctx.say(SHORT_REPLIES[trigger.intent if trigger is not None and trigger.intent else "thanks"])


@dataclass(frozen=True)
class VoiceStepFlow(Flow):
    """"Speak slower", "louder": the next line already sounds so, and the choice is kept in config.yaml."""

    name: str = "voice_step"
    triggers: tuple[str, ...] = tuple(VOICE_STEPS)
    files: str = "core"
    idle: ClassVar[bool] = True

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        if trigger is None or trigger.intent not in VOICE_STEPS:
            return
        field, factor, key = VOICE_STEPS[trigger.intent]
        bounds = Settings.model_fields[field].metadata
        low = next(m.ge for m in bounds if hasattr(m, "ge"))
        high = next(m.le for m in bounds if hasattr(m, "le"))
        now = float(getattr(ctx.settings, field))
        wanted = round(min(high, max(low, now * factor)), 2)
        if wanted == now:
            ctx.say("core.voice_at_limit")
            return
        ctx.use_voice(ctx.settings.model_copy(update={field: wanted}))
        ctx.say(key)
