"""What an interpreter's files say without running it: pyvenv.cfg, the venv root, the
site-packages directories and the platform its layout implies."""

from __future__ import annotations

import os
import re
import sys

_VERSION_DIR = re.compile(r"^python(\d+)\.(\d+)t?$")


def read_pyvenv_cfg(path: str) -> dict[str, str]:
    """`key = value` lines; garbage lines are skipped (the venv module does the same)."""
    values: dict[str, str] = {}
    try:
        with open(path, "rb") as handle:
            data = handle.read(64_000)
    except OSError:
        return values
    for line in data.decode("utf-8", "replace").splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip():
            values[key.strip().lower()] = value.strip()
    return values


def parse_version(text: str | None) -> tuple[int, int, int] | None:
    if not text:
        return None
    match = re.match(r"^\s*(\d+)\.(\d+)(?:\.(\d+))?", text)
    if not match:
        return None
    return (int(match[1]), int(match[2]), int(match[3] or 0))


def venv_root_of(interpreter: str) -> str | None:
    """The venv directory holding this interpreter (bin/ or Scripts/ under a pyvenv.cfg)."""
    parent = os.path.dirname(os.path.abspath(interpreter))
    for candidate in (os.path.dirname(parent), parent):
        if os.path.isfile(os.path.join(candidate, "pyvenv.cfg")):
            return candidate
    return None


def lib_site_packages(prefix: str) -> list[tuple[str, tuple[int, int] | None]]:
    """site-packages dirs under a prefix: lib/pythonX.Y/site-packages and Lib/site-packages."""
    found: list[tuple[str, tuple[int, int] | None]] = []
    for lib in ("lib", "lib64"):
        libdir = os.path.join(prefix, lib)
        try:
            names = sorted(os.listdir(libdir))
        except OSError:
            continue
        for name in names:
            match = _VERSION_DIR.match(name)
            if not match:
                continue
            for leaf in ("site-packages", "dist-packages"):
                path = os.path.join(libdir, name, leaf)
                if os.path.isdir(path) and not any(
                    os.path.realpath(path) == os.path.realpath(p) for p, _ in found
                ):
                    found.append((path, (int(match[1]), int(match[2]))))
    windows = os.path.join(prefix, "Lib", "site-packages")
    if os.path.isdir(windows) and not found:
        found.append((windows, None))
    return found


def is_windows_layout(interpreter: str) -> bool:
    return interpreter.lower().endswith(".exe") or os.path.basename(
        os.path.dirname(interpreter)
    ).lower() in ("scripts",)


def static_platform(windows: bool) -> dict[str, str]:
    """Marker values when the interpreter was not asked: its layout says the OS family; the
    rest is assumed to match the machine we run on (venvs are made where they are used)."""
    import platform as host

    if windows:
        return {
            "os_name": "nt",
            "sys_platform": "win32",
            "platform_system": "Windows",
            "platform_machine": "AMD64",
            "platform_python_implementation": "CPython",
            "implementation_name": "cpython",
            "platform_release": "",
            "platform_version": "",
        }
    return {
        "os_name": os.name,
        "sys_platform": sys.platform,
        "platform_system": host.system(),
        "platform_machine": host.machine(),
        "platform_python_implementation": host.python_implementation(),
        "implementation_name": sys.implementation.name,
        "platform_release": host.release(),
        "platform_version": host.version(),
    }
