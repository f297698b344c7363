"""Whisper (tiny.en by default) on CTranslate2: the accurate English recognizer, installed with pip.

Whisper writes what was said, whole, so commands are judged by the matcher and classifier on its
transcript exactly as typed words are. It does not stream: the utterance is decoded at its end, or
speculatively as soon as the listener has seen a short silence (`RecognitionSession.silence`), so the
result is usually ready by the time the endpointer ends the utterance.

Decoding is deliberately plain (measured, docs/measurements.md "Speech engines"): a small beam at temperature 0 (a
temperature fallback once took 19 s on 3 s of babble), no prompt (a domain prompt makes Whisper "hear"
commands in pure noise), features padded to 10 s rather than 30 s (no accuracy lost, ~4x faster), a
length cap, loops cut, and a no-speech / log-probability gate against what it invents from noise.
"""

from __future__ import annotations

import logging
import math
import os
import re
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.audio.samples import SAMPLE_RATE, Samples
from assistant.errors import ModelError
from assistant.hearing.engines.whisper_input import WhisperTokens, log_mel
from assistant.hearing.engines.whisper_model import WhisperModelFiles
from assistant.hearing.recognizer import NOTHING_HEARD, Transcript
from assistant.words import words as split_words

log = logging.getLogger(__name__)

FRAMES_PER_SECOND = 100
"""Whisper's log-mel features: one frame per 10 ms."""
SHORT_WINDOW_S = 10
"""Utterances up to this long are padded to it (commands, most answers)."""
FULL_WINDOW_S = 30
"""Whisper's own window: utterances over 15 s use it, and longer ones are cut into windows of it."""
SPECULATE_AFTER_S = 0.25
"""Silence after which the utterance so far is decoded ahead of its end; earlier cuts clip the last word.
A command the listener may end early is decoded sooner, once it feeds nothing more (`fed_all`): that
decode hears exactly the audio the end would (measured: the same words, 160 of 160 dev sentences)."""
BEAM_SIZE = 4
"""Measured on the dev split (Piper and flite voices, the live matcher on the transcript): against greedy,
commands right clean 95.0 -> 95.0% and 91.9 -> 93.5%, at 15 dB 88.5 -> 90.7% and 67.9 -> 70.1%, false
accepts unchanged; a beam of 2 gained less for flite. It costs ~8 ms a command (57 -> 65 ms p50)."""
_WORDS = re.compile(r"\S+")


@dataclass(frozen=True)
class Gate:
    """When a decode is taken as nothing heard. Tuned on 13 noise and silence clips (silence, white, pink,
    babble, hum, clicks, breath: Whisper's no-speech probability 0.82-0.96) against 45 spoken commands
    and answers in two voices, clean and at 15 dB (0.01-0.66); tests/hearing/test_whisper_engine.py keeps both
    sides. The mean log-probability does not separate them (noise down to -0.24, a clean "next" -3.2)."""

    max_no_speech: float = 0.75
    """Whisper's own probability that the window holds no speech; above this, nothing was said."""
    doubt_no_speech: float = 0.6
    """Above this the words may be invented: three seconds of loud white noise came back as "I can't do it."
    at 0.72, where 24 spoken answers in three voice families, clean and at 15 dB, stayed at or under 0.21. A
    free answer this doubtful is asked for again (`assistant.dialogue.answers`); commands are not affected."""

    def confidence(self, no_speech: float) -> float:
        """0..1 on the scale the conversation's gate uses: 0.5 at the threshold, 1 for certain speech."""
        return round(max(0.0, 1.0 - 0.5 * no_speech / self.max_no_speech), 3)


def window_frames(seconds: float) -> int:
    """Feature frames to decode `seconds` of audio with: 10 s up to 10 s, then to the next second, and
    Whisper's full 30 s window beyond 15 s."""
    if seconds <= SHORT_WINDOW_S:
        return SHORT_WINDOW_S * FRAMES_PER_SECOND
    if seconds <= 15:
        return math.ceil(seconds) * FRAMES_PER_SECOND
    return FULL_WINDOW_S * FRAMES_PER_SECOND


def cut_loops(text: str) -> str:
    """Cut the loop Whisper falls into when it loses its place, keeping the first time round: a run of
    three or more words said twice in a row ("we need a break we need a break"), or a word or two said
    three times in a row ("stop stop stop stop"). "No, no." and "Goodbye! Goodbye!" stay."""
    words = _WORDS.findall(text)
    plain = [re.sub(r"[^\w']", "", w.lower()) for w in words]
    for start in range(len(words)):
        for size in range(1, (len(words) - start) // 2 + 1):
            times = 2 if size >= 3 else 3
            if all(plain[start:start + size] == plain[start + k * size:start + (k + 1) * size]
                   for k in range(1, times)):
                return " ".join(words[:start + size])
    return text


def split_long(samples: Samples, window_s: int = FULL_WINDOW_S) -> list[Samples]:
    """Audio longer than Whisper's window, cut into windows at the quietest 20 ms of each one's last 5 s,
    so no word is split between two decodes."""
    size, frame = window_s * SAMPLE_RATE, SAMPLE_RATE // 50
    pieces: list[Samples] = []
    while samples.size > size:
        tail = samples[size - 5 * SAMPLE_RATE:size].astype(np.float32)
        energy = np.add.reduceat(tail * tail, np.arange(0, tail.size, frame))
        cut = size - 5 * SAMPLE_RATE + int(np.argmin(energy)) * frame
        pieces.append(samples[:cut])
        samples = samples[cut:]
    return [*pieces, samples]


def _usable_cores() -> int:
    """The cores this process may run on (a pinned service, a container), not all the machine has: more
    threads than cores only wait for each other."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


class WhisperRecognizer:
    name = "whisper"

    def __init__(self, files: WhisperModelFiles | None = None, threads: int | None = None,
                 gate: Gate | None = None) -> None:
        files = files or WhisperModelFiles.installed()
        files.verify()
        try:
            import ctranslate2  # noqa: PLC0415 - native library, load on demand
            import tokenizers  # noqa: PLC0415
        except ImportError as exc:
            raise ModelError("Whisper needs ctranslate2 and tokenizers: pip install togetherly "
                             "(or: pip install ctranslate2 tokenizers)") from exc
        threads = threads or _usable_cores()
        try:
            self._model = ctranslate2.models.Whisper(str(files.folder), device="cpu", compute_type="int8",
                                                     intra_threads=threads)
            tokenizer = tokenizers.Tokenizer.from_file(str(files.folder / "tokenizer.json"))
            self._tokens = WhisperTokens.of(tokenizer, self._model.is_multilingual)
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(f"the Whisper model in {files.folder} could not be loaded ({exc}); "
                             f"{files.fix}") from exc
        self._bands = self._model.n_mels
        self._prompt = list(self._tokens.prompt)
        self.gate = gate or Gate(files.max_no_speech)
        self.model_name = files.name
        # One decode at a time: a speculative decode and the final one share the model and its threads.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="whisper")
        self._lock = threading.Lock()

    def start(self, phrases: Sequence[str] | None, paraphrases: bool = False) -> WhisperSession:
        # Whisper is never restricted to phrases: what it writes is judged by the matcher (allowed intents).
        return WhisperSession(self)

    def transcribe(self, samples: Samples) -> Transcript:
        """One utterance of 16 kHz int16 audio, decoded whole (longer than 30 s: window by window)."""
        pieces = [self._decode(piece) for piece in split_long(samples)]
        heard = [t for t in pieces if t.text]
        if not heard:
            return NOTHING_HEARD
        if len(pieces) == 1:
            return heard[0]
        return Transcript(" ".join(t.text for t in heard), min(t.confidence for t in heard),
                          doubtful=any(t.doubtful for t in heard))

    def submit(self, samples: Samples) -> Future[Transcript]:
        return self._worker.submit(self.transcribe, samples)

    def _decode(self, samples: Samples) -> Transcript:
        import ctranslate2  # noqa: PLC0415 - loaded by __init__ already

        seconds = samples.size / SAMPLE_RATE
        if seconds < 0.1:
            return NOTHING_HEARD
        audio = samples.astype(np.float32) / 32768.0
        mel = log_mel(audio, self._bands)
        frames = window_frames(seconds)
        mel = mel[:, :frames] if mel.shape[1] >= frames else np.pad(mel, ((0, 0), (0, frames - mel.shape[1])))
        features = ctranslate2.StorageView.from_array(np.ascontiguousarray(mel[None], dtype=np.float32))
        cap = int(8 + 5 * seconds)  # tokens: far more than anyone says, far fewer than a loop runs to
        with self._lock:
            result: Any = self._model.generate(features, [self._prompt], beam_size=BEAM_SIZE, num_hypotheses=BEAM_SIZE,
                                               sampling_temperature=0.0,
                                               max_length=len(self._prompt) + cap, return_scores=True,
                                               return_no_speech_prob=True, suppress_blank=True,
                                               suppress_tokens=[-1])[0]
        readings = [cut_loops(self._tokens.text(ids)) for ids in result.sequences_ids]
        text, tokens = readings[0], result.sequences_ids[0]
        avg_logprob = float(result.scores[0]) if result.scores else -10.0
        no_speech = float(result.no_speech_prob)
        words = split_words(text)
        log.debug("whisper: %d tokens, no_speech=%.2f avg_logprob=%.2f", len(tokens), no_speech, avg_logprob)
        if not words or no_speech > self.gate.max_no_speech:  # noise comes out as ".", "you", "Thank you."
            return NOTHING_HEARD
        others = tuple(dict.fromkeys(r for r in readings[1:] if split_words(r) and r != text))
        return Transcript(text, self.gate.confidence(no_speech), others, doubtful=no_speech > self.gate.doubt_no_speech)


class WhisperSession:
    """One utterance: audio collected as it comes, decoded ahead once a pause is seen, and at the end."""

    partial_is_final = True
    """`partial()` is the decode ahead, of all the audio so far: the end would give the same words."""

    def __init__(self, recognizer: WhisperRecognizer) -> None:
        self._recognizer = recognizer
        self._blocks: list[Samples] = []
        self._ahead: Future[Transcript] | None = None
        """A speculative decode of the utterance up to a pause, while nothing but silence has followed."""

    def feed(self, samples: Samples) -> None:
        self._blocks.append(samples)

    def silence(self, seconds: float, *, fed_all: bool = False) -> None:
        if seconds <= 0:
            if self._ahead is not None:  # speech resumed: what was decoded ahead is not the whole utterance
                self._ahead.cancel()
                self._ahead = None
        elif (seconds >= SPECULATE_AFTER_S or fed_all) and self._ahead is None:
            self._ahead = self._recognizer.submit(self._audio())

    def partial(self) -> str:
        if self._ahead is not None and self._ahead.done():
            return self._ahead.result().text
        return ""

    def finish(self) -> Transcript:
        if self._ahead is not None:
            # Kept only when nothing but silence followed: the listener reset it otherwise.
            return self._ahead.result()
        return self._recognizer.transcribe(self._audio())

    def _audio(self) -> Samples:
        if len(self._blocks) > 1:
            self._blocks = [np.concatenate(self._blocks)]
        return self._blocks[0] if self._blocks else np.zeros(0, dtype=np.int16)
