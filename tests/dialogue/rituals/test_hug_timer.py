"""The hug timer as conversation scripts on a ManualClock, through real speech, and through the command.

In a typed script a blank line while the timer runs means "nothing was said until the deadline": the
clock jumps exactly to it, so the end cue's time on the clock is the timer's own.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from assistant.audio.samples import dithered_silence, write_wav
from assistant.audio.sources import WavFilesSource
from assistant.clock import ManualClock
from assistant.dialogue.flows.hug_timer import HugTimerFlow
from assistant.errors import DataFileError
from assistant.hearing.engines.pocketsphinx_engine import PocketsphinxRecognizer
from assistant.hearing.speech_listener import SpeechListener
from assistant.hearing.text_listener import TextListener
from assistant.notes.models import HugRecord
from assistant.paths import language_dir
from assistant.understanding.intents import IntentSet, load_intent_file
from assistant.understanding.matcher import IntentMatcher
from assistant.understanding.normalize import Normalizer
from tests.support.harness import Session, make_session, run_assistant
from tests.support.speech_fixtures import synthesize

START = 1000.0  # where ManualClock starts


def typed(tmp_path: Path, script: list[str], whole: bool = True) -> tuple[Session, ManualClock]:
    """A session over a typed script whose listener shares the session's ManualClock."""
    clock = ManualClock()
    listener = TextListener(io.StringIO("".join(line + "\n" for line in script)), clock=clock)
    runner = run_assistant if whole else make_session
    return runner(tmp_path, [], listener=listener, clock=clock), clock


def hugs(session: Session) -> list[HugRecord]:
    return session.store.load().rituals.hugs


def test_time_a_hug_ends_exactly_at_twenty_seconds(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="assistant.dialogue.flows.hug_timer")
    s, clock = typed(tmp_path, ["time a hug", "", "goodbye"])
    lines = s.lines
    ready = next(i for i, line in enumerate(lines) if line in s.variants("hug.ready_hug", length="20 seconds"))
    assert lines[ready + 1:ready + 4] == ["(chime: hug start)", "(chime: hug end)", lines[ready + 3]]
    assert lines[ready + 3] in s.variants("hug.done_hug")
    assert s.count("hug.progress_first") == 1
    assert clock.monotonic() == START + 20.0, "the end cue came exactly at the deadline, and only once"
    assert "hug end cue 0.0 ms after its deadline" in caplog.text
    [hug] = hugs(s)
    assert (hug.seconds, hug.completed, hug.label) == (20.0, True, "hug")
    assert lines.count("(chime: hug end)") == 1


@pytest.mark.slow
@pytest.mark.parametrize(("said", "seconds", "label"), [
    ("twenty second hug", 20, "hug"),
    ("hug timer", 20, "hug"),
    ("a one minute hug", 60, "hug"),
    ("a six second kiss", 6, "kiss"),
    ("time a kiss", 6, "kiss"),
    ("hug for 45 seconds", 45, "hug"),
    ("hug for three seconds", 3, "hug"),
    ("hug for 100 seconds", 100, "hug"),   # beyond the phrase list, but the number said is used
    ("a ten minute hug", 600, "hug"),
])
def test_lengths_asked_for(tmp_path: Path, said: str, seconds: int, label: str) -> None:
    s, clock = typed(tmp_path, [said, "", "goodbye"])
    [hug] = hugs(s)
    assert (hug.seconds, hug.label, hug.completed) == (seconds, label, True)
    assert clock.monotonic() == START + seconds
    if label == "kiss":
        assert s.count("hug.done_kiss_evening") == 1 and s.count("hug.progress_first") == 0  # the clock says 21:00


@pytest.mark.parametrize("said", ["hug for two seconds", "a fifteen minute hug", "hug for 1 second"])
def test_lengths_out_of_bounds_get_a_clear_reply_and_no_timer(tmp_path: Path, said: str) -> None:
    s, clock = typed(tmp_path, [said, "goodbye"])
    assert s.count("hug.out_of_bounds", shortest="3 seconds", longest="10 minutes") == 1
    assert hugs(s) == [] and clock.monotonic() == START
    assert not s.said("(chime")


def test_stop_cancels_without_the_end_cue(tmp_path: Path) -> None:
    s, _ = typed(tmp_path, ["time a hug", "stop", "goodbye"])
    assert s.count("hug.stopped") == 1
    assert s.said("(chime: hug start)") and not s.said("(chime: hug end)")
    [hug] = hugs(s)
    assert not hug.completed


def test_pause_how_long_left_and_resume(tmp_path: Path) -> None:
    s, clock = typed(tmp_path, ["hug for 30 seconds", "pause", "how long left", "", "pause", "resume",
                                "how long left", "resume", "", "goodbye"])
    lines = s.lines
    assert s.count("hug.paused") == 1 and s.count("hug.already_paused") == 1
    assert s.count("hug.time_left_paused", left="30 seconds") == 1
    assert s.count("hug.resumed", left="30 seconds") == 1
    assert s.count("hug.time_left", left="30 seconds") == 1
    assert s.count("hug.still_running", left="30 seconds") == 1
    assert lines.count("(chime: hug end)") == 1
    assert clock.monotonic() == START + 30.0, "a blank line while paused waits; it does not end the hug"
    assert hugs(s)[0].completed


def test_talk_during_the_hug_gets_no_reply_and_help_explains(tmp_path: Path) -> None:
    s, _ = typed(tmp_path, ["time a hug", "we should buy milk", "help", "", "goodbye"])
    assert not any(line.startswith("Sorry") for line in s.lines)
    assert s.count("hug.help") == 1
    assert hugs(s)[0].completed


def test_every_hug_is_counted(tmp_path: Path) -> None:
    s, _ = typed(tmp_path, ["time a hug", "", "a six second kiss", "", "time a hug", "stop", "time a hug", "",
                            "goodbye"])
    assert s.count("hug.progress_first") == 1 and s.count("hug.progress", count=2) == 1
    records = hugs(s)
    assert [(h.label, h.completed) for h in records] == [("hug", True), ("kiss", True), ("hug", False),
                                                          ("hug", True)]


def test_another_ritual_can_run_a_twenty_second_hug_as_a_step(tmp_path: Path) -> None:
    s, clock = typed(tmp_path, ["", "more"], whole=False)
    HugTimerFlow().run(s.ctx)
    assert clock.monotonic() == START + 20.0 and hugs(s)[0].completed
    assert HugTimerFlow().time(s.ctx, 2) is False, "out of bounds"


def test_end_of_input_during_a_hug_keeps_it_as_unfinished(tmp_path: Path) -> None:
    s, _ = typed(tmp_path, ["time a hug"])
    [hug] = hugs(s)
    assert not hug.completed
    assert s.count("core.goodbye") == 1


# -- number lists in intent templates -------------------------------------------------------------
def test_number_slots_come_with_the_match() -> None:
    matcher = IntentMatcher(IntentSet.load_dir(language_dir()))
    assert matcher.match("hug for 45 seconds").slot("seconds") == 45
    assert matcher.match("hug for forty-five seconds").slot("seconds") == 45
    assert matcher.match("hug for a hundred seconds").slot("seconds") == 100
    assert matcher.match("a 2 minute hug").slot("minutes") == 2
    assert matcher.match("give us ten more minutes").slot("minutes") == 10
    assert matcher.match("time a hug").slots == ()
    assert matcher.match("order a pizza").slots == ()


def test_lists_expand_with_values_and_bad_lists_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("intents:\n  hold:\n    sentences:\n      - \"hold {who} for {n} seconds\"\n"
                    "    lists:\n      who: {values: [me, {in: my love, out: partner}]}\n"
                    "      n: {range: {from: 5, to: 15, step: 5}}\n")
    [intent] = load_intent_file(path, Normalizer())
    assert {(p.spoken, p.slots) for p in intent.phrases} == {
        (f"hold {said} for {words} seconds", (("who", who), ("n", n)))
        for said, who in (("me", "me"), ("my love", "partner")) for words, n in (("five", 5), ("ten", 10),
                                                                               ("fifteen", 15))}
    path.write_text("intents:\n  hold:\n    sentences:\n      - \"hold {nobody}\"\n")
    with pytest.raises(DataFileError, match=r"mine.yaml:4: .*no list named nobody"):
        load_intent_file(path, Normalizer())
    path.write_text("intents:\n  hold:\n    sentences: [\"hold {n}\"]\n    lists:\n      n: {values: [a], "
                    "range: {from: 1, to: 2}}\n")
    with pytest.raises(DataFileError, match=r"mine.yaml:5: .*one of `range`, `values` or `rituals: true`"):
        load_intent_file(path, Normalizer())


# -- through real speech --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def recognizer() -> PocketsphinxRecognizer:
    return PocketsphinxRecognizer()


@pytest.mark.slow
@pytest.mark.audio
def test_spoken_hug_completes_in_audio_time_and_is_recorded(recognizer: PocketsphinxRecognizer, tmp_path: Path,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="assistant.dialogue.flows.hug_timer")
    write_wav(tmp_path / "quiet.wav", dithered_silence(25.0, seed=7))  # then nothing is said
    files = [synthesize("hug for twenty seconds", tmp_path / "hug.wav"), tmp_path / "quiet.wav"]
    clock = ManualClock()
    listener = SpeechListener(WavFilesSource(files, clock=clock), recognizer, clock=clock)
    s = run_assistant(tmp_path / "data", [], listener=listener, clock=clock)
    assert s.lines.count("(chime: hug end)") == 1
    [hug] = hugs(s)
    assert hug.completed and hug.seconds == 20
    late_ms = float(caplog.text.split("hug end cue ")[1].split(" ms")[0])
    assert 0.0 <= late_ms < 50.0, "the end cue starts within 50 ms of the deadline, in audio time"


@pytest.mark.slow
@pytest.mark.audio
def test_spoken_pause_and_resume_stretch_the_hug(recognizer: PocketsphinxRecognizer, tmp_path: Path) -> None:
    # Two voices, as two partners: espeak's default and a higher one (pocketsphinx hears some words
    # better from one than the other).
    write_wav(tmp_path / "wait.wav", dithered_silence(10.0, seed=8))
    write_wav(tmp_path / "quiet.wav", dithered_silence(25.0, seed=9))
    files = [synthesize("hug for twenty seconds", tmp_path / "hug.wav"),
             synthesize("can we pause", tmp_path / "pause.wav", voice="en-us+f3"), tmp_path / "wait.wav",
             synthesize("how much longer", tmp_path / "left.wav"), synthesize("carry on", tmp_path / "go.wav"),
             tmp_path / "quiet.wav"]
    clock = ManualClock()
    listener = SpeechListener(WavFilesSource(files, clock=clock), recognizer, clock=clock)
    s = run_assistant(tmp_path / "data", [], listener=listener, clock=clock)
    # The request's last words and the 2 s after them pass before "can we pause": 15 to 19 seconds are
    # left, and stay left through the 10 s of quiet while paused.
    left = {n: f"{n} seconds" for n in range(15, 20)}
    assert s.count("hug.paused") == 1
    assert any(s.count("hug.time_left_paused", left=text) == 1 for text in left.values()), s.lines
    assert any(s.count("hug.resumed", left=text) == 1 for text in left.values()), s.lines
    assert s.lines.count("(chime: hug end)") == 1
    [hug] = hugs(s)
    assert hug.completed
    assert clock.monotonic() - START > 20 + 10, "the time paused did not count"


# -- through the command, on the real clock -------------------------------------------------------
@pytest.mark.slow
def test_typed_hug_in_the_command_ends_by_itself_on_the_real_clock(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "assistant", "--text", "--data-dir", str(tmp_path)]
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}) as process:
        assert process.stdin and process.stdout
        try:
            process.stdin.write("hug for 3 seconds\n")
            process.stdin.flush()  # ...and nothing more is typed until the hug is over
            lines: queue.Queue[str] = queue.Queue()
            output = process.stdout

            def read() -> None:
                for line in output:
                    lines.put(line)

            threading.Thread(target=read, daemon=True).start()
            seen: list[str] = []
            give_up = time.monotonic() + 30
            # "(chime: hug end)", or "(soft chime: hug end)" in quiet hours: the test runs at any time of day.
            while not any("chime: hug end)" in line for line in seen) and time.monotonic() < give_up:
                with contextlib.suppress(queue.Empty):
                    seen.append(lines.get(timeout=max(0.01, give_up - time.monotonic())))
            assert any("chime: hug end)" in line for line in seen), seen
            process.stdin.write("goodbye\n")
            process.stdin.close()
            assert process.wait(timeout=30) == 0
        finally:
            process.kill()
    rituals = json.loads((tmp_path / "notes.json").read_text())["rituals"]
    assert [(h["seconds"], h["completed"]) for h in rituals["hugs"]] == [(3.0, True)]
