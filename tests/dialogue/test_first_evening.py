"""The first evening: names asked for (typed or spoken), skippable, kept; capitals where a name starts a
sentence; a short spoken answer to "what can you do", with more on request."""

from __future__ import annotations

import functools
import subprocess
import sys
import wave
from pathlib import Path

import pytest
import yaml

from assistant.config import Settings, load_settings, save_settings
from assistant.dialogue.flows.names import parse_names
from assistant.dialogue.spoken_text import sentence_case
from tests.support.harness import Session, make_session

UNNAMED = Settings()


def keep(data_dir: Path, settings: Settings) -> None:
    save_settings(data_dir, settings)


def first_run(data_dir: Path, script: list[str]) -> Session:
    session = make_session(data_dir, script, settings=UNNAMED)
    session.ctx.settings_keeper = functools.partial(keep, data_dir)
    assert session.run() == 0
    return session


@pytest.mark.parametrize(("said", "names"), [
    ("Sam and Alex", ("Sam", "Alex")), ("sam and alex", ("Sam", "Alex")),
    ("I'm Sam and this is Alex.", ("Sam", "Alex")), ("we're Mary Ann and Jo", ("Mary Ann", "Jo")),
    ("call us Sam, Alex", ("Sam", "Alex")), ("Sam & Alex", ("Sam", "Alex")),
    ("Sam", None), ("Sam and Alex and Kim", None), ("", None),
])
def test_names_are_found_in_what_couples_say(said: str, names: tuple[str, str] | None) -> None:
    assert parse_names(said) == names


def test_the_first_evening_asks_for_names_and_keeps_them(tmp_path: Path) -> None:
    s = first_run(tmp_path, ["sam and alex", "start our check-in", "a walk", "skip", "stop", "goodbye"])
    assert s.lines[0].startswith("Hi, I'm Togetherly. What should I call you two?")
    assert s.lines[1] == "Lovely to meet you, Sam and Alex."
    assert any(line.startswith("Sam, ") for line in s.lines)
    kept = load_settings(tmp_path)
    assert (kept.partner_one, kept.partner_two, kept.names_asked) == ("Sam", "Alex", True)
    again = make_session(tmp_path, ["goodbye"], settings=kept)
    again.run()
    assert again.lines[0].startswith("Hi Sam and Alex."), "asked once only"


def test_names_can_be_skipped_and_are_not_asked_again(tmp_path: Path) -> None:
    s = first_run(tmp_path, ["skip", "start our check-in", "a walk", "stop", "goodbye"])
    assert s.count("core.names_skipped") == 1
    # Names at the start of a sentence are capitalised: "Partner one, what was..."
    assert any(line.startswith("Partner one, ") for line in s.lines), s.lines
    assert not any(line.startswith("partner one") for line in s.lines)
    assert load_settings(tmp_path).names_asked


def test_a_command_instead_of_names_is_acted_on(tmp_path: Path) -> None:
    s = first_run(tmp_path, ["hug for 3 seconds", "", "goodbye"])  # a blank line: quiet until the chime
    assert s.lines.count("(chime: hug end)") == 1
    assert not load_settings(tmp_path).names_asked, "asked again another evening"


def test_input_that_ends_while_names_are_asked_ends_with_a_goodbye(tmp_path: Path) -> None:
    # WAV files or a typed script can run out before anyone answered: a goodbye, exit 0, nothing kept.
    s = first_run(tmp_path, [])
    assert s.lines[0].startswith("Hi, I'm Togetherly. What should I call you two?")
    assert s.lines[-1] in s.variants("core.goodbye")
    assert not (tmp_path / "config.yaml").exists()
    result = subprocess.run([sys.executable, "-m", "assistant", "--text", "--data-dir", str(tmp_path / "cli")],
                            input="", capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr


def test_unclear_names_get_an_example_then_a_second_try(tmp_path: Path) -> None:
    s = first_run(tmp_path, ["just me", "Sam and Alex", "goodbye"])
    assert s.count("core.names_unclear") == 1 and s.count("core.names_saved") == 1


def test_names_can_be_changed_later(tmp_path: Path) -> None:
    session = make_session(tmp_path, ["change our names", "Kim and Lee", "goodbye"])
    session.ctx.settings_keeper = functools.partial(keep, tmp_path)
    session.run()
    assert session.said("Lovely to meet you, Kim and Lee.")
    assert yaml.safe_load((tmp_path / "config.yaml").read_text())["partner_one"] == "Kim"


def test_sentence_case_capitalises_sentence_starts_only() -> None:
    assert sentence_case("partner one, what was it? and then. fine") == "Partner one, what was it? And then. Fine"
    assert sentence_case('Say "start our check-in".') == 'Say "start our check-in".'


def test_what_can_you_do_takes_under_fifteen_seconds_to_say(tmp_path: Path) -> None:
    s = make_session(tmp_path, ["what can you do", "tell me more about the hug timer", "tell me more about breaks",
                                "goodbye"])
    s.run()
    answer = s.lines[1]
    spoken = tmp_path / "capabilities.wav"
    # espeak-ng at 175 words a minute: slower than pyttsx3's default voice, so a fair upper bound.
    subprocess.run(["espeak-ng", "-s", "175", "-w", str(spoken), "--stdin"], input=answer.encode(), check=True)
    with wave.open(str(spoken)) as w:
        assert w.getnframes() / w.getframerate() < 15.0
    assert s.count("hug.summary") == 1 and s.count("calm_down.summary") == 1
