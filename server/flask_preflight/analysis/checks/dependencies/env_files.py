"""DEP007: .env/.flaskenv files that `flask run` ignores without python-dotenv."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ...app_scope import app_scope
from ...catalog import RULES
from ...environment.model import describe
from ...environment.project_environment import project_environment
from ...model import Finding, Fix, Range
from ...project import Project
from ...registry import project_check
from ...requirements import declared_requirements
from .installing import append_line, install_fix, usable

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
    from ...entrypoints.formats.dotenv_files import read_dotenv

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
    if env is None or not usable(env) or env.get("python-dotenv") is not None:
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
            fixes = install_fix(env, already.path, project)
    else:
        main = declared.main_file()
        text = project.read_text(main) if main else None
        if main and text is not None:
            from ...source import SourceText

            edit = append_line(text, main, "python-dotenv", SourceText(text).newline)
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
