"""A check that raises is logged with its traceback and the others still publish; nothing
but LSP reaches stdout; shutdown and exit are clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException
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

# tests/planted_failures.py's message (not imported here: importing it plants the bugs)
PARSER_MESSAGE = "boom from a planted parser"
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
    raising_client: EditorClient,
    tmp_path: Path,
    examples_python: str,
    capfd: pytest.CaptureFixture[str],
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
    # One error notification says the findings may be incomplete.
    await wait_until(lambda: client.messages, "the internal-error notification")
    assert [m.type for m in client.messages] == [types.MessageType.Error]
    # The check's print() went to the server's stderr (forwarded here), not into the LSP
    # stream on stdout.
    seen: list[str] = []
    await wait_until(
        lambda: seen.append(capfd.readouterr().err) or "stray output" in "".join(seen),
        "the stray print on stderr",
    )


async def test_shutdown_then_exit_ends_the_process_cleanly(
    client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    root = copy_example("unguarded-run", tmp_path)
    await initialize(client, root, python=examples_python)
    uri = open_file(client, root / "app.py")
    await wait_for_version(client, uri, 1)
    await client.shutdown_session()
    assert client._server is not None and client._server.returncode == 0


async def test_the_selected_venv_disappearing_mid_session(
    client: EditorClient, tmp_path: Path
) -> None:
    root = copy_example("hello-ok", tmp_path)
    venv = tmp_path / "elsewhere" / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    await initialize(client, root, python=str(python))
    uri = open_file(client, root / "requirements.txt")
    assert [d.code for d in await wait_for_version(client, uri, 1)] == ["DEP001", "DEP001"]
    await wait_until(
        lambda: [s for s in client.statuses if s["interpreter"]["healthy"]], "a healthy status"
    )
    shutil.rmtree(venv)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(
                    uri=(venv / "pyvenv.cfg").as_uri(), type=types.FileChangeType.Deleted
                )
            ]
        )
    )
    status = await wait_until(
        lambda: [s for s in client.statuses if not s["interpreter"]["healthy"]],
        "a status saying the interpreter is gone",
    )
    assert status[-1]["interpreter"]["path"] == str(python)
    # still serving: an edit gets its diagnostics
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="Flask==3.1.3\n")],
        )
    )
    await wait_for_version(client, uri, 2)
    assert client._server is not None and client._server.returncode is None
    assert not [m for m in client.log_messages if m.type == types.MessageType.Error]


async def test_bad_requests_get_error_responses_and_no_pop_up(
    client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    root = copy_example("hello-ok", tmp_path)
    await initialize(client, root, python=examples_python)
    uri = open_file(client, root / "app.py")
    await wait_for_version(client, uri, 1)
    for arguments in ([42], [], [{"uri": uri}], [{"uri": "file:///nowhere/x.py", "app": "a"}]):
        with pytest.raises(JsonRpcException):
            await client.workspace_execute_command_async(
                types.ExecuteCommandParams(
                    command="flaskPreflight.getRunCommand", arguments=arguments
                )
            )
    client.protocol.notify("flaskPreflight/setInterpreter", {"folderUri": 7, "path": ["x"]})
    client.protocol.notify("flaskPreflight/setInterpreter", None)
    # still serving, and nothing popped up
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="app = 1\n")],
        )
    )
    assert await wait_for_version(client, uri, 2) == []
    assert client.messages == []


async def test_a_raising_handler_is_logged_not_popped_up(
    raising_client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    client = raising_client
    root = copy_example("hello-ok", tmp_path)
    await initialize(client, root, python=examples_python)
    client.protocol.notify("test/raise", {})
    await wait_until(
        lambda: [m for m in client.log_messages if "boom from a test handler" in m.message],
        "the handler's error in the log",
    )
    # (the planted check's internal error may have been shown; the handler's is not)
    assert not [m for m in client.messages if "handler" in m.message]


async def test_a_raising_parser_is_no_finding_and_is_shown_once(
    raising_client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    """The planted Procfile parser raises: no SRV004 (nor any finding) on the Procfile, the
    traceback in the log, and one notification for the whole session however many runs."""
    client = raising_client
    root = copy_example("wrong-gunicorn-target", tmp_path)
    await initialize(client, root, python=examples_python)
    procfile = open_file(client, root / "Procfile")
    assert await wait_for_version(client, procfile, 1) == []
    logged = await wait_until(
        lambda: [m.message for m in client.log_messages if PARSER_MESSAGE in m.message],
        "the parser's error in the log",
    )
    assert "Traceback" in logged[0] and "planted_raising_procfile_parser" in logged[0]
    await wait_until(lambda: client.messages, "the internal-error notification")

    def check_errors() -> int:
        return len([m for m in client.log_messages if "boom from a test check" in m.message])

    runs = check_errors()
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=procfile, version=2),
            content_changes=[
                types.TextDocumentContentChangeWholeDocument(text="web: gunicorn app:app\n")
            ],
        )
    )
    assert await wait_for_version(client, procfile, 2) == []
    await wait_until(lambda: check_errors() > runs, "the second run's errors in the log")
    assert len(client.messages) == 1, client.messages
    assert client.messages[0].type == types.MessageType.Error
