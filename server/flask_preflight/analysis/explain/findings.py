"""An explanation as a RUN001 finding at the deepest project frame of the traceback."""

from __future__ import annotations

import os

from ..catalog import RULES
from ..model import Finding, Range
from .explaining import Explanation


def run_failure_finding(explanation: Explanation, root: str) -> Finding | None:
    """RUN001 on the project line the failure passed through last; None without one."""
    location = explanation.location
    if location is None or not explanation.explained:
        return None
    try:
        relpath = os.path.relpath(location.file, root)
    except ValueError:
        return None
    if relpath.startswith(".."):
        return None
    message = explanation.summary
    if explanation.exception and explanation.exception not in message:
        message = f"{message}\n{explanation.exception}"
    return Finding(
        "RUN001",
        RULES["RUN001"].severity,
        relpath.replace(os.sep, "/"),
        Range.of(max(location.line - 1, 0), 0, max(location.line - 1, 0), 10_000),
        message,
        data={"command_line": explanation.command_line, "kind": explanation.kind},
    )
