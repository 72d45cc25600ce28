"""The real server with one extra check that prints to stdout and raises (to prove that\nneither reaches the client as anything but a log entry)."""

from __future__ import annotations

from collections.abc import Iterator

from flask_preflight.analysis.model import Finding
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import project_check
from flask_preflight.lsp.server import start_stdio


@project_check("APP007")
def explode_on_purpose(project: Project) -> Iterator[Finding]:
    print("stray output from a check: must not reach the LSP stream")
    raise RuntimeError("boom from a test check")
    yield


if __name__ == "__main__":
    start_stdio()
