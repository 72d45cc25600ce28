"""The real server with extra checks that hold an analysis run until the test says so:
while app.py holds `# hold`, the check writes $FP_TEST_HELD, then waits for $FP_TEST_RELEASE
to exist (bounded; with `# hold-each`, each run waits for a release of its own). It lets a
test edit a document while the run of its older version is still going, every time, instead
of by luck. `# wait-in-followup` does the same in the deferred
rules' follow-up run (a DEP009 check), and writes $FP_TEST_FOLLOWUP_DONE when it lets go."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

from flask_preflight.analysis.model import Finding
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import project_check
from flask_preflight.lsp.setup import start_stdio


@project_check("APP007")
def hold_the_run(project: Project) -> Iterator[Finding]:
    if "# hold" not in (project.read_text("app.py") or ""):
        return
    Path(os.environ["FP_TEST_HELD"]).touch()
    release = Path(os.environ["FP_TEST_RELEASE"])
    deadline = time.monotonic() + 60
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    if "# hold-each" in (project.read_text("app.py") or ""):
        release.unlink(missing_ok=True)  # the next run waits for a release of its own
    yield from ()


@project_check("DEP009")
def hold_the_followup(project: Project) -> Iterator[Finding]:
    if "# wait-in-followup" not in (project.read_text("app.py") or ""):
        return
    Path(os.environ["FP_TEST_HELD"]).touch()
    release = Path(os.environ["FP_TEST_RELEASE"])
    deadline = time.monotonic() + 60
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    Path(os.environ["FP_TEST_FOLLOWUP_DONE"]).touch()
    yield from ()


if __name__ == "__main__":
    start_stdio()
