"""What the conversation listens for in each of its states, named: the idle loop, a prompt, a pause, and
every state a flow declares (the question game, a running hug, a break, the goal-review date, an evening
step). `togetherly understand --state` and the understanding evaluation judge sentences against these, so
what they measure is what the live loop allows."""

from __future__ import annotations

import fnmatch

from assistant.dialogue.conversation import ENDING_COMMANDS, FLOW_COMMANDS, PAUSE_COMMANDS, WAIT_COMMANDS
from assistant.dialogue.flow import FlowRegistry
from assistant.dialogue.flows import default_flows
from assistant.dialogue.runner import SESSION_COMMANDS
from assistant.understanding.intents import IntentSet


def listening_states(intents: IntentSet, flows: FlowRegistry | None = None) -> dict[str, list[str]]:
    """State name -> the intents allowed there ("all": every intent, the hardest test). A flow's own state
    also hears stop, help and goodbye; one where it asks ("review_date", "evening_step") the prompt's
    commands as well."""
    flows = flows or default_flows()
    prompt = [*FLOW_COMMANDS, *ENDING_COMMANDS, "skip"]
    waiting = [*WAIT_COMMANDS, *ENDING_COMMANDS]
    states = {"idle": [*flows.triggers(), *SESSION_COMMANDS], "prompt": [*prompt, "yes", "no"]}
    for name, allowed in flows.listening_states().items():
        names = [found for pattern in allowed for found in fnmatch.filter(intents.names(), pattern) or [pattern]]
        states[name] = [*names, *(prompt if name in PROMPTED_STATES else waiting)]
    states |= {"paused": list(PAUSE_COMMANDS), "all": intents.names()}
    return {name: list(dict.fromkeys(allowed)) for name, allowed in states.items()}


PROMPTED_STATES = ("review_date", "evening_step")
"""Flow states that are a question (`ask_choice`), not a quiet wait: the prompt's commands are heard there."""


def home_state(intent: str | None, states: dict[str, list[str]]) -> str:
    """Where a sentence meaning `intent` would be said: the idle loop for a ritual's trigger (and for what
    is not meant for us), else the first state that listens for it."""
    if intent is None:
        return "idle"
    return next(name for name, allowed in states.items() if intent in allowed)
