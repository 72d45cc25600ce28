"""The environment fix commands (a contract with the VS Code client) and their shell forms."""

from __future__ import annotations

import os
import shlex

from ..interpreters import venv_python
from ..model import FixCommand

SELECT_PROJECT_VENV = "flaskPreflight.selectProjectVenv"
CREATE_VENV = "flaskPreflight.createVenv"
INSTALL_REQUIREMENTS = "flaskPreflight.installRequirements"
SELECT_INTERPRETER = "flaskPreflight.selectInterpreter"


def select_project_venv(venv_dir: str) -> FixCommand:
    """Arguments: the absolute venv directory."""
    return FixCommand(SELECT_PROJECT_VENV, (venv_dir,))


def select_interpreter(interpreter: str) -> FixCommand:
    """Arguments: the absolute interpreter to make the workspace interpreter."""
    return FixCommand(SELECT_INTERPRETER, (interpreter,))


def create_venv(root: str, requirements: str | None, existing: str | None = None) -> FixCommand:
    """Arguments: the absolute project root, the root-relative requirements file (or None)
    and, to recreate a broken venv in place, its absolute directory."""
    if existing:
        return FixCommand(CREATE_VENV, (root, requirements, existing))
    return FixCommand(CREATE_VENV, (root, requirements))


def install_requirements(interpreter: str, requirements: str) -> FixCommand:
    """Arguments: the absolute interpreter, the root-relative requirements file."""
    return FixCommand(INSTALL_REQUIREMENTS, (interpreter, requirements))


def _install_args(requirements: str) -> list[str]:
    if requirements.endswith(".toml"):
        return ["-e", os.path.dirname(requirements) or "."]
    return ["-r", requirements]


def shell_equivalent(command: FixCommand) -> str | None:
    """What a terminal user types to do the same (run from the project folder)."""
    args = command.arguments
    if command.name == SELECT_PROJECT_VENV and args:
        python = venv_python(str(args[0]))
        return f"flask-preflight check --python {shlex.quote(python)}  (or activate that venv)"
    if command.name == SELECT_INTERPRETER and args:
        return f"flask-preflight check --python {shlex.quote(str(args[0]))}"
    if command.name == CREATE_VENV and args:
        venv = ".venv"
        if len(args) > 2 and args[2]:
            relative = os.path.relpath(str(args[2]), str(args[0]))
            venv = relative if not relative.startswith("..") else str(args[2])
        python = venv_python(venv)
        steps = [shlex.join(["python3", "-m", "venv", "--clear", venv])]
        if len(args) > 1 and args[1]:
            pip = [python, "-m", "pip", "install", *_install_args(str(args[1]))]
            steps.append(shlex.join(pip))
        return " && ".join(steps)
    if command.name == INSTALL_REQUIREMENTS and len(args) > 1:
        pip = [str(args[0]), "-m", "pip", "install", *_install_args(str(args[1]))]
        return shlex.join(pip)
    return None
