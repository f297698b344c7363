"""The built wheel, installed as a user would (`pip install togetherly-*.whl` into a fresh virtualenv far
from the checkout), not the editable checkout the rest of the suite imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.support.caches import cache_with_phrase_vectors
from tests.support.speech_fixtures import synthesize_piper

CHECKOUT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _run(*args: str | Path, cwd: Path, stdin: str = "", timeout: float = 600,
         env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")} | (env_extra or {})
    return subprocess.run([str(a) for a in args], cwd=cwd, input=stdin, capture_output=True, text=True,
                          timeout=timeout, env=env)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(the fresh virtualenv, the wheel, what building and installing printed)."""
    root = tmp_path_factory.mktemp("wheel")
    build = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", root / "dist",
                 CHECKOUT, cwd=root)
    assert build.returncode == 0, build.stderr
    wheel = next((root / "dist").glob("togetherly-*.whl"))
    venv = root / "venv"
    assert _run(sys.executable, "-m", "venv", venv, cwd=root).returncode == 0
    install = _run(venv / "bin" / "python", "-m", "pip", "install", "--no-compile", wheel, cwd=root)
    assert install.returncode == 0, install.stderr
    return venv, wheel, build.stdout + build.stderr + install.stdout + install.stderr


@pytest.mark.slow
def test_building_and_installing_prints_no_warning_of_our_own(installed: tuple[Path, Path, str]) -> None:
    _, _, printed = installed
    assert "BuildBackendWarning" not in printed and "deprecated" not in printed.lower(), printed


@pytest.mark.slow
def test_the_installed_command_runs_a_typed_checkin_away_from_the_checkout(
        installed: tuple[Path, Path, str], tmp_path: Path) -> None:
    venv, _, _ = installed
    where = _run(venv / "bin" / "python", "-c",
                 "import sys, assistant, assistant.paths as p; print(assistant.__file__); print(p.language_dir());"
                 " print(any(x.startswith(sys.argv[1]) for x in sys.path))", CHECKOUT, cwd=tmp_path)
    module, language, checkout_on_path = where.stdout.split("\n")[:3]
    assert module.startswith(str(venv)) and language.startswith(str(venv)), where.stdout + where.stderr
    assert checkout_on_path == "False"

    data = tmp_path / "data"
    script = "start our check-in\nwe went swimming\nthe car broke down\nskip\nstop\ngoodbye\n"
    checkin = _run(venv / "bin" / "togetherly", "--text", "--partner-one", "Sam", "--partner-two", "Alex",
                   "--data-dir", data, cwd=tmp_path, stdin=script, timeout=120)
    assert checkin.returncode == 0, checkin.stderr
    notes = json.loads((data / "notes.json").read_text())["notes"]
    assert notes[0]["partners"][0] == {"partner": "Sam", "high": "we went swimming", "low": "the car broke down"}

    check = _run(venv / "bin" / "togetherly", "intents", "check", cwd=tmp_path, timeout=120)
    assert check.returncode == 0 and "No collisions" in check.stdout, check.stdout + check.stderr

    # The voice catalog is package data too: the installed command lists what can be downloaded.
    voices = _run(venv / "bin" / "togetherly", "voices", "list", "--data-dir", data, "--models-dir",
                  tmp_path / "models", cwd=tmp_path, timeout=120)
    assert voices.returncode == 0 and "en_US-amy-medium: US English" in voices.stdout, voices.stdout + voices.stderr


def test_the_installed_wake_word_loads_and_is_checked(installed: tuple[Path, Path, str], tmp_path: Path) -> None:
    # Togetherly's own head is package data, checked against its SHA-256; the detector runs on the
    # feature models and runtime pyopen-wakeword installed.
    venv, _, _ = installed
    loaded = _run(venv / "bin" / "python", "-c",
                  "import numpy as np; from assistant.hearing.wake_word import load_detector;"
                  " d = load_detector('togetherly'); print(d.hear(np.zeros(16000, dtype=np.int16)), d.threshold)",
                  cwd=tmp_path, timeout=120)
    assert loaded.returncode == 0 and loaded.stdout.startswith("False 0."), loaded.stdout + loaded.stderr


def test_the_installed_wheel_understands_a_paraphrase_by_meaning_with_no_warning(
        installed: tuple[Path, Path, str], tmp_path: Path) -> None:
    """`pip install togetherly` is the whole product: the sentence-embedding stage loads from what the wheel
    and its dependencies install (its tokenizer is package data), with no step of its own. Its cache holds the
    phrases' vectors already (the same model's, from the suite's cache), so the fresh process embeds no phrase
    again and still fits nothing: the fit is the wheel's."""
    venv, _, _ = installed
    probe = ("from assistant import app; m = app.language_matcher(); c = m.classifier;"
             " print(c.meaning is not None, m.match('I think we both need to step back from this').intent)")
    result = _run(venv / "bin" / "python", "-c", probe, cwd=tmp_path,
                  env_extra={"TOGETHERLY_CACHE_DIR": str(cache_with_phrase_vectors(tmp_path / "cache"))})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "need_break"], result.stdout + result.stderr
    assert "wording only" not in result.stderr and "not installed" not in result.stderr, result.stderr


def test_the_language_data_loads_from_a_zipped_install(installed: tuple[Path, Path, str], tmp_path: Path) -> None:
    venv, wheel, _ = installed
    zipped = tmp_path / "togetherly.zip"
    with zipfile.ZipFile(wheel) as source, zipfile.ZipFile(zipped, "w") as target:
        for name in source.namelist():
            if name.startswith("assistant/"):
                target.writestr(name, source.read(name))
    probe = ("import sys; sys.path.insert(0, sys.argv[1]); import assistant.paths as p;"
             " assert p.__file__.startswith(sys.argv[1]), p.__file__;"
             " from assistant.understanding.intents import IntentSet;"
             " from assistant.dialogue.responses import Responses;"
             " d = p.language_dir(); s = IntentSet.load_dir(d); Responses.load_dir(d / 'responses');"
             " print(len(s.phrases()), len(list((d / 'decks').glob('*.yaml'))))")
    result = _run(venv / "bin" / "python", "-c", probe, zipped, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    phrases, decks = map(int, result.stdout.split())
    assert phrases > 1000 and decks == 4


def test_the_installed_product_hears_with_nothing_it_never_imports(installed: tuple[Path, Path, str],
                                                                  tmp_path: Path) -> None:
    """No audio decoder, SciPy or scikit-learn is installed (Whisper's input and the classifier's fit are the
    product's own), the installed Whisper still hears a spoken command, and the whole virtualenv stays within
    the 700 MB budget of a Raspberry Pi's SD card."""
    venv, _, _ = installed
    wav = synthesize_piper("start our check-in", tmp_path / "said.wav")
    probe = ("import importlib.util as u, sys; from assistant.audio.samples import read_wav;"
             " from assistant.hearing.engines.whisper_engine import WhisperRecognizer;"
             " print([m for m in ('faster_whisper', 'av', 'scipy', 'sklearn') if u.find_spec(m)]);"
             " from pathlib import Path; print(WhisperRecognizer().transcribe(read_wav(Path(sys.argv[1]))).text)")
    heard = _run(venv / "bin" / "python", "-c", probe, wav, cwd=tmp_path, timeout=120)
    assert heard.returncode == 0, heard.stderr
    absent, text = heard.stdout.split("\n")[:2]
    assert absent == "[]" and "start our check" in text.lower(), heard.stdout
    sizes = _run(venv / "bin" / "python", CHECKOUT / "scripts" / "venv_size.py", cwd=tmp_path)
    assert sizes.returncode == 0, sizes.stderr
    total = int(sizes.stdout.strip().splitlines()[-1].split("**")[3])
    assert total <= 700, sizes.stdout
