"""The bedside evening ritual as conversation scripts on a ManualClock, and through real speech.

In a typed script a blank line while the hug runs means "nothing was said until the deadline".
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from assistant.audio.samples import dithered_silence, write_wav
from assistant.audio.sources import WavFilesSource
from assistant.clock import ManualClock
from assistant.config import Settings, load_settings
from assistant.dialogue.flows.closeness import questions
from assistant.errors import ConfigError
from assistant.hearing.engines.pocketsphinx_engine import PocketsphinxRecognizer
from assistant.hearing.speech_listener import SpeechListener
from assistant.hearing.text_listener import TextListener
from assistant.notes.models import AppreciationNote, CheckInNote, NotesFile
from tests.support.harness import Session, run_assistant
from tests.support.speech_fixtures import synthesize

PROMPTS = ("evening.before_checkin", "evening.before_appreciation", "evening.before_question",
           "evening.before_hug")


def evening(tmp_path: Path, script: list[str], settings: Settings | None = None) -> Session:
    clock = ManualClock()
    listener = TextListener(io.StringIO("".join(line + "\n" for line in script)), clock=clock)
    return run_assistant(tmp_path, [], listener=listener, clock=clock, settings=settings)


def stored(session: Session) -> NotesFile:
    return session.store.load()


def appreciations(session: Session) -> list[tuple[str, str]]:
    return [(n.partner, n.text) for n in stored(session).notes if isinstance(n, AppreciationNote)]


def asked(session: Session) -> int:
    return sum(len(ids) for ids in stored(session).rituals.asked_questions.values())


def test_the_whole_ritual_runs_in_order_and_keeps_everything(tmp_path: Path) -> None:
    s = evening(tmp_path, ["start our evening ritual",
                           "yes", "a walk", "rain", "cake", "traffic",
                           "yes", "you made tea", "the way we laughed",
                           "yes", "next",
                           "yes", "",
                           "goodbye"])
    [checkin] = [n for n in stored(s).notes if isinstance(n, CheckInNote)]
    assert checkin.completed and checkin.partners[1].low == "traffic"
    assert appreciations(s) == [("Sam", "you made tea"), ("Alex", "the way we laughed")]
    assert asked(s) == 1
    [hug] = stored(s).rituals.hugs
    assert hug.completed and hug.seconds == 20
    order = [next(i for i, line in enumerate(s.lines) if line in s.variants(key)) for key in PROMPTS]
    assert order == sorted(order)
    assert s.count("evening.good_night") == 1
    assert s.lines.index("(chime: hug end)") < next(i for i, line in enumerate(s.lines)
                                                    if line in s.variants("evening.good_night"))


def test_bedtime_paraphrases_start_it(tmp_path: Path) -> None:
    for phrase in ["bedtime ritual", "good night routine", "let's do our evening ritual"]:
        s = evening(tmp_path / phrase.replace(" ", "_"), [phrase, "stop"])
        assert s.count("evening.greet") == 1, phrase
        assert s.count("evening.stopped") == 1


def test_each_step_can_be_skipped_by_voice(tmp_path: Path) -> None:
    s = evening(tmp_path, ["start our evening ritual", "skip", "no", "skip this one", "yes", "", "goodbye"])
    assert stored(s).notes == [] and asked(s) == 0
    assert s.count("evening.step_skipped") == 3
    assert stored(s).rituals.hugs[0].completed
    assert s.count("evening.good_night") == 1


def test_skip_inside_a_step_skips_only_that_answer(tmp_path: Path) -> None:
    s = evening(tmp_path, ["start our evening ritual", "skip", "yes", "skip", "your hug this morning",
                           "stop"])
    assert appreciations(s) == [("Alex", "your hug this morning")]
    assert s.count("evening.stopped") == 1, "stop at the next prompt ends the ritual"
    assert stored(s).rituals.hugs == []


@pytest.mark.parametrize("phrase", ["we're tired", "short version", "keep it short tonight"])
def test_the_short_version_is_one_line_each(tmp_path: Path, phrase: str) -> None:
    s = evening(tmp_path, [phrase, "fine, busy", "lovely", "you cooked", "you listened", "", "goodbye"])
    assert s.count("evening.greet_short") == 1
    assert not any(s.count(key) for key in PROMPTS), "no 'ready?' on a tired night"
    [checkin] = [n for n in stored(s).notes if isinstance(n, CheckInNote)]
    assert [(p.high, p.low) for p in checkin.partners] == [("fine, busy", None), ("lovely", None)]
    assert appreciations(s) == [("Sam", "you cooked"), ("Alex", "you listened")]
    assert asked(s) == 0, "the question is left for another night"
    assert stored(s).rituals.hugs[0].completed
    assert s.count("evening.good_night_short") == 1


def test_switching_to_the_short_version_part_way(tmp_path: Path) -> None:
    s = evening(tmp_path, ["start our evening ritual", "yes", "a swim", "skip", "skip", "skip",
                           "we're tired", "thanks for the tea", "skip", "", "goodbye"])
    assert s.count("evening.switched_short") == 1
    assert appreciations(s) == [("Sam", "thanks for the tea")]
    assert asked(s) == 0 and stored(s).rituals.hugs[0].completed
    assert s.count("evening.good_night_short") == 1


def test_steps_and_order_come_from_the_settings(tmp_path: Path) -> None:
    settings = Settings(partner_one="Sam", partner_two="Alex",
                        evening_steps=["hug", "appreciation", "good_night"])
    s = evening(tmp_path, ["bedtime ritual", "yes", "", "yes", "the flowers", "skip", "goodbye"], settings)
    assert s.count("evening.before_checkin") == 0 and s.count("evening.before_question") == 0
    hug_at = next(i for i, line in enumerate(s.lines) if line in s.variants("evening.before_hug"))
    thanks_at = next(i for i, line in enumerate(s.lines)
                     if line in s.variants("evening.before_appreciation"))
    assert hug_at < thanks_at
    assert appreciations(s) == [("Sam", "the flowers")]


def test_the_config_file_sets_the_steps_and_rejects_unknown_ones(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("partner_one: Sam\nevening_steps: [checkin, good_night]\n")
    assert load_settings(tmp_path).evening_steps == ["checkin", "good_night"]
    assert Settings().evening_steps == ["checkin", "appreciation", "question", "hug", "good_night"]
    (tmp_path / "config.yaml").write_text("partner_one: Sam\nevening_steps:\n  - checkin\n  - dancing\n")
    with pytest.raises(ConfigError, match=r"config.yaml:4"):
        load_settings(tmp_path)


def test_stop_during_the_checkin_ends_that_step_only(tmp_path: Path) -> None:
    s = evening(tmp_path, ["start our evening ritual", "yes", "we danced", "stop", "stop"])
    assert s.count("checkin.stopped") == 1 and s.count("evening.stopped") == 1
    [checkin] = [n for n in stored(s).notes if isinstance(n, CheckInNote)]
    assert checkin.partners[0].high == "we danced"


@pytest.mark.slow
@pytest.mark.audio
def test_spoken_evening_ritual_with_skips_and_a_hug(tmp_path: Path) -> None:
    """espeak-ng speech through the real pocketsphinx engine: step prompts, skips, the hug in audio time."""
    write_wav(tmp_path / "quiet.wav", dithered_silence(22.0, seed=5))
    said = [synthesize("start our evening ritual", tmp_path / "start.wav"),
            synthesize("skip this one", tmp_path / "skip.wav"), synthesize("not tonight", tmp_path / "no.wav"),
            tmp_path / "skip.wav",
            synthesize("yes", tmp_path / "yes.wav"), tmp_path / "quiet.wav"]
    clock = ManualClock()
    listener = SpeechListener(WavFilesSource(said, clock=clock), PocketsphinxRecognizer(), clock=clock)
    s = run_assistant(tmp_path / "data", [], listener=listener, clock=clock)
    assert s.count("evening.greet") == 1
    assert s.count("evening.step_skipped") == 3
    assert s.lines.count("(chime: hug end)") == 1
    assert s.count("evening.good_night") == 1
    assert stored(s).rituals.hugs[0].completed and stored(s).notes == []


def test_the_stress_talk_as_an_evening_step(tmp_path: Path) -> None:
    settings = Settings(partner_one="Sam", partner_two="Alex", evening_steps=["stress_talk", "good_night"])
    s = evening(tmp_path, ["start our evening ritual", "yes", "", "", "yes", "goodbye"], settings)
    assert s.count("evening.before_stress_talk") == 1 and s.count("stress_talk.explain") == 1
    assert s.count("stress_talk.turn_second", speaker="Alex", listener="Sam", length="10 minutes") == 1
    [record] = stored(s).rituals.stress_talks
    assert (record.completed, record.felt_heard) == (True, True)
    thanks = next(i for i, line in enumerate(s.lines) if line in s.variants("stress_talk.thanks_heard"))
    good_night = next(i for i, line in enumerate(s.lines) if line in s.variants("evening.good_night"))
    assert thanks < good_night, "the evening goes on after the talk"


def test_one_set_of_the_thirty_six_as_an_evening_step_then_the_next_evening_goes_on(tmp_path: Path) -> None:
    settings = Settings(partner_one="Sam", partner_two="Alex", evening_steps=["closeness", "hug", "good_night"])
    s = evening(tmp_path, ["start our evening ritual", "yes", *["next"] * 12, "no", "goodbye"], settings)
    assert s.count("evening.before_closeness") == 1 and s.count("closeness.set_start", set=1) == 1
    assert s.count("closeness.set_done", set=1, next=2) == 0, "one set a night: no question of going on"
    assert s.count("closeness.paused", set=2, number=1) == 1 and stored(s).rituals.closeness_asked == 12
    assert s.count("evening.before_hug") == 1 and s.count("evening.good_night") == 1
    s = evening(tmp_path, ["start our evening ritual", "yes", "next", "stop", "goodbye"], settings)
    assert s.count("closeness.resume", set=2, number=1) == 1 and s.said(questions()[12])
    assert stored(s).rituals.closeness_asked == 13


def test_the_short_version_leaves_the_long_steps_out(tmp_path: Path) -> None:
    settings = Settings(partner_one="Sam", partner_two="Alex",
                        evening_steps=["stress_talk", "closeness", "appreciation", "good_night"])
    s = evening(tmp_path, ["we're tired", "the soup", "the walk", "goodbye"], settings)
    assert s.count("evening.greet_short") == 1
    assert s.count("stress_talk.explain") == 0 and s.count("closeness.explain") == 0
    assert appreciations(s) == [("Sam", "the soup"), ("Alex", "the walk")]
