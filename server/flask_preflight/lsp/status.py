"""The `flaskPreflight/status` notification: interpreter summary, trust and finding counts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from lsprotocol import types

STATUS_METHOD = "flaskPreflight/status"
_LABELS = {1: "error", 2: "warning", 3: "information", 4: "hint"}


def environment_summary(
    summary: dict[str, Any], how_chosen: str, venvs: Sequence[str] = ()
) -> dict[str, Any]:
    """The engine's interpreter summary for the status notification: the server's choice
    (`path`, `source`, `how_chosen`) is what the client uses; `project_venvs` (absolute,
    best first) is what it offers when the user selects a project venv."""
    summary = dict(summary)
    if not summary.get("how_chosen"):
        summary["how_chosen"] = how_chosen
    summary["project_venvs"] = list(venvs)
    return summary


def count_by_severity(diagnostics: Iterable[types.Diagnostic]) -> dict[str, int]:
    counts = dict.fromkeys(_LABELS.values(), 0)
    for diagnostic in diagnostics:
        counts[_LABELS.get(int(diagnostic.severity or 1), "error")] += 1
    return counts


def status_params(
    folder_uri: str, trusted: bool, environment: dict[str, Any], counts: dict[str, int]
) -> dict[str, Any]:
    return {
        "folderUri": folder_uri,
        "trusted": trusted,
        "interpreter": environment,
        "counts": counts,
    }
