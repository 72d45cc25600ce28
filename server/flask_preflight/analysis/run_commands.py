"""How to start an app: the exact argv, working directory and environment for the Flask dev
server or a production server (Gunicorn, or Waitress on Windows)."""

from __future__ import annotations

import os
from typing import Any

from .entrypoints.app_targets import app_targets
from .flask_apps import AppDefinition, find_flask_apps
from .project import Project

DEFAULT_PORTS = {"dev": 5000, "gunicorn": 8000, "waitress": 8000}
MODES = ("dev", "gunicorn", "waitress")


class RunCommandError(ValueError):
    """The app cannot be started as asked; the message says why and what to do."""


def is_windows_interpreter(interpreter: str | None) -> bool:
    if not interpreter:
        return os.name == "nt"
    return interpreter.lower().endswith(".exe") or "\\" in interpreter


def production_server(interpreter: str | None) -> str:
    """Gunicorn needs fcntl, which Windows lacks: Waitress is the production server there."""
    return "waitress" if is_windows_interpreter(interpreter) else "gunicorn"


def _target(project: Project, module_path: str, app_name: str, mode: str) -> tuple[str, str]:
    """(target, absolute working directory) that makes the server load the app, named the
    way each server resolves it (packages, src/ layouts; a factory gets `()`)."""
    apps = find_flask_apps(project, module_path)
    definition = next((a for a in apps.apps if a.name == app_name), None) if apps else None
    if definition is None:
        # Not recognised (e.g. built dynamically): take the name as the app itself.
        definition = AppDefinition(module_path, app_name, "instance", 0)
    targets = app_targets(project, definition, "")
    base = targets.get("cwd") or ""
    target = targets["flask" if mode == "dev" else "gunicorn"]
    return target, str(project.abspath(base)) if base else str(project.root)


def build_run_command(
    project: Project,
    module_path: str,
    app_name: str,
    mode: str,
    port: int | None,
    interpreter: str | None,
) -> dict[str, Any]:
    """`{"argv", "cwd", "env", "port", "url", "target"}` to run the app with `mode`."""
    if mode not in MODES:
        raise RunCommandError(f"unknown run mode {mode!r} (expected one of {', '.join(MODES)})")
    if not interpreter or not os.path.exists(interpreter):
        where = f" ({interpreter})" if interpreter else ""
        raise RunCommandError(
            f"No Python interpreter to run the app with{where}: select the project's "
            "interpreter (or create a virtualenv) first."
        )
    if not project.exists(module_path):
        raise RunCommandError(f"{module_path} is not in the project at {project.root}")
    interpreter = os.path.abspath(interpreter)
    target, cwd = _target(project, module_path, app_name, mode)
    port = port if port else DEFAULT_PORTS[mode]
    if mode == "dev":
        argv = [interpreter, "-m", "flask", "--app", target, "run", "--debug", "--port", str(port)]
    elif mode == "gunicorn":
        argv = [interpreter, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", target]
    else:
        waitress_target = target[:-2] if target.endswith("()") else target
        call = ["--call"] if target.endswith("()") else []
        argv = [interpreter, "-m", "waitress", f"--listen=127.0.0.1:{port}", *call, waitress_target]
    return {
        "argv": argv,
        "cwd": cwd,
        "env": {"PYTHONUNBUFFERED": "1"},
        "port": port,
        "url": f"http://127.0.0.1:{port}/",
        "target": target,
    }
