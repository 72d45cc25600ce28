"""Every Flask app and factory defined in the project (not the names that only import one)."""

from __future__ import annotations

from dataclasses import replace

from ..flask_apps import AppDefinition, ModuleApps, find_flask_apps
from ..project import Project
from ..source import PythonModule
from .bindings import module_bindings


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


def served_apps(project: Project) -> list[AppDefinition]:
    """The apps of `project_apps` that a server importing their module finds."""
    served: list[AppDefinition] = []
    for app in project_apps(project):
        module = project.module(app.module)
        if module is None:
            continue
        apps = imported_apps(project, app.module, module)
        if app.name in (apps.factories if app.kind == "factory" else apps.instances):
            served.append(app)
    return served


def imported_apps(project: Project, path: str, module: PythonModule) -> ModuleApps:
    """The apps and factories a server finds when it imports `path`.

    A server imports the module, so `__name__` is never "__main__": an app bound only under
    the main guard (`if __name__ == "__main__": application = Flask(...)`) does not exist for
    it. Names a star import or `__getattr__` may bind are kept (we cannot list them).
    """
    apps = find_flask_apps(project, path) or ModuleApps(module)
    bindings = module_bindings(module)
    if bindings.star_import or bindings.dynamic:
        return apps
    return replace(
        apps,
        instances={n: a for n, a in apps.instances.items() if n in bindings.names},
        factories={n: a for n, a in apps.factories.items() if n in bindings.names},
    )
