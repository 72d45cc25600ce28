"""A document opened while a run is going, with the text that run read from disk, gets that
run's diagnostics when it ends, without waiting for the run its opening queued (the usual
start: the editor opens its files while the first scan of the folder runs). A server holds
each run until the test releases it (tests/lsp/blocking_server.py): the test is about the
order of events, not about how long anything takes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig

from tests.conftest import write_tree
from tests.lsp.conftest import (
    SERVER_ENV,
    EditorClient,
    initialize,
    make_client,
    open_file,
    wait_until,
)

HOLD_DIR = Path(os.environ.get("TMPDIR", "/tmp")) / f"fp-hold-open-{os.getpid()}"
BLOCKING = [sys.executable, str(Path(__file__).with_name("blocking_server.py"))]
ENV = {
    **SERVER_ENV,
    "FP_TEST_HELD": str(HOLD_DIR / "held"),
    "FP_TEST_RELEASE": str(HOLD_DIR / "release"),
}
APP = "from flask import Flask\n\napp = Flask(__name__)\napp.run()  # hold-each\n"


async def processed(client: EditorClient, uri: str) -> None:
    """Returns once the server has handled every message sent before (it answers in order;
    a code action is answered on its event loop, never behind a run)."""
    await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=BLOCKING, server_env=ENV, client_factory=make_client)
)
async def holding_client(lsp_client: EditorClient):  # type: ignore[no-untyped-def]
    HOLD_DIR.mkdir(parents=True, exist_ok=True)
    for name in ("held", "release"):
        (HOLD_DIR / name).unlink(missing_ok=True)
    yield
    (HOLD_DIR / "release").touch()  # never leave a run held
    await lsp_client.shutdown_session()


async def test_a_file_opened_during_the_first_scan_gets_its_diagnostics_when_the_scan_ends(
    holding_client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    client = holding_client
    held, release = HOLD_DIR / "held", HOLD_DIR / "release"
    root = write_tree(tmp_path / "project", {"app.py": APP, "requirements.txt": "Flask==3.1.3\n"})
    await initialize(client, root, python=examples_python)
    await wait_until(held.exists, "the folder's first run to be held")
    uri = open_file(client, root / "app.py")  # the same text as on disk
    await processed(client, uri)
    held.unlink()
    release.touch()
    # The first run ends; the next one (queued by the opening) is held ...
    await wait_until(held.exists, "the next run to be held")
    # ... and app.py already has the first run's diagnostics, for the version opened.
    await wait_until(lambda: uri in client.versions, "diagnostics of app.py")
    assert client.versions[uri] == 1
    assert "APP001" in [str(d.code) for d in client.diagnostics[uri]]
    (app001,) = [d for d in client.diagnostics[uri] if d.code == "APP001"]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=app001.range,
            context=types.CodeActionContext(diagnostics=[app001]),
        )
    )
    assert any("__main__" in a.title for a in actions or [] if isinstance(a, types.CodeAction))
    release.touch()


async def test_a_file_opened_with_other_text_waits_for_its_own_run(
    holding_client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    client = holding_client
    held, release = HOLD_DIR / "held", HOLD_DIR / "release"
    root = write_tree(tmp_path / "project", {"app.py": APP, "requirements.txt": "Flask==3.1.3\n"})
    await initialize(client, root, python=examples_python)
    await wait_until(held.exists, "the folder's first run to be held")
    guarded = APP.replace("app.run()", 'if __name__ == "__main__":\n    app.run()')
    uri = (root / "app.py").as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=guarded
            )
        )
    )
    await processed(client, uri)
    held.unlink()
    release.touch()
    await wait_until(held.exists, "the next run to be held")
    release.touch()
    await wait_until(lambda: uri in client.versions, "diagnostics of app.py")
    # What the first run found on disk (APP001) was never shown over the guarded buffer.
    assert next(codes for u, _, codes in client.history if u == uri) == [], client.history
