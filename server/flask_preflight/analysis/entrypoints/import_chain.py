"""A target module that imports a project module which is not there (moved or renamed):
the server's import fails before it ever looks for the app.

Only certain cases count: a top-level, unconditional import (not inside `try`, `if` or a
function) of a submodule of a package that IS the project's (found on the server's sys.path
in the project), where neither the submodule nor, for `from pkg import name`, a name bound in
the package's `__init__.py` exists. Third-party imports are never judged here.
"""

from __future__ import annotations

import ast
import posixpath
from dataclasses import dataclass

from ..modules import module_file
from ..project import Project
from .bindings import module_bindings


@dataclass(frozen=True)
class MissingImport:
    importer: str  # the file holding the import
    line: int  # 0-based
    dotted: str  # the module it asks for

    def describe(self) -> str:
        return f"{self.importer}:{self.line + 1} imports {self.dotted}, which is not in the project"


def _submodule_exists(project: Project, package_file: str, name: str) -> bool:
    folder = posixpath.dirname(package_file)
    if module_file(project, folder, name) is not None:
        return True
    directory = project.abspath(folder) if folder else project.root
    try:
        # An extension module (name.cpython-312-x86_64-linux-gnu.so) or a namespace folder.
        return any(directory.glob(f"{name}.*")) or (directory / name).is_dir()
    except OSError:
        return True


def _package_file(project: Project, roots: list[str], dotted: str) -> str | None:
    for root in roots:
        found = module_file(project, root, dotted)
        if found is not None:
            return found
    return None


def _check(
    project: Project, importer: str, line: int, roots: list[str], base: str, names: list[str]
) -> MissingImport | None:
    """`base` must be a project package; each of `names` (dotted, below it) must exist."""
    package = _package_file(project, roots, base) if base else None
    if package is None or not package.endswith("__init__.py"):
        return None  # not the project's package: a third-party import, or a plain module
    for name in names:
        parts = name.split(".")
        current, dotted = package, base
        for index, part in enumerate(parts):
            dotted = f"{dotted}.{part}"
            if _submodule_exists(project, current, part):
                found = module_file(project, posixpath.dirname(current), part)
                if found is None or not found.endswith("__init__.py"):
                    break  # a module or extension: what is below it is not a file question
                current = found
                continue
            if index == len(parts) - 1 and name.count(".") == 0:
                # `from pkg import name`: also fine when the package binds `name` itself.
                module = project.module(current)
                if module is None or module.tree is None:
                    return None
                bindings = module_bindings(module)
                if name in bindings.names or bindings.star_import or bindings.dynamic:
                    return None
            return MissingImport(importer, line, dotted)
    return None


def missing_import(project: Project, path: str, roots: list[str]) -> MissingImport | None:
    """The first certain import failure in `path` (a module the server imports) or in the
    `__init__.py` files of the packages above it, which Python imports first."""
    chain = []
    folder = posixpath.dirname(path)
    while folder and project.exists(posixpath.join(folder, "__init__.py")):
        chain.append(posixpath.join(folder, "__init__.py"))
        folder = posixpath.dirname(folder)
    for importer in [*reversed(chain), path]:
        module = project.module(importer)
        if module is None or module.tree is None:
            # A package above does not parse: the import fails there first, with a
            # SyntaxError, not with the ModuleNotFoundError judged here.
            return None
        for stmt in module.tree.body:
            found = None
            if isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    top, _, rest = alias.name.partition(".")
                    if rest:
                        found = found or _check(
                            project, importer, stmt.lineno - 1, roots, top, [rest]
                        )
            elif isinstance(stmt, ast.ImportFrom) and stmt.level == 0 and stmt.module:
                top, _, rest = stmt.module.partition(".")
                wanted = [rest] if rest else [a.name for a in stmt.names if a.name != "*"]
                found = _check(project, importer, stmt.lineno - 1, roots, top, wanted)
            elif isinstance(stmt, ast.ImportFrom) and stmt.level > 0:
                found = _relative(project, importer, stmt)
            if found is not None:
                return found
    return None


def _relative(project: Project, importer: str, stmt: ast.ImportFrom) -> MissingImport | None:
    package_dir = posixpath.dirname(importer)
    for _ in range(stmt.level - 1):
        package_dir = posixpath.dirname(package_dir)
    init = posixpath.join(package_dir, "__init__.py")  # join("", name) is name
    if not project.exists(init):
        return None  # not inside a package: Python refuses it differently; not judged here
    shown = "." * stmt.level + (stmt.module or "")
    if stmt.module:
        parts = stmt.module.split(".")
        current = init
        for part in parts:
            if not _submodule_exists(project, current, part):
                return MissingImport(importer, stmt.lineno - 1, shown)
            found = module_file(project, posixpath.dirname(current), part)
            if found is None or not found.endswith("__init__.py"):
                return None
            current = found
        return None
    module = project.module(init)
    if module is None or module.tree is None:
        return None
    bindings = module_bindings(module)
    if bindings.star_import or bindings.dynamic:
        return None
    for alias in stmt.names:
        if alias.name == "*" or alias.name in bindings.names:
            continue
        if not _submodule_exists(project, init, alias.name):
            return MissingImport(importer, stmt.lineno - 1, f"{shown}{alias.name}")
    return None
