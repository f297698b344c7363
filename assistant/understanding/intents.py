"""Intent phrase data: YAML files under `intents/<lang>/`, templates expanded with hassil.

A file looks like::

    intents:
      start_checkin:
        description: start the evening check-in
        sentences:
          - "(start|begin) [our] check[-]in"

`(a|b)` is an alternative, `[x]` is optional (hassil's template syntax). Every file and template is
validated on load; a problem is reported with the file and line.

A template may name a list, `{seconds}`, defined under the intent's `lists:` as a number range or
as values (numbers are spoken as words); each phrase it expands to carries the chosen value as a
slot. Every value is a phrase the recognizer must tell apart: list what people say, not every number::

    hug_timer:
      sentences:
        - "hug for {seconds} seconds"
      lists:
        seconds: {values: [5, 10, 20, 30]}
        minutes: {range: {from: 1, to: 5}}
        kind: {values: [hug, {in: cuddle, out: hug}, kiss]}
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from hassil.parse_expression import parse_sentence
from hassil.parser import ParseError
from hassil.sample import sample_sentence
from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.data_files import Location, line_for, load_model
from assistant.errors import DataFileError
from assistant.understanding.normalize import Normalizer
from assistant.understanding.numbers import spell_number
from assistant.understanding.wake import WAKE_FILE, WakePhrase
from assistant.words import words, words_and_ends

NORMALIZE_FILE = "normalize.yaml"
OUT_OF_SCOPE_FILE = "out_of_scope.yaml"
"""Sentences not meant for the assistant: what the intent classifier learns to reject."""
NOT_ANSWERS_FILE = "not_answers.yaml"
"""What a recognizer writes for silence or noise, never a couple's answer."""

Slots = tuple[tuple[str, str | int], ...]
"""(list name, value) pairs a phrase carries."""


Number = Annotated[int, Field(ge=0, le=999_999)]
"""What `spell_number` can say."""


class RangeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    start: Number = Field(alias="from")
    to: Number
    step: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _not_empty(self) -> RangeSpec:
        if self.to < self.start:
            raise ValueError("a range needs `to` at least `from`")
        return self


class ValueSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    said: str = Field(alias="in", min_length=1)
    value: str | int = Field(alias="out")


class ListSpec(BaseModel):
    """Exactly one of: a number range, values (numbers are said as words, the slot is the number), or
    `rituals: true`, the words each ritual's own file gives under `called:` (the slot is the flow's name)."""

    model_config = ConfigDict(extra="forbid")
    range: RangeSpec | None = None
    values: list[Number | Annotated[str, Field(min_length=1)] | ValueSpec] | None = Field(default=None, min_length=1)
    rituals: bool = False

    @model_validator(mode="after")
    def _one_kind(self) -> ListSpec:
        if sum((self.range is not None, self.values is not None, self.rituals)) != 1:
            raise ValueError("a list needs one of `range`, `values` or `rituals: true`")
        return self

    def items(self, called: Sequence[tuple[str, str]] = ()) -> list[tuple[str, str | int]]:
        """(what is said, slot value) pairs; `called`: (word, flow name) from every file, for `rituals`."""
        if self.rituals:
            return list(called)
        if self.range is not None:
            r = self.range
            return [(spell_number(n), n) for n in range(r.start, r.to + 1, r.step)]
        return [(spell_number(v), v) if isinstance(v, int) else (v, v) if isinstance(v, str) else (v.said, v.value)
                for v in self.values or []]


class IntentSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str = ""
    example: str | None = None
    """What to suggest when offering this choice ("Did you mean ..."); default: the shortest way the first
    sentence can be said."""
    sentences: list[str] = Field(min_length=1)
    lists: dict[str, ListSpec] = {}
    prefixes: list[str] = []
    """Beginnings that carry free words after them in one breath: "remember that {anything}"."""
    not_prefixes: list[str] = []
    """Beginnings that look like a prefix and are not one: "remember when we got lost" recalls, it asks
    for no note."""


class OutOfScopeFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sentences: list[str] = Field(min_length=1)


class IntentFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    intents: dict[str, IntentSpec] = Field(min_length=1)
    called: dict[str, list[Annotated[str, Field(min_length=1)]]] = {}
    """Flow name -> what the couple calls that ritual ("hug", "hug timer"): the `{ritual}` of "tell me more
    about the hug"."""


@dataclass(frozen=True)
class Phrase:
    """One concrete thing a user can say, already normalized for matching."""

    intent: str
    text: str
    """Normalized form, compared against normalized transcripts."""
    spoken: str
    """Surface form as expanded from the template (for grammars and `intents sample`)."""
    slots: Slots = ()
    """Values of the lists named in the template, e.g. (("seconds", 45),)."""


@dataclass(frozen=True)
class Intent:
    name: str
    description: str
    phrases: tuple[Phrase, ...]
    source: Path
    example: str = ""
    """A way to say it, to suggest to the couple."""
    prefixes: tuple[tuple[str, ...], ...] = ()
    """Each prefix as lower-case words; what follows one is the utterance's free content."""
    not_prefixes: tuple[tuple[str, ...], ...] = ()
    """Beginnings, as lower-case words, for which no prefix counts (`IntentSpec.not_prefixes`)."""


class IntentSet:
    """All intents of one language, keyed by name."""

    def __init__(self, intents: Iterable[Intent], normalizer: Normalizer,
                 out_of_scope: Iterable[str] = (), wake: WakePhrase | None = None,
                 not_answers: Iterable[str] = ()) -> None:
        self.normalizer = normalizer
        self._intents = {i.name: i for i in intents}
        self.out_of_scope = tuple(text for text in (normalizer.normalize(t) for t in out_of_scope) if text)
        """Normalized sentences that mean none of the intents (examples of what to reject)."""
        self.not_answers = frozenset(normalizer.normalize(t) for t in not_answers)
        """Normalized transcripts that are never an answer (`not_answers.yaml`)."""
        self.wake = wake or WakePhrase(["togetherly"])
        """How the assistant is addressed, for the opt-in wake phrase (`assistant.understanding.wake`)."""

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

    def after_prefix(self, utterance: str, allowed: Iterable[str] | None = None) -> tuple[str, str] | None:
        """(intent, the words after its prefix, as said) when `utterance` starts with a prefix of an allowed
        intent and goes on: "take a note that the car is due for a service" -> the car is due for a service."""
        found = words_and_ends(utterance)
        words = tuple(word for word, _ in found)
        for intent in (self._intents.values() if allowed is None else (self._intents[n] for n in allowed)):
            if any(words[:len(start)] == start for start in intent.not_prefixes):
                continue
            for prefix in sorted(intent.prefixes, key=len, reverse=True):
                n = len(prefix)
                if len(words) > n and words[:n] == prefix:
                    rest = utterance[found[n - 1][1]:].strip(" ,:;-")
                    if rest:
                        return intent.name, rest
        return None

    def sentences_heard(self) -> list[str]:
        """What people might say near the assistant, for an engine's command language model: every
        phrase as spoken, some with a filler before or politeness after (people add them; measured on
        the dev split, +2 points), and the out-of-scope sentences (so speech not meant for us is not
        forced into command words)."""
        fillers = sorted(self.normalizer.fillers - {"togetherly"}) or [""]
        tails = ("please", "now", "for us")
        out: list[str] = []
        for index, phrase in enumerate(p.spoken for p in self.phrases()):
            out += [phrase, f"{fillers[index % len(fillers)]} {phrase}".strip(), f"{phrase} {tails[index % 3]}"]
        return out + list(self.out_of_scope)

    @classmethod
    def load_dir(cls, directory: Path) -> IntentSet:
        """Load every `*.yaml` in `directory` (not subfolders) except the normalization, out-of-scope,
        not-answers and wake files."""
        normalizer = Normalizer.load(directory / NORMALIZE_FILE)
        files = [(path, load_model(path, IntentFile)) for path in sorted(directory.glob("*.yaml"))
                 if path.name not in (NORMALIZE_FILE, OUT_OF_SCOPE_FILE, NOT_ANSWERS_FILE, WAKE_FILE)]
        called = [(word, flow) for _, (data, _) in files for flow, words in data.called.items() for word in words]
        intents: dict[str, Intent] = {}
        for path, loaded in files:
            for intent in _intents_of(path, loaded, normalizer, called):
                if intent.name in intents:
                    raise DataFileError(path, None, f"intent {intent.name!r} is also defined in "
                                        f"{intents[intent.name].source.name}")
                intents[intent.name] = intent
        wake = WakePhrase.load(directory / WAKE_FILE) if (directory / WAKE_FILE).exists() else None
        return cls(intents.values(), normalizer, _sentences(directory / OUT_OF_SCOPE_FILE), wake,
                   _sentences(directory / NOT_ANSWERS_FILE))


def _sentences(path: Path) -> list[str]:
    """The sentences of an optional list file (`out_of_scope.yaml`, `not_answers.yaml`)."""
    return load_model(path, OutOfScopeFile)[0].sentences if path.exists() else []


def expand_template(template: str) -> list[str]:
    """All sentences a hassil template stands for, whitespace-folded."""
    return sorted({" ".join(s.split()) for s in sample_sentence(parse_sentence(template))})


_LIST_REF = re.compile(r"\{(\w+)\}")


def _slot_marker(name: str) -> str:
    return f"_slot_{name}_"  # a plain word to hassil, replaced by each value after expansion


def expand_with_lists(template: str, lists: dict[str, ListSpec],
                      called: Sequence[tuple[str, str]] = ()) -> list[tuple[str, Slots]]:
    """(sentence, slots) for every expansion of `template` and every combination of its lists' values."""
    names = list(dict.fromkeys(_LIST_REF.findall(template)))
    unknown = [n for n in names if n not in lists]
    if unknown:
        raise ValueError(f"no list named {', '.join(unknown)} under this intent's `lists`")
    expanded = expand_template(_LIST_REF.sub(lambda m: _slot_marker(m.group(1)), template))
    out: list[tuple[str, Slots]] = []
    for sentence in expanded:
        for combo in itertools.product(*(lists[n].items(called) for n in names)):
            spoken = sentence
            for name, (said, _) in zip(names, combo, strict=True):
                spoken = spoken.replace(_slot_marker(name), said)
            out.append((spoken, tuple((name, value) for name, (_, value) in zip(names, combo, strict=True))))
    return out


def load_intent_file(path: Path, normalizer: Normalizer) -> list[Intent]:
    loaded = load_model(path, IntentFile)
    called = [(word, flow) for flow, words in loaded[0].called.items() for word in words]
    return _intents_of(path, loaded, normalizer, called)


def _intents_of(path: Path, loaded: tuple[IntentFile, dict[Location, int]], normalizer: Normalizer,
                called: Sequence[tuple[str, str]]) -> list[Intent]:
    data, lines = loaded
    out: list[Intent] = []
    for name, spec in data.intents.items():
        # Keyed by both forms: "that's enough" and "that is enough" match alike, but the recognizer's
        # grammar needs every way it can be said.
        phrases: dict[tuple[str, str], Phrase] = {}
        for index, template in enumerate(spec.sentences):
            line = line_for(lines, ("intents", name, "sentences", index))
            try:
                expanded = expand_with_lists(template, spec.lists, called)
            except (ParseError, ValueError, AssertionError) as exc:  # hassil reports some bad templates by assert
                raise DataFileError(path, line, f"bad template {template!r}: {exc}") from exc
            for spoken, slots in expanded:
                text = normalizer.normalize(spoken)
                if not text:
                    raise DataFileError(path, line, f"template {template!r} can expand to nothing")
                phrases.setdefault((text, spoken), Phrase(name, text, spoken, slots))
        first = [p.spoken for p in phrases.values() if not p.slots] or [p.spoken for p in phrases.values()]
        out.append(Intent(name, spec.description, tuple(phrases.values()), path, spec.example or min(first, key=len),
                          tuple(tuple(words(p)) for p in spec.prefixes),
                          tuple(tuple(words(p)) for p in spec.not_prefixes)))
    return out
