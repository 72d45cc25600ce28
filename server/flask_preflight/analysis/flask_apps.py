"""Recognising Flask apps, app factories, main guards and server start calls in a module."""

from __future__ import annotations

import ast
import enum
import re
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Literal

from .modules import resolve_import
from .project import Project
from .source import PythonModule

#: Classes whose instances are Flask-compatible WSGI/ASGI apps, by the module defining them.
APP_CLASSES: dict[str, frozenset[str]] = {
    "flask": frozenset({"Flask"}),
    "apiflask": frozenset({"APIFlask"}),
    "quart": frozenset({"Quart"}),
    "flask_openapi3": frozenset({"OpenAPI"}),
}
SOCKETIO_CLASSES: dict[str, frozenset[str]] = {"flask_socketio": frozenset({"SocketIO"})}
#: Flask's own convention (`flask --app`): calling these builds an app even when we cannot
#: see their body (installed package, dynamic code).
CONVENTIONAL_FACTORIES = frozenset({"create_app", "make_app"})
ROUTE_METHODS = frozenset(
    {"route", "get", "post", "put", "patch", "delete", "add_url_rule", "register_blueprint"}
)


class GuardForm(enum.Enum):
    CORRECT = "correct"  # if __name__ == "__main__":
    INVERTED = "inverted"  # if __name__ != "__main__": (the else branch is the guarded part)
    MALFORMED = "malformed"  # looks like a guard, never true as intended


@dataclass(frozen=True)
class Guard:
    node: ast.If
    form: GuardForm
    reason: str = ""

    @property
    def guarded_body(self) -> list[ast.stmt]:
        return self.node.orelse if self.form is GuardForm.INVERTED else self.node.body


def _guard_like_name(name: str) -> bool:
    return name.strip("_").lower() in {"name", "main"}


def _guard_like_text(text: str) -> bool:
    return text.strip().strip("_").lower() in {"main", "name"}


def classify_guard(test: ast.expr) -> tuple[GuardForm, str] | None:
    """Classify an `if` test: a main guard (correct, inverted, malformed) or None."""
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return None
    left, op, right = test.left, test.ops[0], test.comparators[0]
    if isinstance(left, ast.Constant) and isinstance(right, ast.Name):
        left, right = right, left
    if not (isinstance(left, ast.Name) and isinstance(right, ast.Constant)):
        return None
    if not isinstance(right.value, str):
        return None
    name, text = left.id, right.value
    if not (_guard_like_name(name) and _guard_like_text(text)):
        return None
    if name == "__name__" and text == "__main__":
        if isinstance(op, ast.Eq):
            return GuardForm.CORRECT, ""
        if isinstance(op, ast.NotEq):
            return GuardForm.INVERTED, ""
        if isinstance(op, (ast.Is, ast.IsNot)):
            return GuardForm.MALFORMED, (
                "`is` compares object identity, not text: whether it holds depends on string "
                'interning, and Python warns `SyntaxWarning: "is" with a literal`'
            )
        return None
    if name != "__name__":
        return GuardForm.MALFORMED, (
            f"`{name}` is not `__name__`: the test raises NameError, or compares some other "
            "variable"
        )
    return GuardForm.MALFORMED, (
        f'`__name__` is never "{text}": running the file sets it to "__main__", so this '
        "block never runs"
    )


@dataclass(frozen=True)
class Param:
    name: str
    has_default: bool
    kind: Literal["positional_only", "positional", "keyword_only"] = "positional"


@dataclass(frozen=True)
class AppDefinition:
    """A Flask app instance bound to a module-level name, or a factory function."""

    module: str
    name: str
    kind: Literal["instance", "factory"]
    line: int  # 0-based
    params: tuple[Param, ...] = ()
    via: str = ""  # how it was recognised: "constructor", "factory call", "alias", "import"
    #: A factory's `*args` and `**kwargs`, and whether a decorator may have changed what it takes.
    star_args: bool = False
    star_kwargs: bool = False
    decorated: bool = False


@dataclass(frozen=True)
class RunCall:
    """A call that starts a development server: `app.run(...)` or `socketio.run(app, ...)`."""

    call: ast.Call
    statement: ast.stmt  # innermost statement holding the call
    top: ast.stmt  # the module-level statement holding it
    app_name: str
    guarded: bool
    function: str | None = None  # set when the call sits inside a module-level function


@dataclass
class ModuleApps:
    module: PythonModule
    instances: dict[str, AppDefinition] = field(default_factory=dict)
    factories: dict[str, AppDefinition] = field(default_factory=dict)
    socketio: set[str] = field(default_factory=set)
    guards: list[Guard] = field(default_factory=list)
    run_calls: list[RunCall] = field(default_factory=list)
    # name of a module-level function -> run calls inside it
    runs_in_functions: dict[str, list[RunCall]] = field(default_factory=dict)

    @property
    def apps(self) -> list[AppDefinition]:
        return sorted(
            [*self.instances.values(), *self.factories.values()], key=lambda a: (a.line, a.name)
        )


def walk_import_time(
    body: list[ast.stmt], guarded: bool = False, top: ast.stmt | None = None
) -> Iterator[tuple[ast.stmt, bool, ast.stmt]]:
    """Statements that execute when the module is imported or run, with whether they sit
    under a main guard (only true for `python file.py`), and their module-level statement.

    Function and class bodies are not entered: they run only when called.
    """
    for stmt in body:
        outer = top or stmt
        yield stmt, guarded, outer
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if isinstance(stmt, ast.If):
            form = classify_guard(stmt.test)
            if form is not None:
                kind = form[0]
                body_guarded = guarded or kind is not GuardForm.INVERTED
                else_guarded = guarded or kind is GuardForm.INVERTED
                yield from walk_import_time(stmt.body, body_guarded, outer)
                yield from walk_import_time(stmt.orelse, else_guarded, outer)
                continue
        if isinstance(stmt, (ast.If, ast.While)) and _requires_main(stmt.test):
            # `if __name__ == "__main__" and not TESTING:` guards its body (not its else).
            yield from walk_import_time(stmt.body, True, outer)
            yield from walk_import_time(stmt.orelse, guarded, outer)
            continue
        for child_body in _child_bodies(stmt):
            yield from walk_import_time(child_body, guarded, outer)


def _requires_main(test: ast.expr) -> bool:
    """True when `test` can only hold when the file runs as a script."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(_requires_main(value) for value in test.values)
    form = classify_guard(test)
    return form is not None and form[0] is GuardForm.CORRECT


def _child_bodies(stmt: ast.stmt) -> Iterator[list[ast.stmt]]:
    for name in ("body", "orelse", "finalbody"):
        value = getattr(stmt, name, None)
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            yield value
    for handler in getattr(stmt, "handlers", ()):
        yield handler.body
    for case in getattr(stmt, "cases", ()):
        yield case.body


def statement_calls(stmt: ast.stmt) -> Iterator[ast.Call]:
    """Calls evaluated by this statement itself (not by nested statements or lambdas)."""
    todo: list[ast.AST] = []
    for name, value in ast.iter_fields(stmt):
        if name in ("body", "orelse", "finalbody", "handlers", "cases", "decorator_list"):
            continue
        if isinstance(value, list):
            todo.extend(v for v in value if isinstance(v, ast.AST))
        elif isinstance(value, ast.AST):
            todo.append(value)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Call):
            yield node
        todo.extend(ast.iter_child_nodes(node))


def _word_char(text: str, index: int) -> bool:
    return 0 <= index < len(text) and (text[index].isalnum() or text[index] == "_")


class Mentions:
    """Which statements can mention some names, found by a text search, so that walking the
    expressions of every statement (the costly part on big modules) is kept for those."""

    def __init__(self, module: PythonModule, names: Collection[str]):
        text = module.text
        # NFKC folds other spellings of an identifier into these names: no shortcut then.
        self.everywhere = not text.isascii()
        self.lines: list[int] = []
        if self.everywhere or not names:
            return
        # A plain alternation is a fast literal search (a leading \b makes the regex engine
        # try every offset); word boundaries are checked on the few hits instead.
        pattern = re.compile("|".join(map(re.escape, sorted(names))))
        starts = module.source.line_starts
        self.lines = [
            bisect_right(starts, m.start())
            for m in pattern.finditer(text)
            if not _word_char(text, m.start() - 1) and not _word_char(text, m.end())
        ]

    def __call__(self, stmt: ast.stmt) -> bool:
        if self.everywhere:
            return True
        first, last = stmt.lineno, stmt.end_lineno or stmt.lineno  # 1-based, as self.lines
        index = bisect_left(self.lines, first)
        return index < len(self.lines) and self.lines[index] <= last


def _function_statements(func: ast.AST) -> Iterator[ast.stmt]:
    """Statements of a function body, not entering nested functions or classes."""
    todo = list(getattr(func, "body", []))
    while todo:
        stmt = todo.pop(0)
        yield stmt
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for child_body in _child_bodies(stmt):
            todo.extend(child_body)


class _Recogniser:
    def __init__(self, project: Project | None, module: PythonModule, visiting: set[str]):
        self.project = project
        self.module = module
        self.visiting = visiting
        self.sources: set[str] = {module.path}  # the files this recognition read
        self.class_names: set[str] = set()  # local names bound to an app class
        self.module_aliases: dict[str, str] = {}  # local name -> imported module (flask)
        self.socketio_classes: set[str] = set()
        self.imported_factories: set[str] = set()
        self.result = ModuleApps(module)

    # -- what a call builds --

    def _is_app_class(self, func: ast.expr) -> bool:
        if isinstance(func, ast.Name):
            return func.id in self.class_names
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            module = self.module_aliases.get(func.value.id)
            return module is not None and func.attr in APP_CLASSES.get(module, ())
        return False

    def _is_socketio_class(self, func: ast.expr) -> bool:
        if isinstance(func, ast.Name):
            return func.id in self.socketio_classes
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            module = self.module_aliases.get(func.value.id)
            return module is not None and func.attr in SOCKETIO_CLASSES.get(module, ())
        return False

    def _is_factory(self, func: ast.expr) -> bool:
        if not isinstance(func, ast.Name):
            return False
        name = func.id
        return (
            name in self.result.factories
            or name in self.imported_factories
            or name in CONVENTIONAL_FACTORIES
        )

    def builds_app(self, value: ast.expr | None, local_apps: set[str] = frozenset()) -> bool:  # type: ignore[assignment]
        """True when evaluating `value` yields a Flask app."""
        if isinstance(value, ast.Call):
            return self._is_app_class(value.func) or self._is_factory(value.func)
        if isinstance(value, ast.Name):
            return value.id in local_apps or value.id in self.result.instances
        return False

    # -- passes --

    def run(self) -> ModuleApps:
        tree = self.module.tree
        if tree is None:
            return self.result
        statements = list(walk_import_time(tree.body))
        for stmt, _, _ in statements:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                self._import(stmt)
            elif isinstance(stmt, ast.ClassDef):
                self._subclass(stmt)
            elif isinstance(stmt, ast.If):
                form = classify_guard(stmt.test)
                if form is not None:
                    self.result.guards.append(Guard(stmt, form[0], form[1]))
        for stmt in tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._factory(stmt)
        # Two passes so that `application = app` after `app = create_app()` resolves either way.
        for _ in range(2):
            for stmt, _, _ in statements:
                self._binding(stmt)
        self._run_calls(tree, statements)
        return self.result

    def _import(self, stmt: ast.Import | ast.ImportFrom) -> None:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.name in APP_CLASSES or alias.name in SOCKETIO_CLASSES:
                    self.module_aliases[alias.asname or alias.name] = alias.name
            return
        source = stmt.module or ""
        for alias in stmt.names:
            local = alias.asname or alias.name
            if stmt.level == 0 and alias.name in APP_CLASSES.get(source, ()):
                self.class_names.add(local)
            elif stmt.level == 0 and alias.name in SOCKETIO_CLASSES.get(source, ()):
                self.socketio_classes.add(local)
            else:
                self._project_import(stmt, alias.name, local)

    def _project_import(self, stmt: ast.ImportFrom, name: str, local: str) -> None:
        if self.project is None:
            return
        target = resolve_import(self.project, self.module.path, stmt.module or "", stmt.level)
        if target is None:
            return
        self.sources.add(target)
        if target in self.visiting:
            return
        other = find_flask_apps(self.project, target, self.visiting)
        # What the other module was recognised from, this one depends on too.
        self.sources |= self.project.derived_sources(f"flask_apps:{target}")
        if other is None:
            return
        line = stmt.lineno - 1
        if name in other.instances:
            self.result.instances[local] = AppDefinition(
                self.module.path, local, "instance", line, via="import"
            )
        elif name in other.factories:
            self.imported_factories.add(local)
        elif name in other.socketio:
            self.result.socketio.add(local)

    def _subclass(self, stmt: ast.ClassDef) -> None:
        if any(self._is_app_class(base) for base in stmt.bases):
            self.class_names.add(stmt.name)

    def _factory(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        local_apps: set[str] = set()
        returns_app = False
        for stmt in _function_statements(func):
            if isinstance(stmt, ast.Assign) and self.builds_app(stmt.value, local_apps):
                local_apps.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
            elif (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and self.builds_app(stmt.value, local_apps)
            ):
                local_apps.add(stmt.target.id)
            elif isinstance(stmt, ast.Return) and self.builds_app(stmt.value, local_apps):
                returns_app = True
        if not returns_app:
            return
        args = func.args
        positional = [*args.posonlyargs, *args.args]
        defaults = [False] * (len(positional) - len(args.defaults)) + [True] * len(args.defaults)
        only = len(args.posonlyargs)
        params = [
            Param(a.arg, d, "positional_only" if i < only else "positional")
            for i, (a, d) in enumerate(zip(positional, defaults))
        ]
        params += [
            Param(a.arg, d is not None, "keyword_only")
            for a, d in zip(args.kwonlyargs, args.kw_defaults)
        ]
        self.result.factories[func.name] = AppDefinition(
            self.module.path,
            func.name,
            "factory",
            func.lineno - 1,
            tuple(params),
            "factory",
            star_args=args.vararg is not None,
            star_kwargs=args.kwarg is not None,
            decorated=bool(func.decorator_list),
        )

    def _binding(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, ast.Assign):
            targets = [t for t in stmt.targets if isinstance(t, ast.Name)]
            value: ast.expr | None = stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            targets, value = [stmt.target], stmt.value
        else:
            return
        if isinstance(value, ast.Call) and self._is_socketio_class(value.func):
            self.result.socketio.update(t.id for t in targets)
            return
        if not self.builds_app(value):
            return
        via = "alias" if isinstance(value, ast.Name) else "constructor"
        if isinstance(value, ast.Call) and self._is_factory(value.func):
            via = "factory call"
        for target in targets:
            if target.id not in self.result.instances:
                self.result.instances[target.id] = AppDefinition(
                    self.module.path, target.id, "instance", stmt.lineno - 1, via=via
                )

    def _run_target(self, call: ast.Call) -> str | None:
        func = call.func
        if not (
            isinstance(func, ast.Attribute)
            and func.attr == "run"
            and isinstance(func.value, ast.Name)
        ):
            return None
        owner = func.value.id
        if owner in self.result.instances:
            return owner
        if owner in self.result.socketio:
            return owner
        return None

    def _run_calls(
        self, tree: ast.Module, statements: list[tuple[ast.stmt, bool, ast.stmt]]
    ) -> None:
        if not self.result.instances and not self.result.socketio:
            return  # nothing here can start a server
        mentions_run = Mentions(self.module, ("run",))
        for stmt, guarded, top in statements:
            if not mentions_run(stmt):
                continue
            for call in statement_calls(stmt):
                owner = self._run_target(call)
                if owner is not None:
                    self.result.run_calls.append(RunCall(call, stmt, top, owner, guarded))
        for top in tree.body:
            if not isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if not mentions_run(top):
                continue
            for stmt in _function_statements(top):
                if not mentions_run(stmt):
                    continue
                for call in statement_calls(stmt):
                    owner = self._run_target(call)
                    if owner is not None:
                        run = RunCall(call, stmt, top, owner, False, function=top.name)
                        self.result.runs_in_functions.setdefault(top.name, []).append(run)


def recognise_module(module: PythonModule, project: Project | None = None) -> ModuleApps:
    """Apps, factories, guards and run calls of one module (cross-module when `project`)."""
    return _Recogniser(project, module, {module.path}).run()


def find_flask_apps(
    project: Project, relpath: str, visiting: set[str] | None = None
) -> ModuleApps | None:
    """The recognised apps of a project module, kept until it or a project module it
    imports from changes."""
    key = f"flask_apps:{relpath}"
    cached = project.derived(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    module = project.module(relpath)
    if module is None or module.tree is None:
        return None
    seen = set(visiting or ()) | {relpath}
    recogniser = _Recogniser(project, module, seen)
    result = recogniser.run()
    return project.keep_derived(key, result, recogniser.sources)  # type: ignore[no-any-return]


def route_registrations(module: PythonModule, app_names: set[str]) -> Iterator[ast.expr]:
    """Decorators and calls that register URLs on one of `app_names` (module level)."""
    if module.tree is None:
        return
    for stmt, _, _ in walk_import_time(module.tree.body):
        for decorator in getattr(stmt, "decorator_list", ()):
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if _is_route_attr(target, app_names):
                yield decorator
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if isinstance(call, ast.Call) and _is_route_attr(call.func, app_names):
            yield call


def _is_route_attr(node: ast.expr, app_names: set[str]) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr in ROUTE_METHODS
        and isinstance(node.value, ast.Name)
        and node.value.id in app_names
    )
