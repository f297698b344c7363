"""Spoken lines: YAML files under `intents/<lang>/responses/`, one key per line with variants.

Code names a line by key (`checkin.ask_high`), never by its text, and spells the key whole so it can be
found. A key maps to a list of variants; one is picked at random so a nightly ritual does not sound canned.
`{placeholders}` are filled in. A line that depends on a number has a form per plural category, picked by
that number (`by`, default `count`)::

    hugs:
      zero: ["You haven't timed a hug yet."]
      one: ["You've timed one hug together."]
      other: ["You've timed {count} hugs together."]
"""

from __future__ import annotations

import random
import string
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, RootModel

from assistant.data_files import line_for, load_model
from assistant.errors import DataFileError

Variants = Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]


class Plural(BaseModel):
    """A line's forms by the number it speaks of: `zero` (optional; else `other`), `one` (optional), `other`."""

    model_config = ConfigDict(extra="forbid")
    by: str = "count"
    """The placeholder whose number picks the form."""
    zero: Variants | None = None
    one: Variants | None = None
    other: Variants

    def forms(self) -> list[tuple[str, list[str]]]:
        return [(name, v) for name, v in (("zero", self.zero), ("one", self.one), ("other", self.other)) if v]

    def pick(self, count: int) -> list[str]:
        if count == 0 and self.zero:
            return self.zero
        if count == 1 and self.one:
            return self.one
        return self.other


class ResponseFile(RootModel[dict[str, Variants | Plural]]):
    pass


class Responses:
    def __init__(self, lines: dict[str, list[str] | Plural], rng: random.Random | None = None) -> None:
        self._lines = lines
        self._rng = rng or random.Random()

    @classmethod
    def load_dir(cls, directory: Path, rng: random.Random | None = None) -> Responses:
        """Load `<name>.yaml` files; keys become `<name>.<key>`."""
        lines: dict[str, list[str] | Plural] = {}
        for path in sorted(directory.glob("*.yaml")):
            data, locations = load_model(path, ResponseFile)
            for key, entry in data.root.items():
                if isinstance(entry, Plural):
                    for form, variants in entry.forms():
                        for index, variant in enumerate(variants):
                            _check_template(path, line_for(locations, (key, form, index)), variant)
                else:
                    for index, variant in enumerate(entry):
                        _check_template(path, line_for(locations, (key, index)), variant)
                lines[f"{path.stem}.{key}"] = entry
        return cls(lines, rng)

    def __contains__(self, key: object) -> bool:
        return key in self._lines

    def keys(self) -> list[str]:
        return sorted(self._lines)

    def render(self, key: str, **values: object) -> str:
        return self._rng.choice(self.variants(key, **values)).format(**values)

    def variants(self, key: str, **values: object) -> list[str]:
        """The variants `render` picks from, given `values` (a plural line's form follows its number)."""
        try:
            entry = self._lines[key]
        except KeyError:
            raise KeyError(f"no spoken line {key!r} in the responses files") from None
        if isinstance(entry, list):
            return list(entry)
        count = values.get(entry.by)
        if not isinstance(count, int):
            raise KeyError(f"the spoken line {key!r} needs a whole number {entry.by!r}")
        return list(entry.pick(count))

    def all_variants(self, key: str) -> list[str]:
        """Every variant of `key`, in every plural form."""
        entry = self._lines[key]
        return list(entry) if isinstance(entry, list) else [v for _, forms in entry.forms() for v in forms]


def _check_template(path: Path, line: int | None, text: str) -> None:
    try:
        list(string.Formatter().parse(text))
    except ValueError as exc:
        raise DataFileError(path, line, f"bad placeholder in {text!r}: {exc}") from exc
