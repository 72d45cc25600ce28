"""Engine values <-> LSP values: positions in the client's encoding, diagnostics, fixes."""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import Any

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from ..analysis.catalog import RULES
from ..analysis.model import Finding, Fix, FixCommand, Position, Range, Severity, TextEdit

SOURCE = "Flask Preflight"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class ClientLines:
    """A file's lines, to turn code-point columns into the client's position encoding."""

    def __init__(self, text: str | None, codec: PositionCodec) -> None:
        self.lines = _LINE_BREAK.split(text) if text is not None else []
        self.codec = codec

    def position(self, position: Position) -> types.Position:
        line = position.line
        if line < 0:
            return types.Position(0, 0)
        if line >= len(self.lines):
            # Past the end (a file that changed under us): keep the line, column 0.
            return types.Position(line, 0)
        character = self.codec.client_num_units(self.lines[line][: max(position.character, 0)])
        return types.Position(line, character)

    def range(self, rng: Range) -> types.Range:
        return types.Range(self.position(rng.start), self.position(rng.end))

    def to_engine(self, position: types.Position) -> Position:
        """A client position as a code-point position (clamped into the text)."""
        if not self.lines:
            return Position(0, 0)
        line = min(max(position.line, 0), len(self.lines) - 1)
        text = self.lines[line]
        units = 0
        for index, char in enumerate(text):
            if units >= position.character:
                return Position(line, index)
            units += self.codec.client_num_units(char)
        return Position(line, len(text))


def _range_json(rng: types.Range) -> dict[str, Any]:
    return {
        "start": {"line": rng.start.line, "character": rng.start.character},
        "end": {"line": rng.end.line, "character": rng.end.character},
    }


def _range_from_json(raw: Any) -> types.Range:
    start, end = raw["start"], raw["end"]
    return types.Range(
        types.Position(int(start["line"]), int(start["character"])),
        types.Position(int(end["line"]), int(end["character"])),
    )


def fix_data(fix: Fix, lines_of: Any) -> dict[str, Any]:
    """A fix as JSON for `diagnostic.data`, its ranges already in client units.

    `lines_of(path)` gives the ClientLines of a root-relative path.
    """
    return {
        "title": fix.title,
        "safe": fix.safe,
        "edits": [
            {
                "path": edit.path,
                "range": _range_json(lines_of(edit.path).range(edit.range)),
                "newText": edit.new_text,
            }
            for edit in fix.edits
        ],
        "rename": list(fix.rename) if fix.rename else None,
        "command": (
            {"name": fix.command.name, "arguments": list(fix.command.arguments)}
            if fix.command
            else None
        ),
    }


def fix_from_data(raw: Any) -> Fix | None:
    """The inverse of `fix_data` (ranges stay in client units); None for malformed data."""
    try:
        edits = tuple(
            TextEdit(
                str(edit["path"]),
                _engine_range(_range_from_json(edit["range"])),
                str(edit["newText"]),
            )
            for edit in raw.get("edits") or ()
        )
        rename = raw.get("rename")
        command = raw.get("command")
        return Fix(
            title=str(raw["title"]),
            edits=edits,
            rename=(str(rename[0]), str(rename[1])) if rename else None,
            command=(
                FixCommand(str(command["name"]), tuple(command.get("arguments") or ()))
                if command
                else None
            ),
            safe=bool(raw.get("safe")),
        )
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return None


def _engine_range(rng: types.Range) -> Range:
    return Range.of(rng.start.line, rng.start.character, rng.end.line, rng.end.character)


def lsp_range(rng: Range) -> types.Range:
    """An engine range whose columns are already client units (see `fix_from_data`)."""
    return types.Range(
        types.Position(rng.start.line, rng.start.character),
        types.Position(rng.end.line, rng.end.character),
    )


#: A headline links at most this many of the findings folded under it (each is a row under it
#: in the Problems panel, and the list is sent again with every publish of its file).
MAX_RELATED_INFORMATION = 200


def to_diagnostic(
    finding: Finding,
    lines_of: Any,
    version: int | None,
    related: Sequence[tuple[str, Finding]] | None = None,
) -> types.Diagnostic:
    """`related`: (uri, finding) pairs folded under this headline, linked from it."""
    rule = RULES.get(finding.rule)
    data: dict[str, Any] = {
        "rule": finding.rule,
        "fixes": [fix_data(fix, lines_of) for fix in finding.fixes],
        "version": version,
    }
    if "folded" in finding.data:
        data["folded"] = finding.data["folded"]
    return types.Diagnostic(
        related_information=[
            types.DiagnosticRelatedInformation(
                location=types.Location(uri, lines_of(other.path).range(other.range)),
                message=f"{other.rule}: {other.message}",
            )
            for uri, other in related
        ]
        if related
        else None,
        range=lines_of(finding.path).range(finding.range),
        message=finding.message,
        severity=types.DiagnosticSeverity(int(finding.severity)),
        code=finding.rule,
        code_description=types.CodeDescription(href=rule.docs_url) if rule else None,
        source=SOURCE,
        data=data,
    )


def with_version(diagnostic: types.Diagnostic, version: int | None) -> types.Diagnostic:
    """The diagnostic computed from the text of document `version` (its quick fixes are then
    offered for that version only)."""
    if not isinstance(diagnostic.data, dict):
        return diagnostic
    copied = copy.copy(diagnostic)
    copied.data = {**diagnostic.data, "version": version}
    return copied


def diagnostic_fixes(diagnostic: types.Diagnostic) -> tuple[str, int | None, list[Fix]]:
    """(rule, document version, fixes) carried by one of our diagnostics' data."""
    data = diagnostic.data
    if not isinstance(data, dict):
        return "", None, []
    version = data.get("version")
    fixes = [fix for fix in map(fix_from_data, data.get("fixes") or ()) if fix is not None]
    rule = data.get("rule")
    return (
        str(rule) if rule else "",
        version if isinstance(version, int) and not isinstance(version, bool) else None,
        fixes,
    )


def as_finding(diagnostic: types.Diagnostic, path: str) -> Finding | None:
    """One of our diagnostics back as an engine Finding (client-unit columns) for fix-all."""
    rule, _, fixes = diagnostic_fixes(diagnostic)
    if not rule:
        return None
    severity = Severity(int(diagnostic.severity or 1))
    return Finding(
        rule, severity, path, _engine_range(diagnostic.range), diagnostic.message, tuple(fixes)
    )


def ours(diagnostics: Sequence[types.Diagnostic]) -> list[types.Diagnostic]:
    return [d for d in diagnostics if d.source == SOURCE]
