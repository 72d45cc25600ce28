"""Start-up import failures predicted from what is installed: which import of the app's start
must fail with the target interpreter's packages and standard library (DEP009's engine).

Entry points: `predict_startup_failures(project)` for the check, `explain_missing_name(...)` for
a traceback's `ImportError: cannot import name X from M`.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from ..entrypoints.declarations import Declaration
from ..environment.model import Environment
from ..environment.project_environment import project_environment
from ..environment.reading import read_environment
from ..project import Project
from .facts import Target
from .facts_cache import FactsCache, shared_cache
from .linker import Frame, Linker, StartupFailure, link_module, relative_to_site
from .search_path import SearchPath, search_path

__all__ = [
    "Frame",
    "StartupFailure",
    "StartupPrediction",
    "entry_module",
    "explain_missing_name",
    "predict_startup_failures",
    "relative_to_site",
    "start_modules",
    "target_of",
]


def target_of(env: Environment) -> Target | None:
    if env.version is None:
        return None
    return Target(
        env.version,
        env.platform.get("sys_platform", sys.platform),
        env.platform.get("os_name", os.name),
    )


def _stdlib_names(env: Environment) -> frozenset[str]:
    from ..stdlib_modules import stdlib_modules

    return stdlib_modules(env.version)


def start_modules(project: Project) -> list[str]:
    """Root-relative modules the app starts from: those defining apps, the modules declared
    entry points import, and the other roots of the app's code (a `wsgi.py` that starts or
    re-exports the app). What they import runs only as far as module-level code reaches."""
    from ..app_scope import app_scope, path_scope
    from ..entrypoints import find_declarations
    from ..entrypoints.discovery import project_apps

    found: list[str] = []
    for app in project_apps(project):
        if app.module not in found:
            found.append(app.module)
    for declaration in find_declarations(project):
        # the module is imported even when the attribute the server then looks up is wrong
        path = entry_module(project, declaration)
        if path and path.endswith(".py") and path not in found:
            found.append(path)
    for path in sorted(app_scope(project).roots):
        if path.endswith(".py") and path_scope(path) is None and path not in found:
            found.append(path)
    return found


def entry_module(project: Project, declaration: Declaration) -> str | None:
    """The project module a declared server start imports (None when unknown)."""
    from ..entrypoints import check_declaration
    from ..entrypoints.resolve import find_module, search_path
    from ..entrypoints.targets import TargetError, parse_target

    verdict = check_declaration(project, declaration)
    if verdict.module_path:
        return verdict.module_path
    if declaration.server in ("gunicorn", "uwsgi", "waitress") and declaration.target:
        try:
            target = parse_target(
                declaration.server, declaration.target, declaration.option("callable")
            )
        except TargetError:
            return None
        if target.module.endswith(".py"):
            return None
        return find_module(project, search_path(declaration), target.module)
    return None


@dataclass(frozen=True)
class StartupPrediction:
    failures: tuple[StartupFailure, ...]
    search: SearchPath
    env: Environment


def predict_startup_failures(
    project: Project, cache: FactsCache | None = None, modules: list[str] | None = None
) -> StartupPrediction | None:
    """The first failing import of each start module (deduplicated), or None when the
    environment cannot be read (no interpreter, a broken venv, no version).

    `modules`: root-relative files to start from (default: `start_modules(project)`).
    """
    memo_key = "startup-imports:prediction"
    if cache is None and modules is None:
        cached = project.memo(memo_key)
        if isinstance(cached, StartupPrediction):
            return cached
    env = project_environment(project)
    if env is None or not env.healthy or not env.site_packages:
        return None
    target = target_of(env)
    if target is None:
        return None
    remember = cache is None and modules is None
    cache = cache or shared_cache()
    search = search_path(env)
    stdlib = _stdlib_names(env)
    failures: list[StartupFailure] = []
    seen: set[tuple[str, str, int, str]] = set()
    for relpath in start_modules(project) if modules is None else modules:
        failure = link_module(project, relpath, search, target, cache, stdlib)
        if failure is None:
            continue
        key = (failure.frames[0].path, failure.failing.path, failure.failing.line, failure.error)
        if key not in seen:
            seen.add(key)
            failures.append(failure)
    cache.finish()
    prediction = StartupPrediction(tuple(failures), search, env)
    if remember:
        project.remember(memo_key, prediction)
    return prediction


def explain_missing_name(
    environment_or_interpreter: Environment | str, module: str, name: str
) -> str | None:
    """Why `from module import name` fails in that environment, in one sentence: which
    installed distribution (and version) lacks it, and since which version when known.
    None when the environment cannot be read or `module` really defines `name` statically.
    """
    env = (
        read_environment(environment_or_interpreter, allow_exec=False)
        if isinstance(environment_or_interpreter, str)
        else environment_or_interpreter
    )
    if not env.healthy:
        return None
    target = target_of(env)
    if target is None:
        return None
    search = search_path(env)
    project = Project(Path(os.path.dirname(env.interpreter) or "."))
    linker = Linker(project, search, target, shared_cache(), _stdlib_names(env), (), lambda _: None)
    linker.project_roots = ()
    located = search.find(module)
    owner = _owner(env, module, search)
    if located is None:
        where = f" ({owner})" if owner else ""
        return f"No module named '{module}' is installed in {env.interpreter}{where}."
    defined = linker.has_name(module, name)
    linker.cache.finish()
    if located.kind == "package" and search.find(f"{module}.{name}") is not None:
        return None
    if defined is not False:
        return None
    what = owner or f"the module {module}"
    since = _removed_since(env, module, name)
    text = f"{what} has no `{name}` in `{module}`"
    if since:
        text += f" ({since})"
    return text + f": the installed code at {located.path} does not define it."


def _owner(env: Environment, module: str, search: SearchPath) -> str | None:
    """'Flask 3.1.3' for a module of an installed distribution, 'Python 3.11' for stdlib."""
    top = module.split(".")[0]
    dist_name = env.import_names().get(top)
    dist = env.get(dist_name) if dist_name else None
    if dist is not None:
        return f"{dist.display_name} {dist.version or '(unknown version)'}"
    located = search.find(top)
    if located is not None and located.origin == "stdlib" and env.version is not None:
        return f"Python {env.version[0]}.{env.version[1]}"
    return None


def _removed_since(env: Environment, module: str, name: str) -> str | None:
    from ..known_incompatibilities import INCOMPATIBILITIES, REMOVED_FLASK_APIS

    for api in REMOVED_FLASK_APIS:
        if api.kind == "import" and api.module == module and api.name == name:
            return f"removed in Flask {api.removed_in}"
    for entry in INCOMPATIBILITIES:
        if f"'{name}'" in entry.error and f"'{module}'" in entry.error:
            return f"removed in {entry.other} {entry.other_versions}"
    return None
