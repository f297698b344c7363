"""The registry is what the house knows about rituals: each flow's declarations must agree with its data
files, and every ritual must be reachable by voice and told about."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

from assistant.config import EVENING_STEPS, EveningStep
from assistant.dialogue.flows import default_flows
from assistant.dialogue.flows.evening_ritual import EveningRitualFlow
from assistant.dialogue.states import listening_states
from assistant.paths import language_dir
from tests.support.harness import INTENTS, make_session, responses

FLOWS = default_flows()
RESPONSES = responses()


def test_each_flow_names_its_own_data_files_and_its_keys_live_there() -> None:
    for flow in FLOWS.flows:
        assert (language_dir() / f"{flow.files}.yaml").is_file(), flow.name
        assert (language_dir() / "responses" / f"{flow.files}.yaml").is_file(), flow.name
        keys = [flow.summary_key, flow.capability_key, *(key for _, key in flow.confirm)]
        for key in filter(None, keys):
            assert key.startswith(f"{flow.files}.") and key in RESPONSES, (flow.name, key)


def test_names_are_unique_and_every_trigger_is_an_intent() -> None:
    assert len({flow.name for flow in FLOWS.flows}) == len(FLOWS.flows)
    assert [t for t in FLOWS.triggers() if t not in INTENTS] == []


def test_every_ritual_is_reachable_by_voice_and_told_about() -> None:
    """Started from the idle loop, listed in "what can you do" (itself or a sibling sharing its files),
    and described by "tell me more" where it has a description of its own."""
    idle = listening_states(INTENTS, FLOWS)["idle"]
    listed = {flow.files for flow in FLOWS.flows if flow.capability_key}
    called = {slot for phrase in INTENTS["tell_me_more"].phrases for name, slot in phrase.slots if name == "ritual"}
    for flow in FLOWS.rituals():
        assert flow.triggers and set(flow.triggers) <= set(idle), flow.name
        assert flow.files in listed or flow.files == "core", f"{flow.name} is not in 'what can you do'"
        if flow.summary_key:
            assert flow.name in called, f"'tell me more about' cannot name {flow.name}"
    assert called <= {flow.name for flow in FLOWS.described()}, "a ritual word names no described flow"


def test_what_can_you_do_lists_every_ritual_and_tell_me_more_describes_one(tmp_path: Path) -> None:
    s = make_session(tmp_path, ["what can you do", "tell me more about the calm-down break",
                                "goodbye"])
    s.run()
    told = s.lines[1]
    for key in FLOWS.capability_keys():
        assert RESPONSES.render(key) in told
    assert s.count("calm_down.summary") == 1
    more = FLOWS.for_intent("tell_me_more")
    assert more is not None
    more.run(s.ctx, None)
    assert s.count("core.more_about_what") == 1 and RESPONSES.render("hug.capability") in s.lines[-1]


def test_the_evening_strings_the_registry_s_steps_together() -> None:
    evening = FLOWS.named("evening_ritual")
    assert isinstance(evening, EveningRitualFlow)
    steps = {step for step, _ in evening.steps}
    assert steps == set(FLOWS.evening_steps()) and steps | {"appreciation", "good_night"} == set(get_args(EveningStep))
    assert set(EVENING_STEPS) < set(get_args(EveningStep))  # the long ones are the couple's choice


def test_states_and_confirmations_come_from_the_flows() -> None:
    states = listening_states(INTENTS, FLOWS)
    assert {"game", "hug", "break", "review_date", "evening_step"} <= set(states)
    assert all(intent in INTENTS for allowed in states.values() for intent in allowed)
    assert any(name.startswith("review_in_") for name in states["review_date"]), "the pattern is expanded"
    assert FLOWS.confirmations() == {"need_break": "calm_down.confirm_need_break",
                                     "clear_agreements": "calm_down.confirm_clear_agreements"}
