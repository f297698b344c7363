"""Whether a free answer was heard well enough to keep: what a couple says is kept for years and read
back, so an empty transcript, one of the recognizer's inventions in noise ("thank you", "you"), one it
doubts itself, a decoding loop or a transcript far too short for the speech it came from is asked for
again, never saved as it is."""

from __future__ import annotations

from collections.abc import Collection

from assistant.hearing.requests import Heard
from assistant.words import words_and_ends

LOOP_WORDS = 5
"""A run of this many words said twice is a decoding loop, not speech ("I held anxious before the dangerous
deployed in this morning. I held anxious before the dangerous deployed")."""
LONG_SPEECH_S = 3.0
MIN_WORDS_PER_S = 0.5
"""Speech of LONG_SPEECH_S or more that comes back as fewer words a second than this lost its words (people
say about 2.5 a second): "we found a quiet bench by the river at lunch" came back empty at 15 dB."""



class Answer(str):
    """A free answer's words, as heard; `unsure` when it was still unclear after being asked again (the
    best reading is kept, and the note says it may be misheard)."""

    unsure: bool = False

    def __new__(cls, text: str, unsure: bool = False) -> Answer:
        answer = super().__new__(cls, text)
        answer.unsure = unsure
        return answer


def misheard(*texts: str | None) -> bool:
    """Any of these answers was kept unsure."""
    return any(isinstance(text, Answer) and text.unsure for text in texts)


def unclear(heard: Heard, not_answers: Collection[str], normalized: str) -> str | None:
    """Why `heard` (a free answer) cannot be kept as it is, or None. `normalized`: its text as the matcher
    normalizes it, to compare with `not_answers`."""
    words = [word for word, _ in words_and_ends(heard.text)]
    if not words:
        return "empty"
    if normalized in not_answers:
        return "not an answer"
    if heard.doubtful:  # the recognizer's own doubt (Whisper: no-speech probability near its gate)
        return "doubtful"
    if loop_start(heard.text) is not None:
        return "looping"
    if heard.speech_s >= LONG_SPEECH_S and len(words) / heard.speech_s < MIN_WORDS_PER_S:
        return "too short"
    return None


def loop_start(text: str) -> int | None:
    """Where in `text` its words start over (the offset just before a LOOP_WORDS run seen before), or None."""
    found = words_and_ends(text)
    words = [word for word, _ in found]
    seen: dict[tuple[str, ...], int] = {}
    for start in range(len(words) - LOOP_WORDS + 1):
        run = tuple(words[start:start + LOOP_WORDS])
        if run in seen and seen[run] + LOOP_WORDS <= start:
            return found[start - 1][1]
        seen.setdefault(run, start)
    return None


def best_reading(*heard: Heard) -> str:
    """The fullest text among unclear readings, a loop cut at its repeat ("" when none has words)."""
    texts = []
    for one in heard:
        cut = loop_start(one.text)
        texts.append((one.text[:cut] if cut is not None else one.text).strip(" ,;:-"))
    return max(texts, key=lambda text: len(words_and_ends(text)), default="")
