"""The stress-reducing conversation as scripts on a ManualClock: two timed turns with a chime at the swap, the
listener's line, the closing question kept as a yes or no, and nothing of the talk heard or kept."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.audio.samples import dithered_silence, write_wav
from assistant.clock import ManualClock
from assistant.hearing.text_listener import TextListener
from tests.support.harness import Session, run_assistant
from tests.support.speech_fixtures import synthesize_piper

START = 1000.0


def talk(tmp_path: Path, script: list[str], *, typed: bool = True) -> tuple[Session, ManualClock]:
    """Typed lines (`--text`: commands heard as ever), or lines standing for what a microphone heard with no
    wake-word detector (nothing said during a turn is recognized)."""
    clock = ManualClock()
    listener = TextListener(io.StringIO("".join(line + "\n" for line in script)), clock=clock, addressed=typed)
    return run_assistant(tmp_path, [], listener=listener, clock=clock), clock


def test_two_turns_of_ten_minutes_then_the_question_kept_as_yes(tmp_path: Path) -> None:
    s, clock = talk(tmp_path, ["let's do our stress talk", "", "", "yes", "goodbye"])
    assert s.count("stress_talk.explain") == 1 and s.count("stress_talk.private_typed") == 1
    first = s.lines.index(s.variants("stress_talk.turn_first", speaker="Sam", listener="Alex",
                                     length="10 minutes")[0])
    assert s.lines[first + 1] == "(chime: hug start)"
    swap = s.lines.index(s.variants("stress_talk.turn_second", speaker="Alex", listener="Sam",
                                    length="10 minutes")[0])
    assert s.lines[swap - 1] == "(chime: hug end)", "a soft chime at the swap"
    assert clock.monotonic() == START + 1200.0
    assert s.count("stress_talk.thanks_heard") == 1
    [record] = s.store.load().rituals.stress_talks
    assert (record.minutes_each, record.completed, record.felt_heard) == (10, True, True)
    assert "stress" not in s.store.path.read_text().replace("stress_talks", ""), "nothing said is kept"


def test_the_length_said_how_long_left_pause_and_swap(tmp_path: Path) -> None:
    s, clock = talk(tmp_path, ["a five minute stress talk", "how long left", "pause", "how long left", "resume",
                               "swap", "", "skip", "goodbye"])
    assert s.count("stress_talk.time_left", left="5 minutes") == 1
    assert s.count("stress_talk.paused") == 1 and s.count("stress_talk.time_left_paused", left="5 minutes") == 1
    assert s.count("stress_talk.resumed", left="5 minutes") == 1
    assert clock.monotonic() == START + 300.0, "'swap' ended the first turn at once; the second ran its time"
    [record] = s.store.load().rituals.stress_talks
    assert (record.minutes_each, record.felt_heard) == (5, None), "skipped: no answer kept"


def test_the_second_time_is_explained_briefly_and_we_re_done_still_asks(tmp_path: Path) -> None:
    talk(tmp_path, ["stress talk", "", "", "no", "goodbye"])
    s, _ = talk(tmp_path, ["stress talk", "we're done talking", "no", "goodbye"])
    assert s.count("stress_talk.explain") == 0 and s.count("stress_talk.explain_short") == 1
    assert s.count("stress_talk.ask_heard") == 1 and s.count("stress_talk.thanks") == 1
    second = s.store.load().rituals.stress_talks[-1]
    assert (second.completed, second.felt_heard) == (False, False)


def test_from_a_microphone_with_no_detector_nothing_said_in_a_turn_is_heard(tmp_path: Path) -> None:
    s, clock = talk(tmp_path, ["let's do our stress talk", "how long left", "work was awful today", "", "",
                               "yes", "goodbye"], typed=False)
    assert s.count("stress_talk.private_unheard") == 1
    assert s.count("stress_talk.time_left", left="10 minutes") == 0, "not even a command: nothing is recognized"
    assert clock.monotonic() == START + 1200.0
    assert s.store.load().rituals.stress_talks[0].felt_heard is True


@pytest.mark.slow
@pytest.mark.audio
def test_by_microphone_only_the_name_is_heard_during_a_turn(tmp_path: Path) -> None:
    """Spoken through the real listener and wake-word detector (`togetherly --wav`): talk during a turn is
    never recognized; "Togetherly, how long left?" is answered; the question after the turns is heard."""
    synthesize_piper("Let's do our stress talk for one minute.", tmp_path / "start.wav")
    synthesize_piper("Work was awful today and I just need to say it out loud.", tmp_path / "talk.wav")
    synthesize_piper("Togetherly, how long left?", tmp_path / "ask.wav")
    write_wav(tmp_path / "quiet.wav", dithered_silence(125.0, seed=7))  # the rest of both turns
    synthesize_piper("Yes.", tmp_path / "yes.wav")
    files = [tmp_path / f"{name}.wav" for name in ("start", "talk", "ask", "quiet", "yes")]
    data = tmp_path / "data"
    result = subprocess.run([sys.executable, "-m", "assistant", "-v", "--wav", *map(str, files), "--data-dir",
                             str(data), "--partner-one", "Sam", "--partner-two", "Alex"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "wake word: togetherly" in result.stderr
    assert "to go in this turn" in result.stdout, result.stdout
    assert result.stderr.count("heard in private: intent=") == 1, "only what followed the name was recognized"
    assert "Did you each feel heard?" in result.stdout
    [record] = json.loads((data / "notes.json").read_text())["rituals"]["stress_talks"]
    assert record["felt_heard"] is True and record["minutes_each"] == 1
