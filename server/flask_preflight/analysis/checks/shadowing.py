"""APP006: a project file named like a package the app needs hides that package."""

from __future__ import annotations

import posixpath
import sys
from collections.abc import Iterator

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib  # type: ignore[no-redef,import-not-found,unused-ignore]

from ..model import Finding, Fix, Range
from ..project import Project
from ..registry import finding, project_check

#: Packages a Flask app (or its server) imports at start, and a name they export that the
#: import error will mention.
SHADOWABLE = {
    "flask": "Flask",
    "werkzeug": "run_simple",
    "jinja2": "Environment",
    "gunicorn": "SERVER",
    "itsdangerous": "URLSafeTimedSerializer",
    "markupsafe": "Markup",
    "click": "command",
    "dotenv": "load_dotenv",
    "waitress": "serve",
}


def _own_distribution(project: Project) -> str:
    """The project's own distribution name (so Flask's own repository is not flagged)."""
    text = project.read_text("pyproject.toml")
    if not text:
        return ""
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return ""
    tool = data.get("tool")
    for table in (data.get("project"), tool.get("poetry") if isinstance(tool, dict) else None):
        name = table.get("name") if isinstance(table, dict) else None
        if isinstance(name, str):
            return name.strip().lower().replace("-", "_").replace(".", "_")
    return ""


def _free_name(project: Project, directory: str, stem: str) -> str:
    for candidate in (f"{stem}_app", f"my_{stem}", f"local_{stem}"):
        path = posixpath.join(directory, f"{candidate}.py")
        if not project.exists(path) and not project.exists(posixpath.join(directory, candidate)):
            return path
    return posixpath.join(directory, f"{stem}_local.py")


@project_check("APP006")
def check_shadowing_modules(project: Project) -> Iterator[Finding]:
    own = _own_distribution(project)
    for path in project.python_files():
        directory, name = posixpath.split(path)
        if name == "__init__.py":
            package_dir, stem = posixpath.split(directory)
            shadow_path = directory
        else:
            package_dir, stem = directory, name[:-3]
            shadow_path = path
        if stem not in SHADOWABLE or stem == own:
            continue
        # Inside a package, `import flask` still finds the real one (absolute imports); the
        # file shadows only where its folder is itself on sys.path (a script folder).
        if package_dir and project.exists(posixpath.join(package_dir, "__init__.py")):
            continue
        source = project.source(path)
        first_line = source.line_range(0) if source is not None else Range.line_start()
        export = SHADOWABLE[stem]
        is_dir = shadow_path != path
        kind = "folder" if is_dir else "file"
        fixes: tuple[Fix, ...] = ()
        if not is_dir:
            new_path = _free_name(project, package_dir, stem)
            fixes = (Fix(f"Rename to {posixpath.basename(new_path)}", rename=(path, new_path)),)
        yield finding(
            "APP006",
            path,
            first_line,
            f"This {kind} is named `{stem}`, so `import {stem}` from this folder loads it "
            f"instead of the installed package: the app fails at start with `ImportError: "
            f"cannot import name '{export}' from '{stem}'` (or from a partially initialized "
            f"module). Rename the {kind}.",
            *fixes,
        )
