"""Finding installed Vosk models and downloading new ones (fetched and checked by assistant.downloads).

A download is all-or-nothing: the archive streams into a hidden `.download-*.part` file inside the
models folder, is checked (size, SHA-256, zip structure, really a Vosk model), unpacked into a hidden
temporary folder next to it and then renamed into place in one step. Whatever fails, nothing is left
behind, so a half-downloaded model can never be picked up by `find_vosk_model`.
"""

from __future__ import annotations

import contextlib
import re
import sys
import urllib.parse
import zipfile
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import TextIO

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.data_files import load_model
from assistant.downloads import (
    announce,
    check_space,
    fetch,
    given_sha256,
    make_folder,
    move_into_place,
    say,
    staging,
    verify,
    web_url,
)
from assistant.errors import ModelError

ELSEWHERE = "download the zip elsewhere and unpack it into the models folder"
"""What a user without a connection to the server can do instead."""
_FOLDER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


# --- the catalog ------------------------------------------------------------------------------------


class CatalogEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    language: str
    url: str = Field(pattern=r"^https?://")
    size: int | None = Field(default=None, gt=0)
    """Bytes of the zip, when known: a shorter or longer download is rejected."""
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    folder: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    """The folder the model is installed as (normally the zip's top folder)."""
    description: str


class Catalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    default: str
    models: dict[str, CatalogEntry]

    @model_validator(mode="after")
    def _default_exists(self) -> Catalog:
        if self.default not in self.models:
            raise ValueError(f"default {self.default!r} is not one of the models")
        return self


@cache
def load_catalog() -> Catalog:
    path = Path(str(resources.files("assistant.hearing") / "model_catalog.yaml"))
    return load_model(path, Catalog)[0]


def catalog() -> dict[str, CatalogEntry]:
    """Known downloadable models by name."""
    return dict(load_catalog().models)


def default_model_name() -> str:
    return load_catalog().default


# --- installed models -------------------------------------------------------------------------------


def is_vosk_model(path: Path) -> bool:
    """An unpacked Vosk model: a folder with `am/` (acoustic model) and `conf/` inside."""
    return path.is_dir() and (path / "am").is_dir() and (path / "conf").is_dir()


def list_models(models_dir: Path) -> list[Path]:
    """The Vosk models inside `models_dir`, by name; hidden (in-progress) folders are never listed."""
    if not models_dir.is_dir():
        return []
    return sorted(p for p in models_dir.iterdir() if not p.name.startswith(".") and is_vosk_model(p))


def find_vosk_model(models_dir: Path) -> Path | None:
    models = list_models(models_dir)
    return models[0] if models else None


# --- downloading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    label: str
    """How the download is named in messages: the catalog name, or the zip's file name."""
    url: str
    size: int | None
    sha256: str | None
    folder: str | None
    """The folder to install as; None: the zip's top folder (known only after download)."""


def _plan(name: str | None, url: str | None, sha256: str | None) -> _Plan:
    """What to fetch and how to check it, from a catalog name or an explicit URL."""
    sha256 = given_sha256(sha256)
    if url is not None:
        web_url(url)
        if name is not None and not _FOLDER.fullmatch(name):
            raise ModelError(
                f"invalid model folder name {name!r}: use letters, digits, '.', '_' and '-' only"
            )
        label = name or PurePosixPath(urllib.parse.urlsplit(url).path).name or url
        return _Plan(label, url, None, sha256, name)
    models = catalog()
    key = name or default_model_name()
    if key not in models:
        raise ModelError(
            f"unknown model {key!r}; known: {', '.join(sorted(models))} "
            "(or download any Vosk model zip with --url URL)"
        )
    entry = models[key]
    return _Plan(key, entry.url, entry.size, sha256 or entry.sha256, entry.folder)


def _top_folder(archive: zipfile.ZipFile, label: str) -> tuple[str, int]:
    """The zip's single top-level folder and its unpacked size, after refusing any entry that could
    land outside it."""
    tops: set[str] = set()
    total = 0
    for info in archive.infolist():
        name = info.filename
        parts = PurePosixPath(name).parts
        # Zip paths are '/'-separated; absolute paths, drive letters, backslashes and '..' are how
        # crafted archives write outside the target folder.
        if (not parts or name.startswith("/") or "\\" in name or ":" in parts[0]
                or any(p == ".." for p in parts)):
            raise ModelError(f"{label} is not a safe archive: it contains the path {name!r}; not unpacked")
        if len(parts) == 1 and not info.is_dir():
            raise ModelError(f"{label} is not a Vosk model archive: {name!r} is not inside a model folder")
        tops.add(parts[0])
        total += info.file_size
    if len(tops) != 1:
        found = ", ".join(sorted(tops)) or "nothing"
        raise ModelError(f"{label} is not a Vosk model archive: expected one model folder, found {found}")
    top = tops.pop()
    names = {PurePosixPath(i.filename).parts[1] for i in archive.infolist()
             if len(PurePosixPath(i.filename).parts) > 1}
    if not {"am", "conf"} <= names:
        raise ModelError(
            f"{label} is not a Vosk model archive: {top}/ has no am/ and conf/ folders "
            f"(it has: {', '.join(sorted(names)) or 'nothing'})"
        )
    return top, total


def _unpack(part: Path, into: Path, label: str) -> Path:
    """Unpack the downloaded zip into the (hidden, temporary) folder `into`; return the model folder."""
    try:
        with zipfile.ZipFile(part) as archive:
            top, unpacked_bytes = _top_folder(archive, label)
            check_space(into, unpacked_bytes, label)
            archive.extractall(into)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise ModelError(f"download of {label} is not a valid zip archive ({exc}); nothing was installed") \
            from exc
    model = into / top
    if not is_vosk_model(model):
        raise ModelError(f"{label} is not a Vosk model archive: {top}/ has no am/ and conf/ folders")
    return model


def _already_installed(target: Path, label: str, out: TextIO) -> Path | None:
    if is_vosk_model(target):
        say(out, f"{label} is already installed in {target}; nothing to do "
                  "(delete that folder to download it again)")
        return target
    if target.exists():
        raise ModelError(
            f"{target} already exists but is not a Vosk model (no am/ and conf/ inside); "
            "remove it or move it away, then download again"
        )
    return None


def download_model(
    name: str | None,
    models_dir: Path,
    *,
    url: str | None = None,
    sha256: str | None = None,
    out: TextIO | None = None,
) -> Path:
    """Download, verify and install a Vosk model into `models_dir`; return its folder.

    `name` is a catalog entry (None: the default). With `url`, that zip is fetched instead, checked
    against `sha256` if given, and installed as `name` (default: the zip's top folder).
    """
    out = out if out is not None else sys.stderr
    plan = _plan(name, url, sha256)
    label = plan.label
    if plan.folder is not None:
        installed = _already_installed(models_dir / plan.folder, label, out)
        if installed is not None:
            return installed

    created_dir = not models_dir.exists()
    make_folder(models_dir, "models folder")
    announce(out, plan.url, label, plan.size)
    target: Path | None = None
    try:
        with staging(models_dir, f"download of {label}") as place:
            part = place / "model.zip"
            verify(fetch(plan.url, part, plan.size, label, out, elsewhere=ELSEWHERE).sha256, plan.sha256, label, out)
            (place / "unpacked").mkdir()
            model = _unpack(part, place / "unpacked", label)
            destination = models_dir / (plan.folder or model.name)
            if plan.folder is None:  # only now is the folder name known
                installed = _already_installed(destination, label, out)
                if installed is not None:
                    target = installed
                    return installed
            move_into_place(model, destination)
            target = destination
    finally:
        if target is None and created_dir:
            with contextlib.suppress(OSError):  # only if empty: never delete anything else
                models_dir.rmdir()
    say(out, f"Installed {label} in {target}")
    return target
