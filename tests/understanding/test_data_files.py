"""Loading intent and response files: good files load, bad ones name the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.dialogue.responses import Responses
from assistant.errors import DataFileError
from assistant.paths import language_dir
from assistant.understanding.intents import IntentSet, expand_template

NORMALIZE = (language_dir() / "normalize.yaml").read_text()


def intent_dir(tmp_path: Path, body: str, name: str = "x.yaml") -> Path:
    (tmp_path / "normalize.yaml").write_text(NORMALIZE)
    (tmp_path / name).write_text(body)
    return tmp_path


def test_template_syntax_expands_alternatives_and_optionals() -> None:
    assert expand_template("(start|begin) [our] check in") == [
        "begin check in", "begin our check in", "start check in", "start our check in"]


@pytest.mark.parametrize(("body", "line", "fragment"), [
    ("intents:\n  a:\n    sentences:\n      - \"(open|close\"\n", 4, "bad template"),
    ("intents:\n  a:\n    sentences: []\n", 3, "at least 1"),
    ("intents:\n  a:\n    description: x\n", 3, "sentences"),
    ("intents:\n  a:\n    sentences: [hi]\n    colour: red\n", 4, "colour"),
    ("intents:\n  a:\n    sentences: [hi]\n  a:\n    sentences: [yo]\n", 4, "duplicate key"),
    ("intents:\n  a:\n    sentences: [\"hi\n", None, "invalid YAML"),
    ("", None, "empty"),
    ("intents:\n  a:\n    sentences:\n      - \"[um]\"\n", 4, "expand to nothing"),
])
def test_bad_intent_files_are_reported_with_file_and_line(tmp_path: Path, body: str, line: int | None,
                                                          fragment: str) -> None:
    with pytest.raises(DataFileError) as info:
        IntentSet.load_dir(intent_dir(tmp_path, body))
    assert info.value.path == tmp_path / "x.yaml"
    if line is not None:
        assert info.value.line == line
        assert f"x.yaml:{line}:" in str(info.value)
    assert fragment in str(info.value)


def test_the_same_intent_in_two_files_is_reported(tmp_path: Path) -> None:
    intent_dir(tmp_path, "intents:\n  a:\n    sentences: [hi]\n", "one.yaml")
    (tmp_path / "two.yaml").write_text("intents:\n  a:\n    sentences: [hello]\n")
    with pytest.raises(DataFileError, match=r"also defined in one\.yaml"):
        IntentSet.load_dir(tmp_path)


def test_bad_response_files_name_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text("greet:\n  - \"Hi {name\"\n")
    with pytest.raises(DataFileError, match=r"r\.yaml:2: bad placeholder"):
        Responses.load_dir(tmp_path)
    (tmp_path / "r.yaml").write_text("greet: []\n")
    with pytest.raises(DataFileError, match=r"r\.yaml:1: greet"):
        Responses.load_dir(tmp_path)


def test_every_shipped_response_renders_with_the_standard_names() -> None:
    responses = Responses.load_dir(language_dir() / "responses")
    assert "checkin.greet" in responses
    for key in responses.keys():  # noqa: SIM118 - Responses is not a dict
        for variant in responses.all_variants(key):
            assert variant.strip(), key
