"""ENV001-ENV004: which interpreter will run the app, whether it is a healthy venv, its version."""

from __future__ import annotations

import os
from collections.abc import Iterator

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from ..anchors import anchor
from ..catalog import RULES
from ..environment.commands import create_venv, select_project_venv
from ..environment.model import describe
from ..environment.project_environment import (
    project_environment,
    project_venv_environment,
    project_venvs,
    venv_of_project_holding,
)
from ..model import Finding, Fix, Severity
from ..project import Project
from ..registry import project_check
from ..requirements import declared_requirements


def requirements_for_install(project: Project) -> str | None:
    declared = declared_requirements(project)
    main = declared.main_file()
    if main:
        return main
    if any(r.kind == "pyproject" and r.primary for r in declared.requirements):
        return "pyproject.toml"
    return None


def _finding(
    project: Project,
    rule: str,
    message: str,
    fixes: tuple[Fix, ...] = (),
    severity: Severity | None = None,
    **data: object,
) -> Iterator[Finding]:
    where = anchor(project)
    if where is None:
        return
    yield Finding(
        rule, severity or RULES[rule].severity, where[0], where[1], message, fixes, dict(data)
    )


@project_check("ENV001", "ENV002", "ENV003")
def check_interpreter(project: Project) -> Iterator[Finding]:
    env = project_environment(project)
    if env is None:
        return
    venvs = project_venvs(project)
    holding = venv_of_project_holding(project, env.interpreter)
    root = str(project.root)
    requirements = requirements_for_install(project)

    def recreate(venv_dir: str) -> tuple[Fix, ...]:
        name = os.path.basename(venv_dir)
        return (
            Fix(
                f"Recreate {name} and install the requirements",
                command=create_venv(root, requirements, venv_dir),
            ),
        )

    if env.is_venv and not env.healthy:
        yield from _finding(
            project,
            "ENV003",
            f"The virtualenv {env.venv_root} cannot start: {env.reason}. Every `python`, "
            f"`flask run` or `gunicorn` from it fails before your code runs. Recreate it "
            f"(python3 -m venv --clear) and reinstall the requirements.",
            recreate(env.venv_root or ""),
            venv=env.venv_root,
        )
    elif not env.healthy:
        # not a venv and not runnable: the interpreter itself is missing
        return
    for venv in venvs:
        if venv == holding:
            continue
        other = project_venv_environment(project, venv)
        if not other.healthy:
            yield from _finding(
                project,
                "ENV003",
                f"The project's virtualenv `{venv}` is broken: {other.reason}. Selecting it "
                f"would fail before your code runs. Recreate it and reinstall the requirements.",
                recreate(str(project.abspath(venv))),
                venv=str(project.abspath(venv)),
            )
    if holding is None and venvs and env.healthy:
        own = next((v for v in venvs if project_venv_environment(project, v).healthy), None)
        if own is not None and project.settings.get("interpreter_source") == "explicit":
            own_abs = str(project.abspath(own))
            yield from _finding(
                project,
                "ENV002",
                f"The project has a virtualenv `{own}`, but the selected interpreter is "
                f"{describe(env)}: the app runs with that interpreter's packages, not the ones "
                f"installed in `{own}`. Select `{own}`.",
                (
                    Fix(
                        f"Use the project's virtualenv `{own}`",
                        command=select_project_venv(own_abs),
                    ),
                ),
                venv=own_abs,
            )
    # Only a project that declares what it needs has something to install into the global
    # Python; a bare script's missing imports are DEP005's to report.
    declares = bool(declared_requirements(project).requirements) or project.exists("Pipfile")
    if declares and not venvs and env.healthy and not env.is_venv and not env.is_conda:
        managed = env.externally_managed
        message = (
            f"The app will run with {describe(env)}, a global Python, and this project has no "
            f"virtualenv: its packages mix with every other project's."
        )
        if managed:
            message += (
                " This Python is EXTERNALLY-MANAGED (PEP 668): `pip install -r "
                "requirements.txt` stops with `error: externally-managed-environment`."
            )
        message += " Create a .venv in the project and install the requirements there."
        yield from _finding(
            project,
            "ENV001",
            message,
            (
                Fix(
                    "Create .venv and install the requirements",
                    command=create_venv(root, requirements),
                ),
            ),
            Severity.ERROR if managed else None,
            externally_managed=managed,
        )


@project_check("ENV004")
def check_python_version(project: Project) -> Iterator[Finding]:
    env = project_environment(project)
    if env is None or env.version is None or not env.healthy:
        return
    version = env.version_text or ""
    declared = declared_requirements(project)
    for python in declared.python:
        if python.specifier.contains(version, prereleases=True):
            continue
        yield Finding(
            "ENV004",
            RULES["ENV004"].severity,
            python.path,
            python.range,
            f"The project requires Python {python.specifier} but {env.interpreter} is Python "
            f"{version}: pip refuses to install the project (`requires a different Python`) "
            f"and newer syntax or APIs fail at import. Use a Python matching {python.specifier}.",
            data={"version": version, "specifier": str(python.specifier)},
        )
    for requirement in declared.requirements:
        dist = env.distributions.get(requirement.name)
        if dist is None or not dist.requires_python:
            continue
        try:
            supported = SpecifierSet(dist.requires_python)
        except InvalidSpecifier:
            continue
        if supported.contains(version, prereleases=True):
            continue
        yield Finding(
            "ENV004",
            RULES["ENV004"].severity,
            requirement.path,
            requirement.range,
            f"{dist.display_name} {dist.version} is installed in {env.interpreter} but supports "
            f"only Python {supported}, and this is Python {version}: it may fail at import. "
            f"Install a {dist.display_name} release that supports Python {version}, or use a "
            f"Python matching {supported}.",
            data={"distribution": dist.name},
        )
