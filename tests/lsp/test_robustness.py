"""A check that raises is logged with its traceback and the others still publish; nothing
but LSP reaches stdout; shutdown and exit are clean."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig

from tests.lsp.conftest import (
    SERVER_ENV,
    EditorClient,
    copy_example,
    initialize,
    make_client,
    open_file,
    wait_for_version,
    wait_until,
)

RAISING = [sys.executable, str(Path(__file__).with_name("raising_server.py"))]


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=RAISING, server_env=SERVER_ENV, client_factory=make_client
    )
)
async def raising_client(lsp_client: EditorClient):  # type: ignore[no-untyped-def]
    yield
    await lsp_client.shutdown_session()


async def test_a_raising_check_is_logged_and_the_others_still_publish(
    raising_client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    client = raising_client
    root = copy_example("unguarded-run", tmp_path)
    await initialize(client, root, python=examples_python)
    uri = open_file(client, root / "app.py")
    assert [d.code for d in await wait_for_version(client, uri, 1)] == ["APP001"]
    errors = await wait_until(
        lambda: [
            m.message
            for m in client.log_messages
            if m.type == types.MessageType.Error and "boom from a test check" in m.message
        ],
        "the failing check to be logged",
    )
    assert "Traceback" in errors[0]
    assert "explode_on_purpose" in errors[0]
    assert client.messages == [], "no pop-up for an internal error"
