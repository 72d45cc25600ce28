"""The standard library's top-level module names of a target Python version."""

from __future__ import annotations

import json
import sys
from functools import cache
from importlib import resources


@cache
def _shipped_stdlib() -> dict[str, frozenset[str]]:
    data = resources.files("flask_preflight.analysis").joinpath("data/stdlib_modules.json")
    versions = json.loads(data.read_text(encoding="utf-8"))["versions"]
    return {version: frozenset(names) for version, names in versions.items()}


def stdlib_modules(version: tuple[int, ...] | None) -> frozenset[str]:
    """Top-level standard library module names of the target Python version."""
    running = sys.version_info[:2]
    if version is None or tuple(version[:2]) == running:
        names = getattr(sys, "stdlib_module_names", None)
        if names is not None:
            return frozenset(names)
    shipped = _shipped_stdlib()
    wanted = running if version is None else tuple(version[:2])
    key = f"{wanted[0]}.{wanted[1]}"
    if key in shipped:
        return shipped[key]
    ordered = sorted(shipped, key=lambda v: tuple(int(p) for p in v.split(".")))
    older = [v for v in ordered if tuple(int(p) for p in v.split(".")) <= wanted]
    return shipped[(older or ordered)[-1 if older else 0]]
