"""Reading environments (real venvs, real pip as the oracle), ENV001-ENV004, `flask-preflight env`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from flask_preflight.analysis.environment import probe
from flask_preflight.analysis.environment.project_environment import project_environment
from flask_preflight.analysis.environment.reading import read_environment, watch_paths
from flask_preflight.analysis.environment.summary import environment_summary
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import run_checks
from tests.conftest import write_tree
from tests.venvs import make_venv, venv_python

pytestmark = pytest.mark.oracle

FLASK = ["flask==3.1.3"]


def flask_venv() -> Path:
    return make_venv("flask", FLASK)


def run(argv: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=cwd)


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    full.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "flask_preflight", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=full,
    )


def pip_list(python: Path) -> dict[str, str]:
    out = run([str(python), "-m", "pip", "list", "--format", "json", "--disable-pip-version-check"])
    assert out.returncode == 0, out.stderr
    from packaging.utils import canonicalize_name

    return {canonicalize_name(d["name"]): d["version"] for d in json.loads(out.stdout)}


def base_python() -> str:
    """A global (non-venv) interpreter: the one the test venv was made from."""
    out = run([sys.executable, "-c", "import sys; print(sys._base_executable)"])
    return out.stdout.strip()


def bare_venv(path: Path) -> Path:
    """A real venv without pip (fast), for tests that modify it."""
    subprocess.run([base_python(), "-m", "venv", "--without-pip", str(path)], check=True)
    return path


def broken_venv(tmp_path: Path, where: Path) -> Path:
    """A real venv whose base interpreter was deleted (its pyvenv.cfg home points nowhere)."""
    base = tmp_path / "gone-python" / "bin"
    base.mkdir(parents=True)
    (base / "python3").symlink_to(os.path.realpath(base_python()))
    subprocess.run([str(base / "python3"), "-m", "venv", "--without-pip", str(where)], check=True)
    (base / "python3").unlink()
    base.rmdir()
    return where


# --- reading a real venv -------------------------------------------------------------------


def test_static_read_of_a_real_venv_agrees_with_pip_list_and_the_interpreter() -> None:
    venv = flask_venv()
    python = venv_python(venv)
    env = read_environment(str(python), allow_exec=False)
    assert env.healthy, env.reason
    assert env.is_venv and Path(env.venv_root or "") == venv
    assert not env.asked_interpreter
    listed = pip_list(python)
    assert {name: d.version for name, d in env.distributions.items()} == listed
    facts = json.loads(
        run(
            [
                str(python),
                "-c",
                "import json, site, sys; print(json.dumps([list(sys.version_info[:3]), "
                "site.getsitepackages()]))",
            ]
        ).stdout
    )
    assert list(env.version or ()) == facts[0]
    assert [os.path.realpath(p) for p in env.site_packages] == [
        os.path.realpath(p) for p in facts[1] if os.path.isdir(p)
    ]
    assert str(venv / "pyvenv.cfg") in watch_paths(env)
    assert set(env.site_packages) <= set(watch_paths(env))


def test_import_names_agree_with_packages_distributions() -> None:
    python = venv_python(make_venv("flask-dotenv", ["flask==3.1.3", "python-dotenv"]))
    env = read_environment(str(python), allow_exec=False)
    oracle = json.loads(
        run(
            [
                str(python),
                "-c",
                "import json, importlib.metadata as m; print(json.dumps("
                "m.packages_distributions()))",
            ]
        ).stdout
    )
    from packaging.utils import canonicalize_name

    names = env.import_names()
    for module in ("dotenv", "flask", "markupsafe", "jinja2", "werkzeug"):
        assert names[module] == canonicalize_name(oracle[module][0]), module


def test_a_global_interpreter_is_asked_once_and_not_a_venv() -> None:
    python = base_python()
    env = read_environment(python, allow_exec=True)
    oracle = json.loads(
        run([python, "-I", "-c", "import json,sys; print(json.dumps(sys.version_info[:3]))"]).stdout
    )
    assert env.healthy and not env.is_venv
    assert env.asked_interpreter and list(env.version or ()) == oracle


def test_untrusted_workspace_binaries_are_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    fake = tmp_path / "tools" / "python3"
    fake.parent.mkdir()
    fake.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n")
    fake.chmod(0o755)
    untrusted = Project(tmp_path, interpreter=str(fake), trusted=False)
    env = project_environment(untrusted)
    assert env is not None and not env.asked_interpreter
    assert not marker.exists()
    trusted = Project(tmp_path, interpreter=str(fake), trusted=True)
    project_environment(trusted)
    assert marker.exists()  # the same binary is asked once the workspace is trusted


def test_a_hanging_interpreter_times_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "python3"
    fake.write_text("#!/bin/sh\nexec sleep 600\n")
    fake.chmod(0o755)
    monkeypatch.setattr(probe, "EXEC_TIMEOUT", 0.5)
    env = read_environment(str(fake), allow_exec=True)
    assert not env.asked_interpreter
    assert any("did not answer" in note for note in env.notes)


@pytest.mark.parametrize("kind", ["missing", "directory", "loop", "dangling"])
def test_bad_interpreter_paths_never_raise(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "python"
    if kind == "directory":
        path.mkdir()
    elif kind == "loop":
        (tmp_path / "a").symlink_to(tmp_path / "b")
        (tmp_path / "b").symlink_to(tmp_path / "a")
        path = tmp_path / "a"
    elif kind == "dangling":
        path.symlink_to(tmp_path / "nowhere")
    env = read_environment(str(path), allow_exec=True)
    assert not env.healthy and env.reason
    (tmp_path / "requirements.txt").write_text("flask==3.1.3\n")
    project = Project(tmp_path, interpreter=str(path))
    assert environment_summary(project)["state"] == "no-interpreter"
    findings = run_checks(project)
    assert project.errors == [], project.errors[0].detail  # every check copes, none raised
    # Nothing is claimed about an environment that cannot be read: flask is not "missing".
    assert not [f for f in findings if f.rule.startswith("DEP")], findings


def test_garbage_metadata_and_pyvenv_cfg_never_raise(tmp_path: Path) -> None:
    venv = bare_venv(tmp_path / "v")
    site = next((venv / "lib").glob("python*/site-packages"))
    (site / "noversion-1.0.dist-info").mkdir()
    (site / "noversion-1.0.dist-info" / "METADATA").write_text("Name: noversion\n")
    (site / "nometa-2.0.dist-info").mkdir()
    (site / "weird.dist-info").mkdir()
    (site / "weird.dist-info" / "METADATA").write_bytes(b"\xff\xfe\x00garbage\n\n")
    (site / "dir_as_metadata-1.0.dist-info").mkdir()
    (site / "dir_as_metadata-1.0.dist-info" / "METADATA").mkdir()
    (site / "old-3.0-py3.11.egg-info").write_text(
        "Metadata-Version: 1.1\nName: old\nVersion: 3.0\n"
    )
    env = read_environment(str(venv_python(venv)), allow_exec=False)
    assert env.distributions["noversion"].version == "1.0"  # from the directory name
    assert env.distributions["nometa"].version == "2.0"
    assert env.distributions["old"].version == "3.0"
    assert "dir-as-metadata" in env.distributions
    (venv / "pyvenv.cfg").write_bytes(b"\x00\xffnot = a = cfg\n[[[\nhome\n")
    env = read_environment(str(venv_python(venv)), allow_exec=False)
    assert not env.healthy and "home" in env.reason


def test_the_cache_is_dropped_when_site_packages_changes(tmp_path: Path) -> None:
    venv = bare_venv(tmp_path / "v")
    python = str(venv_python(venv))
    first = read_environment(python, allow_exec=False)
    assert read_environment(python, allow_exec=False) is first
    site = Path(first.site_packages[0])
    (site / "newpkg-1.0.dist-info").mkdir()
    (site / "newpkg-1.0.dist-info" / "METADATA").write_text("Name: newpkg\nVersion: 1.0\n")
    os.utime(site, ns=(1, first_mtime_plus(site)))
    second = read_environment(python, allow_exec=False)
    assert second is not first and "newpkg" in second.distributions


def first_mtime_plus(path: Path) -> int:
    return path.stat().st_mtime_ns + 1_000_000_000


# --- ENV rules ---------------------------------------------------------------------------------


def test_env003_broken_venv_is_reported_and_really_cannot_start(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "proj", {"requirements.txt": "flask\n", "app.py": "import os\n"})
    venv = broken_venv(tmp_path, root / ".venv")
    python = venv_python(venv)
    with pytest.raises(OSError):  # the oracle: the venv's python cannot even start
        subprocess.run([str(python), "-c", "pass"], check=False, timeout=30)
    result = run_cli("check", str(root), "--format", "json")
    report = json.loads(result.stdout)
    assert report["interpreter"]["state"] == "venv-broken"
    assert report["interpreter"]["path"] == str(python)  # picked automatically: it is the project's
    env003 = [f for f in report["findings"] if f["rule"] == "ENV003"]
    assert len(env003) == 1 and env003[0]["path"] == "requirements.txt"
    assert "gone-python" in env003[0]["message"]
    command = env003[0]["fixes"][0]["command"]
    assert command == {
        "name": "flaskPreflight.createVenv",
        "arguments": [str(root), "requirements.txt", str(venv)],
    }
    text = run_cli("env", str(root)).stdout
    assert "BROKEN" in text and "python3 -m venv --clear .venv" in text


def test_env002_only_when_another_interpreter_is_chosen_explicitly(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "proj", {"requirements.txt": "flask\n"})
    bare_venv(root / ".venv")
    other = venv_python(flask_venv())
    prefix = run([str(other), "-c", "import sys; print(sys.prefix)"]).stdout.strip()
    assert Path(prefix) != root / ".venv"  # the oracle: it really is another environment
    report = json.loads(
        run_cli("check", str(root), "--python", str(other), "--format", "json").stdout
    )
    env002 = [f for f in report["findings"] if f["rule"] == "ENV002"]
    assert len(env002) == 1, report["findings"]
    assert env002[0]["fixes"][0]["command"] == {
        "name": "flaskPreflight.selectProjectVenv",
        "arguments": [str(root / ".venv")],
    }
    assert report["interpreter"]["state"] == "venv-not-selected"
    assert report["interpreter"]["project_venv"] == ".venv"
    # $VIRTUAL_ENV is an explicit choice too
    by_env = run_cli(
        "check", str(root), "--format", "json", env={"VIRTUAL_ENV": str(other.parent.parent)}
    )
    assert "ENV002" in {f["rule"] for f in json.loads(by_env.stdout)["findings"]}
    # nothing chosen: the CLI takes the project's venv and says so
    auto = json.loads(run_cli("env", str(root), "--format", "json").stdout)
    assert auto["path"] == str(venv_python(root / ".venv"))
    assert auto["state"] == "ok" and auto["source"] == "auto"
    assert "the project's venv `.venv`" in run_cli("env", str(root)).stdout
    findings = json.loads(run_cli("check", str(root), "--format", "json").stdout)["findings"]
    assert "ENV002" not in {f["rule"] for f in findings}


def test_env001_global_python_without_project_venv(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "proj", {"requirements.txt": "flask\n"})
    python = base_python()
    oracle = run([python, "-c", "import sys; print(sys.prefix == sys.base_prefix)"]).stdout
    assert oracle.strip() == "True"
    report = json.loads(run_cli("check", str(root), "--python", python, "--format", "json").stdout)
    env001 = [f for f in report["findings"] if f["rule"] == "ENV001"]
    assert len(env001) == 1 and env001[0]["path"] == "requirements.txt"
    assert env001[0]["fixes"][0]["command"]["name"] == "flaskPreflight.createVenv"
    assert report["interpreter"]["state"] == "no-venv" and not report["interpreter"]["is_venv"]
    # installing into the global Python is what ENV001 warns against: DEP001 offers the venv
    (root / "requirements.txt").write_text("flask\nsurely-not-installed-anywhere\n")
    again = json.loads(run_cli("check", str(root), "--python", python, "--format", "json").stdout)
    (dep001,) = [f for f in again["findings"] if f["rule"] == "DEP001"]
    assert dep001["fixes"][0]["command"]["name"] == "flaskPreflight.createVenv"
    # a bare script that declares nothing has nothing to install: DEP005 speaks for it instead
    (root / "requirements.txt").unlink()
    bare = json.loads(run_cli("check", str(root), "--python", python, "--format", "json").stdout)
    assert "ENV001" not in {f["rule"] for f in bare["findings"]}


def test_env001_is_an_error_on_an_externally_managed_python(tmp_path: Path) -> None:
    # A copy of the layout a distribution Python has: prefix/bin/python3.X and
    # prefix/lib/python3.X/EXTERNALLY-MANAGED (PEP 668). It is never run (untrusted scan).
    major, minor = sys.version_info[:2]
    prefix = tmp_path / "usr"
    (prefix / "bin").mkdir(parents=True)
    stdlib = prefix / "lib" / f"python{major}.{minor}"
    (stdlib / "site-packages").mkdir(parents=True)
    (stdlib / "EXTERNALLY-MANAGED").write_text("[externally-managed]\nError=use a venv\n")
    python = prefix / "bin" / f"python{major}.{minor}"
    python.write_text("#!/bin/sh\nexit 1\n")
    python.chmod(0o755)
    root = write_tree(tmp_path / "proj", {"requirements.txt": "flask\n"})
    project = Project(root, interpreter=str(python))
    env = read_environment(str(python), allow_exec=False)
    assert env.externally_managed and env.version == (major, minor, 0)
    findings = [f for f in run_checks(project, select={"ENV001"})]
    assert [f.severity.label for f in findings] == ["error"]
    assert "externally-managed-environment" in findings[0].message


def wheel_requiring_python(tmp_path: Path, specifier: str) -> Path:
    """A minimal, valid wheel whose metadata says Requires-Python: `specifier`."""
    import zipfile

    wheel = tmp_path / "demo-1.0-py3-none-any.whl"
    files = {
        "demo.py": "",
        "demo-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"
        f"Requires-Python: {specifier}\n",
        "demo-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: "
        "true\nTag: py3-none-any\n",
    }
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
        archive.writestr(
            "demo-1.0.dist-info/RECORD",
            "".join(f"{n},,\n" for n in files) + "demo-1.0.dist-info/RECORD,,\n",
        )
    return wheel


def test_env004_requires_python_agrees_with_pip(tmp_path: Path) -> None:
    python = venv_python(flask_venv())
    root = write_tree(
        tmp_path / "proj",
        {
            "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n'
            'build-backend = "setuptools.build_meta"\n\n'
            '[project]\nname = "demo"\nversion = "1.0"\nrequires-python = ">=3.99"\n'
            "dependencies = []\n",
            "demo.py": "",
        },
    )
    # the oracle: pip refuses a distribution with that Requires-Python for this interpreter
    pip = run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--no-deps",
            "--no-index",
            str(wheel_requiring_python(tmp_path, ">=3.99")),
        ]
    )
    assert pip.returncode != 0 and "requires a different Python" in pip.stdout + pip.stderr
    report = json.loads(
        run_cli("check", str(root), "--python", str(python), "--format", "json").stdout
    )
    env004 = [f for f in report["findings"] if f["rule"] == "ENV004"]
    assert len(env004) == 1
    assert env004[0]["path"] == "pyproject.toml" and env004[0]["range"]["start"]["line"] == 8
    (root / "pyproject.toml").write_text(
        (root / "pyproject.toml").read_text().replace(">=3.99", ">=3.8")
    )
    again = json.loads(
        run_cli("check", str(root), "--python", str(python), "--format", "json").stdout
    )
    assert "ENV004" not in {f["rule"] for f in again["findings"]}


def test_env_command_text_and_json(tmp_path: Path) -> None:
    venv = flask_venv()
    python = venv_python(venv)
    root = write_tree(tmp_path / "proj", {"app.py": "import flask\n"})
    text = run_cli("env", str(root), "--python", str(python))
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    count = len(pip_list(python))
    assert lines[0] == f"interpreter:   {python} (given with --python)"
    assert lines[1].split()[-1] == ".".join(map(str, sys.version_info[:3]))
    assert lines[2] == f"virtualenv:    {venv} (healthy)"
    assert lines[3] == f"distributions: {count}"
    assert lines[4] == "project venvs: none found"
    summary = json.loads(
        run_cli("env", str(root), "--python", str(python), "--format", "json").stdout
    )
    assert {
        "path",
        "version",
        "is_venv",
        "venv_root",
        "healthy",
        "reason",
        "distributions",
        "state",
        "project_venv",
        "how_chosen",
    } <= set(summary)
    assert summary["distributions"] == count and summary["state"] == "ok"
    assert summary["is_venv"] and summary["healthy"] and summary["reason"] is None


def test_system_site_packages_are_included_when_the_venv_says_so(tmp_path: Path) -> None:
    venv = tmp_path / "v"
    subprocess.run(
        [base_python(), "-m", "venv", "--without-pip", "--system-site-packages", str(venv)],
        check=True,
    )
    python = str(venv_python(venv))
    env = read_environment(python, allow_exec=False)
    assert env.include_system_site_packages
    oracle = run(
        [
            python,
            "-c",
            "import importlib.metadata as m, json, re; print(json.dumps(sorted({re.sub("
            "r'[-_.]+', '-', d.metadata['Name']).lower() for d in m.distributions()})))",
        ]
    )
    assert sorted(env.distributions) == json.loads(oracle.stdout)


def test_env_names_the_environment_tools_the_project_uses(tmp_path: Path) -> None:
    python = str(venv_python(flask_venv()))
    root = write_tree(
        tmp_path / "proj", {"Pipfile": "[packages]\nflask = '*'\n", "poetry.lock": ""}
    )
    summary = json.loads(run_cli("env", str(root), "--python", python, "--format", "json").stdout)
    assert [t["tool"] for t in summary["project_tools"]] == ["poetry", "pipenv"]
    assert "project tool:  pipenv (Pipfile)" in run_cli("env", str(root), "--python", python).stdout


def test_env004_installed_package_requires_another_python(tmp_path: Path) -> None:
    venv = bare_venv(tmp_path / "v")
    site = next((venv / "lib").glob("python*/site-packages"))
    wheel = wheel_requiring_python(tmp_path, ">=3.99")
    # the oracle: pip refuses it for this Python, so it only gets in when forced
    refused = run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(site), str(wheel)]
    )
    assert refused.returncode != 0 and "requires a different Python" in refused.stderr
    forced = run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--target",
            str(site),
            "--ignore-requires-python",
            str(wheel),
        ]
    )
    assert forced.returncode == 0, forced.stderr
    root = write_tree(tmp_path / "proj", {"requirements.txt": "flask\ndemo==1.0\n"})
    project = Project(root, interpreter=str(venv_python(venv)))
    (found,) = run_checks(project, select={"ENV004"})
    assert (found.path, found.range.start.line) == ("requirements.txt", 1)
    assert ">=3.99" in found.message


def test_a_custom_named_project_venv_is_picked_automatically(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "proj", {"app.py": ""})
    bare_venv(root / "myenv")
    summary = json.loads(run_cli("env", str(root), "--format", "json").stdout)
    assert summary["path"] == str(venv_python(root / "myenv"))
    assert summary["project_venv"] == "myenv" and summary["state"] == "ok"
