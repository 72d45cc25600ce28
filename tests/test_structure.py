"""The code's shape: no import cycles (module-level or deferred inside functions), and an
engine that imports nothing of the LSP. Imports under `if TYPE_CHECKING:` do not count."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent / "server"


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for path in PACKAGE_ROOT.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE_ROOT).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        found[".".join(parts)] = (path, is_package)
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(body: list[ast.stmt]) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth (a deferred import is still a dependency)."""
    found: list[ast.Import | ast.ImportFrom] = []
    for stmt in body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            found.append(stmt)
            continue
        if isinstance(stmt, ast.If) and _is_type_checking(stmt.test):
            found += _imports(stmt.orelse)
            continue
        for name in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, name, None)
            if isinstance(inner, list):
                found += _imports([s for s in inner if isinstance(s, ast.stmt)])
        for handler in getattr(stmt, "handlers", None) or []:
            found += _imports(handler.body)
        for case in getattr(stmt, "cases", None) or []:
            found += _imports(case.body)
    return found


def import_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(module -> project modules it imports, module -> top-level names of other imports)."""
    modules = _modules()
    edges: dict[str, set[str]] = {name: set() for name in modules}
    external: dict[str, set[str]] = {name: set() for name in modules}
    for name, (path, is_package) in modules.items():
        package = name if is_package else name.rpartition(".")[0]
        for stmt in _imports(ast.parse(path.read_text(encoding="utf-8")).body):
            if isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    if alias.name in modules:
                        edges[name].add(alias.name)
                    else:
                        external[name].add(alias.name.split(".")[0])
                continue
            if stmt.level:
                base = package.split(".")
                if stmt.level > 1:
                    base = base[: -(stmt.level - 1)]
                target = ".".join(base) + (f".{stmt.module}" if stmt.module else "")
            else:
                target = stmt.module or ""
            if target.split(".")[0] != "flask_preflight":
                external[name].add(target.split(".")[0])
                continue
            for alias in stmt.names:
                if f"{target}.{alias.name}" in modules:
                    edges[name].add(f"{target}.{alias.name}")
                elif target in modules:
                    edges[name].add(target)
    return edges, external


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_no_import_cycles() -> None:
    edges, _ = import_graph()
    assert _cycles(edges) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_engine_imports_nothing_of_the_lsp_or_the_front_ends() -> None:
    edges, external = import_graph()
    for name in edges:
        if not name.startswith("flask_preflight.analysis"):
            continue
        assert not {"pygls", "lsprotocol"} & external[name], name
        front_ends = {e for e in edges[name] if not e.startswith("flask_preflight.analysis")}
        assert front_ends <= {"flask_preflight"}, (name, front_ends)


def test_front_ends_enter_the_engine_through_analyze() -> None:
    """The CLI and the LSP analysis runs never call the check runner themselves."""
    edges, _ = import_graph()
    for front_end in ("flask_preflight.cli", "flask_preflight.lsp.analysis_runs"):
        assert "flask_preflight.analysis.engine" in edges[front_end]
        assert "flask_preflight.analysis.registry" not in edges[front_end]


def test_finding_takes_the_catalog_severity_and_rejects_unknown_rules() -> None:
    import pytest

    from flask_preflight.analysis import RULES, Fix, Range, finding

    fix = Fix("Rename")
    made = finding("APP006", "flask.py", Range.line_start(), "message", fix, data={"a": 1})
    assert (made.rule, made.severity, made.fixes, made.data) == (
        "APP006",
        RULES["APP006"].severity,
        (fix,),
        {"a": 1},
    )
    with pytest.raises(ValueError, match="APP999"):
        finding("APP999", "x.py", Range.line_start(), "message")
