"""How a command talks to the terminal besides its own output: one-line notices on stderr."""

from __future__ import annotations

import sys


def report(message: str) -> None:
    print(f"togetherly: {message}", file=sys.stderr, flush=True)
