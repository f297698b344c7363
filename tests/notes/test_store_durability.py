"""Notes are never lost or half-written: writers killed mid-save, two processes at once, schema versions,
and disks that refuse to write (read-only, full, permission denied). Real processes, real files, real
file systems (a tiny tmpfs where this machine allows mounting one)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.errors import NotesError
from assistant.notes.models import SCHEMA_VERSION, CheckInNote, FreeNote, NotesFile
from assistant.notes.recovery import RECOVERY_DIR_ENV
from assistant.notes.store import NotesStore
from tests.support.disks import Disk
from tests.support.durability import concurrent_writers, crash_rounds, note
from tests.support.harness import make_session, run_assistant

ROOT = Path(__file__).resolve().parents[2]
IS_ROOT = os.geteuid() == 0


def ids(store_or_dir: NotesStore | Path) -> list[str]:
    path = store_or_dir.path if isinstance(store_or_dir, NotesStore) else store_or_dir / "notes.json"
    return [n.id for n in NotesFile.model_validate_json(path.read_bytes()).notes]


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "notes.json")


# -- crashes and concurrency ---------------------------------------------------------------------------


@pytest.mark.slow
def test_a_writer_killed_at_random_moments_never_loses_a_saved_note(tmp_path: Path) -> None:
    stats = crash_rounds(tmp_path, rounds=200, seed=6)
    assert stats.problems == []
    assert stats.survived == stats.kills == 200 and stats.lost == 0
    assert stats.acked > 20, "the writer got notes saved between kills"
    # About 40% of kills on a disk, a few percent on tmpfs (where fsync is free) leave a temp file.
    assert stats.mid_save > 0, "some kills landed in the middle of a save, leaving a temp file"


@pytest.mark.slow
def test_two_processes_saving_hundreds_of_notes_lose_none(tmp_path: Path) -> None:
    stats = concurrent_writers(tmp_path / "data", per_writer=300)
    assert stats.acked == 600 and stats.lost == 0
    assert len(ids(tmp_path / "data")) == 600
    assert stats.switches > 0, "the two writers really did interleave"


@pytest.mark.slow
def test_forgetting_from_a_terminal_while_the_assistant_writes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = NotesStore.in_dir(data)
    for n in range(3):
        store.add(note(f"old{n:09d}"))
    writer = subprocess.Popen([sys.executable, "-m", "tests.support.durability", "write", str(data), "w-", "300"],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert writer.stdout is not None
    writer.stdout.readline()  # the writer has saved its first note: the forgets below overlap its saves
    for n in range(3):
        forget = subprocess.run([sys.executable, "-m", "assistant", "notes", "--data-dir", str(data),
                                 "--forget", f"old{n:09d}", "--yes"], capture_output=True, text=True, timeout=60)
        assert forget.returncode == 0, forget.stderr
    writer.communicate(timeout=120)
    assert writer.returncode == 0
    stored = ids(data)
    assert not any(i.startswith("old") for i in stored), "each forget held"
    assert sorted(stored) == [f"w-{i:06d}" for i in range(300)], "and no note of the writer was lost"


def test_a_dead_writers_temp_file_is_removed_on_the_next_start(tmp_path: Path) -> None:
    store = NotesStore.in_dir(tmp_path)
    store.add(note("kept"))
    before = (tmp_path / "notes.json").read_bytes()
    (tmp_path / ".notes-k1ll3d.tmp").write_bytes(before[:40])  # what a writer killed mid-save leaves
    assert [n.id for n in NotesStore.in_dir(tmp_path).load().notes] == ["kept"]
    assert leftovers(tmp_path) == []
    assert (tmp_path / "notes.json").read_bytes() == before, "reading cleaned up but rewrote nothing"


# -- schema versions ---------------------------------------------------------------------------------


def test_upgrading_again_never_overwrites_an_earlier_backup(tmp_path: Path) -> None:
    path = tmp_path / "notes.json"
    first, second = '{"notes": []}', '{"schema_version": 1, "notes": []}'
    path.write_text(first)
    NotesStore.in_dir(tmp_path).load()
    path.write_text(second)  # say an old copy was restored from a backup drive
    NotesStore.in_dir(tmp_path).load()
    assert (tmp_path / "notes.json.v1.bak").read_text() == first
    assert (tmp_path / "notes.json.v1.bak-2").read_text() == second
    assert all(mode(p) == 0o600 for p in tmp_path.iterdir())
    NotesStore.in_dir(tmp_path).load()
    assert leftovers(tmp_path) == ["notes.json.v1.bak", "notes.json.v1.bak-2"], "an up-to-date file is left as is"


NEWER = {"schema_version": SCHEMA_VERSION + 1, "moods": ["a future section"], "notes": [
    {"kind": "note", "id": "n1", "created_at": "2026-01-01T20:00:00+00:00", "text": "lemons", "mood": "calm"},
    {"kind": "voice_memo", "id": "v1", "created_at": "2026-01-02T20:00:00+00:00", "audio": "memo.ogg"},
], "goals": [{"id": "g1", "created_at": "2026-01-01T20:00:00+00:00", "text": "a trip north", "tag": "x"}]}


def test_a_newer_file_is_shown_read_only_and_never_written(tmp_path: Path) -> None:
    path = tmp_path / "notes.json"
    path.write_text(json.dumps(NEWER))
    path.chmod(0o600)
    original = path.read_bytes()
    reports: list[str] = []
    store = NotesStore.in_dir(tmp_path, reports.append, recovery_dir=tmp_path / "state")
    with pytest.raises(NotesError, match="newer Togetherly"):
        store.load()
    shown = store.load(allow_newer=True)
    assert [n.id for n in shown.notes] == ["n1"] and [g.text for g in shown.goals] == ["a trip north"]
    assert "read-only" in reports[-1] and "1 of its entries cannot be shown" in reports[-1]
    with pytest.raises(NotesError, match=r"newer Togetherly.*kept in memory"):
        store.add(FreeNote(created_at=shown.notes[0].created_at, text="said today"))
    with pytest.raises(NotesError, match="newer Togetherly"):
        store.save(shown)
    assert path.read_bytes() == original and leftovers(tmp_path) == []

    listing = togetherly("notes", data_dir=tmp_path)
    assert listing.returncode == 0 and "lemons" in listing.stdout and "a trip north" in listing.stdout
    assert "newer Togetherly" in listing.stderr and "read-only" in listing.stderr
    forget = togetherly("notes", "--forget", "n1", "--yes", data_dir=tmp_path)
    assert forget.returncode == 1 and "newer Togetherly" in forget.stderr and "Traceback" not in forget.stderr
    assert path.read_bytes() == original


@pytest.mark.parametrize("content", [
    "[1, 2, 3]", '"just a string"', "null", '{"schema_version": true, "notes": []}', '{"schema_version": 0}',
    '{"schema_version": 2, "notes": "not a list"}', '{"schema_version": 2, "notes": [{"kind": "note"}]}',
    '{"schema_version": 1, "notes": [{"kind": "checkin"}]}', "[" * 100_000 + "]" * 100_000,
])
def test_valid_json_of_the_wrong_shape_is_moved_aside(tmp_path: Path, content: str) -> None:
    (tmp_path / "notes.json").write_text(content)
    reports: list[str] = []
    assert NotesStore.in_dir(tmp_path, reports.append).load() == NotesFile()
    [aside] = tmp_path.glob("notes.json.corrupt-*")
    assert aside.read_text() == content and mode(aside) == 0o600
    assert "could not be read" in reports[0]


def test_saving_over_a_damaged_file_moves_it_aside_first(tmp_path: Path) -> None:
    damaged = '{"schema_version": 2, "notes": [ {"kind": "note", "text": "half'
    (tmp_path / "notes.json").write_text(damaged)
    NotesStore.in_dir(tmp_path, lambda _: None).save(NotesFile(notes=[note("new")]))
    [aside] = tmp_path.glob("notes.json.corrupt-*")
    assert aside.read_text() == damaged and ids(tmp_path) == ["new"]


@settings(max_examples=int(os.environ.get("TOGETHERLY_FUZZ_EXAMPLES", "60")), deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
                        st.sampled_from(["schema_version", "notes", "goals", "rituals", "kind", "id", "text",
                                         "created_at", "hugs"]) | st.text(max_size=5), inner, max_size=5),
                    max_leaves=12))
def test_any_json_in_the_notes_file_is_read_or_moved_aside_never_lost(value: object) -> None:
    raw = json.dumps(value).encode()
    with tempfile_dir() as folder:
        (folder / "notes.json").write_bytes(raw)
        store = NotesStore.in_dir(folder, lambda _: None, recovery_dir=folder / "state")
        try:
            store.load()
        except NotesError as exc:
            assert "newer Togetherly" in str(exc)
        kept = [p.read_bytes() for p in folder.iterdir() if p.is_file()]
        assert raw in kept, "the original bytes are still in the folder: as the file, a backup or aside"


@contextlib.contextmanager
def tempfile_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


# -- disks that refuse to write ------------------------------------------------------------------------




def kept_store(disk: Disk, tmp_path: Path, reports: list[str] | None = None) -> NotesStore:
    return NotesStore.in_dir(disk.data, (reports if reports is not None else []).append,
                             recovery_dir=tmp_path / "state")


def test_read_only_disk_keeps_the_note_and_the_next_start_saves_it(disk: Disk, tmp_path: Path) -> None:
    store = kept_store(disk, tmp_path)
    store.add(note("before"))
    before = (disk.data / "notes.json").read_bytes()
    reason = disk.read_only()
    with pytest.raises(NotesError) as error:
        store.add(note("during"))
    message = str(error.value)
    fallback = store.recovery_files[1]
    assert reason in message and f"kept in {fallback}" in message and "saved as soon as" in message
    assert "private thought" not in message, "the message never quotes the note"
    assert mode(fallback) == 0o600 and mode(fallback.parent) == 0o700
    assert (disk.data / "notes.json").read_bytes() == before and leftovers(disk.data) == []
    assert [n.id for n in store.load().notes] == ["before", "during"], "shown meanwhile, from where it is kept"

    disk.writable()
    reports: list[str] = []
    assert [n.id for n in kept_store(disk, tmp_path, reports).load().notes] == ["before", "during"]
    assert ids(disk.data) == ["before", "during"], "written into the notes file by the next start"
    assert not fallback.exists() and leftovers(disk.data) == []
    assert reports == ["1 note(s) that could not be saved earlier are now saved in notes.json."]


def test_full_disk_keeps_the_note_and_saves_it_once_there_is_room(disk: Disk, tmp_path: Path) -> None:
    store = kept_store(disk, tmp_path)
    for n in range(8):  # a file bigger than the fallback's size limit
        store.add(note(f"first{n}"))
    reason = disk.fill()
    try:
        with pytest.raises(NotesError, match=reason) as error:
            store.add(note("second"))
    finally:
        disk.writable()
    assert "kept in" in str(error.value)
    assert not list(disk.data.glob(".notes-*")), "no half-written temp file stays behind"
    store.add(note("third"))  # the same session, once there is room again
    assert ids(disk.data) == [*(f"first{n}" for n in range(8)), "second", "third"]
    assert not any(p.exists() for p in store.recovery_files)


def test_permission_denied_keeps_the_note(disk: Disk, tmp_path: Path) -> None:
    store = kept_store(disk, tmp_path)
    store.add(note("before"))
    reason = disk.no_permission()
    with pytest.raises(NotesError, match=f"{reason}.*kept in {store.recovery_files[1]}"):
        store.add(note("during"))
    disk.writable()
    store.add(note("after"))
    assert ids(disk.data) == ["before", "during", "after"]


def test_the_conversation_goes_on_when_saving_fails(disk: Disk, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(RECOVERY_DIR_ENV, str(tmp_path / "state"))
    disk.read_only()
    answers = ["a slow breakfast", "a flat tyre", "your laugh", "rain"]
    session = run_assistant(disk.data, ["start our check-in", *answers, "what can you do", "goodbye"])
    assert session.count("core.save_failed_kept") == 1 and session.count("core.save_failed") == 0, session.lines
    assert session.count("core.after_flow") == 1 and session.count("core.didnt_catch_idle") == 0, \
        "after the failed save the couple carry on: help is given, and goodbye said"
    assert session.lines[-1] in session.ctx.responses.all_variants("core.goodbye")
    disk.writable()
    [checkin] = NotesStore.in_dir(disk.data).load().notes
    assert isinstance(checkin, CheckInNote)
    assert [(p.high, p.low) for p in checkin.partners] == [tuple(answers[:2]), tuple(answers[2:])]


def test_a_note_kept_only_in_memory_is_promised_only_while_running(disk: Disk,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(RECOVERY_DIR_ENV, str(disk.data / "state"))  # on the same disk: no recovery file either
    disk.read_only()
    session = make_session(disk.data)
    assert not session.ctx.notes.save_note(note("kept"))
    assert session.count("core.save_failed_kept_for_now") == 1, session.lines
    assert not (disk.data / "state").exists()
    disk.writable()
    assert session.ctx.notes.save_note(note("next"))
    assert ids(disk.data) == ["kept", "next"], "saved from memory by the next save that works"


def test_no_later_save_is_promised_for_a_newer_versions_file(tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_text(json.dumps({"schema_version": SCHEMA_VERSION + 1, "notes": []}))
    session = make_session(tmp_path)
    assert not session.ctx.notes.save_note(note("refused"))
    assert session.count("core.save_failed") == 1, "said plainly: no promise that cannot be kept"
    assert session.count("core.save_failed_kept") == session.count("core.save_failed_kept_for_now") == 0


@pytest.mark.slow
def test_the_command_says_what_happened_and_the_next_start_saves(disk: Disk, tmp_path: Path) -> None:
    env = {RECOVERY_DIR_ENV: str(tmp_path / "state")}
    disk.read_only()
    script = "start our check-in\na lighthouse visit\na burnt toast\nthe harbour\nsleepy\ngoodbye\n"
    run = togetherly("--text", data_dir=disk.data, stdin=script, env=env)
    assert run.returncode == 0, run.stderr
    assert "couldn't save that" in run.stdout
    assert "Cannot save notes" in run.stderr and "kept in" in run.stderr and "Traceback" not in run.stderr
    assert "lighthouse" not in run.stderr, "the message names the file, never what was said"
    disk.writable()
    listing = togetherly("notes", data_dir=disk.data, env=env)
    assert "lighthouse" in listing.stdout and "now saved" in listing.stderr
    assert mode(disk.data / "notes.json") == 0o600 and mode(disk.data) == 0o700


def test_a_line_cut_short_in_the_recovery_file_is_skipped(tmp_path: Path) -> None:
    store = NotesStore.in_dir(tmp_path / "data", recovery_dir=tmp_path / "state")
    store.add(note("saved"))
    whole = note("kept").model_dump_json()
    store.recovery_files[0].write_text(whole[:30] + "\n" + whole + "\n")  # a crash mid-append, then one more
    assert [n.id for n in NotesStore.in_dir(tmp_path / "data").load().notes] == ["saved", "kept"]
    assert leftovers(tmp_path / "data") == []


def togetherly(*args: str, data_dir: Path, stdin: str = "",
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", *args, "--data-dir", str(data_dir)],
                          input=stdin, capture_output=True, text=True, timeout=60, check=False,
                          env={**os.environ, "TOGETHERLY_DATA_DIR": "", **(env or {})})
