"""Entry points: every place that starts the app (Procfile, Dockerfile, compose, gunicorn.conf.py,
uwsgi.ini, .flaskenv/.env, launch.json, systemd, app.yaml) and whether its target resolves.

Public API (used by the checks, the CLI and the language server):
`find_declarations(project)`, `check_declaration(project, declaration)`,
`entrypoints_report(project)` and `app_targets(project, app, cwd)`.

Layout: `formats/` holds one reader per config-file format, `text/` the text helpers they
share (shell words, JSONC, YAML nodes, located text); declarations, command lines, target
grammars, resolution and fixes are the modules here.
"""

from __future__ import annotations

import posixpath
from dataclasses import replace
from typing import Any

from ..file_kinds import reader_for
from ..project import Project
from . import readers  # noqa: F401  (imports every format: each registers its started-file reader)
from .app_targets import app_targets
from .declarations import Declaration
from .discovery import project_apps
from .formats.gunicorn_conf import GunicornConfig, read_gunicorn_config
from .formats.systemd import project_dir_for
from .import_chain import missing_import
from .problems import DeclarationProblem
from .resolve import Verdict, failed, resolve, search_path
from .target_fixes import target_fixes
from .templates import is_template, placeholder_in

__all__ = [
    "Declaration",
    "DeclarationProblem",
    "Verdict",
    "app_targets",
    "check_declaration",
    "declaration_problems",
    "entrypoints_report",
    "find_declarations",
    "gunicorn_config_for",
]


def _read_file(
    project: Project, path: str, problems: list[DeclarationProblem]
) -> list[Declaration]:
    reader = reader_for(path)  # the file-kinds table names each format's reader
    return [] if reader is None else reader(project, path, problems)


def gunicorn_config_for(project: Project, declaration: Declaration) -> GunicornConfig | None:
    """The gunicorn.conf.py gunicorn reads for this declaration (-c, else ./gunicorn.conf.py)."""
    if declaration.server != "gunicorn":
        return None
    path = declaration.config_file
    if path is None:
        start = declaration.cwd if declaration.start_dir is None else declaration.start_dir
        default = posixpath.join(start, "gunicorn.conf.py")  # join("", name) is name
        path = default if project.exists(default) else None
    if path is None or not project.exists(path):
        return None
    return read_gunicorn_config(project, path)


def _with_config(project: Project, declaration: Declaration, consumed: set[str]) -> Declaration:
    config = gunicorn_config_for(project, declaration)
    if declaration.config_file and config is None:
        return replace(
            declaration,
            unknown=declaration.unknown
            or f"gunicorn is told to read {declaration.config_file}, which is not in the project",
        )
    if config is None:
        return declaration
    consumed.add(config.path)
    if config.error:
        return replace(declaration, unknown=declaration.unknown or config.error)
    changes: dict[str, Any] = {}
    if not declaration.has_option("chdir") and config.chdir:
        moved = posixpath.normpath(posixpath.join(declaration.cwd or ".", config.chdir))
        if config.chdir.startswith("/"):
            moved = project_dir_for(project, config.chdir, declaration.cwd)
        changes["cwd"] = "" if moved == "." else moved
    elif not declaration.has_option("chdir") and "chdir" in config.dynamic:
        changes["unknown"] = f"{config.path} computes chdir at run time"
    if not declaration.target:
        if config.wsgi_app is not None:
            text, rng = config.wsgi_app
            changes.update(
                source=config.path,
                range=rng,
                target=text,
                shell_unquoted=False,
                command_source=declaration.source,
            )
        elif "wsgi_app" in config.dynamic:
            changes["unknown"] = f"{config.path} computes wsgi_app at run time"
    options = list(declaration.options)
    if not declaration.bind:
        if config.bind:
            changes["bind"] = tuple(config.bind)
        if config.bind_reads_port:
            options.append(("bind-reads-port", "1"))
        if config.bind_dynamic:
            options.append(("bind-dynamic", "1"))
    if config.reload:
        options.append(("reload", "1"))
    if config.pythonpath and not declaration.has_option("pythonpath"):
        cwd = changes.get("cwd", declaration.cwd)
        extra = tuple(
            "" if p == "." else p
            for p in (
                posixpath.normpath(posixpath.join(cwd or ".", e.strip()))
                for e in config.pythonpath.split(",")
            )
            if not p.startswith("..")
        )
        changes["pythonpath"] = declaration.pythonpath + extra
    options.append(("config-file", config.path))
    changes["options"] = tuple(options)
    return replace(declaration, **changes)


def _collect(project: Project) -> tuple[list[Declaration], list[DeclarationProblem]]:
    cached = project.memo("entrypoints:declarations")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    declarations: list[Declaration] = []
    problems: list[DeclarationProblem] = []
    read_alone: set[int] = set()  # declarations read from their own file, not via a starter
    started: set[str] = set()  # files (scripts, Procfiles, uwsgi.ini) another file starts
    for path in project.files():
        try:
            found = _read_file(project, path, problems)
            for declaration in found:
                if declaration.source == path:
                    read_alone.add(id(declaration))
                else:
                    started.add(declaration.source)
            declarations.extend(found)
        except Exception as error:  # a parser bug: shown as an internal error, not a finding
            project.record_error(f"reading the entry points of {path}", error)
    declarations = [_unfilled(project, d) for d in declarations]
    problems = [
        replace(p, template=True) if is_template(project, p.source) else p for p in problems
    ]
    # A file that something else starts is read there, with the starter's working directory
    # and environment; its own reading (which guesses both) is dropped.
    declarations = [d for d in declarations if not (id(d) in read_alone and d.source in started)]
    consumed: set[str] = set()
    merged = [_with_config(project, d, consumed) for d in declarations]
    for path in project.files():
        if posixpath.basename(path) != "gunicorn.conf.py":
            continue
        config = read_gunicorn_config(project, path)
        if config is not None and config.error:
            problems.append(DeclarationProblem(path, config.error_range, "gunicorn", config.error))
        if path in consumed:
            continue
        if config is None or config.wsgi_app is None:
            continue
        text, rng = config.wsgi_app
        folder = posixpath.dirname(path)
        standalone = Declaration(
            path, rng, "gunicorn", text, cwd=folder, config_file=path, context="local"
        )
        merged.append(_with_config(project, standalone, set()))
    unique: dict[tuple[Any, ...], Declaration] = {}
    for declaration in merged:
        key = (
            declaration.source,
            declaration.range,
            declaration.server,
            declaration.cwd,
            declaration.process,
        )
        unique.setdefault(key, declaration)
    ordered = sorted(unique.values(), key=lambda d: (d.source, d.range.start))
    return project.remember("entrypoints:declarations", (ordered, problems))  # type: ignore[no-any-return]


def _unfilled(project: Project, declaration: Declaration) -> Declaration:
    """A declaration in a template with a placeholder left on its line: unknown."""
    if declaration.unknown or not is_template(project, declaration.source):
        return declaration
    source = project.source(declaration.source)
    found = placeholder_in(source, declaration) if source is not None else None
    if found is None:
        return declaration
    return replace(
        declaration,
        unknown=f"{declaration.source} is a template: `{found}` is filled in only when it is used",
    )


def find_declarations(project: Project) -> list[Declaration]:
    """Every declaration of a server start in the project, sorted by file and position."""
    return list(_collect(project)[0])


def declaration_problems(project: Project) -> list[DeclarationProblem]:
    """Deploy files that could not be read (their declarations are unknown)."""
    return list(_collect(project)[1])


def check_declaration(project: Project, declaration: Declaration) -> Verdict:
    """Resolve the declaration's target as its server would; fixes attached when it fails."""
    key = f"entrypoints:verdict:{id(declaration)}:{declaration.source}:{declaration.range}"
    cached = project.memo(key)
    if cached is not None and cached[0] is declaration:
        return cached[1]  # type: ignore[no-any-return]
    verdict = resolve(project, declaration)
    if verdict.rule in ("SRV001", "SRV006") and declaration.guessed_cwd:
        verdict = Verdict("unknown", None, declaration.guessed_cwd)
    if verdict.rule is not None:
        verdict = replace(verdict, fixes=tuple(target_fixes(project, declaration, verdict)))
    # No fix is offered: the import to repair is in the module, not in the deploy file.
    if verdict.ok and verdict.module_path and declaration.server != "python":
        missing = missing_import(project, verdict.module_path, search_path(declaration))
        if missing is not None:
            rule = "SRV006" if declaration.server == "flask" else "SRV001"
            verdict = failed(
                rule,
                f"{declaration.server} imports {verdict.module_path}, and {missing.describe()}: the import "
                "fails with ModuleNotFoundError before the app is loaded.",
                verdict.module_path,
            )
    project.remember(key, (declaration, verdict))
    return verdict


def entrypoints_report(project: Project) -> dict[str, Any]:
    """The `flask-preflight entrypoints --format json` document (DESIGN.md contract).

    `apps`: [{path, line (1-based), name, kind: instance|factory}].
    `entrypoints`: [{source, line (1-based), server, target, status, app}] where `status` is
    "ok", the name of the rule that explains the failure (e.g.
    "entrypoint-attribute-not-found"), or "unknown" (then a `reason` key says why);
    `app` is "path:name" of the app definition the target loads, or null. `target` is the
    text the server parses ("" when the server falls back to its default). Files that could
    not be read at all are listed with server "unknown", status "unknown" and a reason.
    """
    apps = [
        {"path": a.module, "line": a.line + 1, "name": a.name, "kind": a.kind}
        for a in project_apps(project)
    ]
    entries: list[dict[str, Any]] = []
    for declaration in find_declarations(project):
        verdict = check_declaration(project, declaration)
        entry: dict[str, Any] = {
            "source": declaration.source,
            "line": declaration.range.start.line + 1,
            "server": declaration.server,
            "target": declaration.target,
            "status": verdict.status,
            "app": f"{verdict.app.module}:{verdict.app.name}" if verdict.app else None,
        }
        if verdict.status == "unknown":
            entry["reason"] = verdict.message
        entries.append(entry)
    for problem in declaration_problems(project):
        entries.append(
            {
                "source": problem.source,
                "line": problem.range.start.line + 1,
                "server": problem.server,
                "target": "",
                "status": "unknown",
                "app": None,
                "reason": problem.reason,
            }
        )
    return {"apps": apps, "entrypoints": entries}
