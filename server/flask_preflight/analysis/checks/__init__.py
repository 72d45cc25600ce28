"""Every check module; importing this package registers them all with the registry."""

from __future__ import annotations

from . import dependencies, environment, main_guard, shadowing

__all__ = ["dependencies", "environment", "main_guard", "shadowing"]
