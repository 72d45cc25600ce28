"""Watched files: `pip install` in a terminal clears the dependency diagnostics without a
reload, through the site-packages watcher the server registers (the test plays the editor's
file watcher: it reports exactly the changes that match the registered patterns)."""

from __future__ import annotations

import asyncio
import fnmatch
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.uris import to_fs_path

from tests.lsp.conftest import (
    EXAMPLE_REQUIREMENTS,
    EditorClient,
    copy_example,
    initialize,
    open_file,
    wait_for_version,
    wait_until,
)
from tests.venvs import make_venv, venv_python


def _site_packages(venv: Path) -> Path:
    [found] = venv.glob("lib/python*/site-packages")
    return found


def _watched_registrations(client: EditorClient) -> list[types.Registration]:
    return [
        r
        for r in list(client.registrations.values())
        if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    ]


def _matching_events(
    client: EditorClient, paths: list[Path], kind: types.FileChangeType
) -> list[types.FileEvent]:
    """What an editor's watcher reports: the paths that match a registered watcher."""
    watchers = [
        watcher
        for registration in _watched_registrations(client)
        for watcher in registration.register_options["watchers"]  # type: ignore[index]
    ]
    events = []
    for path in paths:
        for watcher in watchers:
            pattern = watcher["globPattern"]
            if isinstance(pattern, str):
                # an absolute glob (clients without relativePatternSupport)
                if pattern.startswith("/") and fnmatch.fnmatchcase(path.as_posix(), pattern):
                    events.append(types.FileEvent(uri=path.as_uri(), type=kind))
                    break
                continue
            base = pattern["baseUri"]
            base_path = to_fs_path(base if isinstance(base, str) else base["uri"])
            inside = base_path is not None and path.parent == Path(base_path)
            if inside and fnmatch.fnmatchcase(path.name, pattern["pattern"]):
                events.append(types.FileEvent(uri=path.as_uri(), type=kind))
                break
    return events


async def _pip_install(pip_python: Path, target: Path, *requirements: str) -> None:
    """`pip install` into `target`'s environment, as a user would in a terminal."""
    process = await asyncio.create_subprocess_exec(
        str(pip_python),
        "-m",
        "pip",
        "--python",
        str(target),
        "install",
        "--quiet",
        "--disable-pip-version-check",
        *requirements,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    assert process.returncode == 0, output.decode()


@pytest.mark.oracle
async def test_pip_install_in_a_terminal_clears_missing_requirements(
    client: EditorClient, tmp_path: Path
) -> None:
    root = copy_example("hello-ok", tmp_path)
    venv = root / ".venv"
    # a bare venv whose pip comes from the cached test venv: no download to create it
    base = venv_python(make_venv("lsp-examples", EXAMPLE_REQUIREMENTS))
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv_python(venv)
    await initialize(client, root, python=str(python))
    requirements = open_file(client, root / "requirements.txt")
    before = await wait_for_version(client, requirements, 1)
    assert sorted(str(d.code) for d in before) == ["DEP001", "DEP001"]

    site = _site_packages(venv)
    await wait_until(
        lambda: _matching_events(client, [site / "probe"], types.FileChangeType.Created),
        "a watcher on the venv's site-packages",
    )
    await wait_until(
        lambda: len(_watched_registrations(client)) == 1,
        "the first watcher set to be replaced, not kept beside the new one",
    )
    existing = set(site.iterdir())
    await _pip_install(base, python, *EXAMPLE_REQUIREMENTS)
    created = sorted(set(site.iterdir()) - existing)
    assert created, "pip installed nothing"
    events = _matching_events(client, created, types.FileChangeType.Created)
    assert events, "no registered watcher covers the new distributions"
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=events))
    await wait_until(
        lambda: client.versions.get(requirements) == 1 and not client.diagnostics[requirements],
        "the DEP001 squiggles to clear",
    )


@pytest.mark.oracle
async def test_without_file_events_a_save_sees_the_install(
    client: EditorClient, tmp_path: Path
) -> None:
    """Clients that do not watch files (Neovim 0.7): the next save re-reads the packages."""
    root = copy_example("hello-ok", tmp_path)
    venv = root / ".venv"
    base = venv_python(make_venv("lsp-examples", EXAMPLE_REQUIREMENTS))
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv_python(venv)
    await initialize(client, root, python=str(python))
    requirements = open_file(client, root / "requirements.txt")
    assert len(await wait_for_version(client, requirements, 1)) == 2
    await _pip_install(base, python, *EXAMPLE_REQUIREMENTS)
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=requirements)
        )
    )
    await wait_until(
        lambda: not client.diagnostics[requirements], "the DEP001 squiggles to clear on save"
    )
