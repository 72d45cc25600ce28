"""DEP003, DEP004: installed distributions that do not work together (what `pip check`
reports; pairs known to break at start)."""

from __future__ import annotations

from collections.abc import Iterator

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from ...anchors import anchor
from ...catalog import RULES
from ...environment.model import Environment, describe
from ...environment.project_environment import project_environment
from ...known_incompatibilities import INCOMPATIBILITIES
from ...model import Finding, Range
from ...project import Project
from ...registry import project_check
from ...requirements import DeclaredRequirements, declared_requirements
from .installing import pin_fix, usable


def pip_check_problems(env: Environment) -> list[tuple[str, str, str, str | None]]:
    """(package, its requirement text, required name, installed version or None), sorted.

    Mirrors `pip check`: each installed distribution's Requires-Dist whose marker holds for
    the target (with no extra) must be installed and, if installed, contain the version.
    """
    cached = env.derived.get("pip-check")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    problems: list[tuple[str, str, str, str | None]] = []
    for dist in env.distributions.values():
        for text in dist.requires:
            try:
                requirement = Requirement(text)
            except InvalidRequirement:
                continue
            if requirement.marker is not None and not env.marker_applies(requirement.marker):
                continue
            other = env.get(requirement.name)
            if other is None:
                problems.append((dist.name, text, canonicalize_name(requirement.name), None))
                continue
            if other.version is None:
                continue
            if not requirement.specifier.contains(other.version, prereleases=True):
                problems.append(
                    (dist.name, text, canonicalize_name(requirement.name), other.version)
                )
    env.derived["pip-check"] = sorted(problems)
    return env.derived["pip-check"]  # type: ignore[no-any-return]


def _location(
    project: Project, declared: DeclaredRequirements, *names: str
) -> tuple[str, Range] | None:
    for name in names:
        found = declared.declared(name)
        if found is not None:
            return found.path, found.range
    return anchor(project)


@project_check("DEP003")
def check_installed_conflicts(project: Project) -> Iterator[Finding]:
    env = project_environment(project)
    if env is None or not usable(env):
        return
    declared = declared_requirements(project)
    for package, text, required, installed in pip_check_problems(env):
        dist = env.distributions[package]
        where = _location(project, declared, package, required)
        if where is None:
            return
        if installed is None:
            what = f"{dist.display_name} {dist.version} requires `{text}`, which is not installed"
        else:
            other = env.distributions[required]
            what = (
                f"{dist.display_name} {dist.version} requires `{text}`, but "
                f"{other.display_name} {installed} is installed"
            )
        yield Finding(
            "DEP003",
            RULES["DEP003"].severity,
            where[0],
            where[1],
            f"{what} in {env.interpreter} (`pip check` reports the same): "
            f"{dist.display_name} may fail at import or at run time. Install compatible versions "
            f"(`{env.interpreter} -m pip install '{text}'`).",
            data={"package": package, "requirement": required, "installed": installed},
        )


@project_check("DEP004")
def check_known_incompatibilities(project: Project) -> Iterator[Finding]:
    env = project_environment(project)
    if env is None or not usable(env):
        return
    declared = declared_requirements(project)
    for entry in INCOMPATIBILITIES:
        package, other = env.get(entry.package), env.get(entry.other)
        if package is None or other is None or other.version is None:
            continue
        if not entry.breaks(package.version, other.version):
            continue
        where = _location(project, declared, entry.package, entry.other)
        if where is None:
            return
        yield Finding(
            "DEP004",
            RULES["DEP004"].severity,
            where[0],
            where[1],
            f"{package.display_name} {package.version} does not work with "
            f"{other.display_name} {other.version}, both installed in {describe(env)}: the app "
            f"fails at start with `{entry.error}`. Pin `{entry.pin}`, or upgrade to "
            f"`{entry.upgrade}`. (Source: {entry.source})",
            pin_fix(project, declared, entry, env, other.version),
            {"package": entry.package, "other": entry.other, "error": entry.error},
        )
