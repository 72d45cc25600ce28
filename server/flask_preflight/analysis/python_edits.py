"""Text edits on Python source that keep comments and formatting: wrap, move, re-indent."""

from __future__ import annotations

import ast
import re

from .model import Position, Range, TextEdit
from .source import PythonModule

MAIN_TEST = "__name__ == {q}__main__{q}"


#: A comment, or a one-line string literal in either quote (prefixes and triple quotes do not
#: matter for counting). Scanning left to right, a quote inside a string or a comment is
#: consumed by that match and never counted. The closing quote is optional so that a match
#: never fails after scanning: the scan stays linear on any text (no re-scan of a long line).
_LITERAL = re.compile(r"""#[^\r\n]*|"(?:[^"\\\r\n]|\\.)*"?|'(?:[^'\\\r\n]|\\.)*'?""")


def preferred_quote(module: PythonModule) -> str:
    """The quote character the file's own strings use most ("\"" by default).

    A text scan, not a tree walk: on a large module walking every node for this costs more
    than parsing it, and it runs for every fix offered.
    """
    double = single = 0
    for match in _LITERAL.finditer(module.text):
        first = match.group(0)[0]
        if first == '"':
            double += 1
        elif first == "'":
            single += 1
    return "'" if single > double else '"'


def main_test(module: PythonModule, op: str = "==") -> str:
    quote = preferred_quote(module)
    return f"__name__ {op} {quote}__main__{quote}"


def owns_lines(module: PythonModule, stmt: ast.stmt) -> tuple[int, int] | None:
    """The statement's 0-based line span when it has those lines to itself and can be
    re-indented without changing a string's value; else None (no text fix offered)."""
    first, last = module.statement_lines(stmt)
    start = module.start_of(stmt)
    decorators = getattr(stmt, "decorator_list", ())
    if decorators:
        start = Position(first, module.start_of(decorators[0]).character - 1)
    if module.source.line(first)[: max(start.character, 0)].strip():
        return None
    end = module.end_of(stmt)
    rest = module.source.line(last)[end.character :].strip()
    if rest and not rest.startswith("#"):
        return None
    for node in ast.walk(stmt):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, (str, bytes))
            and (node.end_lineno or node.lineno) > node.lineno
        ):
            return None
        if isinstance(node, ast.JoinedStr) and (node.end_lineno or node.lineno) > node.lineno:
            return None
    return first, last


def _lines(module: PythonModule, first: int, last: int) -> list[str]:
    return [module.source.line(i) for i in range(first, last + 1)]


def reindent(lines: list[str], old: str, new: str) -> list[str]:
    out = []
    for line in lines:
        if not line.strip():
            out.append("")
        elif line.startswith(old):
            out.append(new + line[len(old) :])
        else:
            out.append(new + line.lstrip())
    return out


def wrap_in_guard(module: PythonModule, stmt: ast.stmt) -> TextEdit | None:
    """Put the statement (only it) under `if __name__ == "__main__":` where it stands."""
    span = owns_lines(module, stmt)
    if span is None:
        return None
    first, last = span
    src = module.source
    indent = src.indent_of(first)
    body = reindent(_lines(module, first, last), indent, indent + src.indent_unit)
    new_text = src.newline.join([f"{indent}if {main_test(module)}:", *body])
    return TextEdit(
        module.path, Range(Position(first, 0), Position(last, len(src.line(last)))), new_text
    )


def delete_lines(module: PythonModule, first: int, last: int) -> TextEdit:
    """Delete whole lines, and the blank lines that follow them (so no gap is left)."""
    src = module.source
    end = last + 1
    while end < len(src.lines) - 1 and not src.line(end).strip():
        end += 1
    if end >= len(src.lines):
        return TextEdit(module.path, Range(Position(first, 0), src.end_position()), "")
    return TextEdit(module.path, Range(Position(first, 0), Position(end, 0)), "")


def insert_after_block(module: PythonModule, block: ast.stmt, lines: list[str]) -> TextEdit:
    """Insert lines right after the last line of `block`."""
    src = module.source
    _, last = module.statement_lines(block)
    text = src.newline.join(lines)
    if last + 1 < len(src.lines):
        # There is a line break after `last`: insert at the start of the next line.
        return TextEdit(module.path, Range.line_start(last + 1), text + src.newline)
    end = Position(last, len(src.line(last)))
    return TextEdit(module.path, Range(end, end), src.newline + text)


def append_block(module: PythonModule, lines: list[str]) -> TextEdit:
    """Append lines at the end of the module, after one blank line."""
    src = module.source
    end = src.end_position()
    text = src.text
    prefix = ""
    if text and not text.endswith(("\n", "\r")):
        prefix = src.newline
    stripped = text.rstrip()
    if stripped:
        prefix += src.newline
    return TextEdit(module.path, Range(end, end), prefix + src.newline.join(lines) + src.newline)


def block_lines(module: PythonModule, stmt: ast.stmt, indent: str = "") -> list[str] | None:
    """The statement's own lines re-indented to `indent`, or None if it cannot be moved."""
    span = owns_lines(module, stmt)
    if span is None:
        return None
    first, last = span
    return reindent(_lines(module, first, last), module.source.indent_of(first), indent)
