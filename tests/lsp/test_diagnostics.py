"""Diagnostics over real LSP stdio: open documents, the start-up scan, versions."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import write_tree
from tests.lsp.conftest import (
    EditorClient,
    codes,
    copy_example,
    initialize,
    open_file,
    wait_for_version,
    wait_until,
)


async def test_unguarded_run_is_reported_with_exact_range(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = copy_example("unguarded-run", tmp_path)
    await initialize(client, root)
    uri = open_file(client, root / "app.py")
    await wait_until(lambda: codes(client, uri), "diagnostics for app.py")
    [diagnostic] = client.diagnostics[uri]
    assert diagnostic.code == "APP001"
    assert diagnostic.source == "Flask Preflight"
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    assert diagnostic.range == types.Range(types.Position(11, 0), types.Position(11, 30))
    assert diagnostic.code_description is not None
    assert "app001" in diagnostic.code_description.href
    assert diagnostic.data["rule"] == "APP001"
    assert diagnostic.data["version"] == 1


async def test_files_not_open_get_diagnostics_from_the_start_up_scan(
    client: EditorClient, tmp_path: Path
) -> None:
    root = copy_example("unguarded-run", tmp_path)
    write_tree(root, {"pkg/__init__.py": "", "pkg/other.py": "from app import app\napp.run()\n"})
    await initialize(client, root)
    uri = (root / "app.py").as_uri()
    other = (root / "pkg" / "other.py").as_uri()
    assert [d.code for d in await wait_for_version(client, uri, None)] == ["APP001"]
    assert [d.code for d in await wait_for_version(client, other, None)] == ["APP001"]
