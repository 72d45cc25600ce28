"""Tests for mutants of analysis/entrypoints/command_lines.py and text/shell_words.py that
survived sampled `make mutate` runs: each pins what a user sees (the server, target, working
directory, bind addresses and verdict of an entry point read from a command line) the way the
real tool reads the same command line. Every one was checked against its mutant (mutmut's
MUTANT_UNDER_TEST)."""

from __future__ import annotations

import posixpath
from pathlib import Path

import pytest

from flask_preflight.analysis.entrypoints import (
    Declaration,
    check_declaration,
    find_declarations,
)
from flask_preflight.analysis.entrypoints.resolve import Verdict
from flask_preflight.analysis.entrypoints.text.shell_words import split_words
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import run_checks
from tests.conftest import write_tree

APP = "from flask import Flask\n\napp = Flask(__name__)\n"
FACTORY = "from flask import Flask\n\n\ndef create_app():\n    return Flask(__name__)\n"


def procfile(root: Path, line: str, files: dict[str, str] | None = None) -> Declaration:
    """The one entry point of a Procfile holding `web: LINE` beside an app.py."""
    write_tree(root, {"app.py": APP, **(files or {}), "Procfile": f"web: {line}\n"})
    [declaration] = find_declarations(Project(root))
    return declaration


def verdict(root: Path, declaration: Declaration) -> Verdict:
    return check_declaration(Project(root), declaration)


def text_at(root: Path, declaration: Declaration, attribute: str = "range") -> str:
    """The text of the Procfile line a declaration's range (or another range) covers."""
    rng = getattr(declaration, attribute)
    line = (root / declaration.source).read_text(encoding="utf-8").splitlines()[rng.start.line]
    return line[rng.start.character : rng.end.character]


# --- gunicorn's argument parser ------------------------------------------------------------------

GUNICORN_LINES = [
    # (command line, target, working directory, binds) as gunicorn reads them
    ("gunicorn -b 0.0.0.0:8000 app:app", "app:app", "", ("0.0.0.0:8000",)),
    ("gunicorn -b0.0.0.0:8000 app:app", "app:app", "", ("0.0.0.0:8000",)),
    ("gunicorn -b=0.0.0.0:8000 app:app", "app:app", "", ("0.0.0.0:8000",)),
    ("gunicorn --bind 0.0.0.0:8000 app:app", "app:app", "", ("0.0.0.0:8000",)),
    ("gunicorn --bind=0.0.0.0:8000 app:app", "app:app", "", ("0.0.0.0:8000",)),
    ("gunicorn app:app -b :1 --bind :2", "app:app", "", (":1", ":2")),
    ("gunicorn --preload --reload app:app", "app:app", "", ()),
    ("gunicorn -D -R app:app", "app:app", "", ()),
    ("gunicorn -w 4 -k gevent -t 30 app:app", "app:app", "", ()),
    ("gunicorn -w4 app:app", "app:app", "", ()),
    ("gunicorn --chdir src app:app", "app:app", "src", ()),
    ("gunicorn --chdir=src app:app", "app:app", "src", ()),
    ("gunicorn --chdir src --chdir . app:app", "app:app", "", ()),
    ("GUNICORN_CMD_ARGS='-b :9000' gunicorn app:app", "app:app", "", (":9000",)),
    ("GUNICORN_CMD_ARGS='-b:9000 --chdir src' gunicorn app:app", "app:app", "src", (":9000",)),
    ("GUNICORN_CMD_ARGS='--bind=:9000' gunicorn app:app -b :1", "app:app", "", (":9000", ":1")),
    ("gunicorn.exe app:app", "app:app", "", ()),
    ("gunicorn -w $(nproc) --threads `nproc` app:app", "app:app", "", ()),
    ("python -m gunicorn -b :5 app:app", "app:app", "", (":5",)),
    ("gunicorn -w 2 -- app:app", "app:app", "", ()),
    ("gunicorn app:app --workers", "app:app", "", ()),
    ("GUNICORN_CMD_ARGS='--workers 2 -' gunicorn app:app", "app:app", "", ()),
]


@pytest.mark.parametrize(("line", "target", "cwd", "binds"), GUNICORN_LINES)
def test_gunicorn_options_are_read_as_gunicorn_reads_them(
    tmp_path: Path, line: str, target: str, cwd: str, binds: tuple[str, ...]
) -> None:
    declaration = procfile(tmp_path, line, {"src/app.py": APP})
    assert (declaration.server, declaration.target) == ("gunicorn", target)
    assert (declaration.cwd, declaration.bind) == (cwd, binds)
    assert text_at(tmp_path, declaration) == target
    assert verdict(tmp_path, declaration).status == "ok"


@pytest.mark.parametrize(
    ("line", "bind"),
    [
        ("gunicorn -b 0.0.0.0:8000 app:app", "0.0.0.0:8000"),
        ("gunicorn --bind '127.0.0.1:8000' app:app", "127.0.0.1:8000"),
        ("gunicorn app:app --bind :1 -b :2", ":2"),
    ],
)
def test_gunicorn_bind_range_covers_the_last_bind_value(
    tmp_path: Path, line: str, bind: str
) -> None:
    declaration = procfile(tmp_path, line)
    assert text_at(tmp_path, declaration, "bind_range") == bind


@pytest.mark.parametrize(
    ("config", "files", "expected"),
    [
        ("gunicorn.conf.py", {"gunicorn.conf.py": "workers = 2\n"}, "gunicorn.conf.py"),
        ("file:deploy/gunicorn.py", {"deploy/gunicorn.py": "workers = 2\n"}, "deploy/gunicorn.py"),
        # gunicorn strips only the `file:` prefix: the rest is the file name, colons and all
        ("file:deploy/prod:gunicorn.py", {}, "deploy/prod:gunicorn.py"),
        ("python:deploy.settings", {"deploy/settings.py": "workers = 2\n"}, "deploy/settings.py"),
        # a module that is a package: gunicorn imports its __init__.py
        (
            "python:settings",
            {"settings/__init__.py": "workers = 2\n"},
            "settings/__init__.py",
        ),
    ],
)
def test_gunicorn_config_option_names_the_file_gunicorn_reads(
    tmp_path: Path, config: str, files: dict[str, str], expected: str
) -> None:
    declaration = procfile(tmp_path, f"gunicorn -c {config} app:app", files)
    assert declaration.config_file == expected


def test_gunicorn_config_named_by_a_command_substitution_is_unknown(tmp_path: Path) -> None:
    declaration = procfile(tmp_path, "gunicorn -c `ls *.conf.py` app:app")
    assert declaration.unknown == (
        "gunicorn reads its settings from ``ls *.conf.py``, known only when it runs"
    )
    assert verdict(tmp_path, declaration).status == "unknown"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("gunicorn --chdir ../elsewhere app:app", "--chdir ../elsewhere"),
        ("gunicorn --chdir /srv/app app:app", "--chdir /srv/app"),
        ("uwsgi --chdir ../elsewhere --module app:app", "chdir ../elsewhere"),
        ("uwsgi --chdir=/srv/app --module app:app", "chdir /srv/app"),
    ],
)
def test_a_chdir_out_of_the_project_is_unknown_not_a_folder_above_it(
    tmp_path: Path, line: str, reason: str
) -> None:
    declaration = procfile(tmp_path, line)
    assert declaration.cwd == ""
    assert declaration.unknown == f"{reason} is not a folder of this project"
    assert verdict(tmp_path, declaration).status == "unknown"


def test_cd_out_of_the_project_keeps_the_known_folder(tmp_path: Path) -> None:
    declaration = procfile(tmp_path, "cd src && cd ../.. && gunicorn app:app", {"src/app.py": APP})
    assert declaration.cwd == "src"


def test_two_unset_variables_in_a_target_are_both_named(tmp_path: Path) -> None:
    declaration = procfile(tmp_path, "gunicorn $MODULE:$APP")
    assert declaration.unknown == (
        "the target depends on $MODULE, $APP, which is not set where this command is declared"
    )


PYTHON_LINES = [
    # (command line, script or module) as the interpreter reads its options
    ("python app.py", "app.py"),
    ("python3.12 -u app.py", "app.py"),
    ("python -W ignore app.py", "app.py"),
    ("python -X dev -X utf8 app.py", "app.py"),
    ("python -W ignore app.py --port 5000", "app.py"),
    ("python -x app.py", "app.py"),
    ("python -OO -B app.py", "app.py"),
    ("python -Q new app.py", "app.py"),
    ("py -3 app.py", "app.py"),
    ("python -u -m app", "app"),
]


@pytest.mark.parametrize(("line", "target"), PYTHON_LINES)
def test_python_options_before_the_script_are_skipped_with_their_values(
    tmp_path: Path, line: str, target: str
) -> None:
    declaration = procfile(tmp_path, line)
    assert (declaration.server, declaration.target) == ("python", target)
    assert text_at(tmp_path, declaration) == target
    assert verdict(tmp_path, declaration).status == "ok"


# --- flask's click groups --------------------------------------------------------------------------

FLASK_LINES = [
    # (command line, target, binds, app option click refuses after the command) as flask's
    # click groups read them
    ("flask --app app:app run", "app:app", ("127.0.0.1:5000",), False),
    ("flask -A app:app run --port 8000", "app:app", ("127.0.0.1:8000",), False),
    ("flask --app=app:app run -h 0.0.0.0 -p 8000", "app:app", ("0.0.0.0:8000",), False),
    ("flask -e .flaskenv --app app:app run -p 8000", "app:app", ("127.0.0.1:8000",), False),
    ("flask --env-file .flaskenv run --port=8000", "", ("127.0.0.1:8000",), False),
    ("flask run --cert adhoc --port 8000", "", ("127.0.0.1:8000",), False),
    ("FLASK_RUN_PORT=7000 FLASK_RUN_HOST=0.0.0.0 flask run", "", ("0.0.0.0:7000",), False),
    ("flask run --app=app:app --port 8000", "app:app", ("127.0.0.1:8000",), "--app"),
    ("flask run --app app:app --port 8000", "", ("127.0.0.1:8000",), "--app"),
    ("flask run -A app:app -p 8000", "", ("127.0.0.1:8000",), "-A"),
    ("flask --app app:app shell", "app:app", (), False),
    ("python -m flask --app app:app run", "app:app", ("127.0.0.1:5000",), False),
]


@pytest.mark.parametrize(("line", "target", "binds", "misplaced"), FLASK_LINES)
def test_flask_options_are_read_as_click_reads_them(
    tmp_path: Path, line: str, target: str, binds: tuple[str, ...], misplaced: str | bool
) -> None:
    declaration = procfile(tmp_path, line)
    assert (declaration.server, declaration.target, declaration.bind) == ("flask", target, binds)
    if target:
        assert text_at(tmp_path, declaration) == target
    result = verdict(tmp_path, declaration)
    if misplaced:
        assert (result.rule, result.message) == (
            "SRV004",
            f"flask stops with: Error: No such option '{misplaced}'. The app option belongs "
            "before the command: `flask --app TARGET run`.",
        )
    else:
        assert result.rule is None


@pytest.mark.parametrize("line", ["flask --app", "flask run --port", "flask -A"])
def test_flask_option_missing_its_value_never_crashes(tmp_path: Path, line: str) -> None:
    declaration = procfile(tmp_path, line)
    assert (declaration.server, declaration.target) == ("flask", "")


# --- waitress-serve ------------------------------------------------------------------------------

WAITRESS_LINES = [
    # (command line, target, binds, --call)
    ("waitress-serve app:app", "app:app", ("0.0.0.0:8080",), False),
    ("waitress-serve --listen=*:9000 app:app", "app:app", ("*:9000",), False),
    ("waitress-serve --listen *:9000 --listen [::1]:9000 app:app", "app:app", ("*:9000", "[::1]:9000"), False),
    ("waitress-serve --host 127.0.0.1 --port 9000 app:app", "app:app", ("127.0.0.1:9000",), False),
    ("waitress-serve --port=9000 app:app", "app:app", ("0.0.0.0:9000",), False),
    ("waitress-serve --call app:create_app", "app:create_app", ("0.0.0.0:8080",), True),
    ("waitress-serve --expose-tracebacks --ipv4 --no-ipv6 app:app", "app:app", ("0.0.0.0:8080",), False),
    ("python -m waitress --port 9000 app:app", "app:app", ("0.0.0.0:9000",), False),
]  # fmt: skip


@pytest.mark.parametrize(("line", "target", "binds", "call"), WAITRESS_LINES)
def test_waitress_options_are_read_as_waitress_serve_reads_them(
    tmp_path: Path, line: str, target: str, binds: tuple[str, ...], call: bool
) -> None:
    declaration = procfile(tmp_path, line, {"app.py": APP + "\n\n" + FACTORY.split("\n\n\n")[1]})
    assert (declaration.server, declaration.target) == ("waitress", target)
    assert (declaration.bind, declaration.call_factory) == (binds, call)
    assert verdict(tmp_path, declaration).status == "ok"


# --- uWSGI -------------------------------------------------------------------------------------

UWSGI_LINES = [
    # (command line, target, working directory, binds)
    ("uwsgi --http :8000 --module app:app", "app:app", "", (":8000",)),
    ("uwsgi --http=:8000 --wsgi-file app.py --callable app", "app.py", "", (":8000",)),
    ("uwsgi -w app:app --socket :3031", "app:app", "", (":3031",)),
    ("uwsgi --http-socket :8000 --wsgi app:app", "app:app", "", (":8000",)),
    ("uwsgi -s /tmp/app.sock --file app.py --callable app", "app.py", "", ("/tmp/app.sock",)),
    ("uwsgi --master --module app:app", "app:app", "", ()),
    ("uwsgi3 --module app:app --master", "app:app", "", ()),
    ("uwsgi --http :8000 --module=app:app", "app:app", "", (":8000",)),
    ("uwsgi --http :8000 --wsgi-file=app.py --callable=app", "app.py", "", (":8000",)),
    ("uwsgi --chdir src --module app:application", "app:application", "src", ()),
    ("uwsgi --chdir=src --wsgi-file app.py", "app.py", "src", ()),
]


@pytest.mark.parametrize(("line", "target", "cwd", "binds"), UWSGI_LINES)
def test_uwsgi_options_are_read_as_uwsgi_reads_them(
    tmp_path: Path, line: str, target: str, cwd: str, binds: tuple[str, ...]
) -> None:
    declaration = procfile(tmp_path, line, {"src/app.py": APP.replace("app =", "application =")})
    assert (declaration.server, declaration.target, declaration.bind) == ("uwsgi", target, binds)
    assert declaration.cwd == cwd
    assert text_at(tmp_path, declaration) == target
    assert text_at(tmp_path, declaration, "program_range") == line.split()[0]
    result = verdict(tmp_path, declaration)
    assert result.status == "ok"
    assert result.app is not None and result.app.module == posixpath.join(cwd, "app.py")


def test_uwsgi_reads_an_ini_file_given_as_its_argument(tmp_path: Path) -> None:
    declaration = procfile(
        tmp_path,
        "uwsgi deploy/uwsgi.ini",
        {"deploy/uwsgi.ini": "[uwsgi]\nmodule = app:app\nhttp = :8000\n"},
    )
    assert (declaration.source, declaration.target, declaration.bind) == (
        "deploy/uwsgi.ini",
        "app:app",
        (":8000",),
    )
    assert verdict(tmp_path, declaration).status == "ok"


@pytest.mark.parametrize(
    ("line", "option", "target"),
    [
        ("uwsgi --module app:app --chdir", "--chdir", "app:app"),
        ("uwsgi --chdir --module app:app", "--chdir", "app:app"),
        ("uwsgi --wsgi-file app.py --callable", "--callable", "app.py"),
        ("uwsgi --module", "--module", ""),
    ],
)
def test_uwsgi_option_missing_its_value_is_unknown_not_a_folder_named_1(
    tmp_path: Path, line: str, option: str, target: str
) -> None:
    # uWSGI stops with "option '--chdir' requires an argument"; before, the value was "1" and
    # `--chdir` at the end gave a false "module not found in 1/".
    declaration = procfile(tmp_path, line)
    assert (declaration.target, declaration.cwd) == (target, "")
    assert declaration.unknown == f"uWSGI is given {option} without its value"
    result = verdict(tmp_path, declaration)
    assert (result.status, result.message) == ("unknown", declaration.unknown)


# --- shells, wrappers, process managers -----------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "sh -c 'gunicorn app:app'",
        "bash -lc 'gunicorn app:app'",
        "sh -ec 'gunicorn app:app'",
        "echo starting > /tmp/log; gunicorn app:app",
        "echo starting >> /tmp/log && gunicorn app:app",
        "> /tmp/log gunicorn app:app",
        "exec -- gunicorn app:app",
        "poetry run gunicorn app:app",
        "pipenv run gunicorn app:app",
    ],
)
def test_the_server_behind_a_shell_or_a_redirection_is_found(tmp_path: Path, line: str) -> None:
    declaration = procfile(tmp_path, line)
    assert (declaration.server, declaration.target) == ("gunicorn", "app:app")


def test_honcho_start_reads_the_procfile_by_default(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "Procfile": "web: gunicorn app:app\n",
            "Dockerfile": "FROM python:3.12\nWORKDIR /code\nCOPY . .\nCMD honcho start\n",
        },
    )
    [declaration] = find_declarations(Project(tmp_path))
    assert (declaration.source, declaration.target) == ("Procfile", "app:app")
    assert declaration.context == "container"  # started by the image, not read on its own


@pytest.mark.parametrize(
    "options",
    [
        "-e .env.prod",
        "--env .env.prod",
        "-p 5000",
        "--port 5000",
        "-c web=2",
        "--concurrency web=2",
        "-d .",
        "--app-root .",
    ],
)
def test_honcho_options_with_a_value_are_not_process_names(tmp_path: Path, options: str) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "deploy/processes": "web: gunicorn app:app\n",
            "Procfile": f"dev: honcho start -f deploy/processes {options}\n",
        },
    )
    started = [d for d in find_declarations(Project(tmp_path)) if d.source == "deploy/processes"]
    assert [(d.process, d.target) for d in started] == [("web", "app:app")]


@pytest.mark.parametrize("command", ["sh -c gunicorn", "sh -c 'gunicorn'", 'bash -c "gunicorn"'])
def test_no_bind_fix_appends_words_that_would_go_to_the_shell_not_the_server(
    tmp_path: Path, command: str
) -> None:
    # `sh -c gunicorn --bind 0.0.0.0:8000` gives `--bind` to sh as $0: gunicorn never sees it,
    # and inside quotes the words would need the quotes' escaping: no fix is offered for either.
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "gunicorn.conf.py": 'wsgi_app = "app:app"\n',
            "Dockerfile": f"FROM python:3.12\nWORKDIR /code\nCOPY . .\nCMD {command}\n",
        },
    )
    [finding] = [f for f in run_checks(Project(tmp_path)) if f.rule == "SRV007"]
    assert finding.message.startswith("gunicorn listens by default on 127.0.0.1:8000")
    assert finding.fixes == ()


# --- shell words (text/shell_words) ---------------------------------------------------------------

SHELL_SPLITS = [
    # (command text, environment, the words a POSIX sh passes to the command)
    (
        "gunicorn 'app:create_app()' --bind \"0.0.0.0:$PORT\"",
        {"PORT": "80"},
        ["gunicorn", "app:create_app()", "--bind", "0.0.0.0:80"],
    ),
    ("a\\ b 'c d' \"e \\\"f\\\" g\"", {}, ["a b", "c d", 'e "f" g']),
    ('"x\\\\y" "a\\$b" "c\\`d" "e\\f"', {"b": "no"}, ["x\\y", "a$b", "c`d", "e\\f"]),
    ('"\\$HOME/$HOME"', {"HOME": "/root"}, ["$HOME//root"]),
    ('"$A\\$A$A\\"$A"', {"A": "1"}, ["1$A1\"1"]),
    ("'it'\"'\"'s'", {}, ["it's"]),
    ("a#b #a comment", {}, ["a#b"]),
    ("x # comment\nz", {}, ["x", "\n", "z"]),
    ("a\nb # c\nd", {}, ["a", "\n", "b", "\n", "d"]),
    ("one \\\n two on\\\ne", {}, ["one", "two", "one"]),
    ('"a\\\nb"', {}, ["ab"]),
    ("a&&b||c;d|e&f", {}, ["a", "&&", "b", "||", "c", ";", "d", "|", "e", "&", "f"]),
    ("a >f 2<g", {}, ["a", ">", "f", "2", "<", "g"]),
    (
        '"${A:-x}" "${B-y}" "${C:+z}" "${D+w}" "${E:=v}" "${F-}"',
        {"A": "", "B": "", "C": "", "D": ""},
        ["x", "", "", "w", "v", ""],
    ),
    ("${A:-x} ${B-y} ${C:+z} ${D+w}", {"A": "1", "B": "2", "C": "3", "D": "4"}, ["1", "2", "z", "w"]),
    ("$A$B ${A}x $A-x", {"A": "1", "B": "2"}, ["12", "1x", "1-x"]),
    ("cost$ a$ $", {}, ["cost$", "a$", "$"]),
    ("'$A' \"$A\"", {"A": "1"}, ["$A", "1"]),
    # an unquoted expansion is split at blanks, and one that is empty is no word at all
    ("g $OPTS $EMPTY app", {"OPTS": "--bind 0.0.0.0:80", "EMPTY": ""}, ["g", "--bind", "0.0.0.0:80", "app"]),
    ('a$X"b" $Y', {"X": " 1 2 ", "Y": "  "}, ["a", "1", "2", "b"]),
    ("a$X", {"X": "1 2"}, ["a1", "2"]),
    ('"${D+}"', {"D": "1"}, [""]),
    ("$X end", {"X": "1 "}, ["1", "end"]),
    ("x tail\\y", {}, ["x", "taily"]),
    ('"$X" ${U:-} ${U:-a b}c x$X', {"X": ""}, ["", "a", "bc", "x"]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "env", "values"), SHELL_SPLITS)
def test_words_are_split_and_expanded_as_a_posix_shell_does(
    text: str, env: dict[str, str], values: list[str]
) -> None:
    words = split_words(text, env)
    assert [w.value for w in words] == values
    assert not any(w.unknown or w.unset for w in words)


def test_words_keep_their_places_and_quote_spans() -> None:
    text = "'ab' \"c\"d 'e''f' '' x \"g\"\"h\" X'i'X"
    words = split_words(text)
    assert [(w.start, w.end, w.inner, w.quoted) for w in words] == [
        (0, 4, (1, 3), True),
        (5, 9, (5, 9), True),
        (10, 16, (10, 16), True),
        (17, 19, (18, 18), True),
        (20, 21, (20, 21), False),
        (22, 28, (22, 28), True),
        (29, 34, (29, 34), True),
    ]
    assert [text[w.start : w.end] for w in words] == [
        "'ab'",
        '"c"d',
        "'e''f'",
        "''",
        "x",
        '"g""h"',
        "X'i'X",
    ]


@pytest.mark.parametrize("text", ["gunicorn app:app \\", "gunicorn app:app a\\"])
def test_a_backslash_ending_the_text_never_crashes(text: str) -> None:
    # `sh -c 'echo a\'` prints `a\`: the backslash has nothing to escape and stays
    words = split_words(text)
    assert [w.value for w in words] == ["gunicorn", "app:app", text.rsplit(" ", 1)[1]]


@pytest.mark.parametrize(
    ("text", "env", "unset"),
    [
        ("$U ${U} ${U:-d} ${U?gone}", {}, [["U"], ["U"], [], ["U"]]),
        ('"$A$U$V"', {"A": "1"}, [["U", "V"]]),
        ("${N:-x} ${N:+y}", {"N": ""}, [[]]),
    ],
)
def test_unset_variables_stay_as_written_and_are_named(
    text: str, env: dict[str, str], unset: list[list[str]]
) -> None:
    words = split_words(text, env)
    assert [w.unset for w in words] == unset
    for word in words:
        for name in word.unset:
            assert f"${name}" in word.value or f"${{{name}" in word.value


@pytest.mark.parametrize(
    ("text", "values", "reason"),
    [
        ("$(date) x", ["$(date)", "x"], "`$(date)` is only known when the shell runs it"),
        ("a)$(date) x", ["a)$(date)", "x"], "`$(date)` is only known when the shell runs it"),
        (
            "$(echo $(date)) x",
            ["$(echo $(date))", "x"],
            "`$(echo $(date))` is only known when the shell runs it",
        ),
        ("a`hostname`b x", ["a`hostname`b", "x"], "``hostname`` is only known when the shell runs it"),
        ('"$(date)" x', ["$(date)", "x"], "command substitution runs only in the shell"),
        ('"`date`" x', ["`date`", "x"], "command substitution runs only in the shell"),
        ("'open x", ["open x"], "an unterminated ' quote"),
        ('"open x', ["open x"], 'an unterminated " quote'),
        ('"open \\', ["open \\"], 'an unterminated " quote'),
        ("`open x", ["`open x"], "``open x` is only known when the shell runs it"),
        ('"open \\"', ['open "'], 'an unterminated " quote'),
    ],
)  # fmt: skip
def test_what_only_the_shell_knows_is_marked_unknown_on_its_word(
    text: str, values: list[str], reason: str
) -> None:
    words = split_words(text)
    assert [w.value for w in words] == values
    assert words[0].unknown == reason
    assert not any(w.unknown for w in words[1:])


@pytest.mark.parametrize(
    ("text", "parens"),
    [
        ("app:create_app()", True),
        ("'app:create_app()'", False),
        ('"f(x)"', False),
        ("a)", True),
        ("app:create_app(", True),
    ],
)
def test_an_unquoted_parenthesis_is_marked(text: str, parens: bool) -> None:
    [word] = split_words(text)
    assert word.bare_parens == parens


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("flask --app=$(cat appname) run", "`$(cat appname)` is only known when the shell runs it"),
        ("uwsgi --module=$(cat appname)", "`$(cat appname)` is only known when the shell runs it"),
        (
            "flask --app=$APP run",
            "the target depends on $APP, which is not set where this command is declared",
        ),
    ],
)
def test_an_inline_option_value_known_only_when_the_shell_runs_is_unknown(
    tmp_path: Path, line: str, reason: str
) -> None:
    declaration = procfile(tmp_path, line)
    assert declaration.unknown == reason
    assert verdict(tmp_path, declaration).status == "unknown"


DOCKERFILE = "FROM python:3.12\nWORKDIR /code\nCOPY . .\n"


def test_a_container_command_naming_a_script_by_its_absolute_path_is_followed(
    tmp_path: Path,
) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "bin/start.sh": "#!/bin/sh\nexec gunicorn -b 0.0.0.0:8000 app:app\n",
            "Dockerfile": DOCKERFILE + 'CMD ["/code/bin/start.sh"]\n',
        },
    )
    [declaration] = find_declarations(Project(tmp_path))
    assert (declaration.source, declaration.target, declaration.context) == (
        "bin/start.sh",
        "app:app",
        "container",
    )


def test_a_procfile_started_in_a_container_maps_its_absolute_folders(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "src/app.py": APP,
            "Procfile": "web: gunicorn --chdir /code/src -b 0.0.0.0:8000 app:app\n",
            "Dockerfile": DOCKERFILE + "CMD honcho start\n",
        },
    )
    [declaration] = find_declarations(Project(tmp_path))
    assert (declaration.source, declaration.cwd, declaration.unknown) == ("Procfile", "src", "")
    assert verdict(tmp_path, declaration).status == "ok"


@pytest.mark.parametrize(
    ("env", "binds"),
    [
        ('OPTS="--bind 0.0.0.0:8000"\nENV EMPTY=""', ("0.0.0.0:8000",)),
        ('OPTS=""\nENV EMPTY=""', ()),
    ],
)
def test_options_in_a_variable_are_split_into_words_as_the_shell_does(
    tmp_path: Path, env: str, binds: tuple[str, ...]
) -> None:
    # before, `$EMPTY` was an empty target (a false SRV004) and `$OPTS` one word `--bind 0...`
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "Dockerfile": f"{DOCKERFILE}ENV {env}\nCMD gunicorn $OPTS $EMPTY app:app\n",
        },
    )
    [declaration] = find_declarations(Project(tmp_path))
    assert (declaration.target, declaration.bind) == ("app:app", binds)
    assert verdict(tmp_path, declaration).status == "ok"
    rules = {f.rule for f in run_checks(Project(tmp_path)) if f.path == "Dockerfile"}
    assert ("SRV007" in rules) == (not binds)


def test_flask_app_option_with_an_equals_sign_in_its_value(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "shop.py": "from flask import Flask\n\n\ndef create_app(debug=True):\n"
            "    return Flask(__name__)\n"
        },
    )
    declaration = procfile(tmp_path, "flask --app='shop:create_app(debug=False)' run")
    assert declaration.target == "shop:create_app(debug=False)"
    result = verdict(tmp_path, declaration)
    assert result.status == "ok"
    assert result.app is not None and result.app.name == "create_app"


@pytest.mark.parametrize(
    ("line", "pythonpath"),
    [
        ("gunicorn --pythonpath /srv/lib,src app:app", ("src",)),
        ("gunicorn --pythonpath=lib,src app:app", ("lib", "src")),
        ("uwsgi --pythonpath src --module app:app", ("src",)),
        ("uwsgi --pp src --pp lib --module app:app", ("src", "lib")),
        ("uwsgi --pp /srv/lib --module app:app", ()),
    ],
)
def test_pythonpath_entries_are_project_folders(
    tmp_path: Path, line: str, pythonpath: tuple[str, ...]
) -> None:
    declaration = procfile(tmp_path, line)
    assert declaration.pythonpath == pythonpath


@pytest.mark.parametrize(
    "option", ["--procfile=deploy/processes", "--procfile deploy/processes", "-f deploy/processes"]
)
@pytest.mark.parametrize("name", ["processes", "web=1"])
def test_honcho_reads_the_procfile_option_in_each_spelling(
    tmp_path: Path, option: str, name: str
) -> None:
    option = option.replace("processes", name)
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            f"deploy/{name}": "web: gunicorn app:app\n",
            "Procfile": f"dev: honcho start {option}\n",
        },
    )
    started = [d for d in find_declarations(Project(tmp_path)) if d.source == f"deploy/{name}"]
    assert [(d.process, d.target) for d in started] == [("web", "app:app")]


def test_a_process_manager_alone_or_starting_itself_ends(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"app.py": APP, "Procfile": "a: honcho\nb: honcho start\nweb: gunicorn app:app\n"},
    )
    found = find_declarations(Project(tmp_path))
    assert {(d.process, d.target) for d in found} == {("web", "app:app")}


def test_scripts_started_from_a_started_procfile_are_followed_three_levels(
    tmp_path: Path,
) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "Dockerfile": DOCKERFILE + "CMD honcho start\n",
            "Procfile": "web: ./a.sh\n",
            "a.sh": "#!/bin/sh\nexec ./b.sh\n",
            "b.sh": "#!/bin/sh\nexec gunicorn -b 0.0.0.0:8000 app:app\n",
        },
    )
    found = find_declarations(Project(tmp_path))
    assert ("b.sh", "web", "container") in {(d.source, d.process, d.context) for d in found}


def test_a_script_path_through_an_unset_variable_is_not_a_project_file(tmp_path: Path) -> None:
    # sh runs `/start.sh` when $APP_HOME is unset: never the project's folder named `$APP_HOME`
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "$APP_HOME/start.sh": "#!/bin/sh\nexec gunicorn app:app\n",
            "Procfile": "web: $APP_HOME/start.sh\n",
        },
    )
    found = find_declarations(Project(tmp_path))
    assert [(d.source, d.process, d.context) for d in found] == [
        ("$APP_HOME/start.sh", "", "local")
    ]


def test_gunicorn_short_option_value_attached_keeps_its_first_letter(tmp_path: Path) -> None:
    declaration = procfile(tmp_path, "gunicorn -cXconf.py app:app", {"Xconf.py": "workers = 2\n"})
    assert declaration.config_file == "Xconf.py"


def test_shell_keywords_inside_sh_c_of_a_systemd_unit(tmp_path: Path) -> None:
    # systemd splits ExecStart itself (no shell keywords), but the `sh -c` line is read by sh
    unit = (
        "[Service]\nWorkingDirectory=/srv/site/backend\n"
        "ExecStart=/bin/sh -c 'if true; then exec gunicorn wsgi:app; fi'\n"
    )
    write_tree(tmp_path, {"backend/wsgi.py": APP, "deploy/site.service": unit})
    [declaration] = find_declarations(Project(tmp_path))
    assert (declaration.server, declaration.target, declaration.cwd) == (
        "gunicorn",
        "wsgi:app",
        "backend",
    )
    assert verdict(tmp_path, declaration).status == "ok"


def test_a_command_on_path_is_looked_up_in_each_path_folder_in_turn(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "sbin/other": "#!/bin/sh\ntrue\n",
            "bin/boot": "#!/bin/sh\nexec gunicorn -b 0.0.0.0:8000 app:app\n",
            "Dockerfile": DOCKERFILE
            + 'COPY sbin/ /usr/local/sbin/\nCOPY bin/ /usr/local/bin/\nCMD ["boot"]\n',
        },
    )
    found = find_declarations(Project(tmp_path))
    assert ("bin/boot", "app:app", "container") in {(d.source, d.target, d.context) for d in found}


def test_honcho_after_cd_reads_the_procfile_from_that_folder(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "deploy/app.py": APP,
            "deploy/processes": "web: gunicorn app:app\n",
            "Procfile": "dev: cd deploy && honcho start -f processes\n",
        },
    )
    started = [d for d in find_declarations(Project(tmp_path)) if d.source == "deploy/processes"]
    assert [(d.process, d.cwd, d.target) for d in started] == [("web", "deploy", "app:app")]


def test_honcho_runs_each_process_it_is_given(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "deploy/processes": "web: gunicorn app:app\nalt: waitress-serve app:app\nx: flask run\n",
            "Procfile": "dev: honcho start -f deploy/processes web alt\n",
        },
    )
    started = [d for d in find_declarations(Project(tmp_path)) if d.source == "deploy/processes"]
    assert [(d.process, d.server) for d in started] == [("web", "gunicorn"), ("alt", "waitress")]


def test_a_lone_dash_is_gunicorns_positional_target(tmp_path: Path) -> None:
    # argparse takes `-` as a positional word: gunicorn's app module
    declaration = procfile(tmp_path, "gunicorn - app:app")
    assert declaration.target == "-"


@pytest.mark.parametrize(
    ("line", "files", "attribute", "expected"),
    [
        (
            "cd deploy && gunicorn -c gunicorn.conf.py app:app",
            {"deploy/gunicorn.conf.py": "workers = 2\n"},
            "config_file",
            "deploy/gunicorn.conf.py",
        ),
        (
            "cd deploy && uwsgi --ini uwsgi.ini",
            {"deploy/uwsgi.ini": "[uwsgi]\nmodule = app:app\n"},
            "source",
            "deploy/uwsgi.ini",
        ),
    ],
)
def test_a_config_file_is_found_from_the_folder_cd_moved_to(
    tmp_path: Path, line: str, files: dict[str, str], attribute: str, expected: str
) -> None:
    declaration = procfile(tmp_path, line, {"deploy/app.py": APP, **files})
    assert getattr(declaration, attribute) == expected
    assert (declaration.cwd, declaration.process) == ("deploy", "web")  # started by the Procfile


@pytest.mark.parametrize(
    "line",
    ["env PORT=8000 WORKERS=2 gunicorn app:app", "PORT=8000 WORKERS=2 sh -c 'gunicorn app:app'"],
)
def test_assignments_before_the_server_or_its_shell_reach_it(tmp_path: Path, line: str) -> None:
    declaration = procfile(tmp_path, line)
    assert (declaration.target, declaration.env_value("WORKERS")) == ("app:app", "2")


@pytest.mark.parametrize("line", ["honcho start -f", "env PORT=8000"])
def test_a_command_ending_early_never_crashes(tmp_path: Path, line: str) -> None:
    write_tree(tmp_path, {"app.py": APP, "Procfile": f"dev: {line}\nweb: gunicorn app:app\n"})
    found = find_declarations(Project(tmp_path))
    assert ("web", "app:app") in {(d.process, d.target) for d in found}
