#!/usr/bin/env python3
"""How well Togetherly understands spoken commands, and how well it ignores what is not meant for it.

    .venv/bin/python scripts/eval_understanding.py [--split dev|test|both] [--limit N] [--engine grammar|lm|both]
                                                   [--voices espeak|flite|both] [--cache DIR]

Renders the evaluation set (tests/eval/understanding.yaml, written apart from intents/) with three
espeak-ng voices and three flite voices (built from recordings of real speakers) at several speeds, clean
and mixed with babble or pink noise at 24, 15 and 6 dB, and decodes each rendering as `togetherly
understand` does: every intent the assistant knows is allowed.
Prints per engine: in-scope accuracy and out-of-scope false accepts per noise level and split, the
intents most often confused, and the median recognition time. Nothing here judges: it reports.
"""

from __future__ import annotations

import argparse
import collections
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.engines import choose_vosk_model  # noqa: E402
from assistant.engines.pocketsphinx_engine import PocketsphinxRecognizer  # noqa: E402
from assistant.intents import IntentSet  # noqa: E402
from assistant.matcher import IntentMatcher  # noqa: E402
from assistant.paths import language_dir, models_dir  # noqa: E402
from assistant.recognizer import Recognizer  # noqa: E402
from assistant.understanding import Understander  # noqa: E402
from tests.eval.corpus import LEVELS, VOICE_SETS, Item, Renderer, Voice, items, load_corpus  # noqa: E402


def level_name(level: float | None) -> str:
    return "clean" if level is None else f"{level:g} dB"


def evaluate(recognizer: Recognizer, renderer: Renderer, chosen: list[Item], matcher: IntentMatcher,
             title: str, *, voices: tuple[Voice, ...]) -> None:
    understander = Understander(matcher, recognizer)
    allowed = matcher.intents.names()
    correct: collections.Counter[tuple[str, str]] = collections.Counter()
    total: collections.Counter[tuple[str, str]] = collections.Counter()
    false_accepts: collections.Counter[tuple[str, str]] = collections.Counter()
    oos_total: collections.Counter[tuple[str, str]] = collections.Counter()
    confusions: collections.Counter[tuple[str, str]] = collections.Counter()
    times: list[float] = []
    started = time.perf_counter()
    for index, item in enumerate(chosen):
        speech = renderer.speech(item.text, voices[index % len(voices)])
        for level in LEVELS:
            result = understander.samples(item.text, renderer.noisy(speech, level, index), allowed)
            times.append(result.recognize_ms)
            key = (item.split, level_name(level))
            if item.intent is None:
                oos_total[key] += 1
                false_accepts[key] += result.intent is not None
                if result.intent is not None:
                    confusions[("(out of scope)", result.intent)] += 1
            else:
                total[key] += 1
                correct[key] += result.intent == item.intent
                if result.intent != item.intent:
                    confusions[(item.intent, result.intent or "(rejected)")] += 1
    print(f"\n### {title}; voices {', '.join(map(str, voices))}: {len(chosen)} sentences x {len(LEVELS)} levels "
          f"({time.perf_counter() - started:.0f} s)\n")
    print("| split | level | in-scope accuracy | out-of-scope false accepts |")
    print("|---|---|---|---|")
    for split in sorted({k[0] for k in total} | {k[0] for k in oos_total}):
        for level in LEVELS:
            key = (split, level_name(level))
            acc = f"{100 * correct[key] / total[key]:.1f}% ({correct[key]}/{total[key]})" if total[key] else "-"
            fa = (f"{100 * false_accepts[key] / oos_total[key]:.1f}% ({false_accepts[key]}/{oos_total[key]})"
                  if oos_total[key] else "-")
            print(f"| {split} | {level_name(level)} | {acc} | {fa} |")
    print(f"\nMedian recognition time after the end of speech: {statistics.median(times):.0f} ms "
          f"(p95 {sorted(times)[int(0.95 * (len(times) - 1))]:.0f} ms)")
    print("\nMost frequent confusions (expected -> got: count):")
    for (expected, got), count in confusions.most_common(15):
        print(f"  {expected} -> {got}: {count}")


def typed(chosen: list[Item], intents: IntentSet) -> None:
    """The same sentences typed (`togetherly --text`): the matcher alone, with and without the classifier."""
    print("\n### typed text (no recognizer)\n")
    print("| matcher | split | in-scope accuracy | out-of-scope false accepts |")
    print("|---|---|---|---|")
    for label, matcher in (("fuzzy phrases only", IntentMatcher(intents, paraphrases=False)),
                           ("fuzzy + intent classifier (--text)", IntentMatcher(intents))):
        for split in sorted({item.split for item in chosen}):
            inside = [item for item in chosen if item.split == split and item.intent is not None]
            outside = [item for item in chosen if item.split == split and item.intent is None]
            right = sum(matcher.match(item.text).intent == item.intent for item in inside)
            accepted = sum(matcher.match(item.text).intent is not None for item in outside)
            print(f"| {label} | {split} | {100 * right / len(inside):.1f}% ({right}/{len(inside)}) | "
                  f"{100 * accepted / len(outside):.1f}% ({accepted}/{len(outside)}) |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["dev", "test", "both"], default="both")
    parser.add_argument("--limit", type=int, help="only the first N sentences of each intent / of out-of-scope")
    parser.add_argument("--engine", choices=["grammar", "lm", "both", "none"], default="both",
                        help="pocketsphinx decoding to measure: the commands language model with the intent "
                             "classifier (live), the phrase grammar with the fuzzy matcher, both, or none "
                             "(typed text only)")
    parser.add_argument("--voices", choices=["espeak", "flite", "both"], default="both")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "togetherly-eval")
    args = parser.parse_args()
    corpus = load_corpus()
    splits = ["dev", "test"] if args.split == "both" else [args.split]
    chosen: list[Item] = []
    for split in splits:
        per_intent: collections.Counter[str | None] = collections.Counter()
        for item in items(corpus, split):
            per_intent[item.intent] += 1
            if args.limit is None or per_intent[item.intent] <= (args.limit if item.intent else args.limit * 5):
                chosen.append(item)
    renderer = Renderer(args.cache)
    print(f"Understanding evaluation: levels {', '.join(level_name(level) for level in LEVELS)}; "
          "babble and pink noise alternate.")
    families = ["espeak", "flite"] if args.voices == "both" else [args.voices]
    intents = IntentSet.load_dir(language_dir())
    typed(chosen, intents)
    for family in families:
        if args.engine in ("lm", "both"):
            evaluate(PocketsphinxRecognizer(sentences=intents.sentences_heard()), renderer, chosen,
                     IntentMatcher(intents), "pocketsphinx, commands language model + fuzzy matcher + intent "
                     "classifier (what the live loop uses)", voices=VOICE_SETS[family])
        if args.engine in ("grammar", "both"):
            evaluate(PocketsphinxRecognizer(), renderer, chosen, IntentMatcher(intents, paraphrases=False),
                     "pocketsphinx, phrase grammar + fuzzy matcher", voices=VOICE_SETS[family])
    english_vosk = choose_vosk_model(None, models_dir())
    if english_vosk is None:
        print("\n### vosk: not evaluated: no English Vosk model is present (install one with "
              "`togetherly models download`; none can be downloaded on this build machine).")
    else:
        from assistant.engines.vosk_engine import VoskRecognizer  # noqa: PLC0415

        for family in families:
            evaluate(VoskRecognizer(english_vosk), renderer, chosen, IntentMatcher(intents),
                     "vosk, phrase grammar + fuzzy matcher + intent classifier", voices=VOICE_SETS[family])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
