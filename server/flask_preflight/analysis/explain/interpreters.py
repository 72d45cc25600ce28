"""Which interpreter ran a command: from a path in the command, the traceback's files or pip's
output, and whether that is the selected one."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..environment.model import Environment
from ..environment.reading import read_environment
from ..interpreters import venv_python
from .command_line import Command
from .output import CommandOutput

_LIB_DIR = re.compile(r"[\\/](?:lib|Lib)(?:[\\/](?P<version>python\d+(?:\.\d+)?t?))?[\\/]")


@dataclass(frozen=True)
class RanInterpreter:
    path: str
    #: How we know: "named in the command", "the traceback's files", "pip's output",
    #: "`python` on PATH".
    evidence: str
    #: False when the path is only what the command word resolves to on PATH (a guess).
    certain: bool = True


def interpreter_of_file(file: str) -> str | None:
    """The interpreter whose library holds `file` (site-packages, dist-packages or the stdlib).

    `/p/.venv/lib/python3.12/site-packages/flask/app.py` -> `/p/.venv/bin/python`;
    `/usr/lib/python3/dist-packages/x.py` -> `/usr/bin/python3`. None for any other file.
    """
    if not os.path.isabs(file) and not re.match(r"^[A-Za-z]:[\\/]", file):
        return None
    match = _LIB_DIR.search(file)
    if match is None:
        return None
    rest = file[match.end() :]
    version = match["version"]
    in_packages = re.match(r"^(?:site-packages|dist-packages)[\\/]", rest) or (
        version is None and re.match(r"^site-packages[\\/]", rest)
    )
    if version is None and not in_packages and not re.match(r"^python3[\\/]dist-packages", rest):
        return None
    prefix = file[: match.start()]
    if os.path.isfile(os.path.join(prefix, "pyvenv.cfg")) or "\\" in file:
        return (
            venv_python(prefix)
            if "\\" not in file
            else os.path.join(prefix, "Scripts", "python.exe")
        )
    names = [version] if version else []
    names += ["python3", "python"]
    for name in names:
        candidate = os.path.join(prefix, "bin", name)
        if os.path.exists(candidate):
            return candidate
    # ~/.local/lib/pythonX.Y/site-packages has no interpreter beside it.
    return None


def interpreter_of_site_packages(directory: str) -> str | None:
    return interpreter_of_file(os.path.join(directory, "x"))


def same_interpreter(a: str, b: str) -> bool:
    """Whether two interpreter paths run the same environment (a venv's python and python3 do;
    a venv and its base interpreter do not)."""
    if os.path.normcase(os.path.normpath(a)) == os.path.normcase(os.path.normpath(b)):
        return True
    env_a = read_environment(a, allow_exec=False)
    env_b = read_environment(b, allow_exec=False)
    if env_a.venv_root or env_b.venv_root:
        if not (env_a.venv_root and env_b.venv_root):
            return False
        return os.path.realpath(env_a.venv_root) == os.path.realpath(env_b.venv_root)
    return os.path.realpath(a) == os.path.realpath(b)


def _from_files(files: Iterable[str]) -> str | None:
    for file in files:
        found = interpreter_of_file(file)
        if found is not None:
            return found
    return None


def which_ran(
    command: Command,
    output: CommandOutput,
    cwd: str | None,
    environ: Mapping[str, str] | None = None,
) -> RanInterpreter | None:
    """The interpreter the command ran, from certain evidence first, then what its first word
    resolves to on PATH (`certain=False`). None when nothing tells."""
    if command.explicit_interpreter:
        return RanInterpreter(command.explicit_interpreter, "named in the command")
    from_traceback = _from_files(frame.file for frame in reversed(output.frames))
    if from_traceback:
        return RanInterpreter(from_traceback, "the traceback's files")
    if output.cannot_import and output.cannot_import.get("path"):
        found = interpreter_of_file(output.cannot_import["path"])
        if found:
            return RanInterpreter(found, "the traceback's files")
    if command.installs and output.pip_satisfied:
        for satisfied in output.pip_satisfied:
            location = satisfied.location
            if not os.path.isabs(location) and cwd:
                location = os.path.normpath(os.path.join(cwd, location))
            found = interpreter_of_site_packages(location)
            if found:
                return RanInterpreter(found, "pip's output")
    if command.tool in ("uv", "poetry") or not command.program:
        return None
    env = os.environ if environ is None else environ
    # $VIRTUAL_ENV tells only when the front end says it activated that venv in this terminal
    # (`environ`): the process's own $VIRTUAL_ENV is the editor's, or a stale one, and what
    # `python` runs is what PATH finds.
    active = environ.get("VIRTUAL_ENV") if environ is not None else None
    word = command.program
    if active and command.tool in ("python", "pip", "flask", "gunicorn", "waitress", "uwsgi"):
        return RanInterpreter(venv_python(active), "$VIRTUAL_ENV of the terminal", certain=False)
    found_program = shutil.which(word, path=env.get("PATH", os.defpath))
    if not found_program:
        return None
    if command.tool == "python":
        return RanInterpreter(found_program, f"`{word}` on PATH", certain=False)
    # pip, flask, gunicorn: the python beside the script on PATH.
    beside = os.path.join(os.path.dirname(found_program), "python")
    if os.path.exists(beside):
        return RanInterpreter(beside, f"`{word}` on PATH", certain=False)
    beside3 = os.path.join(os.path.dirname(found_program), "python3")
    if os.path.exists(beside3):
        return RanInterpreter(beside3, f"`{word}` on PATH", certain=False)
    return None


def display_path(path: str, root: str | None) -> str:
    """A path relative to the project root when inside it (`.venv/bin/python`), else absolute."""
    if root:
        try:
            rel = os.path.relpath(path, root)
        except ValueError:
            return path
        if not rel.startswith(".." + os.sep) and rel != ".." and not os.path.isabs(rel):
            return rel.replace(os.sep, "/")
    return path


def environment_label(env: Environment, root: str | None) -> str:
    """`.venv` for a project venv, else the interpreter's path."""
    if env.venv_root:
        return display_path(env.venv_root, root)
    return display_path(env.interpreter, root)
