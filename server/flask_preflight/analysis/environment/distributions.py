"""Installed distributions, read from their metadata directories (never imported)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import PathDistribution
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

_DIST_DIR = re.compile(r"^(?P<name>[^-]+)(?:-(?P<version>[^-]+?))?(?:-py\d.*)?\.(dist|egg)-info$")


@dataclass
class Distribution:
    """One installed distribution, as its metadata describes it."""

    name: str  # canonical (PEP 503) name
    display_name: str
    version: str | None
    requires: tuple[str, ...]
    requires_python: str | None
    location: str  # the *.dist-info / *.egg-info path
    site_packages: str

    @property
    def parsed_version(self) -> Version | None:
        if self.version is None:
            return None
        try:
            return Version(self.version)
        except InvalidVersion:
            return None


def _metadata_dirs(site_packages: str) -> Iterator[str]:
    try:
        names = sorted(os.listdir(site_packages))
    except OSError:
        return
    for name in names:
        if name.endswith((".dist-info", ".egg-info")):
            yield os.path.join(site_packages, name)


def _meta_value(meta: Any, key: str) -> str | None:
    if meta is None:
        return None
    try:
        value = meta[key]
    except (KeyError, IndexError):
        return None
    return str(value) if value else None


def metadata_headers(text: str) -> dict[str, list[str]]:
    """The header block of a METADATA/PKG-INFO file (RFC 822 style), without the body.

    The body (often a long README) is never parsed: the email parser `importlib.metadata`
    uses spends most of its time there.
    """
    headers: dict[str, list[str]] = {}
    last: str | None = None
    for line in text.splitlines():
        if not line.strip():
            break
        if line[0] in " \t" and last is not None:
            headers[last][-1] += "\n" + line.strip()
            continue
        key, sep, value = line.partition(":")
        if not sep:
            continue
        last = key.strip().lower()
        headers.setdefault(last, []).append(value.strip())
    return headers


def _first(headers: dict[str, list[str]], key: str) -> str | None:
    values = headers.get(key)
    return values[0] if values else None


def read_distribution(path: str, site_packages: str) -> Distribution | None:
    """A distribution from its metadata directory; None when not even a name can be found."""
    base = os.path.basename(path)
    match = _DIST_DIR.match(base)
    dist = PathDistribution(Path(path))
    name = version = requires_python = None
    requires: tuple[str, ...] = ()
    try:
        if base.endswith(".dist-info"):
            text = dist.read_text("METADATA") or ""
            headers = metadata_headers(text)
            name = _first(headers, "name")
            version = _first(headers, "version")
            requires_python = _first(headers, "requires-python")
            requires = tuple(headers.get("requires-dist", ()))
        else:  # egg-info: requirements live in requires.txt, which importlib knows how to read
            meta = dist.metadata
            name = _meta_value(meta, "Name")
            version = _meta_value(meta, "Version")
            requires_python = _meta_value(meta, "Requires-Python")
            requires = tuple(dist.requires or ())
    except Exception:  # unreadable or garbage metadata: fall back to the directory name
        pass
    if not name and match:
        name = match["name"]
    if not version and match and match["version"]:
        version = match["version"]
    if not name:
        return None
    return Distribution(
        name=canonicalize_name(str(name)),
        display_name=str(name),
        version=str(version) if version else None,
        requires=requires,
        requires_python=str(requires_python) if requires_python else None,
        location=path,
        site_packages=site_packages,
    )


def read_distributions(site_packages: list[str]) -> dict[str, Distribution]:
    found: dict[str, Distribution] = {}
    for directory in site_packages:
        for path in _metadata_dirs(directory):
            dist = read_distribution(path, directory)
            # The first site-packages on sys.path wins, as it does for imports.
            if dist is not None and dist.name not in found:
                found[dist.name] = dist
    return found
