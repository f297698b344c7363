"""Chimes made in code: soft sine notes with a smooth fade in and out, so they never click.

A chime is a few notes (frequency, start, length), each a sine with a little second harmonic for
warmth, shaped by a raised-cosine attack and release; notes may overlap like a bell's ring. The
result is mono int16 at the speech rate, played through the same AudioSink as speech.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

RATE = 22_050
"""The rate pyttsx3 speaks at, so chimes and speech share one output format."""
PEAK = 0.3
"""Loudest sample as a fraction of full scale: a chime should be gentle, never startling."""
ATTACK_S = 0.015
HARMONIC = 0.15
"""Level of the octave overtone relative to the fundamental."""


@dataclass(frozen=True)
class ChimeNote:
    freq: float
    """Fundamental frequency in Hz."""
    start: float
    """Seconds from the start of the chime."""
    seconds: float


CHIMES: dict[str, tuple[ChimeNote, ...]] = {
    # A rising fifth: "here we go", short enough not to talk over the moment.
    "hug_start": (ChimeNote(523.25, 0.0, 0.35), ChimeNote(783.99, 0.18, 0.55)),
    # A falling third that rings out: "that's it", gentle and final.
    "hug_end": (ChimeNote(659.25, 0.0, 0.6), ChimeNote(523.25, 0.3, 1.0)),
    # Three soft rising notes to come back from a break without a jolt.
    "break_end": (ChimeNote(392.0, 0.0, 0.8), ChimeNote(493.88, 0.35, 0.8), ChimeNote(587.33, 0.7, 1.2)),
    # One soft note: "I'm listening", after the wake phrase said on its own.
    "listening": (ChimeNote(587.33, 0.0, 0.3),),
}


def envelope(size: int, rate: int = RATE, attack_s: float = ATTACK_S) -> npt.NDArray[np.float64]:
    """Raised-cosine attack, then a cosine-shaped decay to exactly zero at the last sample."""
    if size <= 1:
        return np.zeros(size)
    attack = min(max(1, round(attack_s * rate)), size - 1)
    env = np.empty(size)
    env[:attack] = 0.5 - 0.5 * np.cos(np.pi * np.arange(attack) / attack)
    decay = size - attack
    env[attack:] = 0.5 + 0.5 * np.cos(np.pi * np.arange(decay) / (decay - 1 if decay > 1 else 1))
    return env


def sine_note(freq: float, seconds: float, rate: int = RATE) -> npt.NDArray[np.float64]:
    """One enveloped note in -1..1 (before the chime's overall level is applied)."""
    t = np.arange(round(seconds * rate)) / rate
    wave = np.sin(2 * np.pi * freq * t) + HARMONIC * np.sin(4 * np.pi * freq * t)
    return wave * envelope(t.size, rate) / (1 + HARMONIC)


def render(notes: tuple[ChimeNote, ...], rate: int = RATE, peak: float = PEAK) -> npt.NDArray[np.int16]:
    """Mix the notes and scale the loudest sample to `peak` of full scale."""
    placed = [(round(n.start * rate), sine_note(n.freq, n.seconds, rate)) for n in notes]
    mix = np.zeros(max(start + tone.size for start, tone in placed))
    for start, tone in placed:
        mix[start:start + tone.size] += tone
    mix *= peak / max(float(np.max(np.abs(mix))), 1e-9)
    return np.round(mix * 32767).astype(np.int16)


@cache
def _cached(name: str) -> npt.NDArray[np.int16]:
    samples = render(CHIMES[name])
    samples.setflags(write=False)  # shared between plays: nobody may change it
    return samples


def chime(name: str) -> tuple[npt.NDArray[np.int16], int]:
    """The named chime's samples and rate, rendered once: playing it must not wait on numpy."""
    if name not in CHIMES:
        raise KeyError(f"no chime named {name!r}; known: {', '.join(sorted(CHIMES))}")
    return _cached(name), RATE


def softened(name: str, volume: float) -> tuple[npt.NDArray[np.int16], int]:
    """The named chime at `volume` (0-1) of its loudness: the night's softer chime."""
    samples, rate = chime(name)
    if volume >= 1.0:
        return samples, rate
    return np.round(samples * max(0.0, volume)).astype(np.int16), rate


__all__ = ["CHIMES", "RATE", "ChimeNote", "chime", "envelope", "render", "sine_note", "softened"]
