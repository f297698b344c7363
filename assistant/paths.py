"""Where Togetherly's files live: shipped language data, the user's data and config, speech models."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import platformdirs

from assistant.errors import DataDirError

APP_NAME = "togetherly"
DATA_DIR_ENV = "TOGETHERLY_DATA_DIR"
MODELS_DIR_ENV = "TOGETHERLY_MODELS_DIR"
CACHE_DIR_ENV = "TOGETHERLY_CACHE_DIR"


def language_dir(language: str = "en") -> Path:
    """The shipped phrase/response data for one language (the repo's `intents/<language>/`)."""
    return _language_root() / language


@functools.cache
def _language_root() -> Path:
    try:
        root = resources.files("assistant.lang")
    except ModuleNotFoundError:  # running from a source tree that was never installed
        return Path(__file__).resolve().parent.parent / "intents"
    if isinstance(root, Path):
        return root
    # A zipped install: the loaders read folders with glob and open, so unpack the data once per process.
    unpacked = Path(tempfile.mkdtemp(prefix="togetherly-lang-"))
    _UNPACKED.append(unpacked)
    atexit.register(remove_unpacked_data)
    _copy_tree(root, unpacked)
    return unpacked


_UNPACKED: list[Path] = []


def remove_unpacked_data() -> None:
    """Remove the language data unpacked from a zipped install (at exit)."""
    while _UNPACKED:
        shutil.rmtree(_UNPACKED.pop(), ignore_errors=True)


def _copy_tree(source: Traversable, target: Path) -> None:
    for entry in source.iterdir():
        if entry.is_dir():
            (target / entry.name).mkdir()
            _copy_tree(entry, target / entry.name)
        elif entry.name.endswith(".yaml"):
            (target / entry.name).write_bytes(entry.read_bytes())


def data_dir(override: Path | None = None) -> Path:
    """Notes and config live here: `--data-dir`, else $TOGETHERLY_DATA_DIR, else the platform's data dir."""
    if override is not None:
        return override
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir(APP_NAME))


def models_dir(override: Path | None = None) -> Path:
    """Speech models: `--models-dir`, $TOGETHERLY_MODELS_DIR, the checkout's `models/`, else the data dir."""
    if override is not None:
        return override
    env = os.environ.get(MODELS_DIR_ENV)
    if env:
        return Path(env)
    checkout_models = Path(__file__).resolve().parent.parent / "models"
    if (checkout_models / "README.md").is_file():
        return checkout_models
    return data_dir() / "models"


def cache_dir() -> Path:
    """$TOGETHERLY_CACHE_DIR, else the platform's cache folder for Togetherly: what can be made again (a
    model's check, the phrases' vectors), never note text."""
    return Path(os.environ.get(CACHE_DIR_ENV) or platformdirs.user_cache_dir(APP_NAME))


def ensure_private_dir(path: Path) -> Path:
    """Create `path` readable by the owner only (0700); tighten it if it already exists."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777
    # Only ever take rights away, and only when needed: chmod fails on a read-only disk even when
    # nothing would change, and a folder the owner made read-only stays read-only.
    if mode & 0o077:
        path.chmod(mode & 0o700)
    return path


def prepare_data_dir(path: Path) -> Path:
    """The data folder, created and private (0700), or DataDirError saying which folder and what to do."""
    advice = f"choose another folder with --data-dir or ${DATA_DIR_ENV}"
    if path.exists() and not path.is_dir():
        raise DataDirError(f"the data folder {path} is a file, not a folder: {advice}")
    try:
        return ensure_private_dir(path)
    except (FileExistsError, NotADirectoryError):
        raise DataDirError(f"the data folder {path} cannot be created: part of its path is a file; {advice}") from None
    except OSError as exc:
        reason = exc.strerror.lower() if exc.strerror else str(exc)
        what = "made private (owner only)" if path.is_dir() else "created"
        raise DataDirError(f"the data folder {path} cannot be {what} ({reason}): {advice}") from None
