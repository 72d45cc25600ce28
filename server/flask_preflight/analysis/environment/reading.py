"""The environment of an interpreter, read statically where possible (asked when allowed)."""

from __future__ import annotations

import errno
import os
import re
import threading
from typing import Any

from .distributions import read_distributions
from .layout import (
    is_windows_layout,
    lib_site_packages,
    parse_version,
    read_pyvenv_cfg,
    static_platform,
    venv_root_of,
)
from .model import Environment
from .probe import ask_interpreter, stat_key

_PYTHON_NAME = re.compile(r"^python(\d+)(?:\.(\d+))?")

_cache_lock = threading.Lock()
_env_cache: dict[tuple[str, bool], tuple[tuple[Any, ...], Environment]] = {}


def _externally_managed(stdlib_dirs: list[str]) -> bool:
    return any(os.path.isfile(os.path.join(d, "EXTERNALLY-MANAGED")) for d in stdlib_dirs if d)


def _interpreter_problem(interpreter: str) -> str | None:
    try:
        os.stat(interpreter)
    except OSError as error:
        if not os.path.lexists(interpreter):
            return f"{interpreter} does not exist"
        if error.errno == errno.ELOOP or "loop" in str(error).lower():
            return f"{interpreter} is a symbolic link loop"
        return f"{interpreter} points to a file that does not exist (a dangling link)"
    except ValueError:
        return f"{interpreter!r} is not a valid path"
    if os.path.isdir(interpreter):
        return f"{interpreter} is a directory, not a Python executable"
    return None


def _base_site_packages(home: str | None, version: tuple[int, int, int] | None) -> list[str]:
    if not home:
        return []
    prefix = os.path.dirname(home) if os.path.basename(home).lower() == "bin" else home
    found = lib_site_packages(prefix)
    if version is not None:
        found = [(p, v) for p, v in found if v is None or v == version[:2]]
    return [p for p, _ in found]


def _locate(interpreter: str, allow_exec: bool) -> Environment:
    """Everything but the distributions: cheap, so it also decides whether the cache holds."""
    env = Environment(interpreter=interpreter)
    windows = is_windows_layout(interpreter)
    env.platform = static_platform(windows)
    problem = _interpreter_problem(interpreter)
    venv_root = venv_root_of(interpreter)
    if venv_root is not None:
        env.is_venv = True
        env.venv_root = venv_root
        cfg = read_pyvenv_cfg(os.path.join(venv_root, "pyvenv.cfg"))
        env.home = cfg.get("home") or None
        env.version = parse_version(cfg.get("version") or cfg.get("version_info"))
        env.include_system_site_packages = (
            cfg.get("include-system-site-packages", "false").lower() == "true"
        )
        found = lib_site_packages(venv_root)
        if env.version is not None:
            # a venv upgraded in place keeps old lib/pythonX.Y dirs: only the current one counts
            current = [(p, v) for p, v in found if v is None or v == env.version[:2]]
            found = current or found
        elif found and found[0][1] is not None:
            major, minor = found[-1][1] or (0, 0)
            env.version = (major, minor, 0)
            env.notes.append("version read from the lib/pythonX.Y directory name")
        env.site_packages = [p for p, _ in found]
        if env.include_system_site_packages:
            env.site_packages += _base_site_packages(env.home, env.version)
        broken = _venv_problem(env, cfg, problem)
        if broken:
            env.healthy, env.reason = False, broken
        return env
    if problem:
        env.healthy, env.reason = False, problem
        return env
    real = os.path.realpath(interpreter)
    prefix = os.path.dirname(os.path.dirname(real))
    env.is_conda = os.path.isdir(os.path.join(prefix, "conda-meta"))
    probe = ask_interpreter(interpreter) if allow_exec else None
    if probe is not None:
        env.asked_interpreter = True
        env.version = parse_version(".".join(str(p) for p in probe.get("version", [])))
        if isinstance(probe.get("platform"), dict):
            env.platform = {str(k): str(v) for k, v in probe["platform"].items()}
        paths = [str(p) for p in probe.get("path", []) if isinstance(p, str)]
        env.site_packages = [
            p for p in paths if os.path.basename(p) in ("site-packages", "dist-packages")
        ]
        env.externally_managed = _externally_managed([str(probe.get("stdlib") or "")])
        base = str(probe.get("base_prefix") or "")
        prefix_seen = str(probe.get("prefix") or "")
        if base and prefix_seen and os.path.realpath(base) != os.path.realpath(prefix_seen):
            env.is_venv = True
            env.venv_root = prefix_seen
        env.is_conda = env.is_conda or os.path.isdir(os.path.join(prefix_seen, "conda-meta"))
        return env
    # Not asked (untrusted, or it failed): guess from the file layout.
    name_match = _PYTHON_NAME.match(os.path.basename(real))
    found = lib_site_packages(prefix)
    if name_match and name_match[2]:
        wanted = (int(name_match[1]), int(name_match[2]))
        found = [(p, v) for p, v in found if v in (None, wanted)]
        env.version = (*wanted, 0)
    elif found and found[-1][1] is not None:
        major, minor = found[-1][1] or (0, 0)
        env.version = (major, minor, 0)
    env.site_packages = [p for p, _ in found]
    if env.version is not None:
        stdlib = os.path.join(prefix, "lib", f"python{env.version[0]}.{env.version[1]}")
        env.externally_managed = _externally_managed([stdlib])
    if allow_exec:
        env.notes.append("the interpreter did not answer: its site-packages were guessed")
    else:
        env.notes.append("not asked (untrusted workspace): version and site-packages guessed")
    return env


def _venv_problem(env: Environment, cfg: dict[str, str], problem: str | None) -> str | None:
    if not cfg:
        return f"{env.venv_root}/pyvenv.cfg is empty or unreadable"
    home = env.home
    if not home:
        return f"{env.venv_root}/pyvenv.cfg has no `home` (the base interpreter's directory)"
    if not os.path.isdir(home):
        return f"its base interpreter is gone: pyvenv.cfg says home = {home}, which does not exist"
    if problem:
        return problem
    executable = cfg.get("executable") or cfg.get("base-executable")
    if executable and not os.path.exists(executable):
        names = ("python", "python3", "python.exe")
        if not any(os.path.exists(os.path.join(home, n)) for n in names):
            return f"its base interpreter {executable} does not exist"
    return None


def _stamp(env: Environment) -> tuple[Any, ...]:
    parts: list[Any] = [stat_key(env.interpreter), os.path.lexists(env.interpreter)]
    if env.venv_root:
        parts.append(stat_key(os.path.join(env.venv_root, "pyvenv.cfg")))
    parts.extend((p, stat_key(p)) for p in env.site_packages)
    return tuple(parts)


def read_environment(interpreter: str, *, allow_exec: bool) -> Environment:
    """The environment of an interpreter, read statically where possible.

    Never raises and never hangs: a missing interpreter, a directory, a symlink loop, a
    broken venv all come back as `healthy=False` with a `reason`. Cached by the mtimes of the
    interpreter, pyvenv.cfg and every site-packages directory.
    """
    path = os.path.abspath(interpreter) if interpreter else ""
    if not path:
        return Environment(interpreter="", healthy=False, reason="no interpreter was given")
    try:
        env = _locate(path, allow_exec)
    except Exception as error:  # the last line of defence: a description, never a crash
        return Environment(interpreter=path, healthy=False, reason=f"could not be read: {error}")
    stamp = _stamp(env)
    key = (path, allow_exec)
    with _cache_lock:
        cached = _env_cache.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        env.distributions = read_distributions(env.site_packages)
    except Exception as error:
        env.notes.append(f"could not list the installed distributions: {error}")
    with _cache_lock:
        _env_cache[key] = (stamp, env)
    return env


def watch_paths(env: Environment) -> list[str]:
    """Absolute paths whose change means "read the environment again"."""
    paths = list(env.site_packages)
    if env.venv_root:
        paths.append(os.path.join(env.venv_root, "pyvenv.cfg"))
    return paths
