"""Declarations read from every kind of file: exact target ranges, working directories,
options, and bad input that yields a diagnostic or an 'unknown' with a reason, never a crash
and never a false 'ok'."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flask_preflight.analysis.entrypoints import (
    Declaration,
    check_declaration,
    declaration_problems,
    entrypoints_report,
    find_declarations,
)
from flask_preflight.analysis.entrypoints.targets import TargetError, parse_flask, parse_gunicorn
from flask_preflight.analysis.entrypoints.text.shell_words import split_words
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import run_checks

from .conftest import write_tree

APP = "from flask import Flask\n\napp = Flask(__name__)\n"
FACTORY = "from flask import Flask\n\n\ndef create_app():\n    return Flask(__name__)\n"


def declarations(tmp_path: Path, files: dict[str, str]) -> tuple[Project, list[Declaration]]:
    write_tree(tmp_path, files)
    project = Project(tmp_path)
    return project, find_declarations(project)


def target_text(project: Project, declaration: Declaration) -> str:
    """The text the declaration's range covers in its file."""
    source = project.source(declaration.source)
    assert source is not None
    start, end = source.offset(declaration.range.start), source.offset(declaration.range.end)
    return source.text[start:end]


def verdicts(project: Project) -> list[tuple[str, str, str]]:
    return [
        (d.source, d.target, check_declaration(project, d).status)
        for d in find_declarations(project)
    ]


# --- target grammars -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "module", "name", "call"),
    [
        ("app:app", "app", "app", False),
        ("app", "app", "application", False),
        ("pkg.sub.mod:create_app()", "pkg.sub.mod", "create_app", True),
        ("app:create_app('x', debug=True)", "app", "create_app", True),
        ('app:create_app("a;b")', "app", "create_app", True),
    ],
)
def test_gunicorn_grammar_accepts(text: str, module: str, name: str, call: bool) -> None:
    target = parse_gunicorn(text)
    assert (target.module, target.name, target.call) == (module, name, call)


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("app.py", "did you mean 'app:application'?"),
        ("app:app.server", "Failed to parse 'app.server' as an attribute name or function call."),
        ("app:factory.make()", "Function reference must be a simple name"),
        ("app:create_app(x)", "Failed to parse arguments as literal values"),
        ("app:", "Failed to parse ''"),
        ("app:app; rm -rf ~", "shell syntax"),
        ("-app:app", "option"),
        ("src/app:app", "No module named 'src/app'"),
    ],
)
def test_gunicorn_grammar_refuses_with_its_message(text: str, printed: str) -> None:
    with pytest.raises(TargetError, match=None) as error:
        parse_gunicorn(text)
    assert printed in str(error.value)


def test_flask_grammar_splits_on_the_first_colon_not_before_a_path_separator() -> None:
    assert parse_flask("C:/work/app.py").module == "C:/work/app.py"
    target = parse_flask("src/web.py:create_app('dev')")
    assert (target.module, target.name, target.args, target.path_form) == (
        "src/web.py", "create_app", ("dev",), True,
    )  # fmt: skip
    assert parse_flask("pkg.app").name is None


# --- the shell -------------------------------------------------------------------------------


def test_shell_words_keep_their_places_and_expand_known_variables() -> None:
    text = "cd web && PORT=1 exec gunicorn -b \"0.0.0.0:${PORT:-8000}\" 'app:create_app()' # c"
    words = split_words(text, {"HOME": "/root"})
    values = [w.value for w in words]
    assert values == [
        "cd",
        "web",
        "&&",
        "PORT=1",
        "exec",
        "gunicorn",
        "-b",
        "0.0.0.0:8000",
        "app:create_app()",
    ]
    quoted = words[-1]
    assert text[quoted.inner[0] : quoted.inner[1]] == "app:create_app()"
    assert words[-2].unset == []


def test_command_substitution_and_unset_variables_are_unknown(tmp_path: Path) -> None:
    project, found = declarations(
        tmp_path,
        {
            "app.py": APP,
            "Procfile": 'web: gunicorn "app:$(whoami)"\nworker: gunicorn $TARGET\nclock: gunicorn `pick`\n',
        },
    )
    statuses = [(d.target, check_declaration(project, d)) for d in found]
    assert [v.status for _, v in statuses] == ["unknown", "unknown", "unknown"]
    assert "$TARGET" in statuses[1][1].message
    assert "only known when the shell runs it" in statuses[2][1].message
    assert not [f for f in run_checks(project) if f.rule.startswith("SRV00") and f.rule != "SRV005"]


# --- Procfile ------------------------------------------------------------------------------


def test_procfile_crlf_and_odd_spacing(tmp_path: Path) -> None:
    project, found = declarations(
        tmp_path,
        {
            "app.py": APP,
            "Procfile": "web:gunicorn   app:app  \r\n\r\n  worker :  gunicorn app:nope\r\n# web: gunicorn x:y\r\n",
        },
    )
    assert [(d.process, d.range.start.line, target_text(project, d)) for d in found] == [
        ("web", 0, "app:app"),
        ("worker", 2, "app:nope"),
    ]
    assert [check_declaration(project, d).status for d in found] == [
        "ok", "entrypoint-attribute-not-found",
    ]  # fmt: skip


def test_flask_app_option_after_the_command_is_refused(tmp_path: Path) -> None:
    project, [declaration] = declarations(
        tmp_path, {"app.py": APP, "Procfile": "web: flask run --app app --port $PORT\n"}
    )
    verdict = check_declaration(project, declaration)
    assert verdict.rule == "SRV004" and "No such option '--app'." in verdict.message


def test_procfile_sh_c_and_python_m(tmp_path: Path) -> None:
    project, found = declarations(
        tmp_path,
        {
            "web/app.py": APP,
            "Procfile": "web: sh -c 'cd web && python -m gunicorn app:app'\nrelease: python -m flask --app web/app.py routes\n",
        },
    )
    assert [(d.server, d.cwd, target_text(project, d)) for d in found] == [
        ("gunicorn", "web", "app:app"),
        ("flask", "", "web/app.py"),
    ]
    assert all(check_declaration(project, d).ok for d in found)


# --- Dockerfile ----------------------------------------------------------------------------


def test_dockerfile_continuations_comments_unknown_instructions_and_stages(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.12 AS build\n"
        'CMD ["gunicorn", "never:used"]\n'
        "FROM python:3.12-slim\n"
        "FROBNICATE loudly\n"
        "WORKDIR /srv\n"
        "COPY src/ ./\n"
        "ENV FLASK_APP=web\n"
        "CMD gunicorn \\\n"
        "  # the bind\n"
        "  --bind 0.0.0.0:80 \\\n"
        "  web:app\n"
    )
    project, found = declarations(tmp_path, {"src/web.py": APP, "Dockerfile": dockerfile})
    [declaration] = found
    assert declaration.cwd == "src" and declaration.bind == ("0.0.0.0:80",)
    assert declaration.range.start.line == 10 and target_text(project, declaration) == "web:app"
    assert check_declaration(project, declaration).ok


def test_dockerfile_exec_entrypoint_takes_cmd_as_arguments(tmp_path: Path) -> None:
    dockerfile = (
        'FROM python\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["gunicorn", "-b", "0.0.0.0:80"]\n'
        'CMD ["app:create_app()"]\n'
    )
    project, [declaration] = declarations(tmp_path, {"app.py": FACTORY, "Dockerfile": dockerfile})
    assert (
        declaration.range.start.line == 4
        and target_text(project, declaration) == "app:create_app()"
    )
    assert declaration.bind == ("0.0.0.0:80",) and check_declaration(project, declaration).ok


def test_dockerfile_workdir_nothing_was_copied_to(tmp_path: Path) -> None:
    project, [declaration] = declarations(
        tmp_path,
        {"app.py": APP, "Dockerfile": 'FROM python\nCOPY . /app\nCMD ["gunicorn", "app:app"]\n'},
    )
    verdict = check_declaration(project, declaration)
    assert verdict.rule == "SRV001" and "starts in / inside the container" in verdict.message


# --- compose -------------------------------------------------------------------------------


def test_compose_command_string_and_list(tmp_path: Path) -> None:
    compose = (
        "services:\n"
        "  web:\n"
        "    build: .\n"
        '    command: gunicorn "app:create_app()" --bind 0.0.0.0:8000\n'
        "  admin:\n"
        "    build:\n"
        "      context: .\n"
        "    working_dir: /code/admin\n"
        '    command: ["flask", "--app", "panel", "run", "--host", "0.0.0.0"]\n'
    )
    files = {
        "app.py": FACTORY,
        "admin/panel.py": APP,
        "Dockerfile": "FROM python\nWORKDIR /code\nCOPY . .\n",
        "docker-compose.yml": compose,
    }
    project, found = declarations(tmp_path, files)
    assert [(d.source, d.server, d.cwd, target_text(project, d)) for d in found] == [
        ("docker-compose.yml", "gunicorn", "", "app:create_app()"),
        ("docker-compose.yml", "flask", "admin", "panel"),
    ]
    assert [d.range.start.line for d in found] == [3, 8]
    assert all(check_declaration(project, d).ok for d in found)


def test_dockerfile_copying_nothing_is_unknown(tmp_path: Path) -> None:
    project, [declaration] = declarations(
        tmp_path, {"Dockerfile": 'FROM example/base\nCMD ["gunicorn", "api:app"]\n'}
    )
    assert check_declaration(project, declaration).status == "unknown"


def test_compose_image_from_elsewhere_is_unknown(tmp_path: Path) -> None:
    compose = "services:\n  api:\n    image: example/api:1\n    command: gunicorn api:app\n"
    project, [declaration] = declarations(tmp_path, {"docker-compose.yml": compose})
    verdict = check_declaration(project, declaration)
    assert verdict.status == "unknown" and "does not hold" in verdict.message


@pytest.mark.parametrize(
    "text",
    [
        "services: [broken\n",
        "services:\n  web:\n    command: gunicorn: app: app\n",
        "- just\n- a list\n",
        "services: 3\n",
        "services:\n  web: null\n",
        "\t\x7fservices:\n",
        "a: &x [*x]\n",
        "services:\n  web:\n    command: {a: b}\n",
    ],
)
def test_malformed_compose_never_crashes_never_ok(tmp_path: Path, text: str) -> None:
    write_tree(tmp_path, {"app.py": APP, "compose.yaml": text})
    project = Project(tmp_path)
    report = entrypoints_report(project)
    assert all(e["status"] != "ok" for e in report["entrypoints"])
    errors: list[str] = []
    run_checks(project, on_error=lambda where, error, detail: errors.append(detail))
    assert errors == []


def test_malformed_yaml_is_a_diagnostic_on_the_failing_line(tmp_path: Path) -> None:
    write_tree(
        tmp_path, {"docker-compose.yml": "services:\n  web:\n    command: [gunicorn\n  x: : :\n"}
    )
    project = Project(tmp_path)
    [problem] = declaration_problems(project)
    assert problem.range.start.line == 3 and "not valid YAML" in problem.reason
    [finding] = [f for f in run_checks(project) if f.rule == "SRV004"]
    assert finding.path == "docker-compose.yml" and finding.range.start.line == 3


# --- gunicorn.conf.py, uwsgi.ini, dotenv, launch.json, systemd, app.yaml ------------------


def test_gunicorn_conf_wsgi_app_chdir_and_a_broken_conf(tmp_path: Path) -> None:
    project, [declaration] = declarations(
        tmp_path,
        {"src/web.py": APP, "gunicorn.conf.py": "chdir = 'src'\nwsgi_app = 'web:application'\n"},
    )
    assert declaration.source == "gunicorn.conf.py" and declaration.cwd == "src"
    assert target_text(project, declaration) == "web:application"
    assert check_declaration(project, declaration).rule == "SRV002"

    (tmp_path / "gunicorn.conf.py").write_text("wsgi_app = 'web:app'\nbind = [\n")
    (tmp_path / "Procfile").write_text("web: gunicorn --chdir src web:app\n")
    project = Project(tmp_path)
    [declaration] = find_declarations(project)
    verdict = check_declaration(project, declaration)
    assert verdict.status == "unknown" and "Failed to read config file" in verdict.message
    [finding] = [f for f in run_checks(project) if f.rule == "SRV004"]
    assert finding.path == "gunicorn.conf.py" and finding.range.start.line == 1


def test_gunicorn_conf_target_that_is_an_option_is_refused(tmp_path: Path) -> None:
    project, [declaration] = declarations(
        tmp_path, {"app.py": APP, "gunicorn.conf.py": 'wsgi_app = "--reload"\n'}
    )
    verdict = check_declaration(project, declaration)
    assert verdict.rule == "SRV004" and "option" in verdict.message


def test_uwsgi_ini(tmp_path: Path) -> None:
    project, found = declarations(
        tmp_path,
        {
            "app.py": FACTORY,
            "uwsgi.ini": "[uwsgi]\nmodule = app\ncallable = create_app()\nhttp = :8000\n",
            "deploy/other.ini": "[uwsgi]\nchdir = ..\nmodule = app:missing\n",
            "pytest.ini": "[pytest]\naddopts = -q\n",
        },
    )
    assert [(d.source, d.cwd, check_declaration(project, d).status) for d in found] == [
        ("deploy/other.ini", "", "entrypoint-attribute-not-found"),
        ("uwsgi.ini", "", "ok"),
    ]


def test_uwsgi_command_lines(tmp_path: Path) -> None:
    procfile = (
        "web: uwsgi --http :$PORT --wsgi-file app.py --callable app\n"
        "alt: uwsgi --http=:8000 -w app:application\n"
        "ini: uwsgi --ini uwsgi.ini\n"
    )
    project, found = declarations(tmp_path, {"app.py": APP, "Procfile": procfile})
    assert [
        (d.process, target_text(project, d), check_declaration(project, d).status) for d in found
    ] == [
        ("web", "app.py", "ok"),
        ("alt", "app:application", "entrypoint-attribute-not-found"),
    ]


def test_malformed_ini_is_a_diagnostic(tmp_path: Path) -> None:
    write_tree(tmp_path, {"uwsgi.ini": "[uwsgi]\nmodule = app:app\n[uwsgi\n"})
    project = Project(tmp_path)
    [problem] = declaration_problems(project)
    assert problem.range.start.line == 2 and "[uwsgi" in problem.reason


def test_flaskenv_declaration_and_quotes(tmp_path: Path) -> None:
    project, found = declarations(
        tmp_path,
        {
            "myapp/__init__.py": FACTORY,
            ".flaskenv": "# settings\nexport FLASK_APP='myapp:create_app()'\nFLASK_DEBUG=1\n",
            "sub/.env": 'FLASK_APP="app:app; rm -rf ~"\n',
        },
    )
    assert [(d.source, target_text(project, d)) for d in found] == [
        (".flaskenv", "myapp:create_app()"),
        ("sub/.env", "app:app; rm -rf ~"),
    ]
    assert [check_declaration(project, d).rule for d in found] == [None, "SRV004"]


def test_launch_json_with_comments_and_trailing_commas(tmp_path: Path) -> None:
    launch = """{
  // VS Code writes comments and trailing commas
  "configurations": [
    {
      "type": "debugpy", "request": "launch", "module": "flask",
      "cwd": "${workspaceFolder}/web",
      "env": {"FLASK_APP": "app:create_app", /* factory */ "FLASK_DEBUG": "1",},
      "args": ["run", "--no-debugger"],
    },
    {"type": "python", "request": "launch", "module": "gunicorn", "args": ["--chdir", "web", "app:make"],},
    {"type": "node", "program": "x.js"},
  ],
}
"""
    project, found = declarations(tmp_path, {"web/app.py": FACTORY, ".vscode/launch.json": launch})
    assert [(d.server, d.cwd, target_text(project, d)) for d in found] == [
        ("flask", "web", "app:create_app"),
        ("gunicorn", "web", "app:make"),
    ]
    assert [d.range.start.line for d in found] == [6, 9]
    assert [check_declaration(project, d).rule for d in found] == [None, "SRV002"]


WINDOWS_PATHS = """{"configurations": [
  {"type": "debugpy", "request": "launch", "module": "flask",
   "args": ["--app", "src\\\\app.py", "run"]},
  {"type": "debugpy", "request": "launch", "module": "flask", "args": ["--app=src\\\\app.py:app", "run"]},
  {"type": "debugpy", "request": "launch", "module": "flask",
   "env": {"FLASK_APP": "src\\\\app.py"}, "args": ["run"]}
]}
"""


@pytest.mark.parametrize("windows", [True, False])
def test_launch_json_app_paths_are_read_as_flask_reads_them_on_this_machine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, windows: bool
) -> None:
    """debugpy runs the configuration here, and no shell reads `src\\app.py`: on Windows the
    backslash is a separator (Flask finds the app), elsewhere part of a name no file has."""
    from flask_preflight.analysis.entrypoints.formats import launch_json

    monkeypatch.setattr(launch_json, "_WINDOWS", windows)
    app = "from flask import Flask\napp = Flask(__name__)\n"
    project, found = declarations(
        tmp_path, {"src/app.py": app, ".vscode/launch.json": WINDOWS_PATHS}
    )
    verdicts = [check_declaration(project, d) for d in found]
    assert len(verdicts) == 3
    if windows:
        assert [v.ok for v in verdicts] == [True, True, True]
        assert {v.app.module for v in verdicts if v.app} == {"src/app.py"}
    else:
        assert [v.rule for v in verdicts] == ["SRV004", "SRV004", "SRV004"]


@pytest.mark.parametrize(
    "text", ['{"configurations": [', "", "[]", '{"configurations": {"a": 1}}', '{"a": 1} x']
)
def test_malformed_launch_json(tmp_path: Path, text: str) -> None:
    write_tree(tmp_path, {".vscode/launch.json": text})
    project = Project(tmp_path)
    assert find_declarations(project) == []
    entries = entrypoints_report(project)["entrypoints"]
    assert all(e["status"] == "unknown" for e in entries)


def test_systemd_unit(tmp_path: Path) -> None:
    unit = (
        "[Service]\n"
        "WorkingDirectory=/home/deploy/site/backend\n"
        'Environment="FLASK_ENV=production"\n'
        "ExecStart=-/home/deploy/venv/bin/gunicorn --workers 3 \\\n"
        "    --bind unix:/run/site.sock wsgi:app\n"
    )
    project, [declaration] = declarations(
        tmp_path, {"backend/wsgi.py": APP, "deploy/site.service": unit}
    )
    assert declaration.cwd == "backend" and declaration.context == "systemd"
    assert declaration.range.start.line == 4 and target_text(project, declaration) == "wsgi:app"
    assert check_declaration(project, declaration).ok


def test_app_yaml_entrypoint_and_default(tmp_path: Path) -> None:
    project, [declaration] = declarations(
        tmp_path,
        {
            "main.py": APP,
            "app.yaml": "runtime: python312\nentrypoint: gunicorn -b :$PORT main:app\n",
        },
    )
    assert (
        target_text(project, declaration) == "main:app"
        and check_declaration(project, declaration).ok
    )
    (tmp_path / "app.yaml").write_text("runtime: python312\n")
    (tmp_path / "main.py").rename(tmp_path / "server.py")
    project = Project(tmp_path)
    [declaration] = find_declarations(project)
    assert declaration.target == "main:app"
    assert check_declaration(project, declaration).rule == "SRV001"


# --- never a crash, never a false ok --------------------------------------------------------

FILE_NAMES = [
    "Procfile", "Dockerfile", "docker-compose.yml", "gunicorn.conf.py", "uwsgi.ini", ".flaskenv",
    ".vscode/launch.json", "deploy/app.service", "app.yaml",
]  # fmt: skip
SEEDS = st.sampled_from(
    [
        "web: gunicorn ", "CMD ", "[uwsgi]\nmodule = ", "FLASK_APP=", "wsgi_app = ",
        "ExecStart=gunicorn ", "entrypoint: gunicorn ", "services:\n  w:\n    command: ",
        '{"configurations": [{"type": "python", "module": "gunicorn", "args": [',
        "WORKDIR ", "\\\n", "$(", "${", "'", '"', "\r\n", ":", "()", "nothere:app", "-",
    ]
)  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(FILE_NAMES),
    parts=st.lists(st.one_of(SEEDS, st.text(max_size=12)), max_size=8),
)
def test_garbage_never_crashes_and_is_never_ok(tmp_path: Path, name: str, parts: list[str]) -> None:
    root = tmp_path / "garbage"
    if root.exists():
        import shutil

        shutil.rmtree(root)
    write_tree(root, {name: "".join(parts).replace("\x00", "")})
    project = Project(root)
    report = entrypoints_report(project)
    # There is no app in this project, so nothing may resolve.
    assert all(e["status"] != "ok" or e["server"] == "python" for e in report["entrypoints"])
    errors: list[str] = []
    run_checks(project, on_error=lambda where, error, detail: errors.append(detail))
    assert errors == []


def test_chdir_fix_keeps_the_exec_form_valid_json(tmp_path: Path) -> None:
    import json

    from flask_preflight.analysis.edits import apply_edits

    dockerfile = 'FROM python\nWORKDIR /app\nCOPY . .\nCMD ["gunicorn", "-b", "0.0.0.0:80", "myproj:create_app()"]\n'
    project, [declaration] = declarations(
        tmp_path, {"src/myproj/__init__.py": FACTORY, "Dockerfile": dockerfile}
    )
    verdict = check_declaration(project, declaration)
    assert verdict.rule == "SRV001"
    fixed = apply_edits(dockerfile, verdict.fixes[0].edits)
    argv = json.loads(fixed.splitlines()[-1].removeprefix("CMD "))
    assert argv == ["gunicorn", "--chdir", "src", "-b", "0.0.0.0:80", "myproj:create_app()"]
    (tmp_path / "Dockerfile").write_text(fixed)
    fixed_project = Project(tmp_path)
    assert check_declaration(fixed_project, find_declarations(fixed_project)[0]).ok
