"""Fix-all, code lenses and `flaskPreflight.getRunCommand` (whose argv really starts the app)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.conftest import write_tree
from tests.lsp.conftest import (
    EditorClient,
    copy_example,
    initialize,
    open_file,
    options_for,
    wait_for_version,
    wait_until,
)
from tests.lsp.edits import apply_text_edits, edits_for

FIX_ALL = "source.fixAll.flaskPreflight"


async def test_fix_all_applies_every_safe_fix_of_the_file(
    client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    text = (
        "from flask import Flask\n\napp = Flask(__name__)\napp.run()\n\n"
        'if __name__ == "main":\n    print("never")\n'
    )
    root = write_tree(tmp_path, {"app.py": text})
    await initialize(client, root, python=examples_python)
    uri = open_file(client, root / "app.py")
    before = await wait_for_version(client, uri, 1)
    assert sorted(str(d.code) for d in before) == ["APP001", "APP002"]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=[FIX_ALL]),
        )
    )
    assert actions is not None
    [action] = actions
    assert isinstance(action, types.CodeAction) and action.kind == FIX_ALL
    assert action.edit is not None
    fixed = apply_text_edits(text, edits_for(action.edit, uri))
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
        )
    )
    assert await wait_for_version(client, uri, 2) == []


async def test_stale_quick_fixes_are_not_offered(
    client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    root = copy_example("unguarded-run", tmp_path)
    await initialize(client, root, python=examples_python)
    uri = open_file(client, root / "app.py")
    diagnostics = await wait_for_version(client, uri, 1)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangeWholeDocument(
                    text="\n\n" + (root / "app.py").read_text()
                )
            ],
        )
    )
    await wait_for_version(client, uri, 2)
    stale = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostics[0].range,
            context=types.CodeActionContext(diagnostics=diagnostics),
        )
    )
    assert stale is not None and len(stale) == 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve_and_fetch(command: dict[str, object]) -> str:
    """Start the app exactly as the server says, fetch its URL, stop it."""
    argv = command["argv"]
    assert isinstance(argv, list)
    env = {**__import__("os").environ, **command["env"]}  # type: ignore[dict-item]
    process = subprocess.Popen(
        argv, cwd=str(command["cwd"]), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(str(command["url"]), timeout=2) as response:
                    return str(response.read().decode())
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode() if process.stdout else ""
                    raise AssertionError(f"the app did not come up: {output}") from None
                time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.oracle
@pytest.mark.parametrize("mode", ["dev", "gunicorn"])
async def test_get_run_command_argv_really_serves_the_app(
    client: EditorClient, tmp_path: Path, examples_python: str, mode: str
) -> None:
    root = copy_example("hello-ok", tmp_path)
    await initialize(client, root, python=examples_python)
    uri = open_file(client, root / "app.py")
    await wait_for_version(client, uri, 1)
    port = _free_port()
    command = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="flaskPreflight.getRunCommand",
            arguments=[{"uri": uri, "app": "app", "mode": mode, "port": port}],
        )
    )
    assert command["target"] == "app:app"
    assert command["cwd"] == str(root)
    assert command["port"] == port
    assert command["url"] == f"http://127.0.0.1:{port}/"
    if mode == "dev":
        assert command["argv"] == [
            examples_python,
            *("-m", "flask", "--app", "app:app", "run", "--debug", "--port", str(port)),
        ]
    else:
        assert command["argv"] == [
            examples_python,
            *("-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "app:app"),
        ]
    assert _serve_and_fetch(command) == "Hello, World!"


async def test_factory_target_and_default_port(
    client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    root = write_tree(
        tmp_path,
        {
            "web/__init__.py": "",
            "web/factory.py": (
                "from flask import Flask\n\n\ndef create_app():\n"
                "    app = Flask(__name__)\n    return app\n"
            ),
        },
    )
    options = options_for([root], examples_python, {"gunicornPort": 9123})
    await initialize(client, root, options)
    uri = open_file(client, root / "web" / "factory.py")
    await wait_for_version(client, uri, 1)
    command = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="flaskPreflight.getRunCommand",
            arguments=[{"uri": uri, "app": "create_app", "mode": "gunicorn", "port": None}],
        )
    )
    assert command["target"] == "web.factory:create_app()"
    assert command["argv"][-3:] == ["--bind", "127.0.0.1:9123", "web.factory:create_app()"]


async def test_code_lenses_above_each_app(
    client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    root = copy_example("hello-ok", tmp_path)
    await initialize(client, root, python=examples_python)
    uri = open_file(client, root / "app.py")
    await wait_for_version(client, uri, 1)
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert lenses is not None
    assert [(lens.range.start.line, lens.command.title) for lens in lenses if lens.command] == [
        (2, "$(play) Run with dev server"),
        (2, "$(server-process) Run with Gunicorn"),
    ]
    assert [lens.command.command for lens in lenses if lens.command] == [
        "flaskPreflight.runApp"
    ] * 2
    assert lenses[1].command is not None
    assert list(lenses[1].command.arguments or ()) == [
        {"uri": uri, "app": "app", "mode": "gunicorn"}
    ]


async def test_untrusted_workspace_no_lenses_and_no_run_command(
    client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    root = copy_example("hello-ok", tmp_path)
    result = await initialize(client, root, options_for([root], examples_python, trusted=False))
    provider = result.capabilities.execute_command_provider
    assert provider is not None and list(provider.commands) == ["flaskPreflight.getRunCommand"]
    uri = open_file(client, root / "app.py")
    await wait_for_version(client, uri, 1)
    status = await wait_until(lambda: client.statuses, "a status")
    assert status[-1]["trusted"] is False
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert lenses is not None and len(lenses) == 0
    with pytest.raises(JsonRpcException, match="not trusted"):
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command="flaskPreflight.getRunCommand",
                arguments=[{"uri": uri, "app": "app", "mode": "dev", "port": None}],
            )
        )


async def test_command_fixes_are_client_commands(client: EditorClient, tmp_path: Path) -> None:
    root = copy_example("hello-ok", tmp_path)
    venv = root / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    await initialize(client, root, python=python)
    uri = open_file(client, root / "requirements.txt")
    diagnostics = await wait_for_version(client, uri, 1)
    assert [d.code for d in diagnostics] == ["DEP001", "DEP001"]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostics[0].range,
            context=types.CodeActionContext(diagnostics=diagnostics[:1]),
        )
    )
    assert actions is not None
    commands = [
        a.command for a in actions if isinstance(a, types.CodeAction) and a.command is not None
    ]
    install = [c for c in commands if c.command == "flaskPreflight.installRequirements"]
    assert install, commands
    assert list(install[0].arguments or ()) == [python, "requirements.txt"]
