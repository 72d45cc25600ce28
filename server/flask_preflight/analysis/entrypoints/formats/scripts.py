"""Shell scripts a deploy file starts (`CMD ["./boot.sh"]`, `web: bin/start`,
`command: sh docker-entrypoint.sh`): each server command inside them is a declaration with
the script's own file and line.

A script is read top to bottom as the shell would run it, statically: `export NAME=value`
and plain assignments set the environment of the lines after them, `cd DIR` moves the
working directory (`cd "$(dirname "$0")"` moves to the script's folder), and commands inside
top-level `if`/`case`/loops and function bodies are read like any other line (each branch
is a place the server may start). Heredoc bodies are skipped. What cannot be known (a `cd`
to a computed folder) makes the declarations after it `unknown`.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace

from ...project import Project
from ...source import SourceText
from ..command_lines import STARTED_FILE_READERS, CommandSite, _command, resolve_dir, split_commands
from ..declarations import Declaration
from ..text.located import Located
from ..text.shell_words import Word, split_words
from .systemd import project_dir_for

_SHEBANG_SHELL = re.compile(r"^#!.*\b(sh|bash|dash|ash|zsh|busybox)\b")
_FUNCTION = re.compile(
    r"^\s*(function\s+)?[A-Za-z_][\w-]*\s*\(\s*\)\s*\{?\s*$|^\s*function\s+\w+\s*\{?\s*$"
)
_CASE_START = re.compile(r"^\s*case\s.*\sin\s*$")
_CASE_PATTERN = re.compile(r"^\s*\(?\s*[^\s()$`]+(\s*\|\s*[^\s()$`]+)*\s*\)")
_SUBSHELL = re.compile(r"^\s*\((?!\()(.*)\)\s*[;&]?\s*(?:#.*)?$")
_HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1")
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_DECLARERS = frozenset({"export", "readonly", "local", "declare", "typeset"})


def is_shell_script(path: str, source: SourceText) -> bool:
    first = source.lines[0] if source.lines else ""
    if first.startswith("#!"):
        return _SHEBANG_SHELL.match(first) is not None
    return path.endswith(".sh")


def _logical_lines(source: SourceText) -> list[tuple[int, Located]]:
    """(first line index, text) with backslash continuations joined."""
    found: list[tuple[int, Located]] = []
    lines = source.lines
    index = 0
    while index < len(lines):
        first = index
        base = source.line_starts[index]
        parts = [Located.span(source, base, base + len(lines[index]))]
        while parts[-1].text.endswith("\\") and index + 1 < len(lines):
            parts[-1] = parts[-1].slice(0, len(parts[-1].text) - 1)
            index += 1
            base = source.line_starts[index]
            parts.append(Located.span(source, base, base + len(lines[index])))
        found.append((first, Located.join(parts)))
        index += 1
    return found


def _assign(env: dict[str, str], word: Word) -> None:
    name, _, value = word.value.partition("=")
    if word.unknown or word.unset:
        env.pop(name, None)  # known only when the script runs
    else:
        env[name] = value


def script_declarations(
    site: CommandSite, path: str, cwd: str, env: dict[str, str]
) -> list[Declaration]:
    project = site.project
    source = project.source(path) if project is not None else None
    if source is None or not is_shell_script(path, source):
        return []
    env = dict(env)
    lost = ""  # why the working directory is no longer known
    heredoc: str | None = None
    case_depth = 0
    found: list[Declaration] = []
    for _, located in _logical_lines(source):
        text = located.text
        if heredoc is not None:
            if text.strip() == heredoc:
                heredoc = None
            continue
        opened = _HEREDOC.search(text)
        if opened:
            heredoc = opened.group(2)
            continue
        stripped = text.strip()
        if not stripped or stripped.startswith("#") or _FUNCTION.match(text):
            continue
        if _CASE_START.match(text):
            case_depth += 1
            continue
        if stripped.startswith("esac"):
            case_depth = max(case_depth - 1, 0)
            continue
        if case_depth:
            # `prod) gunicorn ...` or `(prod) gunicorn ...` (a subshell `(cd x && ...)` holds
            # a blank before its `)`, a `$(...)` starts with `$`: neither is a pattern).
            pattern = _CASE_PATTERN.match(text)
            if pattern:
                located = located.slice(pattern.end(), len(text))
        # `(cd src && exec gunicorn app:app) &`: a subshell runs the commands inside, and a
        # `cd` or assignment there does not outlast it.
        subshell = _SUBSHELL.match(located.text)
        outer = (cwd, lost, dict(env)) if subshell else None
        if subshell:
            located = located.slice(subshell.start(1), subshell.end(1))
        line_site = replace(
            site,
            source=path,
            text=source,
            located=located,
            cwd=cwd,
            env=env,
            arg_style="shell",
            real_shell=True,
            depth=site.depth + 1,
        )
        for command, _ in split_commands(split_words(located.text, env)):
            head = command[0]
            if head.value in _DECLARERS and not head.quoted:
                for word in command[1:]:
                    if _ASSIGNMENT.match(word.value):
                        _assign(env, word)
                continue
            if all(_ASSIGNMENT.match(w.value) for w in command):
                for word in command:
                    _assign(env, word)
                continue
            if head.value == "cd" and not head.quoted:
                cwd, lost = _cd(line_site, command, cwd, path)
                line_site.cwd = cwd
                continue
            line_site.command_words = command
            declarations = _command(line_site, command, cwd, dict(env))
            declarations = [d for d in declarations if _worth_listing(line_site, d)]
            if lost:
                declarations = [d if d.unknown else replace(d, unknown=lost) for d in declarations]
            found.extend(declarations)
        if outer is not None:
            cwd, lost, env = outer
    return found


def _cd(site: CommandSite, command: list[Word], cwd: str, path: str) -> tuple[str, str]:
    """The folder after a `cd`, and why it is unknown ('' when it is known)."""
    if len(command) < 2:
        return cwd, f"{path} changes directory to $HOME, known only when it runs"
    target = command[1]
    raw = site.located.text[target.start : target.end]
    if target.unknown:
        if "dirname" in raw and "$0" in raw:
            return posixpath.dirname(path), ""
        return cwd, f"{path} changes directory to `{raw}`, known only when it runs"
    if target.unset:
        return cwd, f"{path} changes directory to `{raw}`, which is not set where it runs"
    moved = resolve_dir(site, cwd, target.value)
    if moved is None and target.value.startswith("/") and site.map_dir is not None:
        return cwd, (
            f"{path} changes directory to {target.value}, a folder whose files the image "
            "gets in ways these files do not show"
        )
    if moved is None:
        return cwd, f"{path} changes directory to {target.value}, outside this project"
    return moved, ""


def _worth_listing(site: CommandSite, declaration: Declaration) -> bool:
    """A script's `python X` lines are listed only when X is the project's own code: scripts
    also run tools (`python -m pip install`, `python -c ...`) that are not the app."""
    if declaration.server != "python" or declaration.unknown:
        return True
    project = site.project
    if project is None:
        return False
    module = declaration.option("module")
    folder = declaration.cwd
    if module:
        relative = module.replace(".", "/")
        candidates = [f"{relative}.py", f"{relative}/__init__.py", f"{relative}/__main__.py"]
    else:
        candidates = [declaration.target]
    return any(
        project.exists(posixpath.normpath(posixpath.join(folder or ".", c))) for c in candidates
    )


def standalone_script_declarations(project: Project, relpath: str) -> list[Declaration]:
    """A shell script in the project that no deploy file starts (`webserver/gunicorn.sh`,
    an App Service `startup.sh`): its server lines, run from a guessed folder (the project
    root, where such scripts are usually started) with an environment we cannot see. A
    module not found from that guess is `unknown`, never an error."""
    if any(part in ("test", "tests") for part in relpath.split("/")[:-1]):
        return []  # test harness scripts start test programs, not the app
    source = project.source(relpath)
    if source is None or not is_shell_script(relpath, source):
        return []
    site = CommandSite(
        relpath,
        source,
        Located.span(source, 0, 0),
        context="local",
        map_dir=lambda path: project_dir_for(project, path, ""),
        project=project,
    )
    why = (
        f"nothing in the project starts {relpath}: the folder it runs in and its "
        "environment are guessed (the project root)"
    )
    # Only server starts: maintenance lines (`flask db upgrade`, `python manage.py ...`)
    # in a script nobody starts say nothing about how the app is served.
    return [
        replace(d, guessed_cwd=why, unstarted=True)
        for d in script_declarations(site, relpath, "", {})
        if d.server in ("gunicorn", "uwsgi", "waitress")
        or (d.server == "flask" and d.option("subcommand") == "run")
    ]


STARTED_FILE_READERS["script"] = script_declarations
