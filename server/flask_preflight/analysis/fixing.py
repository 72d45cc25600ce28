"""Applying every safe fix to a project's texts until nothing more applies (in memory)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from .edits import OverlappingEdits, apply_edits, compatible_safe_fixes
from .engine import analyze
from .model import TextEdit
from .project import Project

MAX_PASSES = 10


@dataclass
class FixResult:
    """New texts by path, and the titles of the fixes applied to each."""

    texts: dict[str, str] = field(default_factory=dict)
    applied: dict[str, list[str]] = field(default_factory=dict)


def _inside_root(path: str) -> bool:
    parts = path.split("/")
    return bool(path) and not path.startswith("/") and ".." not in parts and ":" not in parts[0]


def fix_project(
    project: Project,
    *,
    select: Collection[str] | None = None,
    ignore: Collection[str] = (),
) -> FixResult:
    """Apply safe fixes pass after pass (re-checking in between, since one fix can make or
    unmake another), through the project's overrides. Nothing is written to disk here."""
    result = FixResult()
    for _ in range(MAX_PASSES):
        # What a root cause explains is judged again once it is fixed (a pin chosen against a
        # global Flask would be wrong for the project): only the findings shown are fixed.
        findings = analyze(project, select=select, ignore=ignore).shown
        fixes = compatible_safe_fixes(findings)
        if not fixes:
            break
        by_path: dict[str, list[TextEdit]] = {}
        titles: dict[str, list[str]] = {}
        for fix in fixes:
            if not all(_inside_root(edit.path) for edit in fix.edits):
                continue
            for edit in fix.edits:
                by_path.setdefault(edit.path, []).append(edit)
            for path in {edit.path for edit in fix.edits}:
                titles.setdefault(path, []).append(fix.title)
        changed = False
        for path, edits in by_path.items():
            text = project.read_text(path)
            if text is None:
                continue
            try:
                new_text = apply_edits(text, edits)
            except OverlappingEdits:
                continue  # one file's conflicting fixes never stop the others
            if new_text != text:
                project.set_override(path, new_text)
                result.texts[path] = new_text
                result.applied.setdefault(path, []).extend(titles.get(path, []))
                changed = True
        if not changed:
            break
    return result
