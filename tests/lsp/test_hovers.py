"""Hovers over real LSP: a requirement line says what is installed; an entry-point target says
which app it loads."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from tests.conftest import write_tree
from tests.lsp.conftest import (
    EditorClient,
    copy_example,
    initialize,
    open_file,
    wait_for_version,
)


async def _hover(client: EditorClient, uri: str, line: int, character: int) -> str | None:
    found = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line, character),
        )
    )
    if found is None:
        return None
    assert isinstance(found.contents, types.MarkupContent)
    return found.contents.value


async def test_requirement_hover_says_what_is_installed(
    client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    root = copy_example("hello-ok", tmp_path)
    write_tree(root, {"requirements.txt": "Flask==3.1.3\ngunicorn>=99\nnot-there-at-all\n"})
    await initialize(client, root, python=examples_python)
    uri = open_file(client, root / "requirements.txt")
    await wait_for_version(client, uri, 1)
    flask = await _hover(client, uri, 0, 3)
    assert flask is not None
    assert "Flask 3.1.3 is installed" in flask and "satisfies `==3.1.3`" in flask
    gunicorn = await _hover(client, uri, 1, 2)
    assert gunicorn is not None
    assert "gunicorn 23.0.0 is installed" in gunicorn and "does not satisfy `>=99`" in gunicorn
    missing = await _hover(client, uri, 2, 0)
    assert missing is not None and "Not installed" in missing


async def test_entry_point_hover_names_the_app_or_the_failure(
    client: EditorClient, tmp_path: Path, examples_python: str
) -> None:
    root = copy_example("hello-ok", tmp_path)
    write_tree(
        root,
        {
            "Procfile": (
                "web: gunicorn app:app --bind 0.0.0.0:$PORT\n"
                "worker: gunicorn app:application --bind 0.0.0.0:$PORT\n"
            )
        },
    )
    await initialize(client, root, python=examples_python)
    uri = open_file(client, root / "Procfile")
    await wait_for_version(client, uri, 1)
    good = await _hover(client, uri, 0, 16)
    assert good is not None
    assert "gunicorn** loads `app:app`" in good and "instance `app` at `app.py:3`" in good
    bad = await _hover(client, uri, 1, 20)
    assert bad is not None and "SRV002" in bad and "application" in bad
    assert await _hover(client, uri, 0, 2) is None  # "web:" is not a target
