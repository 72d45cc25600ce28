"""From a command, its output and the selected interpreter to one plain explanation: what
failed, why, where in the project, which installed distribution raised, and the fixes."""

from __future__ import annotations

import ast
import os
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..distribution_names import IMPORT_TO_DISTRIBUTION
from ..environment.model import Environment
from ..environment.reading import read_environment
from ..known_incompatibilities import INCOMPATIBILITIES
from ..project import MAX_FILE_SIZE
from ..source import PythonModule
from ..startup_imports import explain_missing_name
from ..stdlib_modules import stdlib_modules
from .command_line import Command, command_port, read_command
from .installed import Elsewhere, distribution_of_file, distribution_of_module, find_elsewhere
from .interpreters import (
    RanInterpreter,
    display_path,
    environment_label,
    interpreter_of_file,
    same_interpreter,
    which_ran,
)
from .output import CommandOutput, Frame, parse_output
from .ports import free_port_near, port_holder

#: What an explanation is about (`kind` in the JSON).
KINDS = (
    "none",
    "wrong-interpreter",
    "module-not-installed",
    "cannot-import-name",
    "gunicorn-attribute-not-found",
    "flask-app-not-located",
    "address-in-use",
    "module-not-found-here",
    "pip-installed-elsewhere",
    "pip-already-satisfied-elsewhere",
    "pip-externally-managed",
    "exception",
)


@dataclass(frozen=True)
class TerminalRun:
    """One finished command: what was typed, where, what it printed, how it ended."""

    command_line: str
    output: str
    cwd: str | None = None
    exit_code: int | None = None
    #: What the front end knows of the terminal's environment (PATH, VIRTUAL_ENV), if anything.
    environ: Mapping[str, str] | None = None


@dataclass(frozen=True)
class FixSuggestion:
    """One fix. `kind` tells the front end how to offer it; `command` is shell text to type
    in the terminal (only when the user picks it), `argv` the same as a list; for the
    activation fixes (`activate`, `activate-new-terminals`) `argv` is the venv's root."""

    kind: str  # rerun | activate | activate-new-terminals | install | use-port | name-app | pin
    title: str
    command: str | None = None
    argv: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "command": self.command,
            "argv": list(self.argv),
        }


@dataclass
class Explanation:
    kind: str
    summary: str
    command_line: str = ""
    tool: str | None = None
    starts_app: bool = False
    exit_code: int | None = None
    exception: str | None = None
    ran_interpreter: str | None = None
    ran_evidence: str | None = None
    ran_certain: bool = False
    selected_interpreter: str | None = None
    #: True when the command certainly (or by consistent evidence) used another interpreter.
    interpreter_mismatch: bool = False
    #: Whether the interpreter that ran is the selected one (None: unknown).
    ran_is_selected: bool | None = None
    #: The deepest traceback frame inside the project (absolute file, 1-based line).
    location: Frame | None = None
    raised_by: dict[str, Any] | None = None
    lacking: dict[str, Any] | None = None
    details: list[str] = field(default_factory=list)
    fixes: list[FixSuggestion] = field(default_factory=list)

    @property
    def explained(self) -> bool:
        return self.kind != "none"

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "kind": self.kind,
            "summary": self.summary,
            "command_line": self.command_line,
            "tool": self.tool,
            "starts_app": self.starts_app,
            "exit_code": self.exit_code,
            "exception": self.exception,
            "interpreter": {
                "ran": self.ran_interpreter,
                "evidence": self.ran_evidence,
                "certain": self.ran_certain,
                "selected": self.selected_interpreter,
                "mismatch": self.interpreter_mismatch,
                "is_selected": self.ran_is_selected,
            },
            "location": (
                {"path": self.location.file, "line": self.location.line} if self.location else None
            ),
            "raised_by": self.raised_by,
            "lacking": self.lacking,
            "details": list(self.details),
            "fixes": [fix.to_json() for fix in self.fixes],
        }


@dataclass
class _Context:
    run: TerminalRun
    command: Command
    output: CommandOutput
    root: str | None
    selected: str | None
    selected_env: Environment | None
    ran: RanInterpreter | None
    allow_exec: bool

    def show(self, path: str) -> str:
        return display_path(path, self.root)

    def label(self, env: Environment) -> str:
        return environment_label(env, self.root)


def _inside(path: str, root: str | None) -> bool:
    if not root or not os.path.isabs(path):
        return False
    a, b = os.path.normcase(os.path.realpath(path)), os.path.normcase(os.path.realpath(root))
    return a == b or a.startswith(b.rstrip(os.sep) + os.sep)


def _in_library(path: str) -> bool:
    return interpreter_of_file(path) is not None or any(
        part in ("site-packages", "dist-packages") for part in path.replace("\\", "/").split("/")
    )


def project_frame(output: CommandOutput, root: str | None, cwd: str | None) -> Frame | None:
    """The deepest frame of the final exception (else of any in the chain) inside the project,
    skipping library files of a venv that lives inside the project."""
    for frames in ([*output.final.frames] if output.final else [], output.frames):
        for frame in reversed(frames):
            file = frame.file
            if not os.path.isabs(file) and cwd:
                file = os.path.normpath(os.path.join(cwd, file))
            if _inside(file, root) and not _in_library(file):
                return Frame(file, frame.line, frame.function)
    return None


def _quote(argv: list[str]) -> str:
    return shlex.join(argv)


def _rerun_with(ctx: _Context, interpreter: str) -> FixSuggestion | None:
    """The same command through `interpreter` (python X -> sel X; flask/gunicorn/pip -> -m)."""
    cmd = ctx.command
    shown = ctx.show(interpreter)
    if cmd.tool == "python":
        argv = [interpreter, *(["-m", cmd.module] if cmd.module else []), *cmd.args]
    elif cmd.tool in ("flask", "gunicorn", "pip"):
        argv = [interpreter, "-m", cmd.tool, *cmd.args]
    elif cmd.tool == "waitress":
        argv = [interpreter, "-m", "waitress", *cmd.args]
    else:
        return None
    typed = [_typed_path(ctx, interpreter), *argv[1:]]
    return FixSuggestion("rerun", f"Re-run with {shown}", _quote(typed), tuple(argv))


def _typed_path(ctx: _Context, path: str) -> str:
    """How to type `path` in the terminal: relative to where the command ran when inside it
    (`.venv/bin/python`), else absolute."""
    cwd = ctx.run.cwd
    if cwd and os.path.isabs(path):
        rel = os.path.relpath(path, cwd)
        if not rel.startswith(".."):
            return rel if os.sep in rel else f".{os.sep}{rel}"
    return path


def _activation_fixes(ctx: _Context) -> list[FixSuggestion]:
    env = ctx.selected_env
    if env is None or not env.venv_root:
        return []
    label = ctx.label(env)
    windows = env.interpreter.lower().endswith(".exe")
    if windows:
        script = os.path.join(env.venv_root, "Scripts", "Activate.ps1")
        activate = FixSuggestion(
            "activate",
            f"Activate {label} in this terminal",
            f"& {shlex.quote(script)}",
            (env.venv_root,),
        )
    else:
        script = os.path.join(env.venv_root, "bin", "activate")
        activate = FixSuggestion(
            "activate",
            f"Activate {label} in this terminal",
            f"source {shlex.quote(script)}",
            (env.venv_root,),
        )
    return [
        activate,
        FixSuggestion(
            "activate-new-terminals",
            f"Activate {label} in every new terminal of this workspace",
            argv=(env.venv_root,),
        ),
    ]


def _install_fix(
    ctx: _Context,
    distributions: list[str],
    interpreter: str | None = None,
    names: list[str] | None = None,
) -> FixSuggestion | None:
    """`<interpreter> -m pip install ...`, into the selected interpreter unless told."""
    target = interpreter or ctx.selected
    if not target or not distributions:
        return None
    argv = [target, "-m", "pip", "install", *distributions]
    shown = ctx.show(target)
    typed = [_typed_path(ctx, target), *argv[1:]]
    # The title names the distributions (not a wheel's path); the command is what was typed.
    label = ", ".join(names or distributions)
    which = " (selected)" if ctx.selected and same_interpreter(target, ctx.selected) else ""
    return FixSuggestion(
        "install", f"Install {label} into {shown}{which}", _quote(typed), tuple(argv)
    )


def _ran_matches_selected(ctx: _Context) -> bool | None:
    if ctx.ran is None or not ctx.selected:
        return None
    return same_interpreter(ctx.ran.path, ctx.selected)


def _base(ctx: _Context, kind: str, summary: str) -> Explanation:
    final = ctx.output.final
    return Explanation(
        kind=kind,
        summary=summary,
        command_line=ctx.run.command_line,
        tool=ctx.command.tool,
        starts_app=ctx.command.starts_app,
        exit_code=ctx.run.exit_code,
        exception=final.text if final else None,
        ran_interpreter=ctx.ran.path if ctx.ran else None,
        ran_evidence=ctx.ran.evidence if ctx.ran else None,
        ran_certain=bool(ctx.ran and ctx.ran.certain),
        selected_interpreter=ctx.selected,
        location=project_frame(ctx.output, ctx.root, ctx.run.cwd),
        ran_is_selected=_ran_matches_selected(ctx),
    )


def _ran_env(ctx: _Context) -> Environment | None:
    if ctx.ran is None:
        return None
    env = read_environment(ctx.ran.path, allow_exec=ctx.allow_exec and not ctx.ran.certain)
    return env if env.healthy else None


def _mismatch_fixes(ctx: _Context, install: list[str]) -> list[FixSuggestion]:
    fixes: list[FixSuggestion] = []
    if ctx.selected:
        rerun = _rerun_with(ctx, ctx.selected)
        if rerun:
            fixes.append(rerun)
    fixes += _activation_fixes(ctx)
    install_fix = _install_fix(ctx, install)
    if install_fix:
        fixes.append(install_fix)
    return fixes


def _explain_missing_module(ctx: _Context, module: str) -> Explanation:
    top = module.split(".", 1)[0]
    sel_env = ctx.selected_env
    sel_dist = distribution_of_module(sel_env, top) if sel_env else None
    selected_has = bool(sel_env and (sel_dist or sel_env.can_import(top)))
    distribution = sel_dist.display_name if sel_dist else IMPORT_TO_DISTRIBUTION.get(top, top)
    matches = _ran_matches_selected(ctx)
    # A project module missing because the command ran from another directory is not an
    # interpreter problem.
    local = ctx.root is not None and (
        os.path.isfile(os.path.join(ctx.root, f"{top}.py"))
        or os.path.isfile(os.path.join(ctx.root, top, "__init__.py"))
    )
    cwd = ctx.run.cwd
    if local and cwd and os.path.realpath(cwd) != os.path.realpath(ctx.root or ""):
        return _base(
            ctx,
            "module-not-found-here",
            f"`{top}` is a module of the project in {ctx.root}, but the command ran in {cwd}, "
            "where Python does not find it: run it from the project folder (gunicorn: "
            f"--chdir {shlex.quote(ctx.root or '')}).",
        )
    if selected_has and matches is not True:
        # The selected interpreter has it; the one that ran did not.
        ran_env = _ran_env(ctx)
        ran_lacks = ran_env is None or not (
            distribution_of_module(ran_env, top) or ran_env.can_import(top)
        )
        if matches is False or (ctx.ran is not None and ran_lacks):
            assert sel_env is not None
            where = ctx.label(sel_env)
            version = f" {sel_dist.version}" if sel_dist and sel_dist.version else ""
            ran_path = ctx.ran.path if ctx.ran else "another Python"
            if ctx.ran is not None and not ctx.ran.certain:
                ran_text = f"{ran_path} ({ctx.ran.evidence})"
            else:
                ran_text = ran_path
            summary = (
                f"This terminal ran {ran_text}, not {ctx.show(ctx.selected or '')} (selected): "
                f"{distribution}{version} is installed in {where} only."
            )
            explanation = _base(ctx, "wrong-interpreter", summary)
            explanation.interpreter_mismatch = True
            explanation.lacking = {
                "module": module,
                "distribution": distribution,
                "interpreter": ctx.ran.path if ctx.ran else None,
            }
            explanation.raised_by = None
            explanation.fixes = _mismatch_fixes(ctx, [])
            return explanation
        # Nothing names the interpreter that ran: say what we know.
        assert sel_env is not None
        version = f" {sel_dist.version}" if sel_dist and sel_dist.version else ""
        summary = (
            f"The command ran a Python without `{top}`, but {ctx.show(ctx.selected or '')} "
            f"(selected) has {distribution}{version}: this terminal uses another Python."
        )
        explanation = _base(ctx, "wrong-interpreter", summary)
        explanation.interpreter_mismatch = True
        explanation.lacking = {"module": module, "distribution": distribution, "interpreter": None}
        explanation.fixes = _mismatch_fixes(ctx, [])
        return explanation
    exclude = [ctx.selected] if ctx.selected else []
    also = [ctx.ran.path] if ctx.ran else []
    elsewhere = find_elsewhere([top], root=ctx.root, exclude=exclude, kind="module", also=also).get(
        top, []
    )
    if ctx.ran is not None:
        elsewhere = [e for e in elsewhere if not same_interpreter(e.interpreter, ctx.ran.path)]
    if elsewhere:
        distribution = elsewhere[0].distribution
    where_ran = ctx.show(ctx.ran.path) if ctx.ran else "the interpreter that ran"
    target = ctx.show(ctx.selected) if ctx.selected else where_ran
    summary = f"`{top}` is not installed in {where_ran if matches is not True else target}"
    if matches is True:
        summary += " (selected)"
    summary += "."
    if elsewhere:
        places = ", ".join(
            f"{e.label} ({e.distribution} {e.version or ''})".replace(" )", ")")
            for e in elsewhere[:3]
        )
        summary += f" {distribution} is installed elsewhere: {places}."
    summary += f" Install {distribution}" + (f" into {target}." if ctx.selected else ".")
    explanation = _base(ctx, "module-not-installed", summary)
    explanation.lacking = {
        "module": module,
        "distribution": distribution,
        "interpreter": ctx.ran.path if ctx.ran else ctx.selected,
    }
    explanation.details = [
        f"installed in {e.label}: {e.distribution} {e.version or ''}".strip() for e in elsewhere
    ]
    install = _install_fix(ctx, [distribution])
    if install:
        explanation.fixes.append(install)
    if matches is False and ctx.selected and ctx.ran is not None and ctx.ran.certain:
        explanation.interpreter_mismatch = True
        rerun = _rerun_with(ctx, ctx.selected)
        if rerun:
            explanation.fixes.insert(0, rerun)
    return explanation


def _env_for_file(ctx: _Context, file: str) -> Environment | None:
    interpreter = interpreter_of_file(file)
    if interpreter is None:
        return ctx.selected_env
    env = read_environment(interpreter, allow_exec=False)
    return env if env.healthy else None


def _dist_json(dist: Any, env: Environment, ctx: _Context) -> dict[str, Any]:
    return {
        "distribution": dist.display_name,
        "version": dist.version,
        "interpreter": env.interpreter,
        "environment": ctx.label(env),
    }


def _explain_cannot_import(ctx: _Context, info: dict[str, str]) -> Explanation:
    name, module, path = info["name"], info["module"], info.get("path") or ""
    library_frames = [f for f in ctx.output.frames if _in_library(f.file)]
    env = _env_for_file(ctx, path) if path else None
    if env is None and library_frames:
        env = _env_for_file(ctx, library_frames[-1].file)
    env = env or ctx.selected_env
    lacking_dist = distribution_of_module(env, module) if env else None
    raiser = None
    if env and library_frames:
        raiser = distribution_of_file(env, library_frames[-1].file)
    explanation = _base(ctx, "cannot-import-name", "")
    if env and lacking_dist:
        explanation.lacking = {**_dist_json(lacking_dist, env, ctx), "module": module, "name": name}
    if env and raiser and (lacking_dist is None or raiser.name != lacking_dist.name):
        explanation.raised_by = _dist_json(raiser, env, ctx)
    startup = _startup_import_explanation(ctx, info, env)
    known = None
    if env and raiser and lacking_dist:
        for entry in INCOMPATIBILITIES:
            if (
                entry.package == raiser.name
                and entry.other == lacking_dist.name
                and f"'{name}'" in entry.error
                and entry.breaks(raiser.parsed_version, lacking_dist.parsed_version)
            ):
                known = entry
                break
    lacking_text = (
        f"{lacking_dist.display_name} {lacking_dist.version}" if lacking_dist else f"`{module}`"
    )
    if raiser and lacking_dist and raiser.name != lacking_dist.name:
        summary = (
            f"{raiser.display_name} {raiser.version} imports `{name}` from `{module}`, which "
            f"{lacking_text} does not have."
        )
    else:
        summary = f"`{module}` ({lacking_text}) has no `{name}`."
    if known is not None:
        since = known.other_versions.lstrip(">=")
        summary += (
            f" {lacking_dist.display_name if lacking_dist else module} removed it in {since} "
            f"({known.source}). Pin {known.pin}, or upgrade to {known.upgrade}."
        )
        for requirement in (known.upgrade, known.pin):
            fix = _install_fix(ctx, [requirement], env.interpreter if env else None)
            if fix is not None:
                explanation.fixes.append(FixSuggestion("pin", fix.title, fix.command, fix.argv))
    elif startup:
        summary += f" {startup}"
    elif explanation.location is not None and not raiser:
        summary += " Check the name, or the version of the package that should provide it."
    if (
        env is not None
        and ctx.selected_env is not None
        and ctx.selected
        and not same_interpreter(env.interpreter, ctx.selected)
    ):
        explanation.interpreter_mismatch = True
        summary += f" (This ran {env.interpreter}, not {ctx.show(ctx.selected)} (selected).)"
        rerun = _rerun_with(ctx, ctx.selected)
        if rerun is not None:
            explanation.fixes.insert(0, rerun)
    explanation.summary = summary
    return explanation


def _startup_import_explanation(
    ctx: _Context, info: dict[str, str], env: Environment | None
) -> str | None:
    """The start-up import linker's account of this ImportError, read statically from the
    environment that ran (else the selected interpreter): who lacks the name, since when."""
    target: Environment | str | None = env if env is not None else ctx.selected
    if target is None:
        return None
    try:
        return explain_missing_name(target, info["module"], info["name"])
    except Exception:
        return None  # an explanation is extra: never let it break the rest


def _app_targets(ctx: _Context, module: str | None = None) -> list[str]:
    """Targets (`module:app`) the project's Flask apps can be named by, from the cwd."""
    if not ctx.root:
        return []
    try:
        from ..entrypoints.app_targets import app_targets
        from ..flask_apps import find_flask_apps
        from ..project import Project

        project = Project(Path(ctx.root))
        targets: list[str] = []
        for relpath in project.python_files():
            apps = find_flask_apps(project, relpath)
            for app in apps.apps if apps else []:
                target = app_targets(project, app, ctx.run.cwd or "")["flask"]
                if (module is None or target.split(":", 1)[0] == module) and target not in targets:
                    targets.append(target)
        return targets
    except Exception:
        return []


def _explain_gunicorn_attribute(ctx: _Context, attribute: str, module: str) -> Explanation:
    targets = _app_targets(ctx, module) or _app_targets(ctx)
    summary = f"Gunicorn imported `{module}` but found no `{attribute}` in it."
    explanation = _base(ctx, "gunicorn-attribute-not-found", summary)
    if targets:
        explanation.summary += f" The Flask app is `{targets[0]}`: name it that way."
        args = list(ctx.command.args)
        old = f"{module}:{attribute}"
        if old in args:
            args[args.index(old)] = targets[0]
        elif module in args:
            args[args.index(module)] = targets[0]
        else:
            args.append(targets[0])
        argv = (
            [ctx.command.program, *args]
            if ctx.command.tool == "gunicorn"
            else list(ctx.command.argv)
        )
        if ctx.command.tool == "python" and ctx.command.module:
            argv = [ctx.command.program, "-m", ctx.command.module, *args]
        explanation.fixes.append(
            FixSuggestion("name-app", f"Run gunicorn {targets[0]}", _quote(argv), tuple(argv))
        )
    return explanation


def _explain_flask_not_located(ctx: _Context) -> Explanation:
    out = ctx.output
    if out.flask_app_not_in_module:
        summary = (
            f"`flask` imported `{out.flask_app_not_in_module}` but found no app or factory in it."
        )
    else:
        where = ctx.run.cwd or "the current directory"
        summary = (
            f"`flask` found no app: no --app, no FLASK_APP, and no app.py or wsgi.py in {where}."
        )
    targets = _app_targets(ctx)
    explanation = _base(ctx, "flask-app-not-located", summary)
    if targets:
        explanation.summary += f" The project's app is `{targets[0]}`."
        args = [a for a in ctx.command.args]
        prefix = [ctx.command.program] + (["-m", "flask"] if ctx.command.tool == "python" else [])
        argv = [*prefix, "--app", targets[0], *(args or ["run"])]
        explanation.fixes.append(
            FixSuggestion("name-app", f"Run flask --app {targets[0]}", _quote(argv), tuple(argv))
        )
    return explanation


def _explain_port(ctx: _Context) -> Explanation:
    port = ctx.output.port_in_use or command_port(ctx.command)
    kind = ctx.command.module or ctx.command.tool
    if port is None and kind in ("flask", "python"):
        port = 5000  # Flask's default, for `flask run` and `app.run()`
    elif port is None and kind == "gunicorn":
        port = 8000
    if port is None:
        return _base(
            ctx,
            "address-in-use",
            "The address is already in use: another program listens on the port.",
        )
    holder = port_holder(port)
    summary = f"Port {port} is already in use"
    summary += f" by {holder}." if holder else " by another program."
    explanation = _base(ctx, "address-in-use", summary)
    if port == 5000:
        explanation.details.append(
            "On macOS, port 5000 is often taken by the AirPlay Receiver (System Settings > "
            "General > AirDrop & Handoff)."
        )
    free = free_port_near(port)
    if free is not None:
        explanation.summary += f" Port {free} is free."
        argv = _with_port(ctx.command, port, free)
        if argv:
            explanation.fixes.append(
                FixSuggestion("use-port", f"Run on port {free}", _quote(argv), tuple(argv))
            )
    return explanation


def _with_port(command: Command, old: int, new: int) -> list[str] | None:
    argv = list(command.argv)
    for i, word in enumerate(argv):
        if word.endswith(f":{old}") or word == str(old):
            argv[i] = word[: -len(str(old))] + str(new)
            return argv
        if word.startswith("--port=") or (word.startswith("-p") and word[2:] == str(old)):
            argv[i] = word.replace(str(old), str(new))
            return argv
    kind = command.module or command.tool
    if kind == "flask":
        return [*argv, "--port", str(new)]
    if kind == "gunicorn":
        return [*argv, "--bind", f"127.0.0.1:{new}"]
    return None


def _explain_pip(ctx: _Context) -> Explanation | None:
    out = ctx.output
    sel_env = ctx.selected_env
    if out.pip_externally_managed:
        explanation = _base(
            ctx,
            "pip-externally-managed",
            "pip refused to install into a Python managed by the operating system (PEP 668).",
        )
        if ctx.selected and sel_env is not None and sel_env.is_venv:
            explanation.summary += f" Install into {ctx.show(ctx.selected)} (selected) instead."
            names = [a for a in ctx.command.args if not a.startswith("-") and a != "install"]
            fix = _install_fix(ctx, names)
            if fix:
                explanation.fixes.append(fix)
        return explanation
    if not ctx.selected or sel_env is None:
        return None
    if out.pip_installed:
        missing = []
        for name, version in out.pip_installed:
            dist = sel_env.get(name)
            if dist is None or (version and dist.version and dist.version != version):
                missing.append((name, version))
        if not missing:
            return None
        names = [name for name, _ in missing]
        wanted = [a for a in ctx.command.args if not a.startswith("-") and a != "install"]
        also = [ctx.ran.path] if ctx.ran else []
        elsewhere = find_elsewhere(
            names, root=ctx.root, exclude=[ctx.selected], kind="distribution", also=also
        )
        places = _places(elsewhere, missing)
        # Only a place we saw the files in, or an interpreter named for certain, is named.
        if places:
            where = places[0]
        elif ctx.ran is not None and ctx.ran.certain:
            where = ctx.ran.path
        else:
            where = "another environment"
        shown = ", ".join(f"{n} {v}" if v else n for n, v in missing[:4])
        if len(missing) > 4:
            shown += f" and {len(missing) - 4} more"
        summary = (
            f"pip installed {shown} into {where}, not into {ctx.label(sel_env)} "
            f"({ctx.show(ctx.selected)}, selected): the app will not see it."
        )
        explanation = _base(ctx, "pip-installed-elsewhere", summary)
        explanation.interpreter_mismatch = True
        if places and not ctx.ran:
            explanation.ran_interpreter = _first_interpreter(elsewhere, missing)
            explanation.ran_evidence = "where the installed files are"
            explanation.ran_certain = True
        explanation.details = [f"installed in {p}" for p in places]
        fix = _install_fix(ctx, wanted or names, names=names)
        if fix:
            explanation.fixes.append(fix)
        explanation.fixes += _activation_fixes(ctx)
        return explanation
    if out.pip_satisfied and ctx.ran is not None and ctx.ran.evidence == "pip's output":
        if same_interpreter(ctx.ran.path, ctx.selected):
            return None
        wanted = [a for a in ctx.command.args if not a.startswith("-") and a != "install"]
        names = [s.name for s in out.pip_satisfied if sel_env.get(s.name) is None]
        if not names:
            return None
        summary = (
            f"{', '.join(names[:4])} is already installed in {ctx.ran.path}, the Python this "
            f"pip belongs to, not in {ctx.label(sel_env)} ({ctx.show(ctx.selected)}, selected)."
        )
        explanation = _base(ctx, "pip-already-satisfied-elsewhere", summary)
        explanation.interpreter_mismatch = True
        fix = _install_fix(ctx, wanted or names)
        if fix:
            explanation.fixes.append(fix)
        explanation.fixes += _activation_fixes(ctx)
        return explanation
    return None


def _places(
    elsewhere: dict[str, list[Elsewhere]], missing: list[tuple[str, str | None]]
) -> list[str]:
    places: list[str] = []
    for name, version in missing:
        for item in elsewhere.get(name, []):
            if version and item.version and item.version != version:
                continue
            if item.label not in places:
                places.append(item.label)
    return places


def _first_interpreter(
    elsewhere: dict[str, list[Elsewhere]], missing: list[tuple[str, str | None]]
) -> str | None:
    for name, _ in missing:
        for item in elsewhere.get(name, []):
            return item.interpreter
    return None


def _explain_exception(ctx: _Context) -> Explanation:
    final = ctx.output.final
    assert final is not None
    explanation = _base(ctx, "exception", "")
    library = [f for f in final.frames if _in_library(f.file)]
    if library:
        env = _env_for_file(ctx, library[-1].file)
        dist = distribution_of_file(env, library[-1].file) if env else None
        if env and dist:
            explanation.raised_by = _dist_json(dist, env, ctx)
    where = ""
    if explanation.location:
        where = f" at {ctx.show(explanation.location.file)}:{explanation.location.line}"
    by = ""
    if explanation.raised_by:
        by = f", raised inside {explanation.raised_by['distribution']} {explanation.raised_by['version']}"
    explanation.summary = f"{final.text}{where}{by}."
    return explanation


def explain_run(
    run: TerminalRun,
    *,
    selected: str | None = None,
    root: str | None = None,
    allow_exec: bool = False,
) -> Explanation:
    """Explain one command's outcome. Never raises on any input; `kind == "none"` when there
    is nothing to explain (a clean run, or a command we do not know)."""
    command = read_command(run.command_line, run.cwd) if run.command_line else Command(None, ())
    output = parse_output(run.output)
    selected_env = None
    if selected:
        env = read_environment(selected, allow_exec=allow_exec)
        selected_env = env if env.healthy else None
    ran = which_ran(command, output, run.cwd, run.environ)
    ctx = _Context(run, command, output, root, selected, selected_env, ran, allow_exec)
    if command.installs or output.pip_installed or output.pip_externally_managed:
        pip = _explain_pip(ctx)
        if pip is not None:
            return pip
    if output.missing_module:
        return _explain_missing_module(ctx, output.missing_module)
    if output.cannot_import:
        return _explain_cannot_import(ctx, output.cannot_import)
    if output.gunicorn_attribute:
        return _explain_gunicorn_attribute(ctx, *output.gunicorn_attribute)
    if output.flask_not_located or output.flask_app_not_in_module:
        return _explain_flask_not_located(ctx)
    if output.address_in_use:
        return _explain_port(ctx)
    if output.final is not None:
        return _explain_exception(ctx)
    if not run.output.strip() and run.exit_code:
        unread = _explain_failure_without_output(ctx)
        if unread is not None:
            return unread
    return _base(ctx, "none", "Nothing to explain: no traceback or known failure in the output.")


def _script_imports(ctx: _Context) -> tuple[str, list[tuple[str, int]]] | None:
    """The script of `python script.py` and the top-level modules its body imports first
    thing, unconditionally (no try, if or def around them), with their lines, in order."""
    command = ctx.command
    if command.tool != "python" or command.module is not None or not command.starts_app:
        return None
    script = next((a for a in command.args if not a.startswith("-")), "")
    path = os.path.join(ctx.run.cwd or ctx.root or "", script)
    try:
        with open(path, encoding="utf-8") as handle:
            tree = PythonModule.parse(path, handle.read(MAX_FILE_SIZE)).tree
    except (OSError, UnicodeDecodeError):
        return None
    if tree is None:
        return None
    imports: list[tuple[str, int]] = []
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            imports += [(alias.name.split(".")[0], stmt.lineno) for alias in stmt.names]
        elif isinstance(stmt, ast.ImportFrom) and not stmt.level and stmt.module:
            imports.append((stmt.module.split(".")[0], stmt.lineno))
    return os.path.abspath(path), imports


def _explain_failure_without_output(ctx: _Context) -> Explanation | None:
    """`python app.py` failed and the terminal gave no output to read (the editor can attach
    to a command too late to see it). When the Python that ran lacks a module the script
    imports first thing, and the selected interpreter has it, that is the failure: said as
    for a ModuleNotFoundError, located on the import. Anything less certain says nothing."""
    if ctx.ran is None or ctx.selected_env is None or _ran_matches_selected(ctx) is not False:
        return None
    found = _script_imports(ctx)
    ran_env = _ran_env(ctx) if found is not None else None
    if found is None or ran_env is None:
        return None
    script, imports = found
    stdlib = stdlib_modules(ran_env.version)
    # sys.path[0] is the script's folder; the project root may be on it too (cwd, PYTHONPATH)
    homes = {os.path.dirname(script), *([ctx.root] if ctx.root else [])}
    for top, line in imports:
        local = any(
            os.path.isfile(os.path.join(home, f"{top}.py"))
            or os.path.isdir(os.path.join(home, top))
            for home in homes
        )
        if local:
            return None  # the project's own module may fail for its own reasons
        if top in stdlib or ran_env.can_import(top):
            continue
        if not ctx.selected_env.can_import(top):
            return None  # missing everywhere: not an interpreter mismatch
        explanation = _explain_missing_module(ctx, top)
        if explanation.kind != "wrong-interpreter":
            return None
        explanation.location = Frame(script, line)
        explanation.details.append(
            f"The terminal gave no output to read: {os.path.basename(script)} imports "
            f"{top} on line {line}, and {ctx.show(ctx.ran.path)} does not have it."
        )
        return explanation
    return None
