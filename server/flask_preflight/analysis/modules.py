"""Resolving dotted module names to project files, the way Python's import system would."""

from __future__ import annotations

import posixpath

from .project import Project


def module_file(project: Project, base_dir: str, dotted: str) -> str | None:
    """The project file that `import dotted` loads when `base_dir` is on sys.path.

    `base_dir` is root-relative ('' for the root). Returns the root-relative path of
    `a/b.py` or `a/b/__init__.py`, or None.
    """
    if not dotted or any(not part.isidentifier() for part in dotted.split(".")):
        return None
    stem = posixpath.join(base_dir, *dotted.split("."))
    for candidate in (f"{stem}.py", f"{stem}/__init__.py"):
        if project.exists(candidate):
            return posixpath.normpath(candidate)
    return None


def import_roots(project: Project, importer: str) -> list[str]:
    """Directories searched for an absolute import from `importer`: its script directory
    (the top of its package chain), the project root and a src/ layout."""
    roots: list[str] = []
    directory = posixpath.dirname(importer)
    # Walk up out of packages: the directory above the outermost package is on sys.path.
    while directory and project.exists(posixpath.join(directory, "__init__.py")):
        directory = posixpath.dirname(directory)
    for candidate in (posixpath.dirname(importer), directory, "", "src"):
        if candidate not in roots:
            roots.append(candidate)
    return roots


def resolve_import(project: Project, importer: str, dotted: str, level: int = 0) -> str | None:
    """The project file an import statement in `importer` refers to, if it is one of ours."""
    if level:
        package_dir = posixpath.dirname(importer)
        for _ in range(level - 1):
            package_dir = posixpath.dirname(package_dir)
        if not dotted:
            init = posixpath.join(package_dir, "__init__.py")
            return init if project.exists(init) else None
        return module_file(project, package_dir, dotted)
    for root in import_roots(project, importer):
        found = module_file(project, root, dotted)
        if found is not None:
            return found
    return None
