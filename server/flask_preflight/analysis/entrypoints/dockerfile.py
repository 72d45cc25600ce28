"""Dockerfiles: the final stage's CMD/ENTRYPOINT, run from WORKDIR with ENV, where COPY put
the project's files (so a container path maps back to a project folder)."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..project import Project
from ..source import SourceText
from .command_lines import CommandSite, declarations_from_shell, declarations_from_words
from .declarations import Declaration
from .located import Located
from .shell_words import Word, split_words

_INSTRUCTION = re.compile(r"^[ \t]*([A-Za-z]+)(?:[ \t]+|$)")
_ESCAPE_DIRECTIVE = re.compile(r"^#\s*escape\s*=\s*(\S)", re.IGNORECASE)
_JSON_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def is_dockerfile(relpath: str) -> bool:
    name = posixpath.basename(relpath)
    return name.startswith("Dockerfile") or name.endswith(".dockerfile") or name == "Containerfile"


@dataclass
class Instruction:
    keyword: str
    args: Located  # the arguments, continuation lines joined
    line: int


def instructions(source: SourceText) -> list[Instruction]:
    """Instructions with continuation lines joined (comments inside them dropped, as Docker does)."""
    escape = "\\"
    lines = source.lines
    for line in lines[:5]:
        directive = _ESCAPE_DIRECTIVE.match(line)
        if directive:
            escape = directive.group(1)
            break
        if not line.startswith("#"):
            break
    found: list[Instruction] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        match = _INSTRUCTION.match(line)
        if not match or line.lstrip().startswith("#"):
            index += 1
            continue
        start_line = index
        base = source.line_starts[index]
        parts = [Located.span(source, base + match.end(), base + len(line))]
        while parts[-1].text.rstrip().endswith(escape) and index + 1 < len(lines):
            last = parts[-1]
            cut = len(last.text.rstrip()) - 1
            parts[-1] = last.slice(0, cut)
            index += 1
            while index < len(lines) and lines[index].lstrip().startswith("#"):
                index += 1
            if index >= len(lines):
                break
            base = source.line_starts[index]
            parts.append(Located.span(source, base, base + len(lines[index])))
        found.append(Instruction(match.group(1).upper(), Located.join(parts), start_line))
        index += 1
    return found


def exec_form(args: Located) -> list[Word] | None:
    """Words of a JSON-array (exec form) argument, or None for the shell form."""
    text = args.text.strip()
    if not (text.startswith("[") and text.endswith("]")):
        return None
    try:
        values = json.loads(text)
    except ValueError:
        return None  # Docker itself then runs it as a shell command
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        return None
    offset = len(args.text) - len(args.text.lstrip())
    words = []
    for match, value in zip(_JSON_STRING.finditer(text), values):
        start, end = offset + match.start(), offset + match.end()
        words.append(Word(value, start, end, (start + 1, end - 1), quoted=True))
    return words if len(words) == len(values) else None


@dataclass
class Stage:
    workdir: str = "/"
    env: dict[str, str] = field(default_factory=dict)
    copies: list[tuple[str, str]] = field(default_factory=list)  # (container dir, project dir)
    cmd: Instruction | None = None
    entrypoint: Instruction | None = None


def _container_path(stage: Stage, path: str) -> str:
    return posixpath.normpath(posixpath.join(stage.workdir, path))


def _env_pairs(args: str) -> dict[str, str]:
    words = [w.value for w in split_words(args) if not w.operator]
    pairs: dict[str, str] = {}
    if words and "=" not in words[0]:
        # Legacy form: ENV KEY value with spaces
        key, _, value = args.strip().partition(" ")
        pairs[key] = value.strip()
        return pairs
    for word in words:
        key, sep, value = word.partition("=")
        if sep:
            pairs[key] = value
    return pairs


def read_stages(
    source: SourceText, context: str, is_dir: Callable[[str], bool] = lambda _: False
) -> list[Stage]:
    stages: list[Stage] = [Stage()]
    for instruction in instructions(source):
        stage = stages[-1]
        text = instruction.args.text.strip()
        keyword = instruction.keyword
        if keyword == "FROM":
            stages.append(Stage())
        elif keyword == "WORKDIR":
            stage.workdir = _container_path(stage, text or "/")
        elif keyword in ("ENV", "ARG"):
            pairs = _env_pairs(text)
            for key, value in pairs.items():
                if keyword == "ENV" or key not in stage.env:
                    stage.env[key] = value
        elif keyword in ("COPY", "ADD"):
            words = [w.value for w in split_words(text) if not w.operator]
            if any(w.startswith("--from") for w in words):
                continue
            paths = [w for w in words if not w.startswith("--")]
            as_list = exec_form(instruction.args)
            if as_list is not None:
                paths = [w.value for w in as_list]
            if len(paths) < 2:
                continue
            *sources, dest = paths
            dest_dir = _container_path(stage, dest)
            for src in sources:
                src_path = posixpath.normpath(posixpath.join(context or ".", src))
                if src_path.startswith(".."):
                    continue
                src_path = "" if src_path == "." else src_path
                if (
                    len(sources) == 1
                    and not src.endswith(".py")
                    and "." not in posixpath.basename(src.rstrip("/"))
                ) or src in (".", "./"):
                    stage.copies.append((dest_dir, src_path))
                else:
                    # A file copied into a folder: the folder holds what sits beside it.
                    stage.copies.append((dest_dir, posixpath.dirname(src_path)))
        elif keyword == "CMD":
            stage.cmd = instruction
        elif keyword == "ENTRYPOINT":
            stage.entrypoint = instruction
    return stages[1:] if len(stages) > 1 else stages


def container_dir_mapper(stage: Stage) -> Callable[[str], str | None]:
    """Map a container directory to the project folder whose files were copied there."""

    def map_dir(path: str) -> str | None:
        path = posixpath.normpath(path)
        best: tuple[int, str] | None = None
        for dest, src in stage.copies:
            if path == dest or path.startswith(dest.rstrip("/") + "/"):
                rest = posixpath.relpath(path, dest)
                mapped = src if rest == "." else posixpath.join(src, rest) if src else rest
                if best is None or len(dest) >= best[0]:
                    best = (len(dest), mapped)
        return None if best is None else best[1]

    return map_dir


def _commands(stage: Stage) -> list[tuple[Located, list[Word] | None, str]]:
    """What the container runs: an exec-form ENTRYPOINT with an exec-form CMD appended as
    its arguments (Docker's rule), else ENTRYPOINT, then CMD on their own."""
    found: list[tuple[Located, list[Word] | None, str]] = []
    entry, cmd = stage.entrypoint, stage.cmd
    entry_words = exec_form(entry.args) if entry is not None else None
    cmd_words = exec_form(cmd.args) if cmd is not None else None
    if entry is not None and cmd is not None and entry_words and cmd_words:
        joined = Located.join([entry.args, cmd.args])
        shift = len(entry.args.text) + 1
        moved = [
            Word(
                w.value,
                w.start + shift,
                w.end + shift,
                (w.inner[0] + shift, w.inner[1] + shift),
                quoted=True,
            )
            for w in cmd_words
        ]
        found.append((joined, entry_words + moved, "ENTRYPOINT"))
    for instruction, words in ((entry, entry_words), (cmd, cmd_words)):
        if instruction is not None:
            found.append((instruction.args, words, instruction.keyword))
    return found


def stage_declarations(
    project: Project,
    relpath: str,
    source: SourceText,
    stage: Stage,
    *,
    context: str,
) -> list[Declaration]:
    map_dir = container_dir_mapper(stage)
    cwd = map_dir(stage.workdir)
    found: list[Declaration] = []
    for located, words, process in _commands(stage):
        site = CommandSite(
            relpath,
            source,
            located,
            cwd=cwd if cwd is not None else "",
            env=dict(stage.env),
            context="container",
            process=process,
            map_dir=map_dir,
        )
        site.arg_style = "json" if words is not None else "shell"
        declarations = (
            declarations_from_words(site, words)
            if words is not None
            else declarations_from_shell(site)
        )
        if cwd is None and not stage.copies:
            # Nothing of the project is copied in: the code comes from the base image.
            why = "the image copies no project files; its code comes from the base image"
            declarations = [
                d if d.cwd or d.unknown else replace(d, unknown=why) for d in declarations
            ]
        elif cwd is None:
            declarations = [_outside(d, stage.workdir) for d in declarations]
        found.extend(declarations)
        if found:
            break  # ENTRYPOINT named the server; CMD was only its arguments
    return found


def _outside(declaration: Declaration, workdir: str) -> Declaration:
    if declaration.cwd:
        return declaration  # --chdir moved it into the project
    return replace(declaration, outside_cwd=workdir)


def dockerfile_declarations(
    project: Project, relpath: str, context: str | None = None
) -> list[Declaration]:
    source = project.source(relpath)
    if source is None:
        return []
    build_context = posixpath.dirname(relpath) if context is None else context
    stages = read_stages(source, build_context, lambda p: project.abspath(p).is_dir())
    return stage_declarations(project, relpath, source, stages[-1], context=build_context)
