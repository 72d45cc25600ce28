"""Render blueprints (render.yaml): each web/worker service's `startCommand`, run from its
`rootDir` with its `envVars` (the platform sets $PORT)."""

from __future__ import annotations

import posixpath

from ...project import Project
from ..command_lines import CommandSite, declarations_from_shell
from ..declarations import Declaration
from ..problems import DeclarationProblem
from ..text.yaml_nodes import read_yaml_file, scalar_at, value_position


def render_declarations(
    project: Project, relpath: str, problems: list[DeclarationProblem]
) -> list[Declaration]:
    read = read_yaml_file(project, relpath, problems, "unknown")
    if read is None:
        return []
    source, data = read
    services = data.get("services") if isinstance(data, dict) else None
    if not isinstance(services, list):
        return []
    folder = posixpath.dirname(relpath)
    found: list[Declaration] = []
    for service in services:
        if not isinstance(service, dict):
            continue
        command = service.get("startCommand")
        if not isinstance(command, str):
            continue
        position = value_position(service, "startCommand")
        located = scalar_at(source, *position, command) if position else None
        if located is None:
            continue
        root = service.get("rootDir")
        cwd = (
            posixpath.normpath(posixpath.join(folder or ".", root))
            if isinstance(root, str)
            else folder
        )
        cwd = "" if cwd == "." else cwd
        env: dict[str, str] = {}
        variables = service.get("envVars")
        if isinstance(variables, list):
            for item in variables:
                if isinstance(item, dict) and "key" in item and "value" in item:
                    env[str(item["key"])] = str(item["value"])
        kind = service.get("type")
        site = CommandSite(
            relpath,
            source,
            located,
            cwd=cwd,
            env=env,
            context="paas",
            process="web" if kind in (None, "web") else str(kind),
            project=project,
        )
        found.extend(declarations_from_shell(site))
    return found
