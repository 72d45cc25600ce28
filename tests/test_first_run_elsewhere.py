"""A folder's first language-server run does not look through the machine's other
environments: it publishes at once, names the files whose DEP001/DEP005 findings lack the
"installed in ..." answer, and checking those again gives exactly the diagnostics of a run
that looked everywhere (real venvs; the LSP layer's run, without stdio)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pygls.workspace.position_codec import PositionCodec

from flask_preflight.lsp.analysis_runs import Batch, RunResult, run_batch
from flask_preflight.lsp.settings import InterpreterHint, parse_settings
from tests.conftest import write_tree
from tests.venvs import make_venv, venv_python

pytestmark = pytest.mark.oracle

APP = "import requests\nfrom flask import Flask\n\napp = Flask(__name__)\n"


def _batch(root: Path, python: str, **changes: object) -> Batch:
    batch = Batch(
        root=root,
        settings=parse_settings({}, str(root)),
        trusted=True,
        hint=InterpreterHint(python, "explicit"),
        texts={"app.py": APP},
        disk={},
        rebuild=True,
        full=True,
        versions={"app.py": 1},
        lens_paths=frozenset({"app.py"}),
    )
    for name, value in changes.items():
        setattr(batch, name, value)
    return batch


def _messages(result: RunResult) -> dict[str, list[tuple[str, str, object]]]:
    return {
        path: sorted((str(d.code), d.message, d.data) for d in diagnostics)
        for path, diagnostics in result.diagnostics.items()
    }


def test_first_run_skips_other_environments_and_the_recheck_restores_them(
    tmp_path: Path,
) -> None:
    root = write_tree(tmp_path / "proj", {"requirements.txt": "flask\nrequests\n", "app.py": APP})
    shutil.copytree(make_venv("flask", ["flask==3.1.3"]), root / ".venv", symlinks=True)
    shutil.copytree(
        make_venv("elsewhere-requests", ["flask==3.1.3", "requests==2.32.3"]),
        root / "venv-old",
        symlinks=True,
    )
    python = str(venv_python(root / ".venv"))
    codec = PositionCodec()

    first = run_batch(None, None, _batch(root, python, elsewhere=False), codec)
    dep005 = [d for d in first.diagnostics["app.py"] if d.code == "DEP005"]
    assert len(dep005) == 1 and "installed in" not in dep005[0].message
    assert first.recheck == {"app.py", "requirements.txt"}

    again = run_batch(
        first.project,
        first.chosen,
        _batch(root, python, texts={}, rebuild=False, full=False, recheck=first.recheck),
        codec,
    )
    assert again.covered is not None and first.recheck <= again.covered
    assert not again.recheck
    (annotated,) = [d for d in again.diagnostics["app.py"] if d.code == "DEP005"]
    # (this machine's python3 on PATH may hold another requests: then it is named too)
    assert "installed in venv-old/" in annotated.message

    # What a run that looked everywhere from the start publishes (the behaviour before).
    everywhere = run_batch(None, None, _batch(root, python), codec)
    assert _messages(again) == _messages(everywhere)
