"""Installed elsewhere: a package missing from the chosen interpreter, found in the project's
other venvs, the python3 on PATH, pyenv, ~/.virtualenvs, conda or the user site (real venvs,
with their own interpreters as oracles)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flask_preflight.analysis.environment.commands import SELECT_INTERPRETER
from flask_preflight.analysis.installed_elsewhere import (
    InstalledElsewhere,
    annotate_installed_elsewhere,
    candidate_environments,
    find_installed_elsewhere,
)
from flask_preflight.analysis.model import Finding
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import run_checks
from tests.conftest import REPO, write_tree
from tests.venvs import make_venv, venv_python

pytestmark = pytest.mark.oracle

FLASK_ONLY = ["flask==3.1.3"]
WITH_REQUESTS = ["flask==3.1.3", "requests==2.32.3"]
SITE = f"lib/python{sys.version_info[0]}.{sys.version_info[1]}/site-packages"

APP = """\
import requests
from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return requests.__name__
"""


def copy_venv(name: str, requirements: list[str], target: Path) -> Path:
    """A copy of a cached real venv (its python links to the same base interpreter)."""
    shutil.copytree(make_venv(name, requirements), target, symlinks=True)
    return target


def imports(python: Path | str, module: str) -> str | None:
    """The version `python` imports `module` at, or None when it cannot (the oracle)."""
    result = subprocess.run(
        [str(python), "-I", "-c", f"import {module}; print({module}.__version__)"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stdout.strip() if result.returncode == 0 else None


@pytest.fixture(scope="module")
def machine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose .venv lacks requests while its venv-old has it, plus a venv outside."""
    base = tmp_path_factory.mktemp("machine")
    root = write_tree(base / "project", {"requirements.txt": "flask\nrequests\n", "app.py": APP})
    copy_venv("flask", FLASK_ONLY, root / ".venv")
    copy_venv("elsewhere-requests", WITH_REQUESTS, root / "venv-old")
    copy_venv("elsewhere-requests", WITH_REQUESTS, base / "outside")
    (base / "home").mkdir()
    (base / "empty-bin").mkdir()
    return base


@pytest.fixture
def home(machine: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A machine with nothing else installed: an empty home and nothing python on PATH."""
    for name in ("PYENV_ROOT", "PYENV_VERSION", "CONDA_PREFIX", "VIRTUAL_ENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("PATH", str(machine / "empty-bin"))
    return tmp_path


def project_of(machine: Path, venv: str = ".venv") -> Project:
    root = machine / "project"
    python = str(venv_python(root / venv))
    return Project(root, interpreter=python, settings={"interpreter_source": "explicit"})


def test_a_module_missing_from_venv_is_found_in_the_projects_other_venv(
    machine: Path, home: Path
) -> None:
    root = machine / "project"
    chosen, other = venv_python(root / ".venv"), venv_python(root / "venv-old")
    assert imports(chosen, "requests") is None
    assert imports(other, "requests") == "2.32.3"

    found = find_installed_elsewhere(["requests", "gunicorn"], root=root, exclude=str(chosen))

    assert found == {
        "requests": [InstalledElsewhere(str(other), "venv-old/", "requests", "2.32.3", True)]
    }
    by_module = find_installed_elsewhere(
        ["requests", "charset_normalizer"], root=root, exclude=str(chosen), kind="module"
    )
    assert [h.label for h in by_module["requests"]] == ["venv-old/"]
    # an import name that is not the distribution's name is mapped through its metadata
    assert by_module["charset_normalizer"][0].distribution == "charset-normalizer"


def test_the_chosen_interpreter_is_not_reported(machine: Path, home: Path) -> None:
    root = machine / "project"
    other = venv_python(root / "venv-old")
    assert find_installed_elsewhere(["requests"], root=root, exclude=str(other)) == {}
    # the same venv, spelled another way, is still excluded
    spelled = str(root / "venv-old" / "bin" / ".." / "bin" / "python3")
    assert find_installed_elsewhere(["requests"], root=root, exclude=spelled) == {}
    flask = find_installed_elsewhere(["Flask"], root=root, exclude=str(other))
    assert [(h.label, h.distribution) for h in flask["Flask"]] == [(".venv/", "Flask")]


def test_dep001_and_dep005_say_where_and_offer_to_select_that_venv(
    machine: Path, home: Path
) -> None:
    project = project_of(machine)
    findings = annotate_installed_elsewhere(
        run_checks(project, select={"DEP001", "DEP005"}), project
    )
    by_rule = {f.rule: f for f in findings if f.data.get("distribution") == "requests"}
    assert set(by_rule) == {"DEP001", "DEP005"}
    other = str(venv_python(machine / "project" / "venv-old"))
    for finding in by_rule.values():
        assert finding.message.endswith(
            "requests 2.32.3 is installed in venv-old/, not in .venv."
        ), finding.message
        select = finding.fixes[0]
        assert select.command is not None
        assert (select.command.name, select.command.arguments) == (SELECT_INTERPRETER, (other,))
        assert "venv-old/" in select.title
        # the install fix into the selected interpreter stays
        assert any(
            f.command and f.command.name.endswith("installRequirements") for f in finding.fixes
        )
        assert finding.data["installed_elsewhere"][0]["version"] == "2.32.3"

    # The select fix's premise: with venv-old chosen, nothing is missing any more.
    after = run_checks(project_of(machine, "venv-old"), select={"DEP001", "DEP005"})
    assert after == []


def test_no_select_fix_when_the_other_venv_lacks_another_requirement(
    machine: Path, home: Path
) -> None:
    project = project_of(machine)
    project.set_override("requirements.txt", "flask\nrequests\ngunicorn\n")
    findings = annotate_installed_elsewhere(run_checks(project, select={"DEP001"}), project)
    requests = next(f for f in findings if f.data.get("distribution") == "requests")
    assert "installed in venv-old/" in requests.message
    assert not any(f.command and f.command.name == SELECT_INTERPRETER for f in requests.fixes)
    gunicorn = next(f for f in findings if f.data.get("distribution") == "gunicorn")
    assert "installed_elsewhere" not in gunicorn.data  # installed nowhere: left as it was
    assert gunicorn.message.endswith("Install the requirements into this interpreter.")


def test_findings_found_nowhere_else_are_returned_unchanged(machine: Path, home: Path) -> None:
    project = project_of(machine, "venv-old")
    project.set_override("requirements.txt", "flask\ngunicorn\n")
    findings = run_checks(project, select={"DEP001"})
    assert [f.data["distribution"] for f in findings] == ["gunicorn"]
    assert annotate_installed_elsewhere(findings, project) == findings
    other: list[Finding] = run_checks(project, select={"APP001"})
    assert annotate_installed_elsewhere(other, project) is other


def test_the_python3_on_path_is_named_as_such(
    machine: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = machine / "outside"
    monkeypatch.setenv("PATH", os.pathsep.join([str(machine / "empty-bin"), str(outside / "bin")]))
    project = project_of(machine)
    found = find_installed_elsewhere(["requests"], root=project.root, exclude=project.interpreter)
    assert [(h.label, h.interpreter) for h in found["requests"]] == [
        ("venv-old/", str(venv_python(machine / "project" / "venv-old"))),
        ("the python3 on PATH", str(outside / "bin" / "python3")),
    ]
    findings = annotate_installed_elsewhere(run_checks(project, select={"DEP001"}), project)
    message = next(f.message for f in findings if f.data.get("distribution") == "requests")
    assert message.endswith(
        "requests 2.32.3 is installed in venv-old/ and in the python3 on PATH, not in .venv."
    )
    # the PATH entry that is a venv of the workspace is reported once, under its own name
    monkeypatch.setenv("PATH", str(machine / "project" / "venv-old" / "bin"))
    again = find_installed_elsewhere(["requests"], root=project.root, exclude=project.interpreter)
    assert [h.label for h in again["requests"]] == ["venv-old/"]


def _copy_distribution(source_venv: Path, site: Path, *names: str) -> None:
    """Copy installed distributions (package + metadata) from a real venv into a site dir."""
    source = source_venv / SITE
    site.mkdir(parents=True, exist_ok=True)
    for entry in source.iterdir():
        stem = entry.name.split("-", 1)[0].lower()
        if stem in names:
            shutil.copytree(entry, site / entry.name, symlinks=True)


def _fake_prefix(prefix: Path, source_venv: Path, *names: str) -> Path:
    """An interpreter prefix laid out like pyenv and conda install them (never run)."""
    python = prefix / "bin" / "python3"
    python.parent.mkdir(parents=True)
    python.write_text("#!/bin/sh\nexit 1\n")
    python.chmod(0o755)
    _copy_distribution(source_venv, prefix / SITE, *names)
    return python


def test_pyenv_shims_virtualenvs_conda_and_the_user_site(
    machine: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = machine / "outside"
    pyenv = home / ".pyenv"
    shim = pyenv / "shims" / "python3"
    shim.parent.mkdir(parents=True)
    shim.write_text("#!/bin/sh\nexit 1\n")
    shim.chmod(0o755)
    (pyenv / "version").write_text("3.99.1\n")
    pyenv_python = _fake_prefix(pyenv / "versions" / "3.99.1", source, "requests")
    older_python = _fake_prefix(pyenv / "versions" / "3.98.0", source, "idna")
    copy_venv("elsewhere-requests", WITH_REQUESTS, home / ".virtualenvs" / "web")
    conda_python = _fake_prefix(home / "miniconda3" / "envs" / "data", source, "requests")
    user_site = home / ".local" / SITE
    _copy_distribution(source, user_site, "requests")
    monkeypatch.setenv("PATH", str(shim.parent))

    project = project_of(machine)
    labels = [c.label for c in candidate_environments(project.root)]
    assert labels == [
        ".venv/",
        "venv-old/",
        "the python3 on PATH",  # the shim, followed to the version pyenv runs
        "pyenv 3.98.0",
        "~/.virtualenvs/web",
        "conda env data",
        f"the user site of python{sys.version_info[0]}.{sys.version_info[1]}",
    ]
    found = find_installed_elsewhere(["requests"], root=project.root, exclude=project.interpreter)
    assert [(h.label, h.version, h.is_venv) for h in found["requests"]] == [
        ("venv-old/", "2.32.3", True),
        ("the python3 on PATH", "2.32.3", False),
        ("~/.virtualenvs/web", "2.32.3", True),
        ("conda env data", "2.32.3", False),
        (labels[-1], "2.32.3", False),
    ]
    assert found["requests"][1].interpreter == str(pyenv_python)
    assert found["requests"][3].interpreter == str(conda_python)
    findings = annotate_installed_elsewhere(run_checks(project, select={"DEP001"}), project)
    requests = next(f for f in findings if f.data.get("distribution") == "requests")
    selectable = [
        f.command.arguments[0]
        for f in requests.fixes
        if f.command and f.command.name == SELECT_INTERPRETER
    ]
    # the fake prefixes hold requests but not flask; the user site is no interpreter of its own
    assert selectable == [
        str(venv_python(machine / "project" / "venv-old")),
        str(venv_python(home / ".virtualenvs" / "web")),
    ]

    # the chosen interpreter named by its shim is the version the shim runs: not reported
    through_shim = find_installed_elsewhere(["requests"], root=project.root, exclude=str(shim))
    assert "the python3 on PATH" not in [h.label for h in through_shim["requests"]]
    assert "venv-old/" in [h.label for h in through_shim["requests"]]

    # a version prefix in .python-version means the newest installed match
    (machine / "project" / ".python-version").write_text("3.98\n")
    try:
        on_path = candidate_environments(project.root)[2]
    finally:
        (machine / "project" / ".python-version").unlink()
    assert (on_path.label, on_path.interpreter) == ("the python3 on PATH", str(older_python))

    # "system" in pyenv's version file: the shim is skipped, the next python3 on PATH runs
    (pyenv / "version").write_text("system\n")
    labels = [c.label for c in candidate_environments(project.root)]
    assert "the python3 on PATH" not in labels and "pyenv 3.99.1" in labels


def test_a_change_in_site_packages_is_seen_and_bad_entries_are_skipped(
    machine: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = machine / "outside"
    _fake_prefix(home / "miniconda3" / "envs" / "data", source, "idna")
    root = home / "workspace"
    root.mkdir()
    (root / "half-venv").mkdir()
    (root / "half-venv" / "pyvenv.cfg").write_text("garbage")
    (root / "dangling").symlink_to(home / "nowhere")
    virtualenvs = home / ".virtualenvs"
    virtualenvs.mkdir()
    (virtualenvs / "gone").symlink_to(home / "nowhere")
    (home / ".conda").mkdir()
    (home / ".conda" / "environments.txt").write_bytes(
        f"{home}/missing\n\n\x00bad\n\xff\n".encode("latin-1")
    )
    locked = virtualenvs / "locked"
    locked.mkdir(mode=0)
    try:
        assert find_installed_elsewhere(["requests"], root=root, exclude=None) == {}
        assert [
            h.label for h in find_installed_elsewhere(["idna"], root=root, exclude=None)["idna"]
        ] == ["conda env data"]
        # installing requests there (new metadata in site-packages) is seen by the next look
        _copy_distribution(source, home / "miniconda3" / "envs" / "data" / SITE, "requests")
        found = find_installed_elsewhere(["requests"], root=root, exclude=None)
        assert [h.label for h in found["requests"]] == ["conda env data"]
    finally:
        locked.chmod(0o755)


def test_cli_reports_where_and_the_select_fix_works(machine: Path, home: Path) -> None:
    root = machine / "project"
    environ = {
        **{k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYENV_VERSION")},
        "HOME": str(home),
        "PATH": str(machine / "empty-bin"),
        "PYTHONPATH": str(REPO / "server"),
    }
    environ.pop("PYENV_ROOT", None)

    def check(python: Path, fmt: str) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "flask_preflight", "check", str(root), "--python"]
        argv += [str(python), "--format", fmt, "--select", "DEP001,DEP005"]
        return subprocess.run(argv, capture_output=True, text=True, timeout=120, env=environ)

    chosen, other = venv_python(root / ".venv"), venv_python(root / "venv-old")
    report = json.loads(check(chosen, "json").stdout)
    requests = [f for f in report["findings"] if "requests" in f["message"]]
    assert {f["rule"] for f in requests} == {"DEP001", "DEP005"}
    for finding in requests:
        assert "requests 2.32.3 is installed in venv-old/, not in .venv." in finding["message"]
        assert finding["fixes"][0]["command"] == {
            "name": SELECT_INTERPRETER,
            "arguments": [str(other)],
        }
    text = check(chosen, "text").stdout
    assert f"to fix: flask-preflight check --python {other}" in text
    # following the fix: the other interpreter has everything
    fixed = check(other, "json")
    assert fixed.returncode == 0, fixed.stdout
    assert json.loads(fixed.stdout)["findings"] == []


def test_no_select_fix_when_the_project_declares_no_requirements(machine: Path, home: Path) -> None:
    project = project_of(machine)
    project.set_override("requirements.txt", "")
    findings = annotate_installed_elsewhere(run_checks(project, select={"DEP005"}), project)
    requests = next(f for f in findings if f.data.get("module") == "requests")
    assert requests.message.endswith("requests 2.32.3 is installed in venv-old/, not in .venv.")
    assert not any(f.command and f.command.name == SELECT_INTERPRETER for f in requests.fixes)


def test_no_select_fix_for_a_python_outside_requires_python(machine: Path, home: Path) -> None:
    project = project_of(machine)
    project.set_override(
        "pyproject.toml",
        '[project]\nname = "app"\nversion = "1"\nrequires-python = ">=3.99"\n'
        'dependencies = ["flask", "requests"]\n',
    )
    findings = annotate_installed_elsewhere(run_checks(project, select={"DEP005"}), project)
    requests = next(f for f in findings if f.data.get("module") == "requests")
    assert "is installed in venv-old/" in requests.message
    assert not any(f.command and f.command.name == SELECT_INTERPRETER for f in requests.fixes)
