"""APP005: debug mode hard-coded on where the app is deployed (the Werkzeug debugger executes
any Python a visitor types, so on a public host it is remote code execution)."""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Iterator

from ..catalog import RULES
from ..entrypoints import Declaration, find_declarations
from ..entrypoints.resolve import find_module
from ..flask_apps import find_flask_apps, walk_import_time
from ..model import Finding, Fix, Position, Range, Severity, TextEdit
from ..modules import module_file
from ..project import Project
from ..python_edits import preferred_quote
from ..registry import module_check, project_check
from ..source import PythonModule

PUBLIC_HOSTS = ("0.0.0.0", "::", "", "[::]")
PRODUCTION_SERVERS = ("gunicorn", "uwsgi", "waitress")


def production_declared(project: Project) -> Declaration | None:
    """A declaration that serves the app for real: a WSGI server, or anything in a container,
    on a PaaS or under systemd."""
    for declaration in find_declarations(project):
        if declaration.server in PRODUCTION_SERVERS or declaration.context != "local":
            return declaration
    return None


def deployed_as_script(project: Project, path: str) -> Declaration | None:
    """A deployment (container, PaaS, systemd) that runs this file as `python file.py` or
    `python -m module`: only then does code under its `__main__` guard run in production."""
    for declaration in find_declarations(project):
        if declaration.server != "python" or declaration.context == "local":
            continue
        if declaration.unknown:
            return declaration  # it may run this file: keep the warning
        module = declaration.option("module")
        if module is not None:
            found = find_module(project, [declaration.cwd], module) or module_file(
                project, declaration.cwd, module + ".__main__"
            )
        else:
            found = posixpath.normpath(posixpath.join(declaration.cwd or ".", declaration.target))
        if found == path:
            return declaration
    return None


def import_os_edit(module: PythonModule) -> TextEdit | None:
    """Insert `import os` after the module docstring and `from __future__` imports, unless
    the module already imports it."""
    tree = module.tree
    if tree is None:
        return None
    line = 0
    for stmt in tree.body:
        if isinstance(stmt, ast.Import) and any(
            a.name == "os" and a.asname is None for a in stmt.names
        ):
            return None
    for index, stmt in enumerate(tree.body):
        docstring = (
            index == 0
            and isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str)
        )
        if docstring or (isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__"):
            line = stmt.end_lineno or stmt.lineno
            continue
        break
    newline = module.source.newline
    return TextEdit(module.path, Range(Position(line, 0), Position(line, 0)), f"import os{newline}")


def debug_from_env_fix(module: PythonModule, value: ast.expr) -> Fix:
    quote = preferred_quote(module)
    expression = f"os.environ.get({quote}FLASK_DEBUG{quote}) == {quote}1{quote}"
    edits = [TextEdit(module.path, module.range_of(value), expression)]
    import_edit = import_os_edit(module)
    if import_edit is not None:
        edits.insert(0, import_edit)
    return Fix("Read debug from FLASK_DEBUG", tuple(edits), safe=True)


def _literal_host(call: ast.Call) -> str | None:
    for keyword in call.keywords:
        if keyword.arg == "host":
            return (
                keyword.value.value
                if isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str)
                else None
            )
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def _debug_true(call: ast.Call) -> ast.expr | None:
    for keyword in call.keywords:
        if (
            keyword.arg == "debug"
            and isinstance(keyword.value, ast.Constant)
            and keyword.value.value is True
        ):
            return keyword.value
    if (
        len(call.args) >= 3
        and isinstance(call.args[2], ast.Constant)
        and call.args[2].value is True
    ):
        return call.args[2]
    return None


def _assigned_debug(stmt: ast.stmt, apps: set[str]) -> ast.expr | None:
    """`app.debug = True` or `app.config["DEBUG"] = True` at module level."""
    if not (
        isinstance(stmt, ast.Assign)
        and isinstance(stmt.value, ast.Constant)
        and stmt.value.value is True
    ):
        return None
    for target in stmt.targets:
        if (
            isinstance(target, ast.Attribute)
            and target.attr == "debug"
            and isinstance(target.value, ast.Name)
            and target.value.id in apps
        ):
            return stmt.value
        if (
            isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Attribute)
            and target.value.attr == "config"
            and isinstance(target.value.value, ast.Name)
            and target.value.value.id in apps
            and isinstance(target.slice, ast.Constant)
            and target.slice.value == "DEBUG"
        ):
            return stmt.value
    return None


@module_check("APP005")
def check_debug_in_code(project: Project, module: PythonModule) -> Iterator[Finding]:
    if "debug" not in module.text and "DEBUG" not in module.text and "True" not in module.text:
        return  # `app.run(host, port, True)` names debug only by its position
    apps = find_flask_apps(project, module.path)
    if apps is None or module.tree is None:
        return
    production = None
    checked_production = False
    as_script: Declaration | None = None
    checked_script = False
    for run in apps.run_calls:
        value = _debug_true(run.call)
        if value is None:
            continue
        if run.guarded:
            # The textbook `if __name__ == "__main__": app.run(debug=True)`: when production
            # runs a WSGI server, it imports the module and never runs the guard. It matters
            # there only when a deployment runs this file as a script.
            if not checked_script:
                as_script, checked_script = deployed_as_script(project, module.path), True
            if not checked_production:
                production, checked_production = production_declared(project), True
            if as_script is None and production is not None:
                continue
        host = _literal_host(run.call)
        if host is not None and host in PUBLIC_HOSTS:
            yield Finding(
                "APP005",
                Severity.ERROR,
                module.path,
                module.range_of(value),
                f"debug=True with host={host!r}: anyone who can reach this port gets the "
                "Werkzeug debugger, which runs any Python they type (remote code execution). "
                "Read debug from the environment and keep it off where the app is public.",
                (debug_from_env_fix(module, value),),
            )
            continue
        if not checked_production:
            production, checked_production = production_declared(project), True
        if production is not None:
            yield Finding(
                "APP005",
                RULES["APP005"].severity,
                module.path,
                module.range_of(value),
                f"debug=True is hard-coded, and {(as_script or production).source} deploys "
                "this project: the "
                "debugger and reloader go wherever this code runs. Read debug from the "
                "environment (FLASK_DEBUG).",
                (debug_from_env_fix(module, value),),
            )
    names = set(apps.instances)
    for stmt, _, _ in walk_import_time(module.tree.body):
        value = _assigned_debug(stmt, names)
        if value is None:
            continue
        if not checked_production:
            production, checked_production = production_declared(project), True
        if production is None:
            continue
        yield Finding(
            "APP005",
            RULES["APP005"].severity,
            module.path,
            module.range_of(value),
            f"Debug mode is switched on in code, and {production.source} deploys this project: "
            "tracebacks and debug behaviour reach production. Read it from FLASK_DEBUG.",
            (debug_from_env_fix(module, value),),
        )


@project_check("APP005")
def check_debug_in_deploy(project: Project) -> Iterator[Finding]:
    """`flask run --debug` (or FLASK_DEBUG=1) in a container/PaaS command on a public host."""
    for declaration in find_declarations(project):
        if declaration.server != "flask" or declaration.option("subcommand") != "run":
            continue
        if declaration.context == "local":
            continue
        debug = declaration.has_option("debug") or (
            declaration.env_value("FLASK_DEBUG") or ""
        ).lower() in ("1", "true", "yes")
        host = declaration.option("host") or declaration.env_value("FLASK_RUN_HOST") or "127.0.0.1"
        if not debug:
            continue
        public = host in PUBLIC_HOSTS
        yield Finding(
            "APP005",
            Severity.ERROR if public else RULES["APP005"].severity,
            declaration.command_file,
            declaration.command_range or declaration.range,
            "The development server runs with the debugger on in a deployment"
            + (
                f" on host {host}: anyone who can reach it can run Python on the server (remote code execution)."
                if public
                else "."
            )
            + " Serve it with gunicorn (or waitress) and leave debug off.",
        )
