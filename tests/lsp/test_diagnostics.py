"""Diagnostics over real LSP stdio: open documents, the start-up scan, versions."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import client_capabilities

from tests.conftest import write_tree
from tests.lsp.conftest import (
    EditorClient,
    copy_example,
    initialize,
    open_file,
    wait_for_version,
    wait_until,
)


async def test_unguarded_run_is_reported_with_exact_range(
    client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    root = copy_example("unguarded-run", tmp_path)
    await initialize(client, root, python=examples_python)
    uri = open_file(client, root / "app.py")
    [diagnostic] = await wait_for_version(client, uri, 1)
    assert diagnostic.code == "APP001"
    assert diagnostic.source == "Flask Preflight"
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    assert diagnostic.range == types.Range(types.Position(11, 0), types.Position(11, 30))
    assert diagnostic.code_description is not None
    assert "app001" in diagnostic.code_description.href
    assert diagnostic.data["rule"] == "APP001"
    assert diagnostic.data["version"] == 1


async def test_files_not_open_get_diagnostics_from_the_start_up_scan(
    client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    root = copy_example("unguarded-run", tmp_path)
    write_tree(root, {"pkg/__init__.py": "", "pkg/other.py": "from app import app\napp.run()\n"})
    await initialize(client, root, python=examples_python)
    uri = (root / "app.py").as_uri()
    other = (root / "pkg" / "other.py").as_uri()
    assert [d.code for d in await wait_for_version(client, uri, None)] == ["APP001"]
    assert [d.code for d in await wait_for_version(client, other, None)] == ["APP001"]


def _text_with_run_at(line: int) -> str:
    body = "from flask import Flask\n\napp = Flask(__name__)\n"
    return "\n" * line + body + "app.run()\n"


async def test_rapid_edits_publish_only_the_newest_version(
    client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    root = copy_example("hello-ok", tmp_path)
    await initialize(client, root, python=examples_python)
    uri = open_file(client, root / "app.py")
    assert await wait_for_version(client, uri, 1) == []
    last = 60
    for version in range(2, last + 1):
        # every edit moves the unguarded run to another line; odd versions are clean
        text = _text_with_run_at(version) if version % 2 == 0 else "x = 1\n"
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
    final = _text_with_run_at(last)
    [diagnostic] = await wait_for_version(client, uri, last)
    assert diagnostic.code == "APP001"
    run_line = final.splitlines().index("app.run()")
    assert diagnostic.range.start == types.Position(run_line, 0)
    versions = [v for u, v, _ in client.history if u == uri and v is not None]
    assert versions == sorted(versions), "an older version was published after a newer one"
    # coalescing: far fewer runs than edits
    assert len(versions) < last


@pytest.mark.parametrize(
    ("encoding", "start", "end"),
    [
        (None, 10, 19),  # UTF-16, the default: "😋" is two code units
        (types.PositionEncodingKind.Utf8, 12, 21),  # four bytes
        (types.PositionEncodingKind.Utf32, 9, 18),  # one code point
    ],
)
async def test_columns_follow_the_negotiated_position_encoding(
    client: EditorClient,
    tmp_path: Path,
    examples_python: str,
    encoding: types.PositionEncodingKind | None,
    start: int,
    end: int,
) -> None:
    root = write_tree(
        tmp_path,
        {"app.py": 'from flask import Flask\napp = Flask(__name__)\nx = "😋"; app.run()\n'},
    )
    capabilities = client_capabilities("visual-studio-code")
    if encoding is not None:
        capabilities.general = types.GeneralClientCapabilities(position_encodings=[encoding])
    result = await initialize(
        client, root, python=examples_python, client_capabilities=capabilities
    )
    assert result.capabilities.position_encoding == (encoding or types.PositionEncodingKind.Utf16)
    uri = open_file(client, root / "app.py")
    [diagnostic] = await wait_for_version(client, uri, 1)
    assert diagnostic.range == types.Range(types.Position(2, start), types.Position(2, end))


def _ends(client: EditorClient) -> list[types.WorkDoneProgressEnd]:
    return [
        report
        for reports in client.progress_reports.values()
        for report in reports
        if isinstance(report, types.WorkDoneProgressEnd)
    ]


def _big_workspace(root: Path, modules: int) -> Path:
    run = "from flask import Flask\napp = Flask(__name__)\napp.run()\n"
    files = {f"pkg{i // 100}/m{i}.py": run for i in range(modules)}
    return write_tree(root, {"app.py": run, **files})


async def test_a_long_start_up_scan_reports_work_done_progress(
    client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    root = _big_workspace(tmp_path, 600)
    await initialize(client, root, python=examples_python)
    [end] = await wait_until(lambda: _ends(client), "the scan's progress to end")
    assert end.message == "601 files checked"
    [reports] = [r for r in client.progress_reports.values() if r]
    begin = reports[0]
    assert isinstance(begin, types.WorkDoneProgressBegin)
    assert begin.title == "Flask Preflight" and begin.cancellable
    assert len(client.diagnostics) == 601


async def test_cancelling_the_scan_keeps_only_open_files_checked(
    client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    root = _big_workspace(tmp_path, 800)
    await initialize(client, root, python=examples_python)
    token = await wait_until(
        lambda: [t for t, reports in client.progress_reports.items() if reports],
        "the scan's progress to begin",
    )
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token[0]))
    uri = open_file(client, root / "app.py")
    assert [d.code for d in await wait_for_version(client, uri, 1)] == ["APP001"]
    await wait_until(lambda: _ends(client), "the scan's progress to end")
    assert list(client.diagnostics) == [uri], "files that are not open were still published"


async def test_a_procfile_that_is_not_open_gets_its_diagnostic(
    client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    root = copy_example("hello-ok", tmp_path)
    write_tree(root, {"Procfile": "web: gunicorn app:application --bind 0.0.0.0:$PORT\n"})
    await initialize(client, root, python=examples_python)
    [diagnostic] = await wait_for_version(client, (root / "Procfile").as_uri(), None)
    assert diagnostic.code == "SRV002"
    assert diagnostic.range == types.Range(types.Position(0, 14), types.Position(0, 29))
