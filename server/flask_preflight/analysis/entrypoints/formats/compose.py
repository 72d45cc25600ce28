"""Compose files: a service's `command`/`entrypoint`, run from its `working_dir` in the image
its `build` makes (or the folders its volumes mount), with its `environment`."""

from __future__ import annotations

import posixpath
from dataclasses import replace
from typing import Any

from ...project import Project
from ...source import SourceText
from ..command_lines import CommandSite, declarations_from_shell, declarations_from_words
from ..declarations import Declaration
from ..text.located import Located
from ..text.shell_words import Word
from ..text.yaml_nodes import YamlError, item_position, load_yaml, scalar_at, value_position
from .dockerfile import Stage, container_dir_mapper, opaque_reason, project_packages, read_stages


def is_compose_file(relpath: str) -> bool:
    name = posixpath.basename(relpath)
    return name.startswith(("docker-compose", "compose")) and name.endswith((".yml", ".yaml"))


class ComposeProblem(ValueError):
    """The file is not a compose file we can read (the reason is shown as 'unknown')."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.line = line


def read_compose(project: Project, relpath: str) -> Any:
    text = project.read_text(relpath)
    if text is None:
        return None
    try:
        return load_yaml(text)
    except YamlError as error:
        raise ComposeProblem(f"{relpath} is not valid YAML: {error}", error.line) from None


def _environment(value: Any) -> dict[str, str]:
    env: dict[str, str] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            if item is not None:
                env[str(key)] = str(item)
    elif isinstance(value, list):
        for item in value:
            key, sep, val = str(item).partition("=")
            if sep:
                env[key] = val
    return env


def _env_files(project: Project, base: str, value: Any) -> dict[str, str]:
    """`env_file`: one path, a list of paths, or a list of {path, required} (compose 2.24+)."""
    from .dotenv_files import read_dotenv

    items = value if isinstance(value, list) else [value]
    env: dict[str, str] = {}
    for item in items:
        path = item.get("path") if isinstance(item, dict) else item
        if not isinstance(path, str):
            continue
        full = posixpath.normpath(posixpath.join(base or ".", path))
        if full.startswith("..") or not project.exists(full):
            continue
        env.update({key: setting.value for key, setting in read_dotenv(project, full).items()})
    return env


def _extended(
    project: Project, relpath: str, services: dict[str, Any], name: str, depth: int = 0
) -> tuple[dict[str, Any], str]:
    """The service with what it `extends` merged under it (same file or another one), and
    the folder its relative paths start from."""
    service = services.get(name)
    base = posixpath.dirname(relpath)
    if not isinstance(service, dict):
        return {}, base
    extends = service.get("extends")
    if depth > 5 or extends is None:
        return dict(service), base
    if isinstance(extends, str):
        extends = {"service": extends}
    if not isinstance(extends, dict) or not isinstance(extends.get("service"), str):
        return dict(service), base
    parent_file = relpath
    parent_services = services
    if isinstance(extends.get("file"), str):
        parent_file = posixpath.normpath(posixpath.join(base or ".", extends["file"]))
        try:
            data = read_compose(project, parent_file)
        except ComposeProblem:
            data = None
        parent_services = data.get("services", {}) if isinstance(data, dict) else {}
        if not isinstance(parent_services, dict):
            parent_services = {}
    parent, parent_base = _extended(
        project, parent_file, parent_services, extends["service"], depth + 1
    )
    merged = dict(parent)
    for key, value in service.items():
        if key == "extends":
            continue
        if key == "environment":
            env = _environment(parent.get("environment"))
            env.update(_environment(value))
            merged[key] = env
        else:
            merged[key] = value
    if parent_base != base and "build" in parent and "build" not in service:
        # The parent's build context is relative to the parent's file.
        build = parent["build"]
        context = build if isinstance(build, str) else (build or {}).get("context", ".")
        moved = posixpath.relpath(posixpath.join(parent_base or ".", str(context)), base or ".")
        merged["build"] = moved if isinstance(build, str) else {**dict(build), "context": moved}
    return merged, base


def _service_stage(project: Project, base: str, service: dict[str, Any]) -> Stage:
    build = service.get("build")
    context: str | None = None
    dockerfile = "Dockerfile"
    target = None
    if isinstance(build, str):
        context = build
    elif isinstance(build, dict):
        context = str(build.get("context", "."))
        dockerfile = str(build.get("dockerfile", "Dockerfile"))
        target = build.get("target")
    stage = Stage()
    if context is not None:
        context_dir = posixpath.normpath(posixpath.join(base or ".", context))
        context_dir = "" if context_dir == "." else context_dir
        path = posixpath.normpath(posixpath.join(context_dir or ".", dockerfile))
        source = project.source(path)
        if source is not None:
            stages = read_stages(
                source,
                context_dir,
                lambda p: project.abspath(p).is_dir(),
                project_packages(project),
            )
            chosen = stages[-1]
            if target is not None:
                named = [s for s in stages if s.name.lower() == str(target).lower()]
                chosen = named[0] if named else chosen
            stage = chosen.inherit("")
    elif service.get("image") is not None:
        stage.image_only = True
    volumes = service.get("volumes")
    if isinstance(volumes, list):
        for volume in volumes:
            parts = str(volume).split(":") if isinstance(volume, str) else []
            if len(parts) >= 2 and parts[0].startswith(".") and not parts[0].startswith("/"):
                host = posixpath.normpath(posixpath.join(base or ".", parts[0]))
                if host != "." and project.exists(host) and not project.abspath(host).is_dir():
                    continue  # one file mounted: says nothing about the folder around it
                if not host.startswith(".."):
                    stage.copies.append((posixpath.normpath(parts[1]), "" if host == "." else host))
    working_dir = service.get("working_dir")
    if isinstance(working_dir, str):
        stage.workdir = posixpath.normpath(posixpath.join(stage.workdir, working_dir))
    stage.env.update(_env_files(project, base, service.get("env_file")))
    stage.env.update(_environment(service.get("environment")))
    return stage


def _command_words(
    source: SourceText, service: Any, key: str
) -> tuple[Located, list[Word] | None] | None:
    value = service.get(key)
    if isinstance(value, str):
        position = value_position(service, key)
        if position is None:
            return None
        located = scalar_at(source, position[0], position[1], value)
        return (located, None) if located is not None else None
    if isinstance(value, list) and value and all(isinstance(v, (str, int)) for v in value):
        parts: list[Located] = []
        for index, item in enumerate(value):
            position = item_position(value, index)
            if position is None:
                return None
            located = scalar_at(source, position[0], position[1], str(item))
            if located is None:
                return None
            parts.append(located)
        joined = Located.join(parts)
        words: list[Word] = []
        cursor = 0
        for part, item in zip(parts, value):
            words.append(
                Word(
                    str(item),
                    cursor,
                    cursor + len(part.text),
                    (cursor, cursor + len(part.text)),
                    quoted=True,
                )
            )
            cursor += len(part.text) + 1
        return joined, words
    return None


def compose_declarations(project: Project, relpath: str) -> list[Declaration]:
    source = project.source(relpath)
    data = read_compose(project, relpath)
    if source is None or not isinstance(data, dict):
        return []
    services = data.get("services")
    if not isinstance(services, dict):
        return []
    base = posixpath.dirname(relpath)
    found: list[Declaration] = []
    for name, written in services.items():
        if not isinstance(written, dict):
            continue
        service, _ = _extended(project, relpath, services, str(name))
        for key in ("entrypoint", "command"):
            # Positions come from this file: only a command written here is located.
            command = _command_words(source, written, key) if key in written else None
            if command is None:
                continue
            stage = _service_stage(project, base, service)
            map_dir = container_dir_mapper(stage)
            cwd = map_dir(stage.workdir)
            located, words = command
            site = CommandSite(
                relpath,
                source,
                located,
                cwd=cwd or "",
                env=stage.env,
                context="container",
                process=str(name),
                map_dir=map_dir,
                arg_style="shell" if words is None else "none",
                real_shell=False,
                project=project,
            )
            declarations = (
                declarations_from_words(site, words)
                if words is not None
                else declarations_from_shell(site)
            )
            if stage.installs:
                declarations = [replace(d, installed=stage.installs) for d in declarations]
            opaque = opaque_reason(stage)
            if opaque:
                declarations = [
                    d if d.unknown else replace(d, unknown=opaque) for d in declarations
                ]
            elif stage.image_only and not isinstance(service.get("working_dir"), str):
                why = (
                    f"service {name!r} runs image {service.get('image')!r}, whose files "
                    "and working directory this project does not hold"
                )
                declarations = [
                    d if d.unknown or (d.cwd and cwd is None) else replace(d, unknown=why)
                    for d in declarations
                ]
            elif cwd is None and not stage.copies:
                # An image built elsewhere (or a build we could not read): its code is not
                # this project's, so nothing here says whether the target resolves.
                why = f"service {name!r} runs an image whose files this project does not hold"
                declarations = [
                    d if d.cwd or d.unknown else replace(d, unknown=why) for d in declarations
                ]
            elif cwd is None:
                declarations = [
                    d if d.cwd else replace(d, outside_cwd=stage.workdir) for d in declarations
                ]
            found.extend(declarations)
            if declarations:
                break
    return found
