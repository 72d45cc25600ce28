"""Applying an LSP WorkspaceEdit the way an editor does (UTF-16 positions), for the tests."""

from __future__ import annotations

import re
from collections.abc import Sequence

from lsprotocol import types

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def offset(text: str, position: types.Position) -> int:
    starts = [0, *(m.end() for m in _LINE_BREAK.finditer(text))]
    if position.line >= len(starts):
        return len(text)
    start = starts[position.line]
    end = starts[position.line + 1] if position.line + 1 < len(starts) else len(text)
    line = _LINE_BREAK.sub("", text[start:end])
    units = 0
    for index, char in enumerate(line):
        if units >= position.character:
            return start + index
        units += 2 if ord(char) > 0xFFFF else 1
    return start + len(line)


def apply_text_edits(text: str, edits: Sequence[types.TextEdit]) -> str:
    spans = sorted(
        ((offset(text, e.range.start), offset(text, e.range.end), e.new_text) for e in edits),
        reverse=True,
    )
    for start, end, new_text in spans:
        text = text[:start] + new_text + text[end:]
    return text


def edits_for(edit: types.WorkspaceEdit, uri: str) -> list[types.TextEdit]:
    found: list[types.TextEdit] = []
    for change in edit.document_changes or []:
        if isinstance(change, types.TextDocumentEdit) and change.text_document.uri == uri:
            found.extend(e for e in change.edits if isinstance(e, types.TextEdit))
    for changed_uri, edits in (edit.changes or {}).items():
        if changed_uri == uri:
            found.extend(edits)
    return found
