"""Hostile and odd inputs, property-based: whatever arrives, the matcher answers, the loaders load or raise
their own specific error (DataFileError, ConfigError, AudioFormatError), and nothing is written.

Examples per property: $TOGETHERLY_FUZZ_EXAMPLES (default 60; scripts/reliability.py runs more).
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import tempfile
import wave
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assistant.audio.samples import SAMPLE_RATE, iter_wav_blocks
from assistant.config import Settings, load_settings
from assistant.dialogue.decks import load_deck
from assistant.dialogue.responses import Responses
from assistant.errors import AudioFormatError, ConfigError, DataFileError
from assistant.paths import language_dir
from assistant.understanding.intents import IntentSet
from assistant.understanding.matcher import IntentMatcher

EXAMPLES = int(os.environ.get("TOGETHERLY_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
ROOT = Path(__file__).resolve().parents[2]

LANGUAGE = language_dir()
MATCHER = IntentMatcher(IntentSet.load_dir(LANGUAGE))
INTENTS = MATCHER.intents.names()

ANY_CHAR = st.characters(exclude_categories=())
"""Any code point at all: control characters, lone surrogates, unassigned ones."""


@contextmanager
def folder(*copied: Path) -> Iterator[Path]:
    """A fresh temporary folder per example (pytest's tmp_path is one per test, not per example)."""
    with tempfile.TemporaryDirectory() as name:
        for path in copied:
            shutil.copy(path, name)
        yield Path(name)


def snapshot(directory: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(directory)): (p.stat().st_size, p.stat().st_mtime_ns) for p in directory.rglob("*")}


def loads_or_refuses(directory: Path, load: Callable[[], object], error: type[Exception]) -> None:
    """`load` returns or raises `error` (with a message), and writes nothing."""
    before = snapshot(directory)
    try:
        load()
    except error as exc:
        assert str(exc)
    assert snapshot(directory) == before, "loading wrote something"


# -- the matcher ------------------------------------------------------------------------------------------


@FUZZ
@given(st.text(ANY_CHAR, max_size=400), st.none() | st.lists(st.sampled_from(INTENTS), max_size=4))
@example("", None)
@example("\x00\x07\x1b[2J\r\n\t", None)
@example("٣٠ 二十 ⅻ 10⁶ 999999999999 -1 0.5", None)
@example("stop" * 1000, ["stop"])
def test_the_matcher_answers_anything(text: str, allowed: list[str] | None) -> None:
    match = MATCHER.match(text, allowed)
    assert match.intent is None or match.intent in (allowed if allowed is not None else INTENTS)
    assert 0.0 <= match.score <= 100.0
    assert all(name in INTENTS for name, _ in match.alternatives)


@pytest.mark.slow
@pytest.mark.parametrize("make", [
    lambda: "".join(chr(c) for c in np.random.default_rng(1).integers(0, 0x10FFFF, 1_000_000)),
    lambda: "start our check-in " * 55_000,
    lambda: "\x00" * 1_000_000,
])
def test_a_megabyte_utterance_is_rejected_not_a_crash(make: Callable[[], str]) -> None:
    text = make()
    assert len(text) >= 1_000_000
    match = MATCHER.match(text)
    assert match.intent is None


# -- data files: intents, responses, decks, config ------------------------------------------------------

KEYS = ["intents", "sentences", "lists", "range", "values", "from", "to", "step", "in", "out", "description",
        "fillers", "contractions", "title", "source", "questions", "id", "depth", "category", "text",
        "partner_one", "partner_two", "engine", "vosk_model", "break_minutes", "evening_steps", "start_checkin",
        "light", "fun", "checkin", "hug"]
TEMPLATES = st.text(st.sampled_from("ab ()|[]{}<>,.'-n_0"), max_size=16) | st.sampled_from(
    ["(a|b) [c]", "{n}", "{missing}", "[", "(a|", "{", "}", "hug for {n} seconds", "", " ", "[[a]]", "(|)"])
SCALARS = (st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.floats() | st.text(ANY_CHAR, max_size=20)
           | TEMPLATES | st.sampled_from(KEYS))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=5), max_leaves=20)


@st.composite
def intent_documents(draw: st.DrawFn) -> object:
    """Close to a real intents file, so the checks past the YAML layer are reached too."""
    def a_list() -> object:
        if draw(st.booleans()):
            return {"range": {"from": draw(st.integers(-2, 30)), "to": draw(st.integers(-2, 30)),
                              **({"step": draw(st.integers(-1, 5))} if draw(st.booleans()) else {})}}
        return {"values": draw(st.lists(st.integers(0, 99) | st.text(max_size=8)
                                        | st.fixed_dictionaries({"in": st.text(max_size=8), "out": SCALARS}),
                                        max_size=3))}
    intents = {}
    for name in draw(st.lists(st.sampled_from([*INTENTS[:3], "mine", "x"]), max_size=3)):
        spec: dict[str, object] = {"sentences": draw(st.lists(TEMPLATES, max_size=4))}
        if draw(st.booleans()):
            spec["lists"] = {n: a_list() for n in draw(st.lists(st.sampled_from(["n", "missing", "m"]), max_size=2))}
        intents[name] = spec
    return {"intents": intents}


def yaml_text(value: object) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False)


@st.composite
def documents(draw: st.DrawFn, shaped: st.SearchStrategy[object] = VALUES) -> bytes:
    """A data file's bytes: well-formed YAML of a random or near-right shape, cut short, not YAML, not UTF-8."""
    kind = draw(st.sampled_from(["shaped", "random", "cut", "text", "bytes", "special"]))
    if kind == "shaped":
        return yaml_text(draw(shaped)).encode()
    if kind == "random":
        return yaml_text(draw(VALUES)).encode()
    if kind == "cut":
        text = yaml_text(draw(shaped)).encode()
        return text[:draw(st.integers(0, len(text)))]
    if kind == "text":
        return draw(st.text(ANY_CHAR, max_size=200)).encode("utf-8", "surrogatepass")
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    return draw(st.sampled_from(SPECIAL_YAML)).encode()


SPECIAL_YAML = [
    "", "\n", "# only a comment\n", "---\n...\n", "~", "[]", "{}", "? [a, b]\n: c\n", "a: &x [1, *x]\n",
    "intents: &x\n  a: *x\n", "a: !!python/object/apply:os.system ['true']\n", "a: !!binary '%%%'\n",
    "[" * 600 + "]" * 600, "intents:\n  stop:\n    sentences: [a]\n  stop:\n    sentences: [b]\n",
    "intents:\n  stop:\n    sentences: [a]\n    sentences: [b]\n", "a: b\n\tc: d\n", "\ufeffintents: {}\n",
    "a: 1\n---\nb: 2\n", "x: " + "y" * 20_000 + "\n",
]


@pytest.mark.slow
@FUZZ
@given(documents(intent_documents()), st.sampled_from(["mine.yaml", "normalize.yaml", "core.yaml"]))
def test_intent_files_load_or_raise_a_data_file_error(content: bytes, name: str) -> None:
    with folder(LANGUAGE / "normalize.yaml") as directory:
        (directory / "core.yaml").write_text("intents:\n  stop:\n    sentences: [stop, cancel]\n")  # to clash with
        (directory / name).write_bytes(content)
        loads_or_refuses(directory, lambda: IntentSet.load_dir(directory), DataFileError)


@FUZZ
@given(documents(st.dictionaries(st.sampled_from(["greet", "ask_{name}", "bye"]) | st.text(max_size=5),
                                 st.lists(st.text(st.sampled_from("ab {}!{name}0:[]."), max_size=12), max_size=3)
                                 | SCALARS, max_size=4)))
def test_response_files_load_or_raise_a_data_file_error(content: bytes) -> None:
    with folder() as directory:
        (directory / "mine.yaml").write_bytes(content)
        loads_or_refuses(directory, lambda: Responses.load_dir(directory), DataFileError)


DECKS = st.fixed_dictionaries({"title": SCALARS, "questions": st.lists(st.fixed_dictionaries({
    "id": st.sampled_from(["q1", "q2", "bad id", ""]) | st.text(max_size=6),
    "depth": st.sampled_from(["light", "deeper", "vulnerable", "deep"]),
    "category": st.sampled_from(["fun", "dreams", "gossip"]), "text": SCALARS}), max_size=3)})


@FUZZ
@given(documents(DECKS))
def test_deck_files_load_or_raise_a_data_file_error(content: bytes) -> None:
    with folder() as directory:
        (directory / "mine.yaml").write_bytes(content)
        loads_or_refuses(directory, lambda: load_deck(directory / "mine.yaml"), DataFileError)


CONFIGS = st.dictionaries(st.sampled_from(list(Settings.model_fields)) | st.text(max_size=6), SCALARS
                          | st.lists(st.sampled_from(["checkin", "hug", "dance"]), max_size=3), max_size=5)


@FUZZ
@given(documents(CONFIGS))
def test_the_config_file_loads_or_raises_a_config_error(content: bytes) -> None:
    with folder() as directory:
        (directory / "config.yaml").write_bytes(content)
        loads_or_refuses(directory, lambda: load_settings(directory), ConfigError)


# -- WAV files --------------------------------------------------------------------------------------------


@st.composite
def wav_bytes(draw: st.DrawFn) -> bytes:
    """A RIFF/WAVE file with any header values, any payload, possibly cut short anywhere."""
    tag = draw(st.sampled_from([1, 1, 1, 3, 0xFFFE, 0]) | st.integers(0, 0xFFFF))
    channels = draw(st.sampled_from([1, 2, 6]) | st.integers(0, 0xFFFF))
    rate = draw(st.sampled_from([8000, 16000, 44100, 48000, 7999]) | st.integers(0, 2**32 - 1))
    bits = draw(st.sampled_from([8, 16, 24, 32, 64]) | st.integers(0, 0xFFFF))
    align = draw(st.just(channels * ((bits + 7) // 8)) | st.integers(0, 0xFFFF)) & 0xFFFF
    fmt = struct.pack("<HHIIHH", tag, channels, rate, (rate * align) & 0xFFFFFFFF, align, bits)
    payload = draw(st.binary(max_size=3000))
    size = draw(st.just(len(payload)) | st.integers(0, 2**32 - 1))
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", size) + payload
    riff = b"RIFF" + struct.pack("<I", len(body)) + body
    return riff[:draw(st.integers(0, len(riff)))] if draw(st.booleans()) else riff


@FUZZ
@given(wav_bytes() | st.binary(max_size=600))
@example(b"")
@example(b"RIFF")
def test_any_wav_bytes_stream_or_raise_an_audio_format_error(content: bytes) -> None:
    with folder() as directory:
        path = directory / "in.wav"
        path.write_bytes(content)
        before = snapshot(directory)
        try:
            for block in iter_wav_blocks(path):
                assert block.dtype == np.int16 and block.ndim == 1
        except AudioFormatError as exc:
            assert "in.wav" in str(exc)
        assert snapshot(directory) == before


@FUZZ
@given(st.sampled_from([8000, 11025, 16000, 22050, 44100, 48000]), st.integers(1, 2), st.sampled_from([1, 2, 3, 4]),
       st.floats(0.0, 0.5))
def test_every_pcm_format_becomes_16k_mono_of_the_same_length(rate: int, channels: int, width: int,
                                                              seconds: float) -> None:
    frames = int(rate * seconds)
    with folder() as directory:
        path = directory / "in.wav"
        with wave.open(str(path), "wb") as out:
            out.setnchannels(channels)
            out.setsampwidth(width)
            out.setframerate(rate)
            out.writeframes(np.random.default_rng(0).integers(0, 256, frames * channels * width, np.uint8).tobytes())
        total = sum(block.size for block in iter_wav_blocks(path))
    assert abs(total - frames * SAMPLE_RATE / rate) <= 0.01 * SAMPLE_RATE


@pytest.mark.slow
@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p.mkdir(), "is a directory"),
    (lambda p: None, "no such file"),
])
def test_the_command_refuses_a_folder_or_a_missing_file_for_wav(tmp_path: Path, make: Callable[[Path], None],
                                                                  message: str) -> None:
    path = tmp_path / "in.wav"
    make(path)
    result = subprocess.run([sys.executable, "-m", "assistant", "--wav", str(path), "--data-dir",
                             str(tmp_path / "data")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "data" / "notes.json").exists()


LONG_WAV_READER = """
import resource, sys
from pathlib import Path
from assistant.audio.sources import WavFilesSource
source = WavFilesSource([Path(sys.argv[1])], pause_seconds=0.0)
total = 0
while (block := source.read()) is not None:
    total += block.size
print(total, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def write_long_wav(path: Path, seconds: int, rate: int = 8000) -> int:
    """An 8-bit mono WAV written a second at a time (never whole in memory); its size in bytes."""
    second = np.random.default_rng(2).integers(96, 160, rate, dtype=np.uint8).tobytes()  # quiet noise
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(rate)
        for _ in range(seconds):
            out.writeframesraw(second)
    return path.stat().st_size


@pytest.mark.slow
def test_a_two_hour_recording_is_streamed_not_loaded(tmp_path: Path) -> None:
    two_hours = 2 * 3600
    size = write_long_wav(tmp_path / "long.wav", two_hours)
    write_long_wav(tmp_path / "short.wav", 1)

    def read(name: str) -> tuple[int, int]:
        done = subprocess.run([sys.executable, "-c", LONG_WAV_READER, str(tmp_path / name)], capture_output=True,
                              text=True, timeout=300, cwd=ROOT, check=True)
        samples, peak = done.stdout.split()
        return int(samples), int(peak)

    samples, peak = read("long.wav")
    _, baseline = read("short.wav")
    assert abs(samples - two_hours * SAMPLE_RATE) < SAMPLE_RATE, "all two hours came through, at 16 kHz"
    # Loaded whole, the file alone (57 MB) and its 16 kHz form (230 MB) would show; streamed, almost nothing does.
    assert peak - baseline < size // 4, f"peak memory grew by {(peak - baseline) >> 20} MiB"
