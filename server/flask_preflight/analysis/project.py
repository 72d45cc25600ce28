"""The Project snapshot: which files matter, their text (editor buffers first) and parse cache."""

from __future__ import annotations

import fnmatch
import os
import stat
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .file_kinds import is_project_file
from .source import PythonModule, SourceText

MAX_FILE_SIZE = 1_000_000
MAX_FILES = 20_000
MAX_ENTRIES = 500_000

#: Directory names never worth reading: VCS data, caches, build output, dependencies.
IGNORED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "__pycache__",
        "node_modules",
        "site-packages",
        "dist-packages",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
        ".eggs",
        "build",
        "dist",
        ".idea",
        ".cache",
    }
)


def _symlink_note(path: str) -> str:
    if os.path.isdir(path):
        # Not followed: a link can lead out of the project or back into itself.
        return "skipped symbolic link to a directory (not followed)"
    try:
        os.stat(path)
    except OSError as error:
        if error.strerror:
            return f"skipped symbolic link that does not resolve: {error.strerror}"
    return "skipped symbolic link that does not resolve"


@dataclass
class Note:
    """Something skipped or worth knowing that is not a finding (shown in verbose output)."""

    path: str
    message: str


@dataclass(frozen=True)
class InternalError:
    """A bug in Flask Preflight itself: a check or a parser raised. Never a finding, never
    silent: the CLI prints it and exits 2, the language server logs it and says so once."""

    where: str  # what was running ("check check_targets on .", "reading Procfile")
    error: BaseException
    detail: str  # the formatted traceback

    def summary(self) -> str:
        return f"{self.where}: {self.error!r}"


class NoteList(list[Note]):
    """Notes without repeats, and only so many of them: a language server keeps one Project
    for days, re-reading the same unreadable files after every change."""

    LIMIT = 1000

    def append(self, note: Note) -> None:
        if len(self) < self.LIMIT and note not in self:
            super().append(note)


@dataclass
class _Cached:
    text: str
    module: PythonModule | None = None


@dataclass
class Project:
    """Everything the checks read about one workspace folder.

    Open editor buffers (`overrides`) win over files on disk. Reads never raise: a file that
    cannot be read (binary, too large, not UTF-8, gone) yields None and a Note.
    """

    root: Path
    overrides: dict[str, str] = field(default_factory=dict)
    interpreter: str | None = None
    trusted: bool = True
    exclude: tuple[str, ...] = ()
    max_file_size: int = MAX_FILE_SIZE
    max_files: int = MAX_FILES
    max_entries: int = MAX_ENTRIES
    settings: dict[str, Any] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=NoteList)
    #: internal errors since the front end last took them (see `record_error`)
    errors: list[InternalError] = field(default_factory=list)
    _files: list[str] | None = field(default=None, repr=False)
    _venv_dirs: list[str] = field(default_factory=list, repr=False)
    _texts: dict[str, _Cached] = field(default_factory=dict, repr=False)
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)
    # key -> (value, the files it was derived from); file -> keys derived from it
    _derived: dict[str, tuple[Any, frozenset[str]]] = field(default_factory=dict, repr=False)
    _derived_from: dict[str, set[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.root = Path(os.path.abspath(self.root))

    # --- the file list ---------------------------------------------------------------------

    def files(self) -> list[str]:
        """Root-relative, '/'-separated paths of every project file, sorted (scanned once)."""
        if self._files is None:
            self._files = sorted(set(self._scan()) | {p for p in self.overrides if self._wanted(p)})
        return self._files

    def python_files(self) -> list[str]:
        return [path for path in self.files() if path.endswith(".py")]

    def venv_dirs(self) -> list[str]:
        """Root-relative directories holding a pyvenv.cfg, found by the scan (not entered)."""
        self.files()
        return list(self._venv_dirs)

    def _wanted(self, relpath: str) -> bool:
        return is_project_file(relpath) and not self._excluded(relpath)

    def _excluded(self, relpath: str) -> bool:
        return any(
            fnmatch.fnmatchcase(relpath, pattern) or fnmatch.fnmatchcase(relpath, pattern + "/*")
            for pattern in self.exclude
        )

    def _scan(self) -> Iterator[str]:
        count = 0
        visited = 0
        stack = [""]
        while stack:
            reldir = stack.pop()
            absdir = self.root / reldir if reldir else self.root
            try:
                with os.scandir(absdir) as entries:
                    listing = sorted(entries, key=lambda entry: entry.name)
            except OSError as error:
                self.notes.append(Note(reldir or ".", f"skipped unreadable directory: {error}"))
                continue
            # Bounded time on huge trees that hold no project files at all (data, media).
            visited += len(listing)
            if visited > self.max_entries:
                self.notes.append(
                    Note(
                        reldir or ".",
                        f"stopped scanning after {self.max_entries} directory entries "
                        "(the scan limit)",
                    )
                )
                return
            subdirs: list[str] = []
            for entry in listing:
                relpath = f"{reldir}/{entry.name}" if reldir else entry.name
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if self._enter_dir(entry, relpath):
                            subdirs.append(relpath)
                        continue
                    if not entry.is_file(follow_symlinks=True):
                        if entry.is_symlink():
                            self.notes.append(Note(relpath, _symlink_note(entry.path)))
                        continue
                except OSError as error:
                    self.notes.append(Note(relpath, f"skipped: {error}"))
                    continue
                if not self._wanted(relpath):
                    continue
                count += 1
                if count > self.max_files:
                    self.notes.append(
                        Note(".", f"stopped after {self.max_files} files (the scan limit)")
                    )
                    return
                yield relpath
            stack.extend(reversed(subdirs))

    def _enter_dir(self, entry: os.DirEntry[str], relpath: str) -> bool:
        name = entry.name
        if name in IGNORED_DIRS or name.endswith(".egg-info") or self._excluded(relpath):
            return False
        if os.path.exists(os.path.join(entry.path, "pyvenv.cfg")):
            self._venv_dirs.append(relpath)
            return False
        # conda environments and other interpreters' trees
        return not os.path.isdir(os.path.join(entry.path, "conda-meta"))

    # --- text and parse cache ----------------------------------------------------------------

    def abspath(self, relpath: str) -> Path:
        return self.root.joinpath(*relpath.split("/"))

    def relpath(self, path: os.PathLike[str] | str) -> str | None:
        """Root-relative '/' path of an absolute path, or None when it lies outside the root."""
        try:
            rel = Path(os.path.abspath(path)).relative_to(self.root)
        except ValueError:
            return None
        return rel.as_posix()

    def exists(self, relpath: str) -> bool:
        if relpath in self.overrides:
            return True
        try:
            return self.abspath(relpath).exists()
        except OSError:  # a name too long for the file system, a loop: not there to read
            return False

    def read_text(self, relpath: str) -> str | None:
        if relpath in self.overrides:
            buffer = self.overrides[relpath]
            if len(buffer) > self.max_file_size:
                # An editor buffer gets the same cap as a file: bounded work per keystroke.
                self.notes.append(
                    Note(relpath, f"skipped: {len(buffer)} characters is over the size limit")
                )
                return None
            return buffer
        cached = self._texts.get(relpath)
        if cached is not None:
            return cached.text
        text = self._read_disk(relpath)
        if text is not None:
            self._texts[relpath] = _Cached(text)
        return text

    def _read_disk(self, relpath: str) -> str | None:
        path = self.abspath(relpath)
        try:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode):
                return None
            if info.st_size > self.max_file_size:
                self.notes.append(
                    Note(relpath, f"skipped: {info.st_size} bytes is over the size limit")
                )
                return None
            data = path.read_bytes()
        except FileNotFoundError:
            return None  # asking whether an optional file is there is not a skip
        except OSError as error:
            self.notes.append(Note(relpath, f"skipped: {error.strerror or error}"))
            return None
        if b"\0" in data:
            self.notes.append(Note(relpath, "skipped: binary file"))
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            self.notes.append(Note(relpath, "skipped: not UTF-8 text"))
            return None
        return text[1:] if text.startswith("\ufeff") else text

    def source(self, relpath: str) -> SourceText | None:
        text = self.read_text(relpath)
        return None if text is None else SourceText(text)

    def module(self, relpath: str) -> PythonModule | None:
        """The parsed module (parsed once per distinct text and shared by every check)."""
        text = self.read_text(relpath)
        if text is None:
            return None
        cached = self._texts.get(relpath)
        if cached is None or cached.text != text:
            cached = self._texts[relpath] = _Cached(text)
        if cached.module is None:
            cached.module = PythonModule.parse(relpath, text)
        return cached.module

    def modules(self) -> Iterable[PythonModule]:
        for relpath in self.python_files():
            module = self.module(relpath)
            if module is not None:
                yield module

    # --- updates (editor buffers, watched files) ---------------------------------------------

    def set_override(self, relpath: str, text: str) -> None:
        self.overrides[relpath] = text
        self._changed(relpath, new_file=True)

    def clear_override(self, relpath: str) -> None:
        self.overrides.pop(relpath, None)
        self._changed(relpath)
        if not self.abspath(relpath).exists():
            self._forget_derived()  # an unsaved new file is gone: imports may resolve elsewhere

    def file_changed(self, relpath: str, *, created_or_deleted: bool = False) -> None:
        """A file changed on disk: drop what was read from it (and the file list if needed)."""
        self._changed(relpath, new_file=created_or_deleted)
        if created_or_deleted:
            self._forget_derived()
            self._files = None
            self._venv_dirs = []

    def _changed(self, relpath: str, new_file: bool = False) -> None:
        self._texts.pop(relpath, None)
        self._memo.clear()
        for key in self._derived_from.pop(relpath, ()):
            self._derived.pop(key, None)
        known = self._files
        if new_file and known is not None and relpath not in known:
            self._forget_derived()  # a new file: imports may now resolve to it
        if new_file and known is not None and relpath not in known and self._wanted(relpath):
            self._files = sorted([*known, relpath])

    def record_error(self, where: str, error: BaseException) -> None:
        """Record a bug caught while analysing (call it from an `except` block): the analysis
        goes on without that part, and the front end shows the error (once per place)."""
        if any(e.where == where and repr(e.error) == repr(error) for e in self.errors):
            return
        if len(self.errors) < NoteList.LIMIT:
            detail = "".join(traceback.format_exception(type(error), error, error.__traceback__))
            self.errors.append(InternalError(where, error.with_traceback(None), detail))

    def memo(self, key: str) -> Any:
        """Derived, project-wide data cached until any file changes (see `remember`)."""
        return self._memo.get(key)

    def remember(self, key: str, value: Any) -> Any:
        self._memo[key] = value
        return value

    def derived(self, key: str) -> Any:
        """Data derived from some files, kept until one of them changes (see `keep_derived`):
        an edit to one module keeps what was derived from the others."""
        entry = self._derived.get(key)
        return None if entry is None else entry[0]

    def derived_sources(self, key: str) -> frozenset[str]:
        entry = self._derived.get(key)
        return frozenset() if entry is None else entry[1]

    def keep_derived(self, key: str, value: Any, sources: Iterable[str]) -> Any:
        files = frozenset(sources)
        self._derived[key] = (value, files)
        for path in files:
            self._derived_from.setdefault(path, set()).add(key)
        return value

    def _forget_derived(self) -> None:
        self._derived.clear()
        self._derived_from.clear()
