"""uwsgi.ini (any .ini with a [uwsgi] section): module/wsgi/callable/wsgi-file/chdir/http."""

from __future__ import annotations

import configparser
import posixpath
import re
from collections.abc import Callable

from ..model import Range
from ..project import Project
from .command_lines import CommandSite, uwsgi_declaration
from .declarations import Declaration
from .located import Located
from .problems import DeclarationProblem
from .shell_words import Word

_KEY = re.compile(r"^[ \t]*([A-Za-z0-9_-]+)[ \t]*[=:][ \t]*(.*?)[ \t]*$")
_SECTION = re.compile(r"^[ \t]*\[([^\]]*)\]")


def has_uwsgi_section(text: str) -> bool:
    return re.search(r"^[ \t]*\[uwsgi\]", text, re.MULTILINE) is not None


def uwsgi_ini_declarations(
    project: Project,
    relpath: str,
    problems: list[DeclarationProblem],
    map_dir: Callable[[str], str | None] | None = None,
) -> list[Declaration]:
    source = project.source(relpath)
    if source is None or not has_uwsgi_section(source.text):
        return []
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    try:
        parser.read_string(source.text)
    except configparser.Error as error:
        first = str(error).splitlines()[0]
        at = 0
        if isinstance(error, configparser.ParsingError) and error.errors:
            number, text = error.errors[0]
            shown = text.strip().strip("'").replace("\\n", "")
            first = f"line {number}: `{shown}` is neither a [section] nor a key = value"
            at = max(int(number) - 1, 0)
        elif isinstance(error, configparser.MissingSectionHeaderError):
            first = f"line {error.lineno}: a setting before any [section]"
            at = max(error.lineno - 1, 0)
        problems.append(
            DeclarationProblem(
                relpath, Range.line_start(at), "uwsgi", f"{relpath} does not parse as INI: {first}"
            )
        )
        return []
    section = ""
    options: list[tuple[str, str]] = []
    target: Word | None = None
    target_located: Located | None = None
    for index, line in enumerate(source.lines):
        header = _SECTION.match(line)
        if header:
            section = header.group(1).strip()
            continue
        if section != "uwsgi" or line.lstrip().startswith((";", "#")):
            continue
        match = _KEY.match(line)
        if not match:
            continue
        key, value = match.group(1), match.group(2)
        options.append((key, value))
        if key in ("module", "wsgi", "wsgi-file", "file"):
            start = source.line_starts[index] + match.start(2)
            target_located = Located.span(source, start, start + len(value))
    cwd = posixpath.dirname(relpath)
    located = target_located or Located.span(source, 0, 0)
    site = CommandSite(
        relpath, source, located, cwd=cwd, context="systemd", map_dir=map_dir, arg_style="none"
    )
    if target_located is not None:
        target = Word(located.text, 0, len(located.text), (0, len(located.text)), quoted=False)
    program = Word("uwsgi", 0, len(located.text), (0, len(located.text)))
    declaration = uwsgi_declaration(site, program, target, cwd, {}, options)
    return [declaration]
