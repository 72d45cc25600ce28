"""APP007: module-level threads, schedulers and socket binds that the reloader runs twice."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..flask_apps import RunCall, find_flask_apps, walk_import_time
from ..model import Finding, Fix, TextEdit
from ..project import Project
from ..registry import finding, module_check
from ..source import PythonModule

#: Constructors whose objects start background work with `.start()`.
STARTABLE = frozenset(
    {
        "Thread", "Timer", "Process", "BackgroundScheduler", "AsyncIOScheduler",
        "GeventScheduler", "TornadoScheduler", "QtScheduler", "APScheduler",
    }
)  # fmt: skip
BACKGROUND_CALLS = frozenset({"start_new_thread", "start_background_task"})


def _callee(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _reloader_run(apps_run_calls: list[RunCall]) -> RunCall | None:
    for run in apps_run_calls:
        values = {k.arg: k.value for k in run.call.keywords}
        reloader = values.get("use_reloader")
        if isinstance(reloader, ast.Constant):
            if reloader.value is True:
                return run
            continue
        debug = values.get("debug")
        if isinstance(debug, ast.Constant) and debug.value is True:
            return run
    return None


def _side_effect(stmt: ast.stmt, startables: set[str], sockets: set[str]) -> str | None:
    for node in ast.walk(stmt):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return None
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "start":
            owner = func.value
            if isinstance(owner, ast.Name) and owner.id in startables:
                return f"`{owner.id}.start()` starts a background {('scheduler' if 'sched' in owner.id.lower() else 'thread or process')}"
            if isinstance(owner, ast.Call) and _callee(owner.func) in STARTABLE:
                return f"`{_callee(owner.func)}(...).start()` starts background work"
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "bind"
            and isinstance(func.value, ast.Name)
            and func.value.id in sockets
        ):
            return f"`{func.value.id}.bind(...)` binds a socket"
        if _callee(func) in BACKGROUND_CALLS:
            return f"`{_callee(func)}(...)` starts a background thread"
    return None


@module_check("APP007")
def check_reloader_side_effects(project: Project, module: PythonModule) -> Iterator[Finding]:
    if ".start(" not in module.text and ".bind(" not in module.text and "start_" not in module.text:
        return
    apps = find_flask_apps(project, module.path)
    if apps is None or module.tree is None:
        return
    run = _reloader_run(apps.run_calls)
    if run is None:
        return
    startables: set[str] = set()
    sockets: set[str] = set()
    for stmt, _, _ in walk_import_time(module.tree.body):
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call):
            name = _callee(stmt.value.func)
            targets = {t.id for t in stmt.targets if isinstance(t, ast.Name)}
            if name in STARTABLE:
                startables |= targets
            if name == "socket":
                sockets |= targets
    fix = _no_reloader_fix(module, run.call)
    for stmt, _, top in walk_import_time(module.tree.body):
        if isinstance(stmt, (ast.If, ast.For, ast.While, ast.With, ast.Try)):
            continue
        if stmt.lineno > run.call.lineno and top is run.top:
            continue  # after the blocking run() call: runs only once the server stops
        what = _side_effect(stmt, startables, sockets)
        if what is None:
            continue
        yield finding(
            "APP007",
            module.path,
            module.range_of(stmt),
            f"{what} at import time, and app.run() has the reloader on (line "
            f"{run.call.lineno}): the module runs in the watcher process and again in the "
            "server process, so this happens twice (jobs fire twice; a second bind fails with "
            "'Address already in use'). Start it inside a function the app calls, or turn the "
            "reloader off.",
            *((fix,) if fix is not None else ()),
        )


def _no_reloader_fix(module: PythonModule, call: ast.Call) -> Fix | None:
    rng = module.range_of(call)
    text = module.segment(call)
    if not text.endswith(")"):
        return None
    end = rng.end
    before = end.__class__(end.line, end.character - 1)
    inner = text[text.index("(") + 1 : -1].strip() if "(" in text else ""
    insert = (
        "use_reloader=False"
        if not inner
        else (" use_reloader=False" if inner.endswith(",") else ", use_reloader=False")
    )
    return Fix(
        "Turn the reloader off for this run() call",
        (TextEdit(module.path, rng.__class__(before, before), insert),),
    )
