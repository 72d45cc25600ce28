"""Whole projects: three realistic layouts that must be clean and really serve, the three
entry-point examples, and the `flask-preflight entrypoints` command line contract."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from flask_preflight.analysis.edits import apply_edits
from flask_preflight.analysis.entrypoints import (
    app_targets,
    check_declaration,
    entrypoints_report,
    find_declarations,
)
from flask_preflight.analysis.entrypoints.discovery import project_apps
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import run_checks

from .conftest import EXAMPLES, REPO
from .test_entrypoints_oracle import SERVERS, oracle
from .venvs import make_venv, venv_python

LAYOUTS = REPO / "tests" / "fixtures" / "entrypoints"

#: Each layout: the declaration we expect, and how the real server is started for it.
EXPECTED = {
    "procfile-app": ("Procfile", "gunicorn", "app:app", ["app:app", "--workers", "1"]),
    "factory-package-docker": (
        "Dockerfile", "gunicorn", "flaskr:create_app()", ["flaskr:create_app()"],
    ),
    "src-layout-wsgi": ("gunicorn.conf.py", "gunicorn", "wsgi:app", ["-c", "gunicorn.conf.py", "--workers", "1"]),
}  # fmt: skip


@pytest.fixture(scope="module")
def servers() -> Path:
    return make_venv("servers", SERVERS)


def copy_layout(name: str, tmp_path: Path) -> Path:
    # Same folder name as in the repository: the systemd unit names its folder.
    root = tmp_path / name
    shutil.copytree(LAYOUTS / name, root)
    return root


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_realistic_layout_is_clean_and_served(name: str, tmp_path: Path, servers: Path) -> None:
    root = copy_layout(name, tmp_path)
    project = Project(root, interpreter=str(venv_python(servers)))
    findings = run_checks(project)
    assert findings == [], [(f.rule, f.path, f.message) for f in findings]
    source, server, target, argv = EXPECTED[name]
    [declaration] = find_declarations(project)
    assert (declaration.source, declaration.server, declaration.target) == (source, server, target)
    verdict = check_declaration(project, declaration)
    assert verdict.ok and verdict.app is not None
    served, output = oracle(servers, server, argv, root / declaration.cwd)
    assert served, output


def test_layout_breaks_when_moved_out_of_its_working_dir(tmp_path: Path) -> None:
    """The src layout relies on gunicorn.conf.py's pythonpath: without it, SRV001."""
    root = copy_layout("src-layout-wsgi", tmp_path)
    conf = root / "gunicorn.conf.py"
    conf.write_text(conf.read_text().replace('pythonpath = "src"\n', ""))
    (root / "wsgi.py").unlink()
    conf.write_text(conf.read_text().replace("wsgi:app", "myservice:create_app()"))
    [finding] = [f for f in run_checks(Project(root)) if f.rule.startswith("SRV")]
    assert finding.rule == "SRV001" and finding.path == "gunicorn.conf.py"
    assert finding.range.start.line == 3


# --- examples --------------------------------------------------------------------------------

EXAMPLE_FINDINGS = {
    "wrong-gunicorn-target": ("SRV002", "Procfile", (0, 14, 0, 29), "app:app"),
    "factory-without-call": ("SRV003", "Procfile", (0, 14, 0, 29), "'shop:create_app()'"),
    "debug-in-production": (
        "APP005",
        "app.py",
        (11, 45, 11, 49),
        'os.environ.get("FLASK_DEBUG") == "1"',
    ),
}


@pytest.mark.parametrize("example", sorted(EXAMPLE_FINDINGS))
def test_example_finding_and_fix(example: str, tmp_path: Path) -> None:
    root = tmp_path / example
    shutil.copytree(EXAMPLES / example, root)
    rule, path, (line, col, end_line, end_col), new_text = EXAMPLE_FINDINGS[example]
    findings = [f for f in run_checks(Project(root)) if f.rule.startswith(("SRV", "APP"))]
    assert [(f.rule, f.path) for f in findings] == [(rule, path)]
    finding = findings[0]
    rng = finding.range
    assert (rng.start.line, rng.start.character, rng.end.line, rng.end.character) == (
        line, col, end_line, end_col,
    )  # fmt: skip
    fix = finding.fixes[0]
    assert any(edit.new_text == new_text for edit in fix.edits)
    for target in {e.path for e in fix.edits}:
        text = (root / target).read_text()
        (root / target).write_text(apply_edits(text, [e for e in fix.edits if e.path == target]))
    after = [f for f in run_checks(Project(root)) if f.rule.startswith(("SRV", "APP"))]
    assert after == [], [(f.rule, f.message) for f in after]


@pytest.mark.oracle
def test_wrong_gunicorn_target_example_fails_then_serves(tmp_path: Path, servers: Path) -> None:
    root = tmp_path / "example"
    shutil.copytree(EXAMPLES / "wrong-gunicorn-target", root)
    served, output = oracle(servers, "gunicorn", ["app:application"], root)
    assert not served and "Failed to find attribute 'application' in 'app'." in output
    project = Project(root)
    [finding] = [f for f in run_checks(project) if f.rule == "SRV002"]
    assert "Failed to find attribute 'application' in 'app'." in finding.message
    procfile = root / "Procfile"
    procfile.write_text(apply_edits(procfile.read_text(), finding.fixes[0].edits))
    assert procfile.read_text() == "web: gunicorn app:app\n"
    served, output = oracle(servers, "gunicorn", ["app:app"], root)
    assert served, output


# --- app_targets ----------------------------------------------------------------------------


@pytest.mark.oracle
def test_app_targets_are_served_by_gunicorn_and_flask(tmp_path: Path, servers: Path) -> None:
    root = copy_layout("src-layout-wsgi", tmp_path)
    project = Project(root)
    factory = next(a for a in project_apps(project) if a.name == "create_app")
    targets = app_targets(project, factory)
    assert targets == {
        "flask": "myservice:create_app()",
        "gunicorn": "myservice:create_app()",
        "cwd": "src",
    }
    # An absolute working directory (what an editor has) means the same folder.
    assert app_targets(project, factory, str(root)) == targets
    served, output = oracle(servers, "gunicorn", [targets["gunicorn"]], root / targets["cwd"])
    assert served, output
    served, output = oracle(servers, "flask", ["--app", targets["flask"]], root / targets["cwd"])
    assert served, output


# --- the command line -----------------------------------------------------------------------

REPORT_SCHEMA = {
    "type": "object",
    "required": ["apps", "entrypoints"],
    "additionalProperties": False,
    "properties": {
        "apps": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["path", "line", "name", "kind"],
                "properties": {
                    "path": {"type": "string"},
                    "line": {"type": "integer", "minimum": 1},
                    "name": {"type": "string"},
                    "kind": {"enum": ["instance", "factory"]},
                },
            },
        },
        "entrypoints": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["source", "line", "server", "target", "status", "app"],
                "properties": {
                    "source": {"type": "string"},
                    "line": {"type": "integer", "minimum": 1},
                    "server": {
                        "enum": ["gunicorn", "uwsgi", "flask", "waitress", "python", "unknown"]
                    },
                    "target": {"type": "string"},
                    "status": {"type": "string"},
                    "app": {"type": ["string", "null"]},
                    "reason": {"type": "string"},
                },
            },
        },
    },
}


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flask_preflight", *args],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_entrypoints_json_contract(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(EXAMPLES / "wrong-gunicorn-target", root)
    (root / "docker-compose.yml").write_text("services: [broken\n")
    result = run_cli("entrypoints", str(root), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    jsonschema.validate(report, REPORT_SCHEMA)
    assert report["apps"] == [{"path": "app.py", "line": 3, "name": "app", "kind": "instance"}]
    procfile, compose = report["entrypoints"]
    assert procfile == {
        "source": "Procfile",
        "line": 1,
        "server": "gunicorn",
        "target": "app:application",
        "status": "entrypoint-attribute-not-found",
        "app": None,
    }
    assert compose["status"] == "unknown" and "not valid YAML" in compose["reason"]
    assert report == entrypoints_report(Project(root))


def test_entrypoints_text_lists_each_verdict(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(LAYOUTS / "factory-package-docker", root)
    (root / "Procfile").write_text("web: gunicorn flaskr:create_app\n")
    result = run_cli("entrypoints", str(root))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "  flaskr/__init__.py:8: factory create_app" in lines
    assert any(
        line.startswith("  Dockerfile:12: gunicorn flaskr:create_app()") and "-> ok" in line
        for line in lines
    )
    assert any(
        "Procfile:1: gunicorn flaskr:create_app " in line and "entrypoint-not-an-app" in line
        for line in lines
    )
