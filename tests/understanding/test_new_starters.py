"""The held-out wordings for the new rituals' starters (`tests/support/eval/new_rituals.yaml`, never copied into
intents/): understood when typed, and when spoken by the Piper voice and heard by Whisper as a command is."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.dialogue.flows import default_flows
from assistant.dialogue.runner import SESSION_COMMANDS
from tests.support.harness import INTENTS

HELD_OUT = Path(__file__).parents[1] / "support" / "eval" / "new_rituals.yaml"
LINES: dict[str, list[str]] = yaml.safe_load(HELD_OUT.read_text())
IDLE = [*default_flows().triggers(), *SESSION_COMMANDS]


def understood(heard: list[tuple[str, str]]) -> float:
    from assistant.app import language_matcher

    matcher = language_matcher()
    assert matcher.classifier is not None  # trained: paraphrases are judged too
    right = [matcher.match(text, IDLE, idle=True).intent == intent for text, intent in heard]
    return sum(right) / len(right)


def test_every_new_starter_has_held_out_lines_not_in_the_phrases() -> None:
    phrases = {p.text for p in INTENTS.phrases()}
    for intent, lines in LINES.items():
        assert intent in IDLE and len(lines) >= 3
        assert not [line for line in lines if INTENTS.normalizer.normalize(line) in phrases], "held out"


def test_typed_they_are_understood_at_least_95_percent() -> None:
    assert understood([(text, intent) for intent, lines in LINES.items() for text in lines]) >= 0.95


@pytest.mark.slow
@pytest.mark.audio
def test_spoken_by_piper_they_are_understood_at_least_90_percent(tmp_path: Path) -> None:
    from assistant.audio.samples import read_wav
    from assistant.hearing.engines.whisper_engine import WhisperRecognizer
    from tests.support.speech_fixtures import synthesize_piper, with_silence

    ear = WhisperRecognizer()
    heard = []
    for intent, lines in LINES.items():
        for i, text in enumerate(lines):
            path = synthesize_piper(text, tmp_path / f"{intent}-{i}.wav")
            heard.append((ear.transcribe(with_silence(read_wav(path))).text, intent))
    assert understood(heard) >= 0.90  # measured 38/40 (95%): "erase" heard as "race", "parked" as "part"
