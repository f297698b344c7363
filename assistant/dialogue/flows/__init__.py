"""Every flow Togetherly runs. Each ritual's module here ends with `RITUALS = (...)`, and `default_flows`
finds them there: a new ritual is its own module, its phrase and response files under `intents/<lang>/`,
and its tests, with nothing to edit elsewhere."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil

from assistant.dialogue.flow import Flow, FlowRegistry
from assistant.dialogue.flows.evening_ritual import EveningRitualFlow
from assistant.dialogue.flows.replies import CapabilitiesFlow, ShortReplyFlow, TellMeMoreFlow, VoiceStepFlow


def rituals() -> list[Flow]:
    """Every module's `RITUALS`, in rank order."""
    found: list[Flow] = []
    for module in pkgutil.iter_modules(__path__):
        found += getattr(importlib.import_module(f"{__name__}.{module.name}"), "RITUALS", ())
    return sorted(found, key=lambda flow: flow.rank)


def default_flows() -> FlowRegistry:
    """The rituals (the evening given the steps it strings together), then the idle loop's short replies."""
    found = rituals()
    steps = tuple(FlowRegistry(found).evening_steps().items())
    found = [dataclasses.replace(flow, steps=steps) if isinstance(flow, EveningRitualFlow) else flow
             for flow in found]
    described = FlowRegistry(found)
    return FlowRegistry([
        *found,
        CapabilitiesFlow(rituals=tuple(described.capability_keys())),
        TellMeMoreFlow(described=tuple((f.name, f.summary_key) for f in described.described()),
                       topics=tuple(described.capability_keys())),
        ShortReplyFlow(), VoiceStepFlow()])
