"""The pure engine: a Project (files + interpreter) in, Findings out. Knows nothing of LSP."""

from __future__ import annotations

from .catalog import RULES, Rule
from .model import Finding, Fix, FixCommand, Position, Range, Severity, TextEdit
from .project import Project
from .registry import run_checks

__all__ = [
    "RULES",
    "Finding",
    "Fix",
    "FixCommand",
    "Position",
    "Project",
    "Range",
    "Rule",
    "Severity",
    "TextEdit",
    "run_checks",
]
