"""Feeding one fuzz input to the engine as a file of a throwaway workspace, and the formats."""

from __future__ import annotations

import atexit
import io
import os
import shutil
import sys
import tempfile
from contextlib import AbstractContextManager, nullcontext, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path


def _instrumented() -> AbstractContextManager[object]:
    """Coverage instrumentation of the engine when a fuzz_*.py script runs under atheris."""
    fuzzing = os.path.basename(sys.argv[0]).startswith("fuzz_") and "--no-atheris" not in sys.argv
    try:
        import atheris
    except ImportError:
        return nullcontext()
    if not fuzzing:
        return nullcontext()
    return atheris.instrument_imports(include=["flask_preflight"])  # type: ignore[no-any-return]


with _instrumented():
    import flask_preflight.analysis.checks  # noqa: F401  (registers every check, instrumented)
    from flask_preflight import cli
    from flask_preflight.analysis.entrypoints import entrypoints_report
    from flask_preflight.analysis.flask_apps import find_flask_apps
    from flask_preflight.analysis.project import Project
    from flask_preflight.analysis.registry import run_checks
    from flask_preflight.reports import render_json, render_sarif, render_text

SITE = ".venv/lib/python3.11/site-packages"


@dataclass(frozen=True)
class Format:
    """A file the engine reads, where it lives in a workspace, and a valid seed."""

    name: str
    path: str
    seed: bytes
    #: files written next to it so the checks that read this format actually run
    context: tuple[tuple[str, bytes], ...] = ()


APP = b'from flask import Flask\napp = Flask(__name__)\nif __name__ == "__main__":\n    app.run()\n'
VENV = (
    (
        ".venv/pyvenv.cfg",
        b"home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.7\n",
    ),
)

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("python", "app.py", APP),
        Format(
            "requirements",
            "requirements.txt",
            b"flask==3.1.3\ngunicorn>=21 ; os_name != 'nt'\n-r base.txt\n",
            ((".venv/pyvenv.cfg", VENV[0][1]),),
        ),
        Format(
            "pyproject",
            "pyproject.toml",
            b'[project]\nname = "demo"\nrequires-python = ">=3.9"\ndependencies = ["flask>=3"]\n',
        ),
        Format(
            "procfile",
            "Procfile",
            b"web: gunicorn app:app --bind 0.0.0.0:$PORT\n",
            (("app.py", APP),),
        ),
        Format(
            "dockerfile",
            "Dockerfile",
            b'FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]\n',
            (("app.py", APP),),
        ),
        Format(
            "compose",
            "docker-compose.yml",
            b"services:\n  web:\n    build: .\n    command: flask run --host 127.0.0.1\n    ports: ['5000:5000']\n",
            (("app.py", APP),),
        ),
        Format(
            "gunicorn_conf",
            "gunicorn.conf.py",
            b'wsgi_app = "app:app"\nbind = "0.0.0.0:8000"\n',
            (("app.py", APP),),
        ),
        Format(
            "uwsgi_ini",
            "uwsgi.ini",
            b"[uwsgi]\nmodule = app:app\nhttp = :8000\n",
            (("app.py", APP),),
        ),
        Format(
            "dotenv",
            ".env",
            b"FLASK_APP=app:app\nFLASK_ENV=development\nexport FLASK_DEBUG='1'\n",
            (("app.py", APP),),
        ),
        Format("flaskenv", ".flaskenv", b"FLASK_APP=app.py\n", (("app.py", APP),)),
        Format(
            "launch_json",
            ".vscode/launch.json",
            b'{"version": "0.2.0", "configurations": [{"type": "debugpy", "request": "launch", "module": "flask", "env": {"FLASK_APP": "app.py"}, "args": ["run"]}]}',
            (("app.py", APP),),
        ),
        Format("pyvenv_cfg", ".venv/pyvenv.cfg", VENV[0][1], (("requirements.txt", b"flask\n"),)),
        Format(
            "metadata",
            f"{SITE}/flask-3.1.3.dist-info/METADATA",
            b"Metadata-Version: 2.1\nName: Flask\nVersion: 3.1.3\nRequires-Python: >=3.9\nRequires-Dist: Werkzeug>=3.1\n",
            (
                *VENV,
                ("requirements.txt", b"flask\n"),
                (f"{SITE}/flask-3.1.3.dist-info/RECORD", b""),
            ),
        ),
    )
}


class CheckFailed(AssertionError):
    """A check or a parser raised: the engine isolated it, but a fuzz run must report it."""


_ROOT: Path | None = None


def _fresh_root() -> Path:
    global _ROOT
    if _ROOT is None:
        _ROOT = Path(tempfile.mkdtemp(prefix="fp-fuzz-"))
        atexit.register(shutil.rmtree, _ROOT, True)
    for child in _ROOT.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    return _ROOT


def write_workspace(fmt: Format, data: bytes) -> Path:
    root = _fresh_root()
    for relpath, content in (*fmt.context, (fmt.path, data)):
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return root


def analyse(fmt: Format, data: bytes, *, with_cli: bool = False) -> None:
    """Everything a front end does with a workspace holding `data`; raises on any failure:
    an exception out of the engine, or one it caught and recorded as an internal error
    (whatever the format: checks, deploy-file parsers, the environment reader)."""
    root = write_workspace(fmt, data)
    project = Project(root, interpreter=str(root / ".venv/bin/python"), trusted=False)
    findings = run_checks(project)
    for relpath in project.python_files():
        find_flask_apps(project, relpath)
    entrypoints_report(project)
    if project.errors:
        raise CheckFailed("\n".join(f"{e.where}\n{e.detail}" for e in project.errors))
    render_text(findings, colour=True)
    render_json(str(root), {}, findings)
    render_sarif(root.as_uri() + "/", findings)
    if with_cli:
        for argv, ok in (
            (["check", str(root), "-v", "--format", "sarif"], (0, 1)),
            (["entrypoints", str(root), "--format", "json"], (0, 1)),
        ):
            out, err = io.StringIO(), io.StringIO()
            with redirect_stdout(out), redirect_stderr(err):
                status = cli.main(argv)
            if status not in ok or "Traceback" in err.getvalue():
                raise CheckFailed(f"{argv[0]} exited {status}:\n{err.getvalue()}")


def fuzz_main(format_name: str) -> None:
    """Entry point of each `fuzz_<format>.py`: atheris when installed, else a seeded loop.

    `python tests/fuzz/fuzz_requirements.py -max_total_time=600 corpus/` runs libFuzzer;
    `--no-atheris N` runs N pseudo-random inputs without it (the bounded fallback).
    """
    fmt = FORMATS[format_name]

    def one_input(data: bytes) -> None:
        analyse(fmt, data)

    args = sys.argv[1:]
    if "--no-atheris" not in args:
        try:
            import atheris
        except ImportError:
            args = ["--no-atheris", "200"]
        else:
            if not any(not arg.startswith("-") for arg in args):
                # No corpus folder given: start from the valid seed, not from empty input.
                corpus = Path(tempfile.mkdtemp(prefix=f"fp-corpus-{format_name}-"))
                (corpus / "seed").write_bytes(fmt.seed)
                args = [*args, str(corpus)]
            atheris.Setup([sys.argv[0], *args], one_input)
            atheris.Fuzz()
            return
    import random

    where = args.index("--no-atheris") + 1
    count = int(args[where]) if where < len(args) else 200
    rng = random.Random(0)
    one_input(fmt.seed)
    for _ in range(count):
        data = bytearray(fmt.seed)
        for _ in range(rng.randint(1, 8)):
            choice = rng.random()
            pos = rng.randint(0, len(data))
            if choice < 0.4:
                data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))
            elif choice < 0.7 and data:
                del data[pos : pos + rng.randint(1, 8)]
            else:
                data[pos:pos] = data[rng.randint(0, len(data)) :][: rng.randint(1, 40)]
        one_input(bytes(data))
    sys.stdout.write(f"{format_name}: {count + 1} inputs, no failure\n")
