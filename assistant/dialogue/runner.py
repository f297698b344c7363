"""The top-level loop: wait for a ritual to be asked for, run it, and go back to waiting."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from assistant.dialogue.conversation import Conversation, EndOfInput, FlowCancelled, SessionEnding
from assistant.dialogue.flow import Flow, FlowRegistry
from assistant.dialogue.flows.names import NamesFlow, named
from assistant.dialogue.offers import Offer
from assistant.dialogue.policy import confirmation_key
from assistant.dialogue.utterance import Utterance

log = logging.getLogger(__name__)

SESSION_COMMANDS = ("goodbye", "switch_off")
"""Heard in the idle loop besides what starts a flow: they end the conversation or the program."""


class Assistant:
    def __init__(self, ctx: Conversation, flows: FlowRegistry, notices: Sequence[str] = ()) -> None:
        self.ctx = ctx
        self.flows = flows
        self.notices = tuple(notices)
        """Response keys said right after the welcome (a recognizer that could not load)."""
        self._misses = 0
        """Idle utterances not understood in a row."""

    def idle_intents(self) -> list[str]:
        return [*self.flows.triggers(), *SESSION_COMMANDS]

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
            ctx.tell(key)
        quiet = ctx.always_on and ctx.keeps_quiet()  # started in the night (at boot): nothing unprompted
        if ctx.always_on and not ctx.settings.wake_told and not quiet:  # how the name works, once, in one breath
            ctx.say("core.wake_hint", seconds=round(ctx.settings.follow_up_seconds))
            ctx.keep_settings(ctx.settings.model_copy(update={"wake_told": True}))
        if not ctx.keeps_quiet():
            for flow in self.flows.flows:
                flow.on_start(ctx)  # a reminder that is due
        ctx.notes.tell_set_aside("notes.set_aside", ctx.tell)  # found damaged by a start-up reminder
        ctx.open_follow_up()
        if first is not None and not self._act_on(first):
            return 0
        while True:
            offer = self.next_offer()
            deadline = ctx.monotonic_at(offer.due) if offer is not None else None
            heard = ctx.hear_command(self.idle_intents(), None, deadline, idle=True)
            if heard.status == "end":
                ctx.say("core.goodbye")
                return 0
            if heard.status == "deadline":
                if offer is not None and not self.make(offer):
                    return 0
                continue
            if heard.status == "silence":
                continue
            if heard.intent is None and ctx.always_on and not heard.heard.addressed:
                # Overheard and not understood: the couple is talking to each other. No reply.
                log.info("not understood, not addressed: no reply")
                continue
            if not self._act_on(heard):
                return 0
            ctx.open_follow_up()

    def _first_evening(self) -> Utterance | None:
        """The welcome; on the first evening it asks for the couple's names. A command said instead of
        names ("start our check-in") is returned, to be acted on straight away."""
        ctx = self.ctx
        if named(ctx.settings):
            if not (ctx.always_on and ctx.keeps_quiet()):  # no greeting at a start in the night
                ctx.say("core.welcome")
            return None
        try:
            return NamesFlow().ask(ctx, "core.ask_names", tuple(self.idle_intents()))
        except FlowCancelled as cancelled:
            if isinstance(cancelled, SessionEnding):
                raise
            return None

    def _act_on(self, utterance: Utterance) -> bool:
        """Do what an idle command asks; False once the session should end."""
        ctx = self.ctx
        intent = utterance.intent
        self._misses = self._misses + 1 if intent is None else 0
        if intent is None:
            self.didnt_catch(utterance)
            return True
        ctx.tell_held_back()  # spoken to: what was kept back in the night is said now
        if intent == "goodbye":
            ctx.goodbye_heard(utterance)
            ctx.say("core.goodbye")
            if ctx.always_on:  # a conversation ends; Togetherly keeps listening for its name
                ctx.close_follow_up()
                return True
            return False
        if intent == "switch_off":
            return not self.switch_off()
        flow = self.flows.for_intent(intent)
        if flow is None:
            return True
        if flow.idle:  # a short reply: nothing to confirm, nothing to stop
            flow.run(ctx, utterance)
            return True
        return self._run_ritual(flow, utterance)

    def next_offer(self) -> Offer | None:
        """The soonest of what the flows would offer unprompted."""
        offers = [offer for flow in self.flows.flows for offer in flow.offers(self.ctx)]
        return min(offers, key=lambda offer: offer.due) if offers else None

    def make(self, offer: Offer) -> bool:
        """Ask an offer once, softly; silence means no. False once the session should end."""
        ctx = self.ctx
        offer.mark(ctx)  # before it is said: a restart never asks again
        if offer.missed(ctx.clock.now()) or ctx.keeps_quiet():
            log.info("offer of %s not made: %s", offer.flow, "keeping quiet" if ctx.keeps_quiet() else "missed")
            return True
        flow = self.flows.named(offer.flow)
        if flow is None:
            return True
        log.info("offering %s", offer.flow)
        ctx.say(offer.key, **offer.values)
        heard = ctx.hear_command(["yes", "no", *self.idle_intents()], ctx.tuning.command_timeout_s)
        if heard.status == "end":
            raise EndOfInput
        if heard.intent == "yes":
            ctx.open_follow_up()
            return self._run_ritual(flow, None)
        if heard.intent == "no":
            ctx.say("core.offer_declined")
            return True
        if heard.intent is not None:
            return self._act_on(heard)
        log.info("offer of %s: no answer, taken as no", offer.flow)  # silence means no: nothing more is said
        return True

    def _run_ritual(self, flow: Flow, trigger: Utterance | None) -> bool:
        ctx = self.ctx
        log.info("starting flow %s", flow.name)
        ctx.last_answer = None  # "that's not what I said" is about this ritual's answers from now on
        try:
            if trigger is not None and not self.confirm_if_unsure(trigger):  # "Did you want to take a break?"
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

    def confirm_if_unsure(self, trigger: Utterance) -> bool:
        """For a consequential command heard without certainty, ask first; True when it may go ahead."""
        key = confirmation_key(trigger.match, trigger.heard.confidence, self.flows.confirmations())
        if key is None:
            return True
        if self.ctx.ask_choice(key, ("yes", "no")) == "yes":
            return True
        self.ctx.say("core.confirm_declined")
        return False

    def switch_off(self) -> bool:
        """"Togetherly, switch off": the program ends (asked first when it was overheard, not typed)."""
        ctx = self.ctx
        if ctx.overhears and ctx.ask_choice("core.confirm_switch_off", ("yes", "no")) != "yes":
            ctx.say("core.confirm_declined")
            return False
        ctx.say("core.switching_off")
        return True

    def didnt_catch(self, utterance: Utterance) -> None:
        """A gentle reprompt. Where a break may have been meant it never suggests a check-in; the second miss
        in a row names the likeliest commands instead of repeating itself."""
        near = [name for name, _ in utterance.match.alternatives]
        if "need_break" in near:
            self.ctx.say("core.didnt_catch_maybe_break")
        elif self._misses >= 2 and near:
            self.ctx.say("core.didnt_catch_idle_choices",
                         options=self.ctx.likely_choices(utterance.match, self.idle_intents()))
        else:
            self.ctx.say("core.didnt_catch_idle")
