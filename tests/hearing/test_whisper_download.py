"""Downloading a larger Whisper model, against a real local HTTP server. base.en and small.en cannot be had
here, so the server serves tiny.en's real files under a test catalog entry: downloaded, checked, installed
in one step and then really heard with; every failure leaves nothing behind. The real catalog is checked
for what can be checked offline, and the command line's choices and fallbacks are run as a user would."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.audio.samples import read_wav
from assistant.config import Settings, save_settings
from assistant.errors import ModelError
from assistant.hearing.engines.whisper_engine import WhisperRecognizer
from assistant.hearing.engines.whisper_model import TINY_EN_FILES, WhisperModelFiles
from assistant.hearing.whisper_downloads import (
    WhisperCatalog,
    WhisperEntry,
    WhisperFile,
    download_whisper_model,
    folder_of,
    installed_whisper_models,
    load_whisper_catalog,
)
from assistant.words import words
from tests.support.http_server import Server, local_server
from tests.support.speech_fixtures import synthesize_flite, with_silence

NAME = "copy.en"
TINY = WhisperModelFiles.installed()


def catalog() -> WhisperCatalog:
    files = {name: WhisperFile(size=size, sha256=digest) for name, (size, digest) in TINY_EN_FILES.items()}
    entry = WhisperEntry(base_url="http://127.0.0.1:9/never/", description="tiny.en, served by the test",
                         files=files)
    return WhisperCatalog(models={NAME: entry})


@pytest.fixture
def server() -> Iterator[Server]:
    with local_server("application/octet-stream") as state:
        for name in TINY_EN_FILES:
            state.serve(f"/mirror/{name}", (TINY.folder / name).read_bytes())
        yield state


def contents(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def togetherly(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", *arguments], capture_output=True, text=True,
                          timeout=120)


def test_the_catalog_pins_a_commit_and_shares_tiny_ens_tokenizer() -> None:
    models = load_whisper_catalog().models
    assert sorted(models) == ["base", "base.en", "small.en"]
    for name, entry in models.items():
        Settings(whisper_model=name)  # the config accepts it
        if entry.base_url is None:  # put together from packages: tests/hearing/test_whisper_base.py
            continue
        assert re.search(r"/resolve/[0-9a-f]{40}/$", entry.base_url), "a commit, never a moving branch"
        for shared in ("tokenizer.json", "vocabulary.txt"):  # English-only Whisper models share these files
            assert (entry.files[shared].size, entry.files[shared].sha256) == TINY_EN_FILES[shared]
        assert entry.files["model.bin"].size > TINY_EN_FILES["model.bin"][0]
    with pytest.raises(ValueError, match="whisper_model"):
        Settings(whisper_model="large-v3")


@pytest.mark.slow
def test_a_model_is_downloaded_checked_installed_and_hears(server: Server, tmp_path: Path) -> None:
    models = tmp_path / "models"
    out = io.StringIO()
    folder = download_whisper_model(NAME, models, base_url=server.base + "/mirror", out=out, catalog=catalog())
    assert folder == folder_of(NAME, models) and contents(models) == [f"whisper-{NAME}"]  # nothing hidden left
    assert contents(folder) == sorted(TINY_EN_FILES)
    said = out.getvalue()
    assert "Connecting to 127.0.0.1:" in said and said.count("SHA-256 checksum verified.") == 4
    assert f"setup --whisper-model {NAME}" in said
    assert installed_whisper_models(models, catalog()) == [NAME]
    files = WhisperModelFiles(folder, NAME, catalog().models[NAME].expected)
    spoken = read_wav(synthesize_flite("we need a break", tmp_path / "break.wav"))
    heard = WhisperRecognizer(files).transcribe(with_silence(spoken))
    assert words(heard.text) == ["we", "need", "a", "break"], heard.text
    # Asked again: nothing is fetched.
    asked = len(server.requests)
    download_whisper_model(NAME, models, base_url=server.base + "/mirror", out=out, catalog=catalog())
    assert len(server.requests) == asked and "already installed" in out.getvalue()


def test_a_file_that_is_not_the_published_one_installs_nothing(server: Server, tmp_path: Path) -> None:
    models = tmp_path / "models"
    changed = bytearray((TINY.folder / "vocabulary.txt").read_bytes())
    changed[100] ^= 1  # same size, one bit different
    server.serve("/mirror/vocabulary.txt", bytes(changed))
    with pytest.raises(ModelError, match=r"vocabulary.txt rejected: SHA-256 mismatch.*Nothing was installed"):
        download_whisper_model(NAME, models, base_url=server.base + "/mirror", out=io.StringIO(),
                               catalog=catalog())
    assert contents(models) == []
    server.serve("/mirror/vocabulary.txt", (TINY.folder / "vocabulary.txt").read_bytes())
    server.serve("/mirror/config.json", b"{}")  # another length: refused before it is read
    with pytest.raises(ModelError, match="the server offers 2 bytes but the catalog expects 2317"):
        download_whisper_model(NAME, models, base_url=server.base + "/mirror", out=io.StringIO(),
                               catalog=catalog())
    assert contents(models) == []
    with pytest.raises(ModelError, match=r"unknown Whisper model 'huge\.en'"):
        download_whisper_model("huge.en", models, out=io.StringIO(), catalog=catalog())


def test_the_command_fetches_base_en_from_a_mirror_and_checks_it_against_the_catalog(
        server: Server, tmp_path: Path) -> None:
    # The mirror serves tiny.en's files: base.en's config.json is 2,227 bytes, tiny.en's 2,317.
    models = tmp_path / "models"
    result = togetherly("models", "download", "base.en", "--from", server.base + "/mirror/", "--models-dir",
                        str(models))
    assert result.returncode != 0
    assert "the server offers 2317 bytes but the catalog expects 2227" in result.stderr, result.stderr
    assert contents(models) == []
    misuse = togetherly("models", "download", "small-en-us", "--from", server.base, "--models-dir", str(models))
    assert misuse.returncode != 0 and "--from is for a Whisper model" in misuse.stderr
    listing = togetherly("models", "list", "--models-dir", str(models), "--data-dir", str(tmp_path / "data"))
    assert listing.returncode == 0, listing.stderr
    assert "whisper tiny.en:" in listing.stdout and "  base.en: Whisper base.en" in listing.stdout
    assert "  small.en: Whisper small.en" in listing.stdout


@pytest.mark.slow
def test_a_chosen_model_not_downloaded_leaves_tiny_en_hearing(tmp_path: Path) -> None:
    data, models = tmp_path / "data", tmp_path / "models"
    setup = togetherly("setup", "--partner-one", "Sam", "--partner-two", "Alex", "--whisper-model", "base.en",
                       "--data-dir", str(data), "--models-dir", str(models))
    assert setup.returncode == 0, setup.stderr
    assert "Whisper base.en," in setup.stdout
    assert "Whisper base.en is not downloaded yet: `togetherly models download base.en`" in setup.stdout
    save_settings(data, Settings(partner_one="Sam", partner_two="Alex", names_asked=True, whisper_model="base.en"))
    start = synthesize_flite("what can you do", tmp_path / "what.wav")
    result = togetherly("--wav", str(start), "--data-dir", str(data), "--models-dir", str(models))
    assert result.returncode == 0, result.stderr
    assert f"{folder_of('base.en', models)}" in result.stderr and "models download base.en" in result.stderr
    assert "listening with Whisper tiny.en instead" in result.stderr
    assert "check-in" in result.stdout  # heard and answered: the rituals were listed
