"""The real server with an extra check that prints to stdout and raises, the Procfile parser of
tests/planted_failures.py (it raises) and a handler that raises: none of it may reach the client
as a finding; the internal errors are logged with their traceback and shown once."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import tests.planted_failures  # noqa: F401  (plants the raising Procfile parser)
from flask_preflight.analysis.model import Finding
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import project_check
from flask_preflight.lsp.server import PreflightServer
from flask_preflight.lsp.setup import create_server, start_stdio


@project_check("APP007")
def explode_on_purpose(project: Project) -> Iterator[Finding]:
    print("stray output from a check: must not reach the LSP stream")
    raise RuntimeError("boom from a test check")
    yield


def server_with_a_raising_handler() -> PreflightServer:
    server = create_server()

    @server.feature("test/raise")
    def raise_on_purpose(ls: PreflightServer, params: object) -> None:
        raise RuntimeError("boom from a test handler")

    return server


if __name__ == "__main__":
    start_stdio(server_with_a_raising_handler())
