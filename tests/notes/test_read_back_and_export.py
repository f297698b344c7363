"""What the couple reads back: one count of hugs everywhere (kisses apart), favourites by their words, and an
export that never overwrites silently."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from assistant.notes.changes import AddFavourite, RecordHug
from assistant.notes.models import HugRecord
from assistant.notes.store import NotesStore
from tests.support.harness import run_assistant


def test_kisses_are_not_counted_as_hugs_anywhere(tmp_path: Path) -> None:
    store = NotesStore.in_dir(tmp_path)
    at = datetime(2026, 3, 2, 21, 0).astimezone()
    for label in ("hug", "hug", "kiss"):
        store.apply(RecordHug(hug=HugRecord(at=at, seconds=20, completed=True, label=label)))
    s = run_assistant(tmp_path, ["how are we doing", "goodbye"])
    assert s.said("2 hugs")
    out = tmp_path / "out.md"
    result = subprocess.run([sys.executable, "-m", "assistant", "notes", "--export", str(out), "--data-dir",
                             str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert "- Timed hugs: 2" in text and "- Timed kisses: 1" in text


@pytest.mark.slow
def test_favourites_are_shown_and_read_by_their_words(tmp_path: Path) -> None:
    store = NotesStore.in_dir(tmp_path)
    store.apply(AddFavourite(question_id="light-01"))
    store.apply(AddFavourite(question_id="article-2"))
    theme = "If this week had a theme song, what would it be, and why?"
    listing = subprocess.run([sys.executable, "-m", "assistant", "notes", "--data-dir", str(tmp_path)],
                             capture_output=True, text=True, timeout=60)
    assert theme in listing.stdout and "light-01" not in listing.stdout
    for name in ("out.md", "out.json"):
        subprocess.run([sys.executable, "-m", "assistant", "notes", "--export", str(tmp_path / name),
                        "--data-dir", str(tmp_path)], check=True, capture_output=True, timeout=60)
    assert theme in (tmp_path / "out.md").read_text()
    exported = json.loads((tmp_path / "out.json").read_text())["favourite_questions"]
    assert exported[0] == {"id": "light-01", "text": theme}
    s = run_assistant(tmp_path, ["read our favourites", "goodbye"])
    assert theme in s.lines
    assert any(line.startswith("\u201cWhat's one way I could") for line in s.lines), "quoted: the partners' words"


@pytest.mark.slow
def test_an_export_never_overwrites_without_force(tmp_path: Path) -> None:
    def export(target: Path, *extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "assistant", "notes", "--export", str(target), *extra,
                               "--data-dir", str(tmp_path / "data")], capture_output=True, text=True, timeout=60)

    existing = tmp_path / "mine.md"
    existing.write_text("my own file")
    refused = export(existing)
    assert refused.returncode == 1 and "already exists" in refused.stderr and "--force" in refused.stderr
    assert existing.read_text() == "my own file"
    assert export(existing, "--force").returncode == 0 and existing.read_text().startswith("# Togetherly notes")
    folder = tmp_path / "wav"
    folder.mkdir()
    into_folder = export(folder)
    assert into_folder.returncode == 1 and "is a folder" in into_folder.stderr
    assert "export format" not in into_folder.stderr
