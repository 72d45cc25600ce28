"""The language server entry point (its features arrive with the LSP issue)."""

from __future__ import annotations

import sys


def start_stdio() -> None:
    sys.stderr.write("flask-preflight lsp: the language server is not built yet\n")
    raise SystemExit(2)
