"""SRV001-SRV010: will the declared server find the app, be installed, and be reachable."""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Iterator

from ..catalog import RULES
from ..entrypoints import (
    Declaration,
    check_declaration,
    declaration_problems,
    find_declarations,
)
from ..entrypoints.formats.dockerfile import is_dockerfile, plain_base, read_stages
from ..entrypoints.formats.dotenv_files import DOTENV_NAMES, read_dotenv
from ..entrypoints.formats.launch_json import is_launch_json
from ..environment.model import Environment
from ..environment.project_environment import project_environment
from ..flask_apps import find_flask_apps
from ..model import Finding, Fix, Position, Range, TextEdit
from ..project import Project
from ..python_edits import preferred_quote
from ..registry import project_check
from ..requirements import DeclaredRequirements, declared_requirements

SERVER_PACKAGES = {"gunicorn": "gunicorn", "uwsgi": "uwsgi", "waitress": "waitress"}
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


def _finding(rule: str, path: str, rng: Range, message: str, *fixes: Fix) -> Finding:
    return Finding(rule, RULES[rule].severity, path, rng, message, tuple(fixes))


@project_check("SRV001", "SRV002", "SRV003", "SRV004", "SRV006")
def check_targets(project: Project) -> Iterator[Finding]:
    for declaration in find_declarations(project):
        verdict = check_declaration(project, declaration)
        if verdict.rule is None:
            continue
        yield _finding(
            verdict.rule, declaration.source, declaration.range, verdict.message, *verdict.fixes
        )
    for problem in declaration_problems(project):
        if problem.template:
            continue  # a template is not expected to parse before it is filled in
        yield _finding(
            "SRV004",
            problem.source,
            problem.range,
            f"{problem.reason}. Its tool will refuse it too, and the entry points it declares "
            "cannot be checked.",
        )


# --- SRV005 ---------------------------------------------------------------------------------


def _environment(project: Project) -> Environment | None:
    try:
        return project_environment(project)
    except Exception as error:  # a bug: shown as one; SRV005/SRV010 go on with what is declared
        project.record_error("reading the environment", error)
        return None


def _declared(project: Project) -> DeclaredRequirements | None:
    try:
        return declared_requirements(project)
    except Exception as error:  # a bug: shown as one; the checks go on without the requirements
        project.record_error("reading the declared requirements", error)
        return None


def _add_requirement_fix(project: Project, package: str) -> Fix | None:
    declared = _declared(project)
    path = declared.main_file() if declared is not None else None
    if path is None:
        if project.exists("requirements.txt") or not project.exists("pyproject.toml"):
            path = "requirements.txt"
        else:
            return None
    source = project.source(path)
    text = source.text if source is not None else ""
    newline = source.newline if source is not None else "\n"
    end = source.end_position() if source is not None else Range.line_start(0).start
    prefix = "" if not text or text.endswith(("\n", "\r")) else newline
    return Fix(
        f"Add {package} to {path}",
        (TextEdit(path, Range(end, end), f"{prefix}{package}{newline}"),),
        safe=True,
    )


def _windows(project: Project) -> bool:
    env = _environment(project)
    if env is not None and env.platform.get("sys_platform") == "win32":
        return True
    interpreter = project.interpreter or ""
    return interpreter.lower().endswith(".exe") or "\\" in interpreter


def _image_installs(project: Project, package: str) -> bool:
    """A Dockerfile that installs the server itself: `RUN pip install gunicorn`, or the
    distribution's package (`apt-get install uwsgi uwsgi-plugin-python3`, `apk add
    py3-gunicorn`), which puts the server on PATH without any pip requirement."""
    pattern = re.compile(
        rf"\b(?:pip3?|uv pip|pipenv|poetry)\b[^\n]*\b(?:install|add)\b[^\n]*\b{package}\b"
        rf"|\b(?:apt-get|apt|apk|yum|dnf|microdnf|zypper)\b[^\n]*\b(?:install|add)\b[^\n]*"
        rf"(?<![\w.-])(?:python3?-|py3-)?{package}(?![\w.-])"
    )
    for path in project.files():
        if is_dockerfile(path):
            text = project.read_text(path) or ""
            if pattern.search(text.replace("\\\n", " ")):
                return True
            source = project.source(path)
            stages = read_stages(source, posixpath.dirname(path)) if source is not None else []
            if stages and stages[-1].base_image and not plain_base(stages[-1].base_image):
                # Built on an image made elsewhere (`FROM base`, `FROM org/flask-uwsgi`):
                # whether it already holds the server is not in these files.
                return True
    return False


@project_check("SRV005")
def check_server_installed(project: Project) -> Iterator[Finding]:
    declared = _declared(project)
    env = _environment(project)
    reported: set[tuple[str, str]] = set()
    for declaration in find_declarations(project):
        package = SERVER_PACKAGES.get(declaration.server)
        if package is None or declaration.unknown or declaration.unstarted:
            # (A config file nothing in the project starts, such as a sample uwsgi.ini in
            # contrib/: how its server gets installed is not in these files.)
            continue
        where = declaration.command_file
        rng = declaration.program_range or declaration.range
        if (where, package) in reported:
            continue
        if declaration.context in ("container", "paas", "systemd"):
            # The deployment installs what the project declares.
            if declared is None or not declared.files:
                continue
            if declaration.context == "container" and _image_installs(project, package):
                continue
            if declared.declared(package) is None:
                reported.add((where, package))
                fix = _add_requirement_fix(project, package)
                yield _finding(
                    "SRV005",
                    where,
                    rng,
                    f"{declaration.server} is started here but no requirements file declares "
                    f"`{package}`: the deployment installs the requirements, then fails with "
                    f"`{package}: command not found`. Add it to the requirements.",
                    *(f for f in (fix,) if f is not None),
                )
        elif env is not None and env.healthy and env.distributions and env.get(package) is None:
            reported.add((where, package))
            fix = _add_requirement_fix(project, package)
            yield _finding(
                "SRV005",
                where,
                rng,
                f"`{package}` is not installed in {env.interpreter}: running this fails with "
                f"`No module named {package}`. Install it (pip install {package}).",
                *(f for f in (fix,) if f is not None),
            )


# --- SRV007 / SRV008 ------------------------------------------------------------------------


def _host(bind: str) -> str:
    if bind.startswith("unix:") or bind.startswith("fd://"):
        return "unix"
    if bind.startswith("["):
        return bind[: bind.find("]") + 1]
    host, sep, _ = bind.rpartition(":")
    return host if sep else bind


def _constant_text(node: ast.expr) -> str:
    """A literal host, or "<env>" for anything computed (read from the environment)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return "<env>"


def _run_call_host(project: Project, path: str) -> tuple[str | None, ast.Call | None, bool]:
    """(host, run call, port from env) of the guarded app.run() in a script."""
    apps = find_flask_apps(project, path)
    if apps is None:
        return None, None, False
    for run in apps.run_calls:
        host = None
        port_env = False
        for keyword in run.call.keywords:
            if keyword.arg == "host":
                host = _constant_text(keyword.value)
            if keyword.arg == "port":
                port_env = "PORT" in ast.dump(keyword.value)
        if host is None and len(run.call.args) >= 1 and apps.module.tree is not None:
            first = run.call.args[0]
            host = _constant_text(first)
        if len(run.call.args) >= 2:
            port_env = port_env or "PORT" in ast.dump(run.call.args[1])
        return (host if host is not None else "127.0.0.1"), run.call, port_env
    return None, None, False


def _file_reads_port(project: Project, path: str) -> bool:
    """The file that starts the server reads $PORT: it runs where PORT is set, and gunicorn
    given no bind then listens on 0.0.0.0:$PORT by itself."""
    text = project.read_text(path) or ""
    return re.search(r"\$\{?PORT\b", text) is not None


def _uses_port(declaration: Declaration) -> bool:
    if declaration.has_option("bind-reads-port"):
        return True
    return any("$PORT" in b or "${PORT" in b for b in declaration.bind)


def _listen_fix(declaration: Declaration, title: str) -> Fix | None:
    """Add or replace the bind so the server listens on all interfaces (on $PORT for PaaS)."""
    paas = declaration.context == "paas"
    server = declaration.server
    if server == "gunicorn":
        value = "0.0.0.0:$PORT" if paas else "0.0.0.0:8000"
        if declaration.bind_range is not None:
            return Fix(title, (TextEdit(declaration.command_file, declaration.bind_range, value),))
        if declaration.bind or declaration.command_end is None:
            return None
        text = declaration.format_args(["--bind", value])
        return (
            None
            if text is None
            else Fix(title, (TextEdit(declaration.command_file, declaration.command_end, text),))
        )
    if (
        server == "flask"
        and declaration.option("subcommand") == "run"
        and declaration.append_at is not None
    ):
        args = ["--host", "0.0.0.0"]
        if paas:
            args += ["--port", "$PORT"]
        if declaration.has_option("host"):
            return None
        text = declaration.format_args(args)
        return (
            None
            if text is None
            else Fix(title, (TextEdit(declaration.command_file, declaration.append_at, text),))
        )
    if (
        server == "waitress"
        and paas
        and declaration.append_at is not None
        and not declaration.has_option("port", "listen")
    ):
        # Two words: a shell line quotes "--port=$PORT" as one word, and then never expands it.
        text = declaration.format_args(["--port", "$PORT"])
        if text is None or declaration.command_end is None:
            return None
        return Fix(title, (TextEdit(declaration.command_file, declaration.command_end, text),))
    return None


def _host_from_env_fix(
    project: Project, declaration: Declaration, script: str, call: ast.Call
) -> tuple[Fix, ...]:
    """Read the host from FLASK_RUN_HOST in the script and set it to 0.0.0.0 in the image.

    No literal "0.0.0.0" lands in Python code, so bandit's B104 stays quiet."""
    from .debug_mode import import_os_edit

    module = project.module(script)
    if module is None or not posixpath.basename(declaration.command_file).startswith("Dockerfile"):
        return ()
    quote = preferred_quote(module)
    expression = f"os.environ.get({quote}FLASK_RUN_HOST{quote}, {quote}127.0.0.1{quote})"
    edits: list[TextEdit] = []
    host = next((k.value for k in call.keywords if k.arg == "host"), None)
    if host is None and call.args:
        host = call.args[0]
    if host is not None:
        edits.append(TextEdit(script, module.range_of(host), expression))
    else:
        text = module.segment(call)
        after = module.range_of(call.func).end
        opening = text.find("(", len(module.segment(call.func)))
        if opening < 0:
            return ()
        at = Position(after.line, after.character + opening - len(module.segment(call.func)) + 1)
        rest = "" if not (call.args or call.keywords) else ", "
        edits.append(TextEdit(script, Range(at, at), f"host={expression}{rest}"))
    import_edit = import_os_edit(module)
    if import_edit is not None:
        edits.insert(0, import_edit)
    if declaration.command_range is None:
        return ()
    line = declaration.command_range.start.line
    source = project.source(declaration.command_file)
    newline = source.newline if source is not None else "\n"
    edits.append(
        TextEdit(
            declaration.command_file, Range.line_start(line), f"ENV FLASK_RUN_HOST=0.0.0.0{newline}"
        )
    )
    return (
        Fix("Read the host from FLASK_RUN_HOST and set it to 0.0.0.0 in the image", tuple(edits)),
    )


@project_check("SRV007")
def check_container_bind(project: Project) -> Iterator[Finding]:
    for declaration in find_declarations(project):
        if declaration.context != "container" or declaration.unknown:
            continue
        where, rng = declaration.command_file, declaration.command_range or declaration.range
        if declaration.server == "python":
            script = posixpath.normpath(posixpath.join(declaration.cwd or ".", declaration.target))
            host, call, _ = _run_call_host(project, script)
            if host is not None and host in LOOPBACK and call is not None:
                yield _finding(
                    "SRV007",
                    where,
                    rng,
                    f"{declaration.target} calls app.run() on {host}, the container's own "
                    "loopback: nothing outside the container can connect (connection reset). "
                    "Read the host from the environment, e.g. "
                    'app.run(host=os.environ.get("FLASK_RUN_HOST", "127.0.0.1")) and set '
                    "FLASK_RUN_HOST in the image.",
                    *_host_from_env_fix(project, declaration, script, call),
                )
            continue
        if declaration.server == "gunicorn":
            binds = declaration.bind or (
                ()
                if declaration.has_option("bind-dynamic", "bind-reads-port")
                or declaration.env_value("PORT")
                or _file_reads_port(project, declaration.command_file)
                else ("127.0.0.1:8000",)
            )
        elif declaration.server == "flask" and declaration.option("subcommand") == "run":
            binds = declaration.bind
        else:
            binds = declaration.bind
        loopback = [b for b in binds if _host(b) in LOOPBACK]
        if not loopback:
            continue
        default = not declaration.bind or (
            declaration.server == "flask"
            and not declaration.has_option("host")
            and not declaration.env_value("FLASK_RUN_HOST")
        )
        said = "by default " if default else ""
        fix = _listen_fix(declaration, "Listen on all interfaces")
        yield _finding(
            "SRV007",
            where,
            rng,
            f"{declaration.server} listens {said}on {loopback[0]} inside the container: "
            "published ports reach the container's other interface, so every connection "
            "from outside is refused. Bind 0.0.0.0.",
            *(f for f in (fix,) if f is not None),
        )


DO_APP_SPECS = (".do/app.yaml", ".do/deploy.template.yaml")


def _routed_ports(project: Project) -> set[str]:
    """Ports a platform spec says it routes to besides $PORT: a DigitalOcean App Platform
    spec (.do/app.yaml) routes to each service's `http_port`, 8080 when none is given."""
    from ..entrypoints.text.yaml_nodes import load_yaml

    ports: set[str] = set()
    for path in DO_APP_SPECS:
        text = project.read_text(path)
        if text is None:
            continue
        try:
            data = load_yaml(text)
        except Exception:
            continue
        spec = data.get("spec", data) if isinstance(data, dict) else None
        services = spec.get("services") if isinstance(spec, dict) else None
        for service in services if isinstance(services, list) else []:
            if isinstance(service, dict):
                ports.add(str(service.get("http_port", 8080)))
    return ports


@project_check("SRV008")
def check_paas_port(project: Project) -> Iterator[Finding]:
    routed: set[str] | None = None
    for declaration in find_declarations(project):
        if declaration.context != "paas" or declaration.process != "web" or declaration.unknown:
            continue
        if routed is None:
            routed = _routed_ports(project)
        if routed and any(b.rsplit(":", 1)[-1] in routed for b in declaration.bind):
            continue  # the platform's spec routes to this port
        where, rng = declaration.command_file, declaration.command_range or declaration.range
        server = declaration.server
        if server == "gunicorn":
            # gunicorn binds 0.0.0.0:$PORT by itself when PORT is set and no bind is given.
            if not declaration.bind or _uses_port(declaration):
                continue
            listens = declaration.bind[0]
        elif server == "flask":
            if declaration.option("subcommand") != "run":
                continue
            port = declaration.option("port") or declaration.env_value("FLASK_RUN_PORT") or ""
            host = (
                declaration.option("host") or declaration.env_value("FLASK_RUN_HOST") or "127.0.0.1"
            )
            if "PORT" in port and host not in LOOPBACK:
                continue
            listens = f"{host}:{port or '5000'}"
        elif server == "waitress":
            if _uses_port(declaration) or any(
                "PORT" in v for k, v in declaration.options if k in ("port", "listen")
            ):
                continue
            listens = declaration.bind[0] if declaration.bind else "0.0.0.0:8080"
        elif server == "uwsgi":
            if _uses_port(declaration) or not declaration.bind:
                continue
            listens = declaration.bind[0]
        else:
            script = posixpath.normpath(posixpath.join(declaration.cwd or ".", declaration.target))
            run_host, call, port_env = _run_call_host(project, script)
            if call is None or port_env:
                continue
            listens = f"{run_host}:5000"
        fix = _listen_fix(declaration, "Listen on 0.0.0.0:$PORT")
        yield _finding(
            "SRV008",
            where,
            rng,
            f"The `web` process listens on {listens}, not on $PORT: the platform routes to "
            "$PORT and stops the dyno after 60 seconds (Heroku: Error R10 (Boot timeout) -> "
            "Web process failed to bind to $PORT). Bind 0.0.0.0:$PORT.",
            *(f for f in (fix,) if f is not None),
        )


# --- SRV009 ---------------------------------------------------------------------------------


@project_check("SRV009")
def check_gunicorn_on_windows(project: Project) -> Iterator[Finding]:
    if not _windows(project):
        return
    for declaration in find_declarations(project):
        if declaration.server != "gunicorn":
            continue
        name = posixpath.basename(declaration.command_file)
        local = declaration.context == "local" or (
            name == "Procfile" and declaration.context == "paas"
        )
        if not local:
            continue
        fix = _add_requirement_fix(project, "waitress")
        yield _finding(
            "SRV009",
            declaration.command_file,
            declaration.command_range or declaration.range,
            "gunicorn does not run on Windows: it stops with ModuleNotFoundError: No module "
            "named 'fcntl'. Use waitress locally (waitress-serve "
            f"{'--call ' if declaration.target.endswith('()') else ''}"
            f"{declaration.target.replace('()', '') or 'module:app'}).",
            *(f for f in (fix,) if f is not None),
        )


# --- SRV010 ---------------------------------------------------------------------------------


_FLASK_PIN = re.compile(
    r"^\s*flask\s*(?:\[[^\]]*\])?\s*==\s*([0-9][0-9.]*)\s*(?:[#;].*)?$", re.I | re.M
)


def _old_flask_pinned_anywhere(project: Project) -> bool:
    """A requirements file anywhere in the project (api/requirements.txt beside the app)
    pins a Flask older than 2.3, which still reads FLASK_ENV."""
    for path in project.files():
        name = posixpath.basename(path)
        if not (name.startswith("requirements") or path.startswith("requirements/")):
            continue
        if not name.endswith((".txt", ".in")):
            continue
        for match in _FLASK_PIN.finditer(project.read_text(path) or ""):
            parts = tuple(int(p) for p in match.group(1).split(".") if p.isdigit())
            if parts < (2, 3):
                return True
    return False


def _flask_ignores_env(project: Project) -> bool:
    env = _environment(project)
    flask = env.get("flask") if env is not None else None
    version = flask.parsed_version if flask is not None else None
    if version is not None:
        return bool(version.release >= (2, 3))
    declared = _declared(project)
    pinned = declared.declared("flask") if declared is not None else None
    if pinned is None and _old_flask_pinned_anywhere(project):
        return False
    if pinned is not None:
        specifier = pinned.requirement.specifier
        from packaging.version import Version

        # A pin, or an upper bound below 2.3, means a Flask that still reads FLASK_ENV.
        for spec in specifier:
            if spec.operator in ("==", "===") and not spec.version.endswith(".*"):
                try:
                    return Version(spec.version).release >= (2, 3)
                except ValueError:
                    return True
        newer = ("2.3.0", "2.3.3", "3.0.0", "3.0.3", "3.1.0", "3.1.3", "3.2.0", "4.0.0")
        if specifier and not any(specifier.contains(Version(v)) for v in newer):
            return False
    return True


def _flask_env_fix(path: str, key_range: Range, value_range: Range, value: str) -> Fix:
    debug = "1" if value.strip().lower() == "development" else "0"
    return Fix(
        f"Use FLASK_DEBUG={debug}",
        (
            TextEdit(path, key_range, "FLASK_DEBUG"),
            TextEdit(path, value_range, debug),
        ),
        safe=True,
    )


def _is_test_file(path: str) -> bool:
    name = posixpath.basename(path)
    return (
        name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
        or any(part in ("tests", "test") for part in path.split("/")[:-1])
    )


def _reads_flask_env(node: ast.AST) -> bool:
    """`os.environ["FLASK_ENV"]`, `os.environ.get("FLASK_ENV")`, `os.getenv("FLASK_ENV")`
    (or the same through `from os import environ, getenv`)."""
    if isinstance(node, ast.Subscript):
        key = node.slice
        base = node.value
        named = (isinstance(base, ast.Attribute) and base.attr == "environ") or (
            isinstance(base, ast.Name) and base.id == "environ"
        )
        return named and isinstance(key, ast.Constant) and key.value == "FLASK_ENV"
    if isinstance(node, ast.Call) and node.args:
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and first.value == "FLASK_ENV"):
            return False
        func = node.func
        if isinstance(func, ast.Name):
            return func.id == "getenv"
        if isinstance(func, ast.Attribute):
            owner = func.value
            environ = (isinstance(owner, ast.Attribute) and owner.attr == "environ") or (
                isinstance(owner, ast.Name) and owner.id == "environ"
            )
            return func.attr == "getenv" or (func.attr in ("get", "pop", "setdefault") and environ)
    return False


def _code_reads_flask_env(project: Project) -> bool:
    """The project's own (non-test) code reads FLASK_ENV: then it is the app's setting."""
    for path in project.python_files():
        if _is_test_file(path):
            continue
        text = project.read_text(path) or ""
        if "FLASK_ENV" not in text:
            continue
        module = project.module(path)
        if module is None or module.tree is None:
            continue
        if any(_reads_flask_env(node) for node in ast.walk(module.tree)):
            return True
    return False


@project_check("SRV010")
def check_flask_env(project: Project) -> Iterator[Finding]:
    if not _flask_ignores_env(project):
        return
    if _code_reads_flask_env(project):
        # The app chooses its configuration from FLASK_ENV: following the advice would
        # change which configuration production loads.
        return
    message = (
        "FLASK_ENV={value} is ignored by Flask 2.3 and later: {effect} Set FLASK_DEBUG=1 "
        "for development (or leave it unset in production)."
    )
    for path in project.files():
        name = posixpath.basename(path)
        if name in DOTENV_NAMES:
            settings = read_dotenv(project, path)
            setting = settings.get("FLASK_ENV")
            if setting is None:
                continue
            effect = (
                "debug mode and the reloader stay off."
                if setting.value.strip().lower() == "development"
                else "it has no effect."
            )
            yield _finding(
                "SRV010",
                path,
                setting.key_range,
                message.format(value=setting.value, effect=effect),
                _flask_env_fix(path, setting.key_range, setting.range, setting.value),
            )
        elif (
            is_launch_json(path)
            or name.startswith("Dockerfile")
            or name.startswith(("docker-compose", "compose"))
        ):
            source = project.source(path)
            if source is None:
                continue
            for index, line in enumerate(source.lines):
                column = line.find("FLASK_ENV")
                if column < 0 or line.lstrip().startswith("#"):
                    continue
                yield _finding(
                    "SRV010",
                    path,
                    Range.of(index, column, index, column + len("FLASK_ENV")),
                    message.format(value="...", effect="debug mode does not follow it.").replace(
                        "FLASK_ENV=...", "FLASK_ENV"
                    ),
                )
