"""Deadlines: the countdown, cue schedules, and listeners that give up exactly at a deadline."""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.samples import SAMPLE_RATE, dithered_silence, read_wav, write_wav
from assistant.audio.sources import WavFilesSource
from assistant.clock import ManualClock, SystemClock
from assistant.dialogue.timer import Countdown, Phase, schedule, whole_seconds_left
from assistant.hearing.engines.pocketsphinx_engine import PocketsphinxRecognizer
from assistant.hearing.requests import ListenMode, ListenRequest
from assistant.hearing.speech_listener import SpeechListener
from assistant.hearing.text_listener import TextListener
from tests.support.speech_fixtures import synthesize


def command(deadline: float | None, phrases: tuple[str, ...] = ()) -> ListenRequest:
    return ListenRequest(ListenMode.COMMAND, phrases, None, deadline)


# -- Countdown ------------------------------------------------------------------------------------
def test_countdown_ends_at_its_deadline() -> None:
    clock = ManualClock()
    timer = Countdown(clock, 20).start()
    assert timer.deadline == 1020.0 and timer.remaining() == 20.0
    clock.advance(19.5)
    assert timer.remaining() == pytest.approx(0.5) and not timer.done()
    clock.advance(0.5)
    assert timer.done() and timer.remaining() == 0.0


def test_pause_keeps_what_is_left_and_resume_sets_a_new_deadline() -> None:
    clock = ManualClock()
    timer = Countdown(clock, 20).start()
    clock.advance(5)
    timer.pause()
    assert timer.paused and timer.deadline is None
    clock.advance(100)  # time spent paused does not count
    assert timer.remaining() == 15.0
    timer.resume()
    assert timer.deadline == clock.monotonic() + 15.0
    clock.advance(15)
    assert timer.done()
    assert timer.elapsed() == 120.0, "elapsed is how long it took, pauses included"


def test_extend_moves_the_deadline_running_or_paused() -> None:
    clock = ManualClock()
    timer = Countdown(clock, 60).start()
    timer.extend(300)
    assert timer.deadline == 1360.0 and timer.planned == 360.0
    timer.pause()
    timer.extend(60)
    timer.resume()
    assert timer.remaining() == 420.0


def test_a_countdown_needs_a_length() -> None:
    with pytest.raises(ValueError, match="positive"):
        Countdown(ManualClock(), 0)


def test_schedule_places_every_cue_from_one_start_so_nothing_drifts() -> None:
    cues = schedule(100.0, (Phase("in", 4.0), Phase("hold", 2.0), Phase("out", 6.0)), rounds=10)
    assert len(cues) == 30
    assert [c.name for c in cues[:4]] == ["in", "hold", "out", "in"]
    assert [c.due for c in cues[:4]] == [100.0, 104.0, 106.0, 112.0]
    assert cues[-1].due == 100.0 + 9 * 12 + 6  # exact: offsets, not a running sum of waits


@pytest.mark.parametrize(("left", "said"), [(20.0, 20), (12.2, 13), (0.4, 1), (0.0, 0)])
def test_time_left_is_rounded_up_to_whole_seconds(left: float, said: int) -> None:
    assert whole_seconds_left(left) == said


# -- TextListener ---------------------------------------------------------------------------------
def test_typed_script_blank_line_means_nothing_was_said_until_the_deadline() -> None:
    clock = ManualClock()
    listener = TextListener(io.StringIO("\npause\n\n"), clock=clock)
    assert listener.listen(command(1020.0)).status == "deadline"
    assert clock.monotonic() == 1020.0
    heard = listener.listen(command(1040.0))
    assert (heard.status, heard.text) == ("speech", "pause") and clock.monotonic() == 1020.0
    assert listener.listen(command(None)).status == "silence", "without a deadline a blank line is silence"
    assert listener.listen(command(1040.0)).status == "end"


def test_a_deadline_already_passed_returns_without_reading() -> None:
    clock = ManualClock()
    listener = TextListener(io.StringIO("stop\n"), clock=clock)
    assert listener.listen(command(999.0)).status == "deadline"
    assert listener.listen(command(None)).text == "stop"


def test_real_pipe_is_waited_on_until_the_deadline_and_sees_every_buffered_line() -> None:
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "r") as stream, os.fdopen(write_end, "w") as writer:
        clock = SystemClock()
        listener = TextListener(stream, clock=clock)
        assert listener.listen(command(clock.monotonic() + 0.05)).status == "deadline"
        writer.write("how long left\npause\n")  # two lines arrive in one read
        writer.flush()
        assert listener.listen(command(clock.monotonic() + 5)).text == "how long left"
        assert listener.listen(command(clock.monotonic() + 5)).text == "pause"
        threading.Timer(0.05, writer.close).start()
        assert listener.listen(command(clock.monotonic() + 5)).status == "end"


# -- SpeechListener -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def recognizer() -> PocketsphinxRecognizer:
    return PocketsphinxRecognizer()


@pytest.mark.audio
def test_an_utterance_in_progress_does_not_delay_the_deadline(recognizer: PocketsphinxRecognizer,
                                                              tmp_path: Path) -> None:
    speech = read_wav(synthesize("how much time do we have left", tmp_path / "long.wav"))
    lead = dithered_silence(0.5, seed=3)
    write_wav(tmp_path / "talk.wav", np.concatenate([lead, speech]))
    stop = synthesize("stop", tmp_path / "stop.wav")
    clock = ManualClock()
    listener = SpeechListener(WavFilesSource([tmp_path / "talk.wav", stop], pause_seconds=1.0, clock=clock),
                              recognizer, clock=clock)
    # The deadline falls in the middle of the sentence: the listener gives up right there.
    deadline = clock.monotonic() + 0.5 + speech.size / SAMPLE_RATE / 2
    heard = listener.listen(command(deadline, ("how much time do we have left", "stop")))
    assert heard.status == "deadline"
    assert 0.0 <= clock.monotonic() - deadline < 0.001, "the audio stops at the deadline, to the sample"
    # The cut-off utterance is closed quietly and listening goes on (the sentence's tail is still
    # in the file, heard as a fragment that matches nothing, then "stop").
    texts = []
    while (heard := listener.listen(command(None, ("how much time do we have left", "stop")))).status == "speech":
        texts.append(heard.text)
    assert [text for text in texts if text] == ["stop"]
