"""What the benchmarks share: the sentences they speak, percentiles, and Markdown tables."""

from __future__ import annotations

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
