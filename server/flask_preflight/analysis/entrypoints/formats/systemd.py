"""systemd units (*.service): ExecStart run from WorkingDirectory with Environment."""

from __future__ import annotations

import posixpath
import re

from ...project import Project
from ..command_lines import CommandSite, declarations_from_shell
from ..declarations import Declaration
from ..text.located import Located
from ..text.shell_words import split_words

_KEY = re.compile(r"^[ \t]*([A-Za-z]+)[ \t]*=[ \t]*(.*?)[ \t]*$")
_SECTION = re.compile(r"^[ \t]*\[([^\]]*)\]")


def project_dir_for(project: Project, path: str, fallback: str) -> str:
    """A deploy machine's absolute folder as a project folder: the longest tail of the path
    that names a project folder (or the project itself), else `fallback`."""
    parts = [p for p in path.split("/") if p]
    directories = {posixpath.dirname(f) for f in project.files()}
    for start in range(len(parts)):
        tail = "/".join(parts[start:])
        if tail in directories:
            return tail
    if parts and parts[-1] == project.root.name:
        return ""
    return fallback


def systemd_declarations(project: Project, relpath: str) -> list[Declaration]:
    source = project.source(relpath)
    if source is None:
        return []
    folder = posixpath.dirname(relpath)
    section = ""
    workdir: str | None = None
    env: dict[str, str] = {}
    commands: list[Located] = []
    lines = source.lines
    index = 0
    while index < len(lines):
        line = lines[index]
        header = _SECTION.match(line)
        if header:
            section = header.group(1).strip()
            index += 1
            continue
        match = _KEY.match(line)
        if section != "Service" or not match or line.lstrip().startswith(("#", ";")):
            index += 1
            continue
        key = match.group(1)
        start = source.line_starts[index] + match.start(2)
        parts = [Located.span(source, start, start + len(match.group(2)))]
        while parts[-1].text.endswith("\\") and index + 1 < len(lines):
            parts[-1] = parts[-1].slice(0, len(parts[-1].text) - 1)
            index += 1
            base = source.line_starts[index]
            parts.append(Located.span(source, base, base + len(lines[index])))
        value = Located.join(parts)
        if key == "WorkingDirectory":
            workdir = value.text.strip().lstrip("-")
        elif key == "Environment":
            for word in split_words(value.text):
                name, sep, val = word.value.partition("=")
                if sep:
                    env[name] = val
        elif key == "ExecStart":
            # systemd prefixes: - (ignore failure), @, :, +, ! change how it runs, not what.
            stripped = value.text.lstrip("-@:+!")
            commands.append(value.slice(len(value.text) - len(stripped), len(value.text)))
        index += 1
    cwd = folder
    if workdir and workdir != "~":
        cwd = project_dir_for(project, workdir, folder)

    def map_dir(path: str) -> str | None:
        return project_dir_for(project, path, cwd)

    found: list[Declaration] = []
    for command in commands:
        site = CommandSite(
            relpath,
            source,
            command,
            cwd=cwd,
            env=env,
            context="systemd",
            map_dir=map_dir,
            real_shell=False,
            project=project,
        )
        found.extend(declarations_from_shell(site))
    return found
