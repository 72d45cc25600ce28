"""`entrypoints` over a generated workspace of 2,000 modules and 50 declarations, printed beside
one real `gunicorn --check-config` (measured in the same run): what a user would otherwise
pay per target, by hand."""

from __future__ import annotations

import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.venvs import make_venv  # noqa: E402

from flask_preflight.analysis.entrypoints import entrypoints_report  # noqa: E402
from flask_preflight.analysis.project import Project  # noqa: E402

MODULES = 2_000
PACKAGES = 50
RUNS = 5
SERVERS = ["flask==3.1.3", "gunicorn==23.0.0", "waitress==3.0.2", "python-dotenv==1.2.1"]

APP = """\
from flask import Flask

from .helpers_0 import helper

app = Flask(__name__)


@app.route("/")
def index():
    return helper()
"""
FACTORY = """\
from flask import Flask


def create_app(config=None):
    app = Flask(__name__)
    return app
"""
HELPER = """\
import os


def helper():
    return os.environ.get("NAME", "{n}")
"""


def generate(root: Path) -> None:
    """50 packages of 40 modules (one app or factory each); 50 declarations over 10 kinds of
    deploy file, a fifth of them wrong."""
    per_package = MODULES // PACKAGES
    procfile, compose = [], ["services:"]
    for p in range(PACKAGES):
        package = root / "services" / f"svc{p}"
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(FACTORY if p % 2 else "")
        if not p % 2:
            (package / "web.py").write_text(APP)
        for m in range(per_package - (1 if p % 2 else 2)):
            (package / f"helpers_{m}.py").write_text(HELPER.format(n=m))
        target = f"svc{p}:create_app()" if p % 2 else f"svc{p}.web:app"
        if p % 5 == 4:
            target = (
                target.replace("app", "application", 1) if "web" in target else f"svc{p}:create_app"
            )
        kind = p % 5
        if kind in (0, 4):
            procfile.append(f"p{p}: gunicorn --chdir services {shlex.quote(target)}")
        elif kind == 1:
            compose.append(
                f"  s{p}:\n    build: .\n    command: gunicorn --chdir /app/services '{target}'"
            )
        elif kind == 2:
            (root / "deploy" / f"svc{p}").mkdir(parents=True)
            (root / "deploy" / f"svc{p}" / "gunicorn.conf.py").write_text(
                f"wsgi_app = {target!r}\nchdir = '../../services'\n"
            )
        else:
            folder = root / "deploy" / f"flask{p}"
            folder.mkdir(parents=True)
            module, _, name = target.partition(":")
            path = "../../services/" + module.replace(".", "/")
            (folder / ".flaskenv").write_text(f"FLASK_APP={path}:{name}\n")
    (root / "Procfile").write_text("\n".join(procfile) + "\n")
    (root / "docker-compose.yml").write_text("\n".join(compose) + "\n")
    (root / "Dockerfile").write_text("FROM python:3.12\nWORKDIR /app\nCOPY . .\n")


def time_entrypoints(root: Path) -> tuple[float, dict[str, object]]:
    started = time.perf_counter()
    report = entrypoints_report(Project(root))
    return time.perf_counter() - started, report


def time_gunicorn(root: Path) -> float:
    gunicorn = make_venv("servers", SERVERS) / "bin" / "gunicorn"
    started = time.perf_counter()
    result = subprocess.run(
        [str(gunicorn), "--check-config", "--chdir", "services", "svc0.web:app"],
        cwd=root, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"gunicorn --check-config failed: {result.stderr}")
    return elapsed


def main() -> int:
    root = Path(tempfile.mkdtemp(prefix="bench-entrypoints-"))
    try:
        generate(root)
        timings, report = [], {}
        for _ in range(RUNS):
            elapsed, report = time_entrypoints(root)
            timings.append(elapsed)
        entries = report["entrypoints"]
        assert isinstance(entries, list)
        gunicorn = statistics.median(time_gunicorn(root) for _ in range(3))
        ours = statistics.median(timings)
        statuses = [e["status"] for e in entries]
        print(f"workspace: {MODULES} modules, {len(entries)} declarations "
              f"({statuses.count('ok')} ok, {len(statuses) - statuses.count('ok')} not)")  # fmt: skip
        print(f"flask-preflight entrypoints (cold, median of {RUNS}): {ours * 1000:.0f} ms")
        print(f"gunicorn --check-config, one target (median of 3):  {gunicorn * 1000:.0f} ms")
        print(f"ratio: all {len(entries)} declarations = {ours / gunicorn:.2f}x one gunicorn check "
              f"({ours / len(entries) * 1000:.1f} ms per declaration)")  # fmt: skip
        if len(entries) != 50:
            print(f"expected 50 declarations, found {len(entries)}", file=sys.stderr)
            return 1
        return 0
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
