"""Tests for mutants of analysis/entrypoints that survived sampled `make mutate` runs of the
resolution modules (resolve, target_fixes, targets, bindings, reexports, import_chain,
app_targets, discovery and the package's __init__): each pins what a user sees for an entry
point, its verdict (ok / unknown / the rule), the message naming what the server prints, the app
or factory a target resolves to, and the fixes offered (their order, safety and edit). Most are
tables: one row per shape of project and command. The messages are the ones gunicorn, uWSGI,
waitress-serve and flask print (the oracle tests in test_entrypoints_rules.py run the real
servers on the same shapes); each behaviour changed with these tests was checked against the
real tool (python, flask 3.1) or its source (uWSGI).
Every table was run against the survivors it was written for (mutmut, in the staged copy)."""

from __future__ import annotations

from pathlib import Path

import pytest

from flask_preflight.analysis.edits import apply_edits
from flask_preflight.analysis.entrypoints import (
    app_targets,
    check_declaration,
    declaration_problems,
    entrypoints_report,
    find_declarations,
)
from flask_preflight.analysis.entrypoints.discovery import project_apps, served_apps
from flask_preflight.analysis.entrypoints.resolve import Verdict
from flask_preflight.analysis.entrypoints.targets import TargetError, parse_target
from flask_preflight.analysis.project import Project
from tests.conftest import the_verdict, write_tree

APP = "from flask import Flask\n\napp = Flask(__name__)\n"
FACTORY = "from flask import Flask\n\n\ndef create_app():\n    return Flask(__name__)\n"
FACTORY_1 = "from flask import Flask\n\n\ndef create_app(config):\n    return Flask(__name__)\n"
FACTORY_2 = (
    "from flask import Flask\n\n\ndef create_app(config, env):\n    return Flask(__name__)\n"
)
#: One module holding every kind of name that is not an app.
MISC = (
    "import os\n"
    "from flask import Flask\n\n"
    "CONST = 3\n"
    "NOTHING = None\n\n\n"
    "class Klass:\n    pass\n\n\n"
    "def one(environ):\n    return []\n\n\n"
    "def application(environ, start_response):\n    return []\n"
)
VALUE_APP = "import factory\n\napp = factory.make()\n"
WSGI_APP = "def app(environ, start_response):\n    return []\n"


def verdict_for(root: Path, files: dict[str, str], command: str) -> Verdict:
    return the_verdict(root, {**files, "Procfile": f"web: {command}\n"})


def _app(verdict: Verdict) -> tuple[str, str, str] | None:
    app = verdict.app
    return None if app is None else (app.module, app.name, app.kind)


# (files, Procfile command, the verdict (ok, unknown or the rule), message, the app it serves as (module, name, kind))
WSGI_CASES = {
    "a called app": (
        {"app.py": APP},
        "gunicorn 'app:app()'",
        "SRV003",
        "`app` in app.py is already an app, not a factory: gunicorn calls `app()` and the app's "
        "WSGI call fails with TypeError (missing 'environ' and 'start_response'). Drop the "
        "parentheses.",
        None,
    ),
    "waitress --call of an app": (
        {"app.py": APP},
        "waitress-serve --call app:app",
        "SRV003",
        "`app` in app.py is already an app, not a factory: waitress-serve calls `app()` and the "
        "app's WSGI call fails with TypeError (missing 'environ' and 'start_response'). Drop "
        "the parentheses.",
        None,
    ),
    "a factory served uncalled": (
        {"app.py": FACTORY},
        "gunicorn app:create_app",
        "SRV003",
        "`create_app` in app.py is an app factory, not an app: gunicorn serves the function "
        "itself, so every request calls it with (environ, start_response) and fails with a "
        "TypeError (500 Internal Server Error). Call it: `app:create_app()`.",
        None,
    ),
    "a factory missing one argument": (
        {"app.py": FACTORY_1},
        "gunicorn 'app:create_app()'",
        "SRV003",
        "gunicorn calls `create_app()` and gets TypeError: create_app() missing 1 required "
        "positional argument: 'config'",
        None,
    ),
    "a factory missing two arguments": (
        {"app.py": FACTORY_2},
        "gunicorn 'app:create_app()'",
        "SRV003",
        "gunicorn calls `create_app()` and gets TypeError: create_app() missing 2 required "
        "positional arguments: 'config' and 'env'",
        None,
    ),
    "a factory given one argument by position and one by keyword": (
        {"app.py": FACTORY_2},
        "gunicorn 'app:create_app(1, env=2)'",
        "ok",
        "",
        ("app.py", "create_app", "factory"),
    ),
    "a factory given too many arguments": (
        {"app.py": FACTORY_1},
        "gunicorn 'app:create_app(1, 2)'",
        "SRV003",
        "gunicorn calls `create_app(1, 2)` and gets TypeError: create_app() takes 1 positional "
        "argument but 2 were given",
        None,
    ),
    "waitress --call of a factory": (
        {"app.py": FACTORY},
        "waitress-serve --call app:create_app",
        "ok",
        "",
        ("app.py", "create_app", "factory"),
    ),
    "a missing attribute of a module with a docstring": (
        {"app.py": '"""The app."""\n' + APP},
        "gunicorn app:missing",
        "SRV002",
        "gunicorn stops with: Failed to find attribute 'missing' in 'app'.",
        None,
    ),
    "gunicorn, a missing attribute": (
        {"app.py": APP},
        "gunicorn app:missing",
        "SRV002",
        "gunicorn stops with: Failed to find attribute 'missing' in 'app'.",
        None,
    ),
    "uWSGI, a missing attribute": (
        {"app.py": APP},
        "uwsgi --http :$PORT --module app:missing",
        "SRV002",
        'uWSGI stops with: unable to find "missing" callable in app',
        None,
    ),
    "waitress, a missing attribute": (
        {"app.py": APP},
        "waitress-serve app:missing",
        "SRV002",
        "waitress-serve stops with: AttributeError: module 'app' has no attribute 'missing'",
        None,
    ),
    "a constant": (
        {"misc.py": MISC},
        "gunicorn misc:CONST",
        "SRV003",
        "`CONST` in misc.py is a constant, not a WSGI app: gunicorn stops with: Application "
        "object must be callable.",
        None,
    ),
    "None": (
        {"misc.py": MISC},
        "gunicorn misc:NOTHING",
        "SRV003",
        "`NOTHING` in misc.py is None, not a WSGI app: gunicorn stops with: Failed to find "
        "application object: 'NOTHING'",
        None,
    ),
    "a module": (
        {"misc.py": MISC},
        "gunicorn misc:os",
        "SRV003",
        "`os` in misc.py is a module, not a WSGI app: gunicorn stops with: Application object "
        "must be callable.",
        None,
    ),
    "a class": (
        {"misc.py": MISC},
        "gunicorn misc:Klass",
        "unknown",
        "cannot tell statically whether `Klass` in misc.py is a WSGI app",
        None,
    ),
    "a plain WSGI function": (
        {"misc.py": MISC},
        "gunicorn misc:application",
        "ok",
        "`application` is a plain WSGI function",
        None,
    ),
    "gunicorn's default name is application": (
        {"misc.py": MISC},
        "gunicorn misc",
        "ok",
        "`application` is a plain WSGI function",
        None,
    ),
    "a function of one argument": (
        {"misc.py": MISC},
        "gunicorn misc:one",
        "unknown",
        "cannot tell statically whether `one` in misc.py is a WSGI app",
        None,
    ),
    "uWSGI --wsgi-file looks up application by default": (
        {"app.py": APP},
        "uwsgi --http :$PORT --wsgi-file app.py",
        "SRV002",
        'uWSGI stops with: unable to find "application" callable in app',
        None,
    ),
    "uWSGI --wsgi-file of a module defining application": (
        {"misc.py": MISC},
        "uwsgi --http :$PORT --wsgi-file misc.py",
        "ok",
        "`application` is a plain WSGI function",
        None,
    ),
    "uWSGI --wsgi-file with --callable": (
        {"app.py": APP},
        "uwsgi --http :$PORT --wsgi-file app.py --callable app",
        "ok",
        "",
        ("app.py", "app", "instance"),
    ),
    "uWSGI loads --module= before --wsgi-file=, whatever their order": (
        {"app.py": APP},
        "uwsgi --http :$PORT --wsgi-file=nothere.py --module=app:app",
        "ok",
        "",
        ("app.py", "app", "instance"),
    ),
    "uWSGI loads --module before a later --wsgi-file=": (
        {"app.py": APP},
        "uwsgi --http :$PORT --module app:app --wsgi-file=nothere.py",
        "ok",
        "",
        ("app.py", "app", "instance"),
    ),
    "uWSGI --wsgi-file= alone is the target": (
        {"app.py": APP},
        "uwsgi --http :$PORT --wsgi-file=nothere.py",
        "SRV001",
        "uWSGI: unable to load file nothere.py from the project root",
        None,
    ),
    "uWSGI --wsgi-file of a missing file": (
        {"app.py": APP},
        "uwsgi --http :$PORT --wsgi-file nothere.py",
        "SRV001",
        "uWSGI: unable to load file nothere.py from the project root",
        None,
    ),
    "gunicorn given no target": (
        {"app.py": APP},
        "gunicorn -w 2",
        "SRV004",
        "gunicorn stops with: Error: No application module specified.",
        None,
    ),
    "gunicorn given a call it cannot parse": (
        {"app.py": APP},
        "gunicorn 'app:create_app('",
        "SRV004",
        "gunicorn refuses the target: Failed to parse 'create_app(' as an attribute name or "
        "function call.",
        None,
    ),
    "a missing package": (
        {"app.py": APP},
        "gunicorn pkg.mod:app",
        "SRV001",
        "gunicorn cannot import 'pkg.mod' from the project root: ModuleNotFoundError: No module "
        "named 'pkg'.",
        None,
    ),
    "a missing module where --chdir moves": (
        {"app.py": APP},
        "gunicorn --chdir src app:app",
        "SRV001",
        "gunicorn cannot import 'app' from ./src: ModuleNotFoundError: No module named 'app'.",
        None,
    ),
    "an app imported by name is the app": (
        {"app.py": APP, "wsgi.py": "from app import app\n"},
        "gunicorn wsgi:app",
        "ok",
        "",
        ("wsgi.py", "app", "instance"),
    ),
    "an app imported under another name": (
        {"app.py": APP, "wsgi.py": "from app import app as application\n"},
        "gunicorn wsgi:application",
        "ok",
        "",
        ("wsgi.py", "application", "instance"),
    ),
    "an app reached through a star import is where it is defined": (
        {"app.py": APP, "wsgi.py": "from app import *\n"},
        "gunicorn wsgi:app",
        "ok",
        "",
        ("app.py", "app", "instance"),
    ),
    "a name a followed star import does not give": (
        {"app.py": APP, "wsgi.py": "from app import *\n"},
        "gunicorn wsgi:nothere",
        "SRV002",
        "gunicorn stops with: Failed to find attribute 'nothere' in 'wsgi'.",
        None,
    ),
    "a star import of a module outside the project": (
        {"wsgi.py": "from elsewhere import *\n"},
        "gunicorn wsgi:app",
        "unknown",
        "wsgi.py defines names dynamically (`import *` or `__getattr__`); `app` may exist",
        None,
    ),
    "a module __getattr__": (
        {"wsgi.py": "def __getattr__(name):\n    return None\n"},
        "gunicorn wsgi:app",
        "unknown",
        "wsgi.py defines names dynamically (`import *` or `__getattr__`); `app` may exist",
        None,
    ),
    "a module that does not parse": (
        {"wsgi.py": "def (:\n"},
        "gunicorn wsgi:app",
        "unknown",
        "wsgi.py does not parse as Python, so what it defines is unknown",
        None,
    ),
}


@pytest.mark.parametrize(
    ("files", "command", "verdict", "message", "app"),
    list(WSGI_CASES.values()),
    ids=list(WSGI_CASES),
)
def test_a_wsgi_servers_target_resolves_as_the_server_would(
    tmp_path: Path,
    files: dict[str, str],
    command: str,
    verdict: str,
    message: str,
    app: tuple[str, str, str] | None,
) -> None:
    found = verdict_for(tmp_path, files, command)
    assert (found.rule or found.status, found.message, _app(found)) == (verdict, message, app)


FLASK_CASES = {
    "no app and no wsgi.py or app.py": (
        {"lib.py": "x = 1\n"},
        "flask run",
        "SRV006",
        "flask, run from the project root, stops with: Error: Could not locate a Flask "
        "application. Use the 'flask --app' option, 'FLASK_APP' environment variable, or a "
        "'wsgi.py' or 'app.py' file in the current directory.",
        None,
    ),
    "discovery takes wsgi.py first and stops there": (
        {"wsgi.py": "x = 1\n", "app.py": APP},
        "flask run",
        "SRV006",
        "flask stops with: Error: Failed to find Flask application or factory in module "
        "'wsgi'. Use 'wsgi:name' to specify one.",
        None,
    ),
    "discovery finds create_app in app.py": (
        {"app.py": FACTORY},
        "flask run",
        "ok",
        "",
        ("app.py", "create_app", "factory"),
    ),
    "a missing attribute": (
        {"app.py": APP},
        "flask --app app:missing run",
        "SRV006",
        "flask stops with: Error: Failed to find attribute 'missing' in 'app'.",
        None,
    ),
    "a constant": (
        {"misc.py": MISC},
        "flask --app misc:CONST run",
        "SRV006",
        "flask stops with: Error: A valid Flask application was not obtained from 'misc:CONST'.",
        None,
    ),
    "None": (
        {"misc.py": MISC},
        "flask --app misc:NOTHING run",
        "SRV006",
        "flask stops with: Error: A valid Flask application was not obtained from 'misc:NOTHING'.",
        None,
    ),
    "a module": (
        {"misc.py": MISC},
        "flask --app misc:os run",
        "SRV006",
        "flask stops with: Error: A valid Flask application was not obtained from 'misc:os'.",
        None,
    ),
    "a class": (
        {"misc.py": MISC},
        "flask --app misc:Klass run",
        "SRV006",
        "flask stops with: Error: A valid Flask application was not obtained from 'misc:Klass'.",
        None,
    ),
    "a function": (
        {"misc.py": MISC},
        "flask --app misc:one run",
        "unknown",
        "cannot tell statically whether `one` in misc.py is a Flask app",
        None,
    ),
    "a factory called without its argument": (
        {"app.py": FACTORY_1},
        "flask --app 'app:create_app()' run",
        "SRV006",
        "flask stops with: Error: The factory 'create_app()' in module 'app' could not be "
        "called with the specified arguments. (TypeError: create_app() missing 1 required "
        "positional argument: 'config')",
        None,
    ),
    "a factory called with its argument": (
        {"app.py": FACTORY_1},
        "flask --app 'app:create_app(1)' run",
        "ok",
        "",
        ("app.py", "create_app", "factory"),
    ),
    "a missing module": (
        {"app.py": APP},
        "flask --app nothere run",
        "SRV006",
        "flask, run from the project root, stops with: Error: Could not import 'nothere'.",
        None,
    ),
    "two apps": (
        {"two.py": "from flask import Flask\n\na = Flask(__name__)\nb = Flask(__name__)\n"},
        "flask --app two run",
        "SRV006",
        "flask stops with: Error: Detected multiple Flask applications in module 'two'. Use "
        "'two:name' to specify the correct one.",
        None,
    ),
    # flask 3 prints the same for both (it counts the names bound to an app; checked by running it)
    "one app bound to two names in one statement": (
        {"one.py": "from flask import Flask\n\nweb = site = Flask(__name__)\n"},
        "flask --app one run",
        "SRV006",
        "flask stops with: Error: Detected multiple Flask applications in module 'one'. Use "
        "'one:name' to specify the correct one.",
        None,
    ),
    "one app bound to a second name": (
        {"one.py": "from flask import Flask\n\nweb = Flask(__name__)\nsite = web\n"},
        "flask --app one run",
        "SRV006",
        "flask stops with: Error: Detected multiple Flask applications in module 'one'. Use "
        "'one:name' to specify the correct one.",
        None,
    ),
    "the only app, under another name": (
        {"one.py": "from flask import Flask\n\nweb = Flask(__name__)\n"},
        "flask --app one run",
        "ok",
        "",
        ("one.py", "web", "instance"),
    ),
    "application is taken before another app": (
        {
            "lib.py": "from flask import Flask\n\napplication = Flask(__name__)\nother = Flask('x')\n"
        },
        "flask --app lib run",
        "ok",
        "",
        ("lib.py", "application", "instance"),
    ),
    "a factory that needs arguments": (
        {"app.py": FACTORY_1},
        "flask --app app run",
        "SRV006",
        "flask stops with: Error: Detected factory 'create_app' in module 'app', but could not "
        "call it without arguments. Use 'app:create_app(args)' to specify arguments.",
        None,
    ),
    "make_app with a default argument": (
        {
            "fac.py": "from flask import Flask\n\n\ndef make_app(debug=False):\n"
            "    return Flask(__name__)\n"
        },
        "flask --app fac run",
        "ok",
        "",
        ("fac.py", "make_app", "factory"),
    ),
    "neither an app nor a factory": (
        {"lib.py": "x = 1\n"},
        "flask --app lib run",
        "SRV006",
        "flask stops with: Error: Failed to find Flask application or factory in module 'lib'. "
        "Use 'lib:name' to specify one.",
        None,
    ),
    "app bound by a with statement": (
        {"lib.py": "with make() as app:\n    pass\n"},
        "flask --app lib run",
        "unknown",
        "cannot tell statically whether `app` in lib.py is a Flask app",
        None,
    ),
    "app bound by an assignment expression": (
        {"lib.py": "if (app := make()):\n    pass\n"},
        "flask --app lib run",
        "unknown",
        "cannot tell statically whether `app` in lib.py is a Flask app",
        None,
    ),
    "a star import of a module outside the project": (
        {"lib.py": "from elsewhere import *\n"},
        "flask --app lib run",
        "unknown",
        "lib.py defines names dynamically; it may hold an app",
        None,
    ),
    "app bound to what a call returns": (
        {"lib.py": VALUE_APP},
        "flask --app lib run",
        "unknown",
        "cannot tell statically whether `app` in lib.py is a Flask app",
        None,
    ),
    "application bound to what a call returns": (
        {"lib.py": VALUE_APP.replace("app =", "application =")},
        "flask --app lib run",
        "unknown",
        "cannot tell statically whether `application` in lib.py is a Flask app",
        None,
    ),
    "an app through a star import": (
        {"app.py": APP, "wsgi.py": "from app import *\n"},
        "flask --app wsgi:app run",
        "ok",
        "",
        ("app.py", "app", "instance"),
    ),
    "a value through a star import": (
        {"lib.py": VALUE_APP, "wsgi.py": "from lib import *\n"},
        "flask --app wsgi:app run",
        "unknown",
        "`app` comes from lib.py; cannot tell statically whether it is a Flask app",
        None,
    ),
    "a name through a star import of a module outside the project": (
        {"wsgi.py": "from elsewhere import *\n"},
        "flask --app wsgi:app run",
        "unknown",
        "wsgi.py defines names dynamically; `app` may exist",
        None,
    ),
    "a name a followed star import does not give": (
        {"app.py": APP, "wsgi.py": "from app import *\n"},
        "flask --app wsgi:nothere run",
        "SRV006",
        "flask stops with: Error: Failed to find attribute 'nothere' in 'wsgi'.",
        None,
    ),
    "a path into a package is imported by its dotted name": (
        {"pkg/__init__.py": "", "pkg/sub.py": APP},
        "flask --app pkg/sub.py:missing run",
        "SRV006",
        "flask stops with: Error: Failed to find attribute 'missing' in 'pkg.sub'.",
        None,
    ),
    "a package's __init__.py is the package": (
        {"pkg/__init__.py": APP},
        "flask --app pkg/__init__.py:missing run",
        "SRV006",
        "flask stops with: Error: Failed to find attribute 'missing' in 'pkg'.",
        None,
    ),
    "a path into a plain folder imports the module from that folder": (
        {"src/app.py": APP},
        "flask --app src/app.py:missing run",
        "SRV006",
        "flask stops with: Error: Failed to find attribute 'missing' in 'app'.",
        None,
    ),
    "a path into a plain folder finds the app": (
        {"src/app.py": APP},
        "flask --app src/app.py run",
        "ok",
        "",
        ("src/app.py", "app", "instance"),
    ),
    "a module that does not parse": (
        {"wsgi.py": "def (:\n"},
        "flask --app wsgi run",
        "unknown",
        "wsgi.py does not parse as Python, so what it defines is unknown",
        None,
    ),
    "a module that does not parse, an attribute": (
        {"wsgi.py": "def (:\n"},
        "flask --app wsgi:app run",
        "unknown",
        "wsgi.py does not parse as Python, so what it defines is unknown",
        None,
    ),
    "a call it cannot parse": (
        {"app.py": APP},
        "flask --app 'app:create_app(' run",
        "SRV004",
        "flask refuses --app 'app:create_app(': Failed to parse 'create_app(' as an attribute "
        "name or function call.",
        None,
    ),
    "--app after the command": (
        {"app.py": APP},
        "flask run --app app",
        "SRV004",
        "flask stops with: Error: No such option '--app'. The app option belongs before the "
        "command: `flask --app TARGET run`.",
        None,
    ),
    "--app=TARGET after the command": (
        {"app.py": APP},
        "flask run --app=app",
        "SRV004",
        "flask stops with: Error: No such option '--app'. The app option belongs before the "
        "command: `flask --app TARGET run`.",
        None,
    ),
}


@pytest.mark.parametrize(
    ("files", "command", "verdict", "message", "app"),
    list(FLASK_CASES.values()),
    ids=list(FLASK_CASES),
)
def test_flasks_app_option_resolves_as_flask_would(
    tmp_path: Path,
    files: dict[str, str],
    command: str,
    verdict: str,
    message: str,
    app: tuple[str, str, str] | None,
) -> None:
    found = verdict_for(tmp_path, files, command)
    assert (found.rule or found.status, found.message, _app(found)) == (verdict, message, app)


def verdict_of(root: Path, files: dict[str, str], source: str) -> Verdict:
    write_tree(root, files)
    project = Project(root)
    [declaration] = [d for d in find_declarations(project) if d.source == source]
    return check_declaration(project, declaration)


DOCKERFILE = 'FROM python:3.12\nWORKDIR /srv\nCOPY . /srv\nCMD ["flask", "run"]\n'


@pytest.mark.parametrize(
    ("requirements", "reads_flaskenv"),
    [
        ({"requirements.txt": "flask\n"}, False),
        ({"requirements.txt": "flask\npython-dotenv\n"}, True),
        ({"requirements.txt": "flask[dotenv]\n"}, True),
        ({}, True),  # nothing declared: assume the usual install, which has it
    ],
)
def test_flask_in_an_image_reads_flaskenv_only_with_python_dotenv_declared(
    tmp_path: Path, requirements: dict[str, str], reads_flaskenv: bool
) -> None:
    files = {"app.py": APP, ".flaskenv": "FLASK_APP=app:missing\n", "Dockerfile": DOCKERFILE}
    verdict = verdict_of(tmp_path, {**files, **requirements}, "Dockerfile")
    if reads_flaskenv:
        assert (verdict.rule, verdict.message) == (
            "SRV006",
            "flask stops with: Error: Failed to find attribute 'missing' in 'app'.",
        )
    else:  # Flask's own discovery finds app.py
        assert (verdict.status, _app(verdict)) == ("ok", ("app.py", "app", "instance"))


def test_a_bug_reading_the_requirements_assumes_python_dotenv_and_is_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flask_preflight.analysis import requirements

    def broken(project: Project) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(requirements, "declared_requirements", broken)
    files = {"app.py": APP, ".flaskenv": "FLASK_APP=app:missing\n", "Dockerfile": DOCKERFILE}
    write_tree(tmp_path, {**files, "requirements.txt": "flask\n"})
    project = Project(tmp_path)
    [declaration] = [d for d in find_declarations(project) if d.source == "Dockerfile"]
    verdict = check_declaration(project, declaration)
    assert verdict.rule == "SRV006"
    assert [e.where for e in project.errors] == ["reading the environment for python-dotenv"]


@pytest.mark.parametrize(
    ("command", "rule"), [('["flask", "run"]', "SRV006"), ('["gunicorn", "app:app"]', "SRV001")]
)
def test_a_server_started_where_no_files_are_copied_fails_to_import(
    tmp_path: Path, command: str, rule: str
) -> None:
    dockerfile = f"FROM python:3.12\nWORKDIR /srv\nCOPY . /code\nCMD {command}\n"
    verdict = verdict_of(tmp_path, {"app.py": APP, "Dockerfile": dockerfile}, "Dockerfile")
    label = "flask" if rule == "SRV006" else "gunicorn"
    assert (verdict.rule, verdict.message) == (
        rule,
        f"{label} starts in /srv inside the container, and no project files are copied there: "
        "the import fails. Set WORKDIR to where the code is copied (or pass --chdir).",
    )


@pytest.mark.parametrize(
    ("files", "command", "verdict", "message", "app"),
    [
        (
            {"pkg/__init__.py": "", "pkg/__main__.py": APP},
            "python -m pkg",
            "ok",
            "",
            ("pkg/__main__.py", "app", "instance"),
        ),
        (
            {"pkg/__main__.py": APP},  # a folder without __init__.py
            "python -m pkg",
            "ok",
            "",
            ("pkg/__main__.py", "app", "instance"),
        ),
        ({"serve.py": APP}, "python -m serve", "ok", "", ("serve.py", "app", "instance")),
        ({"serve": APP}, "python serve", "ok", "", ("serve", "app", "instance")),
        (
            {"pkg/__init__.py": APP},
            "python -m pkg",
            "SRV001",
            "python -m pkg: No module named pkg.__main__; 'pkg' is a package and cannot be "
            "directly executed (it runs from the project root)",
            None,
        ),
        (
            {"app.py": APP},
            "python -m pkg",
            "SRV001",
            "python -m pkg: No module named pkg from the project root",
            None,
        ),
    ],
)
def test_python_runs_the_module_or_script_it_is_given(
    tmp_path: Path,
    files: dict[str, str],
    command: str,
    verdict: str,
    message: str,
    app: tuple[str, str, str] | None,
) -> None:
    # python -m of a package runs its __main__ (python 3.11 prints the message above without it)
    found = verdict_for(tmp_path, files, command)
    assert (found.rule or found.status, found.message, _app(found)) == (verdict, message, app)


def test_uwsgi_file_is_wsgi_file(tmp_path: Path) -> None:
    verdict = verdict_for(
        tmp_path, {"app.py": APP}, "uwsgi --http :$PORT --file app.py --callable app"
    )
    assert (verdict.status, _app(verdict)) == ("ok", ("app.py", "app", "instance"))


def test_an_imported_wsgi_function_is_followed_by_its_own_name(tmp_path: Path) -> None:
    lib = "def thing(environ, start_response):\n    return []\n"
    files = {"lib.py": lib, "wsgi.py": "from lib import thing as application\n"}
    verdict = verdict_for(tmp_path, files, "gunicorn wsgi")
    assert (verdict.status, verdict.message, verdict.module_path) == (
        "ok",
        "`thing` is a plain WSGI function",
        "lib.py",
    )


def test_re_exports_are_followed_eight_modules_deep(tmp_path: Path) -> None:
    chain = {f"m{i}.py": f"from m{i + 1} import f{i + 1} as f{i}\n" for i in range(8)}
    chain["m8.py"] = "def f8(environ, start_response):\n    return []\n"
    verdict = verdict_for(tmp_path, chain, "gunicorn m0:f0")
    assert (verdict.status, verdict.message) == ("ok", "`f8` is a plain WSGI function")


def test_a_flaskenv_without_flask_app_relies_on_discovery(tmp_path: Path) -> None:
    files = {"lib.py": "x = 1\n", ".flaskenv": "FLASK_DEBUG=1\n"}
    verdict = verdict_of(tmp_path, files, ".flaskenv")
    assert (verdict.status, verdict.message) == (
        "unknown",
        ".flaskenv sets no FLASK_APP and the project root holds no wsgi.py or app.py: flask "
        "finds the app only if it is given --app where it runs",
    )


def test_a_missing_attribute_under_flask_gets_the_safe_fix_to_the_modules_app(
    tmp_path: Path,
) -> None:
    verdict = verdict_for(tmp_path, {"app.py": APP}, "flask --app app:missing run")
    assert (verdict.module_path, [(f.title, f.safe) for f in verdict.fixes]) == (
        "app.py",
        [("Serve `app:app` instead", True)],
    )


# How a module binds the name the server looks up, and the re-exports it is followed through
# (entrypoints/bindings, entrypoints/reexports): (files, command, verdict, message, the module
# the verdict is about)
BINDING_CASES = {
    "a star import honours __all__": (
        {
            "lib.py": "__all__ = ['other']\nother = 1\n" + WSGI_APP,
            "wsgi.py": "from lib import *\n",
        },
        "gunicorn wsgi:app",
        "SRV002",
        "gunicorn stops with: Failed to find attribute 'app' in 'wsgi'.",
        "wsgi.py",
    ),
    "a star import gives a name in __all__": (
        {
            "lib.py": "__all__ = ['app']\n" + WSGI_APP,
            "wsgi.py": "from lib import *\n",
        },
        "gunicorn wsgi:app",
        "ok",
        "`app` is a plain WSGI function",
        "lib.py",
    ),
    "__all__ as a tuple": (
        {
            "lib.py": "__all__ = ('app',)\n" + WSGI_APP,
            "wsgi.py": "from lib import *\n",
        },
        "gunicorn wsgi:app",
        "ok",
        "`app` is a plain WSGI function",
        "lib.py",
    ),
    "a computed __all__ is ignored: every public name": (
        {
            "lib.py": "__all__ = [n for n in ('app',)]\n" + WSGI_APP,
            "wsgi.py": "from lib import *\n",
        },
        "gunicorn wsgi:app",
        "ok",
        "`app` is a plain WSGI function",
        "lib.py",
    ),
    "an __all__ naming a variable is ignored": (
        {
            "lib.py": "NAME = 'app'\n__all__ = [NAME]\n" + WSGI_APP,
            "wsgi.py": "from lib import *\n",
        },
        "gunicorn wsgi:app",
        "ok",
        "`app` is a plain WSGI function",
        "lib.py",
    ),
    "an __all__ added to is ignored": (
        {
            "lib.py": "__all__ = []\n__all__ += ['app']\n" + WSGI_APP,
            "wsgi.py": "from lib import *\n",
        },
        "gunicorn wsgi:app",
        "ok",
        "`app` is a plain WSGI function",
        "lib.py",
    ),
    "a star import without __all__ gives no private name": (
        {
            "lib.py": "def _app(environ, start_response):\n    return []\n",
            "wsgi.py": "from lib import *\n",
        },
        "gunicorn wsgi:_app",
        "SRV002",
        "gunicorn stops with: Failed to find attribute '_app' in 'wsgi'.",
        "wsgi.py",
    ),
    "a private name in __all__ is given": (
        {
            "lib.py": "__all__ = ['_app']\ndef _app(environ, start_response):\n    return []\n",
            "wsgi.py": "from lib import *\n",
        },
        "gunicorn wsgi:_app",
        "ok",
        "`_app` is a plain WSGI function",
        "lib.py",
    ),
    "a star import of a star import": (
        {
            "lib.py": WSGI_APP,
            "mid.py": "from lib import *\n",
            "wsgi.py": "from mid import *\n",
        },
        "gunicorn wsgi:app",
        "ok",
        "`app` is a plain WSGI function",
        "lib.py",
    ),
    "a star import of a star import of a dynamic module": (
        {
            "lib.py": "def __getattr__(n):\n    return 1\n",
            "mid.py": "from lib import *\n",
            "wsgi.py": "from mid import *\n",
        },
        "gunicorn wsgi:app",
        "unknown",
        "wsgi.py defines names dynamically (`import *` or `__getattr__`); `app` may exist",
        None,
    ),
    "a star import of a module with __getattr__": (
        {"lib.py": "def __getattr__(n):\n    return 1\n", "wsgi.py": "from lib import *\n"},
        "gunicorn wsgi:app",
        "unknown",
        "wsgi.py defines names dynamically (`import *` or `__getattr__`); `app` may exist",
        None,
    ),
    "a star import of a module that does not parse": (
        {"lib.py": "def (:\n", "wsgi.py": "from lib import *\n"},
        "gunicorn wsgi:app",
        "unknown",
        "wsgi.py defines names dynamically (`import *` or `__getattr__`); `app` may exist",
        None,
    ),
    "a star import under the main guard does not run": (
        {
            "lib.py": WSGI_APP,
            "wsgi.py": "if __name__ == '__main__':\n    from lib import *\n",
        },
        "gunicorn wsgi:app",
        "SRV002",
        "gunicorn stops with: Failed to find attribute 'app' in 'wsgi'.",
        "wsgi.py",
    ),
    "the later of two star imports wins": (
        {
            "lib.py": WSGI_APP,
            "other.py": "def app(environ):\n    return []\n",
            "wsgi.py": "from lib import *\nfrom other import *\n",
        },
        "gunicorn wsgi:app",
        "unknown",
        "cannot tell statically whether `app` in other.py is a WSGI app",
        None,
    ),
    "an annotated constant": (
        {"misc.py": "CONST: int = 3\n"},
        "gunicorn misc:CONST",
        "SRV003",
        "`CONST` in misc.py is a constant, not a WSGI app: gunicorn stops with: Application object must be callable.",
        "misc.py",
    ),
    "a constant added to": (
        {"misc.py": "X = 1\nX += 1\n"},
        "gunicorn misc:X",
        "SRV003",
        "`X` in misc.py is a constant, not a WSGI app: gunicorn stops with: Application object must be callable.",
        "misc.py",
    ),
    "a name unpacked from a tuple": (
        {"misc.py": "a, b = 1, 2\n"},
        "gunicorn misc:b",
        "SRV003",
        "`b` in misc.py is a constant, not a WSGI app: gunicorn stops with: Application object must be callable.",
        "misc.py",
    ),
    "an f-string": (
        {"misc.py": "a = f'x{1}'\n"},
        "gunicorn misc:a",
        "SRV003",
        "`a` in misc.py is a constant, not a WSGI app: gunicorn stops with: Application object must be callable.",
        "misc.py",
    ),
    "a list": (
        {"misc.py": "a = [1]\n"},
        "gunicorn misc:a",
        "SRV003",
        "`a` in misc.py is a constant, not a WSGI app: gunicorn stops with: Application object must be callable.",
        "misc.py",
    ),
    "a dict": (
        {"misc.py": "a = {}\n"},
        "gunicorn misc:a",
        "SRV003",
        "`a` in misc.py is a constant, not a WSGI app: gunicorn stops with: Application object must be callable.",
        "misc.py",
    ),
    "a set": (
        {"misc.py": "a = {1}\n"},
        "gunicorn misc:a",
        "SRV003",
        "`a` in misc.py is a constant, not a WSGI app: gunicorn stops with: Application object must be callable.",
        "misc.py",
    ),
    "a list comprehension": (
        {"misc.py": "a = [i for i in ()]\n"},
        "gunicorn misc:a",
        "SRV003",
        "`a` in misc.py is a constant, not a WSGI app: gunicorn stops with: Application object must be callable.",
        "misc.py",
    ),
    "a for loop's variable": (
        {"misc.py": "for a in []:\n    pass\n"},
        "gunicorn misc:a",
        "unknown",
        "cannot tell statically whether `a` in misc.py is a WSGI app",
        None,
    ),
    "a with statement's variable": (
        {"misc.py": "with open('x') as a:\n    pass\n"},
        "gunicorn misc:a",
        "unknown",
        "cannot tell statically whether `a` in misc.py is a WSGI app",
        None,
    ),
    "an assignment expression": (
        {"misc.py": "if (a := make()):\n    pass\n"},
        "gunicorn misc:a",
        "unknown",
        "cannot tell statically whether `a` in misc.py is a WSGI app",
        None,
    ),
    "globals() written by key": (
        {"misc.py": "globals()['app'] = 1\n"},
        "gunicorn misc:app",
        "unknown",
        "misc.py defines names dynamically (`import *` or `__getattr__`); `app` may exist",
        None,
    ),
    "globals().update()": (
        {"misc.py": "globals().update(app=1)\n"},
        "gunicorn misc:app",
        "unknown",
        "misc.py defines names dynamically (`import *` or `__getattr__`); `app` may exist",
        None,
    ),
    "import of a dotted module binds its top package": (
        {"misc.py": "import os.path\n"},
        "gunicorn misc:os",
        "SRV003",
        "`os` in misc.py is a module, not a WSGI app: gunicorn stops with: Application object must be callable.",
        "misc.py",
    ),
    "a module imported under the name": (
        {"misc.py": "import os as app\n"},
        "gunicorn misc:app",
        "SRV003",
        "`app` in misc.py is a module, not a WSGI app: gunicorn stops with: Application object must be callable.",
        "misc.py",
    ),
    "a function whose second parameter has a default": (
        {"misc.py": "def app(environ, start_response=None):\n    return []\n"},
        "gunicorn misc:app",
        "unknown",
        "cannot tell statically whether `app` in misc.py is a WSGI app",
        None,
    ),
    "a WSGI function with an extra defaulted parameter": (
        {"misc.py": "def app(environ, start_response, extra=1):\n    return []\n"},
        "gunicorn misc:app",
        "ok",
        "`app` is a plain WSGI function",
        "misc.py",
    ),
    "a WSGI function of positional-only parameters": (
        {"misc.py": "def app(environ, start_response, /):\n    return []\n"},
        "gunicorn misc:app",
        "ok",
        "`app` is a plain WSGI function",
        "misc.py",
    ),
    "a name bound under the main guard": (
        {"misc.py": "if __name__ == '__main__':\n    app = 1\n"},
        "gunicorn misc:app",
        "SRV002",
        "gunicorn stops with: Failed to find attribute 'app' in 'misc'.",
        "misc.py",
    ),
    "a WSGI function called": (
        {"misc.py": WSGI_APP},
        "gunicorn 'misc:app()'",
        "unknown",
        "cannot tell statically whether `app` in misc.py is a WSGI app",
        None,
    ),
    "a relative re-export": (
        {
            "pkg/__init__.py": "from .core import app\n",
            "pkg/core.py": WSGI_APP,
        },
        "gunicorn pkg:app",
        "ok",
        "`app` is a plain WSGI function",
        "pkg/core.py",
    ),
    "a relative star import": (
        {
            "pkg/__init__.py": "from .core import *\n",
            "pkg/core.py": WSGI_APP,
        },
        "gunicorn pkg:app",
        "ok",
        "`app` is a plain WSGI function",
        "pkg/core.py",
    ),
}


@pytest.mark.parametrize(
    ("files", "command", "verdict", "message", "module_path"),
    list(BINDING_CASES.values()),
    ids=list(BINDING_CASES),
)
def test_how_a_module_binds_the_name_decides_the_verdict(
    tmp_path: Path,
    files: dict[str, str],
    command: str,
    verdict: str,
    message: str,
    module_path: str | None,
) -> None:
    found = verdict_for(tmp_path, files, command)
    assert (found.rule or found.status, found.message, found.module_path) == (
        verdict,
        message,
        module_path,
    )


# A module the server imports that imports a project module which is not there
# (entrypoints/import_chain): (files, command, verdict, message)
IMPORT_CASES = {
    "import a missing submodule": (
        {
            "pkg/__init__.py": "",
            "pkg/web.py": "import pkg.gone\n" + APP,
        },
        "gunicorn pkg.web:app",
        "SRV001",
        "gunicorn imports pkg/web.py, and pkg/web.py:1 imports pkg.gone, which is not in the project: the import fails with ModuleNotFoundError before the app is loaded.",
    ),
    "from the package import a missing submodule": (
        {
            "pkg/__init__.py": "",
            "pkg/web.py": "from pkg import gone\n" + APP,
        },
        "gunicorn pkg.web:app",
        "SRV001",
        "gunicorn imports pkg/web.py, and pkg/web.py:1 imports pkg.gone, which is not in the project: the import fails with ModuleNotFoundError before the app is loaded.",
    ),
    "from the package import a name its __init__ binds": (
        {
            "pkg/__init__.py": "gone = 1\n",
            "pkg/web.py": "from pkg import gone\n" + APP,
        },
        "gunicorn pkg.web:app",
        "ok",
        "",
    ),
    "from the package import, its __init__ star-imports": (
        {
            "pkg/__init__.py": "from os import *\n",
            "pkg/web.py": "from pkg import gone\n" + APP,
        },
        "gunicorn pkg.web:app",
        "ok",
        "",
    ),
    "from a subpackage import a name": (
        {
            "pkg/__init__.py": "",
            "pkg/web.py": "from pkg.sub import x\n" + APP,
            "pkg/sub/__init__.py": "",
        },
        "gunicorn pkg.web:app",
        "ok",
        "",
    ),
    "a missing module two packages down": (
        {
            "pkg/__init__.py": "",
            "pkg/web.py": "from pkg.sub.gone import x\n" + APP,
            "pkg/sub/__init__.py": "",
        },
        "gunicorn pkg.web:app",
        "SRV001",
        "gunicorn imports pkg/web.py, and pkg/web.py:1 imports pkg.sub.gone, which is not in the project: the import fails with ModuleNotFoundError before the app is loaded.",
    ),
    "below a plain module": (
        {
            "pkg/__init__.py": "",
            "pkg/web.py": "from pkg.mod.deeper import x\n" + APP,
            "pkg/mod.py": "",
        },
        "gunicorn pkg.web:app",
        "ok",
        "",
    ),
    "an extension module": (
        {
            "pkg/__init__.py": "",
            "pkg/web.py": "import pkg.fast\n" + APP,
            "pkg/fast.cpython-311-x86_64-linux-gnu.so": "",
        },
        "gunicorn pkg.web:app",
        "ok",
        "",
    ),
    "a namespace folder": (
        {
            "pkg/__init__.py": "",
            "pkg/web.py": "from pkg import data\n" + APP,
            "pkg/data/x.txt": "",
        },
        "gunicorn pkg.web:app",
        "ok",
        "",
    ),
    "relative, a missing module": (
        {
            "pkg/__init__.py": "",
            "pkg/web.py": "from . import gone\n" + APP,
        },
        "gunicorn pkg.web:app",
        "SRV001",
        "gunicorn imports pkg/web.py, and pkg/web.py:1 imports .gone, which is not in the project: the import fails with ModuleNotFoundError before the app is loaded.",
    ),
    "relative, a name the package binds": (
        {
            "pkg/__init__.py": "gone = 1\n",
            "pkg/web.py": "from . import gone\n" + APP,
        },
        "gunicorn pkg.web:app",
        "ok",
        "",
    ),
    "relative, the package star-imports": (
        {
            "pkg/__init__.py": "from os import *\n",
            "pkg/web.py": "from . import gone\n" + APP,
        },
        "gunicorn pkg.web:app",
        "ok",
        "",
    ),
    "relative, a missing module with a name": (
        {
            "pkg/__init__.py": "",
            "pkg/web.py": "from .gone import x\n" + APP,
        },
        "gunicorn pkg.web:app",
        "SRV001",
        "gunicorn imports pkg/web.py, and pkg/web.py:1 imports .gone, which is not in the project: the import fails with ModuleNotFoundError before the app is loaded.",
    ),
    "relative, a missing module in a subpackage": (
        {
            "pkg/__init__.py": "",
            "pkg/web.py": "from .sub.gone import x\n" + APP,
            "pkg/sub/__init__.py": "",
        },
        "gunicorn pkg.web:app",
        "SRV001",
        "gunicorn imports pkg/web.py, and pkg/web.py:1 imports .sub.gone, which is not in the project: the import fails with ModuleNotFoundError before the app is loaded.",
    ),
    "relative, below a plain module": (
        {
            "pkg/__init__.py": "",
            "pkg/web.py": "from .mod.deeper import x\n" + APP,
            "pkg/mod.py": "",
        },
        "gunicorn pkg.web:app",
        "ok",
        "",
    ),
    "relative, above the top package": (
        {
            "pkg/__init__.py": "",
            "pkg/web.py": "from ..up import x\n" + APP,
        },
        "gunicorn pkg.web:app",
        "ok",
        "",
    ),
    "relative, an existing module": (
        {
            "pkg/__init__.py": "",
            "pkg/web.py": "from . import mod\n" + APP,
            "pkg/mod.py": "",
        },
        "gunicorn pkg.web:app",
        "ok",
        "",
    ),
    "the package's __init__ is imported first": (
        {
            "pkg/__init__.py": "import pkg.other\n",
            "pkg/web.py": "import pkg.gone\n" + APP,
        },
        "gunicorn pkg.web:app",
        "SRV001",
        "gunicorn imports pkg/web.py, and pkg/__init__.py:1 imports pkg.other, which is not in the project: the import fails with ModuleNotFoundError before the app is loaded.",
    ),
    "a third-party package": (
        {
            "pkg/__init__.py": "",
            "pkg/web.py": "import requests.adapters\nfrom flask import gone\n" + APP,
        },
        "gunicorn pkg.web:app",
        "ok",
        "",
    ),
    "inside try": (
        {
            "pkg/__init__.py": "",
            "pkg/web.py": "try:\n    import pkg.gone\nexcept ImportError:\n    pass\n" + APP,
        },
        "gunicorn pkg.web:app",
        "ok",
        "",
    ),
    "a plain module, not a package": (
        {
            "mod.py": "",
            "web.py": "import mod.gone\n" + APP,
        },
        "gunicorn web:app",
        "ok",
        "",
    ),
    "a star import from the package": (
        {
            "pkg/__init__.py": "",
            "pkg/web.py": "from pkg import *\n" + APP,
        },
        "gunicorn pkg.web:app",
        "ok",
        "",
    ),
    "flask says it too": (
        {
            "pkg/__init__.py": "",
            "pkg/web.py": "import pkg.gone\n" + APP,
        },
        "flask --app pkg.web run",
        "SRV006",
        "flask imports pkg/web.py, and pkg/web.py:1 imports pkg.gone, which is not in the project: the import fails with ModuleNotFoundError before the app is loaded.",
    ),
    "an import of an existing submodule": (
        {
            "pkg/__init__.py": "",
            "pkg/web.py": "import pkg.mod\n" + APP,
            "pkg/mod.py": "",
        },
        "gunicorn pkg.web:app",
        "ok",
        "",
    ),
}


@pytest.mark.parametrize(
    ("files", "command", "verdict", "message"),
    list(IMPORT_CASES.values()),
    ids=list(IMPORT_CASES),
)
def test_an_import_of_a_project_module_that_is_not_there_fails_first(
    tmp_path: Path, files: dict[str, str], command: str, verdict: str, message: str
) -> None:
    found = verdict_for(tmp_path, files, command)
    assert (found.rule or found.status, found.message) == (verdict, message)


# --- the fixes offered for a target that does not resolve (entrypoints/target_fixes) ---------

# (files, Procfile command, the fixes: (title, safe, the Procfile line once applied))
FIX_CASES = {
    "a missing attribute, the module's one app": (
        {"app.py": APP},
        "gunicorn app:missing",
        [("Serve `app:app` instead", True, "web: gunicorn app:app")],
    ),
    "a factory that needs an argument is never offered": (
        {"app.py": FACTORY_1},
        "gunicorn app:missing",
        [],
    ),
    "a factory is offered called, quoted for the shell": (
        {"app.py": FACTORY},
        "gunicorn app:missing",
        [("Serve `app:create_app()` instead", True, "web: gunicorn 'app:create_app()'")],
    ),
    "uWSGI calls a factory too": (
        {"app.py": FACTORY},
        "uwsgi --http :$PORT --module app:missing",
        [
            (
                "Serve `app:create_app()` instead",
                True,
                "web: uwsgi --http :$PORT --module 'app:create_app()'",
            )
        ],
    ),
    "waitress without --call serves no factory": (
        {"app.py": FACTORY},
        "waitress-serve app:missing",
        [],
    ),
    "waitress with --call serves no app": (
        {"app.py": APP},
        "waitress-serve --call app:missing",
        [],
    ),
    "waitress with --call names the factory uncalled": (
        {"app.py": FACTORY},
        "waitress-serve --call app:missing",
        [("Serve `app:create_app` instead", True, "web: waitress-serve --call app:create_app")],
    ),
    "waitress given a factory gets --call": (
        {"app.py": FACTORY},
        "waitress-serve app:create_app",
        [("Call the factory (--call)", False, "web: waitress-serve --call app:create_app")],
    ),
    "an unquoted call is quoted": (
        {"app.py": FACTORY},
        "gunicorn app:create_app()",
        [("Quote the target: 'app:create_app()'", True, "web: gunicorn 'app:create_app()'")],
    ),
    "an app in a folder: gunicorn --chdir": (
        {"src/app.py": APP},
        "gunicorn app:app",
        [("Run gunicorn in src and serve `app:app`", False, "web: gunicorn --chdir src app:app")],
    ),
    "an app in a folder, with --chdir already given elsewhere": (
        {"src/app.py": APP},
        "gunicorn --chdir lib app:app",
        [],
    ),
    "an app in a folder: flask gets its path": (
        {"src/app.py": APP},
        "flask --app nothere run",
        [("Serve `src/app.py:app` instead", False, "web: flask --app src/app.py:app run")],
    ),
    "an app in a package in a folder: flask gets the package's path": (
        {"src/pkg/__init__.py": APP},
        "flask --app nothere run",
        [("Serve `src/pkg:app` instead", False, "web: flask --app src/pkg:app run")],
    ),
    "gunicorn given no target gets one": (
        {"app.py": APP},
        "gunicorn -w 2",
        [("Serve `app:app`", False, "web: gunicorn -w 2 app:app")],
    ),
    "flask with nothing to discover gets --app": (
        {"app.py": "x = 1\n", "web.py": APP},
        "flask run",
        [("Add `--app web:app`", False, "web: flask --app web:app run")],
    ),
    "the app named most like the target first; only the one in its module is safe": (
        {"shop.py": "from flask import Flask\n\nshop = Flask(__name__)\n", "blog.py": APP},
        "gunicorn shop:shp",
        [
            ("Serve `shop:shop` instead", True, "web: gunicorn shop:shop"),
            ("Serve `blog:app` instead", False, "web: gunicorn blog:app"),
        ],
    ),
    "two apps in the module: neither is safe": (
        {"shop.py": APP + "admin = Flask('admin')\n"},
        "gunicorn shop:admn",
        [
            ("Serve `shop:admin` instead", False, "web: gunicorn shop:admin"),
            ("Serve `shop:app` instead", False, "web: gunicorn shop:app"),
        ],
    ),
    "a conventional name first when nothing else tells them apart": (
        {
            "a.py": "from flask import Flask\n\nxpplication = Flask(__name__)\n",
            "b.py": "from flask import Flask\n\napplication = Flask(__name__)\n",
        },
        "gunicorn c:zz",
        [
            ("Serve `b:application` instead", False, "web: gunicorn b:application"),
            ("Serve `a:xpplication` instead", False, "web: gunicorn a:xpplication"),
        ],
    ),
    "a factory called without its argument: the module's app instead": (
        {"app.py": FACTORY_1 + "\n\napp = Flask(__name__)\n"},
        "gunicorn 'app:create_app()'",
        [("Serve `app:app` instead", True, "web: gunicorn 'app:app'")],
    ),
    "a factory called with too many arguments: the module's app instead": (
        {"app.py": FACTORY_1 + "\n\napp = Flask(__name__)\n"},
        "gunicorn 'app:create_app(1, 2)'",
        [("Serve `app:app` instead", True, "web: gunicorn 'app:app'")],
    ),
    "flask's discovery stops at create_app needing an argument: make_app instead": (
        {"app.py": FACTORY_1 + "\n\ndef make_app():\n    return Flask(__name__)\n"},
        "flask --app app run",
        [("Serve `app:make_app()` instead", True, "web: flask --app 'app:make_app()' run")],
    ),
    "flask calling a factory without its argument: the module's app instead": (
        {"app.py": FACTORY_1 + "\n\napp = Flask(__name__)\n"},
        "flask --app 'app:create_app()' run",
        [("Serve `app:app` instead", True, "web: flask --app 'app:app' run")],
    ),
    "flask of a missing module: the app named most like the target first": (
        {"shop.py": "from flask import Flask\n\nshop = Flask(__name__)\n", "blog.py": APP},
        "flask --app shopx:ap run",
        [
            ("Serve `blog:app` instead", False, "web: flask --app blog:app run"),
            ("Serve `shop:shop` instead", False, "web: flask --app shop:shop run"),
        ],
    ),
    "an app in the module the target names comes before a better name elsewhere": (
        {
            "shop.py": "from flask import Flask\n\nmain = Flask(__name__)\n",
            "blog.py": "from flask import Flask\n\nblg = Flask(__name__)\n",
        },
        "gunicorn shop:blg",
        [
            ("Serve `shop:main` instead", True, "web: gunicorn shop:main"),
            ("Serve `blog:blg` instead", False, "web: gunicorn blog:blg"),
        ],
    ),
    "the same name in two modules: the target's text decides": (
        {"a.py": APP, "b.py": APP},
        "gunicorn bb:app",
        [
            ("Serve `b:app` instead", False, "web: gunicorn b:app"),
            ("Serve `a:app` instead", False, "web: gunicorn a:app"),
        ],
    ),
    "create_app first when nothing else tells them apart": (
        {"a.py": FACTORY.replace("create_app", "xreate_apx"), "b.py": FACTORY},
        "gunicorn q:zz",
        [
            ("Serve `b:create_app()` instead", False, "web: gunicorn 'b:create_app()'"),
            ("Serve `a:xreate_apx()` instead", False, "web: gunicorn 'a:xreate_apx()'"),
        ],
    ),
    "an app before a factory when nothing else tells them apart": (
        {"a.py": FACTORY.replace("create_app", "abc"), "b.py": APP.replace("app =", "defgh =")},
        "gunicorn q:zz",
        [
            ("Serve `b:defgh` instead", False, "web: gunicorn b:defgh"),
            ("Serve `a:abc()` instead", False, "web: gunicorn 'a:abc()'"),
        ],
    ),
    "an app in the folder above where gunicorn runs": (
        {"app.py": APP, "sub/notes.txt": ""},
        "cd sub && gunicorn app:app",
        [
            (
                "Run gunicorn in .. and serve `app:app`",
                False,
                "web: cd sub && gunicorn --chdir .. app:app",
            )
        ],
    ),
    "uWSGI --wsgi-file gets --callable, not a module:name where the file goes": (
        {"app.py": APP},
        "uwsgi --http :$PORT --wsgi-file app.py",
        [
            (
                "Serve `app` (--callable app)",
                True,
                "web: uwsgi --callable app --http :$PORT --wsgi-file app.py",
            )
        ],
    ),
    "uWSGI --wsgi-file of a file with two apps: --callable, not safe": (
        {"app.py": APP + "admin = Flask('admin')\n"},
        "uwsgi --http :$PORT --wsgi-file app.py",
        [
            (
                "Serve `app` (--callable app)",
                False,
                "web: uwsgi --callable app --http :$PORT --wsgi-file app.py",
            )
        ],
    ),
    "uWSGI --wsgi-file with a wrong --callable: nothing to append": (
        {"app.py": APP},
        "uwsgi --http :$PORT --wsgi-file app.py --callable wrong",
        [],
    ),
    "a factory given too many arguments: the module's app named most like it first": (
        {"app.py": FACTORY_1 + "\n\ncreate = Flask(__name__)\npapp = Flask(__name__)\n"},
        "gunicorn 'app:create_app(1, 2)'",
        [
            ("Serve `app:create` instead", False, "web: gunicorn 'app:create'"),
            ("Serve `app:papp` instead", False, "web: gunicorn 'app:papp'"),
        ],
    ),
    "two apps flask cannot choose between come before an app elsewhere": (
        {
            "two.py": "from flask import Flask\n\nalpha_app_instance = Flask(__name__)\n"
            "beta_app_instance = Flask(__name__)\n",
            "tw.py": "from flask import Flask\n\no = Flask(__name__)\n",
        },
        "flask --app two run",
        [
            (
                "Serve `two:beta_app_instance` instead",
                False,
                "web: flask --app two:beta_app_instance run",
            ),
            (
                "Serve `two:alpha_app_instance` instead",
                False,
                "web: flask --app two:alpha_app_instance run",
            ),
            ("Serve `tw:o` instead", False, "web: flask --app tw:o run"),
        ],
    ),
    # The name the target asks for ranks the apps before the target's text does: these names
    # are chosen so that the two orders differ.
    "gunicorn, a missing attribute: the name most like it first": (
        {
            "m.py": "from flask import Flask\n\nxxxxxxxxxxzq = Flask(__name__)\n"
            "zxxxxxx = Flask(__name__)\n"
        },
        "gunicorn m:zq",
        [
            ("Serve `m:xxxxxxxxxxzq` instead", False, "web: gunicorn m:xxxxxxxxxxzq"),
            ("Serve `m:zxxxxxx` instead", False, "web: gunicorn m:zxxxxxx"),
        ],
    ),
    "flask, a constant: the app named most like it first": (
        {
            "m.py": "from flask import Flask\n\nzq = 3\nxxxxxxxxxxzq = Flask(__name__)\n"
            "zxxxxxx = Flask(__name__)\n"
        },
        "flask --app m:zq run",
        [
            ("Serve `m:xxxxxxxxxxzq` instead", False, "web: flask --app m:xxxxxxxxxxzq run"),
            ("Serve `m:zxxxxxx` instead", False, "web: flask --app m:zxxxxxx run"),
        ],
    ),
    "a factory given too many arguments: the app named most like it first": (
        {
            "m.py": "from flask import Flask\n\n\ndef zq(config):\n    return Flask(__name__)\n"
            "\n\nxxxxxxxxzqx = Flask(__name__)\nxxxzx = Flask(__name__)\n"
        },
        "gunicorn 'm:zq(1, 2)'",
        [
            ("Serve `m:xxxxxxxxzqx` instead", False, "web: gunicorn 'm:xxxxxxxxzqx'"),
            ("Serve `m:xxxzx` instead", False, "web: gunicorn 'm:xxxzx'"),
        ],
    ),
    "app first when nothing else tells them apart": (
        {"a.py": APP.replace("app =", "xpp ="), "b.py": APP},
        "gunicorn q:zz",
        [
            ("Serve `b:app` instead", False, "web: gunicorn b:app"),
            ("Serve `a:xpp` instead", False, "web: gunicorn a:xpp"),
        ],
    ),
    "at most three apps are offered": (
        {"a.py": APP, "b.py": APP, "c.py": APP, "d.py": APP},
        "gunicorn nothere:app",
        [
            ("Serve `a:app` instead", False, "web: gunicorn a:app"),
            ("Serve `b:app` instead", False, "web: gunicorn b:app"),
            ("Serve `c:app` instead", False, "web: gunicorn c:app"),
        ],
    ),
    "python of a missing script: no target to offer in its place": (
        {"app.py": APP},
        "python missing.py",
        [],
    ),
    "uWSGI --wsgi-file of a file with no app: nothing to name": (
        {"app.py": APP, "other.py": "x = 1\n"},
        "uwsgi --http :$PORT --wsgi-file other.py",
        [],
    ),
    "uWSGI with --module and --wsgi-file: the module's target is replaced": (
        {"app.py": APP, "other.py": "x = 1\n"},
        "uwsgi --http :$PORT --module app:missing --wsgi-file other.py",
        [
            (
                "Serve `app:app` instead",
                True,
                "web: uwsgi --http :$PORT --module app:app --wsgi-file other.py",
            )
        ],
    ),
    "an app on --pythonpath": (
        {"src/app.py": APP},
        "gunicorn --pythonpath src app:missing",
        [("Serve `app:app` instead", True, "web: gunicorn --pythonpath src app:app")],
    ),
}


@pytest.mark.parametrize(
    ("files", "command", "fixes"), list(FIX_CASES.values()), ids=list(FIX_CASES)
)
def test_the_fixes_for_a_target_that_does_not_resolve(
    tmp_path: Path, files: dict[str, str], command: str, fixes: list[tuple[str, bool, str]]
) -> None:
    verdict = verdict_for(tmp_path, files, command)
    offered = []
    for fix in verdict.fixes:
        assert {edit.path for edit in fix.edits} == {"Procfile"}
        text = (tmp_path / "Procfile").read_text(encoding="utf-8")
        offered.append((fix.title, fix.safe, apply_edits(text, list(fix.edits)).rstrip("\n")))
    assert offered == fixes


# --- the target grammars (entrypoints/targets) ------------------------------------------------

# (server, text, uWSGI's callable) -> (module, name, call, args, kwargs, path_form, text)
PARSED = [
    (("gunicorn", "app", None), ("app", "application", False, (), {}, False, "app:application")),
    (
        ("gunicorn", "app:create_app(1, x='y')", None),
        ("app", "create_app", True, (1,), {"x": "y"}, False, "app:create_app(1, x='y')"),
    ),
    (
        ("gunicorn", "app:make('a;b')", None),
        ("app", "make", True, ("a;b",), {}, False, "app:make('a;b')"),
    ),
    (
        ("gunicorn", 'app:make("x y")', None),
        ("app", "make", True, ("x y",), {}, False, "app:make('x y')"),
    ),
    (("flask", "app", None), ("app", None, False, (), {}, False, "app")),
    (
        ("flask", "src/app.py:create_app('dev')", None),
        ("src/app.py", "create_app", True, ("dev",), {}, True, "src/app.py:create_app('dev')"),
    ),
    (
        ("flask", "app: create_app()", None),
        ("app", "create_app", True, (), {}, False, "app:create_app()"),
    ),
    (
        ("flask", "app:create_app('a:b')", None),
        ("app", "create_app", True, ("a:b",), {}, False, "app:create_app('a:b')"),
    ),
    (("flask", "src/pkg", None), ("src/pkg", None, False, (), {}, True, "src/pkg")),
    (("uwsgi", "app", None), ("app", "application", False, (), {}, False, "app:application")),
    (("uwsgi", "app", "web"), ("app", "web", False, (), {}, False, "app:web")),
    (
        ("uwsgi", "app:create_app()", None),
        ("app", "create_app", True, (), {}, False, "app:create_app()"),
    ),
    (("waitress", "app:obj.attr", None), ("app", "obj.attr", False, (), {}, False, "app:obj.attr")),
]


@pytest.mark.parametrize(("given", "parsed"), PARSED, ids=[f"{g[0]} {g[1]!r}" for g, _ in PARSED])
def test_a_target_parses_as_its_server_reads_it(
    given: tuple[str, str, str | None], parsed: tuple[object, ...]
) -> None:
    target = parse_target(*given)
    assert (
        target.module,
        target.name,
        target.call,
        target.args,
        target.kwargs,
        target.path_form,
        target.text(),
    ) == parsed


REFUSED = [
    ("gunicorn", "app.py", "Failed to find application, did you mean 'app:application'?"),
    ("gunicorn", "src/app.py:app", "Failed to find application, did you mean 'src.app:app'?"),
    (
        "gunicorn",
        "src/app:app",
        "No module named 'src/app': gunicorn imports a dotted module name (use --chdir for a "
        "folder)",
    ),
    ("gunicorn", "app:a.b", "Failed to parse 'a.b' as an attribute name or function call."),
    ("gunicorn", "app:obj.make()", "Function reference must be a simple name: 'obj.make()'"),
    ("gunicorn", "app:make(x)", "Failed to parse arguments as literal values: 'make(x)'"),
    ("gunicorn", "", "gunicorn was given an empty target"),
    ("gunicorn", "-w", "'-w' starts with '-': gunicorn reads it as an option, not a target"),
    (
        "gunicorn",
        "app:app;ls",
        "'app:app;ls' holds ';', which no module or attribute name contains: it is shell "
        "syntax, not a target",
    ),
    (
        "gunicorn",
        "app:app\n",
        "'app:app\\n' holds '\\n', which no module or attribute name contains: it is shell "
        "syntax, not a target",
    ),
    ("flask", "  ", "flask was given an empty target"),
    ("uwsgi", "-x", "'-x' starts with '-': uwsgi reads it as an option, not a target"),
    ("waitress", "", "waitress-serve was given an empty target"),
    ("waitress", "-x", "'-x' starts with '-': waitress-serve reads it as an option, not a target"),
    ("flask", ":app", "Could not import ''."),
    ("flask", "my-app", "Could not import 'my-app'."),
    ("uwsgi", "app:a.b", "unable to find 'a.b' in module 'app': not a plain name"),
    ("uwsgi", "my-app:x", "ImportError: No module named 'my-app'"),
    ("waitress", "app", "Malformed application 'app': waitress-serve needs MODULE:OBJECT"),
    ("waitress", "app:", "Malformed application 'app:': waitress-serve needs MODULE:OBJECT"),
    ("waitress", "a:b:", "Malformed application 'a:b:'"),
    ("waitress", "a:b:c", "Malformed application 'a:b:c'"),
    ("python", "app.py", "python does not take a WSGI target"),
]


@pytest.mark.parametrize(
    ("server", "text", "message"),
    REFUSED,
    ids=[f"{r[0]} {r[1]!r}".replace("\\n", " newline") for r in REFUSED],
)
def test_a_target_the_server_refuses_says_why(server: str, text: str, message: str) -> None:
    with pytest.raises(TargetError) as refused:
        parse_target(server, text)
    assert str(refused.value) == message


def test_python_of_a_script_outside_the_project_cannot_open_it(tmp_path: Path) -> None:
    # what is deployed is the project: a file beside it on this machine is not there
    write_tree(tmp_path, {"app.py": APP})
    verdict = verdict_for(tmp_path / "project", {"README.md": ""}, "python ../app.py")
    assert (verdict.rule, verdict.message) == (
        "SRV001",
        "python: can't open file '../app.py': [Errno 2] No such file or directory (it runs "
        "from the project root)",
    )


# --- gunicorn.conf.py merged into the command that starts gunicorn (entrypoints/__init__) ----

GUNICORN_CONF_CASES = {
    "every setting it reads": (
        {
            "src/app.py": APP,
            "gunicorn.conf.py": "chdir = 'src'\nwsgi_app = 'app:app'\n"
            "bind = ['0.0.0.0:8000', '[::]:8000']\npythonpath = '../lib,.., .'\nreload = True\n",
            "Procfile": "web: gunicorn\n",
        },
        {
            "source": "gunicorn.conf.py",
            "command_source": "Procfile",
            "target": "app:app",
            "cwd": "src",
            "pythonpath": ("lib", "", "src"),
            "bind": ("0.0.0.0:8000", "[::]:8000"),
            "options": (("reload", "1"), ("config-file", "gunicorn.conf.py")),
            "unknown": "",
        },
    ),
    "a bind read from $PORT": (
        {
            "app.py": APP,
            "gunicorn.conf.py": "import os\nbind = '0.0.0.0:' + os.environ['PORT']\n",
            "Procfile": "web: gunicorn app:app\n",
        },
        {
            "source": "Procfile",
            "command_source": "",
            "target": "app:app",
            "cwd": "",
            "pythonpath": (),
            "bind": (),
            "options": (("bind-reads-port", "1"), ("config-file", "gunicorn.conf.py")),
            "unknown": "",
        },
    ),
    "settings computed at run time": (
        {
            "app.py": APP,
            "gunicorn.conf.py": "import os\nbind = os.environ['BIND']\nchdir = os.getcwd()\n"
            "wsgi_app = os.environ['APP']\n",
            "Procfile": "web: gunicorn\n",
        },
        {
            "source": "Procfile",
            "command_source": "",
            "target": "",
            "cwd": "",
            "pythonpath": (),
            "bind": (),
            "options": (("bind-dynamic", "1"), ("config-file", "gunicorn.conf.py")),
            "unknown": "gunicorn.conf.py computes wsgi_app at run time",
        },
    ),
    "a chdir computed at run time, the target given": (
        {
            "app.py": APP,
            "gunicorn.conf.py": "import os\nchdir = os.getcwd()\n",
            "Procfile": "web: gunicorn app:app\n",
        },
        {
            "source": "Procfile",
            "command_source": "",
            "target": "app:app",
            "cwd": "",
            "pythonpath": (),
            "bind": (),
            "options": (("config-file", "gunicorn.conf.py"),),
            "unknown": "gunicorn.conf.py computes chdir at run time",
        },
    ),
    "the command line wins": (
        {
            "app.py": APP,
            "src/app.py": APP,
            "gunicorn.conf.py": "chdir = 'src'\nbind = '0.0.0.0:1'\npythonpath = 'lib'\n",
            "Procfile": "web: gunicorn --chdir . -b 0.0.0.0:$PORT --pythonpath x app:app\n",
        },
        {
            "source": "Procfile",
            "command_source": "",
            "target": "app:app",
            "cwd": "",
            "pythonpath": ("x",),
            "bind": ("0.0.0.0:$PORT",),
            "options": (
                ("chdir", "."),
                ("bind", "0.0.0.0:$PORT"),
                ("pythonpath", "x"),
                ("config-file", "gunicorn.conf.py"),
            ),
            "unknown": "",
        },
    ),
    "a -c file that is not in the project": (
        {"app.py": APP, "Procfile": "web: gunicorn -c deploy/gunicorn.conf.py app:app\n"},
        {
            "source": "Procfile",
            "command_source": "",
            "target": "app:app",
            "cwd": "",
            "pythonpath": (),
            "bind": (),
            "options": (("config", "deploy/gunicorn.conf.py"),),
            "unknown": "gunicorn is told to read deploy/gunicorn.conf.py, which is not in the "
            "project",
        },
    ),
    "a chdir to the image's path": (
        {
            "srv/app.py": APP,
            "Dockerfile": 'FROM python:3.12\nWORKDIR /code\nCOPY . /code\nCMD ["gunicorn"]\n',
            "gunicorn.conf.py": "chdir = '/code/srv'\nwsgi_app = 'app:app'\n",
        },
        {
            "source": "gunicorn.conf.py",
            "command_source": "Dockerfile",
            "target": "app:app",
            "cwd": "srv",
            "pythonpath": (),
            "bind": (),
            "options": (("config-file", "gunicorn.conf.py"),),
            "unknown": "",
        },
    ),
    "a gunicorn.conf.py nothing starts runs where it is": (
        {"deploy/gunicorn.conf.py": "wsgi_app = 'app:app'\n", "deploy/app.py": APP},
        {
            "source": "deploy/gunicorn.conf.py",
            "command_source": "",
            "target": "app:app",
            "cwd": "deploy",
            "pythonpath": (),
            "bind": (),
            "options": (("config-file", "deploy/gunicorn.conf.py"),),
            "unknown": "",
        },
    ),
}


@pytest.mark.parametrize(
    ("files", "expected"), list(GUNICORN_CONF_CASES.values()), ids=list(GUNICORN_CONF_CASES)
)
def test_gunicorn_conf_py_settings_join_the_command(
    tmp_path: Path, files: dict[str, str], expected: dict[str, object]
) -> None:
    write_tree(tmp_path, files)
    [declaration] = find_declarations(Project(tmp_path))
    assert {key: getattr(declaration, key) for key in expected} == expected


def test_a_gunicorn_conf_py_that_does_not_parse_is_a_problem_and_makes_it_unknown(
    tmp_path: Path,
) -> None:
    write_tree(
        tmp_path,
        {"app.py": APP, "gunicorn.conf.py": "def (:\n", "Procfile": "web: gunicorn app:app\n"},
    )
    project = Project(tmp_path)
    [declaration] = find_declarations(project)
    reason = (
        "gunicorn.conf.py does not parse as Python (line 1: invalid syntax): gunicorn stops "
        "with 'Failed to read config file'"
    )
    assert (declaration.unknown, check_declaration(project, declaration).status) == (
        reason,
        "unknown",
    )
    assert [(p.source, p.server, p.reason) for p in declaration_problems(project)] == [
        ("gunicorn.conf.py", "gunicorn", reason)
    ]


def test_the_entrypoints_report_lists_apps_verdicts_and_unreadable_files(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "Procfile": "web: gunicorn app:app\nworker: flask --app app:missing run\n",
            "docker-compose.yml": "services: [\n",
            "Procfile.template": "web: gunicorn {{ module }}:app\n",
        },
    )
    assert entrypoints_report(Project(tmp_path)) == {
        "apps": [{"path": "app.py", "line": 3, "name": "app", "kind": "instance"}],
        "entrypoints": [
            {
                "source": "Procfile",
                "line": 1,
                "server": "gunicorn",
                "target": "app:app",
                "status": "ok",
                "app": "app.py:app",
            },
            {
                "source": "Procfile",
                "line": 2,
                "server": "flask",
                "target": "app:missing",
                "status": "flask-app-not-located",
                "app": None,
            },
            {
                "source": "Procfile.template",
                "line": 1,
                "server": "gunicorn",
                "target": "{{",
                "status": "unknown",
                "app": None,
                "reason": "Procfile.template is a template: `{{ module }}` is filled in only "
                "when it is used",
            },
            {
                "source": "docker-compose.yml",
                "line": 2,
                "server": "unknown",
                "target": "",
                "status": "unknown",
                "app": None,
                "reason": "docker-compose.yml is not valid YAML: line 2: while parsing a flow "
                "node, expected the node content, but found '<stream end>'",
            },
        ],
    }


# --- the targets that run a given app (entrypoints/app_targets) ------------------------------

APP_TARGET_CASES = [
    ({"app.py": APP}, "app.py", "", ("app:app", "")),
    ({"src/pkg/__init__.py": FACTORY}, "src/pkg/__init__.py", "", ("pkg:create_app()", "src")),
    (
        {"src/pkg/__init__.py": "", "src/pkg/web.py": APP},
        "src/pkg/web.py",
        "",
        ("pkg.web:app", "src"),
    ),
    ({"src/app.py": APP}, "src/app.py", "src", ("app:app", "src")),
    ({"src/app.py": APP}, "src/app.py", "{root}/src", ("app:app", "src")),
    ({"app.py": APP}, "app.py", "{root}", ("app:app", "")),
    ({"src/app.py": APP}, "src/app.py", "lib", ("app:app", "src")),
    ({"my-app.py": APP}, "my-app.py", "", ("my-app:app", "")),
    ({"app.py": APP}, "app.py", "C:\\elsewhere", ("app:app", "")),
]


@pytest.mark.parametrize(
    ("files", "module", "cwd", "expected"),
    APP_TARGET_CASES,
    ids=[f"{c[1]} from {c[2] or 'the root'}".replace("\\", "/") for c in APP_TARGET_CASES],
)
def test_the_target_and_folder_that_run_an_app(
    tmp_path: Path, files: dict[str, str], module: str, cwd: str, expected: tuple[str, str]
) -> None:
    write_tree(tmp_path, files)
    project = Project(tmp_path)
    [app] = [a for a in project_apps(project) if a.module == module]
    targets = app_targets(project, app, cwd.format(root=tmp_path))
    assert targets == {"flask": expected[0], "gunicorn": expected[0], "cwd": expected[1]}


def test_the_projects_apps_leave_out_tests_configs_imports_and_main_guarded_ones(
    tmp_path: Path,
) -> None:
    guarded = (
        "from flask import Flask\n\nif __name__ == '__main__':\n"
        "    application = Flask(__name__)\n    application.run()\n"
    )
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "wsgi.py": "from app import app\n",  # only imports it
            "tests/test_a.py": APP,
            "pkg/tests/x.py": APP,
            "conftest.py": APP,
            "gunicorn.conf.py": APP,
            "guarded.py": guarded,
            "mytests/x.py": APP,  # not a tests folder
            "Procfile": "web: gunicorn guarded:application\n",
        },
    )
    project = Project(tmp_path)
    assert [(a.module, a.name) for a in project_apps(project)] == [
        ("app.py", "app"),
        ("guarded.py", "application"),
        ("mytests/x.py", "app"),
    ]
    # a server imports guarded.py, so __name__ is never "__main__": application is not there
    assert [(a.module, a.name) for a in served_apps(project)] == [
        ("app.py", "app"),
        ("mytests/x.py", "app"),
    ]
    [declaration] = find_declarations(project)
    verdict = check_declaration(project, declaration)
    assert (verdict.rule, verdict.message) == (
        "SRV002",
        "gunicorn stops with: Failed to find attribute 'application' in 'guarded'.",
    )


def test_uwsgi_of_a_wsgi_file_outside_the_project_cannot_load_it(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP})
    command = "uwsgi --http :$PORT --wsgi-file ../app.py --callable app"
    verdict = verdict_for(tmp_path / "project", {"README.md": ""}, command)
    assert (verdict.rule, verdict.message) == (
        "SRV001",
        "uWSGI: unable to load file ../app.py from the project root",
    )


@pytest.mark.parametrize(
    "options",
    ["--wsgi-file other.py --module app:app", "--module app:app --wsgi-file other.py"],
)
def test_uwsgi_given_a_module_and_a_wsgi_file_loads_the_module_first(
    tmp_path: Path, options: str
) -> None:
    # uWSGI's python plugin loads --module before --wsgi-file, in either order on the command
    # line; the file's app, on the same mountpoint, is then skipped
    files = {"app.py": APP, "other.py": "x = 1\n"}
    verdict = verdict_for(tmp_path, files, f"uwsgi --http :$PORT {options}")
    assert (verdict.status, _app(verdict)) == ("ok", ("app.py", "app", "instance"))


def test_the_app_option_after_another_command_names_that_command(tmp_path: Path) -> None:
    verdict = verdict_for(tmp_path, {"app.py": APP}, "flask routes --app app")
    assert (verdict.rule, verdict.message) == (
        "SRV004",
        "flask stops with: Error: No such option '--app'. The app option belongs before the "
        "command: `flask --app TARGET routes`.",
    )


def test_a_chdir_on_the_command_line_wins_over_one_computed_in_gunicorn_conf_py(
    tmp_path: Path,
) -> None:
    files = {
        "app.py": APP,
        "gunicorn.conf.py": "import os\nchdir = os.getcwd()\n",
        "Procfile": "web: gunicorn --chdir . app:app\n",
    }
    write_tree(tmp_path, files)
    project = Project(tmp_path)
    [declaration] = find_declarations(project)
    assert (declaration.unknown, check_declaration(project, declaration).status) == ("", "ok")


def test_every_gunicorn_conf_py_nothing_starts_is_read_past_the_started_one(
    tmp_path: Path,
) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "gunicorn.conf.py": "wsgi_app = 'app:app'\n",  # started by the Procfile
            "m/gunicorn.conf.py": "bind = '0.0.0.0:8000'\n",  # names no app
            "z/gunicorn.conf.py": "wsgi_app = 'app:app'\n",
            "z/app.py": APP,
            "Procfile": "web: gunicorn\n",
        },
    )
    project = Project(tmp_path)
    found = [(d.source, d.cwd, d.target) for d in find_declarations(project)]
    assert found == [("gunicorn.conf.py", "", "app:app"), ("z/gunicorn.conf.py", "z", "app:app")]


def test_a_reader_that_raises_is_an_internal_error_and_the_other_files_are_still_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flask_preflight.analysis.entrypoints as entrypoints

    real = entrypoints.reader_for

    def broken(project: Project, path: str, problems: list[object]) -> list[object]:
        raise RuntimeError("a parser bug")

    monkeypatch.setattr(
        entrypoints, "reader_for", lambda path: broken if path == "Procfile" else real(path)
    )
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "Procfile": "web: gunicorn app:app\n",
            "Dockerfile": 'FROM python:3.12\nWORKDIR /srv\nCOPY . /srv\nCMD ["gunicorn", "app:app"]\n',
        },
    )
    project = Project(tmp_path)
    assert [d.source for d in find_declarations(project)] == ["Dockerfile"]
    assert [(e.where, str(e.error)) for e in project.errors] == [
        ("reading the entry points of Procfile", "a parser bug")
    ]


def test_a_script_python_runs_imports_from_its_own_folder_not_the_working_directory(
    tmp_path: Path,
) -> None:
    # `python src/app.py` puts src/ first on sys.path: src/pkg/gone.py is found there, and the
    # root's pkg (which has no gone.py) is not where python looks
    files = {
        "pkg/__init__.py": "",
        "src/pkg/__init__.py": "",
        "src/pkg/gone.py": "",
        "src/app.py": "import pkg.gone\n" + APP + "\napp.run()\n",
    }
    verdict = verdict_for(tmp_path, files, "python src/app.py")
    assert (verdict.status, _app(verdict)) == ("ok", ("src/app.py", "app", "instance"))


@pytest.mark.parametrize(
    ("packages", "reads_flaskenv"),
    [
        (
            {
                "flask-3.0.0.dist-info/METADATA": "Name: flask\nVersion: 3.0.0\n",
                "python_dotenv-1.0.0.dist-info/METADATA": "Name: python-dotenv\nVersion: 1.0.0\n",
            },
            True,
        ),
        ({"flask-3.0.0.dist-info/METADATA": "Name: flask\nVersion: 3.0.0\n"}, False),
        ({}, True),  # an environment with nothing installed tells nothing: assume it reads it
    ],
)
def test_flask_run_locally_reads_flaskenv_only_with_python_dotenv_installed(
    tmp_path: Path, packages: dict[str, str], reads_flaskenv: bool
) -> None:
    from tests.test_startup_imports import fake_venv

    python = fake_venv(tmp_path, packages)
    files = {
        "app.py": APP,
        ".flaskenv": "FLASK_APP=app:missing\n",
        "Procfile.dev": "web: flask run\n",
    }
    root = write_tree(tmp_path / "project", files)
    project = Project(root, interpreter=python, settings={"interpreter_source": "explicit"})
    [declaration] = [d for d in find_declarations(project) if d.source == "Procfile.dev"]
    assert declaration.context == "local"  # honcho/foreman run Procfile.dev on this machine
    verdict = check_declaration(project, declaration)
    if reads_flaskenv:
        assert (verdict.rule, verdict.message) == (
            "SRV006",
            "flask stops with: Error: Failed to find attribute 'missing' in 'app'.",
        )
    else:  # Flask's own discovery finds app.py
        assert (verdict.status, _app(verdict)) == ("ok", ("app.py", "app", "instance"))


def test_the_module_a_python_start_runs_is_its_entry_module(tmp_path: Path) -> None:
    from flask_preflight.analysis.startup_imports import entry_module

    write_tree(
        tmp_path,
        {
            "serve.py": APP,
            "pkg/__init__.py": "",
            "pkg/__main__.py": APP,
            "Procfile": "web: python serve.py\nworker: python -m pkg\n",
        },
    )
    project = Project(tmp_path)
    found = [entry_module(project, d) for d in find_declarations(project)]
    assert found == ["serve.py", "pkg/__main__.py"]


def test_uwsgi_reads_its_wsgi_file_from_where_chdir_moves_it(tmp_path: Path) -> None:
    command = "uwsgi --http :$PORT --chdir src --wsgi-file app.py --callable app"
    verdict = verdict_for(tmp_path, {"src/app.py": APP}, command)
    assert (verdict.status, _app(verdict)) == ("ok", ("src/app.py", "app", "instance"))


def test_a_star_import_of_a_module_that_imports_the_app_is_followed_to_it(tmp_path: Path) -> None:
    files = {
        "lib.py": WSGI_APP,
        "mid.py": "from lib import app\n",
        "wsgi.py": "from mid import *\n",
    }
    verdict = verdict_for(tmp_path, files, "gunicorn wsgi:app")
    assert (verdict.status, verdict.message, verdict.module_path) == (
        "ok",
        "`app` is a plain WSGI function",
        "lib.py",
    )


def test_a_name_defined_after_it_is_imported_is_the_definition(tmp_path: Path) -> None:
    files = {"lib.py": "app = 3\n", "wsgi.py": "from lib import app\n\n\n" + WSGI_APP}
    verdict = verdict_for(tmp_path, files, "gunicorn wsgi:app")
    assert (verdict.status, verdict.message, verdict.module_path) == (
        "ok",
        "`app` is a plain WSGI function",
        "wsgi.py",
    )


def test_a_flaskenv_without_flask_app_whose_discovery_finds_nothing_is_unknown(
    tmp_path: Path,
) -> None:
    # FLASK_APP may be set where it runs: not an error, unlike a Procfile running `flask run`
    files = {"app.py": "x = 1\n", ".flaskenv": "FLASK_DEBUG=1\n"}
    verdict = verdict_of(tmp_path, files, ".flaskenv")
    assert (verdict.status, verdict.message) == (
        "unknown",
        "FLASK_APP is not set in the files, and Flask's own discovery (app.py) finds no app: "
        "flask stops with: Error: Failed to find Flask application or factory in module "
        "'app'. Use 'app:name' to specify one. FLASK_APP may be set where it runs",
    )


def test_a_star_import_chain_nine_modules_long_is_followed(tmp_path: Path) -> None:
    # reexports.MAX_DEPTH: star imports are followed eight levels below the first one
    files = {f"m{i}.py": f"from m{i + 1} import *\n" for i in range(9)}
    files["m9.py"] = WSGI_APP
    verdict = verdict_for(tmp_path, files, "gunicorn m0:app")
    assert (verdict.status, verdict.message, verdict.module_path) == (
        "ok",
        "`app` is a plain WSGI function",
        "m9.py",
    )


def test_a_later_star_import_not_exporting_a_private_name_falls_back_to_an_earlier_one(
    tmp_path: Path,
) -> None:
    files = {
        "lib.py": "__all__ = ['_app']\n" + WSGI_APP.replace("def app", "def _app"),
        "other.py": "def _app(environ):\n    return []\n",  # private: `import *` skips it
        "wsgi.py": "from lib import *\nfrom other import *\n",
    }
    verdict = verdict_for(tmp_path, files, "gunicorn wsgi:_app")
    assert (verdict.status, verdict.message, verdict.module_path) == (
        "ok",
        "`_app` is a plain WSGI function",
        "lib.py",
    )


def test_a_package_above_that_does_not_parse_fails_first_so_no_missing_import_is_claimed(
    tmp_path: Path,
) -> None:
    # python imports pkg/__init__.py before pkg/web.py: its SyntaxError comes first, so the
    # ModuleNotFoundError of `import other.gone` below is never what the server prints
    files = {
        "pkg/__init__.py": "def (:\n",
        "pkg/web.py": "import other.gone\n" + APP,
        "other/__init__.py": "",
    }
    verdict = verdict_for(tmp_path, files, "gunicorn pkg.web:app")
    assert verdict.rule is None
    files["pkg/__init__.py"] = ""
    verdict = verdict_for(tmp_path / "parsing", files, "gunicorn pkg.web:app")
    assert (verdict.rule, verdict.message) == (
        "SRV001",
        "gunicorn imports pkg/web.py, and pkg/web.py:1 imports other.gone, which is not in the "
        "project: the import fails with ModuleNotFoundError before the app is loaded.",
    )
