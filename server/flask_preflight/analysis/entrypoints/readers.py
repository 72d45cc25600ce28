"""Entry-point readers with one signature, `(project, path, problems) -> [Declaration]`: the
file-kinds table (analysis/file_kinds.py) names them; a new format's module may expose its
own function with this signature instead of a line here."""

from __future__ import annotations

import posixpath

from ..model import Range
from ..project import Project
from .declarations import Declaration
from .formats.compose import ComposeProblem, compose_declarations
from .formats.dockerfile import dockerfile_declarations
from .formats.dotenv_files import dotenv_declarations
from .formats.launch_json import is_launch_json, launch_declarations
from .formats.procfile import procfile_declarations
from .formats.scripts import standalone_script_declarations
from .formats.systemd import project_dir_for, systemd_declarations
from .formats.uwsgi_ini import uwsgi_ini_declarations
from .problems import DeclarationProblem


def procfile(project: Project, path: str, problems: list[DeclarationProblem]) -> list[Declaration]:
    return procfile_declarations(project, path)


def dockerfile(
    project: Project, path: str, problems: list[DeclarationProblem]
) -> list[Declaration]:
    return dockerfile_declarations(project, path)


def compose(project: Project, path: str, problems: list[DeclarationProblem]) -> list[Declaration]:
    try:
        return compose_declarations(project, path)
    except ComposeProblem as error:
        problems.append(
            DeclarationProblem(path, Range.line_start(error.line), "unknown", str(error))
        )
        return []


def uwsgi_ini(project: Project, path: str, problems: list[DeclarationProblem]) -> list[Declaration]:
    folder = posixpath.dirname(path)
    return uwsgi_ini_declarations(
        project, path, problems, lambda p: project_dir_for(project, p, folder)
    )


def dotenv(project: Project, path: str, problems: list[DeclarationProblem]) -> list[Declaration]:
    return dotenv_declarations(project, path)


def launch_json(
    project: Project, path: str, problems: list[DeclarationProblem]
) -> list[Declaration]:
    if not is_launch_json(path):
        return []  # a launch.json outside .vscode/ is not VS Code's
    return launch_declarations(project, path, problems)


def systemd(project: Project, path: str, problems: list[DeclarationProblem]) -> list[Declaration]:
    return systemd_declarations(project, path)


def shell_script(
    project: Project, path: str, problems: list[DeclarationProblem]
) -> list[Declaration]:
    return standalone_script_declarations(project, path)
