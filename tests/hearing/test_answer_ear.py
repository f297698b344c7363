"""Two ears (`better_answers: true`), through `togetherly --wav` with the real models: commands on Whisper
tiny.en, the check-in's answers on Whisper base (put together from its packages at the first start) and saved
word for word; with base damaged, tiny.en hears the answers and that is said once. Off, tiny.en hears all."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.eval_answers import normalized
from tests.support.speech_fixtures import synthesize_flite, synthesize_piper

pytestmark = [pytest.mark.audio, pytest.mark.slow]

ANSWERS = ["We finally finished painting the spare room.", "I missed the bus and got soaked in the rain.",
           "My sister called and we talked for an hour.", "We laughed about the dog stealing a sock."]
"""Past tenses tiny.en writes as presents ("finish", "talk"), kept for years as they were said."""


def check_in(tmp_path: Path, models: Path, better: bool = True) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Sam's answers in the Piper voice, Alex's in flite's."""
    files = [synthesize_piper("Start our check-in.", tmp_path / "start.wav"),
             *(synthesize_piper(text, tmp_path / f"{i}.wav") for i, text in enumerate(ANSWERS[:2])),
             *(synthesize_flite(text, tmp_path / f"{i + 2}.wav") for i, text in enumerate(ANSWERS[2:])),
             synthesize_piper("Goodbye.", tmp_path / "bye.wav")]
    data = tmp_path / "data"
    data.mkdir()
    (data / "config.yaml").write_text(f"better_answers: {str(better).lower()}\n")
    result = subprocess.run([sys.executable, "-m", "assistant", "--wav", *map(str, files), "--data-dir", str(data),
                             "--models-dir", str(models), "--partner-one", "Sam", "--partner-two", "Alex",
                             "--wake-word", "off"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    [note] = json.loads((data / "notes.json").read_text())["notes"]
    return result, [part[key] for part in note["partners"] for key in ("high", "low")]


def test_a_spoken_check_in_is_kept_word_for_word(tmp_path: Path) -> None:
    models = tmp_path / "models"
    result, kept = check_in(tmp_path, models)
    assert "answers with Whisper base" in result.stderr
    assert (models / "whisper-base" / "model.bin").stat().st_size == 145_217_607, "put together at the start"
    exact = sum(normalized(heard) == normalized(said) for heard, said in zip(kept, ANSWERS, strict=True))
    assert exact >= len(ANSWERS) - 1, kept  # measured: 4/4 or 3/4 ("the sock"), as Piper's draws fall


def test_with_base_damaged_tiny_en_hears_the_answers_and_says_so_once(tmp_path: Path) -> None:
    models = tmp_path / "models"
    (models / "whisper-base").mkdir(parents=True)
    for name in ("config.json", "tokenizer.json", "vocabulary.json", "model.bin"):
        (models / "whisper-base" / name).write_bytes(b"damaged")
    result, kept = check_in(tmp_path, models)
    assert "answers are heard by Whisper tiny.en" in result.stderr
    assert result.stdout.count("my sharper ear for your answers isn't working") == 1
    assert len([text for text in kept if text]) == 4, "every answer is still kept"

