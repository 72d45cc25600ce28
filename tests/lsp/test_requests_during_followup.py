"""Requests made while the deferred rules' follow-up run (DEP009) is going are answered before
it ends: the quick fix, the hover and the run command do not queue behind it. A server holds
the follow-up until the test has its answers (tests/lsp/blocking_server.py), so the test is
about the order of events, not about how long anything takes."""

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

HOLD_DIR = Path(os.environ.get("TMPDIR", "/tmp")) / f"fp-hold-followup-{os.getpid()}"
BLOCKING = [sys.executable, str(Path(__file__).with_name("blocking_server.py"))]
ENV = {
    **SERVER_ENV,
    "FP_TEST_HELD": str(HOLD_DIR / "held"),
    "FP_TEST_RELEASE": str(HOLD_DIR / "release"),
    "FP_TEST_FOLLOWUP_DONE": str(HOLD_DIR / "done"),
}
APP = "from flask import Flask\n\napp = Flask(__name__)\napp.run()  # wait-in-followup\n"


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=BLOCKING, server_env=ENV, client_factory=make_client)
)
async def holding_client(lsp_client: EditorClient):  # type: ignore[no-untyped-def]
    HOLD_DIR.mkdir(parents=True, exist_ok=True)
    for name in ("held", "release", "done"):
        (HOLD_DIR / name).unlink(missing_ok=True)
    yield
    (HOLD_DIR / "release").touch()  # never leave a run held
    await lsp_client.shutdown_session()


async def test_quick_fix_hover_and_run_command_do_not_wait_for_the_followup(
    holding_client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    client = holding_client
    root = write_tree(tmp_path / "project", {"app.py": APP, "requirements.txt": "Flask==3.1.3\n"})
    await initialize(client, root, python=examples_python)
    uri = open_file(client, root / "app.py")
    await wait_until(
        lambda: "APP001" in [str(d.code) for d in client.diagnostics.get(uri, [])], "APP001"
    )
    # The first diagnostics are out; the follow-up run (DEP009) is now held ...
    await wait_until(lambda: (HOLD_DIR / "held").exists(), "the follow-up run to be held")
    (app001,) = [d for d in client.diagnostics[uri] if d.code == "APP001"]

    # ... and the requests an editor makes meanwhile are answered.
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=app001.range,
            context=types.CodeActionContext(diagnostics=[app001]),
        )
    )
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=(root / "requirements.txt").as_uri()),
            position=types.Position(0, 2),
        )
    )
    command = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="flaskPreflight.getRunCommand",
            arguments=[{"uri": uri, "app": "app", "mode": "dev", "port": None}],
        )
    )
    assert not (HOLD_DIR / "done").exists(), "answered only after the follow-up run"
    assert any("__main__" in a.title for a in actions or [] if isinstance(a, types.CodeAction))
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "Flask 3.1.3 is installed" in hover.contents.value
    assert command["target"] == "app:app"

    # Let the follow-up finish: it publishes again, keeping the other rules' diagnostics.
    published = client.publish_count
    (HOLD_DIR / "release").touch()
    await wait_until(lambda: (HOLD_DIR / "done").exists(), "the follow-up run to end")
    await wait_until(lambda: client.publish_count > published, "the follow-up's publish")
    assert "APP001" in [str(d.code) for d in client.diagnostics[uri]]
