"""Reading a terminal command line: which tool it runs, through which interpreter, on which port."""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass

#: First words (file names, without .exe) whose commands are worth explaining.
TOOLS = {
    "python": "python",
    "python3": "python",
    "py": "python",
    "pip": "pip",
    "pip3": "pip",
    "flask": "flask",
    "gunicorn": "gunicorn",
    "uwsgi": "uwsgi",
    "waitress-serve": "waitress",
    "uv": "uv",
    "poetry": "poetry",
}
_PYTHON_NAME = re.compile(r"^(?:python(?:\d+(?:\.\d+)?)?|py)(?:\.exe)?$", re.IGNORECASE)
_PIP_NAME = re.compile(r"^pip(?:\d+(?:\.\d+)?)?(?:\.exe)?$", re.IGNORECASE)
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_APP_MODULES = {"flask": "flask", "gunicorn": "gunicorn", "waitress": "waitress", "pip": "pip"}


@dataclass(frozen=True)
class Command:
    """What a command line runs. `tool` is None for a command we do not explain."""

    tool: str | None  # python | pip | flask | gunicorn | uwsgi | waitress | uv | poetry
    argv: tuple[str, ...]
    #: The interpreter the command names by path (`.venv/bin/python app.py`,
    #: `/usr/bin/pip3 install x` -> its interpreter), absolute; None when found on PATH.
    explicit_interpreter: str | None = None
    #: The program word as typed (`python3`, `pip`, `.venv/bin/flask`).
    program: str = ""
    #: The tool behind `python -m X` / `uv run X` / `poetry run X` (flask, gunicorn, pip, ...).
    module: str | None = None
    #: Arguments after the program (or after `-m module`).
    args: tuple[str, ...] = ()

    @property
    def starts_app(self) -> bool:
        """Whether the command starts an app (not pip): its failure is a start-up failure."""
        kind = self.module or self.tool
        if self.tool == "python" and self.module is None:
            # `python app.py` starts it; `python`, `python -c ...`, `python -V` do not.
            script = next((a for a in self.args if not a.startswith("-")), None)
            first = self.args[0] if self.args else ""
            return script is not None and first not in ("-c",) and script.endswith(".py")
        return kind in ("flask", "gunicorn", "uwsgi", "waitress")

    @property
    def installs(self) -> bool:
        kind = self.module or self.tool
        return kind == "pip" and "install" in self.args


def _split(command_line: str) -> list[str]:
    try:
        return shlex.split(command_line, posix=True)
    except ValueError:
        return command_line.split()


def _interpreter_beside(program: str, cwd: str | None) -> str:
    """The Python next to a script in a bin/ or Scripts/ directory (pip, flask, gunicorn)."""
    path = program if os.path.isabs(program) or not cwd else os.path.join(cwd, program)
    directory = os.path.dirname(os.path.normpath(path))
    windows = program.lower().endswith(".exe") or "\\" in program
    return os.path.join(directory, "python.exe" if windows else "python")


def read_command(command_line: str, cwd: str | None = None) -> Command:
    """Classify one command line. Never raises; unknown commands get `tool=None`."""
    words = _split(command_line.strip())
    # Leading `VAR=value` assignments and `env`/`time`/`sudo -E`-free prefixes.
    while words and (_ASSIGNMENT.match(words[0]) or words[0] in ("env", "time", "exec", "command")):
        words = words[1:]
    if not words:
        return Command(None, ())
    program = words[0]
    name = re.split(r"[\\/]", program)[-1]
    base = name[:-4] if name.lower().endswith(".exe") else name
    has_dir = "/" in program or "\\" in program
    rest = tuple(words[1:])
    if _PYTHON_NAME.match(name):
        explicit = None
        if has_dir:
            explicit = program if os.path.isabs(program) or not cwd else os.path.join(cwd, program)
            explicit = os.path.normpath(explicit)
        module = None
        args = rest
        if len(rest) >= 2 and rest[0] == "-m":
            module, args = rest[1], rest[2:]
        elif rest and rest[0].startswith("-m") and len(rest[0]) > 2:
            module, args = rest[0][2:], rest[1:]
        return Command(
            "python", tuple(words), explicit, program, _APP_MODULES.get(module or "", module), args
        )
    tool = "pip" if _PIP_NAME.match(name) else TOOLS.get(base.lower())
    if tool is None:
        return Command(None, tuple(words), program=program)
    if tool in ("uv", "poetry"):
        # `uv run X ...` / `poetry run X ...`: the tool's own environment runs X.
        if rest and rest[0] == "run":
            inner = read_command(shlex.join(rest[1:]), cwd) if len(rest) > 1 else None
            module = (inner.module or inner.tool) if inner else None
            return Command(tool, tuple(words), None, program, module, rest[2:])
        return Command(tool, tuple(words), None, program, None, rest)
    explicit = _interpreter_beside(program, cwd) if has_dir else None
    return Command(tool, tuple(words), explicit, program, None, rest)


def command_port(command: Command) -> int | None:
    """The port a server command asks for: --port/-p, gunicorn/waitress --bind/-b/--listen."""
    args = list(command.args)
    for i, arg in enumerate(args):
        value: str | None = None
        for flag in ("--port", "-p", "--bind", "-b", "--listen", "--http"):
            if arg == flag and i + 1 < len(args):
                value = args[i + 1]
            elif arg.startswith(flag + "=") or (
                len(flag) == 2 and arg.startswith(flag) and len(arg) > 2
            ):
                value = arg.split("=", 1)[1] if "=" in arg else arg[2:]
        if value:
            match = re.search(r"(\d+)$", value)
            if match:
                return int(match[1])
    return None
