"""The environment of one interpreter as the checks see it: version, venv, distributions."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from packaging.markers import InvalidMarker, Marker, UndefinedComparison, UndefinedEnvironmentName
from packaging.utils import canonicalize_name

from .distributions import Distribution
from .import_names import import_name_map


@dataclass
class Environment:
    interpreter: str
    version: tuple[int, int, int] | None = None
    is_venv: bool = False
    venv_root: str | None = None
    healthy: bool = True
    reason: str = ""
    site_packages: list[str] = field(default_factory=list)
    distributions: dict[str, Distribution] = field(default_factory=dict)
    platform: dict[str, str] = field(default_factory=dict)
    externally_managed: bool = False
    is_conda: bool = False
    include_system_site_packages: bool = False
    home: str | None = None
    asked_interpreter: bool = False
    notes: list[str] = field(default_factory=list)
    _import_names: dict[str, str] | None = field(default=None, repr=False)
    #: Facts derived from the distributions (valid as long as this object is the cached one).
    derived: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def version_text(self) -> str | None:
        return None if self.version is None else ".".join(map(str, self.version))

    def marker_environment(self, extra: str = "") -> dict[str, str]:
        """The values PEP 508 markers are evaluated against, for the *target* interpreter."""
        values = dict(self.platform)
        if self.version is not None:
            values["python_version"] = f"{self.version[0]}.{self.version[1]}"
            values["python_full_version"] = self.version_text or ""
            values["implementation_version"] = values["python_full_version"]
        values["extra"] = extra
        return values

    def marker_applies(self, marker: Marker | None, extra: str = "") -> bool:
        if marker is None:
            return True
        try:
            return bool(marker.evaluate(self.marker_environment(extra)))
        except (UndefinedComparison, UndefinedEnvironmentName, InvalidMarker, ValueError):
            return True

    def get(self, name: str) -> Distribution | None:
        return self.distributions.get(canonicalize_name(name))

    def import_names(self) -> dict[str, str]:
        """Top-level import name -> canonical distribution name (top_level.txt, RECORD)."""
        if self._import_names is None:
            self._import_names = import_name_map(self.distributions.values(), self.site_packages)
        return self._import_names

    def can_import(self, top_level: str) -> bool:
        """Whether a top-level module exists in this environment's site-packages."""
        return top_level in self.import_names() or top_level in self._site_entries()

    def _site_entries(self) -> set[str]:
        entries = self.derived.get("site-entries")
        if entries is None:
            entries = set()
            for directory in self.site_packages:
                try:
                    names = os.listdir(directory)
                except OSError:
                    continue
                for name in names:
                    stem = name.split(".", 1)[0]
                    if name.endswith((".py", ".so", ".pyd")) or (
                        "." not in name and os.path.isdir(os.path.join(directory, name))
                    ):
                        entries.add(stem)
            self.derived["site-entries"] = entries
        return entries  # type: ignore[no-any-return]


def describe(env: Environment) -> str:
    """The interpreter as messages name it: its path and Python version."""
    version = f" (Python {env.version_text})" if env.version_text else ""
    return f"{env.interpreter}{version}"
