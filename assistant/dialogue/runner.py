"""The top-level loop: wait for a ritual to be asked for, run it, and go back to waiting."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from assistant.config import Settings
from assistant.dialogue.conversation import Conversation, EndOfInput, FlowCancelled, SessionEnding
from assistant.dialogue.flows import FlowRegistry, Trigger
from assistant.dialogue.flows.names import NamesFlow, named
from assistant.understanding.matcher import Match

log = logging.getLogger(__name__)

IDLE_COMMANDS = ("help", "what_can_you_do", "tell_me_more", "goodbye", "switch_off", "thanks", "affection", "yes",
                 "no", "speak_slower", "speak_faster", "quieter", "louder")
VOICE_STEPS = {"speak_slower": ("speaking_rate", 1 / 1.15, "core.voice_slower"),
               "speak_faster": ("speaking_rate", 1.15, "core.voice_faster"),
               "quieter": ("volume", 1 / 1.25, "core.voice_quieter"), "louder": ("volume", 1.25, "core.voice_louder")}
"""How far one "speak slower" or "louder" moves the voice, and what is said."""
IDLE_REPLIES = {"thanks": "core.thanks_reply", "affection": "core.affection_reply", "yes": "core.yes_idle",
                "no": "core.no_idle"}
"""Idle words that get a short warm line, not a ritual."""


class Assistant:
    def __init__(self, ctx: Conversation, flows: FlowRegistry, notices: Sequence[str] = ()) -> None:
        self.ctx = ctx
        self.flows = flows
        self.notices = tuple(notices)
        """Response keys said right after the welcome (a recognizer that could not load)."""
        self._misses = 0
        """Idle utterances not understood in a row."""

    def idle_intents(self) -> list[str]:
        return [*self.flows.triggers(), *IDLE_COMMANDS]

    def run(self) -> int:
        """Talk until goodbye or the end of input; the exit code (128 + N after signal N)."""
        try:
            return self._run()
        except SessionEnding:
            self.ctx.say("core.goodbye")
            return self.ctx.ending or 0
        except EndOfInput:  # the input ended at a prompt outside any ritual (the first evening's names)
            self.ctx.say("core.goodbye")
            return 0

    def _run(self) -> int:
        ctx = self.ctx
        first = self._first_evening()
        for key in self.notices:
            ctx.say(key)
        if ctx.always_on and not ctx.settings.wake_told:  # how the name works, once, in one breath
            ctx.say("core.wake_hint", seconds=round(ctx.settings.follow_up_seconds))
            ctx.keep_settings(ctx.settings.model_copy(update={"wake_told": True}))
        self.on_start()
        ctx.tell_set_aside("notes.set_aside")  # found damaged by a start-up reminder
        ctx.open_follow_up()
        if first is not None and not self._act_on(first):
            return 0
        while True:
            heard, match = ctx.hear_command(self.idle_intents(), None, idle=True)
            if heard.status == "end":
                ctx.say("core.goodbye")
                return 0
            if heard.status == "silence":
                continue
            if (match is None or match.intent is None) and ctx.always_on and not heard.addressed:
                # Overheard and not understood: the couple is talking to each other. No reply.
                log.info("not understood, not addressed: no reply")
                continue
            if not self._act_on(match):
                return 0
            ctx.open_follow_up()

    def _first_evening(self) -> Match | None:
        """The welcome; on the first evening it asks for the couple's names. A command said instead of
        names ("start our check-in") is returned, to be acted on straight away."""
        ctx = self.ctx
        if named(ctx.settings):
            ctx.say("core.welcome")
            return None
        try:
            return NamesFlow().ask(ctx, "core.ask_names", tuple(self.idle_intents()))
        except FlowCancelled as cancelled:
            if isinstance(cancelled, SessionEnding):
                raise
            return None

    def _act_on(self, match: Match | None) -> bool:
        """Do what an idle command asks; False once the session should end."""
        ctx = self.ctx
        intent = match.intent if match else None
        self._misses = self._misses + 1 if intent is None else 0
        if intent is None:
            self.didnt_catch(match)
        elif intent in ("help", "what_can_you_do"):
            ctx.say("core.capabilities")
            if ctx.always_on:
                ctx.say("core.capabilities_wake")
        elif intent in IDLE_REPLIES:
            ctx.say(IDLE_REPLIES[intent])
        elif intent in VOICE_STEPS:
            self.adjust_voice(intent)
        elif intent == "tell_me_more":
            self.tell_more(match)
        elif intent == "goodbye":
            ctx.say("core.goodbye")
            if ctx.always_on:  # a conversation ends; Togetherly keeps listening for its name
                ctx.close_follow_up()
                return True
            return False
        elif intent == "switch_off":
            return not self.switch_off()
        else:
            flow = self.flows.for_intent(intent)
            if flow is None:
                return True
            log.info("starting flow %s", flow.name)
            trigger = Trigger(match, ctx.last_heard) if match is not None else None
            try:
                if not ctx.confirm_if_unsure(match):  # "Did you want to take a break?"
                    return True
                flow.run(ctx, trigger)
            except SessionEnding:
                raise
            except FlowCancelled:  # a flow that did not catch it: stopping is still graceful
                if not ctx.said_goodbye:
                    ctx.say("core.stopped")
            except EndOfInput:
                ctx.say("core.goodbye")
                return False
            if ctx.ending is not None:
                raise SessionEnding
            if ctx.said_goodbye:  # "goodbye" inside the ritual: what was said is kept; the conversation ends
                ctx.said_goodbye = False
                ctx.say("core.goodbye")
                ctx.close_follow_up()
                return True
            ctx.say("core.after_flow")
        return True

    def switch_off(self) -> bool:
        """"Togetherly, switch off": the program ends (asked first when it was overheard, not typed)."""
        ctx = self.ctx
        if ctx.overhears and ctx.ask_choice("core.confirm_switch_off", ("yes", "no")) != "yes":
            ctx.say("core.confirm_declined")
            return False
        ctx.say("core.switching_off")
        return True

    def didnt_catch(self, match: Match | None) -> None:
        """A gentle reprompt. Where a break may have been meant it never suggests a check-in; the second miss
        in a row names the likeliest commands instead of repeating itself."""
        near = [name for name, _ in (match.alternatives if match else ())]
        if "need_break" in near:
            self.ctx.say("core.didnt_catch_maybe_break")
        elif self._misses >= 2 and near:
            self.ctx.say("core.didnt_catch_idle_choices", options=self.ctx.likely_choices(match, self.idle_intents()))
        else:
            self.ctx.say("core.didnt_catch_idle")

    def adjust_voice(self, intent: str) -> None:
        """"speak slower", "louder": the next line already sounds so, and the choice is kept in config.yaml."""
        ctx = self.ctx
        field, factor, key = VOICE_STEPS[intent]
        bounds = Settings.model_fields[field].metadata
        low = next(m.ge for m in bounds if hasattr(m, "ge"))
        high = next(m.le for m in bounds if hasattr(m, "le"))
        now = float(getattr(ctx.settings, field))
        wanted = round(min(high, max(low, now * factor)), 2)
        if wanted == now:
            ctx.say("core.voice_at_limit")
            return
        settings = ctx.settings.model_copy(update={field: wanted})
        ctx.keep_settings(settings)
        ctx.speaker.tune(settings.speaking_rate, settings.volume)
        ctx.say(key)

    def tell_more(self, match: Match | None) -> None:
        """A ritual's one-breath description ("tell me more about the hug timer")."""
        wanted = match.slot("ritual") if match else None
        flow = next((f for f in self.flows.flows if f.name == wanted), None)
        self.ctx.say(flow.summary_key if flow is not None and flow.summary_key else "core.more_about_what")

    def on_start(self) -> None:
        """Give each flow with an `on_start(ctx)` hook its say (a reminder that is due)."""
        for flow in self.flows.flows:
            hook = getattr(flow, "on_start", None)
            if callable(hook):
                hook(self.ctx)
