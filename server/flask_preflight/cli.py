"""The command line front end: argument parsing and output over the same engine as the LSP."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from . import __version__
from .analysis.catalog import RULES, resolve_rule_ids
from .analysis.engine import analyze
from .analysis.environment.summary import environment_summary
from .analysis.interpreters import choose_cli_interpreter
from .analysis.project import Project
from .file_writes import FileChangedError, write_atomically

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flask-preflight",
        description="Find why a Flask app won't run: environment, entry points, app code.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="report problems (exit 1 when there are any)")
    check.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    check.add_argument("--python", help="the interpreter that will run the app")
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    check.add_argument(
        "--select", help="only these rules (ids, names or prefixes, comma-separated)"
    )
    check.add_argument("--ignore", help="skip these rules (ids, names or prefixes)")
    check.add_argument("--fix", action="store_true", help="apply safe fixes and report the rest")
    check.add_argument("--exclude", action="append", default=[], help="glob of paths to skip")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    check.add_argument(
        "--show-all",
        action="store_true",
        help="also list the findings folded under a root cause (no virtualenv, ...)",
    )
    check.add_argument("-v", "--verbose", action="store_true", help="also list skipped files")

    entry = sub.add_parser("entrypoints", help="list Flask apps and what starts them")
    entry.add_argument("path", nargs="?", default=".")
    entry.add_argument("--format", choices=("text", "json"), default="text")

    env = sub.add_parser("env", help="which interpreter will run the app, and its state")
    env.add_argument("path", nargs="?", default=".")
    env.add_argument("--python", help="the interpreter that will run the app")
    env.add_argument("--format", choices=("text", "json"), default="text")

    explain = sub.add_parser(
        "explain",
        help="explain a command's failure from its output (exit 1 when there is one)",
        description="Read what a command printed (a traceback, Flask, Gunicorn or pip output) "
        "and say why it failed, which interpreter ran it and how to fix it. "
        "Example: python app.py 2>&1 | flask-preflight explain --command 'python app.py'",
    )
    explain.add_argument("file", nargs="?", default="-", help="the output to read (default: stdin)")
    explain.add_argument("--python", help="the selected interpreter (default: as `check` picks)")
    explain.add_argument("--root", default=".", help="the project folder (default: .)")
    explain.add_argument(
        "--command", dest="command_line", default="", help="the command line that printed it"
    )
    explain.add_argument("--cwd", help="where the command ran (default: the project folder)")
    explain.add_argument("--format", choices=("text", "json"), default="text")

    rules = sub.add_parser("rules", help="list the rules, or explain one")
    rules.add_argument("rule", nargs="?", help="a rule id or name")

    sub.add_parser("lsp", help="run the language server over stdio")
    return parser


def _project_root(path: str) -> Path:
    root = Path(path)
    if not root.exists():
        raise UsageError(f"{path}: no such file or directory")
    return root if root.is_dir() else root.parent


def _rule_filters(args: argparse.Namespace) -> tuple[set[str] | None, set[str]]:
    try:
        select = resolve_rule_ids(args.select) if args.select else None
        ignore = resolve_rule_ids(args.ignore) if args.ignore else set()
    except ValueError as error:
        raise UsageError(str(error)) from error
    return select, ignore


def workspace_project(root: Path, explicit: str | None, exclude: tuple[str, ...] = ()) -> Project:
    """A Project with the CLI's interpreter (--python > $VIRTUAL_ENV > project venv > PATH)."""
    chosen = choose_cli_interpreter(root, explicit)
    settings = {"interpreter_source": chosen.source, "interpreter_reason": chosen.reason}
    return Project(root, interpreter=chosen.path, exclude=exclude, settings=settings)


def interpreter_summary(project: Project, explicit: str | None) -> dict[str, Any]:
    """The `interpreter` object of the JSON reports (`explicit` is already in `project`)."""
    return environment_summary(project)


def _colour(choice: str, stream: TextIO) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return stream.isatty()


def _write_fixes(
    project: Project, texts: dict[str, str], originals: dict[str, str]
) -> list[tuple[str, str]]:
    """Write each fixed file; return (path, why) for each one not written (the rest go on)."""
    problems: list[tuple[str, str]] = []
    real_root = os.path.realpath(project.root)
    written: dict[Path, str] = {}
    for path, text in sorted(texts.items()):
        # Write through a symbolic link (keeping the link), but only to a file in the root.
        target = Path(os.path.realpath(project.abspath(path)))
        if os.path.commonpath([real_root, str(target)]) != real_root:
            problems.append((path, "it leads outside the project root; not written"))
            continue
        if target in written:
            # The same file under two names (a link and its target): already written.
            if written[target] != text:
                problems.append((path, "the same file as another path, fixed differently"))
            continue
        try:
            write_atomically(target, text, originals[path])
        except (FileChangedError, OSError, UnicodeError) as error:
            problems.append((path, str(error)))
        else:
            written[target] = text
    return problems


def _report_internal_errors(project: Project, err: TextIO) -> bool:
    """Print each internal error (a bug in Flask Preflight, not in the project) to stderr;
    True when there was one (the command then exits 2, its report still printed)."""
    for error in project.errors:
        err.write(f"flask-preflight: internal error: {error.summary()}\n{error.detail}")
    if project.errors:
        err.write(
            "flask-preflight: the report above is incomplete: please report this bug with the "
            "traceback\n"
        )
    return bool(project.errors)


def cmd_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    # Each command imports what only it needs: `flask-preflight lsp` starts without them.
    from .analysis.fixing import fix_project
    from .reports import render_json, render_sarif, render_text

    root = _project_root(args.path)
    select, ignore = _rule_filters(args)
    project = workspace_project(root, args.python, tuple(args.exclude))
    if args.fix:
        originals = {path: project.read_text(path) for path in project.files()}
        result = fix_project(project, select=select, ignore=ignore)
        wanted = {p: t for p, t in result.texts.items() if originals.get(p) is not None}
        problems = _write_fixes(project, wanted, {p: originals[p] or "" for p in wanted})
        not_written = {path for path, _ in problems}
        for path, titles in sorted(result.applied.items()):
            if path in wanted and path not in not_written:
                err.write(f"fixed {path}: {'; '.join(dict.fromkeys(titles))}\n")
        for path, why in problems:
            err.write(f"not fixed {path}: {why}\n")
        # The report below describes the files as they are on disk now, written or not.
        for path in result.texts:
            project.clear_override(path)
    analysis = analyze(project, select=select, ignore=ignore)
    findings = analysis.findings  # root cause first; what it explains carries `cause`
    if args.format == "json":
        report = render_json(str(project.root), analysis.environment, findings)
        out.write(json.dumps(report, indent=2) + "\n")
    elif args.format == "sarif":
        out.write(json.dumps(render_sarif(project.root.as_uri() + "/", findings), indent=2) + "\n")
    else:
        out.write(render_text(findings, colour=_colour(args.color, out), show_all=args.show_all))
    if args.verbose:
        for note in analysis.notes:
            err.write(f"note: {note.path}: {note.message}\n")
    if _report_internal_errors(project, err):
        return EXIT_ERROR
    return EXIT_FINDINGS if findings else EXIT_CLEAN


def cmd_entrypoints(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .analysis.entrypoints import check_declaration, entrypoints_report, find_declarations

    project = Project(_project_root(args.path))
    report = entrypoints_report(project)
    if args.format == "json":
        out.write(json.dumps(report, indent=2) + "\n")
        return EXIT_ERROR if _report_internal_errors(project, err) else EXIT_CLEAN
    apps = report["apps"]
    out.write("Flask apps:\n" if apps else "No Flask app found.\n")
    for app in apps:
        out.write(f"  {app['path']}:{app['line']}: {app['kind']} {app['name']}\n")
    declarations = find_declarations(project)
    entries = report["entrypoints"]
    out.write(
        "Entry points:\n" if entries else "No entry point declared (Procfile, Dockerfile, ...).\n"
    )
    for entry, declaration in zip(entries, [*declarations, *([None] * len(entries))]):
        target = entry["target"] or "(default)"
        line = f"  {entry['source']}:{entry['line']}: {entry['server']} {target}"
        if declaration is not None:
            line += f"  [runs in ./{declaration.cwd}]" if declaration.cwd else "  [runs in ./]"
        status = entry["status"]
        if status == "ok":
            line += f"  -> ok ({entry['app']})" if entry["app"] else "  -> ok"
        elif status == "unknown":
            line += f"  -> unknown: {entry.get('reason', '')}"
        else:
            message = check_declaration(project, declaration).message if declaration else ""
            line += f"  -> {status}: {message}"
        out.write(line + "\n")
    return EXIT_ERROR if _report_internal_errors(project, err) else EXIT_CLEAN


def cmd_env(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .environment_report import render_environment

    project = workspace_project(_project_root(args.path), args.python)
    summary = interpreter_summary(project, args.python)
    if args.format == "json":
        out.write(json.dumps(summary, indent=2) + "\n")
        return EXIT_CLEAN
    out.write(render_environment(project, summary))
    return EXIT_CLEAN


def cmd_explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .analysis.explain import TerminalRun, explain_run
    from .explain_report import render_explanation

    root = _project_root(args.root)
    if args.file == "-":
        text = sys.stdin.read()
    else:
        try:
            with open(args.file, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
        except OSError as error:
            raise UsageError(f"{args.file}: {error.strerror or error}") from error
    chosen = choose_cli_interpreter(root, args.python)
    cwd = os.path.abspath(args.cwd) if args.cwd else str(root.resolve())
    run = TerminalRun(args.command_line, text, cwd=cwd)
    explanation = explain_run(run, selected=chosen.path, root=str(root.resolve()), allow_exec=True)
    if args.format == "json":
        out.write(json.dumps(explanation.to_json(), indent=2) + "\n")
    else:
        out.write(render_explanation(explanation, str(root.resolve())))
    return EXIT_FINDINGS if explanation.explained else EXIT_CLEAN


def cmd_rules(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .reports import render_catalog, render_rule

    if not args.rule:
        out.write(render_catalog())
        return EXIT_CLEAN
    ids = resolve_rule_ids(args.rule) if args.rule.upper() not in RULES else {args.rule.upper()}
    for rule_id in sorted(ids):
        out.write(render_rule(rule_id))
    return EXIT_CLEAN


def cmd_lsp(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .lsp.setup import start_stdio

    start_stdio()
    return EXIT_CLEAN


COMMANDS = {
    "check": cmd_check,
    "entrypoints": cmd_entrypoints,
    "env": cmd_env,
    "explain": cmd_explain,
    "rules": cmd_rules,
    "lsp": cmd_lsp,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0) and EXIT_ERROR
    try:
        return COMMANDS[args.command](args, sys.stdout, sys.stderr)
    except (UsageError, ValueError) as error:
        sys.stderr.write(f"flask-preflight: error: {error}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_ERROR
    except Exception as error:  # an internal error must still exit 2, never 1
        import traceback

        traceback.print_exc()
        sys.stderr.write(f"flask-preflight: internal error: {error!r}\n")
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
