"""Plain data the engine produces: positions, edits, fixes and findings (no LSP types)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .catalog import RULES
from .severity import Severity

__all__ = ["Finding", "Fix", "FixCommand", "Position", "Range", "Severity", "TextEdit"]


@dataclass(frozen=True, order=True)
class Position:
    """0-based line and 0-based character offset (code points) within the line."""

    line: int
    character: int


@dataclass(frozen=True, order=True)
class Range:
    start: Position
    end: Position

    @classmethod
    def of(cls, line: int, start: int, end_line: int, end: int) -> Range:
        return cls(Position(line, start), Position(end_line, end))

    @classmethod
    def line_start(cls, line: int = 0) -> Range:
        return cls(Position(line, 0), Position(line, 0))


@dataclass(frozen=True)
class TextEdit:
    """Replace `range` of the file at `path` (root-relative, '/'-separated) with `new_text`."""

    path: str
    range: Range
    new_text: str


@dataclass(frozen=True)
class FixCommand:
    """A fix that is an action, not a text edit: the client runs it (create a venv, ...)."""

    name: str
    arguments: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Fix:
    """One way to repair a finding.

    `safe` fixes are applied by `check --fix` and by "fix all"; the others only when the user
    picks them. A fix carries text edits, a file rename, a client command, or a mix.
    """

    title: str
    edits: tuple[TextEdit, ...] = ()
    rename: tuple[str, str] | None = None
    command: FixCommand | None = None
    safe: bool = False


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    path: str
    range: Range
    message: str
    fixes: tuple[Fix, ...] = ()
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    #: The rule id of the headline this finding is folded under (see causes.py), else None.
    cause: str | None = field(default=None, compare=False)

    @property
    def name(self) -> str:
        return RULES[self.rule].name

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.range.start.line, self.range.start.character, self.rule)
