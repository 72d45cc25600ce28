"""Watched files: registers workspace/didChangeWatchedFiles for project files, pyvenv.cfg and
the interpreter's site-packages, and turns file events into re-analysis."""

from __future__ import annotations

import os
import uuid
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from ..analysis.file_kinds import is_project_file, watcher_globs
from .folders import relpath_in

if TYPE_CHECKING:
    from .server import PreflightServer

REGISTRATION_ID = "flask-preflight-watched-files"


def project_globs() -> list[str]:
    """The file kinds' globs (analysis/file_kinds.py) and every venv's pyvenv.cfg."""
    return [*watcher_globs(), "**/pyvenv.cfg"]


def _outside_pattern(path: str) -> tuple[str, str]:
    """(base directory, pattern) for one environment path: a pyvenv.cfg file, or a
    site-packages directory whose top-level entries (dist-info dirs, packages, .pth files)
    appear and vanish with installs."""
    if os.path.basename(path) == "pyvenv.cfg":
        return os.path.dirname(path), "pyvenv.cfg"
    return path, "*"


def _watchers(
    ls: PreflightServer, relative: bool
) -> tuple[list[types.FileSystemWatcher], list[str]]:
    watchers = [types.FileSystemWatcher(glob_pattern=glob) for glob in project_globs()]
    outside: list[str] = []
    for folder in ls.folders.values():
        for path in folder.watch_paths:
            if path not in outside:
                outside.append(path)
    for path in outside:
        base, pattern = _outside_pattern(path)
        base_uri = from_fs_path(base)
        if relative and base_uri:
            watchers.append(
                types.FileSystemWatcher(
                    glob_pattern=types.RelativePattern(base_uri=base_uri, pattern=pattern)
                )
            )
        else:
            watchers.append(
                types.FileSystemWatcher(glob_pattern=f"{base.replace(os.sep, '/')}/{pattern}")
            )
    return watchers, outside


async def register_watchers(ls: PreflightServer) -> None:
    """(Re-)register the watchers when what must be watched changed (a new interpreter).

    The new set is registered before the old one is dropped, so no event falls in a gap."""
    caps = ls.client_capabilities.workspace
    watched = caps.did_change_watched_files if caps else None
    if watched is None or not watched.dynamic_registration:
        return
    async with ls.watch_lock:
        watchers, outside = _watchers(ls, bool(watched.relative_pattern_support))
        if ls.watching is not None and ls.watching[1] == outside:
            return
        previous = ls.watching[0] if ls.watching is not None else None
        previously_outside = ls.watching[1] if ls.watching is not None else []
        registration_id = f"{REGISTRATION_ID}-{uuid.uuid4().hex[:8]}"
        options = types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers)
        registration = types.Registration(
            id=registration_id,
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=options,
        )
        await ls.client_register_capability_async(
            types.RegistrationParams(registrations=[registration])
        )
        ls.watching = (registration_id, outside)
        if previous is not None:
            gone = types.Unregistration(
                id=previous, method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES
            )
            await ls.client_unregister_capability_async(
                types.UnregistrationParams(unregisterations=[gone])
            )
        if previously_outside:
            # The environment moved (e.g. a venv just created, pip still installing into it):
            # what changed in its site-packages before these watchers existed sent no event.
            # Read it once more now that every later change will.
            for folder in ls.folders.values():
                folder.rebuild = folder.full = True
                ls.schedule(folder)


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
