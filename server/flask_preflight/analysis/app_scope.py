"""Which project modules run when the app starts (app code), and the scope of every other one.

The app's code is what is imported, transitively, from every app definition and every declared
entry-point target. Tests, docs, setup scripts and migrations are their own scopes whatever
imports them; any other module the app never reaches is a script (run by hand, if at all).
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from .entrypoints import check_declaration, find_declarations
from .entrypoints.declarations import Declaration
from .entrypoints.resolve import find_module, search_path
from .entrypoints.targets import TargetError, parse_target
from .flask_apps import recognise_module
from .modules import resolve_import
from .project import Project

Scope = Literal["app", "tests", "docs", "setup", "migrations", "scripts", "unknown"]

_TEST_DIRS = frozenset({"tests", "test", "testing"})
_DOCS_DIRS = frozenset({"docs", "doc"})
_MIGRATION_DIRS = frozenset({"migrations", "alembic"})
#: Files that build, package or automate the project; nothing imports them at run time.
_SETUP_FILES = frozenset(
    {"setup.py", "noxfile.py", "fabfile.py", "tasks.py", "dodo.py", "hatch_build.py"}
)
#: Files a server reads as configuration, not app code.
_CONFIG_FILES = frozenset({"gunicorn.conf.py", "gunicorn_config.py", "gunicorn_conf.py"})
#: Conventional names of the module a server loads (`flask run` finds wsgi.py and app.py on
#: its own; application.py is a platform default).
_LAUNCHER_NAMES = frozenset({"wsgi.py", "asgi.py", "app.py", "application.py"})
#: Calls whose first (string) argument names a module to import.
_STRING_IMPORTERS = frozenset({"import_module", "import_string", "from_object", "__import__"})


def path_scope(path: str) -> Scope | None:
    """The scope a module has by its path alone (None: decided by what imports it)."""
    parts = path.split("/")
    name = parts[-1]
    dirs = parts[:-1]
    if (
        name == "conftest.py"
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name in ("tests.py", "test.py")
        or any(d in _TEST_DIRS for d in dirs)
    ):
        return "tests"
    if any(d in _DOCS_DIRS for d in dirs):
        return "docs"
    if any(d in _MIGRATION_DIRS for d in dirs):
        return "migrations"
    if name in _SETUP_FILES or name in _CONFIG_FILES:
        return "setup"
    return None


@dataclass(frozen=True)
class AppScope:
    """Where every project module belongs, and why the app code was found."""

    roots: frozenset[str]
    app: frozenset[str]
    importers: dict[str, frozenset[str]]

    def scope_of(self, project: Project, path: str) -> Scope:
        by_path = path_scope(path)
        if by_path is None and "/versions/" in f"/{path}":
            # alembic keeps its revisions in <dir>/versions/, next to <dir>/env.py
            parent = f"/{path}".split("/versions/")[0].lstrip("/")
            if project.exists(posixpath.join(parent, "env.py")):
                by_path = "migrations"
        if by_path is not None:
            return by_path
        if path in self.app:
            return "app"
        if not self.roots:
            return "unknown"
        return "scripts"

    def imported(self, path: str) -> bool:
        """True when some project module imports `path`."""
        return bool(self.importers.get(path))


def project_imports(project: Project, path: str) -> tuple[str, ...]:
    """Project modules that `path` imports anywhere (functions included), kept per module."""
    key = f"project_imports:{path}"
    cached = project.derived(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    module = project.module(path)
    found: list[str] = []
    sources = {path}
    if module is not None and module.tree is not None:
        for node in ast.walk(module.tree):
            names = list(_imported_names(node))
            if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
                # `from pkg import *` imports the submodules the package lists in __all__
                package = resolve_import(project, path, node.module or "", node.level)
                if package is not None and package.endswith("/__init__.py"):
                    sources.add(package)
                    base = node.module or ""
                    names += [
                        (f"{base}.{name}" if base else name, node.level)
                        for name in _dunder_all(project, package)
                    ]
            for dotted, level in names:
                target = resolve_import(project, path, dotted, level)
                if target is not None and target != path and target not in found:
                    found.append(target)
    return project.keep_derived(key, tuple(found), sources)  # type: ignore[no-any-return]


def _dunder_all(project: Project, path: str) -> list[str]:
    """The names a module lists in a literal `__all__`."""
    module = project.module(path)
    if module is None or module.tree is None:
        return []
    for stmt in module.tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__all__" for t in stmt.targets)
            and isinstance(stmt.value, (ast.List, ast.Tuple))
        ):
            return [
                e.value
                for e in stmt.value.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            ]
    return []


def _imported_names(node: ast.AST) -> Iterable[tuple[str, int]]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name, 0
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        yield base, node.level
        for alias in node.names:
            if alias.name != "*":
                yield (f"{base}.{alias.name}" if base else alias.name), node.level
    elif isinstance(node, ast.Call) and node.args:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        first = node.args[0]
        text = first.value if isinstance(first, ast.Constant) else None
        if name in _STRING_IMPORTERS and isinstance(text, str) and text:
            dotted = text.split(":", 1)[0]
            yield dotted, 0
            if "." in dotted:
                yield dotted.rsplit(".", 1)[0], 0  # `config.Config`: the module part


def _package_chain(project: Project, path: str) -> list[str]:
    """The `__init__.py` files Python runs before `path` (its enclosing packages), kept until
    a file is created or deleted."""
    key = f"package_chain:{path}"
    cached = project.derived(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    chain: list[str] = []
    directory = posixpath.dirname(path)
    while directory:
        init = posixpath.join(directory, "__init__.py")
        if init == path or not project.exists(init):
            break
        chain.append(init)
        directory = posixpath.dirname(directory)
    return project.keep_derived(key, chain, ())  # type: ignore[no-any-return]


def _starts_or_defines_app(project: Project, path: str) -> bool:
    """The module builds a Flask app (`Flask(...)`, a factory, `create_app()`) and defines or
    starts it. Recognised from the module alone and kept until it changes: a keystroke in a
    module everything imports does not re-recognise its importers."""
    key = f"app_scope:root:{path}"
    cached = project.derived(key)
    if cached is not None:
        return bool(cached)
    module = project.module(path)
    root = False
    if module is not None and module.tree is not None:
        apps = recognise_module(module)
        defines = any(a.kind == "factory" or a.via == "constructor" for a in apps.apps)
        # `app = create_app()` makes an app for whoever runs this module: a launcher that
        # starts it. A maintainer script that builds the app to seed a database does not.
        root = defines or bool(apps.run_calls or apps.runs_in_functions)
    return bool(project.keep_derived(key, root, {path}))


def _roots(project: Project) -> set[str]:
    roots: set[str] = set()
    for path in project.python_files():
        if path_scope(path) is not None:
            continue
        # the module a server finds by its name (`flask run` finds wsgi.py and app.py)
        if posixpath.basename(path) in _LAUNCHER_NAMES or _starts_or_defines_app(project, path):
            roots.add(path)
    roots |= {path for path in entrypoint_modules(project) if path_scope(path) != "tests"}
    return roots


def _target_module(project: Project, declaration: Declaration) -> str | None:
    """The module a WSGI server imports, also when what it holds is unknown statically."""
    if declaration.server not in ("gunicorn", "uwsgi", "waitress") or not declaration.target:
        return None
    try:
        target = parse_target(declaration.server, declaration.target)
    except TargetError:
        return None
    return find_module(project, search_path(declaration), target.module)


def entrypoint_modules(project: Project) -> frozenset[str]:
    """Modules a declared server or `flask` command loads (from the deploy files)."""
    cached = project.memo("app_scope:entrypoint-modules")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    found = set()
    for declaration in find_declarations(project):
        verdict = check_declaration(project, declaration)
        path = verdict.module_path or _target_module(project, declaration)
        if path is not None:
            found.add(path)
    return project.remember("app_scope:entrypoint-modules", frozenset(found))  # type: ignore[no-any-return]


def app_scope(project: Project) -> AppScope:
    """The app's code and the import graph, recomputed from per-module edges after a change."""
    cached = project.memo("app_scope")
    if isinstance(cached, AppScope):
        return cached
    importers: dict[str, set[str]] = {}
    for path in project.python_files():
        for target in project_imports(project, path):
            importers.setdefault(target, set()).add(path)
    roots = _roots(project)
    reached: set[str] = set()
    todo = sorted(roots)
    while todo:
        path = todo.pop()
        if path in reached:
            continue
        reached.add(path)
        for target in (*_package_chain(project, path), *project_imports(project, path)):
            if target not in reached and path_scope(target) not in ("tests", "docs"):
                todo.append(target)
    scope = AppScope(
        frozenset(roots),
        frozenset(reached),
        {target: frozenset(sources) for target, sources in importers.items()},
    )
    return project.remember("app_scope", scope)  # type: ignore[no-any-return]


def module_scope(project: Project, path: str) -> Scope:
    return app_scope(project).scope_of(project, path)
