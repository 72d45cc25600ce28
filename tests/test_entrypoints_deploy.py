"""Deploy context: where each declaration runs and with which environment (Dockerfile stages,
ENV/ARG forms, compose images and volumes, scripts started by deploy files, local Procfiles)."""

from __future__ import annotations

from pathlib import Path

from flask_preflight.analysis.entrypoints import (
    Declaration,
    Verdict,
    check_declaration,
    entrypoints_report,
    find_declarations,
)
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import run_checks

from .conftest import write_tree

APP = "from flask import Flask\n\napp = Flask(__name__)\n"


def verdicts(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, int, str, str, str]]:
    """(source, 1-based line, server, target, status) for each declaration."""
    write_tree(tmp_path, files)
    project = Project(tmp_path)
    return [
        (d.source, d.range.start.line + 1, d.server, d.target, check_declaration(project, d).status)
        for d in find_declarations(project)
    ]


def only(tmp_path: Path, files: dict[str, str]) -> tuple[Project, Declaration, Verdict]:
    write_tree(tmp_path, files)
    project = Project(tmp_path)
    [declaration] = find_declarations(project)
    return project, declaration, check_declaration(project, declaration)


# --- Dockerfile -------------------------------------------------------------------------------


def test_a_file_copied_to_a_file_name_lands_in_the_working_dir(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12\nCOPY main.py ./main.py\nCMD gunicorn main:app\n"
    files = {"svc/Dockerfile": dockerfile, "svc/main.py": APP}
    assert verdicts(tmp_path, files) == [("svc/Dockerfile", 3, "gunicorn", "main:app", "ok")]


def test_env_forms_and_arg_defaults_expand(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.12\n"
        "ARG APP_HOME=/srv/app\n"
        "ENV MODULE web\n"  # legacy form: one pair, the value is the rest of the line
        'ENV ATTR="app" OTHER=${UNSET:-x}\n'
        "WORKDIR $APP_HOME\n"
        "COPY . .\n"
        'CMD gunicorn "$MODULE:$ATTR"\n'
    )
    files = {"Dockerfile": dockerfile, "web.py": APP}
    assert verdicts(tmp_path, files) == [("Dockerfile", 7, "gunicorn", "web:app", "ok")]


def test_a_stage_built_from_another_inherits_workdir_env_and_files(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.12 AS base\n"
        "WORKDIR /srv\n"
        "ENV FLASK_APP=site.py\n"
        "COPY . /srv\n"
        "FROM base AS prod\n"
        "CMD flask run\n"
    )
    files = {"Dockerfile": dockerfile, "site.py": APP}
    _, declaration, verdict = only(tmp_path, files)
    assert declaration.cwd == "" and declaration.env_value("FLASK_APP") == "site.py"
    assert verdict.status == "ok"


def test_files_from_another_stage_built_by_run_steps_are_unknown_not_missing(
    tmp_path: Path,
) -> None:
    dockerfile = (
        "FROM python:3.12 AS builder\n"
        "COPY . /build\n"
        "RUN mkdir /app && cp -r /build/pkg /app\n"
        "FROM python:3.12-slim\n"
        "COPY --from=builder /app /app/\n"
        "WORKDIR /app\n"
        'CMD ["gunicorn", "pkg:create_app()"]\n'
    )
    files = {"Dockerfile": dockerfile, "pkg/__init__.py": "def create_app():\n    pass\n"}
    _, _, verdict = only(tmp_path, files)
    assert verdict.status == "unknown" and "another build stage" in verdict.message


def test_files_copied_from_a_stage_that_copied_them_are_followed(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.12 AS builder\n"
        "COPY . /build\n"
        "FROM python:3.12-slim\n"
        "COPY --from=builder /build /app\n"
        "WORKDIR /app\n"
        'CMD ["gunicorn", "web:app"]\n'
    )
    assert verdicts(tmp_path, {"Dockerfile": dockerfile, "web.py": APP}) == [
        ("Dockerfile", 6, "gunicorn", "web:app", "ok")
    ]
    (tmp_path / "web.py").unlink()
    assert verdicts(tmp_path, {"other.py": APP})[0][4] == "entrypoint-module-not-found"


def test_an_image_that_pip_installs_the_project_may_import_it_from_site_packages(
    tmp_path: Path,
) -> None:
    dockerfile = (
        "FROM python:3.12\n"
        "COPY . /src\n"
        "RUN pip install --upgrade pip && pip install /src\n"
        "WORKDIR /\n"
        'CMD ["gunicorn", "myservice.wsgi:app"]\n'
    )
    files = {
        "Dockerfile": dockerfile,
        "src/myservice/__init__.py": "",
        "src/myservice/wsgi.py": APP,
    }
    _, _, verdict = only(tmp_path, files)
    assert verdict.status == "unknown" and "pip install /src" in verdict.message


def test_upgrading_pip_is_not_installing_the_app(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.12\n"
        "COPY . /src\n"
        "RUN pip install --upgrade pip -r /src/requirements.txt\n"
        "WORKDIR /src\n"
        'CMD ["gunicorn", "missing:app"]\n'
    )
    _, _, verdict = only(tmp_path, {"Dockerfile": dockerfile, "web.py": APP})
    assert verdict.status == "entrypoint-module-not-found"


# --- compose --------------------------------------------------------------------------------


def test_compose_image_without_workdir_is_unknown_even_with_file_volumes(tmp_path: Path) -> None:
    compose = (
        "services:\n"
        "  api:\n"
        "    image: example/api\n"
        "    volumes:\n"
        "      - ./conf/gunicorn.conf:/etc/api/gunicorn.conf\n"
        "    command: gunicorn api.wsgi:app\n"
    )
    files = {"docker-compose.yml": compose, "conf/gunicorn.conf": "", "api/wsgi.py": APP}
    _, _, verdict = only(tmp_path, files)
    assert verdict.status == "unknown"


def test_compose_build_target_stage_is_chosen_by_name(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.12 AS dev\nWORKDIR /code\nCOPY . .\n"
        "FROM python:3.12 AS prod\nWORKDIR /elsewhere\n"
    )
    compose = (
        "services:\n  web:\n    build:\n      context: .\n      target: dev\n"
        "    command: gunicorn web:app\n"
    )
    files = {"Dockerfile": dockerfile, "docker-compose.yml": compose, "web.py": APP}
    assert verdicts(tmp_path, files) == [("docker-compose.yml", 6, "gunicorn", "web:app", "ok")]


# --- scripts started by deploy files ----------------------------------------------------------


BOOT = """\
#!/bin/sh
set -e
export APP_MODULE=web
flask db upgrade
exec gunicorn -b :5000 "$APP_MODULE:app"
"""


def test_a_boot_script_started_by_cmd_is_read_with_its_exports(tmp_path: Path) -> None:
    dockerfile = (
        'FROM python:3.12\nWORKDIR /app\nCOPY . .\nENV FLASK_APP=web.py\nCMD ["./boot.sh"]\n'
    )
    files = {"Dockerfile": dockerfile, "boot.sh": BOOT, "web.py": APP}
    assert verdicts(tmp_path, files) == [
        ("boot.sh", 4, "flask", "", "ok"),
        ("boot.sh", 5, "gunicorn", "web:app", "ok"),
    ]


def test_server_lines_inside_case_and_if_are_each_declarations(tmp_path: Path) -> None:
    script = """\
#!/bin/bash
case "$1" in
  web)
    exec gunicorn web:app
    ;;
  dev) exec flask --app web run ;;
  worker)
    exec celery -A web worker
    ;;
esac
if [ -n "$DEBUG" ]; then
  exec gunicorn --reload nothere:app
fi
"""
    files = {
        "Procfile": "web: bin/entrypoint web\n",
        "bin/entrypoint": script,
        "web.py": APP,
    }
    assert verdicts(tmp_path, files) == [
        ("bin/entrypoint", 4, "gunicorn", "web:app", "ok"),
        ("bin/entrypoint", 6, "flask", "web", "ok"),
        ("bin/entrypoint", 12, "gunicorn", "nothere:app", "entrypoint-module-not-found"),
    ]


def test_a_script_on_path_copied_by_the_dockerfile_is_read(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
        "COPY docker/entrypoint.sh /usr/local/bin/\n"
        'ENTRYPOINT ["entrypoint.sh"]\nCMD ["gunicorn", "web:app"]\n'
    )
    script = '#!/bin/sh\ncd /app\nflask --app web db upgrade\nexec "$@"\n'
    files = {"Dockerfile": dockerfile, "docker/entrypoint.sh": script, "web.py": APP}
    assert verdicts(tmp_path, files) == [
        ("Dockerfile", 6, "gunicorn", "web:app", "ok"),
        ("docker/entrypoint.sh", 3, "flask", "web", "ok"),
    ]


def test_a_computed_cd_in_a_script_makes_what_follows_unknown(tmp_path: Path) -> None:
    script = '#!/bin/sh\ncd "$(cat /etc/where)"\nexec gunicorn web:app\n'
    files = {"Procfile": "web: ./run.sh\n", "run.sh": script}
    assert [v[4] for v in verdicts(tmp_path, files)] == ["unknown"]


def test_cd_to_the_scripts_own_folder(tmp_path: Path) -> None:
    script = '#!/bin/sh\ncd "$(dirname "$0")"\nexec gunicorn web:app\n'
    files = {"Procfile": "web: sh deploy/run.sh\n", "deploy/run.sh": script, "deploy/web.py": APP}
    assert verdicts(tmp_path, files) == [("deploy/run.sh", 3, "gunicorn", "web:app", "ok")]


def test_tool_runs_in_scripts_are_not_declarations(tmp_path: Path) -> None:
    script = "#!/bin/sh\npython -m pip install -r requirements.txt\npython -c 'print(1)'\n"
    assert verdicts(tmp_path, {"Procfile": "web: ./start.sh\n", "start.sh": script}) == []


def test_a_python_script_is_not_read_as_shell(tmp_path: Path) -> None:
    files = {"Procfile": "web: ./serve\n", "serve": "#!/usr/bin/env python\nimport os\n"}
    assert verdicts(tmp_path, files) == []


# --- Procfiles --------------------------------------------------------------------------------


def test_a_local_procfile_is_not_a_paas(tmp_path: Path) -> None:
    files = {"Procfile.dev": "web: gunicorn -b 127.0.0.1:8000 web:app\n", "web.py": APP}
    write_tree(tmp_path, files)
    project = Project(tmp_path)
    [declaration] = find_declarations(project)
    assert declaration.context == "local"
    assert [f.rule for f in run_checks(project) if f.rule == "SRV008"] == []
    write_tree(tmp_path, {"Procfile": "web: gunicorn -b 127.0.0.1:8000 web:app\n"})
    rules = [f.rule for f in run_checks(Project(tmp_path)) if f.path == "Procfile"]
    assert "SRV008" in rules


def test_honcho_in_a_compose_service_inherits_its_environment(tmp_path: Path) -> None:
    compose = (
        "services:\n  web:\n    build: .\n"
        "    environment:\n      - FLASK_APP=site.py\n"
        "    command: honcho start -f Procfile.dev\n"
    )
    files = {
        "Dockerfile": "FROM python:3.12\nWORKDIR /code\nCOPY . .\n",
        "docker-compose.yml": compose,
        "Procfile.dev": "web: flask run\n",
        "site.py": APP,
    }
    write_tree(tmp_path, files)
    project = Project(tmp_path)
    [declaration] = find_declarations(project)
    assert declaration.source == "Procfile.dev" and declaration.env_value("FLASK_APP") == "site.py"
    assert check_declaration(project, declaration).status == "ok"


# --- uWSGI ------------------------------------------------------------------------------------


def test_an_ini_nothing_starts_is_unknown_when_its_module_is_not_beside_it(
    tmp_path: Path,
) -> None:
    files = {"contrib/nginx/uwsgi.ini": "[uwsgi]\nwsgi-file = pkg/app.wsgi\n", "web.py": APP}
    _, _, verdict = only(tmp_path, files)
    assert verdict.status == "unknown" and "nothing in the project starts" in verdict.message


def test_uwsgi_ini_started_by_a_dockerfile_runs_from_its_workdir(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.12\nRUN apt-get update && apt-get install -y uwsgi uwsgi-plugin-python3\n"
        'WORKDIR /srv\nCOPY . /srv\nCMD ["uwsgi", "--ini", "deploy/uwsgi.ini"]\n'
    )
    ini = "[uwsgi]\nbase = /srv\nmodule = web:app\npythonpath = %(base)\nhttp = :$(PORT)\n"
    files = {
        "Dockerfile": dockerfile,
        "deploy/uwsgi.ini": ini,
        "web.py": APP,
        "requirements.txt": "flask\n",
    }
    project, declaration, verdict = only(tmp_path, files)
    assert (declaration.source, declaration.cwd, verdict.status) == ("deploy/uwsgi.ini", "", "ok")
    # The image installs uWSGI from the distribution: no pip requirement is asked for.
    assert [f for f in run_checks(project) if f.rule == "SRV005"] == []
    write_tree(tmp_path, {"deploy/uwsgi.ini": ini.replace("web:app", "missing:app")})
    assert verdicts(tmp_path, {})[0][4] == "entrypoint-module-not-found"


def test_uwsgi_placeholders_expand_or_make_the_verdict_unknown(tmp_path: Path) -> None:
    ini = "[uwsgi]\nchdir = /srv\nname = web\nmodule = %(name):app\nwsgi-file = $(APP_FILE)\n"
    _, _, verdict = only(tmp_path, {"uwsgi.ini": ini, "web.py": APP})
    assert verdict.status == "unknown" and "$(APP_FILE)" in verdict.message
    ini = "[uwsgi]\nname = web\nmodule = %(name):app\n"
    _, declaration, verdict = only(tmp_path, {"uwsgi.ini": ini})
    assert (declaration.target, verdict.status) == ("web:app", "ok")


# --- gunicorn -c, build context, templates --------------------------------------------------


def test_gunicorn_python_config_module_is_read_from_where_gunicorn_starts(tmp_path: Path) -> None:
    files = {
        "Procfile": "web: gunicorn -c python:conf.gunicorn\n",
        "conf/__init__.py": "",
        "conf/gunicorn.py": 'wsgi_app = "pkg.web:app"\n',
        "pkg/__init__.py": "",
        "pkg/web.py": APP,
    }
    assert verdicts(tmp_path, files) == [("conf/gunicorn.py", 1, "gunicorn", "pkg.web:app", "ok")]


def test_gunicorn_config_named_by_a_variable_is_unknown(tmp_path: Path) -> None:
    files = {"Procfile": "web: gunicorn -c $CONF nothere:app\n"}
    assert [v[4] for v in verdicts(tmp_path, files)] == ["unknown"]


def test_a_dockerfile_in_a_subfolder_built_from_the_root(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.12\nWORKDIR /app\nCOPY web.py requirements.txt ./\nCMD gunicorn web:app\n"
    )
    files = {"docker/Dockerfile": dockerfile, "web.py": APP, "requirements.txt": "flask\n"}
    assert verdicts(tmp_path, files) == [("docker/Dockerfile", 4, "gunicorn", "web:app", "ok")]


def test_templates_with_placeholders_are_unknown_and_never_errors(tmp_path: Path) -> None:
    files = {
        "deploy/templates/Procfile": "web: gunicorn {{ module }}:app\n",
        "Procfile.example": "web: gunicorn <your_module>:app\n",
        "compose/docker-compose.yml": "{% set x = 1 %}\nservices:\n  web:\n    command: {{ x }}\n",
    }
    write_tree(tmp_path, files)
    project = Project(tmp_path)
    statuses = {e["source"]: e["status"] for e in entrypoints_report(project)["entrypoints"]}
    assert statuses == {
        "Procfile.example": "unknown",
        "compose/docker-compose.yml": "unknown",
        "deploy/templates/Procfile": "unknown",
    }
    assert [f for f in run_checks(project) if f.rule.startswith("SRV")] == []


def test_a_filled_template_is_judged(tmp_path: Path) -> None:
    files = {"Procfile.example": "web: gunicorn missing:app\n", "web.py": APP}
    assert [v[4] for v in verdicts(tmp_path, files)] == ["entrypoint-module-not-found"]


# --- flask discovery ----------------------------------------------------------------------------


def test_flaskenv_without_flask_app_is_flask_discovering_wsgi_or_app(tmp_path: Path) -> None:
    files = {"api/.flaskenv": "FLASK_DEBUG=1\n", "api/wsgi.py": APP, ".env": "SECRET=x\n"}
    _, declaration, verdict = only(tmp_path, files)
    assert (declaration.source, declaration.target, declaration.cwd) == ("api/.flaskenv", "", "api")
    assert verdict.status == "ok" and verdict.app is not None
    assert verdict.app.module == "api/wsgi.py"
    (tmp_path / "api" / "wsgi.py").unlink()
    assert [v[4] for v in verdicts(tmp_path, {})] == ["unknown"]


def test_flask_without_flask_app_in_a_container_may_get_it_where_it_runs(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD flask run --host 0.0.0.0\n"
    files = {"Dockerfile": dockerfile, "application.py": APP}
    _, _, verdict = only(tmp_path, files)
    assert verdict.status == "unknown" and "where the deployment runs" in verdict.message


# --- re-exports and imports of the target module ------------------------------------------------

CORE = "from flask import Flask\n\napp = Flask(__name__)\n\n\ndef create_app():\n    return Flask(__name__)\n"


def test_star_import_chains_are_followed_honouring_all(tmp_path: Path) -> None:
    files = {
        "Procfile": 'web: gunicorn pkg:app\nf: gunicorn "pkg:create_app()"\nx: gunicorn pkg:hidden\n',
        "pkg/__init__.py": "from .api import *\n",
        "pkg/api.py": "from .core import *\n",
        "pkg/core.py": CORE + '\n__all__ = ["app", "create_app"]\nhidden = 1\n',
    }
    assert [v[4] for v in verdicts(tmp_path, files)] == [
        "ok",
        "ok",
        "entrypoint-attribute-not-found",
    ]


def test_star_import_from_outside_the_project_stays_unknown(tmp_path: Path) -> None:
    files = {"Procfile": "web: gunicorn pkg:app\n", "pkg/__init__.py": "from elsewhere import *\n"}
    assert [v[4] for v in verdicts(tmp_path, files)] == ["unknown"]


def test_target_importing_a_moved_project_module_is_srv001_with_the_chain(tmp_path: Path) -> None:
    files = {
        "Procfile": "web: gunicorn wsgi:app\n",
        "wsgi.py": "import os\nfrom app.factory import create_app\nfrom flask import Flask\n\napp = Flask(__name__)\n",
        "app/__init__.py": "",
        "app/core.py": CORE,
    }
    write_tree(tmp_path, files)
    project = Project(tmp_path)
    [finding] = [f for f in run_checks(project) if f.rule.startswith("SRV")]
    assert finding.rule == "SRV001" and finding.path == "Procfile"
    assert "wsgi.py:2 imports app.factory, which is not in the project" in finding.message
    assert finding.fixes == ()
    # A third-party package of the same shape is not judged; nor is a name the package binds.
    write_tree(tmp_path, {"wsgi.py": files["wsgi.py"].replace("app.factory", "requests.factory")})
    assert [v[4] for v in verdicts(tmp_path, {})] == ["ok"]
    write_tree(
        tmp_path,
        {
            "wsgi.py": files["wsgi.py"].replace("from app.factory", "from app"),
            "app/__init__.py": "from .core import create_app\n",
        },
    )
    assert [v[4] for v in verdicts(tmp_path, {})] == ["ok"]


def test_relative_import_of_a_missing_sibling_in_the_package_init(tmp_path: Path) -> None:
    files = {
        "Procfile": "web: gunicorn pkg.web:app\n",
        "pkg/__init__.py": "from .settings import CONFIG\n",
        "pkg/web.py": APP,
    }
    write_tree(tmp_path, files)
    project = Project(tmp_path)
    [declaration] = find_declarations(project)
    verdict = check_declaration(project, declaration)
    assert verdict.rule == "SRV001" and "pkg/__init__.py:1 imports .settings" in verdict.message


def test_failed_discovery_in_a_container_is_unknown(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD flask db upgrade\n"
    files = {"Dockerfile": dockerfile, "app/__init__.py": "def create_app(config):\n    pass\n"}
    _, _, verdict = only(tmp_path, files)
    assert verdict.status == "unknown" and "FLASK_APP may be set where it runs" in verdict.message


def test_an_earlier_stage_with_its_own_cmd_is_a_target_too(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.12 AS production\nWORKDIR /srv\nCOPY . .\n"
        'CMD ["gunicorn", "web:app"]\n'
        "FROM nginx AS proxy\nCOPY nginx.conf /etc/nginx/\n"
    )
    files = {"Dockerfile": dockerfile, "web.py": APP, "nginx.conf": ""}
    assert verdicts(tmp_path, files) == [("Dockerfile", 4, "gunicorn", "web:app", "ok")]


def test_render_blueprint_start_command_runs_from_root_dir_with_its_env(tmp_path: Path) -> None:
    blueprint = (
        "services:\n  - type: web\n    name: site\n    rootDir: src\n"
        "    startCommand: gunicorn --bind 0.0.0.0:$PORT app:app\n"
        "    envVars:\n      - key: X\n        value: '1'\n"
    )
    files = {"render.yaml": blueprint, "src/app.py": APP}
    _, declaration, verdict = only(tmp_path, files)
    assert (declaration.context, declaration.cwd, declaration.env_value("X")) == (
        "paas",
        "src",
        "1",
    )
    assert verdict.status == "ok"


def test_compose_env_file_extends_and_merge_keys_set_the_environment(tmp_path: Path) -> None:
    compose = (
        "x-common: &common\n  build: .\n  environment:\n    FLASK_APP: site.py\n"
        "services:\n"
        "  merged:\n    <<: *common\n    command: flask run\n"
        "  from-file:\n    build: .\n    env_file: [web.env]\n    command: flask run\n"
        "  extended:\n    extends:\n      service: merged\n    command: flask run --port 1\n"
        "  nothing:\n    build: .\n    command: flask --app nothere run\n"
    )
    files = {
        "Dockerfile": "FROM python\nWORKDIR /app\nCOPY . .\n",
        "docker-compose.yml": compose,
        "web.env": "FLASK_APP=site.py\n",
        "site.py": APP,
    }
    write_tree(tmp_path, files)
    project = Project(tmp_path)
    found = {d.process: d for d in find_declarations(project)}
    for name in ("merged", "from-file", "extended"):
        assert found[name].env_value("FLASK_APP") == "site.py", name
        assert check_declaration(project, found[name]).status == "ok", name
    assert check_declaration(project, found["nothing"]).status == "flask-app-not-located"


def test_heroku_app_json_env_applies_to_the_procfile(tmp_path: Path) -> None:
    app_json = '{"name": "x", "env": {"FLASK_APP": {"value": "site.py"}, "OTHER": "1"}}'
    files = {"Procfile": "release: flask db upgrade\n", "app.json": app_json, "site.py": APP}
    _, declaration, verdict = only(tmp_path, files)
    assert declaration.env_value("FLASK_APP") == "site.py" and verdict.status == "ok"


def test_srv005_not_certain_on_an_image_built_elsewhere(tmp_path: Path) -> None:
    files = {
        "Dockerfile": "FROM base\nCOPY main.py ./main.py\nCMD gunicorn main:app\n",
        "main.py": APP,
        "requirements.txt": "flask\n",
    }
    write_tree(tmp_path, files)
    assert [f for f in run_checks(Project(tmp_path)) if f.rule == "SRV005"] == []
    write_tree(
        tmp_path, {"Dockerfile": files["Dockerfile"].replace("FROM base", "FROM python:3.12")}
    )
    assert [f.rule for f in run_checks(Project(tmp_path)) if f.rule == "SRV005"] == ["SRV005"]


def test_srv005_not_for_a_sample_ini_nothing_starts(tmp_path: Path) -> None:
    files = {
        "contrib/uwsgi.ini": "[uwsgi]\nchdir = /srv/app\nmodule = web:app\n",
        "web.py": APP,
        "requirements.txt": "flask\n",
    }
    write_tree(tmp_path, files)
    assert [f for f in run_checks(Project(tmp_path)) if f.rule == "SRV005"] == []
    write_tree(tmp_path, {"Procfile": "web: uwsgi --http :$PORT --module web:app\n"})
    assert [f.path for f in run_checks(Project(tmp_path)) if f.rule == "SRV005"] == ["Procfile"]


def test_a_script_nothing_starts_is_read_from_a_guessed_root(tmp_path: Path) -> None:
    files = {
        "webserver/gunicorn.sh": "venv/bin/gunicorn -b 127.0.0.1:5000 flack.wsgi:app\n",
        "webserver/broken.sh": "#!/bin/sh\nflask db upgrade\nflask run\nexec gunicorn nothere:app\n",
        "tests/run.sh": "gunicorn nothere:app\n",
        "flack/__init__.py": "",
        "flack/wsgi.py": APP,
        "requirements.txt": "flask\n",
    }
    write_tree(tmp_path, files)
    project = Project(tmp_path)
    assert verdicts(tmp_path, {}) == [
        ("webserver/broken.sh", 3, "flask", "", "unknown"),
        ("webserver/broken.sh", 4, "gunicorn", "nothere:app", "unknown"),
        ("webserver/gunicorn.sh", 1, "gunicorn", "flack.wsgi:app", "ok"),
    ]
    # Guessed: no error for the missing module, nor a missing gunicorn requirement.
    assert [f.rule for f in run_checks(project) if f.rule.startswith("SRV")] == []
