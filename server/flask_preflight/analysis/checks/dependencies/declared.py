"""DEP008, DEP001, DEP002: what the requirements declare against what is installed (a line
pip cannot read, a requirement not installed, one installed at another version)."""

from __future__ import annotations

from collections.abc import Iterator

from ...catalog import RULES
from ...distribution_names import DISTRIBUTION_TO_IMPORT
from ...environment.model import describe
from ...environment.project_environment import project_environment
from ...model import Finding
from ...project import Project
from ...registry import project_check
from ...requirements import declared_requirements
from .installing import install_advice, install_fix, usable


@project_check("DEP008")
def check_unparseable(project: Project) -> Iterator[Finding]:
    for problem in declared_requirements(project).problems:
        yield Finding(
            "DEP008",
            RULES["DEP008"].severity,
            problem.path,
            problem.range,
            f"`{problem.text}`: {problem.message}. `pip install -r` stops at this line and "
            f"installs nothing; fix or remove it."
            if problem.path != "pyproject.toml"
            else f"{problem.message}. Installing the project fails; fix the entry.",
        )


@project_check("DEP001", "DEP002")
def check_declared(project: Project) -> Iterator[Finding]:
    env = project_environment(project)
    if env is None or not usable(env):
        return
    seen: set[tuple[str, str]] = set()
    for declared in declared_requirements(project).requirements:
        if declared.kind == "constraint" and env.get(declared.name) is None:
            continue
        if not declared.primary and declared.kind != "constraint":
            continue
        if (declared.path, declared.name) in seen:
            continue
        seen.add((declared.path, declared.name))
        requirement = declared.requirement
        if not env.marker_applies(requirement.marker):
            continue
        dist = env.get(declared.name)
        if dist is None:
            module = DISTRIBUTION_TO_IMPORT.get(declared.name, declared.name.replace("-", "_"))
            yield Finding(
                "DEP001",
                RULES["DEP001"].severity,
                declared.path,
                declared.range,
                f"`{requirement.name}` is declared in {declared.path} but not installed in "
                f"{describe(env)}: importing it fails with `ModuleNotFoundError: No module "
                f"named '{module}'`. {install_advice(env)}",
                install_fix(env, declared.path, project),
                {"distribution": declared.name},
            )
            continue
        if declared.url or dist.version is None or not requirement.specifier:
            continue
        if requirement.specifier.contains(dist.version, prereleases=True):
            continue
        yield Finding(
            "DEP002",
            RULES["DEP002"].severity,
            declared.path,
            declared.range,
            f"{declared.path} asks for `{declared.text}` but {describe(env)} has "
            f"{dist.display_name} {dist.version}: the app runs against a version it was not "
            f"written for. {install_advice(env)}",
            install_fix(env, declared.path, project),
            {"distribution": declared.name, "installed": dist.version},
        )
