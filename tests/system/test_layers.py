"""The folders are layers, and imports only point down: what docs/architecture.md's module map promises. Every import
counts, those made inside a function or only for type checking too."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import assistant

PACKAGE = Path(assistant.__file__).parent
LAYERS = {
    "__init__": 0, "errors": 0, "clock": 0, "words": 0, "quiet_hours": 0,
    "paths": 1, "private_files": 1, "downloads": 1,
    "data_files": 2, "checked_files": 2,
    "config": 3,
    "audio": 4,
    "understanding": 5, "notes": 5, "journal": 6,
    "hearing": 6,
    "voice": 7,
    "dialogue": 8,
    "app": 9,
    "cli": 10,
    "__main__": 11,
}
"""Each top-level module or folder of `assistant`, by height: a layer imports only from lower ones (and
from itself)."""
DIALOGUE = {"conversation": 0, "notes_door": 0, "spoken_text": 0, "policy": 0, "responses": 0, "timer": 0,
            "decks": 0, "utterance": 0, "answers": 0, "corrections": 0, "offers": 0, "flow": 1, "flows": 2,
            "runner": 3, "states": 4}
"""Inside the dialogue layer: the conversation (and what it uses) below what a flow is, that below the flows,
the flows below the loop that runs them and the table of what each state listens for."""


def imports(package: Path = PACKAGE) -> list[tuple[str, str]]:
    """(importing module, imported module) for every import of our own, dotted without `assistant.`."""
    found = []
    for path in package.rglob("*.py"):
        module = ".".join(path.relative_to(package).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "assistant":
                inner = node.module.partition(".")[2]
                targets = [inner] if inner else [_module_or_init(package, alias.name) for alias in node.names]
                found += [(module, target) for target in targets]
            elif isinstance(node, ast.Import):
                found += [(module, alias.name.partition(".")[2]) for alias in node.names
                          if alias.name.startswith("assistant.")]
    return sorted(found)


def _module_or_init(package: Path, name: str) -> str:
    """`from assistant import X`: X is a module or folder of the package, or a name from its __init__."""
    return name if (package / name).is_dir() or (package / f"{name}.py").is_file() else "__init__"


def test_every_module_has_a_layer() -> None:
    tops = {".".join(p.relative_to(PACKAGE).with_suffix("").parts).split(".")[0] for p in PACKAGE.rglob("*.py")}
    assert tops <= set(LAYERS), f"give {sorted(tops - set(LAYERS))} a layer here and in docs/architecture.md"


def pointing_up(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(a, b) for a, b in found
            if a.split(".")[0] != b.split(".")[0] and LAYERS[b.split(".")[0]] >= LAYERS[a.split(".")[0]]]


def test_imports_point_down() -> None:
    assert pointing_up(imports()) == []


def test_the_dialogue_never_touches_audio() -> None:
    """Flows and the conversation talk to a listener and a speaker, never to samples or devices."""
    assert [(a, b) for a, b in imports() if a.startswith("dialogue") and b.startswith("audio")] == []


def test_inside_the_dialogue_flows_sit_between_the_conversation_and_the_loop() -> None:
    def part(module: str) -> str:
        return module.split(".")[1]

    upward = [(a, b) for a, b in imports() if a.startswith("dialogue.") and b.startswith("dialogue.")
              and part(a) != part(b) and DIALOGUE[part(b)] > DIALOGUE[part(a)]]
    assert upward == []


def test_the_rule_catches_an_import_that_points_up(tmp_path: Path) -> None:
    """The check itself, on a small tree: a notes module reaching up into the dialogue is seen, whether
    imported at the top, inside a function or as a module."""
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "bad.py").write_text(
        "from assistant.clock import local_day\n"
        "def f():\n    from assistant.dialogue.conversation import Conversation\n"
        "import assistant.voice.speaker\n")
    assert pointing_up(imports(tmp_path)) == [("notes.bad", "dialogue.conversation"), ("notes.bad", "voice.speaker")]


def cycles(found: list[tuple[str, str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or round a loop (Tarjan's strongly connected
    components), counting imports made for type checking or inside a function too."""
    graph: dict[str, set[str]] = {}
    for a, b in found:  # a package is its __init__
        graph.setdefault(a.removesuffix(".__init__"), set()).add(b.removesuffix(".__init__"))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_no_two_modules_import_each_other() -> None:
    """No import cycle, even through a type-checking import: each module can be read on its own terms."""
    assert cycles(imports()) == []


def test_the_cycle_check_sees_a_loop(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.py").write_text("from assistant.notes.b import x\n")
    (tmp_path / "notes" / "b.py").write_text("def f():\n    from assistant.notes.c import y\n")
    (tmp_path / "notes" / "c.py").write_text("from assistant.notes.a import z\n")
    (tmp_path / "notes" / "__init__.py").write_text("from assistant.notes.d import w\n")
    (tmp_path / "notes" / "d.py").write_text("from assistant.notes import v\n")
    assert cycles(imports(tmp_path)) == [["notes", "notes.d"], ["notes.a", "notes.b", "notes.c"]]


REACHING_AROUND = re.compile(r"\bctx\.(speaker|matcher|store|responses|listener)\b")


def test_flows_talk_only_through_the_conversation() -> None:
    """A flow says, asks, waits and saves through the conversation, never reaching for the devices, the
    matcher or the store behind it: what it does is what its script reads."""
    found = [f"{path.name}:{number}: {line.strip()}" for path in sorted((PACKAGE / "dialogue" / "flows").glob("*.py"))
             for number, line in enumerate(path.read_text().splitlines(), 1) if REACHING_AROUND.search(line)]
    assert found == []
