"""How to start an app: the exact argv, working directory and environment for the Flask dev
server or a production server (Gunicorn, or Waitress on Windows)."""

from __future__ import annotations

import importlib
import os
from typing import Any

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


def import_root(project: Project, module_path: str) -> str:
    """The root-relative directory the module is imported from: the first directory above
    its package chain (the project root for a top-level module)."""
    parts = module_path.split("/")[:-1]
    while parts and project.exists("/".join([*parts, "__init__.py"])):
        parts.pop()
    return "/".join(parts)


def module_target(project: Project, module_path: str, app_name: str, kind: str) -> tuple[str, str]:
    """(target, cwd) for `module:name`, or `module:name()` for a factory, imported from
    the module's import root."""
    base = import_root(project, module_path)
    inner = module_path[len(base) + 1 :] if base else module_path
    dotted = inner[: -len(".py")] if inner.endswith(".py") else inner
    dotted = dotted.replace("/", ".")
    if dotted.endswith(".__init__"):
        dotted = dotted[: -len(".__init__")]
    target = f"{dotted}:{app_name}()" if kind == "factory" else f"{dotted}:{app_name}"
    cwd = str(project.abspath(base)) if base else str(project.root)
    return target, cwd


def _app_kind(project: Project, module_path: str, app_name: str) -> str:
    from .flask_apps import find_flask_apps

    apps = find_flask_apps(project, module_path)
    if apps is None:
        return "instance"
    if app_name in apps.factories:
        return "factory"
    return "instance"


def _entrypoint_target(
    project: Project, module_path: str, app_name: str, mode: str
) -> tuple[str, str] | None:
    # The entry-point engine names apps the way each server resolves them (package layouts,
    # src/); use it when it is there.
    try:
        targets_module = importlib.import_module("flask_preflight.analysis.entrypoints.app_targets")
    except ImportError:
        return None
    from .flask_apps import find_flask_apps

    apps = find_flask_apps(project, module_path)
    definition = next((a for a in apps.apps if a.name == app_name), None) if apps else None
    if definition is None:
        return None
    targets = targets_module.app_targets(project, definition, "")
    target = targets.get("flask" if mode == "dev" else "gunicorn")
    if not isinstance(target, str) or not target:
        return None
    base = targets.get("cwd") or ""
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
    kind = _app_kind(project, module_path, app_name)
    found = _entrypoint_target(project, module_path, app_name, mode)
    target, cwd = (
        found if found is not None else module_target(project, module_path, app_name, kind)
    )
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
