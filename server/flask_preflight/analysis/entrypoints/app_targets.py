"""The target strings that make each server load a given app, from a given working dir."""

from __future__ import annotations

import posixpath

from ..flask_apps import AppDefinition
from ..project import Project


def import_root(project: Project, path: str) -> str:
    """The directory that must be on sys.path to import `path` by its full package name."""
    directory = posixpath.dirname(path)
    if posixpath.basename(path) == "__init__.py":
        directory = posixpath.dirname(directory)
    while directory and project.exists(posixpath.join(directory, "__init__.py")):
        directory = posixpath.dirname(directory)
    return directory


def dotted_name(path: str, base: str) -> str | None:
    """The module name of `path` when `base` is on sys.path (None when it is not below it)."""
    if base:
        if not path.startswith(base + "/"):
            return None
        path = path[len(base) + 1 :]
    if not path.endswith(".py"):
        return None
    stem = path[:-3]
    if stem.endswith("/__init__"):
        stem = stem[: -len("/__init__")]
    elif stem == "__init__":
        return None
    parts = stem.split("/")
    return ".".join(parts) if all(p.isidentifier() for p in parts) else None


def expression(app: AppDefinition) -> str:
    return app.name if app.kind == "instance" else f"{app.name}()"


def app_targets(project: Project, app: AppDefinition, cwd: str = "") -> dict[str, str]:
    """Targets for `python -m flask --app T run` and `python -m gunicorn T`.

    Keys: "flask", "gunicorn", and "cwd": the directory the server must run in (gunicorn:
    pass it as --chdir). That is `cwd` when the app's package imports from there, else the
    folder above the app's outermost package (a src/ layout's `src`).
    """
    if cwd and (cwd.startswith("/") or ":" in cwd[:3]):
        cwd = project.relpath(cwd) or ""  # an absolute folder inside the project
        cwd = "" if cwd == "." else cwd
    root = import_root(project, app.module)
    base = cwd if root == cwd else root
    dotted = dotted_name(app.module, base) or posixpath.splitext(posixpath.basename(app.module))[0]
    target = f"{dotted}:{expression(app)}"
    return {"flask": target, "gunicorn": target, "cwd": base}
