"""DEP005: modules the project imports that its interpreter cannot import."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from ...app_scope import app_scope
from ...distribution_names import IMPORT_TO_DISTRIBUTION
from ...environment.model import Environment, describe
from ...environment.project_environment import project_environment
from ...import_sites import ImportSite, import_sites
from ...model import Finding, Fix, Severity
from ...modules import import_roots, resolve_import
from ...project import Project
from ...registry import project_check
from ...requirements import DeclaredRequirement, DeclaredRequirements, declared_requirements
from ...stdlib_modules import stdlib_modules
from .installing import install_fix, usable


def _python_dirs(project: Project) -> set[str]:
    """Every directory that holds Python files at any depth (namespace packages count)."""
    cached = project.memo("dep005-python-dirs")
    if isinstance(cached, set):
        return cached
    dirs: set[str] = set()
    for path in project.python_files():
        directory = posixpath.dirname(path)
        while directory and directory not in dirs:
            dirs.add(directory)
            directory = posixpath.dirname(directory)
    return project.remember("dep005-python-dirs", dirs)  # type: ignore[no-any-return]


def _project_module(project: Project, importer: str, top: str) -> bool:
    if resolve_import(project, importer, top) is not None:
        return True
    dirs = _python_dirs(project)
    return any(posixpath.join(root, top) in dirs for root in import_roots(project, importer))


def _is_project_module(project: Project, importer: str, top: str) -> bool:
    """`_project_module`, kept until a file is created or deleted (the only change that can
    alter the answer: the import roots depend on the importer's directory alone)."""
    key = f"project-module:{posixpath.dirname(importer)}:{top}"
    cached = project.derived(key)
    if cached is None:
        cached = project.keep_derived(key, _project_module(project, importer, top), ())
    return bool(cached)


def _declaration(
    top: str, declared: DeclaredRequirements
) -> tuple[str, DeclaredRequirement | None]:
    """The distribution that provides `top`, and where the project declares it (runtime
    declarations first)."""
    dist = IMPORT_TO_DISTRIBUTION.get(top, top.replace("_", "-"))
    for candidate in (dist, top):
        found = declared.declared_for(candidate)
        if found:
            return found[0].requirement.name, found[0]
    return dist, None


#: What fails when an import in that scope is missing.
_SCOPE_FAILS = {
    "tests": "the tests that import it fail",
    "docs": "the docs build fails",
    "migrations": "the migrations fail",
    "setup": "this script fails",
    "scripts": "this script fails when you run it (the app never imports it)",
}
_SCOPE_RANK = {"app": 0, "unknown": 1}


def _severity(scope: str, context: str) -> Severity:
    """Error only when the app certainly imports it at start; a path that may not run is
    likely (warning) or depends on what we cannot see (hint); other scopes never stop the app."""
    if scope == "app":
        if context == "module":
            return Severity.ERROR
        return Severity.HINT if context == "conditional" else Severity.WARNING
    if scope == "unknown":
        return Severity.WARNING if context == "module" else Severity.HINT
    return Severity.HINT


def _what_fails(scope: str, context: str) -> str:
    if scope in _SCOPE_FAILS:
        return _SCOPE_FAILS[scope]
    if context == "function":
        return "the function that imports it fails when it runs"
    if context == "main":
        return "running this file directly fails"
    if context == "conditional":
        return "this import runs only when its `if` holds, and then fails"
    return "the app fails at start" if scope == "app" else "importing this module fails"


def _dep005_advice(
    project: Project,
    env: Environment,
    scope: str,
    top: str,
    dist: str,
    found: DeclaredRequirement | None,
    declared: DeclaredRequirements,
    *,
    on_path: bool = False,
) -> tuple[str, tuple[Fix, ...]]:
    """What to do about a missing module. `on_path`: no site imports it at module level (a
    dev-only path such as `if FLASK_DEBUG:` importing a dev requirement stays a dev one)."""
    installable = found is not None and found.kind == "requirements"
    keep_scope = found is not None and (on_path or scope not in ("app", "unknown"))
    if found is not None and (found.scope == "runtime" or keep_scope):
        where = f"{found.path}" + (f" ({found.group})" if found.group else "")
        if found.scope == "runtime":
            advice = f"`{dist}` is declared in {where} but not installed: install the requirements."
        else:
            advice = (
                f"`{dist}` is declared in {where} (the {found.scope} requirements) but not "
                f"installed: install the {found.scope} requirements."
            )
        fixes = install_fix(env, found.path, project) if installable else ()
        return advice, fixes
    if found is not None:
        # the app needs it, but only a dev/docs/extra group declares it
        main = declared.main_file() or "the runtime requirements"
        return (
            f"`{dist}` is declared only in {found.path}"
            + (f" ({found.group})" if found.group else "")
            + f", which a production install does not read: add it to {main}.",
            (),
        )
    if any(
        env.get(r.name) is None and env.marker_applies(r.requirement.marker)
        for r in declared.primary()
        if r.kind != "constraint"
    ):
        # it often comes with one of them (Flask with Flask-Dance, alembic with Flask-Migrate)
        return (
            f"It is not declared, and the requirements are not installed yet: install them "
            f"first; if `{top}` is still missing, add `{dist}` to the requirements.",
            (),
        )
    if scope == "tests":
        dev_files = declared.files_of_scope("dev")
        target = dev_files[0] if dev_files else "your test/dev requirements"
        return f"Install `{dist}` and add it to {target} (not to the app's requirements).", ()
    if scope == "docs":
        return f"Install `{dist}` and add it to the docs requirements.", ()
    return f"Install `{dist}` and add it to the requirements.", ()


def _site_data(project: Project, path: str, scope: str, site: ImportSite) -> dict[str, object]:
    start, end = site.range.start, site.range.end
    return {
        "path": path,
        "range": {
            "start": {"line": start.line + 1, "column": start.character + 1},
            "end": {"line": end.line + 1, "column": end.character + 1},
        },
        "scope": scope,
        "context": site.context,
    }


def _nested_requirements(project: Project, path: str) -> str | None:
    """The requirements.txt of the nearest folder holding `path`, below the root: a part of
    the project with an environment of its own (a tool's Dockerfile installs it there)."""
    folder = posixpath.dirname(path)
    while folder:
        candidate = f"{folder}/requirements.txt"
        if project.exists(candidate):
            return candidate
        folder = posixpath.dirname(folder)
    return None


def _declared_in_file(project: Project, relpath: str, names: set[str]) -> bool:
    """Whether a requirements file names one of `names` (canonical), read line by line."""
    text = project.read_text(relpath) or ""
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-")):
            continue
        try:
            if canonicalize_name(Requirement(line).name) in names:
                return True
        except InvalidRequirement:
            continue
    return False


@project_check("DEP005")
def check_imports(project: Project) -> Iterator[Finding]:
    """One finding per missing module, at its most severe site (app code first, then by
    path and line); the other sites go in `data["sites"]`."""
    env = project_environment(project)
    if env is None or not usable(env):
        return
    stdlib = stdlib_modules(env.version)
    declared = declared_requirements(project)
    scopes = app_scope(project)
    missing: dict[str, list[tuple[tuple[int, int, str, int, int], str, str, ImportSite]]] = {}
    for path in project.python_files():
        module = project.module(path)
        if module is None or module.tree is None:
            continue
        scope = scopes.scope_of(project, path)
        for site in import_sites(project, module, env.version):
            top = site.top
            if top.startswith("__") or top in stdlib or env.can_import(top):
                continue
            if _is_project_module(project, path, top):
                continue
            severity = _severity(scope, site.context)
            order = (
                _SCOPE_RANK.get(scope, 2),
                int(severity),
                path,
                site.range.start.line,
                site.range.start.character,
            )
            missing.setdefault(top, []).append((order, path, scope, site))
    # A subfolder with a requirements.txt of its own (when the root declares its own too) is
    # another environment: its imports are judged against that file, not this interpreter.
    own_env = {
        path: (_nested_requirements(project, path) if declared.primary() else None)
        for path in {entry[1] for entries in missing.values() for entry in entries}
    }
    for top in sorted(missing):
        sites = sorted(missing[top], key=lambda entry: entry[0])
        ours = [entry for entry in sites if own_env[entry[1]] is None]
        sites = ours or sites
        _, first_path, first_scope, site = sites[0]
        files = len({entry[1] for entry in sites})
        dist, found = _declaration(top, declared)
        own = None if ours else own_env[first_path]
        if own is not None:
            folder = posixpath.dirname(own)
            names: set[str] = {canonicalize_name(dist), canonicalize_name(top)}
            there = (
                f"`{dist}` is declared in {own}"
                if _declared_in_file(project, own, names)
                else f"{own} does not name `{dist}` (it may come with one of its requirements)"
            )
            yield Finding(
                "DEP005",
                Severity.HINT,
                first_path,
                site.range,
                f"`{top}` is not importable from {describe(env)}, but {folder}/ has an "
                f"environment of its own: {there}. Install {own} where {folder}/ runs (or "
                f"select that environment to work on it).",
                (),
                {
                    "module": top,
                    "distribution": dist,
                    "requirement": None,
                    "declared_in": own,
                    "requirement_scope": "own-environment",
                    "scope": first_scope,
                    "context": site.context,
                    "files": files,
                    "sites": [_site_data(project, p, sc, st) for _, p, sc, st in sites],
                },
            )
            continue
        # Every site conditional (in a function, behind a flag): the app starts without it.
        on_path = all(entry[3].context != "module" for entry in sites)
        advice, fixes = _dep005_advice(
            project, env, first_scope, top, dist, found, declared, on_path=on_path
        )
        where = f" (imported in {files} files)" if files > 1 else ""
        yield Finding(
            "DEP005",
            _severity(first_scope, site.context),
            first_path,
            site.range,
            f"`{top}` is not importable from {describe(env)}{where}: "
            f"{_what_fails(first_scope, site.context)} with "
            f"`ModuleNotFoundError: No module named '{top}'`. {advice}",
            fixes,
            {
                "module": top,
                "distribution": dist,
                "requirement": found.requirement.name if found is not None else None,
                "declared_in": found.path if found is not None else None,
                "requirement_scope": found.scope if found is not None else None,
                "scope": first_scope,
                "context": site.context,
                "files": files,
                "sites": [_site_data(project, p, sc, st) for _, p, sc, st in sites],
            },
        )
