"""Rituals as flows, and the registry that maps trigger intents to them.

A flow names the intents that start it and runs through a Conversation; the loop knows nothing else
about it, so a new ritual plugs in by being added to `default_flows()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from assistant.understanding.matcher import Match

if TYPE_CHECKING:
    from assistant.dialogue.conversation import Conversation


@dataclass(frozen=True)
class Trigger:
    """What started a flow from the idle loop: the command as matched (intent, slots) and as heard."""

    match: Match
    heard: str
    """The words as the recognizer wrote them (a note said in one breath is kept as said)."""

    @property
    def intent(self) -> str | None:
        return self.match.intent


class Flow(Protocol):
    # Read-only members, so frozen dataclasses qualify.
    @property
    def name(self) -> str: ...

    @property
    def triggers(self) -> tuple[str, ...]:
        """Intents that start this flow from the idle state."""

    @property
    def summary_key(self) -> str:
        """Spoken line describing the ritual, for "what can you do"; empty when a sibling flow's line
        already describes it (e.g. "review our goals" is told with "let's set a goal")."""

    def run(self, ctx: Conversation, trigger: Trigger | None = None) -> None:
        """Run through `ctx`; `trigger` is None when run as a step of another ritual."""

    # Optional: `on_start(self, ctx: Conversation) -> None` is called once after the welcome, for a
    # flow with something due to say (e.g. the quarterly goal reminder). It speaks, never listens.


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
    from assistant.dialogue.flows.calm_down import AgreementsFlow, CalmDownFlow  # noqa: PLC0415
    from assistant.dialogue.flows.checkin import CheckInFlow  # noqa: PLC0415 - avoids an import cycle
    from assistant.dialogue.flows.date_night import DateNightDoneFlow, DateNightTurnFlow  # noqa: PLC0415
    from assistant.dialogue.flows.evening_ritual import EveningRitualFlow  # noqa: PLC0415
    from assistant.dialogue.flows.favourites import ReadFavouritesFlow  # noqa: PLC0415
    from assistant.dialogue.flows.goals import ReviewGoalsFlow, SetGoalFlow  # noqa: PLC0415
    from assistant.dialogue.flows.hug_timer import HugTimerFlow  # noqa: PLC0415
    from assistant.dialogue.flows.names import NamesFlow  # noqa: PLC0415
    from assistant.dialogue.flows.notes_flow import LastCheckInFlow, RecallFlow, TakeNoteFlow  # noqa: PLC0415
    from assistant.dialogue.flows.progress import ProgressFlow  # noqa: PLC0415
    from assistant.dialogue.flows.question_game import QuestionGameFlow, favourite_question_flow  # noqa: PLC0415

    return FlowRegistry([CheckInFlow(), HugTimerFlow(), CalmDownFlow(), AgreementsFlow(),
                         TakeNoteFlow(), RecallFlow(), LastCheckInFlow(),
                         SetGoalFlow(), ReviewGoalsFlow(),
                         DateNightTurnFlow(), DateNightDoneFlow(),
                         ProgressFlow(),
                         QuestionGameFlow(), favourite_question_flow(),
                         EveningRitualFlow(), NamesFlow(), ReadFavouritesFlow()])
