"""A project's environments: the chosen interpreter's and those of the venvs inside it."""

from __future__ import annotations

import os
from pathlib import Path

from ..interpreters import VENV_NAMES, venv_python
from ..project import Project
from .model import Environment
from .reading import read_environment


def _inside(path: str, root: Path) -> bool:
    for candidate in {os.path.abspath(path), os.path.realpath(path)}:
        try:
            Path(candidate).relative_to(root)
            return True
        except ValueError:
            continue
    return False


def project_environment(project: Project) -> Environment | None:
    """The environment of `project.interpreter` (None when there is none), memoized."""
    if not project.interpreter:
        return None
    cached = project.memo("environment")
    if isinstance(cached, Environment) and cached.interpreter == os.path.abspath(
        project.interpreter
    ):
        return cached
    allow_exec = project.trusted or not _inside(project.interpreter, project.root)
    env = read_environment(project.interpreter, allow_exec=allow_exec)
    return project.remember("environment", env)  # type: ignore[no-any-return]


def project_venvs(project: Project) -> list[str]:
    """Root-relative venv directories of the project, the conventional names first."""
    found = project.venv_dirs()
    order = {name: i for i, name in enumerate(VENV_NAMES)}
    return sorted(found, key=lambda d: (d.count("/"), order.get(d, len(order)), d))


def venv_of_project_holding(project: Project, interpreter: str) -> str | None:
    """The project venv (root-relative) that contains `interpreter`, if any."""
    for venv in project_venvs(project):
        root = str(project.abspath(venv))
        if _inside(interpreter, Path(root)) or os.path.abspath(interpreter).startswith(
            root + os.sep
        ):
            return venv
    return None


def project_venv_environment(project: Project, venv: str) -> Environment:
    """A project venv, read statically (its binaries are never run)."""
    key = f"environment:venv:{venv}"
    cached = project.memo(key)
    if isinstance(cached, Environment):
        return cached
    env = read_environment(venv_python(str(project.abspath(venv))), allow_exec=False)
    return project.remember(key, env)  # type: ignore[no-any-return]
