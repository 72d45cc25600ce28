"""The environment and dependency rules through the real language server over stdio."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

from tests.conftest import write_tree
from tests.lsp.conftest import (
    EditorClient,
    client,
    copy_example,
    initialize,
    open_file,
    wait_for_version,
    wait_until,
)
from tests.lsp.edits import apply_text_edits, edits_for
from tests.venvs import make_venv, venv_python

__all__ = ["client"]  # the pytest-lsp fixture, shared with tests/lsp

pytestmark = pytest.mark.oracle


def old_flask_python() -> str:
    return str(venv_python(make_venv("flask203-wz3", ["Flask==2.0.3"])))


async def quick_fixes(
    client: EditorClient, uri: str, diagnostics: list[types.Diagnostic]
) -> list[Any]:
    """Code actions, each as a CodeAction, or as (command name, arguments) for a command fix.

    Depending on the client converter, a CodeAction that carries only a command (no edit)
    can come back as a `Command` whose `command` is the stringified object; VS Code tells them
    apart by the type of `command`, so both shapes are accepted here.
    """
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostics[0].range,
            context=types.CodeActionContext(
                diagnostics=diagnostics, only=[types.CodeActionKind.QuickFix]
            ),
        )
    )
    result: list[Any] = []
    for action in actions or []:
        if isinstance(action, types.CodeAction):
            result.append(action)
            if action.command is not None:
                result.append((action.command.command, list(action.command.arguments or [])))
        elif action.command.startswith("{"):
            inner = ast.literal_eval(action.command)
            result.append((inner["command"], list(inner.get("arguments") or [])))
        else:
            result.append((action.command, list(action.arguments or [])))
    return result


async def test_dep004_on_the_requirement_line_and_its_pin_fix(
    client: EditorClient, tmp_path: Path
) -> None:
    root = copy_example("old-flask-werkzeug3", tmp_path)
    await initialize(client, root, python=old_flask_python())
    path = root / "requirements.txt"
    uri = open_file(client, path)
    diagnostics = await wait_for_version(client, uri, 1)
    by_code = {str(d.code): d for d in diagnostics}
    assert set(by_code) == {"DEP001", "DEP004"}  # gunicorn is not installed in that venv
    dep004 = by_code["DEP004"]
    assert dep004.range == types.Range(types.Position(0, 0), types.Position(0, 12))
    assert "url_quote" in dep004.message
    actions = await quick_fixes(client, uri, [dep004])
    pin = [a for a in actions if isinstance(a, types.CodeAction) and a.edit is not None]
    assert pin, [a.title for a in actions]
    fixed = apply_text_edits(path.read_text(), edits_for(pin[0].edit, uri))
    assert fixed.splitlines() == ["Flask==2.0.3", "Werkzeug<3.0", "gunicorn==21.2.0"]
    status = await wait_until(
        lambda: [s for s in client.statuses if s["interpreter"].get("version")], "a status"
    )
    assert status[-1]["interpreter"]["state"] == "ok"
    assert status[-1]["interpreter"]["is_venv"] is True


async def test_env002_offers_the_select_venv_command(client: EditorClient, tmp_path: Path) -> None:
    root = write_tree(tmp_path / "proj", {"requirements.txt": "flask\n"})
    other_venv = make_venv("flask203-wz3", ["Flask==2.0.3"])
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / ".venv")], check=True)
    await initialize(client, root, python=str(venv_python(other_venv)))
    uri = open_file(client, root / "requirements.txt")
    diagnostics = await wait_until(
        lambda: [d for d in client.diagnostics.get(uri, []) if str(d.code) == "ENV002"],
        "ENV002",
    )
    actions = await quick_fixes(client, uri, diagnostics)
    assert ("flaskPreflight.selectProjectVenv", [str(root / ".venv")]) in actions
    # the status bar is told why
    status = await wait_until(
        lambda: [s for s in client.statuses if s["interpreter"].get("state") != "ok"], "a status"
    )
    assert status[-1]["interpreter"]["state"] == "venv-not-selected"
    assert status[-1]["interpreter"]["project_venv"] == ".venv"


async def test_installing_the_missing_requirement_clears_dep001(
    client: EditorClient, tmp_path: Path
) -> None:
    """A real `pip install` into the selected venv's site-packages, reported by the editor's
    file watcher: the environment is read again and DEP001 goes away."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    root = write_tree(tmp_path / "proj", {"requirements.txt": "python-dotenv\n"})
    await initialize(client, root, python=str(venv_python(venv)))
    uri = open_file(client, root / "requirements.txt")
    await wait_until(
        lambda: [d for d in client.diagnostics.get(uri, []) if str(d.code) == "DEP001"], "DEP001"
    )
    site = next((venv / "lib").glob("python*/site-packages"))
    installed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(site),
            "python-dotenv",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr
    events = [
        types.FileEvent(uri=p.as_uri(), type=types.FileChangeType.Created)
        for p in site.iterdir()
        if p.name.startswith(("python_dotenv", "dotenv"))
    ]
    assert events
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=events))
    await wait_until(
        lambda: (
            uri in client.diagnostics
            and not [d for d in client.diagnostics[uri] if str(d.code) == "DEP001"]
        ),
        "DEP001 to go after the install",
    )
