"""Reading what a command printed: Python tracebacks (chained too) and the lines that Flask,
Gunicorn, Werkzeug and pip print when they fail or install something."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>.+))?\s*$')
_EXCEPTION = re.compile(r"^(?P<type>[A-Za-z_][\w.]*)(?::\s?(?P<message>.*))?$")
_CHAIN_MARKERS = (
    "The above exception was the direct cause of the following exception:",
    "During handling of the above exception, another exception occurred:",
)
_NO_MODULE = re.compile(r"""No module named ['"](?P<name>[\w.]+)['"]""")
_CANNOT_IMPORT = re.compile(
    r"cannot import name ['\"](?P<name>\w+)['\"] from ['\"](?P<module>[\w.]+)['\"]"
    r"(?: \((?P<path>[^)]+)\))?"
)
_GUNICORN_ATTRIBUTE = re.compile(
    r"Failed to find attribute '(?P<attr>[^']+)' in '(?P<module>[^']+)'"
)
_FLASK_NOT_LOCATED = re.compile(r"Could not locate a Flask application")
_FLASK_NOT_FOUND_IN = re.compile(
    r"Failed to find Flask application or factory in module '(?P<module>[^']+)'"
)
_FLASK_COULD_NOT_IMPORT = re.compile(r"^Error: Could not import '(?P<module>[^']+)'")
_PORT_IN_USE = (
    re.compile(r"Port (?P<port>\d+) is in use by another program"),
    re.compile(r"Connection in use: \('(?P<host>[^']*)', (?P<port>\d+)\)"),
    re.compile(r"Connection in use: (?P<host>[^\s:]*):(?P<port>\d+)"),
)
_ADDRESS_IN_USE = re.compile(r"Address already in use|\[Errno (?:98|48|10048)\]")
_PIP_INSTALLED = re.compile(r"^Successfully installed (?P<items>.+)$")
_PIP_SATISFIED = re.compile(
    r"^Requirement already satisfied: (?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?"
    r"(?:[^ ]*)? in (?P<path>.+?)(?: \(from [^)]*\))?(?: \((?P<version>[^)]+)\))?$"
)
_PIP_EXTERNALLY_MANAGED = re.compile(r"^error: externally-managed-environment")
_PIP_USER_FALLBACK = re.compile(r"Defaulting to user installation because normal site-packages")
_SYNTAX_ERRORS = ("SyntaxError: ", "IndentationError: ", "TabError: ")
#: A line is matched against the tool patterns only when it holds one of these words.
_TOOL_WORDS = (
    "Failed to find",
    "Could not",
    "in use",
    "Errno",
    "Successfully installed",
    "Requirement already",
    "externally-managed",
    "Defaulting to user",
)


@dataclass(frozen=True)
class Frame:
    file: str
    line: int
    function: str = ""


@dataclass(frozen=True)
class RaisedException:
    """One exception of a traceback: its frames (outermost first) and its last line."""

    type: str
    message: str
    frames: tuple[Frame, ...] = ()

    @property
    def short_type(self) -> str:
        return self.type.rsplit(".", 1)[-1]

    @property
    def text(self) -> str:
        return f"{self.type}: {self.message}" if self.message else self.type


@dataclass(frozen=True)
class PipSatisfied:
    name: str
    location: str
    version: str | None


@dataclass
class CommandOutput:
    """Everything recognised in one command's output."""

    #: Each printed traceback; for a chained one, the causes first and the final one last.
    chain: list[RaisedException] = field(default_factory=list)
    missing_module: str | None = None
    cannot_import: dict[str, str] | None = None  # name, module, path
    gunicorn_attribute: tuple[str, str] | None = None  # (attribute, module)
    flask_not_located: bool = False
    flask_app_not_in_module: str | None = None
    flask_could_not_import: str | None = None
    port_in_use: int | None = None
    port_host: str | None = None
    address_in_use: bool = False
    pip_installed: list[tuple[str, str | None]] = field(default_factory=list)
    pip_satisfied: list[PipSatisfied] = field(default_factory=list)
    pip_externally_managed: bool = False
    pip_user_install: bool = False

    @property
    def final(self) -> RaisedException | None:
        return self.chain[-1] if self.chain else None

    @property
    def frames(self) -> list[Frame]:
        """Every frame of every exception in the chain, in print order."""
        return [frame for raised in self.chain for frame in raised.frames]


def clean_lines(text: str) -> list[str]:
    """Lines without terminal colours, carriage-return overwrites or the exception-group bars."""
    lines: list[str] = []
    for raw in _ANSI.sub("", text).replace("\r\n", "\n").split("\n"):
        line = raw.rsplit("\r", 1)[-1] if "\r" in raw else raw
        lines.append(line)
    return lines


def _read_traceback(lines: list[str], start: int) -> tuple[RaisedException | None, int]:
    """The traceback whose header is at `start`; returns it and the index after it."""
    frames: list[Frame] = []
    i = start + 1
    while i < len(lines):
        line = lines[i]
        match = _FRAME.match(line)
        if match:
            frames.append(Frame(match["file"], int(match["line"]), (match["func"] or "").strip()))
            i += 1
            continue
        if line.startswith((" ", "\t")) or not line.strip():
            i += 1  # source lines, carets, blank lines inside the traceback
            continue
        exception = _EXCEPTION.match(line.strip())
        if exception and (
            exception["message"] is not None or exception["type"].endswith(("Error", "Exception"))
        ):
            message = (exception["message"] or "").strip()
            return RaisedException(exception["type"], message, tuple(frames)), i + 1
        return None, i
    return None, i


def _read_syntax_error(lines: list[str], index: int) -> RaisedException | None:
    """A SyntaxError printed without a "Traceback" header (the compiler's own report)."""
    for j in range(index - 1, max(-1, index - 6), -1):
        match = _FRAME.match(lines[j])
        if match:
            frame = Frame(match["file"], int(match["line"]))
            exception = _EXCEPTION.match(lines[index].strip())
            if exception:
                return RaisedException(
                    exception["type"], (exception["message"] or "").strip(), (frame,)
                )
    return None


def parse_output(text: str) -> CommandOutput:
    """Recognise tracebacks and known tool messages in a command's output. Never raises."""
    found = CommandOutput()
    lines = clean_lines(text)
    chain: list[RaisedException] = []
    chained_next = False
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip().lstrip("| ").strip() if line[:1] in (" ", "|") else line
        if stripped.startswith("Traceback (most recent call last):"):
            raised, i = _read_traceback(lines, i)
            if raised is not None:
                # A new, unchained traceback replaces the previous one (a reloader restart).
                chain = [*chain, raised] if chained_next else [raised]
                chained_next = False
            continue
        if stripped.strip() in _CHAIN_MARKERS:
            chained_next = True
        elif line.startswith(_SYNTAX_ERRORS):
            raised = _read_syntax_error(lines, i)
            if raised is not None and not chain:
                chain = [raised]
        if any(word in stripped for word in _TOOL_WORDS):
            _read_tool_line(found, stripped.strip())
        i += 1
    found.chain = chain
    for raised in chain:
        _read_exception(found, raised)
    return found


def _read_exception(found: CommandOutput, raised: RaisedException) -> None:
    if raised.short_type == "ModuleNotFoundError":
        match = _NO_MODULE.search(raised.message)
        if match:
            found.missing_module = match["name"]
    elif raised.short_type == "ImportError":
        match = _CANNOT_IMPORT.search(raised.message)
        if match:
            found.cannot_import = {
                "name": match["name"],
                "module": match["module"],
                "path": match["path"] or "",
            }
    if "Address already in use" in raised.message or re.search(
        r"\[Errno (98|48|10048)\]", raised.message
    ):
        found.address_in_use = True


def _read_tool_line(found: CommandOutput, line: str) -> None:
    if not line:
        return
    match = _GUNICORN_ATTRIBUTE.search(line)
    if match:
        found.gunicorn_attribute = (match["attr"], match["module"])
        return
    if _FLASK_NOT_LOCATED.search(line):
        found.flask_not_located = True
        return
    match = _FLASK_NOT_FOUND_IN.search(line)
    if match:
        found.flask_app_not_in_module = match["module"]
        return
    match = _FLASK_COULD_NOT_IMPORT.match(line)
    if match:
        found.flask_could_not_import = match["module"]
        return
    for pattern in _PORT_IN_USE:
        match = pattern.search(line)
        if match:
            found.port_in_use = int(match["port"])
            found.port_host = match.groupdict().get("host")
            found.address_in_use = True
            return
    if _ADDRESS_IN_USE.search(line):
        found.address_in_use = True
    match = _PIP_INSTALLED.match(line)
    if match:
        for item in match["items"].split():
            name, _, version = item.rpartition("-")
            found.pip_installed.append((name, version) if name else (item, None))
        return
    match = _PIP_SATISFIED.match(line)
    if match:
        found.pip_satisfied.append(
            PipSatisfied(match["name"], match["path"].strip(), match["version"])
        )
        return
    if _PIP_EXTERNALLY_MANAGED.match(line):
        found.pip_externally_managed = True
    elif _PIP_USER_FALLBACK.search(line):
        found.pip_user_install = True
