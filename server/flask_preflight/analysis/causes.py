"""Root causes: when the interpreter is not the project's, or the project's requirements are not
installed in it, one headline says so with its one fix, and the findings it explains are folded
under it (a post-pass over the checks' findings, shared by every front end).

The headline is the ENV001 (no virtualenv) or ENV002 (virtualenv not selected) finding when that
check reported one; otherwise ENV005 (requirements-not-installed), which only this pass reports:
a project's own interpreter that lacks three or more of its requirements (one or two read
better as their own DEP001 lines), or a global Python
(no project venv) missing modules the app imports when the project declares nothing at its
root (ENV001 stays silent there).
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from .catalog import RULES
from .environment.commands import create_venv, install_requirements
from .environment.model import Environment
from .environment.project_environment import (
    project_environment,
    project_venv_environment,
    project_venvs,
    venv_of_project_holding,
)
from .model import Finding, Fix, Range, Severity
from .project import Project
from .requirements import declared_requirements

HEADLINE_RULES = ("ENV001", "ENV002", "ENV005")

#: Unmet requirements of the project's own interpreter that make a headline (ENV005).
MIN_UNMET = 3

#: Rules whose verdict depends on the installed Flask version, with the version at which the
#: problem starts (None: the finding's own `removed_in`).
_FLASK_VERSION_RULES: dict[str, str | None] = {"DEP006": None, "SRV010": "2.3"}


@dataclass(frozen=True)
class Coverage:
    """How much of what the project declares (at run time, at its root) the interpreter holds."""

    total: int
    missing: tuple[str, ...]  # canonical distribution names
    mismatched: tuple[str, ...]

    @property
    def unmet(self) -> int:
        return len(self.missing) + len(self.mismatched)


@dataclass(frozen=True)
class InstallPlan:
    """How this project's requirements get installed."""

    requirements: str | None  # root-relative file for `pip install -r` (or `-e` for a .toml)
    tool: str | None  # "uv", "poetry" or "pipenv" when the project is managed by one


@dataclass(frozen=True)
class Cause:
    rule: str  # the headline's rule id
    env: Environment
    coverage: Coverage
    foreign: bool  # the interpreter is not the project's own: its versions say nothing
    plan: InstallPlan
    venv: str | None = None  # the project's own venv, when another interpreter is selected


def requirement_coverage(project: Project, env: Environment) -> Coverage:
    """Declared run-time requirements that `env` lacks or holds at another version (what
    DEP001/DEP002 report one by one), counted once per distribution."""
    seen: dict[str, str] = {}
    for declared in declared_requirements(project).requirements:
        if not declared.primary or declared.name in seen:
            continue
        requirement = declared.requirement
        if not env.marker_applies(requirement.marker):
            continue
        dist = env.get(declared.name)
        if dist is None:
            seen[declared.name] = "missing"
        elif (
            not declared.url
            and dist.version is not None
            and requirement.specifier
            and not requirement.specifier.contains(dist.version, prereleases=True)
        ):
            seen[declared.name] = "mismatched"
        else:
            seen[declared.name] = "ok"
    return Coverage(
        len(seen),
        tuple(sorted(n for n, s in seen.items() if s == "missing")),
        tuple(sorted(n for n, s in seen.items() if s == "mismatched")),
    )


def _nested_declaration(project: Project) -> str | None:
    """The one requirements.txt / pyproject.toml nearest the root when the root has none
    (an app kept in a subfolder); None when there are several at that depth."""
    best: list[str] = []
    depth = 0
    for path in project.files():
        name = path.rsplit("/", 1)[-1]
        if name not in ("requirements.txt", "pyproject.toml") or "/" not in path:
            continue
        level = path.count("/")
        if level > 2:
            continue
        if not best or level < depth:
            best, depth = [path], level
        elif level == depth:
            best.append(path)
    dirs = {posixpath.dirname(p) for p in best}
    if len(dirs) != 1:
        return None
    # One folder with both files: its requirements.txt is what its README usually installs.
    return sorted(best, key=lambda p: not p.endswith(".txt"))[0]


def install_plan(project: Project) -> InstallPlan:
    declared = declared_requirements(project)
    requirements = declared.main_file()
    pyproject = any(r.kind in ("pyproject", "poetry") and r.primary for r in declared.requirements)
    if requirements is None and pyproject:
        requirements = "pyproject.toml"
    tool = None
    if project.exists("uv.lock"):
        tool = "uv"
    elif project.exists("poetry.lock") or any(r.kind == "poetry" for r in declared.requirements):
        tool = "poetry"
    elif project.exists("Pipfile") and requirements is None:
        tool = "pipenv"
    if requirements is None and tool is None:
        requirements = _nested_declaration(project)
    return InstallPlan(requirements, tool)


def _windows(env: Environment) -> bool:
    return env.platform.get("os_name") == "nt" or env.interpreter.lower().endswith(".exe")


def _pip_args(requirements: str) -> str:
    if requirements.endswith(".toml"):
        return f"-e {posixpath.dirname(requirements) or '.'}"
    return f"-r {requirements}"


def setup_command(env: Environment, plan: InstallPlan) -> str:
    """The shell line that gives the project its own venv with its requirements, written for
    the interpreter's platform and the project's environment manager."""
    if plan.tool == "uv":
        return "uv sync"
    if plan.tool == "poetry":
        return "poetry install"
    if plan.tool == "pipenv":
        return "pipenv install"
    windows = _windows(env)
    create = "py -m venv .venv" if windows else "python3 -m venv .venv"
    if plan.requirements is None:
        return create
    python = r".venv\Scripts\python" if windows else ".venv/bin/python"
    return f"{create} && {python} -m pip install {_pip_args(plan.requirements)}"


def _install_command(project: Project, env: Environment, plan: InstallPlan) -> str | None:
    if plan.requirements is None:
        return None
    python = env.interpreter
    root = os.path.abspath(project.root)
    try:
        if os.path.commonpath([root, os.path.abspath(python)]) == root:
            python = os.path.relpath(python, root)
    except ValueError:  # another drive (Windows): keep it absolute
        pass
    return f"{python} -m pip install {_pip_args(plan.requirements)}"


def find_cause(
    project: Project, findings: Sequence[Finding], enabled: Collection[str]
) -> Cause | None:
    """The root cause explaining the findings, if there is one (`enabled`: the rule ids the
    caller wants reported, so a rule switched off is never brought back as a headline)."""
    env = project_environment(project)
    if env is None or not env.healthy or not env.site_packages:
        return None
    rules = {f.rule for f in findings}
    coverage = requirement_coverage(project, env)
    plan = install_plan(project)
    if "ENV001" in rules:
        return Cause("ENV001", env, coverage, True, plan)
    holding = venv_of_project_holding(project, env.interpreter)
    venvs = project_venvs(project)
    own = None
    if holding is None:
        own = next((v for v in venvs if project_venv_environment(project, v).healthy), None)
    if "ENV002" in rules and own is not None:
        return Cause("ENV002", env, coverage, True, plan, own)
    if "ENV005" not in enabled:
        return None
    global_python = not env.is_venv and not env.is_conda
    declared = declared_requirements(project)
    if global_python and not venvs:
        if declared.requirements or project.exists("Pipfile"):
            return None  # ENV001's case: it is switched off
        return Cause("ENV005", env, coverage, True, plan)
    if own is not None:
        if project.settings.get("interpreter_source") == "explicit":
            return None  # ENV002's case: it is switched off
        return Cause("ENV005", env, coverage, True, plan, own)
    if coverage.unmet >= MIN_UNMET:
        return Cause("ENV005", env, coverage, False, plan)
    return None


# --- which findings a cause explains ------------------------------------------------------------


def _bounds(specifier: SpecifierSet) -> tuple[Version | None, Version | None, bool] | None:
    """(lowest, highest, highest included) allowed; None when a clause cannot be read."""
    low: Version | None = None
    high: Version | None = None
    high_included = False
    candidates: list[tuple[Version | None, Version | None, bool]]
    try:
        for spec in specifier:
            op, text = spec.operator, spec.version
            if op in ("==", "===") and text.endswith(".*"):
                base = Version(text[:-2])
                parts = list(base.release)
                top = Version(".".join(map(str, [*parts[:-1], parts[-1] + 1])))
                candidates = [(base, top, False)]
            elif op in ("==", "==="):
                version = Version(text)
                candidates = [(version, version, True)]
            elif op == "~=":
                base = Version(text)
                parts = list(base.release)[:-1]
                parts[-1] += 1
                candidates = [(base, Version(".".join(map(str, parts))), False)]
            elif op in (">=", ">"):
                candidates = [(Version(text), None, False)]
            elif op in ("<=", "<"):
                candidates = [(None, Version(text), op == "<=")]
            else:  # != excludes single versions: no bound
                continue
            for lower, upper, included in candidates:
                if lower is not None and (low is None or lower > low):
                    low = lower
                if upper is not None and (high is None or upper < high):
                    high, high_included = upper, included
    except (InvalidVersion, ValueError, IndexError):
        return None
    return low, high, high_included


def _pinned_verdict(project: Project, package: str, since: str) -> str:
    """Whether every version the project allows of `package` is at least `since` ("always"),
    none is ("never"), or it cannot be told ("unknown")."""
    found = declared_requirements(project).declared(package)
    if found is None or not found.requirement.specifier:
        return "unknown"
    bounds = _bounds(found.requirement.specifier)
    try:
        threshold = Version(since)
    except InvalidVersion:
        return "unknown"
    if bounds is None:
        return "unknown"
    low, high, included = bounds
    if high is not None and (high < threshold or (high == threshold and not included)):
        return "never"
    if low is not None and low >= threshold:
        return "always"
    return "unknown"


def _names(finding: Finding, *keys: str) -> set[str]:
    names: set[str] = set()
    for key in keys:
        value = finding.data.get(key)
        if isinstance(value, str) and value:
            names.add(canonicalize_name(value))
    return names


def _verdict(cause: Cause, finding: Finding, project: Project) -> str:
    """fold, keep, or drop (a verdict that the project's own pins contradict)."""
    rule = finding.rule
    missing = set(cause.coverage.missing)
    if rule in ("DEP001", "DEP002"):
        return "fold"
    if rule == "DEP003":
        return "fold" if cause.foreign else "keep"
    if rule == "DEP005":
        if cause.foreign:
            return "fold"
        provided = _names(finding, "requirement", "distribution")
        return "fold" if provided & missing else "keep"
    if rule == "DEP007":
        declared = declared_requirements(project).declared("python-dotenv") is not None
        return "fold" if declared and (cause.foreign or "python-dotenv" in missing) else "keep"
    if rule == "ENV004" and "distribution" in finding.data:
        return "fold" if cause.foreign else "keep"
    if not cause.foreign:
        return "keep"
    if rule in ("DEP004", "DEP009"):
        return "fold"  # judged on another Python's packages: wait for the project's own
    if rule in _FLASK_VERSION_RULES:
        since = _FLASK_VERSION_RULES[rule] or str(finding.data.get("removed_in") or "")
        verdict = _pinned_verdict(project, "flask", since) if since else "unknown"
        return {"never": "drop", "always": "keep"}.get(verdict, "fold")
    return "keep"


# --- the headline ---------------------------------------------------------------------------------


def _describe(env: Environment) -> str:
    version = f" (Python {env.version_text})" if env.version_text else ""
    return f"{env.interpreter}{version}"


def _counts(cause: Cause, modules: int) -> str:
    coverage = cause.coverage
    where = _describe(cause.env)
    if coverage.total == 0 or (coverage.unmet == 0 and modules):
        noun = "module the app imports is" if modules == 1 else "modules the app imports are"
        return f"{modules} {noun} missing from {where}"
    if len(coverage.missing) == coverage.total:
        many = (
            "the requirement is"
            if coverage.total == 1
            else f"all {coverage.total} requirements are"
        )
        text = f"{many} missing from {where}"
    else:
        text = f"{len(coverage.missing)} of {coverage.total} requirements are missing from {where}"
    if coverage.mismatched:
        verb = "is" if len(coverage.mismatched) == 1 else "are"
        text += f" and {len(coverage.mismatched)} {verb} at other versions"
    return text


def _headline_message(
    cause: Cause, original: str | None, project: Project, folded: int, modules: int, held: bool
) -> str:
    env = cause.env
    counts = _counts(cause, modules)
    if original and not cause.coverage.unmet and not modules:
        message = original  # nothing missing: the check's own words, and what follows
    elif cause.rule == "ENV002" or (cause.rule == "ENV005" and cause.venv):
        venv = cause.venv or ""
        message = (
            f"Wrong interpreter: {counts}. The project has its own virtualenv `{venv}`, but the "
            f"selected interpreter is {env.interpreter}. Select `{venv}`."
        )
    elif cause.foreign:
        message = f"No virtualenv: {counts}. Run: `{setup_command(env, cause.plan)}`"
        if env.externally_managed:
            message += (
                ". This Python is EXTERNALLY-MANAGED (PEP 668): `pip install` into it stops "
                "with `error: externally-managed-environment`"
            )
    else:
        command = _install_command(project, env, cause.plan)
        message = f"Requirements not installed: {counts}."
        message += f" Run: `{command}`" if command else " Install them into this interpreter"
    message = message.rstrip(".") + "."
    if held:
        message += (
            " Findings that depend on installed versions wait for the project's own interpreter."
        )
    if folded:
        noun = "finding follows" if folded == 1 else "findings follow"
        message += f" {folded} more {noun} from this (folded under it)."
    return message


def _headline_fixes(cause: Cause, project: Project) -> tuple[Fix, ...]:
    root = str(project.root)
    if cause.venv:
        from .environment.commands import select_project_venv

        return (
            Fix(
                f"Use the project's virtualenv `{cause.venv}`",
                command=select_project_venv(str(project.abspath(cause.venv))),
            ),
        )
    if cause.foreign:
        return (
            Fix(
                "Create .venv and install the requirements",
                command=create_venv(root, cause.plan.requirements),
            ),
        )
    if cause.plan.requirements:
        return (
            Fix(
                f"Install the requirements of {cause.plan.requirements} into "
                f"{cause.env.interpreter}",
                command=install_requirements(cause.env.interpreter, cause.plan.requirements),
            ),
        )
    return ()


def _anchor(project: Project) -> tuple[str, Range] | None:
    plan = install_plan(project)
    candidates = [plan.requirements, "Pipfile" if plan.tool == "pipenv" else None]
    for path in candidates:
        if path and project.exists(path):
            source = project.source(path)
            rng = source.line_range(0) if source is not None and source.lines else None
            return path, rng or Range.line_start()
    return None


def group_by_cause(
    findings: Sequence[Finding],
    project: Project,
    *,
    select: Collection[str] | None = None,
    ignore: Collection[str] = (),
    severities: dict[str, Severity | None] | None = None,
) -> list[Finding]:
    """The findings with their root cause first: the headline, then what it does not explain
    (by severity), then what it explains (by rule), each with `cause` set to the headline's
    rule id.

    Without a root cause the findings come back sorted by severity, then place. Findings whose
    verdict the project's own pins contradict (a removed Flask API, judged against a global
    Flask the project does not pin) are dropped. `select`/`ignore`/`severities` are the run's
    rule filters, so ENV005 is only reported when wanted.
    """
    severities = severities or {}
    enabled = {
        rule
        for rule in HEADLINE_RULES
        if rule not in ignore
        and (select is None or rule in select)
        and not (rule in severities and severities[rule] is None)
    }
    ordered = sorted(findings, key=_order)
    cause = find_cause(project, findings, enabled)
    if cause is None:
        return ordered
    kept: list[Finding] = []
    folded: list[Finding] = []
    headline: Finding | None = None
    held = False
    for finding in ordered:
        if finding.rule == cause.rule and headline is None:
            headline = finding
            continue
        verdict = _verdict(cause, finding, project)
        if verdict == "drop":
            continue
        if verdict == "fold":
            held |= finding.rule in ("DEP004", "DEP009", *_FLASK_VERSION_RULES)
            folded.append(replace(finding, cause=cause.rule))
        else:
            kept.append(finding)
    modules = len({m for f in folded if f.rule == "DEP005" for m in _names(f, "module")})
    if headline is None:
        # ENV005 speaks only of what is missing: modules the app imports, or requirements.
        if not modules and cause.coverage.unmet < (1 if cause.foreign else MIN_UNMET):
            return ordered
        where = _anchor(project)
        if where is None:
            first = next((f for f in folded if f.path.endswith(".py")), None)
            if first is None:
                return ordered
            source = project.source(first.path)
            rng = source.line_range(0) if source is not None and source.lines else None
            where = (first.path, rng or Range.line_start())
        severity = severities.get("ENV005") or RULES["ENV005"].severity
        headline = Finding(
            "ENV005", severity, where[0], where[1], "", _headline_fixes(cause, project)
        )
    # What it explains reads best rule by rule: the missing requirements, then the imports.
    folded.sort(key=lambda f: (f.rule, f.path, f.range.start.line, f.range.start.character))
    message = _headline_message(
        cause,
        headline.message if headline.rule != "ENV005" else None,
        project,
        len(folded),
        modules,
        held,
    )
    # The headline is as sure as the most certain failure it explains (unless configured).
    severity = headline.severity
    if severities.get(headline.rule) is None:
        severity = min([severity, *(f.severity for f in folded)])
    fixes = headline.fixes if headline.rule != "ENV005" else _headline_fixes(cause, project)
    data = {
        **headline.data,
        "missing": list(cause.coverage.missing),
        "mismatched": list(cause.coverage.mismatched),
        "declared": cause.coverage.total,
        "folded": len(folded),
        "interpreter": cause.env.interpreter,
    }
    if cause.foreign and not cause.venv:
        data["command"] = setup_command(cause.env, cause.plan)
    headline = replace(headline, message=message, severity=severity, fixes=fixes, data=data)
    return [headline, *kept, *folded]


def is_headline(finding: Finding) -> bool:
    """Whether the finding is a root cause's headline (the findings it explains name it)."""
    return finding.rule in HEADLINE_RULES and finding.cause is None and "folded" in finding.data


def _order(finding: Finding) -> tuple[int, str, int, int, str]:
    return (
        int(finding.severity),
        finding.path,
        finding.range.start.line,
        finding.range.start.character,
        finding.rule,
    )
