"""The `flaskPreflight` settings and initializationOptions, read tolerantly into typed values."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..analysis.catalog import RULES, resolve_rule_ids
from ..analysis.model import Severity

SECTION = "flaskPreflight"
LOG_LEVELS = ("off", "error", "warning", "info", "debug", "trace")


@dataclass(frozen=True)
class FolderSettings:
    """One workspace folder's settings; unknown or malformed values fall back to defaults."""

    python: str | None = None
    rules: dict[str, Severity | None] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    dev_server_port: int = 5000
    gunicorn_port: int = 8000
    log_level: str = "info"
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class InterpreterHint:
    """What the client says the workspace interpreter is (`source` explicit or auto)."""

    path: str | None
    source: str = "auto"


def _port(value: Any, default: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    port = int(value)
    return port if 0 < port < 65536 else default


def _substitute(value: str, folder: str | None) -> str:
    if folder is not None:
        value = value.replace("${workspaceFolder}", folder)
    value = os.path.expanduser(value)
    if folder is not None and not os.path.isabs(value) and os.sep in value:
        value = os.path.join(folder, value)
    return value


def parse_settings(raw: Any, folder: str | None = None) -> FolderSettings:
    """Read a `flaskPreflight` settings object (from any client, so anything may be wrong)."""
    if not isinstance(raw, Mapping):
        return FolderSettings()
    problems: list[str] = []
    python = raw.get("python")
    python = _substitute(python.strip(), folder) if isinstance(python, str) and python else None
    rules: dict[str, Severity | None] = {}
    raw_rules = raw.get("rules")
    if isinstance(raw_rules, Mapping):
        for key, level in raw_rules.items():
            try:
                ids = {key.upper()} if str(key).upper() in RULES else resolve_rule_ids(str(key))
            except ValueError:
                problems.append(f"rules: unknown rule {key!r}")
                continue
            if level == "off":
                severity: Severity | None = None
            else:
                try:
                    severity = Severity.parse(str(level))
                except KeyError:
                    problems.append(f"rules.{key}: unknown severity {level!r}")
                    continue
            for rule_id in ids:
                rules[rule_id] = severity
    raw_exclude = raw.get("exclude")
    exclude = (
        tuple(glob for glob in raw_exclude if isinstance(glob, str) and glob)
        if isinstance(raw_exclude, list)
        else ()
    )
    log_level = raw.get("logLevel")
    return FolderSettings(
        python=python,
        rules=rules,
        exclude=exclude,
        dev_server_port=_port(raw.get("devServerPort"), 5000),
        gunicorn_port=_port(raw.get("gunicornPort"), 8000),
        log_level=log_level if log_level in LOG_LEVELS else "info",
        problems=tuple(problems),
    )


@dataclass(frozen=True)
class InitOptions:
    trusted: bool = True
    interpreters: dict[str, InterpreterHint] = field(default_factory=dict)
    settings: Any = None


def parse_init_options(raw: Any) -> InitOptions:
    """initializationOptions: `{"trusted", "interpreters": {folderUri: {path, source}},
    "settings"}`; a client that sends nothing gets a trusted workspace (it is the user's own
    editor starting us by hand)."""
    if not isinstance(raw, Mapping):
        return InitOptions()
    trusted = raw.get("trusted")
    hints: dict[str, InterpreterHint] = {}
    interpreters = raw.get("interpreters")
    if isinstance(interpreters, Mapping):
        for uri, value in interpreters.items():
            hint = parse_interpreter_hint(value)
            if hint is not None:
                hints[str(uri)] = hint
    return InitOptions(
        trusted=trusted if isinstance(trusted, bool) else True,
        interpreters=hints,
        settings=raw.get("settings"),
    )


def plain_json(value: Any) -> Any:
    """pygls hands custom notifications' params over as namedtuples: back to JSON values."""
    as_dict = getattr(value, "_asdict", None)
    if callable(as_dict):
        return {key: plain_json(item) for key, item in as_dict().items()}
    if isinstance(value, Mapping):
        return {str(key): plain_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_json(item) for item in value]
    return value


def parse_interpreter_hint(value: Any) -> InterpreterHint | None:
    if not isinstance(value, Mapping):
        return None
    path = value.get("path")
    source = value.get("source")
    return InterpreterHint(
        path=path if isinstance(path, str) and path else None,
        source=source if source in ("explicit", "auto") else "auto",
    )
