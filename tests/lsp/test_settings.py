"""Settings (initializationOptions, pulled workspace/configuration, didChangeConfiguration),
multi-root folders, the interpreter notification and the status notification."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lsprotocol import types

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


def _status_for(client: EditorClient, root: Path) -> list[dict[str, Any]]:
    return [s for s in client.statuses if s["folderUri"] == root.as_uri()]


async def test_severity_from_initialization_options(
    client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    root = copy_example("unguarded-run", tmp_path)
    options = options_for([root], examples_python, {"rules": {"APP001": "hint"}})
    await initialize(client, root, options)
    uri = open_file(client, root / "app.py")
    [diagnostic] = await wait_for_version(client, uri, 1)
    assert diagnostic.severity == types.DiagnosticSeverity.Hint


async def test_pulled_settings_then_changed_settings(
    client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    root = copy_example("unguarded-run", tmp_path)
    client.set_configuration({"flaskPreflight": {"rules": {"APP001": "off"}}})
    await initialize(client, root, python=examples_python)
    uri = open_file(client, root / "app.py")
    # the pulled settings switch the rule off (the first run may have used the defaults)
    await wait_until(lambda: client.versions.get(uri) == 1 and not client.diagnostics[uri], "off")
    await wait_until(
        lambda: "flask-preflight-configuration" in client.registrations,
        "didChangeConfiguration to be registered",
    )
    client.set_configuration({"flaskPreflight": {"rules": {"unguarded-app-run": "information"}}})
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    [diagnostic] = await wait_until(lambda: client.diagnostics.get(uri), "the rule back on")
    assert diagnostic.severity == types.DiagnosticSeverity.Information


async def test_exclude_globs_hide_files(
    client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    run = "from flask import Flask\napp = Flask(__name__)\napp.run()\n"
    # wsgi.py imports app.py, so APP001 there is a warning (a lone launcher gets a hint)
    files = {"app.py": run, "wsgi.py": "from app import app  # noqa: F401\n", "legacy/old.py": run}
    root = write_tree(tmp_path, files)
    options = options_for([root], examples_python, {"exclude": ["legacy"]})
    await initialize(client, root, options)
    await wait_until(lambda: _status_for(client, root), "the first status")
    assert list(client.diagnostics) == [(root / "app.py").as_uri()]
    assert _status_for(client, root)[-1]["counts"]["warning"] == 1


async def test_each_folder_is_its_own_project_with_its_own_settings(
    client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    first = copy_example("unguarded-run", tmp_path)
    second = copy_example("guard-typo", tmp_path)
    client.set_configuration(
        {"flaskPreflight": {"rules": {"APP002": "hint"}}}, scope_uri=second.as_uri()
    )
    await initialize(client, [first, second], options_for([first, second], examples_python))
    first_uri, second_uri = (first / "app.py").as_uri(), (second / "app.py").as_uri()
    await wait_until(
        lambda: (
            [d.severity for d in client.diagnostics.get(second_uri, [])]
            == [types.DiagnosticSeverity.Hint]
        ),
        "the second folder's setting",
    )
    await wait_until(lambda: client.diagnostics.get(first_uri), "the first folder's diagnostics")
    assert [d.code for d in client.diagnostics[first_uri]] == ["APP001"]
    assert [d.code for d in client.diagnostics[second_uri]] == ["APP002"]
    assert {s["folderUri"] for s in client.statuses} == {first.as_uri(), second.as_uri()}


async def test_status_then_set_interpreter(
    client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    root = copy_example("unguarded-run", tmp_path)
    await initialize(client, root, python=examples_python)
    status = (await wait_until(lambda: _status_for(client, root), "the first status"))[-1]
    assert status["trusted"] is True
    assert status["interpreter"]["path"] == examples_python
    assert status["counts"] == {"error": 0, "warning": 1, "information": 0, "hint": 0}

    missing = str(tmp_path / "gone" / "bin" / "python")
    client.protocol.notify(
        "flaskPreflight/setInterpreter",
        {"folderUri": root.as_uri(), "path": missing, "source": "explicit"},
    )
    status = (
        await wait_until(
            lambda: [s for s in _status_for(client, root) if s["interpreter"]["path"] == missing],
            "a status for the new interpreter",
        )
    )[-1]
    assert status["interpreter"]["state"] == "no-interpreter"
    assert status["interpreter"]["healthy"] is False


RUN = "from flask import Flask\napp = Flask(__name__)\napp.run()\n"


async def test_a_nested_folder_is_left_to_its_own_project(
    client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    importer = "from app import app  # noqa: F401\n"  # APP001 is a warning, not a hint
    files = {"app.py": RUN, "wsgi.py": importer, "inner/app.py": RUN, "inner/wsgi.py": importer}
    outer = write_tree(tmp_path / "outer", files)
    inner = outer / "inner"
    await initialize(client, [outer, inner], options_for([outer, inner], examples_python))
    for root in (outer, inner):
        await wait_until(lambda r=root: _status_for(client, r), f"a status for {root.name}")
        assert _status_for(client, root)[-1]["counts"]["warning"] == 1


async def test_a_file_outside_every_folder_is_checked_alone(
    client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    root = copy_example("hello-ok", tmp_path)
    elsewhere = write_tree(tmp_path / "elsewhere", {"script.py": RUN, "sibling.py": RUN})
    await initialize(client, root, python=examples_python)
    await wait_until(lambda: _status_for(client, root), "the folder's status")
    uri = open_file(client, elsewhere / "script.py")
    assert [d.code for d in await wait_for_version(client, uri, 1)] == ["APP001"]
    assert (elsewhere / "sibling.py").as_uri() not in client.diagnostics
    assert {s["folderUri"] for s in client.statuses} == {root.as_uri()}


async def test_the_server_chooses_the_interpreter_and_says_so(
    client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    """The editor says nothing: the server picks the project's venv (the client no longer
    scans for venvs) and tells the client in the status notification, with every project
    venv it found for the "select a venv" command."""
    root = copy_example("unguarded-run", tmp_path)
    for name in ("venv", ".venv"):
        (root / name / "bin").mkdir(parents=True)
        (root / name / "pyvenv.cfg").write_text(f"home = {Path(examples_python).parent}\n")
        (root / name / "bin" / "python").symlink_to(examples_python)
    await initialize(client, root, {"trusted": True, "interpreters": {}, "settings": {}})
    status = (await wait_until(lambda: _status_for(client, root), "the first status"))[-1]
    interpreter = status["interpreter"]
    assert interpreter["path"] == str(root / ".venv" / "bin" / "python")
    assert (interpreter["source"], interpreter["how_chosen"]) == (
        "auto",
        "the project's venv `.venv`",
    )
    assert interpreter["project_venvs"] == [str(root / ".venv"), str(root / "venv")]


async def test_the_setting_wins_over_the_editors_selection(
    client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    root = copy_example("unguarded-run", tmp_path)
    chosen = str(tmp_path / "set" / "bin" / "python")
    options = options_for([root], examples_python, {"python": chosen})
    await initialize(client, root, options)
    status = (await wait_until(lambda: _status_for(client, root), "the first status"))[-1]
    assert status["interpreter"]["path"] == chosen
    assert status["interpreter"]["how_chosen"] == "the flaskPreflight.python setting"
