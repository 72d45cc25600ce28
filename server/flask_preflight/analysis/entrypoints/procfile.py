"""Procfile (Heroku, Dokku, honcho, `heroku local`): one `process: command` per line."""

from __future__ import annotations

import posixpath
import re

from ..project import Project
from .command_lines import CommandSite, declarations_from_shell
from .declarations import Declaration
from .located import Located

# Heroku's own process line grammar: a name, a colon, then the command.
_LINE = re.compile(r"^[ \t]*([A-Za-z0-9_-]+)[ \t]*:[ \t]*(.*?)[ \t]*$")


def is_procfile(relpath: str) -> bool:
    name = posixpath.basename(relpath)
    return name == "Procfile" or name.startswith("Procfile.")


def procfile_declarations(project: Project, relpath: str) -> list[Declaration]:
    source = project.source(relpath)
    if source is None:
        return []
    found: list[Declaration] = []
    cwd = posixpath.dirname(relpath)
    for index, line in enumerate(source.lines):
        match = _LINE.match(line)
        if not match or line.lstrip().startswith("#"):
            continue
        start = source.line_starts[index] + match.start(2)
        located = Located.span(source, start, start + len(match.group(2)))
        site = CommandSite(
            relpath, source, located, cwd=cwd, context="paas", process=match.group(1)
        )
        found.extend(declarations_from_shell(site))
    return found
