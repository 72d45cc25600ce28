"""Every example over real LSP: exact rule ids and ranges, then its quick fix makes it clean."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from tests.lsp.conftest import (
    EditorClient,
    copy_example,
    initialize,
    open_file,
    wait_for_version,
    wait_until,
)
from tests.lsp.edits import apply_text_edits, edits_for


def _range(line: int, start: int, end_line: int, end: int) -> types.Range:
    return types.Range(types.Position(line, start), types.Position(end_line, end))


EXPECTED = {
    "guard-runs-nothing": ("app.py", [("APP003", _range(10, 3, 10, 25))]),
    "guard-typo": ("app.py", [("APP002", _range(10, 3, 10, 21))]),
    "hello-ok": ("app.py", []),
    "routes-after-run": ("app.py", [("APP004", _range(14, 1, 14, 20))]),
    "unguarded-run": ("app.py", [("APP001", _range(11, 0, 11, 30))]),
    "shadowed-flask": ("flask.py", [("APP006", _range(0, 0, 0, 23))]),
}


def test_every_example_has_an_expectation() -> None:
    examples = Path(__file__).resolve().parents[2] / "examples"
    assert {p.name for p in examples.iterdir() if p.is_dir()} >= set(EXPECTED)


@pytest.mark.parametrize("example", sorted(EXPECTED))
async def test_example_diagnostics_then_quick_fix(
    client: EditorClient, tmp_path: Path, example: str, examples_python: str
) -> None:
    filename, expected = EXPECTED[example]
    root = copy_example(example, tmp_path)
    await initialize(client, root, python=examples_python)
    path = root / filename
    uri = open_file(client, path)
    diagnostics = await wait_for_version(client, uri, 1)
    assert [(str(d.code), d.range) for d in diagnostics] == expected
    if not expected:
        return

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostics[0].range,
            context=types.CodeActionContext(
                diagnostics=diagnostics, only=[types.CodeActionKind.QuickFix]
            ),
        )
    )
    assert actions, "no quick fix offered"
    action = actions[0]
    assert isinstance(action, types.CodeAction)
    assert action.kind == types.CodeActionKind.QuickFix
    assert action.edit is not None and action.edit.document_changes

    renames = [c for c in action.edit.document_changes if isinstance(c, types.RenameFile)]
    if renames:
        # A rename: do it on disk as the editor would, and tell the server.
        [rename] = renames
        assert rename.old_uri == uri
        new_path = Path(rename.new_uri.removeprefix("file://"))
        client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        path.rename(new_path)
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[
                    types.FileEvent(uri=uri, type=types.FileChangeType.Deleted),
                    types.FileEvent(uri=rename.new_uri, type=types.FileChangeType.Created),
                ]
            )
        )
        await wait_until(
            lambda: uri in client.diagnostics and not client.diagnostics[uri],
            "the old file's diagnostics to go",
        )
        new_uri = open_file(client, new_path)
        assert await wait_for_version(client, new_uri, 1) == []
        return

    [document_edit] = action.edit.document_changes
    assert isinstance(document_edit, types.TextDocumentEdit)
    assert document_edit.text_document.version == 1
    new_text = apply_text_edits(path.read_text(), edits_for(action.edit, uri))
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=new_text)],
        )
    )
    assert await wait_for_version(client, uri, 2) == []
