"""Tests for mutants of the deploy-file readers (analysis/entrypoints/formats and
entrypoints/text) that survived a sampled `make mutate` run: each asserts what a user sees (the
declarations read from a compose file, Dockerfile, script, launch.json, uwsgi.ini or unit file:
their command, target, working directory, range and verdict) that the mutation changed. Every
one was checked against its mutant (mutmut's MUTANT_UNDER_TEST)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from flask_preflight.analysis.edits import apply_edits
from flask_preflight.analysis.entrypoints import (
    Declaration,
    check_declaration,
    declaration_problems,
    find_declarations,
)
from flask_preflight.analysis.entrypoints.text.jsonc import JsoncError, parse_jsonc
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import run_checks
from tests.conftest import write_tree

APP = "from flask import Flask\n\napp = Flask(__name__)\n"
FACTORY = "from flask import Flask\n\n\ndef create_app():\n    return Flask(__name__)\n"
BUILD_APP = "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"


def declared(root: Path, files: dict[str, str]) -> tuple[Project, list[Declaration]]:
    """The declarations of a project, read without an internal error."""
    write_tree(root, files)
    project = Project(root)
    found = find_declarations(project)
    assert project.errors == []
    return project, found


def seen(project: Project, declaration: Declaration) -> tuple[object, ...]:
    """What `entrypoints` shows of a declaration: where (1-based line, 0-based columns), which
    process, server and target, from which folder, and the verdict."""
    rng = declaration.range
    verdict = check_declaration(project, declaration)
    return (
        declaration.process,
        (rng.start.line + 1, rng.start.character, rng.end.line + 1, rng.end.character),
        declaration.server,
        declaration.target,
        declaration.cwd,
        verdict.status,
    )


def by_process(root: Path, files: dict[str, str]) -> dict[str, tuple[object, ...]]:
    project, found = declared(root, files)
    return {d.process: seen(project, d) for d in found}


# --- compose ----------------------------------------------------------------------------------


def test_compose_extends_a_service_of_a_file_beside_it_in_a_folder(tmp_path: Path) -> None:
    files = {
        "deploy/docker-compose.yml": "services:\n  web:\n    extends:\n      file: common.yml\n"
        "      service: base\n    command: gunicorn site:app\n",
        "deploy/common.yml": "services:\n  base:\n    build: ..\n"
        "    environment:\n      FLASK_APP: site.py\n",
        "Dockerfile": BUILD_APP,
        "site.py": APP,
    }
    project, [declaration] = declared(tmp_path, files)
    assert declaration.env_value("FLASK_APP") == "site.py"
    assert seen(project, declaration) == ("web", (6, 22, 6, 30), "gunicorn", "site:app", "", "ok")


@pytest.mark.parametrize(
    "build",
    [
        "build: .",
        "build:\n      context: .\n      dockerfile: Dockerfile",
        "build:\n      dockerfile: Dockerfile",
    ],
)
def test_compose_extends_keeps_the_parents_build_context_relative_to_the_parents_file(
    tmp_path: Path, build: str
) -> None:
    files = {
        "docker-compose.yml": "services:\n  web:\n    extends:\n      file: base/common.yml\n"
        "      service: base\n    command: gunicorn site:app\n",
        "base/common.yml": f"services:\n  base:\n    {build}\n",
        "base/Dockerfile": BUILD_APP,
        "base/site.py": APP,
    }
    assert by_process(tmp_path, files) == {
        "web": ("web", (6, 22, 6, 30), "gunicorn", "site:app", "base", "ok")
    }


def test_compose_build_forms_name_the_dockerfile_and_its_context(tmp_path: Path) -> None:
    compose = (
        "services:\n"
        "  root:\n    build:\n      dockerfile: Dockerfile\n    command: gunicorn site:app\n"
        "  sub:\n    build: sub\n    command: gunicorn web:app\n"
    )
    files = {
        "docker-compose.yml": compose,
        "Dockerfile": BUILD_APP,
        "site.py": APP,
        "sub/Dockerfile": "FROM python:3.12\nWORKDIR /srv\nCOPY . .\n",
        "sub/web.py": APP,
    }
    assert by_process(tmp_path, files) == {
        "root": ("root", (5, 22, 5, 30), "gunicorn", "site:app", "", "ok"),
        "sub": ("sub", (8, 22, 8, 29), "gunicorn", "web:app", "sub", "ok"),
    }


def test_compose_images_volumes_and_builds_we_cannot_read(tmp_path: Path) -> None:
    compose = (
        "services:\n"
        "  image:\n    image: example/api\n    command: gunicorn site:app\n"
        "  mounted:\n    image: example/api\n    working_dir: /app\n"
        "    volumes:\n      - .:/app\n    command: gunicorn site:app\n"
        "  src:\n    image: example/api\n    working_dir: /app\n"
        "    volumes:\n      - ./src:/app/\n    command: gunicorn app:app\n"
        "  unread:\n    build: ./missing\n    command: gunicorn site:app\n"
    )
    files = {"docker-compose.yml": compose, "site.py": APP, "src/app.py": APP}
    project, found = declared(tmp_path, files)
    shown = {d.process: seen(project, d) for d in found}
    assert shown == {
        "image": ("image", (4, 22, 4, 30), "gunicorn", "site:app", "", "unknown"),
        "mounted": ("mounted", (10, 22, 10, 30), "gunicorn", "site:app", "", "ok"),
        "src": ("src", (16, 22, 16, 29), "gunicorn", "app:app", "src", "ok"),
        "unread": ("unread", (19, 22, 19, 30), "gunicorn", "site:app", "", "unknown"),
    }
    unknown = {d.process: d.unknown for d in found if d.unknown}
    assert unknown == {
        "image": "service 'image' runs image 'example/api', whose files and working directory "
        "this project does not hold",
        "unread": "service 'unread' runs an image whose files this project does not hold",
    }


def test_compose_volume_from_outside_the_project_maps_nothing(tmp_path: Path) -> None:
    compose = (
        "services:\n  web:\n    image: example/api\n    working_dir: /app\n"
        "    volumes:\n      - ../elsewhere:/app\n    command: gunicorn site:app\n"
    )
    project, [declaration] = declared(tmp_path, {"docker-compose.yml": compose, "site.py": APP})
    assert (
        declaration.unknown == "service 'web' runs an image whose files this project does not hold"
    )
    assert check_declaration(project, declaration).status == "unknown"


def test_compose_build_whose_workdir_holds_no_project_files(tmp_path: Path) -> None:
    compose = "services:\n  web:\n    build: .\n    command: gunicorn site:app\n"
    files = {
        "docker-compose.yml": compose,
        "Dockerfile": "FROM python:3.12\nWORKDIR /srv\nCOPY . /app\n",
        "site.py": APP,
    }
    project, [declaration] = declared(tmp_path, files)
    assert (declaration.unknown, declaration.outside_cwd) == ("", "/srv")
    assert check_declaration(project, declaration).status != "ok"


def test_compose_command_as_a_list_keeps_each_item_one_word(tmp_path: Path) -> None:
    compose = (
        "services:\n"
        "  listed:\n    build: .\n"
        '    command: ["sh", "-c", "cd src && gunicorn app:app"]\n'
        "  line:\n    build: .\n    entrypoint: []\n    command: cd src && gunicorn app:app\n"
        '  plain:\n    build: .\n    command: ["gunicorn", "-w", "2", "src.app:app"]\n'
        "  number:\n    build: .\n    command: 8000\n"
    )
    files = {"docker-compose.yml": compose, "Dockerfile": BUILD_APP, "src/app.py": APP}
    project, found = declared(tmp_path, files)
    assert {d.process: seen(project, d) for d in found} == {
        "listed": ("listed", (4, 46, 4, 53), "gunicorn", "app:app", "src", "ok"),
        "line": ("line", (8, 32, 8, 39), "gunicorn", "app:app", "src", "ok"),
        "plain": ("plain", (11, 38, 11, 49), "gunicorn", "src.app:app", "", "ok"),
    }
    # A list is not a shell line: no fix adds arguments to it.
    styles = {d.process: d.arg_style for d in found}
    assert styles == {"listed": "none", "line": "shell", "plain": "none"}


# --- Dockerfile -------------------------------------------------------------------------------


def only_seen(root: Path, files: dict[str, str]) -> tuple[object, ...]:
    project, [declaration] = declared(root, files)
    return seen(project, declaration)


@pytest.mark.parametrize("dest", [".", "./", "/app/.", "/app/"])
def test_a_file_copied_into_the_working_directory_is_found_there(tmp_path: Path, dest: str) -> None:
    dockerfile = f"FROM python:3.12\nWORKDIR /app\nCOPY web.py {dest}\nCMD gunicorn web:app\n"
    assert only_seen(tmp_path, {"Dockerfile": dockerfile, "web.py": APP}) == (
        "CMD",
        (4, 13, 4, 20),
        "gunicorn",
        "web:app",
        "",
        "ok",
    )


def test_a_folder_the_context_will_hold_is_mapped_by_its_name(tmp_path: Path) -> None:
    # `build/` is made before `docker build` runs (it is not in the project yet).
    dockerfile = "FROM python:3.12\nCOPY build/ /app\nWORKDIR /app\nCMD gunicorn web:app\n"
    _, [declaration] = declared(tmp_path, {"Dockerfile": dockerfile, "web.py": APP})
    assert declaration.cwd == "build"


def test_a_continuation_backslash_may_be_followed_by_blanks(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD gunicorn \\  \n    web:app\n"
    assert only_seen(tmp_path, {"Dockerfile": dockerfile, "web.py": APP}) == (
        "CMD",
        (5, 4, 5, 11),
        "gunicorn",
        "web:app",
        "",
        "ok",
    )


def test_env_values_keep_double_quotes_and_skip_unset_variables(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
        "ENV FLASK_APP='web:create(\"x\")' EMPTY= GONE=$NOT_SET\n"
        "CMD flask run\n"
    )
    _, [declaration] = declared(tmp_path, {"Dockerfile": dockerfile, "web.py": APP})
    assert declaration.env_value("FLASK_APP") == 'web:create("x")'
    assert declaration.env_value("EMPTY") == ""
    assert declaration.env_value("GONE") is None


def test_a_stage_inherits_only_from_the_stage_it_names(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.12 AS builder\nWORKDIR /app\nCOPY . .\n"
        "FROM python:3.12-slim\nWORKDIR /app\nCMD gunicorn web:app\n"
    )
    _, [declaration] = declared(tmp_path, {"Dockerfile": dockerfile, "web.py": APP})
    assert declaration.unknown == (
        "the image copies no project files; its code comes from the base image"
    )


def test_a_chain_of_named_stages_carries_the_files_to_the_last(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.12 AS base\nWORKDIR /app\nCOPY . .\n"
        "FROM base AS middle\nENV FLASK_APP=web.py\n"
        "FROM middle\nCMD flask run\n"
    )
    project, [declaration] = declared(tmp_path, {"Dockerfile": dockerfile, "web.py": APP})
    assert (declaration.cwd, declaration.env_value("FLASK_APP")) == ("", "web.py")
    assert check_declaration(project, declaration).status == "ok"


@pytest.mark.parametrize("command", ['ENTRYPOINT ["gunicorn", "web:app"]', "CMD gunicorn web:app"])
def test_a_proxy_stage_last_leaves_the_earlier_stages_commands(
    tmp_path: Path, command: str
) -> None:
    dockerfile = (
        "FROM python:3.12 AS base\nWORKDIR /app\nCOPY . .\n"
        f"FROM base AS app\n{command}\n"
        "FROM nginx\nCOPY nginx.conf /etc/nginx/nginx.conf\n"
    )
    files = {"Dockerfile": dockerfile, "web.py": APP, "nginx.conf": ""}
    assert only_seen(tmp_path, files)[2:] == ("gunicorn", "web:app", "", "ok")


def test_a_stage_copying_from_a_stage_with_opaque_folders(tmp_path: Path) -> None:
    dockerfile = (
        "FROM example/deps AS deps\n"
        "FROM python:3.12 AS builder\nCOPY --from=deps /venv /venv\nCOPY . /src\n"
        "FROM python:3.12-slim\nCOPY --from=builder /src /app\nWORKDIR /app\n"
        "CMD gunicorn web:app\n"
    )
    assert only_seen(tmp_path, {"Dockerfile": dockerfile, "web.py": APP})[2:] == (
        "gunicorn",
        "web:app",
        "",
        "ok",
    )


@pytest.mark.parametrize(
    ("run", "package"),
    [('pip install "shop[prod]"', "shop"), ("pip install ShopX", "shopx")],
)
def test_pip_installing_the_projects_own_package_with_extras_or_any_case(
    tmp_path: Path, run: str, package: str
) -> None:
    dockerfile = f"FROM python:3.12\nCOPY . /src\nRUN {run}\nCMD gunicorn {package}.web:app\n"
    files = {
        "Dockerfile": dockerfile,
        f"src/{package}/__init__.py": "",
        f"src/{package}/web.py": APP,
    }
    _, [declaration] = declared(tmp_path, files)
    assert declaration.installed == (
        f"the image runs `{run}`, so the app may be imported from an installed package"
    )


def test_a_base_image_built_elsewhere_is_inherited_by_the_stages_from_it(tmp_path: Path) -> None:
    files = {
        "Dockerfile": "FROM example/gunicorn-base AS base\nWORKDIR /app\nCOPY . .\n"
        "FROM base\nCMD gunicorn main:app\n",
        "main.py": APP,
        "requirements.txt": "flask\n",
    }
    write_tree(tmp_path, files)
    assert [f for f in run_checks(Project(tmp_path)) if f.rule == "SRV005"] == []


def test_copy_from_another_stage_is_no_evidence_of_the_build_context(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.12 AS build\nWORKDIR /src\nRUN make\n"
        "FROM python:3.12\nWORKDIR /app\nCOPY --from=build site.py ./\nCOPY . .\n"
        "CMD gunicorn site:app\n"
    )
    _, [declaration] = declared(tmp_path, {"docker/Dockerfile": dockerfile, "site.py": APP})
    assert declaration.cwd == "docker"
    assert declaration.guessed_cwd.startswith("docker/Dockerfile copies only `.`")


def test_exec_form_entrypoint_with_exec_form_cmd_arguments(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
        'ENTRYPOINT ["gunicorn", "-b", "0.0.0.0:80"]\n'
        'CMD ["--workers", "2", "--bind=:81", "web:app"]\n'
    )
    project, [declaration] = declared(tmp_path, {"Dockerfile": dockerfile, "web.py": APP})
    assert seen(project, declaration) == (
        "ENTRYPOINT",
        (5, 38, 5, 45),
        "gunicorn",
        "web:app",
        "",
        "ok",
    )
    assert declaration.bind == ("0.0.0.0:80", ":81")
    assert declaration.options == (("bind", "0.0.0.0:80"), ("workers", "2"), ("bind", ":81"))


@pytest.mark.parametrize(
    ("path", "written", "fixed"),
    [
        ("Procfile", 'web: flask "--app=wbe:app" run\n', 'web: flask "--app=web:app" run\n'),
        ("Procfile", "web: flask --app=wbe:app run\n", "web: flask --app=web:app run\n"),
        (
            "Dockerfile",
            'FROM python:3.12\nCOPY . .\nCMD ["flask", "--app=wbe:app", "run"]\n',
            'FROM python:3.12\nCOPY . .\nCMD ["flask", "--app=web:app", "run"]\n',
        ),
        (
            "Dockerfile",
            'FROM python:3.12\nCOPY . .\nENTRYPOINT ["flask"]\nCMD ["--app=wbe:app", "run"]\n',
            'FROM python:3.12\nCOPY . .\nENTRYPOINT ["flask"]\nCMD ["--app=web:app", "run"]\n',
        ),
    ],
)
def test_the_target_of_flask_app_equals_is_replaced_inside_its_quotes(
    tmp_path: Path, path: str, written: str, fixed: str
) -> None:
    write_tree(tmp_path, {path: written, "web.py": APP})
    project = Project(tmp_path)
    [finding] = [f for f in run_checks(project) if f.rule == "SRV006"]
    assert project.errors == []
    edits = [e for e in finding.fixes[0].edits if e.path == path]
    assert apply_edits(written, edits) == fixed


def test_an_escaped_json_string_after_an_exec_form_entrypoint_is_read(tmp_path: Path) -> None:
    dockerfile = (
        'FROM python:3.12\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["flask"]\n'
        'CMD ["--app=w\\u0065b:app", "run"]\n'
    )
    _, [declaration] = declared(tmp_path, {"Dockerfile": dockerfile, "web.py": APP})
    assert (declaration.server, declaration.target) == ("flask", "web:app")


# --- shell scripts a deploy file starts -------------------------------------------------------

BOOT = """\
#!/bin/sh
# gunicorn commented:app
cat > /tmp/run <<EOF
cd /tmp
gunicorn heredoc:app
EOF
case "$MODE" in
  prod) gunicorn web:app ;;
esac
"""


def test_a_script_is_read_as_the_shell_runs_it(tmp_path: Path) -> None:
    files = {"Procfile": "web: sh boot.sh\n", "boot.sh": BOOT, "web.py": APP}
    project, found = declared(tmp_path, files)
    assert [(d.source, *seen(project, d)) for d in found] == [
        ("boot.sh", "web", (8, 17, 8, 24), "gunicorn", "web:app", "", "ok"),
    ]


def test_a_case_pattern_may_open_with_a_parenthesis(tmp_path: Path) -> None:
    script = '#!/bin/sh\ncase "$MODE" in\n  (dev) flask --app web run ;;\n  (*) exit 1 ;;\nesac\n'
    files = {"Procfile": "web: sh boot.sh\n", "boot.sh": script, "web.py": APP}
    project, found = declared(tmp_path, files)
    assert [(d.source, *seen(project, d)) for d in found] == [
        ("boot.sh", "web", (3, 20, 3, 23), "flask", "web", "", "ok"),
    ]


def test_a_script_sets_and_forgets_environment_variables(tmp_path: Path) -> None:
    script = (
        "#!/bin/sh\n"
        "FLASK_APP=web.py\n"
        "export FLASK_DEBUG=1 && flask run\n"
        "export FLASK_APP=$(pick-an-app)\n"
        "flask run\n"
    )
    files = {"Procfile": "web: sh boot.sh\n", "boot.sh": script, "web.py": APP}
    _, found = declared(tmp_path, files)
    assert [
        (d.range.start.line + 1, d.env_value("FLASK_APP"), d.env_value("FLASK_DEBUG"))
        for d in found
    ] == [(3, "web.py", "1"), (5, None, "1")]


def test_a_script_starting_a_script_is_followed(tmp_path: Path) -> None:
    files = {
        "Procfile": "web: ./boot.sh\n",
        "boot.sh": "#!/bin/sh\nexec sh ./serve.sh\n",
        "serve.sh": "#!/bin/sh\ngunicorn web:app\n",
        "web.py": APP,
    }
    project, found = declared(tmp_path, files)
    assert [(d.source, *seen(project, d)) for d in found if not d.unstarted] == [
        ("serve.sh", "web", (2, 9, 2, 16), "gunicorn", "web:app", "", "ok")
    ]


def test_a_fix_adds_arguments_to_a_scripts_command_line(tmp_path: Path) -> None:
    files = {"Procfile": "web: sh boot.sh\n", "boot.sh": "#!/bin/sh\nflask run\n", "web.py": APP}
    write_tree(tmp_path, files)
    project = Project(tmp_path)
    [finding] = [f for f in run_checks(project) if f.rule == "SRV008"]
    edits = [e for e in finding.fixes[0].edits if e.path == "boot.sh"]
    assert apply_edits(files["boot.sh"], edits) == (
        "#!/bin/sh\nflask run --host 0.0.0.0 --port $PORT\n"
    )


@pytest.mark.parametrize(
    ("starter", "why"),
    [
        (
            {"Dockerfile": 'FROM python:3.12\nCOPY . /app\nWORKDIR /app\nCMD ["sh", "start.sh"]\n'},
            "start.sh changes directory to /opt/code, a folder whose files the image gets in "
            "ways these files do not show",
        ),
        (
            {"Procfile": "web: sh start.sh\n"},
            "start.sh changes directory to /opt/code, outside this project",
        ),
    ],
)
def test_a_script_moving_to_an_absolute_folder(
    tmp_path: Path, starter: dict[str, str], why: str
) -> None:
    files = {**starter, "start.sh": "#!/bin/sh\ncd /opt/code\ngunicorn web:app\n", "web.py": APP}
    _, [declaration] = declared(tmp_path, files)
    assert declaration.unknown == why


def test_a_scripts_python_module_lines_are_listed_when_the_module_is_the_projects(
    tmp_path: Path,
) -> None:
    script = "#!/bin/sh\npython -m pip install -r requirements.txt\npython -m shop.serve\n"
    files = {
        "Procfile": "web: sh start.sh\n",
        "start.sh": script,
        "shop/__init__.py": "",
        "shop/serve.py": APP,
    }
    project, found = declared(tmp_path, files)
    assert [seen(project, d) for d in found] == [
        ("web", (3, 10, 3, 20), "python", "shop.serve", "", "ok")
    ]


def test_scripts_nothing_starts(tmp_path: Path) -> None:
    files = {
        "test/start.sh": "#!/bin/sh\ngunicorn web:app\n",
        "deploy/serve.sh": "#!/bin/sh\nwaitress-serve web:app\n",
        "web.py": APP,
    }
    write_tree(tmp_path, files)
    (tmp_path / "unreadable.sh").write_bytes(b"#!/bin/sh\n\xff\xfe gunicorn web:app\n")
    _, found = declared(tmp_path, {})
    assert [(d.source, d.server, d.target, d.unstarted) for d in found] == [
        ("deploy/serve.sh", "waitress", "web:app", True)
    ]


# --- text helpers: JSON with comments, YAML -----------------------------------------------------


def test_jsonc_nodes_span_their_own_text() -> None:
    text = '// launch\n{"a": {"b": true}, /* c */ "c": [1, null, "x",], /* d */}\n'
    root = parse_jsonc(text)
    assert root.plain() == {"a": {"b": True}, "c": [1, None, "x"]}
    a, c = root.get("a"), root.get("c")
    assert a is not None and c is not None
    b = a.get("b")
    assert b is not None
    spans = [text[n.start : n.end] for n in (root, a, b, c, *c.value)]
    assert spans == [text[10:-1], '{"b": true}', "true", '[1, null, "x",]', "1", "null", '"x"']
    assert root.keys["c"] == (text.index('"c"'), text.index('"c"') + 3)


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('{X"version": 1}', "expected a property name at line 1", 0),
        ('{\n  "a": 1 /* open', "unterminated comment at line 2", 1),
        ('{"a": 1}\n\n x', "extra text after the value at line 3", 2),
        ('\n{X"version": 1}', "expected a property name at line 2", 1),
        ('{"a": "b', "unterminated string at line 1", 0),
        ('{"a": "b\n"}', "unterminated string at line 1", 0),
        ("[trueX]", "unexpected 'trueX' at line 1", 0),
    ],
)
def test_jsonc_errors_say_where(text: str, message: str, line: int) -> None:
    with pytest.raises(JsoncError) as raised:
        parse_jsonc(text)
    assert (str(raised.value), raised.value.line) == (message, line)


def test_jsonc_nesting_is_bounded() -> None:
    # Room for the parser's own recursion (mutmut's trampolines add frames to each level).
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))
    try:
        with pytest.raises(JsoncError, match=r"^nesting too deep at line 1$"):
            parse_jsonc("[" * 201 + "]" * 201)
        assert parse_jsonc("[" * 200 + "]" * 200).start == 0
    finally:
        sys.setrecursionlimit(limit)


@pytest.mark.parametrize(
    ("compose", "line", "reason"),
    [
        ("a: b: c\n", 0, "line 1: mapping values are not allowed here"),
        (
            "services:\n  web:\n    command: !!int x\n",
            0,
            "line 1: invalid literal for int() with base 10: 'x'",
        ),
        (
            "services:\n  web: [\n",
            2,
            "line 3: while parsing a flow node, expected the node content, but found "
            "'<stream end>'",
        ),
    ],
)
def test_a_compose_file_that_is_not_yaml_is_a_problem_on_its_line(
    tmp_path: Path, compose: str, line: int, reason: str
) -> None:
    project, found = declared(tmp_path, {"docker-compose.yml": compose})
    assert found == []
    [problem] = declaration_problems(project)
    assert (problem.range.start.line, problem.reason) == (
        line,
        f"docker-compose.yml is not valid YAML: {reason}",
    )


# --- more deploy files (seed 303) -------------------------------------------------------------


def test_compose_paths_inside_the_container_map_back_to_the_project(tmp_path: Path) -> None:
    compose = (
        "services:\n"
        "  chdir:\n    build: .\n    command: gunicorn --chdir /app/src app:app\n"
        "  prod:\n    build:\n      context: .\n      dockerfile: Dockerfile.prod\n"
        "    command: gunicorn --chdir /srv/src app:app\n"
        "  named-volume:\n    image: example/api\n    working_dir: /app\n"
        "    volumes:\n      - src:/app\n    command: gunicorn app:app\n"
    )
    files = {
        "docker-compose.yml": compose,
        "Dockerfile": "FROM python:3.12\nCOPY . /app\nWORKDIR /app\n",
        "Dockerfile.prod": "FROM python:3.12\nCOPY . /srv\nWORKDIR /srv\n",
        "src/app.py": APP,
    }
    assert by_process(tmp_path, files) == {
        "chdir": ("chdir", (4, 39, 4, 46), "gunicorn", "app:app", "src", "ok"),
        "prod": ("prod", (9, 39, 9, 46), "gunicorn", "app:app", "src", "ok"),
        "named-volume": ("named-volume", (15, 22, 15, 29), "gunicorn", "app:app", "", "unknown"),
    }


def test_a_workdir_below_a_copied_folder_maps_into_it(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12\nCOPY svc /app\nWORKDIR /app/api\nCMD gunicorn web:app\n"
    files = {"Dockerfile": dockerfile, "svc/api/web.py": APP}
    assert only_seen(tmp_path, files) == (
        "CMD",
        (4, 13, 4, 20),
        "gunicorn",
        "web:app",
        "svc/api",
        "ok",
    )


def test_an_earlier_stages_command_may_start_a_script(tmp_path: Path) -> None:
    dockerfile = (
        'FROM python:3.12 AS app\nCOPY . /app\nWORKDIR /app\nCMD ["./boot.sh"]\nFROM nginx\n'
    )
    files = {
        "Dockerfile": dockerfile,
        "boot.sh": "#!/bin/sh\nexec gunicorn web:app\n",
        "web.py": APP,
    }
    project, found = declared(tmp_path, files)
    assert [(d.source, *seen(project, d)) for d in found if not d.unstarted] == [
        ("boot.sh", "CMD", (2, 14, 2, 21), "gunicorn", "web:app", "", "ok")
    ]


def test_a_script_ending_in_a_backslash(tmp_path: Path) -> None:
    files = {
        "Procfile": "web: sh boot.sh\n",
        "boot.sh": "#!/bin/sh\ngunicorn web:app \\",
        "web.py": APP,
    }
    project, found = declared(tmp_path, files)
    assert [seen(project, d) for d in found if not d.unstarted] == [
        ("web", (2, 9, 2, 16), "gunicorn", "web:app", "", "ok")
    ]


def test_launch_json_modules_programs_and_their_folders(tmp_path: Path) -> None:
    launch = (
        '{"configurations": [\n'
        '  {"type": "debugpy", "module": "waitress", "args": ["--port=8080", "web:app"]},\n'
        '  {"type": "python", "program": "${workspaceFolder}/src/app.py",\n'
        '   "cwd": "${workspaceFolder}/src"},\n'
        '  {"type": "python", "program": "${workspaceFolder}/main.py"}\n'
        "]}\n"
    )
    run = APP + "app.run()\n"
    files = {".vscode/launch.json": launch, "web.py": APP, "src/app.py": run, "main.py": run}
    project, found = declared(tmp_path, files)
    assert [seen(project, d) for d in found] == [
        ("launch", (2, 69, 2, 76), "waitress", "web:app", "", "ok"),
        ("launch", (3, 33, 3, 62), "python", "app.py", "src", "ok"),
        ("launch", (5, 33, 5, 59), "python", "main.py", "", "ok"),
    ]


def test_a_launch_json_that_does_not_parse_is_a_problem_of_no_server(tmp_path: Path) -> None:
    project, found = declared(tmp_path, {".vscode/launch.json": '{\n  "configurations": [}\n'})
    assert found == []
    [problem] = declaration_problems(project)
    assert (problem.source, problem.range.start.line, problem.server) == (
        ".vscode/launch.json",
        1,
        "unknown",
    )


def test_a_systemd_exec_start_is_not_read_by_a_shell(tmp_path: Path) -> None:
    unit = (
        "[Service]\nWorkingDirectory=/srv/deploy\nExecStart=/venv/bin/gunicorn web:create_app()\n"
    )
    files = {"deploy/app.service": unit, "deploy/web.py": FACTORY}
    assert only_seen(tmp_path, files) == (
        "",
        (3, 29, 3, 45),
        "gunicorn",
        "web:create_app()",
        "deploy",
        "ok",
    )


@pytest.mark.parametrize(
    "app_yaml",
    ["runtime: nodejs20\nentrypoint: gunicorn web:app\n", "entrypoint: gunicorn web:app\n"],
)
def test_an_app_yaml_of_another_runtime_or_none_declares_nothing(
    tmp_path: Path, app_yaml: str
) -> None:
    assert declared(tmp_path, {"app.yaml": app_yaml, "web.py": APP})[1] == []


def test_a_uwsgi_ini_target_with_its_folder_placeholder(tmp_path: Path) -> None:
    ini = "[uwsgi]\nchdir = %d\nwsgi-file = %dweb.py\ncallable = app\n"
    project, [declaration] = declared(tmp_path, {"deploy/uwsgi.ini": ini, "deploy/web.py": APP})
    # The range is the text as written, not as long as its expansion (`/deploy/web.py`).
    assert seen(project, declaration) == (
        "",
        (3, 12, 3, 20),
        "uwsgi",
        "/deploy/web.py",
        "deploy",
        "ok",
    )


# --- survivors of earlier package samples (seed 12) -------------------------------------------


def test_compose_extends_keeps_the_childs_own_build(tmp_path: Path) -> None:
    files = {
        "docker-compose.yml": "services:\n  web:\n    extends:\n      file: base/common.yml\n"
        "      service: base\n    build: .\n    command: gunicorn site:app\n",
        "base/common.yml": "services:\n  base:\n    build: .\n",
        "base/Dockerfile": "FROM python:3.12\nWORKDIR /srv\nCOPY . .\n",
        "Dockerfile": BUILD_APP,
        "site.py": APP,
    }
    assert by_process(tmp_path, files) == {
        "web": ("web", (7, 22, 7, 30), "gunicorn", "site:app", "", "ok")
    }


def test_compose_image_service_ignores_a_dockerfile_beside_it(tmp_path: Path) -> None:
    compose = "services:\n  web:\n    image: example/api\n    command: gunicorn site:app\n"
    files = {"docker-compose.yml": compose, "Dockerfile": BUILD_APP, "site.py": APP}
    _, [declaration] = declared(tmp_path, files)
    assert declaration.unknown.startswith("service 'web' runs image 'example/api'")


def test_dockerfile_copy_in_exec_form(tmp_path: Path) -> None:
    dockerfile = (
        'FROM python:3.12\nWORKDIR /app\nCOPY ["src/", "/app/"]\nCMD ["gunicorn", "web:app"]\n'
    )
    files = {"Dockerfile": dockerfile, "src/web.py": APP}
    assert only_seen(tmp_path, files) == ("CMD", (4, 18, 4, 25), "gunicorn", "web:app", "src", "ok")


def test_a_flaskenv_without_flask_app_runs_flask_discovery_locally(tmp_path: Path) -> None:
    project, [declaration] = declared(tmp_path, {".flaskenv": "FLASK_DEBUG=1\n", "wsgi.py": APP})
    assert (declaration.context, declaration.options) == ("local", (("discovery", "1"),))
    assert seen(project, declaration) == ("FLASK_APP", (1, 0, 1, 11), "flask", "", "", "ok")


def test_a_scripts_subshell_runs_its_commands_and_its_cd_does_not_last(tmp_path: Path) -> None:
    script = (
        "#!/bin/sh\n"
        "(cd tools && export FLASK_APP=other.py && make) &\n"
        "  (cd src && exec gunicorn app:app)\n"
        "flask run\n"
    )
    files = {
        "Procfile": "web: sh boot.sh\n",
        "boot.sh": script,
        "src/app.py": APP,
        "app.py": APP,
        "tools/Makefile": "",
    }
    project, found = declared(tmp_path, files)
    assert [seen(project, d) for d in found] == [
        ("web", (3, 27, 3, 34), "gunicorn", "app:app", "src", "ok"),
        ("web", (4, 0, 4, 5), "flask", "", "", "ok"),
    ]
    assert found[1].env_value("FLASK_APP") is None


# --- seed 304 ---------------------------------------------------------------------------------


def test_app_yaml_runs_on_the_platform(tmp_path: Path) -> None:
    files = {"app.yaml": "runtime: python312\nentrypoint: flask --app web run\n", "web.py": APP}
    write_tree(tmp_path, files)
    project = Project(tmp_path)
    [declaration] = find_declarations(project)
    assert declaration.context == "paas"
    assert [f.rule for f in run_checks(project) if f.rule == "SRV008"] == ["SRV008"]


def test_compose_env_file_entries_with_a_path(tmp_path: Path) -> None:
    compose = (
        "services:\n  web:\n    build: .\n"
        "    env_file:\n      - path: web.env\n        required: false\n"
        "    command: flask run\n"
    )
    files = {
        "docker-compose.yml": compose,
        "Dockerfile": BUILD_APP,
        "web.env": "FLASK_APP=site.py\n",
        "site.py": APP,
    }
    project, [declaration] = declared(tmp_path, files)
    assert declaration.env_value("FLASK_APP") == "site.py"
    assert check_declaration(project, declaration).status == "ok"


def test_a_compose_list_commands_range_covers_its_items(tmp_path: Path) -> None:
    compose = 'services:\n  web:\n    build: .\n    command: ["gunicorn", "web:app"]\n'
    files = {"docker-compose.yml": compose, "Dockerfile": BUILD_APP, "web.py": APP}
    write_tree(tmp_path, files)
    [finding] = [f for f in run_checks(Project(tmp_path)) if f.rule == "SRV007"]
    rng = finding.range
    assert (rng.start.line, rng.start.character, rng.end.line, rng.end.character) == (3, 15, 3, 34)


@pytest.mark.parametrize("text", ["- web\n- worker\n", "just text\n", "services: [web]\n"])
def test_a_compose_file_that_is_not_a_mapping_declares_nothing(tmp_path: Path, text: str) -> None:
    assert declared(tmp_path, {"docker-compose.yml": text})[1] == []


def test_dockerfile_arg_defaults_expand_earlier_variables(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.12\nENV BASE=/srv\nARG HOME_DIR=$BASE/app\nCOPY . /srv/app\n"
        "WORKDIR $HOME_DIR\nCMD gunicorn web:app\n"
    )
    assert only_seen(tmp_path, {"Dockerfile": dockerfile, "web.py": APP})[4:] == ("", "ok")


def test_dockerfile_a_folder_with_a_dot_in_its_name(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.12\nCOPY backend.v2 /app\nWORKDIR /app\nCMD gunicorn web:app\n"
    files = {"Dockerfile": dockerfile, "backend.v2/web.py": APP}
    assert only_seen(tmp_path, files)[4:] == ("backend.v2", "ok")


def test_a_factory_fix_after_an_exec_form_entrypoint_stays_json(tmp_path: Path) -> None:
    dockerfile = (
        'FROM python:3.12\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["gunicorn", "-b", "0.0.0.0:8000"]\n'
        'CMD ["web:create_app"]\n'
    )
    write_tree(tmp_path, {"Dockerfile": dockerfile, "web.py": FACTORY})
    [finding] = [f for f in run_checks(Project(tmp_path)) if f.rule == "SRV003"]
    edits = [e for e in finding.fixes[0].edits if e.path == "Dockerfile"]
    assert apply_edits(dockerfile, edits).endswith('CMD ["web:create_app()"]\n')


def test_dotenv_values_are_read_as_python_dotenv_reads_them(tmp_path: Path) -> None:
    flaskenv = "BASE=web\nFLASK_APP=${BASE}.py\n"
    project, [declaration] = declared(tmp_path, {".flaskenv": flaskenv, "web.py": APP})
    assert seen(project, declaration) == ("FLASK_APP", (2, 10, 2, 20), "flask", "web.py", "", "ok")


def test_a_flaskenv_discovery_declaration_sits_on_its_first_flask_setting(tmp_path: Path) -> None:
    flaskenv = "# local settings\nOTHER=1\nFLASK_RUN_PORT=8001\nFLASK_DEBUG=1\n"
    project, [declaration] = declared(tmp_path, {".flaskenv": flaskenv, "app.py": APP})
    assert seen(project, declaration) == ("FLASK_APP", (3, 0, 3, 14), "flask", "", "", "ok")


def test_cd_alone_leaves_the_folder_unknown(tmp_path: Path) -> None:
    files = {
        "Procfile": "web: sh boot.sh\n",
        "boot.sh": "#!/bin/sh\ncd\ngunicorn web:app\n",
        "web.py": APP,
    }
    _, [declaration] = declared(tmp_path, files)
    assert declaration.unknown == "boot.sh changes directory to $HOME, known only when it runs"


def test_a_unit_starting_a_script_is_followed(tmp_path: Path) -> None:
    unit = (
        "[Service]\nWorkingDirectory=/srv/app/deploy\nExecStart=/bin/sh /srv/app/deploy/start.sh\n"
    )
    files = {
        "deploy/app.service": unit,
        "deploy/start.sh": "#!/bin/sh\nexec gunicorn web:app\n",
        "deploy/web.py": APP,
    }
    project, found = declared(tmp_path, files)
    assert [(d.source, *seen(project, d)) for d in found] == [
        ("deploy/start.sh", "", (2, 14, 2, 21), "gunicorn", "web:app", "deploy", "ok")
    ]


# --- seed 305 ---------------------------------------------------------------------------------


def test_compose_entrypoint_extends_from_a_parent_folder_and_opaque_builds(tmp_path: Path) -> None:
    files = {
        "deploy/docker-compose.yml": "services:\n"
        "  web:\n    extends:\n      file: ../common.yml\n      service: base\n"
        "    entrypoint: gunicorn site:app\n"
        "  opaque:\n    build:\n      context: ..\n      dockerfile: deploy/Dockerfile.opaque\n"
        "    command: gunicorn site:app\n",
        "common.yml": "services:\n  base:\n    build: .\n",
        "Dockerfile": BUILD_APP,
        "deploy/Dockerfile.opaque": "FROM python:3.12 AS builder\nRUN make /out\n"
        "FROM python:3.12\nCOPY --from=builder /out /app\nWORKDIR /app\n",
        "site.py": APP,
    }
    project, found = declared(tmp_path, files)
    assert {d.process: seen(project, d) for d in found} == {
        "web": ("web", (6, 25, 6, 33), "gunicorn", "site:app", "", "ok"),
        "opaque": ("opaque", (11, 22, 11, 30), "gunicorn", "site:app", "", "unknown"),
    }
    assert found[1].unknown == (
        "/app is filled from another build stage by steps we do not follow, so what it holds "
        "is unknown"
    )


def test_dockerfile_copy_destination_from_a_variable(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.12\nENV APP_HOME=/srv\nCOPY . $APP_HOME\nWORKDIR $APP_HOME\n"
        "CMD gunicorn web:app\n"
    )
    assert only_seen(tmp_path, {"Dockerfile": dockerfile, "web.py": APP})[4:] == ("", "ok")


def test_launch_json_without_configurations_or_in_a_nested_folder(tmp_path: Path) -> None:
    launch = (
        '{"configurations": [{"type": "python", "program": "${workspaceFolder}/src/app.py",'
        ' "cwd": "${workspaceFolder}/src"}]}'
    )
    files = {
        ".vscode/launch.json": '{"version": "0.2.0"}',
        "web/.vscode/launch.json": launch,
        "web/src/app.py": APP + "app.run()\n",
    }
    project, found = declared(tmp_path, files)
    assert [(d.source, d.target, d.cwd, check_declaration(project, d).status) for d in found] == [
        ("web/.vscode/launch.json", "app.py", "web/src", "ok")
    ]


def test_launch_json_reads_windows_app_paths_on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    from flask_preflight.analysis.entrypoints.formats import launch_json

    monkeypatch.setattr(launch_json, "_WINDOWS", True)
    assert launch_json._local_app_path("C:\\proj\\app.py:app") == "C:/proj/app.py:app"
    assert launch_json._local_app_path("src\\app.py:create_app()") == "src/app.py:create_app()"


def test_a_case_inside_a_case_branch(tmp_path: Path) -> None:
    script = (
        "#!/bin/sh\n"
        'case "$1" in\n'
        "  worker)\n"
        '    case "$2" in\n'
        "      once) exec celery -A web worker ;;\n"
        "    esac ;;\n"
        "  api) exec gunicorn web:app ;;\n"
        "esac\n"
    )
    files = {"Procfile": "web: sh boot.sh api\n", "boot.sh": script, "web.py": APP}
    project, found = declared(tmp_path, files)
    assert [seen(project, d) for d in found] == [
        ("web", (7, 21, 7, 28), "gunicorn", "web:app", "", "ok")
    ]


def test_cd_to_the_folder_of_something_else_than_the_script(tmp_path: Path) -> None:
    script = '#!/bin/sh\ncd "$(dirname "$CONFIG")"\ngunicorn web:app\n'
    files = {"Procfile": "web: sh boot.sh\n", "boot.sh": script, "web.py": APP}
    _, [declaration] = declared(tmp_path, files)
    assert declaration.unknown == (
        'boot.sh changes directory to `"$(dirname "$CONFIG")"`, known only when it runs'
    )


def test_a_units_working_directory_outside_the_project_keeps_its_folder(tmp_path: Path) -> None:
    unit = "[Service]\nWorkingDirectory=/opt/elsewhere\nExecStart=/venv/bin/gunicorn web:app\n"
    files = {"deploy/app.service": unit, "deploy/web.py": APP}
    assert only_seen(tmp_path, files)[4:] == ("deploy", "ok")


# --- seed 306 ---------------------------------------------------------------------------------


def test_a_uwsgi_ini_with_a_setting_before_any_section(tmp_path: Path) -> None:
    ini = "x = 1\n[uwsgi]\nmodule = web:app\n"
    project, found = declared(tmp_path, {"uwsgi.ini": ini, "web.py": APP})
    [problem] = declaration_problems(project)
    assert (found, problem.range.start.line, problem.reason) == (
        [],
        0,
        "uwsgi.ini does not parse as INI: line 1: a setting before any [section]",
    )


@pytest.mark.parametrize(
    "ini",
    [
        "[uwsgi]\n# the app\nmodule = web:app\n",
        "[uwsgi]\nmaster = true\n\n  \nmodule = web:app\n",
        "[other]\nx = 1\n[uwsgi]\nmodule = web:app\n",
    ],
)
def test_a_uwsgi_ini_read_past_comments_and_other_sections(tmp_path: Path, ini: str) -> None:
    _, [declaration] = declared(tmp_path, {"uwsgi.ini": ini, "web.py": APP})
    assert (declaration.server, declaration.target) == ("uwsgi", "web:app")


def test_launch_json_gunicorn_module_keeps_its_target(tmp_path: Path) -> None:
    launch = (
        '{"configurations": [{"type": "debugpy", "module": "gunicorn", "args": ["web:app"],'
        ' "env": {"FLASK_APP": "other.py"}}]}'
    )
    files = {".vscode/launch.json": launch, "web.py": APP}
    _, [declaration] = declared(tmp_path, files)
    assert (declaration.server, declaration.target) == ("gunicorn", "web:app")


@pytest.mark.parametrize(
    ("path", "written", "fixed"),
    [
        (
            ".vscode/launch.json",
            '{"configurations": [{"type": "python", "module": "gunicorn", '
            '"args": ["web:create_app"]}]}',
            '"args": ["web:create_app()"]}]}',
        ),
        (
            "docker-compose.yml",
            'services:\n  web:\n    build: .\n    command: ["gunicorn", "web:create_app"]\n',
            'command: ["gunicorn", "web:create_app()"]\n',
        ),
    ],
)
def test_a_factory_fix_inside_a_json_or_yaml_list_is_not_shell_quoted(
    tmp_path: Path, path: str, written: str, fixed: str
) -> None:
    write_tree(tmp_path, {path: written, "Dockerfile": BUILD_APP, "web.py": FACTORY})
    [finding] = [f for f in run_checks(Project(tmp_path)) if f.rule == "SRV003"]
    edits = [e for e in finding.fixes[0].edits if e.path == path]
    assert apply_edits(written, edits).endswith(fixed)


def test_a_script_nothing_starts_says_its_folder_is_guessed(tmp_path: Path) -> None:
    files = {"serve.sh": "#!/bin/sh\ngunicorn web:app\n", "web.py": APP}
    _, [declaration] = declared(tmp_path, files)
    assert declaration.guessed_cwd == (
        "nothing in the project starts serve.sh: the folder it runs in and its environment "
        "are guessed (the project root)"
    )


def test_an_app_yaml_entrypoint_starting_a_script(tmp_path: Path) -> None:
    files = {
        "app.yaml": "runtime: python312\nentrypoint: sh start.sh\n",
        "start.sh": "#!/bin/sh\nexec gunicorn -b :$PORT web:app\n",
        "web.py": APP,
    }
    project, found = declared(tmp_path, files)
    assert [(d.source, *seen(project, d)) for d in found] == [
        ("start.sh", "web", (2, 24, 2, 31), "gunicorn", "web:app", "", "ok")
    ]


def test_pip_installing_a_file_url_installs_the_project(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.12\nCOPY . /src\nRUN pip install file:///src\nCMD gunicorn shop.web:app\n"
    )
    files = {"Dockerfile": dockerfile, "src/shop/__init__.py": "", "src/shop/web.py": APP}
    _, [declaration] = declared(tmp_path, files)
    assert "pip install file:///src" in declaration.installed
