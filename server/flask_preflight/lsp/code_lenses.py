"""Code lenses above each Flask app instance and factory: run it with the dev server or a
production server (the client runs `flaskPreflight.runApp`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from ..analysis.run_commands import production_server

if TYPE_CHECKING:
    from .server import PreflightServer

RUN_APP = "flaskPreflight.runApp"
_PRODUCTION_TITLES = {
    "gunicorn": "$(server-process) Run with Gunicorn",
    "waitress": "$(server-process) Run with Waitress",
}


def code_lenses(ls: PreflightServer, uri: str) -> list[types.CodeLens]:
    found = ls.located(uri)
    if found is None:
        return []
    folder, path = found
    if not folder.trusted:
        return []
    production = production_server(folder.chosen.path if folder.chosen else None)
    lenses: list[types.CodeLens] = []
    for app in folder.lenses.get(path, []):
        where = types.Range(types.Position(app.line, 0), types.Position(app.line, 0))
        for mode, title in (
            ("dev", "$(play) Run with dev server"),
            (production, _PRODUCTION_TITLES[production]),
        ):
            argument = {"uri": uri, "app": app.name, "mode": mode}
            lenses.append(
                types.CodeLens(
                    range=where,
                    command=types.Command(title=title, command=RUN_APP, arguments=[argument]),
                )
            )
    return lenses


def register(server: PreflightServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    def on_code_lens(ls: PreflightServer, params: types.CodeLensParams) -> list[types.CodeLens]:
        return code_lenses(ls, params.text_document.uri)
