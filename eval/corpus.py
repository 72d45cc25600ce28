"""`make eval`: what Flask Preflight reports on real projects, held against a kept adjudication.

Runs `flask-preflight check` and `flask-preflight entrypoints` on every project of the corpus
(real public Flask projects, see ../shared/corpus/README.md) and compares each reported finding
and each entry-point verdict with `eval/adjudication.json`, where a person judged it right,
wrong or unsure, with a reason and, where a real tool could decide it, that tool's verdict.

Two modes:
- `no-venv` (CI runs it): the fresh-clone case. The interpreter is the machine's system Python
  (`/usr/bin/python3`, else `python3` on PATH) and the project has no venv.
- `venv`: each project that installs on this machine gets a venv built from its own
  requirements (cached under .cache/eval-venvs; `eval/venvs.json` says how each is built).

Exit status 1 when a reported item is judged wrong, is not judged yet, or when an item judged
right is no longer reported (a lost true finding); 0 otherwise. `--write-pending FILE` writes
the unjudged items as adjudication entries with verdict "pending", to fill in by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
ADJUDICATION = REPO / "eval" / "adjudication.json"
VENV_RECIPES = REPO / "eval" / "venvs.json"
VENV_CACHE = REPO / ".cache" / "eval-venvs"
VERDICTS = ("right", "wrong", "unsure")


def default_corpus() -> Path:
    return Path(os.environ.get("FLASK_PREFLIGHT_CORPUS", REPO.parent / "shared" / "corpus"))


def system_python() -> str:
    """The fresh-clone interpreter: the system Python, the same one on every machine of a kind."""
    for candidate in ("/usr/bin/python3", shutil.which("python3"), shutil.which("python")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise SystemExit("eval: no system Python found")


@dataclass(frozen=True)
class Item:
    """One thing the product reported on one project: a finding or an entry-point verdict."""

    project: str
    mode: str
    kind: str  # "finding" | "entrypoint"
    key: tuple[str, ...]
    text: str
    severity: str

    def ident(self) -> tuple[str, ...]:
        return (self.project, self.mode, self.kind, *self.key)


def _run_json(argv: list[str]) -> dict[str, Any]:
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=600, check=False)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}:\n{proc.stderr}")
    data: dict[str, Any] = json.loads(proc.stdout)
    return data


def cli() -> list[str]:
    return [sys.executable, "-m", "flask_preflight"]


def report_items(project: Path, mode: str, python: str) -> Iterator[Item]:
    """What the product reports on one project (the default output, folded findings excluded)."""
    name = project.name
    check = _run_json([*cli(), "check", str(project), "--python", python, "--format", "json"])
    for finding in check["findings"]:
        if finding.get("cause"):
            continue  # folded under a root cause's headline: shown only with --show-all
        start = finding["range"]["start"]
        yield Item(
            name,
            mode,
            "finding",
            (finding["rule"], finding["path"], str(start["line"]), str(start["column"])),
            finding["message"],
            finding["severity"],
        )
    if mode != "no-venv":
        return  # entry-point verdicts do not depend on the interpreter: judged once
    entry = _run_json([*cli(), "entrypoints", str(project), "--format", "json"])
    for decl in entry["entrypoints"]:
        yield Item(
            name,
            mode,
            "entrypoint",
            (decl["source"], str(decl["line"]), decl.get("target") or "", decl["status"]),
            f"{decl.get('server')} {decl.get('target')}: {decl['status']}",
            "error" if decl["status"] not in ("ok", "unknown") else decl["status"],
        )


def load_adjudication(path: Path = ADJUDICATION) -> dict[tuple[str, ...], dict[str, Any]]:
    if not path.exists():
        return {}
    entries = json.loads(path.read_text(encoding="utf-8"))
    judged: dict[tuple[str, ...], dict[str, Any]] = {}
    for entry in entries:
        ident = (entry["project"], entry["mode"], entry["kind"], *entry["key"])
        judged[ident] = entry
    return judged


def dump_entries(entries: Iterable[dict[str, Any]]) -> str:
    """One entry per line, sorted, so a judgement changes one line of the diff."""
    ordered = sorted(entries, key=lambda e: (e["project"], e["mode"], e["kind"], e["key"]))
    lines = [json.dumps(entry, ensure_ascii=False, sort_keys=True) for entry in ordered]
    return "[\n" + ",\n".join(lines) + "\n]\n"


@dataclass
class Outcome:
    items: list[Item]
    judged: dict[tuple[str, ...], dict[str, Any]]
    lost: list[dict[str, Any]]

    def verdict(self, item: Item) -> str:
        entry = self.judged.get(item.ident())
        return entry["verdict"] if entry else "unjudged"

    def failures(self) -> list[str]:
        out = []
        for item in self.items:
            verdict = self.verdict(item)
            if verdict in ("wrong", "unjudged", "pending"):
                out.append(
                    f"{verdict}: {item.project} {item.kind} {' '.join(item.key)}: {item.text}"
                )
        for entry in self.lost:
            key = " ".join(entry["key"])
            out.append(
                f"lost: {entry['project']} {entry['kind']} {key}: judged right, no longer reported"
            )
        return out


def evaluate(
    corpus: Path,
    modes: Iterable[str],
    projects: Iterable[str] = (),
    adjudication: Path = ADJUDICATION,
) -> Outcome:
    judged = load_adjudication(adjudication)
    wanted = set(projects)
    items: list[Item] = []
    ran: set[tuple[str, str]] = set()
    for mode in modes:
        for project in sorted(p for p in corpus.iterdir() if p.is_dir()):
            if wanted and project.name not in wanted:
                continue
            python = system_python() if mode == "no-venv" else project_venv_python(project)
            if python is None:
                continue
            ran.add((project.name, mode))
            items.extend(report_items(project, mode, python))
    seen = {item.ident() for item in items}
    lost = [
        entry
        for ident, entry in judged.items()
        if entry["verdict"] == "right" and (ident[0], ident[1]) in ran and ident not in seen
    ]
    return Outcome(items, judged, lost)


def project_venv_python(project: Path) -> str | None:
    """The cached venv of a project (built by `--build-venvs`), or None when it has none."""
    python = VENV_CACHE / project.name / "bin" / "python"
    return str(python) if (VENV_CACHE / project.name / ".complete").exists() else None


def build_venvs(corpus: Path, projects: Iterable[str] = ()) -> None:
    """Build each project's venv from the recipe in eval/venvs.json, on a copy of the tree."""
    recipes: dict[str, dict[str, Any]] = json.loads(VENV_RECIPES.read_text(encoding="utf-8"))
    wanted = set(projects)
    for name, recipe in sorted(recipes.items()):
        if wanted and name not in wanted:
            continue
        venv = VENV_CACHE / name
        if (venv / ".complete").exists():
            continue
        shutil.rmtree(venv, ignore_errors=True)
        python = shutil.which(recipe.get("python", "python3.11")) or "python3"
        print(f"eval: building the venv of {name} ({recipe['install']})", file=sys.stderr)
        subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=300)
        pip = [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
        ]
        args = [arg.replace("{project}", str(corpus / name)) for arg in recipe["install"]]
        try:
            subprocess.run([*pip, *args], check=True, timeout=1800, cwd=corpus / name)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            # A project that does not install here is left out of the venv mode, said once.
            print(f"eval: {name} did not install ({error}); left out", file=sys.stderr)
            continue
        (venv / ".complete").write_text(json.dumps(recipe))


def precision_table(outcome: Outcome) -> str:
    """Per rule (and per entry-point status): how many reported, judged right/wrong/unsure."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for item in outcome.items:
        label = item.key[0] if item.kind == "finding" else f"entrypoint {item.key[3]}"
        label = f"{item.mode:7} {label}"
        counts[label][outcome.verdict(item)] += 1
    rows = ["| mode    | rule | reported | right | wrong | unsure | unjudged | precision |"]
    rows.append("|---|---|---:|---:|---:|---:|---:|---:|")
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    for label in sorted(counts):
        c = counts[label]
        mode, rule = label.split(" ", 1)
        totals[mode].update(c)
        rows.append(_row(mode, rule.strip(), c))
    for mode, c in sorted(totals.items()):
        rows.append(_row(mode, "**all**", c))
    return "\n".join(rows)


def _row(mode: str, rule: str, c: Counter[str]) -> str:
    total = sum(c.values())
    judged = c["right"] + c["wrong"] + c["unsure"]
    precision = f"{100 * c['right'] / judged:.0f} %" if judged else "-"
    unjudged = c["unjudged"] + c["pending"]
    return (
        f"| {mode} | {rule} | {total} | {c['right']} | {c['wrong']} | {c['unsure']} | "
        f"{unjudged} | {precision} |"
    )


def per_project_counts(outcome: Outcome) -> str:
    counts: Counter[tuple[str, str]] = Counter()
    for item in outcome.items:
        if item.kind == "finding":
            counts[(item.mode, item.project)] += 1
    return "\n".join(f"{mode:7} {n:5}  {project}" for (mode, project), n in sorted(counts.items()))


def pending_entries(outcome: Outcome) -> list[dict[str, Any]]:
    return [
        {
            "project": item.project,
            "mode": item.mode,
            "kind": item.kind,
            "key": list(item.key),
            "reported": item.text,
            "verdict": "pending",
            "reason": "",
            "tool": None,
        }
        for item in outcome.items
        if item.ident() not in outcome.judged
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="eval", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--mode", choices=("no-venv", "venv", "all"), default="no-venv")
    parser.add_argument(
        "--project", action="append", default=[], help="only this project (dir name)"
    )
    parser.add_argument(
        "--build-venvs", action="store_true", help="build the venv-mode venvs first"
    )
    parser.add_argument("--write-pending", type=Path, help="write unjudged items to this file")
    parser.add_argument("--counts", action="store_true", help="also print findings per project")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"eval: no corpus at {args.corpus} (set FLASK_PREFLIGHT_CORPUS)", file=sys.stderr)
        return 2
    modes = ("no-venv", "venv") if args.mode == "all" else (args.mode,)
    if args.build_venvs:
        build_venvs(args.corpus, args.project)
    outcome = evaluate(args.corpus, modes, args.project)
    print(precision_table(outcome))
    if args.counts:
        print()
        print(per_project_counts(outcome))
    if args.write_pending:
        args.write_pending.write_text(dump_entries(pending_entries(outcome)), encoding="utf-8")
    failures = outcome.failures()
    if failures:
        print(f"\n{len(failures)} item(s) need attention:", file=sys.stderr)
        for line in failures:
            print(f"  {line}", file=sys.stderr)
        return 1
    print(f"\nall {len(outcome.items)} reported item(s) judged, none wrong, none lost")
    return 0


if __name__ == "__main__":
    sys.exit(main())
