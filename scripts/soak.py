#!/usr/bin/env python3
"""Soak: one process hears 10,000 utterances, typed and spoken, through every ritual; does it stay the same size?

    .venv/bin/python -m tests.support.soak [--utterances 10000] [--wav-every 1]   (from the checkout)

The loop itself is `tests.support.soak` (tests/system/test_soak.py runs a short one); this prints its table.
"""

from __future__ import annotations

import argparse
import sys

from tests.support.soak import run_soak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--utterances", type=int, default=10_000, help="utterances to hear (default 10000)")
    parser.add_argument("--wav-every", type=int, default=1, help="a recording round after every N typed rounds")
    args = parser.parse_args()
    result = run_soak(args.utterances, args.wav_every)
    print(f"{result.utterances} utterances, {result.lines_said} lines said; rituals run: "
          + ", ".join(f"{name} {n}" for name, n in sorted(result.flows.items())))
    print("| measure | result |\n|---|---|")
    for name, value in result.rows():
        print(f"| {name} | {value} |")
    return 0 if result.steady else 1


if __name__ == "__main__":
    sys.exit(main())
