"""The pure engine: a Project (files + interpreter) in, Findings out. Knows nothing of LSP.

Front ends enter through `analyze(project, ...) -> Analysis` (engine.py)."""

from __future__ import annotations

from .catalog import RULES, Rule
from .engine import Analysis, EngineError, analyze
from .model import Finding, Fix, FixCommand, Position, Range, Severity, TextEdit
from .project import Project
from .registry import finding, run_checks

__all__ = [
    "RULES",
    "Analysis",
    "EngineError",
    "Finding",
    "Fix",
    "FixCommand",
    "Position",
    "Project",
    "Range",
    "Rule",
    "Severity",
    "TextEdit",
    "analyze",
    "finding",
    "run_checks",
]
