"""Print the score of a mutmut run (run in its stage folder, after `mutmut run`): killed over
the mutants the tests reach, per module, from mutmut's own result files (mutants/**/*.meta).
Timeouts count as killed (the mutant hangs the test), "no tests" are listed apart: no fast
test runs that code at all. After a sampled run (MUTATE_SAMPLE) only the sampled mutants have a
result: the score is then an estimate, printed with its 95 % Wilson interval."""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from pathlib import Path

KILLED = {1, 3, 36, -24, 24, 152, 255, 37}
SURVIVED = {0}
NO_TESTS = {5, 33}


def wilson(killed: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95 % Wilson score interval of a proportion killed/n."""
    if n == 0:
        return (0.0, 1.0)
    p = killed / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def main() -> int:
    label = sys.argv[1] if len(sys.argv) > 1 else "."
    totals: Counter[str] = Counter()
    survivors: list[str] = []
    rows = []
    for meta in sorted(Path("mutants").rglob("*.py.meta")):
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        if not codes:
            continue
        counts: Counter[str] = Counter()
        for name, code in codes.items():
            if code in KILLED:
                counts["killed"] += 1
            elif code in SURVIVED:
                counts["survived"] += 1
                survivors.append(name)
            elif code in NO_TESTS:
                counts["no tests"] += 1
            elif code is None:
                counts["not checked"] += 1
            else:
                counts["other"] += 1
        totals.update(counts)
        module = str(meta.relative_to("mutants/src")).removesuffix(".meta")
        rows.append((module, counts))
    for module, counts in rows:
        reached = counts["killed"] + counts["survived"]
        score = f"{100 * counts['killed'] / reached:5.1f} %" if reached else "    -  "
        print(f"{module:60} {score}  {dict(counts)}")
    reached = totals["killed"] + totals["survived"]
    score = f"{100 * totals['killed'] / reached:.1f} %" if reached else "-"
    population = sum(totals.values())
    if totals["not checked"]:
        low, high = wilson(totals["killed"], reached)
        score += f" (95 % CI {100 * low:.1f}-{100 * high:.1f} %)"
        checked = population - totals["not checked"]
        print(f"{label}: sampled {checked} of {population} mutants")
    print(f"{label}: {score} killed of {reached} mutants the fast tests reach; {dict(totals)}")
    Path("survivors.txt").write_text("\n".join(survivors) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
