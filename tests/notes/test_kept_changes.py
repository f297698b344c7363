"""Every change is kept when the disk refuses, not only notes: goals, hugs, breaks, date nights, favourites,
agreements. It is kept in memory and in a recovery file, said to be kept, and applied exactly once when
writing works again: by the same process, or by a later one after a crash. Real files on a real tiny tmpfs
(remounted read-only, or filled) where this machine can mount one, else a read-only folder; real processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import pytest

from assistant.errors import NotesError
from assistant.notes.changes import (
    AddAgreement,
    AddFavourite,
    AddGoal,
    Change,
    ClearAgreements,
    MarkGoalDone,
    RecordBreak,
    RecordDateNight,
    RecordHug,
    RememberAsked,
)
from assistant.notes.models import (
    SCHEMA_VERSION,
    BreakRecord,
    DateNightRecord,
    FreeNote,
    Goal,
    HugRecord,
    NotesFile,
)
from assistant.notes.recovery import RECOVERY_DIR_ENV
from assistant.notes.store import ChangeKept, NotesStore
from tests.support.disks import Disk, holding, unwritable
from tests.support.harness import run_assistant

ROOT = Path(__file__).resolve().parents[2]
AT = datetime(2026, 2, 14, 21, 0).astimezone()
GOAL = "walk to the lighthouse every sunday"


def on_disk(data: Path) -> NotesFile:
    """The notes file as it is on disk, read directly (not through the store, which would fold kept changes)."""
    return NotesFile.model_validate_json((data / "notes.json").read_bytes())


def hug(n: int, completed: bool = True) -> HugRecord:
    return HugRecord(at=AT.replace(minute=n), seconds=20, completed=completed)


def lines_of(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_a_hug_and_a_goal_made_while_the_disk_is_read_only_are_said_kept_and_land_once(
        disk: Disk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(RECOVERY_DIR_ENV, str(tmp_path / "state"))
    run_assistant(disk.data, ["time a hug", "", "goodbye"])  # one hug saved before the trouble
    disk.read_only()
    session = run_assistant(disk.data, ["time a hug", "", "set a goal", GOAL, "no date", "goodbye"])
    assert session.count("core.save_failed_kept") == 2, session.lines
    assert session.count("core.save_failed") == 0 and session.count("goals.saved_no_date") == 0
    assert session.count("hug.done_hug") == 1 and session.count("hug.progress", count=2) == 0, \
        "no count is claimed for a hug that is not saved"
    [recovery] = [p for p in session.store.recovery_files if p.exists()]
    assert [line["op"] for line in lines_of(recovery)] == ["hug", "add_goal"]
    assert GOAL not in (disk.data / "notes.json").read_text()
    shown = session.store.load()
    assert len(shown.rituals.hugs) == 2 and [g.text for g in shown.goals] == [GOAL], "shown meanwhile"

    disk.writable()
    after = run_assistant(disk.data, ["time a hug", "", "goodbye"])  # a new store: only the file knows
    assert after.count("hug.progress", count=3) == 1, "the kept hug is counted, once"
    stored = on_disk(disk.data)
    assert len(stored.rituals.hugs) == 3 and [g.text for g in stored.goals] == [GOAL]
    assert len(stored.saved_changes) == 2 and not recovery.exists()
    session.store.load()  # the first session still holds both changes in memory: they are not applied again
    again = NotesStore.in_dir(disk.data).load()
    assert len(again.rituals.hugs) == 3 and len(again.goals) == 1
    assert on_disk(disk.data) == stored


def test_every_kind_of_change_is_kept_on_a_read_only_disk_and_saved_once_in_order(disk: Disk,
                                                                                 tmp_path: Path) -> None:
    reports: list[str] = []
    store = NotesStore.in_dir(disk.data, reports.append, recovery_dir=tmp_path / "state")
    goal = Goal(id="goal00000001", created_at=AT, text=GOAL)
    store.apply(AddGoal(goal=goal))
    store.apply(AddAgreement(text="no big talks after ten"))
    changes: list[Change] = [RecordHug(hug=hug(1)), MarkGoalDone(goal_id=goal.id, done_at=AT),
               RecordBreak(record=BreakRecord(at=AT, planned_minutes=20, actual_minutes=12, ended="ready_early")),
               RecordDateNight(record=DateNightRecord(at=AT, planner="Sam")),
               RememberAsked(deck="light", question_ids=["l1", "l2"]), AddFavourite(question_id="l2"),
               ClearAgreements(), AddAgreement(text="take a break when we need one")]
    reason = disk.read_only()
    for change in changes:
        with pytest.raises(ChangeKept, match=f"{reason}.*The {change.noun} was not saved yet; it is kept in "
                                             f"{store.recovery_files[1]} and will be saved as soon as"):
            store.apply(change)
    disk.writable()
    assert [line["change_id"] for line in lines_of(store.recovery_files[1])] == [c.change_id for c in changes]
    assert on_disk(disk.data).rituals.hugs == [], "nothing was written meanwhile"

    store.apply(RecordHug(hug=hug(2)))  # the next save that works takes the kept ones first, in order
    stored = on_disk(disk.data)
    assert stored.rituals.hugs == [hug(1), hug(2)]
    assert stored.goals[0].done_at == AT
    assert [b.ended for b in stored.rituals.breaks] == ["ready_early"]
    assert [d.planner for d in stored.rituals.date_nights] == ["Sam"]
    assert stored.rituals.asked_questions == {"light": ["l1", "l2"]} and stored.rituals.favourite_questions == ["l2"]
    assert stored.rituals.agreements == ["take a break when we need one"], "cleared, then one added: in order"
    assert stored.saved_changes == [c.change_id for c in changes]
    assert not any(p.exists() for p in store.recovery_files)
    assert reports == ["8 change(s) that could not be saved earlier are now saved in notes.json."]


def test_a_hug_and_a_reached_goal_are_kept_on_a_full_disk_and_saved_once_there_is_room(disk: Disk,
                                                                                      tmp_path: Path) -> None:
    store = NotesStore.in_dir(disk.data, recovery_dir=tmp_path / "state")
    for n in range(8):  # a file bigger than the fallback's size limit (RLIMIT_FSIZE where tmpfs cannot be had)
        store.add(FreeNote(id=f"note{n:08d}", created_at=AT, text=f"a private thought number {n}"))
    goal = Goal(id="goal00000001", created_at=AT, text=GOAL)
    store.apply(AddGoal(goal=goal))
    before = (disk.data / "notes.json").read_bytes()
    reason = disk.fill()
    try:
        for change in (RecordHug(hug=hug(1)), MarkGoalDone(goal_id=goal.id, done_at=AT)):
            with pytest.raises(ChangeKept, match=rf"{reason}.*kept in \S+\.recovery\.jsonl and will be saved"):
                store.apply(change)
    finally:
        disk.writable()
    assert (disk.data / "notes.json").read_bytes() == before and not list(disk.data.glob(".notes-*"))
    assert store.load().goals[0].done_at == AT, "shown meanwhile"
    store.apply(RecordHug(hug=hug(2)))
    stored = on_disk(disk.data)
    assert stored.rituals.hugs == [hug(1), hug(2)] and stored.goals[0].done_at == AT and len(stored.notes) == 8
    assert NotesStore.in_dir(disk.data, recovery_dir=tmp_path / "state").load() == stored


def test_a_kept_hug_is_counted_once_even_when_its_recovery_file_outlives_the_save(tmp_path: Path) -> None:
    """What a crash between saving the notes and removing the recovery file leaves: the notes file lists
    the change's id, so neither a later process nor the one still holding it in memory counts it again."""
    data, state = tmp_path / "data", tmp_path / "state"
    store = NotesStore.in_dir(data, recovery_dir=state)
    store.apply(RecordHug(hug=hug(1)))
    with unwritable(data), pytest.raises(ChangeKept):
        store.apply(RecordHug(hug=hug(2)))
    recovery = store.recovery_files[1]
    with unwritable(state):  # the save works, but the recovery file cannot be removed
        store.apply(RecordHug(hug=hug(3)))
        assert recovery.exists()
    assert len(on_disk(data).rituals.hugs) == 3
    NotesStore.in_dir(data, recovery_dir=state).load()  # a later process starts with the old file there
    assert not recovery.exists(), "removed by the first start that could, without writing the hug again"
    store.apply(RecordHug(hug=hug(4)))  # this one still holds hug 2 in memory, already saved
    assert [h.at.minute for h in on_disk(data).rituals.hugs] == [1, 2, 3, 4], "each hug once"


@pytest.mark.slow
def test_a_later_process_saves_what_a_killed_one_kept(disk: Disk, tmp_path: Path) -> None:
    """The assistant, as a real process, keeps a goal and a hug while the disk is read-only, and is
    killed (no clean exit). The next `togetherly` to start finds the recovery file and saves them, once."""
    env = {**os.environ, "TOGETHERLY_DATA_DIR": "", RECOVERY_DIR_ENV: str(tmp_path / "state")}
    disk.read_only()
    assistant = subprocess.Popen([sys.executable, "-m", "assistant", "--text", "--data-dir", str(disk.data)],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, env=env, cwd=ROOT)
    assert assistant.stdin is not None and assistant.stdout is not None
    watchdog = threading.Timer(60, assistant.kill)  # if the lines never come, the read below ends, not hangs
    watchdog.start()
    try:
        assistant.stdin.write(f"set a goal\n{GOAL}\nno date\na 3 second hug\n")
        assistant.stdin.flush()
        kept = 0
        while kept < 2:  # the goal, then the hug (its end comes 3 seconds later)
            line = assistant.stdout.readline()
            assert line, "the assistant ended early"
            kept += "I've kept it safe" in line
    finally:
        watchdog.cancel()
        assistant.send_signal(signal.SIGKILL)
        _, err = assistant.communicate(timeout=30)
    assert assistant.returncode == -signal.SIGKILL
    assert "The goal was not saved yet; it is kept in" in err and "The hug was not saved yet" in err
    assert GOAL not in err, "the message names the file, never what was said"
    state_files = list((tmp_path / "state").iterdir())
    assert len(state_files) == 1 and GOAL in state_files[0].read_text()

    disk.writable()
    listing = subprocess.run([sys.executable, "-m", "assistant", "notes", "--json", "--data-dir", str(disk.data)],
                             capture_output=True, text=True, timeout=60, env=env, cwd=ROOT)
    assert listing.returncode == 0, listing.stderr
    assert "2 change(s) that could not be saved earlier are now saved in notes.json" in listing.stderr
    shown = json.loads(listing.stdout)
    assert [g["text"] for g in shown["goals"]] == [GOAL] and len(shown["rituals"]["hugs"]) == 1
    assert not state_files[0].exists()
    stored = on_disk(disk.data)
    assert [g.text for g in stored.goals] == [GOAL] and len(stored.rituals.hugs) == 1


def test_forgetting_reaches_a_kept_note_and_goal_and_they_never_come_back(tmp_path: Path) -> None:
    """The bedside assistant keeps a note and a goal (memory and recovery file) while its folder is read-only;
    `togetherly notes --forget` from a terminal, a real process, saves them in and forgets them. The
    assistant's own copies in memory are then never applied again."""
    data, state = tmp_path / "data", tmp_path / "state"
    secret, goal_text = "the surprise trip to Porto", "save for the trip to Porto"
    bedside = NotesStore.in_dir(data, recovery_dir=state)
    bedside.add(FreeNote(id="other0000001", created_at=AT, text="water the basil"))
    with unwritable(data):
        with pytest.raises(ChangeKept):
            bedside.add(FreeNote(id="secret000001", created_at=AT, text=secret))
        with pytest.raises(ChangeKept):
            bedside.apply(AddGoal(goal=Goal(id="secretgoal01", created_at=AT, text=goal_text)))
    assert holding(data, state, words=secret) == [bedside.recovery_files[1].name]

    forget = subprocess.run([sys.executable, "-m", "assistant", "notes", "--data-dir", str(data), "--forget",
                             "secret000001", "secretgoal01", "--yes"], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "TOGETHERLY_DATA_DIR": "", RECOVERY_DIR_ENV: str(state)}, cwd=ROOT)
    assert forget.returncode == 0, forget.stderr
    assert "Forgot 1 note and 1 goal." in forget.stdout
    assert "Changes kept from a failed save" in forget.stdout and "that file is gone" in forget.stdout

    bedside.add(FreeNote(id="later0000001", created_at=AT, text="buy lemons"))  # it still holds both in memory
    assert [n.id for n in on_disk(data).notes] == ["other0000001", "later0000001"] and on_disk(data).goals == []
    assert holding(data, state, words=secret) == [] and holding(data, state, words=goal_text) == []


def test_a_change_kept_only_in_memory_is_promised_only_while_running(disk: Disk, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(RECOVERY_DIR_ENV, str(disk.data / "state"))  # on the same disk: no recovery file either
    disk.read_only()
    session = run_assistant(disk.data, ["we had our date night", "Sam did", "goodbye"])
    assert session.count("core.save_failed_kept_for_now") == 1, session.lines
    assert session.count("date_night.recorded", name="Sam", next="Alex") == 0
    disk.writable()
    session.store.apply(RecordHug(hug=hug(1)))
    assert [d.planner for d in on_disk(disk.data).rituals.date_nights] == ["Sam"], "saved from memory"


def test_a_version_2_file_is_upgraded_with_a_backup(tmp_path: Path) -> None:
    v2 = {"schema_version": 2, "notes": [], "goals": [{"id": "g1", "created_at": AT.isoformat(), "text": GOAL}],
          "rituals": {"hugs": [hug(1).model_dump(mode="json")]}}
    (tmp_path / "notes.json").write_text(json.dumps(v2))
    reports: list[str] = []
    store = NotesStore.in_dir(tmp_path, reports.append)
    upgraded = store.load()
    assert upgraded.schema_version == SCHEMA_VERSION == 5 and upgraded.saved_changes == []
    assert [g.text for g in upgraded.goals] == [GOAL] and upgraded.rituals.hugs == [hug(1)]
    assert json.loads((tmp_path / "notes.json.v2.bak").read_text()) == v2
    assert reports == ["The notes file was upgraded from version 2; the original is kept as notes.json.v2.bak."]


def test_the_notes_file_remembers_only_the_latest_saved_change_ids(tmp_path: Path) -> None:
    store = NotesStore.in_dir(tmp_path / "data", recovery_dir=tmp_path / "state")
    store.save(NotesFile(saved_changes=[f"old{n:05d}" for n in range(500)]))
    kept = RecordHug(hug=hug(1))
    with unwritable(tmp_path / "data"), pytest.raises(ChangeKept):
        store.apply(kept)
    store.apply(RecordHug(hug=hug(2)))
    saved = on_disk(tmp_path / "data").saved_changes
    assert len(saved) == 500 and saved[0] == "old00001" and saved[-1] == kept.change_id


def test_a_refused_change_is_not_kept_in_a_file_when_the_notes_are_from_a_newer_version(tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_text(json.dumps({"schema_version": SCHEMA_VERSION + 1, "notes": []}))
    store = NotesStore.in_dir(tmp_path, recovery_dir=tmp_path / "state")
    with pytest.raises(NotesError, match=r"newer Togetherly.*The hug was not saved yet; it is kept in memory"):
        store.apply(RecordHug(hug=hug(1)))
    assert not (tmp_path / "state").exists() and not store.recovery_files[0].exists()
    assert json.loads((tmp_path / "notes.json").read_text()) == {"schema_version": SCHEMA_VERSION + 1, "notes": []}
