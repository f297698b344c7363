"""Speech recognition behind one small interface, with pluggable engines (Whisper, pocketsphinx, Vosk).

A recognizer is streamed: `start()` opens a session for one utterance, audio blocks are fed while the
person speaks (so decoding overlaps speech), and `finish()` returns the transcript once the
endpointer says the utterance ended.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from assistant.audio.samples import Samples


@dataclass(frozen=True)
class Transcript:
    text: str
    """Recognized words (lower case from pocketsphinx and Vosk; Whisper writes case and punctuation);
    empty when nothing usable was heard (a no-match, not an error)."""
    confidence: float
    """0..1: the weakest word's confidence (engine posterior); 0 when nothing was heard."""
    alternatives: tuple[str, ...] = ()
    """Other readings of the same audio, likelier first (Whisper's beam); none from engines that give one."""
    doubtful: bool = False
    """The engine itself doubts there was speech (Whisper's no-speech probability near its gate): words it
    may have invented in noise. Engines that cannot tell leave it False."""


NOTHING_HEARD = Transcript("", 0.0)


class RecognitionSession(Protocol):
    def feed(self, samples: Samples) -> None:
        """More 16 kHz mono int16 audio of the current utterance."""

    def partial(self) -> str:
        """The best guess so far (lower case; "" for none), without ending the utterance: cheap enough
        to ask every frame, so the listener can end a command that is already complete."""

    def silence(self, seconds: float, *, fed_all: bool = False) -> None:
        """The listener has seen `seconds` of silence after the words fed so far (0: speech again). A
        streaming engine needs nothing of it; one that decodes whole utterances (Whisper) decodes ahead
        during a pause and keeps that result if nothing but silence follows. `fed_all`: nothing more will
        be fed unless speech resumes (a command that may end early), so a decode now is the end's."""

    def finish(self) -> Transcript:
        """End the utterance and return what was heard."""


class Recognizer(Protocol):
    name: str
    """Engine name for logs and `togetherly understand`."""

    def start(self, phrases: Sequence[str] | None, paraphrases: bool = False) -> RecognitionSession:
        """Begin an utterance. `phrases` restricts recognition to those sentences (command mode, with a
        garbage path so other speech is not forced onto a phrase); None means open vocabulary.
        `paraphrases`: the caller's matcher understands wordings beyond `phrases`, so an engine with a
        command language model (pocketsphinx, given `sentences_heard`) decodes with it instead of the
        exact phrases; engines without one ignore it."""
