"""The opt-in wake phrase for always-on bedside use: outside a ritual only what starts with "Togetherly" is
for us (talk in the room gets no reply at all); inside one, everything is heard as before."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assistant.config import Settings, load_settings
from assistant.hearing.engines.whisper_engine import WhisperRecognizer
from assistant.understanding.wake import WakePhrase
from tests.support.harness import INTENTS, Session, run_assistant
from tests.support.speech_fixtures import synthesize_piper

WAKE = Settings(partner_one="Sam", partner_two="Alex", wake_phrase=True)


def bedside(tmp_path: Path, script: list[str]) -> Session:
    return run_assistant(tmp_path, script, settings=WAKE)


@pytest.mark.parametrize(("heard", "rest"), [
    ("Togetherly, start our check-in.", "start our check-in."),
    ("hey togetherly start our check in", "start our check in"),
    ("Together Lee, we need a break", "we need a break"), ("OK Togetherly. Hug for 20 seconds", "Hug for 20 seconds"),
    ("togetherly", ""), ("Togetherly?", ""), ("togetherly remember that we need Milk", "remember that we need Milk"),
    ("we need a break", None), ("altogetherly fine", None), ("I said togetherly start", None), ("", None),
])
def test_what_follows_the_wake_phrase_is_kept_as_said(heard: str, rest: str | None) -> None:
    assert INTENTS.wake.rest(heard) == rest


def test_the_shipped_forms_are_the_ones_a_wake_file_gives() -> None:
    assert WakePhrase(["togetherly"]).rest("Together Lee, hi") is None  # only what the file lists
    assert INTENTS.wake.rest("Together Lee, hi") == "hi"


def test_talk_that_does_not_start_with_the_name_gets_no_reply(tmp_path: Path) -> None:
    s = bedside(tmp_path, ["we need a break", "start our check-in", "we're fighting again", "what can you do",
                           "Togetherly, what can you do", "togetherly goodbye"])
    assert s.lines[1] == s.variants("core.wake_hint")[0]  # after the welcome: how to be heard
    rest = s.lines[2:]
    assert rest[0] in s.variants("core.capabilities"), "the first four were not for us: nothing was said"
    assert rest[-1] in s.variants("core.goodbye") and len(rest) == 2
    assert s.store.load().rituals.breaks == []


def test_the_name_alone_chimes_and_the_next_words_are_the_command(tmp_path: Path) -> None:
    s = bedside(tmp_path, ["togetherly", "hug for 3 seconds", "", "Togetherly, bye"])
    assert s.lines[2] == "(chime: listening)"
    assert "(chime: hug end)" in s.lines
    assert s.store.load().rituals.hugs[0].seconds == 3


def test_inside_a_ritual_no_name_is_needed(tmp_path: Path) -> None:
    s = bedside(tmp_path, ["Togetherly, start our check-in", "a walk", "the rain", "skip", "stop",
                           "togetherly goodbye"])
    [checkin] = s.store.load().notes
    assert checkin.partners[0].high == "a walk" and checkin.partners[0].low == "the rain"  # type: ignore[union-attr]
    assert s.count("core.goodbye") == 1


def test_addressed_by_name_a_paraphrase_needs_no_idle_bar(tmp_path: Path) -> None:
    # Without the name, the idle loop's higher bar turns this paraphrase away (it may be talk); said to us by
    # name, it is heard.
    said = "you are a bit slow"
    plain = run_assistant(tmp_path / "plain", [said, "goodbye"])
    named = bedside(tmp_path / "named", [f"Togetherly, {said}", "togetherly goodbye"])
    assert plain.lines[1] in plain.variants("core.didnt_catch_idle")
    assert named.lines[1] not in named.variants("core.didnt_catch_idle"), named.lines


@pytest.mark.slow
def test_typed_to_it_a_paraphrase_needs_no_name_and_no_idle_bar(tmp_path: Path) -> None:
    # `--text`: the lines are typed to the assistant, so none of them is talk it overheard: no name is
    # needed with the wake phrase on, and a paraphrase the idle bar turns away when heard is understood.
    said = "you are a bit slow"
    (tmp_path / "config.yaml").write_text("partner_one: Sam\npartner_two: Alex\nwake_phrase: true\n")
    typed = subprocess.run([sys.executable, "-m", "assistant", "--text", "--data-dir", str(tmp_path)],
                           input=f"{said}\nstart our check-in\nstop\ngoodbye\n", capture_output=True, text=True,
                           timeout=60)
    assert typed.returncode == 0, typed.stderr
    lines = typed.stdout.splitlines()
    heard = run_assistant(tmp_path / "heard", [said, "goodbye"])
    assert heard.lines[1] in heard.variants("core.didnt_catch_idle")  # heard by a microphone: turned away
    assert not any(line.endswith(hint) for line in lines for hint in heard.variants("core.wake_hint")), lines
    assert any(lines[1] == f"Togetherly: {line}" for line in heard.variants("core.voice_faster")), lines
    assert any("Sam, " in line for line in lines), lines  # the check-in started without "Togetherly"


def test_setup_turns_the_wake_phrase_on_and_off(tmp_path: Path) -> None:
    def setup(*flags: str) -> str:
        result = subprocess.run([sys.executable, "-m", "assistant", "setup", "--data-dir", str(tmp_path),
                                 "--partner-one", "Sam", "--partner-two", "Alex", *flags],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert 'wake phrase on: start with "Togetherly"' in setup("--wake-phrase")
    assert load_settings(tmp_path).wake_phrase
    assert "wake phrase off" in setup("--no-wake-phrase")
    assert not load_settings(tmp_path).wake_phrase


@pytest.mark.slow
def test_whisper_hears_the_name_in_the_piper_voice(tmp_path: Path) -> None:
    whisper = WhisperRecognizer()
    from assistant.audio.samples import read_wav

    for said, intent in [("Togetherly, start our check-in.", "start_checkin"),
                         ("Togetherly, we need a break.", "need_break")]:
        session = whisper.start(None)
        session.feed(read_wav(synthesize_piper(said, tmp_path / "w.wav")))
        heard = session.finish().text
        rest = INTENTS.wake.rest(heard)
        assert rest is not None, heard
        from assistant.understanding.matcher import IntentMatcher

        assert IntentMatcher(INTENTS).match(rest).intent == intent, heard


def test_with_pocketsphinx_the_wake_phrase_is_off_and_the_couple_is_told(tmp_path: Path) -> None:
    # pocketsphinx decodes into the phrases' words and would never hear the name: it would hear nothing at all.
    from tests.support.speech_fixtures import synthesize

    wav = synthesize("what can you do", tmp_path / "w.wav")
    result = subprocess.run([sys.executable, "-m", "assistant", "--wav", str(wav), "--engine", "pocketsphinx",
                             "--wake-phrase", "--data-dir", str(tmp_path / "data"), "--partner-one", "Sam",
                             "--partner-two", "Alex"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "the wake phrase needs Whisper; with pocketsphinx everything said is heard" in result.stderr
    assert "I can't listen for my name" in result.stdout
    assert "I'll wait for my name" not in result.stdout
