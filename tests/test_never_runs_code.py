"""The CLI reads a project full of side effects and none of them happens."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
from tests.side_effects import plant_side_effects, ran


def test_check_entrypoints_and_env_never_run_the_project(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    planted = plant_side_effects(root, tmp_path / "markers")
    # The proof can fail: running the planted files does leave the markers.
    control = tmp_path / "control"
    control_planted = plant_side_effects(control, tmp_path / "control-markers")
    for name in ("gunicorn.conf.py", "setup.py"):
        subprocess.run([sys.executable, name], cwd=control, capture_output=True, timeout=60)
    subprocess.run(
        [sys.executable, "-c", "import pkg"], cwd=control, capture_output=True, timeout=60
    )
    assert sorted(ran(control_planted)) == ["gunicorn.conf.py", "pkg/__init__.py", "setup.py"]

    env = {**os.environ, "PYTHONPATH": str(REPO / "server")}
    env.pop("VIRTUAL_ENV", None)
    for args in (
        ["check", str(root)],
        ["check", str(root), "--format", "sarif"],
        ["check", str(root), "--python", sys.executable],
        ["entrypoints", str(root)],
        ["entrypoints", str(root), "--format", "json"],
        ["env", str(root)],
        ["env", str(root), "--python", sys.executable],
    ):
        result = subprocess.run(
            [sys.executable, "-m", "flask_preflight", *args],
            cwd=root,  # the project folder first on sys.path of anything that imported it
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode in (0, 1), (args, result.stderr)
        assert ran(planted) == [], (args, ran(planted))
    # And it did read them: the app, the factory and the config's target are all found.
    listed = subprocess.run(
        [sys.executable, "-m", "flask_preflight", "entrypoints", str(root)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert "app.py:" in listed and "create_app" in listed and "gunicorn.conf.py" in listed
