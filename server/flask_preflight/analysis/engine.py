"""The one door into the engine: `analyze(project, ...) -> Analysis`. The CLI and the
language server both call it and only it; what they do with the result is theirs."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from . import checks  # noqa: F401  (importing the package registers every check)
from .causes import group_by_cause
from .environment.project_environment import project_environment, project_venvs
from .environment.reading import watch_paths
from .environment.summary import environment_summary
from .flask_apps import AppDefinition, find_flask_apps
from .installed_elsewhere import annotate_installed_elsewhere
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

    `findings` are filtered (select/ignore/severities/paths) and ordered root cause first:
    a finding folded under a headline carries that headline's rule id in `cause` (`shown`
    and `folded` split them); `apps` holds the
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
    def shown(self) -> list[Finding]:
        """What a front end shows by default: headlines and what no root cause explains."""
        return [f for f in self.findings if f.cause is None]

    @property
    def folded(self) -> list[Finding]:
        """What a root cause explains (shown with `--show-all`, or linked from the headline)."""
        return [f for f in self.findings if f.cause is not None]

    @property
    def notes(self) -> list[Note]:
        """Files skipped and other things worth knowing that are not findings."""
        return self.project.notes


def _post_passes(
    project: Project,
    findings: list[Finding],
    *,
    select: Collection[str] | None,
    ignore: Collection[str],
    severities: SeverityOverrides | None,
    carried: Sequence[Finding],
    group: bool,
    installed_elsewhere: bool,
) -> list[Finding]:
    """Passes over all findings, after every check ran, in this order: say where else a
    missing package is installed, then fold what one root cause explains under its headline.
    `carried` are findings of files this run did not recompute (folded last time), so the
    headline still counts and links everything it explains."""
    if installed_elsewhere:
        try:
            findings = annotate_installed_elsewhere(findings, project)
        except Exception as error:
            project.record_error("looking for packages installed elsewhere", error)
    if not group:
        return findings
    again = [replace(f, cause=None) for f in carried]
    return group_by_cause(
        [*findings, *again], project, select=select, ignore=ignore, severities=severities
    )


def analyze(
    project: Project,
    *,
    select: Collection[str] | None = None,
    ignore: Collection[str] = (),
    severities: SeverityOverrides | None = None,
    paths: Collection[str] | None = None,
    on_error: ErrorHandler | None = None,
    app_paths: Iterable[str] = (),
    carried: Sequence[Finding] = (),
    group_causes: bool = True,
    installed_elsewhere: bool = True,
) -> Analysis:
    """Run the checks over `project` and gather what the front ends show.

    `select`/`ignore` filter rule ids; `severities` overrides (None: rule off); `paths`
    restricts per-module checks to those modules and every finding to those files (None:
    the whole project). `carried`: findings of files outside `paths` that an earlier run
    folded (see `_post_passes`); `group_causes=False` leaves root causes alone (a run of a
    few rules only); `installed_elsewhere=False` skips looking in the machine's other
    environments (DEP001/DEP005 then do not say where else a package is installed). Internal failures are recorded in `project.errors` and gathered in
    `Analysis.errors` (and passed to `on_error`); the rest of the analysis goes on."""
    before = len(project.errors)
    findings = run_checks(project, select=select, ignore=ignore, severities=severities, paths=paths)
    findings = _post_passes(
        project,
        findings,
        select=select,
        ignore=ignore,
        severities=severities,
        carried=carried,
        group=group_causes,
        installed_elsewhere=installed_elsewhere,
    )
    apps: dict[str, list[AppDefinition]] = {}
    for path in app_paths:
        try:
            found = find_flask_apps(project, path)
        except Exception as error:
            project.record_error(f"finding the apps of {path}", error)
            continue
        apps[path] = list(found.apps) if found is not None else []
    try:
        environment = environment_summary(project)
        env = project_environment(project)
        watched = tuple(str(p) for p in watch_paths(env)) if env is not None else ()
        venvs = tuple(str(project.abspath(venv)) for venv in project_venvs(project))
    except Exception as error:
        project.record_error("reading the environment", error)
        environment = {"path": project.interpreter, "state": "no-interpreter"}
        watched = venvs = ()
    errors = [EngineError(e.where, e.detail) for e in project.errors[before:]]
    if on_error is not None:
        for recorded in project.errors[before:]:
            on_error(recorded.where, recorded.error, recorded.detail)
    return Analysis(project, findings, apps, environment, watched, errors, venvs)
