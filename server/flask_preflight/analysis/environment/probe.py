"""Asking an interpreter about itself: once, isolated (-I), bounded by a timeout, cached."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import threading
from typing import Any

#: Seconds an interpreter gets to describe itself before we give up on it.
EXEC_TIMEOUT = 10.0

_PROBE = r"""
import json, os, platform, sys, sysconfig
paths = sysconfig.get_paths()
print(json.dumps({
    "version": list(sys.version_info[:3]),
    "prefix": sys.prefix,
    "base_prefix": getattr(sys, "base_prefix", sys.prefix),
    "path": [p for p in sys.path if p],
    "purelib": paths.get("purelib"),
    "platlib": paths.get("platlib"),
    "stdlib": paths.get("stdlib"),
    "platform": {
        "os_name": os.name,
        "sys_platform": sys.platform,
        "platform_system": platform.system(),
        "platform_machine": platform.machine(),
        "platform_python_implementation": platform.python_implementation(),
        "implementation_name": sys.implementation.name,
        "platform_release": platform.release(),
        "platform_version": platform.version(),
    },
}))
"""

_probe_cache: dict[tuple[str, int, int], dict[str, Any] | None] = {}
_cache_lock = threading.Lock()


def stat_key(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_mtime_ns, info.st_size)


def _run_bounded(argv: list[str], interpreter: str) -> tuple[int, bytes]:
    """Run argv with a timeout; on timeout kill its whole process group, so a "python" that
    is really a script starting other programs leaves nothing running behind it."""
    posix = os.name == "posix"
    process = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=os.path.dirname(interpreter) or None,
        start_new_session=posix,
    )
    try:
        stdout, _ = process.communicate(timeout=EXEC_TIMEOUT)
    except subprocess.TimeoutExpired:
        if posix:
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)
        process.kill()
        process.communicate()
        raise
    return process.returncode, stdout


def ask_interpreter(interpreter: str) -> dict[str, Any] | None:
    """Run the interpreter once with -I (no site of the workspace, no env vars, no cwd on
    sys.path) to read its version and sys.path; cached by path + mtime. None on failure."""
    stamp = stat_key(interpreter)
    if stamp is None:
        return None
    key = (interpreter, *stamp)
    with _cache_lock:
        if key in _probe_cache:
            return _probe_cache[key]
    result: dict[str, Any] | None = None
    try:
        returncode, stdout = _run_bounded([interpreter, "-I", "-c", _PROBE], interpreter)
        if returncode == 0:
            parsed = json.loads(stdout.decode("utf-8", "replace").strip() or "null")
            if isinstance(parsed, dict):
                result = parsed
    except (OSError, ValueError, subprocess.SubprocessError):
        result = None
    with _cache_lock:
        _probe_cache[key] = result
    return result
