"""Workspace folders: one engine Project each, with its settings, interpreter and open buffers."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from ..analysis.interpreters import Interpreter, Selection, choose_interpreter
from ..analysis.model import Finding
from ..analysis.project import Project
from .settings import FolderSettings, InterpreterHint


@dataclass
class OpenDocument:
    uri: str
    path: str  # root-relative
    version: int | None


def choose_interpreter_for(
    root: Path, hint: InterpreterHint | None, setting: str | None
) -> Interpreter:
    """The folder's interpreter, by the one documented order (analysis/interpreters.py):
    setting > the editor's selection > $VIRTUAL_ENV > project venv > PATH.

    Runs on the analysis thread: the last steps list the folder and search PATH."""
    selection = None
    if hint is not None and hint.path:
        selection = Selection(hint.path, "explicit" if hint.source == "explicit" else "auto")
    return choose_interpreter(root, setting=setting, selection=selection)


@dataclass
class Published:
    """What the client currently shows for one file."""

    uri: str
    version: int | None
    diagnostics: list[types.Diagnostic]


@dataclass(frozen=True)
class AppLens:
    line: int  # 0-based
    name: str
    kind: str


@dataclass
class Folder:
    """One workspace folder. `project` is touched only by the analysis thread."""

    uri: str
    root: Path
    settings: FolderSettings
    trusted: bool
    hint: InterpreterHint | None = None
    loose: bool = False  # a folder made up for a file outside every workspace folder
    project: Project | None = None
    chosen: Interpreter | None = None
    watch_paths: tuple[str, ...] = ()
    open: dict[str, OpenDocument] = field(default_factory=dict)
    # Work waiting for the analysis thread (filled on the event loop).
    pending_texts: dict[str, str | None] = field(default_factory=dict)
    pending_disk: dict[str, bool] = field(default_factory=dict)
    rebuild: bool = True
    full: bool = True
    #: A full run deferred slow rules (DEP009): run them next, alone, before the next full run.
    followup: bool = False
    #: Files a first run found missing packages in without asking the other environments
    #: where else they are installed: checked again next, as if edited.
    recheck: frozenset[str] = frozenset()
    published: dict[str, Published] = field(default_factory=dict)
    lenses: dict[str, list[AppLens]] = field(default_factory=dict)
    last_status: dict[str, Any] | None = None
    # The start-up scan: done once; cancelling its progress limits the folder to open files.
    scanned: bool = False
    scan_token: str | None = None
    open_only: bool = False
    # The last run's root cause: the findings folded under its headline, and where it is.
    folded: tuple[Finding, ...] = ()
    headline_path: str | None = None
    # root-relative path -> RUN001 diagnostics from the last failed start in the terminal
    run_diagnostics: dict[str, list[types.Diagnostic]] = field(default_factory=dict)

    def relpath(self, uri: str) -> str | None:
        path = to_fs_path(uri)
        if path is None:
            return None
        return relpath_in(self.root, path)

    def uri_of(self, relpath: str) -> str:
        document = self.open.get(relpath)
        if document is not None:
            return document.uri
        return from_fs_path(str(self.root.joinpath(*relpath.split("/")))) or ""

    def open_versions(self) -> dict[str, int | None]:
        return {path: doc.version for path, doc in self.open.items()}


def relpath_in(root: Path, path: str) -> str | None:
    try:
        rel = Path(os.path.abspath(path)).relative_to(root)
    except ValueError:
        return None
    text = rel.as_posix()
    return None if text in ("", ".") else text


def folder_root(uri: str) -> Path | None:
    path = to_fs_path(uri)
    return Path(os.path.abspath(path)) if path else None
