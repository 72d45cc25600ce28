"""The one interpreter chooser (analysis/interpreters.py): each step of the documented order
wins over every later one, for the CLI and the language server alike."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from flask_preflight.analysis.interpreters import (
    Interpreter,
    Selection,
    choose_cli_interpreter,
    choose_interpreter,
)
from flask_preflight.lsp.folders import choose_interpreter_for
from flask_preflight.lsp.settings import InterpreterHint


def executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def venv(path: Path) -> Path:
    """A venv's layout (the chooser only looks; it never runs the interpreter)."""
    (path).mkdir(parents=True)
    (path / "pyvenv.cfg").write_text("home = /usr/bin\n")
    return executable(path / "bin" / "python")


@pytest.fixture
def world(tmp_path: Path) -> dict[str, object]:
    """Every candidate present at once: a project with two venvs, an active virtualenv, and
    python3 and python on PATH."""
    root = tmp_path / "proj"
    root.mkdir()
    venv(root / "zz-env")
    project_venv = venv(root / ".venv")
    active = tmp_path / "active"
    venv(active)
    bin_dir = tmp_path / "bin"
    python3 = executable(bin_dir / "python3")
    executable(bin_dir / "python")
    environ = {"PATH": str(bin_dir), "VIRTUAL_ENV": str(active)}
    return {
        "root": root,
        "project_venv": str(project_venv),
        "active": str(active / "bin" / "python"),
        "python3": str(python3),
        "environ": environ,
    }


def test_1_the_setting_wins_over_everything(world: dict[str, object]) -> None:
    chosen = choose_interpreter(
        world["root"],  # type: ignore[arg-type]
        setting="/opt/py/bin/python",
        selection=Selection("/editor/bin/python", "explicit"),
        environ=world["environ"],  # type: ignore[arg-type]
    )
    assert chosen == Interpreter(
        "/opt/py/bin/python", "explicit", "the flaskPreflight.python setting"
    )


def test_2_the_editors_selection_wins_over_the_active_venv_project_venv_and_path(
    world: dict[str, object],
) -> None:
    root = world["root"]
    environ = world["environ"]
    explicit = choose_interpreter(root, selection=Selection("/e/python"), environ=environ)  # type: ignore[arg-type]
    assert explicit == Interpreter("/e/python", "explicit", "selected in the editor")
    guessed = choose_interpreter(
        root,  # type: ignore[arg-type]
        selection=Selection(world["project_venv"], "auto"),  # type: ignore[arg-type]
        environ=environ,  # type: ignore[arg-type]
    )
    assert guessed.source == "auto"
    assert guessed.reason == "the project's virtualenv `.venv`, picked automatically"


def test_2_without_an_editor_the_active_virtualenv(world: dict[str, object]) -> None:
    chosen = choose_interpreter(world["root"], environ=world["environ"])  # type: ignore[arg-type]
    assert chosen == Interpreter(
        world["active"],  # type: ignore[arg-type]
        "explicit",
        "the active virtualenv ($VIRTUAL_ENV)",
    )


def test_3_the_project_venv_wins_over_path_conventional_names_first(
    world: dict[str, object],
) -> None:
    environ = {"PATH": world["environ"]["PATH"]}  # type: ignore[index]
    chosen = choose_interpreter(world["root"], environ=environ)  # type: ignore[arg-type]
    assert chosen == Interpreter(world["project_venv"], "auto", "the project's venv `.venv`")  # type: ignore[arg-type]


def test_4_python3_on_path_then_python_then_none(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    bin_dir = tmp_path / "bin"
    python = executable(bin_dir / "python")
    assert choose_interpreter(root, environ={"PATH": str(bin_dir)}) == Interpreter(
        str(python), "auto", "`python` on PATH"
    )
    python3 = executable(bin_dir / "python3")
    assert choose_interpreter(root, environ={"PATH": str(bin_dir)}).path == str(python3)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert choose_interpreter(root, environ={"PATH": str(empty)}) == Interpreter(
        None, "auto", "no python3 or python on PATH"
    )


def test_the_cli_order_is_the_same(
    world: dict[str, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--python > $VIRTUAL_ENV > project venv > PATH."""
    root = world["root"]
    environ = world["environ"]
    monkeypatch.chdir(tmp_path)
    given = choose_cli_interpreter(root, "rel/python", environ)  # type: ignore[arg-type]
    assert given == Interpreter(str(tmp_path / "rel" / "python"), "explicit", "given with --python")
    assert choose_cli_interpreter(root, None, environ).path == world["active"]  # type: ignore[arg-type]
    no_active = {"PATH": environ["PATH"]}  # type: ignore[index]
    assert choose_cli_interpreter(root, None, no_active).path == world["project_venv"]  # type: ignore[arg-type]


def test_the_language_server_uses_the_same_chooser(
    world: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    root = Path(world["root"])  # type: ignore[arg-type]
    hint = InterpreterHint("/editor/bin/python", "explicit")
    # the setting wins over the editor's selection (step 1 before step 2)
    assert choose_interpreter_for(root, hint, "/opt/py/bin/python").path == "/opt/py/bin/python"
    assert choose_interpreter_for(root, hint, None).reason == "selected in the editor"
    # nothing said by the editor: the project's venv
    assert choose_interpreter_for(root, None, None).path == world["project_venv"]
    assert choose_interpreter_for(root, InterpreterHint(None), None).path == world["project_venv"]
