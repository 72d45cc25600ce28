"""Reading a 150+-distribution venv and checking a project's requirements (ENV/DEP rules),
against `python -m pip check` and `python -m pip list` on the same venv, in the same run."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.venvs import make_venv, venv_python  # noqa: E402

from flask_preflight.analysis.catalog import resolve_rule_ids  # noqa: E402
from flask_preflight.analysis.environment import probe, reading  # noqa: E402
from flask_preflight.analysis.environment.reading import read_environment  # noqa: E402
from flask_preflight.analysis.project import Project  # noqa: E402
from flask_preflight.analysis.registry import run_checks  # noqa: E402

TARGET_RATIO = 10.0
MIN_DISTRIBUTIONS = 150
REPEAT = 5

#: A realistic kitchen-sink environment: AWS tooling, Jupyter, docs, Flask extensions, web
#: frameworks, plotting. Resolved by pip; well over 150 distributions.
BIG_ENVIRONMENT = [
    "boto3",
    "awscli",
    "jupyter",
    "sphinx",
    "flask",
    "celery",
    "requests",
    "pytest",
    "black",
    "httpx",
    "sqlalchemy",
    "flask-sqlalchemy",
    "flask-login",
    "flask-wtf",
    "gunicorn",
    "django",
    "fastapi",
    "rich",
    "typer",
    "matplotlib",
    "flask-migrate",
    "flask-cors",
    "pyjwt",
    "marshmallow",
]

REQUIREMENTS = """\
flask>=3
flask-sqlalchemy
flask-login
flask-wtf
flask-migrate
flask-cors
gunicorn
celery
requests
boto3
pyjwt
marshmallow
sqlalchemy>=2
httpx
rich
not-installed-anywhere==1.0
"""

APP = """\
import os
import jwt
import boto3
import requests
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from flask_login import LoginManager

app = Flask(__name__)
"""

DEP_AND_ENV = resolve_rule_ids("DEP,ENV")


def timed(func: Callable[[], object], repeat: int = REPEAT) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def clear_caches() -> None:
    reading._env_cache.clear()
    probe._probe_cache.clear()


def main() -> int:
    python = str(venv_python(make_venv("bench-big", BIG_ENVIRONMENT)))
    count = len(read_environment(python, allow_exec=False).distributions)
    print(f"venv: {count} distributions (want >= {MIN_DISTRIBUTIONS})")
    if count < MIN_DISTRIBUTIONS:
        print("FAIL: the benchmark venv is too small")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "requirements.txt").write_text(REQUIREMENTS)
        (root / "app.py").write_text(APP)

        def check() -> int:
            project = Project(root, interpreter=python, settings={"interpreter_source": "auto"})
            return len(run_checks(project, select=DEP_AND_ENV))

        def cold() -> None:
            clear_caches()
            check()

        findings = check()
        ours_cold = timed(cold)
        check()
        ours_cached = timed(check)
        read_cold = timed(lambda: (clear_caches(), read_environment(python, allow_exec=False)))
        cli = [sys.executable, "-m", "flask_preflight", "check", str(root), "--python", python]
        cli += ["--select", "DEP,ENV", "--format", "json"]
        cli_process = timed(lambda: subprocess.run(cli, capture_output=True, check=False), 3)
        pip_check = timed(
            lambda: subprocess.run(
                [python, "-m", "pip", "check", "--disable-pip-version-check"],
                capture_output=True,
                check=False,
            ),
            3,
        )
        pip_list = timed(
            lambda: subprocess.run(
                [python, "-m", "pip", "list", "--format", "json", "--disable-pip-version-check"],
                capture_output=True,
                check=False,
            ),
            3,
        )
    print(f"ENV+DEP check of a project ({findings} findings), medians:")
    rows = [
        ("read venv only, cold", read_cold),
        ("read + check, cold (caches cleared)", ours_cold),
        ("read + check, cached (unchanged site-packages)", ours_cached),
        ("`flask-preflight check` process (start-up included)", cli_process),
        ("python -m pip check", pip_check),
        ("python -m pip list", pip_list),
    ]
    for label, seconds in rows:
        print(f"  {label:<55} {seconds * 1000:8.1f} ms")
    ratios = [
        ("pip check / ours cold", pip_check / ours_cold),
        ("pip check / ours cached", pip_check / ours_cached),
        ("pip list / ours cold", pip_list / ours_cold),
        ("pip check / our CLI process", pip_check / cli_process),
    ]
    for label, ratio in ratios:
        print(f"  {label:<55} {ratio:8.1f}x")
    if ratios[0][1] < TARGET_RATIO:
        print(f"FAIL: cold read + check is under {TARGET_RATIO:.0f}x faster than pip check")
        return 1
    print(f"OK: cold read + check is >= {TARGET_RATIO:.0f}x faster than pip check")
    return 0


if __name__ == "__main__":
    sys.exit(main())
