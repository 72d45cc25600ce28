"""Entry-point verdicts checked against the real servers.

Every case of the matrix is a small project plus one declaration. The engine resolves the
declaration statically; then the real server is asked, from the directory it would run in:
`gunicorn --check-config` (and, when that passes, gunicorn serving one request over a Unix
socket, because --check-config accepts any callable, e.g. a factory named without `()`),
`flask ... routes`, or waitress-serving one request. Our ok / not-ok must agree with theirs.

gunicorn's --check-config is not the whole truth, in two ways the matrix shows: it accepts a
factory named without `()` (any callable passes; every request then fails with a 500), and
it loads the app before applying --pythonpath, so it refuses targets that gunicorn serves.
Serving one request is the verdict; --check-config must agree except in those two cases.
Then each fix the engine offers is applied and the server asked again: it must now serve.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from flask_preflight.analysis.edits import apply_edits
from flask_preflight.analysis.entrypoints import (
    Declaration,
    check_declaration,
    find_declarations,
)
from flask_preflight.analysis.project import Project

from .conftest import write_tree
from .venvs import make_venv

pytestmark = pytest.mark.oracle

SERVERS = ["flask==3.1.3", "gunicorn==23.0.0", "waitress==3.0.2", "python-dotenv==1.2.1"]
TIMEOUT = 60.0

APP = """\
from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "ok"
"""
APPLICATION = APP.replace("app = Flask", "application = Flask").replace("@app.", "@application.")
FACTORY = """\
from flask import Flask


def create_app(config="default", debug=False):
    app = Flask(__name__)
    app.config["NAME"] = config

    @app.route("/")
    def index():
        return "ok"

    return app
"""
FACTORY_NEEDS_ARG = FACTORY.replace('config="default"', "config")
FACTORY_STAR = FACTORY.replace('config="default", debug=False', "*args, **kwargs").replace(
    "= config", "= args"
)
ALIASED = APP + "\napplication = app\n"
PROXIED = APP + (
    "\nfrom werkzeug.middleware.proxy_fix import ProxyFix\n\napp.wsgi_app = ProxyFix(app.wsgi_app)\n"
)
WSGI_FROM_PACKAGE = "from myproj import create_app\n\napp = create_app()\n"
TWO_APPS = (
    APP.replace("app = Flask", "web = Flask").replace("@app.", "@web.")
    + "\nadmin = Flask('admin')\n"
)
# An app bound only under the main guard: `python app.py` has it, an importing server never.
GUARDED_APP = APP + '\nif __name__ == "__main__":\n    application = Flask(__name__)\n'
GUARDED_ONLY = 'from flask import Flask\n\nif __name__ == "__main__":\n    app = Flask(__name__)\n    app.run()\n'
REEXPORT = "from .views import app\n\n__all__ = ['app']\n"


@dataclass
class Case:
    id: str
    files: dict[str, str]
    server: str  # gunicorn | flask | waitress
    args: list[str]  # the server's arguments (flask: before the subcommand)
    expected_ok: bool
    run_dir: str = ""  # where the command starts (a `cd DIR &&` in the Procfile)
    declare: str = "procfile"  # procfile | dockerfile | files (the case writes its own)
    oracle_dir: str | None = None  # where the real server runs, when not run_dir
    env: dict[str, str] = field(default_factory=dict)


CASES = [
    # gunicorn: MODULE:NAME, bare MODULE (means `application`), calls, packages, layouts
    Case("gunicorn-module-name", {"app.py": APP}, "gunicorn", ["app:app"], True),
    Case("gunicorn-wrong-name", {"app.py": APP}, "gunicorn", ["app:application"], False),
    Case("gunicorn-wrong-case", {"app.py": APP}, "gunicorn", ["app:App"], False),
    Case("gunicorn-bare-module-application", {"app.py": APPLICATION}, "gunicorn", ["app"], True),
    Case("gunicorn-bare-module-without-application", {"app.py": APP}, "gunicorn", ["app"], False),
    Case("gunicorn-alias", {"app.py": ALIASED}, "gunicorn", ["app"], True),
    Case(
        "gunicorn-app-bound-under-main-guard",
        {"app.py": GUARDED_APP},
        "gunicorn",
        ["app:application"],
        False,
    ),
    Case("gunicorn-proxyfix-keeps-app", {"app.py": PROXIED}, "gunicorn", ["app:app"], True),
    Case(
        "gunicorn-factory-without-call",
        {"myapp/__init__.py": FACTORY},
        "gunicorn",
        ["myapp:create_app"],
        False,
    ),
    Case(
        "gunicorn-factory-call",
        {"myapp/__init__.py": FACTORY},
        "gunicorn",
        ["myapp:create_app()"],
        True,
    ),
    Case(
        "gunicorn-factory-literal-args",
        {"myapp/__init__.py": FACTORY},
        "gunicorn",
        ["myapp:create_app('production', debug=False)"],
        True,
    ),
    Case(
        "gunicorn-factory-missing-arg",
        {"myapp/__init__.py": FACTORY_NEEDS_ARG},
        "gunicorn",
        ["myapp:create_app()"],
        False,
    ),
    Case(
        "gunicorn-factory-non-literal-arg",
        {"myapp/__init__.py": FACTORY},
        "gunicorn",
        ["myapp:create_app(config=os.environ)"],
        False,
    ),
    # arguments bound as Python binds them: *args/**kwargs take anything, nothing else does
    Case(
        "gunicorn-factory-star-args-take-anything",
        {"myapp/__init__.py": FACTORY_STAR},
        "gunicorn",
        ["myapp:create_app(1, 'x', debug=True)"],
        True,
    ),
    Case(
        "gunicorn-factory-too-many-args",
        {"myapp/__init__.py": FACTORY},
        "gunicorn",
        ["myapp:create_app('a', True, 3)"],
        False,
    ),
    Case(
        "gunicorn-factory-unknown-keyword",
        {"myapp/__init__.py": FACTORY},
        "gunicorn",
        ["myapp:create_app(mode='x')"],
        False,
    ),
    Case(
        "gunicorn-factory-argument-twice",
        {"myapp/__init__.py": FACTORY},
        "gunicorn",
        ["myapp:create_app('a', config='b')"],
        False,
    ),
    Case("gunicorn-instance-called", {"app.py": APP}, "gunicorn", ["app:app()"], False),
    Case("gunicorn-py-suffix", {"app.py": APP}, "gunicorn", ["app.py:app"], False),
    Case("gunicorn-attribute-expression", {"app.py": APP}, "gunicorn", ["app:app.wsgi_app"], False),
    Case("gunicorn-missing-module", {"app.py": APP}, "gunicorn", ["server:app"], False),
    Case(
        "gunicorn-dotted-package",
        {"pkg/__init__.py": "", "pkg/web.py": APP},
        "gunicorn",
        ["pkg.web:app"],
        True,
    ),
    Case(
        "gunicorn-package-reexport",
        {"pkg/__init__.py": REEXPORT, "pkg/views.py": APP},
        "gunicorn",
        ["pkg:app"],
        True,
    ),
    Case("gunicorn-wrong-cwd", {"src/web.py": APP}, "gunicorn", ["web:app"], False),
    Case("gunicorn-chdir", {"src/web.py": APP}, "gunicorn", ["--chdir", "src", "web:app"], True),
    Case(
        "gunicorn-pythonpath",
        {"src/web.py": APP},
        "gunicorn",
        ["--pythonpath", "src", "web:app"],
        True,
    ),
    Case("gunicorn-cd-first", {"src/web.py": APP}, "gunicorn", ["web:app"], True, run_dir="src"),
    Case(
        "gunicorn-src-layout-chdir",
        {"src/myproj/__init__.py": FACTORY},
        "gunicorn",
        ["--chdir", "src", "myproj:create_app()"],
        True,
    ),
    Case(
        "gunicorn-src-layout-from-root",
        {"src/myproj/__init__.py": FACTORY},
        "gunicorn",
        ["myproj:create_app()"],
        False,
    ),
    Case(
        "gunicorn-src-layout-wsgi",
        {"src/myproj/__init__.py": FACTORY, "src/wsgi.py": WSGI_FROM_PACKAGE},
        "gunicorn",
        ["wsgi:app"],
        True,
        run_dir="src",
    ),
    Case(
        "gunicorn-config-wsgi-app",
        {"app.py": APP, "gunicorn.conf.py": 'wsgi_app = "app:app"\nworkers = 1\n'},
        "gunicorn",
        ["-c", "gunicorn.conf.py"],
        True,
    ),
    Case(
        "gunicorn-config-wrong-wsgi-app",
        {"app.py": APP, "gunicorn.conf.py": 'wsgi_app = "app:server"\n'},
        "gunicorn",
        ["-c", "gunicorn.conf.py"],
        False,
    ),
    Case(
        "gunicorn-config-chdir",
        {"src/web.py": APP, "gunicorn.conf.py": 'chdir = "src"\n'},
        "gunicorn",
        ["web:app"],
        True,
    ),
    Case(
        "dockerfile-workdir",
        {
            "app.py": APP,
            "Dockerfile": 'FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nCMD ["gunicorn", "app:app"]\n',
        },
        "gunicorn",
        ["app:app"],
        True,
        declare="files",
    ),
    Case(
        "dockerfile-copies-src",
        {
            "src/web.py": APP,
            "Dockerfile": "FROM python:3.12-slim\nWORKDIR /code\nCOPY src/ /code/\nCMD gunicorn web:app\n",
        },
        "gunicorn",
        ["web:app"],
        True,
        declare="files",
        oracle_dir="src",
    ),
    Case(
        "dockerfile-entrypoint-and-cmd",
        {
            "myapp/__init__.py": FACTORY,
            "Dockerfile": 'FROM python\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["gunicorn", "--workers", "1"]\nCMD ["myapp:create_app"]\n',
        },
        "gunicorn",
        ["--workers", "1", "myapp:create_app"],
        False,
        declare="files",
    ),
    Case(
        "dockerfile-no-workdir",
        {
            "app.py": APP,
            "Dockerfile": 'FROM python:3.12-slim\nCOPY . /app\nCMD ["gunicorn", "app:app"]\n',
        },
        "gunicorn",
        ["app:app"],
        False,
        declare="files",
        oracle_dir="<empty>",
    ),
    # waitress-serve: MODULE:OBJECT, --call for factories
    Case("waitress-instance", {"app.py": APP}, "waitress", ["app:app"], True),
    Case(
        "waitress-factory-without-call",
        {"myapp/__init__.py": FACTORY},
        "waitress",
        ["myapp:create_app"],
        False,
    ),
    Case(
        "waitress-factory-call",
        {"myapp/__init__.py": FACTORY},
        "waitress",
        ["--call", "myapp:create_app"],
        True,
    ),
    # flask: --app grammar and Flask's own discovery
    Case("flask-app-module", {"app.py": APP}, "flask", ["--app", "app"], True),
    Case(
        "flask-app-only-under-main-guard",
        {"app.py": GUARDED_ONLY},
        "flask",
        ["--app", "app"],
        False,
    ),
    Case("flask-app-module-name", {"app.py": APP}, "flask", ["--app", "app:app"], True),
    Case(
        "flask-factory-name",
        {"myapp/__init__.py": FACTORY},
        "flask",
        ["--app", "myapp:create_app"],
        True,
    ),
    Case(
        "flask-factory-args",
        {"myapp/__init__.py": FACTORY},
        "flask",
        ["--app", "myapp:create_app('testing')"],
        True,
    ),
    Case(
        "flask-factory-too-many-args",
        {"myapp/__init__.py": FACTORY},
        "flask",
        ["--app", "myapp:create_app('a', True, 3)"],
        False,
    ),
    Case(
        "flask-factory-star-args-take-anything",
        {"myapp/__init__.py": FACTORY_STAR},
        "flask",
        ["--app", "myapp:create_app(1, debug=True)"],
        True,
    ),
    Case(
        "flask-factory-discovered",
        {"myapp/__init__.py": FACTORY},
        "flask",
        ["--app", "myapp"],
        True,
    ),
    Case(
        "flask-factory-needs-args",
        {"myapp/__init__.py": FACTORY_NEEDS_ARG},
        "flask",
        ["--app", "myapp"],
        False,
    ),
    Case("flask-path-form", {"src/web.py": APP}, "flask", ["--app", "src/web.py"], True),
    Case(
        "flask-path-package",
        {"src/myproj/__init__.py": FACTORY},
        "flask",
        ["--app", "src/myproj"],
        True,
    ),
    Case("flask-wrong-cwd", {"src/web.py": APP}, "flask", ["--app", "web"], False),
    Case("flask-missing-attribute", {"app.py": APP}, "flask", ["--app", "app:server"], False),
    Case("flask-default-app-py", {"app.py": APP}, "flask", [], True),
    Case("flask-default-wsgi-py", {"wsgi.py": APPLICATION}, "flask", [], True),
    Case("flask-default-nothing", {"main.py": APP}, "flask", [], False),
    Case("flask-default-two-apps", {"app.py": TWO_APPS}, "flask", [], False),
    Case(
        "flask-flaskenv",
        {"myapp/__init__.py": FACTORY, ".flaskenv": "FLASK_APP=myapp\n"},
        "flask",
        [],
        True,
    ),
    Case(
        "flask-flaskenv-wrong",
        {"app.py": APP, ".flaskenv": "FLASK_APP=application\n"},
        "flask",
        [],
        False,
    ),
]

# Deploy context (issue 10): configs gunicorn imports, boot scripts, re-exports, moved modules.
STAR_CORE = APP + '\n__all__ = ["app"]\n'
BOOT = '#!/bin/sh\nset -e\nexport MODULE=web\ncase "$1" in\n  *) exec gunicorn "$MODULE:NAME" ;;\nesac\n'
BOOT_DOCKERFILE = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["./boot.sh"]\n'
CASES += [
    Case(
        "gunicorn-config-python-module",
        {
            "conf/__init__.py": "",
            "conf/gun.py": 'wsgi_app = "pkg.web:app"\n',
            "pkg/__init__.py": "",
            "pkg/web.py": APP,
            "Procfile": "web: gunicorn -c python:conf.gun\n",
        },
        "gunicorn",
        ["-c", "python:conf.gun"],
        True,
        declare="files",
    ),
    Case(
        "gunicorn-config-python-module-wrong-name",
        {
            "conf/__init__.py": "",
            "conf/gun.py": 'wsgi_app = "pkg.web:application"\n',
            "pkg/__init__.py": "",
            "pkg/web.py": APP,
            "Procfile": "web: gunicorn -c python:conf.gun\n",
        },
        "gunicorn",
        ["-c", "python:conf.gun"],
        False,
        declare="files",
    ),
    Case(
        "boot-script-exec-gunicorn",
        {"web.py": APP, "boot.sh": BOOT.replace("NAME", "app"), "Dockerfile": BOOT_DOCKERFILE},
        "gunicorn",
        ["web:app"],
        True,
        declare="files",
    ),
    Case(
        "boot-script-exec-gunicorn-wrong-name",
        {
            "web.py": APP,
            "boot.sh": BOOT.replace("NAME", "application"),
            "Dockerfile": BOOT_DOCKERFILE,
        },
        "gunicorn",
        ["web:application"],
        False,
        declare="files",
    ),
    Case(
        "gunicorn-star-reexport",
        {
            "pkg/__init__.py": "from .api import *\n",
            "pkg/api.py": "from .core import *\n",
            "pkg/core.py": STAR_CORE,
        },
        "gunicorn",
        ["pkg:app"],
        True,
    ),
    Case(
        "gunicorn-star-reexport-hidden-by-all",
        {
            "pkg/__init__.py": "from .core import *\n",
            "pkg/core.py": STAR_CORE.replace('["app"]', '["other"]') + "other = 1\n",
        },
        "gunicorn",
        ["pkg:app"],
        False,
    ),
    Case(
        "flask-star-reexport",
        {"pkg/__init__.py": "from .core import *\n", "pkg/core.py": STAR_CORE},
        "flask",
        ["--app", "pkg:app"],
        True,
    ),
    Case(
        "gunicorn-target-imports-a-moved-module",
        {
            "wsgi.py": "from pkg.factory import create_app\n" + APP,
            "pkg/__init__.py": "",
            "pkg/core.py": APP,
        },
        "gunicorn",
        ["wsgi:app"],
        False,
    ),
]


def _by_id() -> dict[str, Case]:
    return {case.id: case for case in CASES}


@pytest.fixture(scope="module")
def servers() -> Path:
    return make_venv("servers", SERVERS)


def _clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "GUNICORN_", "PYTHON"))
    }
    env.pop("PORT", None)
    env.pop("VIRTUAL_ENV", None)
    env.update(extra or {})
    return env


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str):
        super().__init__("localhost", timeout=10)
        self.socket_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(10)
        sock.connect(self.socket_path)
        self.sock = sock


def _living_in_group(pgid: int) -> list[int]:
    """Processes of the group that are still alive (zombies waiting for a reaper are not)."""
    alive = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != b"Z":
            alive.append(int(entry))
    return alive


def _stop_group(proc: subprocess.Popen[bytes]) -> None:
    """End a server started with start_new_session=True and everything it started (`sh -c`
    starts `flask run` as its child; gunicorn its workers): the whole process group, then
    check that nothing of it survives."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            continue
        deadline = time.monotonic() + 10
        while _living_in_group(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if not _living_in_group(proc.pid):
            return
    raise AssertionError(f"processes survive their server: {_living_in_group(proc.pid)}")


def _serve_one_request(argv: list[str], cwd: Path, sock: str) -> tuple[bool, str]:
    """Start a server on a Unix socket, ask for `/`, and say whether it answered < 500."""
    log = Path(sock + ".log")
    with open(log, "wb") as output:
        proc = subprocess.Popen(
            argv, cwd=cwd, stdout=output, stderr=subprocess.STDOUT, env=_clean_env(),
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                return False, log.read_text(errors="replace")
            if os.path.exists(sock):
                try:
                    connection = UnixHTTPConnection(sock)
                    connection.request("GET", "/")
                    status = connection.getresponse().status
                    connection.close()
                    return status < 500, f"HTTP {status}\n" + log.read_text(errors="replace")
                except (ConnectionError, FileNotFoundError, OSError):
                    pass  # the socket exists before the worker accepts
            time.sleep(0.05)
        raise AssertionError(f"{argv} neither served nor exited: {log.read_text(errors='replace')}")
    finally:
        _stop_group(proc)


def oracle(
    servers: Path, server: str, args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> tuple[bool, str]:
    """(does the real server load and serve the app, what it printed)."""
    bin_dir = servers / "bin"
    if server == "flask":
        result = subprocess.run(
            [str(bin_dir / "flask"), *args, "routes"],
            cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, env=_clean_env(env),
        )  # fmt: skip
        return result.returncode == 0, result.stdout + result.stderr
    short = tempfile.mkdtemp(prefix="ep", dir="/tmp")  # Unix socket paths are short
    try:
        sock = os.path.join(short, "s")
        if server == "gunicorn":
            check = subprocess.run(
                [str(bin_dir / "gunicorn"), "--check-config", *args],
                cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, env=_clean_env(env),
            )  # fmt: skip
            argv = [str(bin_dir / "gunicorn"), "--bind", f"unix:{sock}", "--workers", "1", *args]
            served, output = _serve_one_request(argv, cwd, sock)
            checked = check.returncode == 0
            if checked != served:
                conf = cwd / "gunicorn.conf.py"
                pythonpath = "--pythonpath" in args or (
                    conf.exists() and "pythonpath" in conf.read_text()
                )
                quirk = pythonpath if served else "create_app" in " ".join(args)
                assert quirk, f"--check-config says {checked}, serving says {served}: {output}"
            return served, check.stdout + check.stderr + output

        argv = [str(bin_dir / "waitress-serve"), f"--unix-socket={sock}", *args]
        return _serve_one_request(argv, cwd, sock)
    finally:
        shutil.rmtree(short, ignore_errors=True)


def procfile_line(case: Case) -> str:
    program = "waitress-serve" if case.server == "waitress" else case.server
    command = shlex.join([program, *case.args, *(["run"] if case.server == "flask" else [])])
    return f"web: cd {case.run_dir} && {command}" if case.run_dir else f"web: {command}"


def build(case: Case, root: Path) -> Project:
    files = dict(case.files)
    if case.declare == "procfile":
        files["Procfile"] = procfile_line(case) + "\n"
    write_tree(root, {path: textwrap.dedent(text) for path, text in files.items()})
    return Project(root)


def the_declaration(project: Project, case: Case) -> Declaration:
    found = [
        d
        for d in find_declarations(project)
        if d.server == case.server and d.process != "FLASK_APP"
    ]
    assert len(found) == 1, found
    return found[0]


def oracle_dir(case: Case, root: Path) -> Path:
    where = case.oracle_dir if case.oracle_dir is not None else case.run_dir
    if where == "<empty>":
        empty = root.parent / f"{root.name}-empty"
        empty.mkdir(exist_ok=True)
        return empty  # a container folder nothing was copied to
    return root / where if where else root


def test_the_matrix_covers_the_grammar() -> None:
    assert len(CASES) >= 25
    assert {c.server for c in CASES} == {"gunicorn", "flask", "waitress"}
    assert sum(c.expected_ok for c in CASES) >= 10
    assert sum(not c.expected_ok for c in CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_verdict_agrees_with_the_real_server(case: Case, servers: Path, tmp_path: Path) -> None:
    root = tmp_path / "project"
    project = build(case, root)
    declaration = the_declaration(project, case)
    verdict = check_declaration(project, declaration)
    assert verdict.status != "unknown", verdict.message
    served, output = oracle(servers, case.server, case.args, oracle_dir(case, root), case.env)
    assert served == case.expected_ok, output
    assert verdict.ok == served, f"ours: {verdict.status}: {verdict.message}\nserver: {output}"


FIXABLE = [c for c in CASES if not c.expected_ok and c.declare == "procfile"]


def _argv_after(program: str, line: str) -> tuple[str, list[str]]:
    """(cd dir, server args) from a Procfile line, split as the shell would."""
    command = line.split(":", 1)[1].strip()
    run_dir = ""
    if command.startswith("cd "):
        cd, _, command = command.partition("&&")
        run_dir = shlex.split(cd)[1]
    words = shlex.split(command)
    assert words[0] == program, words
    args = words[1:]
    if program == "flask":
        assert args[-1] == "run", args
        args = args[:-1]
    return run_dir, args


@pytest.mark.parametrize("case", FIXABLE, ids=[c.id for c in FIXABLE])
def test_the_fix_makes_the_real_server_serve(case: Case, servers: Path, tmp_path: Path) -> None:
    root = tmp_path / "project"
    project = build(case, root)
    declaration = the_declaration(project, case)
    verdict = check_declaration(project, declaration)
    assert not verdict.ok
    if not verdict.fixes:
        # Only where no app in the project can be named this way (a factory that needs an
        # argument; a server told to call an app that takes none).
        assert case.id in NO_FIX, verdict.message
        return
    assert case.id not in NO_FIX
    fix = verdict.fixes[0]
    for path in {edit.path for edit in fix.edits}:
        text = (root / path).read_text()
        (root / path).write_text(apply_edits(text, [e for e in fix.edits if e.path == path]))
    fixed = Project(root)
    assert check_declaration(fixed, the_declaration(fixed, case)).ok
    program = "waitress-serve" if case.server == "waitress" else case.server
    line = (root / "Procfile").read_text().splitlines()[0]
    run_dir, args = _argv_after(program, line)
    served, output = oracle(
        servers, case.server, args, root / run_dir if run_dir else root, case.env
    )
    assert served, f"{line}\n{output}"


NO_FIX = {
    "gunicorn-target-imports-a-moved-module",  # the import to repair is in wsgi.py
    "gunicorn-factory-missing-arg",
    "flask-factory-needs-args",
    "flask-app-only-under-main-guard",  # the only app exists under `python app.py` alone
}


def test_flaskenv_is_ignored_without_python_dotenv(tmp_path: Path, servers: Path) -> None:
    """Flask reads .flaskenv only through python-dotenv: without it, FLASK_APP there is
    ignored and discovery (wsgi.py, app.py) fails. Our verdict follows the interpreter."""
    bare = make_venv("flask", ["flask==3.1.3"])
    launch = '{"configurations": [{"type": "debugpy", "module": "flask", "args": ["run"]}]}'
    write_tree(
        tmp_path, {"web.py": APP, ".flaskenv": "FLASK_APP=web\n", ".vscode/launch.json": launch}
    )
    for venv, expected in ((bare, False), (servers, True)):
        project = Project(tmp_path, interpreter=str(venv / "bin" / "python"))
        [declaration] = [d for d in find_declarations(project) if d.process == "launch"]
        verdict = check_declaration(project, declaration)
        result = subprocess.run(
            [str(venv / "bin" / "flask"), "routes"],
            cwd=tmp_path, capture_output=True, text=True, timeout=TIMEOUT, env=_clean_env(),
        )  # fmt: skip
        assert (result.returncode == 0) == expected, result.stderr
        assert verdict.ok == expected, verdict.message


# --- reachability: SRV007 and SRV008 fixes, with the real development server ---------------
#
# Linux routes all of 127.0.0.0/8 to the loopback device, but a socket bound to 127.0.0.1 only
# accepts connections addressed to 127.0.0.1. Connecting to 127.0.0.2 therefore stands in for
# "from outside the container": it reaches a server bound to 0.0.0.0 and never one bound to
# 127.0.0.1, on any Linux machine.
OUTSIDE = "127.0.0.2"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers_from_outside(argv: list[str], cwd: Path, port: int, env: dict[str, str]) -> bool:
    """Start the server; once it says it is running (or exits), ask 127.0.0.2:port for `/`."""
    log = cwd / f"server-{port}.log"
    with open(log, "wb") as output:
        proc = subprocess.Popen(
            argv, cwd=cwd, stdout=output, stderr=subprocess.STDOUT, env=_clean_env(env),
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + TIMEOUT
        while "Running on" not in log.read_text(errors="replace"):
            if proc.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        try:
            connection = http.client.HTTPConnection(OUTSIDE, port, timeout=10)
            connection.request("GET", "/")
            status = connection.getresponse().status
            connection.close()
            return status == 200
        except OSError:
            return False
    finally:
        _stop_group(proc)


def _apply_first(root: Path, rule: str) -> None:
    from flask_preflight.analysis.registry import run_checks

    [finding] = [f for f in run_checks(Project(root)) if f.rule == rule]
    for path in {e.path for e in finding.fixes[0].edits}:
        text = (root / path).read_text()
        (root / path).write_text(
            apply_edits(text, [e for e in finding.fixes[0].edits if e.path == path])
        )
    assert [f for f in run_checks(Project(root)) if f.rule == rule] == []


def test_srv007_fix_makes_the_container_reachable(tmp_path: Path, servers: Path) -> None:
    import json

    port = _free_port()
    cmd = ["flask", "--app", "app", "run", "--port", str(port)]
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "Dockerfile": f"FROM python\nWORKDIR /app\nCOPY . .\nCMD {json.dumps(cmd)}\n",
        },
    )

    def container_argv() -> list[str]:
        line = (tmp_path / "Dockerfile").read_text().splitlines()[-1]
        argv = json.loads(line.removeprefix("CMD "))
        return [str(servers / "bin" / argv[0]), *argv[1:]]

    assert not _answers_from_outside(container_argv(), tmp_path, port, {})
    _apply_first(tmp_path, "SRV007")
    assert _answers_from_outside(container_argv(), tmp_path, port, {})


def test_srv008_fix_binds_the_platform_port(tmp_path: Path, servers: Path) -> None:
    port = _free_port()
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: flask --app app run\n"})
    env = {"PORT": str(port), "PATH": f"{servers / 'bin'}{os.pathsep}{os.environ['PATH']}"}

    def web() -> list[str]:
        command = (tmp_path / "Procfile").read_text().splitlines()[0].removeprefix("web: ")
        return ["sh", "-c", command]  # a PaaS runs Procfile lines with a shell

    assert not _answers_from_outside(web(), tmp_path, port, env)
    _apply_first(tmp_path, "SRV008")
    assert _answers_from_outside(web(), tmp_path, port, env)


# --- APP007: the reloader really runs module-level code twice ---------------------------------

RELOADED = """\
import threading

from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "ok"


def record():
    with open("starts.log", "a") as log:
        log.write("started\\n")


threading.Thread(target=record).start()

if __name__ == "__main__":
    app.run(port=PORT, debug=True)
"""


def _starts_when_serving(python: Path, root: Path, port: int) -> int:
    """Run `python app.py` until it answers, then count the module-level thread's starts."""
    (root / "starts.log").unlink(missing_ok=True)
    proc = subprocess.Popen(
        [str(python), "app.py"], cwd=root, env=_clean_env(),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            assert proc.poll() is None, "python app.py exited"
            assert time.monotonic() < deadline, "python app.py never answered"
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.05)
        return (root / "starts.log").read_text().count("started")
    finally:
        # The reloader's child shares the session: end both, and nothing else.
        _stop_group(proc)


def test_app007_fix_makes_module_level_work_run_once(tmp_path: Path, servers: Path) -> None:
    port = _free_port()
    write_tree(tmp_path, {"app.py": RELOADED.replace("PORT", str(port))})
    python = servers / "bin" / "python"
    assert _starts_when_serving(python, tmp_path, port) == 2
    _apply_first(tmp_path, "APP007")
    assert "use_reloader=False" in (tmp_path / "app.py").read_text()
    assert _starts_when_serving(python, tmp_path, port) == 1


# --- APP005: the debugger really is served to other hosts, until the fix --------------------

BROKEN_PAGE = """\
from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    raise RuntimeError("boom")


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=PORT, debug=True)
"""


def _page_from_outside(python: Path, root: Path, port: int) -> tuple[int, str]:
    proc = subprocess.Popen(
        [str(python), "app.py"], cwd=root, env=_clean_env(),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            assert proc.poll() is None, "python app.py exited"
            assert time.monotonic() < deadline, "python app.py never answered"
            try:
                connection = http.client.HTTPConnection(OUTSIDE, port, timeout=5)
                connection.request("GET", "/")
                response = connection.getresponse()
                return response.status, response.read().decode(errors="replace")
            except OSError:
                time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)


def test_app005_fix_stops_serving_the_debugger_to_other_hosts(
    tmp_path: Path, servers: Path
) -> None:
    port = _free_port()
    write_tree(tmp_path, {"app.py": BROKEN_PAGE.replace("PORT", str(port))})
    python = servers / "bin" / "python"
    status, page = _page_from_outside(python, tmp_path, port)
    assert status == 500 and "Werkzeug Debugger" in page  # its console runs any Python
    _apply_first(tmp_path, "APP005")
    status, page = _page_from_outside(python, tmp_path, port)
    assert status == 500 and "Werkzeug Debugger" not in page


# --- SRV010: Flask 3 really ignores FLASK_ENV ----------------------------------------------


def _debug_mode(servers: Path, root: Path) -> str:
    """What `flask run` (reading .flaskenv through python-dotenv) says about debug mode."""
    port = _free_port()
    log = root / "run.log"
    with open(log, "wb") as output:
        proc = subprocess.Popen(
            [str(servers / "bin" / "flask"), "run", "--port", str(port)], cwd=root,
            stdout=output, stderr=subprocess.STDOUT, env=_clean_env(), start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + TIMEOUT
        while "Debug mode:" not in log.read_text(errors="replace"):
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        line = next(x for x in log.read_text().splitlines() if "Debug mode:" in x)
        return line.split("Debug mode:")[1].strip()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)


def test_srv010_fix_turns_debug_mode_on(tmp_path: Path, servers: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, ".flaskenv": "FLASK_APP=app\nFLASK_ENV=development\n"})
    assert _debug_mode(servers, tmp_path) == "off"
    _apply_first(tmp_path, "SRV010")
    assert _debug_mode(servers, tmp_path) == "on"


# --- SRV005: the deployment installs the requirements, then runs the server ------------------


def test_srv005_fix_puts_the_server_in_the_deployed_environment(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "Procfile": "web: gunicorn app:app\n",
            "requirements.txt": "flask==3.1.3\n",
        },
    )

    def deploy() -> Path:
        # What a buildpack does: a fresh environment from requirements.txt, nothing else.
        lines = (tmp_path / "requirements.txt").read_text().splitlines()
        return make_venv("flask", [line for line in lines if line.strip()])

    assert not (deploy() / "bin" / "gunicorn").exists()  # `gunicorn: command not found`
    _apply_first(tmp_path, "SRV005")
    venv = deploy()
    short = tempfile.mkdtemp(prefix="ep", dir="/tmp")  # Unix socket paths are short
    try:
        sock = os.path.join(short, "s")
        argv = [str(venv / "bin" / "gunicorn"), "--bind", f"unix:{sock}", "app:app"]
        served, output = _serve_one_request(argv, tmp_path, sock)
    finally:
        shutil.rmtree(short, ignore_errors=True)
    assert served, output


def test_flask_app_option_after_the_command(tmp_path: Path, servers: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: flask run --app app\n"})
    project = Project(tmp_path)
    [declaration] = find_declarations(project)
    verdict = check_declaration(project, declaration)
    result = subprocess.run(
        [str(servers / "bin" / "flask"), "run", "--app", "app"],
        cwd=tmp_path, capture_output=True, text=True, timeout=TIMEOUT, env=_clean_env(),
    )  # fmt: skip
    assert result.returncode != 0
    printed = result.stderr.strip().splitlines()[-1]
    assert verdict.rule == "SRV004" and printed in verdict.message


def test_unquoted_factory_call_in_a_procfile(tmp_path: Path, servers: Path) -> None:
    """`web: gunicorn app:create_app()` never reaches gunicorn: the shell refuses the `(`."""
    write_tree(tmp_path, {"app.py": FACTORY, "Procfile": "web: gunicorn app:create_app()\n"})
    project = Project(tmp_path)
    [declaration] = find_declarations(project)
    verdict = check_declaration(project, declaration)
    assert verdict.rule == "SRV004"
    env = {"PATH": f"{servers / 'bin'}{os.pathsep}{os.environ['PATH']}"}

    def run_line() -> subprocess.CompletedProcess[str]:
        line = (tmp_path / "Procfile").read_text().splitlines()[0].removeprefix("web: ")
        command = line.replace("gunicorn", "gunicorn --check-config", 1)
        return subprocess.run(
            ["sh", "-c", command], cwd=tmp_path, capture_output=True, text=True,
            timeout=TIMEOUT, env=_clean_env(env),
        )  # fmt: skip

    before = run_line()
    assert before.returncode != 0 and "syntax error" in before.stderr.lower()
    _apply_first(tmp_path, "SRV004")
    assert (tmp_path / "Procfile").read_text() == "web: gunicorn 'app:create_app()'\n"
    after = run_line()
    assert after.returncode == 0, after.stderr
