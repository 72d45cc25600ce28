"""The one door into the engine: `analyze(project, ...) -> Analysis`. The CLI and the
language server both call it and only it; what they do with the result is theirs."""

from __future__ import annotations

import traceback
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from . import checks  # noqa: F401  (importing the package registers every check)
from .environment import environment_summary, project_environment, project_venvs, watch_paths
from .flask_apps import AppDefinition, find_flask_apps
from .model import Finding
from .project import Note, Project
from .registry import ErrorHandler, SeverityOverrides, run_checks


@dataclass(frozen=True)
class EngineError:
    """An internal failure (a check or reader that raised): never a finding, never silent."""

    where: str
    detail: str  # the traceback


@dataclass
class Analysis:
    """Everything one run of the engine produced for a project.

    `findings` are sorted and filtered (select/ignore/severities/paths); `apps` holds the
    recognised apps of each module asked for in `app_paths`; `environment` is the interpreter
    summary (the `interpreter` object of `check --format json`, and the status notification);
    `watch_paths` are the environment's paths whose change means "read it again";
    `venvs` the project's own virtualenvs (absolute, best first)."""

    project: Project
    findings: list[Finding]
    apps: dict[str, list[AppDefinition]] = field(default_factory=dict)
    environment: dict[str, Any] = field(default_factory=dict)
    watch_paths: tuple[str, ...] = ()
    errors: list[EngineError] = field(default_factory=list)
    venvs: tuple[str, ...] = ()

    @property
    def notes(self) -> list[Note]:
        """Files skipped and other things worth knowing that are not findings."""
        return self.project.notes


def _post_passes(project: Project, findings: list[Finding]) -> list[Finding]:
    """Passes over all findings, after every check ran (findings stay sorted).

    This is the place for engine-wide passes over findings, in this order: grouping findings
    under their root cause, annotating what is installed elsewhere. Each takes and returns
    the list; add them here, not in a front end."""
    return findings


def analyze(
    project: Project,
    *,
    select: Collection[str] | None = None,
    ignore: Collection[str] = (),
    severities: SeverityOverrides | None = None,
    paths: Collection[str] | None = None,
    on_error: ErrorHandler | None = None,
    app_paths: Iterable[str] = (),
) -> Analysis:
    """Run the checks over `project` and gather what the front ends show.

    `select`/`ignore` filter rule ids; `severities` overrides (None: rule off); `paths`
    restricts per-module checks to those modules and every finding to those files (None:
    the whole project). Internal failures are collected in `Analysis.errors` (and passed to
    `on_error` as they happen); the rest of the analysis goes on."""
    errors: list[EngineError] = []

    def record(where: str, error: BaseException, detail: str) -> None:
        errors.append(EngineError(where, detail))
        if on_error is not None:
            on_error(where, error, detail)
        else:
            project.notes.append(Note(".", f"{where} failed: {error!r}"))

    findings = run_checks(
        project,
        select=select,
        ignore=ignore,
        severities=severities,
        paths=paths,
        on_error=record,
    )
    findings = _post_passes(project, findings)
    apps: dict[str, list[AppDefinition]] = {}
    for path in app_paths:
        try:
            found = find_flask_apps(project, path)
        except Exception as error:
            record(f"finding the apps of {path}", error, traceback.format_exc())
            continue
        apps[path] = list(found.apps) if found is not None else []
    try:
        environment = environment_summary(project)
        env = project_environment(project)
        watched = tuple(str(p) for p in watch_paths(env)) if env is not None else ()
        venvs = tuple(str(project.abspath(venv)) for venv in project_venvs(project))
    except Exception as error:
        record("reading the environment", error, traceback.format_exc())
        environment = {"path": project.interpreter, "state": "no-interpreter"}
        watched = venvs = ()
    return Analysis(project, findings, apps, environment, watched, errors, venvs)
