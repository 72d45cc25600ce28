"""A hostile editor session over real stdio: thousands of random document operations.

Random didOpen/didChange/didClose/didSave sequences with invalid ranges, huge lines, NUL
bytes, astral characters, a 5 MB document, out-of-order versions, requests for closed
documents and cancelled requests. Afterwards the server must still answer, have logged no
error, and its diagnostics for every open document must equal a fresh analysis of that
document's final text (computed in-process by the engine; the final text comes from
pygls' own TextDocument, the same model the server applies changes with).
"""

from __future__ import annotations

import asyncio
import random
import re
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.workspace import TextDocument

from flask_preflight.analysis.flask_apps import find_flask_apps
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import run_checks
from tests.lsp.conftest import (
    EditorClient,
    copy_example,
    initialize,
    wait_for_version,
)

OPERATIONS = 2500
APP_RULES = {"APP001", "APP002", "APP003", "APP004"}
DOCUMENTS = ("app.py", "other.py", "pkg/__init__.py", "requirements.txt", "Procfile")

SNIPPETS = (
    "from flask import Flask\n",
    "app = Flask(__name__)\n",
    "app.run(debug=True)\n",
    'if __name__ == "__main__":\n    app.run()\n',
    'if __name__ == "main":\n    app.run()\n',
    '@app.route("/x")\ndef x():\n    return "x"\n',
    "def f(:\n",
    "\x00\x00\x00",
    "😀🐍 ünïcödé \U0001d518 \u2028 \r\n",
    "\r",
    "    \t  \n",
    "x" * 20_000 + "\n",
    "web: gunicorn app:app\n",
    "flask==3.1.3\n-r missing.txt\n",
    "))))(((([[[",
)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


FLASK_MODULE = "from flask import Flask\n\napp = Flask(__name__)\n"
FINDING_SNIPPETS = (
    "app.run()\n",
    'if __name__ == "main":\n    app.run()\n',
    '@app.route("/late")\ndef late():\n    return "late"\n',
    "app.run(port=5001)\n",
)


def utf16_range(text: str, start: Any, end: Any) -> tuple[int, int, int, int]:
    """An engine range (code points) in UTF-16 units, computed independently of the server."""
    lines = _LINE_BREAK.split(text)

    def units(line: int, character: int) -> int:
        if line >= len(lines):
            return 0
        return sum(2 if ord(c) > 0xFFFF else 1 for c in lines[line][:character])

    return (
        start.line,
        units(start.line, start.character),
        end.line,
        units(end.line, end.character),
    )


class Session:
    """The random editor: keeps pygls TextDocuments as the reference for what the server has."""

    def __init__(self, client: EditorClient, root: Path, rng: random.Random) -> None:
        self.client = client
        self.root = root
        self.rng = rng
        self.docs: dict[str, TextDocument] = {}
        self.max_version: dict[str, int] = {}
        self.requests: list[asyncio.Future[Any]] = []
        self.next_id = 10_000
        self.sent_huge = False

    def uri(self, rel: str) -> str:
        return (self.root / rel).as_uri()

    def random_text(self) -> str:
        if not self.sent_huge and self.rng.random() < 0.002:
            self.sent_huge = True
            return "x = 1\n" * 850_000  # about 5 MB
        return "".join(self.rng.choice(SNIPPETS) for _ in range(self.rng.randint(0, 8)))

    def random_position(self, doc: TextDocument) -> types.Position:
        lines = doc.lines
        # Mostly valid, sometimes past the end of the line or of the document.
        line = self.rng.randint(0, len(lines) + 2)
        width = len(lines[line]) if line < len(lines) else 0
        return types.Position(line, self.rng.randint(0, width + 5))

    def open(self, rel: str) -> None:
        uri = self.uri(rel)
        version = self.rng.randint(0, 5)
        text = self.random_text()
        self.docs[uri] = TextDocument(uri, text, version)
        self.max_version[uri] = max(version, self.max_version.get(uri, 0))
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri,
                    language_id="python" if rel.endswith(".py") else "plaintext",
                    version=version,
                    text=text,
                )
            )
        )

    def change(self, uri: str, *, out_of_order: bool = False) -> None:
        doc = self.docs[uri]
        change: types.TextDocumentContentChangeEvent
        if self.rng.random() < 0.2:
            change = types.TextDocumentContentChangeWholeDocument(text=self.random_text())
        else:
            a, b = sorted(
                [self.random_position(doc), self.random_position(doc)],
                key=lambda p: (p.line, p.character),
            )
            change = types.TextDocumentContentChangePartial(
                range=types.Range(a, b), text=self.rng.choice(SNIPPETS)
            )
        if out_of_order:
            version = self.rng.randint(0, max(self.max_version[uri] - 1, 0))
        else:
            version = self.max_version[uri] + 1
            self.max_version[uri] = version
        doc.apply_change(change)
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[change],
            )
        )

    def _send_change(self, uri: str, change: types.TextDocumentContentChangeEvent) -> None:
        version = self.max_version[uri] + 1
        self.max_version[uri] = version
        self.docs[uri].apply_change(change)
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[change],
            )
        )

    def end_of(self, uri: str) -> types.Position:
        lines = _LINE_BREAK.split(self.docs[uri].source)
        last = lines[-1]
        return types.Position(
            line=len(lines) - 1, character=sum(2 if ord(c) > 0xFFFF else 1 for c in last)
        )

    def replace_all(self, uri: str, text: str) -> None:
        whole = types.Range(start=types.Position(line=0, character=0), end=self.end_of(uri))
        self._send_change(uri, types.TextDocumentContentChangePartial(range=whole, text=text))

    def append(self, uri: str, text: str) -> None:
        end = self.end_of(uri)
        self._send_change(
            uri,
            types.TextDocumentContentChangePartial(
                range=types.Range(start=end, end=end), text=text
            ),
        )

    def close(self, uri: str) -> None:
        del self.docs[uri]
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )

    def save(self, uri: str) -> None:
        self.client.text_document_did_save(
            types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )

    def request(self, uri: str, cancel: bool) -> None:
        """A request on any document, open or not; sometimes cancelled right away."""
        whole = types.Range(types.Position(0, 0), types.Position(self.rng.randint(0, 50), 0))
        identifier = types.TextDocumentIdentifier(uri=uri)
        method, params = self.rng.choice(
            [
                (
                    types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionParams(
                        text_document=identifier,
                        range=whole,
                        context=types.CodeActionContext(diagnostics=[]),
                    ),
                ),
                (types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensParams(text_document=identifier)),
                (
                    types.TEXT_DOCUMENT_HOVER,
                    types.HoverParams(
                        text_document=identifier,
                        position=types.Position(line=self.rng.randint(0, 9), character=3),
                    ),
                ),
            ]
        )
        self.next_id += 1
        future = self.client.protocol.send_request(method, params, msg_id=self.next_id)
        wrapped = asyncio.wrap_future(future)
        # A cancelled request ends in an error response: that is an answer, not a failure.
        wrapped.add_done_callback(lambda f: f.cancelled() or f.exception())
        self.requests.append(wrapped)
        if cancel:
            self.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=self.next_id))

    def step(self) -> None:
        rel = self.rng.choice(DOCUMENTS)
        uri = self.uri(rel)
        if uri not in self.docs:
            roll = self.rng.random()
            if roll < 0.7:
                self.open(rel)
            else:
                self.request(uri, cancel=roll > 0.85)
            return
        roll = self.rng.random()
        if roll < 0.55:
            self.change(uri)
        elif roll < 0.60:
            self.change(uri, out_of_order=True)
        elif roll < 0.68:
            self.close(uri)
        elif roll < 0.75:
            self.save(uri)
        elif roll < 0.9:
            self.request(uri, cancel=False)
        else:
            self.request(uri, cancel=True)


def expected_app_findings(root: Path, texts: dict[str, str], rel: str) -> set[tuple[Any, ...]]:
    project = Project(root, overrides=dict(texts))
    return {
        (f.rule, *utf16_range(texts[rel], f.range.start, f.range.end))
        for f in run_checks(project, select=APP_RULES)
        if f.path == rel
    }


@pytest.mark.timeout(600)
@pytest.mark.parametrize("seed", [7, 2024])
async def test_server_survives_a_hostile_session(
    client: EditorClient, tmp_path: Path, seed: int
) -> None:
    root = copy_example("unguarded-run", tmp_path)
    (root / "pkg").mkdir()
    await initialize(client, root)
    session = Session(client, root, random.Random(seed))
    for index in range(OPERATIONS):
        session.step()
        if index % 50 == 0:
            await asyncio.sleep(0)  # let the client read what the server sends meanwhile

    # Every request was answered (a result or an error such as "cancelled"), none hangs.
    _, pending = await asyncio.wait(session.requests, timeout=120)
    assert not pending, f"{len(pending)} requests never answered"

    # Recovery: every open Python document becomes a Flask module through incremental edits
    # whose ranges come from the reference model (if the server's text had diverged, the
    # replacement would leave remnants and the comparison below would catch it), then grows
    # by snippets that each make an APP finding. Other documents get an empty edit.
    if session.uri("app.py") not in session.docs:
        session.open("app.py")  # its code lenses are compared below
    for uri in list(session.docs):
        if uri.endswith(".py"):
            session.replace_all(uri, FLASK_MODULE)
            for _ in range(3):
                session.append(uri, session.rng.choice(FINDING_SNIPPETS))
        else:
            session.append(uri, "")

    compared = 0
    texts = {uri_rel: doc.source for uri_rel, doc in _by_relpath(root, session.docs).items()}
    for rel in texts:
        uri = (root / rel).as_uri()
        published = await wait_for_version(client, uri, session.max_version[uri])
        got = {
            (
                d.code,
                d.range.start.line,
                d.range.start.character,
                d.range.end.line,
                d.range.end.character,
            )
            for d in published
            if d.source == "Flask Preflight" and d.code in APP_RULES
        }
        expected = expected_app_findings(root, texts, rel)
        assert got == expected, rel
        compared += len(expected)
    # The session is deterministic for a seed; these seeds end with APP findings to compare.
    assert compared > 0

    # Still alive and answering, and nothing went wrong inside.
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(
            text_document=types.TextDocumentIdentifier(uri=(root / "app.py").as_uri())
        )
    )
    # Two lenses (dev server, production server) on each line that defines an app in the
    # final text, as the engine finds them: `app = Flask(__name__)` on line 2.
    apps = find_flask_apps(Project(root, overrides=dict(texts)), "app.py")
    assert apps is not None
    app_lines = [a.line for a in apps.apps if a.via != "import"]
    assert app_lines == [2]
    assert sorted(lens.range.start.line for lens in lenses or []) == sorted(app_lines * 2)
    errors = [m.message for m in client.log_messages if m.type == types.MessageType.Error]
    assert errors == []


def _by_relpath(root: Path, docs: dict[str, TextDocument]) -> dict[str, TextDocument]:
    prefix = root.as_uri() + "/"
    return {uri[len(prefix) :]: doc for uri, doc in docs.items()}
