"""Language server timings over real stdio: didChange -> publishDiagnostics latency over 200
edits of a 2,000-line module, process start -> first diagnostics beside the bare
`import pygls.lsp.server` measured in the same run, and resident memory after the initial scan
of a generated 5,000-file workspace. Prints figures and ratios against same-run baselines
(`ast.parse` of the same text; the bare pygls import); asserts nothing.

`--server DIR ...` measures each given server package directory in turn, interleaved, for a
before/after comparison in one run (e.g. a checkout of main beside this one)."""

from __future__ import annotations

import argparse
import ast
import asyncio
import atexit
import contextlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from bench_analysis import flask_module  # type: ignore[import-not-found]

REPO = Path(__file__).resolve().parent.parent
SERVER = [sys.executable, "-m", "flask_preflight", "lsp"]
ENV = {**os.environ, "PYTHONPATH": str(REPO / "server")}
TIMEOUT = 120.0
#: Targets as ratios against baselines measured in the same run (the machine is noisy).
TARGETS = {"p95 over ast.parse p95": 2.0, "start over import floor (s)": 0.15, "rss (MB)": 150.0}


class BenchClient(LanguageClient):
    def __init__(self) -> None:
        super().__init__("flask-preflight-bench", "1")
        self.published: dict[str, tuple[int | None, int, float]] = {}
        self.changed = asyncio.Event()
        self.statuses = 0

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_publish(params: types.PublishDiagnosticsParams) -> None:
            self.published[params.uri] = (
                params.version,
                len(params.diagnostics),
                time.perf_counter(),
            )
            self.changed.set()

        @self.feature("flaskPreflight/status")
        def on_status(params: Any) -> None:
            self.statuses += 1
            self.changed.set()

        @self.feature(types.CLIENT_REGISTER_CAPABILITY)
        def on_register(params: types.RegistrationParams) -> None:
            return None

        @self.feature(types.CLIENT_UNREGISTER_CAPABILITY)
        def on_unregister(params: types.UnregistrationParams) -> None:
            return None

        @self.feature(types.WORKSPACE_CONFIGURATION)
        def on_configuration(params: types.ConfigurationParams) -> list[Any]:
            return [None for _ in params.items]

        @self.feature(types.WINDOW_LOG_MESSAGE)
        def on_log(params: types.LogMessageParams) -> None:
            if params.type == types.MessageType.Error:
                print("server error:", params.message[:500], file=sys.stderr)

    async def until(self, condition: Any) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not condition():
            self.changed.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the server did not answer in time")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.changed.wait(), remaining)


def _capabilities() -> types.ClientCapabilities:
    return types.ClientCapabilities(
        workspace=types.WorkspaceClientCapabilities(
            configuration=True,
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
                dynamic_registration=True, relative_pattern_support=True
            ),
        ),
        text_document=types.TextDocumentClientCapabilities(
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True)
        ),
    )


_server_dir = [str(REPO / "server")]
#: Bytecode for the floor and the servers, compiled once (by a warm-up start) into a directory
#: of this run: an editor's second start finds its `.pyc` files, and the floor (site-packages,
#: compiled at install) must not be compared with a server compiled from source at every start
#: (as under PYTHONDONTWRITEBYTECODE).
_pycache = tempfile.mkdtemp(prefix="bench-pycache-")
atexit.register(shutil.rmtree, _pycache, True)


def _env() -> dict[str, str]:
    env = {**ENV, "PYTHONPATH": _server_dir[0], "PYTHONPYCACHEPREFIX": _pycache}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def parse_times(text: str, runs: int) -> list[float]:
    """`ast.parse` of the text, in ms: the floor of any per-keystroke Python analysis."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        ast.parse(text)
        times.append((time.perf_counter() - started) * 1000)
    return times


async def _start(root: Path) -> tuple[BenchClient, float]:
    client = BenchClient()
    started = time.perf_counter()
    await client.start_io(*SERVER, env=_env())
    await client.initialize_async(
        types.InitializeParams(
            capabilities=_capabilities(),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
            initialization_options={
                "trusted": True,
                "interpreters": {root.as_uri(): {"path": sys.executable, "source": "explicit"}},
                "settings": {},
            },
        )
    )
    client.initialized(types.InitializedParams())
    return client, started


async def _stop(client: BenchClient) -> None:
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


def _open(client: BenchClient, path: Path) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=path.read_text()
            )
        )
    )
    return uri


def import_floor(runs: int) -> float:
    return statistics.median(import_floor_cpu()[0] for _ in range(runs))


def import_floor_cpu() -> tuple[float, float]:
    """(wall, CPU) seconds of a process that only imports pygls.lsp.server."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import pygls.lsp.server"], check=True, env=_env())
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a running process has used: less swayed by a busy machine
    than wall time."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def first_diagnostics(workdir: Path, runs: int) -> list[tuple[float, float, float]]:
    """Per run, interleaved: (start -> first diagnostics minus the bare pygls import, in wall
    seconds; the same in CPU seconds of the two processes; the import's wall seconds)."""
    root = workdir / "start"
    if not root.exists():
        shutil.copytree(REPO / "examples" / "unguarded-run", root)
    rows = []
    for warm_up in [True] + [False] * runs:
        floor, floor_cpu = import_floor_cpu()
        client, started = await _start(root)
        uri = _open(client, root / "app.py")
        await client.until(lambda c=client, u=uri: c.published.get(u, (None, 0, 0))[1] > 0)
        server = client._server
        cpu = process_cpu(server.pid) if server is not None else float("nan")
        await _stop(client)
        if not warm_up:
            rows.append((client.published[uri][2] - started - floor, cpu - floor_cpu, floor))
    return rows


async def edit_latency(workdir: Path, edits: int) -> tuple[list[float], list[float]]:
    """Per edit: didChange -> publishDiagnostics (ms), and `ast.parse` of the same text timed
    right after in this process (ms): interleaved, so machine load hits both alike."""
    root = workdir / "latency"
    root.mkdir()
    text = flask_module(2000) + "\napp.run()\n"
    (root / "app.py").write_text(text)
    client, _ = await _start(root)
    uri = _open(client, root / "app.py")
    await client.until(lambda: client.published.get(uri, (None,))[0] == 1)
    lines = text.split("\n")
    line = len(lines) - 3
    latencies = []
    parses = []
    for version in range(2, edits + 2):
        # type one character at the start of a line, as a user does
        character = "#" if version % 2 else " "
        lines[line] = character + lines[line]
        position = types.Position(line=line, character=0)
        sent = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(position, position), text=character
                    )
                ],
            )
        )
        await client.until(lambda v=version: client.published.get(uri, (None,))[0] == v)
        latencies.append((client.published[uri][2] - sent) * 1000)
        parses.extend(parse_times("\n".join(lines), 1))
    await _stop(client)
    return latencies, parses


def engine_latency(workdir: Path, edits: int) -> list[float]:
    """The engine alone on the same edits, in this process: what no server can go below."""
    from flask_preflight.analysis.project import Project
    from flask_preflight.analysis.registry import run_checks

    root = workdir / "engine"
    root.mkdir()
    text = flask_module(2000) + "\napp.run()\n"
    (root / "app.py").write_text(text)
    project = Project(root, interpreter=sys.executable)
    run_checks(project)
    lines = text.split("\n")
    line = len(lines) - 3
    times = []
    for version in range(2, edits + 2):
        lines[line] = ("#" if version % 2 else " ") + lines[line]
        started = time.perf_counter()
        project.set_override("app.py", "\n".join(lines))
        covered = {"app.py"} | {p for p in project.files() if not p.endswith(".py")}
        run_checks(project, paths=covered)
        times.append((time.perf_counter() - started) * 1000)
    return times


def big_workspace(root: Path, files: int) -> None:
    for i in range(files):
        package = root / f"pkg{i // 100}"
        package.mkdir(parents=True, exist_ok=True)
        if i % 100 == 0:
            (package / "__init__.py").write_text("")
        (package / f"mod{i}.py").write_text(
            f'"""Module {i}."""\nimport os\n\n\ndef f{i}(x):\n    return os.path.join(str(x), "{i}")\n'
        )
    (root / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\napp.run()\n")
    (root / "requirements.txt").write_text("flask\n")


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def scan_memory(workdir: Path, files: int) -> tuple[float, float]:
    root = workdir / "big"
    big_workspace(root, files)
    client, started = await _start(root)
    app = (root / "app.py").as_uri()
    await client.until(lambda: app in client.published and client.statuses > 0)
    elapsed = client.published[app][2] - started
    server = client._server  # the subprocess pygls started
    memory = rss_mb(server.pid) if server is not None else float("nan")
    await _stop(client)
    return elapsed, memory


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[94]


def _met(value: float, target: float) -> str:
    return "target met" if value <= target else "target NOT met"


async def compare(servers: list[str], rounds: int, edits: int, starts: int) -> None:
    """Interleaved rounds over several server directories: same machine load for each."""
    results: dict[str, list[tuple[float, float, float]]] = {s: [] for s in servers}
    for round_no in range(rounds):
        for server in servers:
            _server_dir[0] = server
            with tempfile.TemporaryDirectory() as tmp:
                rows = await first_diagnostics(Path(tmp), starts)
                latencies, parse = await edit_latency(Path(tmp), edits)
            over = statistics.median(r[0] for r in rows)
            over_cpu = statistics.median(r[1] for r in rows)
            ratio = _p95(latencies) / _p95(parse)
            results[server].append((over, ratio, over_cpu))
            print(
                f"round {round_no + 1} {server}: start {over:+.3f} s over the import floor "
                f"of {statistics.median(r[2] for r in rows):.3f} s ({over_cpu:+.3f} s CPU), "
                f"p95 {_p95(latencies):.1f} ms = {ratio:.2f}x ast.parse p95 ({_p95(parse):.1f} ms)",
                flush=True,
            )
    start_target, ratio_target = (
        TARGETS["start over import floor (s)"],
        TARGETS["p95 over ast.parse p95"],
    )
    for server, rows in results.items():
        over = statistics.median(r[0] for r in rows)
        over_cpu = statistics.median(r[2] for r in rows)
        ratio = statistics.median(r[1] for r in rows)
        print(
            f"{server}: start over floor {over:+.3f} s ({_met(over, start_target)}; "
            f"{over_cpu:+.3f} s CPU, {_met(over_cpu, start_target)}), "
            f"p95/ast.parse p95 {ratio:.2f}x ({_met(ratio, ratio_target)}) (medians of "
            f"{len(rows)} rounds; targets +{start_target} s, {ratio_target}x)"
        )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--server", nargs="+", help="server package directories to compare")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--edits", type=int, default=200)
    args = parser.parse_args()
    if args.server:
        await compare([os.path.abspath(s) for s in args.server], args.rounds, args.edits, 5)
        return
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        rows = await first_diagnostics(workdir, 5)
        floor = statistics.median(r[2] for r in rows)
        over = statistics.median(r[0] for r in rows)
        over_cpu = statistics.median(r[1] for r in rows)
        start_target = TARGETS["start over import floor (s)"]
        print(f"import pygls.lsp.server:           {floor:.3f} s (median of 5, interleaved)")
        print(
            f"start -> first diagnostics:        {over:+.3f} s over the import floor "
            f"({_met(over, start_target)}), {over_cpu:+.3f} s in CPU time "
            f"({_met(over_cpu, start_target)}) (medians of 5; target <= +{start_target} s)"
        )
        latencies, parse = await edit_latency(workdir, args.edits)
        engine = engine_latency(workdir, args.edits)
        print(
            f"didChange -> publishDiagnostics:   p50 {statistics.median(latencies):.1f} ms, "
            f"p95 {_p95(latencies):.1f} ms, max {max(latencies):.1f} ms over {len(latencies)} "
            "edits of a 2,000-line module"
        )
        print(
            f"ast.parse of the same texts:       p50 {statistics.median(parse):.1f} ms, "
            f"p95 {_p95(parse):.1f} ms; server p95 is {_p95(latencies) / _p95(parse):.2f}x "
            f"(target <= {TARGETS['p95 over ast.parse p95']:.1f}x: "
            f"{_met(_p95(latencies) / _p95(parse), TARGETS['p95 over ast.parse p95'])})"
        )
        print(
            f"the engine alone, same edits:      p50 {statistics.median(engine):.1f} ms, "
            f"p95 {_p95(engine):.1f} ms (in-process run_checks); server p50 is "
            f"{statistics.median(latencies) / statistics.median(engine):.2f}x that"
        )
        elapsed, memory = await scan_memory(workdir, 5000)
        print(
            f"5,000-file workspace:              first scan published in {elapsed:.2f} s, "
            f"server RSS {memory:.0f} MB (target <= {TARGETS['rss (MB)']:.0f} MB: "
            f"{_met(memory, TARGETS['rss (MB)'])})"
        )


if __name__ == "__main__":
    asyncio.run(main())
