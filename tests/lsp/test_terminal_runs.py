"""`flaskPreflight/explainTerminalRun` over real stdio: a real failed run's output in, the
engine's explanation out, and RUN001 on the project line until the app is started again."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from flask_preflight.lsp.settings import plain_json
from flask_preflight.lsp.terminal_runs import EXPLAIN_TERMINAL_RUN, TERMINAL_RUN_STARTED
from tests.lsp.conftest import EditorClient, codes, initialize, options_for, wait_until
from tests.real_runs import bare_venv, flask_venv, project_with_venv, run, venv_python

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX venv layout")


def _project(tmp_path: Path) -> tuple[Path, str]:
    project = project_with_venv(tmp_path / "proj", flask_venv())
    return project, str(project / ".venv" / "bin" / "python")


async def _explain(client: EditorClient, params: dict[str, Any]) -> Any:
    result = await client.protocol.send_request_async(EXPLAIN_TERMINAL_RUN, params)
    return plain_json(result)


async def test_explains_a_real_run_and_marks_the_project_line(
    client: EditorClient, tmp_path: Path
) -> None:
    project, python = _project(tmp_path)
    await initialize(client, project, python=python)
    await wait_until(lambda: client.statuses, "the first analysis")
    bare = str(venv_python(bare_venv()))
    code, output = run([bare, "app.py"], project)
    result = await _explain(
        client,
        {"commandLine": f"{bare} app.py", "cwd": str(project), "exitCode": code, "output": output},
    )
    assert result["kind"] == "wrong-interpreter"
    assert result["interpreter"]["ran"] == bare
    assert result["interpreter"]["selected"] == python
    assert result["summary"].startswith(f"This terminal ran {bare}, not .venv/bin/python")
    assert result["folderUri"].rstrip("/") == project.as_uri()
    assert [fix["kind"] for fix in result["fixes"]][:3] == [
        "rerun",
        "activate",
        "activate-new-terminals",
    ]
    uri = (project / "app.py").as_uri()
    await wait_until(lambda: "RUN001" in codes(client, uri), "RUN001 on app.py")
    diagnostic = next(d for d in client.diagnostics[uri] if d.code == "RUN001")
    assert diagnostic.range.start.line == 0
    assert "Flask 3.1.3 is installed in .venv only" in diagnostic.message
    # The next start clears it (and a failing one would bring it back).
    client.protocol.notify(
        TERMINAL_RUN_STARTED, {"commandLine": "python app.py", "cwd": str(project)}
    )
    await wait_until(lambda: "RUN001" not in codes(client, uri), "RUN001 cleared")
    # pip is not a start: nothing to clear, nothing published.
    count = client.publish_count
    client.protocol.notify(TERMINAL_RUN_STARTED, {"commandLine": "pip list", "cwd": str(project)})
    clean = await _explain(client, {"commandLine": "pip list", "cwd": str(project), "output": "x"})
    assert clean["kind"] == "none"
    assert client.publish_count == count


async def test_untrusted_workspace_explains_nothing(client: EditorClient, tmp_path: Path) -> None:
    project, python = _project(tmp_path)
    await initialize(client, project, options_for([project], python, trusted=False))
    await wait_until(lambda: client.statuses, "the first analysis")
    _, output = run([str(venv_python(bare_venv())), "app.py"], project)
    result = await _explain(
        client, {"commandLine": "python app.py", "cwd": str(project), "output": output}
    )
    assert result is None
    assert "RUN001" not in codes(client, (project / "app.py").as_uri())


async def test_bad_params_are_refused_not_crashed(client: EditorClient, tmp_path: Path) -> None:
    project, python = _project(tmp_path)
    await initialize(client, project, python=python)
    for bad in ({"commandLine": 3}, {"commandLine": "x", "exitCode": "1"}, [1, 2]):
        with pytest.raises(JsonRpcException):
            await client.protocol.send_request_async(EXPLAIN_TERMINAL_RUN, bad)
    # Still serving.
    result = await _explain(client, {"commandLine": "ls", "cwd": str(project), "output": ""})
    assert result["kind"] == "none"


async def test_removing_the_folder_clears_its_terminal_failure(
    client: EditorClient, tmp_path: Path
) -> None:
    project, python = _project(tmp_path)
    await initialize(client, project, python=python)
    await wait_until(lambda: client.statuses, "the first analysis")
    bare = str(venv_python(bare_venv()))
    code, output = run([bare, "app.py"], project)
    await _explain(
        client,
        {"commandLine": f"{bare} app.py", "cwd": str(project), "exitCode": code, "output": output},
    )
    uri = (project / "app.py").as_uri()
    await wait_until(lambda: "RUN001" in codes(client, uri), "RUN001 on app.py")
    client.workspace_did_change_workspace_folders(
        types.DidChangeWorkspaceFoldersParams(
            event=types.WorkspaceFoldersChangeEvent(
                added=[],
                removed=[types.WorkspaceFolder(uri=project.as_uri(), name=project.name)],
            )
        )
    )
    # Nothing of the removed folder stays in the Problems panel, RUN001 included.
    await wait_until(lambda: not client.diagnostics.get(uri), "app.py cleared")
