"""Hovers: what is installed for a requirement line, where an entry-point target leads."""

from __future__ import annotations

from .server import PreflightServer


def register(server: PreflightServer) -> None:
    """Hovers need the environment and entry-point engines; not registered until they land."""
