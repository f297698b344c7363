"""`togetherly journal`: the couple's year as a self-contained page in the data folder (owner-only), opened
in a browser where there is a screen; `--png FILE` also writes a picture of it, for a phone."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import webbrowser
from datetime import datetime
from pathlib import Path

from assistant import paths
from assistant.cli.output import report as _report
from assistant.clock import local_day
from assistant.config import load_settings
from assistant.dialogue.decks import question_depths
from assistant.errors import NotesError, TogetherlyError
from assistant.journal.page import render
from assistant.journal.year import year_of
from assistant.notes.models import NotesFile
from assistant.notes.store import NotesStore
from assistant.private_files import write_private

JOURNAL_FILE = "journal.html"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
"""What draws the page for `--png` (headless, no network: the page has nothing to fetch)."""
PNG_SIZE = (900, 1500)


def journal(data_dir: Path | None, png: Path | None = None, *, open_it: bool = True) -> int:
    directory = paths.prepare_data_dir(paths.data_dir(data_dir))
    settings = load_settings(directory)
    store = NotesStore.in_dir(directory, report=_report)
    problem = None
    try:
        notes = store.load(allow_newer=True, read_only=True)  # a page changes nothing, even a damaged file
    except NotesError as exc:
        notes = NotesFile()
        problem = f"Your notes file could not be read, so this page is empty for now ({exc})."
    depth_of = question_depths(paths.language_dir() / "decks", directory / "decks")
    year = year_of(notes, local_day(datetime.now().astimezone()), settings.partners, depth_of)
    year.problem = problem
    page = directory / JOURNAL_FILE
    write_private(page, render(year))
    print(f"Wrote your journal: {page}")
    if png is not None:
        picture(page, png)
        print(f"Wrote a picture of it: {png}")
    if open_it and (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or sys.platform == "darwin"):
        webbrowser.open(page.as_uri())
    return 0


def picture(page: Path, png: Path) -> None:
    """A screenshot of the page by a headless browser (Chromium)."""
    browser = next((found for name in BROWSERS if (found := shutil.which(name))), None)
    if browser is None:
        raise TogetherlyError("--png needs Chromium to draw the page (Debian: sudo apt install chromium); the "
                              "page itself was written")
    sandbox = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []  # root has no sandbox
    width, height = PNG_SIZE
    result = subprocess.run([browser, "--headless", "--disable-gpu", *sandbox, "--hide-scrollbars",
                             f"--window-size={width},{height}", f"--screenshot={png.resolve()}", page.as_uri()],
                            capture_output=True, text=True, timeout=120)
    if result.returncode != 0 or not png.exists():
        raise TogetherlyError(f"Chromium could not draw the page (exit {result.returncode}); the page itself "
                              "was written")
    png.chmod(0o600)
