"""Model download against a real local HTTP server: success, every failure mode, and no leftovers."""

from __future__ import annotations

import hashlib
import io
import os
import socket
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import downloads
from assistant.errors import ModelError
from assistant.hearing.model_manager import (
    download_model,
    find_vosk_model,
    is_vosk_model,
    list_models,
    load_catalog,
)
from tests.support.http_server import Server, local_server

REPO = Path(__file__).resolve().parents[2]
TOP = "vosk-model-tiny-test"
# Big enough for several 64 KiB read chunks, so the progress bar really moves.
MODEL_FILES = {
    f"{TOP}/README": b"A fake model: only the folder structure matters here.\n",
    f"{TOP}/am/final.mdl": os.urandom(300_000),
    f"{TOP}/conf/model.conf": b"--min-active=200\n",
    f"{TOP}/conf/mfcc.conf": b"--use-energy=false\n",
    f"{TOP}/graph/HCLr.fst": b"\0" * 1000,
    f"{TOP}/ivector/final.ie": b"\1" * 1000,
}


def make_zip(files: dict[str, bytes], dirs: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in dirs:
            archive.writestr(zipfile.ZipInfo(name.rstrip("/") + "/"), b"")
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


MODEL_ZIP = make_zip(MODEL_FILES, dirs=(TOP, f"{TOP}/am", f"{TOP}/conf"))
MODEL_SHA = hashlib.sha256(MODEL_ZIP).hexdigest()


@pytest.fixture
def server() -> Iterator[Server]:
    with local_server() as state:
        yield state


def contents(directory: Path) -> list[str]:
    """Everything inside `directory`, hidden files included."""
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*")) if directory.exists() else []


def download_fails(models_dir: Path, url: str, sha256: str | None = None, name: str | None = None) -> str:
    out = io.StringIO()
    with pytest.raises(ModelError) as error:
        download_model(name, models_dir, url=url, sha256=sha256, out=out)
    return str(error.value)


# --- success -------------------------------------------------------------------------------------------


def test_download_installs_a_verified_model(server: Server, tmp_path: Path) -> None:
    models_dir = tmp_path / "models"
    url = server.serve("/tiny.zip", MODEL_ZIP)
    out = io.StringIO()
    installed = download_model(None, models_dir, url=url, sha256=MODEL_SHA.upper(), out=out)

    assert installed == models_dir / TOP
    assert is_vosk_model(installed)
    assert (installed / "am" / "final.mdl").read_bytes() == MODEL_FILES[f"{TOP}/am/final.mdl"]
    assert os.listdir(models_dir) == [TOP]  # no .part file, no unpack folder
    assert find_vosk_model(models_dir) == installed
    assert list_models(models_dir) == [installed]

    log = out.getvalue()
    connecting = log.index(f"Connecting to {server.base.removeprefix('http://')}")
    assert url in log
    assert log.index("100%") > connecting  # the host was named before the transfer started
    assert "SHA-256 checksum verified" in log
    assert log.rstrip().endswith(f"Installed tiny.zip in {installed}")
    assert server.requests == ["/tiny.zip"]


def test_download_under_a_chosen_name_without_checksum(server: Server, tmp_path: Path) -> None:
    # No Content-Length either: the size is unknown and the body ends when the connection closes.
    url = server.serve("/m.zip", MODEL_ZIP, length=None)
    out = io.StringIO()
    installed = download_model("korean-test", tmp_path, url=url, out=out)
    assert installed == tmp_path / "korean-test"
    assert is_vosk_model(installed)
    assert os.listdir(tmp_path) == ["korean-test"]
    assert f"cannot be verified (SHA-256: {MODEL_SHA})" in out.getvalue()


def test_already_installed_model_is_not_downloaded_again(server: Server, tmp_path: Path) -> None:
    url = server.serve("/tiny.zip", MODEL_ZIP)
    download_model("mine", tmp_path, url=url, out=io.StringIO())
    server.requests.clear()

    out = io.StringIO()
    assert download_model("mine", tmp_path, url=url, out=out) == tmp_path / "mine"
    assert "already installed" in out.getvalue()
    assert server.requests == []  # no network at all

    # Named by the zip's folder, it can only be known after downloading: still nothing is replaced.
    first = download_model(None, tmp_path, url=url, out=io.StringIO())
    marker = first / "am" / "keep-me"
    marker.write_text("user data")
    out = io.StringIO()
    assert download_model(None, tmp_path, url=url, out=out) == first
    assert "already installed" in out.getvalue()
    assert marker.read_text() == "user data"
    assert sorted(os.listdir(tmp_path)) == sorted(["mine", TOP])


def test_existing_folder_that_is_not_a_model_is_not_overwritten(server: Server, tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    message = download_fails(tmp_path, server.serve("/tiny.zip", MODEL_ZIP), name="mine")
    assert "already exists but is not a Vosk model" in message
    assert contents(tmp_path) == ["mine", "mine/notes.txt"]


# --- failures leave nothing behind ------------------------------------------------------------------


def test_checksum_mismatch_is_rejected(server: Server, tmp_path: Path) -> None:
    models_dir = tmp_path / "models"
    message = download_fails(models_dir, server.serve("/tiny.zip", MODEL_ZIP), sha256="0" * 64)
    assert "SHA-256 mismatch" in message
    assert MODEL_SHA in message
    assert not models_dir.exists()  # created for the download, removed again


def test_failure_keeps_other_models_untouched(server: Server, tmp_path: Path) -> None:
    other = tmp_path / "other-model"
    (other / "am").mkdir(parents=True)
    (other / "conf").mkdir()
    download_fails(tmp_path, server.serve("/tiny.zip", MODEL_ZIP), sha256="f" * 64)
    assert contents(tmp_path) == ["other-model", "other-model/am", "other-model/conf"]


def test_truncated_download_is_rejected(server: Server, tmp_path: Path) -> None:
    url = server.serve("/cut.zip", MODEL_ZIP[:100_000], length=len(MODEL_ZIP))
    message = download_fails(tmp_path, url)
    assert "incomplete" in message or "cut off" in message
    assert "100000" in message
    assert contents(tmp_path) == []


def test_stalled_server_times_out(server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(downloads, "TIMEOUT_S", 0.3)
    message = download_fails(tmp_path, server.serve("/slow.zip", MODEL_ZIP, stall_s=1.0))
    assert "timed out" in message
    assert "try again" in message
    assert contents(tmp_path) == []


def test_http_error_is_rejected(server: Server, tmp_path: Path) -> None:
    message = download_fails(tmp_path, server.base + "/missing.zip")
    assert "HTTP 404" in message
    assert contents(tmp_path) == []


def test_connection_refused_is_rejected(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port that was free a moment ago: nobody listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    message = download_fails(tmp_path / "models", f"http://127.0.0.1:{port}/m.zip")
    assert "cannot reach" in message
    assert not (tmp_path / "models").exists()


def test_not_a_zip_is_rejected(server: Server, tmp_path: Path) -> None:
    message = download_fails(tmp_path, server.serve("/page.zip", b"<html>Service unavailable</html>"))
    assert "not a valid zip" in message
    assert contents(tmp_path) == []


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"model/README": b"x", "model/graph/HCLr.fst": b"x"}, "has no am/ and conf/"),
        ({"a/am/x": b"x", "a/conf/x": b"x", "b/am/x": b"x"}, "expected one model folder, found a, b"),
        ({"final.mdl": b"x"}, "not inside a model folder"),
        ({}, "found nothing"),
    ],
    ids=["no-am-conf", "two-folders", "loose-file", "empty"],
)
def test_zip_without_a_model_is_rejected(server: Server, tmp_path: Path, files: dict[str, bytes],
                                         expected: str) -> None:
    message = download_fails(tmp_path, server.serve("/x.zip", make_zip(files)))
    assert "not a Vosk model archive" in message
    assert expected in message
    assert contents(tmp_path) == []


@pytest.mark.parametrize("evil", ["../evil", f"{TOP}/../../evil", "/tmp/evil", "C:/evil", f"{TOP}\\..\\evil"])
def test_zip_with_a_path_escaping_the_folder_is_rejected(server: Server, tmp_path: Path, evil: str) -> None:
    models_dir = tmp_path / "models"
    archive = make_zip({**MODEL_FILES, evil: b"pwned"})
    message = download_fails(models_dir, server.serve("/evil.zip", archive))
    assert "not a safe archive" in message
    assert not models_dir.exists()
    assert contents(tmp_path) == []  # nothing written next to the models folder either


def test_bad_arguments_are_rejected_before_connecting(server: Server, tmp_path: Path) -> None:
    url = server.serve("/tiny.zip", MODEL_ZIP)
    assert "64 hexadecimal digits" in download_fails(tmp_path, url, sha256="abc")
    assert "invalid model folder name" in download_fails(tmp_path, url, name="../up")
    assert "only http:// and https://" in download_fails(tmp_path, "file:///etc/passwd")
    with pytest.raises(ModelError, match="unknown model 'klingon'; known: small-en-us"):
        download_model("klingon", tmp_path, out=io.StringIO())
    assert server.requests == []
    assert contents(tmp_path) == []


def test_size_differing_from_the_catalog_is_rejected(server: Server, tmp_path: Path) -> None:
    url = server.serve("/tiny.zip", MODEL_ZIP)
    part = tmp_path / "x.part"
    with pytest.raises(ModelError, match=r"server offers \d+ bytes but the catalog expects 123"):
        downloads.fetch(url, part, 123, "small-en-us", io.StringIO())
    # Without a Content-Length the excess is only seen while reading: stop there, don't fill the disk.
    url = server.serve("/endless.zip", MODEL_ZIP, length=None)
    with pytest.raises(ModelError, match="more than the expected 100000 bytes"):
        downloads.fetch(url, part, 100_000, "small-en-us", io.StringIO())


# --- catalog and listing ----------------------------------------------------------------------------


def test_catalog_default_is_the_small_english_model() -> None:
    catalog = load_catalog()
    entry = catalog.models[catalog.default]
    assert catalog.default == "small-en-us"
    assert entry.url == "https://alphacephei.com/vosk/models/vosk-model-small-en-us-0.15.zip"
    assert entry.size == 41205931
    assert entry.sha256 == "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498"
    assert entry.folder == "vosk-model-small-en-us-0.15"
    assert entry.description


def test_listing_models(tmp_path: Path) -> None:
    assert find_vosk_model(tmp_path / "missing") is None
    assert list_models(tmp_path / "missing") == []
    for name in ("b-model", "a-model", ".unpack-123/inner", "not-a-model"):
        (tmp_path / name / "am").mkdir(parents=True)
        if name != "not-a-model":
            (tmp_path / name / "conf").mkdir()
    (tmp_path / "README.md").write_text("models go here")
    assert list_models(tmp_path) == [tmp_path / "a-model", tmp_path / "b-model"]
    assert find_vosk_model(tmp_path) == tmp_path / "a-model"


# --- through the command line -----------------------------------------------------------------------


def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TOGETHERLY_DATA_DIR": str(home / "data"), "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True,
                          env=env, cwd=home, timeout=60, check=False)


def test_cli_download(server: Server, tmp_path: Path) -> None:
    models_dir = tmp_path / "models"
    url = server.serve("/tiny.zip", MODEL_ZIP)
    done = run_cli("models", "download", "--url", url, "--sha256", MODEL_SHA,
                   "--models-dir", str(models_dir), home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Connecting to 127.0.0.1" in done.stderr
    assert f"Installed tiny.zip in {models_dir / TOP}" in done.stderr
    assert os.listdir(models_dir) == [TOP]

    failed = run_cli("models", "download", "--url", server.base + "/gone.zip",
                     "--models-dir", str(tmp_path / "other"), home=tmp_path)
    assert failed.returncode == 1
    assert "togetherly: error: " in failed.stderr
    assert "HTTP 404" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert not (tmp_path / "other").exists()
