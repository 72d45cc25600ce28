"""The one rule catalog: id, name, default severity and the documentation of every rule."""

from __future__ import annotations

from dataclasses import dataclass

from .severity import Severity

DOCS_URL = "https://github.com/flask-preflight/flask-preflight/blob/main/docs/rules.md#{anchor}"


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: Severity
    summary: str
    explanation: str
    bad: str = ""
    good: str = ""

    @property
    def docs_url(self) -> str:
        return DOCS_URL.format(anchor=f"{self.id.lower()}-{self.name}")


_E, _W, _I, _H = Severity.ERROR, Severity.WARNING, Severity.INFORMATION, Severity.HINT
_ELSEWHERE = (
    " When it is installed in another environment on this machine (another venv of the "
    "project, the python3 on PATH, pyenv, ~/.virtualenvs, conda, the user site), the message "
    "says where and which version, and a fix selects that interpreter when it also holds the "
    "rest of the requirements."
)

_RULES: tuple[Rule, ...] = (
    # --- environment -----------------------------------------------------------------------
    Rule(
        "ENV001",
        "no-virtualenv",
        _W,
        "The workspace interpreter is a global Python and the project has no virtualenv.",
        "Packages installed for this project land in (or are missing from) the system Python, "
        "where they clash with other projects and with the OS; on an EXTERNALLY-MANAGED Python "
        "(PEP 668) `pip install` refuses outright. Create a venv in the project and select it. "
        "Reported when the project declares requirements (requirements*.txt, pyproject.toml "
        "dependencies, Pipfile).",
        "$ pip install -r requirements.txt   # into /usr/bin/python3",
        "$ python3 -m venv .venv && .venv/bin/python -m pip install -r requirements.txt",
    ),
    Rule(
        "ENV002",
        "virtualenv-not-selected",
        _W,
        "The project has a virtualenv, but the workspace interpreter is another one.",
        "The packages you installed into the project's venv are not the ones the app will "
        "import: running or debugging uses a different interpreter, so imports fail or pick up "
        "other versions. Select the project's venv as the interpreter. Reported only when the "
        "interpreter was chosen explicitly (`--python`, $VIRTUAL_ENV, the editor's selection); "
        "when nothing is chosen, the project's venv is picked automatically.",
        "$ flask-preflight check --python /usr/bin/python3   # the project has .venv/",
        "$ flask-preflight check --python .venv/bin/python",
    ),
    Rule(
        "ENV003",
        "virtualenv-broken",
        _E,
        "The virtualenv's base interpreter is gone.",
        "A venv points at the Python it was created from (pyvenv.cfg `home`). When that Python "
        "is upgraded or removed, every command in the venv fails before your code runs. "
        "Recreate the venv and reinstall the requirements.",
        ".venv/pyvenv.cfg:\nhome = /usr/local/python3.8/bin   # removed by an upgrade",
        "$ python3 -m venv --clear .venv && .venv/bin/python -m pip install -r requirements.txt",
    ),
    Rule(
        "ENV004",
        "python-version-unsupported",
        _E,
        "The interpreter's Python version is outside what the project or a pinned package "
        "supports.",
        "`requires-python` in pyproject.toml, or a pinned package's own Requires-Python, "
        "excludes this interpreter: pip refuses to install, or the code fails on syntax or "
        "APIs the version lacks. Use a supported interpreter.",
        'pyproject.toml:\n[project]\nrequires-python = ">=3.12"   # the interpreter is Python 3.9',
        'pyproject.toml:\n[project]\nrequires-python = ">=3.9"',
    ),
    Rule(
        "ENV005",
        "requirements-not-installed",
        _E,
        "The interpreter lacks what the project needs: one headline for the findings it explains.",
        "When the project's own interpreter lacks three or more of its requirements, or a global "
        "Python (no project venv) lacks modules the app imports, every import of them fails: "
        "this one finding says so, with the one command that fixes it, and the DEP001, DEP002 "
        "and DEP005 findings it explains are folded under it (`check --show-all` lists them). "
        "ENV001 and ENV002, when reported, are the headline instead, and fold the same way; a "
        "headline for an interpreter that is not the project's also folds what that "
        "interpreter's own packages report (DEP003) and holds back the version-dependent rules "
        "(DEP004, DEP006, SRV010), which are judged on the project's pins instead.",
        "$ git clone ... && cd app && flask-preflight check   # 140 findings, one cause",
        "$ python3 -m venv .venv && .venv/bin/python -m pip install -r requirements.txt",
    ),
    # --- dependencies ----------------------------------------------------------------------
    Rule(
        "DEP001",
        "requirement-not-installed",
        _E,
        "A declared requirement is not installed in the workspace interpreter.",
        "Importing it fails with `ModuleNotFoundError`. Install the requirements into the "
        "workspace interpreter. Markers are evaluated for that interpreter's Python version and "
        "platform; dev/optional groups and constraints files are not required." + _ELSEWHERE,
        "requirements.txt:\nrequests>=2.31   # declared, but never installed into this interpreter",
        "$ .venv/bin/python -m pip install -r requirements.txt",
    ),
    Rule(
        "DEP002",
        "requirement-version-mismatch",
        _W,
        "The installed version does not satisfy the declared specifier.",
        "The app runs against a version you did not test with; APIs may be missing. Reinstall "
        "the requirements.",
        "requirements.txt:\nFlask==2.3.3   # Flask 3.0.3 is installed",
        "$ .venv/bin/python -m pip install -r requirements.txt",
    ),
    Rule(
        "DEP003",
        "installed-requirements-conflict",
        _W,
        "Installed packages' own requirements are not met (what `pip check` reports).",
        "A package imports a dependency at a version it does not support: errors appear at "
        "import or at run time. Install compatible versions. The check reads each installed "
        "distribution's Requires-Dist exactly as `pip check` does, without running pip.",
        "$ pip check\nflask 3.0.3 has requirement Werkzeug>=3.0.0, but you have werkzeug 2.3.8.",
        "$ .venv/bin/python -m pip install 'Werkzeug>=3.0.0'",
    ),
    Rule(
        "DEP004",
        "known-incompatible-versions",
        _E,
        "A known breaking pair of versions that no package metadata declares.",
        "Both packages install without complaint, then the import fails, e.g. old Flask with "
        "Werkzeug 3: `ImportError: cannot import name 'url_quote' from 'werkzeug.urls'`. Pin "
        "the compatible version.",
        "requirements.txt:\nFlask==2.0.3  # with Werkzeug 3.x installed",
        "requirements.txt:\nFlask==2.0.3\nWerkzeug<3.0",
    ),
    Rule(
        "DEP005",
        "import-not-installed",
        _E,
        "A module the app imports is not importable from the workspace interpreter.",
        "The app fails at start with `ModuleNotFoundError`. Install the distribution that "
        "provides it and declare it in the requirements. Reported once per missing module, at "
        "its most severe import site (the app's code first, then by path and line). Severity "
        "follows scope: an error only in the app's code (the modules imported, transitively, "
        "from every app definition and declared entry point) at module level; a warning "
        "inside a function or under the main guard, a hint under a runtime flag (`if "
        "args.profile:`). Tests, docs, migrations, setup and maintainer scripts get a hint, "
        "judged against the dev/test requirements (requirements-dev*.txt, requirements/dev.txt, "
        "[dependency-groups], test/dev extras, Pipfile [dev-packages], Poetry groups): a "
        "test-only package is never sent to the runtime requirements. The standard library of "
        "the target Python version, the project's own modules (also under src/), relative "
        "imports, imports under `try: ... except ImportError`, platform branches and the "
        "branch of a `sys.version_info` test (also through aliases such as "
        "`PY3 = sys.version_info[0] == 3`) that does not run on the target Python are not "
        "reported. A subfolder with a requirements.txt of its own that declares the package "
        "(a tool its own Dockerfile installs) is another environment: a hint naming that file."
        + _ELSEWHERE,
        "import yaml  # PyYAML is not installed",
        "requirements.txt:\nPyYAML>=6",
    ),
    Rule(
        "DEP006",
        "removed-flask-api",
        _E,
        "The code uses an API that the installed Flask removed.",
        "The import or attribute access fails at start (`AttributeError` or `ImportError`). "
        "Replace it with the current API, or pin the Flask version that still has it. Reported "
        "only when the installed Flask is a release without the API, and for `app.<attribute>` "
        "only when the receiver is a Flask app by data flow (built by `Flask(...)` or an app "
        "factory, imported from the module that builds it, `current_app`): a parameter that "
        "happens to be named `app` (Sphinx's `setup(app)`) is not one.",
        "from flask import Markup, escape\n\n\n@app.before_first_request\ndef setup(): ...",
        "from markupsafe import Markup, escape\n\nwith app.app_context():\n    setup()",
    ),
    Rule(
        "DEP007",
        "dotenv-not-installed",
        _W,
        "`.env`/`.flaskenv` exists but python-dotenv is not installed: Flask ignores them.",
        "`flask run` loads these files only when python-dotenv is installed, so settings such "
        "as FLASK_APP silently do not apply. Install python-dotenv. Reported only for a file "
        "that holds FLASK_* keys or keys the app reads (os.environ, getenv, "
        "`config.from_prefixed_env()`): a `.env` that only docker compose reads for variable "
        "substitution is not Flask's.",
        ".flaskenv:\nFLASK_APP=hello   # python-dotenv is not installed",
        "requirements.txt:\nflask\npython-dotenv",
    ),
    Rule(
        "DEP008",
        "requirement-unparseable",
        _E,
        "A requirements file or pyproject.toml entry that pip cannot parse.",
        "`pip install -r requirements.txt` stops at the first line it cannot parse and installs "
        "nothing at all; an invalid pyproject.toml stops every build. Fix or remove the entry.",
        "requirements.txt:\nflask>=2.0,,<3\n--no-such-option",
        "requirements.txt:\nflask>=2.0,<3",
    ),
    Rule(
        "DEP009",
        "startup-import-fails",
        _E,
        "An import that runs when the app starts must fail with the installed packages.",
        "Following the app's module-level imports into the installed distributions and the "
        "target Python's standard library (read with `ast`, never imported), an installed "
        "package imports a name or module that the installed version of another package (or "
        "of Python) no longer has: `from werkzeug.wrappers import BaseResponse` with "
        "Werkzeug >= 2.1, `from flask._compat import ...` with Flask >= 2, `collections.Mapping` "
        "on Python >= 3.10, `from inspect import getargspec` on Python >= 3.11. The replay "
        "starts from every root of the app's code (modules that define or start the app, "
        "declared entry points, a `wsgi.py` that re-exports it). "
        "`pip check` cannot see these: the old packages declare no upper "
        "bound. The message gives the chain from the app's import line to the failing line and "
        "the exact exception. Install versions that work together (the pin is offered when the "
        "pair is known), or upgrade the package that uses the removed name. Imports inside "
        "functions, behind `try/except ImportError` or behind conditions that depend on run "
        "time are not claimed; compiled extensions and namespace packages are never judged. "
        "Also reported: a declared entry point whose module is not valid Python for the target "
        "interpreter (a Python 2 script).",
        "requirements.txt:\nFlask==3.1.3\nFlask-Script==2.0.6   # imports flask._compat\n\n"
        "app.py:\nfrom flask_script import Manager",
        "requirements.txt:\nFlask==3.1.3\n\napp.py:\nimport click   # Flask's own CLI replaces "
        "Flask-Script",
    ),
    # --- the application module -------------------------------------------------------------
    Rule(
        "APP001",
        "unguarded-app-run",
        _W,
        '`app.run()` at module level, outside `if __name__ == "__main__":`.',
        "The call executes whenever the module is imported. gunicorn, uWSGI, waitress and "
        "your tests import the module to find the app, so they start a development server "
        "instead and block (or fail with `Address already in use`); only `flask run` is "
        "spared, because Flask skips the call with a warning when its own command line "
        "imports the app. Put the call under the main guard so it only runs for "
        "`python app.py`. A hint, not a warning, when nothing in the project imports the "
        "module and no deploy file names it (a launcher run only as `python serve.py`).",
        "app = Flask(__name__)\napp.run(debug=True)",
        'app = Flask(__name__)\n\nif __name__ == "__main__":\n    app.run(debug=True)',
    ),
    Rule(
        "APP002",
        "malformed-main-guard",
        _E,
        'A main guard that can never be true (`"main"`, `"__main"`, `name`, `is`).',
        '`python app.py` sets `__name__` to exactly `"__main__"`. A misspelt guard is never '
        "true (or raises NameError), so the server never starts and the script exits at once "
        "without an error. `is` compares identity, not text, and Python warns about it.",
        'if __name__ == "main":\n    app.run()',
        'if __name__ == "__main__":\n    app.run()',
    ),
    Rule(
        "APP003",
        "guard-runs-nothing",
        _H,
        "The main guard exists but starts nothing: `python app.py` exits at once.",
        "The module defines a Flask app and a main guard, but the guard does not start a "
        "server, so running the file prints nothing and exits. Fine if you serve the app with "
        "`flask run` or gunicorn; otherwise call `app.run()` in the guard.",
        'if __name__ == "__main__":\n    pass',
        'if __name__ == "__main__":\n    app.run()',
    ),
    Rule(
        "APP004",
        "routes-after-run",
        _W,
        "Routes or blueprints are registered after the blocking `app.run()`.",
        "`app.run()` blocks until the server stops, so with `python app.py` the lines after it "
        "never execute while the app serves: those URLs answer 404. Move the run call to the "
        "end of the module.",
        'app.run()\n\n\n@app.route("/about")\ndef about(): ...',
        '@app.route("/about")\ndef about(): ...\n\n\nif __name__ == "__main__":\n    app.run()',
    ),
    Rule(
        "APP005",
        "debug-enabled-in-production",
        _W,
        "`debug=True` is hard-coded where a production server is declared.",
        "Debug mode turns on the Werkzeug debugger, whose in-browser console runs any Python "
        'a visitor types. With a public host (`host="0.0.0.0"`, or `flask run --debug --host '
        "0.0.0.0` in a Dockerfile or Procfile) that is remote code execution, so it is an error. "
        "When the project declares a production server (gunicorn, uWSGI, waitress, a "
        "container, a PaaS or a systemd unit) a hard-coded `debug=True` (or `app.debug = "
        "True`) is a warning: it travels wherever the code runs. `app.run(debug=True)` under "
        '`if __name__ == "__main__":` is not reported when production runs a WSGI server, '
        "which imports the module and never runs the guard (only when a deployment runs the "
        "file itself, `python app.py`). The fix reads debug from "
        "the environment, so it is on only where FLASK_DEBUG=1 is set.",
        'app.run(host="0.0.0.0", debug=True)',
        'import os\n\napp.run(host="0.0.0.0", debug=os.environ.get("FLASK_DEBUG") == "1")',
    ),
    Rule(
        "APP006",
        "module-shadows-package",
        _E,
        "A local flask.py / werkzeug.py / jinja2.py / gunicorn.py hides the real package.",
        "Python imports the project's own file instead of the installed package: "
        "`from flask import Flask` fails with `ImportError: cannot import name 'Flask' from "
        "partially initialized module 'flask'`. Rename the file.",
        "flask.py",
        "flask_app.py",
    ),
    Rule(
        "APP007",
        "reloader-side-effects",
        _W,
        "Module-level threads, schedulers or socket binds run twice with the reloader on.",
        "With the reloader on (`app.run(debug=True)` or `use_reloader=True`), `python app.py` "
        "runs the module in a watcher process and again in the server process it spawns. "
        "Anything the module starts at import time happens twice: a BackgroundScheduler fires "
        "each job twice, a thread runs twice, and a second `sock.bind()` fails with `OSError: "
        "[Errno 98] Address already in use`. Start background work from a function the app "
        'calls, guard it with `os.environ.get("WERKZEUG_RUN_MAIN") == "true"`, or turn '
        "the reloader off (the quick fix adds `use_reloader=False`).",
        "scheduler = BackgroundScheduler()\nscheduler.start()\n\n"
        'if __name__ == "__main__":\n    app.run(debug=True)',
        "scheduler = BackgroundScheduler()\nscheduler.start()\n\n"
        'if __name__ == "__main__":\n    app.run(debug=True, use_reloader=False)',
    ),
    # --- servers and entry points -----------------------------------------------------------
    Rule(
        "SRV001",
        "entrypoint-module-not-found",
        _E,
        "A WSGI target's module does not resolve from the server's working directory.",
        "The server imports the target's module from the directory it runs in: the "
        "declaring file's folder, changed by `cd DIR &&`, `--chdir`, `chdir` in "
        "gunicorn.conf.py or uwsgi.ini, a Dockerfile WORKDIR (mapped back through COPY), a "
        "compose `working_dir` or a systemd WorkingDirectory, plus `--pythonpath`. When the "
        "module is not there, the worker dies at boot with `ModuleNotFoundError` and the "
        "platform answers 502. The quick fix names the module as seen from that directory, "
        "or adds `--chdir` (for a src/ layout).",
        "# Procfile, with the code in src/web.py\nweb: gunicorn web:app",
        "web: gunicorn --chdir src web:app",
    ),
    Rule(
        "SRV002",
        "entrypoint-attribute-not-found",
        _E,
        "The target's module has no such attribute.",
        "The module imports, but holds no variable of that name: gunicorn stops with "
        "`Failed to find attribute 'application' in 'app'.` (a bare `module` target means "
        "`module:application`). uWSGI and waitress fail the same way. The quick fix names the "
        "app the module does define (the closest name first).",
        "# app.py: app = Flask(__name__)\nweb: gunicorn app:application",
        "web: gunicorn app:app",
    ),
    Rule(
        "SRV003",
        "entrypoint-not-an-app",
        _E,
        "The target's attribute is not a WSGI app (e.g. a factory named without `()`).",
        "gunicorn, uWSGI and waitress call the attribute as the WSGI app. A factory named "
        "without `()` passes `gunicorn --check-config` (it is callable) but every request calls "
        "`create_app(environ, start_response)` and fails with a TypeError: 500 on every page. "
        "Calling an app instance (`app:app()`), a factory with arguments it does not take "
        "(bound as Python binds them: a missing or unknown argument, too many; `*args` and "
        "`**kwargs` take any), a constant or a module fails at boot. The quick fix calls the factory "
        "(`module:create_app()`, quoted for the shell), or adds waitress's `--call`.",
        "web: gunicorn shop:create_app",
        "web: gunicorn 'shop:create_app()'",
    ),
    Rule(
        "SRV004",
        "entrypoint-invalid-syntax",
        _E,
        "The target cannot be parsed by the server that will read it.",
        "Each server has its own target grammar: gunicorn and Flask take `module:name` or "
        "`module:factory(literal args)` and refuse expressions such as `app:app.wsgi_app` or "
        "`app.py:app`; uWSGI only calls a name ending in `()`; waitress needs `module:object`. "
        "A target holding shell syntax (`app:app; rm -rf ~`) or starting with `-` is rejected "
        "(it was never a target). A deploy file its own tool cannot read (bad YAML in a "
        "compose file, an INI or launch.json that does not parse, a gunicorn.conf.py with a "
        "syntax error) is reported here too: nothing it declares can be checked.",
        "web: gunicorn app.py:app",
        "web: gunicorn app:app",
    ),
    Rule(
        "SRV005",
        "server-not-installed",
        _E,
        "gunicorn/uwsgi/waitress is named in a deploy file but absent or undeclared.",
        "A Procfile, Dockerfile, compose file or systemd unit runs gunicorn (uWSGI, waitress), "
        "but no requirements file or pyproject declares it: the deployment installs the "
        "requirements and then fails with `gunicorn: command not found`. For a local launch "
        "(launch.json) the workspace interpreter is checked: `No module named gunicorn`. The "
        "quick fix adds the package to the requirements. A Dockerfile that installs the "
        "server itself (`pip install gunicorn`, `apt-get install uwsgi`, `apk add "
        "py3-gunicorn`) counts as installed.",
        "web: gunicorn app:app  # Procfile; requirements.txt lists flask only",
        "web: gunicorn app:app  # requirements.txt lists flask and gunicorn",
    ),
    Rule(
        "SRV006",
        "flask-app-not-located",
        _E,
        "`flask run` / FLASK_APP / `--app` cannot locate the app from where it runs.",
        "Flask resolves `--app` (else FLASK_APP from the environment, .env or .flaskenv, else "
        "wsgi.py then app.py) from its working directory: a dotted module, or a path to a file "
        "or package, then `app`/`application`, the only app, or `create_app`/`make_app`. When "
        "that fails it prints `Error: Could not import 'web'.`, `Failed to find attribute`, "
        "`Detected multiple Flask applications` or `Could not locate a Flask application`. "
        "The quick fix names the app as Flask will find it.",
        "flask --app web run  # from the project root, with the code in src/web.py",
        "flask --app src/web.py run",
    ),
    Rule(
        "SRV007",
        "container-loopback-bind",
        _E,
        "The app listens on 127.0.0.1 inside a container: unreachable from outside.",
        "Published ports reach the container's own network interface, not its loopback. "
        "gunicorn binds 127.0.0.1:8000 by default, `flask run` 127.0.0.1:5000, and "
        "`app.run()` 127.0.0.1: inside a container every outside connection is refused. Bind "
        "0.0.0.0 in the container's command. For `python app.py`, read the host from the "
        'environment (`app.run(host=os.environ.get("FLASK_RUN_HOST", "127.0.0.1"))`), '
        "which bandit's B104 accepts, and set it in the image.",
        'FROM python:3.12-slim\nCMD ["flask", "--app", "app", "run"]',
        'FROM python:3.12-slim\nCMD ["flask", "--app", "app", "run", "--host", "0.0.0.0"]',
    ),
    Rule(
        "SRV008",
        "port-binding-missing",
        _E,
        "A PaaS `web:` process ignores `$PORT`.",
        "Heroku-style platforms (and App Engine) route to the port in $PORT and stop a web "
        "process that does not bind it within 60 seconds: `Error R10 (Boot timeout) -> Web "
        "process failed to bind to $PORT`. gunicorn without `--bind` is fine (it binds "
        "0.0.0.0:$PORT when PORT is set); a fixed `-b 0.0.0.0:8000`, `flask run`, waitress's "
        "default 8080 or `app.run()` are not. The quick fix binds `0.0.0.0:$PORT`.",
        "web: gunicorn -b 0.0.0.0:8000 app:app",
        "web: gunicorn -b 0.0.0.0:$PORT app:app",
    ),
    Rule(
        "SRV009",
        "gunicorn-on-windows",
        _W,
        "gunicorn on a Windows interpreter.",
        "gunicorn imports fcntl, which Windows lacks: `ModuleNotFoundError: No module named "
        "'fcntl'`. When the workspace interpreter is a Windows one and a local declaration "
        "(launch.json, a Procfile for `heroku local`) runs gunicorn, use waitress there "
        "(`waitress-serve module:app`, `--call` for a factory); keep gunicorn for Linux "
        "deployments. The quick fix adds waitress to the requirements.",
        "web: gunicorn app:app",
        "web: waitress-serve --port=$PORT app:app",
    ),
    Rule(
        "SRV010",
        "flask-env-removed",
        _W,
        "`FLASK_ENV` is set for Flask >= 2.3, which ignores it.",
        "Flask 2.2 deprecated FLASK_ENV and 2.3 removed it: `FLASK_ENV=development` no longer "
        "turns on the debugger and reloader. Checked against the installed Flask, else the "
        "declared one. Silent when the project's own code reads FLASK_ENV "
        '(`os.environ.get("FLASK_ENV")`): then it is the app\'s setting. The quick fix '
        "writes FLASK_DEBUG=1 (FLASK_DEBUG=0 for production).",
        "export FLASK_ENV=development",
        "export FLASK_DEBUG=1",
    ),
    # --- what really happened when the app was started ---------------------------------------
    Rule(
        "RUN001",
        "run-failed",
        _E,
        "Starting the app in a terminal failed here (a traceback's deepest frame in the project).",
        "Not a static check: reported from what the integrated terminal printed when a "
        "command such as `python app.py`, `flask run` or `gunicorn app:app` failed. The "
        "diagnostic sits on the deepest traceback frame inside the project and says why it "
        "failed: the module is not installed, or installed only in another interpreter than "
        "the one the terminal ran; which installed distribution raised and which one lacks a "
        "name. It clears when the app is started again. The same explanation is printed by "
        "`flask-preflight explain` for any saved output.",
        "$ python app.py   # the terminal's python is not the project's .venv\n"
        "ModuleNotFoundError: No module named 'flask'",
        "$ .venv/bin/python app.py",
    ),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}
RULES_BY_NAME: dict[str, Rule] = {rule.name: rule for rule in _RULES}


def resolve_rule_ids(spec: str) -> set[str]:
    """Expand a comma-separated list of ids, names or prefixes ("APP", "DEP00") to rule ids."""
    ids: set[str] = set()
    for raw in spec.split(","):
        token = raw.strip()
        if not token:
            continue
        if token in RULES_BY_NAME:
            ids.add(RULES_BY_NAME[token].id)
            continue
        matched = {rid for rid in RULES if rid.startswith(token.upper())}
        if not matched:
            raise ValueError(f"unknown rule: {token}")
        ids |= matched
    return ids
