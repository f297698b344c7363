#!/usr/bin/env python3
"""How well Togetherly understands spoken commands, and how well it ignores what is not meant for it.

    .venv/bin/python -m scripts.eval_understanding [--split dev|test|both] [--limit N]
        [--engine whisper|lm|grammar|all|none] [--voices espeak|flite|piper|all] [--whisper-model NAME]
        [--cache DIR]

Renders the evaluation set (tests/support/eval/understanding.yaml, written apart from intents/) with three
espeak-ng voices, three flite voices (built from recordings of real speakers) and the Piper joe voice (a
neural voice, the closest to a person) at several speeds, clean and mixed with babble or pink noise at 24,
15 and 6 dB, and decodes each rendering as the live loop does. Prints per engine and family: intent
accuracy judged in the sentence's own state (the live case) and with every intent allowed, out-of-scope
false accepts (judged in the idle loop), the recognition loss (typed accuracy minus spoken, on the same
sentences), the intents most often confused, and the decode time after the end of speech. Nothing here
judges: it reports.
"""

from __future__ import annotations

import argparse
import collections
import statistics
import time
from pathlib import Path

from assistant.cli.understand import Understander
from assistant.dialogue.states import home_state, listening_states
from assistant.hearing.engines import choose_vosk_model
from assistant.hearing.engines.pocketsphinx_engine import PocketsphinxRecognizer
from assistant.hearing.recognizer import Recognizer
from assistant.paths import language_dir, models_dir
from assistant.understanding.intents import IntentSet
from assistant.understanding.matcher import IntentMatcher
from tests.support.eval.corpus import LEVELS, VOICE_SETS, Item, Renderer, Voice, items, load_corpus


def level_name(level: float | None) -> str:
    return "clean" if level is None else f"{level:g} dB"


def evaluate(recognizer: Recognizer, renderer: Renderer, chosen: list[Item], matcher: IntentMatcher,
             title: str, *, voices: tuple[Voice, ...], typed_right: dict[str, float]) -> None:
    states = listening_states(matcher.intents)
    correct: collections.Counter[tuple[str, str, str]] = collections.Counter()
    total: collections.Counter[tuple[str, str]] = collections.Counter()
    false_accepts: collections.Counter[tuple[str, str]] = collections.Counter()
    oos_total: collections.Counter[tuple[str, str]] = collections.Counter()
    confusions: collections.Counter[tuple[str, str]] = collections.Counter()
    times: list[float] = []
    started = time.perf_counter()
    for index, item in enumerate(chosen):
        speech = renderer.speech(item.text, voices[index % len(voices)])
        for level in LEVELS:
            samples = renderer.noisy(speech, level, index)
            state = home_state(item.intent, states)
            live = Understander(matcher, recognizer, idle=state == "idle").samples(item.text, samples, states[state])
            times.append(live.recognize_ms)
            key = (item.split, level_name(level))
            if item.intent is None:
                oos_total[key] += 1
                false_accepts[key] += live.intent is not None
                if live.intent is not None:
                    confusions[("(out of scope)", live.intent)] += 1
                continue
            every = Understander(matcher).text(live.transcript, matcher.intents.names())  # same transcript
            total[key] += 1
            correct[(*key, "in-state")] += live.intent == item.intent
            correct[(*key, "all")] += every.intent == item.intent
            if live.intent != item.intent:
                confusions[(item.intent, live.intent or "(rejected)")] += 1
    print(f"\n### {title}; voices {', '.join(map(str, voices))}: {len(chosen)} sentences x {len(LEVELS)} levels "
          f"({time.perf_counter() - started:.0f} s)\n")
    print("| split | level | in-state right | every intent right | recognition loss (in-state) | "
          "out-of-scope false accepts |")
    print("|---|---|---|---|---|---|")
    for split in sorted({k[0] for k in total} | {k[0] for k in oos_total}):
        for level in LEVELS:
            key = (split, level_name(level))
            n = total[key]
            in_state = correct[(*key, "in-state")] / n if n else 0.0
            all_right = correct[(*key, "all")] / n if n else 0.0
            loss = f"{100 * (typed_right[split] - in_state):.1f} points" if n else "-"
            fa = (f"{100 * false_accepts[key] / oos_total[key]:.1f}% ({false_accepts[key]}/{oos_total[key]})"
                  if oos_total[key] else "-")
            print(f"| {split} | {level_name(level)} | {100 * in_state:.1f}% | {100 * all_right:.1f}% | {loss} | {fa} |")
    print(f"\nDecode after the end of speech: p50 {statistics.median(times):.0f} ms, "
          f"p95 {sorted(times)[int(0.95 * (len(times) - 1))]:.0f} ms")
    print("\nMost frequent confusions (expected -> got: count):")
    for (expected, got), count in confusions.most_common(15):
        print(f"  {expected} -> {got}: {count}")


def typed(chosen: list[Item], intents: IntentSet) -> dict[str, float]:
    """The same sentences typed: in-state as if overheard (the idle loop's higher bar, what spoken accuracy
    is compared with), in-state as addressed (typed to it with `--text`, or after its name: no idle bar),
    and with every intent allowed. Returns the overheard in-state accuracy per split."""
    print("\n### typed text (no recognizer)\n")
    print("| matcher | split | in-state right, overheard (idle bar) | in-state right, addressed | every intent right "
          "| out-of-scope accepted in idle: overheard / addressed / every intent |")
    print("|---|---|---|---|---|---|")
    states = listening_states(intents)
    out: dict[str, float] = {}
    for label, matcher in (("fuzzy phrases only", IntentMatcher(intents, paraphrases=False)),
                           ("fuzzy + n-grams + sentence embeddings (live)", IntentMatcher(intents))):
        for split in sorted({item.split for item in chosen}):
            inside = [item for item in chosen if item.split == split and item.intent is not None]
            outside = [item for item in chosen if item.split == split and item.intent is None]
            heard = sum(right_in_state(matcher, states, i, overheard=True) for i in inside)
            addressed = sum(right_in_state(matcher, states, i, overheard=False) for i in inside)
            every = sum(matcher.match(i.text).intent == i.intent for i in inside)
            accepted = [sum(matcher.match(i.text, allowed, idle=idle).intent is not None for i in outside)
                        for allowed, idle in ((states["idle"], True), (states["idle"], False), (None, False))]
            print(f"| {label} | {split} | {percent(heard, len(inside))} | {percent(addressed, len(inside))} | "
                  f"{percent(every, len(inside))} | " + " / ".join(percent(a, len(outside)) for a in accepted) + " |")
            out[split] = heard / len(inside)
    return out


def right_in_state(matcher: IntentMatcher, states: dict[str, list[str]], item: Item, *, overheard: bool) -> bool:
    """Understood in the state it would be said in; `overheard`: by a microphone (the idle bar applies)."""
    home = home_state(item.intent, states)
    return matcher.match(item.text, states[home], idle=overheard and home == "idle").intent == item.intent


def percent(count: int, total: int) -> str:
    return f"{100 * count / total:.1f}% ({count}/{total})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["dev", "test", "both"], default="both")
    parser.add_argument("--limit", type=int, help="only the first N sentences of each intent / of out-of-scope")
    parser.add_argument("--engine", choices=["whisper", "lm", "grammar", "all", "none"], default="whisper",
                        help="what decodes: Whisper tiny.en (the default engine), pocketsphinx's commands language "
                             "model or its phrase grammar, all three, or none (typed text only)")
    parser.add_argument("--voices", choices=["espeak", "flite", "piper", "all"], default="all")
    parser.add_argument("--whisper-model", default="tiny.en", metavar="NAME",
                        help="which Whisper model hears (tiny.en, or one installed with `togetherly models download`)")
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
    families = ["espeak", "flite", "piper"] if args.voices == "all" else [args.voices]
    intents = IntentSet.load_dir(language_dir())
    typed_right = typed(chosen, intents)
    engines = ["whisper", "lm", "grammar"] if args.engine == "all" else [] if args.engine == "none" else [args.engine]
    for family in families:
        for engine in engines:
            if engine == "whisper":
                from assistant.hearing.engines.whisper_engine import WhisperRecognizer  # noqa: PLC0415
                from assistant.hearing.engines.whisper_model import WhisperModelFiles  # noqa: PLC0415

                files = WhisperModelFiles.installed(args.whisper_model, models_dir())
                recognizer: Recognizer = WhisperRecognizer(files)
                matcher, title = IntentMatcher(intents), f"Whisper {files.name} + matcher + meaning stage (live)"
            elif engine == "lm":
                recognizer = PocketsphinxRecognizer(sentences=intents.sentences_heard())
                matcher, title = IntentMatcher(intents), "pocketsphinx, commands language model (the fallback)"
            else:
                recognizer = PocketsphinxRecognizer()
                matcher, title = IntentMatcher(intents, paraphrases=False), "pocketsphinx, phrase grammar"
            evaluate(recognizer, renderer, chosen, matcher, title, voices=VOICE_SETS[family], typed_right=typed_right)
    english_vosk = choose_vosk_model(None, models_dir())
    if english_vosk is None:
        print("\n### vosk: not evaluated: no English Vosk model is present (install one with "
              "`togetherly models download`; none can be downloaded on this build machine).")
    else:
        from assistant.hearing.engines.vosk_engine import VoskRecognizer  # noqa: PLC0415

        for family in families:
            evaluate(VoskRecognizer(english_vosk), renderer, chosen, IntentMatcher(intents),
                     "vosk, phrase grammar + matcher", voices=VOICE_SETS[family], typed_right=typed_right)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
