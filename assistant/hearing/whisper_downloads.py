"""Larger Whisper models: the catalog (assistant/hearing/whisper_catalog.yaml), which are installed in the
models folder, and the download (fetched by assistant.downloads, the only network access).

A model is four files fetched into a hidden `.download-*` folder inside the models folder, each checked
against its size and SHA-256, and renamed into place as `whisper-NAME/` in one step once all four are good:
a half-downloaded model is never found.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
import urllib.parse
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TextIO

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.data_files import load_model
from assistant.downloads import check_space, fetch, move_into_place, say, verify, web_url
from assistant.errors import ModelError

FILES = ("config.json", "tokenizer.json", "vocabulary.txt", "model.bin")
ELSEWHERE = "download the model's four files elsewhere and put them in the models folder's whisper-NAME/"
"""What a user without a connection to the server can do instead."""


class WhisperFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    size: int = Field(gt=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class WhisperEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: str = Field(pattern=r"^https?://.*/$")
    description: str
    files: dict[str, WhisperFile]

    @model_validator(mode="after")
    def _the_four_files(self) -> WhisperEntry:
        if sorted(self.files) != sorted(FILES):
            raise ValueError(f"a Whisper model is exactly these files: {', '.join(FILES)}")
        return self

    @property
    def expected(self) -> dict[str, tuple[int, str]]:
        """File name -> (size, SHA-256), as WhisperModelFiles checks them."""
        return {name: (f.size, f.sha256) for name, f in self.files.items()}

    @property
    def download_bytes(self) -> int:
        return sum(f.size for f in self.files.values())


class WhisperCatalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    models: dict[str, WhisperEntry]


@cache
def load_whisper_catalog() -> WhisperCatalog:
    path = Path(str(resources.files("assistant.hearing") / "whisper_catalog.yaml"))
    return load_model(path, WhisperCatalog)[0]


def folder_of(name: str, models_dir: Path) -> Path:
    """Where the Whisper model `name` (base.en) is installed: the models folder's `whisper-base.en/`."""
    return models_dir / f"whisper-{name}"


def installed_whisper_models(models_dir: Path, catalog: WhisperCatalog | None = None) -> list[str]:
    """The catalog's models whose four files are in the models folder (not checked here: that is done,
    once, when the model is loaded)."""
    catalog = catalog if catalog is not None else load_whisper_catalog()
    return [name for name in catalog.models if all((folder_of(name, models_dir) / f).is_file() for f in FILES)]


def download_whisper_model(name: str, models_dir: Path, *, base_url: str | None = None, out: TextIO | None = None,
                           catalog: WhisperCatalog | None = None) -> Path:
    """Download, check and install the catalog's Whisper model `name` into `models_dir`; return its folder.
    `base_url`: fetch the same file names from elsewhere (a mirror); the sizes and digests stay the catalog's."""
    out = out if out is not None else sys.stderr
    catalog = catalog if catalog is not None else load_whisper_catalog()
    entry = catalog.models.get(name)
    if entry is None:
        raise ModelError(f"unknown Whisper model {name!r}; known: {', '.join(sorted(catalog.models))}")
    base = web_url(base_url or entry.base_url)
    base = base if base.endswith("/") else base + "/"
    target = folder_of(name, models_dir)
    if name in installed_whisper_models(models_dir, catalog):
        say(out, f"Whisper {name} is already installed in {target}; nothing to do (delete that folder to "
                 "download it again)")
        return target
    if target.exists():
        raise ModelError(f"{target} already exists but is not a whole Whisper model; remove it or move it away, "
                         "then download again")
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelError(f"cannot create the models folder {models_dir} ({exc.strerror or exc})") from exc
    check_space(models_dir, entry.download_bytes, f"Whisper {name}")

    # Privacy: say exactly where we connect before doing it.
    say(out, f"Connecting to {urllib.parse.urlsplit(base).netloc} to download Whisper {name} "
             f"({entry.download_bytes / 1e6:.0f} MB) from {base}")
    say(out, "(downloads you ask for are the only time Togetherly uses the network)")
    staging: Path | None = None
    try:
        staging = Path(tempfile.mkdtemp(prefix=".download-", dir=models_dir))
        for file_name, file in entry.files.items():
            digests = fetch(base + file_name, staging / file_name, file.size, file_name, out, elsewhere=ELSEWHERE)
            verify(digests.sha256, file.sha256, file_name, out)
        move_into_place(staging, target)
        staging = None
    except OSError as exc:  # the temporary folder or the rename (disk full, permissions)
        raise ModelError(f"download of Whisper {name} failed: {exc.strerror or exc} "
                         f"({exc.filename or models_dir})") from exc
    finally:
        if staging is not None:
            with contextlib.suppress(OSError):
                shutil.rmtree(staging)
    say(out, f"Installed Whisper {name} in {target}. To use it: `togetherly setup --whisper-model {name}`.")
    return target
