#!/usr/bin/env python3
"""How close to its deadline a timer's end cue starts, over repeated real timers on the system clock.

    .venv/bin/python -m scripts.bench_timers [--timers 20] [--seconds 2]

Each scenario runs N timers back to back through the real Conversation.wait_until and a real
listener, on SystemClock, and notes when the end chime reaches the sound card (a sink that records
the time instead of playing). Deadlines are chained from one start (t0 + k*T), as the breathing
cues are, so "drift" is how far the last cue is from t0 + N*T. Scenarios:

  text          TextListener waiting on a real pipe nobody writes to (select with the time left)
  audio quiet   SpeechListener on a paced 50 ms-block source of near-silence (like a microphone)
  audio talk    the same, with someone talking through every deadline (an utterance in progress)
  hug flow      the whole HugTimerFlow (3 s hugs: its shortest), start chime to end chime
  stress turn   the stress talk's turn timer (listening privately) then the swap chime, T s turns
  eye contact   the whole eye-contact gaze (EyeContactFlow.time, T s), start chime to end chime
  sleep(T)      for contrast: a cue after time.sleep(T) each round, the chained-sleep design

Nothing here is a test: it prints numbers, it does not judge them (the target is 50 ms; for the stress
talk's turns and the eye contact, 10 ms p99).
"""

from __future__ import annotations

import argparse
import io
import os
import queue
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

from assistant import app
from assistant.audio.samples import SAMPLE_RATE, Samples, dithered_silence, read_wav
from assistant.audio.sources import BLOCK_SECONDS
from assistant.clock import SystemClock
from assistant.config import Settings
from assistant.dialogue.conversation import Conversation, FlowCancelled
from assistant.dialogue.flows.eye_contact import EyeContactFlow
from assistant.dialogue.flows.hug_timer import COMMANDS, HugTimerFlow
from assistant.dialogue.flows.stress_talk import time_turn
from assistant.dialogue.timer import Countdown
from assistant.hearing.requests import Listener
from assistant.hearing.speech_listener import SpeechListener
from assistant.hearing.text_listener import TextListener
from assistant.notes.store import NotesStore
from assistant.voice.speaker import MultiSpeaker, PrintSpeaker, VoiceSpeaker
from assistant.voice.synthesis import Pyttsx3Synthesizer
from tests.support.speech_fixtures import synthesize


class StampingSink:
    """A sound card that notes when each sound arrives (monotonic seconds) and plays nothing."""

    def __init__(self) -> None:
        self.stamps: list[float] = []

    def play(self, samples: npt.NDArray[np.int16], rate: int) -> None:
        self.stamps.append(time.monotonic())

    def stop(self) -> None:
        """Nothing plays."""


class PacedSource:
    """Audio handed over in 50 ms blocks at the pace of real time, as the microphone's callback does."""

    def __init__(self, audio: Samples) -> None:
        self._queue: queue.Queue[Samples] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(audio,), daemon=True)
        self._thread.start()

    def _run(self, audio: Samples) -> None:
        block = int(SAMPLE_RATE * BLOCK_SECONDS)
        start, index = time.monotonic(), 0
        while not self._stop.is_set():
            offset = (index * block) % max(audio.size - block, 1)
            self._queue.put(audio[offset:offset + block])
            index += 1
            time.sleep(max(0.0, start + index * BLOCK_SECONDS - time.monotonic()))

    def read(self, timeout: float | None = None) -> Samples | None:
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return np.zeros(0, dtype=np.int16)

    def drain(self) -> None:
        while not self._queue.empty():
            self._queue.get_nowait()

    def close(self) -> None:
        self._stop.set()


def conversation(listener: Listener, sink: StampingSink, data: Path) -> Conversation:
    """A session's conversation wired as the command wires it, speaking through the stamping sink."""
    voice = VoiceSpeaker(Pyttsx3Synthesizer(), sink)
    return app.assemble(listener=listener, speaker=MultiSpeaker(PrintSpeaker(io.StringIO()), voice),
                        clock=SystemClock(), store=NotesStore.in_dir(data), settings=Settings(),
                        responses=app.language_responses(random.Random(0))).ctx


def chained_timers(ctx: Conversation, sink: StampingSink, count: int, seconds: float) -> tuple[list[float], float]:
    """Lateness of each end cue (ms) and the drift of the last one (ms), deadlines from one start."""
    t0 = time.monotonic()
    deadlines = [t0 + (k + 1) * seconds for k in range(count)]
    misheard = 0
    for deadline in deadlines:
        while True:
            try:
                if ctx.wait_until(deadline, COMMANDS) is None:
                    break
            except FlowCancelled:  # the talk misheard as "stop": here the timer keeps on, to be measured
                misheard += 1
        ctx.speaker.chime("hug_end")
    if misheard:
        print(f"  (the talk was heard as a stop {misheard} times; the timers ran on)")
    late = [(stamp - deadline) * 1000 for stamp, deadline in zip(sink.stamps, deadlines, strict=True)]
    return late, late[-1]


def hug_flow(ctx: Conversation, sink: StampingSink, count: int) -> tuple[list[float], float | None]:
    late: list[float] = []
    for _ in range(count):
        before = len(sink.stamps)
        HugTimerFlow().time(ctx, 3)
        # What reaches the sound card: the ready line, the start chime, the end chime, then lines.
        start, end = sink.stamps[before + 1], sink.stamps[before + 2]
        late.append((end - start - 3) * 1000)
    return late, None


def stress_turns(ctx: Conversation, sink: StampingSink, count: int, seconds: float) -> tuple[list[float], None]:
    late: list[float] = []
    for _ in range(count):
        timer = Countdown(ctx.clock, seconds)
        time_turn(ctx, timer)
        ctx.chime("hug_end")  # the swap, as the flow chimes it
        late.append((sink.stamps[-1] - (timer.deadline or 0.0)) * 1000)
    return late, None


def eye_contact(ctx: Conversation, sink: StampingSink, count: int, seconds: float) -> tuple[list[float], None]:
    late: list[float] = []
    for _ in range(count):
        before = len(sink.stamps)
        EyeContactFlow().time(ctx, round(seconds))
        start, end = sink.stamps[before + 1], sink.stamps[before + 2]  # the ready line, then the two chimes
        late.append((end - start - round(seconds)) * 1000)
    return late, None


def percentile_99(late: list[float]) -> float:
    return statistics.quantiles(late, n=100, method="inclusive")[-1] if len(late) >= 2 else late[0]


def sleeps(count: int, seconds: float, sink: StampingSink) -> tuple[list[float], float]:
    cue = VoiceSpeaker(Pyttsx3Synthesizer(), sink)
    t0 = time.monotonic()
    for _ in range(count):
        time.sleep(seconds)
        cue.chime("hug_end")
        cue.say("And time.")  # a line after the cue, as the flow says one: its time adds up
    late = [(stamp - (t0 + (k + 1) * seconds)) * 1000 for k, stamp in enumerate(sink.stamps[::2])]
    return late, late[-1]


def row(name: str, late: list[float], drift: float | None) -> str:
    p95 = statistics.quantiles(late, n=20, method="inclusive")[-1] if len(late) >= 2 else late[0]
    drift_text = "-" if drift is None else f"{drift:8.1f}"
    return (f"{name:<13} {len(late):>6} {statistics.median(late):>10.1f} {p95:>8.1f} {percentile_99(late):>8.1f} "
            f"{max(late):>8.1f} {drift_text:>9}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--timers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    from assistant.hearing.engines.pocketsphinx_engine import PocketsphinxRecognizer  # noqa: PLC0415

    recognizer = PocketsphinxRecognizer()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        talk = read_wav(synthesize("we were talking about the weekend and the long drive to see your "
                                   "mother and all the things we still have to pack", folder / "talk.wav"))
        read_end, write_end = os.pipe()
        pipe = os.fdopen(read_end, "r")

        def text() -> tuple[list[float], float]:
            sink = StampingSink()
            return chained_timers(conversation(TextListener(pipe, clock=SystemClock()), sink, folder / "t"),
                                  sink, args.timers, args.seconds)

        def audio(samples: Samples) -> Callable[[], tuple[list[float], float]]:
            def run() -> tuple[list[float], float]:
                source = PacedSource(samples)
                try:
                    sink = StampingSink()
                    listener = SpeechListener(source, recognizer, clock=SystemClock())
                    return chained_timers(conversation(listener, sink, folder / "a"), sink, args.timers,
                                          args.seconds)
                finally:
                    source.close()
            return run

        def flow() -> tuple[list[float], float | None]:
            sink = StampingSink()
            return hug_flow(conversation(TextListener(pipe, clock=SystemClock()), sink, folder / "h"), sink,
                            args.timers)

        def timed(run: Callable[[Conversation, StampingSink, int, float], tuple[list[float], None]],
                  label: str) -> Callable[[], tuple[list[float], float | None]]:
            def go() -> tuple[list[float], float | None]:
                sink = StampingSink()
                ctx = conversation(TextListener(pipe, clock=SystemClock()), sink, folder / label)
                return run(ctx, sink, args.timers, args.seconds)
            return go

        results: list[tuple[str, Callable[[], tuple[list[float], float | None]]]] = [
                   ("text", text), ("audio quiet", audio(dithered_silence(5.0))),
                   ("audio talk", audio(np.concatenate([talk, talk]))), ("hug flow", flow),
                   ("stress turn", timed(stress_turns, "s")), ("eye contact", timed(eye_contact, "e")),
                   ("sleep(T)", lambda: sleeps(args.timers, args.seconds, StampingSink()))]
        print(f"{args.timers} timers of {args.seconds:g} s each (hug flow: 3 s); lateness of the end cue "
              "after its deadline, ms")
        print(f"{'scenario':<13} {'timers':>6} {'median':>10} {'p95':>8} {'p99':>8} {'max':>8} {'drift':>9}")
        for name, run in results:
            print(row(name, *run()), flush=True)
        pipe.close()
        os.close(write_end)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
