"""The `flaskPreflight/status` notification: interpreter summary, trust and finding counts."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable
from typing import Any

from lsprotocol import types

from ..analysis.project import Project

STATUS_METHOD = "flaskPreflight/status"
_LABELS = {1: "error", 2: "warning", 3: "information", 4: "hint"}


def _environment_module() -> Any:
    # The environment engine is optional at run time: without it the status carries what
    # the server knows by itself.
    try:
        return importlib.import_module("flask_preflight.analysis.environment")
    except ImportError:
        return None


def environment_summary(
    project: Project, interpreter: str | None, how_chosen: str
) -> dict[str, Any]:
    module = _environment_module()
    summarise = getattr(module, "environment_summary", None) if module else None
    if summarise is not None:
        summary = dict(summarise(project))
        if not summary.get("how_chosen"):
            summary["how_chosen"] = how_chosen
        return summary
    exists = interpreter is not None and os.path.exists(interpreter)
    return {
        "path": interpreter,
        "version": None,
        "is_venv": None,
        "venv_root": None,
        "healthy": exists,
        "reason": None if exists else "the interpreter was not found",
        "distributions": None,
        "state": "ok" if exists else "no-interpreter",
        "project_venv": None,
        "how_chosen": how_chosen,
    }


def environment_watch_paths(project: Project) -> list[str]:
    """Site-packages directories and pyvenv.cfg of the project's interpreter (none without
    the environment engine)."""
    module = _environment_module()
    if module is None or not hasattr(module, "watch_paths"):
        return []
    env = module.project_environment(project)
    return [] if env is None else [str(path) for path in module.watch_paths(env)]


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
