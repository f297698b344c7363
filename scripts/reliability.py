#!/usr/bin/env python3
"""How well Togetherly keeps its promises, measured on this machine and printed as one table.

    .venv/bin/python -m scripts.reliability [--kills 2000] [--writes 500] [--fuzz-examples 500] [--soak 10000]

- kills: a real writer process (the real store, real files) SIGKILLed at random moments; after each
  kill the notes file must parse, hold every note whose save had returned, and the next start must
  leave no temp file behind.
- concurrent writes: two real processes adding notes to one data folder at the same time.
- fuzz: the property-based tests of tests/cli/test_hostile_inputs.py (and the notes-file one) with more
  examples each; every case must end in a result or the project's own error.
- soak: scripts/soak.py, one assistant loop hearing typed and spoken utterances through every ritual;
  resident memory, threads and descriptors once settled (after 500) and at the end.
Nothing here judges speed; it counts what was kept and what was lost.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.support.durability import concurrent_writers, crash_rounds
from tests.support.soak import run_soak

ROOT = Path(__file__).resolve().parent.parent
"""The checkout: where the test runs below start."""


def table(rows: list[tuple[str, str]]) -> None:
    header = ("measure", "result")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(2)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")


def fuzz(examples: int) -> tuple[int, int, bool]:
    """(cases run, cases failing, whether pytest passed) for the property-based tests."""
    env = {**os.environ, "TOGETHERLY_FUZZ_EXAMPLES": str(examples)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--hypothesis-show-statistics",
         "tests/cli/test_hostile_inputs.py", "tests/notes/test_store_durability.py::"
         "test_any_json_in_the_notes_file_is_read_or_moved_aside_never_lost"],
        cwd=ROOT, env=env, capture_output=True, text=True)
    counts = re.findall(r"(\d+) passing, (\d+) failing", done.stdout)
    return sum(int(p) for p, _ in counts), sum(int(f) for _, f in counts), done.returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=2000, help="writer processes to SIGKILL (default 2000)")
    parser.add_argument("--writes", type=int, default=500, help="notes per concurrent writer (default 500)")
    parser.add_argument("--fuzz-examples", type=int, default=500, help="examples per property (default 500)")
    parser.add_argument("--soak", type=int, default=10_000, help="utterances in the soak (default 10000)")
    parser.add_argument("--seed", type=int, default=0, help="seed for the kill moments")
    args = parser.parse_args()

    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        print(f"killing a writer {args.kills} times ...", file=sys.stderr)
        crashes = crash_rounds(Path(tmp) / "crash", args.kills, seed=args.seed)
        rows += [("kills survived", f"{crashes.survived} / {crashes.kills}"),
                 ("kills that landed mid-save", str(crashes.mid_save)),
                 ("notes lost after kills", f"{crashes.lost} of {crashes.acked} acknowledged")]
        for problem in crashes.problems[:10]:
            print(f"  problem: {problem}", file=sys.stderr)

        print(f"two writers, {args.writes} notes each ...", file=sys.stderr)
        (Path(tmp) / "shared").mkdir()
        together = concurrent_writers(Path(tmp) / "shared" / "data", args.writes)
        rows += [("concurrent writes lost", f"{together.lost} of {together.acked} (2 processes)"),
                 ("writer switches in the file", f"{together.switches} (proof they interleaved)")]

    print(f"fuzzing, {args.fuzz_examples} examples per property ...", file=sys.stderr)
    cases, failing, passed = fuzz(args.fuzz_examples)
    rows.append(("fuzz cases run", f"{cases} ({failing} failing{'' if passed else '; pytest FAILED'})"))

    print(f"soak, {args.soak} utterances ...", file=sys.stderr)
    soak = run_soak(args.soak)
    rows += soak.rows()

    print()
    table(rows)
    ok = crashes.survived == crashes.kills and crashes.lost == 0 and together.lost == 0 and passed and soak.steady
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
