"""Ctrl-C (SIGINT) and a systemd stop (SIGTERM) end a ritual the way "stop" does: what was said is kept
and saved once, then the process exits 128 + N. And "goodbye" inside a ritual closes it the same way."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest


def is_goodbye(line: str) -> bool:
    return "Good night" in line or "Bye for now" in line


class Running:
    """`togetherly --text` as a real process: lines typed in, replies read as they come."""

    def __init__(self, data_dir: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "assistant", "--text", "--partner-one", "Sam", "--partner-two", "Alex",
             "--data-dir", str(data_dir)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))

    def type(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()

    def wait_for(self, words: str, timeout: float = 60.0) -> None:
        end = time.monotonic() + timeout
        while not any(words in line for line in self.lines):
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(f"never said {words!r}: {self.lines}")
            try:
                self.lines.append(self._queue.get(timeout=left))
            except queue.Empty:
                continue

    def finish(self, timeout: float = 30.0) -> int:
        """The exit code, once every line it printed has been read."""
        code = self.process.wait(timeout)
        self._reader.join(timeout)
        while not self._queue.empty():
            self.lines.append(self._queue.get())
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        return code


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_mid_checkin_keeps_the_answers_given(tmp_path: Path, signum: int) -> None:
    app = Running(tmp_path)
    app.type("start our check-in")
    app.type("we went swimming")
    app.type("the car broke down")
    app.wait_for("Alex, what was")  # Alex's high is being asked: the process waits for it
    app.process.send_signal(signum)
    assert app.finish() == 128 + signum
    assert any("kept what you shared so far" in line for line in app.lines), app.lines
    assert is_goodbye(app.lines[-1])
    notes = json.loads((tmp_path / "notes.json").read_text())["notes"]
    assert len(notes) == 1
    assert notes[0]["partners"][0] == {"partner": "Sam", "high": "we went swimming", "low": "the car broke down"}
    assert not notes[0]["completed"]


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_mid_question_game_keeps_the_saved_answer(tmp_path: Path, signum: int) -> None:
    app = Running(tmp_path)
    app.type("ask us a question")
    app.type("save our answer")
    app.type("we would both go to the sea")
    app.wait_for("kept your answer")
    app.process.send_signal(signum)
    assert app.finish() == 128 + signum
    assert is_goodbye(app.lines[-1])
    notes = json.loads((tmp_path / "notes.json").read_text())["notes"]
    answers = [n for n in notes if n["kind"] == "answer"]
    assert [a["text"] for a in answers] == ["we would both go to the sea"]


@pytest.mark.slow
def test_a_signal_while_idle_says_good_night(tmp_path: Path) -> None:
    app = Running(tmp_path)
    app.wait_for("I'm here when you want me")
    app.process.send_signal(signal.SIGTERM)
    assert app.finish() == 128 + signal.SIGTERM
    assert is_goodbye(app.lines[-1])
    assert not (tmp_path / "notes.json").exists() or json.loads((tmp_path / "notes.json").read_text())["notes"] == []


@pytest.mark.slow
@pytest.mark.parametrize("words", ["goodbye", "stop talking", "we're done", "we're done for tonight"])
def test_ending_words_inside_a_checkin_are_commands_not_answers(tmp_path: Path, words: str) -> None:
    script = f"start our check-in\nwe went swimming\n{words}\nhello\n"
    result = subprocess.run([sys.executable, "-m", "assistant", "--text", "--data-dir", str(tmp_path)],
                            input=script, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "TOGETHERLY_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "Thank you for sharing that" not in result.stdout and "That sounds hard" not in result.stdout
    notes = json.loads((tmp_path / "notes.json").read_text())["notes"]
    assert notes[0]["partners"][0]["high"] == "we went swimming"
    assert notes[0]["partners"][0]["low"] is None, "the command was not saved as an answer"
    if words in ("goodbye", "we're done for tonight"):  # closes Togetherly: "hello" is never heard
        assert is_goodbye(result.stdout.splitlines()[-1]) and "didn't catch" not in result.stdout
