"""DEP001-DEP008: declared vs installed distributions, conflicts, known breaks, removed APIs."""

from __future__ import annotations

import ast
import json
import posixpath
import re
import sys
from collections.abc import Iterator
from functools import cache
from importlib import resources

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from ..app_scope import app_scope
from ..catalog import RULES
from ..environment.commands import create_venv, install_requirements
from ..environment.model import Environment
from ..environment.project_environment import project_environment
from ..flask_apps import APP_CLASSES, CONVENTIONAL_FACTORIES, ModuleApps, find_flask_apps
from ..import_sites import ImportSite, import_sites
from ..known_incompatibilities import INCOMPATIBILITIES, REMOVED_FLASK_APIS, Incompatibility
from ..model import Finding, Fix, Position, Range, Severity, TextEdit
from ..modules import import_roots, resolve_import
from ..project import Project
from ..registry import module_check, project_check
from ..requirements import DeclaredRequirement, DeclaredRequirements, declared_requirements
from ..source import PythonModule
from .environment import anchor, describe

#: Import names whose distribution is named differently (for the "install X" hint).
IMPORT_TO_DISTRIBUTION = {
    "yaml": "PyYAML",
    "jwt": "PyJWT",
    "PIL": "Pillow",
    "cv2": "opencv-python",
    "sklearn": "scikit-learn",
    "bs4": "beautifulsoup4",
    "dotenv": "python-dotenv",
    "dateutil": "python-dateutil",
    "magic": "python-magic",
    "Crypto": "pycryptodome",
    "MySQLdb": "mysqlclient",
    "psycopg2": "psycopg2-binary",
    "jose": "python-jose",
    "socketio": "python-socketio",
    "engineio": "python-engineio",
    "attr": "attrs",
    "OpenSSL": "pyOpenSSL",
    "serial": "pyserial",
    "zmq": "pyzmq",
    "docx": "python-docx",
    "slugify": "python-slugify",
    "multipart": "python-multipart",
    "factory": "factory-boy",
    "google": "google-api-core",
    "flask_sqlalchemy": "Flask-SQLAlchemy",
    "flask_login": "Flask-Login",
    "flask_wtf": "Flask-WTF",
    "flask_cors": "Flask-Cors",
    "flask_migrate": "Flask-Migrate",
    "flask_socketio": "Flask-SocketIO",
    "flask_restful": "Flask-RESTful",
    "flask_mail": "Flask-Mail",
    "flask_caching": "Flask-Caching",
    "flask_bcrypt": "Flask-Bcrypt",
    "flask_jwt_extended": "Flask-JWT-Extended",
    "flask_limiter": "Flask-Limiter",
    "flask_session": "Flask-Session",
}

_DISTRIBUTION_TO_IMPORT: dict[str, str] = {
    canonicalize_name(dist): module for module, dist in IMPORT_TO_DISTRIBUTION.items()
}


def _usable(env: Environment | None) -> bool:
    return env is not None and env.healthy and bool(env.site_packages)


def _install_advice(env: Environment) -> str:
    if not env.is_venv and not env.is_conda:
        return "Create a virtualenv for the project and install the requirements there."
    return "Install the requirements into this interpreter."


def _install_fix(env: Environment, path: str, project: Project | None = None) -> tuple[Fix, ...]:
    if project is not None and not env.is_venv and not env.is_conda:
        # a global Python: installing there is what ENV001 warns against (and PEP 668 refuses)
        return (
            Fix(
                f"Create .venv and install the requirements of {path}",
                command=create_venv(str(project.root), path),
            ),
        )
    return (
        Fix(
            f"Install the requirements of {path} into {env.interpreter}",
            command=install_requirements(env.interpreter, path),
        ),
    )


# --- DEP008 ------------------------------------------------------------------------------------


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


# --- DEP001 / DEP002 ---------------------------------------------------------------------------


@project_check("DEP001", "DEP002")
def check_declared(project: Project) -> Iterator[Finding]:
    env = project_environment(project)
    if env is None or not _usable(env):
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
            module = _DISTRIBUTION_TO_IMPORT.get(declared.name, declared.name.replace("-", "_"))
            yield Finding(
                "DEP001",
                RULES["DEP001"].severity,
                declared.path,
                declared.range,
                f"`{requirement.name}` is declared in {declared.path} but not installed in "
                f"{describe(env)}: importing it fails with `ModuleNotFoundError: No module "
                f"named '{module}'`. {_install_advice(env)}",
                _install_fix(env, declared.path, project),
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
            f"written for. {_install_advice(env)}",
            _install_fix(env, declared.path, project),
            {"distribution": declared.name, "installed": dist.version},
        )


# --- DEP003 (what `pip check` reports) ---------------------------------------------------------


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
    if env is None or not _usable(env):
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


# --- DEP004 ---------------------------------------------------------------------------------------


def _pin_fix(
    project: Project,
    declared: DeclaredRequirements,
    entry: Incompatibility,
    env: Environment,
    installed_other: str,
) -> tuple[Fix, ...]:
    title = f"Add `{entry.pin}` to the requirements"
    pin = Requirement(entry.pin)
    existing = declared.declared(entry.other)
    if existing is not None and not existing.requirement.specifier.contains(
        installed_other, prereleases=True
    ):
        return _install_fix(
            env, existing.path, project
        )  # already pinned: only the install is stale
    if existing is not None and existing.kind in ("requirements", "pyproject"):
        old = existing.requirement
        extras = f"[{','.join(sorted(old.extras))}]" if old.extras else ""
        marker = f"; {old.marker}" if old.marker else ""
        new_text = f"{old.name}{extras}{pin.specifier}{marker}"
        title = f"Change `{existing.text}` to `{new_text}`"
        return (Fix(title, (TextEdit(existing.path, existing.range, new_text),), safe=True),)
    package = declared.declared(entry.package)
    if package is not None and package.kind == "pyproject":
        end = package.range.end
        after_quote = Position(end.line, end.character + 1)
        edit = TextEdit(package.path, Range(after_quote, after_quote), f', "{entry.pin}"')
        return (Fix(title, (edit,), safe=True),)
    target = package.path if package is not None and package.kind == "requirements" else None
    target = target or declared.main_file()
    if target is None:
        return ()
    source = project.source(target)
    if source is None:
        return ()
    newline = source.newline
    if package is not None and package.path == target:
        line = package.range.end.line
        if line + 1 < len(source.lines):
            at = Position(line + 1, 0)
            return (Fix(title, (TextEdit(target, Range(at, at), entry.pin + newline),), safe=True),)
    return (Fix(title, (_append_line(source.text, target, entry.pin, newline),), safe=True),)


def _append_line(text: str, path: str, line: str, newline: str) -> TextEdit:
    from ..source import SourceText

    source = SourceText(text)
    end = source.end_position()
    prefix = "" if not text or text.endswith(("\n", "\r")) else newline
    return TextEdit(path, Range(end, end), prefix + line + newline)


@project_check("DEP004")
def check_known_incompatibilities(project: Project) -> Iterator[Finding]:
    env = project_environment(project)
    if env is None or not _usable(env):
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
            _pin_fix(project, declared, entry, env, other.version),
            {"package": entry.package, "other": entry.other, "error": entry.error},
        )


# --- DEP005 -------------------------------------------------------------------------------------


@cache
def _shipped_stdlib() -> dict[str, frozenset[str]]:
    data = resources.files("flask_preflight.analysis").joinpath("data/stdlib_modules.json")
    versions = json.loads(data.read_text(encoding="utf-8"))["versions"]
    return {version: frozenset(names) for version, names in versions.items()}


def stdlib_modules(version: tuple[int, ...] | None) -> frozenset[str]:
    """Top-level standard library module names of the target Python version."""
    running = sys.version_info[:2]
    if version is None or tuple(version[:2]) == running:
        names = getattr(sys, "stdlib_module_names", None)
        if names is not None:
            return frozenset(names)
    shipped = _shipped_stdlib()
    wanted = running if version is None else tuple(version[:2])
    key = f"{wanted[0]}.{wanted[1]}"
    if key in shipped:
        return shipped[key]
    ordered = sorted(shipped, key=lambda v: tuple(int(p) for p in v.split(".")))
    older = [v for v in ordered if tuple(int(p) for p in v.split(".")) <= wanted]
    return shipped[(older or ordered)[-1 if older else 0]]


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
        fixes = _install_fix(env, found.path, project) if installable else ()
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
    if env is None or not _usable(env):
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


# --- DEP006 -------------------------------------------------------------------------------------

_Function = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _nodes_in_scopes(tree: ast.AST) -> Iterator[tuple[ast.AST, tuple[ast.AST, ...]]]:
    """Every node with the functions it sits in, innermost last."""
    todo: list[tuple[ast.AST, tuple[ast.AST, ...]]] = [(tree, ())]
    while todo:
        node, scopes = todo.pop()
        yield node, scopes
        inner = (*scopes, node) if isinstance(node, _Function) else scopes
        for child in ast.iter_child_nodes(node):
            # decorators and defaults are evaluated in the enclosing scope
            in_header = isinstance(node, _Function) and (
                child in getattr(node, "decorator_list", ()) or child is node.args
            )
            todo.append((child, scopes if in_header else inner))


class _AppFlow:
    """Which names hold a Flask app where they are used, by data flow: bound to `Flask(...)`
    (or a subclass, or an app factory's result) in that scope or at module level, imported
    from a module that defines one, `current_app` from flask, or a parameter annotated as a
    Flask app. A parameter that merely happens to be named `app` (Sphinx's `setup(app)`) is
    not one."""

    def __init__(self, tree: ast.Module, found: ModuleApps | None):
        self.module_apps = set(found.instances) if found is not None else set()
        factories = set(found.factories) if found is not None else set()
        self.factories = factories | CONVENTIONAL_FACTORIES
        self.classes: set[str] = set()
        self.flask_modules: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                for alias in node.names:
                    local = alias.asname or alias.name
                    if alias.name in APP_CLASSES.get(node.module, ()):
                        self.classes.add(local)
                    elif node.module == "flask" and alias.name == "current_app":
                        self.module_apps.add(local)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in APP_CLASSES:
                        self.flask_modules.add(alias.asname or alias.name)
            elif isinstance(node, ast.ClassDef) and any(self._app_class(b) for b in node.bases):
                self.classes.add(node.name)
        self.locals: dict[ast.AST, tuple[set[str], set[str]]] = {}

    def _app_class(self, node: ast.expr | None) -> bool:
        if isinstance(node, ast.Name):
            return node.id in self.classes
        return (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in self.flask_modules
            and node.attr in APP_CLASSES.get(node.value.id, APP_CLASSES["flask"])
        )

    def _builds_app(self, value: ast.expr | None) -> bool:
        if not isinstance(value, ast.Call):
            return False
        func = value.func
        return self._app_class(func) or (isinstance(func, ast.Name) and func.id in self.factories)

    def _scope(self, function: ast.AST) -> tuple[set[str], set[str]]:
        """(names bound in `function`, those bound to an app)."""
        cached = self.locals.get(function)
        if cached is not None:
            return cached
        bound: set[str] = set()
        apps: set[str] = set()
        args = getattr(function, "args", None)
        if isinstance(args, ast.arguments):
            for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
                bound.add(arg.arg)
                if self._app_class(arg.annotation):
                    apps.add(arg.arg)
        for node, scopes in _nodes_in_scopes(function):
            if scopes != (function,) or not isinstance(node, (ast.Assign, ast.AnnAssign)):
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            bound.update(names)
            if self._builds_app(node.value):
                apps.update(names)
        self.locals[function] = (bound, apps)
        return bound, apps

    def __call__(self, name: str, scopes: tuple[ast.AST, ...]) -> bool:
        for function in reversed(scopes):
            bound, apps = self._scope(function)
            if name in apps:
                return True
            if name in bound:
                return False
        return name in self.module_apps


_REMOVED_API_NAMES = re.compile(
    r"\b(" + "|".join(sorted({re.escape(api.name) for api in REMOVED_FLASK_APIS})) + r")\b"
)


def _removed_api_names(text: str) -> set[str]:
    return set(_REMOVED_API_NAMES.findall(text))


@module_check("DEP006")
def check_removed_flask_apis(project: Project, module: PythonModule) -> Iterator[Finding]:
    env = project_environment(project)
    flask = env.get("flask") if env is not None and env.healthy else None
    if env is None or flask is None or flask.parsed_version is None or module.tree is None:
        return
    if "flask" not in module.text:
        return
    installed: Version = flask.parsed_version
    # Every match below is on the API's name as a whole word: a module whose text has none
    # of them is not walked (the walk costs more than parsing the module).
    named = _removed_api_names(module.text)
    removed = [
        api for api in REMOVED_FLASK_APIS if installed >= api.removed_version and api.name in named
    ]
    if not removed:
        return
    found = find_flask_apps(project, module.path)
    is_app = _AppFlow(module.tree, found)
    flask_aliases = {
        alias.asname or alias.name
        for node in ast.walk(module.tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name == "flask"
    }

    def finding(
        node: ast.expr | ast.keyword | ast.alias | ast.stmt,
        api_error: str,
        name: str,
        replacement: str,
        since: str,
        source: str,
    ) -> Finding:
        return Finding(
            "DEP006",
            RULES["DEP006"].severity,
            module.path,
            module.range_of(node),
            f"`{name}` was removed in Flask {since} and {env.interpreter} has Flask "
            f"{flask.version}: {api_error}. Instead: {replacement}; or pin `Flask<{since}`. "
            f"(Source: {source})",
            data={"api": name, "removed_in": since},
        )

    for node, scopes in _nodes_in_scopes(module.tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for api in removed:
                if api.kind != "import" or api.module != node.module:
                    continue
                for alias in node.names:
                    if alias.name == api.name:
                        target = alias if getattr(alias, "lineno", None) is not None else node
                        yield finding(
                            target,
                            api.error,
                            f"{node.module}.{api.name}",
                            api.replacement,
                            api.removed_in,
                            api.source,
                        )
        elif isinstance(node, ast.Attribute):
            receiver = node.value.id if isinstance(node.value, ast.Name) else None
            for api in removed:
                if api.name != node.attr:
                    continue
                if api.kind == "import" and api.module == "flask" and receiver in flask_aliases:
                    # Flask 3 modules define __getattr__, which raises a bare AttributeError
                    error = (
                        f"AttributeError: {api.name}"
                        if api.removed_version >= Version("3.0")
                        else f"AttributeError: module 'flask' has no attribute '{api.name}'"
                    )
                elif api.kind == "attribute" or (
                    api.kind == "app-attribute" and receiver and is_app(receiver, scopes)
                ):
                    error = api.error
                else:
                    continue
                yield finding(
                    node,
                    error,
                    f"{receiver or '…'}.{api.name}",
                    api.replacement,
                    api.removed_in,
                    api.source,
                )
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            for api in removed:
                if api.kind != "keyword" or api.module != called:
                    continue
                for keyword in node.keywords:
                    if keyword.arg == api.name:
                        yield finding(
                            keyword,
                            api.error,
                            f"{called}({api.name}=...)",
                            api.replacement,
                            api.removed_in,
                            api.source,
                        )


# --- DEP007 -------------------------------------------------------------------------------------

_ENV_GETTERS = frozenset({"getenv", "get", "setdefault", "pop"})


def environment_reads(project: Project, path: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """(variable names a module reads from os.environ/getenv, the prefixes it loads with
    `config.from_prefixed_env()`), kept until the module changes. `load_dotenv()` reads
    every key: the prefix "" then."""
    key = f"environment_reads:{path}"
    cached = project.derived(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    names: set[str] = set()
    prefixes: list[str] = []
    module = project.module(path)
    text = module.text if module is not None else ""
    if module is not None and module.tree is not None and "env" in text:
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Subscript) and _is_environ(node.value):
                index = node.slice
                if isinstance(index, ast.Constant) and isinstance(index.value, str):
                    names.add(index.value)
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0] if node.args else None
            literal = first.value if isinstance(first, ast.Constant) else None
            if called == "getenv" or (
                called in _ENV_GETTERS
                and isinstance(func, ast.Attribute)
                and _is_environ(func.value)
            ):
                if isinstance(literal, str):
                    names.add(literal)
            elif called == "from_prefixed_env":
                prefix = literal if isinstance(literal, str) else "FLASK"
                for keyword in node.keywords:
                    value = keyword.value
                    if keyword.arg == "prefix" and isinstance(value, ast.Constant):
                        prefix = str(value.value)
                prefixes.append(f"{prefix}_")
            elif called in ("load_dotenv", "dotenv_values"):
                prefixes.append("")
    result = (frozenset(names), tuple(prefixes))
    return project.keep_derived(key, result, {path})  # type: ignore[no-any-return]


def _is_environ(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id == "environ"
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def _flask_reads(project: Project, path: str) -> bool:
    """Whether Flask or the app reads any key of this dotenv file."""
    from ..entrypoints.dotenv_files import read_dotenv

    keys = set(read_dotenv(project, path))
    if any(k.startswith("FLASK_") for k in keys):
        return True
    scopes = app_scope(project)
    for module in project.python_files():
        if scopes.scope_of(project, module) not in ("app", "unknown", "scripts"):
            continue
        names, prefixes = environment_reads(project, module)
        if keys & names or any(k.startswith(p) for k in keys for p in prefixes):
            return True
    return False


@project_check("DEP007")
def check_dotenv(project: Project) -> Iterator[Finding]:
    env = project_environment(project)
    if env is None or not _usable(env) or env.get("python-dotenv") is not None:
        return
    declared = declared_requirements(project)
    if env.get("flask") is None and declared.declared("flask") is None:
        return
    files = [p for p in project.files() if p.rsplit("/", 1)[-1] in (".flaskenv", ".env")]
    files = [p for p in files if p.count("/") <= 1]
    # a .env that only docker compose reads (variable substitution) is not Flask's
    files = [p for p in files if _flask_reads(project, p)]
    if not files:
        return
    already = declared.declared("python-dotenv")
    fixes: tuple[Fix, ...] = ()
    if already is not None:
        if already.kind == "requirements":
            fixes = _install_fix(env, already.path, project)
    else:
        main = declared.main_file()
        text = project.read_text(main) if main else None
        if main and text is not None:
            from ..source import SourceText

            edit = _append_line(text, main, "python-dotenv", SourceText(text).newline)
            fixes = (Fix(f"Add python-dotenv to {main}", (edit,), safe=True),)
    for path in files:
        name = path.rsplit("/", 1)[-1]
        source = project.source(path)
        where = source.line_range(0) if source is not None and source.lines else Range.line_start()
        yield Finding(
            "DEP007",
            RULES["DEP007"].severity,
            path,
            where,
            f"Flask reads {name} only when python-dotenv is installed, and {describe(env)} does "
            f"not have it: `flask run` silently ignores every setting in this file. Add "
            f"python-dotenv to the requirements and install it.",
            fixes,
            {"file": path},
        )
