"""Google App Engine app.yaml: `entrypoint` (default `gunicorn -b :$PORT main:app`)."""

from __future__ import annotations

import posixpath
from dataclasses import replace

from ...project import Project
from ..command_lines import CommandSite, declarations_from_shell
from ..declarations import Declaration
from ..problems import DeclarationProblem
from ..text.located import Located
from ..text.yaml_nodes import key_position, read_yaml_file, scalar_at, value_position

DEFAULT_ENTRYPOINT = "gunicorn -b :$PORT main:app"


def app_yaml_declarations(
    project: Project, relpath: str, problems: list[DeclarationProblem]
) -> list[Declaration]:
    read = read_yaml_file(project, relpath, problems, "gunicorn")
    if read is None:
        return []
    source, data = read
    if not isinstance(data, dict):
        return []
    runtime = data.get("runtime")
    if not isinstance(runtime, str) or not runtime.startswith("python"):
        return []
    folder = posixpath.dirname(relpath)
    entrypoint = data.get("entrypoint")
    if isinstance(entrypoint, str):
        position = value_position(data, "entrypoint")
        located = scalar_at(source, *position, entrypoint) if position else None
        if located is None:
            return []
    else:
        # App Engine's documented default when no entrypoint is given.
        position = key_position(data, "runtime") or (0, 0)
        line = source.line(position[0])
        start = source.line_starts[position[0]]
        located = Located(
            DEFAULT_ENTRYPOINT, tuple([start] * len(DEFAULT_ENTRYPOINT)), start + len(line)
        )
    site = CommandSite(
        relpath, source, located, cwd=folder, context="paas", process="web", project=project
    )
    found = declarations_from_shell(site)
    if isinstance(entrypoint, str):
        return found
    return [
        replace(
            d,
            implicit=True,
            command_range=None,
            command_end=None,
            append_at=None,
            bind_range=None,
            arg_style="none",
        )
        for d in found
    ]
