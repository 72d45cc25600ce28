"""Installed elsewhere over real stdio: the diagnostic says which other venv has the missing
package, its quick fix selects that interpreter, and selecting it clears the diagnostic."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
import pytest_lsp
from pytest_lsp import ClientServerConfig

from flask_preflight.analysis.environment.commands import SELECT_INTERPRETER
from tests.conftest import write_tree
from tests.lsp.conftest import (
    SERVER,
    SERVER_ENV,
    EditorClient,
    initialize,
    make_client,
    open_file,
    wait_until,
)
from tests.test_environment_lsp import quick_fixes
from tests.venvs import make_venv, venv_python

pytestmark = pytest.mark.oracle

#: The server sees a machine with nothing else installed: an empty home, no python on PATH
#: (it is started by absolute path), so only the project's own venvs are found.
_EMPTY = Path(tempfile.mkdtemp(prefix="flask-preflight-empty-home-"))
atexit.register(shutil.rmtree, _EMPTY, True)
ISOLATED_ENV = {
    **{
        k: v
        for k, v in SERVER_ENV.items()
        if k not in ("PYENV_ROOT", "PYENV_VERSION", "CONDA_PREFIX", "VIRTUAL_ENV")
    },
    "HOME": str(_EMPTY),
    "PATH": str(_EMPTY),
}


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=SERVER, server_env=ISOLATED_ENV, client_factory=make_client
    )
)
async def isolated(lsp_client: EditorClient):  # type: ignore[no-untyped-def]
    yield
    if lsp_client._server is not None and lsp_client._server.returncode is None:
        await lsp_client.shutdown_session()


APP = "import requests\nfrom flask import Flask\n\napp = Flask(__name__)\n"


async def test_select_fix_for_a_module_installed_in_another_project_venv(
    isolated: EditorClient, tmp_path: Path
) -> None:
    client = isolated
    root = write_tree(tmp_path / "proj", {"requirements.txt": "flask\nrequests\n", "app.py": APP})
    shutil.copytree(make_venv("flask", ["flask==3.1.3"]), root / ".venv", symlinks=True)
    shutil.copytree(
        make_venv("elsewhere-requests", ["flask==3.1.3", "requests==2.32.3"]),
        root / "venv-old",
        symlinks=True,
    )
    chosen, other = venv_python(root / ".venv"), venv_python(root / "venv-old")
    await initialize(client, root, python=str(chosen))
    uri = open_file(client, root / "app.py")
    # The first run publishes without looking in other environments; the file is checked
    # again right after, and DEP005 then says where requests is.
    diagnostics = await wait_until(
        lambda: [
            d
            for d in client.diagnostics.get(uri, [])
            if str(d.code) == "DEP005" and "installed in" in d.message
        ],
        "DEP005 saying where requests is installed",
    )
    assert len(diagnostics) == 1
    assert diagnostics[0].message.endswith(
        "requests 2.32.3 is installed in venv-old/, not in .venv."
    )
    actions = await quick_fixes(client, uri, diagnostics)
    assert (SELECT_INTERPRETER, [str(other)]) in actions
    assert ("flaskPreflight.installRequirements", [str(chosen), "requirements.txt"]) in actions

    # What the VS Code client does when that fix is picked: the interpreter changes.
    client.protocol.notify(
        "flaskPreflight/setInterpreter",
        {"folderUri": root.as_uri(), "path": str(other), "source": "explicit"},
    )
    await wait_until(
        lambda: (
            uri in client.diagnostics
            and not [d for d in client.diagnostics[uri] if str(d.code) == "DEP005"]
            and client.statuses
            and client.statuses[-1]["interpreter"]["path"] == str(other)
        ),
        "DEP005 cleared by the newly selected interpreter",
    )
    assert os.path.isdir(root / ".venv")  # nothing was removed or written by the server
