#!/usr/bin/env python3
"""How much disk each installed package takes in a virtualenv (the files its RECORD lists), largest first,
as a Markdown table for docs/measurements.md. Run it with the virtualenv's own Python:

    /path/to/venv/bin/python scripts/venv_size.py [--top N]

The total is every file under the virtualenv (pip and the interpreter's links included).
"""

from __future__ import annotations

import argparse
import sys
from importlib.metadata import distributions
from pathlib import Path

MB = 1_000_000


def package_sizes() -> dict[str, int]:
    """Installed distribution name -> bytes of its files."""
    sizes: dict[str, int] = {}
    for dist in distributions():
        total = 0
        for file in dist.files or []:
            path = Path(str(dist.locate_file(file)))
            if path.is_file():
                total += path.stat().st_size
        sizes[dist.metadata["Name"]] = sizes.get(dist.metadata["Name"], 0) + total
    return sizes


def tree_size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=15, help="rows before the rest are summed (default 15)")
    top = parser.parse_args().top
    sizes = sorted(package_sizes().items(), key=lambda item: -item[1])
    total = tree_size(Path(sys.prefix))
    print("| package | MB | share |\n|---|---:|---:|")
    for name, size in sizes[:top]:
        print(f"| {name} | {size / MB:.0f} | {100 * size / total:.0f}% |")
    rest = sum(size for _, size in sizes[top:])
    print(f"| {len(sizes) - top} others | {rest / MB:.0f} | {100 * rest / total:.0f}% |")
    print(f"| **virtualenv** ({len(sizes)} packages) | **{total / MB:.0f}** | |")


if __name__ == "__main__":
    main()
