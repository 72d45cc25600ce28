"""Print a uniformly random sample of the mutants mutmut generated (run in a stage folder after
mutant generation): `mutation_sample.py N SEED` prints N mutant names, one a line, drawn without
replacement from every mutant in mutants/**/*.meta with random.Random(SEED). A fixed seed makes
the sample reproducible; a new seed gives a fresh sample (measure on a fresh one after killing
the survivors of another, so the score is not tuned to the sample)."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path


def all_mutants() -> list[str]:
    names: list[str] = []
    for meta in sorted(Path("mutants").rglob("*.py.meta")):
        names.extend(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"])
    return sorted(names)


def main() -> int:
    size, seed = int(sys.argv[1]), int(sys.argv[2])
    names = all_mutants()
    for name in sorted(random.Random(seed).sample(names, min(size, len(names)))):
        print(name)
    print(f"sampled {min(size, len(names))} of {len(names)} mutants (seed {seed})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
