"""Procfile (Heroku, Dokku, honcho, `heroku local`): one `process: command` per line."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable

from ...project import Project
from ..command_lines import STARTED_FILE_READERS, CommandSite, declarations_from_shell
from ..declarations import Context, Declaration
from ..text.located import Located

# Heroku's own process line grammar: a name, a colon, then the command.
_LINE = re.compile(r"^[ \t]*([A-Za-z0-9_-]+)[ \t]*:[ \t]*(.*?)[ \t]*$")


def is_procfile(relpath: str) -> bool:
    name = posixpath.basename(relpath)
    return name == "Procfile" or name.startswith("Procfile.")


def heroku_app_env(project: Project, relpath: str) -> dict[str, str]:
    """Config vars a Heroku app.json sets (`"env": {"KEY": "value" | {"value": ...}}`)."""
    text = project.read_text(relpath)
    if text is None:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    variables = data.get("env") if isinstance(data, dict) else None
    env: dict[str, str] = {}
    if isinstance(variables, dict):
        for key, value in variables.items():
            if isinstance(value, dict):
                value = value.get("value")
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                env[str(key)] = str(value)
    return env


def is_platform_procfile(relpath: str) -> bool:
    """`Procfile` is what a PaaS (Heroku, Dokku, Scalingo) runs; `Procfile.dev`,
    `Procfile.windows`, `Procfile.local` are local process files (honcho, foreman)."""
    return posixpath.basename(relpath) == "Procfile"


def procfile_declarations(
    project: Project,
    relpath: str,
    *,
    cwd: str | None = None,
    env: dict[str, str] | None = None,
    context: Context | None = None,
    map_dir: Callable[[str], str | None] | None = None,
    depth: int = 0,
) -> list[Declaration]:
    """Each line's command, run from the Procfile's folder (or `cwd`, when a process manager
    started from elsewhere reads it) with `env` (the environment it inherits)."""
    source = project.source(relpath)
    if source is None:
        return []
    found: list[Declaration] = []
    cwd = posixpath.dirname(relpath) if cwd is None else cwd
    if context is None:
        context = "paas" if is_platform_procfile(relpath) else "local"
    if env is None and is_platform_procfile(relpath):
        env = heroku_app_env(project, posixpath.join(cwd, "app.json") if cwd else "app.json")
    for index, line in enumerate(source.lines):
        match = _LINE.match(line)
        if not match:  # a comment (`#web: ...`) holds no process name
            continue
        start = source.line_starts[index] + match.start(2)
        located = Located.span(source, start, start + len(match.group(2)))
        site = CommandSite(
            relpath,
            source,
            located,
            cwd=cwd,
            env=dict(env or {}),
            context=context,
            process=match.group(1),
            map_dir=map_dir,
            project=project,
            depth=depth,
        )
        found.extend(declarations_from_shell(site))
    return found


STARTED_FILE_READERS["procfile"] = procfile_declarations
