"""The Declaration: one place in a deploy or config file that starts a Flask app, as data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..model import Range

Server = Literal["gunicorn", "uwsgi", "flask", "waitress", "python"]
#: Where the declared process runs: decides which defaults (bind host, $PORT) matter.
Context = Literal["container", "paas", "systemd", "local"]


@dataclass(frozen=True)
class Declaration:
    """A server start found in a file.

    `range` covers the TARGET text in `source` (or the command word when the target is
    implicit, e.g. `flask run` with no `--app`). `target` is the text the server will parse
    ('' when the server falls back to its default). `cwd` is the root-relative directory the
    server runs in. `unknown` holds a reason when the declaration cannot be evaluated
    statically (`$(...)`, an unset variable): such a declaration never gets an "ok".
    """

    source: str
    range: Range
    server: Server
    target: str
    cwd: str = ""
    #: Where the process starts, before `--chdir` moves it (gunicorn reads its default
    #: ./gunicorn.conf.py from there); None means `cwd`.
    start_dir: str | None = None
    pythonpath: tuple[str, ...] = ()
    bind: tuple[str, ...] = ()
    options: tuple[tuple[str, str], ...] = ()
    context: Context = "local"
    process: str = ""  # Procfile process type ("web"), compose service name, ...
    call_factory: bool = False  # waitress-serve --call
    config_file: str | None = None  # gunicorn -c, root-relative
    env: tuple[tuple[str, str], ...] = ()
    unknown: str = ""
    #: The working directory as the process sees it, when it holds none of the project's
    #: files (a container WORKDIR nothing is copied to): nothing will import from there.
    outside_cwd: str = ""
    #: Why the target may be imported from installed packages rather than the working
    #: directory (a Dockerfile that `pip install`s the project): a missing module is unknown.
    installed: str = ""
    #: Why `cwd` is a guess (a uwsgi.ini nothing starts): a module not found there is unknown.
    guessed_cwd: str = ""
    #: A server config file nothing in the project starts (a sample uwsgi.ini): how and
    #: where it runs, and how its server is installed, are not in these files.
    unstarted: bool = False
    #: The target's range in a shell command line is raw shell text (an unquoted word, or one
    #: quoted in parts like `app:f'(1)'`), not the inside of one quoted string: a replacement
    #: holding shell metacharacters such as `()` must be quoted.
    shell_unquoted: bool = False
    #: The file holding the command line when the target came from elsewhere (gunicorn's
    #: wsgi_app in gunicorn.conf.py); '' means `source`.
    command_source: str = ""
    command_range: Range | None = None  # from the server word to the last argument
    program_range: Range | None = None  # the server word itself
    command_end: Range | None = field(default=None)  # empty range after the server word
    append_at: Range | None = None  # empty range after the command's last argument
    #: How arguments are written: a shell line, a JSON list (Dockerfile exec form), or a form
    #: we do not add arguments to.
    arg_style: Literal["shell", "json", "none"] = "shell"
    bind_range: Range | None = None  # the value of the last -b/--bind given on the line
    #: The command is a platform's default, written nowhere in the file (App Engine's
    #: entrypoint when app.yaml names none): its range only places findings; no edit can
    #: change the command in place.
    implicit: bool = False

    @property
    def command_file(self) -> str:
        return self.command_source or self.source

    def format_args(self, args: list[str]) -> str | None:
        """Text that adds `args` at `command_end` or `append_at` in this command's style."""
        if self.arg_style == "shell":
            import shlex

            return "".join(" " + (a if a.startswith("$") else shlex.quote(a)) for a in args)
        if self.arg_style == "json":
            import json

            return "".join(", " + json.dumps(a) for a in args)
        return None

    def option(self, *names: str) -> str | None:
        """The last value given to any of `names` (options are stored without dashes)."""
        found = None
        for key, value in self.options:
            if key in names:
                found = value
        return found

    def has_option(self, *names: str) -> bool:
        return any(key in names for key, _ in self.options)

    def env_value(self, name: str) -> str | None:
        found = None
        for key, value in self.env:
            if key == name:
                found = value
        return found
