"""The CI recipes of docs/ci.md, run for real: the pre-commit hook of this repository (pre-commit
installs it from a local clone) and the code-scanning step that writes SARIF."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import EXAMPLES, REPO
from tests.venvs import make_venv

DOC = REPO / "docs" / "ci.md"
SARIF_SCHEMA = REPO / "node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"
BIN = Path(sys.executable).parent


def _git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    result = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def _hook_repository(tmp_path: Path) -> tuple[Path, str]:
    """A git repository holding this working tree's hook definition and package (what a
    user's pre-commit clones), and its commit."""
    repo = tmp_path / "hook-repo"
    repo.mkdir()
    for name in (".pre-commit-hooks.yaml", "pyproject.toml", "README.md"):
        shutil.copy(REPO / name, repo / name)
    shutil.copytree(
        REPO / "server", repo / "server", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "hook")
    return repo, _git(repo, "rev-parse", "HEAD")


def _user_project(tmp_path: Path, example: str, hook_repo: Path, rev: str, args: str) -> Path:
    project = tmp_path / example
    shutil.copytree(EXAMPLES / example, project)
    (project / ".gitignore").write_text(".venv/\n")
    (project / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {hook_repo}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: flask-preflight\n"
        f"        args: {args}\n"
    )
    _git(project, "init", "-q")
    _git(project, "add", ".")
    return project


def _pre_commit(project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env["PRE_COMMIT_HOME"] = str(home)
    return subprocess.run(
        [str(BIN / "pre-commit"), "run", "--all-files", "--color", "never"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.timeout(1200)
def test_the_pre_commit_hook_from_this_repository(tmp_path: Path) -> None:
    hook_repo, rev = _hook_repository(tmp_path)
    home = tmp_path / "pre-commit-home"
    # A project with a problem: the commit is refused, the finding printed.
    bad = _user_project(tmp_path, "unguarded-run", hook_repo, rev, '[--select, "APP,SRV"]')
    result = _pre_commit(bad, home)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "flask-preflight" in result.stdout and "Failed" in result.stdout
    assert re.search(r"app\.py:12:1: APP001 ", result.stdout), result.stdout
    # A clean project passes.
    good = _user_project(tmp_path, "hello-ok", hook_repo, rev, '[--select, "APP,SRV"]')
    result = _pre_commit(good, home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout
    # The app's interpreter is the project's venv (here holding Flask), not the environment
    # pre-commit installed the hook in (no Flask there: DEP001 would say it is missing).
    venv = make_venv("flask", ["flask==3.1.3"])
    env_project = _user_project(tmp_path / "env", "hello-ok", hook_repo, rev, "[--select, DEP001]")
    (env_project / "requirements.txt").write_text("flask\n")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_project / ".venv")])
    site = next((env_project / ".venv" / "lib").glob("python*/site-packages"))
    for dist in next(venv.glob("lib/python*/site-packages")).glob("flask-*.dist-info"):
        shutil.copytree(dist, site / dist.name)
    result = _pre_commit(env_project, home)
    assert result.returncode == 0, result.stdout + result.stderr


def _code_scanning_step() -> str:
    text = DOC.read_text(encoding="utf-8")
    step = text.split("# BEGIN code-scanning step")[1].split("# END code-scanning step")[0]
    lines = step.splitlines()[1:]
    assert lines[0].strip() == "- run: |"
    indent = len(lines[1]) - len(lines[1].lstrip())
    return "\n".join(line[indent:] for line in lines[1:] if line.strip()) + "\n"


@pytest.mark.parametrize(
    ("example", "has_results"), [("wrong-gunicorn-target", True), ("hello-ok", False)]
)
def test_the_code_scanning_step_writes_sarif_github_can_place(
    tmp_path: Path, example: str, has_results: bool
) -> None:
    script = _code_scanning_step()
    checkout = tmp_path / "checkout"
    shutil.copytree(EXAMPLES / example, checkout)
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    env["VIRTUAL_ENV"] = str(make_venv("lsp-examples", ("Flask==3.1.3", "gunicorn==23.0.0")))
    result = subprocess.run(
        ["bash", "-e", "-c", script], cwd=checkout, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr  # findings do not fail the job
    sarif = json.loads((checkout / "flask-preflight.sarif").read_text(encoding="utf-8"))
    assert SARIF_SCHEMA.exists(), "run `npm ci` (the test setup does)"
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    [run] = sarif["runs"]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert bool(run["results"]) is has_results
    for found in run["results"]:
        # What upload-sarif needs to place an alert: a known rule, a level, and a location
        # relative to the checkout with a 1-based line.
        assert found["ruleId"] in rules and found["level"] in ("error", "warning", "note")
        [location] = found["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert not artifact["uri"].startswith(("/", "file:")), artifact
        assert (checkout / artifact["uri"]).is_file()
        assert location["physicalLocation"]["region"]["startLine"] >= 1
    # An internal error still fails the job (exit 2 is not "findings").
    broken = subprocess.run(
        ["bash", "-e", "-c", script.replace("check .", "check ./no-such-folder")],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
    )
    assert broken.returncode != 0
