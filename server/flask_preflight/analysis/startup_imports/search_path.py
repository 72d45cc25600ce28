"""Where the target interpreter finds a module: its standard library, then its site-packages
(plus directories `.pth` files add), found from files alone; nothing is imported or run.

A module resolves to Python source (whose facts can be read), or to something whose contents
cannot be read statically (a compiled extension, a namespace package, a built-in): those are
`unknown`, and nothing is ever claimed about them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from ..environment.layout import read_pyvenv_cfg
from ..environment.model import Environment

_EXTENSION = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(\.[^.]+)?\.(so|pyd|dylib)$")


@dataclass(frozen=True)
class Located:
    """A module found on the search path.

    kind: "source" (a .py file, `path`), "package" (`path` is its __init__.py, `dirs` the
    directory searched for submodules), "namespace" (`dirs` its portions), or "opaque"
    (compiled, built in or otherwise unreadable).
    origin: "stdlib" or "site" (which directory of the search path it came from).
    """

    name: str
    kind: str
    path: str | None
    dirs: tuple[str, ...] = ()
    origin: str = "site"
    site_dir: str | None = None

    @property
    def readable(self) -> bool:
        return self.kind in ("source", "package") and self.path is not None


@dataclass
class SearchPath:
    """The target interpreter's module search path after the project's own directories."""

    stdlib: list[str] = field(default_factory=list)
    site: list[str] = field(default_factory=list)
    #: a `.pth` file runs code at start (an editable install's finder): a top-level module we
    #: cannot find may still be importable
    executable_pth: bool = False
    _listings: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _found: dict[str, Located | None] = field(default_factory=dict, repr=False)

    def listing(self, directory: str) -> frozenset[str]:
        entries = self._listings.get(directory)
        if entries is None:
            try:
                entries = frozenset(os.listdir(directory))
            except OSError:
                entries = frozenset()
            self._listings[directory] = entries
        return entries

    def find(self, dotted: str) -> Located | None:
        """The module `import dotted` loads, or None when no directory holds it."""
        if dotted in self._found:
            return self._found[dotted]
        head, _, last = dotted.rpartition(".")
        if head:
            parent = self.find(head)
            if parent is None:
                found = None
            elif parent.kind not in ("package", "namespace"):
                found = Located(dotted, "opaque", None, origin=parent.origin)
            else:
                dirs = [(d, parent.origin) for d in parent.dirs]
                found = self._search(dotted, last, dirs, parent.site_dir)
        else:
            dirs = [(d, "stdlib") for d in self.stdlib] + [(d, "site") for d in self.site]
            found = self._search(dotted, last, dirs, None)
        self._found[dotted] = found
        return found

    def _search(
        self, dotted: str, name: str, dirs: list[tuple[str, str]], site_dir: str | None
    ) -> Located | None:
        portions: list[str] = []
        portion_origin = "site"
        for directory, origin in dirs:
            entries = self.listing(directory)
            where = site_dir or (directory if origin == "site" else None)
            if name in entries:
                package = os.path.join(directory, name)
                inner = self.listing(package)
                if "__init__.py" in inner:
                    init = os.path.join(package, "__init__.py")
                    return Located(dotted, "package", init, (package,), origin, where)
                if any(_EXTENSION.match(e) and e.startswith("__init__.") for e in inner):
                    return Located(dotted, "opaque", None, origin=origin, site_dir=where)
                if inner:  # a directory: a namespace portion, unless a module is found later
                    portions.append(package)
                    portion_origin = origin
            # the import system tries extension modules before source, then bytecode
            for entry in entries:
                if entry.startswith(name + ".") and entry != f"{name}.py":
                    match = _EXTENSION.match(entry)
                    if match and match["name"] == name:
                        return Located(dotted, "opaque", None, origin=origin, site_dir=where)
            if f"{name}.py" in entries:
                return Located(
                    dotted, "source", os.path.join(directory, f"{name}.py"), (), origin, where
                )
            if f"{name}.pyc" in entries:
                return Located(dotted, "opaque", None, origin=origin, site_dir=where)
        if portions:
            return Located(dotted, "namespace", None, tuple(portions), portion_origin, site_dir)
        return None


def stdlib_dirs(env: Environment) -> list[str]:
    """The target Python's standard library directory (and lib-dynload), from its files:
    for a venv, pyvenv.cfg `home` names the base interpreter's bin directory."""
    if env.version is None:
        return []
    prefixes: list[str] = []
    if env.is_venv and env.venv_root:
        home = read_pyvenv_cfg(os.path.join(env.venv_root, "pyvenv.cfg")).get("home") or env.home
        if home:
            prefixes.append(os.path.dirname(home) if os.path.basename(home) in ("bin",) else home)
    else:
        real = os.path.realpath(env.interpreter)
        prefixes.append(os.path.dirname(os.path.dirname(real)))
    major, minor = env.version[0], env.version[1]
    found: list[str] = []
    for prefix in prefixes:
        for lib in (f"lib/python{major}.{minor}", f"lib64/python{major}.{minor}", "Lib"):
            directory = os.path.join(prefix, *lib.split("/"))
            if os.path.isfile(os.path.join(directory, "os.py")):
                found.append(directory)
                dynload = os.path.join(directory, "lib-dynload")
                if os.path.isdir(dynload):
                    found.append(dynload)
                break
        if found:
            break
    return found


_HARMLESS_PTH = ("distutils-precedence.pth", "_virtualenv.pth")


def _pth_dirs(site: str) -> tuple[list[str], bool]:
    dirs: list[str] = []
    executable = False
    try:
        names = sorted(n for n in os.listdir(site) if n.endswith(".pth"))
    except OSError:
        return dirs, executable
    for name in names:
        try:
            with open(os.path.join(site, name), encoding="utf-8", errors="replace") as handle:
                lines = handle.read(64_000).splitlines()
        except OSError:
            continue
        for line in lines:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith(("import ", "import\t")):
                if name not in _HARMLESS_PTH:
                    executable = True
                continue
            path = os.path.normpath(os.path.join(site, line))
            if os.path.isdir(path) and path not in dirs:
                dirs.append(path)
    return dirs, executable


def search_path(env: Environment) -> SearchPath:
    """The search path of `env` (memoized on the environment object, which is re-read when
    site-packages change)."""
    cached = env.derived.get("startup-imports:search-path")
    if isinstance(cached, SearchPath):
        return cached
    path = SearchPath(stdlib=stdlib_dirs(env))
    for site in env.site_packages:
        path.site.append(site)
        extra, executable = _pth_dirs(site)
        path.site.extend(d for d in extra if d not in path.site)
        path.executable_pth = path.executable_pth or executable
    env.derived["startup-imports:search-path"] = path
    return path
