"""What the conversation listens for in each of its states, named: the idle loop, a prompt, the question
game, a running hug, a break, a pause, the goal-review date, an evening step. `togetherly understand
--state` and the understanding evaluation judge sentences against these, so what they measure is what
the live loop allows."""

from __future__ import annotations

from assistant.dialogue.conversation import ENDING_COMMANDS, FLOW_COMMANDS, PAUSE_COMMANDS, WAIT_COMMANDS
from assistant.dialogue.flows import default_flows
from assistant.dialogue.flows.calm_down import BREATH_COMMANDS, REST_COMMANDS
from assistant.dialogue.flows.evening_ritual import GO_INTENTS, SHORT_INTENT
from assistant.dialogue.flows.goals import NO_DATE_INTENTS, REVIEW_INTENT
from assistant.dialogue.flows.hug_timer import COMMANDS as HUG_COMMANDS
from assistant.dialogue.flows.question_game import GAME_COMMANDS
from assistant.dialogue.runner import IDLE_COMMANDS
from assistant.understanding.intents import IntentSet


def listening_states(intents: IntentSet) -> dict[str, list[str]]:
    """State name -> the intents allowed there ("all": every intent, the hardest test)."""
    prompt = [*FLOW_COMMANDS, *ENDING_COMMANDS, "skip"]
    waiting = [*WAIT_COMMANDS, *ENDING_COMMANDS]
    reviews = [name for name in intents.names() if REVIEW_INTENT.fullmatch(name)]
    states = {
        "idle": [*default_flows().triggers(), *IDLE_COMMANDS],
        "prompt": [*prompt, "yes", "no"],
        "game": [*GAME_COMMANDS, *ENDING_COMMANDS],
        "hug": [*HUG_COMMANDS, *waiting],
        "break": list(dict.fromkeys([*REST_COMMANDS, *BREATH_COMMANDS, *waiting])),
        "paused": list(PAUSE_COMMANDS),
        "review_date": [*reviews, *NO_DATE_INTENTS, *prompt],
        "evening_step": list(dict.fromkeys([*GO_INTENTS, "no", SHORT_INTENT, *prompt])),
        "all": intents.names(),
    }
    return {name: list(dict.fromkeys(allowed)) for name, allowed in states.items()}


def home_state(intent: str | None, states: dict[str, list[str]]) -> str:
    """Where a sentence meaning `intent` would be said: the idle loop for a ritual's trigger (and for what
    is not meant for us), else the first state that listens for it."""
    if intent is None:
        return "idle"
    return next(name for name, allowed in states.items() if intent in allowed)
