"""Scope: which code runs when the app starts, and how that decides DEP005/DEP006/DEP007/APP001.

Real interpreters are the oracles: importing what the server imports in a venv that has Flask
and nothing else fails exactly where an error is reported.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from flask_preflight.analysis.app_scope import app_scope, module_scope
from flask_preflight.analysis.import_sites import import_sites
from flask_preflight.analysis.model import Finding, Severity
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import run_checks
from flask_preflight.analysis.requirements import declared_requirements
from tests.conftest import write_tree
from tests.venvs import make_venv, venv_python


def flask3() -> str:
    return str(venv_python(make_venv("flask", ["flask==3.1.3"])))


def findings(root: Path, rule: str, python: str | None = None) -> list[Finding]:
    project = Project(
        root, interpreter=python or flask3(), settings={"interpreter_source": "explicit"}
    )
    return run_checks(project, select={rule})


def imports_cleanly(python: str, root: Path, statement: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    return subprocess.run(
        [python, "-c", statement], capture_output=True, text=True, timeout=120, cwd=root, env=env
    )


FACTORY = """\
from flask import Flask
from . import views


def create_app():
    app = Flask(__name__)
    app.register_blueprint(views.bp)
    return app
"""

LAYOUT = {
    "shop/__init__.py": FACTORY,
    "shop/views.py": "from flask import Blueprint\nfrom .helpers import fmt\nbp = Blueprint('v', __name__)\n",
    "shop/helpers.py": "def fmt(x):\n    return x\n",
    "shop/unused.py": "import os\n",
    "wsgi.py": "from shop import create_app\napp = create_app()\n",
    "tests/test_views.py": "from shop import create_app\n",
    "conftest.py": "import pytest\n",
    "docs/conf.py": "project = 'shop'\n",
    "setup.py": "from setuptools import setup\nsetup()\n",
    "migrations/env.py": "from shop import create_app\n",
    "scripts/seed.py": "from shop import create_app\napp = create_app()\n",
}


def test_app_code_is_what_the_app_definitions_and_entry_points_import(tmp_path: Path) -> None:
    root = write_tree(tmp_path, LAYOUT)
    project = Project(root)
    scope = app_scope(project)
    assert scope.roots == {"shop/__init__.py", "wsgi.py"}
    assert scope.app == {"shop/__init__.py", "shop/views.py", "shop/helpers.py", "wsgi.py"}
    expected = {
        "shop/unused.py": "scripts",
        "tests/test_views.py": "tests",
        "conftest.py": "tests",
        "docs/conf.py": "docs",
        "setup.py": "setup",
        "migrations/env.py": "migrations",
        # builds the app to seed a database: neither a launcher nor a module a server finds
        "scripts/seed.py": "scripts",
    }
    assert {path: module_scope(project, path) for path in expected} == expected


def test_a_declared_target_is_app_code_even_when_its_app_is_not_recognised(
    tmp_path: Path,
) -> None:
    root = write_tree(
        tmp_path,
        {
            "Procfile": "web: gunicorn server:application\n",
            "server.py": "from lib.factory import build\napplication = build()\n",
            "lib/__init__.py": "",
            "lib/factory.py": "import lib.extra\n\ndef build():\n    return object()\n",
            "lib/extra.py": "",
            "other.py": "",
        },
    )
    scope = app_scope(Project(root))
    assert scope.app == {"server.py", "lib/__init__.py", "lib/factory.py", "lib/extra.py"}
    assert scope.scope_of(Project(root), "other.py") == "scripts"


def test_with_no_app_found_nothing_is_called_app_code(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"lib.py": "import os\n", "tests/test_lib.py": ""})
    project = Project(root)
    assert module_scope(project, "lib.py") == "unknown"
    assert module_scope(project, "tests/test_lib.py") == "tests"


# --- DEP005: severity by scope and by when the import runs -------------------------------------

APP_WITH_IMPORTS = """\
import os
from flask import Flask
import missing_at_start
from .helpers import fmt

if os.environ.get("PROFILE"):
    import missing_profiler

app = Flask(__name__)


def export():
    import missing_in_function
    return missing_in_function
"""


def test_dep005_is_an_error_only_where_the_app_fails_at_start(tmp_path: Path) -> None:
    python = flask3()
    root = write_tree(
        tmp_path,
        {
            "web/__init__.py": APP_WITH_IMPORTS,
            "web/helpers.py": "import missing_at_start\n\ndef fmt(x):\n    return x\n",
            "web/other.py": "import missing_at_start\n",
            "tests/test_web.py": "import missing_test_tool\nimport missing_at_start\n",
            "tools/report.py": "import missing_script_dep\n",
        },
    )
    found = {f.data["module"]: f for f in findings(root, "DEP005", python)}
    assert set(found) == {
        "missing_at_start",
        "missing_profiler",
        "missing_in_function",
        "missing_test_tool",
        "missing_script_dep",
    }
    start = found["missing_at_start"]
    assert (start.severity, start.path, start.range.start.line) == (
        Severity.ERROR,
        "web/__init__.py",
        2,
    )
    assert "the app fails at start" in start.message
    # once per module: the other sites are data, in a stable order
    assert "imported in 4 files" in start.message
    assert [s["path"] for s in start.data["sites"]] == [
        "web/__init__.py",
        "web/helpers.py",
        "tests/test_web.py",
        "web/other.py",
    ]
    assert start.data["scope"] == "app" and start.data["requirement"] is None
    assert found["missing_in_function"].severity is Severity.WARNING
    assert found["missing_profiler"].severity is Severity.HINT
    assert "only when its `if` holds" in found["missing_profiler"].message
    for module in ("missing_test_tool", "missing_script_dep"):
        assert found[module].severity is Severity.HINT, module
    assert found["missing_test_tool"].data["scope"] == "tests"
    assert found["missing_script_dep"].data["scope"] == "scripts"
    # the oracle: importing the app fails, and it is the module-level import that fails
    result = imports_cleanly(python, root, "import web")
    assert result.returncode != 0
    assert "No module named 'missing_at_start'" in result.stderr
    # ... the profiler import is skipped when the flag is not set
    patched = APP_WITH_IMPORTS.replace("import missing_at_start\n", "")
    (root / "web/__init__.py").write_text(patched)
    (root / "web/helpers.py").write_text("def fmt(x):\n    return x\n")
    assert imports_cleanly(python, root, "import web").returncode == 0


def test_dep005_dev_requirements_get_their_own_message_and_never_the_runtime_file(
    tmp_path: Path,
) -> None:
    root = write_tree(
        tmp_path,
        {
            "requirements.txt": "flask==3.1.3\n",
            "requirements-dev.txt": "-r requirements.txt\nmissing-declared-tool\n",
            "app.py": "from flask import Flask\nimport missing_dev_only\napp = Flask(__name__)\n",
            "tests/test_app.py": "import missing_declared_tool\nimport missing_undeclared\n",
            "requirements/docs.txt": "missing-dev-only\n",
        },
    )
    found = {f.data["module"]: f for f in findings(root, "DEP005")}
    declared = found["missing_declared_tool"]
    assert declared.severity is Severity.HINT
    assert "declared in requirements-dev.txt (the dev requirements) but not installed" in (
        declared.message
    )
    assert declared.data["requirement_scope"] == "dev"
    assert declared.fixes and "requirements-dev.txt" in declared.fixes[0].title
    undeclared = found["missing_undeclared"]
    assert "add it to requirements-dev.txt (not to the app's requirements)" in undeclared.message
    # the app imports something only a docs file declares: production will not have it
    app_import = found["missing_dev_only"]
    assert app_import.severity is Severity.ERROR
    assert "declared only in requirements/docs.txt" in app_import.message
    assert "add it to requirements.txt" in app_import.message


def test_dev_and_test_requirement_sources_are_not_runtime(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "requirements.txt": "flask\n",
            "requirements/dev.txt": "black\n",
            "dev-requirements.txt": "pytest\n",
            "pyproject.toml": "[project]\nname='x'\nversion='1'\ndependencies=['flask']\n"
            "[project.optional-dependencies]\ntest=['coverage']\nredis=['redis']\n"
            "[dependency-groups]\nlint=['ruff']\n"
            "[tool.poetry.group.dev.dependencies]\nmypy='^1.0'\n",
            "Pipfile": '[packages]\nrequests = "*"\n\n[dev-packages]\nfreezegun = "*"\n',
        },
    )
    declared = declared_requirements(Project(root))
    scopes = {(r.name, r.path): (r.scope, r.primary) for r in declared.requirements}
    assert scopes[("black", "requirements/dev.txt")] == ("dev", False)
    assert scopes[("pytest", "dev-requirements.txt")] == ("dev", False)
    assert scopes[("coverage", "pyproject.toml")] == ("dev", False)
    assert scopes[("redis", "pyproject.toml")] == ("optional", False)
    assert scopes[("ruff", "pyproject.toml")] == ("dev", False)
    assert scopes[("mypy", "pyproject.toml")] == ("dev", False)
    assert scopes[("freezegun", "Pipfile")] == ("dev", False)
    assert scopes[("requests", "Pipfile")] == ("runtime", False)
    assert scopes[("flask", "requirements.txt")] == ("runtime", True)
    # DEP001 judges the runtime requirements only: none of the dev tools is reported
    reported = {f.data["distribution"] for f in findings(root, "DEP001")}
    assert reported == set()


# --- version conditionals --------------------------------------------------------------------

COMPAT = """\
import sys
PY2 = sys.version_info < (3,)
PYTHON_VERSION = sys.version_info[0]
"""

VERSIONED = """\
import sys
from .compat import PY2, PYTHON_VERSION
PY3 = sys.version_info[0] == 3
if PY3:
    import missing_py3_dep
else:
    import urllib2
if PY2:
    import ConfigParser
if PYTHON_VERSION == 2:
    import cPickle
elif sys.version_info >= (3, 99):
    import future_dep
else:
    import missing_modern_dep
"""


def test_version_aliases_are_evaluated_for_the_target_python(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path, {"pkg/__init__.py": "", "pkg/compat.py": COMPAT, "pkg/mod.py": VERSIONED}
    )
    project = Project(root)
    module = project.module("pkg/mod.py")
    assert module is not None
    tops = {site.top for site in import_sites(project, module, (3, 11, 2))}
    assert tops >= {"missing_py3_dep", "missing_modern_dep"}
    assert not tops & {"urllib2", "ConfigParser", "cPickle", "future_dep"}
    # on Python 2 the other branches are the ones that run
    old = {site.top for site in import_sites(project, module, (2, 7, 18))}
    assert {"urllib2", "ConfigParser", "cPickle"} <= old
    assert not old & {"missing_py3_dep", "missing_modern_dep"}


# --- APP001 --------------------------------------------------------------------------------------

UNGUARDED = "from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n"


def test_app001_is_a_hint_on_a_launcher_nothing_imports(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"serve.py": UNGUARDED})
    (alone,) = run_checks(Project(root), select={"APP001"})
    assert alone.severity is Severity.HINT and "only `python serve.py` runs it" in alone.message
    (root / "wsgi.py").write_text("from serve import app\n")
    (imported,) = run_checks(Project(root), select={"APP001"})
    assert imported.severity is Severity.WARNING
    (root / "wsgi.py").unlink()
    (root / "Procfile").write_text("web: gunicorn serve:app\n")
    (named,) = run_checks(Project(root), select={"APP001"})
    assert named.severity is Severity.WARNING


# --- DEP006 --------------------------------------------------------------------------------------

SPHINX_CONF = """\
# docs for a flask extension
def setup(app):
    app.env.note = 1
    app.json_encoder = None
"""

FLASK_ENV_USES = """\
import flask
from flask import Flask, current_app


def create_app():
    app = Flask(__name__)
    app.json_encoder = None
    return app


def view():
    return current_app.env


def plugin(app):
    return app.env
"""


def test_dep006_only_for_receivers_that_are_flask_apps(tmp_path: Path) -> None:
    python = flask3()
    root = write_tree(tmp_path, {"docs/conf.py": SPHINX_CONF, "factory.py": FLASK_ENV_USES})
    found = findings(root, "DEP006", python)
    assert [(f.path, f.range.start.line, f.data["api"]) for f in found] == [
        ("factory.py", 6, "app.json_encoder"),
        ("factory.py", 11, "current_app.env"),
    ]
    # the oracle: the real Flask object lacks it
    result = imports_cleanly(python, root, "import flask; flask.Flask('x').env")
    assert result.returncode != 0 and "AttributeError" in result.stderr


# --- DEP007 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dotenv", "app_code", "reported"),
    [
        ("POSTGRES_PASSWORD=x\nPOSTGRES_DB=y\n", "", False),  # compose substitution only
        ("FLASK_DEBUG=1\n", "", True),
        ("SECRET_KEY=s\n", "import os\nKEY = os.environ.get('SECRET_KEY')\n", True),
        ("MYAPP_MODE=a\n", "", False),
        ("MYAPP_MODE=a\n", "app.config.from_prefixed_env('MYAPP')\n", True),
    ],
)
def test_dep007_only_for_a_dotenv_flask_or_the_app_reads(
    tmp_path: Path, dotenv: str, app_code: str, reported: bool
) -> None:
    root = write_tree(
        tmp_path,
        {
            ".env": dotenv,
            "docker-compose.yml": "services:\n  db:\n    image: postgres\n"
            "    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n",
            "app.py": "from flask import Flask\napp = Flask(__name__)\n" + app_code,
            "requirements.txt": "flask\n",
        },
    )
    assert bool(findings(root, "DEP007")) is reported


def test_dep005_undeclared_module_with_requirements_not_installed_yet(tmp_path: Path) -> None:
    """alembic comes with Flask-Migrate: with the requirements not installed, say install
    them first, and never send a migration's import to the dev requirements."""
    root = write_tree(
        tmp_path,
        {
            "requirements.txt": "flask==3.1.3\nflask-migrate-not-installed\n",
            "requirements-dev.txt": "pytest\n",
            "app.py": "from flask import Flask\napp = Flask(__name__)\n",
            "migrations/env.py": "from alembic import context\n",
        },
    )
    (found,) = findings(root, "DEP005")
    assert found.data["scope"] == "migrations" and found.severity is Severity.HINT
    assert "the requirements are not installed yet: install them first" in found.message
    assert "requirements-dev.txt" not in found.message


def test_scope_and_version_aliases_follow_edits(tmp_path: Path) -> None:
    """Kept per module for the language server: an edit to the compat module or to an import
    is seen on the next run, without re-reading the untouched modules."""
    root = write_tree(
        tmp_path,
        {
            "compat.py": "import sys\nPY2 = sys.version_info[0] == 2\n",
            "mod.py": "from compat import PY2\nif PY2:\n    import only_on_two\n",
            "app.py": "from flask import Flask\napp = Flask(__name__)\n",
            "extra.py": "",
        },
    )
    project = Project(root)
    module = project.module("mod.py")
    assert module is not None
    assert "only_on_two" not in {s.top for s in import_sites(project, module, (3, 11, 0))}
    project.set_override("compat.py", "import sys\nPY2 = sys.version_info[0] == 3\n")
    module = project.module("mod.py")
    assert module is not None
    assert "only_on_two" in {s.top for s in import_sites(project, module, (3, 11, 0))}
    assert module_scope(project, "extra.py") == "scripts"
    project.set_override("app.py", "import extra\n" + (root / "app.py").read_text())
    assert module_scope(project, "extra.py") == "app"


def test_a_star_import_of_a_package_reaches_the_submodules_in_its_all(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "web/__init__.py": "from flask import Flask\napp = Flask(__name__)\n"
            "from web.views import *\n",
            "web/views/__init__.py": "__all__ = ['base']\n",
            "web/views/base.py": "",
            "web/views/unlisted.py": "",
        },
    )
    scope = app_scope(Project(root))
    assert "web/views/base.py" in scope.app
    assert "web/views/unlisted.py" not in scope.app


def test_a_requirement_whose_marker_does_not_hold_is_not_missing(tmp_path: Path) -> None:
    """`enum34; python_version < '3.4'` is not for this Python: the requirements are
    installed, so an undeclared test import is sent to the dev requirements, not told to wait
    for an install."""
    root = write_tree(
        tmp_path,
        {
            "requirements.txt": "flask\nenum34; python_version < '3.4'\n",
            "requirements-dev.txt": "pytest\n",
            "app.py": "from flask import Flask\napp = Flask(__name__)\n",
            "tests/test_app.py": "import responses_lib_nobody_has\n",
        },
    )
    [finding] = findings(root, "DEP005")
    assert "not installed yet" not in finding.message, finding.message
    assert "requirements-dev.txt (not to the app's requirements)" in finding.message
    # And a requirement whose marker holds and is missing is what the wait is for.
    (root / "requirements.txt").write_text("flask\nenum34; python_version >= '3.4'\n")
    [finding] = findings(root, "DEP005")
    assert "the requirements are not installed yet" in finding.message


def test_a_dev_package_imported_only_on_a_debug_path_stays_a_dev_requirement(
    tmp_path: Path,
) -> None:
    """The app imports a debug toolbar only when FLASK_DEBUG is set: it starts without it in
    production, so the advice is to install the dev requirements, never to move the toolbar
    into the runtime requirements."""
    app = (
        "import os\nfrom flask import Flask\n\n\ndef create_app():\n"
        "    app = Flask(__name__)\n"
        "    if os.environ.get('FLASK_DEBUG'):\n"
        "        from flask_debugtoolbar import DebugToolbarExtension\n"
        "        DebugToolbarExtension(app)\n"
        "    return app\n"
    )
    files = {
        "requirements.txt": "flask\n",
        "requirements-dev.txt": "flask-debugtoolbar\n",
        "shop.py": app,
        "wsgi.py": "from shop import create_app\napp = create_app()\n",
    }
    root = write_tree(tmp_path, files)
    [finding] = findings(root, "DEP005")
    assert finding.severity != Severity.ERROR
    assert "install the dev requirements" in finding.message, finding.message
    assert "add it to requirements.txt" not in finding.message
    # At module level the app needs it to start: then it belongs in the runtime requirements.
    (root / "shop.py").write_text("from flask_debugtoolbar import DebugToolbarExtension\n" + app)
    [finding] = findings(root, "DEP005")
    assert finding.severity == Severity.ERROR
    assert "which a production install does not read: add it to requirements.txt" in finding.message


def test_a_test_import_is_found_under_its_distribution_name(tmp_path: Path) -> None:
    """`import factory` is provided by factory-boy: declared in the dev requirements, it is
    "install the dev requirements", not "not declared"."""
    root = write_tree(
        tmp_path,
        {
            "requirements.txt": "flask\n",
            "requirements-dev.txt": "factory-boy\n",
            "app.py": "from flask import Flask\napp = Flask(__name__)\n",
            "tests/factories.py": "import factory\n",
        },
    )
    [finding] = findings(root, "DEP005")
    assert "`factory-boy` is declared in requirements-dev.txt" in finding.message, finding.message


def test_a_subfolder_with_its_own_requirements_is_another_environment(tmp_path: Path) -> None:
    """A tool under contrib/ with its own requirements.txt (its Dockerfile installs that
    file) is not judged against the app's interpreter: a hint naming its file, never "the app
    fails at start"."""
    files = {
        "requirements.txt": "flask\n",
        "app.py": "from flask import Flask\napp = Flask(__name__)\n",
        "contrib/tool/requirements.txt": "some-tool-only-dependency\n",
        "contrib/tool/main.py": "import some_tool_only_dependency\n",
        "contrib/tool/Dockerfile": "FROM python:3.12\nCOPY . .\n"
        'RUN pip install -r requirements.txt\nCMD ["python", "main.py"]\n',
    }
    root = write_tree(tmp_path, files)
    [finding] = findings(root, "DEP005")
    assert finding.severity == Severity.HINT
    assert "contrib/tool/ has an environment of its own" in finding.message
    assert "`some-tool-only-dependency` is declared in contrib/tool/requirements.txt" in (
        finding.message
    )
    # Not named there (it may come with another requirement of the tool): still its own.
    (root / "contrib/tool/requirements.txt").write_text("something-else\n")
    [finding] = findings(root, "DEP005")
    assert finding.severity == Severity.HINT
    assert "contrib/tool/requirements.txt does not name" in finding.message
    # The app's own code importing it too: judged at the app's site, as usual.
    (root / "app.py").write_text("import some_tool_only_dependency\n" + files["app.py"])
    [finding] = findings(root, "DEP005")
    assert finding.path == "app.py" and finding.severity == Severity.ERROR
    assert "environment of its own" not in finding.message
    # Without root requirements the subfolder is the project's own (api/requirements.txt).
    (root / "requirements.txt").unlink()
    (root / "app.py").write_text(files["app.py"])
    [finding] = findings(root, "DEP005")
    assert "environment of its own" not in finding.message
