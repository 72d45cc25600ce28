"""The oracle matrix for DEP009: real venvs (broken on purpose with `no_deps`) and the app that
imports from them. Each case's real `python -c "import app"` outcome is the oracle.

Running this file builds every venv (they are cached), so a first test run does not wait.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.test_dependencies import TABLE_CASES
from tests.venvs import make_venv, venv_python

FLASK_112 = ["Flask==1.1.2", "itsdangerous==1.1.0", "click==7.1.2"]


@dataclass(frozen=True)
class Case:
    id: str
    venv: str
    requirements: tuple[str, ...]
    no_deps: tuple[str, ...]
    app: str
    broken: bool
    python: str | None = None  # "3.9": a pyenv-style `python3.9` on PATH
    files: dict[str, str] = field(default_factory=dict, hash=False)

    def interpreter(self) -> Path:
        base = sys.executable if self.python is None else find_python(self.python)
        venv = make_venv(
            self.venv, list(self.requirements), no_deps=list(self.no_deps), python=base
        )
        return venv_python(venv)


def find_python(version: str) -> str:
    """A working `pythonX.Y`: on PATH, else one that pyenv has installed but not activated."""
    found = shutil.which(f"python{version}")
    if found and subprocess.run([found, "-c", "pass"], capture_output=True).returncode == 0:
        return found
    pyenv = shutil.which("pyenv")
    assert pyenv is not None, f"no python{version} on this machine"
    listed = subprocess.run([pyenv, "versions", "--bare"], capture_output=True, text=True)
    for name in reversed(listed.stdout.split()):
        if name.startswith(f"{version}."):
            prefix = subprocess.run([pyenv, "prefix", name], capture_output=True, text=True)
            candidate = Path(prefix.stdout.strip()) / "bin" / f"python{version}"
            if candidate.exists():
                return str(candidate)
    raise AssertionError(f"no python{version} on this machine")


def _table_cases() -> list[Case]:
    cases = []
    for name, requirements, no_deps, module, _other in TABLE_CASES:
        if ";" in module:  # fails when called, not at import: not a start-up import failure
            continue
        cases.append(
            Case(
                f"table-{name}",
                name,
                tuple(requirements),
                tuple(no_deps),
                f"import {module}\n",
                True,
            )
        )
    return cases


FLASK3 = ("flask==3.1.3",)

CASES: list[Case] = [
    *_table_cases(),
    Case(
        "flask203-werkzeug3",
        "flask203-wz3",
        ("Flask==2.0.3",),
        (),
        "from flask import Flask\napp = Flask(__name__)\n",
        True,
    ),
    Case(
        "app-imports-removed-name",
        "flask",
        FLASK3,
        (),
        "import os\nfrom flask import escape\n",
        True,
    ),
    Case(
        "app-module-level-attribute",
        "flask",
        FLASK3,
        (),
        "import werkzeug.urls\nquote = werkzeug.urls.url_quote\n",
        True,
    ),
    Case(
        "transitive-login-flask-jinja",
        "li-login050-flask112-jinja31",
        (),
        (*FLASK_112, "Werkzeug==1.0.1", "Jinja2==3.1.2", "MarkupSafe==2.1.3", "Flask-Login==0.5.0"),
        "from flask_login import LoginManager\n",
        True,
    ),
    Case(
        "flask-script-on-flask3",
        "li-script206-flask3",
        FLASK3,
        ("Flask-Script==2.0.6",),
        "from flask import Flask\nfrom flask_script import Manager\n",
        True,
    ),
    Case(
        "toolbelt-on-urllib3-2",
        "li-toolbelt091-urllib3-2",
        ("requests==2.31.0", "urllib3==2.0.7"),
        ("requests-toolbelt==0.9.1",),
        "import requests_toolbelt\n",
        True,
    ),
    Case(
        "old-requests-on-3.11",
        "li-requests218",
        (),
        (
            "requests==2.18.4",
            "urllib3==1.22",
            "chardet==3.0.4",
            "idna==2.6",
            "certifi==2017.11.5",
        ),
        "import requests\n",
        True,
        python="3.11",
    ),
    Case(
        "restplus-on-werkzeug-2",
        "li-restplus013-wz2",
        ("flask-restplus==0.13.0", "Flask==2.0.3", "Werkzeug==2.0.3"),
        (),
        "from flask_restplus import Api\n",
        True,
    ),
    Case(
        # `from inspect import getargspec` at module level: the name Python 3.11 removed
        "parsimonious-on-3.11",
        "li-parsimonious081",
        ("parsimonious==0.8.1",),
        (),
        "from parsimonious import Grammar\n",
        True,
        python="3.11",
    ),
    # --- working ---------------------------------------------------------------------------
    Case(
        "flask3-app",
        "flask",
        FLASK3,
        (),
        "from flask import Flask, jsonify\nimport flask.json.provider\napp = Flask(__name__)\n",
        False,
    ),
    Case(
        "flask3-fallback",
        "flask",
        FLASK3,
        (),
        "try:\n    from flask import escape\nexcept ImportError:\n"
        "    from markupsafe import escape\n",
        False,
    ),
    Case(
        "flask3-import-inside-function",
        "flask",
        FLASK3,
        (),
        "def later():\n    from flask import escape\n",
        False,
    ),
    Case(
        "current-extensions",
        "li-extensions-current",
        ("flask==3.1.3", "Flask-Login==0.6.3", "Flask-WTF==1.2.1", "Flask-SQLAlchemy==3.1.1"),
        (),
        "import flask_login, flask_wtf, flask_sqlalchemy\n",
        False,
    ),
    Case(
        "old-requests-on-3.9",
        "li-requests218",
        (),
        (
            "requests==2.18.4",
            "urllib3==1.22",
            "chardet==3.0.4",
            "idna==2.6",
            "certifi==2017.11.5",
        ),
        "import requests\n",
        False,
        python="3.9",
    ),
    Case(
        "parsimonious-on-3.9",
        "li-parsimonious081",
        ("parsimonious==0.8.1",),
        (),
        "from parsimonious import Grammar\n",
        False,
        python="3.9",
    ),
    Case(
        "toolbelt-1-on-urllib3-2",
        "li-toolbelt1-urllib3-2",
        ("requests==2.31.0", "urllib3==2.0.7", "requests-toolbelt==1.0.0"),
        (),
        "import requests_toolbelt\n",
        False,
    ),
    Case(
        "flask-sqlalchemy-301",
        "p-fsa301-sa2",
        ("Flask==2.2.5", "Werkzeug==2.2.3", "SQLAlchemy==2.0.23"),
        ("Flask-SQLAlchemy==3.0.1",),
        "import flask_sqlalchemy\n",
        False,
    ),
    Case(
        "jinja2-with-old-markupsafe",
        "li-jinja2113-ms201",
        (),
        ("Jinja2==2.11.3", "MarkupSafe==2.0.1"),
        "import jinja2\n",
        False,
    ),
    Case(
        "flask3-on-3.13",
        "li-flask3",
        FLASK3,
        (),
        "from flask import Flask\napp = Flask(__name__)\n",
        False,
        python="3.13",
    ),
    Case(
        "restplus-env-plain-flask",
        "li-restplus013-wz2",
        ("flask-restplus==0.13.0", "Flask==2.0.3", "Werkzeug==2.0.3"),
        (),
        "from flask import Flask\n",
        False,
    ),
]


if __name__ == "__main__":
    for case in CASES:
        print(case.id, case.interpreter(), flush=True)
