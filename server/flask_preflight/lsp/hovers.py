"""Hovers: the engine's explanation of what is under the cursor (a requirement line, an
entry-point target), with positions converted to the client's encoding."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from ..analysis.explanations import explain_at
from ..analysis.project import Project
from .conversions import ClientLines

if TYPE_CHECKING:
    from .server import PreflightServer


def hover_text(
    project: Project, path: str, position: types.Position, codec: Any
) -> types.Hover | None:
    lines = ClientLines(project.read_text(path), codec)
    where = lines.to_engine(position)
    found = explain_at(project, path, where)
    if found is None:
        return None
    text, rng = found
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
        range=lines.range(rng),
    )


async def hover(ls: PreflightServer, params: types.HoverParams) -> types.Hover | None:
    found = ls.located(params.text_document.uri)
    if found is None:
        return None
    folder, path = found
    project = folder.project
    if project is None:
        return None
    try:
        return await ls.read_project(
            hover_text, project, path, params.position, ls.workspace.position_codec
        )
    except Exception as error:
        ls.log(f"Flask Preflight: hover failed: {error!r}", types.MessageType.Warning)
        return None


def register(server: PreflightServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def on_hover(ls: PreflightServer, params: types.HoverParams) -> types.Hover | None:
        return await hover(ls, params)
