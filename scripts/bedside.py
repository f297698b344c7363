#!/usr/bin/env python3
"""Bedside false activations: talk that is not for us, streamed through the live listener in the idle loop,
and the rituals it starts per hour, without and with the wake phrase.

    .venv/bin/python -m scripts.bedside [--voices espeak,flite,piper] [--snr 15] [--cache DIR]

The talk is the seed article (shared/seed-article.md, beside the checkout) and the evaluation set's
out-of-scope sentences, read sentence by sentence by the first voice of each family with a natural pause
between sentences, over babble at `--snr` dB: one long stream per voice, cut into utterances by the real
endpointer and heard by Whisper tiny.en as live. Each utterance is judged as the idle loop would: without
the wake phrase by the matcher with its idle bar; with it, only what starts with "Togetherly" is heard.
Also the CPU the listening costs, as a share of one core in real time: while the talk goes on (Whisper
decodes every utterance), and in a quiet room (pink noise 50 dB under speech level, nobody talking).
Nothing here judges: it prints the counts and which intents were started.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from assistant import app
from assistant.audio.samples import write_wav
from assistant.audio.sources import WavFilesSource
from assistant.clock import ManualClock
from assistant.dialogue.flows import default_flows
from assistant.dialogue.states import listening_states
from assistant.hearing.engines.whisper_engine import WhisperRecognizer
from assistant.hearing.requests import command_request
from assistant.hearing.speech_listener import SpeechListener
from assistant.understanding.intents import Phrase
from tests.support.eval.corpus import VOICE_SETS, Renderer, items, load_corpus
from tests.support.eval.noise import pink_noise

ARTICLE = Path(__file__).resolve().parents[2] / "shared" / "seed-article.md"
GAP_S = 0.6
"""Between two sentences of one talker: a breath, longer than the command window."""


def talk() -> list[str]:
    text = ARTICLE.read_text() if ARTICLE.is_file() else ""
    sentences = [s.strip(" #*-") for s in re.split(r"(?<=[.!?])\s+|\n+", text) if len(s.split()) >= 3]
    corpus = load_corpus()
    return sentences + [item.text for split in ("dev", "test") for item in items(corpus, split) if item.intent is None]


def stream(renderer: Renderer, voice_set: str, sentences: list[str], snr: float, path: Path) -> float:
    """The sentences read by the family's first voice into one WAV over babble; its length in seconds."""
    voice = VOICE_SETS[voice_set][0]
    gap = np.zeros(int(16000 * GAP_S), dtype=np.int16)
    speech = np.concatenate([part for text in sentences for part in (renderer.speech(text, voice), gap)])
    write_wav(path, renderer.noisy(speech, snr, 0).astype(np.int16) if snr else speech)
    return speech.size / 16000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--voices", default="espeak,flite,piper")
    parser.add_argument("--snr", type=float, default=15.0)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "togetherly-eval-cache")
    args = parser.parse_args()
    intents = app.language_phrases()
    matcher = app.language_matcher()
    matcher.classifier  # noqa: B018 - ready before listening, as a second after start-up
    idle = listening_states(intents)["idle"]
    rituals = set(default_flows().triggers())
    renderer = Renderer(args.cache)
    sentences = talk()
    whisper = WhisperRecognizer()
    print(f"Bedside talk: {len(sentences)} sentences (the seed article and the evaluation set's out-of-scope ones) "
          f"per voice, babble at {args.snr:g} dB, Whisper tiny.en, the idle loop.\n")
    print("| voice | talk (min) | utterances | rituals started, no wake phrase | per hour | with the wake phrase "
          "| per hour |")
    print("|---|---|---|---|---|---|---|")
    started: Counter[str] = Counter()
    busy: list[float] = []
    total_s = total_plain = total_wake = 0.0
    with tempfile.TemporaryDirectory() as work:
        for voice_set in args.voices.split(","):
            path = Path(work) / f"{voice_set}.wav"
            seconds = stream(renderer, voice_set, sentences, args.snr, path)
            clock = ManualClock()
            listener = SpeechListener(WavFilesSource([path], clock=clock), whisper, clock, paraphrases=True)
            request = command_request(intents.phrases(idle), timeout_s=None)
            utterances = plain = wake = 0
            cpu = time.process_time()
            while (heard := listener.listen(request)).status == "speech":
                utterances += 1
                got = matcher.match(heard.text, idle, idle=True).intent
                if got in rituals:
                    plain += 1
                    started[got] += 1
                rest = intents.wake.rest(heard.text)
                if rest and matcher.match(rest, idle).intent in rituals:
                    wake += 1
            hours = seconds / 3600
            busy.append((time.process_time() - cpu) / seconds)
            print(f"| {voice_set} | {seconds / 60:.1f} | {utterances} | {plain} | {plain / hours:.1f} | {wake} | "
                  f"{wake / hours:.1f} |")
            total_s, total_plain, total_wake = total_s + seconds, total_plain + plain, total_wake + wake
    hours = total_s / 3600
    print(f"| all | {total_s / 60:.1f} | | {total_plain:.0f} | {total_plain / hours:.1f} | {total_wake:.0f} | "
          f"{total_wake / hours:.1f} |")
    print("\nRituals started without the wake phrase: " + (", ".join(f"{k} {v}" for k, v in started.most_common())
                                                          or "none"))
    quiet = quiet_room(whisper, intents.phrases(idle))
    print(f"\nCPU while listening in the idle loop (share of one core, real time): {100 * max(busy):.0f}% at most "
          f"while the talk goes on; {100 * quiet:.1f}% in a quiet room.")
    return 0


def quiet_room(whisper: WhisperRecognizer, phrases: list[Phrase], minutes: float = 5.0) -> float:
    """CPU seconds per second of a quiet room streamed through the listener (nobody speaks)."""
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "room.wav"
        write_wav(path, (pink_noise(int(16000 * 60 * minutes), seed=11) * 30).astype(np.int16))
        clock = ManualClock()
        listener = SpeechListener(WavFilesSource([path], clock=clock), whisper, clock, paraphrases=True)
        cpu = time.process_time()
        while listener.listen(command_request(phrases, timeout_s=None)).status == "speech":
            pass
        return (time.process_time() - cpu) / (60 * minutes)


if __name__ == "__main__":
    raise SystemExit(main())
