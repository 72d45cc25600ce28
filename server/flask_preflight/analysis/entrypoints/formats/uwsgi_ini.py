"""uwsgi.ini (any .ini with a [uwsgi] section): module/wsgi/callable/wsgi-file/chdir/http."""

from __future__ import annotations

import configparser
import posixpath
import re
from collections.abc import Callable
from dataclasses import replace

from ...model import Range
from ...project import Project
from ..command_lines import STARTED_FILE_READERS, CommandSite, uwsgi_declaration
from ..declarations import Declaration
from ..problems import DeclarationProblem
from ..text.located import Located
from ..text.shell_words import Word

_KEY = re.compile(r"^[ \t]*([A-Za-z0-9_-]+)[ \t]*[=:][ \t]*(.*?)[ \t]*$")
_SECTION = re.compile(r"^[ \t]*\[([^\]]*)\]")


def has_uwsgi_section(text: str) -> bool:
    return re.search(r"^[ \t]*\[uwsgi\]", text, re.MULTILINE) is not None


_PLACEHOLDER = re.compile(
    r"%\(([A-Za-z0-9_-]+)\)|\$\(([A-Za-z_][A-Za-z0-9_]*)\)|\$\{([A-Za-z_][A-Za-z0-9_]*)\}"
)


def _expand(
    value: str, options: list[tuple[str, str]], env: dict[str, str] | None, folder: str
) -> tuple[str, str]:
    """uWSGI's `%(option)`, `$(ENV)` (and `${ENV}`) and `%d` (the file's folder) expanded;
    with the first placeholder that cannot be, as written ('' when all were)."""
    missing = ""

    def replace(match: re.Match[str]) -> str:
        nonlocal missing
        option, variable = match.group(1), match.group(2) or match.group(3)
        if option is not None:
            known = [v for k, v in options if k == option]
            if known:
                return known[-1]
        elif env is not None and variable in env:
            return env[variable]
        missing = missing or match.group(0)
        return match.group(0)

    expanded = _PLACEHOLDER.sub(replace, value)
    if "%d" in expanded:
        expanded = expanded.replace("%d", f"/{folder}/" if folder else "/")
    return expanded, missing


def uwsgi_ini_declarations(
    project: Project,
    relpath: str,
    problems: list[DeclarationProblem],
    map_dir: Callable[[str], str | None] | None = None,
    *,
    started: CommandSite | None = None,
    cwd: str | None = None,
    env: dict[str, str] | None = None,
) -> list[Declaration]:
    """The [uwsgi] section as one declaration. `started`: the command line that runs
    `uwsgi --ini` (its working directory `cwd` and environment `env` apply); without it the
    run directory is a guess (the file's folder) and a missing module is `unknown`."""
    source = project.source(relpath)
    if source is None or not has_uwsgi_section(source.text):
        return []
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    try:
        parser.read_string(source.text)
    except configparser.Error as error:
        first = str(error).splitlines()[0]
        at = 0
        # Before ParsingError, its base class: it may have no `errors` (Python 3.11).
        if isinstance(error, configparser.MissingSectionHeaderError):
            first = f"line {error.lineno}: a setting before any [section]"
            at = max(error.lineno - 1, 0)
        elif isinstance(error, configparser.ParsingError) and error.errors:
            number, text = error.errors[0]
            shown = text.strip().strip("'").replace("\\n", "")
            first = f"line {number}: `{shown}` is neither a [section] nor a key = value"
            at = max(int(number) - 1, 0)
        problems.append(
            DeclarationProblem(
                relpath, Range.line_start(at), "uwsgi", f"{relpath} does not parse as INI: {first}"
            )
        )
        return []
    section = ""
    options: list[tuple[str, str]] = []
    placeholders: list[str] = []
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
        value, missing = _expand(value, options, env, posixpath.dirname(relpath))
        if missing and key in _RESOLVING_KEYS:
            placeholders.append(f"{key} = {match.group(2)} ({missing} is not known here)")
        options.append((key, value))
        if key in _TARGET_KEYS:
            # The text as written (`%d` and placeholders expand to another length).
            start = source.line_starts[index] + match.start(2)
            target_located = Located.span(source, start, start + len(match.group(2)))
    folder = posixpath.dirname(relpath)
    run_dir = folder if cwd is None else cwd
    located = target_located or Located.span(source, 0, 0)
    site = CommandSite(
        relpath,
        source,
        located,
        cwd=run_dir,
        context=started.context if started is not None else "systemd",
        process=started.process if started is not None else "",
        map_dir=started.map_dir if started is not None else map_dir,
        arg_style="none",
    )
    if target_located is not None:
        target = Word(located.text, 0, len(located.text), (0, len(located.text)), quoted=False)
        expanded = next((v for k, v in reversed(options) if k in _TARGET_KEYS), located.text)
        target.value = expanded
    program = Word("uwsgi", 0, len(located.text), (0, len(located.text)))
    declaration = uwsgi_declaration(site, program, target, run_dir, dict(env or {}), options)
    if placeholders and not declaration.unknown:
        declaration = replace(declaration, unknown=f"{relpath}: {placeholders[0]}")
    if started is None:
        declaration = replace(declaration, unstarted=True)
    chdir = next((v for k, v in reversed(options) if k == "chdir"), None)
    if started is None and (chdir is None or not chdir.startswith("/")):
        declaration = replace(
            declaration,
            guessed_cwd=(
                f"uWSGI runs from the folder it is started in; nothing in the project starts "
                f"{relpath}, and it sets no absolute chdir"
            ),
        )
    return [declaration]


_TARGET_KEYS = ("module", "wsgi", "wsgi-file", "file")
#: Options that decide what uWSGI imports (a placeholder elsewhere, e.g. in `http`, does not).
_RESOLVING_KEYS = frozenset({*_TARGET_KEYS, "callable", "chdir", "pythonpath", "pp", "mount"})


STARTED_FILE_READERS["uwsgi-ini"] = uwsgi_ini_declarations
