""".vscode/launch.json: Python debug configurations that run flask, gunicorn or a script."""

from __future__ import annotations

import os
import posixpath
import re

from ...model import Range
from ...project import Project
from ...source import SourceText
from ..command_lines import CommandSite, declarations_from_words
from ..declarations import Declaration
from ..problems import DeclarationProblem
from ..text.jsonc import JsoncError, Node, parse_jsonc
from ..text.located import Located
from ..text.shell_words import Word

_VARIABLE = re.compile(r"\$\{(workspaceFolder|workspaceRoot|fileDirname|cwd)(?::[^}]*)?\}")


#: debugpy runs a configuration on this machine, and no shell reads its arguments: on Windows
#: a `\` in a path is a separator (`--app src\\app.py` works there, and fails elsewhere).
_WINDOWS = os.name == "nt"


def _local_app_path(target: str) -> str:
    """Flask's app target as Flask on this machine reads its path part (before `:`)."""
    if not _WINDOWS:
        return target
    path, colon, rest = target.partition(":")
    if len(path) == 1 and colon:  # a drive letter: `C:\\proj\\app.py:app`
        drive, path, colon, rest = path + colon, *rest.partition(":")
        return drive + path.replace("\\", "/") + colon + rest
    return path.replace("\\", "/") + colon + rest


def _flask_app_words(words: list[Word]) -> None:
    """The `--app`/`-A` values of a flask configuration, read as Flask on this machine does."""
    for index, word in enumerate(words):
        if word.value in ("--app", "-A") and index + 1 < len(words):
            following = words[index + 1]
            following.value = _local_app_path(following.value)
        elif word.value.startswith("--app="):
            word.value = "--app=" + _local_app_path(word.value[len("--app=") :])


def is_launch_json(relpath: str) -> bool:
    return relpath.endswith(".vscode/launch.json") or relpath == ".vscode/launch.json"


def _folder(relpath: str) -> str:
    return posixpath.dirname(posixpath.dirname(relpath))


def _path(value: str, folder: str) -> str | None:
    """A launch.json path (with ${workspaceFolder}) as a root-relative path."""
    match = _VARIABLE.search(value)
    if match and match.group(1) not in ("workspaceFolder", "workspaceRoot"):
        return None
    value = _VARIABLE.sub("", value).lstrip("/\\") if match else value
    if value.startswith("/") or "${" in value:
        return None
    joined = posixpath.normpath(posixpath.join(folder or ".", value.replace("\\", "/")))
    return "" if joined == "." else None if joined.startswith("..") else joined


def _string_word(node: Node, offset_base: int) -> Word:
    start, end = node.start - offset_base, node.end - offset_base
    return Word(str(node.value), start, end, (start + 1, end - 1), quoted=True)


def launch_declarations(
    project: Project, relpath: str, problems: list[DeclarationProblem]
) -> list[Declaration]:
    source = project.source(relpath)
    if source is None:
        return []
    try:
        root = parse_jsonc(source.text)
    except JsoncError as error:
        problems.append(
            DeclarationProblem(
                relpath,
                Range.line_start(error.line),
                "unknown",
                f"{relpath} is not valid JSON: {error}",
            )
        )
        return []
    configurations = root.get("configurations")
    if configurations is None or not isinstance(configurations.value, list):
        return []
    folder = _folder(relpath)
    whole = Located.span(source, 0, len(source.text))
    found: list[Declaration] = []
    for config in configurations.value:
        if not isinstance(config.value, dict):
            continue
        kind = config.get("type")
        if kind is None or kind.value not in ("python", "debugpy"):
            continue
        found.extend(_configuration(relpath, source, whole, folder, config))
    return found


def _configuration(
    relpath: str, source: SourceText, whole: Located, folder: str, config: Node
) -> list[Declaration]:
    cwd_node = config.get("cwd")
    cwd = folder
    if cwd_node is not None and isinstance(cwd_node.value, str):
        mapped = _path(cwd_node.value, folder)
        if mapped is None:
            return []
        cwd = mapped
    env: dict[str, str] = {}
    env_ranges: dict[str, Range] = {}
    env_node = config.get("env")
    if env_node is not None and isinstance(env_node.value, dict):
        for key, item in env_node.value.items():
            if isinstance(item.value, str):
                env[key] = item.value
                env_ranges[key] = whole.range(source, item.start + 1, item.end - 1)
    args_node = config.get("args")
    args: list[Word] = []
    if args_node is not None and isinstance(args_node.value, list):
        args = [_string_word(a, 0) for a in args_node.value if isinstance(a.value, str)]
    module = config.get("module")
    program = config.get("program")
    if module is not None and isinstance(module.value, str):
        words = [_string_word(module, 0), *args]
        name = module.value
        if name == "flask":
            _flask_app_words(words)
            if "FLASK_APP" in env:
                env["FLASK_APP"] = _local_app_path(env["FLASK_APP"])
        if name in ("flask", "gunicorn", "waitress", "uwsgi"):
            words.insert(
                0, Word("python", module.start, module.start, (module.start, module.start))
            )
            words.insert(1, Word("-m", module.start, module.start, (module.start, module.start)))
    elif program is not None and isinstance(program.value, str):
        path = _path(program.value, folder)
        if path is None:
            return []
        rel = posixpath.relpath(path, cwd or ".")
        word = _string_word(program, 0)
        word.value = rel
        words = [
            Word("python", program.start, program.start, (program.start, program.start)),
            word,
            *args,
        ]
    else:
        return []
    site = CommandSite(
        relpath,
        source,
        whole,
        cwd=cwd,
        env=env,
        context="local",
        process="launch",
        arg_style="none",
    )
    declarations = declarations_from_words(site, words)
    from dataclasses import replace

    result = []
    for declaration in declarations:
        if declaration.server == "flask" and not declaration.target and "FLASK_APP" in env:
            declaration = replace(
                declaration, target=env["FLASK_APP"], range=env_ranges["FLASK_APP"]
            )
        result.append(declaration)
    return result
