"""The language server's memory on a big project: a generated 5,000-file workspace whose Flask
app imports about 90 packages of a real venv with at least 175 installed distributions
(bench/big_venv.py, built once and cached). The real server is started over stdio, the app
opened, and the bench waits for the diagnostics of the deferred DEP009 run (the app's last
import is a name MarkupSafe 2.1 removed, so DEP009 reports it once the whole start has been replayed).

Prints the server's peak resident memory (VmHWM) against the 150 MB budget and against the
floor of a bare `python -c "import pygls.lsp.server"` measured in the same run, for a cold
facts cache (empty: every installed module read with `ast`) and a warm one (a new session).
Asserts nothing; exits 1 when the peak is over budget.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_lsp import TIMEOUT, _capabilities, _env, _open, _stop
from big_venv import MINIMUM, build, distribution_count

BUDGET_MB = 150.0
FILES = 5000

#: Import names of packages the venv holds; the app imports them all at module level.
IMPORTS = [
    "flask_sqlalchemy",
    "flask_login",
    "flask_wtf",
    "flask_migrate",
    "flask_cors",
    "flask_caching",
    "flask_limiter",
    "flask_mail",
    "flask_restful",
    "flask_babel",
    "flask_jwt_extended",
    "flask_marshmallow",
    "flask_session",
    "flask_socketio",
    "flask_talisman",
    "flask_bcrypt",
    "flask_smorest",
    "requests",
    "httpx",
    "aiohttp",
    "celery",
    "redis",
    "pydantic",
    "pydantic_settings",
    "alembic",
    "sqlalchemy",
    "sqlalchemy.orm",
    "boto3",
    "dateutil",
    "pytz",
    "arrow",
    "babel",
    "markdown",
    "bleach",
    "bs4",
    "yaml",
    "click",
    "rich",
    "typer",
    "tqdm",
    "tabulate",
    "attrs",
    "cattrs",
    "jsonschema",
    "dotenv",
    "cryptography",
    "jwt",
    "passlib",
    "gunicorn",
    "sentry_sdk",
    "structlog",
    "loguru",
    "stripe",
    "google.auth",
    "requests_oauthlib",
    "authlib",
    "PIL",
    "openpyxl",
    "xlsxwriter",
    "qrcode",
    "slugify",
    "phonenumbers",
    "email_validator",
    "humanize",
    "cachetools",
    "tenacity",
    "backoff",
    "more_itertools",
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
    "faker",
    "factory",
    "freezegun",
    "responses",
    "websocket",
    "paramiko",
    "docker",
    "kubernetes",
    "pymongo",
    "peewee",
    "graphene",
    "jsonpatch",
    "simplejson",
    "msgpack",
    "google.protobuf",
    "google.cloud.storage",
    "feedparser",
    "html5lib",
    "mistune",
    "pygments",
    "openai",
]


def workspace(root: Path) -> None:
    """5,000 Python files: the app, and modules in packages of 100 (each importing one of
    the packages at module level; the app imports the first)."""
    written = 1  # app.py
    i = 0
    while written < FILES:
        package = root / f"pkg{i // 100}"
        package.mkdir(parents=True, exist_ok=True)
        if i % 100 == 0:
            (package / "__init__.py").write_text("")
            written += 1
        written += 1
        dependency = IMPORTS[i % len(IMPORTS)]
        (package / f"mod{i}.py").write_text(
            f'"""Module {i}."""\nimport os\nimport {dependency}\n\n\n'
            f'def f{i}(x):\n    return os.path.join(str(x), "{i}")\n'
        )
        i += 1
    lines = ["from flask import Flask", *(f"import {name}" for name in IMPORTS)]
    lines += ["import pkg0.mod0", "from markupsafe import soft_unicode  # gone in 2.1: DEP009", ""]
    lines += ["app = Flask(__name__)", ""]
    (root / "app.py").write_text("\n".join(lines))
    (root / "requirements.txt").write_text("flask\n")


class MemoryClient(LanguageClient):
    def __init__(self) -> None:
        super().__init__("flask-preflight-bench-memory", "1")
        self.diagnostics: dict[str, list[types.Diagnostic]] = {}
        self.changed = asyncio.Event()

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_publish(params: types.PublishDiagnosticsParams) -> None:
            self.diagnostics[params.uri] = params.diagnostics
            self.changed.set()

        @self.feature("flaskPreflight/status")
        def on_status(params: Any) -> None:
            return None

        @self.feature(types.CLIENT_REGISTER_CAPABILITY)
        def on_register(params: types.RegistrationParams) -> None:
            return None

        @self.feature(types.CLIENT_UNREGISTER_CAPABILITY)
        def on_unregister(params: types.UnregistrationParams) -> None:
            return None

        @self.feature(types.WINDOW_LOG_MESSAGE)
        def on_log(params: types.LogMessageParams) -> None:
            if params.type == types.MessageType.Error:
                print("server error:", params.message[:500], file=sys.stderr)

        @self.feature(types.WORKSPACE_CONFIGURATION)
        def on_configuration(params: types.ConfigurationParams) -> list[Any]:
            return [None for _ in params.items]

    def has(self, uri: str, code: str) -> bool:
        return any(str(d.code) == code for d in self.diagnostics.get(uri, []))

    async def until(self, uri: str, code: str) -> None:
        deadline = time.monotonic() + TIMEOUT * 5
        while not self.has(uri, code):
            self.changed.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {code} diagnostic in time")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.changed.wait(), remaining)


def peak_mb(pid: int) -> float:
    """VmHWM: the process's peak resident memory so far."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def floor_mb() -> float:
    """The peak of a bare process that imports pygls's server and nothing of ours."""
    code = (
        "import pygls.lsp.server\n"
        "print([l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=_env()
    )
    return int(out.stdout.strip()) / 1024


async def measure(root: Path, python: str, cache: str) -> tuple[float, float, float]:
    """(seconds to DEP009's diagnostics, peak MB then, peak MB after a save's re-check)."""
    client = MemoryClient()
    started = time.perf_counter()
    await client.start_io(
        sys.executable,
        "-m",
        "flask_preflight",
        "lsp",
        env={**_env(), "FLASK_PREFLIGHT_CACHE_DIR": cache},
    )
    await client.initialize_async(
        types.InitializeParams(
            capabilities=_capabilities(),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
            initialization_options={
                "trusted": True,
                "interpreters": {root.as_uri(): {"path": python, "source": "explicit"}},
                "settings": {},
            },
        )
    )
    client.initialized(types.InitializedParams())
    uri = _open(client, root / "app.py")  # type: ignore[arg-type]
    await client.until(uri, "DEP009")
    elapsed = time.perf_counter() - started
    server = client._server
    assert server is not None
    first = peak_mb(server.pid)
    # a save re-checks everything, DEP009 again in its follow-up run (warm in memory)
    client.diagnostics.pop(uri, None)
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    await client.until(uri, "DEP009")
    after_save = peak_mb(server.pid)
    await _stop(client)  # type: ignore[arg-type]
    return elapsed, first, after_save


async def main() -> int:
    venv = build()
    python = str(venv / "bin" / "python")
    count = distribution_count(python)
    assert count >= MINIMUM, f"the venv holds {count} distributions, fewer than {MINIMUM}"
    floor = floor_mb()
    over = False
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "big"
        root.mkdir()
        workspace(root)
        files = sum(1 for _ in root.rglob("*.py"))
        cache = os.path.join(tmp, "facts-cache")
        print(f"workspace: {files} Python files; venv: {count} distributions")
        print(f"bare `python -c 'import pygls.lsp.server'` peak: {floor:.0f} MB (floor)")
        for label in ("cold facts cache", "warm facts cache (new session)"):
            elapsed, first, after_save = await measure(root, python, cache)
            peak = max(first, after_save)
            verdict = "ok" if peak <= BUDGET_MB else "OVER BUDGET"
            over |= peak > BUDGET_MB
            print(
                f"{label}: DEP009 published in {elapsed:.1f} s; server peak RSS {first:.0f} MB, "
                f"{after_save:.0f} MB after a save's re-check = {peak / BUDGET_MB:.2f}x the "
                f"{BUDGET_MB:.0f} MB budget ({verdict}), {peak - floor:+.0f} MB over the floor"
            )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
