"""`togetherly journal` through the command, shown in a real headless Chromium: 200 days of history drawn with
no console message and the expected regions in a screenshot; a damaged notes file and an empty one said so."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from assistant.config import Settings, save_settings
from assistant.journal.page import DEPTH_COLOURS, HUG, SHADES
from assistant.notes.changes import AddAgreement, AddGoal, AddNote, RecordHug, RememberAsked
from assistant.notes.models import CheckInNote, Goal, HugRecord, PartnerCheckIn
from assistant.notes.store import NotesStore
from tests.support.png import pixels

CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                                    reason="no Chromium here (scripts/install.sh --test installs it; CI must have it)")


def togetherly(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", *arguments], capture_output=True, text=True,
                          timeout=180)


def two_hundred_days(data: Path) -> None:
    save_settings(data, Settings(partner_one="Sam <3", partner_two="Alex"))
    store = NotesStore.in_dir(data)
    now = datetime.now().astimezone().replace(hour=21, minute=0, second=0, microsecond=0)
    for ago in range(200):
        day = now - timedelta(days=ago)
        if ago % 2 == 0:
            store.apply(AddNote(note=CheckInNote(created_at=day, completed=True, partners=[
                PartnerCheckIn(partner="Sam <3", high=f"a quiet walk {ago}", low="rain"),
                PartnerCheckIn(partner="Alex", high="soup", low=None)])))
        if ago % 3 == 0:
            store.apply(RecordHug(hug=HugRecord(at=day, seconds=20, completed=True)))
        if ago % 7 == 0:
            store.apply(RecordHug(hug=HugRecord(at=day, seconds=6, completed=True, label="kiss")))
    store.apply(AddGoal(goal=Goal(created_at=now - timedelta(days=90), text="Cook together on Sundays")))
    store.apply(AddAgreement(text="No phones at dinner"))
    for deck, ids in (("light", ["light-01", "light-02"]), ("deeper", ["deeper-01"]),
                      ("vulnerable", ["vulnerable-01"])):
        store.apply(RememberAsked(deck=deck, question_ids=ids))


def shown_in_chromium(page: Path, tmp_path: Path) -> tuple[str, str, np.ndarray]:
    """The DOM as Chromium built it, what it logged, and a screenshot's pixels."""
    assert CHROMIUM is not None, "Chromium is needed here: scripts/install.sh --test installs it"
    sandbox = ["--no-sandbox"] if os.geteuid() == 0 else []
    common = [CHROMIUM, "--headless", "--disable-gpu", *sandbox, "--enable-logging=stderr", "--v=0",
              "--window-size=900,1800", "--hide-scrollbars"]
    dom = subprocess.run([*common, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    shot = tmp_path / "shot.png"
    subprocess.run([*common, f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120, check=True)
    return dom.stdout, dom.stderr, pixels(shot)


def rows_with(image: np.ndarray, colour: str) -> np.ndarray:
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.int16)
    return np.flatnonzero((np.abs(image.astype(np.int16) - rgb).sum(axis=2) <= 6).any(axis=1))


@needs_chromium
def test_two_hundred_days_in_a_real_browser(tmp_path: Path) -> None:
    data = tmp_path / "data"
    two_hundred_days(data)
    result = togetherly("journal", "--data-dir", str(data), "--no-open")
    assert result.returncode == 0, result.stderr
    page = data / "journal.html"
    assert stat.S_IMODE(page.stat().st_mode) == 0o600
    html = page.read_text()
    assert "http" not in html.replace("http-equiv", "") and "<script" not in html and "src=" not in html, \
        "self-contained: nothing to fetch"
    assert "Sam &lt;3" in html and "Sam <3" not in html, "names escaped"
    dom, logged, image = shown_in_chromium(page, tmp_path)
    assert "CONSOLE" not in logged, logged
    for region in ("calendar", "hugs", "depth", "goals", "agreements", "highs"):
        assert f'id="{region}"' in dom, region
    evenings = sum(1 for ago in range(200) if ago % 2 == 0 or ago % 3 == 0 or ago % 7 == 0)
    assert f"{evenings} evenings with a ritual" in dom, "a check-in, hug or kiss: each evening counted once"
    calendar, hugs = rows_with(image, SHADES[2]), rows_with(image, HUG)
    depth = rows_with(image, DEPTH_COLOURS["vulnerable"])
    assert calendar.size and hugs.size and depth.size, "each chart drawn"
    assert calendar.max() < hugs.min() and hugs.max() < depth.min(), "in the page's order"
    assert "a quiet walk 0" in dom and 'open=""' not in dom, "the highs are there, folded away until clicked"


@needs_chromium
def test_a_picture_for_a_phone(tmp_path: Path) -> None:
    data = tmp_path / "data"
    two_hundred_days(data)
    result = togetherly("journal", "--data-dir", str(data), "--no-open", "--png", str(tmp_path / "year.png"))
    assert result.returncode == 0, result.stderr
    image = pixels(tmp_path / "year.png")
    assert rows_with(image, HUG).size and stat.S_IMODE((tmp_path / "year.png").stat().st_mode) == 0o600


@needs_chromium
def test_a_damaged_and_an_empty_notes_file_are_said_so(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "notes.json").write_text('{"schema_version": 5, "notes": [')
    result = togetherly("journal", "--data-dir", str(damaged), "--no-open")
    assert result.returncode == 0, result.stderr
    dom, logged, _ = shown_in_chromium(damaged / "journal.html", tmp_path)
    assert 'id="problem"' in dom and "could not be read" in dom and "CONSOLE" not in logged
    assert (damaged / "notes.json").read_text() == '{"schema_version": 5, "notes": [', "left as it was"
    empty = tmp_path / "empty"
    assert togetherly("journal", "--data-dir", str(empty), "--no-open").returncode == 0
    dom, _, _ = shown_in_chromium(empty / "journal.html", tmp_path)
    assert "Your journal starts tonight" in dom
