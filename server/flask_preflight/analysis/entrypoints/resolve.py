"""Resolving a declaration's target from the server's working directory, as the server would:
to the app definition it loads, or to the rule that explains why it will not start."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field, replace

from ..catalog import RULES
from ..flask_apps import AppDefinition, find_flask_apps
from ..model import Fix
from ..modules import module_file
from ..project import Project
from .bindings import module_bindings
from .declarations import Declaration
from .discovery import imported_apps
from .factory_calls import call_error
from .formats.dotenv_files import dotenv_for
from .reexports import MAX_DEPTH, explicit_origin, star_origin
from .targets import Target, TargetError, parse_target

SERVER_LABELS = {
    "gunicorn": "gunicorn",
    "uwsgi": "uWSGI",
    "flask": "flask",
    "waitress": "waitress-serve",
    "python": "python",
}


@dataclass(frozen=True)
class Verdict:
    """`status` is "ok", "unknown", or the name of the rule that explains the failure."""

    status: str
    rule: str | None
    message: str
    app: AppDefinition | None = None
    fixes: tuple[Fix, ...] = ()
    #: What the fixes need: the parsed target and the module the server imports.
    module_path: str | None = None
    target: Target | None = field(default=None, compare=False)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def ok(app: AppDefinition | None, module_path: str | None = None, message: str = "") -> Verdict:
    return Verdict("ok", None, message, app, module_path=module_path)


def unknown(reason: str) -> Verdict:
    return Verdict("unknown", None, reason)


def failed(
    rule: str, message: str, module_path: str | None = None, target: Target | None = None
) -> Verdict:
    return Verdict(RULES[rule].name, rule, message, module_path=module_path, target=target)


def search_path(declaration: Declaration) -> list[str]:
    """Directories on sys.path, in order, when the server imports the target."""
    paths: list[str] = []
    for entry in (*reversed(declaration.pythonpath), declaration.cwd):
        if entry not in paths:
            paths.append(entry)
    return paths


def find_module(project: Project, paths: list[str], dotted: str) -> str | None:
    for base in paths:
        found = module_file(project, base, dotted)
        if found is not None:
            return found
    return None


def where(declaration: Declaration) -> str:
    return f"./{declaration.cwd}" if declaration.cwd else "the project root"


def dotenv_loaded(project: Project, declaration: Declaration) -> bool:
    """Whether Flask's CLI will read .env/.flaskenv: only with python-dotenv installed (the
    workspace interpreter for a local run, the declared requirements for a deployment)."""
    try:
        if declaration.context == "local":
            from ..environment.project_environment import project_environment

            env = project_environment(project)
            if env is not None and env.healthy and env.distributions:
                return env.get("python-dotenv") is not None
            return True
        from ..requirements import declared_requirements

        declared = declared_requirements(project)
    except Exception as error:  # a bug (reads never raise): shown as one; assume the default
        project.record_error("reading the environment for python-dotenv", error)
        return True
    if not declared.files:
        return True
    flask = declared.declared("flask")
    with_extra = flask is not None and "dotenv" in flask.requirement.extras
    return with_extra or declared.declared("python-dotenv") is not None


def flask_target_text(project: Project, declaration: Declaration) -> str:
    """The `--app` value Flask will use ('' when Flask discovers): the option, else FLASK_APP
    in the environment, else in the .flaskenv/.env Flask reads."""
    if declaration.target:
        return declaration.target
    from_env = declaration.env_value("FLASK_APP")
    if from_env:
        return from_env
    settings = dotenv_for(project, declaration.cwd) if dotenv_loaded(project, declaration) else {}
    if "FLASK_APP" in settings:
        return settings["FLASK_APP"].value
    return ""


def resolve(project: Project, declaration: Declaration) -> Verdict:
    if declaration.unknown:
        return unknown(declaration.unknown)
    server = declaration.server
    label = SERVER_LABELS[server]
    if declaration.option("shell-error"):
        return failed(
            "SRV004",
            f"The shell stops before {label} starts, on the unquoted `(` (sh: Syntax error: "
            '"(" unexpected). '
            f"Quote the target: {declaration.target!r}.",
        )
    if declaration.outside_cwd and declaration.installed:
        return unknown(declaration.installed)
    if declaration.outside_cwd:
        rule = "SRV006" if server == "flask" else "SRV001"
        return failed(
            rule,
            f"{label} starts in {declaration.outside_cwd} inside the container, and no project "
            "files are copied there: the import fails. Set WORKDIR to where the code is copied "
            "(or pass --chdir).",
        )
    if server == "python":
        return _resolve_script(project, declaration)
    if server == "flask":
        return _resolve_flask(project, declaration)
    return _resolve_wsgi(project, declaration)


def _resolve_script(project: Project, declaration: Declaration) -> Verdict:
    module_name = declaration.option("module")
    if module_name:
        path = find_module(project, [declaration.cwd], module_name)
        if path is None or posixpath.basename(path) == "__init__.py":
            # A package (or a folder without __init__.py): python runs its __main__ module.
            main = module_file(project, declaration.cwd, module_name + ".__main__")
            if main is None and declaration.installed:
                return unknown(declaration.installed)
            if main is None and path is not None:
                return failed(
                    "SRV001",
                    f"python -m {module_name}: No module named {module_name}.__main__; "
                    f"{module_name!r} is a package and cannot be directly executed (it runs "
                    f"from {where(declaration)})",
                )
            if main is None:
                return failed(
                    "SRV001",
                    f"python -m {module_name}: No module named {module_name} from "
                    f"{where(declaration)}",
                )
            path = main
    else:
        path = posixpath.normpath(posixpath.join(declaration.cwd or ".", declaration.target))
        if path.startswith("..") or not project.exists(path):
            return failed(
                "SRV001",
                f"python: can't open file '{declaration.target}': [Errno 2] No such file or "
                f"directory (it runs from {where(declaration)})",
            )
    apps = find_flask_apps(project, path)  # python runs a script whatever its name ends with
    first = apps.apps[0] if apps and apps.apps else None
    return ok(first, path)


def _resolve_wsgi(project: Project, declaration: Declaration) -> Verdict:
    server = declaration.server
    label = SERVER_LABELS[server]
    wsgi_file = declaration.option("wsgi-file", "file") if server == "uwsgi" else None
    if server == "uwsgi" and wsgi_file and declaration.target == wsgi_file:
        path = posixpath.normpath(posixpath.join(declaration.cwd or ".", wsgi_file))
        if path.startswith("..") or not project.exists(path):
            return failed(
                "SRV001", f"uWSGI: unable to load file {wsgi_file} from {where(declaration)}"
            )
        name = declaration.option("callable") or "application"
        return _attribute(project, declaration, Target(path, name), path)
    if not declaration.target:
        if server == "gunicorn":
            return failed("SRV004", "gunicorn stops with: Error: No application module specified.")
        return failed("SRV004", f"{label} was given no application to load.")
    try:
        target = parse_target(server, declaration.target, declaration.option("callable"))
    except TargetError as error:
        return failed("SRV004", f"{label} refuses the target: {error}")
    if server == "waitress" and declaration.call_factory:
        target = Target(target.module, target.name, True)
    found = find_module(project, search_path(declaration), target.module)
    if found is None and declaration.installed:
        return unknown(declaration.installed)
    if found is None:
        return failed(
            "SRV001",
            f"{label} cannot import {target.module!r} from {where(declaration)}: "
            f"ModuleNotFoundError: No module named {target.module.split('.')[0]!r}.",
            target=target,
        )
    return _attribute(project, declaration, target, found)


def _factory_call(factory: AppDefinition, target: Target, name: str, path: str) -> Verdict | str:
    """The verdict of calling `factory` as `target` does when it binds (or may: a decorated
    factory), else Python's TypeError, for the caller to word as its server says it."""
    refused = call_error(factory, target.args, list(target.kwargs))
    if refused is None:
        return ok(factory, path)
    if factory.decorated:
        return unknown(_decorated(name, path, refused))
    return refused


def _decorated(name: str, path: str, error: str) -> str:
    return (
        f"`{name}` in {path} is decorated, and its decorator may change what it accepts: "
        f"as written, the call would fail ({error})"
    )


def _describe_call(target: Target) -> str:
    return target.expression()


def _attribute(
    project: Project, declaration: Declaration, target: Target, path: str, depth: int = 0
) -> Verdict:
    server = declaration.server
    label = SERVER_LABELS[server]
    module = project.module(path)
    if module is None or module.tree is None:
        return unknown(f"{path} does not parse as Python, so what it defines is unknown")
    name = target.name or "application"
    if server == "waitress" and "." in name:
        return unknown(
            f"waitress looks up the dotted attribute {name!r}; only the first part is checked statically"
        )
    apps = imported_apps(project, path, module)
    bindings = module_bindings(module)
    if name in apps.instances:
        app = apps.instances[name]
        if target.call:
            return failed(
                "SRV003",
                f"`{name}` in {path} is already an app, not a factory: {label} calls "
                f"`{target.expression()}` and the app's WSGI call fails with TypeError "
                "(missing 'environ' and 'start_response'). Drop the parentheses.",
                path,
                target,
            )
        return ok(app, path)
    if name in apps.factories:
        factory = apps.factories[name]
        if not target.call:
            return failed(
                "SRV003",
                f"`{name}` in {path} is an app factory, not an app: {label} serves the function "
                "itself, so every request calls it with (environ, start_response) and fails "
                f"with a TypeError (500 Internal Server Error). Call it: "
                f"`{target.module}:{name}()`.",
                path,
                target,
            )
        refused = _factory_call(factory, target, name, path)
        if isinstance(refused, Verdict):
            return refused
        return failed(
            "SRV003",
            f"{label} calls `{target.expression()}` and gets TypeError: {refused}",
            path,
            target,
        )
    binding = bindings.names.get(name)
    star_resolved = False
    if binding is None and bindings.star_import and not bindings.dynamic and depth < MAX_DEPTH:
        star = star_origin(project, path, name)
        if star.origin is not None:
            moved = replace(target, name=star.origin.source_name)
            return _attribute(project, declaration, moved, star.origin.source, depth + 1)
        star_resolved = not star.unresolved
    if binding is not None and binding.kind == "imported" and depth < MAX_DEPTH:
        origin = explicit_origin(project, path, name)
        if origin is not None:
            moved = replace(target, name=origin.source_name)
            return _attribute(project, declaration, moved, origin.source, depth + 1)
    if binding is None:
        if (bindings.star_import and not star_resolved) or bindings.dynamic:
            return unknown(
                f"{path} defines names dynamically (`import *` or `__getattr__`); `{name}` may exist"
            )
        module_name = target.module if not target.module.endswith(".py") else target.module[:-3]
        if server == "gunicorn":
            printed = f"Failed to find attribute {name!r} in {module_name!r}."
        elif server == "uwsgi":
            printed = f'unable to find "{name}" callable in {module_name}'
        else:
            printed = f"AttributeError: module {module_name!r} has no attribute {name!r}"
        return failed("SRV002", f"{label} stops with: {printed}", path, target)
    if binding.kind in ("constant", "none", "module"):
        what = {"constant": "a constant", "none": "None", "module": "a module"}[binding.kind]
        printed = (
            f"Failed to find application object: {name!r}"
            if binding.kind == "none"
            else "Application object must be callable."
        )
        return failed(
            "SRV003",
            f"`{name}` in {path} is {what}, not a WSGI app: {label} stops with: {printed}",
            path,
            target,
        )
    if binding.kind == "function" and not target.call and binding.params == 2:
        return ok(None, path, f"`{name}` is a plain WSGI function")
    return unknown(f"cannot tell statically whether `{name}` in {path} is a WSGI app")


# --- Flask's own discovery --------------------------------------------------------------


def prepare_import(project: Project, cwd: str, path: str) -> tuple[str, str]:
    """Flask's `prepare_import`: (sys.path directory, dotted module) for a file/dir path."""
    full = posixpath.normpath(posixpath.join(cwd or ".", path.replace("\\", "/")))
    if full.endswith(".py"):
        full = full[:-3]
    if posixpath.basename(full) == "__init__":
        full = posixpath.dirname(full)
    parts: list[str] = []
    while True:
        full, name = posixpath.split(full)
        parts.append(name)
        init = posixpath.join(full, "__init__.py")  # join("", name) is name
        if not full or not project.exists(init):
            break
    return full, ".".join(reversed(parts))


def _flask_module(
    project: Project, declaration: Declaration, target: Target
) -> tuple[str, str | None]:
    if target.path_form:
        base, dotted = prepare_import(project, declaration.cwd, target.module)
        return dotted, module_file(project, base, dotted)
    # A dotted name: prepare_import leaves it whole and puts the working directory first.
    return target.module, find_module(project, [declaration.cwd], target.module)


def _resolve_flask(project: Project, declaration: Declaration) -> Verdict:
    misplaced = declaration.option("misplaced-app")
    if misplaced:
        command = declaration.option("subcommand") or "run"
        return failed(
            "SRV004",
            f"flask stops with: Error: No such option '{misplaced.split('=')[0]}'. The app "
            f"option belongs before the command: `flask --app TARGET {command}`.",
        )
    if declaration.process == "FLASK_APP" and not dotenv_loaded(project, declaration):
        return unknown(
            f"python-dotenv is not installed, so Flask never reads {declaration.source} "
            "(see DEP007)"
        )
    text = flask_target_text(project, declaration)
    if not text:
        for candidate in ("wsgi.py", "app.py"):
            base, dotted = prepare_import(project, declaration.cwd, candidate)
            path = module_file(project, base, dotted)
            if path is None:
                continue
            # The first file that imports decides: Flask does not try the next one.
            found = _best_app(project, dotted, path)
            if found.rule is not None and (
                declaration.has_option("discovery") or declaration.context == "container"
            ):
                return unknown(
                    f"FLASK_APP is not set in the files, and Flask's own discovery "
                    f"({path}) finds no app: {found.message} FLASK_APP may be set where it runs"
                )
            return found
        if declaration.has_option("discovery"):
            return unknown(
                f"{declaration.source} sets no FLASK_APP and {where(declaration)} holds no "
                "wsgi.py or app.py: flask finds the app only if it is given --app where it runs"
            )
        if declaration.context == "container":
            # A container gets its environment where it runs too (`docker run -e`, the
            # orchestrator's env): FLASK_APP may be set there. (A Procfile keeps the error:
            # its config is in the repository by convention; see the oracle matrix.)
            return unknown(
                f"FLASK_APP is not set in the files that start flask here, and no wsgi.py or "
                f"app.py is in {where(declaration)}: it may be set where the deployment runs"
            )
        return failed(
            "SRV006",
            f"flask, run from {where(declaration)}, stops with: Error: Could not locate a Flask "
            "application. Use the 'flask --app' option, 'FLASK_APP' environment variable, or a "
            "'wsgi.py' or 'app.py' file in the current directory.",
        )
    try:
        target = parse_target("flask", text)
    except TargetError as error:
        return failed("SRV004", f"flask refuses --app {text!r}: {error}")
    dotted, path = _flask_module(project, declaration, target)
    if path is None:
        return failed(
            "SRV006",
            f"flask, run from {where(declaration)}, stops with: Error: Could not import {dotted!r}.",
            target=target,
        )
    module = project.module(path)
    if module is None or module.tree is None:
        return unknown(f"{path} does not parse as Python, so what it defines is unknown")
    if target.name is None:
        return _best_app(project, dotted, path)
    apps = imported_apps(project, path, module)
    name = target.name
    if name in apps.instances:
        return ok(apps.instances[name], path)
    if name in apps.factories:
        factory = apps.factories[name]
        refused = _factory_call(factory, target, name, path)
        if isinstance(refused, Verdict):
            return refused
        return failed(
            "SRV006",
            f"flask stops with: Error: The factory {target.expression()!r} in module "
            f"{dotted!r} could not be called with the specified arguments. (TypeError: {refused})",
            path,
            target,
        )
    bindings = module_bindings(module)
    binding = bindings.names.get(name)
    star_resolved = False
    if binding is None and bindings.star_import and not bindings.dynamic:
        star = star_origin(project, path, name)
        if star.origin is not None:
            origin_apps = find_flask_apps(project, star.origin.source)
            if origin_apps is not None and star.origin.source_name in origin_apps.instances:
                return ok(origin_apps.instances[star.origin.source_name], path)
            return unknown(
                f"`{name}` comes from {star.origin.source}; cannot tell statically whether "
                "it is a Flask app"
            )
        star_resolved = not star.unresolved
    if binding is None:
        if (bindings.star_import and not star_resolved) or bindings.dynamic:
            return unknown(f"{path} defines names dynamically; `{name}` may exist")
        return failed(
            "SRV006",
            f"flask stops with: Error: Failed to find attribute {name!r} in {dotted!r}.",
            path,
            target,
        )
    if binding.kind in ("constant", "none", "module", "class"):
        return failed(
            "SRV006",
            f"flask stops with: Error: A valid Flask application was not obtained from "
            f"'{dotted}:{name}'.",
            path,
            target,
        )
    return unknown(f"cannot tell statically whether `{name}` in {path} is a Flask app")


def _best_app(project: Project, dotted: str, path: str) -> Verdict:
    """Flask's `find_best_app`."""
    module = project.module(path)
    if module is None or module.tree is None:
        return unknown(f"{path} does not parse as Python, so what it defines is unknown")
    apps = imported_apps(project, path, module)
    for name in ("app", "application"):
        if name in apps.instances:
            return ok(apps.instances[name], path)
    bindings = module_bindings(module)
    for name in ("app", "application"):
        if name in bindings.names and bindings.names[name].kind == "value":
            return unknown(f"cannot tell statically whether `{name}` in {path} is a Flask app")
    # Flask counts the module's names bound to an app: `web = site = Flask(...)` is two.
    if len(apps.instances) == 1:
        return ok(next(iter(apps.instances.values())), path)
    if len(apps.instances) > 1:
        return failed(
            "SRV006",
            f"flask stops with: Error: Detected multiple Flask applications in module "
            f"{dotted!r}. Use '{dotted}:name' to specify the correct one.",
            path,
        )
    for name in ("create_app", "make_app"):
        if name in apps.factories:
            factory = apps.factories[name]
            refused = call_error(factory, (), ())
            if refused is not None and factory.decorated:
                return unknown(_decorated(name, path, refused))
            if refused is not None:
                return failed(
                    "SRV006",
                    f"flask stops with: Error: Detected factory '{name}' in module {dotted!r}, "
                    f"but could not call it without arguments. Use '{dotted}:{name}(args)' to "
                    "specify arguments.",
                    path,
                )
            return ok(factory, path)
    if bindings.star_import or bindings.dynamic:
        return unknown(f"{path} defines names dynamically; it may hold an app")
    return failed(
        "SRV006",
        f"flask stops with: Error: Failed to find Flask application or factory in module "
        f"{dotted!r}. Use '{dotted}:name' to specify one.",
        path,
    )
