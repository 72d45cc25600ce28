"""Every check module; importing this package registers them all with the registry."""

from __future__ import annotations

from . import main_guard, shadowing

__all__ = ["main_guard", "shadowing"]
