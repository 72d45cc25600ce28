"""Whether an app factory accepts the arguments a target calls it with, bound as Python binds
them (gunicorn and `flask --app` both call `create_app(*args, **kwargs)` and refuse the target
when that raises TypeError)."""

from __future__ import annotations

from collections.abc import Sequence

from ..flask_apps import AppDefinition, Param


def call_error(factory: AppDefinition, args: Sequence[object], kwargs: Sequence[str]) -> str | None:
    """Python's TypeError for `factory(*args, **{k: ... for k in kwargs})`, or None when the
    call binds. Checked in CPython's order: keywords, then the positional count, then missing
    positional, then missing keyword-only arguments."""
    name = f"{factory.name}()"
    positional = [p for p in factory.params if p.kind != "keyword_only"]
    filled = {p.name for p in positional[: len(args)]}
    by_keyword = {p.name for p in factory.params if p.kind != "positional_only"}
    only = [k for k in kwargs if k not in by_keyword and _positional_only(factory, k)]
    if only and not factory.star_kwargs:
        return (
            f"{name} got some positional-only arguments passed as keyword arguments: "
            f"'{', '.join(only)}'"
        )
    for key in kwargs:
        if key in by_keyword and key in filled:
            return f"{name} got multiple values for argument {key!r}"
        if key not in by_keyword and not factory.star_kwargs:
            return f"{name} got an unexpected keyword argument {key!r}"
    if len(args) > len(positional) and not factory.star_args:
        return f"{name} {_takes(positional)} but {_count(len(args), 'was', 'were')} given"
    given = filled | set(kwargs)
    missing = [p.name for p in positional if not p.has_default and p.name not in given]
    if missing:
        return f"{name} missing {_names(missing, 'positional')}"
    keyword_only = [p for p in factory.params if p.kind == "keyword_only"]
    missing = [p.name for p in keyword_only if not p.has_default and p.name not in given]
    if missing:
        return f"{name} missing {_names(missing, 'keyword-only')}"
    return None


def _positional_only(factory: AppDefinition, key: str) -> bool:
    return any(p.name == key and p.kind == "positional_only" for p in factory.params)


def _takes(positional: list[Param]) -> str:
    least = sum(1 for p in positional if not p.has_default)
    most = len(positional)
    if least == most:
        return f"takes {most} positional argument{'' if most == 1 else 's'}"
    return f"takes from {least} to {most} positional arguments"


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one}" if number == 1 else f"{number} {many}"


def _names(missing: list[str], kind: str) -> str:
    quoted = [repr(m) for m in missing]
    if len(quoted) == 1:
        listed = quoted[0]
    elif len(quoted) == 2:
        listed = f"{quoted[0]} and {quoted[1]}"
    else:
        listed = ", ".join(quoted[:-1]) + f", and {quoted[-1]}"
    plural = "s" if len(missing) > 1 else ""
    return f"{len(missing)} required {kind} argument{plural}: {listed}"
