"""Privacy, proven: sessions run with no network at all, debug logs never carry what was said, files are
owner-only whatever the umask, and the one command that may connect says where before it does."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.speech_fixtures import synthesize, synthesize_flite

ROOT = Path(__file__).resolve().parents[2]

# Loaded into every Python the tests start (sitecustomize on PYTHONPATH): an audit hook that reports any
# socket use at all, and in "deny" mode makes it fail loudly. Audit hooks see sockets made by any library.
NETWORK_HOOK = """
import os, sys

def _watch_network(event, args):
    if event.startswith("socket."):
        sys.stderr.write(f"NETWORK ATTEMPT: {event}\\n")
        sys.stderr.flush()
        if os.environ.get("TOGETHERLY_TEST_NETWORK") == "deny":
            raise RuntimeError(f"network use at run time: {event}")

sys.addaudithook(_watch_network)
"""


def _can_unshare() -> bool:
    unshare = shutil.which("unshare")
    return unshare is not None and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0


UNSHARE = ["unshare", "-n"] if _can_unshare() else []
"""Where allowed (root), also run in a network namespace with no interfaces but a downed loopback."""


@pytest.fixture(scope="module")
def hook_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("network-hook")
    (folder / "sitecustomize.py").write_text(NETWORK_HOOK)
    return folder


def offline(hook_dir: Path, *args: str, stdin: str = "", mode: str = "deny", isolate: bool = True,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`python -m assistant ARGS` with sockets refused (and in a network namespace), under umask 000."""
    command = [*(UNSHARE if isolate else []), sys.executable, "-m", "assistant", *args]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hook_dir), str(ROOT)]),
           "TOGETHERLY_TEST_NETWORK": mode, "TOGETHERLY_DATA_DIR": ""}
    # umask 000: the files are private because the program makes them so, not because of the caller's umask
    return subprocess.run(["sh", "-c", 'umask 000 && exec "$@"', "sh", *command], input=stdin, env=env,
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def test_the_hook_really_stops_a_socket(hook_dir: Path) -> None:
    probe = subprocess.run([sys.executable, "-c", "import socket; socket.socket()"], capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": str(hook_dir), "TOGETHERLY_TEST_NETWORK": "deny"})
    assert probe.returncode != 0 and "NETWORK ATTEMPT: socket.__new__" in probe.stderr


def assert_private(data_dir: Path) -> None:
    assert data_dir.stat().st_mode & 0o777 == 0o700
    for path in data_dir.iterdir():
        assert path.stat().st_mode & 0o777 == 0o600, path.name


def assert_never_logged(stderr: str, said: list[str]) -> None:
    assert "heard" in stderr, "debug logging was on"
    for line in stderr.splitlines():
        for text in said:
            assert text.lower() not in line.lower(), f"{text!r} reached the log: {line!r}"


TYPED = ["we found a turquoise kite", "the printer jammed twice", "grandma's marmalade recipe",
         "a wasp in the kitchen", "the surprise is a saffron cake"]


@pytest.mark.slow
def test_a_typed_session_works_offline_and_logs_nothing_said(hook_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    script = ["start our check-in", *TYPED[:4], "take a note", TYPED[4], "how are we doing", "goodbye"]
    run = offline(hook_dir, "--text", "-vv", "--data-dir", str(data), "--partner-one", "Sam", "--partner-two", "Alex",
                  stdin="\n".join(script) + "\n")
    assert run.returncode == 0, run.stderr
    assert "NETWORK ATTEMPT" not in run.stderr
    stored = (data / "notes.json").read_text()
    assert all(json.dumps(text)[1:-1] in stored for text in TYPED), "everything said was saved"
    assert_never_logged(run.stderr, [*TYPED, "turquoise", "printer", "marmalade", "wasp", "saffron"])
    assert_private(data)


SPOKEN = ["I went for a long walk in the park", "my train was late again", "we cooked dinner together",
          "I had a headache all afternoon"]


@pytest.mark.slow
def test_a_spoken_session_works_offline_and_logs_nothing_said(hook_dir: Path, tmp_path: Path) -> None:
    # The command in flite's voice, as in test_speech_e2e: the commands language model hears it as a person's.
    wavs = [synthesize_flite("start our check-in", tmp_path / "start.wav"),
            *(synthesize(text, tmp_path / f"{i}.wav") for i, text in enumerate(SPOKEN))]
    data = tmp_path / "data"
    run = offline(hook_dir, "--wav", *map(str, wavs), "--engine", "pocketsphinx", "-vv", "--data-dir", str(data),
                  "--partner-one", "Sam", "--partner-two", "Alex")
    assert run.returncode == 0, run.stderr
    assert "NETWORK ATTEMPT" not in run.stderr
    [checkin] = json.loads((data / "notes.json").read_text())["notes"]
    heard = [answer for part in checkin["partners"] for answer in (part["high"], part["low"])]
    assert checkin["completed"] and all(heard), heard
    # What the engine heard is what was saved; none of it, nor the words spoken, may reach the log.
    assert_never_logged(run.stderr, [*heard, "walk", "park", "train", "dinner", "headache"])
    assert_private(data)


def test_model_download_says_where_it_connects_before_connecting(hook_dir: Path, tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on: the attempt fails, but it is made
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    run = offline(hook_dir, "models", "download", "--url", f"http://127.0.0.1:{port}/model.zip",
                  "--models-dir", str(tmp_path / "models"), mode="log", isolate=False)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    said = next(i for i, line in enumerate(lines) if f"Connecting to 127.0.0.1:{port}" in line)
    first_socket = next(i for i, line in enumerate(lines) if line.startswith("NETWORK ATTEMPT"))
    assert said < first_socket, "the destination is named before any socket is made"
