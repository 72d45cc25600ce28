"""Bugs planted on purpose: a check that raises, registered with the registry's own decorator,
and a deploy-file parser that raises, put where the file-kinds table finds the Procfile reader.

Importing this module plants both in the current process (the CLI tests run it in a
subprocess; tests/lsp/raising_server.py imports it into a real server). Neither may ever show
as a finding: they are internal errors, printed by the CLI (exit 2) and logged by the server.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask_preflight.analysis import file_kinds
from flask_preflight.analysis.entrypoints import readers
from flask_preflight.analysis.entrypoints.declarations import Declaration
from flask_preflight.analysis.entrypoints.problems import DeclarationProblem
from flask_preflight.analysis.model import Finding
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import project_check

CHECK_MESSAGE = "boom from a planted check"
PARSER_MESSAGE = "boom from a planted parser"


@project_check("APP007")
def planted_raising_check(project: Project) -> Iterator[Finding]:
    raise RuntimeError(CHECK_MESSAGE)
    yield


def planted_raising_procfile_parser(
    project: Project, path: str, problems: list[DeclarationProblem]
) -> list[Declaration]:
    raise RuntimeError(PARSER_MESSAGE)


readers.procfile = planted_raising_procfile_parser
file_kinds._loaded.pop(f"{readers.__name__.split('analysis.', 1)[1]}:procfile", None)
