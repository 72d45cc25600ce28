"""A workspace whose code leaves a marker file behind if anything runs it: the proof that
Flask Preflight never imports or executes the project (README: "it never imports or runs your
code"). Used by tests/test_never_runs_code.py (CLI) and tests/lsp/test_never_runs_code.py."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_tree


def _writes(marker: Path) -> str:
    return f"open({str(marker)!r}, 'w').close()\n"


def plant_side_effects(root: Path, markers: Path) -> dict[str, Path]:
    """Write a project whose app module, gunicorn.conf.py and setup.py each create their own
    marker in `markers` when run or imported; return {file: its marker}."""
    markers.mkdir(parents=True, exist_ok=True)
    planted = {
        "app.py": markers / "app-module-ran",
        "gunicorn.conf.py": markers / "gunicorn-conf-ran",
        "setup.py": markers / "setup-py-ran",
        "pkg/__init__.py": markers / "package-imported",
    }
    write_tree(
        root,
        {
            "app.py": (
                "from flask import Flask\n"
                + _writes(planted["app.py"])
                + "app = Flask(__name__)\napp.run()\n"
            ),
            "gunicorn.conf.py": _writes(planted["gunicorn.conf.py"])
            + 'wsgi_app = "app:app"\nbind = "127.0.0.1:8000"\n',
            "setup.py": _writes(planted["setup.py"])
            + "from setuptools import setup\nsetup(name='demo', install_requires=['flask'])\n",
            "pkg/__init__.py": _writes(planted["pkg/__init__.py"])
            + "from flask import Flask\ndef create_app():\n    return Flask(__name__)\n",
            "Procfile": "web: gunicorn 'pkg:create_app()'\nworker: python setup.py\n",
            "Dockerfile": 'FROM python:3.12\nCOPY . .\nCMD ["gunicorn", "-c", "gunicorn.conf.py"]\n',
            ".flaskenv": "FLASK_APP=app.py\n",
            "requirements.txt": "flask\ngunicorn\n",
            "pyproject.toml": '[project]\nname = "demo"\ndynamic = ["dependencies"]\n',
        },
    )
    return planted


def ran(planted: dict[str, Path]) -> list[str]:
    return [name for name, marker in planted.items() if marker.exists()]
