"""From sound to saved note: espeak-ng speech through the real pocketsphinx engine, matcher, check-in
flow and notes store, in process and through the installed command."""

from __future__ import annotations

import json
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from assistant.audio.samples import dithered_silence, read_wav
from assistant.audio.sources import WavFilesSource
from assistant.hearing.engines.pocketsphinx_engine import PocketsphinxRecognizer
from assistant.hearing.speech_listener import SpeechListener
from assistant.notes.models import CheckInNote
from tests.support.harness import run_assistant
from tests.support.speech_fixtures import recognize, synthesize, synthesize_flite, with_silence

pytestmark = pytest.mark.audio

ANSWERS = ["I went for a long walk in the park", "my train was late again",
           "we cooked dinner together", "I had a headache all afternoon"]


@pytest.fixture(scope="module")
def recognizer() -> PocketsphinxRecognizer:
    return PocketsphinxRecognizer()


@pytest.fixture(scope="module")
def wavs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("speech")
    texts = {"start": "start our check-in", "jazz": "play some jazz", "stop": "stop",
             "help": "what can you do", **{f"answer{i}": a for i, a in enumerate(ANSWERS)}}
    return {key: synthesize(text, folder / f"{key}.wav") for key, text in texts.items()}


def test_grammar_mode_recognizes_commands(recognizer: PocketsphinxRecognizer, wavs: dict[str, Path]) -> None:
    phrases = ["start our check in", "what can you do", "stop", "repeat that"]
    heard = recognize(recognizer, with_silence(read_wav(wavs["start"])), phrases)
    assert heard.text == "start our check in"
    assert heard.confidence > 0.5
    assert recognize(recognizer, with_silence(read_wav(wavs["help"])), phrases).text == "what can you do"


def test_silence_is_a_no_match_not_an_error(recognizer: PocketsphinxRecognizer) -> None:
    heard = recognize(recognizer, dithered_silence(1.0), ["start our check in", "stop"])
    assert heard.text == "" and heard.confidence == 0.0


def test_phrases_with_words_outside_the_dictionary_are_left_out(recognizer: PocketsphinxRecognizer,
                                                                 wavs: dict[str, Path]) -> None:
    heard = recognize(recognizer, with_silence(read_wav(wavs["start"])), ["start our check in", "zqxjv blorp"])
    assert heard.text == "start our check in"


@pytest.mark.slow
def test_open_vocabulary_hears_something_like_the_answer(wavs: dict[str, Path]) -> None:
    # A fresh decoder: live CMN carries over from earlier utterances, and open-vocabulary decoding of
    # espeak speech is fragile enough that history changes the words (a known limit of pocketsphinx).
    heard = recognize(PocketsphinxRecognizer(), with_silence(read_wav(wavs["answer0"])), None)
    assert {"went", "long", "walk", "park"} & set(heard.text.split())


@pytest.mark.slow
def test_spoken_checkin_runs_through_and_is_saved(recognizer: PocketsphinxRecognizer, wavs: dict[str, Path],
                                                  tmp_path: Path) -> None:
    files = [wavs["jazz"], wavs["start"], *(wavs[f"answer{i}"] for i in range(4))]
    listener = SpeechListener(WavFilesSource(files), recognizer)
    session = run_assistant(tmp_path, [], listener=listener)
    # Out-of-scope speech starts nothing and gets a gentle line: a reprompt, or, when pocketsphinx makes a
    # bare "no" or "yes" of it (its adaptation makes this depend on what it heard before), the idle reply.
    gentle = [v for key in ("core.didnt_catch_idle", "core.didnt_catch_maybe_break", "core.no_idle", "core.yes_idle")
              for v in session.variants(key)]
    assert session.lines[1] in gentle, "out-of-scope speech gets a gentle reply"
    assert session.count("checkin.greet") == 1
    [note] = [n for n in session.store.load().notes if isinstance(n, CheckInNote)]
    assert note.completed
    answers = [a for p in note.partners for a in (p.high, p.low)]
    assert all(answers), answers
    assert {"walk", "park"} & set((note.partners[0].high or "").split())  # free answers are open vocabulary


@pytest.mark.slow
def test_spoken_stop_keeps_the_answers_so_far(recognizer: PocketsphinxRecognizer, wavs: dict[str, Path],
                                              tmp_path: Path) -> None:
    listener = SpeechListener(WavFilesSource([wavs["start"], wavs["answer0"], wavs["stop"]]), recognizer)
    session = run_assistant(tmp_path, [], listener=listener)
    [note] = [n for n in session.store.load().notes if isinstance(n, CheckInNote)]
    assert not note.completed and note.partners[0].high and note.partners[0].low is None


@pytest.mark.slow
def test_installed_command_with_wav_files_saves_the_checkin_and_speaks(wavs: dict[str, Path],
                                                                       tmp_path: Path) -> None:
    # The installed command decodes commands with its commands language model, which hears flite's voice
    # (recorded from a person) as it would a person, and espeak-ng's formant voice poorly (docs/measurements.md,
    # "Understanding"); the answers stay espeak-ng, decoded with the open vocabulary.
    start = synthesize_flite("start our check-in", tmp_path / "start.wav")
    files = [str(start), *(str(wavs[f"answer{i}"]) for i in range(4))]
    speech = tmp_path / "speech"
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "--wav", *files, "--engine", "pocketsphinx",
         "--data-dir", str(tmp_path / "data"), "--save-speech", str(speech), "--partner-one", "Sam",
         "--partner-two", "Alex"],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Sam, " in result.stdout and "Alex, " in result.stdout
    assert "saved tonight's check-in" in result.stdout
    assert "Audio saved" not in result.stdout  # pyttsx3's chatter stays out of the transcript
    notes = json.loads((tmp_path / "data" / "notes.json").read_text())
    [checkin] = notes["notes"]
    assert checkin["completed"] and [p["partner"] for p in checkin["partners"]] == ["Sam", "Alex"]
    spoken = sorted(speech.glob("*.wav"))
    assert len(spoken) == len(result.stdout.strip().splitlines())  # every printed line was also spoken
    with wave.open(str(spoken[0])) as first:
        assert first.getnframes() > first.getframerate() // 2  # a real utterance, not an empty file


@pytest.mark.slow
def test_installed_command_hears_a_checkin_with_whisper_and_keeps_the_answers_as_said(tmp_path: Path) -> None:
    """The default engine end to end: flite commands and espeak-ng answers through --wav, Whisper
    transcribing both; what is saved is what was said, with its case and punctuation."""
    said = ["I got a promotion at work today", "my train was late again",
            "we cooked dinner together", "I had a headache all afternoon"]
    files = [synthesize_flite("start our check-in", tmp_path / "start.wav"),
             *(synthesize(text, tmp_path / f"answer{i}.wav") for i, text in enumerate(said))]
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "--wav", *map(str, files), "--data-dir", str(tmp_path / "data"),
         "--partner-one", "Sam", "--partner-two", "Alex"],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "listening with Whisper tiny.en" in result.stderr
    [checkin] = json.loads((tmp_path / "data" / "notes.json").read_text())["notes"]
    assert checkin["completed"]
    kept = [checkin["partners"][0]["high"], checkin["partners"][0]["low"],
            checkin["partners"][1]["high"], checkin["partners"][1]["low"]]
    assert [k.rstrip(".").lower() for k in kept] == [s.lower() for s in said], kept
    assert kept[0].startswith("I got")
