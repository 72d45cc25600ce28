"""`.flaskenv` and `.env`: FLASK_APP (a declaration), FLASK_ENV, FLASK_DEBUG, FLASK_RUN_*.

Values come from python-dotenv (the library Flask itself uses); positions from the line.
"""

from __future__ import annotations

import io
import posixpath
import re
from dataclasses import dataclass

from ...model import Range
from ...project import Project
from ..declarations import Declaration

DOTENV_NAMES = (".flaskenv", ".env")
_ASSIGNMENT = re.compile(
    r"^[ \t]*(?:export[ \t]+)?(?P<key>[A-Za-z_][A-Za-z0-9_.]*)[ \t]*=[ \t]*(?P<quote>['\"]?)(?P<value>.*?)(?P=quote)[ \t]*(?:#.*)?$"
)


@dataclass(frozen=True)
class EnvSetting:
    source: str
    key: str
    value: str
    range: Range  # of the value text
    key_range: Range
    line: int


def read_dotenv(project: Project, relpath: str) -> dict[str, EnvSetting]:
    """Settings in a dotenv file, by name (later lines win, as python-dotenv does)."""
    text = project.read_text(relpath)
    if text is None:
        return {}
    try:
        from dotenv import dotenv_values

        values = dotenv_values(stream=io.StringIO(text))
    except Exception:  # python-dotenv tolerates most input; never let a file stop analysis
        values = {}
    source = project.source(relpath)
    assert source is not None
    found: dict[str, EnvSetting] = {}
    for index, line in enumerate(source.lines):
        match = _ASSIGNMENT.match(line)
        if not match:
            continue
        key = match.group("key")
        value = values.get(key)
        if value is None:
            value = match.group("value")
        found[key] = EnvSetting(
            relpath,
            key,
            value,
            Range.of(index, match.start("value"), index, match.end("value")),
            Range.of(index, match.start("key"), index, match.end("key")),
            index,
        )
    return found


def dotenv_for(project: Project, cwd: str) -> dict[str, EnvSetting]:
    """What Flask's CLI loads when run in `cwd`: the nearest .env then .flaskenv walking up
    (`find_dotenv(usecwd=True)`); .flaskenv values do not override .env ones."""
    merged: dict[str, EnvSetting] = {}
    for name in DOTENV_NAMES:
        directory = cwd
        while True:
            path = posixpath.join(directory, name) if directory else name
            if project.exists(path):
                for key, setting in read_dotenv(project, path).items():
                    merged.setdefault(key, setting)
                break
            if not directory:
                break
            directory = posixpath.dirname(directory)
    return merged


def dotenv_declarations(project: Project, relpath: str) -> list[Declaration]:
    """FLASK_APP in a .flaskenv/.env; without it, Flask's own discovery (wsgi.py, then app.py
    in the folder `flask` runs in) for a .flaskenv, or a .env that holds FLASK_* settings."""
    settings = read_dotenv(project, relpath)
    app = settings.get("FLASK_APP")
    env = tuple(sorted((key, s.value) for key, s in settings.items()))
    if app is None:
        flask_keys = [s for k, s in settings.items() if k.startswith("FLASK_")]
        if posixpath.basename(relpath) != ".flaskenv" and not flask_keys:
            return []
        first = min(flask_keys, key=lambda s: s.line) if flask_keys else None
        return [
            Declaration(
                source=relpath,
                range=first.key_range if first is not None else Range.line_start(0),
                server="flask",
                target="",
                cwd=posixpath.dirname(relpath),
                env=env,
                context="local",
                process="FLASK_APP",
                options=(("discovery", "1"),),
            )
        ]
    return [
        Declaration(
            source=relpath,
            range=app.range,
            server="flask",
            target=app.value,
            cwd=posixpath.dirname(relpath),
            env=env,
            context="local",
            process="FLASK_APP",
        )
    ]
