"""Module facts kept across sessions: on disk (SQLite, outside the workspace) keyed by the
file's path, size and mtime and the target interpreter, and in memory as facts only.

The cache directory is `$FLASK_PREFLIGHT_CACHE_DIR`, else `$XDG_CACHE_HOME/flask-preflight`,
else `~/.cache/flask-preflight`. A cache that cannot be opened or written is skipped: facts are
then computed each session, never wrong.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
from collections import OrderedDict, deque
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
            # Big sources always go to the child (which reads the file itself); others only
            # when it was asked ahead.
            encoded = self._child.facts_json(path, target, required=stamp[0] > BIG_SOURCE)
            found = _decoded(encoded)
            if encoded is None or found is None:  # not asked, or a garbled answer: read here
                try:
                    with open(path, "rb") as handle:
                        data = handle.read()
                except OSError:
                    return None
                encoded = json.dumps(extract_facts(data, target, path).to_json())
                # Kept: the facts as a warm session reads them, allocated after the tree was
                # freed (facts built beside a tree pin its memory: a big venv's cold read
                # would leave the server holding the trees' pages).
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

    def prefetch(self, path: str, target: Target) -> None:
        """`path` will be needed soon: have the child read it ahead unless it is known."""
        try:
            info = os.stat(path)
        except OSError:
            return
        key: Key = (path, info.st_size, info.st_mtime_ns, target.key)
        with self._lock:
            if key in self._memory:
                return
        found = self._load(key)
        if found is None:
            self._child.prefetch(path, target)
            return
        self.loaded += 1
        with self._lock:
            self._memory[key] = found

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


def _decoded(encoded: str | None) -> ModuleFacts | None:
    """Facts from the child's JSON answer; None when there is none or it does not decode."""
    if encoded is None:
        return None
    try:
        return ModuleFacts.from_json(json.loads(encoded)) or ModuleFacts(open=True)
    except Exception:
        return None


class _ChildReader:
    """facts.py run as a script in a child process, reading sources on request; started on
    the first one of a run and stopped at its end (`FactsCache.finish`).

    Big sources are always read there (their trees never land in the server). On POSIX it
    also reads ahead: `prefetch` names modules the replay will need soon, and the child reads
    them on the second core while the replay goes on (at most `WINDOW` asked at a time, the
    most recently named first: a replay goes depth first). A module the replay reaches before
    the child was asked for it is read by the caller, and dropped from the wishes."""

    #: Requests sent and not yet answered, at most.
    WINDOW = 3

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._failed = False
        self._lock = threading.Lock()
        self._buffer = b""
        self._in_flight: deque[str] = deque()  # requests sent, in order, not yet answered
        self._ready: dict[str, str] = {}  # request -> its answer, read before it was needed
        self._wanted: list[str] = []  # requests to send, the last one first

    @staticmethod
    def _request(path: str, target: Target) -> str | None:
        if "\t" in path or "\n" in path:
            return None
        return "\t".join([path, *map(str, target.version), target.sys_platform, target.os_name])

    def prefetch(self, path: str, target: Target) -> None:
        """Wish for `path` to be read ahead (POSIX only: reading ahead polls the pipe)."""
        request = self._request(path, target)
        if request is None or os.name == "nt":
            return
        with self._lock:
            if self._failed or request in self._ready or request in self._in_flight:
                return
            self._wanted.append(request)
            self._feed()

    def facts_json(self, path: str, target: Target, required: bool = True) -> str | None:
        """The facts of `path` as JSON: from the child (asked now when `required`, else only
        when it was already asked); None when the child cannot answer (or, not `required`,
        was not asked: the caller then reads the file itself)."""
        request = self._request(path, target)
        if request is None:
            return None
        with self._lock:
            if request in self._wanted:
                self._wanted.remove(request)
            self._collect()
            answer = self._ready.pop(request, None)
            if answer is None and required:
                if request not in self._in_flight and not self._send(request):
                    return None
                answer = self._answer_to(request)
            # Not required and not read yet: the caller reads it (never idle waiting); the
            # child's answer, if it comes, is dropped at the run's end.
            self._feed()
        if answer is None or not answer.strip() or answer.strip() == "null":
            return None
        return answer

    # --- under the lock ---------------------------------------------------------------------

    def _feed(self) -> None:
        """Collect the answers already written, and keep the child busy with the wishes."""
        self._collect()
        while self._wanted and len(self._in_flight) < self.WINDOW:
            request = self._wanted.pop()
            fresh = request not in self._ready and request not in self._in_flight
            if fresh and not self._send(request):
                return

    def _send(self, request: str) -> bool:
        process = self._start()
        if process is None or process.stdin is None:
            return False
        try:
            process.stdin.write(request.encode("utf-8") + b"\n")
            process.stdin.flush()
        except (OSError, ValueError):
            self._broken()
            return False
        self._in_flight.append(request)
        return True

    def _answer_to(self, request: str) -> str | None:
        """Read answers in order until `request`'s (keeping the others)."""
        while self._in_flight:
            line = self._read_line(block=True)
            if line is None:
                return None
            answered = self._in_flight.popleft()
            if answered == request:
                return line
            self._ready[answered] = line
        return None

    def _collect(self) -> None:
        while self._in_flight:
            line = self._read_line(block=False)
            if line is None:
                return
            self._ready[self._in_flight.popleft()] = line

    def _read_line(self, block: bool) -> str | None:
        process = self._process
        if process is None or process.stdout is None:
            return None
        descriptor = process.stdout.fileno()
        while b"\n" not in self._buffer:
            try:
                if not block and not select.select([descriptor], [], [], 0)[0]:
                    return None
                chunk = os.read(descriptor, 1 << 16)
            except (OSError, ValueError):
                chunk = b""
            if not chunk:
                self._broken()
                return None
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line.decode("utf-8", "replace")

    def _broken(self) -> None:
        self._stop()
        self._failed = True

    def _start(self) -> subprocess.Popen[bytes] | None:
        if self._process is None and not self._failed:
            script = facts_module.__file__ or ""
            try:
                self._process = subprocess.Popen(
                    [sys.executable, "-S", "-E", script],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )
            except (OSError, ValueError):
                self._failed = True
        return self._process

    def _stop(self) -> None:
        process, self._process = self._process, None
        self._buffer = b""
        self._in_flight.clear()
        self._ready.clear()
        self._wanted.clear()
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
