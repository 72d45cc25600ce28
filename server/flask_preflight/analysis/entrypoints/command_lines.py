"""Command lines that start a server: gunicorn, uwsgi, flask, waitress-serve, python (-m).

Given the words of one command line (shell or exec form), find the server it starts and read
its options the way that server's own argument parser does: gunicorn's (`-c/--config`,
`--chdir`, `--pythonpath`, `-b/--bind`, `-k`, `--reload`, the first positional), Flask's
click groups (`--app` before the subcommand, `run --host/--port/--debug`), waitress-serve's
(`--call`, `--listen`, `--host`, `--port`), uWSGI's (`--module/-w`, `--wsgi-file`,
`--callable`, `--chdir`, `--http`). Wrappers (`exec`, `env`, `poetry run`, `sh -c`, ...)
are looked through; `cd DIR &&` moves the working directory.
"""

from __future__ import annotations

import contextlib
import posixpath
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from ..model import Range
from ..project import Project
from ..source import SourceText
from .declarations import Context, Declaration, Server
from .text.located import Located
from .text.shell_words import Word, split_words

GUNICORN_FLAGS = frozenset(
    {
        "spew", "check-config", "print-config", "preload", "no-sendfile", "reuse-port",
        "daemon", "initgroups", "disable-redirect-access-to-syslog", "capture-output",
        "log-syslog", "enable-stdio-inheritance", "proxy-protocol", "suppress-ragged-eofs",
        "do-handshake-on-connect", "permit-obsolete-folding", "strip-header-spaces",
        "permit-unconventional-http-method", "permit-unconventional-http-version",
        "casefold-http-method", "reload", "version", "help",
    }
)  # fmt: skip
GUNICORN_SHORT = {
    "c": "config", "b": "bind", "w": "workers", "k": "worker-class", "t": "timeout",
    "e": "env", "p": "pid", "u": "user", "g": "group", "m": "umask", "n": "name",
}  # fmt: skip
GUNICORN_SHORT_FLAGS = {"D": "daemon", "R": "enable-stdio-inheritance", "v": "version", "h": "help"}

FLASK_GLOBAL_VALUED = {"--app": "app", "-A": "app", "--env-file": "env-file", "-e": "env-file"}
FLASK_RUN_VALUED = {
    "--host": "host", "-h": "host", "--port": "port", "-p": "port", "--cert": "cert",
    "--key": "key", "--extra-files": "extra-files", "--exclude-patterns": "exclude-patterns",
}  # fmt: skip

WAITRESS_FLAGS = frozenset(
    {
        "call", "help", "ipv4", "ipv6", "no-ipv4", "no-ipv6", "expose-tracebacks",
        "no-expose-tracebacks", "log-socket-errors", "no-log-socket-errors", "clear-untrusted-proxy-headers",
    }
)  # fmt: skip

_PYTHON = re.compile(r"^(python|pypy)(\d+(\.\d+)?)?(\.exe)?$|^py$")
_ENV_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_WRAPPERS = frozenset({"exec", "nohup", "dumb-init", "tini", "time", "chpst", "setsid", "gosu"})
_RUNNERS = frozenset({"poetry", "pipenv", "pdm", "hatch", "rye", "uv", "conda", "micromamba"})
_SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ash"})
_SERVER_MODULES = {
    "gunicorn": "gunicorn",
    "flask": "flask",
    "waitress": "waitress",
    "uwsgi": "uwsgi",
}

#: Readers of the files a command line starts ("script", "procfile", "uwsgi-ini"): each
#: format module registers its own when imported (entrypoints/readers.py imports them all),
#: so command lines name no format and import none (no import cycle).
STARTED_FILE_READERS: dict[str, Callable[..., Any]] = {}


@dataclass
class CommandSite:
    """Where a command line sits and what surrounds it when it runs."""

    source: str
    text: SourceText
    located: Located
    cwd: str = ""
    env: dict[str, str] = field(default_factory=dict)
    context: Context = "local"
    process: str = ""
    #: Maps a directory as the command sees it (absolute, in a container or on a server)
    #: to a root-relative directory; None when it is not part of the project.
    map_dir: Callable[[str], str | None] | None = None
    arg_style: Literal["shell", "json", "none"] = "shell"
    #: A POSIX shell runs the line (Procfile, Dockerfile shell form, App Engine); systemd
    #: and compose split words themselves and take `(` literally.
    real_shell: bool = True
    #: The words of the simple command being read (set while reading it).
    command_words: list[Word] = field(default_factory=list)
    #: The project, when scripts the command starts (`./boot.sh`) may be read; scripts
    #: started from scripts are followed `depth` levels deep.
    project: Project | None = None
    depth: int = 0

    def range(self, start: int, end: int) -> Range:
        return self.located.range(self.text, start, end)


def _base(value: str) -> str:
    return value.replace("\\", "/").rsplit("/", 1)[-1]


def resolve_dir(site: CommandSite, cwd: str, path: str) -> str | None:
    """Root-relative directory for `path` as seen from `cwd` (None when outside the project)."""
    if path.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", path):
        if site.map_dir is not None:
            return site.map_dir(path)
        return None
    joined = posixpath.normpath(posixpath.join(cwd or ".", path))
    if joined == ".":
        return ""
    if joined.startswith(".."):
        return None
    return joined


def split_commands(words: list[Word]) -> list[tuple[list[Word], str]]:
    """Simple commands with the operator that follows each."""
    commands: list[tuple[list[Word], str]] = []
    current: list[Word] = []
    skip_next = False
    for word in words:
        if skip_next:
            skip_next = False
            continue
        if word.operator and word.value in "<>":
            skip_next = True
            continue
        if word.operator:
            commands.append((current, word.value))
            current = []
            continue
        current.append(word)
    commands.append((current, ""))
    return [(cmd, op) for cmd, op in commands if cmd]


def declarations_from_shell(site: CommandSite) -> list[Declaration]:
    return declarations_from_words(site, split_words(site.located.text, site.env))


def declarations_from_words(site: CommandSite, words: list[Word]) -> list[Declaration]:
    found: list[Declaration] = []
    cwd = site.cwd
    for command, _ in split_commands(words):
        if command and command[0].value == "cd" and len(command) >= 2 and not command[1].unknown:
            moved = resolve_dir(site, cwd, command[1].value)
            cwd = moved if moved is not None else cwd
            continue
        site.command_words = command
        found.extend(_command(site, command, cwd, dict(site.env)))
    return found


#: Shell reserved words that open a compound command: what follows is still a command.
_KEYWORDS = frozenset({"then", "else", "do", "if", "elif", "while", "until", "{", "!"})


def _command(
    site: CommandSite, words: list[Word], cwd: str, env: dict[str, str]
) -> list[Declaration]:
    words = list(words)
    while words:
        head = words[0]
        base = _base(head.value)
        if _ENV_ASSIGNMENT.match(head.value) and not head.operator:
            name, _, value = head.value.partition("=")
            env[name] = value
            words.pop(0)
        elif (base in _WRAPPERS or head.value == "--") or (
            site.real_shell and head.value in _KEYWORDS and not head.quoted
        ):
            words.pop(0)
        elif base == "env":
            words.pop(0)
            while words and (
                words[0].value.startswith("-") or _ENV_ASSIGNMENT.match(words[0].value)
            ):
                if _ENV_ASSIGNMENT.match(words[0].value):
                    name, _, value = words[0].value.partition("=")
                    env[name] = value
                words.pop(0)
        elif base in _RUNNERS and len(words) > 1 and words[1].value in ("run", "exec"):
            words = words[2:]
            while words and words[0].value.startswith("-"):
                words.pop(0)
        elif base in _SHELLS and len(words) > 2 and words[1].value in ("-c", "-lc", "-ec"):
            inner = words[2]
            a, b = inner.inner
            nested = replace(
                site,
                located=site.located.slice(a, b),
                cwd=cwd,
                env=env,
                real_shell=True,
                # Arguments added inside the quoted line would need its quoting, and after an
                # unquoted one (`sh -c gunicorn`) they go to the shell, not the server: none.
                arg_style="none",
            )
            return declarations_from_shell(nested)
        elif base in _SHELLS and len(words) > 1 and not words[1].value.startswith("-"):
            return _script(site, words[1], cwd, env, as_path=True)
        elif base in _PROCESS_MANAGERS and len(words) > 1 and words[1].value == "start":
            return _process_file(site, words, cwd, env)
        else:
            break
    if not words:
        return []
    base = _base(words[0].value)
    if _PYTHON.match(base):
        found = _python(site, words, cwd, env)
    else:
        found = _server(site, base, words, cwd, env)
    if found is None:
        return _script(site, words[0], cwd, env)
    return [found] if found is not None else []


_PROCESS_MANAGERS = frozenset({"honcho", "foreman"})
#: Where a bare command name is looked up in a container ($PATH of the usual base images).
_PATH_DIRS = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")


def script_path(site: CommandSite, word: Word, cwd: str, *, as_path: bool = False) -> str | None:
    """The project file a command word runs (`./boot.sh`, `/app/bin/start`, a name on
    $PATH that a Dockerfile copied there; with `as_path`, `sh boot.sh`), or None."""
    project = site.project
    if project is None or word.unknown or word.unset or not word.value:
        return None
    value = word.value
    if "/" in value or as_path:
        candidates = [resolve_dir(site, cwd, posixpath.dirname(value) or ".")]
    elif site.map_dir is not None:
        candidates = [site.map_dir(d) for d in _PATH_DIRS]
    else:
        candidates = []
    for folder in candidates:
        if folder is None:
            continue
        name = posixpath.basename(value)
        path = posixpath.join(folder, name)
        if path.endswith(".py") or not project.exists(path) or project.abspath(path).is_dir():
            continue
        return path
    return None


def _script(
    site: CommandSite, word: Word, cwd: str, env: dict[str, str], *, as_path: bool = False
) -> list[Declaration]:
    path = script_path(site, word, cwd, as_path=as_path)
    if path is None or site.project is None or site.depth >= 3:
        return []
    read = STARTED_FILE_READERS.get("script")
    return read(site, path, cwd, env) if read is not None else []


def _process_file(
    site: CommandSite, words: list[Word], cwd: str, env: dict[str, str]
) -> list[Declaration]:
    """`honcho start [-f Procfile.dev] [process]`: the process file's lines, run here."""
    name = "Procfile"
    wanted: list[str] = []
    i = 2
    while i < len(words):
        value = words[i].value
        if value in ("-f", "--procfile") and i + 1 < len(words):
            name = words[i + 1].value
            i += 2
            continue
        if value.startswith("--procfile="):
            name = value.split("=", 1)[1]
        elif value.startswith("-") and value in (
            "-e",
            "--env",
            "-d",
            "--app-root",
            "-p",
            "--port",
            "-c",
            "--concurrency",
        ):
            i += 2
            continue
        elif not value.startswith("-"):
            wanted.append(value)
        i += 1
    if site.project is None or site.depth >= 3:
        return []
    folder = resolve_dir(site, cwd, posixpath.dirname(name) or ".")
    if folder is None:
        return []
    path = posixpath.join(folder, posixpath.basename(name))
    procfile_declarations = STARTED_FILE_READERS.get("procfile")
    if procfile_declarations is None:
        return []
    found = procfile_declarations(
        site.project,
        path,
        cwd=cwd,
        env=env,
        context=site.context,
        map_dir=site.map_dir,
        depth=site.depth + 1,
    )
    return [d for d in found if not wanted or d.process in wanted]


def _server(
    site: CommandSite, base: str, words: list[Word], cwd: str, env: dict[str, str]
) -> Declaration | None:
    if base.endswith(".exe"):
        base = base[:-4]
    if base == "gunicorn":
        return _gunicorn(site, words, cwd, env)
    if base == "flask":
        return _flask(site, words, cwd, env)
    if base == "waitress-serve":
        return _waitress(site, words, cwd, env)
    if base in ("uwsgi", "uwsgi3"):
        return _uwsgi(site, words, cwd, env)
    return None


def _python(
    site: CommandSite, words: list[Word], cwd: str, env: dict[str, str]
) -> Declaration | None:
    i = 1
    while i < len(words):
        value = words[i].value
        if value == "-m" and i + 1 < len(words):
            module = words[i + 1].value
            if module in _SERVER_MODULES:
                base = "waitress-serve" if module == "waitress" else module
                return _server(site, base, words[i + 1 :], cwd, env)
            return _declaration(
                site, "python", words[i + 1], words[i + 1], cwd, env, options=(("module", module),)
            )
        if value in ("-W", "-X", "-Q"):
            i += 2
            continue
        if value.startswith("-"):
            if value == "-c":
                return None
            i += 1
            continue
        script = words[i]
        return _declaration(site, "python", script, script, cwd, env)
    return None


def _declaration(
    site: CommandSite,
    server: Server,
    target: Word | None,
    program: Word,
    cwd: str,
    env: dict[str, str],
    *,
    options: tuple[tuple[str, str], ...] = (),
    unknown: str = "",
    **extra: object,
) -> Declaration:
    if target is not None and target.bare_parens and site.real_shell and site.arg_style == "shell":
        options = (*options, ("shell-error", "("))
    if target is not None:
        a, b = target.inner
        rng = site.range(a, b)
        text = target.value
        unknown = unknown or target.unknown
        if not unknown and target.unset:
            names = ", ".join(f"${name}" for name in dict.fromkeys(target.unset))
            unknown = (
                f"the target depends on {names}, which is not set where this command is declared"
            )
    else:
        rng = site.range(program.start, program.end)
        text = ""
    last = site.command_words[-1] if site.command_words else program
    return Declaration(
        source=site.source,
        range=rng,
        server=server,
        target=text,
        cwd=cwd,
        options=options,
        context=site.context,
        process=site.process,
        env=tuple(sorted(env.items())),
        unknown=unknown,
        shell_unquoted=target is not None and (not target.quoted or target.partly_quoted),
        command_range=site.range(program.start, max(last.end, program.end)),
        program_range=site.range(*program.inner),
        command_end=site.range(program.end, program.end),
        append_at=site.range(last.end, last.end),
        arg_style=site.arg_style,
        **extra,  # type: ignore[arg-type]
    )


def _long_option(word: str) -> tuple[str, str | None]:
    name, sep, value = word[2:].partition("=")
    return name, (value if sep else None)


def _inline_value(word: Word) -> Word:
    """The value of an `--option=value` word as a word of its own, in its place."""
    shift = word.value.index("=") + 1
    a, b = word.inner
    if b - a != len(word.value):  # `--app="x"`, `--app=$X`: from the `=` to the end
        a, b = word.start, word.end
    # `"--app=x"` (a quoted word, a JSON string): the value inside the quotes.
    return Word(
        word.value[shift:],
        a + shift,
        b,
        (a + shift, b),
        unknown=word.unknown,
        unset=word.unset,
    )


def _gunicorn(site: CommandSite, words: list[Word], cwd: str, env: dict[str, str]) -> Declaration:
    options: list[tuple[str, str]] = []
    positionals: list[Word] = []
    bind_word: Word | None = None
    args = list(words[1:])
    extra = env.get("GUNICORN_CMD_ARGS")
    if extra:
        # gunicorn reads these before the command line, which wins on conflicts.
        with contextlib.suppress(ValueError):
            options.extend(_gunicorn_options(shlex.split(extra)))
    i = 0
    while i < len(args):
        word = args[i]
        value = word.value
        if value.startswith("--") and len(value) > 2:
            name, inline = _long_option(value)
            if name in GUNICORN_FLAGS:
                options.append((name, "1"))
            elif inline is not None:
                options.append((name, inline))
            elif i + 1 < len(args):
                options.append((name, args[i + 1].value))
                if name == "bind":
                    bind_word = args[i + 1]
                i += 1
            i += 1
            continue
        if value.startswith("-") and len(value) > 1:
            letter = value[1]
            if letter in GUNICORN_SHORT_FLAGS:
                options.append((GUNICORN_SHORT_FLAGS[letter], "1"))
            elif letter in GUNICORN_SHORT:
                if len(value) > 2:
                    options.append((GUNICORN_SHORT[letter], value[2:].lstrip("=")))
                elif i + 1 < len(args):
                    options.append((GUNICORN_SHORT[letter], args[i + 1].value))
                    if letter == "b":
                        bind_word = args[i + 1]
                    i += 1
            i += 1
            continue
        positionals.append(word)
        i += 1
    declaration = _gunicorn_declaration(site, words[0], positionals, cwd, env, options)
    if bind_word is not None:
        declaration = replace(declaration, bind_range=site.range(*bind_word.inner))
    return declaration


def _gunicorn_options(argv: list[str]) -> list[tuple[str, str]]:
    """The options of GUNICORN_CMD_ARGS (gunicorn ignores its positional words)."""
    options: list[tuple[str, str]] = []
    i = 0
    while i < len(argv):
        value = argv[i]
        if value.startswith("--"):
            name, inline = _long_option(value)
            if name in GUNICORN_FLAGS:
                options.append((name, "1"))
            elif inline is not None:
                options.append((name, inline))
            elif i + 1 < len(argv):
                options.append((name, argv[i + 1]))
                i += 1
        elif value.startswith("-") and len(value) > 1 and value[1] in GUNICORN_SHORT:
            if len(value) > 2:
                options.append((GUNICORN_SHORT[value[1]], value[2:]))
            elif i + 1 < len(argv):
                options.append((GUNICORN_SHORT[value[1]], argv[i + 1]))
                i += 1
        i += 1
    return options


def _working_dir(
    site: CommandSite, cwd: str, options: list[tuple[str, str]], label: str
) -> tuple[str, str]:
    """Where the server runs: the last `chdir` option resolved in the project, else `cwd`;
    and why it is unknown when the option names no folder of the project."""
    chdir = [value for key, value in options if key == "chdir"]
    if not chdir:
        return cwd, ""
    moved = resolve_dir(site, cwd, chdir[-1])
    if moved is None:
        return cwd, f"{label} {chdir[-1]} is not a folder of this project"
    return moved, ""


def _gunicorn_declaration(
    site: CommandSite,
    program: Word,
    positionals: list[Word],
    cwd: str,
    env: dict[str, str],
    options: list[tuple[str, str]],
) -> Declaration:
    run_dir, unknown = _working_dir(site, cwd, options, "--chdir")
    pythonpath: list[str] = []
    for key, value in options:
        if key == "pythonpath":
            for entry in value.split(","):
                resolved = resolve_dir(site, run_dir, entry.strip())
                if resolved is not None:
                    pythonpath.append(resolved)
    config = [value for key, value in options if key == "config"]
    config_file = None
    if config and ("$" in config[-1] or "`" in config[-1]):
        unknown = unknown or (
            f"gunicorn reads its settings from `{config[-1]}`, known only when it runs"
        )
    elif config and config[-1].startswith("python:"):
        # `-c python:pkg.conf` is imported from where gunicorn starts (not --chdir, not
        # --pythonpath: the real gunicorn says "No module named" for both).
        config_file = posixpath.join(cwd, *config[-1][7:].split(".")) + ".py"
        if site.project is not None and not site.project.exists(config_file):
            package = config_file[:-3] + "/__init__.py"
            config_file = package if site.project.exists(package) else config_file
    elif config:
        path = config[-1]
        if path.startswith("file:"):
            path = path.split(":", 1)[1]
        directory = resolve_dir(site, cwd, posixpath.dirname(path) or ".")
        if directory is not None:
            config_file = posixpath.join(directory, posixpath.basename(path))
    binds = tuple(value for key, value in options if key == "bind")
    target = positionals[0] if positionals else None
    return _declaration(
        site,
        "gunicorn",
        target,
        program,
        run_dir,
        env,
        options=tuple(options),
        unknown=unknown,
        pythonpath=tuple(pythonpath),
        bind=binds,
        config_file=config_file,
        start_dir=cwd,
    )


def _flask(site: CommandSite, words: list[Word], cwd: str, env: dict[str, str]) -> Declaration:
    options: list[tuple[str, str]] = []
    app_word: Word | None = None
    args = list(words[1:])
    i = 0
    subcommand = ""
    while i < len(args):
        value = args[i].value
        name, _, inline = value.partition("=")
        # The group's options (--app, --env-file) go before the command; after it, only the
        # command's own: click refuses `flask routes --app app` as it does after `run`.
        table = (
            FLASK_GLOBAL_VALUED
            if not subcommand
            else FLASK_RUN_VALUED
            if subcommand == "run"
            else {}
        )
        if name in table:
            key = table[name]
            if "=" in value:
                options.append((key, inline))
            elif i + 1 < len(args):
                options.append((key, args[i + 1].value))
                if key == "app":
                    app_word = args[i + 1]
                i += 1
        elif subcommand and name in ("--app", "-A"):
            # A group option after the command: click refuses it.
            options.append(("misplaced-app", value))
            i += 0 if "=" in value else 1
        elif value.startswith("-"):
            options.append((value.lstrip("-"), "1"))
        elif not subcommand:
            subcommand = value
            options.append(("subcommand", value))
        i += 1
    inline_app = next((w for w in args if w.value.startswith(("--app=", "-A="))), None)
    if app_word is None and inline_app is not None:
        app_word = _inline_value(inline_app)
    binds: tuple[str, ...] = ()
    host = next((v for k, v in reversed(options) if k == "host"), env.get("FLASK_RUN_HOST"))
    port = next((v for k, v in reversed(options) if k == "port"), env.get("FLASK_RUN_PORT"))
    if subcommand == "run":
        binds = (f"{host or '127.0.0.1'}:{port or '5000'}",)
    return _declaration(
        site, "flask", app_word, words[0], cwd, env, options=tuple(options), bind=binds
    )


def _waitress(site: CommandSite, words: list[Word], cwd: str, env: dict[str, str]) -> Declaration:
    options: list[tuple[str, str]] = []
    target: Word | None = None
    args = list(words[1:])
    i = 0
    while i < len(args):
        value = args[i].value
        if value.startswith("--"):
            name, inline = _long_option(value)
            if name in WAITRESS_FLAGS:
                options.append((name, "1"))
            elif inline is not None:
                options.append((name, inline))
            elif i + 1 < len(args):
                options.append((name, args[i + 1].value))
                i += 1
        elif target is None:
            target = args[i]
        i += 1
    host = next((v for k, v in reversed(options) if k == "host"), "0.0.0.0")
    port = next((v for k, v in reversed(options) if k == "port"), "8080")
    binds = tuple(v for k, v in options if k == "listen") or (f"{host}:{port}",)
    return _declaration(
        site,
        "waitress",
        target,
        words[0],
        cwd,
        env,
        options=tuple(options),
        bind=binds,
        call_factory=any(k == "call" for k, _ in options),
    )


def _uwsgi(
    site: CommandSite, words: list[Word], cwd: str, env: dict[str, str]
) -> Declaration | None:
    options: list[tuple[str, str]] = []
    target: Word | None = None
    module_given = False  # uWSGI loads --module before --wsgi-file, whose app is then skipped
    no_value = ""
    args = list(words[1:])
    i = 0
    while i < len(args):
        value = args[i].value
        if value.startswith("-"):
            name, inline = _long_option(value) if value.startswith("--") else (value[1:], None)
            loads = name in _UWSGI_MODULES or (name in _UWSGI_TARGETS and not module_given)
            module_given = module_given or name in _UWSGI_MODULES
            if inline is None and i + 1 < len(args) and not args[i + 1].value.startswith("-"):
                inline = args[i + 1].value
                if loads:
                    target = args[i + 1]
                i += 1
            elif inline is not None and loads:
                target = _inline_value(args[i])
            elif inline is None and name in _UWSGI_VALUED:
                # uWSGI stops: "option '--chdir' requires an argument".
                no_value = no_value or f"uWSGI is given {value} without its value"
                i += 1
                continue
            options.append((name, "1" if inline is None else inline))
        elif value.endswith(".ini"):
            options.append(("ini", value))
        i += 1
    ini = next((v for k, v in reversed(options) if k == "ini"), None)
    if target is None and ini is not None and not no_value:
        return _uwsgi_ini(site, ini, cwd, env)
    return uwsgi_declaration(site, words[0], target, cwd, env, options, unknown=no_value)


#: uWSGI options naming the app to load, and the other options that take a value.
_UWSGI_MODULES = frozenset({"module", "wsgi", "w"})
_UWSGI_TARGETS = _UWSGI_MODULES | {"wsgi-file", "file"}
_UWSGI_VALUED = _UWSGI_TARGETS | {
    "callable", "chdir", "http", "http-socket", "socket", "s", "pythonpath", "pp", "ini",
    "mount", "home", "virtualenv", "venv", "H",
}  # fmt: skip


def _uwsgi_ini(site: CommandSite, ini: str, cwd: str, env: dict[str, str]) -> Declaration | None:
    """`uwsgi --ini FILE`: the file's [uwsgi] section, run from this command's directory."""
    if site.project is None:
        return None  # the .ini file is read on its own
    folder = resolve_dir(site, cwd, posixpath.dirname(ini) or ".")
    if folder is None:
        return None
    path = posixpath.join(folder, posixpath.basename(ini))
    uwsgi_ini_declarations = STARTED_FILE_READERS.get("uwsgi-ini")
    if uwsgi_ini_declarations is None:
        return None
    found = uwsgi_ini_declarations(site.project, path, [], started=site, cwd=cwd, env=env)
    return found[0] if found else None


def uwsgi_declaration(
    site: CommandSite,
    program: Word,
    target: Word | None,
    cwd: str,
    env: dict[str, str],
    options: list[tuple[str, str]],
    *,
    unknown: str = "",
) -> Declaration:
    run_dir, moved_unknown = _working_dir(site, cwd, options, "chdir")
    unknown = unknown or moved_unknown
    pythonpath = tuple(
        p
        for k, v in options
        if k in ("pythonpath", "pp")
        for p in [resolve_dir(site, run_dir, v)]
        if p is not None
    )
    binds = tuple(v for k, v in options if k in ("http", "http-socket", "socket", "s"))
    if target is None and not any(k in ("ini",) for k, _ in options):
        unknown = unknown or "no --module or --wsgi-file given"
    return _declaration(
        site,
        "uwsgi",
        target,
        program,
        run_dir,
        env,
        options=tuple(options),
        unknown=unknown,
        pythonpath=pythonpath,
        bind=binds,
    )
