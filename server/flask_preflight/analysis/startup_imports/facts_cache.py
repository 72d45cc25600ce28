"""Module facts kept across sessions: on disk (SQLite, outside the workspace) keyed by the
file's path, size and mtime and the target interpreter, and in memory as facts only.

The cache directory is `$FLASK_PREFLIGHT_CACHE_DIR`, else `$XDG_CACHE_HOME/flask-preflight`,
else `~/.cache/flask-preflight`. A cache that cannot be opened or written is skipped: facts are
then computed each session, never wrong.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections import OrderedDict
from typing import Any

from . import facts as facts_module
from .facts import FACTS_VERSION, ModuleFacts, Target, extract_facts

#: Facts of this many files stay in memory (a few KB each at most).
MEMORY_ENTRIES = 20_000
#: Sources bigger than this are read in a short-lived child process: a tree takes about 45
#: times its source in memory (a 400 KB module: 18 MB), which the server would keep as peak.
BIG_SOURCE = 160_000
#: Facts computed are written to disk in batches of this many.
FLUSH_EVERY = 256
#: Replay results kept for warm re-checks (one per start module and environment).
LINK_ENTRIES = 64

CACHE_ENV = "FLASK_PREFLIGHT_CACHE_DIR"


def cache_dir() -> str:
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "flask-preflight")


Key = tuple[str, int, int, str]


class FactsCache:
    """Facts of files by (path, size, mtime, target); thread-safe."""

    def __init__(self, directory: str | None = None) -> None:
        self.directory = directory
        self._memory: OrderedDict[Key, ModuleFacts] = OrderedDict()
        self._lock = threading.Lock()
        self._db: Any = None
        self._db_failed = False
        self._pending: list[tuple[str, int, int, str, str]] = []
        self._links: OrderedDict[tuple[Any, ...], tuple[Any, Any, Any]] = OrderedDict()
        self.computed = 0  # files parsed (for tests and the bench)
        self.loaded = 0  # files read from disk
        self.reused = 0  # replays answered from memory (nothing they read had changed)
        self._child = _ChildReader()

    # --- disk -------------------------------------------------------------------------------

    def _connect(self) -> Any:
        if self._db is not None or self._db_failed:
            return self._db
        try:
            import sqlite3

            directory = self.directory or cache_dir()
            os.makedirs(directory, exist_ok=True)
            path = os.path.join(directory, f"module-facts-v{FACTS_VERSION}.sqlite3")
            db = sqlite3.connect(path, timeout=5, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS facts (path TEXT, size INTEGER, mtime INTEGER, "
                "target TEXT, data TEXT, PRIMARY KEY (path, target))"
            )
            self._db = db
        except Exception:
            self._db_failed = True
            self._db = None
        return self._db

    def _load(self, key: Key) -> ModuleFacts | None:
        db = self._connect()
        if db is None:
            return None
        path, size, mtime, target = key
        try:
            row = db.execute(
                "SELECT size, mtime, data FROM facts WHERE path = ? AND target = ?",
                (path, target),
            ).fetchone()
        except Exception:
            return None
        if row is None or row[0] != size or row[1] != mtime:
            return None
        try:
            return ModuleFacts.from_json(json.loads(row[2]))
        except Exception:
            return None

    def finish(self) -> None:
        """The end of a run: write what was computed, stop the child reading big sources."""
        self.flush()
        self._child.stop()

    def flush(self) -> None:
        """Write the facts computed since the last flush (one transaction)."""
        with self._lock:
            pending, self._pending = self._pending, []
        if not pending:
            return
        db = self._connect()
        if db is None:
            return
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO facts VALUES (?, ?, ?, ?, ?)", pending)
        except Exception:
            pass

    # --- lookups ----------------------------------------------------------------------------

    def facts(self, path: str, target: Target) -> ModuleFacts | None:
        """The facts of the source file at `path` for `target`; None when it cannot be read."""
        return self.facts_and_stamp(path, target)[0]

    def facts_and_stamp(
        self, path: str, target: Target
    ) -> tuple[ModuleFacts | None, tuple[int, int] | None]:
        """The facts, and the (size, mtime in ns) they were read at (None: unreadable)."""
        try:
            info = os.stat(path)
        except OSError:
            return None, None
        stamp = (info.st_size, info.st_mtime_ns)
        return self._facts(path, stamp, target), stamp

    def _facts(self, path: str, stamp: tuple[int, int], target: Target) -> ModuleFacts | None:
        key: Key = (path, stamp[0], stamp[1], target.key)
        with self._lock:
            found = self._memory.get(key)
            if found is not None:
                self._memory.move_to_end(key)
                return found
        found = self._load(key)
        if found is not None:
            self.loaded += 1
        else:
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:
                return None
            encoded = None
            if len(data) > BIG_SOURCE:
                encoded = self._child.facts_json(path, target)
            if encoded is None:
                encoded = json.dumps(extract_facts(data, target, path).to_json())
            # Kept: the facts as a warm session reads them, allocated after the tree was
            # freed (facts built beside a tree pin its memory: a big venv's cold read would
            # leave the server holding the trees' pages).
            found = ModuleFacts.from_json(json.loads(encoded)) or ModuleFacts(open=True)
            self.computed += 1
            with self._lock:
                self._pending.append((path, key[1], key[2], target.key, encoded))
                full = len(self._pending) >= FLUSH_EVERY
            if full:
                self.flush()  # a cold read of a big venv holds a bounded batch, not all
        with self._lock:
            self._memory[key] = found
            while len(self._memory) > MEMORY_ENTRIES:
                self._memory.popitem(last=False)
        return found

    def clear_memory(self) -> None:
        with self._lock:
            self._memory.clear()
            self._links.clear()

    # --- replay results ---------------------------------------------------------------------

    def link_result(self, search: object, key: tuple[Any, ...]) -> tuple[Any, Any] | None:
        """(result, inputs) of the last replay of `key` over this very search path (the
        search path object lives as long as its environment is unchanged)."""
        with self._lock:
            found = self._links.get((id(search), key))
            if found is None or found[0] is not search:
                return None
            self._links.move_to_end((id(search), key))
            return found[1], found[2]

    def keep_link_result(
        self, search: object, key: tuple[Any, ...], result: Any, inputs: Any
    ) -> None:
        with self._lock:
            self._links[(id(search), key)] = (search, result, inputs)
            self._links.move_to_end((id(search), key))
            while len(self._links) > LINK_ENTRIES:
                self._links.popitem(last=False)


class _ChildReader:
    """facts.py run as a script in a child process, reading big sources on request; started
    on the first one of a run and stopped at its end (`FactsCache.finish`)."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self._failed = False
        self._lock = threading.Lock()

    def facts_json(self, path: str, target: Target) -> str | None:
        """The facts of `path` as JSON; None when the child cannot answer (the caller then
        reads the file itself)."""
        if "\t" in path or "\n" in path:
            return None
        request = "\t".join([path, *map(str, target.version), target.sys_platform, target.os_name])
        with self._lock:
            process = self._start()
            if process is None or process.stdin is None or process.stdout is None:
                return None
            try:
                process.stdin.write(request + "\n")
                process.stdin.flush()
                answer = process.stdout.readline()
            except (OSError, ValueError):
                self._stop()
                self._failed = True
                return None
        if not answer.strip() or answer.strip() == "null":
            return None
        try:
            ModuleFacts.from_json(json.loads(answer))
        except ValueError:
            return None
        return answer

    def _start(self) -> subprocess.Popen[str] | None:
        if self._process is None and not self._failed:
            script = facts_module.__file__ or ""
            try:
                self._process = subprocess.Popen(
                    [sys.executable, "-S", "-E", script],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    text=True,
                    encoding="utf-8",
                )
            except (OSError, ValueError):
                self._failed = True
        return self._process

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        try:
            if process.stdin is not None:
                process.stdin.close()
            process.wait(timeout=5)
        except (OSError, subprocess.SubprocessError):
            process.kill()
            process.wait()
        finally:
            if process.stdout is not None:
                process.stdout.close()

    def stop(self) -> None:
        with self._lock:
            self._stop()


_shared: FactsCache | None = None
_shared_lock = threading.Lock()


def shared_cache() -> FactsCache:
    """The process-wide cache (its directory read from the environment on first use)."""
    global _shared
    with _shared_lock:
        if _shared is None or (_shared.directory or cache_dir()) != cache_dir():
            _shared = FactsCache(cache_dir())
        return _shared
