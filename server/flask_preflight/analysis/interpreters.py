"""Which interpreter will run the app: the one chooser every front end uses (the CLI, the
language server and, through the server's status notification, the VS Code client)."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Source = Literal["explicit", "auto"]

#: Conventional venv directory names, best first.
VENV_NAMES = (".venv", "venv", "env", ".env")


@dataclass(frozen=True)
class Interpreter:
    """The chosen interpreter: `path` (None when there is none), whether the user chose it
    (`explicit`) or it was picked (`auto`), and `reason`, said to the user as "how chosen"."""

    path: str | None
    source: Source
    reason: str


@dataclass(frozen=True)
class Selection:
    """What an editor says its selected interpreter is for a folder, and whether the user
    chose it (`explicit`) or the editor only guessed (`auto`)."""

    path: str
    source: Source = "explicit"


def choose_interpreter(
    root: os.PathLike[str] | str,
    *,
    setting: str | None = None,
    selection: Selection | None = None,
    environ: Mapping[str, str] | None = None,
    setting_name: str = "the flaskPreflight.python setting",
) -> Interpreter:
    """The interpreter that will run the app in `root`. The first that applies wins:

    1. `setting`: the `flaskPreflight.python` setting, or the CLI's `--python` (explicit).
    2. The editor's selection for the folder (the Python extension's, or what another
       editor sends in `flaskPreflight/setInterpreter`); with no editor, the active
       virtualenv `$VIRTUAL_ENV` (explicit; a selection the editor only guessed is auto).
    3. The project's own venv: a directory directly under `root` holding a pyvenv.cfg,
       conventional names first (.venv, venv, env, .env) (auto).
    4. `python3`, then `python`, on PATH (auto); else none.

    Cheap: at most one directory listing and a PATH lookup (no interpreter is run).
    """
    env = os.environ if environ is None else environ
    if setting:
        return Interpreter(setting, "explicit", setting_name)
    if selection is not None:
        if selection.source == "explicit":
            return Interpreter(selection.path, "explicit", "selected in the editor")
        return Interpreter(selection.path, "auto", _guessed_reason(root, selection.path))
    active = env.get("VIRTUAL_ENV")
    if active:
        return Interpreter(venv_python(active), "explicit", "the active virtualenv ($VIRTUAL_ENV)")
    absolute_root = os.path.abspath(root)
    for venv in top_level_venvs(absolute_root):
        python = venv_python(os.path.join(absolute_root, venv))
        if os.path.lexists(python):
            return Interpreter(python, "auto", f"the project's venv `{venv}`")
    search_path = env.get("PATH", os.defpath)
    for name in ("python3", "python"):
        found = shutil.which(name, path=search_path)
        if found:
            return Interpreter(os.path.abspath(found), "auto", f"`{name}` on PATH")
    return Interpreter(None, "auto", "no python3 or python on PATH")


def choose_cli_interpreter(
    root: os.PathLike[str] | str,
    python_option: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Interpreter:
    """The CLI's choice (`--python` > `$VIRTUAL_ENV` > project venv > PATH): the same order."""
    return choose_interpreter(
        root,
        setting=os.path.abspath(python_option) if python_option else None,
        environ=environ,
        setting_name="given with --python",
    )


def _guessed_reason(root: os.PathLike[str] | str, path: str) -> str:
    # An editor picks automatically either the project's own venv or a Python on PATH.
    try:
        inside = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    except ValueError:  # another drive on Windows
        inside = os.pardir
    if not inside.startswith(os.pardir) and inside != os.curdir:
        first = inside.replace(os.sep, "/").split("/")[0]
        return f"the project's virtualenv `{first}`, picked automatically"
    return "the Python found on PATH, picked automatically (no project virtualenv)"


def top_level_venvs(root: str) -> list[str]:
    """Venvs directly under the root (where they almost always are), without a full scan."""
    try:
        with os.scandir(root) as entries:
            names = [
                e.name
                for e in entries
                if e.is_dir(follow_symlinks=False)
                and os.path.isfile(os.path.join(e.path, "pyvenv.cfg"))
            ]
    except OSError:
        return []
    order = {name: i for i, name in enumerate(VENV_NAMES)}
    return sorted(names, key=lambda n: (order.get(n, len(order)), n))


def venv_python(venv_dir: str) -> str:
    """The interpreter inside a venv directory, for POSIX and Windows layouts."""
    posix = os.path.join(venv_dir, "bin", "python")
    windows = os.path.join(venv_dir, "Scripts", "python.exe")
    if not os.path.lexists(posix) and os.path.lexists(windows):
        return windows
    return posix


def describe_server_python() -> str:
    return f"{sys.executable} ({sys.version.split()[0]})"
