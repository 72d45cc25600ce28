"""`make bench`: runs every bench/bench_*.py in its own process and reports which failed."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    wanted = set(argv)
    scripts = sorted(path for path in BENCH.glob("bench_*.py") if not wanted or path.stem in wanted)
    failed = []
    for script in scripts:
        print(f"== {script.stem}", flush=True)
        started = time.perf_counter()
        # Its own process: one benchmark's imports, caches and memory never skew another's.
        status = subprocess.call([sys.executable, str(script)], cwd=BENCH.parent)
        print(f"   ({script.stem} took {time.perf_counter() - started:.1f} s)\n", flush=True)
        if status != 0:
            failed.append(script.stem)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"{len(scripts)} benchmark(s) done")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
