"""Commands run in the editor's terminal: `flaskPreflight/explainTerminalRun` answers with the
engine's explanation and shows a failure as a RUN001 diagnostic; `terminalRunStarted` clears
those when the app is started again."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.uris import from_fs_path

from .commands import RequestFailed
from .conversions import ClientLines, to_diagnostic
from .settings import plain_json

if TYPE_CHECKING:
    from .folders import Folder
    from .server import PreflightServer

EXPLAIN_TERMINAL_RUN = "flaskPreflight/explainTerminalRun"
TERMINAL_RUN_STARTED = "flaskPreflight/terminalRunStarted"
#: Output beyond this many characters is cut from the front (the end holds the error).
MAX_OUTPUT = 200_000


def _text(raw: dict[str, Any], key: str, required: bool = False) -> str | None:
    value = raw.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise RequestFailed(f"`{key}` must be a string")
    return value


def _environ(raw: dict[str, Any]) -> dict[str, str] | None:
    """The terminal's environment as far as the client knows it (VIRTUAL_ENV, PATH), over the
    server's own PATH (the terminal inherits the editor's environment)."""
    given = raw.get("environ")
    if not isinstance(given, dict):
        return None
    environ = {"PATH": os.environ.get("PATH", os.defpath)}
    for key in ("VIRTUAL_ENV", "PATH"):
        value = given.get(key)
        if isinstance(value, str) and value:
            environ[key] = value
    return environ


def _folder_of_run(ls: PreflightServer, raw: dict[str, Any]) -> Folder | None:
    folder_uri = raw.get("folderUri")
    if isinstance(folder_uri, str):
        for folder in ls.folders.values():
            if folder.uri.rstrip("/") == folder_uri.rstrip("/"):
                return folder
    cwd = raw.get("cwd")
    if isinstance(cwd, str) and os.path.isabs(cwd):
        uri = from_fs_path(os.path.join(cwd, "_"))
        found = ls.folder_for(uri) if uri else None
        if found is not None and not found.loose:
            return found
    real = [f for f in ls.folders.values() if not f.loose]
    return real[0] if len(real) == 1 else None


def _republish(ls: PreflightServer, folder: Folder, paths: set[str]) -> None:
    current = folder.open_versions()
    for path in sorted(paths):
        published = folder.published.get(path)
        uri = folder.uri_of(path)
        version = published.version if published else current.get(path)
        ls.publish(uri, published.diagnostics if published else [], version)


def set_run_diagnostics(
    ls: PreflightServer, folder: Folder, diagnostics: dict[str, list[types.Diagnostic]]
) -> None:
    """Replace the folder's terminal-run diagnostics (merged into every publish)."""
    before = set(folder.run_diagnostics)
    folder.run_diagnostics = diagnostics
    _republish(ls, folder, before | set(diagnostics))


async def explain_terminal_run(ls: PreflightServer, params: Any) -> dict[str, Any] | None:
    raw = plain_json(params)
    if not isinstance(raw, dict):
        raise RequestFailed('expected {"commandLine", "output", "cwd", "exitCode"}')
    command_line = _text(raw, "commandLine", required=True) or ""
    output = _text(raw, "output") or ""
    cwd = _text(raw, "cwd")
    exit_code = raw.get("exitCode")
    if exit_code is not None and (isinstance(exit_code, bool) or not isinstance(exit_code, int)):
        raise RequestFailed("`exitCode` must be a number")
    folder = _folder_of_run(ls, raw)
    if folder is None or not folder.trusted:
        # Untrusted: the terminal is not watched (the client does not ask either).
        return None
    # The explainer is imported on first use: the first diagnostics do not wait on it.
    from ..analysis.explain import TerminalRun, explain_run
    from ..analysis.explain.findings import run_failure_finding

    run = TerminalRun(
        command_line, output[-MAX_OUTPUT:], cwd=cwd, exit_code=exit_code, environ=_environ(raw)
    )
    selected = folder.chosen.path if folder.chosen else None
    root = str(folder.root)
    project = folder.project
    codec = ls.workspace.position_codec

    def work() -> tuple[dict[str, Any], dict[str, list[types.Diagnostic]]]:
        explanation = explain_run(run, selected=selected, root=root, allow_exec=True)
        diagnostics: dict[str, list[types.Diagnostic]] = {}
        finding = run_failure_finding(explanation, root)
        if finding is not None:
            text = project.read_text(finding.path) if project is not None else None
            if text is None:
                try:
                    with open(os.path.join(root, finding.path), encoding="utf-8") as handle:
                        text = handle.read()
                except (OSError, UnicodeError):
                    text = None
            lines = ClientLines(text, codec)
            diagnostics[finding.path] = [to_diagnostic(finding, lambda _: lines, None)]
        return explanation.to_json(), diagnostics

    result, diagnostics = await ls.read_project(work)
    if diagnostics or (result["starts_app"] and result["kind"] != "none"):
        set_run_diagnostics(ls, folder, diagnostics)
    elif result["starts_app"] and exit_code == 0:
        set_run_diagnostics(ls, folder, {})
    result["folderUri"] = folder.uri
    return result


def terminal_run_started(ls: PreflightServer, params: Any) -> None:
    raw = plain_json(params)
    if not isinstance(raw, dict) or not isinstance(raw.get("commandLine"), str):
        return
    folder = _folder_of_run(ls, raw)
    if folder is None or not folder.run_diagnostics:
        return
    from ..analysis.explain import read_command

    cwd = raw.get("cwd") if isinstance(raw.get("cwd"), str) else None
    if read_command(raw["commandLine"], cwd).starts_app:
        # A new start: the last failure is history; it comes back if this one fails too.
        set_run_diagnostics(ls, folder, {})


def register(server: PreflightServer) -> None:
    @server.feature(EXPLAIN_TERMINAL_RUN)
    async def on_explain(ls: PreflightServer, params: Any) -> dict[str, Any] | None:
        return await explain_terminal_run(ls, params)

    @server.feature(TERMINAL_RUN_STARTED)
    def on_started(ls: PreflightServer, params: Any) -> None:
        terminal_run_started(ls, params)
