"""A language client speaking LSP over real stdio to `python -m flask_preflight lsp`."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Union

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from flask_preflight.lsp.settings import plain_json
from tests.conftest import EXAMPLES, REPO
from tests.venvs import make_venv, venv_python

SERVER = [sys.executable, "-m", "flask_preflight", "lsp"]
SERVER_ENV = {**os.environ, "PYTHONPATH": str(REPO / "server")}
WAIT_SECONDS = 30.0
EXAMPLE_REQUIREMENTS = ("Flask==3.1.3", "gunicorn==23.0.0")


async def wait_until(condition: Callable[[], Any], what: str, timeout: float = WAIT_SECONDS) -> Any:
    """Poll `condition` until it returns something truthy (no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def copy_example(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(EXAMPLES / name, target)
    return target


def capabilities() -> types.ClientCapabilities:
    """VS Code's capabilities (dynamic registration, configuration, document changes...)."""
    return client_capabilities("visual-studio-code")


@pytest.fixture(scope="session")
def examples_python() -> str:
    """A real venv with exactly what the examples' requirements.txt pin, so the examples
    show only their own problem (no missing-requirement findings)."""
    return str(venv_python(make_venv("lsp-examples", EXAMPLE_REQUIREMENTS)))


def options_for(
    roots: list[Path],
    python: str | None,
    settings: dict[str, Any] | None = None,
    trusted: bool = True,
) -> dict[str, Any]:
    interpreters = {r.as_uri(): {"path": python, "source": "explicit"} for r in roots if python}
    return {"trusted": trusted, "interpreters": interpreters, "settings": settings or {}}


async def initialize(
    client: LanguageClient,
    root: Path | list[Path],
    options: dict[str, Any] | None = None,
    python: str | None = None,
    client_capabilities: types.ClientCapabilities | None = None,
) -> types.InitializeResult:
    roots = root if isinstance(root, list) else [root]
    if options is None:
        options = options_for(roots, python)
    return await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities or capabilities(),
            root_uri=roots[0].as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=r.as_uri(), name=r.name) for r in roots],
            initialization_options=options,
        )
    )


def open_file(client: LanguageClient, path: Path, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri,
                language_id="python" if path.suffix == ".py" else "plaintext",
                version=version,
                text=path.read_text(encoding="utf-8"),
            )
        )
    )
    return uri


def codes(client: LanguageClient, uri: str) -> list[str]:
    return sorted(str(d.code) for d in client.diagnostics.get(uri, []))


class EditorClient(LanguageClient):
    """pytest-lsp's client plus what a real editor answers and records: dynamic
    registrations, code lens refreshes, diagnostic versions and status notifications."""

    def __init__(self) -> None:
        super().__init__(converter_factory=default_converter)
        self.registrations: dict[str, types.Registration] = {}
        self.code_lens_refreshes = 0
        self.versions: dict[str, int | None] = {}
        self.publish_count = 0
        self.history: list[tuple[str, int | None, list[str]]] = []
        self.statuses: list[Any] = []


def _command_or_code_action(obj: Any, _: type) -> types.Command | types.CodeAction:
    # lsprotocol reads every code action that has a `command` as a bare Command (losing its
    # kind, diagnostics and the command's arguments); editors tell them apart by the type of
    # `command`: a string in a Command, an object in a CodeAction.
    converter = default_converter_for_tests
    if isinstance(obj.get("command"), str):
        return converter.structure(obj, types.Command)
    return converter.structure(obj, types.CodeAction)


default_converter_for_tests = default_converter()


def make_client() -> EditorClient:
    client = EditorClient()
    client.protocol._converter.register_structure_hook(
        Union[types.Command, types.CodeAction], _command_or_code_action
    )
    features = dict(DEFAULT_CLIENT_FEATURES)
    features.pop(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    register_lsp_features(client, features)

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_publish(params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.versions[params.uri] = params.version
        client.publish_count += 1
        client.history.append(
            (params.uri, params.version, [str(d.code) for d in params.diagnostics])
        )

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def on_register(params: types.RegistrationParams) -> None:
        for registration in params.registrations:
            client.registrations[registration.id] = registration

    @client.feature(types.CLIENT_UNREGISTER_CAPABILITY)
    def on_unregister(params: types.UnregistrationParams) -> None:
        for gone in params.unregisterations:
            client.registrations.pop(gone.id, None)

    @client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def on_lens_refresh(params: None) -> None:
        client.code_lens_refreshes += 1

    @client.feature("flaskPreflight/status")
    def on_status(params: Any) -> None:
        client.statuses.append(plain_json(params))

    return client


CONFIG = ClientServerConfig(
    server_command=SERVER, server_env=SERVER_ENV, client_factory=make_client
)


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: EditorClient):  # type: ignore[no-untyped-def]
    yield
    if lsp_client._server is not None and lsp_client._server.returncode is None:
        await lsp_client.shutdown_session()


async def wait_for_version(
    client: EditorClient, uri: str, version: int | None
) -> list[types.Diagnostic]:
    """The diagnostics once the server has published them for `version` of `uri`."""
    await wait_until(
        lambda: uri in client.versions and client.versions[uri] == version,
        f"diagnostics of {uri} at version {version}",
    )
    return list(client.diagnostics[uri])
