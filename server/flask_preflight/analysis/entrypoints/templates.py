"""Template deploy files (`templates/`, `*.tmpl`, `*.j2`, `*.template`, `*-sample`,
`*.example`, Jinja syntax): read like the real file, but an unfilled placeholder makes the
verdict `unknown`, and a template that does not parse yet is not an error."""

from __future__ import annotations

import posixpath
import re

from ..project import Project
from ..source import SourceText
from .declarations import Declaration

_SUFFIXES = (".tmpl", ".j2", ".jinja", ".jinja2", ".template", "-sample", ".sample", ".example")
_JINJA = re.compile(r"\{\{|\{%|\{#")
#: `{{ name }}`, `{% ... %}`, `<your-app>`, `__APP_NAME__`, `%(name)s`, `{name}`, `@NAME@`
_PLACEHOLDER = re.compile(
    r"\{\{.*?\}\}|\{%.*?%\}|<[A-Za-z_][\w .-]*>|__[A-Z][A-Z0-9_]*__|%\(\w+\)s|"
    r"(?<![$%])\{[A-Za-z_]\w*\}|@[A-Z][A-Z0-9_]*@"
)


def is_template_path(relpath: str) -> bool:
    name = posixpath.basename(relpath)
    parts = relpath.split("/")[:-1]
    return "templates" in parts or name.endswith(_SUFFIXES)


def is_template(project: Project, relpath: str) -> bool:
    if is_template_path(relpath):
        return True
    text = project.read_text(relpath) or ""
    return _JINJA.search(text) is not None


def placeholder_in(source: SourceText, declaration: Declaration) -> str | None:
    """The first template placeholder on the lines of the declaration's command."""
    rng = declaration.command_range or declaration.range
    first, last = rng.start.line, max(rng.end.line, declaration.range.end.line)
    for line in range(first, min(last, len(source.lines) - 1) + 1):
        match = _PLACEHOLDER.search(source.lines[line])
        if match:
            return match.group(0)
    return None
