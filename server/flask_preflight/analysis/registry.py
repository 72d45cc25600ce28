"""The check registry: checks declare the rules they report (`module_check`,
`project_check`), report through `finding()`, and `run_checks` runs the registered ones.

This module never imports the checks (they import it): the package's `__init__` loads them
through `engine.py`, so importing anything from `flask_preflight.analysis` registers them.
Front ends call `analyze()` (engine.py), not `run_checks`."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from typing import Any, Callable, Optional

from .catalog import RULES
from .model import Finding, Fix, Range, Severity
from .project import Project
from .source import PythonModule

ModuleCheckFn = Callable[[Project, PythonModule], Iterable[Finding]]
ProjectCheckFn = Callable[[Project], Iterable[Finding]]
ErrorHandler = Callable[[str, BaseException, str], None]

#: None switches a rule off; a Severity replaces the rule's default.
SeverityOverrides = dict[str, Optional[Severity]]


@dataclass(frozen=True)
class CheckSpec:
    name: str
    rules: frozenset[str]
    per_module: bool
    func: ModuleCheckFn | ProjectCheckFn


CHECKS: list[CheckSpec] = []


def _register(rules: tuple[str, ...], per_module: bool) -> Callable[[ModuleCheckFn], ModuleCheckFn]:
    unknown = [rule for rule in rules if rule not in RULES]
    if unknown:
        raise ValueError(f"unknown rule ids {unknown}")

    def decorate(func: ModuleCheckFn) -> ModuleCheckFn:
        CHECKS.append(CheckSpec(func.__name__, frozenset(rules), per_module, func))
        return func

    return decorate


def module_check(*rules: str) -> Callable[[ModuleCheckFn], ModuleCheckFn]:
    """A check over one parsed Python module (re-run when that module changes)."""
    return _register(rules, per_module=True)


def project_check(*rules: str) -> Callable[[ProjectCheckFn], ProjectCheckFn]:
    """A check over the whole project (environment, deploy files, cross-module facts)."""
    return _register(rules, per_module=False)  # type: ignore[return-value]


def finding(
    rule: str,
    path: str,
    range: Range,
    message: str,
    *fixes: Fix,
    data: dict[str, Any] | None = None,
) -> Finding:
    """A finding of `rule` at its catalog severity (settings may override it at run time).

    The message says what will happen at run time and what to do; `data` carries what a fix
    or a hover needs later (it travels in the diagnostic)."""
    if rule not in RULES:
        raise ValueError(f"unknown rule id {rule!r}")
    return Finding(rule, RULES[rule].severity, path, range, message, fixes, dict(data or {}))


def run_checks(
    project: Project,
    *,
    select: Collection[str] | None = None,
    ignore: Collection[str] = (),
    severities: SeverityOverrides | None = None,
    paths: Collection[str] | None = None,
    on_error: ErrorHandler | None = None,
) -> list[Finding]:
    """Run every registered check and return sorted findings.

    `select`/`ignore` filter rule ids; `paths` restricts per-module checks to those modules
    (project checks always run, their findings filtered to `paths`). A check that raises,
    or a parser under it, is recorded in `project.errors` (an internal error, never a finding)
    and the others still run; each error recorded during this run is also passed to
    `on_error`.
    """
    severities = severities or {}

    def wanted(rule: str) -> bool:
        if rule in ignore or (select is not None and rule not in select):
            return False
        return not (rule in severities and severities[rule] is None)

    findings: list[Finding] = []
    errors_before = len(project.errors)

    def collect(spec: CheckSpec, produce: Callable[[], Iterable[Finding]], where: str) -> None:
        try:
            for finding in produce():
                if not wanted(finding.rule):
                    continue
                if paths is not None and finding.path not in paths:
                    continue
                override = severities.get(finding.rule)
                if override is not None and override != finding.severity:
                    finding = replace(finding, severity=override)
                findings.append(finding)
        except Exception as error:
            project.record_error(f"check {spec.name} on {where}", error)

    active = [spec for spec in CHECKS if any(wanted(rule) for rule in spec.rules)]
    module_specs = [spec for spec in active if spec.per_module]
    if module_specs:
        module_paths = project.python_files() if paths is None else sorted(paths)
        for relpath in module_paths:
            if not relpath.endswith(".py"):
                continue
            module = project.module(relpath)
            if module is None or module.tree is None:
                continue
            for spec in module_specs:
                func: ModuleCheckFn = spec.func  # type: ignore[assignment]
                collect(spec, lambda f=func, m=module: f(project, m), relpath)  # type: ignore[misc]
    for spec in active:
        if not spec.per_module:
            project_func: ProjectCheckFn = spec.func  # type: ignore[assignment]
            collect(spec, lambda f=project_func: f(project), ".")  # type: ignore[misc]
    if on_error is not None:
        for recorded in project.errors[errors_before:]:
            on_error(recorded.where, recorded.error, recorded.detail)
    findings.sort(key=Finding.sort_key)
    return findings
