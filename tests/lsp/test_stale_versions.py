"""A run that finishes after its document was edited never publishes its findings over the
newer text (the stale-version guard of PreflightServer._apply_result), made deterministic by
a server that holds the older run until the edit has been sent."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig

from tests.lsp.conftest import (
    SERVER_ENV,
    EditorClient,
    initialize,
    make_client,
    open_file,
    wait_for_version,
    wait_until,
)

HOLD_DIR = Path(os.environ.get("TMPDIR", "/tmp")) / f"fp-hold-{os.getpid()}"
BLOCKING = [sys.executable, str(Path(__file__).with_name("blocking_server.py"))]
ENV = {
    **SERVER_ENV,
    "FP_TEST_HELD": str(HOLD_DIR / "held"),
    "FP_TEST_RELEASE": str(HOLD_DIR / "release"),
}


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=BLOCKING, server_env=ENV, client_factory=make_client)
)
async def blocking_client(lsp_client: EditorClient):  # type: ignore[no-untyped-def]
    HOLD_DIR.mkdir(parents=True, exist_ok=True)
    for name in ("held", "release"):
        (HOLD_DIR / name).unlink(missing_ok=True)
    yield
    (HOLD_DIR / "release").touch()  # never leave a run held
    await lsp_client.shutdown_session()


async def test_an_older_run_never_publishes_over_a_newer_version(
    blocking_client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    client = blocking_client
    root = tmp_path / "proj"
    root.mkdir()
    app = root / "app.py"
    app.write_text("from flask import Flask\napp = Flask(__name__)\napp.run()  # hold\n")
    await initialize(client, root, python=examples_python)
    uri = open_file(client, app)
    # The run of version 1 (APP001 on the unguarded run) is held inside the checks ...
    await wait_until(lambda: (HOLD_DIR / "held").exists(), "the version 1 run to be held")
    # ... while the editor sends version 2, which guards the run.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangeWholeDocument(
                    text="from flask import Flask\napp = Flask(__name__)\n"
                    'if __name__ == "__main__":\n    app.run()\n'
                )
            ],
        )
    )
    (HOLD_DIR / "release").touch()
    assert await wait_for_version(client, uri, 2) == []
    # Version 1's findings were dropped, never published (with any version).
    published = [(version, codes) for u, version, codes in client.history if u == uri]
    assert published == [(2, [])], published
