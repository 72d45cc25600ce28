"""The real server with one extra check that holds an analysis run until the test says so:
while app.py holds `# hold`, the check writes $FP_TEST_HELD, then waits for $FP_TEST_RELEASE
to exist (bounded). It lets a test edit a document while the run of its older version is
still going, every time, instead of by luck."""

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
    yield from ()


if __name__ == "__main__":
    start_stdio()
