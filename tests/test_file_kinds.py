"""The file-kinds table: the scan, the reader dispatch, the watchers and the client's selector
and activation events all come from it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from flask_preflight.analysis.entrypoints import find_declarations
from flask_preflight.analysis.file_kinds import (
    FILE_KINDS,
    is_project_file,
    kind_of,
    reader_for,
    watcher_globs,
)
from flask_preflight.analysis.project import Project
from flask_preflight.lsp.watching import project_globs

REPO = Path(__file__).resolve().parent.parent


def test_generated_client_parts_are_fresh() -> None:
    """documentSelector patterns and activationEvents are generated from the table."""
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen-file-kinds.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_client_uses_the_generated_selector() -> None:
    client = (REPO / "client" / "src" / "languageServer.ts").read_text(encoding="utf-8")
    assert "PROJECT_FILE_PATTERNS.map" in client
    generated = (REPO / "client" / "src" / "fileKinds.generated.ts").read_text(encoding="utf-8")
    for kind in FILE_KINDS:
        if kind.id != "python":
            for pattern in kind.patterns():
                assert f"'**/{pattern}'" in generated


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("app.py", "python"),
        ("pkg/gunicorn.conf.py", "gunicorn-config"),
        ("Procfile", "procfile"),
        ("Procfile.dev", "procfile"),
        ("deploy/Dockerfile.prod", "dockerfile"),
        ("Containerfile", "dockerfile"),
        ("web.dockerfile", "dockerfile"),
        ("docker-compose.override.yml", "compose"),
        ("compose.yaml", "compose"),
        ("deploy/uwsgi.ini", "uwsgi-ini"),
        ("tox.ini", "uwsgi-ini"),
        (".env", "dotenv"),
        (".vscode/launch.json", "launch-json"),
        ("deploy/app.service", "systemd"),
        ("app.yaml", "app-yaml"),
        ("requirements-dev.txt", "requirements"),
        ("requirements/prod.txt", "requirements"),
        ("requirements/base.in", "requirements"),
        ("constraints.txt", "requirements"),
        ("pyproject.toml", "pyproject"),
        ("Pipfile", "pipfile"),
        ("runtime.txt", "python-version"),
    ],
)
def test_kind_of(path: str, kind: str) -> None:
    found = kind_of(path)
    assert found is not None and found.id == kind
    assert is_project_file(path)


@pytest.mark.parametrize(
    "path", ["README.md", "notes.txt", "docs/requirements.md", "app.yml", "package.json"]
)
def test_other_files_are_not_read(path: str) -> None:
    assert kind_of(path) is None
    assert not is_project_file(path)


def test_every_reader_imports() -> None:
    for kind in FILE_KINDS:
        sample = kind.names[0] if kind.names else kind.globs[0].replace("*", "x")
        if kind.id == "launch-json":
            sample = ".vscode/launch.json"
        reader = reader_for(sample)
        assert (reader is None) == (kind.reader is None), kind.id
        if reader is not None:
            assert callable(reader)


def test_watchers_cover_every_kind() -> None:
    globs = project_globs()
    assert globs[: len(watcher_globs())] == watcher_globs()
    assert "**/pyvenv.cfg" in globs
    names = globs[0]
    for kind in FILE_KINDS:
        for name in kind.names:
            assert name in names
        for glob in kind.globs:
            assert f"**/{glob}" in globs


def test_a_row_is_enough_for_the_scan_and_the_reader(tmp_path: Path) -> None:
    """Containerfile was read by the Dockerfile reader but not scanned: one row fixes both."""
    (tmp_path / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    (tmp_path / "Containerfile").write_text('FROM python:3.12\nCMD ["gunicorn", "app:app"]\n')
    project = Project(tmp_path)
    assert "Containerfile" in project.files()
    [declaration] = find_declarations(project)
    assert (declaration.source, declaration.server, declaration.target) == (
        "Containerfile",
        "gunicorn",
        "app:app",
    )
