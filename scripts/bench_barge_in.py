"""Barge-in for the benchmark (run by scripts/bench.py): reaction time, catch rate and false barge-ins per
hour of the assistant's own speech on the loopback sound card, with and without echo cancellation."""

from __future__ import annotations

import contextlib
import statistics
import time
from pathlib import Path
from typing import Any

from assistant.audio.samples import SAMPLE_RATE, read_wav
from assistant.hearing.recognizer import Recognizer
from assistant.paths import language_dir
from assistant.understanding.intents import IntentSet
from scripts.bench_listening import speech_span
from scripts.bench_tables import pct
from tests.support.speech_fixtures import synthesize

OWN_LEAK_DB = (0.0, -10.0, -20.0)
"""Our voice at the microphone relative to the person's: 0 dB is a speaker beside the microphone."""
SOUND_CARD_DELAY_S = 0.04
"""How much later the microphone hears what the sink was handed (output and input buffers)."""


def bench_barge_in(recognizer: Recognizer, work: Path, repeats: int) -> list[list[str]]:
    """Reaction to a real "stop" (espeak-ng en+f3) said 3 s into a long line, and false barge-ins from the
    assistant's own speech (every response line in the data files), through the loopback sound card: our
    voice reaches the microphone 40 ms late through a small room's echo (tests/support/loopback.py), with and
    without WebRTC's echo canceller."""
    from assistant.dialogue.responses import Responses  # noqa: PLC0415
    from assistant.hearing.barge_in import BargeInMonitor, BargeInSettings, barge_in_phrases  # noqa: PLC0415
    from assistant.voice.speaker import VoiceSpeaker  # noqa: PLC0415
    from assistant.voice.synthesis import Pyttsx3Synthesizer  # noqa: PLC0415
    from tests.support.loopback import Loopback, peak_level, room_echo, room_with  # noqa: PLC0415

    class TimedMonitor(BargeInMonitor):
        judge_ms: float = 0.0

        def _judge(self, *args: Any) -> Any:
            started = time.perf_counter()
            heard = super()._judge(*args)
            self.judge_ms = (time.perf_counter() - started) * 1000
            return heard

    intents = IntentSet.load_dir(language_dir())
    phrases = barge_in_phrases({p.spoken.lower(): p.intent for p in intents.phrases()})
    responses = Responses.load_dir(language_dir() / "responses")
    names = {"partner_one": "Sam", "partner_two": "Alex", "name": "Sam", "prompt": "", "minutes": "ten",
             "count": "three", "seconds": "thirty"}
    lines = []
    for key in responses.keys():  # noqa: SIM118 - Responses has keys() but is not iterable
        for variant in responses.all_variants(key):
            with contextlib.suppress(KeyError, IndexError, ValueError):
                lines.append(variant.format_map(names))
    long_lines = [line for line in lines if len(line) > 90 and "stop" not in line.lower()][:repeats * 4]
    synth = Pyttsx3Synthesizer()
    stop = read_wav(synthesize("stop", work / "stop-f3.wav", voice="en+f3"))
    stop_end = 3.0 + speech_span(stop)[1]
    echo = room_echo()
    rows = []
    for cancel in (True, False):
        for leak_db in OWN_LEAK_DB:
            level = peak_level(stop) * 10 ** (leak_db / 20)
            monitor = TimedMonitor(Loopback(room_with(None, 0.0, 1.0)).source, recognizer, phrases,
                                   BargeInSettings(echo_cancellation=cancel))
            false, own_seconds = 0, 0.0
            for line in lines:  # one monitor throughout, as in a session: it learns the room's echo
                loop = Loopback(room_with(None, 0.0, 60.0), leak_level=level, delay_s=SOUND_CARD_DELAY_S, echo=echo)
                monitor.source = loop.source
                VoiceSpeaker(synth, loop.sink, monitor).say(line)
                false += monitor.take() is not None
                own_seconds += sum(length for length, _, _ in loop.plays) / SAMPLE_RATE
            own_hours = own_seconds / 3600
            caught, other, reactions = 0, 0, []
            for line in long_lines:
                loop = Loopback(room_with(stop, 3.0, 60.0), leak_level=level, delay_s=SOUND_CARD_DELAY_S, echo=echo)
                monitor.source = loop.source
                VoiceSpeaker(synth, loop.sink, monitor).say(line)
                heard = monitor.take()
                if heard is not None and loop.stopped_at and loop.stopped_at[0] / SAMPLE_RATE > 3.0:
                    caught += phrases.get(heard.text) == "stop"  # "cancel that" is a stop too
                    other += phrases.get(heard.text) != "stop"
                    # Audio until stop() was called, after the word ended, plus the decode after the endpoint
                    # and one 20 ms output block for the callback to go quiet.
                    reactions.append((loop.stopped_at[0] / SAMPLE_RATE - stop_end) * 1000 + monitor.judge_ms + 20)
            rows.append(["pocketsphinx", "WebRTC AEC3" if cancel else "none", f"{leak_db:+.0f} dB",
                         f"{caught}/{len(long_lines)}", str(other),
                         f"{statistics.median(reactions):.0f}" if reactions else "-",
                         f"{pct(reactions, 0.95):.0f}" if reactions else "-",
                         f"{false} in {own_hours * 60:.1f} min", f"{false / own_hours:.0f}"])
    return rows
