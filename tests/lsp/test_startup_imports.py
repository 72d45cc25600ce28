"""DEP009 over real LSP: a full run publishes the other rules first and DEP009 in a follow-up
run; typing keeps DEP009's diagnostic without running it; the hover links the failing line
inside site-packages."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from tests.conftest import write_tree
from tests.lsp.conftest import EditorClient, initialize, open_file, wait_until
from tests.startup_import_cases import CASES

APP = "from flask import Flask\nfrom flask_script import Manager\n\napp = Flask(__name__)\napp.run()\n"


@pytest.fixture(scope="module")
def script_python() -> str:
    (case,) = [c for c in CASES if c.id == "flask-script-on-flask3"]
    return str(case.interpreter())


async def test_dep009_arrives_after_the_other_rules_and_survives_typing(
    client: EditorClient, tmp_path: Path, script_python: str
) -> None:
    root = write_tree(tmp_path / "project", {"app.py": APP})
    await initialize(client, root, python=script_python)
    uri = open_file(client, root / "app.py")
    await wait_until(
        lambda: "DEP009" in [str(d.code) for d in client.diagnostics.get(uri, [])], "DEP009"
    )
    published = [codes for u, _, codes in client.history if u == uri]
    first_app001 = next(i for i, c in enumerate(published) if "APP001" in c)
    first_dep009 = next(i for i, c in enumerate(published) if "DEP009" in c)
    assert first_app001 < first_dep009, published  # the fast rules did not wait for DEP009
    (dep009,) = [d for d in client.diagnostics[uri] if d.code == "DEP009"]
    assert dep009.range.start.line == 1
    assert "No module named 'flask._compat'" in dep009.message

    # typing (no save): the run skips DEP009 and keeps what it published
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=APP + "x = 1\n")],
        )
    )
    await wait_until(lambda: client.versions.get(uri) == 2, "version 2")
    assert "DEP009" in [str(d.code) for d in client.diagnostics[uri]]

    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(1, 5),
        )
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    text = hover.contents.value
    assert "ModuleNotFoundError: No module named 'flask._compat'" in text
    assert (
        "[flask_script/__init__.py:15](file://" in text and "/flask_script/__init__.py#L15)" in text
    )
