"""Applying text edits and fixes to text, and choosing which safe fixes can apply together."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .model import Finding, Fix, TextEdit
from .source import SourceText


class OverlappingEdits(ValueError):
    """Two edits touch the same text: they cannot be applied in one pass."""


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """Apply edits (all for the same file) to `text`, back to front."""
    source = SourceText(text)
    spans = sorted(
        ((source.offset(e.range.start), source.offset(e.range.end), e.new_text) for e in edits),
        key=lambda span: (span[0], span[1]),
    )
    for (_, end_a, _), (start_b, _, _) in zip(spans, spans[1:]):
        if start_b < end_a:
            raise OverlappingEdits("edits overlap")
    out = text
    for start, end, new_text in reversed(spans):
        out = out[:start] + new_text + out[end:]
    return out


def _touches(a: TextEdit, b: TextEdit) -> bool:
    if a.path != b.path:
        return False
    # Touching ranges (an insertion at the end of another edit) count as overlapping too:
    # their order would be ambiguous.
    return not (a.range.end < b.range.start or b.range.end < a.range.start)


def compatible_safe_fixes(findings: Sequence[Finding]) -> list[Fix]:
    """Safe text fixes of `findings` that can be applied in one pass (first wins)."""
    chosen: list[Fix] = []
    taken: list[TextEdit] = []
    seen: set[tuple[TextEdit, ...]] = set()
    for finding in findings:
        for fix in finding.fixes:
            if not fix.safe or not fix.edits or fix.rename or fix.command:
                continue
            if fix.edits in seen:
                continue
            if any(_touches(edit, other) for edit in fix.edits for other in taken):
                continue
            chosen.append(fix)
            taken.extend(fix.edits)
            seen.add(fix.edits)
            break
    return chosen
