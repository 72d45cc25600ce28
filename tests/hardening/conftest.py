"""The hardening tests reuse the real-stdio LSP client fixture."""

from tests.lsp.conftest import client  # noqa: F401
