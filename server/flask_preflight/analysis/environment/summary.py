"""The one-object summary of a project's interpreter (`check`/`env --format json`, the status)."""

from __future__ import annotations

from typing import Any

from ..project import Project
from .model import Environment
from .project_environment import (
    project_environment,
    project_venv_environment,
    project_venvs,
    venv_of_project_holding,
)

#: Marker file -> (tool, how to find the venv that tool manages, often outside the project).
_TOOL_MARKERS = (
    ("poetry.lock", "poetry", "poetry env info --executable"),
    ("Pipfile", "pipenv", "pipenv --py"),
    ("uv.lock", "uv", "uv python find"),
    ("environment.yml", "conda", "conda env list"),
)


def project_tools(project: Project) -> list[dict[str, str]]:
    """Environment managers the project uses (cheap: marker files at the root only)."""
    found = []
    for marker, tool, finder in _TOOL_MARKERS:
        if project.exists(marker):
            found.append({"tool": tool, "marker": marker, "find_python": finder})
    if not any(t["tool"] == "poetry" for t in found):
        text = project.read_text("pyproject.toml") if project.exists("pyproject.toml") else None
        if text and "[tool.poetry" in text:
            found.append(
                {"tool": "poetry", "marker": "pyproject.toml", "find_python": _TOOL_MARKERS[0][2]}
            )
    return found


def _state(project: Project, env: Environment | None) -> tuple[str, str | None]:
    venvs = project_venvs(project)
    own = venvs[0] if venvs else None
    if env is None or (not env.healthy and not env.is_venv):
        return "no-interpreter", own
    if env.is_venv and not env.healthy:
        return "venv-broken", venv_of_project_holding(project, env.interpreter) or own
    holding = venv_of_project_holding(project, env.interpreter)
    if holding is not None:
        return "ok", holding
    if own is not None:
        if not project_venv_environment(project, own).healthy:
            return "venv-broken", own
        return "venv-not-selected", own
    if not env.is_venv and not env.is_conda:
        return "no-venv", None
    return "ok", None


def environment_summary(project: Project) -> dict[str, Any]:
    """The `interpreter` object of `check --format json` and `env --format json`."""
    env = project_environment(project)
    state, own = _state(project, env)
    how = project.settings.get("interpreter_reason") or {
        "explicit": "chosen explicitly",
        "auto": "picked automatically",
    }.get(str(project.settings.get("interpreter_source")), "")
    return {
        "path": project.interpreter,
        "version": env.version_text if env else None,
        "is_venv": bool(env and env.is_venv),
        "venv_root": env.venv_root if env else None,
        "healthy": bool(env and env.healthy),
        "reason": (env.reason if env else "no interpreter was found") or None,
        "distributions": len(env.distributions) if env else 0,
        "state": state,
        "project_venv": own,
        "how_chosen": how,
        "source": project.settings.get("interpreter_source"),
        "externally_managed": bool(env and env.externally_managed),
        "project_tools": project_tools(project),
    }
