"""The language server: workspace folders, document sync and scheduling of analysis runs."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
import traceback
import uuid
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from .. import __version__
from .analysis_runs import DEFERRED_RULES, Batch, RunResult, run_batch_holding
from .conversions import with_version
from .folders import Folder, OpenDocument, Published, folder_root, relpath_in
from .settings import FolderSettings, InitOptions, parse_settings
from .status import STATUS_METHOD, count_by_severity, status_params
from .watching import schedule_reregistration

logger = logging.getLogger(__name__)

#: Edits closer together than this (a burst) are coalesced into one run.
DEBOUNCE_SECONDS = 0.015

T = TypeVar("T")


class PreflightServer(LanguageServer):
    """Holds the folders; the engine runs on one analysis thread, never on the event loop.

    Requests that read a project (hover, the run command, a terminal run's explanation) run
    on a request thread of their own, holding `project_lock` as every run that changes a
    project does. The deferred rules' follow-up run only reads its project and does not take
    the lock: a request made while it runs (seconds on a large environment) is answered at
    once, not after it."""

    def __init__(self) -> None:
        super().__init__("flask-preflight", __version__)
        self.folders: dict[str, Folder] = {}
        self.options = InitOptions()
        self.analysis_thread = ThreadPoolExecutor(1, thread_name_prefix="flask-preflight")
        self.request_thread = ThreadPoolExecutor(1, thread_name_prefix="flask-preflight-request")
        self.project_lock = threading.Lock()
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._dirty: set[str] = set()
        self._last_edit: dict[str, float] = {}
        self._background: set[asyncio.Future[Any]] = set()
        self.log_level = "info"
        self.error_shown = False  # one notification per session for internal errors
        # the watched-files registration: its id and what it covers outside the folders
        self.watching: tuple[str, list[str]] | None = None
        self._watch_lock: asyncio.Lock | None = None

    @property
    def watch_lock(self) -> asyncio.Lock:
        # created on the running loop (Python 3.9 binds a lock to the loop of its creation)
        if self._watch_lock is None:
            self._watch_lock = asyncio.Lock()
        return self._watch_lock

    # --- logging to the client ---------------------------------------------------------------

    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        levels = {"off": 0, "error": 1, "warning": 2, "info": 3, "debug": 4, "trace": 4}
        if int(kind) > levels.get(self.log_level, 3):
            return
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=message))
        except Exception:
            logger.exception("could not log to the client: %s", message)

    def report_server_error(self, error: Exception, source: Any) -> None:
        # pygls would pop up a message box for every internal error; a log entry is enough.
        detail = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        logger.error("server error: %s", detail)
        self.log(f"Flask Preflight internal error: {detail}", types.MessageType.Error)

    def show_internal_error(self) -> None:
        """One error notification per session: the findings shown may be incomplete (the
        tracebacks are in the output log; a pop-up per error would bury the editor)."""
        if self.error_shown:
            return
        self.error_shown = True
        try:
            self.window_show_message(
                types.ShowMessageParams(
                    type=types.MessageType.Error,
                    message="Flask Preflight hit an internal error, so its findings may be "
                    "incomplete. The traceback is in the Flask Preflight output: please report it.",
                )
            )
        except Exception:
            logger.exception("could not show the internal error")

    # --- folders -----------------------------------------------------------------------------

    def add_folder(self, uri: str, loose: bool = False) -> Folder | None:
        root = folder_root(uri)
        if root is None:
            return None
        uri = uri.rstrip("/") if uri.endswith("/") and len(uri) > len("file:///") else uri
        settings = parse_settings(self.options.settings, str(root))
        folder = Folder(
            uri=uri,
            root=root,
            settings=settings,
            trusted=self.options.trusted,
            hint=self.options.interpreters.get(uri) or self.options.interpreters.get(uri + "/"),
            loose=loose,
        )
        self.folders[uri] = folder
        if not loose:
            self._rescan_outer(folder)
        return folder

    def _rescan_outer(self, folder: Folder) -> None:
        """Folders holding `folder` exclude it: their file lists must be made again."""
        for other in list(self.folders.values()):
            if other is not folder and relpath_in(other.root, str(folder.root)) is not None:
                other.rebuild = other.full = True
                if other.project is not None:
                    self.schedule(other)

    def remove_folder(self, uri: str) -> None:
        folder = self.folders.pop(uri.rstrip("/"), None) or self.folders.pop(uri, None)
        if folder is None:
            return
        uris = {published.uri for published in folder.published.values()}
        uris.update(folder.uri_of(path) for path in folder.run_diagnostics)
        for uri_published in sorted(uris):
            self.publish(uri_published, [], None)
        if not folder.loose:
            self._rescan_outer(folder)
        # documents still open move to whichever folder now holds them
        for document in folder.open.values():
            target = self.folder_for(document.uri, create=True)
            if target is not None:
                self._open_in(target, document.uri, document.version)

    def folder_for(self, uri: str, create: bool = False) -> Folder | None:
        """The innermost workspace folder holding `uri`; with `create`, a file outside every
        folder gets a folder of its own (its directory), analysed only for open files."""
        path = to_fs_path(uri)
        if path is None:
            return None
        holding = [f for f in self.folders.values() if relpath_in(f.root, path) is not None]
        real = [f for f in holding if not f.loose]
        if real or holding:
            return max(real or holding, key=lambda f: len(str(f.root)))
        if not create:
            return None
        parent = from_fs_path(os.path.dirname(os.path.abspath(path)))
        return self.add_folder(parent, loose=True) if parent else None

    def located(self, uri: str) -> tuple[Folder, str] | None:
        folder = self.folder_for(uri)
        if folder is None:
            return None
        relpath = folder.relpath(uri)
        return None if relpath is None else (folder, relpath)

    # --- documents ---------------------------------------------------------------------------

    def _open_in(self, folder: Folder, uri: str, version: int | None) -> None:
        relpath = folder.relpath(uri)
        if relpath is None:
            return
        try:
            text = self.workspace.get_text_document(uri).source
        except Exception:
            return
        folder.open[relpath] = OpenDocument(uri, relpath, version)
        folder.pending_texts[relpath] = text
        self.schedule(folder)

    def document_opened(self, uri: str, version: int | None) -> None:
        folder = self.folder_for(uri, create=True)
        if folder is not None:
            self._open_in(folder, uri, version)

    def document_changed(self, uri: str, version: int | None) -> None:
        found = self.located(uri)
        if found is None:
            return
        folder, relpath = found
        document = folder.open.get(relpath)
        if document is None:
            self._open_in(folder, uri, version)
            return
        document.version = version
        folder.pending_texts[relpath] = self.workspace.get_text_document(uri).source
        self.schedule(folder, debounce=True)

    def document_saved(self, uri: str) -> None:
        # A save re-checks everything and drops what was derived from disk, the interpreter's
        # packages included: clients without file watching (Neovim 0.7) see a `pip install`
        # at the next save.
        found = self.located(uri)
        if found is not None:
            folder, relpath = found
            folder.pending_disk[relpath] = folder.pending_disk.get(relpath, False)
            folder.full = True
            self.schedule(folder)

    def document_closed(self, uri: str) -> None:
        found = self.located(uri)
        if found is None:
            return
        folder, relpath = found
        folder.open.pop(relpath, None)
        folder.lenses.pop(relpath, None)
        folder.pending_texts[relpath] = None
        if folder.loose:
            published = folder.published.pop(relpath, None)
            if published is not None:
                self.publish(published.uri, [], None)
        self.schedule(folder)

    # --- analysis runs -----------------------------------------------------------------------

    def schedule(self, folder: Folder, debounce: bool = False) -> None:
        self._dirty.add(folder.uri)
        if debounce:
            # Only a burst waits: an edit after a pause runs at once (edits that arrive
            # while a run is going are coalesced into the next run by `_drain` anyway).
            now = time.monotonic()
            previous = self._last_edit.get(folder.uri, float("-inf"))
            self._last_edit[folder.uri] = now
            debounce = now - previous < DEBOUNCE_SECONDS
        task = self._tasks.get(folder.uri)
        if task is None or task.done():
            self._tasks[folder.uri] = asyncio.ensure_future(self._drain(folder, debounce))

    async def read_project(self, work: Callable[..., T], *args: Any) -> T:
        """Run `work(*args)` on the request thread, between the runs that change projects
        (never queued behind the deferred rules' follow-up run)."""

        def locked() -> T:
            with self.project_lock:
                return work(*args)

        return await asyncio.get_running_loop().run_in_executor(self.request_thread, locked)

    def background(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run `work` on the event loop without waiting; its failure is logged."""
        task = asyncio.ensure_future(work)
        self._background.add(task)

        def done(finished: asyncio.Future[Any]) -> None:
            self._background.discard(finished)  # type: ignore[arg-type]
            if not finished.cancelled() and finished.exception() is not None:
                self.log(
                    f"Flask Preflight: background work failed: {finished.exception()!r}",
                    types.MessageType.Warning,
                )

        task.add_done_callback(done)

    async def _drain(self, folder: Folder, debounce: bool) -> None:
        if debounce:
            await asyncio.sleep(DEBOUNCE_SECONDS)
        if not folder.scanned and not folder.loose and folder.scan_token is None:
            folder.scan_token = ""  # requested; the real token once the client accepts it
            self.background(self._scan_progress(folder))
        while folder.uri in self._dirty and self.folders.get(folder.uri) is folder:
            self._dirty.discard(folder.uri)
            batch = self._take_batch(folder)
            codec = self.workspace.position_codec
            loop = asyncio.get_running_loop()
            try:
                result = await loop.run_in_executor(
                    self.analysis_thread,
                    run_batch_holding,
                    self.project_lock,
                    folder.project,
                    folder.chosen,
                    batch,
                    codec,
                )
            except Exception:
                self.log(
                    f"Flask Preflight: analysis of {folder.root} failed:\n"
                    + traceback.format_exc(),
                    types.MessageType.Error,
                )
                # Keep the batch's changes for the next run (newer ones win), on a fresh
                # project: this one may be half updated.
                for path, text in batch.texts.items():
                    folder.pending_texts.setdefault(path, text)
                for path, created in batch.disk.items():
                    folder.pending_disk[path] = folder.pending_disk.get(path, False) or created
                folder.rebuild = folder.full = True
                continue
            self._apply_result(folder, batch, result)

    def _take_batch(self, folder: Folder) -> Batch:
        only = None
        recheck: frozenset[str] = frozenset()
        changes = folder.pending_texts or folder.pending_disk or folder.rebuild or folder.full
        if folder.recheck and not changes:
            recheck, folder.recheck = folder.recheck, frozenset()
        elif folder.followup and not changes:
            only, folder.followup = DEFERRED_RULES, False
        batch = Batch(
            root=folder.root,
            settings=folder.settings,
            trusted=folder.trusted,
            hint=folder.hint,
            texts=folder.pending_texts,
            disk=folder.pending_disk,
            rebuild=folder.rebuild or folder.project is None,
            full=folder.full,
            versions=folder.open_versions(),
            lens_paths=frozenset(p for p in folder.open if p.endswith(".py")),
            loose=folder.loose or folder.open_only,
            nested=self._nested_in(folder),
            folded=folder.folded,
            headline_path=folder.headline_path,
            only=only,
            # The first run of a folder does not wait on the other environments: the files
            # it found missing packages in are checked again right after.
            elsewhere=folder.project is not None,
            recheck=recheck,
        )
        folder.pending_texts, folder.pending_disk = {}, {}
        folder.rebuild = folder.full = False
        return batch

    def _nested_in(self, folder: Folder) -> tuple[str, ...]:
        nested = []
        for other in self.folders.values():
            if other is not folder and not other.loose:
                inner = relpath_in(folder.root, str(other.root))
                if inner is not None:
                    nested.append(inner)
        return tuple(sorted(nested))

    def _apply_result(self, folder: Folder, batch: Batch, result: RunResult) -> None:
        folder.project = result.project
        folder.chosen = result.chosen
        folder.folded, folder.headline_path = result.folded, result.headline_path
        if result.watch_paths != folder.watch_paths:
            folder.watch_paths = result.watch_paths
            schedule_reregistration(self)
        for where, detail in result.errors:
            self.log(
                f"Flask Preflight: internal error ({where}):\n{detail}", types.MessageType.Error
            )
        if result.errors:
            self.show_internal_error()
        current = folder.open_versions()
        covered = result.covered
        # Files this run recomputed: each gets its new list, empty ones included (so the
        # client drops what was there).
        earlier = set(batch.versions) | set(folder.published)
        paths = set(result.diagnostics) | {p for p in earlier if covered is None or p in covered}
        if folder.open_only:
            paths = {p for p in paths if p in current}
        for path in sorted(paths):
            # A document edited, opened or closed since the copy gets a newer run: publishing
            # this one would show an older version's diagnostics over the newer text. One
            # opened during the run with the text the run read is up to date: its diagnostics
            # go out now, not after the run its opening queued.
            opened_unchanged = (
                path in current
                and path not in batch.versions
                and folder.pending_texts.get(path) is not None
                and folder.pending_texts.get(path) == result.project.read_text(path)
            )
            if current.get(path, -1) != batch.versions.get(path, -1) and not opened_unchanged:
                continue
            if path in batch.versions and path not in current:
                continue
            diagnostics = result.diagnostics.get(path, [])
            if opened_unchanged:
                diagnostics = [with_version(d, current[path]) for d in diagnostics]
            if path in folder.published and (result.deferred or result.only is not None):
                # keep what this run did not recompute: the deferred rules' last findings,
                # or (a follow-up run) every other rule's
                kept = [
                    d
                    for d in folder.published[path].diagnostics
                    if (d.code in result.deferred)
                    or (result.only is not None and d.code not in result.only)
                ]
                diagnostics = diagnostics + kept
            uri = folder.uri_of(path)
            version = current.get(path)
            if diagnostics:
                folder.published[path] = Published(uri, version, diagnostics)
            else:
                folder.published.pop(path, None)
            self.publish(uri, diagnostics, version)
        if covered is None and not folder.scanned:
            self._end_scan_progress(folder, result.file_count)
        lenses_changed = False
        for path, lenses in result.lenses.items():
            if current.get(path, -1) == batch.versions.get(path, -1):
                lenses_changed |= folder.lenses.get(path) != lenses
                folder.lenses[path] = lenses
        if lenses_changed:
            self._refresh_code_lenses()
        self.send_status(folder, result.environment)
        if result.deferred and covered is None:
            folder.followup = True  # a full run: the deferred rules run next, on their own
        if result.recheck:
            folder.recheck = result.recheck
        elif covered is None and batch.elsewhere:
            folder.recheck = frozenset()  # a full run that looked everywhere
        if folder.followup or folder.recheck:
            self.schedule(folder)

    async def _scan_progress(self, folder: Folder) -> None:
        """Work-done progress for the start-up scan, run beside the scan (never delaying
        it); cancelling it stops the workspace-wide scan: only open files stay checked."""
        window = self.client_capabilities.window
        if window is None or not window.work_done_progress:
            return
        token = f"flask-preflight-scan-{uuid.uuid4()}"
        await self.work_done_progress.create_async(token)
        if folder.scanned:
            return
        self.work_done_progress.begin(
            token,
            types.WorkDoneProgressBegin(
                title="Flask Preflight", message=f"Checking {folder.root.name}", cancellable=True
            ),
        )
        folder.scan_token = token

        def cancelled(future: Any) -> None:
            if future.cancelled() and not folder.scanned:
                folder.open_only = True
                self.log(
                    f"Flask Preflight: scan of {folder.root} cancelled; open files only",
                    types.MessageType.Info,
                )

        registered = self.work_done_progress.tokens.get(token)
        if registered is not None:
            registered.add_done_callback(cancelled)

    def _end_scan_progress(self, folder: Folder, files: int) -> None:
        folder.scanned = True
        if folder.scan_token:
            self.work_done_progress.end(
                folder.scan_token, types.WorkDoneProgressEnd(message=f"{files} files checked")
            )
            folder.scan_token = None

    def publish(self, uri: str, diagnostics: list[types.Diagnostic], version: int | None) -> None:
        # A failed start in the terminal (RUN001) stays with its folder's file until the next.
        located = self.located(uri)
        run = located[0].run_diagnostics.get(located[1], []) if located else []
        merged = [*diagnostics, *run]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=merged, version=version)
        )

    def send_status(self, folder: Folder, environment: dict[str, Any] | None = None) -> None:
        if folder.loose:
            return
        if environment is None:
            environment = (folder.last_status or {}).get("interpreter", {})
        counts = count_by_severity(
            d for published in folder.published.values() for d in published.diagnostics
        )
        params = status_params(folder.uri, folder.trusted, environment or {}, counts)
        if params != folder.last_status:
            folder.last_status = params
            self.protocol.notify(STATUS_METHOD, params)

    def _refresh_code_lenses(self) -> None:
        workspace = self.client_capabilities.workspace
        lens = workspace.code_lens if workspace else None
        if lens is not None and lens.refresh_support:
            try:
                self.workspace_code_lens_refresh(None)
            except Exception:
                logger.exception("codeLens/refresh failed")

    # --- settings ----------------------------------------------------------------------------

    def apply_settings(self, folder: Folder, settings: FolderSettings) -> None:
        if settings == folder.settings:
            return
        for problem in settings.problems:
            self.log(
                f"Flask Preflight settings ({folder.root}): {problem}", types.MessageType.Warning
            )
        folder.settings = settings
        folder.rebuild = True
        self.schedule(folder)
