"""Barge-in: while the assistant speaks, a small command grammar listens on the microphone, and a
confident "stop" (or skip, next, repeat, pause) cuts the speech short and becomes the next thing heard.

The assistant's own voice leaks from the speaker into the microphone. We know exactly what we play, so
first WebRTC's acoustic echo canceller (AEC3, through `pywebrtc-audio`) subtracts its echo from the
microphone signal, learning the room's echo path and the sound card's delay as it goes; the detector
and the recognizer only hear what is left. Then these echo guards apply:
- a double-talk gate: knowing what is being played, a frame counts as someone speaking only when it is
  clearly louder than our echo is expected to be (the echo's level is learned as we speak); without
  echo cancellation, frames below that reach the recognizer as quiet, so the echo is not decoded as words;
- a command word that the line being spoken contains is ignored (it is most likely our own voice), where
  "stop that" counts by "stop", not by a "that" that every line says;
- without echo cancellation, the recognizer's confidence must clear a higher bar than at a prompt;
- for a short guard time after speech ends, what the microphone hears (the echo's tail) is dropped.
Measured in `scripts/bench.py` (catch rate, reaction time, false barge-ins per hour of own speech).
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from assistant.audio.endpointer import FRAME_SAMPLES, Endpointer, EndpointerSettings, Event
from assistant.audio.samples import SAMPLE_RATE, Samples, dithered_silence
from assistant.audio.sources import AudioSource
from assistant.audio.vad import SpeechDetector, default_detector, frame_rms
from assistant.hearing.recognizer import RecognitionSession, Recognizer
from assistant.hearing.requests import Heard
from assistant.words import words as split_words

log = logging.getLogger(__name__)

BARGE_IN_INTENTS = ("stop", "skip", "next", "repeat", "pause_timer")
"""What can be said over the assistant (a pause only means something where a timer runs)."""
MAX_PHRASE_WORDS = 2
"""Only short commands: a long sentence over our own voice is more likely echo than a command."""
PREROLL_FRAMES = 10
"""200 ms kept from before a detected start, so the first consonant reaches the recognizer."""
HANGOVER_FRAMES = 4
_QUIET = dithered_silence(FRAME_SAMPLES / SAMPLE_RATE)
BARGE_IN_ENDPOINTING = EndpointerSettings(trailing_silence_s=0.25, max_utterance_s=2.0)


@dataclass(frozen=True)
class BargeInSettings:
    min_confidence: float = 0.5
    """The recognizer's confidence needed while speaking, as at a prompt: the echo canceller has taken our
    voice out (no false barge-in in 40 minutes of our own speech, scripts/bench.py)."""
    min_confidence_uncancelled: float = 0.8
    """Without echo cancellation our voice reaches the recognizer: a higher bar is the echo margin."""
    guard_s: float = 0.3
    """After speech ends, this much of what the microphone hears is dropped (the echo's tail)."""
    endpointing: EndpointerSettings = BARGE_IN_ENDPOINTING
    """Barge-in words are short: end them quickly so the speech stops soon after."""
    max_command_s: float = 1.5
    """A barge-in is said in one short breath; a longer stretch of speech is more likely our echo."""
    echo_cancellation: bool = True
    """Subtract the echo of what is being played from the microphone (WebRTC AEC3) before listening."""


_FUNCTION_WORDS = frozenset({"it", "that", "this", "please", "on", "now", "one", "me", "i'll", "i'm", "let's",
                             "what", "again", "everything"})
"""Words of the barge-in phrases that nearly every line says too: they tell nothing about an echo."""


def words(text: str) -> set[str]:
    return set(split_words(text))


class BargeInMonitor:
    """Listens on `source` while a line plays; `take()` hands a barge-in over to the listener."""

    def __init__(self, source: AudioSource, recognizer: Recognizer, phrases: Mapping[str, str],
                 settings: BargeInSettings | None = None) -> None:
        """`phrases` maps each sentence of the barge-in grammar to its intent."""
        self.source = source
        self.recognizer = recognizer
        self.phrases = dict(phrases)
        self.settings = settings or BargeInSettings()
        self._detector = default_detector()
        self._pending: Heard | None = None
        self._echo = _EchoEstimate()
        self._canceller = EchoCanceller() if self.settings.echo_cancellation else None
        """One for the whole session: the room's echo path, once learned, serves every line."""

    @property
    def pending(self) -> bool:
        """A barge-in was heard and not yet taken: the rest of this turn's speech is skipped."""
        return self._pending is not None

    def take(self) -> Heard | None:
        """The barge-in heard since the last call, if any, as the listener would have heard it."""
        heard, self._pending = self._pending, None
        return heard

    def watch(self, line: str, playing: Callable[[], bool], stop: Callable[[], None],
              reference: Samples | None = None) -> Heard | None:
        """Listen while `playing()` is true and for the guard time after; on a barge-in call `stop()`.
        `reference` is the sound being played (16 kHz): the microphone must be clearly louder than its
        echo would be for a frame to count as someone speaking over it."""
        self.source.drain()  # what was heard before this line started is not a reaction to it
        played = reference if reference is not None else np.zeros(0, dtype=np.int16)
        heard_samples = 0  # the microphone's position since the line started: what is being played then
        detector = _EchoGate(self._detector, reference, self._echo)
        endpointer = Endpointer(self.settings.endpointing, detector)
        session: RecognitionSession | None = None
        segment = since_speech = 0
        preroll: deque[Samples] = deque(maxlen=PREROLL_FRAMES)
        guard_left: float | None = None
        pending = np.zeros(0, dtype=np.int16)
        while True:
            if guard_left is None and not playing():
                guard_left = self.settings.guard_s
            if guard_left is not None and guard_left <= 0 and session is None:
                return None
            block = self.source.read(0.1)
            if block is None:  # the input has ended
                if session is not None:
                    session.finish()  # close the recognizer's utterance, so the listener can start one
                return None
            pending = np.concatenate([pending, block])
            while pending.size >= FRAME_SAMPLES:
                frame, pending = pending[:FRAME_SAMPLES], pending[FRAME_SAMPLES:]
                if self._canceller is not None:
                    frame = self._canceller.cancel(frame, played[heard_samples:heard_samples + FRAME_SAMPLES])
                heard_samples += FRAME_SAMPLES
                if guard_left is not None:
                    guard_left -= FRAME_SAMPLES / SAMPLE_RATE
                event = endpointer.push(frame)
                if session is None:
                    preroll.append(frame)
                    if event is not Event.START or guard_left is not None:
                        continue
                    session = self.recognizer.start(sorted(self.phrases))
                    segment = 0
                    for earlier in preroll:  # the first consonant came before the start was sure
                        session.feed(earlier)
                    preroll.clear()
                elif self._canceller is not None:
                    session.feed(frame)  # the echo is gone: the room as it is suits the recognizer best
                else:
                    # Frames not clearly above our echo reach the recognizer as quiet, so the echo after a
                    # short command is not decoded as its continuation ("stop" + echo → "stop that").
                    # A short hangover keeps a word's quiet tail (the burst of a final "p").
                    since_speech = 0 if detector.last else since_speech + 1
                    session.feed(frame if since_speech <= HANGOVER_FRAMES else _QUIET)
                segment += 1
                if event is Event.END:
                    heard = self._judge(session, line, segment * FRAME_SAMPLES / SAMPLE_RATE)
                    session = None
                    if heard is not None:
                        stop()
                        self._pending = heard
                        return heard

    def _judge(self, session: RecognitionSession, line: str, seconds: float) -> Heard | None:
        transcript = session.finish()
        intent = self.phrases.get(transcript.text)
        if intent is None:
            return None
        if seconds > self.settings.max_command_s:
            log.info("barge-in %s ignored: %.1f s is too long for a command", intent, seconds)
            return None
        floor = self.settings.min_confidence if self._canceller else self.settings.min_confidence_uncancelled
        if transcript.confidence < floor:
            log.info("barge-in %s ignored: confidence %.2f while speaking", intent, transcript.confidence)
            return None
        # The intent's own word counts too: a line saying "stop" may come back heard as "stop that".
        if ((words(transcript.text) - _FUNCTION_WORDS) | {intent.split("_")[0]}) & words(line):
            log.info("barge-in %s ignored: the line being spoken says it", intent)
            return None
        log.info("barge-in: %s (confidence %.2f)", intent, transcript.confidence)
        return Heard("speech", transcript.text, transcript.confidence)


class EchoCanceller:
    """WebRTC's AEC3 (`pywebrtc-audio`): removes the echo of what we play from what the microphone hears.

    It is told, frame by frame, what was being played as each microphone frame was captured; the delay
    between the two (the sound card's buffers) and the room's echo path are learned, so the reference
    only needs to start with the playback. About 8 ms of added latency, a few percent of one core."""

    def __init__(self) -> None:
        from pywebrtc_audio import EchoCanceller as Aec3  # noqa: PLC0415 - a compiled extension: load on use

        self._aec = Aec3(sample_rate=SAMPLE_RATE, num_channels=1)

    def cancel(self, heard: Samples, played: Samples) -> Samples:
        """`heard`: one microphone frame; `played`: what was being played meanwhile (shorter: silence)."""
        if played.size < heard.size:
            played = np.concatenate([played, np.zeros(heard.size - played.size, dtype=np.int16)])
        return self._aec.process(heard, played)


class _EchoEstimate:
    """How loud our own voice comes back into the microphone, relative to what is played: a high
    percentile of microphone/reference levels over frames where we spoke (the reference is the loudest
    frame of a window, so quiet moments inside it pull lower percentiles down; someone else talking over
    us is rare, so it does not pull it up much)."""

    def __init__(self) -> None:
        self.ratios: deque[float] = deque(maxlen=500)

    @property
    def gain(self) -> float | None:
        return float(np.percentile(self.ratios, 80)) if len(self.ratios) >= 25 else None


class _EchoGate:
    """A speech detector that only counts frames clearly louder than the expected echo (a double-talk
    detector): playback latency is unknown, so the echo is expected from the loudest reference frame
    in the last 300 ms."""

    MARGIN = 2.0
    """6 dB over the expected echo: someone is talking over us."""
    LATENCY_FRAMES = 15
    LOUD_REFERENCE = 300.0

    def __init__(self, inner: SpeechDetector, reference: Samples | None, echo: _EchoEstimate) -> None:
        self._inner = inner
        self._echo = echo
        self._frame = 0
        levels = np.zeros(0)
        if reference is not None and reference.size:
            usable = reference[: reference.size - reference.size % FRAME_SAMPLES].astype(np.float64)
            levels = np.sqrt((usable.reshape(-1, FRAME_SAMPLES) ** 2).mean(axis=1))
        self._levels = levels
        self.last = False
        """The decision on the latest frame."""

    def _expected(self) -> float:
        start = max(0, self._frame - self.LATENCY_FRAMES)
        window = self._levels[start:self._frame + 2]
        return float(window.max()) if window.size else 0.0

    def is_speech(self, frame: Samples) -> bool:
        self.last = self._decide(frame)
        return self.last

    def _decide(self, frame: Samples) -> bool:
        self._frame += 1
        speech = self._inner.is_speech(frame)
        played = self._expected()
        if played < self.LOUD_REFERENCE:
            return speech
        heard = frame_rms(frame)
        self._echo.ratios.append(heard / played)
        gain = self._echo.gain
        return speech and gain is not None and heard > self.MARGIN * gain * played

    def quiet(self, frame: Samples) -> None:
        self._inner.quiet(frame)


def barge_in_phrases(spoken: Mapping[str, str]) -> dict[str, str]:
    """The short sentences (sentence → intent) of the barge-in grammar, from all spoken phrases."""
    return {text: intent for text, intent in spoken.items()
            if intent in BARGE_IN_INTENTS and len(text.split()) <= MAX_PHRASE_WORDS}


__all__ = ["BARGE_IN_INTENTS", "BargeInMonitor", "BargeInSettings", "EchoCanceller", "barge_in_phrases", "words"]
