"""The corpus evaluation in CI: every finding and entry-point verdict the product reports on the
real projects of ../shared/corpus (fresh-clone mode: no venv) is judged in eval/adjudication.json,
none is judged wrong, and none judged right has gone missing."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _load_eval():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("corpus_eval", REPO / "eval" / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["corpus_eval"] = module
    spec.loader.exec_module(module)
    return module


corpus_eval = _load_eval()


def test_the_corpus_is_there() -> None:
    corpus = corpus_eval.default_corpus()
    assert corpus.is_dir(), (
        f"no corpus at {corpus}: CI has ../shared/corpus; elsewhere set FLASK_PREFLIGHT_CORPUS"
    )
    assert len([p for p in corpus.iterdir() if p.is_dir()]) >= 30


def test_every_reported_item_is_judged_and_none_is_wrong() -> None:
    outcome = corpus_eval.evaluate(corpus_eval.default_corpus(), ["no-venv"])
    assert outcome.items, "the evaluation reported nothing at all: it is not running the product"
    failures = outcome.failures()
    assert not failures, "\n".join(failures[:60]) + (
        f"\n... and {len(failures) - 60} more" if len(failures) > 60 else ""
    )


def test_adjudication_entries_are_well_formed() -> None:
    entries = json.loads((REPO / "eval" / "adjudication.json").read_text(encoding="utf-8"))
    for entry in entries:
        assert entry["verdict"] in corpus_eval.VERDICTS, entry
        assert entry["reason"].strip(), f"a judgement without a reason: {entry}"
        assert entry["kind"] in ("finding", "entrypoint"), entry


def test_a_lost_true_finding_fails(tmp_path: Path) -> None:
    """The gate itself: a finding judged right that is no longer reported is a failure."""
    corpus = tmp_path / "corpus"
    project = corpus / "tiny"
    project.mkdir(parents=True)
    (project / "app.py").write_text(
        "from flask import Flask\napp = Flask(__name__)\napp.run()\n", encoding="utf-8"
    )
    adjudication = tmp_path / "adjudication.json"
    judged_right = {
        "project": "tiny",
        "mode": "no-venv",
        "kind": "finding",
        "key": ["APP999", "app.py", "3", "1"],
        "verdict": "right",
        "reason": "r",
        "tool": None,
    }
    adjudication.write_text(corpus_eval.dump_entries([judged_right]), encoding="utf-8")
    outcome = corpus_eval.evaluate(corpus, ["no-venv"], adjudication=adjudication)
    failures = outcome.failures()
    assert any(line.startswith("lost: tiny") for line in failures), failures
    # And what it does report (APP001 on line 3) is unjudged, so it fails too.
    assert any(line.startswith("unjudged: tiny finding APP001") for line in failures), failures
