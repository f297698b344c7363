"""The live conversation's policy on what it heard: a command the recognizer was unsure of is dropped, and
a consequential one heard without certainty is confirmed first. `togetherly understand` shows the same
verdicts, so an intent author sees what the live loop would do."""

from __future__ import annotations

from collections.abc import Mapping

from assistant.understanding.matcher import Match

MIN_COMMAND_CONFIDENCE = 0.5
"""Below this engine confidence a command is rejected rather than acted on."""
SURE_SCORE = 92.0
"""A consequential intent matched below this score (0-100) is confirmed before it is acted on."""
SURE_CONFIDENCE = 0.8
"""... and so is one the recognizer heard with less confidence than this."""


def gate(match: Match, confidence: float, min_confidence: float = MIN_COMMAND_CONFIDENCE) -> Match:
    """Drop the intent of a match the recognizer itself was unsure of. The one decision shared by the
    live conversation (`Conversation.hear_command`) and `togetherly understand`."""
    if match.intent is None or confidence >= min_confidence:
        return match
    return Match(match.text, None, match.score, match.phrase, match.alternatives)


def confirmation_key(match: Match, confidence: float, consequential: Mapping[str, str]) -> str | None:
    """The question to ask before acting on a consequential intent heard without certainty, else None:
    starting a twenty-minute break or forgetting agreements on a mishearing costs more than one question.
    `consequential`: intent -> its question, as the flows declare them (`FlowRegistry.confirmations`)."""
    key = consequential.get(match.intent or "")
    if key is None or (match.score >= SURE_SCORE and confidence >= SURE_CONFIDENCE):
        return None
    return key
