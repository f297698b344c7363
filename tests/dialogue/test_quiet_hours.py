"""Quiet hours on a ManualClock: nothing unprompted (a problem waits for the next addressed exchange), the voice
at night volume and softer chimes through the real Piper voice, and "good night, Togetherly" keeping quiet until
morning, across a restart."""

from __future__ import annotations

import functools
import io
import wave
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from assistant import app
from assistant.audio import chimes
from assistant.audio.sinks import WavFileSink
from assistant.clock import ManualClock
from assistant.config import Settings, load_settings, save_settings
from assistant.hearing.text_listener import TextListener
from assistant.notes.store import NotesStore
from assistant.voice.speaker import PrintSpeaker, VoiceSpeaker
from tests.support.harness import CONVERSATION_SETTINGS, Session, run_assistant
from tests.support.speech_fixtures import seeded_piper

EVENING = datetime(2026, 1, 15, 21, 0).astimezone()
NIGHT = datetime(2026, 1, 15, 23, 30).astimezone()


ALWAYS_ON = CONVERSATION_SETTINGS.model_copy(update={"wake_word": "togetherly", "wake_told": True})
"""Left listening, the name heard in what is said (a script stands for what the microphone heard)."""


def wired(tmp_path: Path, script: list[str], at: datetime, settings: Settings = CONVERSATION_SETTINGS,
          **kwargs: object) -> Session:
    clock = ManualClock(at)
    output = io.StringIO()
    listener = TextListener(io.StringIO("".join(line + "\n" for line in script)), clock=clock)
    session = app.assemble(listener=listener, speaker=PrintSpeaker(output), clock=clock,
                           store=NotesStore.in_dir(tmp_path), settings=settings, **kwargs)  # type: ignore[arg-type]
    return Session(session, output, session.ctx.store)


def played(path: Path) -> np.ndarray:
    """A WAV file's samples as they were played, at their own rate."""
    with wave.open(str(path)) as wav:
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")


def test_a_problem_found_at_night_waits_for_the_next_addressed_exchange(tmp_path: Path) -> None:
    script = ["we should buy milk", "togetherly what can you do", "togetherly switch off", "yes"]
    day = wired(tmp_path / "day", script, EVENING, ALWAYS_ON, notices=("core.hearing_fallback",))
    day.run()
    assert day.lines.index(day.variants("core.hearing_fallback")[0]) == 1, "by day: said right after the welcome"
    night = wired(tmp_path / "night", script, NIGHT, ALWAYS_ON, notices=("core.hearing_fallback",))
    night.run()
    assert night.lines.index(night.variants("core.hearing_fallback")[0]) == 0, "no welcome at night"
    assert night.lines[1].startswith("I can help with"), "kept back through overheard talk, said when spoken to"
    assert night.count("core.hearing_fallback") == 1


def test_good_night_keeps_quiet_until_morning_across_a_restart(tmp_path: Path) -> None:
    keep = functools.partial(save_settings, tmp_path)
    settings = CONVERSATION_SETTINGS.model_copy(update={"ritual_time": "21:30"})
    run_assistant(tmp_path, ["good night togetherly"], clock=ManualClock(EVENING), settings=settings,
                  settings_keeper=keep)
    kept = load_settings(tmp_path)
    assert kept.quiet_until is not None and kept.quiet_until.strftime("%d %H:%M") == "16 07:00"
    clock = ManualClock(EVENING.replace(minute=10))
    s = run_assistant(tmp_path, ["", "goodbye"], clock=clock, settings=kept, settings_keeper=keep)
    assert s.count("reminders.offer_checkin", time="9:30") == 0 and clock.now().strftime("%H:%M") == "21:30"
    morning = run_assistant(tmp_path, ["", "goodbye"], clock=ManualClock(EVENING.replace(day=16, minute=10)),
                            settings=load_settings(tmp_path), settings_keeper=keep)
    assert morning.count("reminders.offer_checkin", time="9:30") == 1, "the next evening, offered again"


def test_be_quiet_for_tonight_is_said_back_with_its_morning(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["no reminders tonight", "goodbye"], clock=ManualClock(EVENING))
    assert s.count("reminders.quiet_tonight", time="7 o'clock") == 1
    assert s.ctx.keeps_quiet() and not s.ctx.in_quiet_hours()


def test_started_in_the_night_always_on_it_greets_nobody(tmp_path: Path) -> None:
    s = wired(tmp_path, ["togetherly what can you do", "togetherly switch off", "yes"], NIGHT,
              ALWAYS_ON.model_copy(update={"wake_told": False}))
    s.run()
    assert s.lines[0].startswith("I can help with"), "no welcome nor how-the-name-works at night: it answers"
    assert not s.ctx.settings.wake_told, "how the name works is told another evening"


@pytest.mark.audio
def test_at_night_the_voice_is_at_night_volume_and_the_chimes_softer(tmp_path: Path) -> None:
    """The real Piper voice into WAV files: the same welcome at 21:00 and 23:30, and the hug's chimes."""
    heard = {}
    for name, at in (("day", EVENING), ("night", NIGHT)):
        s = wired(tmp_path / name, ["hug for twenty seconds", "", "goodbye"], at)
        s.ctx.speaker = VoiceSpeaker(seeded_piper(), WavFileSink(tmp_path / name / "out"))
        s.run()
        heard[name] = [played(path) for path in sorted((tmp_path / name / "out").glob("*.wav"))]
    welcome = [float(np.sqrt(np.mean(np.square(heard[n][0].astype(np.float64))))) for n in ("day", "night")]
    assert welcome[1] / welcome[0] == pytest.approx(CONVERSATION_SETTINGS.night_volume, abs=0.08)
    loud, soft = chimes.chime("hug_start")[0], chimes.softened("hug_start", CONVERSATION_SETTINGS.night_volume)[0]
    assert any(np.array_equal(played, loud) for played in heard["day"])
    assert any(np.array_equal(played, soft) for played in heard["night"])
    assert not any(np.array_equal(played, loud) for played in heard["night"])
