"""The import linker: replays what `import app` runs at start, from the app's modules into the
installed distributions and the standard library, over facts only (nothing is imported).

Imports run in source order, parents before submodules, each module once (a simulated
`sys.modules`). The first import that must fail stops the replay, as it stops the app. Anything
that cannot be read statically (compiled code, namespace packages, dynamic namespaces, custom
finders, branches that depend on run-time values) stops the claim there: unknown, never a failure.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Union

from ..modules import import_roots, module_file
from ..project import Project
from .facts import Event, ModuleFacts, Target, extract_facts
from .facts_cache import FactsCache
from .search_path import Located, SearchPath

#: Top-level names whose presence a run-time hook decides (setuptools' distutils shim).
_HOOKED = frozenset({"distutils", "_distutils_hack"})


@dataclass(frozen=True)
class Frame:
    """One statement of the chain: `path` is root-relative for project files, absolute
    otherwise; `line` is 1-based."""

    path: str
    line: int
    text: str
    module: str
    in_project: bool


@dataclass(frozen=True)
class StartupFailure:
    frames: tuple[Frame, ...]  # the app's import first, the failing statement last
    exception: str  # ModuleNotFoundError | ImportError | AttributeError
    detail: str  # the exception's message, as the interpreter prints it
    module: str  # the module that lacks something
    name: str | None  # the missing name (None: the module itself is missing)
    module_path: str | None = None  # the file of `module` (None when it is missing)

    @property
    def error(self) -> str:
        return f"{self.exception}: {self.detail}"

    @property
    def failing(self) -> Frame:
        return self.frames[-1]


@dataclass
class _Module:
    name: str
    loaded: ModuleFacts | None
    path: str  # absolute, or root-relative for project modules
    is_package: bool
    in_project: bool
    origin: str = "site"  # "project", "site" or "stdlib"
    linker: Linker | None = None

    @property
    def facts(self) -> ModuleFacts:
        """Read on first use: most standard library modules are only ever located."""
        if self.loaded is None:
            assert self.linker is not None
            found, stamp = self.linker.cache.facts_and_stamp(self.path, self.linker.target)
            self.linker.inputs.files[self.path] = stamp
            self.loaded = found if found is not None else ModuleFacts(open=True)
            self.linker._absorb(self.name, self.loaded)
        return self.loaded


Found = Union[_Module, Located, None]


@dataclass
class LinkInputs:
    """What one replay read, to tell later whether replaying again could change its result:
    the installed files' (size, mtime) and the project's files, facts and directories.
    (Which modules the search path holds is fixed for its environment, re-read when a
    site-packages directory changes.)"""

    files: dict[str, tuple[int, int] | None] = field(default_factory=dict)
    project_facts: dict[str, ModuleFacts | None] = field(default_factory=dict)
    project_files: dict[tuple[str, str], str | None] = field(default_factory=dict)
    directories: dict[str, bool] = field(default_factory=dict)
    tops: dict[str, frozenset[str]] = field(default_factory=dict)

    def unchanged(
        self,
        project: Project,
        project_facts: Callable[[str], ModuleFacts | None],
        stamp: Callable[[str], tuple[int, int] | None],
    ) -> bool:
        for root, tops in self.tops.items():
            if _project_tops(project, root) != tops:
                return False
        for (root, dotted), relpath in self.project_files.items():
            if module_file(project, root, dotted) != relpath:
                return False
        for directory, present in self.directories.items():
            if os.path.isdir(project.abspath(directory)) != present:
                return False
        for relpath, facts in self.project_facts.items():
            if project_facts(relpath) != facts:
                return False
        return all(stamp(path) == known for path, known in self.files.items())


def _project_tops(project: Project, root: str) -> frozenset[str]:
    """Top-level names the project's Python files give under `root` (a quick filter
    before asking the project for exact files)."""
    prefix = f"{root}/" if root else ""
    names = set()
    for path in project.python_files():
        if path.startswith(prefix):
            first = path[len(prefix) :].split("/", 1)[0]
            names.add(first[:-3] if first.endswith(".py") else first)
    return frozenset(names)


@dataclass
class Linker:
    project: Project
    search: SearchPath
    target: Target
    cache: FactsCache
    stdlib_names: frozenset[str]
    project_roots: Sequence[str]
    project_facts: Callable[[str], ModuleFacts | None]
    imported: set[str] = field(default_factory=set)
    _modules: dict[str, Found] = field(default_factory=dict)
    _patches: set[tuple[str, str]] = field(default_factory=set)
    _injected: set[str] = field(default_factory=set)
    _custom: set[str] = field(default_factory=set)  # top-level packages with custom finders
    modules_read: int = 0
    _tops: dict[str, frozenset[str]] = field(default_factory=dict)
    inputs: LinkInputs = field(default_factory=LinkInputs)

    # --- resolution -------------------------------------------------------------------------

    def locate(self, dotted: str) -> Found:
        if dotted in self._modules:
            return self._modules[dotted]
        found: Found = None
        top = dotted.split(".")[0]
        for root in self.project_roots:
            if top not in self._project_tops(root):
                continue
            relpath = module_file(self.project, root, dotted)
            self.inputs.project_files[(root, dotted)] = relpath
            if relpath is not None:
                facts = self.project_facts(relpath)
                self.inputs.project_facts[relpath] = facts
                if facts is not None:
                    found = _Module(
                        dotted, facts, relpath, relpath.endswith("/__init__.py"), True, "project"
                    )
                break
        else:
            located = self._project_namespace(dotted) or self.search.find(dotted)
            if located is not None and located.readable and located.path is not None:
                found = _Module(
                    dotted,
                    None,
                    located.path,
                    located.kind == "package",
                    False,
                    located.origin,
                    self,
                )
            else:
                found = located
        if isinstance(found, _Module) and found.loaded is not None:
            self._absorb(dotted, found.loaded)
        self._modules[dotted] = found
        return found

    def _project_tops(self, root: str) -> frozenset[str]:
        tops = self._tops.get(root)
        if tops is None:
            tops = self._tops[root] = self.inputs.tops[root] = _project_tops(self.project, root)
        return tops

    def _project_namespace(self, dotted: str) -> Located | None:
        """A project directory without __init__.py: a namespace package (its submodules
        resolve as project files)."""
        parts = dotted.split(".")
        for root in self.project_roots:
            if parts[0] not in self._project_tops(root):
                continue
            directory = posixpath.join(root, *parts)
            present = self.inputs.directories[directory] = os.path.isdir(
                self.project.abspath(directory)
            )
            if present:
                return Located(dotted, "namespace", None, (), "project")
        return None

    def file_of(self, module: _Module) -> str:
        """The absolute file, as the interpreter names it in messages."""
        return str(self.project.abspath(module.path)) if module.in_project else module.path

    def _absorb(self, dotted: str, facts: ModuleFacts) -> None:
        self.modules_read += 1
        self._patches.update(facts.patches)
        self._injected.update(facts.injected)
        found = self._modules.get(dotted)
        if facts.custom_import and not (isinstance(found, _Module) and found.origin == "stdlib"):
            self._custom.add(dotted.split(".")[0])

    # --- replay -----------------------------------------------------------------------------

    def import_module(self, dotted: str, frames: tuple[Frame, ...]) -> StartupFailure | None:
        parts = dotted.split(".")
        for index in range(1, len(parts) + 1):
            name = ".".join(parts[:index])
            if name in self.imported:
                continue
            found = self.locate(name)
            if found is None:
                return self._missing_module(name, frames)
            self.imported.add(name)
            if not isinstance(found, _Module):
                if found.kind != "namespace":
                    return None  # opaque: what it imports, and defines, is unknown
                continue
            failure = self.run(found, frames)
            if failure is not None:
                return failure
        return None

    def _missing_module(self, name: str, frames: tuple[Frame, ...]) -> StartupFailure | None:
        top = name.split(".")[0]
        if name in self._injected or top in self._custom or top in _HOOKED:
            return None
        if "." in name:
            parent = self.locate(name.rpartition(".")[0])
            if not isinstance(parent, _Module) or not parent.is_package:
                return None  # a namespace package or something opaque: cannot tell
        else:
            if not frames or frames[-1].in_project:
                return None  # the app's own missing imports are DEP005's
            if top in self.stdlib_names or self.search.executable_pth or self._custom:
                return None
        return StartupFailure(
            frames, "ModuleNotFoundError", f"No module named '{name}'", name, None
        )

    def run(self, module: _Module, frames: tuple[Frame, ...]) -> StartupFailure | None:
        if module.origin == "stdlib":
            # The standard library imports on its own interpreter; only what it defines matters.
            return None
        facts = module.facts
        if facts.syntax_error is not None:
            return None
        self._read_ahead(module, facts)
        for event in facts.events:
            if event.conditional or event.guarded:
                continue
            frame = Frame(module.path, event.line, event.text, module.name, module.in_project)
            chain = (*frames, frame)
            if event.kind == "import":
                failure = self.import_module(event.module, chain)
            elif event.kind == "from":
                failure = self._from_import(module, event, chain)
            else:
                failure = self._attribute(event, chain)
            if failure is not None:
                return failure
        return None

    def _read_ahead(self, module: _Module, facts: ModuleFacts) -> None:
        """Name to the facts reader the installed modules this one imports, but the first
        (read here, right away): the next ones are read on a second core meanwhile."""
        ahead: list[str] = []
        for event in facts.events:
            if event.kind not in ("import", "from") or event.conditional or event.guarded:
                continue
            base = event.module if event.kind == "import" else self._absolute(module, event)
            if base is None or base in self.imported:
                continue
            found = self._modules.get(base) if base in self._modules else self.locate(base)
            if (
                isinstance(found, _Module)
                and found.loaded is None
                and found.origin == "site"
                and found.path not in ahead
            ):
                ahead.append(found.path)
        for path in reversed(ahead[1:]):
            self.cache.prefetch(path, self.target)

    def _absolute(self, module: _Module, event: Event) -> str | None:
        if not event.level:
            return event.module
        package = module.name if module.is_package else module.name.rpartition(".")[0]
        parts = package.split(".") if package else []
        if event.level - 1 > len(parts) or not package:
            return None
        base = parts[: len(parts) - (event.level - 1)]
        return ".".join([*base, event.module] if event.module else base)

    def _from_import(
        self, module: _Module, event: Event, chain: tuple[Frame, ...]
    ) -> StartupFailure | None:
        base = self._absolute(module, event)
        if base is None:
            return None
        failure = self.import_module(base, chain)
        if failure is not None:
            return failure
        source = self.locate(base)
        if not isinstance(source, _Module):
            return None
        for name in event.names:
            if name == "*":
                continue
            submodule = f"{base}.{name}"
            if source.is_package and self.locate(submodule) is not None:
                # `from pkg import sub` imports the submodule unless pkg already has `sub`
                # (the usual case being that it imported it itself): either way it runs.
                failure = self.import_module(submodule, chain)
                if failure is not None:
                    return failure
                continue
            defined = self.has_name(base, name)
            if defined is True:
                continue
            if defined is False and base.split(".")[0] not in self._custom:
                return StartupFailure(
                    chain,
                    "ImportError",
                    f"cannot import name '{name}' from '{base}' ({self.file_of(source)})",
                    base,
                    name,
                    source.path,
                )
        return None

    def _attribute(self, event: Event, chain: tuple[Frame, ...]) -> StartupFailure | None:
        current = event.module
        if current not in self.imported:
            return None
        for attr in event.names:
            submodule = f"{current}.{attr}"
            if submodule in self.imported:
                current = submodule
                continue
            defined = self.has_name(current, attr)
            if defined is not False:
                return None
            found = self.locate(current)
            if not isinstance(found, _Module) or current.split(".")[0] in self._custom:
                return None
            if found.is_package and self.locate(submodule) is not None:
                return None  # a submodule that may have been imported elsewhere
            return StartupFailure(
                chain,
                "AttributeError",
                f"module '{current}' has no attribute '{attr}'",
                current,
                attr,
                found.path,
            )
        return None

    # --- what a module defines ----------------------------------------------------------------

    def has_name(self, dotted: str, name: str, seen: frozenset[str] = frozenset()) -> bool | None:
        """True / False, or None when the module's namespace cannot be known statically."""
        if name.startswith("__") and name.endswith("__"):
            return True
        found = self.locate(dotted)
        if not isinstance(found, _Module):
            return None
        facts = found.facts
        if facts.open or facts.syntax_error is not None:
            return None
        if name in facts.defined or (dotted, name) in self._patches:
            return True
        if facts.may_define(name):
            return None
        unknown = False
        for event in facts.events:
            if event.kind != "from" or "*" not in event.names:
                continue
            star = self._absolute(found, event)
            if star is None or star in seen:
                unknown = True
                continue
            exported = self._exports(star, name, seen | {dotted})
            if exported is True:
                return True
            if exported is None:
                unknown = True
        return None if unknown else False

    def _exports(self, dotted: str, name: str, seen: frozenset[str]) -> bool | None:
        found = self.locate(dotted)
        if not isinstance(found, _Module):
            return None
        facts = found.facts
        if facts.all_dynamic or facts.open:
            return None
        if facts.all_names is not None:
            return name in facts.all_names or None
        if name.startswith("_"):
            return False
        if found.is_package and self.locate(f"{dotted}.{name}") is not None:
            return None  # exported only when it was imported before the star import ran
        return self.has_name(dotted, name, seen)


def project_module_name(project: Project, relpath: str) -> tuple[str, str] | None:
    """(import root, dotted name) the servers import a project file by."""
    from ..entrypoints.app_targets import dotted_name, import_root

    root = import_root(project, relpath)
    dotted = dotted_name(relpath, root)
    return None if dotted is None else (root, dotted)


def link_module(
    project: Project,
    relpath: str,
    search: SearchPath,
    target: Target,
    cache: FactsCache,
    stdlib_names: frozenset[str],
) -> StartupFailure | None:
    """Replay `import <the module at relpath>` (as a server would import it)."""
    named = project_module_name(project, relpath)
    if named is None:
        return None
    root, dotted = named
    roots = [root, *(r for r in import_roots(project, relpath) if r != root)]

    def project_facts(path: str) -> ModuleFacts | None:
        key = f"startup-imports:facts:{path}:{target.key}"
        cached = project.derived(key)
        if isinstance(cached, ModuleFacts):
            return cached
        text = project.read_text(path)
        if text is None:
            return None
        facts = extract_facts(text, target, path)
        return project.keep_derived(key, facts, [path])  # type: ignore[no-any-return]

    # Warm: the same start over the same environment, nothing it read has changed (the
    # re-check after a save or an unrelated edit) -> the previous result, without replaying.
    memo_key = (relpath, tuple(roots), target.key)
    remembered = cache.link_result(search, memo_key)
    if remembered is not None:
        result, inputs = remembered
        if inputs.unchanged(project, project_facts, stamp_of):
            cache.reused += 1
            return result  # type: ignore[no-any-return]
    linker = Linker(project, search, target, cache, stdlib_names, roots, project_facts)
    start = Frame(relpath, 1, f"import {dotted}", dotted, True)
    failure = linker.import_module(dotted, ())
    if failure is not None and (not failure.frames or not failure.frames[0].in_project):
        failure = StartupFailure(
            (start, *failure.frames),
            failure.exception,
            failure.detail,
            failure.module,
            failure.name,
            failure.module_path,
        )
    cache.keep_link_result(search, memo_key, failure, linker.inputs)
    return failure


def stamp_of(path: str) -> tuple[int, int] | None:
    """(size, mtime in ns) of a file, None when it cannot be read."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def relative_to_site(path: str, search: SearchPath) -> str:
    """`flask_script/__init__.py` for a file under a site-packages or stdlib directory."""
    for directory in [*search.site, *search.stdlib]:
        prefix = directory.rstrip("/\\") + "/"
        normalized = path.replace("\\", "/")
        if normalized.startswith(prefix.replace("\\", "/")):
            return normalized[len(prefix) :]
    return posixpath.basename(path)
