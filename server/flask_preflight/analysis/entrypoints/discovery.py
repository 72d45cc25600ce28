"""Every Flask app and factory defined in the project (not the names that only import one)."""

from __future__ import annotations

from ..flask_apps import AppDefinition, find_flask_apps
from ..project import Project


def project_apps(project: Project) -> list[AppDefinition]:
    cached = project.memo("entrypoints:apps")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    found: list[AppDefinition] = []
    for path in project.python_files():
        if path.endswith(("gunicorn.conf.py", "conftest.py")) or "/tests/" in f"/{path}":
            continue
        apps = find_flask_apps(project, path)
        if apps is None:
            continue
        found.extend(app for app in apps.apps if app.via != "import")
    return project.remember("entrypoints:apps", found)  # type: ignore[no-any-return]
