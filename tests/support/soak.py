"""Soak: one process hears 10,000 utterances, typed and spoken, through every ritual; does it stay the same size?

    .venv/bin/python -m tests.support.soak [--utterances 10000] [--wav-every 1]   (from the checkout)

The real assistant loop (Assistant, Conversation, every flow, the real NotesStore in a temporary folder)
runs once, for the whole soak, over input made round by round: a typed round walks through every ritual
(check-in, question game, hug, kiss, a break with breathing, notes, goals, date night, progress, a
favourite, the evening ritual, agreements, help), and between typed rounds a few espeak-ng recordings go
through SpeechListener + WavFilesSource + pocketsphinx. Time is a ManualClock: a blank typed line, or
silence in a recording, moves it to the next deadline, so hugs and breaks end at once.

Resident memory, threads and open file descriptors are read once the first 500 utterances are heard
(by then every ritual and every recording has run, so caches are warm) and again at the end. The notes
are forgotten before each typed round, as `togetherly notes --forget-all` would: a notes file that grows
is expected, not a leak, and would hide one.
"""

from __future__ import annotations

import gc
import io
import logging
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assistant.audio.samples import dithered_silence, write_wav
from assistant.audio.sources import WavFilesSource
from assistant.clock import ManualClock
from assistant.hearing.recognizer import Recognizer
from assistant.hearing.requests import END, Heard, Listener, ListenRequest
from assistant.hearing.speech_listener import SpeechListener
from assistant.hearing.text_listener import TextListener
from assistant.notes.models import NotesFile
from assistant.notes.query import EntryFilter, forget_selection
from assistant.voice.speaker import PrintSpeaker
from tests.support.harness import Session, make_session

SETTLE_AFTER = 500
BREATHING_AND_BREAK = [""] * 33
"""Silence through every breathing cue and to the end of the break (one spare, heard idle)."""

TYPED_ROUND: tuple[str, ...] = (
    "stop", "stop",  # whatever a recording left unfinished ends here, so the round starts idle
    "start our check-in", "a walk in the sun", "a long meeting", "dinner with you", "traffic",
    "ask us a question", "next", "save that one", "that's enough",
    "time a hug", "",
    "a six second kiss", "",
    "we need a break", "yes", *BREATHING_AND_BREAK,
    "read our agreements",
    "take a note", "buy milk on the way home",
    "what did we say last time", "read our last check-in",
    "let's set a goal", "walk the coast path together", "in a week",
    "review our goals", "no",
    "we had our date night", "yes", "whose turn is it to plan date night",
    "how are we doing",
    "ask a favourite", "next", "that's enough",
    "start our evening ritual", "yes", "a walk", "rain", "cake", "traffic", "yes", "you made tea",
    "the way we laughed", "yes", "next", "yes", "",
    "what can you do", "order a pizza",
    "read our favourites", "change our names", "Sam and Alex",
    "let's do our stress talk", "", "", "yes",  # from a microphone nothing in a turn is heard: the turns run out
)
SILENCE_WAV = "<22 seconds of silence>"


def every_ritual(session: Session) -> tuple[str, ...]:
    """The typed round, then each ritual of the registry it does not start, started by its example and
    stopped: a ritual added later runs in the soak without a line here."""
    intents = session.ctx.matcher.intents
    said = {intents.normalizer.normalize(line) for line in TYPED_ROUND}
    started = [line for flow in session.wired.assistant.flows.rituals()
               if not said & {phrase.text for phrase in intents.phrases(flow.triggers)}
               for line in (intents[flow.triggers[0]].example, "stop", "stop")]
    return (*TYPED_ROUND, *started)
SPOKEN_ROUNDS: tuple[tuple[str, ...], ...] = (
    ("hug for twenty seconds", SILENCE_WAV),
    ("ask us a question", "next", "that's enough"),
    ("take a note", "buy some milk"),
    ("start our check-in", "stop"),
    ("what can you do",),
)


@dataclass(frozen=True)
class Usage:
    rss_kib: int
    threads: int
    fds: int


def usage() -> Usage:
    """This process now, after a full garbage collection (Linux /proc)."""
    gc.collect()
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    status = Path("/proc/self/status").read_text()
    threads = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("Threads:"))
    return Usage(pages * os.sysconf("SC_PAGE_SIZE") // 1024, threads, len(os.listdir("/proc/self/fd")))


@dataclass
class SoakResult:
    typed: int = 0
    """Typed lines heard, blank lines (silence to a deadline) not counted."""
    spoken: int = 0
    """Recordings heard (the silence recording not counted)."""
    silences: int = 0
    flows: Counter[str] = field(default_factory=Counter)
    """How often each ritual was started."""
    lines_said: int = 0
    start: Usage | None = None
    settled: Usage | None = None
    end: Usage | None = None

    @property
    def utterances(self) -> int:
        return self.typed + self.spoken

    @property
    def rss_growth_pct(self) -> float:
        assert self.settled and self.end
        return 100.0 * (self.end.rss_kib - self.settled.rss_kib) / self.settled.rss_kib

    @property
    def steady(self) -> bool:
        """The target: memory within 10% of where it settled, no more threads or descriptors."""
        assert self.settled and self.end
        return (self.rss_growth_pct <= 10.0 and self.end.threads <= self.settled.threads
                and self.end.fds <= self.settled.fds)

    def rows(self) -> list[tuple[str, str]]:
        assert self.start and self.settled and self.end
        s, e = self.settled, self.end
        return [
            ("soak utterances", f"{self.utterances} ({self.typed} typed, {self.spoken} spoken WAV) in one process, "
                                f"{sum(self.flows.values())} rituals run ({len(self.flows)} kinds)"),
            ("soak memory (RSS)", f"{s.rss_kib / 1024:.1f} MiB settled after {SETTLE_AFTER} -> "
                                  f"{e.rss_kib / 1024:.1f} MiB at end ({self.rss_growth_pct:+.1f}%)"),
            ("soak threads", f"{s.threads} settled -> {e.threads} at end (at start {self.start.threads})"),
            ("soak open descriptors", f"{s.fds} settled -> {e.fds} at end (at start {self.start.fds})"),
        ]


class _LineCounter(io.TextIOBase):
    """Where the PrintSpeaker writes: counted, not kept, so the soak measures us and not a transcript."""

    def __init__(self) -> None:
        self.lines = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.lines += text.count("\n")
        return len(text)


class _FlowCounter(logging.Handler):
    """Counts the runner's "starting flow NAME" records: which rituals really ran."""

    def __init__(self, flows: Counter[str]) -> None:
        super().__init__(logging.INFO)
        self.flows = flows

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == "starting flow %s" and record.args:
            self.flows[str(record.args[0])] += 1  # type: ignore[index]


class SegmentListener:
    """A Listener over a stream of listeners (typed rounds, recordings): the next one takes over when one ends."""

    def __init__(self, segments: Iterator[Listener]) -> None:
        self._segments = segments
        self._current: Listener | None = None

    def listen(self, request: ListenRequest) -> Heard:
        while True:
            if self._current is None:
                self._current = next(self._segments, None)
                if self._current is None:
                    return END
            heard = self._current.listen(request)
            if heard.status != "end":
                return heard
            self._current = None


def record_phrases(folder: Path) -> dict[str, Path]:
    """Each spoken phrase once, by espeak-ng (tests/speech_fixtures.synthesize), plus a long silence."""
    from tests.support.speech_fixtures import synthesize

    folder.mkdir(parents=True, exist_ok=True)
    wavs: dict[str, Path] = {}
    for text in sorted({t for r in SPOKEN_ROUNDS for t in r} - {SILENCE_WAV}):
        wavs[text] = synthesize(text, folder / f"{len(wavs):02d}.wav")
    wavs[SILENCE_WAV] = folder / "silence.wav"
    write_wav(wavs[SILENCE_WAV], dithered_silence(22.0, seed=7))
    return wavs


def soak(utterances: int, data_dir: Path, recognizer: Recognizer | None, wavs: dict[str, Path] | None = None,
         *, wav_every: int = 1, settle_after: int = SETTLE_AFTER) -> SoakResult:
    """Run the assistant once until `utterances` have been heard; a recording round after each of the
    first typed rounds, then after every `wav_every` (none without a recognizer)."""
    result = SoakResult()
    clock = ManualClock()
    session = make_session(data_dir, listener=TextListener(io.StringIO(""), clock=clock), clock=clock)
    ctx, store = session.ctx, session.store
    said = _LineCounter()
    ctx.speaker = PrintSpeaker(said)  # type: ignore[arg-type]

    def forget_everything(notes: NotesFile) -> None:
        forget_selection(notes, EntryFilter())

    typed_round = every_ritual(session)

    def segments() -> Iterator[Listener]:
        rounds = spoken_rounds = 0
        while result.utterances < utterances:
            if result.settled is None and result.utterances >= settle_after:
                result.settled = usage()
            store.update(forget_everything)
            yield TextListener(io.StringIO("".join(line + "\n" for line in typed_round)), clock=clock)
            result.typed += sum(1 for line in typed_round if line)
            result.silences += sum(1 for line in typed_round if not line)
            rounds += 1
            # Every recording in the first rounds, so each is warm before the settled reading.
            if recognizer is not None and wavs and (rounds <= len(SPOKEN_ROUNDS) or rounds % wav_every == 0):
                texts = SPOKEN_ROUNDS[spoken_rounds % len(SPOKEN_ROUNDS)]
                spoken_rounds += 1
                source = WavFilesSource([wavs[t] for t in texts], clock=clock)
                yield SpeechListener(source, recognizer, clock=clock)
                source.close()
                result.spoken += sum(1 for t in texts if t != SILENCE_WAV)

    runner_log = logging.getLogger("assistant.dialogue.runner")
    counter, level = _FlowCounter(result.flows), runner_log.level
    runner_log.addHandler(counter)
    runner_log.setLevel(logging.INFO)
    try:
        result.start = usage()
        ctx.listener = SegmentListener(segments())
        session.run()
        result.end = usage()
    finally:
        runner_log.removeHandler(counter)
        runner_log.setLevel(level)
    result.settled = result.settled or result.start
    result.lines_said = said.lines
    return result


def run_soak(utterances: int, wav_every: int = 1) -> SoakResult:
    """The soak in temporary folders, with the real pocketsphinx recognizer."""
    from assistant.hearing.engines.pocketsphinx_engine import PocketsphinxRecognizer

    with tempfile.TemporaryDirectory() as tmp:
        wavs = record_phrases(Path(tmp) / "wavs")
        return soak(utterances, Path(tmp) / "data", PocketsphinxRecognizer(), wavs, wav_every=wav_every)
