"""Where a module's name really comes from, through the project's own re-exports:
`from .core import app` and `from .core import *` chains (honouring `__all__`), followed
statically so a target such as `pkg:create_app()` is judged where the name is defined."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ..flask_apps import walk_import_time
from ..modules import resolve_import
from ..project import Project
from .bindings import module_bindings

MAX_DEPTH = 8


@dataclass(frozen=True)
class Origin:
    """`name` in `path` is `source_name` defined in `source` (another project module)."""

    source: str
    source_name: str


@dataclass(frozen=True)
class StarResult:
    """What the star imports of a module say about one name."""

    origin: Origin | None  # the module that provides it
    unresolved: bool  # a star import from outside the project (or one we cannot follow)


def literal_all(tree: ast.Module) -> list[str] | None:
    """A module-level `__all__ = [...]` of string literals (None when absent or computed)."""
    found: list[str] | None = None
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in stmt.targets
        ):
            value = stmt.value
            if isinstance(value, (ast.List, ast.Tuple)) and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts
            ):
                found = [e.value for e in value.elts]  # type: ignore[attr-defined]
            else:
                return None
        elif isinstance(stmt, ast.AugAssign) and getattr(stmt.target, "id", None) == "__all__":
            return None
    return found


def _imports(project: Project, path: str) -> list[tuple[ast.ImportFrom, str | None]]:
    module = project.module(path)
    if module is None or module.tree is None:
        return []
    found: list[tuple[ast.ImportFrom, str | None]] = []
    for stmt, guarded, _ in walk_import_time(module.tree.body):
        if guarded or not isinstance(stmt, ast.ImportFrom):
            continue
        found.append((stmt, resolve_import(project, path, stmt.module or "", stmt.level)))
    return found


def explicit_origin(project: Project, path: str, name: str) -> Origin | None:
    """`from X import a as name` in `path`, X a project module: (X's file, a)."""
    for stmt, target in _imports(project, path):
        for alias in stmt.names:
            if alias.name != "*" and (alias.asname or alias.name) == name and target:
                return Origin(target, alias.name)
    return None


def star_origin(project: Project, path: str, name: str, depth: int = 0) -> StarResult:
    """Which `from X import *` in `path` provides `name` (X's `__all__`, else its public
    names, X's own star imports followed in turn)."""
    unresolved = False
    if depth > MAX_DEPTH:
        return StarResult(None, True)
    for stmt, target in reversed(_imports(project, path)):  # a later import wins
        if not any(alias.name == "*" for alias in stmt.names):
            continue
        if target is None:
            unresolved = True
            continue
        module = project.module(target)
        if module is None or module.tree is None:
            unresolved = True
            continue
        exported = literal_all(module.tree)
        if exported is not None and name not in exported:
            continue
        if exported is None and name.startswith("_"):
            continue
        bindings = module_bindings(module)
        if name in bindings.names:
            return StarResult(Origin(target, name), False)
        if bindings.dynamic:
            unresolved = True
        if bindings.star_import:
            deeper = star_origin(project, target, name, depth + 1)
            if deeper.origin is not None:
                return deeper
            unresolved = unresolved or deeper.unresolved
    return StarResult(None, unresolved)
