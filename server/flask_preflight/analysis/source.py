"""Text of one file and of one parsed Python module: lines, offsets, newline style, ast ranges."""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from typing import Union

from .model import Position, Range

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_INDENT = re.compile(r"^[ \t]*")


@dataclass
class SourceText:
    """A file's text with the line arithmetic every check and fix needs.

    Lines are split on \\r\\n, \\r and \\n only (as LSP does), never on the other characters
    `str.splitlines` treats as breaks.
    """

    text: str

    @cached_property
    def line_starts(self) -> list[int]:
        starts = [0]
        starts.extend(m.end() for m in _LINE_BREAK.finditer(self.text))
        return starts

    @cached_property
    def lines(self) -> list[str]:
        """Each line without its line break; a trailing break yields a final empty line."""
        return _LINE_BREAK.split(self.text)

    @cached_property
    def newline(self) -> str:
        """The file's line ending, so inserted lines match it (CRLF stays CRLF)."""
        match = _LINE_BREAK.search(self.text)
        return match.group(0) if match else "\n"

    @cached_property
    def indent_unit(self) -> str:
        """The indentation one block level adds in this file (default four spaces)."""
        for line in self.lines:
            indent = _INDENT.match(line)
            width = indent.group(0) if indent else ""
            if width and line.strip():
                return "\t" if width.startswith("\t") else " " * min(len(width), 8)
        return "    "

    def line(self, index: int) -> str:
        lines = self.lines
        return lines[index] if 0 <= index < len(lines) else ""

    def indent_of(self, index: int) -> str:
        match = _INDENT.match(self.line(index))
        return match.group(0) if match else ""

    def offset(self, position: Position) -> int:
        """Offset into `text` of a position, clamped to the text (invalid input never raises)."""
        starts = self.line_starts
        if position.line < 0:
            return 0
        if position.line >= len(starts):
            return len(self.text)
        start = starts[position.line]
        return start + min(max(position.character, 0), len(self.line(position.line)))

    def end_position(self) -> Position:
        last = len(self.lines) - 1
        return Position(last, len(self.lines[last]))

    def line_range(self, index: int) -> Range:
        """The whole of line `index`, without its break."""
        return Range(Position(index, 0), Position(index, len(self.line(index))))


AstNode = Union[ast.stmt, ast.expr, ast.arg, ast.keyword, ast.alias, ast.excepthandler]


@dataclass
class PythonModule:
    """One Python file, parsed once per text: the tree every check shares."""

    path: str
    source: SourceText
    tree: ast.Module | None
    syntax_error: str | None = None
    _ascii_lines: dict[int, bool] = field(default_factory=dict, repr=False)

    @classmethod
    def parse(cls, path: str, text: str) -> PythonModule:
        source = SourceText(text)
        try:
            with warnings.catch_warnings():
                # `if __name__ is "__main__"` warns at compile time; we report it ourselves.
                warnings.simplefilter("ignore")
                tree = ast.parse(text, filename=path, type_comments=False)
        except (SyntaxError, ValueError, MemoryError, RecursionError) as error:
            return cls(path, source, None, f"{type(error).__name__}: {error}")
        return cls(path, source, tree)

    @property
    def text(self) -> str:
        return self.source.text

    @property
    def dotted_name(self) -> str:
        """`pkg/sub/mod.py` -> `pkg.sub.mod`; `pkg/__init__.py` -> `pkg` (root-relative)."""
        parts = self.path[:-3].split("/") if self.path.endswith(".py") else self.path.split("/")
        if parts and parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts)

    def _char(self, line0: int, byte_col: int) -> int:
        """ast columns are UTF-8 byte offsets; positions are code points."""
        ascii_line = self._ascii_lines.get(line0)
        line = self.source.line(line0)
        if ascii_line is None:
            ascii_line = self._ascii_lines[line0] = line.isascii()
        if ascii_line:
            return byte_col
        return len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))

    def start_of(self, node: AstNode) -> Position:
        line0 = node.lineno - 1
        return Position(line0, self._char(line0, node.col_offset))

    def end_of(self, node: AstNode) -> Position:
        end_line = getattr(node, "end_lineno", None) or node.lineno
        end_col = getattr(node, "end_col_offset", None)
        if end_col is None:
            return self.start_of(node)
        return Position(end_line - 1, self._char(end_line - 1, end_col))

    def range_of(self, node: AstNode) -> Range:
        return Range(self.start_of(node), self.end_of(node))

    def segment(self, node: AstNode) -> str:
        rng = self.range_of(node)
        return self.text[self.source.offset(rng.start) : self.source.offset(rng.end)]

    def statement_lines(self, node: ast.stmt) -> tuple[int, int]:
        """0-based first and last line of a statement, decorators included."""
        first = node.lineno
        for decorator in getattr(node, "decorator_list", ()):
            first = min(first, decorator.lineno)
        return first - 1, (node.end_lineno or node.lineno) - 1
