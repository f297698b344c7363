"""The calm-down break and the fair-fighting agreements, as conversation scripts on a ManualClock
and through real speech.

In a typed script a blank line while a timer runs means "nothing was said until the next deadline"
(a breathing cue, or the end of the break): the clock jumps exactly there.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from assistant.audio.samples import dithered_silence, write_wav
from assistant.audio.sources import WavFilesSource
from assistant.clock import ManualClock
from assistant.config import Settings
from assistant.dialogue.flows.calm_down import BREATH, BREATH_ROUNDS, AgreementsFlow, CalmDownFlow
from assistant.hearing.engines.pocketsphinx_engine import PocketsphinxRecognizer
from assistant.hearing.speech_listener import SpeechListener
from assistant.hearing.text_listener import TextListener
from assistant.notes.models import SCHEMA_VERSION, BreakRecord
from assistant.voice.speaker import MultiSpeaker, PrintSpeaker, VoiceSpeaker
from assistant.voice.synthesis import Pyttsx3Synthesizer
from tests.support.harness import Session, make_session, run_assistant
from tests.support.speech_fixtures import synthesize

START = 1000.0
MINUTE = 60.0
NAMES = {"partner_one": "Sam", "partner_two": "Alex"}


SHORT_LENGTHS = ["one minute", *(f"{n} minutes" for n in range(2, 30))]
"""How a break start under half an hour would say its length."""

def typed(tmp_path: Path, script: list[str], whole: bool = True, **settings: object) -> tuple[Session, ManualClock]:
    clock = ManualClock()
    listener = TextListener(io.StringIO("".join(line + "\n" for line in script)), clock=clock)
    runner = run_assistant if whole else make_session
    settings_given = Settings.model_validate({**NAMES, **settings})
    session = runner(tmp_path, [], listener=listener, clock=clock, settings=settings_given)
    return session, clock


def breaks(session: Session) -> list[BreakRecord]:
    return session.store.load().rituals.breaks


def defaults(session: Session) -> list[str]:
    return session.ctx.responses.all_variants("calm_down.default_agreements")


def test_a_break_runs_its_full_time_then_welcomes_back_with_the_agreements(tmp_path: Path) -> None:
    s, clock = typed(tmp_path, ["we need a break", "no", "", "goodbye"])
    lines = s.lines
    assert s.count("calm_down.acknowledge") == 1 and s.count("calm_down.suggest", minutes="20 minutes") == 1
    assert s.count("calm_down.break_start", minutes="20 minutes") == 1
    chime = lines.index("(chime: break end)")
    assert lines[chime + 1] in s.variants("calm_down.welcome_back")
    assert lines[chime + 2] in s.variants("calm_down.agreements_intro")
    assert lines[chime + 3:chime + 3 + len(defaults(s))] == defaults(s)
    assert lines[chime + 3 + len(defaults(s))] in s.variants("calm_down.repair")
    assert clock.monotonic() == START + 20 * MINUTE, "the chime came exactly when the time was up"
    [record] = breaks(s)
    assert (record.planned_minutes, record.actual_minutes, record.ended) == (20, 20, "time_up")


def test_nothing_said_during_a_break_is_stored(tmp_path: Path) -> None:
    s, _ = typed(tmp_path, ["this is getting heated", "no", "you never listen to me", "", "goodbye"])
    assert not any(line.startswith("Sorry") for line in s.lines), "talk between them gets no reply"
    stored = s.store.path.read_text()
    assert "never listen" not in stored and "heated" not in stored
    assert set(json.loads(stored)["rituals"]["breaks"][0]) == {"at", "planned_minutes", "actual_minutes", "ended",
                                                               "come_back_at"}, "times, never words"


@pytest.mark.parametrize("said", ["time out", "I need a break", "this is getting heated", "can we take a break"])
def test_ways_to_ask_for_a_break(tmp_path: Path, said: str) -> None:
    s, _ = typed(tmp_path, [said, "stop"])
    assert s.count("calm_down.acknowledge") == 1


def test_the_break_length_comes_from_the_settings(tmp_path: Path) -> None:
    s, clock = typed(tmp_path, ["we need a break", "no", "", "goodbye"], break_minutes=30)
    assert s.count("calm_down.suggest", minutes="30 minutes") == 1
    assert clock.monotonic() == START + 30 * MINUTE


def test_five_more_minutes_extends_and_how_long_left_answers(tmp_path: Path) -> None:
    s, clock = typed(tmp_path, ["we need a break", "no", "how long left", "five more minutes",
                                "give us 10 more minutes", "a few more minutes", "", "goodbye"])
    assert s.count("calm_down.time_left_minutes", n=20) == 1
    assert s.count("calm_down.extended", added="5 minutes", left="25 minutes") == 1
    assert s.count("calm_down.extended", added="10 minutes", left="35 minutes") == 1
    assert s.count("calm_down.extended", added="5 minutes", left="40 minutes") == 1
    assert clock.monotonic() == START + 40 * MINUTE
    [record] = breaks(s)
    assert (record.planned_minutes, record.actual_minutes, record.ended) == (40, 40, "time_up")


def test_ready_early_is_checked_first(tmp_path: Path) -> None:
    s, clock = typed(tmp_path, ["we need a break", "no", "we're ready", "no", "we're ready", "yes", "goodbye"])
    assert s.count("calm_down.confirm_ready") == 2 and s.count("calm_down.keep_resting") == 1
    assert not s.said("(chime"), "no chime when they end it themselves"
    assert s.count("calm_down.welcome_back") == 1 and s.count("calm_down.repair") == 1
    [record] = breaks(s)
    assert (record.planned_minutes, record.actual_minutes, record.ended) == (20, 0, "ready_early")
    assert clock.monotonic() == START


def test_stop_ends_the_break_and_records_it(tmp_path: Path) -> None:
    s, _ = typed(tmp_path, ["we need a break", "no", "stop", "goodbye"])
    assert s.count("calm_down.stopped") == 1 and s.count("calm_down.welcome_back") == 0
    assert breaks(s)[0].ended == "stopped"


def test_help_during_the_break(tmp_path: Path) -> None:
    s, _ = typed(tmp_path, ["we need a break", "no", "help", "stop"])
    assert s.count("calm_down.help") == 1


# -- breathing ------------------------------------------------------------------------------------
class ClockedSoundCard:
    """A sound card that takes as long as the sound to play, on the test's clock, and notes when each
    sound started: speech has a real length here, so cue times can be checked against it."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.played: list[tuple[float, float]] = []

    def play(self, samples: npt.NDArray[np.int16], rate: int) -> None:
        seconds = samples.size / rate
        self.played.append((self.clock.monotonic(), seconds))
        self.clock.advance(seconds)

    def stop(self) -> None:
        """Nothing is left playing: each sound is over when play returns."""


@pytest.mark.slow
def test_breathing_cues_follow_the_clock_not_the_length_of_speech(tmp_path: Path) -> None:
    clock = ManualClock()
    card = ClockedSoundCard(clock)
    output = io.StringIO()
    script = io.StringIO("yes\n" + "\n" * 40)  # then nothing is said, through every cue and the break
    s = make_session(tmp_path, listener=TextListener(script, clock=clock), clock=clock,
                     settings=Settings.model_validate(NAMES))
    s.ctx.speaker = MultiSpeaker(PrintSpeaker(output), VoiceSpeaker(Pyttsx3Synthesizer(), card))
    CalmDownFlow().run(s.ctx)
    said = [line.removeprefix("Togetherly: ") for line in output.getvalue().splitlines()]
    assert len(said) == len(card.played)
    intro = said.index(s.variants("calm_down.breathing_intro")[0])
    start = card.played[intro][0] + card.played[intro][1]  # the round starts when the intro is over
    cue_lines = {f"calm_down.breathe_{p.name}": p.name for p in BREATH}
    timed = [(s.ctx.responses.all_variants(key)[0], name) for key, name in cue_lines.items()]
    cues = [(card.played[i][0], name) for i, line in enumerate(said) for text, name in timed if line == text]
    assert len(cues) == len(BREATH) * BREATH_ROUNDS
    offset, expected = 0.0, []
    for _ in range(BREATH_ROUNDS):
        for phase in BREATH:
            expected.append((start + offset, phase.name))
            offset += phase.seconds
    # Each cue starts exactly on its deadline, although every line before it took time to say:
    # chained waits after speech would drift by the sum of those lengths.
    assert cues == expected
    speech_time = sum(length for _, length in card.played[intro + 1:intro + 1 + len(cues)])
    assert speech_time > 10, "the cues themselves took a noticeable time to say"
    done = said.index(s.variants("calm_down.breathing_done")[0])
    assert card.played[done][0] == start + offset
    [record] = breaks(s)
    assert record.ended == "time_up" and record.actual_minutes == pytest.approx(20, abs=0.1)


def test_skip_ends_the_breathing_and_the_break_goes_on(tmp_path: Path) -> None:
    s, clock = typed(tmp_path, ["we need a break", "yes", "", "", "skip", "", "goodbye"])
    assert s.count("calm_down.breathe_in") == 1 and s.count("calm_down.breathe_hold") == 1
    assert s.count("calm_down.breathing_skipped") == 1 and s.count("calm_down.breathing_done") == 0
    assert clock.monotonic() == START + 20 * MINUTE, "the breathing was part of the break's time"
    assert breaks(s)[0].ended == "time_up"


def test_ready_while_breathing_ends_the_break_after_the_check(tmp_path: Path) -> None:
    s, clock = typed(tmp_path, ["we need a break", "yes", "", "five more minutes", "we're ready", "yes", "goodbye"])
    assert s.count("calm_down.breathe_in") == 1
    assert s.count("calm_down.extended", added="5 minutes", left="25 minutes") == 1
    assert not any(s.count("calm_down.break_start", minutes=m) for m in SHORT_LENGTHS)
    assert s.count("calm_down.welcome_back") == 1
    [record] = breaks(s)
    assert (record.planned_minutes, record.ended) == (25, "ready_early")
    assert record.actual_minutes == round(4 / MINUTE, 2) and clock.monotonic() == START + 4


def test_a_break_shorter_than_the_breathing_round_ends_on_time(tmp_path: Path) -> None:
    s, clock = typed(tmp_path, ["we need a break", "yes", *[""] * 30, "goodbye"], break_minutes=1)
    assert s.count("calm_down.breathe_in") == 5 and s.count("calm_down.breathing_done") == 0
    assert not any(s.count("calm_down.break_start", minutes=m) for m in SHORT_LENGTHS)
    assert s.lines.count("(chime: break end)") == 1 and clock.monotonic() == START + MINUTE


def test_how_long_left_while_breathing(tmp_path: Path) -> None:
    s, _ = typed(tmp_path, ["we need a break", "yes", "how much longer", "stop"])
    assert s.count("calm_down.time_left_minutes", n=20) == 1


# -- agreements -----------------------------------------------------------------------------------
def test_read_our_agreements_gives_the_suggested_ones_until_there_are_own_ones(tmp_path: Path) -> None:
    s, _ = typed(tmp_path, ["read our agreements", "goodbye"])
    assert s.count("calm_down.agreements_defaults") == 1 and s.count("calm_down.agreements_add_hint") == 1
    assert all(s.lines.count(line) == 1 for line in defaults(s))


def test_add_an_agreement_by_voice_and_hear_it_after_a_break(tmp_path: Path) -> None:
    s, _ = typed(tmp_path, ["add an agreement", "we listen before we answer", "yes",
                            "add an agreement", "something misheard", "no",
                            "read our agreements", "we need a break", "no", "", "goodbye"])
    assert s.store.load().rituals.agreements == ["we listen before we answer"]
    assert s.count("calm_down.confirm_agreement", text="we listen before we answer") == 1
    assert s.count("calm_down.agreement_added") == 1 and s.count("calm_down.agreement_not_added") == 1
    assert s.lines.count("we listen before we answer") == 2, "read back, and after the break"
    assert not any(line in defaults(s) for line in s.lines), "their own agreements replace the suggested ones"


def test_agreements_from_the_data_file_come_first(tmp_path: Path) -> None:
    (tmp_path / "agreements.yaml").write_text("agreements:\n  - We keep our voices low.\n  - We say sorry first.\n")
    s, _ = typed(tmp_path, ["add an agreement", "no phones at dinner", "yes", "read our agreements", "goodbye"])
    own = s.lines.index(s.variants("calm_down.agreements_own")[0])
    assert s.lines[own + 1:own + 4] == ["We keep our voices low.", "We say sorry first.", "no phones at dinner"]


def test_a_broken_agreements_file_is_reported_and_the_rest_goes_on(tmp_path: Path,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "agreements.yaml").write_text("agreements:\n  - fine\n  - [not, text]\n")
    s, _ = typed(tmp_path, ["read our agreements", "goodbye"])
    assert s.count("calm_down.file_problem") == 1 and s.count("calm_down.agreements_defaults") == 1
    assert "agreements.yaml:3" in caplog.text


def test_clear_our_agreements_asks_first(tmp_path: Path) -> None:
    s, _ = typed(tmp_path, ["clear our agreements", "add an agreement", "kindness first", "yes",
                            "clear our agreements", "no", "clear our agreements", "yes", "goodbye"])
    assert s.count("calm_down.nothing_to_clear") == 1 and s.count("calm_down.not_cleared") == 1
    assert s.count("calm_down.cleared") == 1
    assert s.store.load().rituals.agreements == []


def test_agreements_flow_defaults_to_reading(tmp_path: Path) -> None:
    s, _ = typed(tmp_path, [], whole=False)
    AgreementsFlow().run(s.ctx)
    assert s.count("calm_down.agreements_defaults") == 1


# -- through real speech --------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.audio
def test_spoken_break_runs_in_audio_time_and_is_recorded(tmp_path: Path) -> None:
    write_wav(tmp_path / "quiet.wav", dithered_silence(70.0, seed=11))  # then time passes...
    files = [synthesize("we need a break", tmp_path / "break.wav"), synthesize("no thank you", tmp_path / "no.wav"),
             synthesize("how much longer", tmp_path / "left.wav"), tmp_path / "quiet.wav"]
    clock = ManualClock()
    listener = SpeechListener(WavFilesSource(files, clock=clock), PocketsphinxRecognizer(), clock=clock)
    s = run_assistant(tmp_path / "data", [], listener=listener, clock=clock,
                      settings=Settings.model_validate({**NAMES, "break_minutes": 1}))
    assert s.count("calm_down.breathing_no") == 1
    assert s.count("calm_down.time_left_under_a_minute") == 1
    assert s.lines.count("(chime: break end)") == 1
    assert s.count("calm_down.welcome_back") == 1 and s.count("calm_down.repair") == 1
    [record] = breaks(s)
    assert record.ended == "time_up" and record.planned_minutes == 1
    assert record.actual_minutes == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize("command", ["read our agreements", "clear our agreements", "ask us a question"])
def test_notes_from_a_newer_version_are_told_and_the_evening_goes_on(tmp_path: Path, command: str) -> None:
    """A notes file written by a newer Togetherly cannot be read here: the agreements are read from the
    defaults (saying why), clearing says it cannot, the game plays without its memory; nothing ends the
    session, and the file is left exactly as it was."""
    newer = json.dumps({"schema_version": SCHEMA_VERSION + 1, "notes": [], "rituals": {"agreements": ["x"]}})
    (tmp_path / "notes.json").write_text(newer)
    script = [command, *(["stop"] if command == "ask us a question" else []), "time a hug", "stop", "goodbye"]
    session = run_assistant(tmp_path, script)
    read_failed = session.count("notes.read_failed")
    if command == "ask us a question":
        assert read_failed == 0, "the game's memory is quiet"
    else:
        assert read_failed == 1
    if command == "read our agreements":
        assert session.count("calm_down.agreements_defaults") == 1
    assert session.count("hug.ready_hug", length="20 seconds") == 1, "the next ritual started"
    assert session.count("core.goodbye") == 1, "the session went on to the goodbye"
    assert (tmp_path / "notes.json").read_text() == newer
