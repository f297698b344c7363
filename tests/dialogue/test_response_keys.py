"""Every spoken line the code names exists, every line in the response files is said somewhere, and keys are
spelled whole, so `grep` finds where a line is said."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import assistant
from assistant.paths import language_dir
from tests.support.harness import responses

PACKAGE = Path(assistant.__file__).parent
STEMS = sorted(p.stem for p in (language_dir() / "responses").glob("*.yaml"))
KEY = re.compile(rf"^({'|'.join(STEMS)})\.[a-z0-9_]+$")
FILE_SUFFIXES = (".json", ".yaml", ".md")
"""`notes.json` is a file, not a line."""
BUILT = re.compile(rf"^({'|'.join(STEMS)})\.")


def _strings() -> tuple[set[str], list[str]]:
    """Every string literal in the package that is a response key, and every f-string that builds one."""
    keys: set[str] = set()
    built: list[str] = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and KEY.match(node.value) \
                    and not node.value.endswith(FILE_SUFFIXES):
                keys.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant) \
                    and BUILT.match(str(node.values[0].value)):
                built.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    return keys, built


def test_no_key_is_built_from_pieces() -> None:
    assert _strings()[1] == []


def test_every_key_named_in_the_code_exists() -> None:
    known = set(responses().keys())
    assert sorted(_strings()[0] - known) == []


def test_every_line_in_the_response_files_is_said_somewhere() -> None:
    assert sorted(set(responses().keys()) - _strings()[0]) == []
