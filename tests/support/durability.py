"""Real processes writing real notes files, for the crash and concurrency tests and scripts/reliability.py.

    python -m tests.support.durability write DATA_DIR PREFIX COUNT [GO_FILE]
        add COUNT notes (ids PREFIX000000, ...), printing each id once `add` has returned;
        with GO_FILE, print "ready" and wait for that file to appear before the first note.
    python -m tests.support.durability zygote DATA_DIR
        for each JSON line {"prefix": ..., "delay": seconds} on stdin, fork a writer that adds notes
        until it is SIGKILLed `delay` seconds later, then print {"acked": [ids whose add returned]}.
        Forking from a warm process makes a kill round cost milliseconds instead of a Python start-up.

The checks run in the calling process and read the files directly (never through the store, which
would move a damaged file aside and hide the damage).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from assistant.notes.copies import TEMP_PREFIX
from assistant.notes.models import FreeNote, NotesFile
from assistant.notes.store import NOTES_FILE_NAME, NotesStore

ROOT = Path(__file__).resolve().parents[2]
AT = datetime(2026, 2, 14, 21, 0).astimezone()


def note(note_id: str) -> FreeNote:
    return FreeNote(id=note_id, created_at=AT, text=f"a private thought number {note_id}")


def _write(data_dir: Path, prefix: str, count: int, go_file: Path | None) -> None:
    store = NotesStore.in_dir(data_dir)
    if go_file is not None:
        print("ready", flush=True)
        while not go_file.exists():
            time.sleep(0.001)
    for i in range(count):
        note_id = f"{prefix}{i:06d}"
        store.add(note(note_id))
        print(note_id, flush=True)


def _zygote(data_dir: Path) -> None:
    for line in sys.stdin:
        order = json.loads(line)
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the writer: adds notes until killed
            os.close(read_end)
            try:
                store = NotesStore.in_dir(Path(order.get("dir", data_dir)))
                for i in range(1_000_000):
                    note_id = f"{order['prefix']}{i:06d}"
                    store.add(note(note_id))
                    os.write(write_end, f"{note_id}\n".encode())
            finally:
                os._exit(0)
        os.close(write_end)
        time.sleep(order["delay"])
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        with os.fdopen(read_end, "rb") as acks:
            acked = acks.read().decode().split()
        print(json.dumps({"acked": acked, "killed": os.WIFSIGNALED(status)}), flush=True)


@dataclass
class CrashStats:
    kills: int = 0
    survived: int = 0
    """Kills after which the file parsed, held every acknowledged note, and the next start cleaned up."""
    mid_save: int = 0
    """Kills that left a temp file behind: the writer died between creating it and renaming it."""
    acked: int = 0
    lost: int = 0
    problems: list[str] = field(default_factory=list)


def crash_rounds(workdir: Path, rounds: int, seed: int = 0, max_delay: float = 0.04,
                 rounds_per_dir: int = 50) -> CrashStats:
    """SIGKILL a real writer `rounds` times at random moments and check the store after each kill."""
    rng = random.Random(seed)
    stats = CrashStats()
    data_dir = workdir
    zygote = subprocess.Popen([sys.executable, "-m", "tests.support.durability", "zygote", str(workdir)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert zygote.stdin is not None and zygote.stdout is not None
    try:
        acked_here: set[str] = set()
        for n in range(rounds):
            if n % rounds_per_dir == 0:  # a fresh folder now and then keeps the file small and saves fast
                data_dir = workdir / f"d{n // rounds_per_dir}"
                acked_here = set()
            order = {"prefix": f"r{n:04d}-", "delay": rng.uniform(0, max_delay)}
            zygote.stdin.write(json.dumps({**order, "dir": str(data_dir)}) + "\n")
            zygote.stdin.flush()
            result = json.loads(zygote.stdout.readline())
            stats.kills += 1
            acked_here.update(result["acked"])
            stats.acked += len(result["acked"])
            problem = check_after_kill(data_dir, acked_here, stats)
            if problem:
                stats.problems.append(f"round {n}: {problem}")
            else:
                stats.survived += 1
    finally:
        zygote.communicate(timeout=30)  # closes its stdin (it exits) and our end of its stdout
    return stats


def check_after_kill(data_dir: Path, acked: set[str], stats: CrashStats) -> str | None:
    path = data_dir / NOTES_FILE_NAME
    if not data_dir.exists():  # killed before its first save made the folder
        stats.lost += len(acked)
        return f"{len(acked)} acknowledged note(s) missing, and the folder too" if acked else None
    if list(data_dir.glob(f"{TEMP_PREFIX}*")):
        stats.mid_save += 1
    stored: set[str] = set()
    if path.exists():
        try:
            stored = {n.id for n in NotesFile.model_validate_json(path.read_bytes()).notes}
        except ValueError as exc:
            return f"the notes file does not parse: {type(exc).__name__}"
    lost = acked - stored
    stats.lost += len(lost)
    NotesStore.in_dir(data_dir).load()  # the next start
    leftovers = sorted(p.name for p in data_dir.iterdir() if p.name != NOTES_FILE_NAME)
    if lost:
        return f"{len(lost)} acknowledged note(s) missing"
    if leftovers:
        return f"left behind after the next start: {leftovers}"
    return None


@dataclass
class ConcurrencyStats:
    writers: int
    acked: int
    lost: int
    switches: int
    """How often consecutive notes in the file come from different writers: proof they interleaved."""


def concurrent_writers(data_dir: Path, per_writer: int, writers: int = 2) -> ConcurrencyStats:
    """`writers` real processes each add `per_writer` notes to one folder at the same time."""
    go = data_dir.parent / f"{data_dir.name}.go"
    procs = [subprocess.Popen([sys.executable, "-m", "tests.support.durability", "write", str(data_dir), f"w{i}-",
                               str(per_writer), str(go)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
             for i in range(writers)]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    go.touch()  # all start together
    acked: set[str] = set()
    for proc in procs:
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0, f"a writer failed with {proc.returncode}"
        acked.update(out.split())
    ids = [n.id for n in NotesFile.model_validate_json((data_dir / NOTES_FILE_NAME).read_bytes()).notes]
    switches = sum(a.split("-")[0] != b.split("-")[0] for a, b in itertools.pairwise(ids))
    return ConcurrencyStats(writers, len(acked), len(acked - set(ids)), switches)


def main(argv: list[str]) -> None:
    command, data_dir = argv[0], Path(argv[1])
    if command == "write":
        _write(data_dir, argv[2], int(argv[3]), Path(argv[4]) if len(argv) > 4 else None)
    elif command == "zygote":
        _zygote(data_dir)
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
