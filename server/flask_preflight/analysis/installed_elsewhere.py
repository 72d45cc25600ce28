"""Where else on this machine a missing distribution or module is installed (other venvs of the
project, the python3 on PATH, pyenv, ~/.virtualenvs, conda, the user site), read statically."""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from packaging.utils import canonicalize_name

from .environment.commands import select_interpreter
from .environment.distributions import read_distribution
from .environment.model import Environment
from .environment.project_environment import project_environment
from .environment.reading import read_environment
from .interpreters import venv_python
from .model import Finding, Fix
from .project import Project
from .requirements import declared_requirements

#: Directories never entered when looking for the workspace's venvs.
_SKIPPED_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".tox", ".nox"}
#: Directory entries looked at below the workspace root (a huge root stays cheap).
_WORKSPACE_BUDGET = 400
_USER_SITE_DIR = re.compile(r"^python(\d+)\.(\d+)t?$")


@dataclass(frozen=True)
class InstalledElsewhere:
    interpreter: str  # absolute path of that environment's python executable
    label: str  # how to name it to a user: "venv-old/", "the python3 on PATH", ...
    distribution: str  # the distribution's name as its metadata spells it
    version: str
    is_venv: bool


@dataclass(frozen=True)
class CandidateEnvironment:
    """One environment that is scanned: an interpreter, or a bare site dir (the user site)."""

    interpreter: str
    label: str
    is_venv: bool
    #: May the interpreter be run once to learn its site-packages (never inside the workspace).
    allow_exec: bool = False
    #: Set for the user site: the directory read directly (no interpreter owns it alone).
    site_dir: str | None = None
    #: False when selecting it as the interpreter would not give what was found (user site).
    selectable: bool = True
    #: The venv directory, or the interpreter's file, or the site dir: what makes it unique.
    location: str = ""

    def identity(self) -> tuple[int, int] | str:
        return _file_identity(self.location or self.site_dir or self.interpreter)


# --- what is scanned ---------------------------------------------------------------------------


def _home(environ: Mapping[str, str]) -> str:
    return environ.get("HOME") or os.path.expanduser("~")


def _tilde(path: str, environ: Mapping[str, str]) -> str:
    home = _home(environ)
    if home and home != "/" and (path == home or path.startswith(home + os.sep)):
        return "~" + path[len(home) :]
    return path


def _inside(path: str, root: str | None) -> bool:
    if not root:
        return False
    for candidate in {os.path.abspath(path), os.path.realpath(path)}:
        for base in {root, os.path.realpath(root)}:
            if candidate == base or candidate.startswith(base.rstrip(os.sep) + os.sep):
                return True
    return False


def _is_venv_dir(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))


def _subdirs(path: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(path) as entries:
            found = [e for e in entries if _is_dir(e)]
    except OSError:
        return []
    return sorted(found, key=lambda e: e.name)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _workspace_venvs(root: str) -> list[CandidateEnvironment]:
    """Venvs directly under the root, or one level below (backend/venv), in name order."""
    found: list[CandidateEnvironment] = []
    budget = _WORKSPACE_BUDGET
    level = [("", root)]
    for depth in range(2):
        below: list[tuple[str, str]] = []
        for relative, directory in level:
            for entry in _subdirs(directory):
                budget -= 1
                if budget < 0:
                    return found
                name = f"{relative}{entry.name}"
                if _is_venv_dir(entry.path):
                    python = venv_python(entry.path)
                    found.append(
                        CandidateEnvironment(python, f"{name}/", True, location=entry.path)
                    )
                elif depth == 0 and entry.name not in _SKIPPED_DIRS:
                    below.append((f"{name}/", entry.path))
        level = below
    return found


def _pyenv_root(environ: Mapping[str, str]) -> str:
    return environ.get("PYENV_ROOT") or os.path.join(_home(environ), ".pyenv")


def _pyenv_version(root: str | None, environ: Mapping[str, str], pyenv_root: str) -> str | None:
    """The version a pyenv shim would run (PYENV_VERSION, .python-version, the global file)."""
    chosen = environ.get("PYENV_VERSION")
    if not chosen and root:
        directory = os.path.abspath(root)
        while True:
            text = _read_first_line(os.path.join(directory, ".python-version"))
            if text:
                chosen = text
                break
            parent = os.path.dirname(directory)
            if parent == directory:
                break
            directory = parent
    if not chosen:
        chosen = _read_first_line(os.path.join(pyenv_root, "version"))
    if not chosen:
        return None
    first = chosen.replace(":", " ").split()[0]
    return None if first == "system" else first


def _read_first_line(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle.read(4096).splitlines():
                line = line.split("#", 1)[0].strip()
                if line:
                    return line
    except OSError:
        return None
    return None


def _through_shim(
    path: str, root: str | None, environ: Mapping[str, str]
) -> tuple[bool, str | None]:
    """(is it a pyenv shim, the interpreter it runs). A shim runs the version pyenv picks; for
    "system" (or a version that is not installed) it runs nothing of its own (None)."""
    pyenv_root = _pyenv_root(environ)
    shims = os.path.realpath(os.path.join(pyenv_root, "shims"))
    if os.path.realpath(os.path.dirname(os.path.abspath(path))) != shims:
        return False, path
    version = _pyenv_version(root, environ, pyenv_root)
    if version is None:
        return True, None
    versions = os.path.join(pyenv_root, "versions")
    if not os.path.isdir(os.path.join(versions, version)):
        # pyenv takes a prefix ("3.11") to mean the newest installed 3.11.x
        prefixed = [e.name for e in _subdirs(versions) if e.name.startswith(version + ".")]
        version = max(prefixed, key=_version_key) if prefixed else version
    python = os.path.join(versions, version, "bin", os.path.basename(path))
    return True, python if os.path.exists(python) else None


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else -1 for part in re.split(r"[.-]", name))


def _path_python(
    name: str, root: str | None, environ: Mapping[str, str]
) -> tuple[str, bool] | None:
    """`name` on PATH as the real executable (through a pyenv shim) and whether its layout is
    standard enough to read without running it."""
    search = environ.get("PATH", os.defpath)
    for directory in search.split(os.pathsep):
        if not directory:
            continue
        found = shutil.which(name, path=directory)
        if not found:
            continue
        found = os.path.abspath(found)
        shim, target = _through_shim(found, root, environ)
        if shim:
            if target is None:
                continue  # "system": the next python on PATH is the one that runs
            return target, True
        if _venv_root(found) is not None:
            return found, True
        return os.path.realpath(found), False
    return None


def _venv_root(interpreter: str) -> str | None:
    parent = os.path.dirname(os.path.abspath(interpreter))
    for candidate in (os.path.dirname(parent), parent):
        if _is_venv_dir(candidate):
            return candidate
    return None


def _interpreter_in(prefix: str) -> str | None:
    for name in ("bin/python3", "bin/python", "python.exe", "Scripts/python.exe"):
        path = os.path.join(prefix, *name.split("/"))
        if os.path.exists(path):
            return path
    return None


def _conda_prefixes(environ: Mapping[str, str]) -> list[str]:
    home = _home(environ)
    prefixes: list[str] = []
    text = None
    try:
        path = os.path.join(home, ".conda", "environments.txt")
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read(200_000)
    except OSError:
        pass
    for line in (text or "").splitlines():
        if line.strip():
            prefixes.append(line.strip())
    for base in ("miniconda3", "anaconda3", "miniforge3", "mambaforge"):
        prefixes.append(os.path.join(home, base))
        prefixes.extend(e.path for e in _subdirs(os.path.join(home, base, "envs")))
    if environ.get("CONDA_PREFIX"):
        prefixes.append(environ["CONDA_PREFIX"])
    return prefixes


def _conda_label(prefix: str) -> str:
    parent = os.path.basename(os.path.dirname(prefix))
    return f"conda env {os.path.basename(prefix)}" if parent == "envs" else "conda base"


def _user_sites(environ: Mapping[str, str]) -> list[CandidateEnvironment]:
    lib = os.path.join(_home(environ), ".local", "lib")
    found = []
    for entry in _subdirs(lib):
        match = _USER_SITE_DIR.match(entry.name)
        site = os.path.join(entry.path, "site-packages")
        if not match or not os.path.isdir(site):
            continue
        search = environ.get("PATH", os.defpath)
        python = shutil.which(f"python{match[1]}.{match[2]}", path=search) or ""
        label = f"the user site of python{match[1]}.{match[2]}"
        found.append(
            CandidateEnvironment(
                python, label, False, site_dir=site, selectable=False, location=site
            )
        )
    return found


def candidate_environments(
    root: Path | None, environ: Mapping[str, str] | None = None
) -> list[CandidateEnvironment]:
    """What is scanned, in this order, each environment once:

    1. venvs inside the workspace (a folder holding pyvenv.cfg, up to two levels down);
    2. `python3`, then `python`, on PATH (a pyenv shim is followed to the version it runs);
    3. pyenv versions (`$PYENV_ROOT/versions/*`, else `~/.pyenv/versions/*`);
    4. `~/.virtualenvs/*`;
    5. conda environments (`~/.conda/environments.txt`, `~/miniconda3/envs/*`,
       `~/anaconda3/envs/*`, `$CONDA_PREFIX`);
    6. the user site of each Python (`~/.local/lib/pythonX.Y/site-packages`).
    """
    env = os.environ if environ is None else environ
    root_text = str(root) if root is not None else None
    found: list[CandidateEnvironment] = []
    if root_text:
        found.extend(_workspace_venvs(os.path.abspath(root_text)))
    for name in ("python3", "python"):
        resolved = _path_python(name, root_text, env)
        if resolved is not None:
            python, static = resolved
            venv = _venv_root(python)
            inside = _inside(python, root_text)
            found.append(
                CandidateEnvironment(
                    python,
                    f"the {name} on PATH",
                    venv is not None,
                    allow_exec=not static and not inside,
                    location=venv or python,
                )
            )
    pyenv_versions = os.path.join(_pyenv_root(env), "versions")
    for entry in _subdirs(pyenv_versions):
        version_python = _interpreter_in(entry.path)
        if version_python:
            is_venv = _is_venv_dir(entry.path)
            found.append(
                CandidateEnvironment(
                    version_python,
                    f"pyenv {entry.name}",
                    is_venv,
                    location=entry.path if is_venv else version_python,
                )
            )
    for entry in _subdirs(os.path.join(_home(env), ".virtualenvs")):
        if _is_venv_dir(entry.path):
            python = venv_python(entry.path)
            found.append(
                CandidateEnvironment(python, _tilde(entry.path, env), True, location=entry.path)
            )
    for prefix in _conda_prefixes(env):
        conda_python = _interpreter_in(prefix) if os.path.isdir(prefix) else None
        if conda_python:
            found.append(CandidateEnvironment(conda_python, _conda_label(prefix), False))
    found.extend(_user_sites(env))
    unique: list[CandidateEnvironment] = []
    seen: set[tuple[int, int] | str] = set()
    for candidate in found:
        key = candidate.identity()
        if key not in seen:
            seen.add(key)
            unique.append(candidate)
    return unique


def _identity(interpreter: str) -> tuple[int, int] | str:
    """One key per environment: a venv by its directory (its python links to the base one),
    anything else by the file it runs."""
    return _file_identity(_venv_root(interpreter) or interpreter)


def _file_identity(path: str) -> tuple[int, int] | str:
    """(device, inode): one stat, cheaper than resolving every link on the way."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return os.path.abspath(path)
    return (info.st_dev, info.st_ino)


# --- reading them (statically, cached) ---------------------------------------------------------

_site_cache: dict[str, tuple[int | None, Environment]] = {}
_site_lock = threading.Lock()


def _mtime(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except (OSError, ValueError):
        return None


def _site_environment(candidate: CandidateEnvironment) -> Environment:
    """A bare site dir as an Environment, cached by its path and mtime."""
    site = candidate.site_dir or ""
    stamp = _mtime(site)
    with _site_lock:
        cached = _site_cache.get(site)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    env = Environment(interpreter=candidate.interpreter, site_packages=[site])
    try:
        names = sorted(os.listdir(site))
    except OSError:
        names = []
    for name in names:
        if name.endswith((".dist-info", ".egg-info")):
            dist = read_distribution(os.path.join(site, name), site)
            if dist is not None and dist.name not in env.distributions:
                env.distributions[dist.name] = dist
    with _site_lock:
        _site_cache[site] = (stamp, env)
    return env


_env_cache: dict[tuple[str, bool], tuple[tuple[object, ...], Environment]] = {}


def _env_stamp(env: Environment) -> tuple[object, ...]:
    """What changes when something is installed, removed or the venv is rebuilt."""
    parts: list[object] = [_mtime(env.interpreter)]
    if env.venv_root:
        parts.append(_mtime(os.path.join(env.venv_root, "pyvenv.cfg")))
    parts.extend(_mtime(p) for p in env.site_packages)
    return tuple(parts)


def _environment(candidate: CandidateEnvironment) -> Environment | None:
    """The candidate's environment, or None when it cannot be read. Served from a cache
    while the interpreter, pyvenv.cfg and every site-packages dir keep their mtimes (a warm
    look at 30 environments is then a few stats each)."""
    key = (candidate.interpreter, candidate.allow_exec)
    try:
        if candidate.site_dir is not None:
            env = _site_environment(candidate)
        else:
            with _site_lock:
                cached = _env_cache.get(key)
            if cached is not None and cached[0] == _env_stamp(cached[1]):
                env = cached[1]
            else:
                env = read_environment(candidate.interpreter, allow_exec=candidate.allow_exec)
                with _site_lock:
                    _env_cache[key] = (_env_stamp(env), env)
    except Exception:  # bad input (a dangling link, an unreadable dir) is skipped, not fatal
        return None
    if not env.healthy or not env.site_packages:
        return None
    return env


def _lookup(env: Environment, name: str, kind: str) -> tuple[str, str] | None:
    """(distribution as spelled, version) when `name` is installed in `env` (`name` is
    already canonical for kind "distribution")."""
    if kind == "module":
        owner = env.import_names().get(name)
        if owner is not None:
            dist = env.distributions.get(owner)
            if dist is not None:
                return dist.display_name, dist.version or ""
        if env.can_import(name):
            return name, ""
        return None
    dist = env.distributions.get(name)
    if dist is None:
        return None
    return dist.display_name, dist.version or ""


def _scan(
    root: Path | None, exclude: str | None, environ: Mapping[str, str] | None
) -> list[tuple[CandidateEnvironment, Environment]]:
    environ = os.environ if environ is None else environ
    excluded = None
    if exclude:
        # the chosen interpreter named through a pyenv shim is the version the shim runs
        excluded = _identity(
            _through_shim(exclude, str(root) if root else None, environ)[1] or exclude
        )
    readable = []
    for candidate in candidate_environments(root, environ):
        if excluded is not None and candidate.identity() == excluded:
            continue
        env = _environment(candidate)
        if env is not None:
            readable.append((candidate, env))
    return readable


def _where(
    scanned: list[tuple[CandidateEnvironment, Environment]], names: Iterable[str], kind: str
) -> dict[str, list[InstalledElsewhere]]:
    found: dict[str, list[InstalledElsewhere]] = {}
    wanted = {
        name: canonicalize_name(name) if kind == "distribution" else name for name in names if name
    }
    for candidate, env in scanned if wanted else ():
        for name, key in wanted.items():
            hit = _lookup(env, key, kind)
            if hit is not None:
                found.setdefault(name, []).append(
                    InstalledElsewhere(
                        candidate.interpreter, candidate.label, hit[0], hit[1], candidate.is_venv
                    )
                )
    return found


def find_installed_elsewhere(
    names: Iterable[str],
    *,
    root: Path | None,
    exclude: str | None,
    kind: str = "distribution",
    environ: Mapping[str, str] | None = None,
) -> dict[str, list[InstalledElsewhere]]:
    """For each name installed in another environment than `exclude`: where and which version.

    `names` are distribution names (kind "distribution") or top-level module names (kind
    "module"). Only names found somewhere are keys; each list is in scan order. `environ`
    (default: the process's) gives HOME, PATH, PYENV_ROOT, PYENV_VERSION and CONDA_PREFIX.
    """
    wanted = [n for n in names if n]
    if not wanted:
        return {}
    return _where(_scan(root, exclude, environ), wanted, kind)


# --- the findings' post-pass -------------------------------------------------------------------


def _chosen_name(env: Environment, root: Path) -> str:
    if env.is_venv and env.venv_root and _inside(env.venv_root, str(root)):
        relative = os.path.relpath(env.venv_root, root)
        return relative.replace(os.sep, "/")
    return env.interpreter


def _places(hits: list[InstalledElsewhere]) -> str:
    versions = {hit.version for hit in hits}
    spelled = hits[0].distribution
    if len(versions) == 1:
        version = f" {hits[0].version}" if hits[0].version else ""
        where = " and in ".join(hit.label for hit in hits)
        return f"{spelled}{version} is installed in {where}"
    where = " and in ".join(
        f"{hit.label} ({hit.version})" if hit.version else hit.label for hit in hits
    )
    return f"{spelled} is installed in {where}"


def _holds_requirements(project: Project, env: Environment) -> bool:
    """Whether `env` has every run-time requirement the project declares, at a version the
    declaration accepts (so selecting it fixes more than one line), on a Python the project
    runs on. A project that declares nothing gives no such certainty: no select fix then."""
    everything = declared_requirements(project)
    runtime = [d for d in everything.requirements if d.primary]
    if not runtime:
        return False
    if env.version is not None:
        version = env.version_text or ""
        if env.version < (3, 0, 0) or any(
            not python.specifier.contains(version, prereleases=True) for python in everything.python
        ):
            return False  # a Python the project does not run on
    for declared in runtime:
        if not env.marker_applies(declared.requirement.marker):
            continue
        dist = env.get(declared.name)
        if dist is None:
            return False
        specifier = declared.requirement.specifier
        if dist.version and specifier and not specifier.contains(dist.version, prereleases=True):
            return False
    return True


def annotate_installed_elsewhere(findings: list[Finding], project: Project) -> list[Finding]:
    """DEP001 and DEP005 findings say where else the missing name is installed, and offer to
    select that interpreter (when it also holds the rest of the requirements)."""
    dists = {
        canonicalize_name(str(f.data["distribution"]))
        for f in findings
        if f.rule == "DEP001" and f.data.get("distribution")
    }
    modules = {
        str(f.data["module"]) for f in findings if f.rule == "DEP005" and f.data.get("module")
    }
    if not dists and not modules:
        return findings
    env = project_environment(project)
    if env is None:
        return findings
    scanned = _scan(project.root, env.interpreter, None)
    by_dist = _where(scanned, dists, "distribution")
    by_module = _where(scanned, modules, "module")
    if not by_dist and not by_module:
        return findings
    hit_interpreters = {
        h.interpreter for hits in (*by_dist.values(), *by_module.values()) for h in hits
    }
    holds = {
        candidate.interpreter: candidate.selectable and _holds_requirements(project, other)
        for candidate, other in scanned
        if candidate.interpreter in hit_interpreters
    }
    here = _chosen_name(env, project.root)
    annotated = []
    for finding in findings:
        hits: list[InstalledElsewhere] | None = None
        if finding.rule == "DEP001" and finding.data.get("distribution"):
            hits = by_dist.get(canonicalize_name(str(finding.data["distribution"])))
        elif finding.rule == "DEP005" and finding.data.get("module"):
            hits = by_module.get(str(finding.data["module"]))
        if not hits:
            annotated.append(finding)
            continue
        data = dict(finding.data)
        data["installed_elsewhere"] = [
            {
                "interpreter": hit.interpreter,
                "label": hit.label,
                "distribution": hit.distribution,
                "version": hit.version,
                "is_venv": hit.is_venv,
            }
            for hit in hits
        ]
        select = tuple(
            Fix(
                f"Select {hit.label} ({hit.interpreter}) as the interpreter",
                command=select_interpreter(hit.interpreter),
            )
            for hit in hits
            if holds.get(hit.interpreter)
        )
        annotated.append(
            replace(
                finding,
                message=f"{finding.message} {_places(hits)}, not in {here}.",
                fixes=(*select, *finding.fixes),
                data=data,
            )
        )
    return annotated
