"""Reading YAML (compose files, app.yaml) with positions, never raising on bad input.

ruamel.yaml is pure Python (the extension bundles its dependencies as pure wheels) and its
round-trip loader keeps the line and column of every key, value and list item.
"""

from __future__ import annotations

import io
from typing import Any

from ...model import Range
from ...project import Project
from ...source import SourceText
from ..problems import DeclarationProblem
from .located import Located


class YamlError(ValueError):
    """The YAML does not parse; `line` is 0-based where the parser gave up."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.line = line


def load_yaml(text: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    yaml = YAML(typ="rt", pure=True)
    try:
        return yaml.load(io.StringIO(text))
    except Exception as error:  # ruamel raises assorted types on odd input (duplicate keys)
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = getattr(mark, "line", 0) or 0
        problem = getattr(error, "problem", None)
        context = getattr(error, "context", None)
        if isinstance(error, YAMLError) and (problem or context):
            detail = ", ".join(str(p) for p in (context, problem) if p)
        else:
            lines = str(error).strip().splitlines()
            detail = lines[0] if lines else type(error).__name__
        raise YamlError(f"line {line + 1}: {detail}", line) from None


def scalar_at(source: SourceText, line: int, column: int, value: str) -> Located | None:
    """The located text of a one-line scalar that starts at (line, column), inner of quotes."""
    if line >= len(source.lines):
        return None
    text = source.line(line)
    start = source.line_starts[line] + column
    if column < len(text) and text[column] in "'\"":
        quote = text[column]
        end = text.find(quote, column + 1)
        if end < 0:
            return None
        return Located.span(source, start + 1, source.line_starts[line] + end)
    if text[column:].startswith(value):
        return Located.span(source, start, start + len(value))
    return None


def value_position(mapping: Any, key: str) -> tuple[int, int] | None:
    try:
        position = mapping.lc.value(key)
    except (AttributeError, KeyError, TypeError):
        return None
    return (position[0], position[1]) if position else None


def key_position(mapping: Any, key: str) -> tuple[int, int] | None:
    try:
        position = mapping.lc.key(key)
    except (AttributeError, KeyError, TypeError):
        return None
    return (position[0], position[1]) if position else None


def item_position(sequence: Any, index: int) -> tuple[int, int] | None:
    try:
        position = sequence.lc.item(index)
    except (AttributeError, KeyError, TypeError, IndexError):
        return None
    return (position[0], position[1]) if position else None


def read_yaml_file(
    project: Project, relpath: str, problems: list[DeclarationProblem], server: str
) -> tuple[SourceText, Any] | None:
    """A deploy file's text and YAML document, or None: an unreadable file says nothing and
    invalid YAML becomes a problem for `server` (the declarations it would hold are lost)."""
    source = project.source(relpath)
    if source is None:
        return None
    try:
        return source, load_yaml(source.text)
    except YamlError as error:
        problems.append(
            DeclarationProblem(
                relpath,
                Range.line_start(error.line),
                server,
                f"{relpath} is not valid YAML: {error}",
            )
        )
        return None
