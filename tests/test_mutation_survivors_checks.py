"""Tests for mutants of analysis/checks that survived a sampled `make mutate` run: each asserts
what a user sees (a finding's presence, its message, a fix's edit) that the mutation changed.
Every one was checked by running it against its mutant (mutmut's MUTANT_UNDER_TEST)."""

from __future__ import annotations

import os
from pathlib import Path
from unittest import mock

import pytest

from flask_preflight.analysis.edits import apply_edits
from flask_preflight.analysis.model import Finding
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import run_checks
from tests.conftest import write_tree
from tests.test_mutation_survivors import fake_venv

APP = "from flask import Flask\n\napp = Flask(__name__)\n"


def findings(root: Path, rule: str, interpreter: str | None = None) -> list[Finding]:
    return [
        f
        for f in run_checks(Project(root, interpreter=interpreter), select={rule})
        if f.rule == rule
    ]


def applied(root: Path, finding: Finding, index: int = 0) -> dict[str, str]:
    """The files the fix changes, with the fix applied."""
    fix = finding.fixes[index]
    result = {}
    for path in {edit.path for edit in fix.edits}:
        file = root / path
        text = file.read_text(encoding="utf-8") if file.exists() else ""
        result[path] = apply_edits(text, [e for e in fix.edits if e.path == path])
    return result


# --- APP005 (checks/debug_mode) -----------------------------------------------------------------

GUARDED_DEBUG = APP + '\nif __name__ == "__main__":\n    app.run(debug=True)\n'
LAUNCH_APP_PY = (
    '{"configurations": [{"type": "debugpy", "request": "launch", "program": "app.py"}]}\n'
)


def test_app005_a_local_launch_of_the_script_is_not_a_deployment(tmp_path: Path) -> None:
    """Production runs gunicorn (the guard never runs there); VS Code runs `python app.py`
    locally: the guarded debug=True reaches no deployment."""
    write_tree(
        tmp_path,
        {
            "app.py": GUARDED_DEBUG,
            ".vscode/launch.json": LAUNCH_APP_PY,
            "Procfile": "web: gunicorn app:app\n",
        },
    )
    assert findings(tmp_path, "APP005") == []


def test_app005_a_container_running_python_m_runs_the_guard(tmp_path: Path) -> None:
    """A Dockerfile running `python -m app` runs the guarded app.run(debug=True) in
    production, even when a local launch configuration is read first."""
    write_tree(
        tmp_path,
        {
            "app.py": GUARDED_DEBUG,
            ".vscode/launch.json": LAUNCH_APP_PY,
            "Procfile": "web: gunicorn app:app\n",
            "Dockerfile": 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD ["python", "-m", "app"]\n',
        },
    )
    [finding] = findings(tmp_path, "APP005")
    assert finding.message.startswith("debug=True is hard-coded, and Dockerfile deploys")


def test_app005_fix_reuses_an_existing_import_os(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": "import os\nfrom flask import Flask\n\napp = Flask(__name__)\n"
            "app.run(debug=True)\n",
            "Procfile": "web: gunicorn app:app\n",
        },
    )
    [finding] = findings(tmp_path, "APP005")
    assert applied(tmp_path, finding)["app.py"] == (
        "import os\nfrom flask import Flask\n\napp = Flask(__name__)\n"
        'app.run(debug=os.environ.get("FLASK_DEBUG") == "1")\n'
    )


def test_app005_fix_adds_import_os_when_os_is_imported_under_another_name(
    tmp_path: Path,
) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": "import os as system\nfrom flask import Flask\n\napp = Flask(__name__)\n"
            "app.run(debug=True)\n",
            "Procfile": "web: gunicorn app:app\n",
        },
    )
    [finding] = findings(tmp_path, "APP005")
    assert applied(tmp_path, finding)["app.py"].startswith("import os\nimport os as system\n")


def test_app005_ignores_a_debug_key_of_another_app_attribute(tmp_path: Path) -> None:
    """`app.config["DEBUG"] = True` is debug mode; `app.extensions["DEBUG"] = True` is not."""
    write_tree(
        tmp_path,
        {
            "app.py": APP + 'app.extensions["DEBUG"] = True\n',
            "Procfile": "web: gunicorn app:app\n",
        },
    )
    assert findings(tmp_path, "APP005") == []
    write_tree(tmp_path, {"app.py": APP + 'app.config["DEBUG"] = True\n'})
    [finding] = findings(tmp_path, "APP005")
    assert finding.message.startswith("Debug mode is switched on in code, and Procfile deploys")


# --- SRV008 (checks/servers) ----------------------------------------------------------------------


def test_srv008_names_the_host_a_python_web_process_listens_on(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": APP + '\nif __name__ == "__main__":\n    app.run(host="0.0.0.0")\n',
            "Procfile": "web: python app.py\n",
        },
    )
    [finding] = findings(tmp_path, "SRV008")
    assert finding.message.startswith("The `web` process listens on 0.0.0.0:5000, not on $PORT")


def test_srv008_a_digitalocean_spec_routes_its_http_port(tmp_path: Path) -> None:
    """`.do/app.yaml` with its services under `spec:` routes to each http_port."""
    files = {
        "app.py": APP,
        "Procfile": "web: gunicorn --bind 0.0.0.0:8000 app:app\n",
    }
    write_tree(tmp_path, files)
    assert len(findings(tmp_path, "SRV008")) == 1
    write_tree(
        tmp_path, {".do/app.yaml": "spec:\n  services:\n  - name: web\n    http_port: 8000\n"}
    )
    assert findings(tmp_path, "SRV008") == []


# --- SRV009 (checks/servers) ----------------------------------------------------------------------


def test_srv009_a_windows_interpreter_is_known_by_its_exe(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: gunicorn app:app\n"})
    windows = "/mnt/c/Python311/python.exe"
    [finding] = findings(tmp_path, "SRV009", windows)
    # No requirements file yet: the fix creates one.
    assert applied(tmp_path, finding) == {"requirements.txt": "waitress\n"}
    assert findings(tmp_path, "SRV009", "/usr/bin/python3") == []


# --- SRV010 (checks/servers) ----------------------------------------------------------------------

FLASKENV = "FLASK_ENV=development\n"


def test_srv010_an_old_flask_pinned_in_a_requirements_in_file_keeps_flask_env(
    tmp_path: Path,
) -> None:
    write_tree(tmp_path, {"app.py": APP, ".flaskenv": FLASKENV})
    assert len(findings(tmp_path, "SRV010")) == 1
    write_tree(tmp_path, {"api/requirements.in": "flask==2.2.5\n"})
    assert findings(tmp_path, "SRV010") == []


def test_srv010_a_flask_3_pin_in_a_subfolder_is_not_old(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"app.py": APP, ".flaskenv": FLASKENV, "api/requirements.txt": "flask==3.0.3\n"},
    )
    assert len(findings(tmp_path, "SRV010")) == 1


def test_srv010_a_lower_bound_admitting_flask_3_ignores_flask_env(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, ".flaskenv": FLASKENV, "requirements.txt": "flask>=2.0\n"})
    assert len(findings(tmp_path, "SRV010")) == 1
    write_tree(tmp_path, {"requirements.txt": "flask<2.3\n"})
    assert findings(tmp_path, "SRV010") == []


def test_srv010_code_mentioning_flask_env_without_reading_it_does_not_silence(
    tmp_path: Path,
) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": "import os\nfrom flask import Flask\n\n# FLASK_ENV is gone since Flask 2.3\n"
            'app = Flask(__name__)\napp.secret_key = os.environ["SECRET_KEY"]\n',
            ".flaskenv": FLASKENV,
        },
    )
    assert len(findings(tmp_path, "SRV010")) == 1
    write_tree(
        tmp_path,
        {"app.py": APP + 'import os\nMODE = os.environ["FLASK_ENV"]\n'},
    )
    assert findings(tmp_path, "SRV010") == []


# --- APP006 (checks/shadowing) --------------------------------------------------------------------


def test_app006_a_project_whose_own_name_differs_still_gets_the_shadow(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "flask-shop.web"\n',
            "app.py": APP,
            "flask.py": "x = 1\n",
        },
    )
    assert [f.path for f in findings(tmp_path, "APP006")] == ["flask.py"]
    write_tree(tmp_path, {"pyproject.toml": '[project]\nname = "Flask"\n'})
    assert findings(tmp_path, "APP006") == []


# --- APP001 and APP003 (checks/main_guard) ------------------------------------------------------


def test_app001_says_why_an_unguarded_run_blocks_and_moves_it_into_the_guard(
    tmp_path: Path,
) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": APP + "app.run()\n\n"
            'if __name__ == "__main__":\n    print("starting")\nelse:\n    print("imported")\n',
            "Procfile": "web: gunicorn app:app\n",
        },
    )
    [finding] = findings(tmp_path, "APP001")
    assert finding.severity.name == "WARNING"
    assert "app.run()" in finding.message and "Nothing imports this module" not in finding.message
    [move] = [f for f in finding.fixes if f.title.startswith("Move into")]
    assert applied(tmp_path, finding, finding.fixes.index(move))["app.py"] == (
        APP + 'if __name__ == "__main__":\n    print("starting")\n    app.run()\n'
        'else:\n    print("imported")\n'
    )


def test_app003_one_line_guard_gets_the_call_after_a_semicolon(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP + '\nif __name__ == "__main__": print("hi")\n'})
    [finding] = findings(tmp_path, "APP003")
    assert applied(tmp_path, finding)["app.py"] == (
        APP + '\nif __name__ == "__main__": print("hi"); app.run()\n'
    )


# --- DEP007 (checks/dependencies) ---------------------------------------------------------------


def test_dep007_an_app_reading_the_env_file_with_dotenv_values_needs_python_dotenv(
    tmp_path: Path,
) -> None:
    """The app reads .env itself with dotenv_values(): without python-dotenv installed that
    fails; the fix appends python-dotenv to the requirements. A module that does not parse
    is skipped, never a reason to stay silent."""
    write_tree(
        tmp_path,
        {
            "app.py": APP + "from dotenv import dotenv_values\n\nsettings = dotenv_values()\n",
            "admin.py": "environment = (\n",  # read before app.py
            ".env": "SECRET_KEY=abc\n",
            "requirements.txt": "flask==3.1.3",
        },
    )
    python = fake_venv(tmp_path, {"flask": "3.1.3"})
    [finding] = findings(tmp_path, "DEP007", python)
    assert finding.path == ".env"
    assert applied(tmp_path, finding) == {"requirements.txt": "flask==3.1.3\npython-dotenv\n"}
    write_tree(tmp_path, {"app.py": APP})
    assert findings(tmp_path, "DEP007", python) == []


# --- DEP006 (checks/dependencies: which receivers hold a Flask app) ------------------------------

RECEIVERS = """\
import flask
from flask import Flask


def make():
    return Flask(__name__)


def build():
    app = flask.Flask(__name__)
    app.json_encoder = None
    return app


def register(app: Flask):
    app.json_encoder = None


def configure():
    site = make()
    site.json_encoder = None


def setup(app):
    app.json_encoder = None
"""


def test_dep006_follows_apps_built_by_module_class_factory_and_annotation(
    tmp_path: Path,
) -> None:
    """`flask.Flask(...)`, a parameter annotated `Flask`, the result of the module's own
    factory: each holds an app, so its removed `json_encoder` is reported; a parameter merely
    named `app` (Sphinx's setup) is not."""
    write_tree(tmp_path, {"factory.py": RECEIVERS, "requirements.txt": "flask==3.1.3\n"})
    python = fake_venv(tmp_path, {"flask": "3.1.3"})
    found = findings(tmp_path, "DEP006", python)
    assert [(f.range.start.line, f.data["api"]) for f in found] == [
        (10, "app.json_encoder"),
        (15, "app.json_encoder"),
        (20, "site.json_encoder"),
    ]


# --- second round (survivors of the seed-2 sample) -----------------------------------------------


def test_app005_python_m_of_a_namespace_package_runs_its_main_module(tmp_path: Path) -> None:
    """`python -m shop` with no shop/__init__.py runs shop/__main__.py: its guard runs."""
    write_tree(
        tmp_path,
        {
            "shop/__main__.py": GUARDED_DEBUG,
            "Dockerfile": 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD ["python", "-m", "shop"]\n',
        },
    )
    [finding] = findings(tmp_path, "APP005")
    assert finding.path == "shop/__main__.py"


def test_app003_names_the_file_to_run_and_app001_offers_the_wrap(tmp_path: Path) -> None:
    write_tree(tmp_path, {"web/app.py": APP + '\nif __name__ == "__main__":\n    pass\n'})
    [finding] = findings(tmp_path, "APP003")
    assert finding.message.startswith(
        "This main guard starts nothing: `python app.py` exits at once without serving."
    )
    write_tree(tmp_path, {"web/app.py": APP + "app.run()\n", "Procfile": "web: gunicorn app:app\n"})
    [finding] = findings(tmp_path, "APP001")
    assert '`if __name__ == "__main__":`. (Nothing imports this module' in finding.message
    assert [f.title for f in finding.fixes] == ['Wrap in `if __name__ == "__main__":`']
    assert finding.fixes[0].safe  # the only fix, so the one `--fix` applies


def test_srv008_a_positional_host_is_the_host(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": APP + '\nif __name__ == "__main__":\n    app.run("0.0.0.0")\n',
            "Procfile": "web: python app.py\n",
        },
    )
    [finding] = findings(tmp_path, "SRV008")
    assert finding.message.startswith("The `web` process listens on 0.0.0.0:5000, not on $PORT")


def test_srv008_waitress_gets_the_port_from_the_platform(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: waitress-serve app:app\n"})
    [finding] = findings(tmp_path, "SRV008")
    assert [f.title for f in finding.fixes] == ["Listen on 0.0.0.0:$PORT"]
    # `--port $PORT`, not `'--port=$PORT'`: the shell never expands a quoted $PORT, and waitress
    # then stops on the port "$PORT".
    assert applied(tmp_path, finding) == {"Procfile": "web: waitress-serve --port $PORT app:app\n"}


# --- DEP009 (checks/startup_imports) ------------------------------------------------------------


def _dep009(tmp_path: Path, packages: dict[str, str], files: dict[str, str]) -> list[Finding]:
    from tests.test_startup_imports import fake_venv as site_venv

    python = site_venv(tmp_path, packages)
    root = write_tree(tmp_path / "project", files)
    project = Project(root, interpreter=python, settings={"interpreter_source": "explicit"})
    # a facts cache of its own: nothing read in another test's venv is reused
    with mock.patch.dict(os.environ, {"FLASK_PREFLIGHT_CACHE_DIR": str(tmp_path / "cache")}):
        return [f for f in run_checks(project, select={"DEP009"}) if f.rule == "DEP009"]


def _dist(name: str, version: str) -> dict[str, str]:
    return {
        f"{name}-{version}.dist-info/METADATA": f"Name: {name}\nVersion: {version}\n",
        f"{name}-{version}.dist-info/top_level.txt": f"{name}\n",
    }


def test_dep009_a_module_level_attribute_read_names_the_distribution_and_the_attribute(
    tmp_path: Path,
) -> None:
    packages = {
        "ext.py": "import lib\nclass M(lib.Mapping):\n    pass\n",
        "lib.py": "X = 1\n",
        **_dist("lib", "2.0"),
    }
    [finding] = _dep009(tmp_path, packages, {"app.py": "import ext\n"})
    assert "-> lib 2.0: module lib has no attribute Mapping: the app fails at start" in (
        finding.message
    )


def test_dep009_a_known_pair_is_named_with_its_pin_and_upgrade(tmp_path: Path) -> None:
    """Flask 2.2.2 with Werkzeug 3: the catalogued pair gives the pin, the upgrade and the
    source, and the requirement line is left to DEP004."""
    packages = {
        "flask/__init__.py": "from werkzeug.urls import url_quote\nclass Flask: pass\n",
        **_dist("flask", "2.2.2"),
        "werkzeug/__init__.py": "",
        "werkzeug/urls.py": "def quote(): pass\n",
        **_dist("werkzeug", "3.0.1"),
    }
    files = {"app.py": APP, "requirements.txt": "flask==2.2.2\nwerkzeug==3.0.1\n"}
    [finding] = _dep009(tmp_path, packages, files)
    assert finding.path == "app.py"
    assert "Pin `Werkzeug<3.0`, or upgrade to `Flask>=2.2.4`." in finding.message
    # the declared werkzeug line is changed in place
    assert applied(tmp_path / "project", finding) == {
        "requirements.txt": "flask==2.2.2\nwerkzeug<3.0\n"
    }


def test_dep009_a_name_one_distribution_takes_from_another_advises_both_ways(
    tmp_path: Path,
) -> None:
    packages = {
        "ext.py": "from lib import gone\n",
        **_dist("ext", "1.0"),
        "lib.py": "X = 1\n",
        **_dist("lib", "2.0"),
    }
    [finding] = _dep009(tmp_path, packages, {"app.py": "import ext\n"})
    assert finding.message.endswith(
        "Upgrade ext to a release that no longer uses `lib.gone`, or install a lib release "
        "older than 2.0 that still has it."
    )


def test_dep009_a_project_file_hiding_an_installed_module_is_left_to_app006(tmp_path: Path) -> None:
    """The project's lib.py hides the installed lib: its missing name is APP006's cause, while
    another failure of the same app is still reported."""
    packages = {
        "lib.py": "gone = 1\n",
        **_dist("lib", "2.0"),
        "ext.py": "from other import missing\n",
        "other.py": "X = 1\n",
    }
    files = {"app.py": "from lib import gone\n", "wsgi.py": "import ext\n", "lib.py": "X = 1\n"}
    found = _dep009(tmp_path, packages, files)
    assert [f.data["module"] for f in found] == ["other"]


def test_dep009_range_covers_the_import_line_without_its_indent_and_comment_space(
    tmp_path: Path,
) -> None:
    packages = {"ext.py": "from lib import gone\n", "lib.py": "X = 1\n"}
    # the failing import is the last line, after a longer one
    files = {"app.py": "import os  # the operating system module\nimport ext   \n"}
    [finding] = _dep009(tmp_path, packages, files)
    # no distribution owns lib: the module is named, not a Python version
    assert "-> lib has no name gone in lib: the app fails" in finding.message
    assert (finding.range.start.line, finding.range.start.character) == (1, 0)
    assert (finding.range.end.line, finding.range.end.character) == (1, len("import ext"))


def test_dep009_range_on_the_first_line(tmp_path: Path) -> None:
    packages = {"ext.py": "from lib import gone\n", "lib.py": "X = 1\n"}
    [finding] = _dep009(tmp_path, packages, {"app.py": "import ext\nimport os\n"})
    assert (finding.range.start.line, finding.range.start.character) == (0, 0)
    assert (finding.range.end.line, finding.range.end.character) == (0, len("import ext"))


@pytest.mark.parametrize(
    ("source", "python2"),
    [("print 'hello'\napp = 1\n", True), ("def broken(:\n    pass\napp = 1\n", False)],
)
def test_dep009_an_unparseable_entry_module_is_called_python_2_only_when_it_is(
    tmp_path: Path, source: str, python2: bool
) -> None:
    files = {"Procfile": "web: gunicorn legacy:app\n", "legacy.py": source}
    [finding] = _dep009(tmp_path, {}, files)
    assert finding.path == "Procfile"
    assert ("It is Python 2 code." in finding.message) is python2
    assert finding.data["error"].startswith("SyntaxError") and finding.data["module"] == "legacy.py"


@pytest.mark.parametrize(
    ("requirements", "fixed"),
    [
        # after the importer's line when a line follows it
        ("flask==2.2.2\nitsdangerous\n", "flask==2.2.2\nWerkzeug<3.0\nitsdangerous\n"),
        # appended at the end (no blank line) when the importer is the last line
        ("flask==2.2.2\n", "flask==2.2.2\nWerkzeug<3.0\n"),
        ("flask==2.2.2", "flask==2.2.2\nWerkzeug<3.0\n"),
        # appended at the end of the main requirements file when the importer is not in it
        ("itsdangerous\n", "itsdangerous\nWerkzeug<3.0\n"),
        # one line follows the importer, with no newline at the end
        ("flask==2.2.2\nitsdangerous", "flask==2.2.2\nWerkzeug<3.0\nitsdangerous"),
    ],
)
def test_dep009_a_known_pair_adds_the_pin_next_to_the_importer(
    tmp_path: Path, requirements: str, fixed: str
) -> None:
    packages = {
        "flask/__init__.py": "from werkzeug.urls import url_quote\nclass Flask: pass\n",
        **_dist("flask", "2.2.2"),
        "werkzeug/__init__.py": "",
        "werkzeug/urls.py": "def quote(): pass\n",
        **_dist("werkzeug", "3.0.1"),
    }
    files = {"app.py": APP, "requirements.txt": requirements}
    [finding] = _dep009(tmp_path, packages, files)
    [fix] = finding.fixes
    assert fix.title == "Add `Werkzeug<3.0` to the requirements" and fix.safe
    assert applied(tmp_path / "project", finding) == {"requirements.txt": fixed}


# --- round 3, other modules -----------------------------------------------------------------------


def test_app005_a_positional_debug_true_in_a_deployed_module(tmp_path: Path) -> None:
    """`app.run(host, port, True)` is debug=True: it was missed when the module never spelled
    "debug" (a bug this test found)."""
    dockerfile = 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD ["python", "-m", "app"]\n'
    guard = '\nif __name__ == "__main__":\n    app.run("0.0.0.0", 5000, True)\n'
    write_tree(tmp_path, {"app.py": APP + guard, "Dockerfile": dockerfile})
    [finding] = findings(tmp_path, "APP005")
    assert finding.range.start.line == 5 and finding.severity.name == "ERROR"
    assert finding.message.startswith("debug=True with host='0.0.0.0'")
    # (another True in the module, so the text prefilter lets the check read the call)
    off = APP + "app.testing = True\n" + guard.replace("True", "False")
    write_tree(tmp_path, {"app.py": off})
    assert findings(tmp_path, "APP005") == []


def test_app001_message_names_the_call_and_the_guard(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP + "app.run()\n", "Procfile": "web: gunicorn app:app\n"})
    [finding] = findings(tmp_path, "APP001")
    assert finding.message.startswith(
        "app.run() runs on import, not only when you run this file: gunicorn, uWSGI and your "
        "tests import this module to find the app, so they start a development server here "
        "and block (only `flask run` skips the call, with a warning). Put it under "
        '`if __name__ == "__main__":`.'
    )


def test_app001_a_long_callee_is_called_the_call(tmp_path: Path) -> None:
    """Up to 39 characters the callee is quoted; from 40 on it is "the call"."""
    thirty_nine = "a" * 35 + ".run"
    forty = "a" * 36 + ".run"
    for callee, start in ((thirty_nine, thirty_nine + "()"), (forty, "the call")):
        app = f"from flask import Flask\n\n{callee[:-4]} = Flask(__name__)\n{callee}()\n"
        write_tree(tmp_path, {"app.py": app, "Procfile": f"web: gunicorn app:{callee[:-4]}\n"})
        [finding] = findings(tmp_path, "APP001")
        assert finding.message.startswith(f"{start} runs on import"), finding.message


def test_app001_a_helper_that_runs_the_server_names_the_guard(tmp_path: Path) -> None:
    app = APP + "\ndef main():\n    app.run()\n\nmain()\n"
    write_tree(tmp_path, {"app.py": app, "Procfile": "web: gunicorn app:app\n"})
    [finding] = findings(tmp_path, "APP001")
    assert finding.message.startswith(
        "main() starts the development server (`app.run()` on line 6) and is called on import"
    )
    assert 'Call it under `if __name__ == "__main__":`.' in finding.message


def test_srv007_an_ipv6_loopback_bind_in_a_container(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install gunicorn\n"
        'CMD ["gunicorn", "--bind", "[::1]:8000", "app:app"]\n'
    )
    write_tree(
        tmp_path, {"app.py": APP, "Dockerfile": dockerfile, "requirements.txt": "flask\ngunicorn\n"}
    )
    [finding] = findings(tmp_path, "SRV007")
    assert finding.message.startswith("gunicorn listens on [::1]:8000 inside the container")


def test_srv005_a_project_without_requirements_gets_a_new_requirements_txt(
    tmp_path: Path,
) -> None:
    python = fake_venv(tmp_path, {"flask": "3.1.0"})
    launch = '{"configurations": [{"type": "debugpy", "module": "gunicorn", "args": ["app:app"]}]}'
    write_tree(tmp_path, {"app.py": APP, ".vscode/launch.json": launch})
    [finding] = findings(tmp_path, "SRV005", python)
    [fix] = finding.fixes
    assert fix.title == "Add gunicorn to requirements.txt"
    [edit] = fix.edits
    assert (edit.range.start.line, edit.range.start.character) == (0, 0)
    assert applied(tmp_path, finding) == {"requirements.txt": "gunicorn\n"}


def test_dep003_a_requirement_the_installed_version_meets_is_no_conflict(tmp_path: Path) -> None:
    python = fake_venv(tmp_path, {"lib": "2.0"})
    _install_ext(python, "lib>=2")
    write_tree(tmp_path, {"app.py": APP, "requirements.txt": "ext==1.0\nlib==2.0\n"})
    assert findings(tmp_path, "DEP003", python) == []
    write_tree(tmp_path, {"requirements.txt": "ext==1.0\nlib==1.0\n"})
    info = _site(python)
    (info / "lib-2.0.dist-info").rename(info / "lib-1.0.dist-info")
    (info / "lib-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: lib\nVersion: 1.0\n"
    )
    [finding] = findings(tmp_path, "DEP003", python)
    assert "lib>=2" in finding.message


@pytest.mark.parametrize(
    "run",
    [
        'app.run(host="0.0.0.0", port=int(os.environ["PORT"]))',
        'app.run("0.0.0.0", int(os.environ.get("PORT", 5000)))',
    ],
)
def test_srv008_a_script_reading_port_by_keyword_or_position_listens_on_port(
    tmp_path: Path, run: str
) -> None:
    app = "import os\n" + APP + f'\nif __name__ == "__main__":\n    {run}\n'
    write_tree(tmp_path, {"app.py": app, "Procfile": "web: python app.py\n"})
    assert findings(tmp_path, "SRV008") == []
    write_tree(tmp_path, {"app.py": app.replace("PORT", "LISTEN_AT")})
    [finding] = findings(tmp_path, "SRV008")
    assert finding.message.startswith("The `web` process listens on 0.0.0.0:5000")


def test_srv008_a_platform_spec_that_is_not_a_mapping_routes_nothing(tmp_path: Path) -> None:
    files = {
        "app.py": APP,
        "Procfile": "web: gunicorn --bind 0.0.0.0:8000 app:app\n",
        ".do/app.yaml": "- name: web\n  http_port: 8000\n",
    }
    write_tree(tmp_path, files)
    assert len(findings(tmp_path, "SRV008")) == 1


def test_srv010_a_flask_4_lower_bound_ignores_flask_env(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, ".flaskenv": FLASKENV, "requirements.txt": "flask>=4\n"})
    assert len(findings(tmp_path, "SRV010")) == 1


def test_srv010_a_test_file_listed_first_does_not_hide_the_apps_read(tmp_path: Path) -> None:
    files = {
        "app.py": APP,
        "conftest.py": "import pytest\n",
        "settings.py": 'import os\nMODE = os.environ["FLASK_ENV"]\n',
        ".flaskenv": FLASKENV,
    }
    write_tree(tmp_path, files)
    assert findings(tmp_path, "SRV010") == []


def test_app006_a_poetry_project_named_like_the_module_is_not_shadowing(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"pyproject.toml": '[tool.poetry]\nname = "Flask"\n', "app.py": APP, "flask.py": "x = 1\n"},
    )
    assert findings(tmp_path, "APP006") == []
    write_tree(tmp_path, {"pyproject.toml": '[tool.poetry]\nname = "shop"\n'})
    assert [f.path for f in findings(tmp_path, "APP006")] == ["flask.py"]


# --- ENV003 (checks/environment) ------------------------------------------------------------------


def _broken_venv(root: Path) -> Path:
    """A venv whose base interpreter is gone: pyvenv.cfg's home and the python link point
    nowhere."""
    venv = root / ".venv"
    (venv / "bin").mkdir(parents=True)
    gone = root.parent / "gone-python" / "bin"
    (venv / "pyvenv.cfg").write_text(f"home = {gone}\nversion = 3.12.0\n")
    (venv / "bin" / "python").symlink_to(gone / "python3")
    return venv


@pytest.mark.parametrize(
    ("files", "requirements"),
    [
        # a pyproject's runtime dependencies: installed with `pip install -e .`
        (
            {"pyproject.toml": '[project]\nname = "shop"\ndependencies = ["flask"]\n'},
            "pyproject.toml",
        ),
        # a requirements.in alone is not what pip installs from
        ({"requirements.in": "flask\n"}, None),
    ],
)
def test_env003_recreates_the_venv_with_the_projects_requirements(
    tmp_path: Path, files: dict[str, str], requirements: str | None
) -> None:
    root = write_tree(tmp_path / "proj", {"app.py": APP, **files})
    venv = _broken_venv(root)
    [finding] = findings(root, "ENV003", str(venv / "bin" / "python"))
    [fix] = finding.fixes
    assert fix.command is not None
    assert fix.command.arguments == (str(root), requirements, str(venv))


def test_srv009_a_windows_venv_layout_without_exe_is_windows(tmp_path: Path) -> None:
    """A venv with Scripts/ and Lib/site-packages was made on Windows, even when its python is
    named without `.exe` (a copied or mounted venv)."""
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "Procfile": "web: gunicorn app:app\n",
            "winvenv/pyvenv.cfg": "home = C:/Python311\nversion = 3.11.4\n",
            "winvenv/Scripts/python": "",
            "winvenv/Lib/site-packages/flask-3.1.0.dist-info/METADATA": (
                "Name: flask\nVersion: 3.1.0\n"
            ),
        },
    )
    [finding] = findings(tmp_path, "SRV009", str(tmp_path / "winvenv" / "Scripts" / "python"))
    assert finding.message.startswith("gunicorn does not run on Windows")


def test_dep009_a_missing_submodule_advice_names_the_module(tmp_path: Path) -> None:
    packages = {
        "ext.py": "from lib._compat import text_type\n",
        **_dist("ext", "1.0"),
        "lib/__init__.py": "",
        **_dist("lib", "2.0"),
    }
    [finding] = _dep009(tmp_path, packages, {"app.py": "import ext\n"})
    assert finding.message.endswith(
        "Upgrade ext to a release that no longer uses `lib._compat`, or install a lib release "
        "older than 2.0 that still has it."
    )


def _flask_werkzeug() -> dict[str, str]:
    return {
        "flask/__init__.py": "from werkzeug.urls import url_quote\nclass Flask: pass\n",
        **_dist("flask", "2.2.2"),
        "werkzeug/__init__.py": "",
        "werkzeug/urls.py": "def quote(): pass\n",
        **_dist("werkzeug", "3.0.1"),
    }


def test_dep009_a_known_pair_declared_in_pyproject_gets_the_pin_in_its_list(tmp_path: Path) -> None:
    pyproject = '[project]\nname = "shop"\ndependencies = ["flask==2.2.2"]\n'
    files = {"app.py": APP, "pyproject.toml": pyproject}
    [finding] = _dep009(tmp_path, _flask_werkzeug(), files)
    [fix] = finding.fixes
    assert fix.safe
    assert applied(tmp_path / "project", finding) == {
        "pyproject.toml": pyproject.replace('"flask==2.2.2"', '"flask==2.2.2", "Werkzeug<3.0"')
    }


def test_dep009_a_known_pair_already_pinned_reinstalls_from_that_file(tmp_path: Path) -> None:
    """The requirements already exclude the installed Werkzeug: only the install is stale."""
    files = {"app.py": APP, "requirements.txt": "flask==2.2.2\nwerkzeug<3\n"}
    [finding] = _dep009(tmp_path, _flask_werkzeug(), files)
    [fix] = finding.fixes
    assert fix.command is not None and "requirements.txt" in fix.command.arguments


def test_app001_an_unguarded_run_after_a_guarded_one(tmp_path: Path) -> None:
    app = APP + '\nif __name__ == "__main__":\n    app.run()\n\napp.run(port=8000)\n'
    write_tree(tmp_path, {"app.py": app, "Procfile": "web: gunicorn app:app\n"})
    [finding] = findings(tmp_path, "APP001")
    assert finding.range.start.line == 7


def test_dep009_the_pin_goes_into_the_file_that_declares_the_importer(tmp_path: Path) -> None:
    files = {
        "app.py": APP,
        "requirements.txt": "-r requirements/base.txt\n",
        "requirements/base.txt": "flask==2.2.2\n",
    }
    [finding] = _dep009(tmp_path, _flask_werkzeug(), files)
    assert applied(tmp_path / "project", finding) == {
        "requirements/base.txt": "flask==2.2.2\nWerkzeug<3.0\n"
    }


# --- round 5 (survivors of the seed-5 sample) -----------------------------------------------------


def _site(python: str) -> Path:
    return next(Path(python).parent.parent.glob("lib/python*/site-packages"))


def _install_ext(python: str, *requires: str, extra: dict[str, str] | None = None) -> None:
    """Installs `ext` 1.0 (metadata only) into the venv of `python`, requiring `requires`."""
    metadata = "Metadata-Version: 2.1\nName: ext\nVersion: 1.0\n"
    metadata += "".join(f"Requires-Dist: {r}\n" for r in requires)
    files = {"ext-1.0.dist-info/METADATA": metadata, "ext-1.0.dist-info/RECORD": ""}
    write_tree(_site(python), {**files, **(extra or {})})


def _venv_with_flask(root: Path) -> str:
    """A venv whose flask is importable (a module, not only its metadata)."""
    python = fake_venv(root, {"flask": "3.1.3"})
    write_tree(_site(python), {"flask/__init__.py": "class Flask: pass\n"})
    return python


# seed 5: conflicts.x_pip_check_problems__mutmut_9 (`continue` -> `break` on a bad requirement)
def test_dep003_a_malformed_requirement_does_not_hide_the_next_conflict(tmp_path: Path) -> None:
    python = fake_venv(tmp_path, {"lib": "1.0"})
    _install_ext(python, "not a requirement ((", "lib>=2")
    write_tree(tmp_path, {"app.py": APP, "requirements.txt": "ext==1.0\nlib==1.0\n"})
    [finding] = findings(tmp_path, "DEP003", python)
    assert finding.message.startswith("ext 1.0 requires `lib>=2`, but lib 1.0 is installed")


# seed 5: conflicts.x_pip_check_problems__mutmut_22 (`continue` -> `break` on a versionless dist)
def test_dep003_a_dependency_without_a_version_does_not_hide_the_next_conflict(
    tmp_path: Path,
) -> None:
    python = fake_venv(tmp_path, {"lib": "1.0"})
    _install_ext(
        python,
        "nover",
        "lib>=2",
        extra={
            "nover.dist-info/METADATA": "Metadata-Version: 2.1\nName: nover\n",
            "nover.dist-info/RECORD": "",
        },
    )
    write_tree(tmp_path, {"app.py": APP, "requirements.txt": "ext==1.0\nlib==1.0\n"})
    [finding] = findings(tmp_path, "DEP003", python)
    assert finding.message.startswith("ext 1.0 requires `lib>=2`, but lib 1.0 is installed")


# seed 5: env_files.x_environment_reads__mutmut_68 (the `prefix=` keyword ignored)
def test_dep007_a_prefixed_env_read_by_keyword_needs_python_dotenv(tmp_path: Path) -> None:
    app = APP + 'app.config.from_prefixed_env(prefix="SHOP")\n'
    write_tree(tmp_path, {"app.py": app, ".env": "SHOP_SECRET=abc\n"})
    python = fake_venv(tmp_path, {"flask": "3.1.3"})
    [finding] = findings(tmp_path, "DEP007", python)
    assert finding.path == ".env"
    write_tree(tmp_path, {".env": "OTHER_SECRET=abc\n"})
    assert findings(tmp_path, "DEP007", python) == []


# seed 5: env_files.x__flask_reads__mutmut_23 (a script's reads not counted)
def test_dep007_a_script_reading_the_env_file_needs_python_dotenv(tmp_path: Path) -> None:
    """manage.py, which the app never imports, reads SECRET_KEY: run by hand it reads .env."""
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "manage.py": 'import os\n\nSECRET = os.environ["SECRET_KEY"]\n',
            ".env": "SECRET_KEY=abc\n",
        },
    )
    python = fake_venv(tmp_path, {"flask": "3.1.3"})
    [finding] = findings(tmp_path, "DEP007", python)
    assert finding.path == ".env"


# seed 5: installing.x_pin_fix__mutmut_32 and _46 (extras joined with "XX,XX"; safe dropped)
def test_dep004_pin_keeps_the_extras_of_the_declared_line_and_is_safe(tmp_path: Path) -> None:
    requirements = "flask==2.2.2\nwerkzeug[dotenv,watchdog]\n"
    write_tree(tmp_path, {"app.py": APP, "requirements.txt": requirements})
    python = fake_venv(tmp_path, {"flask": "2.2.2", "werkzeug": "3.0.1"})
    [finding] = findings(tmp_path, "DEP004", python)
    [fix] = finding.fixes
    assert fix.title == "Change `werkzeug[dotenv,watchdog]` to `werkzeug[dotenv,watchdog]<3.0`"
    assert fix.safe
    assert applied(tmp_path, finding) == {
        "requirements.txt": "flask==2.2.2\nwerkzeug[dotenv,watchdog]<3.0\n"
    }


# seed 5: removed_apis.x__nodes_in_scopes__mutmut_11 (decorators read in the function's scope)
def test_dep006_a_decorator_is_read_in_the_enclosing_scope(tmp_path: Path) -> None:
    """The decorated function's own parameter `app` does not rename the module's app in the
    decorator above it."""
    source = APP + (
        "\n\ndef remember(value):\n    return lambda function: function\n\n\n"
        "@remember(app.got_first_request)\ndef setup(app=None):\n    pass\n"
    )
    write_tree(tmp_path, {"app.py": source, "requirements.txt": "flask==3.1.3\n"})
    python = fake_venv(tmp_path, {"flask": "3.1.3"})
    [finding] = findings(tmp_path, "DEP006", python)
    assert finding.range.start.line == 9


# seed 5: main_guard.x__top_guard__mutmut_7 (a malformed guard taken for the main guard)
def test_app003_speaks_of_the_correct_guard_not_a_malformed_one_after_it(tmp_path: Path) -> None:
    app = (
        APP + '\nif __name__ == "__main__":\n    print("hi")\n\nif __name__ == "main":\n    pass\n'
    )
    write_tree(tmp_path, {"app.py": app})
    [finding] = findings(tmp_path, "APP003")
    assert finding.range.start.line == 4


# seed 5: main_guard.x__app001_fixes__mutmut_10 (a nested run call offered the top-level fixes)
def test_app001_a_run_inside_a_try_is_not_offered_removal(tmp_path: Path) -> None:
    app = (
        APP + "\ntry:\n    app.run()\nexcept OSError:\n    pass\n\n"
        'if __name__ == "__main__":\n    app.run()\n'
    )
    write_tree(tmp_path, {"app.py": app, "Procfile": "web: gunicorn app:app\n"})
    [finding] = findings(tmp_path, "APP001")
    assert not any(f.title.startswith(("Remove", "Move")) for f in finding.fixes)


# seed 5: main_guard.x_check_malformed_guards__mutmut_14 and _36 (the consequence and the fix
# title lost)
def test_app002_says_the_script_exits_and_names_the_fix(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP + '\nif __name__ == "main":\n    app.run()\n'})
    [finding] = findings(tmp_path, "APP002")
    assert "`python app.py` skips this block and exits without starting anything." in (
        finding.message
    )
    [fix] = finding.fixes
    assert fix.title == 'Change to `__name__ == "__main__"`'


# seed 5: main_guard.x_check_routes_after_run__mutmut_49 (the unnamed registration's wording)
def test_app004_a_registration_without_a_literal_path_is_this_registration(tmp_path: Path) -> None:
    app = APP + "app.run()\n\nPATH = '/'\n\n\n@app.route(PATH)\ndef index():\n    return 'hi'\n"
    write_tree(tmp_path, {"app.py": app})
    [finding] = findings(tmp_path, "APP004")
    assert "with `python app.py` this registration is never registered" in finding.message


# seed 5: main_guard.x_check_routes_after_run__mutmut_76 (a None fix when none can move the run)
def test_app004_offers_no_fix_when_two_blocks_start_a_server(tmp_path: Path) -> None:
    app = (
        APP + "app.run()\napp.run(port=8000)\n\n\n@app.route('/')\ndef index():\n    return 'hi'\n"
    )
    write_tree(tmp_path, {"app.py": app})
    [finding] = findings(tmp_path, "APP004")
    assert finding.fixes == ()


# seed 5: servers.x__add_requirement_fix__mutmut_1 (the declared main file ignored)
def test_srv005_adds_gunicorn_to_the_main_requirements_file_of_a_requirements_folder(
    tmp_path: Path,
) -> None:
    python = fake_venv(tmp_path, {"flask": "3.1.0"})
    write_tree(
        tmp_path,
        {"app.py": APP, "requirements/base.txt": "flask\n", "Procfile": "web: gunicorn app:app\n"},
    )
    [finding] = findings(tmp_path, "SRV005", python)
    assert [f.title for f in finding.fixes] == ["Add gunicorn to requirements/base.txt"]
    assert applied(tmp_path, finding) == {"requirements/base.txt": "flask\ngunicorn\n"}


# seed 5: servers.x__listen_fix__mutmut_93 (an explicit --port no longer stops the fix)
def test_srv008_waitress_with_a_fixed_port_gets_no_second_port(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: waitress-serve --port=8080 app:app\n"})
    [finding] = findings(tmp_path, "SRV008")
    assert finding.fixes == ()


DOCKER_PYTHON = 'FROM python:3.12\nCOPY . .\nCMD ["python", "app.py"]\n'


# seed 5: servers.x__host_from_env_fix__mutmut_29 (the host argument's range lost)
def test_srv007_fix_replaces_a_loopback_host_argument(tmp_path: Path) -> None:
    app = "import os\n" + APP + '\nif __name__ == "__main__":\n    app.run(host="127.0.0.1")\n'
    write_tree(tmp_path, {"app.py": app, "Dockerfile": DOCKER_PYTHON})
    [finding] = findings(tmp_path, "SRV007")
    assert applied(tmp_path, finding)["app.py"] == app.replace(
        '"127.0.0.1"', 'os.environ.get("FLASK_RUN_HOST", "127.0.0.1")'
    )


# seed 5: servers.x__host_from_env_fix__mutmut_41 (the opening parenthesis searched from 0)
def test_srv007_fix_adds_the_host_inside_the_call_when_the_callee_has_parentheses(
    tmp_path: Path,
) -> None:
    app = "import os\n" + APP + '\nif __name__ == "__main__":\n    (app).run()\n'
    write_tree(tmp_path, {"app.py": app, "Dockerfile": DOCKER_PYTHON})
    [finding] = findings(tmp_path, "SRV007")
    assert applied(tmp_path, finding)["app.py"] == app.replace(
        "(app).run()", '(app).run(host=os.environ.get("FLASK_RUN_HOST", "127.0.0.1"))'
    )


# seed 5: servers.x__reads_flask_env__mutmut_28 (any call with "FLASK_ENV" taken for a read)
def test_srv010_printing_the_name_flask_env_does_not_silence(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP + 'print("FLASK_ENV")\n', ".flaskenv": FLASKENV})
    assert len(findings(tmp_path, "SRV010")) == 1
    write_tree(tmp_path, {"app.py": APP + 'from os import getenv\nMODE = getenv("FLASK_ENV")\n'})
    assert findings(tmp_path, "SRV010") == []


# seed 5: startup_imports.x__chain__mutmut_20 (three frames shown before the "…")
def test_dep009_a_long_import_chain_shows_two_frames_each_side(tmp_path: Path) -> None:
    packages = {
        "one.py": "import two\n",
        "two.py": "import three\n",
        "three.py": "import four\n",
        "four.py": "import five\n",
        "five.py": "from lib import gone\n",
        "lib.py": "X = 1\n",
    }
    [finding] = _dep009(tmp_path, packages, {"app.py": "import one\n"})
    chain = finding.message.split(" -> lib has no name gone")[0]
    assert chain.count(" -> ") == 4
    assert chain.split(" -> ")[2] == "…"


# seed 5: startup_imports.x__removed_flask_api__mutmut_7 (a removed Flask name from another
# module taken for DEP006's)
def test_dep009_a_project_import_of_a_name_flask_removed_from_another_module(
    tmp_path: Path,
) -> None:
    packages = {"lib.py": "X = 1\n", **_dist("lib", "2.0")}
    [finding] = _dep009(tmp_path, packages, {"app.py": "from lib import escape\n"})
    assert finding.data["module"] == "lib"


# seed 5: startup_imports.x__unparseable_entries__mutmut_44 (Python 2 told only by "print")
def test_dep009_python_2_exec_statement_is_called_python_2(tmp_path: Path) -> None:
    files = {"Procfile": "web: gunicorn legacy:app\n", "legacy.py": 'exec "x = 1"\napp = 1\n'}
    [finding] = _dep009(tmp_path, {}, files)
    assert "It is Python 2 code." in finding.message


# --- round 5b (survivors of an extra seed-7 sample, drawn to find more before measuring seed 6) --


# seed 7: conflicts.x_pip_check_problems__mutmut_28 (prereleases refused, unlike `pip check`)
def test_dep003_an_installed_prerelease_meets_a_lower_bound(tmp_path: Path) -> None:
    python = fake_venv(tmp_path, {"lib": "2.1rc1"})
    _install_ext(python, "lib>=2")
    write_tree(tmp_path, {"app.py": APP, "requirements.txt": "ext==1.0\nlib==2.1rc1\n"})
    assert findings(tmp_path, "DEP003", python) == []


# seed 7: imports.x__python_dirs__mutmut_11 (only a file's own folder counted, not its parents)
def test_dep005_a_namespace_package_two_folders_up_is_the_projects_own(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": APP + "import shop.orders.views\nimport notinstalled\n",
            "shop/orders/views.py": "X = 1\n",
        },
    )
    python = _venv_with_flask(tmp_path)
    assert [f.data["module"] for f in findings(tmp_path, "DEP005", python)] == ["notinstalled"]


# seed 7: imports.x__severity__mutmut_15 (a module-level import of unknown scope as a hint)
def test_dep005_a_module_level_import_where_no_app_is_found_is_a_warning(tmp_path: Path) -> None:
    write_tree(tmp_path, {"tool.py": "import notinstalled\n"})
    python = _venv_with_flask(tmp_path)
    [finding] = findings(tmp_path, "DEP005", python)
    assert finding.severity.name == "WARNING"


# seed 7: imports.x__what_fails__mutmut_4 (an import in a function of the app's code)
def test_dep005_an_import_inside_a_view_fails_when_the_view_runs(tmp_path: Path) -> None:
    app = APP + "\n\n@app.route('/')\ndef index():\n    import notinstalled\n    return ''\n"
    write_tree(tmp_path, {"app.py": app})
    python = _venv_with_flask(tmp_path)
    [finding] = findings(tmp_path, "DEP005", python)
    assert "the function that imports it fails when it runs" in finding.message


# seed 7: removed_apis.xǁ_AppFlowǁ_scope__mutmut_24 (an annotated local app)
def test_dep006_an_annotated_local_app_in_a_factory(tmp_path: Path) -> None:
    source = (
        "from flask import Flask\n\n\ndef build():\n    site: Flask = Flask(__name__)\n"
        "    site.json_encoder = None\n    return site\n"
    )
    write_tree(tmp_path, {"factory.py": source, "requirements.txt": "flask==3.1.3\n"})
    python = fake_venv(tmp_path, {"flask": "3.1.3"})
    [finding] = findings(tmp_path, "DEP006", python)
    assert finding.range.start.line == 5


# seed 7: main_guard.x__move_run_to_end__mutmut_35 (the fix's title)
def test_app004_fix_is_titled_move_the_run_call(tmp_path: Path) -> None:
    app = APP + "app.run()\n\n\n@app.route('/')\ndef index():\n    return 'hi'\n"
    write_tree(tmp_path, {"app.py": app})
    [finding] = findings(tmp_path, "APP004")
    assert [f.title for f in finding.fixes] == ["Move the run call to the end of the module"]


# seed 7: reloader.x__side_effect__mutmut_21 (the message for a started thread)
def test_app007_names_a_started_thread(tmp_path: Path) -> None:
    app = (
        "import threading\n" + APP + "worker = threading.Thread(target=print)\nworker.start()\n"
        '\nif __name__ == "__main__":\n    app.run(debug=True)\n'
    )
    write_tree(tmp_path, {"app.py": app})
    [finding] = findings(tmp_path, "APP007")
    assert finding.message.startswith("`worker.start()` starts a background thread or process")


# seed 7: servers.x__listen_fix__mutmut_16 (the title of the fix that replaces a bind)
def test_srv008_fix_replacing_a_gunicorn_bind_is_titled(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: gunicorn -b 127.0.0.1:8000 app:app\n"})
    [finding] = findings(tmp_path, "SRV008")
    assert [f.title for f in finding.fixes] == ["Listen on 0.0.0.0:$PORT"]
    assert applied(tmp_path, finding) == {"Procfile": "web: gunicorn -b 0.0.0.0:$PORT app:app\n"}


# seed 7: servers.x__flask_ignores_env__mutmut_16 (Flask "2.3" itself ignores FLASK_ENV)
def test_srv010_flask_2_3_installed_ignores_flask_env(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, ".flaskenv": FLASKENV})
    assert len(findings(tmp_path, "SRV010", fake_venv(tmp_path, {"flask": "2.3"}))) == 1


# seed 7: servers.x__flask_env_fix__mutmut_10 (the fix's title)
def test_srv010_fix_is_titled_with_the_flask_debug_value(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, ".flaskenv": FLASKENV})
    [finding] = findings(tmp_path, "SRV010")
    assert [f.title for f in finding.fixes] == ["Use FLASK_DEBUG=1"]


# seed 7: servers.x__is_test_file__mutmut_13 (conftest.py's read of FLASK_ENV)
def test_srv010_conftest_reading_flask_env_does_not_silence(tmp_path: Path) -> None:
    conftest = 'import os\n\nMODE = os.environ.get("FLASK_ENV")\n'
    write_tree(tmp_path, {"app.py": APP, "conftest.py": conftest, ".flaskenv": FLASKENV})
    assert len(findings(tmp_path, "SRV010")) == 1


# seed 7: servers.x__reads_flask_env__mutmut_41 (`from os import environ`)
def test_srv010_a_read_through_an_imported_environ_silences(tmp_path: Path) -> None:
    app = APP + 'from os import environ\n\nMODE = environ.get("FLASK_ENV")\n'
    write_tree(tmp_path, {"app.py": app, ".flaskenv": FLASKENV})
    assert findings(tmp_path, "SRV010") == []


# seed 7: shadowing.x__free_name__mutmut_4 (the new name lost its folder)
def test_app006_rename_stays_in_the_files_folder(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, "scripts/flask.py": "x = 1\n"})
    [finding] = findings(tmp_path, "APP006")
    [fix] = finding.fixes
    assert fix.rename == ("scripts/flask.py", "scripts/flask_app.py")


# seed 7: startup_imports.x__frame_text__mutmut_1 (a project frame named by its path)
def test_dep009_the_chain_names_project_files_by_their_path(tmp_path: Path) -> None:
    packages = {"ext.py": "from lib import gone\n", "lib.py": "X = 1\n"}
    files = {
        "app.py": "import shop.models\n",
        "shop/__init__.py": "",
        "shop/models.py": "import ext\n",
    }
    [finding] = _dep009(tmp_path, packages, files)
    assert finding.message.startswith(
        "app.py:1 imports shop.models -> shop/models.py:1 imports ext -> ext.py:1 "
    )


# seed 7: env_files.x_environment_reads__mutmut_65 (the default prefix is FLASK, in capitals)
def test_dep007_a_lowercase_flask_key_is_not_read_by_from_prefixed_env(tmp_path: Path) -> None:
    write_tree(
        tmp_path, {"app.py": APP + "app.config.from_prefixed_env()\n", ".env": "flask_key=1\n"}
    )
    python = fake_venv(tmp_path, {"flask": "3.1.3"})
    assert findings(tmp_path, "DEP007", python) == []
    write_tree(tmp_path, {".env": "FLASK_KEY=1\n"})
    assert len(findings(tmp_path, "DEP007", python)) == 1


# --- round 6 (survivors of the seed-6 sample, after it was measured) ------------------------------


# seed 6: debug_mode.x_debug_from_env_fix__mutmut_28 (the fix's title)
def test_app005_fix_is_titled_read_debug_from_flask_debug(tmp_path: Path) -> None:
    write_tree(
        tmp_path, {"app.py": APP + "app.run(debug=True)\n", "Procfile": "web: gunicorn app:app\n"}
    )
    [finding] = findings(tmp_path, "APP005")
    assert finding.fixes[0].title == "Read debug from FLASK_DEBUG"


# seed 6: debug_mode.x__assigned_debug__mutmut_10 (`app.debug = True`)
def test_app005_an_assigned_app_debug_is_debug_mode(tmp_path: Path) -> None:
    write_tree(
        tmp_path, {"app.py": APP + "app.debug = True\n", "Procfile": "web: gunicorn app:app\n"}
    )
    assert len(findings(tmp_path, "APP005")) == 1


# seed 6: imports.x__declared_in_file__mutmut_6 (a blank line in a folder's requirements)
def test_dep005_a_folders_requirements_with_a_blank_line_still_declare(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "tools/report.py": "import notinstalled\n",
            "tools/requirements.txt": "\nnotinstalled\n",
            "requirements.txt": "flask\n",
        },
    )
    python = _venv_with_flask(tmp_path)
    [finding] = findings(tmp_path, "DEP005", python)
    assert "`notinstalled` is declared in tools/requirements.txt" in finding.message


# seed 6: removed_apis.x__nodes_in_scopes__mutmut_16 (a lambda has no decorators)
def test_dep006_a_module_with_a_lambda_is_still_checked(tmp_path: Path) -> None:
    source = APP + "app.json_encoder = None\nkey = lambda item: item\n"
    write_tree(tmp_path, {"app.py": source, "requirements.txt": "flask==3.1.3\n"})
    python = fake_venv(tmp_path, {"flask": "3.1.3"})
    [finding] = findings(tmp_path, "DEP006", python)
    assert finding.range.start.line == 3


# seed 6: main_guard.x__app001_fixes__mutmut_77 (the move into the guard is the safe fix)
def test_app001_the_move_into_the_guard_is_safe_and_the_wrap_is_not(tmp_path: Path) -> None:
    app = APP + 'app.run()\n\nif __name__ == "__main__":\n    print("starting")\n'
    write_tree(tmp_path, {"app.py": app, "Procfile": "web: gunicorn app:app\n"})
    [finding] = findings(tmp_path, "APP001")
    assert [(f.title.split()[0], f.safe) for f in finding.fixes] == [
        ("Move", True),
        ("Wrap", False),
    ]


# seed 6: main_guard.x_check_malformed_guards__mutmut_22 (the consequence of a malformed !=)
def test_app002_a_malformed_not_equal_guard_swaps_the_branches(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP + '\nif __name__ != "main":\n    pass\n'})
    [finding] = findings(tmp_path, "APP002")
    assert "; the branches are not the ones you meant." in finding.message


# seed 6: reloader.x__reloader_run__mutmut_13 (debug=False taken for the reloader)
def test_app007_debug_false_has_no_reloader(tmp_path: Path) -> None:
    app = (
        "import threading\n" + APP + "worker = threading.Thread(target=print)\nworker.start()\n"
        '\nif __name__ == "__main__":\n    app.run(debug=False)\n'
    )
    write_tree(tmp_path, {"app.py": app})
    assert findings(tmp_path, "APP007") == []


# seed 6: servers.x__host__mutmut_22 (a bind without a port is its host)
def test_srv007_a_loopback_bind_without_a_port(tmp_path: Path) -> None:
    dockerfile = 'FROM python:3.12\nCOPY . .\nCMD ["gunicorn", "--bind", "127.0.0.1", "app:app"]\n'
    write_tree(tmp_path, {"app.py": APP, "Dockerfile": dockerfile})
    [finding] = findings(tmp_path, "SRV007")
    assert finding.message.startswith("gunicorn listens on 127.0.0.1 inside the container")


# seed 6: servers.x__flask_env_fix__mutmut_15 (the FLASK_DEBUG fix is safe)
def test_srv010_fix_is_safe(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, ".flaskenv": FLASKENV})
    [finding] = findings(tmp_path, "SRV010")
    assert finding.fixes[0].safe
    assert applied(tmp_path, finding) == {".flaskenv": "FLASK_DEBUG=1\n"}


@pytest.mark.parametrize(
    "test_file",
    [
        "test_settings.py",  # seed 6: servers.x__is_test_file__mutmut_5
        "web/tests/helpers.py",  # seed 6: servers.x__is_test_file__mutmut_23
        "tests/helpers.py",  # seed 6: servers.x__is_test_file__mutmut_24
    ],
)
def test_srv010_a_test_file_reading_flask_env_does_not_silence(
    tmp_path: Path, test_file: str
) -> None:
    reads = 'import os\n\nMODE = os.environ.get("FLASK_ENV")\n'
    write_tree(tmp_path, {"app.py": APP, test_file: reads, ".flaskenv": FLASKENV})
    assert len(findings(tmp_path, "SRV010")) == 1


@pytest.mark.parametrize(
    ("code", "reads"),
    [
        # seed 6: servers.x__reads_flask_env__mutmut_5 (any attribute's subscript)
        ('MODE = app.config["FLASK_ENV"]\n', False),
        # seed 6: servers.x__reads_flask_env__mutmut_10 (`from os import environ`)
        ('from os import environ\n\nMODE = environ["FLASK_ENV"]\n', True),
        # seed 6: servers.x__reads_flask_env__mutmut_50 (os.environ.pop)
        ('import os\n\nMODE = os.environ.pop("FLASK_ENV", None)\n', True),
    ],
)
def test_srv010_only_a_read_of_the_environment_silences(
    tmp_path: Path, code: str, reads: bool
) -> None:
    write_tree(tmp_path, {"app.py": APP + code, ".flaskenv": FLASKENV})
    assert (findings(tmp_path, "SRV010") == []) is reads


# seed 6: startup_imports.x__chain__mutmut_18 (five frames are all shown)
def test_dep009_an_import_chain_of_five_frames_is_shown_whole(tmp_path: Path) -> None:
    packages = {
        "one.py": "import two\n",
        "two.py": "import three\n",
        "three.py": "import four\n",
        "four.py": "from lib import gone\n",
        "lib.py": "X = 1\n",
    }
    [finding] = _dep009(tmp_path, packages, {"app.py": "import one\n"})
    assert "…" not in finding.message
    assert "three.py:1 imports four -> " in finding.message


# seed 6: startup_imports.x__what_lacks__mutmut_6 (a stdlib submodule's owner is Python)
def test_dep009_a_missing_stdlib_submodule_names_python(tmp_path: Path) -> None:
    from tests.test_startup_imports import VERSION

    packages = {"ext.py": "import xml.nothere\n"}
    [finding] = _dep009(tmp_path, packages, {"app.py": "import ext\n"})
    assert f"-> Python {VERSION[0]}.{VERSION[1]} has no module xml.nothere:" in finding.message


# seed 6: startup_imports.x__removed_flask_api__mutmut_5 (left to DEP006)
def test_dep009_leaves_a_removed_flask_import_in_the_project_to_dep006(tmp_path: Path) -> None:
    packages = {"flask/__init__.py": "class Flask: pass\n", **_dist("flask", "3.0.0")}
    files = {"app.py": "from flask import Flask, escape\n\napp = Flask(__name__)\n"}
    assert _dep009(tmp_path, packages, files) == []


# seed 6: startup_imports.x__unparseable_entries__mutmut_25 (an unresolved entry stops the rest)
def test_dep009_an_unresolved_entry_point_does_not_hide_an_unparseable_one(
    tmp_path: Path,
) -> None:
    files = {
        "Procfile": "release: gunicorn nowhere:app\nweb: gunicorn legacy:app\n",
        "legacy.py": "print 'hello'\napp = 1\n",
    }
    [finding] = _dep009(tmp_path, {}, files)
    assert finding.data["module"] == "legacy.py"


# seed 6: startup_imports.x__unparseable_entries__mutmut_74 (the target's major.minor)
def test_dep009_an_unparseable_entry_names_the_python_major_minor(tmp_path: Path) -> None:
    from tests.test_startup_imports import VERSION

    files = {"Procfile": "web: gunicorn legacy:app\n", "legacy.py": "print 'hello'\napp = 1\n"}
    [finding] = _dep009(tmp_path, {}, files)
    assert f"which is not valid Python {VERSION[0]}.{VERSION[1]}: " in finding.message


# --- round 7 (survivors of the seed-8 sample, after it was measured) ------------------------------


# seed 8: conflicts.x_pip_check_problems__mutmut_11 (a marker that does not apply)
def test_dep003_a_requirement_whose_marker_does_not_apply_is_no_conflict(tmp_path: Path) -> None:
    python = fake_venv(tmp_path, {"lib": "1.0"})
    _install_ext(python, "lib>=2; python_version < '3'")
    write_tree(tmp_path, {"app.py": APP, "requirements.txt": "ext==1.0\nlib==1.0\n"})
    assert findings(tmp_path, "DEP003", python) == []


# seed 8: env_files.x_environment_reads__mutmut_75 (load_dotenv reads every key)
def test_dep007_an_app_calling_load_dotenv_reads_every_key(tmp_path: Path) -> None:
    app = APP + "from dotenv import load_dotenv\n\nload_dotenv()\n"
    write_tree(tmp_path, {"app.py": app, ".env": "SHOP_NAME=corner\n"})
    python = fake_venv(tmp_path, {"flask": "3.1.3"})
    [finding] = findings(tmp_path, "DEP007", python)
    assert finding.path == ".env"


# seed 8: reloader.x__no_reloader_fix__mutmut_52 (the fix's title)
def test_app007_fix_turns_the_reloader_off(tmp_path: Path) -> None:
    app = (
        "import threading\n" + APP + "worker = threading.Thread(target=print)\nworker.start()\n"
        '\nif __name__ == "__main__":\n    app.run(debug=True)\n'
    )
    write_tree(tmp_path, {"app.py": app})
    [finding] = findings(tmp_path, "APP007")
    [fix] = finding.fixes
    assert fix.title == "Turn the reloader off for this run() call"
    assert applied(tmp_path, finding)["app.py"] == app.replace(
        "app.run(debug=True)", "app.run(debug=True, use_reloader=False)"
    )


# seed 8: shadowing.x__free_name__mutmut_13 (a folder of that name in the file's folder)
def test_app006_rename_skips_a_name_taken_by_a_folder_beside_the_file(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"app.py": APP, "scripts/flask.py": "x = 1\n", "scripts/flask_app/__init__.py": ""},
    )
    [finding] = findings(tmp_path, "APP006")
    [fix] = finding.fixes
    assert fix.rename == ("scripts/flask.py", "scripts/my_flask.py")
