"""Every flow Togetherly runs, in the order "what can you do" lists them. A new ritual is its own module
here, its phrase and response files under `intents/<lang>/`, and one line in `default_flows`."""

from __future__ import annotations

from assistant.dialogue.flow import Flow, FlowRegistry
from assistant.dialogue.flows.calm_down import AgreementsFlow, CalmDownFlow
from assistant.dialogue.flows.checkin import CheckInFlow
from assistant.dialogue.flows.date_night import DateNightDoneFlow, DateNightTurnFlow
from assistant.dialogue.flows.evening_ritual import EveningRitualFlow
from assistant.dialogue.flows.favourites import ReadFavouritesFlow
from assistant.dialogue.flows.goals import ReviewGoalsFlow, SetGoalFlow
from assistant.dialogue.flows.hug_timer import HugTimerFlow
from assistant.dialogue.flows.names import NamesFlow
from assistant.dialogue.flows.notes_flow import LastCheckInFlow, RecallFlow, TakeNoteFlow
from assistant.dialogue.flows.progress import ProgressFlow
from assistant.dialogue.flows.question_game import QuestionGameFlow, favourite_question_flow
from assistant.dialogue.flows.replies import CapabilitiesFlow, ShortReplyFlow, TellMeMoreFlow, VoiceStepFlow


def rituals() -> list[Flow]:
    """The rituals, before the evening that strings some of them together."""
    return [CheckInFlow(), QuestionGameFlow(), favourite_question_flow(), ReadFavouritesFlow(), HugTimerFlow(),
            CalmDownFlow(), AgreementsFlow(), TakeNoteFlow(), RecallFlow(), LastCheckInFlow(),
            SetGoalFlow(), ReviewGoalsFlow(), DateNightTurnFlow(), DateNightDoneFlow(), ProgressFlow(),
            NamesFlow()]


def default_flows() -> FlowRegistry:
    found = rituals()
    evening = EveningRitualFlow(steps=tuple(FlowRegistry(found).evening_steps().items()))
    found.insert(found.index(CalmDownFlow()) + 1, evening)  # it strings the check-in, a question and the hug together
    described = FlowRegistry(found)
    return FlowRegistry([
        *found,
        CapabilitiesFlow(rituals=tuple(described.capability_keys())),
        TellMeMoreFlow(described=tuple((f.name, f.summary_key) for f in described.described()),
                       topics=tuple(described.capability_keys())),
        ShortReplyFlow(), VoiceStepFlow()])
