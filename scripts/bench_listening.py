"""The listening half of the benchmark (run by scripts/bench.py): endpointing in noise, end of speech to the
first reply audio, the listening test of our own voice, and adaptive endpointing."""

from __future__ import annotations

import re
import statistics
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
from scripts.bench_tables import ANSWERS, COMMANDS, pct
from tests.support.speech_fixtures import synthesize, with_silence

# -- endpointing, reply latency with it, barge-in ------------------------------------------

ENDPOINT_TEXTS = [*COMMANDS, "skip this question", *ANSWERS]
NOISES = [("clean", None, 0.0), ("pink 20 dB", "pink", 20.0), ("pink 15 dB", "pink", 15.0),
          ("pink 10 dB", "pink", 10.0), ("babble 20 dB", "babble", 20.0), ("babble 15 dB", "babble", 15.0)]


def speech_span(samples: Samples) -> tuple[float, float]:
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
                begin, end = (lead + t for t in speech_span(words))
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
        wavs.append((path, speech_span(read_wav(path))[1]))
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
                end = 0.6 + speech_span(words)[1]
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
