"""DEP009 against real venvs: for every case of the matrix, the predicted start-up failure is
exactly what `python -c "import app"` raises in that venv (or both succeed)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from flask_preflight.analysis.environment.reading import read_environment
from flask_preflight.analysis.known_incompatibilities import INCOMPATIBILITIES, Incompatibility
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.startup_imports import predict_startup_failures
from flask_preflight.analysis.startup_imports.facts_cache import FactsCache
from tests.conftest import write_tree
from tests.startup_import_cases import CASES, Case

pytestmark = pytest.mark.oracle


@pytest.fixture(scope="module")
def facts_cache(tmp_path_factory: pytest.TempPathFactory) -> FactsCache:
    return FactsCache(str(tmp_path_factory.mktemp("facts")))


def real_import(python: Path, root: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    return subprocess.run(
        [str(python), "-c", "import app"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_the_matrix_has_the_cases_the_issue_asks_for() -> None:
    broken = [c for c in CASES if c.broken and c.id not in KNOWN_MISSES]
    assert len(broken) >= 12 and len(CASES) - len(broken) >= 8


def _param(case: Case) -> object:
    if case.id in KNOWN_MISSES:
        return pytest.param(
            case, marks=pytest.mark.xfail(reason=KNOWN_MISSES[case.id], strict=True)
        )
    return case


#: Failures the linker does not claim (it says nothing: never a wrong error), kept in the
#: matrix so that a fix shows up here.
KNOWN_MISSES = {
    # Three run-time values stand between the linker and this failure: the branch holding
    # the import is `if requests.__build__ < 0x021000` (another module's constant, compared);
    # the import that fails sits in the `except ImportError` of a try whose first import
    # (`from requests.packages.urllib3.contrib import appengine`) must be known to fail; and
    # whether it fails depends on requests/packages.py copying, in a loop over whatever
    # `sys.modules` holds at that moment, every loaded urllib3.* module to a
    # requests.packages.* alias. Modelling only the alias would still leave the branch and
    # the fallback unknown; the linker says nothing (unknown, never a wrong error).
    "toolbelt-on-urllib3-2": "the import fails in an `except ImportError` fallback inside an "
    "`if requests.__build__ < ...` branch, after `requests.packages` aliases the loaded "
    "urllib3 modules in sys.modules: not followed statically",
}


@pytest.mark.parametrize("case", [_param(c) for c in CASES], ids=[c.id for c in CASES])
def test_prediction_equals_the_real_import(
    tmp_path: Path, case: Case, facts_cache: FactsCache
) -> None:
    python = case.interpreter()
    root = write_tree(tmp_path / "project", {"app.py": case.app, **case.files})
    real = real_import(python, root)
    assert (real.returncode != 0) == case.broken, real.stderr
    project = Project(root, interpreter=str(python), settings={"interpreter_source": "explicit"})
    prediction = predict_startup_failures(project, facts_cache, modules=["app.py"])
    assert prediction is not None
    if not case.broken:
        assert prediction.failures == (), [f.error for f in prediction.failures]
        return
    (failure,) = prediction.failures
    printed = real.stderr.strip().splitlines()[-1]
    # Python >= 3.10 prints a suggestion after an AttributeError's message
    assert printed == failure.error or printed.startswith(f"{failure.error}. Did you mean")
    # the chain starts at the app's import line and ends at the line the traceback ends at
    assert failure.frames[0].path == "app.py"
    assert f'File "{failure.failing.path}", line {failure.failing.line}' in real.stderr or (
        failure.failing.in_project
        and f'File "{root / failure.failing.path}", line {failure.failing.line}' in real.stderr
    )


# --- DEP004's table is a subset of what the linker finds ---------------------------------------

#: Entries whose failure happens when a function is called, not at import (the linker follows
#: imports and module-level attribute reads only).
CALL_TIME_ENTRIES = {("flask-sqlalchemy", "sqlalchemy")}


def _table_cases(entry: Incompatibility) -> list[Case]:
    """The matrix cases whose venv has the entry's pair installed and import its package."""
    found = []
    module = entry.package.replace("-", "_")
    for case in CASES:
        if case.app.strip() not in (
            f"import {module}",
            "from flask import Flask\napp = Flask(__name__)",
        ):
            continue
        env = read_environment(str(case.interpreter()), allow_exec=False)
        package, other = env.get(entry.package), env.get(entry.other)
        if package is None or other is None or not package.version or not other.version:
            continue
        if entry.package_specifier.contains(package.version) and entry.other_specifier.contains(
            other.version
        ):
            found.append(case)
    return found


@pytest.mark.parametrize(
    "entry", INCOMPATIBILITIES, ids=[f"{e.package}-{e.other}" for e in INCOMPATIBILITIES]
)
def test_every_dep004_entry_is_found_by_the_linker(
    tmp_path: Path, entry: Incompatibility, facts_cache: FactsCache
) -> None:
    if (entry.package, entry.other) in CALL_TIME_ENTRIES:
        assert entry.error.startswith("AttributeError")  # raised inside a call
        return
    errors = []
    for case in _table_cases(entry):
        root = write_tree(tmp_path / case.id, {"app.py": case.app})
        project = Project(root, interpreter=str(case.interpreter()))
        prediction = predict_startup_failures(project, facts_cache, modules=["app.py"])
        assert prediction is not None
        errors.extend(f.error for f in prediction.failures)
    # the first failure of a venv with several broken pairs is another entry's: one venv
    # where this pair breaks first is enough
    assert any(error.startswith(entry.error) for error in errors), (entry.error, errors)
