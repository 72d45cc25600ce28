"""The engine's run-command builder (used by flaskPreflight.getRunCommand), without a server."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from flask_preflight.analysis.project import Project
from flask_preflight.analysis.run_commands import (
    RunCommandError,
    build_run_command,
    production_server,
)
from tests.conftest import write_tree

APP = "from flask import Flask\napp = Flask(__name__)\n"
FACTORY = "from flask import Flask\n\ndef create_app():\n    return Flask(__name__)\n"


def test_package_module_runs_from_above_its_package(tmp_path: Path) -> None:
    write_tree(tmp_path, {"src/shop/__init__.py": "", "src/shop/web.py": APP})
    command = build_run_command(
        Project(tmp_path), "src/shop/web.py", "app", "dev", 5055, sys.executable
    )
    assert command["target"] == "shop.web:app"
    assert command["cwd"] == str(tmp_path / "src")
    assert command["argv"][1:] == [
        *("-m", "flask", "--app", "shop.web:app", "run", "--debug", "--port", "5055")
    ]


def test_factory_with_waitress_uses_call(tmp_path: Path) -> None:
    write_tree(tmp_path, {"factory.py": FACTORY})
    command = build_run_command(
        Project(tmp_path), "factory.py", "create_app", "waitress", None, sys.executable
    )
    assert command["port"] == 8000
    assert command["argv"][1:] == [
        *("-m", "waitress", "--listen=127.0.0.1:8000", "--call", "factory:create_app")
    ]


def test_windows_interpreters_get_waitress() -> None:
    assert production_server("C:\\proj\\.venv\\Scripts\\python.exe") == "waitress"
    assert production_server("/proj/.venv/bin/python") == "gunicorn"


@pytest.mark.parametrize(
    ("interpreter", "mode", "message"),
    [
        (None, "dev", "No Python interpreter"),
        ("/nonexistent/bin/python", "dev", "No Python interpreter"),
        (sys.executable, "uwsgi", "unknown run mode"),
    ],
)
def test_refusals_say_why(tmp_path: Path, interpreter: str | None, mode: str, message: str) -> None:
    write_tree(tmp_path, {"app.py": APP})
    with pytest.raises(RunCommandError, match=message):
        build_run_command(Project(tmp_path), "app.py", "app", mode, None, interpreter)
