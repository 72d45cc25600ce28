"""DEP006: Flask APIs the code uses that the installed Flask has removed."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from packaging.version import Version

from ...catalog import RULES
from ...environment.project_environment import project_environment
from ...flask_apps import APP_CLASSES, CONVENTIONAL_FACTORIES, ModuleApps, find_flask_apps
from ...known_incompatibilities import REMOVED_FLASK_APIS
from ...model import Finding
from ...project import Project
from ...registry import module_check
from ...source import PythonModule

_Function = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _nodes_in_scopes(tree: ast.AST) -> Iterator[tuple[ast.AST, tuple[ast.AST, ...]]]:
    """Every node with the functions it sits in, innermost last."""
    todo: list[tuple[ast.AST, tuple[ast.AST, ...]]] = [(tree, ())]
    while todo:
        node, scopes = todo.pop()
        yield node, scopes
        inner = (*scopes, node) if isinstance(node, _Function) else scopes
        for child in ast.iter_child_nodes(node):
            # decorators and defaults are evaluated in the enclosing scope
            in_header = isinstance(node, _Function) and (
                child in getattr(node, "decorator_list", ()) or child is node.args
            )
            todo.append((child, scopes if in_header else inner))


class _AppFlow:
    """Which names hold a Flask app where they are used, by data flow: bound to `Flask(...)`
    (or a subclass, or an app factory's result) in that scope or at module level, imported
    from a module that defines one, `current_app` from flask, or a parameter annotated as a
    Flask app. A parameter that merely happens to be named `app` (Sphinx's `setup(app)`) is
    not one."""

    def __init__(self, tree: ast.Module, found: ModuleApps | None):
        self.module_apps = set(found.instances) if found is not None else set()
        factories = set(found.factories) if found is not None else set()
        self.factories = factories | CONVENTIONAL_FACTORIES
        self.classes: set[str] = set()
        self.flask_modules: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                for alias in node.names:
                    local = alias.asname or alias.name
                    if alias.name in APP_CLASSES.get(node.module, ()):
                        self.classes.add(local)
                    elif node.module == "flask" and alias.name == "current_app":
                        self.module_apps.add(local)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in APP_CLASSES:
                        self.flask_modules.add(alias.asname or alias.name)
            elif isinstance(node, ast.ClassDef) and any(self._app_class(b) for b in node.bases):
                self.classes.add(node.name)
        self.locals: dict[ast.AST, tuple[set[str], set[str]]] = {}

    def _app_class(self, node: ast.expr | None) -> bool:
        if isinstance(node, ast.Name):
            return node.id in self.classes
        return (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in self.flask_modules
            and node.attr in APP_CLASSES.get(node.value.id, APP_CLASSES["flask"])
        )

    def _builds_app(self, value: ast.expr | None) -> bool:
        if not isinstance(value, ast.Call):
            return False
        func = value.func
        return self._app_class(func) or (isinstance(func, ast.Name) and func.id in self.factories)

    def _scope(self, function: ast.AST) -> tuple[set[str], set[str]]:
        """(names bound in `function`, those bound to an app)."""
        cached = self.locals.get(function)
        if cached is not None:
            return cached
        bound: set[str] = set()
        apps: set[str] = set()
        args = getattr(function, "args", None)
        if isinstance(args, ast.arguments):
            for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
                bound.add(arg.arg)
                if self._app_class(arg.annotation):
                    apps.add(arg.arg)
        for node, scopes in _nodes_in_scopes(function):
            if scopes != (function,) or not isinstance(node, (ast.Assign, ast.AnnAssign)):
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            bound.update(names)
            if self._builds_app(node.value):
                apps.update(names)
        self.locals[function] = (bound, apps)
        return bound, apps

    def __call__(self, name: str, scopes: tuple[ast.AST, ...]) -> bool:
        for function in reversed(scopes):
            bound, apps = self._scope(function)
            if name in apps:
                return True
            if name in bound:
                return False
        return name in self.module_apps


_REMOVED_API_NAMES = re.compile(
    r"\b(" + "|".join(sorted({re.escape(api.name) for api in REMOVED_FLASK_APIS})) + r")\b"
)


def _removed_api_names(text: str) -> set[str]:
    return set(_REMOVED_API_NAMES.findall(text))


@module_check("DEP006")
def check_removed_flask_apis(project: Project, module: PythonModule) -> Iterator[Finding]:
    env = project_environment(project)
    flask = env.get("flask") if env is not None and env.healthy else None
    if env is None or flask is None or flask.parsed_version is None or module.tree is None:
        return
    if "flask" not in module.text:
        return
    installed: Version = flask.parsed_version
    # Every match below is on the API's name as a whole word: a module whose text has none
    # of them is not walked (the walk costs more than parsing the module).
    named = _removed_api_names(module.text)
    removed = [
        api for api in REMOVED_FLASK_APIS if installed >= api.removed_version and api.name in named
    ]
    if not removed:
        return
    found = find_flask_apps(project, module.path)
    is_app = _AppFlow(module.tree, found)
    flask_aliases = {
        alias.asname or alias.name
        for node in ast.walk(module.tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name == "flask"
    }

    def finding(
        node: ast.expr | ast.keyword | ast.alias | ast.stmt,
        api_error: str,
        name: str,
        replacement: str,
        since: str,
        source: str,
    ) -> Finding:
        return Finding(
            "DEP006",
            RULES["DEP006"].severity,
            module.path,
            module.range_of(node),
            f"`{name}` was removed in Flask {since} and {env.interpreter} has Flask "
            f"{flask.version}: {api_error}. Instead: {replacement}; or pin `Flask<{since}`. "
            f"(Source: {source})",
            data={"api": name, "removed_in": since},
        )

    for node, scopes in _nodes_in_scopes(module.tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for api in removed:
                if api.kind != "import" or api.module != node.module:
                    continue
                for alias in node.names:
                    if alias.name == api.name:
                        target = alias if getattr(alias, "lineno", None) is not None else node
                        yield finding(
                            target,
                            api.error,
                            f"{node.module}.{api.name}",
                            api.replacement,
                            api.removed_in,
                            api.source,
                        )
        elif isinstance(node, ast.Attribute):
            receiver = node.value.id if isinstance(node.value, ast.Name) else None
            for api in removed:
                if api.name != node.attr:
                    continue
                if api.kind == "import" and api.module == "flask" and receiver in flask_aliases:
                    # Flask 3 modules define __getattr__, which raises a bare AttributeError
                    error = (
                        f"AttributeError: {api.name}"
                        if api.removed_version >= Version("3.0")
                        else f"AttributeError: module 'flask' has no attribute '{api.name}'"
                    )
                elif api.kind == "attribute" or (
                    api.kind == "app-attribute" and receiver and is_app(receiver, scopes)
                ):
                    error = api.error
                else:
                    continue
                yield finding(
                    node,
                    error,
                    f"{receiver or '…'}.{api.name}",
                    api.replacement,
                    api.removed_in,
                    api.source,
                )
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            for api in removed:
                if api.kind != "keyword" or api.module != called:
                    continue
                for keyword in node.keywords:
                    if keyword.arg == api.name:
                        yield finding(
                            keyword,
                            api.error,
                            f"{called}({api.name}=...)",
                            api.replacement,
                            api.removed_in,
                            api.source,
                        )
