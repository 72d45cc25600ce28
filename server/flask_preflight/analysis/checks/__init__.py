"""Every check module; importing this package registers them all with the registry."""

from __future__ import annotations

from . import (
    debug_mode,
    dependencies,
    environment,
    main_guard,
    reloader,
    servers,
    shadowing,
    startup_imports,
)

__all__ = [
    "debug_mode",
    "dependencies",
    "environment",
    "main_guard",
    "reloader",
    "servers",
    "shadowing",
    "startup_imports",
]
