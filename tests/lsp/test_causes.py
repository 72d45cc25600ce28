"""Root causes over real LSP stdio: a fresh clone publishes one headline, the rest folded under
it (relatedInformation), also after an edit that re-checks a single module."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from tests.conftest import write_tree
from tests.lsp.conftest import EditorClient, initialize, open_file, wait_for_version, wait_until
from tests.test_causes import fake_global_python

PACKAGES = [f"package-{n}" for n in range(25)]


def _fresh_clone(root: Path) -> Path:
    files = {"requirements.txt": "flask\n" + "".join(f"{p}\n" for p in PACKAGES)}
    files["app.py"] = "from flask import Flask\n\napp = Flask(__name__)\n"
    for n in range(15):
        imports = "".join(f"import package_{(n + k) % 25}\n" for k in range(3))
        files[f"views/view_{n}.py"] = f"{imports}import flask\n"
    return write_tree(root, files)


def _ours(client: EditorClient) -> dict[str, list[types.Diagnostic]]:
    return {uri: list(found) for uri, found in client.diagnostics.items() if found}


async def test_a_fresh_clone_publishes_the_headline_and_folds_the_rest(
    client: EditorClient, tmp_path: Path
) -> None:
    python = fake_global_python(tmp_path / "usr", {"Jinja2": "3.1.0"}, broken=True)
    root = _fresh_clone(tmp_path / "proj")
    await initialize(client, root, python=str(python))
    requirements = (root / "requirements.txt").as_uri()
    await wait_until(lambda: client.diagnostics.get(requirements), "the headline")
    await wait_until(lambda: client.statuses, "the status after the first run")
    published = _ours(client)
    total = sum(len(found) for found in published.values())
    assert total <= 20, {uri: [d.code for d in found] for uri, found in published.items()}
    [headline] = published[requirements]
    assert headline.code == "ENV001"
    assert headline.severity == types.DiagnosticSeverity.Error
    assert headline.message.startswith("No virtualenv: all 26 requirements are missing from")
    # everything it explains is reachable from it: 26 DEP001, one DEP005 per missing module
    # (flask and every package a view imports), one DEP003
    missing = {"flask"} | {f"package_{(n + k) % 25}" for n in range(15) for k in range(3)}
    related = headline.related_information or []
    assert len(related) == headline.data["folded"] == 26 + len(missing) + 1
    codes = [info.message.split(":")[0] for info in related]
    assert codes.count("DEP001") == 26 and codes.count("DEP005") == len(missing)
    view = (root / "views" / "view_3.py").as_uri()
    assert any(info.location.uri == view for info in related)
    assert all(uri in (requirements,) for uri in published), "folded findings were published"
    # its quick fix creates the venv and installs the requirements
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=requirements),
            range=headline.range,
            context=types.CodeActionContext(diagnostics=[headline]),
        )
    )
    commands = [a.command for a in actions or [] if isinstance(a, types.CodeAction)]
    assert any(
        c is not None
        and c.command == "flaskPreflight.createVenv"
        and list(c.arguments or []) == [str(root), "requirements.txt"]
        for c in commands
    ), actions

    # Typing in one module re-checks only it: the headline still links the other modules'
    # folded findings, and now the new import too.
    uri = open_file(client, root / "views" / "view_3.py")
    assert await wait_for_version(client, uri, 1) == []
    text = (root / "views" / "view_3.py").read_text() + "import brand_new_missing\n"
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    assert await wait_for_version(client, uri, 2) == []

    def updated() -> types.Diagnostic | None:
        [now] = client.diagnostics.get(requirements) or [headline]
        return now if now.data["folded"] == 26 + len(missing) + 1 + 1 else None

    now = await wait_until(updated, "the headline counting the new import")
    messages = [info.message for info in now.related_information or []]
    assert any("`brand_new_missing`" in m for m in messages)
    # (each module's DEP005 sits at its first site by path: view_10 holds package_10..12)
    other = (root / "views" / "view_10.py").as_uri()
    assert any(info.location.uri == other for info in now.related_information or [])
