"""Spoken lines: YAML files under `intents/<lang>/responses/`, one key per line with variants.

Code names a line by key (`checkin.ask_high`), never by its text. A key maps to a list of variants;
one is picked at random so a nightly ritual does not sound canned. `{placeholders}` are filled in.
"""

from __future__ import annotations

import random
import string
from pathlib import Path
from typing import Annotated

from pydantic import Field, RootModel

from assistant.data_files import line_for, load_model
from assistant.errors import DataFileError

Variants = Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]


class ResponseFile(RootModel[dict[str, Variants]]):
    pass


class Responses:
    def __init__(self, lines: dict[str, list[str]], rng: random.Random | None = None) -> None:
        self._lines = lines
        self._rng = rng or random.Random()

    @classmethod
    def load_dir(cls, directory: Path, rng: random.Random | None = None) -> Responses:
        """Load `<name>.yaml` files; keys become `<name>.<key>`."""
        lines: dict[str, list[str]] = {}
        for path in sorted(directory.glob("*.yaml")):
            data, locations = load_model(path, ResponseFile)
            for key, variants in data.root.items():
                for index, variant in enumerate(variants):
                    _check_template(path, line_for(locations, (key, index)), variant)
                lines[f"{path.stem}.{key}"] = variants
        return cls(lines, rng)

    def __contains__(self, key: object) -> bool:
        return key in self._lines

    def keys(self) -> list[str]:
        return sorted(self._lines)

    def render(self, key: str, **values: object) -> str:
        try:
            variants = self._lines[key]
        except KeyError:
            raise KeyError(f"no spoken line {key!r} in the responses files") from None
        return self._rng.choice(variants).format(**values)

    def all_variants(self, key: str) -> list[str]:
        return list(self._lines[key])


def _check_template(path: Path, line: int | None, text: str) -> None:
    try:
        list(string.Formatter().parse(text))
    except ValueError as exc:
        raise DataFileError(path, line, f"bad placeholder in {text!r}: {exc}") from exc
