"""Which installed distribution a file or module belongs to, and where else a package is
installed (the installed-elsewhere scanner, plus the interpreters a command named)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..environment.distributions import Distribution
from ..environment.model import Environment
from ..environment.project_environment import project_venvs
from ..environment.reading import read_environment
from ..installed_elsewhere import InstalledElsewhere, find_installed_elsewhere
from ..interpreters import venv_python
from ..project import Project


@dataclass(frozen=True)
class Elsewhere:
    interpreter: str
    label: str
    distribution: str
    version: str | None
    is_venv: bool


def distribution_of_file(env: Environment, file: str) -> Distribution | None:
    """The distribution whose package directory (or module) holds `file`."""
    real = os.path.normcase(os.path.abspath(file))
    for site in env.site_packages:
        site_norm = os.path.normcase(os.path.abspath(site))
        if not real.startswith(site_norm + os.sep):
            continue
        top = real[len(site_norm) + 1 :].split(os.sep, 1)[0]
        top = top[:-3] if top.endswith(".py") else top
        name = env.import_names().get(top)
        if name is not None:
            return env.distributions.get(name)
    return None


def distribution_of_module(env: Environment, module: str) -> Distribution | None:
    name = env.import_names().get(module.split(".", 1)[0])
    return env.distributions.get(name) if name else None


def _scanner_results(
    names: list[str], root: str, exclude: list[str], kind: str
) -> dict[str, list[Elsewhere]]:
    """The shared installed-elsewhere scanner's answer, without the `exclude` interpreters."""
    from .interpreters import display_path, same_interpreter

    def where(item: InstalledElsewhere) -> str:
        # A terminal's reader wants the place too: "the python3 on PATH (/opt/tools-env)".
        if "/" in item.label:
            return item.label
        prefix = os.path.dirname(os.path.dirname(item.interpreter))
        return f"{item.label} ({display_path(prefix, root)})"

    found = find_installed_elsewhere(names, root=Path(root), exclude=None, kind=kind)
    return {
        name: [
            Elsewhere(i.interpreter, where(i), i.distribution, i.version, i.is_venv)
            for i in items
            if not any(same_interpreter(i.interpreter, other) for other in exclude)
        ]
        for name, items in found.items()
    }


def _candidate_interpreters(root: str | None, extra: list[str]) -> list[str]:
    candidates = list(extra)
    if root and os.path.isdir(root):
        candidates += [
            venv_python(os.path.join(root, v)) for v in project_venvs(Project(Path(root)))
        ]
    for name in ("python3", "python"):
        found = shutil.which(name)
        if found:
            candidates.append(found)
    return candidates


def find_elsewhere(
    names: list[str],
    *,
    root: str | None,
    exclude: list[str],
    kind: str,
    also: list[str] | None = None,
) -> dict[str, list[Elsewhere]]:
    """Where each distribution (`kind="distribution"`) or top-level module (`"module"`) is
    installed, outside the `exclude` interpreters. `also` are interpreters to look in first
    (those the command or its output named)."""
    from .interpreters import environment_label, same_interpreter

    results: dict[str, list[Elsewhere]] = {}
    scanned = _scanner_results(names, root or "", exclude, kind) if root else None
    if scanned:
        results = {name: list(items) for name, items in scanned.items()}
    seen: list[str] = []
    for interpreter in _candidate_interpreters(root, also or []):
        if any(same_interpreter(interpreter, other) for other in [*exclude, *seen]):
            continue
        seen.append(interpreter)
        env = read_environment(interpreter, allow_exec=False)
        if not env.healthy:
            continue
        for name in names:
            dist = env.get(name) if kind == "distribution" else distribution_of_module(env, name)
            if dist is None:
                continue
            items = results.setdefault(name, [])
            if any(same_interpreter(interpreter, item.interpreter) for item in items):
                continue
            items.append(
                Elsewhere(
                    interpreter,
                    environment_label(env, root),
                    dist.display_name,
                    dist.version,
                    env.is_venv,
                )
            )
    return results
