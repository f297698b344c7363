"""What the couple keeps is what they said: an answer heard empty, invented by the recognizer in noise,
looping or cut short is asked again kindly, once, and never saved as it is; still unclear, the best reading
is kept and marked as possibly misheard."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.samples import write_wav
from assistant.dialogue.answers import best_reading, loop_start, unclear
from assistant.hearing.requests import Heard
from assistant.hearing.text_listener import TextListener
from assistant.notes.models import CheckInNote, FreeNote
from tests.support.harness import INTENTS, Session, run_assistant
from tests.support.speech_fixtures import synthesize_piper

LOOPED = "I held anxious before the dangerous deployed in this morning. I held anxious before the dangerous deployed"


def checkins(s: Session) -> list[CheckInNote]:
    return [n for n in s.store.load().notes if isinstance(n, CheckInNote)]


def test_an_invented_thank_you_is_asked_again_and_never_kept(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["start our check-in", "Thank you.", "a walk in the sun", "skip", "skip", "skip",
                                 "goodbye"])
    assert s.count("core.answer_unclear") == 1
    [note] = checkins(s)
    assert note.partners[0].high == "a walk in the sun" and not note.unsure
    assert "Thank you" not in s.store.path.read_text()


def test_a_looping_answer_unclear_twice_is_kept_cut_and_marked(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["take a note", LOOPED, LOOPED, "goodbye"])
    assert s.count("core.answer_unclear") == 1, "asked again once, not more"
    [note] = [n for n in s.store.load().notes if isinstance(n, FreeNote)]
    assert note.text == "I held anxious before the dangerous deployed in this morning" and note.unsure
    listing = subprocess.run([sys.executable, "-m", "assistant", "notes", "--data-dir", str(tmp_path)],
                             capture_output=True, text=True, timeout=60)
    assert "(may be misheard)" in listing.stdout


def test_an_answer_twice_invented_is_never_saved(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["take a note", "you", "Thank you.", "stop", "goodbye"])
    assert s.count("core.answer_unclear") == 1
    assert not [n for n in s.store.load().notes if isinstance(n, FreeNote)]


def test_typed_words_are_kept_as_typed(tmp_path: Path) -> None:
    listener = TextListener(io.StringIO("take a note\nthank you\ngoodbye\n"), addressed=True)
    s = run_assistant(tmp_path, [], listener=listener)
    assert s.count("core.answer_unclear") == 0
    assert [n.text for n in s.store.load().notes if isinstance(n, FreeNote)] == ["thank you"]


@pytest.mark.parametrize(("heard", "reason"), [
    (Heard("speech", "", speech_s=2.0), "empty"),
    (Heard("speech", "Thank you.", 0.9, speech_s=1.0), "not an answer"),
    (Heard("speech", "I can't do it.", 0.52, speech_s=3.0, doubtful=True), "doubtful"),
    (Heard("speech", "we went to the park", 0.3, speech_s=1.5), None),  # pocketsphinx's low scale: not doubt
    (Heard("speech", LOOPED, 0.9, speech_s=6.0), "looping"),
    (Heard("speech", "We found", 0.9, speech_s=5.0), "too short"),
    (Heard("speech", "We found a quiet bench by the river at lunch", 0.88, speech_s=3.5), None),
    (Heard("speech", "yes", 0.95, speech_s=0.6), None),
])
def test_what_counts_as_unclear(heard: Heard, reason: str | None) -> None:
    assert unclear(heard, INTENTS.not_answers, INTENTS.normalizer.normalize(heard.text)) == reason


def test_a_loop_is_cut_where_it_starts_over() -> None:
    assert loop_start("we laughed for ages about the dog stealing a sock") is None
    assert best_reading(Heard("speech", "We found", 0.9, speech_s=5.0), Heard("speech", LOOPED, 0.9)) == \
        "I held anxious before the dangerous deployed in this morning"


@pytest.mark.slow
@pytest.mark.audio
def test_by_microphone_noise_for_an_answer_is_asked_again_and_the_answer_kept(tmp_path: Path) -> None:
    """Through `togetherly --wav` and Whisper: loud noise where a high should be (Whisper writes "I can't do
    it." for it) is asked for again, and the spoken answer after it is what is saved."""
    synthesize_piper("Start our check-in.", tmp_path / "start.wav")
    write_wav(tmp_path / "noise.wav", np.random.default_rng(1).normal(0, 3000, 48000).astype(np.int16))
    synthesize_piper("We went for a long walk by the river.", tmp_path / "high.wav")
    synthesize_piper("Stop.", tmp_path / "stop.wav")
    files = [tmp_path / f"{name}.wav" for name in ("start", "noise", "high", "stop")]
    data = tmp_path / "data"
    result = subprocess.run([sys.executable, "-m", "assistant", "--wav", *map(str, files), "--data-dir", str(data),
                             "--partner-one", "Sam", "--partner-two", "Alex", "--wake-word", "off"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Could you say it" in result.stdout, result.stdout
    [note] = json.loads((data / "notes.json").read_text())["notes"]
    assert note["partners"][0]["high"].lower().rstrip(".") == "we went for a long walk by the river"
