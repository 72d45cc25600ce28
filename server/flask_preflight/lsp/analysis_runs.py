"""One analysis run on the analysis thread: apply queued changes to a Project, run the engine,
and turn findings into LSP diagnostics for the versions they were computed from."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import from_fs_path
from pygls.workspace.position_codec import PositionCodec

from ..analysis.causes import is_headline
from ..analysis.engine import analyze
from ..analysis.interpreters import Interpreter
from ..analysis.model import Finding
from ..analysis.project import Project
from .conversions import MAX_RELATED_INFORMATION, ClientLines, to_diagnostic
from .folders import AppLens, choose_interpreter_for
from .settings import FolderSettings, InterpreterHint
from .status import environment_summary


@dataclass
class Batch:
    """Everything one run needs, copied off the event loop so the thread never reads shared
    state."""

    root: Path
    settings: FolderSettings
    trusted: bool
    hint: InterpreterHint | None
    texts: dict[str, str | None]  # open buffers (None: closed, read the disk again)
    disk: dict[str, bool]  # changed on disk -> created or deleted
    rebuild: bool
    full: bool
    versions: dict[str, int | None]  # open documents' versions at the time of the copy
    lens_paths: frozenset[str]
    loose: bool = False
    nested: tuple[str, ...] = ()  # folders inside this one: they are projects of their own
    # The previous run's root cause: what it folded, and the file its headline is in.
    folded: tuple[Finding, ...] = ()
    headline_path: str | None = None
    #: Run only these rules over the whole project (the follow-up of a full run).
    only: frozenset[str] | None = None
    #: Look for missing packages in the machine's other environments (DEP001/DEP005 say where
    #: else they are installed). A folder's first run skips it: see ELSEWHERE_RULES.
    elsewhere: bool = True
    #: Files to check again as if edited (those whose findings a first run left without the
    #: other environments' answer).
    recheck: frozenset[str] = frozenset()


@dataclass
class RunResult:
    project: Project
    covered: set[str] | None  # files whose diagnostics this run recomputed (None: all)
    diagnostics: dict[str, list[types.Diagnostic]]
    lenses: dict[str, list[AppLens]]
    chosen: Interpreter
    errors: list[tuple[str, str]] = field(default_factory=list)
    environment: dict[str, Any] = field(default_factory=dict)
    watch_paths: tuple[str, ...] = ()
    file_count: int = 0
    folded: tuple[Finding, ...] = ()
    headline_path: str | None = None
    #: Rules this run skipped: what was published for them stays until they run again.
    deferred: frozenset[str] = frozenset()
    #: The only rules this run checked: what was published for the others stays.
    only: frozenset[str] | None = None
    #: Files whose findings lack the other environments' answer (this run skipped looking):
    #: a run that checks them again follows.
    recheck: frozenset[str] = frozenset()


#: Rules too slow for the keystroke path (DEP009 reads the installed packages' sources):
#: a full run (open, save, file events, environment change) publishes everything else first,
#: then they run in a follow-up run of their own; typing keeps their last diagnostics.
DEFERRED_RULES = frozenset({"DEP009"})
#: The findings that say where else a missing package is installed. Looking through the
#: machine's other environments (pyenv, conda, other venvs) is slow when nothing is cached
#: yet, so a folder's first run publishes without it and these files are checked again.
ELSEWHERE_RULES = frozenset({"DEP001", "DEP005"})


def _build_project(batch: Batch, previous: Project | None) -> tuple[Project, Interpreter]:
    chosen = choose_interpreter_for(batch.root, batch.hint, batch.settings.python)
    project = Project(
        batch.root,
        interpreter=chosen.path,
        trusted=batch.trusted,
        # A file outside every folder is checked alone: its directory is not scanned (it may
        # be a home directory).
        exclude=("*",) if batch.loose else (*batch.settings.exclude, *batch.nested),
        settings={
            "devServerPort": batch.settings.dev_server_port,
            "gunicornPort": batch.settings.gunicorn_port,
            "interpreter_source": chosen.source,
            "interpreter_reason": chosen.reason,
        },
    )
    if previous is not None:
        for path, text in previous.overrides.items():
            project.set_override(path, text)
    return project, chosen


def run_batch(
    project: Project | None,
    chosen: Interpreter | None,
    batch: Batch,
    codec: PositionCodec,
) -> RunResult:
    if project is None or chosen is None or batch.rebuild:
        project, chosen = _build_project(batch, project)
    for path, created_or_deleted in batch.disk.items():
        project.file_changed(path, created_or_deleted=created_or_deleted)
    for path, text in batch.texts.items():
        if text is None:
            project.clear_override(path)
        else:
            project.set_override(path, text)

    covered: set[str] | None = None
    if batch.only is not None:
        pass  # the whole project, for the deferred rules only
    elif batch.loose:
        covered = set(batch.versions)
    elif not (batch.full or batch.rebuild or batch.disk):
        # Typing: the edited modules plus every non-Python project file (where cross-file
        # findings land); saving or a file event re-checks everything.
        covered = {p for p in (*batch.texts, *batch.recheck) if p.endswith(".py")}
        covered |= {p for p in project.files() if not p.endswith(".py")}
    deferred = frozenset() if batch.only is not None else DEFERRED_RULES
    if covered is not None and batch.headline_path is not None:
        covered.add(batch.headline_path)  # the headline is recomputed with what it explains
    analysis = analyze(
        project,
        severities=dict(batch.settings.rules),
        paths=covered,
        select=batch.only,
        ignore=deferred,
        app_paths=sorted(batch.lens_paths) if batch.only is None else (),
        # A run that recomputed only some files carries over what the previous run folded in
        # the others, so the headline still counts and links everything it explains.
        carried=[f for f in batch.folded if covered is not None and f.path not in covered],
        group_causes=batch.only is None,
        installed_elsewhere=batch.elsewhere,
    )
    recheck: frozenset[str] = frozenset()
    if not batch.elsewhere:
        recheck = frozenset(f.path for f in analysis.findings if f.rule in ELSEWHERE_RULES)
    findings = analysis.shown
    if covered is not None:
        findings = [f for f in findings if f.path in covered]
    # A follow-up of a few rules leaves the root cause as it was.
    folded = analysis.folded if batch.only is None else list(batch.folded)
    lines: dict[str, ClientLines] = {}

    def lines_of(path: str) -> ClientLines:
        found = lines.get(path)
        if found is None:
            found = lines[path] = ClientLines(project.read_text(path), codec)
        return found

    diagnostics: dict[str, list[types.Diagnostic]] = {}
    headline_path = batch.headline_path if batch.only is not None else None
    for finding in findings:
        version = batch.versions.get(finding.path)
        related = None
        if is_headline(finding):
            headline_path = finding.path
            related = [(uri_in(batch.root, f.path), f) for f in folded[:MAX_RELATED_INFORMATION]]
        diagnostics.setdefault(finding.path, []).append(
            to_diagnostic(finding, lines_of, version, related)
        )

    lenses = {
        path: [AppLens(app.line, app.name, app.kind) for app in apps if app.via != "import"]
        for path, apps in analysis.apps.items()
    }
    project.errors.clear()  # each internal error is reported once (in this run's result)
    return RunResult(
        project,
        covered,
        diagnostics,
        lenses,
        chosen,
        [(error.where, error.detail) for error in analysis.errors],
        environment_summary(analysis.environment, chosen.reason, analysis.venvs),
        analysis.watch_paths,
        file_count=len(project.files()),
        folded=tuple(folded),
        headline_path=headline_path,
        deferred=deferred,
        only=batch.only,
        recheck=recheck,
    )


def run_batch_holding(
    lock: AbstractContextManager[Any],
    project: Project | None,
    chosen: Interpreter | None,
    batch: Batch,
    codec: PositionCodec,
) -> RunResult:
    """`run_batch`, holding `lock` when the run changes the project (texts, files, a new
    project). The deferred rules' follow-up only reads it (its batch carries no change: see
    PreflightServer._take_batch), so it runs without the lock and requests that read the
    project are answered while it goes on."""
    if batch.only is not None and project is not None and not _changes(batch):
        return run_batch(project, chosen, batch, codec)
    with lock:
        return run_batch(project, chosen, batch, codec)


def _changes(batch: Batch) -> bool:
    return bool(batch.texts or batch.disk or batch.rebuild)


def uri_in(root: Path, path: str) -> str:
    return from_fs_path(str(root.joinpath(*path.split("/")))) or ""
