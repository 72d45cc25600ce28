"""Engine speed and memory: a 5,000-line Flask module against `ast.parse` of the same text (in
the same run), and peak RSS of a scan over a generated 50,000-file workspace."""

from __future__ import annotations

import argparse
import ast
import gc
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import run_checks

TARGET_RATIO = 1.5


def flask_module(lines: int) -> str:
    """A realistic large app module: imports, config, models, routes, helpers, blueprints."""
    out = [
        '"""A large generated Flask application module."""',
        "from __future__ import annotations",
        "",
        "import os",
        "from dataclasses import dataclass",
        "",
        "from flask import Blueprint, Flask, jsonify, request",
        "",
        "app = Flask(__name__)",
        'app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "dev")',
        'api = Blueprint("api", __name__)',
        "",
    ]
    i = 0
    while len(out) < lines - 12:
        kind = i % 4
        if kind == 0:
            out += [
                "",
                f'@app.route("/items/{i}", methods=["GET", "POST"])',
                f"def item_{i}():",
                f'    """Item {i}: reads and echoes a payload."""',
                "    payload = request.get_json(silent=True) or {}",
                f'    if payload.get("id") == {i}:',
                f'        return jsonify({{"id": {i}, "ok": True}})',
                f'    return jsonify({{"id": {i}, "items": [x * 2 for x in range({i % 7})]}}), 200',
            ]
        elif kind == 1:
            out += [
                "",
                "@dataclass",
                f"class Model{i}:",
                "    name: str",
                f"    size: int = {i}",
                "",
                "    def describe(self) -> str:",
                f'        return f"{{self.name}} ({{self.size}}) #{i}"',
            ]
        elif kind == 2:
            out += [
                "",
                f"def helper_{i}(values: list[int]) -> int:",
                "    total = 0",
                "    for value in values:",
                "        if value % 2:",
                "            total += value",
                "        else:",
                "            total -= value  # even values count against",
                "    return total",
            ]
        else:
            out += [
                "",
                f'@api.get("/v1/{i}")',
                f"def api_{i}():",
                "    try:",
                f"        return jsonify(helper_{i - 1}([1, 2, 3]))",
                "    except ValueError as error:",
                '        return jsonify({"error": str(error)}), 400',
            ]
        i += 1
    out += [
        "",
        'app.register_blueprint(api, url_prefix="/api")',
        "",
        "",
        "def main() -> None:",
        '    app.run(debug=os.environ.get("FLASK_DEBUG") == "1")',
        "",
        "",
        'if __name__ == "__main__":',
        "    main()",
    ]
    return "\n".join(out) + "\n"


def timed(func: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def bench_module(lines: int, repeat: int) -> float:
    source = flask_module(lines)
    root = Path(tempfile.mkdtemp(prefix="fp-bench-"))
    try:

        def analyse() -> None:
            # A fresh project each time: the parse is part of the analysis being timed.
            project = Project(root, overrides={"app.py": source})
            run_checks(project)

        def parse() -> None:
            ast.parse(source)

        analyse()  # warm imports and the check registry
        findings = run_checks(Project(root, overrides={"app.py": source}))
        parse_times, analysis_times = [], []
        for _ in range(repeat):
            # Interleaved, so both see the same machine load; the ratio is taken per pair.
            parse_times.append(timed(parse))
            analysis_times.append(timed(analyse))
    finally:
        shutil.rmtree(root)
    ratios = [a / p for a, p in zip(analysis_times, parse_times)]
    ratio = statistics.median(ratios)
    print(f"module: {source.count(chr(10))} lines, {len(source)} bytes, {len(findings)} findings")
    for label, times in (("ast.parse:    ", parse_times), ("full analysis:", analysis_times)):
        print(
            f"{label} best {min(times) * 1000:7.2f} ms  "
            f"median {statistics.median(times) * 1000:7.2f} ms"
        )
    verdict = "within" if ratio <= TARGET_RATIO else "OVER"
    print(
        f"ratio analysis/ast.parse: median {ratio:.2f}x of {repeat} interleaved pairs "
        f"(min {min(ratios):.2f}x, max {max(ratios):.2f}x; {verdict} the {TARGET_RATIO}x target)"
    )
    return ratio


def make_workspace(root: Path, files: int) -> None:
    """`files` files over nested folders: Python modules, templates, static assets, data."""
    per_dir = 500
    for index in range(files):
        folder = root / f"pkg{index // per_dir:03d}" / f"sub{(index // 50) % 10}"
        if index % per_dir == 0 or index % 50 == 0:
            folder.mkdir(parents=True, exist_ok=True)
        kind = index % 5
        if kind in (0, 1):
            (folder / f"mod{index}.py").write_text(
                f"from flask import Blueprint\nbp{index} = Blueprint('b{index}', __name__)\n"
                f"@bp{index}.get('/{index}')\ndef view():\n    return '{index}'\n"
            )
        elif kind == 2:
            (folder / f"page{index}.html").write_text(f"<p>{{{{ value }}}} {index}</p>\n")
        elif kind == 3:
            (folder / f"asset{index}.css").write_text(f".c{index} {{ color: red; }}\n")
        else:
            (folder / f"data{index}.json").write_text(f'{{"n": {index}}}\n')
    (root / "requirements.txt").write_text("flask==3.1.3\n")


SCAN_CHILD = """
import resource, sys, time
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import run_checks
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if sys.argv[2] == "scan":
    start = time.perf_counter()
    project = Project(sys.argv[1])
    findings = run_checks(project)
    took = time.perf_counter() - start
    print(len(project.files()), len(findings), len(project.notes), took)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(before, after)
"""


def bench_workspace(files: int) -> None:
    base = Path(tempfile.mkdtemp(prefix="fp-bench-ws-"))
    try:
        start = time.perf_counter()
        make_workspace(base, files)
        print(f"workspace: {files} files generated in {time.perf_counter() - start:.1f} s")
        runs = {}
        for mode in ("baseline", "scan"):
            out = subprocess.run(
                [sys.executable, "-c", SCAN_CHILD, str(base), mode],
                capture_output=True,
                text=True,
                check=True,
                timeout=900,
            ).stdout.split("\n")
            runs[mode] = out
        kept, found, notes, took = runs["scan"][0].split()
        baseline_kb = int(runs["baseline"][0].split()[1])
        peak_kb = int(runs["scan"][1].split()[1])
        print(
            f"scan + checks: {kept} project files kept, {found} findings, {notes} notes, "
            f"{float(took):.2f} s"
        )
        print(f"peak RSS: engine imported only {baseline_kb / 1024:.1f} MiB")
        print(
            f"peak RSS: after the scan and checks {peak_kb / 1024:.1f} MiB "
            f"({peak_kb / baseline_kb:.2f}x the baseline, +{(peak_kb - baseline_kb) / 1024:.1f} MiB)"
        )
    finally:
        shutil.rmtree(base)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--files", type=int, default=50_000)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]} on {os.uname().sysname}")
    bench_module(args.lines, args.repeat)
    print()
    bench_workspace(args.files)
    # ru_maxrss is KiB on Linux; the figures above assume it.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
