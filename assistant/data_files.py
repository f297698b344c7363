"""Load YAML data files and validate them with pydantic, reporting errors with file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from assistant.errors import DataFileError

ModelT = TypeVar("ModelT", bound=BaseModel)
Location = tuple[str | int, ...]


class _BadNode(Exception):
    """Valid YAML that no data file needs: a duplicate key, a list as a key, an alias."""

    def __init__(self, node: yaml.Node, message: str) -> None:
        super().__init__(message)
        self.line = node.start_mark.line + 1


def _to_python(node: yaml.Node, loc: Location, lines: dict[Location, int], seen: set[int]) -> Any:
    # PyYAML hands an alias back as the very node its anchor named. Refusing them keeps a file from
    # referring to itself (endless recursion) or multiplying one list into billions (an "alias bomb").
    if id(node) in seen:
        raise _BadNode(node, "anchors and aliases (&name, *name) are not supported in data files")
    seen.add(id(node))
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _BadNode(key_node, "a key must be a plain word or number, not a list or mapping")
            key = _scalar(key_node)
            if key in out:  # PyYAML silently keeps the last one; a data author wants to know
                raise _BadNode(key_node, f"duplicate key {key!r}")
            out[key] = _to_python(value_node, (*loc, key), lines, seen)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, (*loc, i), lines, seen) for i, item in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    return yaml.safe_load(yaml.serialize(node))


def load_yaml(path: Path) -> tuple[Any, dict[Location, int]]:
    """Parse YAML, returning the data and a map from each value's location to its line number."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataFileError(path, None, f"cannot read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise DataFileError(path, None, f"not UTF-8 text ({exc.reason})") from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        lines: dict[Location, int] = {}
        if node is None:
            return None, lines
        return _to_python(node, (), lines, set()), lines
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise DataFileError(path, line, f"invalid YAML: {exc.problem}") from exc
    except yaml.YAMLError as exc:
        raise DataFileError(path, None, f"invalid YAML: {exc}") from exc
    except _BadNode as exc:
        raise DataFileError(path, exc.line, str(exc)) from exc
    except RecursionError:
        raise DataFileError(path, None, "nested too deeply to be a data file") from None


def line_for(lines: dict[Location, int], loc: Location) -> int | None:
    """The line of the deepest known location on the way to `loc`."""
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def load_model(path: Path, model: type[ModelT]) -> tuple[ModelT, dict[Location, int]]:
    """Load a YAML file into a pydantic model; any problem becomes a DataFileError naming the line."""
    data, lines = load_yaml(path)
    if data is None:
        raise DataFileError(path, None, "the file is empty")
    try:
        return model.model_validate(data), lines
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        where = ".".join(str(p) for p in loc) or "top level"
        raise DataFileError(path, line_for(lines, loc), f"{where}: {first['msg']}") from exc
