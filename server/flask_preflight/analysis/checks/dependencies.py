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

from ..catalog import RULES
from ..environment import Environment, project_environment
from ..environment_commands import create_venv, install_requirements
from ..flask_apps import find_flask_apps
from ..known_incompatibilities import INCOMPATIBILITIES, REMOVED_FLASK_APIS, Incompatibility
from ..model import Finding, Fix, Position, Range, TextEdit
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

_VERSION_FLAG = re.compile(r"^(IS_)?(PY_?\d|PYPY|PY2|PY3|WIN|WINDOWS|MACOS|LINUX|POSIX)")

_DISTRIBUTION_TO_IMPORT: dict[str, str] = {
    canonicalize_name(dist): module for module, dist in IMPORT_TO_DISTRIBUTION.items()
}

_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


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
        if package is None or other is None or package.version is None or other.version is None:
            continue
        if not entry.package_specifier.contains(package.version, prereleases=True):
            continue
        if not entry.other_specifier.contains(other.version, prereleases=True):
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


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    for node in types:
        name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
        if name in _IMPORT_ERRORS:
            return True
    return False


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _is_version_or_platform_test(test: ast.expr) -> bool:
    """`sys.version_info >= ...`, `sys.platform == ...`, `os.name`: each branch is for another
    interpreter, so neither branch's imports are required everywhere."""
    for node in ast.walk(test):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("version_info", "platform", "name", "modules")
            and isinstance(node.value, ast.Name)
            and node.value.id in ("sys", "os")
        ):
            return True
        if isinstance(node, ast.Name) and _VERSION_FLAG.match(node.id):
            return True
    return False


def _imports(
    body: list[ast.stmt], in_function: bool = False
) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Import statements that fail the program when the module is missing (and whether they
    run only when a function is called)."""
    for stmt in body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            yield stmt, in_function
            continue
        if isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            handlers = getattr(stmt, "handlers", [])
            if not any(_catches_import_error(h) for h in handlers):
                yield from _imports(stmt.body, in_function)  # type: ignore[attr-defined]
            for handler in handlers:
                yield from _imports(handler.body, in_function)
            yield from _imports(stmt.orelse, in_function)  # type: ignore[attr-defined]
            yield from _imports(stmt.finalbody, in_function)  # type: ignore[attr-defined]
            continue
        if isinstance(stmt, ast.If):
            if _is_type_checking(stmt.test):
                yield from _imports(stmt.orelse, in_function)
                continue
            if _is_version_or_platform_test(stmt.test):
                continue
        inner = in_function or isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
        for name in ("body", "orelse", "finalbody"):
            child = getattr(stmt, name, None)
            if isinstance(child, list) and child and isinstance(child[0], ast.stmt):
                yield from _imports(child, inner)
        for case in getattr(stmt, "cases", []) or []:
            yield from _imports(case.body, inner)
        for handler in getattr(stmt, "handlers", []) or []:
            yield from _imports(handler.body, inner)


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


def _suggestion(top: str, declared: DeclaredRequirements) -> tuple[str, DeclaredRequirement | None]:
    dist = IMPORT_TO_DISTRIBUTION.get(top, top.replace("_", "-"))
    for candidate in (dist, top):
        found = declared.declared(candidate)
        if found is not None and found.primary:
            return found.requirement.name, found
    return dist, None


@module_check("DEP005")
def check_imports(project: Project, module: PythonModule) -> Iterator[Finding]:
    env = project_environment(project)
    if env is None or not _usable(env) or module.tree is None:
        return
    stdlib = stdlib_modules(env.version)
    declared = declared_requirements(project)
    reported: set[str] = set()
    for stmt, in_function in _imports(module.tree.body):
        if isinstance(stmt, ast.ImportFrom):
            if stmt.level or not stmt.module:
                continue
            names: list[tuple[str, ast.alias | ast.ImportFrom]] = [(stmt.module, stmt)]
        else:
            names = [(alias.name, alias) for alias in stmt.names]
        for dotted, node in names:
            top = dotted.split(".")[0]
            if top in reported or top.startswith("__") or top in stdlib:
                continue
            if env.can_import(top) or _project_module(project, module.path, top):
                continue
            reported.add(top)
            located = node if getattr(node, "lineno", None) is not None else stmt
            dist, found = _suggestion(top, declared)
            if found is not None:
                advice = (
                    f"`{dist}` is declared in {found.path} but not installed: install the "
                    "requirements into this interpreter."
                )
                fixes = _install_fix(env, found.path, project)
            else:
                advice = f"Install `{dist}` and add it to the requirements."
                fixes = ()
            yield Finding(
                "DEP005",
                RULES["DEP005"].severity,
                module.path,
                module.range_of(located),
                f"`{top}` is not importable from {describe(env)}: "
                f"{'this function' if in_function else 'the app'} fails with "
                f"`ModuleNotFoundError: No module named '{top}'`. {advice}",
                fixes,
                {"module": top, "distribution": dist},
            )


# --- DEP006 -------------------------------------------------------------------------------------


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
    app_names = {d.name for d in found.apps} if found is not None else set()
    app_names |= {"app", "current_app", "application"}
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

    for node in ast.walk(module.tree):
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
                    api.kind == "app-attribute" and receiver in app_names
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
    if not files:
        return
    already = declared.declared("python-dotenv")
    fixes: tuple[Fix, ...] = ()
    if already is not None:
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
