"""DEP009: an import that runs at start must fail with what is installed (the import linker),
and a declared entry module that is not valid Python for the target interpreter."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..catalog import RULES
from ..entrypoints import find_declarations
from ..environment.model import Environment, describe
from ..known_incompatibilities import INCOMPATIBILITIES, REMOVED_FLASK_APIS, Incompatibility
from ..model import Finding, Fix, Range
from ..project import Project
from ..registry import project_check
from ..requirements import declared_requirements
from .dependencies.installing import pin_fix

if TYPE_CHECKING:
    from ..startup_imports import StartupFailure
    from ..startup_imports.search_path import SearchPath

# The import-graph reader (`..startup_imports`) is imported by the functions that use it:
# DEP009 runs after the first diagnostics of a language-server session, which do not wait on
# loading it.

#: Frames shown in a message before the middle of a long chain is elided.
_SHOWN_FRAMES = 5


def _distribution_of(env: Environment, module: str) -> str | None:
    return env.import_names().get(module.split(".")[0])


def _label(env: Environment, dist_name: str | None) -> str | None:
    dist = env.get(dist_name) if dist_name else None
    if dist is None:
        return None
    return f"{dist.display_name} {dist.version or ''}".strip()


def _frame_text(path: str, in_project: bool, search: SearchPath) -> str:
    from ..startup_imports import relative_to_site

    return path if in_project else relative_to_site(path, search)


def _chain(failure: StartupFailure, search: SearchPath) -> str:
    frames = failure.frames
    parts = []
    for index, frame in enumerate(frames):
        where = f"{_frame_text(frame.path, frame.in_project, search)}:{frame.line}"
        if index + 1 < len(frames):
            parts.append(f"{where} imports {frames[index + 1].module}")
        else:
            parts.append(f"{where} `{frame.text}`")
    if len(parts) > _SHOWN_FRAMES:
        parts = [*parts[:2], "…", *parts[-2:]]
    return " -> ".join(parts)


def _what_lacks(env: Environment, failure: StartupFailure, search: SearchPath) -> str:
    module, name = failure.module, failure.name
    located = search.find(module.split(".")[0])
    owner = _label(env, _distribution_of(env, module))
    if owner is None and located is not None and located.origin == "stdlib" and env.version:
        owner = f"Python {env.version[0]}.{env.version[1]}"
    if name is None:
        if "." in module and owner:
            return f"{owner} has no module {module}"
        return f"no installed distribution provides {module}"
    if failure.exception == "AttributeError":
        return f"{owner or module}: module {module} has no attribute {name}"
    return f"{owner or module} has no name {name} in {module}"


def _known_pair(
    env: Environment, importer: str | None, lacking: str | None, failure: StartupFailure
) -> Incompatibility | None:
    for entry in INCOMPATIBILITIES:
        if entry.package != importer or entry.other != lacking:
            continue
        package, other = env.get(entry.package), env.get(entry.other)
        if (
            package is not None
            and other is not None
            and entry.breaks(package.version, other.version)
        ):
            return entry
    return None


def _removed_flask_api(failure: StartupFailure) -> bool:
    return any(
        api.kind == "import" and api.module == failure.module and api.name == failure.name
        for api in REMOVED_FLASK_APIS
    )


def _shadowed(search: SearchPath, failure: StartupFailure) -> bool:
    """The module that lacks the name is a project file named like an installed module."""
    local = failure.module_path is not None and not os.path.isabs(failure.module_path)
    return local and search.find(failure.module.split(".")[0]) is not None


def _advice(
    env: Environment,
    importer: str | None,
    lacking: str | None,
    failure: StartupFailure,
    entry: Incompatibility | None,
) -> str:
    if entry is not None:
        return f"Pin `{entry.pin}`, or upgrade to `{entry.upgrade}`. (Source: {entry.source})"
    used = f"{failure.module}.{failure.name}" if failure.name else failure.module
    old = env.get(importer) if importer else None
    new = env.get(lacking) if lacking else None
    if old is not None and new is not None:
        return (
            f"Upgrade {old.display_name} to a release that no longer uses `{used}`, or install "
            f"a {new.display_name} release older than {new.version} that still has it."
        )
    if old is not None:
        return (
            f"Upgrade {old.display_name} to a release that no longer uses `{used}`, or use an "
            "interpreter and packages it supports."
        )
    return f"Change the import: `{used}` does not exist in {describe(env)}."


def _line_range(project: Project, path: str, line: int) -> Range:
    source = project.source(path)
    if source is None or not 0 <= line - 1 < len(source.lines):
        return Range.line_start(max(line - 1, 0))
    text = source.line(line - 1)
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip("\r\n").rstrip())
    return Range.of(line - 1, start, line - 1, max(end, start))


@project_check("DEP009")
def check_startup_imports(project: Project) -> Iterator[Finding]:
    from ..startup_imports import predict_startup_failures

    prediction = predict_startup_failures(project)
    if prediction is None:
        return
    env, search = prediction.env, prediction.search
    declared = declared_requirements(project)
    on_requirements: set[tuple[str, str]] = set()
    for failure in prediction.failures:
        first = failure.frames[0]
        failing = failure.failing
        if failing.in_project and _removed_flask_api(failure):
            continue  # DEP006 reports it on this line, with the replacement
        if _shadowed(search, failure):
            continue  # a project file hides the installed module: APP006 reports the cause
        if failing.in_project and failure.name is None and "." not in failure.module:
            continue  # the project's own import of a missing top-level module: DEP005's
        importer = None if failing.in_project else _distribution_of(env, failing.module)
        lacking = _distribution_of(env, failure.module)
        entry = _known_pair(env, importer, lacking, failure)
        message = (
            f"{_chain(failure, search)} -> {_what_lacks(env, failure, search)}: the app fails "
            f"at start with `{failure.error}`. "
            f"{_advice(env, importer, lacking, failure, entry)}"
        )
        fixes: tuple[Fix, ...] = ()
        if entry is not None:
            other = env.get(entry.other)
            if other is not None and other.version is not None:
                fixes = pin_fix(project, declared, entry, env, other.version)
        data = {
            "error": failure.error,
            "module": failure.module,
            "name": failure.name,
            "file": failing.path if not failing.in_project else str(project.abspath(failing.path)),
            "line": failing.line,
            "chain": [
                {"path": f.path, "line": f.line, "text": f.text, "module": f.module}
                for f in failure.frames
            ],
            "importer": importer,
            "lacking": lacking,
        }
        yield Finding(
            "DEP009",
            RULES["DEP009"].severity,
            first.path,
            _line_range(project, first.path, first.line),
            message,
            fixes,
            data,
        )
        if entry is not None:
            continue  # DEP004 reports on the requirement line
        for name in (importer, lacking):
            requirement = declared.declared(name) if name else None
            if requirement is not None:
                key = (requirement.path, failure.error)
                if key in on_requirements:
                    break  # one more start module reaching the same failure
                on_requirements.add(key)
                yield Finding(
                    "DEP009",
                    RULES["DEP009"].severity,
                    requirement.path,
                    requirement.range,
                    message,
                    (),
                    data,
                )
                break
    yield from _unparseable_entries(project, env)


def _unparseable_entries(project: Project, env: Environment) -> Iterator[Finding]:
    """A declared entry module the target Python cannot compile: certain only when this
    process's parser is at least as new as the target's (then it accepts all it accepts)."""
    if env.version is None or env.version[0] < 3 or sys.version_info[:2] < env.version[:2]:
        return
    from ..startup_imports import entry_module

    reported: set[str] = set()
    for declaration in find_declarations(project):
        path = entry_module(project, declaration)
        if path is None or not path.endswith(".py") or path in reported:
            continue
        module = project.module(path)
        if module is None or module.tree is not None or not module.syntax_error:
            continue
        if not module.syntax_error.startswith("SyntaxError"):
            continue
        reported.add(path)
        hint = ""
        if "Missing parentheses" in module.syntax_error or "print" in module.syntax_error:
            hint = " It is Python 2 code."
        yield Finding(
            "DEP009",
            RULES["DEP009"].severity,
            declaration.source,
            declaration.range,
            f"{declaration.server} loads {path}, which is not valid Python "
            f"{env.version[0]}.{env.version[1]}: the app fails at start with "
            f"`{module.syntax_error}`.{hint} Port the module to Python 3 or point the entry "
            "point at the module that is.",
            (),
            {
                "module": path,
                "error": module.syntax_error,
                "file": os.fspath(project.abspath(path)),
            },
        )
