"""`flask-preflight env` text: which interpreter runs the app, why, and the state it is in."""

from __future__ import annotations

from typing import Any

from .analysis.checks.environment import requirements_for_install
from .analysis.environment.commands import create_venv, select_project_venv, shell_equivalent
from .analysis.environment.project_environment import project_environment, project_venvs
from .analysis.project import Project

_STATES = {
    "ok": "nothing to fix",
    "no-venv": "no virtualenv: the app runs with a global Python",
    "venv-not-selected": "the project has a virtualenv, but another interpreter is selected",
    "venv-broken": "the virtualenv is broken",
    "no-interpreter": "no usable interpreter",
}


def render_environment(project: Project, summary: dict[str, Any]) -> str:
    env = project_environment(project)
    lines = [f"interpreter:   {summary['path'] or '(none)'} ({summary['how_chosen']})"]
    lines.append(f"python:        {summary['version'] or 'unknown'}")
    if summary["is_venv"]:
        health = "healthy" if summary["healthy"] else f"BROKEN: {summary['reason']}"
        lines.append(f"virtualenv:    {summary['venv_root']} ({health})")
    elif env is not None and env.healthy:
        kind = "conda environment" if env.is_conda else "no, a global Python"
        if summary.get("externally_managed"):
            kind += " (EXTERNALLY-MANAGED: pip refuses to install into it)"
        lines.append(f"virtualenv:    {kind}")
    else:
        lines.append(f"virtualenv:    - ({summary['reason']})")
    lines.append(f"distributions: {summary['distributions']}")
    venvs = project_venvs(project)
    lines.append(f"project venvs: {', '.join(venvs) if venvs else 'none found'}")
    for tool in summary.get("project_tools", []):
        lines.append(
            f"project tool:  {tool['tool']} ({tool['marker']}); its venv: `{tool['find_python']}`"
        )
    lines.append(f"state:         {summary['state']} ({_STATES.get(summary['state'], '')})")
    if env is not None:
        lines.extend(f"note:          {note}" for note in env.notes)
    command = None
    if summary["state"] == "no-venv":
        command = create_venv(str(project.root), requirements_for_install(project))
    elif summary["state"] == "venv-broken":
        broken = summary["venv_root"] or (
            str(project.abspath(summary["project_venv"])) if summary["project_venv"] else None
        )
        command = create_venv(str(project.root), requirements_for_install(project), broken)
    elif summary["state"] == "venv-not-selected" and summary["project_venv"]:
        command = select_project_venv(str(project.abspath(summary["project_venv"])))
    text = shell_equivalent(command) if command is not None else None
    if text:
        lines.append(f"to fix:        {text}")
    return "\n".join(lines) + "\n"
