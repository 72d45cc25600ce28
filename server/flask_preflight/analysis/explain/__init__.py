"""Explaining what a terminal command did: which interpreter ran, why it failed, the fix."""

from __future__ import annotations

from .command_line import Command, read_command
from .explaining import Explanation, FixSuggestion, TerminalRun, explain_run
from .output import CommandOutput, Frame, parse_output

__all__ = [
    "Command",
    "CommandOutput",
    "Explanation",
    "FixSuggestion",
    "Frame",
    "TerminalRun",
    "explain_run",
    "parse_output",
    "read_command",
]
