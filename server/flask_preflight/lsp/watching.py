"""Watched files: registers workspace/didChangeWatchedFiles for project files, pyvenv.cfg and
the interpreter's site-packages, and turns file events into re-analysis."""

from __future__ import annotations

import importlib
import os
from typing import Any

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from ..analysis.project import PROJECT_FILE_GLOBS, PROJECT_FILE_NAMES, is_project_file
from .folders import relpath_in
from .server import PreflightServer

REGISTRATION_ID = "flask-preflight-watched-files"
_state: dict[int, dict[str, Any]] = {}


def project_globs() -> list[str]:
    names = sorted(PROJECT_FILE_NAMES)
    globs = ["**/*.py", "**/{" + ",".join(names) + "}", "**/requirements/*.{txt,in}"]
    globs += [f"**/{pattern}" for pattern in PROJECT_FILE_GLOBS]
    globs.append("**/pyvenv.cfg")
    return globs


def environment_paths(interpreter: str | None) -> list[str]:
    """Directories whose changes mean the interpreter's installed packages changed."""
    try:
        environment = importlib.import_module("flask_preflight.analysis.environment")
    except ImportError:
        return []
    watch_paths = getattr(environment, "watch_paths", None)
    read = getattr(environment, "read_environment", None)
    if watch_paths is None or read is None or not interpreter:
        return []
    try:
        return [str(p) for p in watch_paths(read(interpreter))]
    except Exception:
        return []


def _watchers(ls: PreflightServer) -> tuple[list[types.FileSystemWatcher], list[str]]:
    watchers = [types.FileSystemWatcher(glob_pattern=glob) for glob in project_globs()]
    outside: list[str] = []
    for folder in ls.folders.values():
        for path in environment_paths(folder.interpreter.path):
            if path not in outside:
                outside.append(path)
    for path in outside:
        base = from_fs_path(path)
        if base:
            watchers.append(
                types.FileSystemWatcher(
                    glob_pattern=types.RelativePattern(base_uri=base, pattern="**/*")
                )
            )
    return watchers, outside


async def register_watchers(ls: PreflightServer) -> None:
    caps = ls.client_capabilities.workspace
    watched = caps.did_change_watched_files if caps else None
    if watched is None or not watched.dynamic_registration:
        return
    watchers, outside = _watchers(ls)
    state = _state.setdefault(id(ls), {})
    if state.get("outside") == outside and state.get("registered"):
        return
    if state.get("registered"):
        await ls.client_unregister_capability_async(
            types.UnregistrationParams(
                unregisterations=[
                    types.Unregistration(
                        id=REGISTRATION_ID, method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES
                    )
                ]
            )
        )
    if not watched.relative_pattern_support:
        watchers = [w for w in watchers if isinstance(w.glob_pattern, str)]
        watchers += [types.FileSystemWatcher(glob_pattern=f"{path}/**/*") for path in outside]
    await ls.client_register_capability_async(
        types.RegistrationParams(
            registrations=[
                types.Registration(
                    id=REGISTRATION_ID,
                    method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=types.DidChangeWatchedFilesRegistrationOptions(
                        watchers=watchers
                    ),
                )
            ]
        )
    )
    state["registered"] = True
    state["outside"] = outside


def schedule_reregistration(ls: PreflightServer) -> None:
    ls.background(register_watchers(ls))


def file_events(ls: PreflightServer, changes: list[types.FileEvent]) -> None:
    environment_changed = False
    touched: set[str] = set()
    for change in changes:
        path = to_fs_path(change.uri)
        if path is None:
            continue
        created_or_deleted = change.type != types.FileChangeType.Changed
        inside = False
        for folder in ls.folders.values():
            relpath = relpath_in(folder.root, path)
            if relpath is None:
                continue
            inside = True
            if os.path.basename(path) == "pyvenv.cfg" or "site-packages/" in relpath:
                environment_changed = True
                folder.rebuild = True
            elif is_project_file(relpath) and relpath not in folder.open:
                folder.pending_disk[relpath] = (
                    folder.pending_disk.get(relpath, False) or created_or_deleted
                )
            elif created_or_deleted:
                # A directory created or removed: the file list must be scanned again.
                folder.rebuild = True
            else:
                continue
            touched.add(folder.uri)
        if not inside:
            environment_changed = True
    if environment_changed:
        for folder in ls.folders.values():
            folder.rebuild = True
            touched.add(folder.uri)
    for uri in touched:
        target = ls.folders.get(uri)
        if target is not None:
            target.full = True
            ls.schedule(target)
    if environment_changed:
        schedule_reregistration(ls)


def register(server: PreflightServer) -> None:
    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def on_watched_files(ls: PreflightServer, params: types.DidChangeWatchedFilesParams) -> None:
        file_events(ls, list(params.changes))
