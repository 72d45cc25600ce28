"""Real broken runs for the `explain` tests: real apps run by real interpreters in real venvs.
Nothing here is hand-written output: every text is what the process printed."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

from tests.venvs import make_venv, venv_python

APP = """\
from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "hello"


if __name__ == "__main__":
    app.run()
"""
SERVERS = ["flask==3.1.3", "gunicorn==23.0.0", "waitress==3.0.2", "python-dotenv==1.2.1"]
TIMEOUT = 60


def flask_venv() -> Path:
    return make_venv("flask", ["flask==3.1.3"])


def bare_venv() -> Path:
    return make_venv("bare", [])


def old_flask_venv() -> Path:
    """Flask 2.0.3 resolved today: pip picks Werkzeug 3, which dropped `url_quote`."""
    return make_venv("flask203-wz3", ["Flask==2.0.3"])


def servers_venv() -> Path:
    return make_venv("servers", SERVERS)


def project_with_venv(root: Path, venv: Path, app: str = APP) -> Path:
    """A project folder whose `.venv` is `venv` (a link to the cached real venv)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "app.py").write_text(app, encoding="utf-8")
    (root / ".venv").symlink_to(venv, target_is_directory=True)
    return root


def run(argv: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run a command as a terminal would (stdout and stderr together)."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    full_env.update(env or {})
    done = subprocess.run(
        list(argv),
        cwd=cwd,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    return done.returncode, done.stdout


def tiny_wheel(directory: Path, name: str = "tinypkg", version: str = "1.0") -> Path:
    """A minimal pure-Python wheel, so pip installs something real without the network."""
    files = {
        f"{name}/__init__.py": b"VALUE = 1\n",
        f"{name}-{version}.dist-info/METADATA": (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
        ),
        f"{name}-{version}.dist-info/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
        f"{name}-{version}.dist-info/top_level.txt": f"{name}\n".encode(),
    }
    wheel = directory / f"{name}-{version}-py3-none-any.whl"
    record = []
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            record.append(f"{path},sha256={digest.decode()},{len(data)}")
        record.append(f"{name}-{version}.dist-info/RECORD,,")
        archive.writestr(f"{name}-{version}.dist-info/RECORD", "\n".join(record) + "\n")
    return wheel


def throwaway_venv(directory: Path) -> Path:
    """A fresh venv with pip (the "other" environment a terminal's pip installs into)."""
    subprocess.run([sys.executable, "-m", "venv", str(directory)], check=True, timeout=180)
    return directory


__all__ = ["venv_python"]
