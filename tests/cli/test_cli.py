"""The installed command, driven as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def togetherly(*args: str, stdin: str = "", data_dir: Path | None = None,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    extra = ["--data-dir", str(data_dir)] if data_dir else []
    return subprocess.run([sys.executable, "-m", "assistant", *args, *extra], input=stdin, capture_output=True,
                          text=True, timeout=60, env={**os.environ, **(env or {})})


@pytest.mark.slow
def test_text_mode_runs_a_checkin_from_a_script(tmp_path: Path) -> None:
    script = "what can you do\nstart our check-in\nwe went swimming\n\nthe car broke down\nskip\nstop\ngoodbye\n"
    result = togetherly("--text", "--partner-one", "Sam", "--partner-two", "Alex", stdin=script, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert all(line.startswith("Togetherly: ") for line in out)
    assert "Sam, " in result.stdout and "Take your time." in result.stdout
    assert out[-1].startswith("Togetherly: ") and ("Good night" in out[-1] or "Bye" in out[-1])
    notes = json.loads((tmp_path / "notes.json").read_text())["notes"]
    assert notes[0]["partners"][0] == {"partner": "Sam", "high": "we went swimming", "low": "the car broke down"}
    assert (tmp_path / "notes.json").stat().st_mode & 0o777 == 0o600
    assert tmp_path.stat().st_mode & 0o777 == 0o700


@pytest.mark.slow
def test_notes_are_listed_and_printed_as_json(tmp_path: Path) -> None:
    assert "No notes yet" in togetherly("notes", data_dir=tmp_path).stdout
    togetherly("--text", stdin="start our check-in\nsunshine\nrain\nmusic\nnoise\n", data_dir=tmp_path)
    listing = togetherly("notes", data_dir=tmp_path)
    assert "check-in" in listing.stdout and "sunshine" in listing.stdout
    data = json.loads(togetherly("notes", "--json", data_dir=tmp_path).stdout)
    assert data["schema_version"] >= 2 and data["notes"][0]["kind"] == "checkin"


@pytest.mark.slow
def test_setup_writes_names_used_in_the_next_session(tmp_path: Path) -> None:
    result = togetherly("setup", "--partner-one", "Robin", "--partner-two", "Kai", data_dir=tmp_path)
    assert result.returncode == 0 and "Robin" in result.stdout
    assert (tmp_path / "config.yaml").stat().st_mode & 0o777 == 0o600
    session = togetherly("--text", stdin="start our check-in\nstop\n", data_dir=tmp_path)
    assert "Robin" in session.stdout and "Kai" in session.stdout


def test_a_broken_config_file_is_reported_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("partner_one: Sam\nengine: turbo\n")
    result = togetherly("--text", data_dir=tmp_path)
    assert result.returncode == 1
    assert "config.yaml:2" in result.stderr and "togetherly setup" in result.stderr


@pytest.mark.slow
def test_corrupted_notes_file_is_moved_aside_and_reported(tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_text('{"notes": [ this is not json')
    result = togetherly("--text", stdin="start our check-in\nbirdsong\nstop\n", data_dir=tmp_path)
    assert result.returncode == 0
    assert "moved to notes.json.corrupt-" in result.stderr
    [aside] = tmp_path.glob("notes.json.corrupt-*")
    assert aside.read_text() == '{"notes": [ this is not json'
    assert json.loads((tmp_path / "notes.json").read_text())["notes"][0]["partners"][0]["high"] == "birdsong"


@pytest.mark.slow
def test_no_microphone_gives_a_clear_message_suggesting_text(tmp_path: Path) -> None:
    result = togetherly(data_dir=tmp_path)
    assert result.returncode == 1
    assert "microphone" in result.stderr and "--text" in result.stderr
    assert "Traceback" not in result.stderr


def test_devices_lists_or_says_none(tmp_path: Path) -> None:
    result = togetherly("devices")
    assert result.returncode == 0
    assert result.stdout.strip()


@pytest.mark.parametrize("args", [["--help"], ["notes", "--help"], ["models", "download", "--help"],
                                  ["intents", "--help"], ["setup", "--help"]])
def test_help_documents_the_commands(args: list[str]) -> None:
    result = togetherly(*args)
    assert result.returncode == 0 and "usage: togetherly" in result.stdout


@pytest.mark.slow
def test_intents_check_and_sample(tmp_path: Path) -> None:
    check = togetherly("intents", "check")
    assert check.returncode == 0, check.stdout
    assert "No collisions" in check.stdout
    sample = togetherly("intents", "sample", "start_checkin")
    assert "start_checkin\tstart our check-in" in sample.stdout
    assert togetherly("intents", "sample", "nope").returncode == 1
    match = togetherly("intents", "match", stdin="let's check in\norder a pizza\n")
    first, second = (json.loads(line) for line in match.stdout.splitlines())
    assert first["intent"] == "start_checkin" and second["intent"] is None
