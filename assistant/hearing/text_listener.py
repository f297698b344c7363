"""Typed input as utterances: a line is one, an empty line is silence, end of input ends the session."""

from __future__ import annotations

import io
import os
import select
import sys
from typing import TextIO

from assistant.clock import Clock, SystemClock
from assistant.hearing.requests import DEADLINE, END, SILENCE, Heard, ListenRequest


class TextListener:
    """Typed input: one line is one utterance, an empty line is silence, end of input ends the session.

    With a deadline, a real terminal or pipe is waited on with select() until the deadline on `clock`.
    A stream that cannot be waited on (a script in a StringIO) cannot wait either: there a blank line
    stands for "nothing was said until the deadline" and the clock is slept (a ManualClock advances).
    """

    def __init__(self, stream: TextIO | None = None, prompt: str = "you> ",
                 clock: Clock | None = None, *, addressed: bool = False) -> None:
        """`addressed`: the lines are typed to the assistant (`togetherly --text`), so none is talk it
        overheard (`Heard.addressed`); False where a script stands in for what a microphone heard."""
        self.addressed = addressed
        self._stream = stream or sys.stdin
        self._prompt = prompt if self._stream.isatty() else ""
        self.clock: Clock = clock or SystemClock()
        self._fd = _waitable_fd(self._stream)
        self._buffer = b""
        self._eof = False

    def listen(self, request: ListenRequest) -> Heard:
        deadline = request.deadline
        if deadline is not None and self.clock.monotonic() >= deadline:
            return DEADLINE
        if self._prompt:
            print(self._prompt, end="", flush=True)
        line = self._stream.readline() if self._fd is None else self._read_line(deadline)
        if line is None:
            if self._prompt:
                print(flush=True)  # the timer spoke over an empty prompt: start a fresh line
            return DEADLINE
        if not line:
            return END
        text = line.strip()
        if text:
            return Heard("speech", text, 1.0, addressed=self.addressed)
        if deadline is not None and self._fd is None:
            self.clock.sleep(deadline - self.clock.monotonic())
            return DEADLINE
        return SILENCE

    def _read_line(self, deadline: float | None) -> str | None:
        """The next line ("" at end of input), or None when the deadline came first. Reads the file
        descriptor directly: select() cannot see lines already sitting in Python's buffer."""
        assert self._fd is not None
        while b"\n" not in self._buffer and not self._eof:
            timeout = None if deadline is None else deadline - self.clock.monotonic()
            if timeout is not None and timeout <= 0:
                return None
            ready, _, _ = select.select([self._fd], [], [], timeout)
            if ready:
                chunk = os.read(self._fd, 4096)
                self._eof = not chunk
                self._buffer += chunk
        line, newline, self._buffer = self._buffer.partition(b"\n")
        return (line + newline).decode("utf-8", "replace")


def _waitable_fd(stream: TextIO) -> int | None:
    """The stream's file descriptor if select() can wait on it (POSIX terminals, pipes, files)."""
    if os.name == "nt":
        return None
    try:
        return stream.fileno()
    except (OSError, ValueError, io.UnsupportedOperation):
        return None
