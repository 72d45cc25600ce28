"""Server commands: `flaskPreflight.getRunCommand` answers how to start an app."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pygls.exceptions import JsonRpcException

from ..analysis.run_commands import RunCommandError, build_run_command

# Imported at run time, unlike in the other feature modules: pygls reads a command handler's
# type hints to convert its arguments. No cycle: the server never imports its features.
from .server import PreflightServer

GET_RUN_COMMAND = "flaskPreflight.getRunCommand"
REQUEST_FAILED = -32803  # LSP ErrorCodes.RequestFailed


class RequestFailed(JsonRpcException):
    """An expected refusal (untrusted workspace, no interpreter): a message, not a crash."""

    CODE = REQUEST_FAILED


async def get_run_command(ls: PreflightServer, argument: Any) -> dict[str, Any]:
    if not isinstance(argument, Mapping) or not isinstance(argument.get("uri"), str):
        raise RequestFailed('expected one argument {"uri", "app", "mode", "port"}')
    uri, app = argument["uri"], argument.get("app")
    mode, port = argument.get("mode") or "dev", argument.get("port")
    if not isinstance(app, str) or not app:
        raise RequestFailed("which app to run is missing (the `app` argument)")
    if port is not None and (isinstance(port, bool) or not isinstance(port, int)):
        raise RequestFailed(f"port must be a number, not {port!r}")
    found = ls.located(uri)
    if found is None:
        raise RequestFailed(f"{uri} is not in an open workspace folder")
    folder, path = found
    if not folder.trusted:
        raise RequestFailed(
            "This workspace is not trusted: Flask Preflight does not run its code. "
            "Trust the workspace to run the app."
        )
    if port is None:
        port = folder.settings.dev_server_port if mode == "dev" else folder.settings.gunicorn_port
    interpreter = folder.chosen.path if folder.chosen else None
    project = folder.project
    if project is None:
        raise RequestFailed("the workspace is still being read; try again in a moment")
    try:
        return await ls.read_project(build_run_command, project, path, app, mode, port, interpreter)
    except RunCommandError as error:
        raise RequestFailed(str(error)) from error


def register(server: PreflightServer) -> None:
    @server.command(GET_RUN_COMMAND)
    async def on_get_run_command(ls: PreflightServer, *arguments: Any) -> dict[str, Any]:
        return await get_run_command(ls, arguments[0] if arguments else None)
