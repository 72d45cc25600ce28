"""Creates the language server and wires the feature modules to it: the one place that
knows them all (feature modules import the server type only for type checking)."""

from __future__ import annotations

import logging
import sys

from . import code_actions, code_lenses, commands, features, hovers, terminal_runs, watching
from .server import PreflightServer

#: Each module's `register(server)` adds its handlers; a new editor feature is one more here.
FEATURE_MODULES = (
    features,
    code_actions,
    code_lenses,
    commands,
    hovers,
    terminal_runs,
    watching,
)


def create_server() -> PreflightServer:
    server = PreflightServer()
    for module in FEATURE_MODULES:
        module.register(server)
    return server


def start_stdio(server: PreflightServer | None = None) -> None:
    """Serve LSP on stdin/stdout; anything else printing to stdout goes to stderr instead."""
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="flask-preflight %(levelname)s %(message)s"
    )
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr
    server = server or create_server()
    server.start_io(stdin, stdout)
