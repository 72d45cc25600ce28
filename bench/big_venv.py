"""A real venv with at least 175 installed distributions (popular web, data and tooling
libraries from the package registry, with their dependencies), built once and cached like the
test venvs (tests/venvs.py: by content hash, under .cache/, guarded by a lock)."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

#: Top-level requirements; pip adds their dependencies (wheels only: nothing is compiled).
REQUIREMENTS = [
    "flask",
    "flask-sqlalchemy",
    "flask-login",
    "flask-wtf",
    "flask-migrate",
    "flask-cors",
    "flask-caching",
    "flask-limiter",
    "flask-mail",
    "flask-restful",
    "flask-babel",
    "flask-jwt-extended",
    "flask-marshmallow",
    "marshmallow-sqlalchemy",
    "flask-session",
    "flask-socketio",
    "flask-talisman",
    "flask-bcrypt",
    "flask-smorest",
    "requests",
    "httpx",
    "aiohttp",
    "celery",
    "redis",
    "pydantic",
    "pydantic-settings",
    "alembic",
    "psycopg2-binary",
    "pymysql",
    "boto3",
    "python-dateutil",
    "pytz",
    "arrow",
    "babel",
    "markdown",
    "bleach",
    "beautifulsoup4",
    "lxml",
    "pyyaml",
    "toml",
    "click",
    "rich",
    "typer",
    "tqdm",
    "tabulate",
    "attrs",
    "cattrs",
    "jsonschema",
    "python-dotenv",
    "cryptography",
    "pyjwt",
    "passlib",
    "gunicorn",
    "sentry-sdk",
    "structlog",
    "loguru",
    "stripe",
    "google-auth",
    "requests-oauthlib",
    "authlib",
    "pillow",
    "openpyxl",
    "xlsxwriter",
    "qrcode",
    "python-slugify",
    "phonenumbers",
    "email-validator",
    "humanize",
    "cachetools",
    "tenacity",
    "backoff",
    "more-itertools",
    "toolz",
    "boltons",
    "six",
    "decorator",
    "wrapt",
    "deprecated",
    "platformdirs",
    "filelock",
    "psutil",
    "watchdog",
    "apscheduler",
    "croniter",
    "pytest",
    "coverage",
    "faker",
    "factory-boy",
    "freezegun",
    "responses",
    "isort",
    "flake8",
    "pylint",
    "websocket-client",
    "paramiko",
    "fabric",
    "docker",
    "kubernetes",
    "pymongo",
    "peewee",
    "graphene",
    "jsonpatch",
    "simplejson",
    "msgpack",
    "protobuf",
    "google-cloud-storage",
    "feedparser",
    "html5lib",
    "mistune",
    "pygments",
    "sphinx",
    "openai",
]

MINIMUM = 175


def build() -> Path:
    """The venv directory (built on first use; later calls return the cached one)."""
    from tests.venvs import make_venv

    return make_venv("bench-175-dists", ["--only-binary", ":all:", *REQUIREMENTS])


def distribution_count(python: str) -> int:
    """Installed distributions as the venv's own importlib.metadata sees them."""
    import subprocess

    code = "import importlib.metadata as m; print(len({d.metadata['Name'].lower() for d in m.distributions()}))"
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


if __name__ == "__main__":
    from tests.venvs import venv_python

    venv = build()
    print(venv, distribution_count(str(venv_python(venv))))
