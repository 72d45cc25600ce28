"""Shared test helpers: build a project from a dict of files and run the engine on it."""

from __future__ import annotations

import ast
import os
import textwrap
from collections.abc import Collection
from pathlib import Path

import pytest

from flask_preflight.analysis.edits import apply_edits
from flask_preflight.analysis.entrypoints import check_declaration, find_declarations
from flask_preflight.analysis.entrypoints.resolve import Verdict
from flask_preflight.analysis.model import Finding
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import run_checks

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"

# DEP009's module-facts cache: under the repository, never the developer's own cache (the
# language servers the tests start inherit it).
os.environ.setdefault("FLASK_PREFLIGHT_CACHE_DIR", str(REPO / ".cache" / "module-facts"))


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8", newline="")
    return root


def the_verdict(root: Path, files: dict[str, str]) -> Verdict:
    """Write `files` to `root`, which must declare exactly one entry point, and check it."""
    write_tree(root, files)
    project = Project(root)
    [declaration] = find_declarations(project)
    return check_declaration(project, declaration)


def check_files(
    tmp_path: Path, files: dict[str, str], select: Collection[str] | None = None
) -> list[Finding]:
    write_tree(tmp_path, files)
    return run_checks(Project(tmp_path), select=select)


def apply_first_fix(project: Project, finding: Finding, index: int = 0) -> str:
    """Apply one fix of a finding to the project's text (as an override) and return it."""
    fix = finding.fixes[index]
    text = project.read_text(finding.path)
    assert text is not None
    new = apply_edits(text, [e for e in fix.edits if e.path == finding.path])
    project.set_override(finding.path, new)
    ast.parse(new)
    return new


@pytest.fixture
def make_project(tmp_path: Path):  # type: ignore[no-untyped-def]
    def make(files: dict[str, str]) -> Project:
        write_tree(tmp_path, files)
        return Project(tmp_path)

    return make
