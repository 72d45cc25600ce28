"""Fixes for a target that does not resolve: the right target text, or `--chdir` plus it."""

from __future__ import annotations

import difflib
import posixpath
import re
import shlex
from dataclasses import replace

from ..flask_apps import AppDefinition
from ..model import Fix, TextEdit
from ..project import Project
from .app_targets import dotted_name, expression, import_root
from .declarations import Declaration
from .discovery import served_apps
from .resolve import Verdict, search_path

_SHELL_SAFE = re.compile(r"^[A-Za-z0-9_.:/=,@%+-]+$")


def target_text(declaration: Declaration, new: str) -> str:
    """Quote the new target when it replaces an unquoted shell word and needs quoting."""
    if declaration.shell_unquoted and not _SHELL_SAFE.match(new):
        return shlex.quote(new)
    return new


def _rank(
    declaration: Declaration, verdict: Verdict, app: AppDefinition, text: str
) -> tuple[float, ...]:
    same_module = 1.0 if verdict.module_path == app.module else 0.0
    written = declaration.target or ""
    wanted_name = verdict.target.name if verdict.target and verdict.target.name else ""
    name_score = (
        difflib.SequenceMatcher(None, wanted_name, app.name).ratio() if wanted_name else 0.0
    )
    text_score = difflib.SequenceMatcher(None, written, text).ratio()
    conventional = 1.0 if app.name in ("app", "application", "create_app") else 0.0
    return (same_module, name_score, text_score, conventional, app.kind == "instance")


def _server_target(declaration: Declaration, app: AppDefinition, dotted: str) -> str:
    if declaration.server == "waitress" and app.kind == "factory":
        return f"{dotted}:{app.name}"  # with --call
    return f"{dotted}:{expression(app)}"  # a factory called: gunicorn, and uWSGI's `name()`


def _usable(declaration: Declaration, app: AppDefinition) -> bool:
    if app.kind == "factory" and any(not p.has_default for p in app.params):
        return False
    if declaration.server == "waitress" and app.kind == "factory" and not declaration.call_factory:
        return False
    return not (
        declaration.server == "waitress" and app.kind == "instance" and declaration.call_factory
    )


def target_fixes(project: Project, declaration: Declaration, verdict: Verdict) -> list[Fix]:
    if declaration.server == "python" or verdict.status in ("ok", "unknown"):
        return []
    if declaration.implicit:
        return []  # no command in the file to edit
    if declaration.option("shell-error") and declaration.target:
        quoted = shlex.quote(declaration.target)
        return [
            Fix(
                f"Quote the target: {quoted}",
                (TextEdit(declaration.source, declaration.range, quoted),),
                safe=True,
            )
        ]
    wsgi_file = declaration.option("wsgi-file", "file") if declaration.server == "uwsgi" else None
    if wsgi_file and declaration.target == wsgi_file:
        return _callable_fixes(project, declaration, verdict)
    if (
        declaration.server == "waitress"
        and verdict.rule == "SRV003"
        and verdict.target is not None
        and not verdict.target.call
        and declaration.command_end is not None
        and "factory" in verdict.message
    ):
        text = declaration.format_args(["--call"])
        if text is not None:
            return [
                Fix(
                    "Call the factory (--call)",
                    (TextEdit(declaration.command_file, declaration.command_end, text),),
                )
            ]
    apps = [a for a in served_apps(project) if _usable(declaration, a)]
    if not apps:
        return []
    reachable: list[tuple[AppDefinition, str]] = []
    for app in apps:
        if declaration.server == "flask":
            dotted = dotted_name(app.module, declaration.cwd)
            if dotted is None or import_root(project, app.module) != declaration.cwd:
                continue
            reachable.append((app, f"{dotted}:{expression(app)}"))
            continue
        for base in search_path(declaration):
            dotted = dotted_name(app.module, base)
            if dotted is not None and import_root(project, app.module) == base:
                reachable.append((app, _server_target(declaration, app, dotted)))
                break
    fixes: list[Fix] = []
    if reachable:
        reachable.sort(key=lambda pair: _rank(declaration, verdict, pair[0], pair[1]), reverse=True)
        # The module the target names holds exactly one app: naming it is the only sensible
        # repair, so `check --fix` may apply it.
        in_module = [pair for pair in reachable if pair[0].module == verdict.module_path]
        only_one = len(in_module) == 1 and verdict.rule in ("SRV002", "SRV003", "SRV006")
        for app, text in reachable[:3]:
            fix = _replace_target(declaration, text) if text != declaration.target else None
            if fix is not None:
                safe = only_one and app is in_module[0][0] and not fixes
                fixes.append(replace(fix, safe=safe))
        return fixes
    # Nothing imports from where the server runs: move it (gunicorn --chdir), or give
    # Flask a path, which it resolves from anywhere.
    ranked = sorted(apps, key=lambda a: _rank(declaration, verdict, a, a.name), reverse=True)
    app = ranked[0]
    root = import_root(project, app.module)
    dotted = dotted_name(app.module, root)
    if dotted is None:
        return []
    if declaration.server == "flask":
        relative = posixpath.relpath(app.module, declaration.cwd or ".")
        if relative.endswith("/__init__.py"):
            relative = relative[: -len("/__init__.py")]
        fix = _replace_target(declaration, f"{relative}:{expression(app)}")
        return [fix] if fix is not None else []
    if (
        declaration.server == "gunicorn"
        and declaration.command_end is not None
        and not declaration.has_option("chdir")
    ):
        chdir = posixpath.relpath(root or ".", declaration.cwd or ".")
        new = _server_target(declaration, app, dotted)
        added = declaration.format_args(["--chdir", chdir])
        if added is None:
            return []
        edits = [TextEdit(declaration.command_file, declaration.command_end, added)]
        replacement = _replace_target(declaration, new)
        if replacement is None:
            return []
        edits.extend(replacement.edits)
        return [Fix(f"Run gunicorn in {chdir} and serve `{new}`", tuple(edits))]
    return []


def _callable_fixes(project: Project, declaration: Declaration, verdict: Verdict) -> list[Fix]:
    """uWSGI `--wsgi-file`: the target is a file path, where a `module:name` text does not
    fit; name the app the file defines with `--callable` instead."""
    if (
        verdict.rule != "SRV002"
        or declaration.has_option("callable")  # its value has no range here to replace
        or declaration.command_end is None
    ):
        return []
    names = [
        a.name
        for a in served_apps(project)
        if a.module == verdict.module_path and a.kind == "instance"
    ]
    text = declaration.format_args(["--callable", names[0]]) if names else None
    if text is None:
        return []
    edit = TextEdit(declaration.command_file, declaration.command_end, text)
    return [Fix(f"Serve `{names[0]}` (--callable {names[0]})", (edit,), safe=len(names) == 1)]


def _replace_target(declaration: Declaration, new: str) -> Fix | None:
    if declaration.target:
        return Fix(
            f"Serve `{new}` instead",
            (TextEdit(declaration.source, declaration.range, target_text(declaration, new)),),
        )
    if declaration.command_end is None:
        return None
    inserted = target_text(declaration, new)
    if declaration.server == "flask":
        return Fix(
            f"Add `--app {new}`",
            (TextEdit(declaration.command_file, declaration.command_end, f" --app {inserted}"),),
        )
    if declaration.command_range is not None:
        end = declaration.command_range.end
        from ..model import Range

        return Fix(
            f"Serve `{new}`", (TextEdit(declaration.command_file, Range(end, end), f" {inserted}"),)
        )
    return None
