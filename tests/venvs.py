"""Real virtualenvs for tests, built once and cached under .cache/test-venvs (by content hash).

Tests use real interpreters and real installs as oracles (pip check, an import, gunicorn
--check-config). Building is idempotent and guarded by a lock so parallel runs share work.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("FLASK_PREFLIGHT_TEST_CACHE") or REPO / ".cache" / "test-venvs")
PIP_TIMEOUT = 600


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def make_venv(
    name: str,
    requirements: Sequence[str] = (),
    *,
    no_deps: Sequence[str] = (),
    python: str = sys.executable,
) -> Path:
    """A venv with `requirements` installed (resolved by pip), then `no_deps` forced in
    without dependency resolution (to build deliberately broken environments).

    Returns the venv directory. Rebuilt only when the inputs change.
    """
    key = hashlib.sha256(
        json.dumps([list(requirements), list(no_deps), python, sys.version]).encode()
    ).hexdigest()[:12]
    venv = CACHE / f"{name}-{key}"
    done = venv / ".complete"
    if done.exists():
        return venv
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f"{name}-{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.exists():
            return venv
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=120)
        pip = [str(venv_python(venv)), "-m", "pip", "install", "--quiet"]
        pip += ["--disable-pip-version-check", "--no-input"]
        if requirements:
            subprocess.run([*pip, *requirements], check=True, timeout=PIP_TIMEOUT)
        if no_deps:
            subprocess.run([*pip, "--no-deps", *no_deps], check=True, timeout=PIP_TIMEOUT)
        done.write_text(json.dumps({"requirements": list(requirements), "no_deps": list(no_deps)}))
    return venv
