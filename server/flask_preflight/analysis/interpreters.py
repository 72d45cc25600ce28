"""Which interpreter will run the app, for front ends that are not told (the CLI)."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class InterpreterChoice:
    path: str | None
    reason: str


def venv_python(venv_dir: str) -> str:
    """The interpreter inside a venv directory, for POSIX and Windows layouts."""
    posix = os.path.join(venv_dir, "bin", "python")
    windows = os.path.join(venv_dir, "Scripts", "python.exe")
    if not os.path.lexists(posix) and os.path.lexists(windows):
        return windows
    return posix


def choose_interpreter(
    explicit: str | None = None, environ: Mapping[str, str] | None = None
) -> InterpreterChoice:
    """`--python`, else the active `$VIRTUAL_ENV`, else python3/python on PATH."""
    env = os.environ if environ is None else environ
    if explicit:
        return InterpreterChoice(os.path.abspath(explicit), "given with --python")
    active = env.get("VIRTUAL_ENV")
    if active:
        return InterpreterChoice(venv_python(active), "the active virtualenv ($VIRTUAL_ENV)")
    search_path = env.get("PATH", os.defpath)
    for name in ("python3", "python"):
        found = shutil.which(name, path=search_path)
        if found:
            return InterpreterChoice(os.path.abspath(found), f"`{name}` on PATH")
    return InterpreterChoice(None, "no python3 or python on PATH")


def describe_server_python() -> str:
    return f"{sys.executable} ({sys.version.split()[0]})"
