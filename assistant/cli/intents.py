"""`togetherly intents`: check the phrase files for collisions, sample them, match typed lines, warm the
learned stage."""

from __future__ import annotations

import json
import sys

from assistant import paths
from assistant.errors import TogetherlyError
from assistant.understanding.intents import IntentSet
from assistant.understanding.matcher import IntentMatcher, find_collisions


def intents_tool(action: str, names: list[str]) -> int:
    intents = IntentSet.load_dir(paths.language_dir())
    if action == "sample":
        unknown = [n for n in names if n not in intents]
        if unknown:
            raise TogetherlyError(f"unknown intent(s): {', '.join(unknown)}; known: {', '.join(intents.names())}")
        for phrase in intents.phrases(names or None):
            print(f"{phrase.intent}\t{phrase.spoken}")
        return 0
    if action == "warm":
        classifier = IntentMatcher(intents).classifier
        stage = "sentence embeddings and n-grams" if classifier is not None and classifier.meaning else "n-grams"
        print(f"Understanding ready: {len(intents.phrases())} phrases, paraphrases judged by {stage}.")
        return 0
    if action == "match":
        matcher = IntentMatcher(intents)
        for line in sys.stdin:
            m = matcher.match(line)
            print(json.dumps({"input": line.strip(), "intent": m.intent, "score": round(m.score, 1),
                              "alternatives": m.alternatives}, ensure_ascii=False))
        return 0
    collisions = find_collisions(intents)
    total = len(intents.phrases())
    print(f"{len(intents.names())} intents, {total} phrases: all files valid.")
    for c in collisions:
        kind = "same phrase" if c.score >= 100 else f"near ({c.score:.0f})"
        print(f"collision, {kind}: {c.a.intent}: {c.a.spoken!r} ~ {c.b.intent}: {c.b.spoken!r}")
    if collisions:
        print(f"{len(collisions)} collision(s) between intents.")
        return 1
    print("No collisions between intents.")
    return 0
