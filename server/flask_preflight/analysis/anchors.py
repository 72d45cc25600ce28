"""Where a finding about the whole project is shown (the file and line a squiggle can sit on)."""

from __future__ import annotations

from .flask_apps import find_flask_apps
from .model import Range
from .project import Project
from .requirements import declared_requirements


def anchor(project: Project) -> tuple[str, Range] | None:
    """Where a project-wide finding is shown: the main requirements file, pyproject.toml,
    the first module that creates a Flask app, else the first Python module."""
    declared = declared_requirements(project)
    candidates = [
        declared.main_file(),
        "pyproject.toml" if "pyproject.toml" in declared.files else None,
    ]
    for path in candidates:
        if path:
            return path, first_line(project, path)
    python_files = project.python_files()
    for path in python_files:
        if path.count("/") > 2:
            continue
        found = find_flask_apps(project, path)
        if found is not None and any(d.via != "import" for d in found.apps):
            return path, first_line(project, path)
    if python_files:
        return python_files[0], first_line(project, python_files[0])
    return None


def first_line(project: Project, path: str) -> Range:
    source = project.source(path)
    return source.line_range(0) if source is not None and source.lines else Range.line_start()
