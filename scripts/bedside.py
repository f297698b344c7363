#!/usr/bin/env python3
"""Always on at the bedside: how Togetherly hears its name, and how rarely it wakes for talk not meant for it.

    .venv/bin/python -m scripts.bedside [--families espeak,flite,piper] [--snr 15] [--tv-minutes 40]
                                        [--pin CORE] [--skip-transcript-only] [--cache DIR]

Everything is judged on voices and texts the wake word never trained on: scripts/train_wake_word.py's held-out
voices of each family, the seed article's second half, the evaluation corpus's talk that is not for us
(both splits) and its held-out neighbours of the name, and commands it never heard after the name.

- **Name, then a command**: "Togetherly", "Hey Togetherly" and "Okay Togetherly", with and without a pause,
  then a command, clean and at 24, 15 and 6 dB, through the real listener (the wake-word detector on the
  stream, then Whisper tiny.en from the name on, then the matcher): the right intent started.
- **Talk not for us**: the talk read sentence by sentence over babble at `--snr` dB, with stretches of
  television-like babble and music alone between (`--tv-minutes` per family), streamed as the idle loop hears
  it outside the follow-up window: wakes (the detector firing) and rituals started per hour, for the name
  read from the transcript only (no detector), the detector only, the detector with the transcript check
  (the default), and each pretrained word (detector only).
- **Own voice**: every line Togetherly can say, in its Piper voice, streamed into the detector: wakes.
- **Cost**: the wake stage's CPU as a share of one core in real time (`--pin` runs on that core alone), the
  memory the detector adds, and the time from the name's end to the detector firing.
Nothing here judges: it prints the figures.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from assistant import app
from assistant.audio.samples import read_wav, write_wav
from assistant.audio.sources import LEAD_IN_SECONDS, WavFilesSource
from assistant.clock import ManualClock
from assistant.dialogue.flows import default_flows
from assistant.dialogue.states import listening_states
from assistant.hearing.engines.whisper_engine import WhisperRecognizer
from assistant.hearing.requests import ListenMode, ListenRequest, command_request
from assistant.hearing.speech_listener import SpeechListener
from assistant.hearing.wake_word import CHUNK_SAMPLES, StreamingDetector, TfliteHead, catalog, load_detector
from scripts.train_wake_word import (
    FORMS,
    HELD_OUT_NEIGHBOURS,
    RATE,
    Noises,
    Stream,
    Synth,
    Voice,
    article_halves,
    augment,
    bedside_talk,
    features,
    fires,
    floor,
    noise_only,
    trimmed,
    voices,
)

COMMANDS = {"let's play the question game": "start_question_game", "read our last check-in": "read_last_checkin",
            "start our evening ritual": "start_evening_ritual", "time a hug": "hug_timer",
            "we need a break": "need_break", "what can you do": "what_can_you_do"}
"""Said after the name; none of them followed the name in the wake word's training."""
LEVELS: tuple[tuple[str, float | None], ...] = (("clean", None), ("24 dB", 24.0), ("15 dB", 15.0), ("6 dB", 6.0))


def not_for_us() -> list[str]:
    from tests.support.eval.corpus import items, load_corpus  # noqa: PLC0415

    corpus = load_corpus()
    talk = [item.text for split in ("dev", "test") for item in items(corpus, split) if item.intent is None]
    trained = set(bedside_talk())
    return [*article_halves()[1], *(t for t in talk if t not in trained), *HELD_OUT_NEIGHBOURS]


def positives(synth: Synth, noises: Noises, family: Sequence[Voice], *, snr: float | None,
              rng: np.random.Generator, path: Path) -> list[tuple[str, float]]:
    """Name + command utterances into one WAV (quiet between them); each one's intent and name end (s)."""
    parts: list[npt.NDArray[np.int16]] = [floor(RATE * 2, rng)]
    expected: list[tuple[str, float]] = []
    at = parts[0].size
    for i, (command, intent) in enumerate(COMMANDS.items()):
        for j, form in enumerate(FORMS):
            voice = family[(i + j) % len(family)]
            name = trimmed(synth.render(form, voice))
            gap = floor(int(RATE * (0.6 if (i + j) % 2 else 0.05)), rng)  # with and without a pause
            said = trimmed(synth.render(command, voice))
            utterance = augment(np.concatenate([name, gap, said]), noises, rng, snr)
            expected.append((intent, (at + name.size) / RATE))
            tail = floor(int(RATE * 3.5), rng)
            parts += [utterance, tail]
            at += utterance.size + tail.size
    write_wav(path, np.concatenate(parts))
    return expected


def talk_stream(synth: Synth, noises: Noises, family: Sequence[Voice], *, sentences: Sequence[str], snr: float,
                tv_minutes: float, rng: np.random.Generator, path: Path) -> float:
    """The talk over babble with stretches of television alone between; its length in seconds."""
    parts: list[npt.NDArray[np.int16]] = []
    tv_each = tv_minutes * 60 / max(1, len(sentences) // 20)
    for i, sentence in enumerate(sentences):
        voice = family[i % len(family)]
        parts += [augment(trimmed(synth.render(sentence, voice)), noises, rng, snr),
                  floor(int(RATE * rng.uniform(0.3, 0.9)), rng)]
        if i % 20 == 19:
            parts.append(noise_only(noises, rng, tv_each))
    audio = np.concatenate(parts)
    write_wav(path, audio)
    return audio.size / RATE


def scored(detector: StreamingDetector, windows: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    return np.array([detector.head.score(w) for w in windows])


def transcript_at(whisper: WhisperRecognizer, audio: npt.NDArray[np.int16], chunk: int, phrases: list[object],
                  work: Path) -> str:
    """What the listener hears from the carry before the detector fired to the utterance's end."""
    start = max(0, (chunk + 1) * CHUNK_SAMPLES - SpeechListener.CARRY_FRAMES * 320)
    path = work / "moment.wav"
    write_wav(path, audio[start:start + RATE * 8])
    clock = ManualClock()
    listener = SpeechListener(WavFilesSource([path], clock=clock), whisper, clock, paraphrases=True)
    heard = listener.listen(command_request(phrases, timeout_s=3.0))  # type: ignore[arg-type]
    return heard.text if heard.status == "speech" else ""


def main() -> int:  # noqa: PLR0915 - the benchmark's steps, in the order they are printed
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--families", default="espeak,flite,piper")
    parser.add_argument("--snr", type=float, default=15.0)
    parser.add_argument("--tv-minutes", type=float, default=40.0, help="television alone, per family")
    parser.add_argument("--pin", type=int, metavar="CORE", help="run on this core alone")
    parser.add_argument("--skip-transcript-only", action="store_true")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "togetherly-wake-cache")
    args = parser.parse_args()
    if args.pin is not None:
        os.sched_setaffinity(0, {args.pin})
    rng = np.random.default_rng(7)
    synth = Synth(args.cache, 20261207)
    intents = app.language_phrases()
    matcher = app.language_matcher()
    matcher.classifier  # noqa: B018 - ready before listening
    idle = listening_states(intents)["idle"]
    phrases = intents.phrases(idle)
    rituals = default_flows().ritual_triggers()
    whisper = WhisperRecognizer()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    ours = load_detector("togetherly")
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    pretrained = {name: StreamingDetector(name, TfliteHead(str(e.builtin)), e.threshold, ours.features)
                  for name, e in catalog().items() if e.builtin}
    sentences = not_for_us()
    noises = Noises(synth, rng, bedside_talk())
    held = [v for v in voices("full") if v.held_out]
    families = args.families.split(",")

    print("## Name, then a command (held-out voices and commands): right intent started\n")
    print("| family | " + " | ".join(label for label, _ in LEVELS) + " |")
    print("|---|" + "---|" * len(LEVELS))
    latencies: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for family in families:
            mine = [v for v in held if v.family == family]
            row = []
            for _, snr in LEVELS:
                path = work / "named.wav"
                expected = positives(synth, noises, mine, snr=snr, rng=rng, path=path)
                clock = ManualClock()
                detector = load_detector("togetherly", features=ours.features)
                listener = SpeechListener(WavFilesSource([path], clock=clock), whisper, clock, paraphrases=True,
                                          wake=detector)
                right, heard_at, origin = 0, [], clock.monotonic() + LEAD_IN_SECONDS
                while listener.listen(ListenRequest(ListenMode.WAKE, (), None)).status == "wake":
                    heard_at.append(clock.monotonic() - origin)
                    heard = listener.listen(command_request(phrases, timeout_s=3.0))
                    rest = intents.wake.sounded(heard.text) if heard.status == "speech" else None
                    if rest == "":  # the name alone, then a pause: the command comes next, as in the conversation
                        heard = listener.listen(command_request(phrases, timeout_s=3.0))
                        rest = heard.text if heard.status == "speech" else None
                    if rest is None:
                        continue
                    got = matcher.match(rest, idle).intent
                    near = [e for e in expected if abs(e[1] - heard_at[-1]) < 1.5]
                    if near and got == near[0][0]:
                        right += 1
                for _, end in expected:
                    after = [t - end for t in heard_at if -0.2 < t - end < 1.5]
                    if after:
                        latencies.append(after[0])
                row.append(f"{right}/{len(expected)}")
            print(f"| {family} | " + " | ".join(row) + " |")
        print(f"\nName's end to the detector firing (the listening chime): p50 {1000 * np.median(latencies):.0f} ms, "
              f"p95 {1000 * np.percentile(latencies, 95):.0f} ms (audio time; the chunk's compute is below).\n")

        print(f"## Talk not for us (held-out voices and talk over babble at {args.snr:g} dB, television alone "
              f"between), outside the follow-up window\n")
        names = ["transcript only", "detector only", "detector + transcript (default)", *pretrained]
        counts = {n: [0, 0] for n in names}
        total_s = cpu_s = 0.0
        for family in families:
            mine = [v for v in held if v.family == family]
            path = work / f"talk-{family}.wav"
            seconds = talk_stream(synth, noises, mine, sentences=sentences, snr=args.snr,
                                  tv_minutes=args.tv_minutes, rng=rng, path=path)
            total_s += seconds
            audio = read_wav(path)
            stream = Stream(audio, np.zeros(audio.size // CHUNK_SAMPLES, dtype=np.int8), [])
            cpu = time.process_time()
            windows = features(stream, args.cache)
            cpu_s += time.process_time() - cpu
            for chunk in fires(scored(ours, windows), ours.threshold):
                counts["detector only"][0] += 1
                text = transcript_at(whisper, audio, chunk, phrases, work)  # type: ignore[arg-type]
                if (matcher.match(text, idle).intent or "") in rituals:
                    counts["detector only"][1] += 1
                rest = intents.wake.sounded(text)
                if rest is not None:
                    counts["detector + transcript (default)"][0] += 1
                    if matcher.match(rest, idle).intent in rituals:
                        counts["detector + transcript (default)"][1] += 1
            for name, detector in pretrained.items():
                for chunk in fires(scored(detector, windows), detector.threshold):
                    counts[name][0] += 1
                    moment = transcript_at(whisper, audio, chunk, phrases, work)  # type: ignore[arg-type]
                    if (matcher.match(moment, idle).intent or "") in rituals:
                        counts[name][1] += 1
            if not args.skip_transcript_only:
                clock = ManualClock()
                listener = SpeechListener(WavFilesSource([path], clock=clock), whisper, clock, paraphrases=True)
                while (heard := listener.listen(command_request(phrases, timeout_s=None))).status == "speech":
                    rest = intents.wake.rest(heard.text)
                    if rest is not None:
                        counts["transcript only"][0] += 1
                        if matcher.match(rest, idle).intent in rituals:
                            counts["transcript only"][1] += 1
        hours = total_s / 3600
        print(f"{hours:.2f} hours of audio ({len(sentences)} sentences per family, {args.tv_minutes:g} min of "
              f"television alone per family).\n")
        print("| how the name is heard | wakes | per hour | rituals started | per hour |")
        print("|---|---|---|---|---|")
        for name in names:
            if name == "transcript only" and args.skip_transcript_only:
                continue
            wakes, started = counts[name]
            print(f"| {name} | {wakes} | {wakes / hours:.2f} | {started} | {started / hours:.2f} |")

        own = own_voice(ours, work)
        print(f"\n## Own voice\n\n{own[0]} wakes in {own[1] / 60:.1f} min of Togetherly's own lines (Piper joe).")
    print(f"\n## Cost\n\nWake stage: {100 * cpu_s / total_s:.1f}% of one core in real time"
          f"{f' (pinned to core {args.pin})' if args.pin is not None else ''}, while the stream is heard "
          f"(features and the head); memory added by loading it: {(rss_after - rss_before) / 1024:.0f} MB.")
    return 0


def own_voice(detector: StreamingDetector, work: Path) -> tuple[int, float]:
    """Every response line in the Piper voice, one stream into the detector: how often it fires."""
    from assistant.dialogue.spoken_text import spoken_form  # noqa: PLC0415
    from tests.support.speech_fixtures import synthesize_piper  # noqa: PLC0415

    responses = app.language_responses()
    names: defaultdict[str, str] = defaultdict(lambda: "Sam")
    keys = responses.keys()
    lines = {spoken_form(v.format_map(names)) for key in keys for v in responses.all_variants(key)}

    audio = np.concatenate([read_wav(synthesize_piper(line, work / "own.wav")) for line in sorted(lines)])
    detector.reset()
    count = sum(detector.hear(audio[i:i + 320]) for i in range(0, audio.size, 320))
    return count, audio.size / RATE


if __name__ == "__main__":
    raise SystemExit(main())
