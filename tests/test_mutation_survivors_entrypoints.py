"""Tests for mutants of analysis/entrypoints that survived a sampled `make mutate` run: each
asserts what a user sees (an entry point's parsed target, working directory and verdict, a
finding's message, a fix's edit) that the mutation changed. Every one was checked by running it
against its mutant (mutmut's MUTANT_UNDER_TEST)."""

from __future__ import annotations

from pathlib import Path

import pytest

from flask_preflight.analysis.edits import apply_edits
from flask_preflight.analysis.entrypoints import (
    Declaration,
    check_declaration,
    entrypoints_report,
    find_declarations,
)
from flask_preflight.analysis.entrypoints.text.shell_words import split_words
from flask_preflight.analysis.model import Finding
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import run_checks
from tests.conftest import write_tree

APP = "from flask import Flask\n\napp = Flask(__name__)\n"
FACTORY = "from flask import Flask\n\n\ndef create_app():\n    return Flask(__name__)\n"


def only(root: Path) -> tuple[Project, Declaration]:
    project = Project(root)
    [declaration] = find_declarations(project)
    return project, declaration


def findings(root: Path, rule: str) -> list[Finding]:
    return [f for f in run_checks(Project(root)) if f.rule == rule]


def applied(root: Path, finding: Finding, index: int = 0) -> dict[str, str]:
    fix = finding.fixes[index]
    result = {}
    for path in {edit.path for edit in fix.edits}:
        file = root / path
        text = file.read_text(encoding="utf-8") if file.exists() else ""
        result[path] = apply_edits(text, [e for e in fix.edits if e.path == path])
    return result


# --- command lines (entrypoints/command_lines) -----------------------------------------------


def test_an_environment_value_holding_an_equals_sign_stays_whole(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "shop.py": "from flask import Flask\n\n\ndef create_app(debug=True):\n"
            "    return Flask(__name__)\n",
            "Procfile": "web: FLASK_APP='shop:create_app(debug=False)' flask run\n",
        },
    )
    project, declaration = only(tmp_path)
    assert declaration.env_value("FLASK_APP") == "shop:create_app(debug=False)"
    verdict = check_declaration(project, declaration)
    assert verdict.status == "ok"
    assert verdict.app is not None and verdict.app.name == "create_app"


def test_env_with_options_and_assignments_before_the_server(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: env -i PORT=8000 gunicorn app:app\n"})
    project, declaration = only(tmp_path)
    assert (declaration.server, declaration.target) == ("gunicorn", "app:app")
    assert declaration.env_value("PORT") == "8000"
    assert check_declaration(project, declaration).status == "ok"


def test_a_runner_with_options_before_the_server(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: uv run --frozen gunicorn app:app\n"})
    project, declaration = only(tmp_path)
    assert (declaration.server, declaration.target) == ("gunicorn", "app:app")
    assert check_declaration(project, declaration).status == "ok"


def test_a_shell_running_a_script_after_cd_runs_it_in_that_folder(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "src/app.py": APP,
            "src/start.sh": "#!/bin/sh\nexec gunicorn app:app\n",
            "Procfile": "web: cd src && sh start.sh\n",
        },
    )
    project, declaration = only(tmp_path)
    assert (declaration.source, declaration.cwd, declaration.target) == (
        "src/start.sh",
        "src",
        "app:app",
    )
    assert check_declaration(project, declaration).status == "ok"


def test_gunicorn_reads_wsgi_app_from_a_config_file_in_a_folder(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "config/gunicorn.conf.py": 'wsgi_app = "app:app"\n',
            "Procfile": "web: gunicorn -c config/gunicorn.conf.py\n",
        },
    )
    project, declaration = only(tmp_path)
    assert declaration.config_file == "config/gunicorn.conf.py"
    assert declaration.target == "app:app"
    assert check_declaration(project, declaration).status == "ok"


# --- gunicorn.conf.py (entrypoints/gunicorn_conf) ---------------------------------------------


def test_a_chdir_computed_at_run_time_makes_the_entry_point_unknown(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "gunicorn.conf.py": "import os\n\nchdir = os.path.dirname(__file__)\n",
            "Procfile": "web: gunicorn app:app\n",
        },
    )
    project, declaration = only(tmp_path)
    verdict = check_declaration(project, declaration)
    assert verdict.status == "unknown"
    assert "gunicorn.conf.py computes chdir at run time" in verdict.message


# --- .flaskenv (entrypoints/dotenv_files) ------------------------------------------------------


def test_a_flaskenv_app_runs_locally(tmp_path: Path) -> None:
    """`flask run` with FLASK_APP from .flaskenv runs on the developer's machine: the
    development server there is fine (no SRV007 container warning, no APP005)."""
    write_tree(tmp_path, {"app.py": APP, ".flaskenv": "FLASK_APP=app\nFLASK_DEBUG=1\n"})
    _, declaration = only(tmp_path)
    assert (declaration.server, declaration.target, declaration.context) == (
        "flask",
        "app",
        "local",
    )
    assert findings(tmp_path, "APP005") == []


# --- verdicts and their messages (entrypoints/resolve) ----------------------------------------


def test_waitress_given_no_application_is_srv004(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: waitress-serve --port=$PORT\n"})
    [finding] = findings(tmp_path, "SRV004")
    assert finding.message.endswith("was given no application to load.")


def test_a_factory_missing_two_arguments_names_both(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "shop.py": "from flask import Flask\n\n\ndef create_app(config, mode):\n"
            "    return Flask(__name__)\n",
            "Procfile": "web: gunicorn 'shop:create_app()'\n",
        },
    )
    [finding] = findings(tmp_path, "SRV003")
    assert "missing 2 required positional arguments: 'config', 'mode'" in finding.message


def test_a_flask_factory_target_names_its_app_in_the_report(tmp_path: Path) -> None:
    write_tree(tmp_path, {"shop.py": FACTORY, ".flaskenv": "FLASK_APP=shop:create_app\n"})
    [entry] = entrypoints_report(Project(tmp_path))["entrypoints"]
    assert (entry["status"], entry["app"]) == ("ok", "shop.py:create_app")


@pytest.mark.parametrize(
    "binds",
    [
        'globals()["application"] = Flask(__name__)\n',
        "globals().update(application=Flask(__name__))\n",
    ],
)
def test_module_level_globals_writes_make_a_missing_name_unknown(
    tmp_path: Path, binds: str
) -> None:
    """Both bind `application` when gunicorn imports the module: never an SRV002 error (the
    engine once missed both and said the attribute was not found)."""
    write_tree(
        tmp_path,
        {
            "app.py": "from flask import Flask\n\n" + binds,
            "Procfile": "web: gunicorn app:application\n",
        },
    )
    project, declaration = only(tmp_path)
    verdict = check_declaration(project, declaration)
    assert verdict.status == "unknown"
    assert "defines names dynamically" in verdict.message
    assert findings(tmp_path, "SRV002") == []
    # Without the write, the missing name is an error.
    write_tree(tmp_path, {"app.py": "from flask import Flask\n\napp = Flask(__name__)\n"})
    assert len(findings(tmp_path, "SRV002")) == 1


# --- target fixes (entrypoints/target_fixes) --------------------------------------------------


def test_waitress_call_of_a_wrong_factory_name_is_fixed_to_the_factory(tmp_path: Path) -> None:
    write_tree(
        tmp_path, {"shop.py": FACTORY, "Procfile": "web: waitress-serve --call shop:make_app\n"}
    )
    [finding] = findings(tmp_path, "SRV002")
    assert any(
        text == {"Procfile": "web: waitress-serve --call shop:create_app\n"}
        for text in (applied(tmp_path, finding, i) for i in range(len(finding.fixes)))
    )


# --- shell words (entrypoints/shell_words) ------------------------------------------------------


def test_an_escaped_quote_inside_double_quotes_is_kept() -> None:
    assert [w.value for w in split_words('gunicorn "shop:create_app(\\"x\\")"')] == [
        "gunicorn",
        'shop:create_app("x")',
    ]


# --- scripts, uwsgi.ini and target fixes in subfolders ------------------------------------------


def test_a_uwsgi_script_nothing_starts_is_listed_as_unstarted(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"app.py": APP, "deploy/run_uwsgi.sh": "#!/bin/sh\nuwsgi --module app:app --http :8000\n"},
    )
    project, declaration = only(tmp_path)
    assert (declaration.source, declaration.server, declaration.target) == (
        "deploy/run_uwsgi.sh",
        "uwsgi",
        "app:app",
    )
    assert declaration.unstarted
    assert check_declaration(project, declaration).status == "ok"


def test_uwsgi_ini_expands_an_environment_variable_the_image_sets(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "src/app.py": APP,
            "Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\nENV APP_MODULE=app:app\n"
            'CMD ["uwsgi", "--ini", "uwsgi.ini"]\n',
            "uwsgi.ini": "[uwsgi]\nchdir = src\nmodule = $(APP_MODULE)\nhttp = :8000\n",
        },
    )
    project, declaration = only(tmp_path)
    assert (declaration.source, declaration.target, declaration.cwd) == (
        "uwsgi.ini",
        "app:app",
        "src",
    )
    assert check_declaration(project, declaration).status == "ok"
    write_tree(tmp_path, {"uwsgi.ini": "[uwsgi]\nchdir = src\nmodule = ${APP_MODULE}\n"})
    project, declaration = only(tmp_path)
    assert check_declaration(project, declaration).status == "ok"


def test_a_wrong_target_under_chdir_is_fixed_in_place(tmp_path: Path) -> None:
    write_tree(tmp_path, {"src/app.py": APP, "Procfile": "web: gunicorn --chdir src wrong:app\n"})
    [finding] = findings(tmp_path, "SRV001")
    assert [f.title for f in finding.fixes] == ["Serve `app:app` instead"]
    assert applied(tmp_path, finding) == {"Procfile": "web: gunicorn --chdir src app:app\n"}


def test_a_wrong_target_under_a_chdir_that_holds_no_app_gets_no_second_chdir(
    tmp_path: Path,
) -> None:
    write_tree(
        tmp_path,
        {
            "web/app.py": APP,
            "api/README.md": "api\n",
            "Procfile": "web: gunicorn --chdir api wrong:app\n",
        },
    )
    [finding] = findings(tmp_path, "SRV001")
    assert finding.fixes == ()


def test_gunicorn_given_no_target_gets_one_added(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: gunicorn --bind 0.0.0.0:$PORT\n"})
    [finding] = findings(tmp_path, "SRV004")
    assert finding.message.endswith("gunicorn stops with: Error: No application module specified.")
    assert applied(tmp_path, finding) == {
        "Procfile": "web: gunicorn --bind 0.0.0.0:$PORT app:app\n"
    }


# --- second round (survivors of the seed-2 sample) -----------------------------------------------


def test_a_login_shell_command_string_is_read(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"src/app.py": APP, "Procfile": "web: cd src && bash -lc 'gunicorn app:app'\n"},
    )
    project, declaration = only(tmp_path)
    assert (declaration.server, declaration.target, declaration.cwd) == (
        "gunicorn",
        "app:app",
        "src",
    )
    assert check_declaration(project, declaration).status == "ok"


def test_a_python_script_entry_names_its_app_in_the_report(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: python app.py\n"})
    [entry] = entrypoints_report(Project(tmp_path))["entrypoints"]
    assert (entry["server"], entry["status"], entry["app"]) == ("python", "ok", "app.py:app")


def test_a_broken_launch_json_says_what_is_wrong_and_where(tmp_path: Path) -> None:
    cases = {
        '{"configurations": [\n': "unexpected end of file at line 2",
        '{"configurations" [1]}\n': "expected ':' at line 1",
        '{"configurations": ["bad \\q"]}\n': "bad string at line 1",
    }
    for text, reason in cases.items():
        write_tree(tmp_path, {".vscode/launch.json": text})
        [entry] = entrypoints_report(Project(tmp_path))["entrypoints"]
        assert (entry["source"], entry["status"]) == (".vscode/launch.json", "unknown")
        assert entry["reason"] == f".vscode/launch.json is not valid JSON: {reason}"
