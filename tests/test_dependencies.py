"""DEP001-DEP008 against real venvs: pip, pip check, imports and `flask` itself are the oracles."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from flask_preflight.analysis.edits import apply_edits
from flask_preflight.analysis.environment.reading import read_environment
from flask_preflight.analysis.model import Finding
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import run_checks
from flask_preflight.analysis.stdlib_modules import stdlib_modules
from tests.conftest import EXAMPLES, write_tree
from tests.venvs import make_venv, venv_python

pytestmark = pytest.mark.oracle


def python_of(name: str, requirements: list[str], no_deps: list[str] | None = None) -> str:
    return str(venv_python(make_venv(name, requirements, no_deps=no_deps or [])))


def flask3() -> str:
    return python_of("flask", ["flask==3.1.3"])


def run(argv: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    return subprocess.run(argv, capture_output=True, text=True, timeout=300, cwd=cwd, env=env)


def findings(root: Path, python: str, rule: str) -> list[Finding]:
    project = Project(root, interpreter=python, settings={"interpreter_source": "explicit"})
    return run_checks(project, select={rule})


def last_error_line(result: subprocess.CompletedProcess[str]) -> str:
    return result.stderr.strip().splitlines()[-1]


# --- DEP004 -------------------------------------------------------------------------------------

REQUIREMENTS_203 = "# the web app\n\nFlask==2.0.3  # old\ngunicorn; sys_platform == 'win32'\n"


def test_dep004_old_flask_with_werkzeug_3_really_fails_and_is_reported_on_its_line(
    tmp_path: Path,
) -> None:
    python = python_of("flask203-wz3", ["Flask==2.0.3"])
    imported = run([python, "-c", "import flask"])
    assert imported.returncode != 0
    oracle = last_error_line(imported)
    assert oracle.startswith("ImportError: cannot import name 'url_quote' from 'werkzeug.urls'")
    root = write_tree(tmp_path, {"requirements.txt": REQUIREMENTS_203})
    (found,) = findings(root, python, "DEP004")
    assert (found.path, found.range.start.line, found.range.start.character) == (
        "requirements.txt",
        2,
        0,
    )
    assert found.range.end.character == len("Flask==2.0.3")
    assert oracle.startswith(found.data["error"])
    assert found.data["error"] in found.message and "Werkzeug<3.0" in found.message
    # the fix adds the pin under Flask; pip then resolves a Werkzeug that works with it
    fix = found.fixes[0]
    assert fix.safe
    fixed = apply_edits(REQUIREMENTS_203, list(fix.edits))
    assert fixed.splitlines()[2:4] == ["Flask==2.0.3  # old", "Werkzeug<3.0"]
    (root / "requirements.txt").write_text(fixed)
    report = tmp_path / "report.json"
    resolved = run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--ignore-installed",
            "--quiet",
            "--report",
            str(report),
            "-r",
            str(root / "requirements.txt"),
        ]
    )
    assert resolved.returncode == 0, resolved.stderr
    versions = {
        canonicalize_name(item["metadata"]["name"]): item["metadata"]["version"]
        for item in json.loads(report.read_text())["install"]
    }
    assert versions["flask"] == "2.0.3" and int(versions["werkzeug"].split(".")[0]) < 3
    assert findings(root, python, "DEP004")  # still installed wrong: reported until reinstalled


# Each entry of the table, proven by a real import in a real venv built with that pair.
TABLE_CASES = [
    (
        "p-flask112-jinja31",
        [],
        [
            "Flask==1.1.2",
            "Werkzeug==1.0.1",
            "Jinja2==3.1.2",
            "itsdangerous==1.1.0",
            "click==7.1.2",
            "MarkupSafe==2.1.3",
        ],
        "flask",
        "jinja2",
    ),
    (
        "p-flask112-its21",
        [],
        [
            "Flask==1.1.2",
            "Werkzeug==1.0.1",
            "Jinja2==2.11.3",
            "itsdangerous==2.1.2",
            "click==7.1.2",
            "MarkupSafe==2.0.1",
        ],
        "flask",
        "itsdangerous",
    ),
    (
        "p-flask112-wz21",
        [],
        [
            "Flask==1.1.2",
            "Werkzeug==2.1.2",
            "Jinja2==2.11.3",
            "itsdangerous==1.1.0",
            "click==7.1.2",
            "MarkupSafe==2.0.1",
        ],
        "flask",
        "werkzeug",
    ),
    ("p-jinja2113-ms21", [], ["Jinja2==2.11.3", "MarkupSafe==2.1.3"], "jinja2", "markupsafe"),
    (
        "p-login062-wz3",
        ["Flask==2.3.3", "Werkzeug==3.0.1"],
        ["Flask-Login==0.6.2"],
        "flask_login",
        "werkzeug",
    ),
    (
        "p-login050-wz21",
        ["Flask==2.1.3", "Werkzeug==2.1.2"],
        ["Flask-Login==0.5.0"],
        "flask_login",
        "werkzeug",
    ),
    (
        "p-wtf111-flask3",
        ["Flask==3.0.0", "WTForms==3.0.1"],
        ["Flask-WTF==1.1.1"],
        "flask_wtf",
        "flask",
    ),
    (
        "p-wtf111-wz3",
        ["Flask==2.3.3", "Werkzeug==3.0.1", "WTForms==3.0.1"],
        ["Flask-WTF==1.1.1"],
        "flask_wtf",
        "werkzeug",
    ),
    (
        "p-fsa251-flask3",
        ["Flask==3.0.0", "SQLAlchemy==1.4.50"],
        ["Flask-SQLAlchemy==2.5.1"],
        "flask_sqlalchemy",
        "flask",
    ),
    (
        # the import succeeds; creating the extension (module level in an app) fails
        "p-fsa251-sa2",
        ["Flask==2.2.5", "Werkzeug==2.2.3", "SQLAlchemy==2.0.23"],
        ["Flask-SQLAlchemy==2.5.1"],
        "flask_sqlalchemy; flask_sqlalchemy.SQLAlchemy()",
        "sqlalchemy",
    ),
]

FSA_301 = (["Flask==2.2.5", "Werkzeug==2.2.3", "SQLAlchemy==2.0.23"], ["Flask-SQLAlchemy==3.0.1"])


@pytest.mark.parametrize(("name", "requirements", "no_deps", "module", "other"), TABLE_CASES)
def test_dep004_table_entries_match_the_real_import_error(
    tmp_path: Path, name: str, requirements: list[str], no_deps: list[str], module: str, other: str
) -> None:
    python = python_of(name, requirements, no_deps)
    imported = run([python, "-c", f"import {module}"])
    assert imported.returncode != 0
    oracle = last_error_line(imported)
    root = write_tree(tmp_path, {"app.py": "import os\n"})
    reported = [f for f in findings(root, python, "DEP004") if f.data["other"] == other]
    assert len(reported) == 1, [f.message for f in findings(root, python, "DEP004")]
    assert oracle.startswith(reported[0].data["error"]), (oracle, reported[0].data["error"])


def test_dep004_flask_sqlalchemy_3_0_1_works_with_sqlalchemy_2(tmp_path: Path) -> None:
    python = python_of("p-fsa301-sa2", *FSA_301)
    created = run([python, "-c", "import flask_sqlalchemy; flask_sqlalchemy.SQLAlchemy()"])
    assert created.returncode == 0, created.stderr
    assert findings(write_tree(tmp_path, {"app.py": ""}), python, "DEP004") == []


def test_dep004_is_silent_on_a_working_pair(tmp_path: Path) -> None:
    python = python_of(
        "p-flask224-wz3",
        [],
        [
            "Flask==2.2.4",
            "Werkzeug==3.0.1",
            "Jinja2==3.1.2",
            "itsdangerous==2.1.2",
            "click==8.1.7",
            "MarkupSafe==2.1.3",
        ],
    )
    assert run([python, "-c", "import flask"]).returncode == 0
    root = write_tree(tmp_path, {"requirements.txt": "Flask==2.2.4\n"})
    assert findings(root, python, "DEP004") == []


# --- DEP003 agrees with pip check ------------------------------------------------------------

_PIP_CONFLICT = re.compile(r"^(\S+) (\S+) has requirement (.+), but you have (\S+) (\S+)\.$")
_PIP_MISSING = re.compile(r"^(\S+) (\S+) requires (\S+), which is not installed\.$")


def pip_check_pairs(python: str) -> set[tuple[str, str]]:
    out = run([python, "-m", "pip", "check", "--disable-pip-version-check"])
    pairs = set()
    for line in out.stdout.splitlines():
        conflict = _PIP_CONFLICT.match(line)
        missing = _PIP_MISSING.match(line)
        if conflict:
            pairs.add((canonicalize_name(conflict[1]), canonicalize_name(conflict[4])))
        elif missing:
            pairs.add((canonicalize_name(missing[1]), canonicalize_name(missing[3])))
        elif line.strip() and not line.startswith("No broken requirements"):
            raise AssertionError(f"unparsed pip check line: {line}")
    return pairs


@pytest.mark.parametrize(
    ("name", "requirements", "no_deps"),
    [
        ("pipcheck-conflict", ["Flask==3.0.3"], ["Werkzeug==2.3.8"]),
        ("pipcheck-missing", [], ["Flask==3.0.3", "Werkzeug==3.0.1"]),
        ("flask", ["flask==3.1.3"], []),
    ],
)
def test_dep003_reports_what_pip_check_reports(
    tmp_path: Path, name: str, requirements: list[str], no_deps: list[str]
) -> None:
    python = python_of(name, requirements, no_deps)
    oracle = pip_check_pairs(python)
    root = write_tree(tmp_path, {"requirements.txt": "flask\n", "app.py": "import flask\n"})
    ours = {(f.data["package"], f.data["requirement"]) for f in findings(root, python, "DEP003")}
    assert ours == oracle
    if name == "pipcheck-conflict":
        assert oracle == {("flask", "werkzeug")}
        (found,) = findings(root, python, "DEP003")
        assert found.path == "requirements.txt" and found.range.start.line == 0


# --- DEP001 / DEP002 ---------------------------------------------------------------------------


def test_dep001_missing_requirement_really_cannot_be_imported(tmp_path: Path) -> None:
    python = flask3()
    text = (
        "flask\n"
        "requests>=2  # missing\n"
        "tomli; python_version < '3.0'\n"  # marker false for this interpreter: not required
        "-r dev.txt\n"
    )
    root = write_tree(tmp_path, {"requirements.txt": text, "dev.txt": "PyYAML\n"})
    for module, importable in (("flask", True), ("requests", False), ("yaml", False)):
        assert (run([python, "-c", f"import {module}"]).returncode == 0) is importable
    found = findings(root, python, "DEP001")
    assert [(f.path, f.range.start.line, f.data["distribution"]) for f in found] == [
        ("dev.txt", 0, "pyyaml"),
        ("requirements.txt", 1, "requests"),
    ]
    assert "No module named 'yaml'" in found[0].message
    command = found[1].fixes[0].command
    assert command is not None
    assert (command.name, command.arguments) == (
        "flaskPreflight.installRequirements",
        (python, "requirements.txt"),
    )


def test_dep002_version_mismatch_is_what_pip_would_change(tmp_path: Path) -> None:
    python = flask3()
    root = write_tree(tmp_path, {"requirements.txt": "click\nFlask==2.3.3\n"})
    (found,) = findings(root, python, "DEP002")
    assert (found.range.start.line, found.data["installed"]) == (1, "3.1.3")
    # the oracle: pip would replace the installed Flask to satisfy the file
    report = tmp_path / "report.json"
    result = run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--no-deps",
            "--quiet",
            "--report",
            str(report),
            "-r",
            str(root / "requirements.txt"),
        ]
    )
    assert result.returncode == 0, result.stderr
    changed = {
        canonicalize_name(i["metadata"]["name"]) for i in json.loads(report.read_text())["install"]
    }
    assert changed == {"flask"}


def test_markers_and_stdlib_follow_the_target_python_not_ours(tmp_path: Path) -> None:
    """A venv of another Python version (3.8), read statically: markers and the standard
    library are those of 3.8 even though the tests run on another version."""
    venv = tmp_path / "old-venv"
    site = venv / "lib" / "python3.8" / "site-packages"
    site.mkdir(parents=True)
    (venv / "bin").mkdir()
    (venv / "bin" / "python").symlink_to(sys.executable)
    (venv / "pyvenv.cfg").write_text(
        f"home = {os.path.dirname(sys.executable)}\ninclude-system-site-packages = false\n"
        "version = 3.8.18\n"
    )
    dist = site / "flask-2.3.3.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: Flask\nVersion: 2.3.3\n")
    (dist / "top_level.txt").write_text("flask\n")
    env = read_environment(str(venv / "bin" / "python"), allow_exec=False)
    assert env.version == (3, 8, 18)
    root = write_tree(
        tmp_path / "proj",
        {
            "requirements.txt": "flask\ntomli; python_version < '3.11'\n"
            "exceptiongroup; python_version >= '3.11'\n",
            "app.py": "import flask\nimport graphlib\nimport tomllib\nimport asyncore\nimport imp\n",
        },
    )
    project = Project(root, interpreter=str(venv / "bin" / "python"))
    dep001 = run_checks(project, select={"DEP001"})
    assert [f.data["distribution"] for f in dep001] == ["tomli"]
    dep005 = run_checks(project, select={"DEP005"})
    # graphlib (3.9) and tomllib (3.11) do not exist in 3.8; asyncore and imp still do
    assert [f.data["module"] for f in dep005] == ["graphlib", "tomllib"]
    assert "graphlib" not in stdlib_modules((3, 8, 18))
    assert "asyncore" not in stdlib_modules((3, 12, 0))


# --- DEP005 -------------------------------------------------------------------------------------

APP = """\
import os, json
import yaml
import flask
from flask import Flask
from . import sibling
from .models import User
import mypkg.sub
import nspkg.thing
from typing import TYPE_CHECKING
try:
    import ujson as fast_json
except ImportError:
    fast_json = None
if TYPE_CHECKING:
    import mypy_extensions
if sys.version_info >= (3, 99):
    import future_only

def later():
    import markdown_not_installed
"""


def test_dep005_flags_exactly_the_imports_that_fail_in_that_interpreter(tmp_path: Path) -> None:
    python = flask3()
    root = write_tree(
        tmp_path,
        {
            "app.py": APP,
            "src/mypkg/__init__.py": "",
            "src/mypkg/sub.py": "",
            "nspkg/thing.py": "",
        },
    )
    found = findings(root, python, "DEP005")
    flagged = {f.data["module"]: f for f in found}
    assert set(flagged) == {"yaml", "markdown_not_installed"}
    assert (flagged["yaml"].range.start.line, flagged["yaml"].range.start.character) == (1, 7)
    assert "the function that imports it fails" in flagged["markdown_not_installed"].message
    assert "PyYAML" in flagged["yaml"].message
    # the oracle: in that interpreter, with the project on sys.path the way it runs
    env = {"PYTHONPATH": os.pathsep.join([str(root), str(root / "src")])}
    for module in (
        "os",
        "json",
        "flask",
        "mypkg.sub",
        "nspkg.thing",
        "yaml",
        "markdown_not_installed",
    ):
        result = subprocess.run(
            [python, "-c", f"import {module}"],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=root,
            env={**os.environ, **env},
        )
        assert (result.returncode != 0) == (module.split(".")[0] in flagged), module


# --- DEP006 -------------------------------------------------------------------------------------

REMOVED = """\
import flask
from flask import Flask, escape
app = Flask(__name__)

@app.before_first_request
def setup():
    return flask.Markup("<b>")
"""


def test_dep006_removed_apis_fail_in_the_installed_flask_only(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"app.py": REMOVED})
    new, old = flask3(), python_of("flask203-wz3", ["Flask==2.0.3"])
    found = findings(root, new, "DEP006")
    assert [(f.range.start.line, f.data["api"]) for f in found] == [
        (1, "flask.escape"),
        (4, "app.before_first_request"),
        (6, "flask.Markup"),
    ]
    for statement, error in (
        ("from flask import escape", "ImportError: cannot import name 'escape' from 'flask'"),
        ("import flask; flask.Flask('x').before_first_request", "AttributeError"),
        ("import flask; flask.Markup", "AttributeError: Markup"),
    ):
        result = run([new, "-c", statement])
        assert result.returncode != 0 and last_error_line(result).startswith(error), statement
    assert any("ImportError: cannot import name 'escape' from 'flask'" in f.message for f in found)
    # Flask 2.0.3 still had all three: nothing to report there
    assert run([old, "-c", "import werkzeug"]).returncode == 0
    assert findings(root, old, "DEP006") == []


# --- DEP007 -------------------------------------------------------------------------------------


def test_dep007_flask_really_ignores_flaskenv_without_python_dotenv(tmp_path: Path) -> None:
    files = {
        ".flaskenv": "FLASK_APP=hello\n",
        "hello.py": "from flask import Flask\napp = Flask(__name__)\n",
        "requirements.txt": "flask",
    }
    root = write_tree(tmp_path, files)
    without, with_dotenv = flask3(), python_of("flask-dotenv", ["flask==3.1.3", "python-dotenv"])
    # the oracle: `flask routes` finds the app only when python-dotenv reads .flaskenv
    ignored = run([without, "-m", "flask", "routes"], cwd=root)
    assert ignored.returncode != 0 and "python-dotenv" in ignored.stderr + ignored.stdout
    assert run([with_dotenv, "-m", "flask", "routes"], cwd=root).returncode == 0
    (found,) = findings(root, without, "DEP007")
    assert found.path == ".flaskenv"
    assert findings(root, with_dotenv, "DEP007") == []
    fixed = apply_edits(files["requirements.txt"], list(found.fixes[0].edits))
    assert fixed == "flask\npython-dotenv\n"


# --- DEP008 and the examples -------------------------------------------------------------------


def test_dep008_unparseable_line_is_what_pip_refuses(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"requirements.txt": "flask\nflask>=2.0,,<3\n"})
    result = run(
        [flask3(), "-m", "pip", "install", "--dry-run", "-r", str(root / "requirements.txt")]
    )
    assert result.returncode != 0 and "Invalid requirement" in result.stderr
    (found,) = findings(root, flask3(), "DEP008")
    assert (found.range.start.line, found.range.end.character) == (1, len("flask>=2.0,,<3"))


def test_example_old_flask_werkzeug3(tmp_path: Path) -> None:
    example = EXAMPLES / "old-flask-werkzeug3"
    python = python_of("flask203-wz3", ["Flask==2.0.3"])
    result = run(
        [
            sys.executable,
            "-m",
            "flask_preflight",
            "check",
            str(example),
            "--python",
            python,
            "--format",
            "json",
        ]
    )
    report = json.loads(result.stdout)
    rules = {(f["rule"], f["path"], f["range"]["start"]["line"]) for f in report["findings"]}
    assert ("DEP004", "requirements.txt", 1) in rules


def test_example_dotenv_missing() -> None:
    example = EXAMPLES / "dotenv-missing"
    result = run(
        [
            sys.executable,
            "-m",
            "flask_preflight",
            "check",
            str(example),
            "--python",
            flask3(),
            "--format",
            "json",
        ]
    )
    rules = {(f["rule"], f["path"]) for f in json.loads(result.stdout)["findings"]}
    assert ("DEP007", ".flaskenv") in rules


def test_windows_layout_venv_is_read_statically_with_windows_markers(tmp_path: Path) -> None:
    """A venv made on Windows (Scripts/python.exe, Lib/site-packages), e.g. a shared folder:
    read without running it, markers evaluated for win32."""
    venv = tmp_path / "proj" / ".venv"
    site = venv / "Lib" / "site-packages"
    site.mkdir(parents=True)
    (venv / "Scripts").mkdir()
    (venv / "Scripts" / "python.exe").write_bytes(b"MZ")
    (venv / "pyvenv.cfg").write_text(
        f"home = {tmp_path}\ninclude-system-site-packages = false\nversion = 3.12.1\n"
    )
    dist = site / "flask-3.0.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: Flask\nVersion: 3.0.0\n")
    env = read_environment(str(venv / "Scripts" / "python.exe"), allow_exec=False)
    assert env.healthy and env.is_venv and env.version == (3, 12, 1)
    assert env.platform["sys_platform"] == "win32" and list(env.distributions) == ["flask"]
    root = write_tree(
        tmp_path / "proj",
        {"requirements.txt": "flask\npywin32; sys_platform == 'win32'\nuvloop; os_name != 'nt'\n"},
    )
    project = Project(root, interpreter=str(venv / "Scripts" / "python.exe"))
    assert [f.data["distribution"] for f in run_checks(project, select={"DEP001"})] == ["pywin32"]


def test_dep004_pin_fix_in_pyproject_is_valid_toml_that_pip_reads(tmp_path: Path) -> None:
    python = python_of("flask203-wz3", ["Flask==2.0.3"])
    text = '[project]\nname = "demo"\nversion = "1.0"\ndependencies = [\n    "Flask==2.0.3",\n]\n'
    root = write_tree(tmp_path, {"pyproject.toml": text})
    (found,) = findings(root, python, "DEP004")
    assert (found.path, found.range.start.line) == ("pyproject.toml", 4)
    fixed = apply_edits(text, list(found.fixes[0].edits))
    from flask_preflight.analysis.requirements import tomllib

    assert tomllib.loads(fixed)["project"]["dependencies"] == ["Flask==2.0.3", "Werkzeug<3.0"]


def test_declared_werkzeug_is_narrowed_instead_of_added_twice(tmp_path: Path) -> None:
    python = python_of("flask203-wz3", ["Flask==2.0.3"])
    text = "Flask==2.0.3\nwerkzeug[watchdog]  # the reloader\n"
    root = write_tree(tmp_path, {"requirements.txt": text})
    (found,) = findings(root, python, "DEP004")
    fixed = apply_edits(text, list(found.fixes[0].edits))
    assert fixed == "Flask==2.0.3\nwerkzeug[watchdog]<3.0  # the reloader\n"


def test_dep004_after_the_pin_only_offers_the_install(tmp_path: Path) -> None:
    python = python_of("flask203-wz3", ["Flask==2.0.3"])
    root = write_tree(tmp_path, {"requirements.txt": "Flask==2.0.3\nWerkzeug<3.0\n"})
    (found,) = findings(root, python, "DEP004")
    (fix,) = found.fixes
    assert not fix.edits and fix.command is not None
    assert fix.command.name == "flaskPreflight.installRequirements"
