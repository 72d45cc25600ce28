"""Bugs planted on purpose: a check that raises, registered with the registry's own decorator,
and a deploy-file parser that raises, put where the entry-point reader dispatches Procfiles.

Importing this module plants both in the current process (the CLI tests run it in a
subprocess; tests/lsp/raising_server.py imports it into a real server). Neither may ever show
as a finding: they are internal errors, printed by the CLI (exit 2) and logged by the server.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask_preflight.analysis import entrypoints
from flask_preflight.analysis.entrypoints.declarations import Declaration
from flask_preflight.analysis.model import Finding
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import project_check

CHECK_MESSAGE = "boom from a planted check"
PARSER_MESSAGE = "boom from a planted parser"


@project_check("APP007")
def planted_raising_check(project: Project) -> Iterator[Finding]:
    raise RuntimeError(CHECK_MESSAGE)
    yield


def planted_raising_procfile_parser(project: Project, path: str) -> list[Declaration]:
    raise RuntimeError(PARSER_MESSAGE)


entrypoints.procfile_declarations = planted_raising_procfile_parser  # type: ignore[assignment]
