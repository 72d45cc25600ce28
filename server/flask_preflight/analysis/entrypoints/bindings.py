"""What each module-level name of a module is bound to, as far as the source says."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Literal

from ..flask_apps import walk_import_time
from ..source import PythonModule

Kind = Literal["function", "class", "module", "imported", "constant", "none", "value"]


@dataclass(frozen=True)
class Binding:
    """What a module-level name is bound to (the name is its key in ModuleBindings.names)."""

    kind: Kind
    params: int = 0  # functions: positional parameters without defaults


@dataclass
class ModuleBindings:
    names: dict[str, Binding]
    star_import: bool = False  # `from x import *`: any name may exist
    dynamic: bool = False  # module __getattr__ or globals() writes: names we cannot list


def module_bindings(module: PythonModule) -> ModuleBindings:
    result = ModuleBindings({})
    if module.tree is None:
        return result
    for stmt, guarded, _ in walk_import_time(module.tree.body):
        if guarded:
            continue  # only `python file.py` runs these; an importing server never does
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = stmt.args
            required = len(args.posonlyargs) + len(args.args) - len(args.defaults)
            result.names[stmt.name] = Binding("function", required)
            if stmt.name == "__getattr__":
                result.dynamic = True
        elif isinstance(stmt, ast.ClassDef):
            result.names[stmt.name] = Binding("class")
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                name = alias.asname or alias.name.split(".")[0]
                result.names[name] = Binding("module")
        elif isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                if alias.name == "*":
                    result.star_import = True
                    continue
                name = alias.asname or alias.name
                result.names[name] = Binding("imported")
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            value = stmt.value
            for target in targets:
                if isinstance(target, ast.Subscript) and _calls_globals(target.value):
                    result.dynamic = True  # globals()["app"] = ...
                for node in ast.walk(target):
                    if isinstance(node, ast.Name):
                        result.names[node.id] = Binding(_value_kind(value))
        elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.With, ast.AsyncWith)):
            holders = (
                [stmt.target]
                if isinstance(stmt, (ast.For, ast.AsyncFor))
                else [item.optional_vars for item in stmt.items if item.optional_vars is not None]
            )
            for holder in holders:
                for node in ast.walk(holder):
                    if isinstance(node, ast.Name):
                        result.names[node.id] = Binding("value")
        elif isinstance(stmt, ast.Expr) and _calls_globals(stmt):
            result.dynamic = True  # globals().update(...)
        for node in (
            ast.walk(stmt)
            if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            else ()
        ):
            if isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
                result.names[node.target.id] = Binding("value")
    return result


def _calls_globals(node: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "globals"
        for n in ast.walk(node)
    )


def _value_kind(value: ast.expr | None) -> Kind:
    if isinstance(value, ast.Constant):
        return "none" if value.value is None else "constant"
    if isinstance(value, (ast.JoinedStr, ast.List, ast.Dict, ast.Set, ast.Tuple, ast.ListComp)):
        return "constant"
    return "value"
