"""Other Piper voices: which are installed in the models folder's `voices/`, which can be downloaded, and
the download itself (fetched by assistant.downloads, the only network access).

A voice is three files from Piper's public release: `NAME.onnx`, `NAME.onnx.json` and its model card
(dataset and licence), each checked against the size and MD5 that Piper publishes (it publishes no
SHA-256; `--sha256` adds that check for the model). They stream into hidden `.download-*.part` files beside
the voices, and are renamed into place only when all three are good, the model last: a voice is usable
(`voice_files`) once its model is there, so a half-downloaded voice is never picked up.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import TextIO

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.data_files import load_model
from assistant.downloads import announce, fetch, given_sha256, make_folder, say, staging, verify, web_url
from assistant.errors import ModelError

ELSEWHERE = "download the voice's .onnx and .onnx.json elsewhere and put them in the voices folder"
"""What a user without a connection to the server can do instead."""


class VoiceFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = Field(pattern=r"^[A-Za-z0-9_./-]+$")
    """Below the catalog's base URL."""
    size: int = Field(gt=0)
    md5: str = Field(pattern=r"^[0-9a-f]{32}$")
    """As Piper publishes it."""
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")


class VoiceEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str
    files: tuple[VoiceFile, ...]

    @model_validator(mode="after")
    def _model_and_config(self) -> VoiceEntry:
        kinds = sorted(_kind(PurePosixPath(f.path).name) for f in self.files)
        if kinds != ["card", "config", "model"]:
            raise ValueError("a voice needs exactly one .onnx, one .onnx.json and one MODEL_CARD")
        return self

    @property
    def download_bytes(self) -> int:
        return sum(f.size for f in self.files)


class VoiceCatalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: str = Field(pattern=r"^https?://.*/$")
    voices: dict[str, VoiceEntry]


@cache
def load_voice_catalog() -> VoiceCatalog:
    path = Path(str(resources.files("assistant.voice") / "voice_catalog.yaml"))
    return load_model(path, VoiceCatalog)[0]


def _kind(file_name: str) -> str:
    if file_name.endswith(".onnx.json"):
        return "config"
    return "model" if file_name.endswith(".onnx") else "card"


def installed_name(voice: str, file_name: str) -> str:
    """What a catalog file is called in the voices folder: the names `voice_files` looks for."""
    return {"model": f"{voice}.onnx", "config": f"{voice}.onnx.json", "card": f"{voice}.model-card.txt"}[
        _kind(file_name)]


def installed_voices(voices_dir: Path) -> list[str]:
    """Voices in `voices_dir` that can be loaded: a model with its config."""
    if not voices_dir.is_dir():
        return []
    return sorted(p.name.removesuffix(".onnx") for p in voices_dir.glob("*.onnx")
                  if p.with_name(p.name + ".json").is_file())


@dataclass(frozen=True)
class _Part:
    file: VoiceFile
    temp: Path
    target: Path


def download_voice(name: str, voices_dir: Path, *, base_url: str | None = None, sha256: str | None = None,
                   out: TextIO | None = None, catalog: VoiceCatalog | None = None) -> Path:
    """Download, check and install the catalog's voice `name` into `voices_dir`; return its model's path.
    `base_url`: fetch the same paths from elsewhere (a mirror); `sha256`: also check the model's SHA-256."""
    out = out if out is not None else sys.stderr
    catalog = catalog if catalog is not None else load_voice_catalog()
    entry = catalog.voices.get(name)
    if entry is None:
        raise ModelError(f"unknown voice {name!r}; known: {', '.join(sorted(catalog.voices))} "
                         "(`togetherly voices list` describes them)")
    sha256 = given_sha256(sha256)
    base = web_url(base_url or catalog.base_url)
    base = base if base.endswith("/") else base + "/"
    model = voices_dir / f"{name}.onnx"
    if name in installed_voices(voices_dir):
        say(out, f"{name} is already installed in {voices_dir}; nothing to do (delete {model.name} to "
                 "download it again)")
        return model
    make_folder(voices_dir, "voices folder")
    announce(out, base, f"the voice {name}", entry.download_bytes)
    with staging(voices_dir, f"download of {name}") as place:
        parts: list[_Part] = []
        for file in entry.files:
            file_name = PurePosixPath(file.path).name
            parts.append(_Part(file, place / file_name, voices_dir / installed_name(name, file_name)))
            digests = fetch(base + file.path, place / file_name, file.size, file_name, out, elsewhere=ELSEWHERE)
            verify(digests.md5, file.md5, file_name, out, kind="MD5")
            expected = sha256 if sha256 is not None and _kind(file_name) == "model" else file.sha256
            if expected is not None:
                verify(digests.sha256, expected, file_name, out)
            elif _kind(file_name) == "model":
                say(out, f"SHA-256 of {file_name}: {digests.sha256}")
        # The model last: until it is in place the voice does not exist for `voice_files`.
        for part in sorted(parts, key=lambda p: _kind(p.target.name) == "model"):
            os.replace(part.temp, part.target)
    say(out, f"Installed the voice {name} in {voices_dir}. To use it: togetherly --voice {name}, or "
             f"`togetherly setup --voice {name}` to keep it.")
    return model
