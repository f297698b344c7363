"""Intent phrase data: YAML files under `intents/<lang>/`, templates expanded with hassil.

A file looks like::

    intents:
      start_checkin:
        description: start the evening check-in
        sentences:
          - "(start|begin) [our] check[-]in"

`(a|b)` is an alternative, `[x]` is optional (hassil's template syntax). Every file and template is
validated on load; a problem is reported with the file and line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from hassil.parse_expression import parse_sentence
from hassil.parser import ParseError
from hassil.sample import sample_sentence
from pydantic import BaseModel, ConfigDict, Field

from assistant.data_files import line_for, load_model
from assistant.errors import DataFileError
from assistant.normalize import Normalizer

NORMALIZE_FILE = "normalize.yaml"


class IntentSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str = ""
    sentences: list[str] = Field(min_length=1)


class IntentFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    intents: dict[str, IntentSpec] = Field(min_length=1)


@dataclass(frozen=True)
class Phrase:
    """One concrete thing a user can say, already normalized for matching."""

    intent: str
    text: str
    """Normalized form, compared against normalized transcripts."""
    spoken: str
    """Surface form as expanded from the template (for grammars and `intents sample`)."""


@dataclass(frozen=True)
class Intent:
    name: str
    description: str
    phrases: tuple[Phrase, ...]
    source: Path


class IntentSet:
    """All intents of one language, keyed by name."""

    def __init__(self, intents: Iterable[Intent], normalizer: Normalizer) -> None:
        self.normalizer = normalizer
        self._intents = {i.name: i for i in intents}

    def __contains__(self, name: object) -> bool:
        return name in self._intents

    def __getitem__(self, name: str) -> Intent:
        return self._intents[name]

    def __iter__(self) -> Iterator[Intent]:
        return iter(self._intents.values())

    def names(self) -> list[str]:
        return sorted(self._intents)

    def phrases(self, names: Iterable[str] | None = None) -> list[Phrase]:
        selected = self._intents.values() if names is None else (self._intents[n] for n in names)
        return [p for intent in selected for p in intent.phrases]

    @classmethod
    def load_dir(cls, directory: Path) -> IntentSet:
        """Load every `*.yaml` in `directory` (not subfolders) except the normalization file."""
        normalizer = Normalizer.load(directory / NORMALIZE_FILE)
        intents: dict[str, Intent] = {}
        for path in sorted(directory.glob("*.yaml")):
            if path.name == NORMALIZE_FILE:
                continue
            for intent in load_intent_file(path, normalizer):
                if intent.name in intents:
                    raise DataFileError(path, None, f"intent {intent.name!r} is also defined in "
                                        f"{intents[intent.name].source.name}")
                intents[intent.name] = intent
        return cls(intents.values(), normalizer)


def expand_template(template: str) -> list[str]:
    """All sentences a hassil template stands for, whitespace-folded."""
    return sorted({" ".join(s.split()) for s in sample_sentence(parse_sentence(template))})


def load_intent_file(path: Path, normalizer: Normalizer) -> list[Intent]:
    data, lines = load_model(path, IntentFile)
    out: list[Intent] = []
    for name, spec in data.intents.items():
        phrases: dict[str, Phrase] = {}
        for index, template in enumerate(spec.sentences):
            line = line_for(lines, ("intents", name, "sentences", index))
            try:
                expanded = expand_template(template)
            except (ParseError, ValueError) as exc:
                raise DataFileError(path, line, f"bad template {template!r}: {exc}") from exc
            for spoken in expanded:
                text = normalizer.normalize(spoken)
                if not text:
                    raise DataFileError(path, line, f"template {template!r} can expand to nothing")
                phrases.setdefault(text, Phrase(name, text, spoken))
        out.append(Intent(name, spec.description, tuple(phrases.values()), path))
    return out
