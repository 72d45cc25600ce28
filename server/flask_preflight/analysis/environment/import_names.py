"""Which top-level import names each installed distribution provides (top_level.txt, RECORD,
editable finders, `.pth` paths)."""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterable

from .distributions import Distribution


def _top_levels(dist: Distribution) -> set[str]:
    names: set[str] = set()
    text = _read_small(os.path.join(dist.location, "top_level.txt"))
    if text is not None:
        names |= {line.strip() for line in text.splitlines() if line.strip().isidentifier()}
        if names:
            return names
    record = _read_small(os.path.join(dist.location, "RECORD"))
    if record is None:
        record = _read_small(os.path.join(dist.location, "installed-files.txt"))
    for line in (record or "").splitlines():
        entry = line.split(",", 1)[0].strip().replace("\\", "/")
        if not entry or entry.startswith(("..", "/")):
            continue
        first = entry.split("/", 1)[0]
        if first.endswith((".dist-info", ".egg-info", ".data")) or first == "__pycache__":
            continue
        if "/" in entry:
            if first.isidentifier():
                names.add(first)
        elif first.endswith(".py"):
            names.add(first[:-3])
        elif first.endswith((".so", ".pyd")):
            names.add(first.split(".", 1)[0])
        elif first.endswith(".pth") and first.startswith("__editable__."):
            names |= _editable_names(os.path.join(dist.site_packages, first))
    return {name for name in names if name.isidentifier() and name != "__editable__"}


def _editable_names(pth: str) -> set[str]:
    """Top-level names served by a setuptools editable finder (`__editable___*_finder.py`)."""
    names: set[str] = set()
    text = _read_small(pth) or ""
    for line in text.splitlines():
        match = re.match(r"^import (__editable___\w+_finder)", line)
        if not match:
            continue
        finder = _read_small(os.path.join(os.path.dirname(pth), match[1] + ".py")) or ""
        for statement in _safe_parse(finder):
            if (
                isinstance(statement, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "MAPPING" for t in statement.targets)
                and isinstance(statement.value, ast.Dict)
            ):
                for key in statement.value.keys:
                    if isinstance(key, ast.Constant) and isinstance(key.value, str):
                        names.add(key.value.split(".")[0])
    return names


def _safe_parse(text: str) -> list[ast.stmt]:
    try:
        return ast.parse(text).body
    except (SyntaxError, ValueError):
        return []


def _read_small(path: str, limit: int = 4_000_000) -> str | None:
    try:
        with open(path, "rb") as handle:
            return handle.read(limit).decode("utf-8", "replace")
    except OSError:
        return None


def import_name_map(
    distributions: Iterable[Distribution], site_packages: list[str]
) -> dict[str, str]:
    """Top-level import name -> canonical distribution name."""
    mapping: dict[str, str] = {}
    for dist in distributions:
        for name in _top_levels(dist):
            mapping.setdefault(name, dist.name)
    # Directories added by classic editable installs (`.pth` files holding paths).
    for directory in site_packages:
        try:
            pths = [n for n in os.listdir(directory) if n.endswith(".pth")]
        except OSError:
            continue
        for pth in pths:
            for line in (_read_small(os.path.join(directory, pth)) or "").splitlines():
                line = line.strip()
                if not line or line.startswith(("#", "import ", "import\t")):
                    continue
                extra = os.path.join(directory, line)
                try:
                    entries = os.listdir(extra)
                except OSError:
                    continue
                for entry in entries:
                    stem = entry[:-3] if entry.endswith(".py") else entry
                    if stem.isidentifier() and (
                        entry.endswith(".py") or os.path.isdir(os.path.join(extra, entry))
                    ):
                        mapping.setdefault(stem, f"(path from {pth})")
    return mapping
