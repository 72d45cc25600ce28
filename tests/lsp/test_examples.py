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
from tests.venvs import make_venv, venv_python


def _range(line: int, start: int, end_line: int, end: int) -> types.Range:
    return types.Range(types.Position(line, start), types.Position(end_line, end))


EXPECTED = {
    "debug-in-production": ("app.py", [("APP005", _range(11, 45, 11, 49))]),
    "dotenv-missing": (".flaskenv", [("DEP007", _range(0, 0, 0, 15))]),
    "factory-without-call": ("Procfile", [("SRV003", _range(0, 14, 0, 29))]),
    "guard-runs-nothing": ("app.py", [("APP003", _range(10, 3, 10, 25))]),
    "guard-typo": ("app.py", [("APP002", _range(10, 3, 10, 21))]),
    "hello-ok": ("app.py", []),
    # In a venv holding what it pins (Flask 2.0.3 pulls Werkzeug 3; gunicorn not installed).
    "old-flask-werkzeug3": (
        "requirements.txt",
        [("DEP004", _range(0, 0, 0, 12)), ("DEP001", _range(1, 0, 1, 16))],
    ),
    "routes-after-run": ("app.py", [("APP004", _range(14, 1, 14, 20))]),
    "unguarded-run": ("app.py", [("APP001", _range(11, 0, 11, 30))]),
    "shadowed-flask": ("flask.py", [("APP006", _range(0, 0, 0, 23))]),
    "wrong-gunicorn-target": ("Procfile", [("SRV002", _range(0, 14, 0, 29))]),
}

#: what the file shows once the first quick fix is applied (default: nothing). The DEP fixes
#: declare what the environment lacks; until it is reinstalled the findings stay or move:
#: Werkzeug<3.0 pinned (DEP004 stays, DEP002 on the new pin), python-dotenv declared (DEP007
#: stays, requirements.txt shows it missing: AFTER_FIX_ELSEWHERE).
AFTER_FIX = {
    "old-flask-werkzeug3": ["DEP004", "DEP002", "DEP001"],
    "dotenv-missing": ["DEP007"],
}
AFTER_FIX_ELSEWHERE = {"dotenv-missing": ["DEP001"]}


def test_every_example_has_an_expectation() -> None:
    examples = Path(__file__).resolve().parents[2] / "examples"
    assert {p.name for p in examples.iterdir() if p.is_dir()} == set(EXPECTED)


@pytest.mark.parametrize("example", sorted(EXPECTED))
async def test_example_diagnostics_then_quick_fix(
    client: EditorClient, tmp_path: Path, example: str, examples_python: str
) -> None:
    filename, expected = EXPECTED[example]
    root = copy_example(example, tmp_path)
    python = examples_python
    if example == "old-flask-werkzeug3":
        python = str(venv_python(make_venv("flask203-wz3", ["Flask==2.0.3"])))
    await initialize(client, root, python=python)
    path = root / filename
    uri = open_file(client, path)
    diagnostics = await wait_for_version(client, uri, 1)
    assert [(str(d.code), d.range) for d in diagnostics] == expected
    if not expected:
        return
    after = AFTER_FIX.get(example, [])

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
    target = document_edit.text_document.uri
    if target != uri:
        # The fix edits another file (DEP007: the requirements): the editor applies it to
        # that file and saves it; the finding here goes.
        other = Path(target.removeprefix("file://"))
        other.write_text(apply_text_edits(other.read_text(), edits_for(action.edit, target)))
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=target, type=types.FileChangeType.Changed)]
            )
        )
        elsewhere = AFTER_FIX_ELSEWHERE.get(example, [])
        await wait_until(
            lambda: [str(d.code) for d in client.diagnostics.get(target, [])] == elsewhere,
            f"{other.name} to show {elsewhere} once fixed",
        )
        assert sorted(str(d.code) for d in client.diagnostics[uri]) == sorted(after)
        return
    assert document_edit.text_document.version == 1
    new_text = apply_text_edits(path.read_text(), edits_for(action.edit, uri))
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=new_text)],
        )
    )
    # (the order within one publish is the engine's: headline, then severity, then place)
    assert sorted(str(d.code) for d in await wait_for_version(client, uri, 2)) == sorted(after)
