"""`explain`: real broken apps run by real interpreters; the engine explains their output."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flask_preflight.analysis.explain import TerminalRun, explain_run, parse_output, read_command
from flask_preflight.analysis.explain.explaining import KINDS, Explanation
from flask_preflight.analysis.explain.findings import run_failure_finding
from flask_preflight.cli import main
from tests.real_runs import (
    bare_venv,
    flask_venv,
    old_flask_venv,
    project_with_venv,
    run,
    servers_venv,
    throwaway_venv,
    tiny_wheel,
    venv_python,
)

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX venv layout and shell quoting")


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """app.py importing Flask; the project's .venv holds Flask 3.1.3 (the selected one)."""
    return project_with_venv(tmp_path / "proj", flask_venv())


def selected(project: Path) -> str:
    return str(project / ".venv" / "bin" / "python")


def test_wrong_interpreter_named_in_the_command(project: Path) -> None:
    bare = str(venv_python(bare_venv()))
    code, output = run([bare, "app.py"], project)
    assert code == 1 and "ModuleNotFoundError" in output
    explanation = explain_run(
        TerminalRun(f"{bare} app.py", output, cwd=str(project), exit_code=code),
        selected=selected(project),
        root=str(project),
    )
    assert explanation.kind == "wrong-interpreter"
    assert explanation.interpreter_mismatch
    assert explanation.ran_interpreter == bare and explanation.ran_certain
    assert explanation.summary.startswith(f"This terminal ran {bare}, not .venv/bin/python")
    assert "Flask 3.1.3 is installed in .venv only" in explanation.summary
    assert explanation.location is not None
    assert (explanation.location.file, explanation.location.line) == (str(project / "app.py"), 1)
    kinds = [fix.kind for fix in explanation.fixes]
    assert kinds[:3] == ["rerun", "activate", "activate-new-terminals"]
    assert explanation.fixes[0].command == ".venv/bin/python app.py"
    # The re-run fix really works: it is the selected interpreter running the same file.
    argv = list(explanation.fixes[0].argv)
    assert argv[0] == selected(project)
    proof = subprocess.run([*argv[:1], "-c", "import flask"], cwd=project, check=False)
    assert proof.returncode == 0


def test_wrong_interpreter_found_on_the_terminals_path(project: Path) -> None:
    bare_bin = str(bare_venv() / "bin")
    path = f"{bare_bin}{os.pathsep}{os.environ.get('PATH', '')}"
    code, output = run(["python", "app.py"], project, env={"PATH": path})
    assert code == 1
    explanation = explain_run(
        TerminalRun("python app.py", output, cwd=str(project), environ={"PATH": path}),
        selected=selected(project),
        root=str(project),
    )
    assert explanation.kind == "wrong-interpreter"
    assert explanation.ran_interpreter == os.path.join(bare_bin, "python")
    assert not explanation.ran_certain
    assert "(`python` on PATH), not .venv/bin/python (selected)" in explanation.summary


def test_the_editors_own_virtual_env_is_not_the_terminals(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # VS Code started from a shell with another venv active: the language server inherits
    # $VIRTUAL_ENV, but the terminal's rc put the bare venv first on PATH, and that is what ran.
    bare_bin = str(bare_venv() / "bin")
    path = f"{bare_bin}{os.pathsep}{os.environ.get('PATH', '')}"
    code, output = run(["python", "app.py"], project, env={"PATH": path})
    assert code == 1
    monkeypatch.setenv("PATH", path)
    monkeypatch.setenv("VIRTUAL_ENV", str(flask_venv()))
    explanation = explain_run(
        TerminalRun("python app.py", output, cwd=str(project)),
        selected=selected(project),
        root=str(project),
    )
    assert explanation.ran_interpreter == os.path.join(bare_bin, "python")
    assert explanation.summary.startswith(f"This terminal ran {bare_bin}/python (`python` on PATH)")
    # What the front end activated in this terminal is what ran, whatever PATH the server has.
    activated = explain_run(
        TerminalRun(
            "python app.py", output, cwd=str(project), environ={"VIRTUAL_ENV": str(bare_venv())}
        ),
        selected=selected(project),
        root=str(project),
    )
    assert activated.ran_interpreter == os.path.join(str(bare_venv()), "bin", "python")
    assert "($VIRTUAL_ENV of the terminal)" in activated.summary


def test_output_not_read_the_scripts_first_imports_tell(project: Path) -> None:
    # The editor may attach to a command too late to read its output: the exit code says it
    # failed, and the Python on the terminal's PATH lacks what app.py imports first thing.
    bare_bin = str(bare_venv() / "bin")
    path = f"{bare_bin}{os.pathsep}{os.environ.get('PATH', '')}"
    code, output = run(["python", "app.py"], project, env={"PATH": path})
    assert code == 1 and "No module named 'flask'" in output  # what the output would have said

    def unread(exit_code: int | None, app: str | None = None) -> Explanation:
        if app is not None:
            (project / "app.py").write_text(app, encoding="utf-8")
        return explain_run(
            TerminalRun(
                "python app.py", "", cwd=str(project), exit_code=exit_code, environ={"PATH": path}
            ),
            selected=selected(project),
            root=str(project),
        )

    explanation = unread(code)
    assert explanation.kind == "wrong-interpreter"
    assert explanation.summary.startswith(
        f"This terminal ran {bare_bin}/python (`python` on PATH), not .venv/bin/python (selected): "
        "Flask 3.1.3 is installed in .venv only."
    )
    assert explanation.location is not None
    assert (explanation.location.file, explanation.location.line) == (str(project / "app.py"), 1)
    assert [fix.kind for fix in explanation.fixes][:2] == ["rerun", "activate"]
    # Nothing is said where nothing tells: a clean exit, an unknown one, a guarded import, a
    # module of the project first (it may fail for its own reasons).
    assert unread(0).kind == "none"
    assert unread(None).kind == "none"
    guarded = "try:\n    from flask import Flask\nexcept ImportError:\n    Flask = None\n"
    assert unread(1, guarded).kind == "none"
    (project / "helpers.py").write_text("X = 1\n", encoding="utf-8")
    assert unread(1, "import helpers\nfrom flask import Flask\n").kind == "none"
    # ... also one beside a script in a subfolder (its folder is sys.path[0]), even one named
    # like a distribution that only the selected interpreter has.
    (project / "web").mkdir()
    (project / "web" / "click.py").write_text("X = 1\n", encoding="utf-8")
    (project / "web" / "run.py").write_text(
        "import click\nfrom flask import Flask\n", encoding="utf-8"
    )
    in_web = explain_run(
        TerminalRun("python web/run.py", "", cwd=str(project), exit_code=1, environ={"PATH": path}),
        selected=selected(project),
        root=str(project),
    )
    assert in_web.kind == "none"
    # A standard-library import before it is passed over.
    assert unread(1, "import os\nfrom flask import Flask\n").location.line == 2  # type: ignore[union-attr]


def test_module_missing_from_the_selected_interpreter_too(tmp_path: Path) -> None:
    project = project_with_venv(tmp_path / "p", bare_venv())
    python = selected(project)
    code, output = run([python, "app.py"], project)
    assert code == 1
    explanation = explain_run(
        TerminalRun(".venv/bin/python app.py", output, cwd=str(project)),
        selected=python,
        root=str(project),
    )
    assert explanation.kind == "module-not-installed"
    assert not explanation.interpreter_mismatch
    assert explanation.fixes[-1].kind == "install"
    # (named as its metadata spells it when another Python of this machine has it: "Flask")
    assert explanation.fixes[-1].command.lower() == ".venv/bin/python -m pip install flask"


def test_old_flask_with_werkzeug_3_names_both_distributions(tmp_path: Path) -> None:
    project = project_with_venv(tmp_path / "p", old_flask_venv())
    python = selected(project)
    code, output = run([python, "app.py"], project)
    assert code == 1 and "url_quote" in output
    explanation = explain_run(
        TerminalRun(".venv/bin/python app.py", output, cwd=str(project)),
        selected=python,
        root=str(project),
    )
    assert explanation.kind == "cannot-import-name"
    assert explanation.raised_by is not None and explanation.lacking is not None
    assert (explanation.raised_by["distribution"], explanation.raised_by["version"]) == (
        "Flask",
        "2.0.3",
    )
    assert explanation.lacking["distribution"] == "Werkzeug"
    assert explanation.lacking["version"].startswith("3.")
    assert "removed it in 3.0" in explanation.summary
    assert not explanation.interpreter_mismatch
    assert [fix.argv[-1] for fix in explanation.fixes] == ["Flask>=2.2.4", "Werkzeug<3.0"]
    # The deepest project frame is app.py line 1 (the library frames are skipped).
    assert explanation.location is not None and explanation.location.line == 1


def test_gunicorn_wrong_attribute_names_the_app(tmp_path: Path) -> None:
    project = project_with_venv(tmp_path / "p", servers_venv())
    gunicorn = str(project / ".venv" / "bin" / "gunicorn")
    code, output = run([gunicorn, "app:application"], project)
    assert code != 0 and "Failed to find attribute" in output
    explanation = explain_run(
        TerminalRun(".venv/bin/gunicorn app:application", output, cwd=str(project)),
        selected=selected(project),
        root=str(project),
    )
    assert explanation.kind == "gunicorn-attribute-not-found"
    assert "`app:app`" in explanation.summary
    assert explanation.fixes[0].command == ".venv/bin/gunicorn app:app"


def test_flask_run_without_an_app(tmp_path: Path) -> None:
    project = project_with_venv(tmp_path / "p", servers_venv())
    elsewhere = project / "docs"
    elsewhere.mkdir()
    code, output = run([str(project / ".venv" / "bin" / "flask"), "run"], elsewhere)
    assert code == 2 and "Could not locate a Flask application" in output
    explanation = explain_run(
        TerminalRun("flask run", output, cwd=str(elsewhere), environ={"PATH": ""}),
        selected=selected(project),
        root=str(project),
    )
    assert explanation.kind == "flask-app-not-located"
    assert "The project's app is" in explanation.summary
    assert explanation.fixes and "--app" in explanation.fixes[0].argv


def test_gunicorn_from_another_directory_is_not_an_interpreter_problem(tmp_path: Path) -> None:
    project = project_with_venv(tmp_path / "p", servers_venv())
    elsewhere = project / "docs"
    elsewhere.mkdir()
    code, output = run([str(project / ".venv" / "bin" / "gunicorn"), "app:app"], elsewhere)
    assert code != 0 and "No module named 'app'" in output
    explanation = explain_run(
        TerminalRun("../.venv/bin/gunicorn app:app", output, cwd=str(elsewhere)),
        selected=selected(project),
        root=str(project),
    )
    assert explanation.kind == "module-not-found-here"
    assert not explanation.interpreter_mismatch
    assert f"--chdir {project}" in explanation.summary


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_port_in_use_names_the_holder_and_a_free_port(tmp_path: Path) -> None:
    project = project_with_venv(tmp_path / "p", servers_venv())
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        flask = str(project / ".venv" / "bin" / "flask")
        code, output = run([flask, "--app", "app", "run", "--port", str(port)], project)
        assert code == 1 and "in use" in output
        explanation = explain_run(
            TerminalRun(f".venv/bin/flask --app app run --port {port}", output, cwd=str(project)),
            selected=selected(project),
            root=str(project),
        )
    assert explanation.kind == "address-in-use"
    assert f"Port {port} is already in use by pid {os.getpid()}" in explanation.summary
    fix = explanation.fixes[0]
    assert fix.kind == "use-port" and fix.argv[-1] != str(port)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_gunicorn_port_in_use(tmp_path: Path) -> None:
    project = project_with_venv(tmp_path / "p", servers_venv())
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        gunicorn = str(project / ".venv" / "bin" / "gunicorn")
        code, output = run([gunicorn, "-b", f"127.0.0.1:{port}", "app:app"], project)
        assert code != 0
        explanation = explain_run(
            TerminalRun(f"gunicorn -b 127.0.0.1:{port} app:app", output, cwd=str(project)),
            selected=selected(project),
            root=str(project),
        )
    assert explanation.kind == "address-in-use"
    assert explanation.fixes[0].argv[2].startswith("127.0.0.1:")


def test_chained_traceback_keeps_the_cause(tmp_path: Path) -> None:
    app = (
        "try:\n    import flask\nexcept ImportError as error:\n"
        "    raise RuntimeError('this app needs Flask') from error\n"
    )
    project = project_with_venv(tmp_path / "p", bare_venv(), app=app)
    code, output = run([selected(project), "app.py"], project)
    assert code == 1 and "direct cause" in output
    parsed = parse_output(output)
    assert [raised.type for raised in parsed.chain] == ["ModuleNotFoundError", "RuntimeError"]
    assert parsed.missing_module == "flask"
    explanation = explain_run(
        TerminalRun(".venv/bin/python app.py", output, cwd=str(project)),
        selected=selected(project),
        root=str(project),
    )
    assert explanation.kind == "module-not-installed"
    assert explanation.location is not None and explanation.location.line == 4


@pytest.fixture(scope="module")
def other_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return throwaway_venv(tmp_path_factory.mktemp("other") / "other-env")


def test_pip_install_into_another_environment(project: Path, other_venv: Path) -> None:
    wheel = tiny_wheel(project)
    path = f"{other_venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    command = f"pip install {wheel.name}"
    code, output = run(
        ["pip", "install", "--disable-pip-version-check", wheel.name], project, {"PATH": path}
    )
    assert code == 0 and "Successfully installed tinypkg-1.0" in output
    explanation = explain_run(
        TerminalRun(command, output, cwd=str(project), environ={"PATH": path}),
        selected=selected(project),
        root=str(project),
    )
    assert explanation.kind == "pip-installed-elsewhere"
    assert explanation.summary.startswith(
        f"pip installed tinypkg 1.0 into {other_venv}, not into .venv"
    )
    install = next(fix for fix in explanation.fixes if fix.kind == "install")
    assert install.argv == (selected(project), "-m", "pip", "install", wheel.name)
    # pip again: the other environment already has it, and says where.
    code, output = run(["pip", "install", "tinypkg"], project, {"PATH": path})
    again = explain_run(
        TerminalRun("pip install tinypkg", output, cwd=str(project), environ={"PATH": path}),
        selected=selected(project),
        root=str(project),
    )
    assert again.kind == "pip-already-satisfied-elsewhere"
    assert again.ran_evidence == "pip's output"
    assert again.ran_interpreter == str(other_venv / "bin" / "python")


def test_pip_into_the_selected_interpreter_is_quiet(tmp_path: Path, other_venv: Path) -> None:
    project = project_with_venv(tmp_path / "p", other_venv)
    wheel = tiny_wheel(tmp_path, name="quietpkg")
    code, output = run([selected(project), "-m", "pip", "install", str(wheel)], project)
    assert code == 0 and "Successfully installed quietpkg-1.0" in output
    explanation = explain_run(
        TerminalRun(f".venv/bin/python -m pip install {wheel}", output, cwd=str(project)),
        selected=selected(project),
        root=str(project),
    )
    assert explanation.kind == "none"


def test_clean_output_explains_nothing(project: Path) -> None:
    code, output = run([selected(project), "-c", "import app; print('ok')"], project)
    assert code == 0
    explanation = explain_run(TerminalRun("python -c x", output), selected=selected(project))
    assert explanation.kind == "none" and not explanation.fixes


def test_run_failure_finding_sits_on_the_project_frame(project: Path) -> None:
    bare = str(venv_python(bare_venv()))
    _, output = run([bare, "app.py"], project)
    explanation = explain_run(
        TerminalRun(f"{bare} app.py", output, cwd=str(project)),
        selected=selected(project),
        root=str(project),
    )
    finding = run_failure_finding(explanation, str(project))
    assert finding is not None
    assert (finding.rule, finding.path, finding.range.start.line) == ("RUN001", "app.py", 0)


@pytest.mark.parametrize(
    ("line", "tool", "module", "explicit", "starts"),
    [
        ("python app.py", "python", None, None, True),
        ("FLASK_DEBUG=1 python3 -m flask run", "python", "flask", None, True),
        (".venv/bin/pip install flask", "pip", None, "/p/.venv/bin/python", False),
        ("/usr/bin/python3 -m pip install x", "python", "pip", "/usr/bin/python3", False),
        ("uv run flask run", "uv", "flask", None, True),
        ("ls -la", None, None, None, False),
        ("python", "python", None, None, False),
        ("python -c 'import flask'", "python", None, None, False),
        ("python -m pip install flask", "python", "pip", None, False),
    ],
)
def test_command_lines(
    line: str, tool: str | None, module: str | None, explicit: str | None, starts: bool
) -> None:
    command = read_command(line, "/p")
    assert (command.tool, command.module, command.explicit_interpreter) == (tool, module, explicit)
    assert command.starts_app is starts


def test_cli_explain_json_and_exit_codes(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bare = str(venv_python(bare_venv()))
    _, output = run([bare, "app.py"], project)
    saved = tmp_path / "run.log"
    saved.write_text(output, encoding="utf-8")
    argv = ["explain", str(saved), "--root", str(project), "--python", selected(project)]
    assert main([*argv, "--command", f"{bare} app.py", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["kind"] == "wrong-interpreter"
    assert report["interpreter"] == {
        "ran": bare,
        "evidence": "named in the command",
        "certain": True,
        "selected": selected(project),
        "mismatch": True,
        "is_selected": False,
    }
    assert report["location"] == {"path": str(project / "app.py"), "line": 1}
    assert main([*argv, "--command", f"{bare} app.py"]) == 1
    text = capsys.readouterr().out
    assert "Fixes:" in text and "$ .venv/bin/python app.py" in text
    clean = tmp_path / "clean.log"
    clean.write_text(" * Running on http://127.0.0.1:5000\n", encoding="utf-8")
    assert main(["explain", str(clean), "--root", str(project)]) == 0
    assert main(["explain", str(tmp_path / "missing.log")]) == 2


def test_cli_reads_stdin(project: Path) -> None:
    bare = str(venv_python(bare_venv()))
    _, output = run([bare, "app.py"], project)
    done = subprocess.run(
        [sys.executable, "-m", "flask_preflight", "explain", "--python", selected(project)],
        input=output,
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "Flask 3.1.3" in done.stdout and ".venv/bin/python (selected)" in done.stdout


def test_fixes_typed_from_a_subfolder_use_absolute_paths(project: Path) -> None:
    bare = str(venv_python(bare_venv()))
    below = project / "docs"
    below.mkdir()
    code, output = run([bare, "../app.py"], below)
    assert code == 1
    explanation = explain_run(
        TerminalRun(f"{bare} ../app.py", output, cwd=str(below)),
        selected=selected(project),
        root=str(project),
    )
    assert explanation.kind == "wrong-interpreter"
    rerun = explanation.fixes[0]
    assert rerun.command == f"{selected(project)} ../app.py"
    done = subprocess.run(
        [*rerun.argv[:1], "-c", "import flask"], cwd=below, check=False, capture_output=True
    )
    assert done.returncode == 0


def test_an_exception_inside_a_library_names_its_distribution(tmp_path: Path) -> None:
    app = (
        "from flask import Flask\n\napp = Flask(__name__)\napp.config.from_pyfile('settings.cfg')\n"
    )
    project = project_with_venv(tmp_path / "p", flask_venv(), app=app)
    code, output = run([selected(project), "app.py"], project)
    assert code == 1 and "settings.cfg" in output
    explanation = explain_run(
        TerminalRun(".venv/bin/python app.py", output, cwd=str(project)),
        selected=selected(project),
        root=str(project),
    )
    assert explanation.kind == "exception"
    assert explanation.raised_by is not None
    assert (explanation.raised_by["distribution"], explanation.raised_by["version"]) == (
        "Flask",
        "3.1.3",
    )
    assert explanation.location is not None and explanation.location.line == 4
    assert explanation.summary.startswith("FileNotFoundError: ")
    assert "at app.py:4, raised inside Flask 3.1.3" in explanation.summary


def test_missing_module_installed_in_another_python_on_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = project_with_venv(tmp_path / "p", bare_venv())
    code, output = run([selected(project), "app.py"], project)
    assert code == 1
    flask_bin = flask_venv() / "bin"
    monkeypatch.setenv("PATH", f"{flask_bin}{os.pathsep}{os.environ.get('PATH', '')}")
    explanation = explain_run(
        TerminalRun(".venv/bin/python app.py", output, cwd=str(project)),
        selected=selected(project),
        root=str(project),
    )
    assert explanation.kind == "module-not-installed"
    # the installed-elsewhere scanner names it as a user knows it, and where that is
    assert (
        f"Flask is installed elsewhere: the python3 on PATH ({flask_venv()}) (Flask 3.1.3)"
        in explanation.summary
    ), explanation.summary
    assert explanation.fixes[-1].argv == (selected(project), "-m", "pip", "install", "Flask")


_PIECES = [
    "Traceback (most recent call last):\n",
    '  File "/p/app.py", line 3, in <module>\n',
    '  File "/x/lib/python3.11/site-packages/flask/app.py", line 9\n',
    "ModuleNotFoundError: No module named 'flask'\n",
    "ImportError: cannot import name 'x' from 'y' (/nonexistent/y.py)\n",
    "The above exception was the direct cause of the following exception:\n",
    "Failed to find attribute 'app' in 'wsgi'.\n",
    "Error: Could not locate a Flask application.\n",
    "Connection in use: ('127.0.0.1', 99999)\n",
    "Successfully installed a-1 b c-\n",
    "Requirement already satisfied: x in ../../ (1)\n",
    "\x1b[31m\r\n  | ",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=40)), max_size=12),
    st.text(max_size=40),
)
def test_any_output_and_command_line_never_crash(pieces: list[str], command: str) -> None:
    explanation = explain_run(
        TerminalRun(command, "".join(pieces), cwd="/nonexistent"),
        selected="/nonexistent/bin/python",
        root="/nonexistent",
    )
    assert explanation.kind in KINDS
    json.dumps(explanation.to_json())
