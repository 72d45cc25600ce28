"""A language-server session over a project full of side effects: none of them happens."""

from __future__ import annotations

import sys
from pathlib import Path

from lsprotocol import types

from tests.lsp.conftest import EditorClient, initialize, open_file, wait_for_version
from tests.side_effects import plant_side_effects, ran


async def test_a_session_never_runs_the_project(client: EditorClient, tmp_path: Path) -> None:
    root = tmp_path / "proj"
    planted = plant_side_effects(root, tmp_path / "markers")
    await initialize(client, root, python=sys.executable)
    for name in ("app.py", "gunicorn.conf.py", "setup.py", "pkg/__init__.py", "Procfile"):
        uri = open_file(client, root / name)
        diagnostics = await wait_for_version(client, uri, 1)
        if name == "app.py":
            assert "APP001" in [str(d.code) for d in diagnostics]
        for line in range(3):
            await client.text_document_hover_async(
                types.HoverParams(
                    text_document=types.TextDocumentIdentifier(uri=uri),
                    position=types.Position(line, 16),
                )
            )
        lenses = await client.text_document_code_lens_async(
            types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        if name == "app.py":
            assert lenses, "the app was recognised (a run lens above it)"
        await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=types.Range(types.Position(0, 0), types.Position(5, 0)),
                context=types.CodeActionContext(diagnostics=diagnostics),
            )
        )
        client.text_document_did_save(
            types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
    app = (root / "app.py").as_uri()
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="flaskPreflight.getRunCommand", arguments=[{"uri": app, "app": "app"}]
        )
    )
    await client.shutdown_session()
    assert ran(planted) == []
