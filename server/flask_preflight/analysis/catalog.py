"""The one rule catalog: id, name, default severity and the documentation of every rule."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Severity

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
    # --- dependencies ----------------------------------------------------------------------
    Rule(
        "DEP001",
        "requirement-not-installed",
        _E,
        "A declared requirement is not installed in the workspace interpreter.",
        "Importing it fails with `ModuleNotFoundError`. Install the requirements into the "
        "workspace interpreter. Markers are evaluated for that interpreter's Python version and "
        "platform; dev/optional groups and constraints files are not required.",
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
        "provides it and declare it in the requirements. The standard library of the target "
        "Python version, the project's own modules (also under src/), relative imports, imports "
        "under `try: ... except ImportError` and version/platform branches are not reported.",
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
        "only when the installed Flask is a release without the API.",
        "from flask import Markup, escape\n\n\n@app.before_first_request\ndef setup(): ...",
        "from markupsafe import Markup, escape\n\nwith app.app_context():\n    setup()",
    ),
    Rule(
        "DEP007",
        "dotenv-not-installed",
        _W,
        "`.env`/`.flaskenv` exists but python-dotenv is not installed: Flask ignores them.",
        "`flask run` loads these files only when python-dotenv is installed, so settings such "
        "as FLASK_APP silently do not apply. Install python-dotenv.",
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
        "`python app.py`.",
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
        'app.run()\n\n@app.route("/about")\ndef about(): ...',
        '@app.route("/about")\ndef about(): ...\n\nif __name__ == "__main__":\n    app.run()',
    ),
    Rule(
        "APP005",
        "debug-enabled-in-production",
        _W,
        "`debug=True` is hard-coded where a production server is declared.",
        "The Werkzeug debugger lets anyone who can reach the app run Python code on the "
        "server. It is an error when the app listens on a public host. Read debug from the "
        "environment instead.",
        'app.run(host="0.0.0.0", debug=True)',
        'app.run(debug=os.environ.get("FLASK_DEBUG") == "1")',
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
        "With the reloader, Flask imports the module in a parent and a child process: threads "
        "and schedulers start twice, and a second bind fails with `Address already in use`. "
        "Start them in the guard, or check `WERKZEUG_RUN_MAIN`.",
    ),
    # --- servers and entry points -----------------------------------------------------------
    Rule(
        "SRV001",
        "entrypoint-module-not-found",
        _E,
        "A WSGI target's module does not resolve from the server's working directory.",
        "The server fails at boot with `ModuleNotFoundError` and the platform answers 502. "
        "Fix the module path or the working directory (`--chdir`, WORKDIR).",
    ),
    Rule(
        "SRV002",
        "entrypoint-attribute-not-found",
        _E,
        "The target's module has no such attribute.",
        "gunicorn exits with `Failed to find attribute 'NAME' in 'MODULE'.` Name the variable "
        "that holds the app.",
    ),
    Rule(
        "SRV003",
        "entrypoint-not-an-app",
        _E,
        "The target's attribute is not a WSGI app (e.g. a factory named without `()`).",
        "gunicorn calls the attribute as a WSGI app; a factory receives (environ, "
        "start_response) and fails on the first request. Call the factory: `module:create_app()`.",
    ),
    Rule(
        "SRV004",
        "entrypoint-invalid-syntax",
        _E,
        "The target cannot be parsed by the server that will read it.",
        "The server refuses the target at start. Use `module:variable` or `module:factory()`.",
    ),
    Rule(
        "SRV005",
        "server-not-installed",
        _E,
        "gunicorn/uwsgi/waitress is named in a deploy file but absent or undeclared.",
        "The deploy fails with `command not found` or `No module named gunicorn`. Add it to the "
        "requirements.",
    ),
    Rule(
        "SRV006",
        "flask-app-not-located",
        _E,
        "`flask run` / FLASK_APP / `--app` cannot locate the app from where it runs.",
        "`flask run` exits with `Error: Could not locate a Flask application.` Point --app at "
        "the module (and factory) that builds the app.",
    ),
    Rule(
        "SRV007",
        "container-loopback-bind",
        _E,
        "The app listens on 127.0.0.1 inside a container: unreachable from outside.",
        "Port publishing forwards to the container's external interface; a server bound to "
        "loopback never sees the connection. Bind 0.0.0.0 inside the container.",
    ),
    Rule(
        "SRV008",
        "port-binding-missing",
        _E,
        "A PaaS `web:` process ignores `$PORT`.",
        "The platform routes to $PORT and kills the process when nothing listens there "
        "(Heroku R10 boot timeout). Bind `0.0.0.0:$PORT`.",
    ),
    Rule(
        "SRV009",
        "gunicorn-on-windows",
        _W,
        "gunicorn on a Windows interpreter.",
        "gunicorn imports fcntl, which Windows lacks: `ModuleNotFoundError: No module named "
        "'fcntl'`. Use waitress on Windows.",
    ),
    Rule(
        "SRV010",
        "flask-env-removed",
        _W,
        "`FLASK_ENV` is set for Flask >= 2.3, which ignores it.",
        "Flask 2.3 removed FLASK_ENV: the debugger and reloader stay off. Use FLASK_DEBUG=1.",
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
