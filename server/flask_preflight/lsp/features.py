"""Lifecycle, document sync, settings and the interpreter notification (the other feature
modules register themselves; lsp/setup.py wires them all)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from . import watching
from .settings import (
    SECTION,
    parse_init_options,
    parse_interpreter_hint,
    parse_settings,
    plain_json,
)

if TYPE_CHECKING:
    from .server import PreflightServer

SET_INTERPRETER = "flaskPreflight/setInterpreter"


def _client_can(ls: PreflightServer, *path: str) -> bool:
    node: Any = ls.client_capabilities
    for name in path:
        node = getattr(node, name, None)
        if node is None:
            return False
    return bool(node)


async def pull_settings(ls: PreflightServer) -> None:
    """Ask the client for each folder's `flaskPreflight` settings (workspace/configuration)."""
    if not _client_can(ls, "workspace", "configuration"):
        return
    folders = [f for f in ls.folders.values() if not f.loose]
    if not folders:
        return
    items = [types.ConfigurationItem(scope_uri=f.uri, section=SECTION) for f in folders]
    try:
        values = await ls.workspace_configuration_async(types.ConfigurationParams(items=items))
    except Exception as error:
        ls.log(f"Flask Preflight: could not read settings: {error!r}", types.MessageType.Warning)
        return
    for folder, value in zip(folders, values or []):
        if value is None:
            continue
        settings = parse_settings(value, str(folder.root))
        ls.log_level = settings.log_level
        ls.apply_settings(folder, settings)


def register(server: PreflightServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: PreflightServer, params: types.InitializeParams) -> None:
        ls.options = parse_init_options(params.initialization_options)
        ls.log_level = parse_settings(ls.options.settings).log_level
        if params.workspace_folders:
            for folder in params.workspace_folders:
                ls.add_folder(folder.uri)
        elif params.root_uri:
            ls.add_folder(params.root_uri)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: PreflightServer, params: types.InitializedParams) -> None:
        for folder in list(ls.folders.values()):
            ls.schedule(folder)
        tasks = [pull_settings(ls), watching.register_watchers(ls)]
        if _client_can(ls, "workspace", "did_change_configuration", "dynamic_registration"):
            registration = types.Registration(
                id="flask-preflight-configuration",
                method=types.WORKSPACE_DID_CHANGE_CONFIGURATION,
                register_options=types.DidChangeConfigurationRegistrationOptions(section=SECTION),
            )
            tasks.append(
                ls.client_register_capability_async(
                    types.RegistrationParams(registrations=[registration])
                )
            )
        for outcome in await asyncio.gather(*tasks, return_exceptions=True):
            if isinstance(outcome, BaseException):
                ls.log(
                    f"Flask Preflight: start-up request failed: {outcome!r}",
                    types.MessageType.Warning,
                )

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: PreflightServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.document_opened(params.text_document.uri, params.text_document.version)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: PreflightServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.document_changed(params.text_document.uri, params.text_document.version)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: PreflightServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.document_saved(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PreflightServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.document_closed(params.text_document.uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def did_change_folders(
        ls: PreflightServer, params: types.DidChangeWorkspaceFoldersParams
    ) -> None:
        for removed in params.event.removed:
            ls.remove_folder(removed.uri)
        for added in params.event.added:
            folder = ls.add_folder(added.uri)
            if folder is not None:
                ls.schedule(folder)
        ls.background(pull_settings(ls))
        ls.background(watching.register_watchers(ls))

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: PreflightServer, params: types.DidChangeConfigurationParams
    ) -> None:
        if _client_can(ls, "workspace", "configuration"):
            await pull_settings(ls)
            return
        # A client that cannot be asked pushes the settings instead.
        pushed = params.settings
        if isinstance(pushed, Mapping) and SECTION in pushed:
            pushed = pushed[SECTION]
        for folder in ls.folders.values():
            settings = parse_settings(pushed, str(folder.root))
            ls.log_level = settings.log_level
            ls.apply_settings(folder, settings)

    @server.feature(SET_INTERPRETER)
    def set_interpreter(ls: PreflightServer, params: Any) -> None:
        raw = plain_json(params)
        hint = parse_interpreter_hint(raw)
        if hint is None:
            return
        folder_uri = raw.get("folderUri")
        # `reread`: read the environment again even if the choice is the same (the editor
        # just created or filled a venv).
        reread = raw.get("reread") is True
        for folder in ls.folders.values():
            if folder_uri and folder.uri.rstrip("/") != str(folder_uri).rstrip("/"):
                continue
            if reread or folder.hint != hint:
                folder.hint = hint
                folder.rebuild = folder.full = True
                ls.schedule(folder)
        watching.schedule_reregistration(ls)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: PreflightServer, params: Any) -> None:
        for task in ls._tasks.values():
            task.cancel()
        ls.analysis_thread.shutdown(wait=False, cancel_futures=True)
        ls.request_thread.shutdown(wait=False, cancel_futures=True)
