"""Hovers: on a requirement line, what the workspace interpreter has installed and whether it
satisfies the line; on an entry-point target, the app (file:line) it loads or why it fails."""

from __future__ import annotations

import asyncio
import importlib
from typing import Any

from lsprotocol import types

from ..analysis.model import Position, Range
from ..analysis.project import Project
from .conversions import ClientLines
from .server import PreflightServer


def _optional(module: str) -> Any:
    # The environment and entry-point engines are optional: without them there is no hover.
    try:
        return importlib.import_module(f"flask_preflight.analysis.{module}")
    except ImportError:
        return None


def _inside(rng: Range, position: Position) -> bool:
    return rng.start <= position <= rng.end


def requirement_hover(project: Project, path: str, position: Position) -> tuple[str, Range] | None:
    requirements = _optional("requirements")
    environment = _optional("environment")
    if requirements is None or environment is None:
        return None
    declared = requirements.declared_requirements(project)
    line = next(
        (r for r in declared.requirements if r.path == path and _inside(r.range, position)), None
    )
    if line is None:
        return None
    env = environment.project_environment(project)
    if env is None:
        return f"**{line.text}**\n\nNo workspace interpreter is selected.", line.range
    dist = env.get(line.name)
    where = f"`{env.interpreter}`"
    if dist is None or dist.version is None:
        return f"**{line.text}**\n\n❌ Not installed in {where}.", line.range
    specifier = line.requirement.specifier
    if not specifier or specifier.contains(dist.version, prereleases=True):
        verdict = f"✅ {dist.display_name} {dist.version} is installed in {where}"
        if specifier:
            verdict += f" and satisfies `{specifier}`"
        return f"**{line.text}**\n\n{verdict}.", line.range
    return (
        f"**{line.text}**\n\n❌ {dist.display_name} {dist.version} is installed in {where}, "
        f"which does not satisfy `{specifier}`.",
        line.range,
    )


def entrypoint_hover(project: Project, path: str, position: Position) -> tuple[str, Range] | None:
    entrypoints = _optional("entrypoints")
    if entrypoints is None:
        return None
    declaration = next(
        (
            d
            for d in entrypoints.find_declarations(project)
            if d.source == path and _inside(d.range, position)
        ),
        None,
    )
    if declaration is None:
        return None
    verdict = entrypoints.check_declaration(project, declaration)
    shown = declaration.target or "(default)"
    head = f"**{declaration.server}** loads `{shown}`"
    if declaration.cwd:
        head += f" from `{declaration.cwd}/`"
    if verdict.status == "ok" and verdict.app is not None:
        app = verdict.app
        body = f"✅ {app.kind} `{app.name}` at `{app.module}:{app.line + 1}`"
    elif verdict.status == "ok":
        body = "✅ resolves"
    elif verdict.status == "unknown":
        body = f"❔ cannot be checked statically: {verdict.message}"
    else:
        body = f"❌ {verdict.rule or verdict.status}: {verdict.message}"
    return f"{head}\n\n{body}", declaration.range


def hover_text(
    project: Project, path: str, position: types.Position, codec: Any
) -> types.Hover | None:
    lines = ClientLines(project.read_text(path), codec)
    where = lines.to_engine(position)
    for compute in (requirement_hover, entrypoint_hover):
        found = compute(project, path, where)
        if found is not None:
            text, rng = found
            return types.Hover(
                contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
                range=lines.range(rng),
            )
    return None


async def hover(ls: PreflightServer, params: types.HoverParams) -> types.Hover | None:
    found = ls.located(params.text_document.uri)
    if found is None:
        return None
    folder, path = found
    project = folder.project
    if project is None:
        return None
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(
            ls.analysis_thread,
            hover_text,
            project,
            path,
            params.position,
            ls.workspace.position_codec,
        )
    except Exception as error:
        ls.log(f"Flask Preflight: hover failed: {error!r}", types.MessageType.Warning)
        return None


def register(server: PreflightServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def on_hover(ls: PreflightServer, params: types.HoverParams) -> types.Hover | None:
        return await hover(ls, params)
