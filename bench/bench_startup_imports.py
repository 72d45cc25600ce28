"""DEP009's import linker on a tutorial-sized Flask app (Flask, Flask-Login, Flask-WTF,
Flask-SQLAlchemy and SQLAlchemy), against a real `python -c "import app"` in the same venv,
in the same run:

- cold: empty facts cache, a new process (every module's facts are read with `ast`);
- warm disk: a new process (a new session) with the cache on disk;
- warm memory: the same process again (site-packages unchanged), what a re-check costs.

Each linker figure is the time of `predict_startup_failures` inside a fresh process (the
server is already running when it checks); the baseline is the whole `python -c "import app"`.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

COLD_TARGET = 4.0  # x the real import
WARM_DISK_TARGET = 1.0  # x the real import
WARM_MEMORY_TARGET_MS = 50.0
REPEAT = 5

APP = """\
from flask import Flask
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import FlaskForm
import sqlalchemy.orm

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
db = SQLAlchemy(app)
login = LoginManager(app)
"""


def measure(root: str, python: str) -> None:
    """In a fresh process: one prediction (cold or warm disk), then one warm in memory."""
    from flask_preflight.analysis.project import Project
    from flask_preflight.analysis.startup_imports import predict_startup_failures
    from flask_preflight.analysis.startup_imports.facts_cache import shared_cache

    def once() -> tuple[float, float, int]:
        project = Project(Path(root), interpreter=python)
        started, cpu = time.perf_counter(), _cpu()
        prediction = predict_startup_failures(project, modules=["app.py"])
        elapsed, cpu = time.perf_counter() - started, _cpu() - cpu
        assert prediction is not None and prediction.failures == (), prediction
        return elapsed, cpu, shared_cache().computed

    first, first_cpu, computed = once()
    memory = min(once()[0] for _ in range(REPEAT))
    print(json.dumps({"first": first, "cpu": first_cpu, "computed": computed, "memory": memory}))


def _cpu() -> float:
    """CPU seconds of this process and its children (big sources are read in a child)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def run_measure(root: Path, python: str, cache: str) -> dict[str, float]:
    env = {**os.environ, "FLASK_PREFLIGHT_CACHE_DIR": cache}
    out = subprocess.run(
        [sys.executable, __file__, "--measure", str(root), python],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def real_import(root: Path, python: str, cpu: list[float] | None = None) -> float:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([python, "-c", "import app"], cwd=root, env=env, check=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return elapsed


def main() -> int:
    from tests.startup_import_cases import CASES

    (case,) = [c for c in CASES if c.id == "current-extensions"]
    python = str(case.interpreter())
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "app"
        root.mkdir()
        (root / "app.py").write_text(APP)
        real_import(root, python)  # bytecode caches written: the real import at its fastest
        cold, warm, memory, real = [], [], [], []
        cold_cpu: list[float] = []
        warm_cpu: list[float] = []
        real_cpu: list[float] = []
        for index in range(REPEAT):
            cache = str(Path(tmp) / f"cache-{index}")
            real.append(real_import(root, python, real_cpu))
            first = run_measure(root, python, cache)
            cold.append(first["first"])
            cold_cpu.append(first["cpu"])
            memory.append(first["memory"])
            second = run_measure(root, python, cache)
            assert second["computed"] == 0, second
            warm.append(second["first"])
            warm_cpu.append(second["cpu"])
            real.append(real_import(root, python, real_cpu))
        baseline = statistics.median(real)
        results = [
            ("cold (empty cache)", statistics.median(cold), COLD_TARGET),
            ("warm disk cache, new process", statistics.median(warm), WARM_DISK_TARGET),
        ]
        print(f"real `python -c 'import app'`: {baseline * 1000:.0f} ms (median of {len(real)})")
        print(f"modules whose facts were read cold: {first['computed']}")
        failed = False
        for label, value, target in results:
            ratio = value / baseline
            verdict = "ok" if ratio <= target else "SLOWER THAN TARGET"
            failed |= ratio > target
            print(f"{label}: {value * 1000:.0f} ms = {ratio:.2f}x (target <= {target}x) {verdict}")
        # CPU time is steadier than wall time on a shared machine: shown for reference
        base_cpu = statistics.median(real_cpu)
        print(
            f"CPU time: real import {base_cpu * 1000:.0f} ms, cold "
            f"{statistics.median(cold_cpu) / base_cpu:.2f}x, warm disk "
            f"{statistics.median(warm_cpu) / base_cpu:.2f}x"
        )
        warm_ms = statistics.median(memory) * 1000
        verdict = "ok" if warm_ms <= WARM_MEMORY_TARGET_MS else "SLOWER THAN TARGET"
        failed |= warm_ms > WARM_MEMORY_TARGET_MS
        print(
            f"warm in memory (re-check, site-packages unchanged): {warm_ms:.1f} ms = "
            f"{warm_ms / WARM_MEMORY_TARGET_MS:.2f}x the {WARM_MEMORY_TARGET_MS:.0f} ms target, "
            f"{warm_ms / (baseline * 1000):.3f}x the real import ({verdict})"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--measure":
        measure(sys.argv[2], sys.argv[3])
        sys.exit(0)
    sys.exit(main())
