"""Severity: how sure a finding is (a leaf module: the catalog and the model both use it)."""

from __future__ import annotations

import enum


class Severity(enum.IntEnum):
    """Ordered like LSP's DiagnosticSeverity so front ends can map by value."""

    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.strip().upper()]
