#!/usr/bin/env python3
"""How faithfully free answers are kept: the word error rate of what Whisper writes for a couple's answers.

    .venv/bin/python -m scripts.eval_answers [--voices espeak|flite|piper|all] [--model tiny.en|base] [--cache DIR]

Renders the answers in tests/support/eval/answers.yaml (highs and lows, notes; written apart from intents/
and from the commands) with each voice family's three voices in turn, clean and mixed with babble or pink
noise at 24, 15 and 6 dB (tests/support/eval/corpus.py, as the command evaluation does), decodes each as
the live loop decodes an answer, and prints the word error rate per family and level: word edits
(rapidfuzz's Levenshtein distance over words) divided by the words said, after lower-casing, dropping
punctuation and spelling digits as words ("20" -> "twenty"). Nothing here judges: it reports.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import yaml
from rapidfuzz.distance import Levenshtein

from assistant import paths
from assistant.audio.samples import dithered_silence
from assistant.hearing.answer_ear import prepare_answer_model
from assistant.hearing.engines.whisper_engine import WhisperRecognizer
from assistant.hearing.engines.whisper_model import WhisperModelFiles
from assistant.understanding.numbers import spell_digits
from assistant.words import words
from scripts.eval_understanding import level_name
from tests.support.eval.corpus import LEVELS, VOICE_SETS, Renderer, Voice

ANSWERS = Path(__file__).resolve().parent.parent / "tests" / "support" / "eval" / "answers.yaml"


def normalized(text: str) -> list[str]:
    return words(spell_digits(" ".join(words(text))))


def load_answers() -> list[str]:
    answers: list[str] = yaml.safe_load(ANSWERS.read_text())["answers"]
    return answers


def word_errors(recognizer: WhisperRecognizer, renderer: Renderer, answers: list[str], voices: tuple[Voice, ...],
                level: float | None) -> tuple[int, int, int]:
    """Word edits, words said and answers heard word for word, for `answers` spoken in `voices` in turn."""
    edits = said = exact = 0
    for index, answer in enumerate(answers):
        speech = renderer.noisy(renderer.speech(answer, voices[index % len(voices)]), level, index)
        # The listener's pre-roll and the pause that ends an answer, as Understander.samples pads.
        speech = np.concatenate([dithered_silence(0.3, seed=1), speech, dithered_silence(0.5, seed=2)])
        heard = normalized(recognizer.transcribe(speech).text)
        truth = normalized(answer)
        edits += Levenshtein.distance(truth, heard)
        said += len(truth)
        exact += heard == truth
    return edits, said, exact


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--voices", choices=["espeak", "flite", "piper", "all"], default="piper")
    parser.add_argument("--model", choices=["tiny.en", "base"], default="tiny.en",
                        help="the ear: tiny.en (the default), or base (`better_answers: true`, "
                             "assistant/hearing/answer_ear.py)")
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "togetherly-eval")
    args = parser.parse_args()
    answers = load_answers()
    renderer = Renderer(args.cache)
    models = paths.models_dir(args.models_dir)
    if args.model != "tiny.en" and (problem := prepare_answer_model(models)) is not None:
        parser.error(problem)
    recognizer = WhisperRecognizer(WhisperModelFiles.installed(args.model, models))
    families = ["espeak", "flite", "piper"] if args.voices == "all" else [args.voices]
    print(f"Free answers: {len(answers)} answers, {sum(len(normalized(a)) for a in answers)} words, "
          f"Whisper {args.model} as live\n")
    print("| voices | level | word error rate | answers heard word for word |")
    print("|---|---|---|---|")
    for family in families:
        started = time.perf_counter()
        for level in LEVELS:
            edits, said, exact = word_errors(recognizer, renderer, answers, VOICE_SETS[family], level)
            print(f"| {family} | {level_name(level)} | {100 * edits / said:.1f}% | {exact}/{len(answers)} |")
        print(f"<!-- {family}: {time.perf_counter() - started:.0f} s -->")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
