"""The real server with one extra check that always raises (to prove isolation over LSP)."""

from __future__ import annotations

from collections.abc import Iterator

from flask_preflight.analysis.model import Finding
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import project_check
from flask_preflight.lsp.server import start_stdio


@project_check("APP007")
def explode_on_purpose(project: Project) -> Iterator[Finding]:
    raise RuntimeError("boom from a test check")
    yield


if __name__ == "__main__":
    start_stdio()
