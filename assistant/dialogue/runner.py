"""The top-level loop: wait for a ritual to be asked for, run it, and go back to waiting."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from assistant.dialogue.conversation import Conversation, EndOfInput, FlowCancelled, SessionEnding
from assistant.flows import FlowRegistry

log = logging.getLogger(__name__)

IDLE_COMMANDS = ("help", "what_can_you_do", "goodbye")


class Assistant:
    def __init__(self, ctx: Conversation, flows: FlowRegistry, notices: Sequence[str] = ()) -> None:
        self.ctx = ctx
        self.flows = flows
        self.notices = tuple(notices)
        """Response keys said right after the welcome (a recognizer that could not load)."""

    def idle_intents(self) -> list[str]:
        return [*self.flows.triggers(), *IDLE_COMMANDS]

    def run(self) -> int:
        """Talk until goodbye or the end of input; the exit code (128 + N after signal N)."""
        try:
            return self._run()
        except SessionEnding:
            self.ctx.say("core.goodbye")
            return self.ctx.ending or 0

    def _run(self) -> int:
        ctx = self.ctx
        ctx.say("core.welcome")
        for key in self.notices:
            ctx.say(key)
        self.on_start()
        ctx.tell_set_aside("notes.set_aside")  # found damaged by a start-up reminder
        while True:
            heard, match = ctx.hear_command(self.idle_intents(), None)
            if heard.status == "end":
                ctx.say("core.goodbye")
                return 0
            if heard.status == "silence":
                continue
            intent = match.intent if match else None
            if intent is None:
                ctx.say("core.didnt_catch_idle")
            elif intent in ("help", "what_can_you_do"):
                self.describe()
            elif intent == "goodbye":
                ctx.say("core.goodbye")
                return 0
            else:
                flow = self.flows.for_intent(intent)
                if flow is None:
                    continue
                log.info("starting flow %s", flow.name)
                try:
                    if not ctx.confirm_if_unsure():  # "Did you want to take a break?"
                        continue
                    flow.run(ctx)
                except SessionEnding:
                    raise
                except FlowCancelled:  # a flow that did not catch it: stopping is still graceful
                    ctx.say("core.stopped")
                except EndOfInput:
                    ctx.say("core.goodbye")
                    return 0
                if ctx.ending is not None:
                    raise SessionEnding
                ctx.say("core.after_flow")

    def on_start(self) -> None:
        """Give each flow with an `on_start(ctx)` hook its say (a reminder that is due)."""
        for flow in self.flows.flows:
            hook = getattr(flow, "on_start", None)
            if callable(hook):
                hook(self.ctx)

    def describe(self) -> None:
        self.ctx.say("core.capabilities_intro")
        for flow in self.flows.flows:
            if flow.summary_key:  # empty: a sibling flow's line covers it
                self.ctx.say(flow.summary_key)
        self.ctx.say("core.capabilities_outro")
