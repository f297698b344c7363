"""Rituals as flows, and the registry that maps trigger intents to them.

A flow names the intents that start it and runs through a Conversation; the loop knows nothing else
about it, so a new ritual plugs in by being added to `default_flows()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from assistant.dialogue.conversation import Conversation


class Flow(Protocol):
    name: str
    triggers: tuple[str, ...]
    """Intents that start this flow from the idle state."""
    summary_key: str
    """Spoken line describing the ritual, for "what can you do"."""

    def run(self, ctx: Conversation) -> None: ...


class FlowRegistry:
    def __init__(self, flows: Iterable[Flow]) -> None:
        self.flows = list(flows)
        self._by_intent: dict[str, Flow] = {}
        for flow in self.flows:
            for intent in flow.triggers:
                if intent in self._by_intent:
                    raise ValueError(f"intent {intent!r} starts both {self._by_intent[intent].name} and {flow.name}")
                self._by_intent[intent] = flow

    def triggers(self) -> list[str]:
        return list(self._by_intent)

    def for_intent(self, intent: str) -> Flow | None:
        return self._by_intent.get(intent)


def default_flows() -> FlowRegistry:
    from assistant.flows.checkin import CheckInFlow  # noqa: PLC0415 - avoids an import cycle

    return FlowRegistry([CheckInFlow()])
