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
from flask_preflight.analysis.entrypoints.resolve import Verdict
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
    assert "missing 2 required positional arguments: 'config' and 'mode'" in finding.message


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


# --- third round (survivors of the seed-6 sample) ------------------------------------------------


def verdict_of(root: Path) -> tuple[Declaration, Verdict]:
    project, declaration = only(root)
    return declaration, check_declaration(project, declaration)


def test_a_module_importing_a_missing_submodule_of_its_package_fails_for_gunicorn(
    tmp_path: Path,
) -> None:
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "",
            "app.py": "import shop.gone\n" + APP,
            "Procfile": "web: gunicorn app:app\n",
        },
    )
    _, verdict = verdict_of(tmp_path)
    assert verdict.rule == "SRV001"
    assert "app.py:1 imports shop.gone, which is not in the project" in verdict.message


def test_the_same_missing_import_under_flask_is_srv006(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "",
            "app.py": "from shop import gone\n" + APP,
            "Procfile": "web: flask --app app run\n",
        },
    )
    _, verdict = verdict_of(tmp_path)
    assert (verdict.rule, verdict.status) == ("SRV006", "flask-app-not-located")
    assert verdict.message.startswith("flask imports app.py, and app.py:1 imports shop.gone")


def test_flask_finds_a_flaskenv_in_a_folder_above_where_it_runs(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "a/b/shop.py": APP,
            "a/.flaskenv": "FLASK_APP=shop\n",
            "Procfile": "web: cd a/b && flask run\n",
        },
    )
    [entry] = [
        e for e in entrypoints_report(Project(tmp_path))["entrypoints"] if e["source"] == "Procfile"
    ]
    assert (entry["status"], entry["app"]) == ("ok", "a/b/shop.py:app")


def test_waitress_given_a_dotted_attribute_says_only_the_first_part_is_checked(
    tmp_path: Path,
) -> None:
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: waitress-serve app:app.wsgi_app\n"})
    _, verdict = verdict_of(tmp_path)
    assert verdict.status == "unknown"
    assert verdict.message == (
        "waitress looks up the dotted attribute 'app.wsgi_app'; only the first part is checked "
        "statically"
    )


def test_a_called_app_gets_the_safe_fix_that_drops_the_parentheses(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: gunicorn 'app:app()'\n"})
    [finding] = findings(tmp_path, "SRV003")
    assert [(f.title, f.safe) for f in finding.fixes] == [("Serve `app:app` instead", True)]
    assert applied(tmp_path, finding) == {"Procfile": "web: gunicorn 'app:app'\n"}


def test_a_constant_target_next_to_the_only_app_gets_a_safe_fix(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": "from flask import Flask\n\nx = 1\napp = Flask(__name__)\n",
            "Procfile": "web: gunicorn app:x\n",
        },
    )
    [finding] = findings(tmp_path, "SRV003")
    assert "is a constant, not a WSGI app" in finding.message
    assert [(f.title, f.safe) for f in finding.fixes] == [("Serve `app:app` instead", True)]


def test_a_wrong_module_gets_a_fix_that_is_not_safe(tmp_path: Path) -> None:
    """SRV001: the module is wrong, so which app was meant is a guess: never applied alone."""
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: gunicorn wrong:app\n"})
    [finding] = findings(tmp_path, "SRV001")
    assert [(f.title, f.safe) for f in finding.fixes] == [("Serve `app:app` instead", False)]


def test_a_plain_wsgi_function_of_two_arguments_is_served(tmp_path: Path) -> None:
    wsgi = "def application(environ, start_response):\n    return []\n"
    write_tree(tmp_path, {"app.py": wsgi, "Procfile": "web: gunicorn app:application\n"})
    _, verdict = verdict_of(tmp_path)
    assert (verdict.status, verdict.message, verdict.module_path) == (
        "ok",
        "`application` is a plain WSGI function",
        "app.py",
    )
    write_tree(tmp_path, {"app.py": wsgi.replace("start_response", "start_response, extra")})
    _, verdict = verdict_of(tmp_path)
    assert verdict.status == "unknown"


def test_flask_names_a_package_module_given_as_a_path_by_its_dotted_name(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/web.py": "x = 1\n",
            "Procfile": "web: flask --app pkg/web.py run\n",
        },
    )
    _, verdict = verdict_of(tmp_path)
    assert verdict.rule == "SRV006"
    assert "Failed to find Flask application or factory in module 'pkg.web'" in verdict.message


def test_a_flask_factory_given_its_argument_by_keyword_is_ok(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "shop.py": "from flask import Flask\n\n\ndef create_app(config):\n"
            "    return Flask(__name__)\n",
            "Procfile": "web: flask --app 'shop:create_app(config=1)' run\n",
        },
    )
    _, verdict = verdict_of(tmp_path)
    assert verdict.status == "ok"
    assert verdict.app is not None and verdict.app.name == "create_app"


def test_flask_follows_a_star_import_to_the_app(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "core.py": APP,
            "shop.py": "from core import *\n",
            "Procfile": "web: flask --app shop:app run\n",
        },
    )
    _, verdict = verdict_of(tmp_path)
    assert verdict.status == "ok"
    assert verdict.app is not None and verdict.app.module == "core.py"
    write_tree(tmp_path, {"core.py": "app = 3\n"})
    _, verdict = verdict_of(tmp_path)
    assert verdict.status == "unknown"
    assert "`app` comes from core.py; cannot tell statically" in verdict.message


def test_an_unterminated_string_in_launch_json_is_named(tmp_path: Path) -> None:
    write_tree(tmp_path, {".vscode/launch.json": '{"configurations": ["abc\n'})
    [entry] = entrypoints_report(Project(tmp_path))["entrypoints"]
    assert entry["reason"] == ".vscode/launch.json is not valid JSON: unterminated string at line 1"


def test_an_escaped_space_joins_a_word_and_operators_keep_their_columns() -> None:
    assert [w.value for w in split_words("gunicorn my\\ app:app")] == ["gunicorn", "my app:app"]
    words = split_words("cd src && gunicorn app:app")
    assert [(w.value, w.start, w.operator) for w in words][2] == ("&&", 7, True)


def test_unquoted_parentheses_in_a_procfile_stop_the_shell(tmp_path: Path) -> None:
    write_tree(tmp_path, {"shop.py": FACTORY, "Procfile": "web: gunicorn shop:create_app()\n"})
    [finding] = findings(tmp_path, "SRV004")
    assert "The shell stops before gunicorn starts, on the unquoted `(`" in finding.message


def test_a_systemd_working_directory_with_a_dash_prefix(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "srv/app.py": APP,
            "deploy/app.service": "[Service]\nWorkingDirectory=-/opt/app/srv\n"
            "ExecStart=/opt/app/venv/bin/gunicorn app:app\n",
        },
    )
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.cwd, verdict.status) == ("srv", "ok")


def test_waitress_options_with_separate_values_before_the_target(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: waitress-serve --port 8000 app:app\n"})
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.target, verdict.status) == ("app:app", "ok")
    assert declaration.bind == ("0.0.0.0:8000",)


def test_gunicorn_pythonpath_takes_a_comma_separated_list(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "src/app.py": APP,
            "lib/x.py": "",
            "Procfile": "web: gunicorn --pythonpath lib,src app:app\n",
        },
    )
    declaration, verdict = verdict_of(tmp_path)
    assert declaration.pythonpath == ("lib", "src")
    assert verdict.status == "ok"


def test_gunicorn_given_a_file_path_suggests_the_dotted_module(tmp_path: Path) -> None:
    write_tree(tmp_path, {"web/app.py": APP, "Procfile": "web: gunicorn web/app.py\n"})
    [finding] = findings(tmp_path, "SRV004")
    assert finding.message == (
        "gunicorn refuses the target: Failed to find application, did you mean "
        "'web.app:application'?"
    )


def test_app_yaml_is_the_web_process_and_its_yaml_errors_are_gunicorns(tmp_path: Path) -> None:
    write_tree(tmp_path, {"main.py": APP, "app.yaml": "runtime: python312\n"})
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.process, declaration.target, verdict.status) == ("web", "main:app", "ok")
    write_tree(tmp_path, {"app.yaml": "runtime: python312\nentrypoint: [\n"})
    [entry] = entrypoints_report(Project(tmp_path))["entrypoints"]
    assert (entry["server"], entry["status"]) == ("gunicorn", "unknown")


def test_compose_extends_a_chain_five_services_deep(tmp_path: Path) -> None:
    chain = "".join(f"  s{i}:\n    extends: s{i + 1}\n" for i in range(1, 6))
    write_tree(
        tmp_path,
        {
            "src/app.py": APP,
            "Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\n",
            "compose.yaml": "services:\n  web:\n    command: gunicorn app:app\n    extends: s1\n"
            + chain
            + "  s6:\n    build: .\n    working_dir: /app/src\n",
        },
    )
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.process, declaration.cwd, verdict.status) == ("web", "src", "ok")


def test_compose_service_whose_image_installs_the_project_is_unknown(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install .\n",
            "pyproject.toml": "[project]\nname = 'x'\n",
            "compose.yaml": "services:\n  web:\n    build: .\n    command: gunicorn shopx:app\n",
        },
    )
    _, verdict = verdict_of(tmp_path)
    assert (verdict.status, verdict.message) == (
        "unknown",
        "the image runs `pip install .`, so the app may be imported from an installed package",
    )


def test_python_m_of_an_installed_package_is_unknown_with_the_reason(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install .\n"
            'CMD ["python", "-m", "shopx"]\n',
            "pyproject.toml": "[project]\nname = 'x'\n",
        },
    )
    _, verdict = verdict_of(tmp_path)
    assert (verdict.status, verdict.message) == (
        "unknown",
        "the image runs `pip install .`, so the app may be imported from an installed package",
    )


def test_a_dockerfile_ending_in_a_continuation_and_a_comment_is_read(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
            'CMD ["gunicorn", "app:app"]\nRUN echo hi \\\n# trailing\n',
        },
    )
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.target, verdict.status) == ("app:app", "ok")


def test_a_continued_line_in_a_shell_script_keeps_its_words_apart(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "run.sh": "#!/bin/sh\nexec gunicorn --workers 2 \\\napp:app\n",
            "Procfile": "web: sh run.sh\n",
        },
    )
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.target, verdict.status) == ("app:app", "ok")


def test_a_script_nothing_starts_maps_its_absolute_cd_to_the_project(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "src/app.py": APP,
            "deploy/run.sh": "#!/bin/sh\ncd /srv/myapp/src\nexec gunicorn app:app\n",
        },
    )
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.cwd, verdict.status) == ("src", "ok")


def test_a_wrong_module_in_uwsgi_ini_is_fixed_in_place(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "uwsgi.ini": "[uwsgi]\nmodule = wrong:app\nhttp = :8000\n",
            "Procfile": "web: uwsgi --ini uwsgi.ini\n",
        },
    )
    [finding] = findings(tmp_path, "SRV001")
    assert applied(tmp_path, finding) == {"uwsgi.ini": "[uwsgi]\nmodule = app:app\nhttp = :8000\n"}


def test_flask_run_elsewhere_gets_a_path_relative_to_where_it_runs(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "web/app.py": APP,
            "api/README.md": "x\n",
            "Procfile": "web: cd api && flask --app wrong run\n",
        },
    )
    [finding] = findings(tmp_path, "SRV006")
    assert applied(tmp_path, finding) == {
        "Procfile": "web: cd api && flask --app ../web/app.py:app run\n"
    }


def test_waitress_options_after_the_target_still_set_the_port(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: waitress-serve app:app --port 8000\n"})
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.target, declaration.bind, verdict.status) == (
        "app:app",
        ("0.0.0.0:8000",),
        "ok",
    )


def test_a_dockerfile_ending_in_a_continuation_and_a_comment_without_newline(
    tmp_path: Path,
) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
            'CMD ["gunicorn", "app:app"]\nRUN echo hi \\\n# trailing',
        },
    )
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.target, verdict.status) == ("app:app", "ok")


def test_a_continued_line_in_a_script_nothing_starts_keeps_its_words_apart(
    tmp_path: Path,
) -> None:
    write_tree(
        tmp_path,
        {"app.py": APP, "deploy/run.sh": "#!/bin/sh\nexec gunicorn app:app\\\n  --workers 2\n"},
    )
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.source, declaration.target, verdict.status) == (
        "deploy/run.sh",
        "app:app",
        "ok",
    )


def test_a_backslash_before_the_command_name_is_dropped() -> None:
    """`\\gunicorn` (skip any alias) runs gunicorn."""
    assert [w.value for w in split_words("exec \\gunicorn app:app")] == [
        "exec",
        "gunicorn",
        "app:app",
    ]


def test_a_global_arg_redeclared_in_the_stage_sets_the_workdir(tmp_path: Path) -> None:
    """`ARG DIR` inside a stage brings in the global `ARG DIR=src` default (Docker's rule)."""
    write_tree(
        tmp_path,
        {
            "src/app.py": APP,
            "Dockerfile": "ARG DIR=src\nFROM python:3.12\nARG DIR\nCOPY . /app\n"
            'WORKDIR /app/$DIR\nCMD ["gunicorn", "app:app"]\n',
        },
    )
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.cwd, verdict.status) == ("src", "ok")


def test_a_called_app_is_fixed_to_the_app_it_names_first(tmp_path: Path) -> None:
    """The name the target asks for ranks the fixes, before how alike the texts look."""
    write_tree(
        tmp_path,
        {
            "shop.py": "from flask import Flask\n\nweb = Flask(__name__)\n"
            "application = Flask(__name__)\n",
            "Procfile": "web: gunicorn 'shop:web(application=1)'\n",
        },
    )
    [finding] = findings(tmp_path, "SRV003")
    assert finding.fixes[0].title == "Serve `shop:web` instead"


# --- fourth round (survivors of the seed-7 sample) -----------------------------------------------


def test_gunicorn_reads_options_from_gunicorn_cmd_args(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"src/app.py": APP, "Procfile": "web: GUNICORN_CMD_ARGS='--chdir src' gunicorn app:app\n"},
    )
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.cwd, verdict.status) == ("src", "ok")


def test_a_long_option_with_an_inline_value(tmp_path: Path) -> None:
    write_tree(tmp_path, {"src/app.py": APP, "Procfile": "web: gunicorn --chdir=src app:app\n"})
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.cwd, verdict.status) == ("src", "ok")


def test_python_m_of_a_missing_module_is_srv001(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: python -m nothere\n"})
    [finding] = findings(tmp_path, "SRV001")
    assert finding.message == "python -m nothere: No module named nothere from the project root"


def test_flask_run_with_no_app_in_its_folder_gets_an_app_option_added(tmp_path: Path) -> None:
    write_tree(tmp_path, {"web/app.py": APP, "Procfile": "web: flask run\n"})
    [finding] = findings(tmp_path, "SRV006")
    assert [f.title for f in finding.fixes] == ["Add `--app web/app.py:app`"]


def test_an_imported_wsgi_function_is_followed_to_its_module(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "core.py": "def application(environ, start_response):\n    return []\n",
            "shop.py": "from core import application\n",
            "Procfile": "web: gunicorn shop:application\n",
        },
    )
    _, verdict = verdict_of(tmp_path)
    assert (verdict.status, verdict.message, verdict.module_path) == (
        "ok",
        "`application` is a plain WSGI function",
        "core.py",
    )


def test_moving_gunicorn_offers_the_best_ranked_app(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "web/app.py": APP,
            "web/zzz.py": "from flask import Flask\n\nzzz = Flask(__name__)\n",
            "Procfile": "web: gunicorn wrong:app\n",
        },
    )
    [finding] = findings(tmp_path, "SRV001")
    assert finding.fixes[0].title == "Run gunicorn in web and serve `app:app`"


def test_app_yamls_default_entrypoint_is_reported_on_the_runtime_line(tmp_path: Path) -> None:
    write_tree(tmp_path, {"main.py": APP, "app.yaml": "service: default\nruntime: python312\n"})
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.target, declaration.range.start.line, verdict.status) == (
        "main:app",
        1,
        "ok",
    )


def test_a_flaskenv_declaration_carries_its_settings(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, ".flaskenv": "FLASK_APP=app\nFLASK_DEBUG=1\n"})
    declaration, _ = verdict_of(tmp_path)
    assert declaration.env_value("FLASK_DEBUG") == "1"


def test_a_script_nothing_starts_runs_on_the_developers_machine(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP, "deploy/run.sh": "#!/bin/sh\nexec gunicorn app:app\n"})
    declaration, _ = verdict_of(tmp_path)
    assert (declaration.source, declaration.context) == ("deploy/run.sh", "local")


def test_compose_merges_the_environment_of_an_extended_service(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\n",
            "compose.yaml": "services:\n  base:\n    build: .\n    environment:\n"
            "      A: '1'\n  web:\n    extends: base\n    environment:\n      B: '2'\n"
            "    command: gunicorn app:app\n",
        },
    )
    [(declaration, verdict)] = [
        (d, check_declaration(Project(tmp_path), d))
        for d in find_declarations(Project(tmp_path))
        if d.process == "web"
    ]
    assert (declaration.env_value("A"), declaration.env_value("B"), verdict.status) == (
        "1",
        "2",
        "ok",
    )


def test_a_full_systemd_unit_is_read_past_its_other_sections(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "web/app.py": APP,
            "deploy/app.service": "[Unit]\nDescription=shop\n\n[Service]\n# the app\n"
            "WorkingDirectory=/srv/shop/web\nExecStart=/srv/shop/venv/bin/gunicorn app:app\n\n"
            "[Install]\nWantedBy=multi-user.target\n",
        },
    )
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.source, declaration.target, verdict.status) == (
        "deploy/app.service",
        "app:app",
        "ok",
    )


def test_a_launch_configuration_run_outside_the_workspace_is_not_judged(tmp_path: Path) -> None:
    config = (
        '{"configurations": [{"type": "debugpy", "request": "launch", "module": "flask",'
        ' "cwd": "CWD", "args": ["--app", "app", "run"]}]}\n'
    )
    write_tree(
        tmp_path,
        {"app.py": APP, ".vscode/launch.json": config.replace("CWD", "${workspaceFolder}")},
    )
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.server, declaration.target, verdict.status) == ("flask", "app", "ok")
    write_tree(
        tmp_path, {".vscode/launch.json": config.replace("CWD", "${workspaceFolder}/../other")}
    )
    assert find_declarations(Project(tmp_path)) == []


def test_a_missing_module_two_packages_down_is_named(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/sub/__init__.py": "",
            "app.py": "import shop.sub.gone\n" + APP,
            "Procfile": "web: gunicorn app:app\n",
        },
    )
    _, verdict = verdict_of(tmp_path)
    assert verdict.rule == "SRV001"
    assert "app.py:1 imports shop.sub.gone, which is not in the project" in verdict.message


def test_a_star_import_chain_too_deep_to_follow_is_unknown_not_srv002(tmp_path: Path) -> None:
    chain = {f"m{i}.py": f"from m{i + 1} import *\n" for i in range(12)}
    write_tree(tmp_path, {**chain, "m12.py": "x = 1\n", "Procfile": "web: gunicorn m0:app\n"})
    _, verdict = verdict_of(tmp_path)
    assert verdict.status == "unknown"
    assert "defines names dynamically" in verdict.message


@pytest.mark.parametrize(
    "later",
    ["from b import *\n", "from somewhere_else import *\n", "from broken import *\n"],
)
def test_gunicorn_follows_an_earlier_star_import_past_a_later_one(
    tmp_path: Path, later: str
) -> None:
    """A later star import that does not export `app` (b's __all__), is not the project's,
    or does not parse, is passed over for the earlier one that does."""
    write_tree(
        tmp_path,
        {
            "a.py": APP,
            "b.py": '__all__ = ["other"]\nother = 1\napp = 2\n',
            "broken.py": "def (\n",
            "shop.py": "from a import *\n" + later,
            "Procfile": "web: gunicorn shop:app\n",
        },
    )
    _, verdict = verdict_of(tmp_path)
    assert verdict.status == "ok"
    assert verdict.app is not None and verdict.app.module == "a.py"


# --- fifth round (the rest of the seed-7 sample) -------------------------------------------------


def test_honcho_runs_only_the_process_named_after_its_procfile_option(tmp_path: Path) -> None:
    # seed-7 survivor: command_lines._process_file, `-f FILE` skipping one word too many
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "deploy/processes": "web: gunicorn app:app\nalt: waitress-serve app:app\n",
            "Procfile": "dev: honcho start -f deploy/processes web\n",
        },
    )
    started = [d for d in find_declarations(Project(tmp_path)) if d.source == "deploy/processes"]
    assert [(d.process, d.server) for d in started] == [("web", "gunicorn")]


def test_honcho_reads_a_procfile_in_another_folder(tmp_path: Path) -> None:
    # seed-7 survivor: command_lines._process_file, the process file's folder dropped
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "deploy/processes": "web: gunicorn app:app\n",
            "Procfile": "dev: honcho start -f deploy/processes\n",
        },
    )
    started = [d for d in find_declarations(Project(tmp_path)) if d.source == "deploy/processes"]
    assert [(d.server, d.target) for d in started] == [("gunicorn", "app:app")]


def test_gunicorn_with_a_short_option_missing_its_value_is_still_read(tmp_path: Path) -> None:
    # seed-7 survivor: command_lines._gunicorn, the value of a last `-b` read past the end
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: gunicorn app:app -b\n"})
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.target, verdict.status) == ("app:app", "ok")


def test_an_image_installing_a_project_package_by_name_is_unknown(tmp_path: Path) -> None:
    # seed-7 survivor: dockerfile_declarations, the project's package names not passed on
    write_tree(
        tmp_path,
        {
            "src/shop/__init__.py": APP,
            "Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install shop\n"
            'CMD ["gunicorn", "shop:app"]\n',
        },
    )
    _, verdict = verdict_of(tmp_path)
    assert (verdict.status, verdict.message) == (
        "unknown",
        "the image runs `pip install shop`, so the app may be imported from an installed package",
    )


def test_python_running_a_missing_script_is_srv001(tmp_path: Path) -> None:
    # seed-7 survivor: resolve._resolve_script, the rule id of a missing script
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: python nothere.py\n"})
    [finding] = findings(tmp_path, "SRV001")
    assert finding.message.startswith("python: can't open file 'nothere.py'")


def test_a_deploy_file_directly_in_a_templates_folder_is_a_template(tmp_path: Path) -> None:
    # seed-7 survivor: templates.is_template_path, only files two folders below `templates`
    write_tree(
        tmp_path,
        {"app.py": APP, "templates/app.service": "[Service]\nExecStart=gunicorn __APP__:app\n"},
    )
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.source, verdict.status) == ("templates/app.service", "unknown")
    assert findings(tmp_path, "SRV001") == []


def test_a_launch_json_nested_150_deep_is_still_read(tmp_path: Path) -> None:
    # seed-7 survivor: jsonc._Parser.value, nesting counted twice (the limit is 200 levels)
    deep = "[" * 150 + "]" * 150
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            ".vscode/launch.json": '{"configurations": [{"type": "debugpy", "request": "launch",'
            ' "module": "flask", "args": ["--app", "app", "run"], "x": ' + deep + "}]}\n",
        },
    )
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.target, verdict.status) == ("app", "ok")


def test_a_backquoted_option_value_leaves_the_target_after_it(tmp_path: Path) -> None:
    # seed-7 survivor: shell_words.split_words, the closing backquote not found
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: gunicorn -w `nproc` app:app\n"})
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.target, verdict.status) == ("app:app", "ok")


# --- sixth round (survivors of an exploratory seed-9 sample) -----------------------------------


def test_gunicorn_of_a_missing_module_says_why(tmp_path: Path) -> None:
    # seed-9 survivor: resolve._resolve_wsgi, the SRV001 message
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: gunicorn nothere:app\n"})
    [finding] = findings(tmp_path, "SRV001")
    assert finding.message == (
        "gunicorn cannot import 'nothere' from the project root: "
        "ModuleNotFoundError: No module named 'nothere'."
    )


def test_a_wsgi_target_bound_to_a_call_is_unknown_with_the_reason(tmp_path: Path) -> None:
    # seed-9 survivor: resolve._attribute, the unknown verdict's message
    write_tree(
        tmp_path,
        {
            "shop.py": "def make():\n    pass\n\napplication = make()\n",
            "Procfile": "web: gunicorn shop:application\n",
        },
    )
    _, verdict = verdict_of(tmp_path)
    assert (verdict.status, verdict.message) == (
        "unknown",
        "cannot tell statically whether `application` in shop.py is a WSGI app",
    )


def test_flask_app_of_a_missing_module_says_flask_cannot_import_it(tmp_path: Path) -> None:
    # seed-9 survivor: resolve._resolve_flask, the SRV006 message
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: flask --app nothere run\n"})
    [finding] = findings(tmp_path, "SRV006")
    assert finding.message == (
        "flask, run from the project root, stops with: Error: Could not import 'nothere'."
    )


def test_flask_app_of_a_module_with_two_apps_is_srv006(tmp_path: Path) -> None:
    # seed-9 survivor: resolve._best_app, the rule of "Detected multiple Flask applications"
    write_tree(
        tmp_path,
        {
            "shop.py": "from flask import Flask\n\none = Flask(__name__)\ntwo = Flask(__name__)\n",
            "Procfile": "web: flask --app shop run\n",
        },
    )
    [finding] = findings(tmp_path, "SRV006")
    assert finding.message.startswith(
        "flask stops with: Error: Detected multiple Flask applications in module 'shop'."
    )


def test_the_quote_the_target_fix_quotes_it(tmp_path: Path) -> None:
    # seed-9 survivor: target_fixes.target_fixes, the quote fix's edit
    write_tree(tmp_path, {"shop.py": FACTORY, "Procfile": "web: gunicorn shop:create_app()\n"})
    [finding] = findings(tmp_path, "SRV004")
    assert applied(tmp_path, finding) == {"Procfile": "web: gunicorn 'shop:create_app()'\n"}


def test_uwsgi_with_neither_a_module_nor_an_ini_is_unknown(tmp_path: Path) -> None:
    # seed-9 survivor: command_lines._uwsgi, an --ini read when there is none
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: uwsgi --http :8000\n"})
    _, verdict = verdict_of(tmp_path)
    assert (verdict.status, verdict.message) == ("unknown", "no --module or --wsgi-file given")


def test_flask_run_in_a_container_with_flask_run_host_set_is_not_srv007(tmp_path: Path) -> None:
    # seed-9 survivor: command_lines._flask, FLASK_RUN_HOST not read
    dockerfile = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nENV FLASK_RUN_HOST=0.0.0.0\n"
    write_tree(tmp_path, {"app.py": APP, "Dockerfile": dockerfile + "CMD flask --app app run\n"})
    assert findings(tmp_path, "SRV007") == []
    # Without it, flask listens on 127.0.0.1 in the container.
    write_tree(
        tmp_path, {"Dockerfile": dockerfile.replace("0.0.0.0", "") + "CMD flask --app app run\n"}
    )
    assert len(findings(tmp_path, "SRV007")) == 1


def test_flask_app_option_inline_with_an_unset_variable_is_unknown(tmp_path: Path) -> None:
    # seed-9 survivor: command_lines._flask, `--app=$X` losing the variables left unset
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: flask --app=$APP_MODULE run\n"})
    _, verdict = verdict_of(tmp_path)
    assert (verdict.status, verdict.message) == (
        "unknown",
        "the target depends on $APP_MODULE, which is not set where this command is declared",
    )


def test_a_dockerfile_with_an_escape_directive_is_read(tmp_path: Path) -> None:
    # seed-9 survivor: dockerfile.instructions, the escape character taken from the directive
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "Dockerfile": "# escape=`\nFROM python:3.12\nWORKDIR /app\nCOPY . .\n"
            "CMD gunicorn `\n  app:app\n",
        },
    )
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.target, verdict.status) == ("app:app", "ok")


def test_a_target_partly_quoted_is_replaced_whole(tmp_path: Path) -> None:
    # seed-9 survivor: shell_words.split_words, a word with one quoted part taken as all quoted
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: gunicorn wrong:'app'\n"})
    [finding] = findings(tmp_path, "SRV001")
    assert applied(tmp_path, finding) == {"Procfile": "web: gunicorn app:app\n"}


def test_honcho_follows_a_process_into_a_script(tmp_path: Path) -> None:
    # seed-9 survivor: command_lines._process_file, the nesting depth not passed on
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "deploy/processes": "web: sh deploy/start.sh\n",
            "deploy/start.sh": "#!/bin/sh\nexec gunicorn app:app\n",
            "Procfile": "dev: honcho start -f deploy/processes\n",
        },
    )
    started = [d for d in find_declarations(Project(tmp_path)) if d.process == "web"]
    assert [(d.source, d.server, d.target) for d in started] == [
        ("deploy/start.sh", "gunicorn", "app:app")
    ]


def test_a_fix_serves_an_app_in_a_nested_package_by_its_dotted_name(tmp_path: Path) -> None:
    # seed-9 survivor: app_targets.import_root, the climb over package folders
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/web/__init__.py": "",
            "shop/web/app.py": APP,
            "Procfile": "web: gunicorn wrong:app\n",
        },
    )
    [finding] = findings(tmp_path, "SRV001")
    assert [f.title for f in finding.fixes] == ["Serve `shop.web.app:app` instead"]


def test_no_fix_serves_a_module_whose_name_is_no_identifier(tmp_path: Path) -> None:
    # seed-9 survivor: app_targets.dotted_name, `my-app` is no module name
    write_tree(tmp_path, {"my-app.py": APP, "Procfile": "web: gunicorn wrong:app\n"})
    [finding] = findings(tmp_path, "SRV001")
    assert finding.fixes == ()


def test_a_fix_offers_an_app_where_it_is_defined_not_where_it_is_imported(
    tmp_path: Path,
) -> None:
    # seed-9 survivor: discovery.project_apps, apps bound by an import counted as the project's
    write_tree(
        tmp_path,
        {
            "shop.py": APP,
            "wsgi.py": "from shop import app\n",
            "Procfile": "web: gunicorn wrong:app\n",
        },
    )
    [finding] = findings(tmp_path, "SRV001")
    assert [f.title for f in finding.fixes] == ["Serve `shop:app` instead"]


def test_flask_app_bound_to_a_call_is_unknown_not_an_error(tmp_path: Path) -> None:
    # seed-9 survivor: bindings._value_kind, "value" for what a call returns
    write_tree(
        tmp_path,
        {
            "app.py": "from flask import Flask\nimport factory\n\napp = factory.make()\n",
            "Procfile": "web: flask --app app run\n",
        },
    )
    _, verdict = verdict_of(tmp_path)
    assert (verdict.status, verdict.message) == (
        "unknown",
        "cannot tell statically whether `app` in app.py is a Flask app",
    )


def test_a_flaskenv_is_unknown_when_python_dotenv_is_not_installed(tmp_path: Path) -> None:
    # seed-9 survivor: dotenv_files.dotenv_declarations, the FLASK_APP process renamed
    from tests.test_startup_imports import fake_venv

    python = fake_venv(
        tmp_path, {"flask-3.0.0.dist-info/METADATA": "Name: flask\nVersion: 3.0.0\n"}
    )
    root = write_tree(tmp_path / "project", {"app.py": APP, ".flaskenv": "FLASK_APP=app\n"})
    project = Project(root, interpreter=python, settings={"interpreter_source": "explicit"})
    [declaration] = find_declarations(project)
    verdict = check_declaration(project, declaration)
    assert (verdict.status, verdict.message) == (
        "unknown",
        "python-dotenv is not installed, so Flask never reads .flaskenv (see DEP007)",
    )


def test_uwsgi_ini_by_its_path_in_the_image_is_read(tmp_path: Path) -> None:
    # seed-9 survivor: command_lines._uwsgi_ini, the image's paths not mapped to the project
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "uwsgi.ini": "[uwsgi]\nmodule = app:app\n",
            "Dockerfile": "FROM python:3.12\nWORKDIR /srv\nCOPY . /srv\n"
            'CMD ["uwsgi", "--ini", "/srv/uwsgi.ini"]\n',
        },
    )
    started = [d for d in find_declarations(Project(tmp_path)) if d.source == "uwsgi.ini"]
    assert [(d.server, d.target, d.context) for d in started] == [("uwsgi", "app:app", "container")]


def test_empty_backquotes_end_where_they_close(tmp_path: Path) -> None:
    # seed-9 survivor: shell_words.split_words, the closing backquote searched one too far
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: gunicorn -w 2`` app:app\n"})
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.target, verdict.status) == ("app:app", "ok")


# --- seventh round (survivors of an exploratory seed-10 sample) --------------------------------


def test_gunicorn_reads_gunicorn_conf_py_where_it_starts(tmp_path: Path) -> None:
    # seed-10 survivor: gunicorn_config_for, the default config file's name
    write_tree(
        tmp_path,
        {
            "src/app.py": APP,
            "src/gunicorn.conf.py": 'wsgi_app = "app:app"\n',
            "Procfile": "web: cd src && gunicorn\n",
        },
    )
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.target, verdict.status) == ("app:app", "ok")


def test_waitress_of_a_missing_attribute_says_attributeerror(tmp_path: Path) -> None:
    # seed-10 survivor: resolve._attribute, the message printed for waitress
    write_tree(tmp_path, {"shop.py": APP, "Procfile": "web: waitress-serve shop:nope\n"})
    [finding] = findings(tmp_path, "SRV002")
    assert finding.message == (
        "waitress-serve stops with: AttributeError: module 'shop' has no attribute 'nope'"
    )


def test_flask_app_of_a_module_with_only_a_create_app_factory(tmp_path: Path) -> None:
    # seed-10 survivor: resolve._best_app, the create_app factory dropped
    write_tree(tmp_path, {"shop.py": FACTORY, "Procfile": "web: flask --app shop run\n"})
    _, verdict = verdict_of(tmp_path)
    assert verdict.status == "ok"
    assert verdict.app is not None and verdict.app.name == "create_app"


def test_an_unterminated_double_quote_makes_the_entry_point_unknown(tmp_path: Path) -> None:
    # seed-10 survivor: shell_words.split_words, the reason given
    write_tree(tmp_path, {"app.py": APP, "Procfile": 'web: gunicorn "app:app\n'})
    _, verdict = verdict_of(tmp_path)
    assert (verdict.status, verdict.message) == ("unknown", 'an unterminated " quote')


def test_flask_app_that_is_neither_a_path_nor_a_module_name_is_srv004(tmp_path: Path) -> None:
    # seed-10 survivor: targets.parse_flask, what counts as a file path
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: flask --app 'my-app' run\n"})
    [finding] = findings(tmp_path, "SRV004")
    assert finding.message == "flask refuses --app 'my-app': Could not import 'my-app'."


def test_the_call_fix_adds_dash_dash_call_to_waitress(tmp_path: Path) -> None:
    # seed-10 survivor: target_fixes.target_fixes, the option the fix adds
    write_tree(tmp_path, {"shop.py": FACTORY, "Procfile": "web: waitress-serve shop:create_app\n"})
    [finding] = findings(tmp_path, "SRV003")
    assert applied(tmp_path, finding) == {
        "Procfile": "web: waitress-serve --call shop:create_app\n"
    }


def test_moving_gunicorn_from_a_subfolder_is_relative_to_it(tmp_path: Path) -> None:
    # seed-10 survivor: target_fixes.target_fixes, --chdir relative to where gunicorn runs
    write_tree(
        tmp_path,
        {"web/app.py": APP, "src/x.py": "", "Procfile": "web: cd src && gunicorn wrong:app\n"},
    )
    [finding] = findings(tmp_path, "SRV001")
    assert applied(tmp_path, finding) == {
        "Procfile": "web: cd src && gunicorn --chdir ../web app:app\n"
    }


def test_a_compose_env_file_is_read_beside_the_compose_file(tmp_path: Path) -> None:
    # seed-10 survivor: compose._service_stage, env_file relative to the compose file's folder
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\n",
            "deploy/web.env": "FLASK_APP=app\n",
            "deploy/compose.yaml": "services:\n  web:\n    build: ..\n    env_file: web.env\n"
            "    command: flask run\n",
        },
    )
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.env_value("FLASK_APP"), verdict.status) == ("app", "ok")


def test_a_from_with_no_image_does_not_stop_the_dockerfile(tmp_path: Path) -> None:
    # seed-10 survivor: dockerfile._from, an empty FROM
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "Dockerfile": "FROM\nFROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD gunicorn app:app\n",
        },
    )
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.target, verdict.status) == ("app:app", "ok")


def test_uwsgi_ini_started_by_a_procfile_web_process_must_bind_port(tmp_path: Path) -> None:
    # seed-10 survivor: uwsgi_ini_declarations, the starting process's name dropped
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "uwsgi.ini": "[uwsgi]\nmodule = app:app\nhttp = 127.0.0.1:8000\n",
            "Procfile": "web: uwsgi --ini uwsgi.ini\n",
        },
    )
    [finding] = findings(tmp_path, "SRV008")
    assert finding.message.startswith("The `web` process listens on 127.0.0.1:8000")


def test_a_launch_configuration_running_a_program(tmp_path: Path) -> None:
    # seed-10 survivor: launch_json._configuration, "program" not read
    write_tree(
        tmp_path,
        {
            "app.py": APP + "\nif __name__ == '__main__':\n    app.run()\n",
            ".vscode/launch.json": '{"configurations": [{"type": "debugpy", "request": "launch",'
            ' "program": "${workspaceFolder}/app.py"}]}\n',
        },
    )
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.server, declaration.target, verdict.status) == ("python", "app.py", "ok")


def test_flask_app_found_through_a_star_import_still_has_its_imports_checked(
    tmp_path: Path,
) -> None:
    # seed-10 survivor: resolve._resolve_flask, the module of an app found through `import *`
    write_tree(
        tmp_path,
        {
            "a.py": APP,
            "pkg/__init__.py": "",
            "shop.py": "import pkg.gone\nfrom a import *\n",
            "Procfile": "web: flask --app shop:app run\n",
        },
    )
    [finding] = findings(tmp_path, "SRV006")
    assert finding.message.startswith(
        "flask imports shop.py, and shop.py:1 imports pkg.gone, which is not in the project"
    )


def test_flask_run_in_a_subfolder_is_offered_the_app_by_its_name_there(tmp_path: Path) -> None:
    # seed-10 survivor: target_fixes.target_fixes, the dotted name taken from the project root
    write_tree(tmp_path, {"src/web.py": APP, "Procfile": "web: cd src && flask --app wrong run\n"})
    [finding] = findings(tmp_path, "SRV006")
    assert applied(tmp_path, finding) == {"Procfile": "web: cd src && flask --app web:app run\n"}


def test_a_dockerfile_env_value_expands_an_earlier_arg(tmp_path: Path) -> None:
    # seed-10 survivor: dockerfile.read_stages, ENV values expanded without the stage's variables
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\nARG MOD=app\n"
            "ENV TARGET=${MOD}:app\nCMD gunicorn $TARGET\n",
        },
    )
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.target, verdict.status) == ("app:app", "ok")


def test_an_import_below_an_extension_module_is_not_judged(tmp_path: Path) -> None:
    # seed-10 survivor: import_chain._check, an extension module (no source) in the chain
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/ext.cpython-311-x86_64-linux-gnu.so": "",
            "app.py": "import shop.ext.sub\n" + APP,
            "Procfile": "web: gunicorn app:app\n",
        },
    )
    _, verdict = verdict_of(tmp_path)
    assert verdict.status == "ok"


def test_srv005_underlines_the_server_word_inside_its_quotes(tmp_path: Path) -> None:
    # seed-10 survivor: command_lines._declaration, the program's range inside its quotes
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "requirements.txt": "flask\n",
            "Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
            "RUN pip install -r requirements.txt\n"
            'CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]\n',
        },
    )
    [finding] = findings(tmp_path, "SRV005")
    start, end = finding.range.start, finding.range.end
    assert (start.line, start.character, end.line, end.character) == (4, 6, 4, 14)


# --- eighth round (survivors of the seed-8 sample) -----------------------------------------------


def test_a_container_workdir_holding_no_project_files_says_where_to_copy(tmp_path: Path) -> None:
    # seed-8 survivor: resolve.resolve, the SRV001 message's advice
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "Dockerfile": "FROM python:3.12\nWORKDIR /srv\nCOPY . /app\nCMD gunicorn app:app\n",
        },
    )
    [finding] = findings(tmp_path, "SRV001")
    assert finding.message == (
        "gunicorn starts in /srv inside the container, and no project files are copied there: "
        "the import fails. Set WORKDIR to where the code is copied (or pass --chdir)."
    )


def test_a_plus_expansion_of_a_set_variable_gives_its_word(tmp_path: Path) -> None:
    # seed-8 survivor: shell_words._expand, ${VAR:+word}
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\nENV APP=1\n"
            "CMD gunicorn --bind 0.0.0.0:8000 ${APP:+app}:app\n",
        },
    )
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.target, verdict.status) == ("app:app", "ok")


def test_flask_run_on_a_platform_reads_flaskenv_with_flask_dotenv_extra(tmp_path: Path) -> None:
    # seed-8 survivor: resolve.dotenv_loaded, flask[dotenv] alone installs python-dotenv
    write_tree(
        tmp_path,
        {
            "shop.py": APP,
            "requirements.txt": "flask[dotenv]\n",
            ".flaskenv": "FLASK_APP=shop\n",
            "Procfile": "web: flask run --host 0.0.0.0 --port $PORT\n",
        },
    )
    verdicts = [
        check_declaration(Project(tmp_path), d)
        for d in find_declarations(Project(tmp_path))
        if d.source == "Procfile"
    ]
    assert [(v.status, v.app is not None and v.app.module) for v in verdicts] == [("ok", "shop.py")]


def test_waitress_is_never_offered_a_factory_without_call(tmp_path: Path) -> None:
    # seed-8 survivor: target_fixes._usable, a factory served by waitress without --call
    write_tree(tmp_path, {"shop.py": FACTORY, "Procfile": "web: waitress-serve wrong:app\n"})
    [finding] = findings(tmp_path, "SRV001")
    assert finding.fixes == ()


def test_a_render_web_service_must_bind_port(tmp_path: Path) -> None:
    # seed-8 survivor: render_declarations, the service's process type dropped
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "requirements.txt": "flask\ngunicorn\n",
            "render.yaml": "services:\n- type: web\n  name: x\n  env: python\n"
            "  startCommand: gunicorn app:app --bind 127.0.0.1:8000\n",
        },
    )
    [finding] = findings(tmp_path, "SRV008")
    assert finding.message.startswith("The `web` process listens on 127.0.0.1:8000, not on $PORT")


def test_gunicorn_conf_pythonpath_is_searched(tmp_path: Path) -> None:
    # seed-8 survivor: _with_config, the config file's pythonpath entries
    write_tree(
        tmp_path,
        {
            "src/app.py": APP,
            "gunicorn.conf.py": "pythonpath = 'src'\n",
            "Procfile": "web: gunicorn -c gunicorn.conf.py app:app\n",
        },
    )
    _, verdict = verdict_of(tmp_path)
    assert verdict.status == "ok"
    assert verdict.app is not None and verdict.app.module == "src/app.py"


def test_a_uwsgi_ini_with_no_module_is_unknown(tmp_path: Path) -> None:
    # seed-8 survivor: uwsgi_ini_declarations, the stand-in span when no target is given
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "uwsgi.ini": "[uwsgi]\nhttp = :8000\n",
            "Procfile": "web: uwsgi --ini uwsgi.ini\n",
        },
    )
    _, verdict = verdict_of(tmp_path)
    assert (verdict.status, verdict.message) == ("unknown", "no --module or --wsgi-file given")


def test_a_factory_missing_one_argument_says_argument(tmp_path: Path) -> None:
    # seed-8 survivor: resolve._attribute, "argument" singular for one
    write_tree(
        tmp_path,
        {
            "shop.py": "from flask import Flask\n\n\ndef create_app(name):\n    return Flask(name)\n",
            "Procfile": "web: gunicorn 'shop:create_app()'\n",
        },
    )
    [finding] = findings(tmp_path, "SRV003")
    assert finding.message == (
        "gunicorn calls `create_app()` and gets TypeError: create_app() missing 1 required "
        "positional argument: 'name'"
    )


def test_a_called_factory_still_has_its_imports_checked(tmp_path: Path) -> None:
    # seed-8 survivor: resolve._attribute, the factory's module
    write_tree(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "shop.py": "import pkg.gone\n" + FACTORY,
            "Procfile": "web: gunicorn 'shop:create_app()'\n",
        },
    )
    [finding] = findings(tmp_path, "SRV001")
    assert finding.message.startswith(
        "gunicorn imports shop.py, and shop.py:1 imports pkg.gone, which is not in the project"
    )


def test_honcho_reads_the_long_procfile_option(tmp_path: Path) -> None:
    # seed-8 survivor: command_lines._process_file, --procfile FILE
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "deploy/processes": "web: gunicorn app:app\n",
            "Procfile": "dev: honcho start --procfile deploy/processes\n",
        },
    )
    started = [d for d in find_declarations(Project(tmp_path)) if d.source == "deploy/processes"]
    assert [(d.server, d.target) for d in started] == [("gunicorn", "app:app")]


def test_waitress_with_a_last_option_missing_its_value_is_still_read(tmp_path: Path) -> None:
    # seed-8 survivor: command_lines._waitress, the value of a last option read past the end
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: waitress-serve app:app --port\n"})
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.target, verdict.status) == ("app:app", "ok")


# --- ninth round (survivors of the seed-11 sample) -----------------------------------------------


def test_a_launch_json_that_does_not_parse_says_where(tmp_path: Path) -> None:
    # seed-11 survivor: jsonc._Parser.obj, the parse error's text
    write_tree(tmp_path, {"app.py": APP, ".vscode/launch.json": "{oops\n"})
    [finding] = findings(tmp_path, "SRV004")
    assert finding.message.startswith(
        ".vscode/launch.json is not valid JSON: expected a property name at line 1"
    )


def test_a_launch_json_written_without_spaces_is_read(tmp_path: Path) -> None:
    # seed-11 survivor: jsonc._Parser.array, the comma between items
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            ".vscode/launch.json": '{"configurations":[{"type":"debugpy","request":"launch",'
            '"module":"flask","args":["--app","app","run"]}]}\n',
        },
    )
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.target, verdict.status) == ("app", "ok")


def test_flask_app_of_a_module_whose_factory_needs_arguments_is_srv006(tmp_path: Path) -> None:
    # seed-11 survivor: resolve._best_app, the rule of "Detected factory ... could not call it"
    write_tree(
        tmp_path,
        {
            "shop.py": "from flask import Flask\n\n\ndef create_app(name):\n    return Flask(name)\n",
            "Procfile": "web: flask --app shop run\n",
        },
    )
    [finding] = findings(tmp_path, "SRV006")
    assert finding.message.startswith(
        "flask stops with: Error: Detected factory 'create_app' in module 'shop', but could "
        "not call it without arguments."
    )


def test_gunicorn_calls_a_factory_with_the_positional_arguments_given(tmp_path: Path) -> None:
    # seed-11 survivor: targets.parse_gunicorn, the call's positional arguments
    write_tree(
        tmp_path,
        {
            "shop.py": "from flask import Flask\n\n\ndef create_app(name):\n    return Flask(name)\n",
            "Procfile": "web: gunicorn \"shop:create_app('x')\"\n",
        },
    )
    _, verdict = verdict_of(tmp_path)
    assert verdict.status == "ok"


def test_python_runs_a_script_from_its_working_directory(tmp_path: Path) -> None:
    # seed-11 survivor: resolve._resolve_script, the script's path from the run folder
    write_tree(
        tmp_path,
        {
            "src/app.py": APP + "\nif __name__ == '__main__':\n    app.run()\n",
            "Procfile": "web: cd src && python app.py\n",
        },
    )
    _, verdict = verdict_of(tmp_path)
    assert verdict.status == "ok"


def test_pip_install_with_an_option_before_the_project_is_an_install(tmp_path: Path) -> None:
    # seed-11 survivor: dockerfile.installs_packages, an option ending the scan
    write_tree(
        tmp_path,
        {
            "Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
            "RUN pip install --no-cache-dir .\n",
            "pyproject.toml": "[project]\nname = 'x'\n",
            "compose.yaml": "services:\n  web:\n    build: .\n    command: gunicorn shopx:app\n",
        },
    )
    _, verdict = verdict_of(tmp_path)
    assert (verdict.status, verdict.message) == (
        "unknown",
        "the image runs `pip install --no-cache-dir .`, so the app may be imported from an "
        "installed package",
    )


@pytest.mark.parametrize("extra", ["--preload --chdir src", "--chdir src --workers"])
def test_gunicorn_cmd_args_with_a_flag_or_a_valueless_last_option(
    tmp_path: Path, extra: str
) -> None:
    # seed-11 survivors: command_lines._gunicorn_options, a flag and a last option's value
    write_tree(
        tmp_path,
        {"src/app.py": APP, "Procfile": f"web: GUNICORN_CMD_ARGS='{extra}' gunicorn app:app\n"},
    )
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.cwd, verdict.status) == ("src", "ok")


def test_honcho_with_a_port_option_still_runs_every_process(tmp_path: Path) -> None:
    # seed-11 survivor: command_lines._process_file, `-p PORT` read as a process name
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "deploy/processes": "web: gunicorn app:app\n",
            "Procfile": "dev: honcho start -f deploy/processes -p 5000\n",
        },
    )
    started = [d for d in find_declarations(Project(tmp_path)) if d.source == "deploy/processes"]
    assert [(d.server, d.target) for d in started] == [("gunicorn", "app:app")]


def test_a_dockerfile_in_a_folder_adding_root_files_is_built_from_the_root(
    tmp_path: Path,
) -> None:
    # seed-11 survivor: dockerfile.guess_context, ADD read like COPY
    write_tree(
        tmp_path,
        {
            "app.py": APP,
            "docker/Dockerfile": "FROM python:3.12\nWORKDIR /app\nADD app.py /app/\n"
            "CMD gunicorn --bind 0.0.0.0:8000 app:app\n",
        },
    )
    _, verdict = verdict_of(tmp_path)
    assert verdict.status == "ok"


def test_a_gunicorn_conf_py_nothing_starts_runs_in_its_folder(tmp_path: Path) -> None:
    # seed-11 survivor: _collect, the standalone config's folder
    write_tree(tmp_path, {"web/app.py": APP, "web/gunicorn.conf.py": "wsgi_app = 'app:app'\n"})
    declaration, verdict = verdict_of(tmp_path)
    assert (declaration.cwd, verdict.status) == ("web", "ok")


def test_a_missing_relative_import_is_named(tmp_path: Path) -> None:
    # seed-11 survivor: import_chain._relative, the name in the message
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/app.py": "from . import gone\n" + APP,
            "Procfile": "web: gunicorn shop.app:app\n",
        },
    )
    [finding] = findings(tmp_path, "SRV001")
    assert "shop/app.py:1 imports .gone, which is not in the project" in finding.message


# --- tenth round (survivors of the seed-12 sample; not re-measured) -----------------------------


def test_flask_app_from_a_star_import_that_is_no_flask_app_is_unknown(tmp_path: Path) -> None:
    # seed-12 survivor: resolve._resolve_flask, the unknown verdict's message
    write_tree(
        tmp_path,
        {
            "a.py": "app = make()\n",
            "shop.py": "from a import *\n",
            "Procfile": "web: flask --app shop:app run\n",
        },
    )
    _, verdict = verdict_of(tmp_path)
    assert (verdict.status, verdict.message) == (
        "unknown",
        "`app` comes from a.py; cannot tell statically whether it is a Flask app",
    )


def test_flask_discovering_an_app_py_that_does_not_parse_is_unknown(tmp_path: Path) -> None:
    # seed-12 survivor: resolve._best_app, the unknown verdict's message
    write_tree(tmp_path, {"app.py": "def (\n", "Procfile": "web: flask run\n"})
    _, verdict = verdict_of(tmp_path)
    assert (verdict.status, verdict.message) == (
        "unknown",
        "app.py does not parse as Python, so what it defines is unknown",
    )


def test_a_target_built_from_two_unset_variables_names_both(tmp_path: Path) -> None:
    # seed-12 survivor: command_lines._declaration, the list of unset variables
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: gunicorn $MOD:$APP\n"})
    _, verdict = verdict_of(tmp_path)
    assert verdict.message == (
        "the target depends on $MOD, $APP, which is not set where this command is declared"
    )


def test_a_launch_json_with_an_unterminated_comment_says_so(tmp_path: Path) -> None:
    # seed-12 survivor: jsonc._Parser.skip, the parse error's text
    write_tree(tmp_path, {"app.py": APP, ".vscode/launch.json": "{/* oops\n"})
    [finding] = findings(tmp_path, "SRV004")
    assert finding.message.startswith(
        ".vscode/launch.json is not valid JSON: unterminated comment at line 1"
    )


def test_no_fix_serves_a_factory_that_needs_arguments(tmp_path: Path) -> None:
    # seed-12 survivor: target_fixes._usable, a factory with required parameters
    write_tree(
        tmp_path,
        {
            "shop.py": "from flask import Flask\n\n\ndef create_app(name):\n    return Flask(name)\n",
            "Procfile": "web: gunicorn wrong:app\n",
        },
    )
    [finding] = findings(tmp_path, "SRV001")
    assert finding.fixes == ()


def test_a_command_substitution_in_the_target_makes_it_unknown(tmp_path: Path) -> None:
    # seed-12 survivor: shell_words.split_words, `$(` looked for where the word is
    write_tree(tmp_path, {"app.py": APP, "Procfile": "web: gunicorn $(echo app):app\n"})
    _, verdict = verdict_of(tmp_path)
    assert verdict.status == "unknown"
    assert verdict.message.startswith("`$(echo app)")


@pytest.mark.parametrize(
    ("module", "what"),
    [
        ("app = None\n", "`app` in shop.py is None, not a WSGI app"),
        ("import os as app\n", "`app` in shop.py is a module, not a WSGI app"),
    ],
)
def test_a_target_bound_to_none_or_a_module_is_srv003(
    tmp_path: Path, module: str, what: str
) -> None:
    # seed-12 survivors: resolve._attribute ("none") and bindings.module_bindings ("module")
    write_tree(tmp_path, {"shop.py": module, "Procfile": "web: gunicorn shop:app\n"})
    [finding] = findings(tmp_path, "SRV003")
    assert finding.message.startswith(what)
