"""Root causes (analysis/causes.py): one headline for "nothing is installed", the rest folded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from flask_preflight.analysis.causes import group_by_cause, install_plan, setup_command
from flask_preflight.analysis.environment.model import Environment
from flask_preflight.analysis.model import Severity
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import run_checks
from tests.conftest import write_tree
from tests.venvs import make_venv, venv_python


def fake_global_python(
    where: Path, dists: dict[str, str] | None = None, broken: bool = False, managed: bool = False
) -> Path:
    """A distribution Python's layout (prefix/bin/python3.X, prefix/lib/python3.X/
    site-packages), read statically like any interpreter: `dists` are installed in it (name ->
    version), `broken` adds a package whose own requirement is missing (what DEP003 reports)."""
    major, minor = sys.version_info[:2]
    stdlib = where / "lib" / f"python{major}.{minor}"
    site = stdlib / "site-packages"
    site.mkdir(parents=True)
    if managed:
        (stdlib / "EXTERNALLY-MANAGED").write_text("[externally-managed]\nError=use a venv\n")
    packages = dict(dists or {})
    if broken:
        packages["distro-tool"] = "1.0"
    for name, version in packages.items():
        module = name.lower().replace("-", "_")
        info = site / f"{module}-{version}.dist-info"
        info.mkdir()
        requires = "Requires-Dist: surely-missing-helper>=1\n" if name == "distro-tool" else ""
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{requires}"
        )
        (info / "top_level.txt").write_text(module + "\n")
        (site / module).mkdir()
        # Any name resolves (a module __getattr__): the layout stands for a real package,
        # which the start-up import linker (DEP009) then has nothing to say about.
        (site / module / "__init__.py").write_text("def __getattr__(name):\n    return name\n")
    (where / "bin").mkdir()
    python = where / "bin" / f"python{major}.{minor}"
    python.write_text("#!/bin/sh\nexit 1\n")  # never run: the layout says everything
    python.chmod(0o755)
    return python


FRESH_CLONE = {
    "requirements.txt": "flask==2.1.0\nrequests\nsqlalchemy\nredis\ngunicorn\npython-dotenv\n",
    "app.py": "from flask import Flask\nimport requests\nimport redis\n\napp = Flask(__name__)\n",
    "models.py": "import sqlalchemy\nimport werkzeug\n",
    "views.py": "from flask import escape\nimport requests\n",
    ".flaskenv": "FLASK_APP=app\nFLASK_ENV=development\n",
}


def _fresh_clone(tmp_path: Path, files: dict[str, str] | None = None) -> Project:
    python = fake_global_python(tmp_path / "usr", {"Flask": "3.1.0"}, broken=True, managed=True)
    root = write_tree(tmp_path / "proj", files or FRESH_CLONE)
    return Project(root, interpreter=str(python), settings={"interpreter_source": "explicit"})


def test_a_fresh_clone_shows_one_headline_and_folds_what_it_explains(tmp_path: Path) -> None:
    project = _fresh_clone(tmp_path)
    findings = run_checks(project)
    assert {"DEP001", "DEP002", "DEP003", "DEP005", "ENV001"} <= {f.rule for f in findings}
    grouped = group_by_cause(findings, project)
    headline, *rest = grouped
    assert headline.rule == "ENV001" and headline.cause is None
    assert headline.path == "requirements.txt"
    assert headline.message.startswith(
        "No virtualenv: 5 of 6 requirements are missing from "
        f"{project.interpreter} (Python {sys.version_info[0]}.{sys.version_info[1]}.0) "
        "and 1 is at other versions. Run: `python3 -m venv .venv && .venv/bin/python -m pip "
        "install -r requirements.txt`."
    )
    assert "EXTERNALLY-MANAGED" in headline.message
    # it explains failures that are certain, so it is as severe as they are
    assert headline.severity.label == "error"
    # unless the user set its severity
    configured = {"ENV001": Severity.INFORMATION}
    first = group_by_cause(
        run_checks(project, severities=configured), project, severities=configured
    )
    assert first[0].rule == "ENV001" and first[0].severity == Severity.INFORMATION
    assert headline.fixes[0].command is not None
    assert headline.fixes[0].command.name == "flaskPreflight.createVenv"
    shown = [f for f in rest if f.cause is None]
    folded = [f for f in rest if f.cause is not None]
    assert shown == []
    assert {f.rule for f in folded} == {
        "DEP001",
        "DEP002",
        "DEP003",
        "DEP005",
        "DEP007",
    }
    assert {f.cause for f in folded} == {"ENV001"}
    assert f"{len(folded)} more findings follow from this" in headline.message
    assert headline.data["folded"] == len(folded)
    assert headline.data["missing"] == [
        "gunicorn",
        "python-dotenv",
        "redis",
        "requests",
        "sqlalchemy",
    ]
    assert headline.data["mismatched"] == ["flask"]
    # nothing else is lost: only the verdicts the project's pin (Flask 2.1) contradicts go
    assert len(grouped) == len([f for f in findings if f.rule not in ("SRV010", "DEP006")])


def test_without_a_cause_findings_are_sorted_by_severity_and_untouched(tmp_path: Path) -> None:
    python = fake_global_python(tmp_path / "usr", {"Flask": "3.1.0"})
    root = write_tree(
        tmp_path / "proj",
        {"app.py": "from flask import Flask\napp = Flask(__name__)\napp.run()\n"},
    )
    project = Project(root, interpreter=str(python))
    findings = run_checks(project)
    assert group_by_cause(findings, project) == sorted(findings, key=lambda f: f.severity)
    assert all(f.cause is None for f in group_by_cause(findings, project))


def test_nothing_missing_makes_no_env005_and_keeps_env001s_words(tmp_path: Path) -> None:
    python = fake_global_python(tmp_path / "usr", {"Flask": "3.1.0"}, broken=True)
    app = "from flask import Flask\napp = Flask(__name__)\n"
    bare = write_tree(tmp_path / "bare", {"app.py": app})
    project = Project(bare, interpreter=str(python))
    grouped = group_by_cause(run_checks(project), project)
    # the global Python's own broken package is all there is: no headline to invent
    assert [f.rule for f in grouped] == ["DEP003"] and grouped[0].cause is None
    declared = write_tree(tmp_path / "declared", {"app.py": app, "requirements.txt": "flask\n"})
    project = Project(declared, interpreter=str(python))
    findings = run_checks(project)
    [env001] = [f for f in findings if f.rule == "ENV001"]
    headline, dep003 = group_by_cause(findings, project)
    assert (
        headline.message == env001.message + " 1 more finding follows from this (folded under it)."
    )
    assert dep003.rule == "DEP003" and dep003.cause == "ENV001"


def test_removed_flask_api_is_judged_on_the_projects_pin_not_the_global_flask(
    tmp_path: Path,
) -> None:
    # views.py imports flask.escape (removed in Flask 3.0); the global Python has Flask 3.1
    for pin, expected in (("flask==2.1.0", None), ("flask>=3.0", None), ("flask", "ENV001")):
        files = {**FRESH_CLONE, "requirements.txt": pin + "\n"}
        project = _fresh_clone(tmp_path / pin.replace("=", "_").replace(">", "g"), files)
        findings = run_checks(project)
        assert "DEP006" in {f.rule for f in findings}  # the check judges the global Flask
        grouped = group_by_cause(findings, project)
        dep006 = [f for f in grouped if f.rule == "DEP006"]
        if pin == "flask==2.1.0":
            assert dep006 == []  # the project's Flask still has it: no finding at all
        elif pin == "flask>=3.0":
            assert [f.cause for f in dep006] == [None]  # every allowed Flask lacks it
        else:
            assert [f.cause for f in dep006] == [expected]  # depends on what gets installed
            assert "wait for the project's own interpreter" in grouped[0].message


def test_flask_env_is_judged_on_the_projects_pin(tmp_path: Path) -> None:
    files = {"requirements.txt": "flask==2.1.0\n", ".flaskenv": "FLASK_ENV=development\n"}
    project = _fresh_clone(tmp_path, files)
    findings = run_checks(project)
    assert "SRV010" in {f.rule for f in findings}  # against the global Flask 3.1
    assert "SRV010" not in {f.rule for f in group_by_cause(findings, project)}


def test_a_rule_filter_without_the_headline_folds_nothing(tmp_path: Path) -> None:
    project = _fresh_clone(tmp_path)
    only = run_checks(project, select={"DEP001"})
    grouped = group_by_cause(only, project, select={"DEP001"})
    assert {f.rule for f in grouped} == {"DEP001"} and all(f.cause is None for f in grouped)
    # ENV005 switched off is never brought back as a headline either
    nested = _fresh_clone(tmp_path / "n", {"api/app.py": "import requests\n"})
    findings = run_checks(nested)
    without = group_by_cause(findings, nested, ignore={"ENV005"})
    assert "ENV005" not in {f.rule for f in without} and all(f.cause is None for f in without)
    assert "ENV005" in {f.rule for f in group_by_cause(findings, nested)}


def test_a_project_declared_in_a_subfolder_gets_env005_with_that_file(tmp_path: Path) -> None:
    files = {
        "api/requirements.txt": "flask==2.0.1\n",
        "api/api.py": "import flask\nimport dotenv\n",
        "api/.flaskenv": "FLASK_ENV=development\n",
    }
    project = _fresh_clone(tmp_path, files)
    grouped = group_by_cause(run_checks(project), project)
    headline = grouped[0]
    assert headline.rule == "ENV005" and headline.path == "api/requirements.txt"
    assert headline.message.startswith("No virtualenv: 1 module the app imports is missing from"), (
        headline.message
    )
    assert "pip install -r api/requirements.txt`" in headline.message
    assert headline.fixes[0].command is not None
    assert headline.fixes[0].command.arguments == (str(project.root), "api/requirements.txt")
    # python-dotenv is declared nowhere: that .flaskenv is ignored is a problem of its own
    assert {f.rule for f in grouped[1:] if f.cause is None} == {"DEP007"}
    assert {f.rule for f in grouped if f.cause == "ENV005"} == {"DEP003", "DEP005", "SRV010"}


def test_the_projects_own_venv_missing_requirements_gets_env005_with_pip(
    tmp_path: Path,
) -> None:
    venv = make_venv("causes-empty")
    root = write_tree(
        tmp_path / "proj",
        {
            "requirements.txt": "flask\nrequests\nredis\n",
            "app.py": "import flask\nimport requests\nimport undeclared_thing\n",
        },
    )
    project = Project(root, interpreter=str(venv_python(venv)))
    grouped = group_by_cause(run_checks(project), project)
    headline = grouped[0]
    assert headline.rule == "ENV005"
    assert headline.message.startswith(
        f"Requirements not installed: all 3 requirements are missing from {venv_python(venv)}"
    )
    assert f"Run: `{venv_python(venv)} -m pip install -r requirements.txt`" in headline.message
    assert headline.fixes[0].command is not None
    assert headline.fixes[0].command.name == "flaskPreflight.installRequirements"
    folded = {(f.rule, f.data.get("module")) for f in grouped if f.cause == "ENV005"}
    assert ("DEP001", None) in folded
    assert ("DEP005", "flask") in folded and ("DEP005", "requests") in folded
    # an import no requirement provides is its own problem, not this cause's
    [kept] = [f for f in grouped[1:] if f.cause is None]
    assert kept.rule == "DEP005" and kept.data["module"] == "undeclared_thing"
    # two missing requirements read better as their own lines: no headline
    (root / "requirements.txt").write_text("flask\nrequests\n")
    two = Project(root, interpreter=str(venv_python(venv)))
    assert "ENV005" not in {f.rule for f in group_by_cause(run_checks(two), two)}


def test_the_setup_command_follows_the_platform_and_the_projects_tool(tmp_path: Path) -> None:
    posix = Environment(interpreter="/usr/bin/python3")
    windows = Environment(interpreter="C:\\Python311\\python.exe", platform={"os_name": "nt"})
    cases = {
        "requirements": ({"requirements.txt": "flask\n"}, "-r requirements.txt"),
        "pyproject": (
            {"pyproject.toml": '[project]\nname = "x"\ndependencies = ["flask"]\n'},
            "-e .",
        ),
    }
    for name, (files, args) in cases.items():
        plan = install_plan(Project(write_tree(tmp_path / name, files)))
        assert setup_command(posix, plan) == (
            f"python3 -m venv .venv && .venv/bin/python -m pip install {args}"
        )
        assert setup_command(windows, plan) == (
            f"py -m venv .venv && .venv\\Scripts\\python -m pip install {args}"
        )
    tools = {
        "uv sync": {"pyproject.toml": '[project]\nname = "x"\ndependencies = []\n', "uv.lock": ""},
        "poetry install": {
            "pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.9"\nflask = "^3"\n'
        },
        "pipenv install": {"Pipfile": '[packages]\nflask = "*"\n'},
    }
    for command, files in tools.items():
        plan = install_plan(Project(write_tree(tmp_path / command.split()[0], files)))
        assert setup_command(posix, plan) == command


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "NO_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "flask_preflight", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_cli_shows_the_headline_first_and_show_all_expands(tmp_path: Path) -> None:
    project = _fresh_clone(tmp_path)
    root, python = str(project.root), str(project.interpreter)
    text = _cli("check", root, "--python", python)
    assert text.returncode == 1
    lines = text.stdout.splitlines()
    assert lines[0].startswith("requirements.txt:1:1: ENV001 No virtualenv: 5 of 6")
    assert len(lines) == 2, lines
    assert "more follow from ENV001 (`--show-all` lists them)." in lines[-1]
    full = _cli("check", root, "--python", python, "--show-all").stdout.splitlines()
    assert full[0] == lines[0]
    assert full[1] == "Explained by ENV001 (fix it first, then check again):"
    # DEP005 once per module, at its first import in the app's code (app.py, not views.py)
    assert any(
        line.startswith("    app.py:2:") and "DEP005" in line and "imported in 2 files" in line
        for line in full
    )
    report = json.loads(_cli("check", root, "--python", python, "--format", "json").stdout)
    findings = report["findings"]
    contract = {"rule", "name", "severity", "path", "range", "message", "fixes"}
    assert all(contract <= set(f) for f in findings)
    assert findings[0]["rule"] == "ENV001" and findings[0]["cause"] is None
    assert len(findings) > 10 and {f["cause"] for f in findings[1:]} == {"ENV001"}
    sarif = json.loads(_cli("check", root, "--python", python, "--format", "sarif").stdout)
    results = sarif["runs"][0]["results"]
    assert results[0]["ruleId"] == "ENV001"
    assert len(results[0]["relatedLocations"]) == len(results) - 1
    assert {r["properties"]["cause"] for r in results[1:]} == {"ENV001"}


def test_cli_fix_leaves_what_a_root_cause_holds_back(tmp_path: Path) -> None:
    # FLASK_ENV judged against the global Flask 3.1, for a project whose Flask is unpinned:
    # rewriting it to FLASK_DEBUG would be a guess, so --fix leaves it for the project's venv.
    files = {"requirements.txt": "flask\n", ".flaskenv": "FLASK_ENV=development\n"}
    project = _fresh_clone(tmp_path, files)
    result = _cli("check", str(project.root), "--python", str(project.interpreter), "--fix")
    assert (project.root / ".flaskenv").read_text() == "FLASK_ENV=development\n"
    assert ".flaskenv" not in result.stderr
