"""Bad situations get words, not tracebacks, and lose nothing: an unusable data folder, a broken config,
a damaged notes file, a closed pipe, names that cannot be used, answers holding terminal escapes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.disks import Disk
from tests.support.speech_fixtures import synthesize_flite


def togetherly(*args: str | Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TOGETHERLY_DATA_DIR"}
    return subprocess.run([sys.executable, "-m", "assistant", *map(str, args)], input=stdin, capture_output=True,
                          text=True, timeout=120, env=env)


def one_clear_line(result: subprocess.CompletedProcess[str], *words: str) -> str:
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    [line] = [x for x in result.stderr.splitlines() if x.startswith("togetherly: error:")]
    for word in words:
        assert word in line, line
    return line


@pytest.mark.slow
def test_a_data_folder_on_a_read_only_disk_is_named_with_what_to_do(disk: Disk, tmp_path: Path) -> None:
    missing = disk.point / "not-yet"
    (disk.point / "shared").mkdir(mode=0o755)
    (disk.point / "shared").chmod(0o755)
    disk.read_only()
    typed = togetherly("--text", "--data-dir", missing, stdin="start our check-in\n")
    one_clear_line(typed, str(missing), "cannot be created", "--data-dir")
    spoken = togetherly("--wav", synthesize_flite("hello", tmp_path / "hello.wav"), "--data-dir", missing)
    one_clear_line(spoken, str(missing), "cannot be created")
    open_to_others = togetherly("--text", "--data-dir", disk.point / "shared", stdin="")
    one_clear_line(open_to_others, "made private", "read-only")


@pytest.mark.slow
def test_a_data_folder_that_is_a_file_is_named(tmp_path: Path) -> None:
    regular = tmp_path / "notes-folder"
    regular.write_text("not a folder")
    one_clear_line(togetherly("--text", "--data-dir", regular), str(regular), "is a file")
    one_clear_line(togetherly("--text", "--data-dir", regular / "inside"), "part of its path is a file")
    assert regular.read_text() == "not a folder"


@pytest.mark.slow
def test_setup_replaces_a_broken_config_and_keeps_it_aside(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("partner_one: [unclosed\n")
    broken = togetherly("--text", "--data-dir", tmp_path)
    one_clear_line(broken, "togetherly setup")
    fixed = togetherly("setup", "--partner-one", "Sam", "--partner-two", "Alex", "--data-dir", tmp_path)
    assert fixed.returncode == 0, fixed.stderr
    assert "kept as config.yaml.broken-" in fixed.stdout
    [aside] = tmp_path.glob("config.yaml.broken-*")
    assert aside.read_text() == "partner_one: [unclosed\n"
    after = togetherly("--text", "--data-dir", tmp_path, stdin="goodbye\n")
    assert after.returncode == 0 and "Hi Sam and Alex" in after.stdout


def test_setup_reads_piped_names(tmp_path: Path) -> None:
    result = togetherly("setup", "--data-dir", tmp_path, stdin="Sam\nAlex\n")
    assert result.returncode == 0, result.stderr
    assert "partners Sam and Alex" in result.stdout
    assert "partner_one: Sam" in (tmp_path / "config.yaml").read_text()
    assert (tmp_path / "config.yaml").stat().st_mode & 0o777 == 0o600


@pytest.mark.slow
@pytest.mark.parametrize(("name", "words"), [("S" * 5000, "at most 40 characters"),
                                             ("Sam\nAlex", "one line")])
def test_names_that_cannot_be_used_get_a_plain_reason(tmp_path: Path, name: str, words: str) -> None:
    line = one_clear_line(togetherly("setup", "--partner-one", name, "--partner-two", "Alex", "--data-dir", tmp_path),
                          "first partner's name", words)
    assert "validation error" not in line and "pydantic" not in line and len(line) < 200
    one_clear_line(togetherly("--text", "--partner-one", name, "--data-dir", tmp_path), words)
    assert not (tmp_path / "config.yaml").exists()


DAMAGED = '{"notes": [ this is not json'


@pytest.mark.slow
def test_a_damaged_notes_file_is_told_aloud_and_kept(tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_text(DAMAGED)
    result = togetherly("--text", "--data-dir", tmp_path, stdin="what did we say last time\ngoodbye\n")
    assert result.returncode == 0, result.stderr
    assert "couldn't read your saved notes" in result.stdout and "nothing was deleted" in result.stdout
    assert "haven't saved" not in result.stdout
    [aside] = tmp_path.glob("notes.json.corrupt-*")
    assert aside.read_text() == DAMAGED


@pytest.mark.slow
def test_a_damaged_notes_file_is_told_once_at_the_start_and_new_notes_are_saved(tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_text(DAMAGED)
    (tmp_path / "config.yaml").write_text('quiet_hours: ""\n')  # daytime at any hour: said at once
    result = togetherly("--text", "--data-dir", tmp_path, stdin="take a note\nbuy milk\ngoodbye\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "couldn't read your saved notes" in lines[1] and "nothing was deleted" in lines[1]
    assert sum("damaged" in line for line in lines) == 1
    assert len(list(tmp_path.glob("notes.json.corrupt-*"))) == 1
    assert json.loads((tmp_path / "notes.json").read_text())["notes"][0]["text"] == "buy milk"


def test_listing_a_damaged_notes_file_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_text(DAMAGED)
    for args in (["notes"], ["notes", "--json"], ["notes", "--export", tmp_path / "out.md"]):
        one_clear_line(togetherly(*args, "--data-dir", tmp_path), "could not be read", "nothing in it was deleted")
    assert (tmp_path / "notes.json").read_text() == DAMAGED
    assert not list(tmp_path.glob("notes.json.corrupt-*"))


def test_a_closed_pipe_is_not_an_error_worth_a_traceback() -> None:
    result = subprocess.run(f"{sys.executable} -m assistant models list | head -1", shell=True,
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() and "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


@pytest.mark.slow
def test_terminal_escapes_in_answers_are_shown_escaped(tmp_path: Path) -> None:
    script = "start our check-in\n\x1b[31mred\x1b[0m day\nline\rback\nstop\n"
    assert togetherly("--text", "--data-dir", tmp_path, stdin=script).returncode == 0
    high = json.loads((tmp_path / "notes.json").read_text())["notes"][0]["partners"][0]["high"]
    assert high == "\x1b[31mred\x1b[0m day"  # kept exactly as said
    listing = togetherly("notes", "--data-dir", tmp_path)
    assert "\x1b" not in listing.stdout and "\r" not in listing.stdout
    assert "\\x1b[31mred\\x1b[0m day" in listing.stdout and "line\\rback" in listing.stdout
