"""APP001-APP004: how a module starts its development server, and whether it ever does."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import replace

from ..app_scope import app_scope, entrypoint_modules
from ..catalog import RULES
from ..flask_apps import (
    Guard,
    GuardForm,
    Mentions,
    ModuleApps,
    RunCall,
    find_flask_apps,
    route_registrations,
    statement_calls,
    walk_import_time,
)
from ..model import Finding, Fix, Range, Severity, TextEdit
from ..project import Project
from ..python_edits import (
    append_block,
    block_lines,
    delete_lines,
    insert_after_block,
    main_test,
    owns_lines,
    wrap_in_guard,
)
from ..registry import module_check
from ..source import PythonModule


def _finding(rule: str, module: PythonModule, rng: Range, message: str, *fixes: Fix) -> Finding:
    return Finding(rule, RULES[rule].severity, module.path, rng, message, tuple(fixes))


def _launcher_only(project: Project, module: PythonModule) -> bool:
    """Nothing in the project imports the module and no deploy file names it: only
    `python file.py` runs it today, where the unguarded call is what starts the server."""
    return not app_scope(project).imported(module.path) and module.path not in (
        entrypoint_modules(project)
    )


def _app001(
    project: Project, module: PythonModule, rng: Range, message: str, *fixes: Fix
) -> Finding:
    found = _finding("APP001", module, rng, message, *fixes)
    if not _launcher_only(project, module):
        return found
    return replace(
        found,
        severity=Severity.HINT,
        message=f"{message} (Nothing imports this module and no deploy file names it yet, "
        "so today only `python "
        f"{module.path.rsplit('/', 1)[-1]}` runs it.)",
    )


def _call_text(module: PythonModule, call: ast.Call) -> str:
    text = module.segment(call.func)
    return f"{text}()" if len(text) < 40 else "the call"


def _top_guard(apps: ModuleApps) -> Guard | None:
    """The last correct main guard at module level (where `python app.py` code belongs)."""
    tree = apps.module.tree
    top_level = {id(stmt) for stmt in tree.body} if tree else set()
    correct = [g for g in apps.guards if g.form is GuardForm.CORRECT and id(g.node) in top_level]
    return correct[-1] if correct else None


def _one_line_guard(guard: Guard) -> bool:
    """`if __name__ == "__main__": stmt` has no indented block to add lines to."""
    return guard.guarded_body[0].lineno == guard.node.lineno


def _guard_starts_app(guard: Guard, apps: ModuleApps) -> bool:
    return any(run.top is guard.node and run.guarded for run in apps.run_calls)


# --- APP001 --------------------------------------------------------------------------------


def _app001_fixes(module: PythonModule, apps: ModuleApps, stmt: ast.stmt) -> list[Fix]:
    fixes: list[Fix] = []
    guard = _top_guard(apps)
    span = owns_lines(module, stmt)
    top_level = module.tree is not None and stmt in module.tree.body
    if guard is not None and span is not None and top_level:
        if _guard_starts_app(guard, apps):
            fixes.append(
                Fix(
                    "Remove this call: the main guard already starts the server",
                    (delete_lines(module, *span),),
                )
            )
        elif guard.node.lineno > stmt.lineno and not _one_line_guard(guard):
            body = guard.guarded_body
            indent = module.source.indent_of(body[0].lineno - 1)
            lines = block_lines(module, stmt, indent)
            if lines is not None:
                if len(body) == 1 and isinstance(body[0], ast.Pass):
                    only = body[0]
                    insert = TextEdit(
                        module.path,
                        module.range_of(only),
                        module.source.newline.join(lines).lstrip(),
                    )
                else:
                    # After the guarded body, not after the `if`: an `else:` may follow.
                    insert = insert_after_block(module, body[-1], lines)
                fixes.append(
                    Fix(
                        'Move into the existing `if __name__ == "__main__":` block',
                        (delete_lines(module, *span), insert),
                        safe=True,
                    )
                )
    wrap = wrap_in_guard(module, stmt)
    if wrap is not None:
        fixes.append(Fix('Wrap in `if __name__ == "__main__":`', (wrap,), safe=not fixes))
    return fixes


def _unguarded_calls_of(apps: ModuleApps) -> Iterator[tuple[ast.Call, ast.stmt, str]]:
    """Module-level calls of local functions that start the server, outside any guard."""
    tree = apps.module.tree
    if tree is None or not apps.runs_in_functions:
        return
    mentioned = Mentions(apps.module, apps.runs_in_functions)
    for stmt, guarded, _ in walk_import_time(tree.body):
        if guarded or not mentioned(stmt):
            continue
        for call in statement_calls(stmt):
            if isinstance(call.func, ast.Name) and call.func.id in apps.runs_in_functions:
                yield call, stmt, call.func.id


def check_unguarded_run(
    project: Project, module: PythonModule, apps: ModuleApps
) -> Iterator[Finding]:
    for run in apps.run_calls:
        if run.guarded:
            continue
        what = _call_text(module, run.call)
        yield _app001(
            project,
            module,
            module.range_of(run.call),
            f"{what} runs on import, not only when you run this file: gunicorn, uWSGI and "
            "your tests import this module to find the app, so they start a development "
            "server here and block (only `flask run` skips the call, with a warning). Put it "
            'under `if __name__ == "__main__":`.',
            *_app001_fixes(module, apps, run.statement),
        )
    for call, stmt, name in _unguarded_calls_of(apps):
        inner = apps.runs_in_functions[name][0]
        yield _app001(
            project,
            module,
            module.range_of(call),
            f"{name}() starts the development server (`{module.segment(inner.call.func)}()` "
            f"on line {inner.call.lineno}) and is called on import: gunicorn, uWSGI and your "
            "tests will start a development server here and block. Call it under "
            '`if __name__ == "__main__":`.',
            *_app001_fixes(module, apps, stmt),
        )


# --- APP002 --------------------------------------------------------------------------------


def check_malformed_guards(module: PythonModule, apps: ModuleApps) -> Iterator[Finding]:
    for guard in apps.guards:
        if guard.form is not GuardForm.MALFORMED:
            continue
        test = guard.node.test
        assert isinstance(test, ast.Compare)
        op = "!=" if isinstance(test.ops[0], (ast.NotEq, ast.IsNot)) else "=="
        replacement = main_test(module, op)
        consequence = (
            "`python app.py` skips this block and exits without starting anything"
            if op == "=="
            else "the branches are not the ones you meant"
        )
        yield _finding(
            "APP002",
            module,
            module.range_of(test),
            f"This main guard is never true as written: {guard.reason}; {consequence}. "
            f"Write `if {replacement}:`.",
            Fix(
                f"Change to `{replacement}`",
                (TextEdit(module.path, module.range_of(test), replacement),),
                safe=True,
            ),
        )


# --- APP003 --------------------------------------------------------------------------------

_HARMLESS_CALLS = frozenset({"print", "pass"})


def _starts_something(body: list[ast.stmt]) -> bool:
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Name) and func.id in _HARMLESS_CALLS:
                    continue
                return True
    return False


def check_guard_runs_nothing(module: PythonModule, apps: ModuleApps) -> Iterator[Finding]:
    if not apps.instances and not apps.factories:
        return
    if apps.run_calls:
        return  # the module starts a server elsewhere (APP001 speaks about it if unguarded)
    guard = _top_guard(apps)
    if guard is None or _starts_something(guard.guarded_body):
        return
    body = guard.guarded_body
    if apps.instances:
        name = next(iter(apps.instances))
        start = f"{name}.run()"
    else:
        name = next(iter(apps.factories))
        start = f"{name}().run()"
    if len(body) == 1 and isinstance(body[0], ast.Pass):
        edit = TextEdit(module.path, module.range_of(body[0]), start)
    elif _one_line_guard(guard):
        end = module.end_of(body[-1])
        edit = TextEdit(module.path, Range(end, end), f"; {start}")
    else:
        indent = module.source.indent_of(body[0].lineno - 1)
        # After the guarded body, not after the `if`: an `else:` may follow.
        edit = insert_after_block(module, body[-1], [indent + start])
    yield _finding(
        "APP003",
        module,
        module.range_of(guard.node.test),
        "This main guard starts nothing: `python "
        f"{module.path.rsplit('/', 1)[-1]}` exits at once without serving. That is fine "
        f"if you use `flask run` or gunicorn; to run the file directly, call `{start}` here.",
        Fix(f"Call `{start}` in the main guard", (edit,)),
    )


# --- APP004 --------------------------------------------------------------------------------


def _route_label(module: PythonModule, node: ast.AST) -> str:
    call = node if isinstance(node, ast.Call) else None
    if call is not None and call.args and isinstance(call.args[0], ast.Constant):
        value = call.args[0].value
        return value if isinstance(value, str) else ""
    return ""


def _move_run_to_end(module: PythonModule, run: RunCall) -> Fix | None:
    span = owns_lines(module, run.top)
    if span is None:
        return None
    if run.top is run.statement and not run.guarded:
        inner = block_lines(module, run.top, module.source.indent_unit)
        if inner is None:
            return None
        lines = [f"if {main_test(module)}:", *inner]
    else:
        moved = block_lines(module, run.top)
        if moved is None:
            return None
        lines = moved
    return Fix(
        "Move the run call to the end of the module",
        (delete_lines(module, *span), append_block(module, lines)),
        safe=True,
    )


def check_routes_after_run(module: PythonModule, apps: ModuleApps) -> Iterator[Finding]:
    tree = module.tree
    if tree is None:
        return
    top_level = {id(stmt) for stmt in tree.body}
    blocking = [run for run in apps.run_calls if id(run.top) in top_level]
    if not blocking:
        return
    run = blocking[0]
    run_end = run.top.end_lineno or run.top.lineno
    names = set(apps.instances)
    registrations = list(route_registrations(module, names))
    late = [node for node in registrations if node.lineno > run_end]
    if not late:
        return
    call_end = run.call.end_lineno or run.call.lineno
    # Registrations after the call inside the moved block would still come after it: moving
    # cannot help them, and the next pass would move another block (no fixed point).
    stuck = any(call_end < node.lineno <= run_end for node in registrations)
    # With several blocks that start a server, the next one would block before the routes.
    stuck = stuck or len({id(other.top) for other in blocking}) > 1
    fix = None if stuck else _move_run_to_end(module, run)
    for node in late:
        label = _route_label(module, node)
        what = f"`{label}`" if label else "this registration"
        yield _finding(
            "APP004",
            module,
            module.range_of(node),
            f"Registered after `{module.segment(run.call.func)}()` on line {run.call.lineno}, "
            f"which blocks while the server runs: with `python {module.path.rsplit('/', 1)[-1]}` "
            f"{what} is never registered and answers 404. Move the run call to the end of the "
            "module.",
            *((fix,) if fix else ()),
        )


@module_check("APP001", "APP002", "APP003", "APP004")
def check_main_guard(project: Project, module: PythonModule) -> Iterator[Finding]:
    apps = find_flask_apps(project, module.path)
    if apps is None:
        return
    yield from check_unguarded_run(project, module, apps)
    yield from check_malformed_guards(module, apps)
    yield from check_guard_runs_nothing(module, apps)
    yield from check_routes_after_run(module, apps)
