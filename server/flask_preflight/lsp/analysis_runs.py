"""One analysis run on the analysis thread: apply queued changes to a Project, run the engine,
and turn findings into LSP diagnostics for the versions they were computed from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from ..analysis.engine import analyze
from ..analysis.interpreters import Interpreter
from ..analysis.project import Project
from .conversions import ClientLines, to_diagnostic
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
    if batch.loose:
        covered = set(batch.versions)
    elif not (batch.full or batch.rebuild or batch.disk):
        # Typing: the edited modules plus every non-Python project file (where cross-file
        # findings land); saving or a file event re-checks everything.
        covered = {p for p in batch.texts if p.endswith(".py")}
        covered |= {p for p in project.files() if not p.endswith(".py")}
    analysis = analyze(
        project,
        severities=dict(batch.settings.rules),
        paths=covered,
        app_paths=sorted(batch.lens_paths),
        on_error=lambda where, error, detail: None,  # collected in analysis.errors
    )
    lines: dict[str, ClientLines] = {}

    def lines_of(path: str) -> ClientLines:
        found = lines.get(path)
        if found is None:
            found = lines[path] = ClientLines(project.read_text(path), codec)
        return found

    diagnostics: dict[str, list[types.Diagnostic]] = {}
    for finding in analysis.findings:
        version = batch.versions.get(finding.path)
        diagnostics.setdefault(finding.path, []).append(to_diagnostic(finding, lines_of, version))

    lenses = {
        path: [AppLens(app.line, app.name, app.kind) for app in apps if app.via != "import"]
        for path, apps in analysis.apps.items()
    }
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
    )
