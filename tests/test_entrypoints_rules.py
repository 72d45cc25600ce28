"""SRV005, SRV007-SRV010, APP005 and APP007: when they fire, where, and that their fixes fix."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from flask_preflight.analysis.edits import apply_edits
from flask_preflight.analysis.model import Finding, Severity
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import run_checks

from .conftest import write_tree
from .venvs import make_venv, venv_python

APP = 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return "ok"\n'
REQS = "flask==3.1.3\ngunicorn==23.0.0\n"


def findings(root: Path, rules: set[str], interpreter: str | None = None) -> list[Finding]:
    return [f for f in run_checks(Project(root, interpreter=interpreter)) if f.rule in rules]


def apply(root: Path, finding: Finding, index: int = 0) -> None:
    fix = finding.fixes[index]
    for path in {edit.path for edit in fix.edits}:
        file = root / path
        text = file.read_text() if file.exists() else ""
        file.write_text(apply_edits(text, [e for e in fix.edits if e.path == path]))


def text_at(root: Path, finding: Finding) -> str:
    lines = (root / finding.path).read_text().splitlines()
    line = lines[finding.range.start.line]
    return line[finding.range.start.character : finding.range.end.character]


# --- SRV005 --------------------------------------------------------------------------------


def test_srv005_server_not_declared_for_the_deployment(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"app.py": APP, "Procfile": "web: gunicorn app:app\n", "requirements.txt": "flask==3.1.3"},
    )
    [finding] = findings(tmp_path, {"SRV005"})
    assert finding.path == "Procfile" and text_at(tmp_path, finding) == "gunicorn"
    assert "gunicorn: command not found" in finding.message
    apply(tmp_path, finding)
    assert (tmp_path / "requirements.txt").read_text() == "flask==3.1.3\ngunicorn\n"
    assert findings(tmp_path, {"SRV005"}) == []


def test_srv005_silent_when_the_image_installs_the_server(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
        "RUN pip install -r requirements.txt \\\n    && pip install gunicorn==23.0.0\n"
        'CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]\n'
    )
    write_tree(tmp_path, {"app.py": APP, "Dockerfile": dockerfile, "requirements.txt": "flask\n"})
    assert findings(tmp_path, {"SRV005"}) == []
    (tmp_path / "Dockerfile").write_text(
        dockerfile.replace(" \\\n    && pip install gunicorn==23.0.0", "")
    )
    [finding] = findings(tmp_path, {"SRV005"})
    assert finding.path == "Dockerfile" and finding.range.start.line == 4


def test_srv005_server_missing_from_the_local_interpreter(tmp_path: Path) -> None:
    python = str(venv_python(make_venv("flask", ["flask==3.1.3"])))
    launch = '{"configurations": [{"type": "debugpy", "module": "gunicorn", "args": ["app:app"]}]}'
    write_tree(tmp_path, {"app.py": APP, ".vscode/launch.json": launch})
    [finding] = findings(tmp_path, {"SRV005"}, python)
    assert finding.path == ".vscode/launch.json" and text_at(tmp_path, finding) == "gunicorn"
    assert "not installed" in finding.message
    servers = make_venv(
        "servers", ["flask==3.1.3", "gunicorn==23.0.0", "waitress==3.0.2", "python-dotenv==1.2.1"]
    )
    assert findings(tmp_path, {"SRV005"}, str(venv_python(servers))) == []


# --- SRV007 --------------------------------------------------------------------------------


def test_srv007_flask_run_in_a_container_with_the_default_host(tmp_path: Path) -> None:
    dockerfile = 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD ["flask", "--app", "app", "run"]\n'
    write_tree(tmp_path, {"app.py": APP, "Dockerfile": dockerfile, "requirements.txt": REQS})
    [finding] = findings(tmp_path, {"SRV007"})
    assert finding.path == "Dockerfile" and finding.range.start.line == 3
    assert "127.0.0.1:5000" in finding.message
    apply(tmp_path, finding)
    assert (
        (tmp_path / "Dockerfile")
        .read_text()
        .endswith('CMD ["flask", "--app", "app", "run", "--host", "0.0.0.0"]\n')
    )
    assert findings(tmp_path, {"SRV007"}) == []


def test_srv007_gunicorn_default_bind_in_a_container(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "Dockerfile": "FROM python\nWORKDIR /app\nCOPY . .\nCMD gunicorn app:app\n",
        },
    )
    [finding] = findings(tmp_path, {"SRV007"})
    apply(tmp_path, finding)
    assert "CMD gunicorn --bind 0.0.0.0:8000 app:app" in (tmp_path / "Dockerfile").read_text()
    assert findings(tmp_path, {"SRV007"}) == []


def test_srv007_silent_when_the_starting_script_expects_port(tmp_path: Path) -> None:
    """A script that reads $PORT runs where PORT is set: gunicorn then binds 0.0.0.0:$PORT."""
    script = '#!/bin/sh\nif [ "$1" = dev ]; then exec flask run --port "$PORT"; fi\nexec gunicorn app:app\n'
    dockerfile = 'FROM python\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["./start.sh"]\n'
    write_tree(tmp_path, {"app.py": APP, "start.sh": script, "Dockerfile": dockerfile})
    found = findings(tmp_path, {"SRV007"})
    assert [f.message[:8] for f in found] == ["flask li"]  # flask run still on its loopback


def test_srv007_python_app_py_and_a_host_from_the_environment(tmp_path: Path) -> None:
    script = APP + '\nif __name__ == "__main__":\n    app.run()\n'
    write_tree(
        tmp_path,
        {
            "app.py": script,
            "Dockerfile": 'FROM python\nWORKDIR /app\nCOPY . .\nCMD ["python", "app.py"]\n',
        },
    )
    [finding] = findings(tmp_path, {"SRV007"})
    assert "127.0.0.1" in finding.message
    # bandit's B104 flags a literal "0.0.0.0" in Python; the fix reads the host from the
    # environment and sets it in the image instead.
    apply(tmp_path, finding)
    fixed = (tmp_path / "app.py").read_text()
    assert fixed.startswith("import os\n")
    assert 'app.run(host=os.environ.get("FLASK_RUN_HOST", "127.0.0.1"))' in fixed
    assert "0.0.0.0" not in fixed
    ast.parse(fixed)
    dockerfile = (tmp_path / "Dockerfile").read_text()
    assert dockerfile.endswith('ENV FLASK_RUN_HOST=0.0.0.0\nCMD ["python", "app.py"]\n')
    assert findings(tmp_path, {"SRV007"}) == []


def test_srv007_not_outside_containers(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, "Procfile": "release: flask --app app routes\n"})
    assert findings(tmp_path, {"SRV007"}) == []


# --- SRV008 --------------------------------------------------------------------------------


def test_srv008_fixed_port_on_a_paas(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: gunicorn -b 0.0.0.0:8000 app:app\n"})
    [finding] = findings(tmp_path, {"SRV008"})
    assert "R10" in finding.message
    apply(tmp_path, finding)
    assert (tmp_path / "Procfile").read_text() == "web: gunicorn -b 0.0.0.0:$PORT app:app\n"
    assert findings(tmp_path, {"SRV008"}) == []


def test_srv008_flask_run_on_a_paas(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: flask --app app run\n"})
    [finding] = findings(tmp_path, {"SRV008"})
    apply(tmp_path, finding)
    assert (
        tmp_path / "Procfile"
    ).read_text() == "web: flask --app app run --host 0.0.0.0 --port $PORT\n"
    assert findings(tmp_path, {"SRV008"}) == []


def test_srv008_silent_when_gunicorn_uses_its_port_default(tmp_path: Path) -> None:
    # gunicorn binds 0.0.0.0:$PORT by itself when PORT is set and no bind is given.
    write_tree(
        tmp_path,
        {"app.py": APP, "Procfile": "web: gunicorn app:app\nworker: gunicorn -b :9 app:app\n"},
    )
    assert findings(tmp_path, {"SRV008"}) == []


# --- SRV009 --------------------------------------------------------------------------------


def test_srv009_gunicorn_with_a_windows_interpreter(tmp_path: Path) -> None:
    write_tree(
        tmp_path, {"app.py": APP, "Procfile": "web: gunicorn app:app\n", "requirements.txt": REQS}
    )
    windows = "C:\\Users\\me\\proj\\.venv\\Scripts\\python.exe"
    [finding] = findings(tmp_path, {"SRV009"}, windows)
    assert "fcntl" in finding.message and "waitress-serve app:app" in finding.message
    apply(tmp_path, finding)
    assert "waitress" in (tmp_path / "requirements.txt").read_text()
    assert findings(tmp_path, {"SRV009"}, windows) != []  # the Procfile still names gunicorn
    assert findings(tmp_path, {"SRV009"}, "/home/me/.venv/bin/python") == []


# --- SRV010 --------------------------------------------------------------------------------


def test_srv010_flask_env_in_flaskenv(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            ".flaskenv": "FLASK_APP=app\nFLASK_ENV=development\n",
            "requirements.txt": REQS,
        },
    )
    [finding] = findings(tmp_path, {"SRV010"})
    assert finding.path == ".flaskenv" and text_at(tmp_path, finding) == "FLASK_ENV"
    apply(tmp_path, finding)
    assert (tmp_path / ".flaskenv").read_text() == "FLASK_APP=app\nFLASK_DEBUG=1\n"
    assert findings(tmp_path, {"SRV010"}) == []


@pytest.mark.parametrize(
    "reads",
    [
        'os.environ["FLASK_ENV"]',
        'os.environ.get("FLASK_ENV", "production")',
        'os.getenv("FLASK_ENV")',
    ],
)
def test_srv010_silent_when_the_app_reads_flask_env_itself(tmp_path: Path, reads: str) -> None:
    """Then FLASK_ENV is the app's own setting (it picks the config class)."""
    config = f"import os\n\nCONFIG_NAME = {reads}\n"
    files = {
        "app.py": APP,
        ".flaskenv": "FLASK_APP=app\nFLASK_ENV=development\n",
        "requirements.txt": REQS,
        "tests/test_config.py": 'import os\nos.environ["FLASK_ENV"]\n',
    }
    write_tree(tmp_path, files)
    assert len(findings(tmp_path, {"SRV010"})) == 1  # a test reading it does not count
    write_tree(tmp_path, {"config.py": config})
    assert findings(tmp_path, {"SRV010"}) == []


def test_srv010_silent_when_the_apps_own_requirements_pin_an_old_flask(tmp_path: Path) -> None:
    files = {"api/app.py": APP, "api/.flaskenv": "FLASK_ENV=development\n"}
    write_tree(tmp_path, files)
    assert len(findings(tmp_path, {"SRV010"})) == 1
    write_tree(tmp_path, {"api/requirements.txt": "Flask==2.0.1\n"})
    assert findings(tmp_path, {"SRV010"}) == []


def test_srv010_silent_for_an_old_pinned_flask(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"app.py": APP, ".env": "FLASK_ENV=development\n", "requirements.txt": "flask<2.3\n"},
    )
    assert findings(tmp_path, {"SRV010"}) == []


# --- APP005 --------------------------------------------------------------------------------

PUBLIC_DEBUG = (
    '"""Service."""\nfrom __future__ import annotations\n\n'
    + APP
    + ('\nif __name__ == "__main__":\n    app.run(host="0.0.0.0", debug=True)\n')
)


def test_app005_public_host_is_an_error_and_the_fix_reads_the_environment(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": PUBLIC_DEBUG})
    [finding] = findings(tmp_path, {"APP005"})
    assert finding.severity is Severity.ERROR and text_at(tmp_path, finding) == "True"
    assert "remote code execution" in finding.message
    apply(tmp_path, finding)
    fixed = (tmp_path / "app.py").read_text()
    tree = ast.parse(fixed)
    assert isinstance(tree.body[1], ast.ImportFrom) and tree.body[1].module == "__future__"
    assert isinstance(tree.body[2], ast.Import) and tree.body[2].names[0].name == "os"
    assert 'debug=os.environ.get("FLASK_DEBUG") == "1"' in fixed
    assert findings(tmp_path, {"APP005"}) == []


def test_app005_warning_only_when_a_production_server_is_declared(tmp_path: Path) -> None:
    local = APP + "\napp.run(debug=True)\n"
    write_tree(tmp_path, {"app.py": local})
    assert findings(tmp_path, {"APP005"}) == []
    (tmp_path / "Procfile").write_text("web: gunicorn app:app\n")
    [finding] = findings(tmp_path, {"APP005"})
    assert finding.severity is Severity.WARNING and "Procfile" in finding.message


def test_app005_main_guard_is_silent_when_production_runs_a_wsgi_server(tmp_path: Path) -> None:
    """gunicorn imports app.py and never runs its `__main__` guard: the textbook pattern."""
    guarded = PUBLIC_DEBUG
    write_tree(tmp_path, {"app.py": guarded, "Procfile": "web: gunicorn app:app\n"})
    assert findings(tmp_path, {"APP005"}) == []
    # Production running the file itself does run the guard.
    (tmp_path / "Procfile").write_text("web: python app.py\n")
    [finding] = findings(tmp_path, {"APP005"})
    assert finding.severity is Severity.ERROR


def test_app005_flask_run_debug_in_a_container(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "Dockerfile": "FROM python\nWORKDIR /app\nCOPY . .\nCMD flask --app app run --debug --host 0.0.0.0\n",
        },
    )
    [finding] = findings(tmp_path, {"APP005"})
    assert finding.path == "Dockerfile" and finding.severity is Severity.ERROR


# --- APP007 --------------------------------------------------------------------------------

SCHEDULER = (
    "import threading\n\nfrom apscheduler.schedulers.background import BackgroundScheduler\n"
    + APP
    + "\nscheduler = BackgroundScheduler()\nscheduler.start()\n"
    "threading.Thread(target=print, daemon=True).start()\n"
    '\nif __name__ == "__main__":\n    app.run(debug=True)\n'
)


def test_app007_module_level_background_work_with_the_reloader(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": SCHEDULER})
    found = findings(tmp_path, {"APP007"})
    assert [text_at(tmp_path, f) for f in found] == [
        "scheduler.start()",
        "threading.Thread(target=print, daemon=True).start()",
    ]
    apply(tmp_path, found[0])
    assert "app.run(debug=True, use_reloader=False)" in (tmp_path / "app.py").read_text()
    assert findings(tmp_path, {"APP007"}) == []


def test_app007_silent_without_the_reloader(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": SCHEDULER.replace("app.run(debug=True)", "app.run()")})
    assert findings(tmp_path, {"APP007"}) == []


def test_srv008_silent_on_the_port_a_digitalocean_app_spec_routes_to(tmp_path: Path) -> None:
    """App Platform routes to a service's http_port (8080 by default), not only to $PORT."""
    files = {
        "app.py": APP,
        "Procfile": "web: gunicorn --bind 0.0.0.0:8080 app:app\n",
        "requirements.txt": REQS,
    }
    write_tree(tmp_path, files)
    assert len(findings(tmp_path, {"SRV008"})) == 1
    write_tree(tmp_path, {".do/app.yaml": "name: x\nservices:\n- name: web\n"})
    assert findings(tmp_path, {"SRV008"}) == []
    write_tree(tmp_path, {".do/app.yaml": "name: x\nservices:\n- name: web\n  http_port: 5000\n"})
    assert len(findings(tmp_path, {"SRV008"})) == 1


def test_app_yaml_default_entrypoint_gets_no_fix_that_edits_the_runtime_line(
    tmp_path: Path,
) -> None:
    """App Engine's default `gunicorn -b :$PORT main:app` is written nowhere in app.yaml: a fix
    that replaced its target edited the `runtime:` line instead (` --chdir webapp:appuntime`)."""
    write_tree(tmp_path, {"web/app.py": APP, "app.yaml": "runtime: python312\n"})
    [finding] = findings(tmp_path, {"SRV001"})
    assert finding.message.startswith("gunicorn cannot import 'main' from the project root")
    assert finding.fixes == ()


# --- a Dockerfile's build context ----------------------------------------------------------


DOCKERFILE_BELOW = """\
FROM python:3.12-slim
WORKDIR /app
{copy}
RUN pip install -r requirements.txt
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
"""


def test_a_dockerfile_below_the_root_that_copies_only_dot_is_not_judged(tmp_path: Path) -> None:
    # `docker build -f docker/Dockerfile .` builds from the root, where app.py is: nothing in
    # the files names the context, so a module missing from docker/ is not an error.
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "requirements.txt": REQS,
            "docker/Dockerfile": DOCKERFILE_BELOW.format(copy="COPY . /app"),
        },
    )
    assert findings(tmp_path, {"SRV001"}) == []
    # A file it copies that exists only beside it says the context is docker/: judged there.
    write_tree(
        tmp_path,
        {
            "docker/requirements.txt": REQS,
            "docker/Dockerfile": DOCKERFILE_BELOW.format(
                copy="COPY requirements.txt .\nCOPY . /app"
            ),
        },
    )
    (tmp_path / "requirements.txt").unlink()
    [srv001] = findings(tmp_path, {"SRV001"})
    assert srv001.path == "docker/Dockerfile"
    assert srv001.severity == Severity.ERROR
    assert "cannot import 'app'" in srv001.message
