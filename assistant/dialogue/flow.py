"""What a ritual is to the rest of the house: a flow describes itself (its name, the intents that start it,
what it listens for in each of its states, what must be confirmed, its line for "what can you do", its
evening step, what it keeps) and runs through a Conversation. The registry answers every question the
loop, the listening states, the evaluations and the soak ask about rituals, so a new ritual is its own
module and data files, listed once in `assistant.dialogue.flows.default_flows`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from assistant.config import EveningStep
from assistant.dialogue.utterance import Utterance

if TYPE_CHECKING:
    from assistant.dialogue.conversation import Conversation
    from assistant.dialogue.offers import Offer


@dataclass(frozen=True)
class Flow:
    """A ritual. Subclasses are frozen dataclasses that give `name` and `triggers` and implement `run`."""

    name: str = ""
    triggers: tuple[str, ...] = ()
    """Intents that start this flow from the idle state."""
    files: str = ""
    """The stem of its data files: `intents/<lang>/<files>.yaml` and `intents/<lang>/responses/<files>.yaml`."""
    summary_key: str = ""
    """Its one-breath description, for "tell me more about ..."; empty when a sibling flow's describes it."""
    capability_key: str = ""
    """What it does, as a few words in "I can guide ..." ("a timed hug"); empty: not listed there."""
    listens: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Its own listening states: (name, the intents heard there besides stop, help and goodbye)."""
    confirm: tuple[tuple[str, str], ...] = ()
    """Consequential triggers (a long break, forgetting), each with the question that confirms it when heard
    without certainty."""
    evening_step: EveningStep | None = None
    """The step of the evening ritual it is (`evening`), if any."""
    keeps: str = ""
    """The kind of note it stores (`assistant.notes.kinds`), if it stores one."""
    rank: int = 100
    """Its place among the rituals: "what can you do" lists them in this order."""
    idle: ClassVar[bool] = False
    """A short reply from the idle loop (help, "thanks", "speak slower"): not a ritual, no "anything
    else?" after it, not counted as a ritual run."""

    def run(self, ctx: Conversation, trigger: Utterance | None = None) -> None:
        """Run through `ctx`; `trigger` is None when run as a step of another ritual."""
        raise NotImplementedError

    def evening(self, ctx: Conversation) -> None:
        """Its step of the evening ritual (when `evening_step` names one): by default the ritual itself."""
        self.run(ctx)

    def on_start(self, ctx: Conversation) -> None:
        """Called once after the welcome, for a flow with something due to say (the quarterly goal
        reminder). It speaks, never listens."""

    def offers(self, ctx: Conversation) -> list[Offer]:
        """What it would offer unprompted, and when (`assistant.dialogue.offers`): none by default."""
        return []


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

    def named(self, name: str) -> Flow | None:
        return next((flow for flow in self.flows if flow.name == name), None)

    def rituals(self) -> list[Flow]:
        """The flows that are rituals (not the idle loop's short replies)."""
        return [flow for flow in self.flows if not flow.idle]

    def ritual_triggers(self) -> set[str]:
        """The intents that start a ritual: what overheard talk must rarely be taken for."""
        return {intent for flow in self.rituals() for intent in flow.triggers}

    def confirmations(self) -> dict[str, str]:
        """Consequential intent -> the question that confirms it."""
        return {intent: key for flow in self.flows for intent, key in flow.confirm}

    def listening_states(self) -> dict[str, tuple[str, ...]]:
        """Every flow's own states, by name."""
        states: dict[str, tuple[str, ...]] = {}
        for flow in self.flows:
            for state, intents in flow.listens:
                if state in states and states[state] != intents:
                    raise ValueError(f"state {state!r} is declared twice, differently ({flow.name})")
                states[state] = intents
        return states

    def capability_keys(self) -> list[str]:
        return [flow.capability_key for flow in self.flows if flow.capability_key]

    def described(self) -> list[Flow]:
        """The flows "tell me more" can describe."""
        return [flow for flow in self.flows if flow.summary_key]

    def evening_steps(self) -> dict[EveningStep, Flow]:
        return {flow.evening_step: flow for flow in self.flows if flow.evening_step is not None}
