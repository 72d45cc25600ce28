"""The workspace interpreter's environment, read from its files: venv, version, distributions."""

from __future__ import annotations

import ast
import contextlib
import errno
import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib.metadata import PathDistribution
from pathlib import Path
from typing import Any

from packaging.markers import InvalidMarker, Marker, UndefinedComparison, UndefinedEnvironmentName
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from .interpreters import VENV_NAMES, Interpreter, choose_cli_interpreter, venv_python
from .project import Project

#: Seconds an interpreter gets to describe itself before we give up on it.
EXEC_TIMEOUT = 10.0

_VERSION_DIR = re.compile(r"^python(\d+)\.(\d+)t?$")
_PYTHON_NAME = re.compile(r"^python(\d+)(?:\.(\d+))?")


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
            self._import_names = _import_name_map(self)
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


# --- pyvenv.cfg and layout -----------------------------------------------------------------


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


def _parse_version(text: str | None) -> tuple[int, int, int] | None:
    if not text:
        return None
    match = re.match(r"^\s*(\d+)\.(\d+)(?:\.(\d+))?", text)
    if not match:
        return None
    return (int(match[1]), int(match[2]), int(match[3] or 0))


def _venv_root_of(interpreter: str) -> str | None:
    """The venv directory holding this interpreter (bin/ or Scripts/ under a pyvenv.cfg)."""
    parent = os.path.dirname(os.path.abspath(interpreter))
    for candidate in (os.path.dirname(parent), parent):
        if os.path.isfile(os.path.join(candidate, "pyvenv.cfg")):
            return candidate
    return None


def _lib_site_packages(prefix: str) -> list[tuple[str, tuple[int, int] | None]]:
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


def _is_windows_layout(interpreter: str) -> bool:
    return interpreter.lower().endswith(".exe") or os.path.basename(
        os.path.dirname(interpreter)
    ).lower() in ("scripts",)


def _static_platform(windows: bool) -> dict[str, str]:
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


# --- asking the interpreter (once, isolated, with a timeout) -------------------------------

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


def _stat_key(path: str) -> tuple[int, int] | None:
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
    stamp = _stat_key(interpreter)
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


# --- distributions ---------------------------------------------------------------------------

_DIST_DIR = re.compile(r"^(?P<name>[^-]+)(?:-(?P<version>[^-]+?))?(?:-py\d.*)?\.(dist|egg)-info$")


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


def _read_distributions(site_packages: list[str]) -> dict[str, Distribution]:
    found: dict[str, Distribution] = {}
    for directory in site_packages:
        for path in _metadata_dirs(directory):
            dist = read_distribution(path, directory)
            # The first site-packages on sys.path wins, as it does for imports.
            if dist is not None and dist.name not in found:
                found[dist.name] = dist
    return found


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


def _import_name_map(env: Environment) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for dist in env.distributions.values():
        for name in _top_levels(dist):
            mapping.setdefault(name, dist.name)
    # Directories added by classic editable installs (`.pth` files holding paths).
    for directory in env.site_packages:
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


# --- the environment -------------------------------------------------------------------------

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
    found = _lib_site_packages(prefix)
    if version is not None:
        found = [(p, v) for p, v in found if v is None or v == version[:2]]
    return [p for p, _ in found]


def _locate(interpreter: str, allow_exec: bool) -> Environment:
    """Everything but the distributions: cheap, so it also decides whether the cache holds."""
    env = Environment(interpreter=interpreter)
    windows = _is_windows_layout(interpreter)
    env.platform = _static_platform(windows)
    problem = _interpreter_problem(interpreter)
    venv_root = _venv_root_of(interpreter)
    if venv_root is not None:
        env.is_venv = True
        env.venv_root = venv_root
        cfg = read_pyvenv_cfg(os.path.join(venv_root, "pyvenv.cfg"))
        env.home = cfg.get("home") or None
        env.version = _parse_version(cfg.get("version") or cfg.get("version_info"))
        env.include_system_site_packages = (
            cfg.get("include-system-site-packages", "false").lower() == "true"
        )
        found = _lib_site_packages(venv_root)
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
        env.version = _parse_version(".".join(str(p) for p in probe.get("version", [])))
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
    found = _lib_site_packages(prefix)
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
    parts: list[Any] = [_stat_key(env.interpreter), os.path.lexists(env.interpreter)]
    if env.venv_root:
        parts.append(_stat_key(os.path.join(env.venv_root, "pyvenv.cfg")))
    parts.extend((p, _stat_key(p)) for p in env.site_packages)
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
        env.distributions = _read_distributions(env.site_packages)
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


# --- the project's environment -----------------------------------------------------------------


def _inside(path: str, root: Path) -> bool:
    for candidate in {os.path.abspath(path), os.path.realpath(path)}:
        try:
            Path(candidate).relative_to(root)
            return True
        except ValueError:
            continue
    return False


def project_environment(project: Project) -> Environment | None:
    """The environment of `project.interpreter` (None when there is none), memoized."""
    if not project.interpreter:
        return None
    cached = project.memo("environment")
    if isinstance(cached, Environment) and cached.interpreter == os.path.abspath(
        project.interpreter
    ):
        return cached
    allow_exec = project.trusted or not _inside(project.interpreter, project.root)
    env = read_environment(project.interpreter, allow_exec=allow_exec)
    return project.remember("environment", env)  # type: ignore[no-any-return]


def project_venvs(project: Project) -> list[str]:
    """Root-relative venv directories of the project, the conventional names first."""
    found = project.venv_dirs()
    order = {name: i for i, name in enumerate(VENV_NAMES)}
    return sorted(found, key=lambda d: (d.count("/"), order.get(d, len(order)), d))


def venv_of_project_holding(project: Project, interpreter: str) -> str | None:
    """The project venv (root-relative) that contains `interpreter`, if any."""
    for venv in project_venvs(project):
        root = str(project.abspath(venv))
        if _inside(interpreter, Path(root)) or os.path.abspath(interpreter).startswith(
            root + os.sep
        ):
            return venv
    return None


def project_venv_environment(project: Project, venv: str) -> Environment:
    """A project venv, read statically (its binaries are never run)."""
    key = f"environment:venv:{venv}"
    cached = project.memo(key)
    if isinstance(cached, Environment):
        return cached
    env = read_environment(venv_python(str(project.abspath(venv))), allow_exec=False)
    return project.remember(key, env)  # type: ignore[no-any-return]


def choose_project_interpreter(
    root: os.PathLike[str] | str,
    explicit: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Interpreter:
    """The CLI's choice; the order is written once, in interpreters.choose_interpreter."""
    return choose_cli_interpreter(root, explicit, environ)


#: Marker file -> (tool, how to find the venv that tool manages, often outside the project).
_TOOL_MARKERS = (
    ("poetry.lock", "poetry", "poetry env info --executable"),
    ("Pipfile", "pipenv", "pipenv --py"),
    ("uv.lock", "uv", "uv python find"),
    ("environment.yml", "conda", "conda env list"),
)


def project_tools(project: Project) -> list[dict[str, str]]:
    """Environment managers the project uses (cheap: marker files at the root only)."""
    found = []
    for marker, tool, finder in _TOOL_MARKERS:
        if project.exists(marker):
            found.append({"tool": tool, "marker": marker, "find_python": finder})
    if not any(t["tool"] == "poetry" for t in found):
        text = project.read_text("pyproject.toml") if project.exists("pyproject.toml") else None
        if text and "[tool.poetry" in text:
            found.append(
                {"tool": "poetry", "marker": "pyproject.toml", "find_python": _TOOL_MARKERS[0][2]}
            )
    return found


def _state(project: Project, env: Environment | None) -> tuple[str, str | None]:
    venvs = project_venvs(project)
    own = venvs[0] if venvs else None
    if env is None or (not env.healthy and not env.is_venv):
        return "no-interpreter", own
    if env.is_venv and not env.healthy:
        return "venv-broken", venv_of_project_holding(project, env.interpreter) or own
    holding = venv_of_project_holding(project, env.interpreter)
    if holding is not None:
        return "ok", holding
    if own is not None:
        if not project_venv_environment(project, own).healthy:
            return "venv-broken", own
        return "venv-not-selected", own
    if not env.is_venv and not env.is_conda:
        return "no-venv", None
    return "ok", None


def environment_summary(project: Project) -> dict[str, Any]:
    """The `interpreter` object of `check --format json` and `env --format json`."""
    env = project_environment(project)
    state, own = _state(project, env)
    how = project.settings.get("interpreter_reason") or {
        "explicit": "chosen explicitly",
        "auto": "picked automatically",
    }.get(str(project.settings.get("interpreter_source")), "")
    return {
        "path": project.interpreter,
        "version": env.version_text if env else None,
        "is_venv": bool(env and env.is_venv),
        "venv_root": env.venv_root if env else None,
        "healthy": bool(env and env.healthy),
        "reason": (env.reason if env else "no interpreter was found") or None,
        "distributions": len(env.distributions) if env else 0,
        "state": state,
        "project_venv": own,
        "how_chosen": how,
        "source": project.settings.get("interpreter_source"),
        "externally_managed": bool(env and env.externally_managed),
        "project_tools": project_tools(project),
    }
