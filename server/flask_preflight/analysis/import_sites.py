"""Absolute imports of a module and when each one runs, for a target Python version.

`sys.version_info` tests (directly, through a module-level alias such as
`PY3 = sys.version_info[0] == 3`, an alias imported from a project compat module, or `six.PY2`)
are evaluated for the target version: only the branch that runs there counts. Platform tests
(`sys.platform`, `os.name`) leave both branches out (the app may run on another platform).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from .model import Range
from .modules import resolve_import
from .project import Project
from .source import PythonModule

#: "module": runs when the module is imported; "function": when a function is called;
#: "main": only when the file is run as a script; "conditional": only when a runtime test holds.
Context = Literal["module", "function", "main", "conditional"]

_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
#: Flag names whose meaning we cannot evaluate (platform, implementation): both branches out.
_PLATFORM_FLAG = re.compile(r"^(IS_)?(PYPY|WIN|WINDOWS|MACOS|LINUX|POSIX|DARWIN|JYTHON)")
#: Conventional names for "running on Python 2/3" when their definition is out of reach.
_CONVENTIONAL = re.compile(r"^_?(IS_)?PY_?(?P<major>[23])K?$")
_UNKNOWN: Any = object()


@dataclass(frozen=True)
class ImportSite:
    top: str  # the top-level module name
    range: Range
    context: Context


# --- evaluating version tests ----------------------------------------------------------------


class _Evaluator:
    def __init__(self, version: tuple[int, ...] | None, aliases: dict[str, Any]):
        self.version = tuple(version) if version else None
        self.aliases = aliases

    def value(self, node: ast.expr) -> Any:
        """The value of `node` on the target Python, or _UNKNOWN."""
        try:
            return self._value(node)
        except Exception:  # odd comparisons (a tuple with a str): not something we can know
            return _UNKNOWN

    def _value(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Tuple):
            items = [self._value(e) for e in node.elts]
            return _UNKNOWN if any(i is _UNKNOWN for i in items) else tuple(items)
        if _is_version_info(node):
            return self.version if self.version is not None else _UNKNOWN
        if _is_sys_attribute(node, "version"):
            return ".".join(map(str, self.version)) if self.version is not None else _UNKNOWN
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "int"
            and len(node.args) == 1
            and not node.keywords
        ):
            inner = self._value(node.args[0])
            return _UNKNOWN if inner is _UNKNOWN else int(inner)
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id == "six":
                if node.attr in ("PY2", "PY3") and self.version is not None:
                    return (self.version[0] == 2) == (node.attr == "PY2")
                return _UNKNOWN
            if _is_version_info(node.value) and self.version is not None:
                index = {"major": 0, "minor": 1, "micro": 2}.get(node.attr)
                return _UNKNOWN if index is None else self.version[index]
            return _UNKNOWN
        if isinstance(node, ast.Name):
            if node.id in self.aliases:
                return self.aliases[node.id]
            match = _CONVENTIONAL.match(node.id)
            if match and self.version is not None:
                return self.version[0] == int(match["major"])
            return _UNKNOWN
        if isinstance(node, ast.Subscript):
            base = self._value(node.value)
            if base is _UNKNOWN or not isinstance(base, (tuple, str)):
                return _UNKNOWN
            key: ast.expr = node.slice
            if isinstance(key, ast.Slice):
                lower = self._value(key.lower) if key.lower else None
                upper = self._value(key.upper) if key.upper else None
                if _UNKNOWN in (lower, upper) or key.step is not None:
                    return _UNKNOWN
                return base[lower:upper]
            position = self._value(key)
            return base[position] if isinstance(position, int) else _UNKNOWN
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self._value(node.operand)
            return _UNKNOWN if inner is _UNKNOWN else not inner
        if isinstance(node, ast.BoolOp):
            values = [self._value(v) for v in node.values]
            if isinstance(node.op, ast.And):
                if any(v is not _UNKNOWN and not v for v in values):
                    return False
                return _UNKNOWN if _UNKNOWN in values else True
            if any(v is not _UNKNOWN and v for v in values):
                return True
            return _UNKNOWN if _UNKNOWN in values else False
        if isinstance(node, ast.Compare):
            left = self._value(node.left)
            for op, right_node in zip(node.ops, node.comparators):
                right = self._value(right_node)
                if left is _UNKNOWN or right is _UNKNOWN:
                    return _UNKNOWN
                if not _compare(op, left, right):
                    return False
                left = right
            return True
        return _UNKNOWN


def _compare(op: ast.cmpop, left: Any, right: Any) -> bool:
    if isinstance(op, ast.Eq):
        return bool(left == right)
    if isinstance(op, ast.NotEq):
        return bool(left != right)
    if isinstance(op, ast.Lt):
        return bool(left < right)
    if isinstance(op, ast.LtE):
        return bool(left <= right)
    if isinstance(op, ast.Gt):
        return bool(left > right)
    if isinstance(op, ast.GtE):
        return bool(left >= right)
    raise ValueError(op)


def _is_sys_attribute(node: ast.AST, name: str) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == name
        and isinstance(node.value, ast.Name)
        and node.value.id == "sys"
    )


def _is_version_info(node: ast.AST) -> bool:
    """`sys.version_info`, or `version_info` imported from sys."""
    if isinstance(node, ast.Name):
        return node.id == "version_info"
    return _is_sys_attribute(node, "version_info")


def _mentions_version(node: ast.expr) -> bool:
    for child in ast.walk(node):
        if _is_version_info(child) or _is_sys_attribute(child, "version"):
            return True
        if isinstance(child, ast.Attribute) and child.attr in ("PY2", "PY3"):
            return True
        if isinstance(child, ast.Name) and _CONVENTIONAL.match(child.id):
            return True
    return False


def _is_platform_test(test: ast.expr) -> bool:
    for node in ast.walk(test):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("platform", "name", "modules", "implementation")
            and isinstance(node.value, ast.Name)
            and node.value.id in ("sys", "os")
        ):
            return True
        if isinstance(node, ast.Name) and _PLATFORM_FLAG.match(node.id):
            return True
    return False


def version_aliases(
    project: Project | None, module: PythonModule, version: tuple[int, ...] | None
) -> tuple[dict[str, Any], set[str]]:
    """Module-level names bound to a version test (`PY3 = sys.version_info[0] == 3`), also
    when imported from a project module, with their value on the target; and the files read."""
    aliases: dict[str, Any] = {}
    sources = {module.path}
    if module.tree is None:
        return aliases, sources
    evaluator = _Evaluator(version, aliases)
    for stmt in module.tree.body:
        if isinstance(stmt, ast.Assign) and _mentions_version(stmt.value):
            value = evaluator.value(stmt.value)
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    if value is _UNKNOWN:
                        aliases.pop(target.id, None)
                    else:
                        aliases[target.id] = value
        elif isinstance(stmt, ast.ImportFrom) and project is not None:
            if stmt.level == 0 and stmt.module == "six":
                for alias in stmt.names:
                    if alias.name in ("PY2", "PY3") and version is not None:
                        aliases[alias.asname or alias.name] = (version[0] == 2) == (
                            alias.name == "PY2"
                        )
                continue
            wanted = [a for a in stmt.names if a.name.isupper()]
            if not wanted:
                continue
            compat = resolve_import(project, module.path, stmt.module or "", stmt.level)
            other = project.module(compat) if compat and compat != module.path else None
            if other is None:
                continue
            # one level only: a compat module's own imports are not followed (cheap, no cycles)
            theirs, _ = version_aliases(None, other, version)
            sources.add(other.path)
            for alias in wanted:
                if alias.name in theirs:
                    aliases[alias.asname or alias.name] = theirs[alias.name]
    return aliases, sources


# --- the import statements ---------------------------------------------------------------------


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    for node in types:
        name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
        if name in _IMPORT_ERRORS:
            return True
    return False


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _is_main_guard(test: ast.expr) -> bool:
    from .flask_apps import GuardForm, classify_guard

    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(_is_main_guard(value) for value in test.values)
    form = classify_guard(test)
    return form is not None and form[0] is GuardForm.CORRECT


def _deeper(context: Context, inner: Context) -> Context:
    order = ("module", "main", "conditional", "function")
    return context if order.index(context) >= order.index(inner) else inner


def _statements(
    body: list[ast.stmt], context: Context, evaluator: _Evaluator
) -> Iterator[tuple[ast.Import | ast.ImportFrom, Context]]:
    for stmt in body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            yield stmt, context
            continue
        if isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            handlers = getattr(stmt, "handlers", [])
            if not any(_catches_import_error(h) for h in handlers):
                yield from _statements(stmt.body, context, evaluator)  # type: ignore[attr-defined]
            for handler in handlers:
                yield from _statements(handler.body, context, evaluator)
            yield from _statements(stmt.orelse, context, evaluator)  # type: ignore[attr-defined]
            yield from _statements(stmt.finalbody, context, evaluator)  # type: ignore[attr-defined]
            continue
        if isinstance(stmt, ast.If):
            if _is_type_checking(stmt.test):
                yield from _statements(stmt.orelse, context, evaluator)
                continue
            value = evaluator.value(stmt.test)
            if value is not _UNKNOWN:
                yield from _statements(stmt.body if value else stmt.orelse, context, evaluator)
                continue
            if _is_platform_test(stmt.test) or _mentions_version(stmt.test):
                continue  # each branch is for another interpreter
            inner: Context = "main" if _is_main_guard(stmt.test) else "conditional"
            yield from _statements(stmt.body, _deeper(context, inner), evaluator)
            yield from _statements(stmt.orelse, _deeper(context, "conditional"), evaluator)
            continue
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield from _statements(stmt.body, "function", evaluator)
            continue
        for name in ("body", "orelse", "finalbody"):
            child = getattr(stmt, name, None)
            if isinstance(child, list) and child and isinstance(child[0], ast.stmt):
                yield from _statements(child, context, evaluator)
        for case in getattr(stmt, "cases", []) or []:
            yield from _statements(case.body, _deeper(context, "conditional"), evaluator)
        for handler in getattr(stmt, "handlers", []) or []:
            yield from _statements(handler.body, context, evaluator)


def import_sites(
    project: Project, module: PythonModule, version: tuple[int, ...] | None
) -> tuple[ImportSite, ...]:
    """The absolute imports of `module` that fail when their module is missing (not guarded
    by `except ImportError`, not for another Python), kept until the module changes."""
    key = f"import_sites:{module.path}:{version}"
    cached = project.derived(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    if module.tree is None:
        return ()
    aliases, sources = version_aliases(project, module, version)
    evaluator = _Evaluator(version, aliases)
    sites: list[ImportSite] = []
    for stmt, context in _statements(module.tree.body, "module", evaluator):
        if isinstance(stmt, ast.ImportFrom):
            if stmt.level or not stmt.module:
                continue
            sites.append(ImportSite(stmt.module.split(".")[0], module.range_of(stmt), context))
            continue
        for alias in stmt.names:
            located = alias if getattr(alias, "lineno", None) is not None else stmt
            sites.append(ImportSite(alias.name.split(".")[0], module.range_of(located), context))
    return project.keep_derived(key, tuple(sites), sources)  # type: ignore[no-any-return]
