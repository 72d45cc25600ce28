"""Declared requirements: requirements files, pyproject.toml (PEP 621, Poetry), with ranges."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet

from flask_preflight.analysis.project import Project
from flask_preflight.analysis.requirements import declared_requirements, poetry_specifier
from tests.conftest import write_tree


def declared(tmp_path: Path, files: dict[str, str]):  # type: ignore[no-untyped-def]
    write_tree(tmp_path, files)
    return declared_requirements(Project(tmp_path))


def where(req) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    r = req.range
    return (r.start.line, r.start.character, r.end.line, r.end.character)


def test_requirements_txt_edge_cases(tmp_path: Path) -> None:
    text = (
        "# a comment\n"
        "--index-url https://example.invalid/simple\n"
        "Flask[async]>=2.0,<3  # inline comment\n"
        'tomli>=1.1; python_version < "3.11"\n'
        "requests==2.31.0 \\\n"
        "    --hash=sha256:0123456789abcdef\n"
        "-e git+https://example.invalid/repo.git#egg=my-lib\n"
        "https://example.invalid/wheels/PyYAML-6.0.1-cp311-cp311-linux_x86_64.whl\n"
        "pkg @ https://example.invalid/pkg-1.0.tar.gz\n"
        "-e .\n"
        "\n"
        "gunicorn\\\n"
        ">=21\n"
    )
    result = declared(tmp_path, {"requirements.txt": text})
    by_name = {r.name: r for r in result.requirements}
    assert sorted(by_name) == ["flask", "gunicorn", "my-lib", "pkg", "pyyaml", "requests", "tomli"]
    assert result.problems == []
    flask = by_name["flask"]
    assert flask.requirement.extras == {"async"}
    assert flask.requirement.specifier == SpecifierSet(">=2.0,<3")
    assert where(flask) == (2, 0, 2, len("Flask[async]>=2.0,<3"))
    assert str(by_name["tomli"].requirement.marker) == 'python_version < "3.11"'
    assert where(by_name["requests"]) == (4, 0, 4, len("requests==2.31.0"))
    assert by_name["my-lib"].editable
    assert by_name["pyyaml"].url is not None
    # a continuation joins lines: the requirement spans both
    assert str(by_name["gunicorn"].requirement.specifier) == ">=21"
    assert where(by_name["gunicorn"])[0] == 11
    assert all(r.primary for r in result.requirements)


def test_includes_constraints_and_cycles(tmp_path: Path) -> None:
    result = declared(
        tmp_path,
        {
            "requirements.txt": "-r requirements/base.txt\n-c constraints.txt\nflask\n",
            "requirements/base.txt": "-r ../requirements.txt\n--requirement=extra.txt\nclick\n",
            "requirements/extra.txt": "-rbase.txt\nblinker\n",
            "constraints.txt": "werkzeug<3\n",
            "requirements-dev.txt": "-r requirements.txt\npytest\n",
        },
    )
    by_name = {r.name: r for r in result.requirements}
    assert by_name["click"].primary and by_name["blinker"].primary
    assert by_name["click"].path == "requirements/base.txt"
    assert by_name["werkzeug"].kind == "constraint" and not by_name["werkzeug"].primary
    assert not by_name["pytest"].primary  # dev requirements are not needed at run time
    assert result.problems == []


def test_unparseable_lines_are_problems_with_ranges(tmp_path: Path) -> None:
    result = declared(
        tmp_path,
        {"requirements.txt": "flask\nflask>=2.0,,<3\n--no-such-option\nok-pkg\n-r\n"},
    )
    assert [r.name for r in result.requirements] == ["flask", "ok-pkg"]
    problems = [(p.range.start.line, p.range.start.character, p.text) for p in result.problems]
    assert [p[:2] for p in problems] == [(1, 0), (2, 0), (4, 0)]
    assert "no such option" in result.problems[1].message


def test_non_utf8_and_binary_requirement_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_bytes(b"flask\n# caf\xe9\n")
    (tmp_path / "requirements-dev.txt").write_bytes(b"\x00\x01\x02")
    result = declared_requirements(Project(tmp_path))
    assert result.requirements == [] and result.problems == []


def test_pyproject_pep621_and_optional_groups(tmp_path: Path) -> None:
    text = (
        "[project]\n"
        'name = "demo"\n'
        'requires-python = ">=3.9"\n'
        "dependencies = [\n"
        '    "Flask>=3.0",\n'
        "    'gunicorn; sys_platform != \"win32\"',\n"
        '    "not a valid ((requirement",\n'
        "]\n"
        "[project.optional-dependencies]\n"
        'dev = ["pytest>=8"]\n'
    )
    result = declared(tmp_path, {"pyproject.toml": text})
    by_name = {r.name: r for r in result.requirements}
    assert where(by_name["flask"]) == (4, 5, 4, 5 + len("Flask>=3.0"))
    assert by_name["gunicorn"].primary
    assert not by_name["pytest"].primary and by_name["pytest"].group == "dev"
    assert where(by_name["pytest"])[0] == 9
    assert [p.range.start.line for p in result.problems] == [6]
    assert [str(p.specifier) for p in result.python] == [">=3.9"]
    assert result.python[0].range.start.line == 2


@pytest.mark.parametrize(
    ("text", "line"), [("[project]\ndependencies = [\n", 2), ("[project]\nname = \nx = 1\n", 1)]
)
def test_invalid_toml_is_one_problem_at_its_line(tmp_path: Path, text: str, line: int) -> None:
    result = declared(tmp_path, {"pyproject.toml": text})
    assert len(result.problems) == 1
    assert result.problems[0].range.start.line == line
    assert "not valid TOML" in result.problems[0].message


@pytest.mark.parametrize(
    ("poetry", "pep440"),
    [
        ("^1.2.3", ">=1.2.3,<2"),
        ("^0.2.3", ">=0.2.3,<0.3"),
        ("^0.0.3", ">=0.0.3,<0.0.4"),
        ("^2", ">=2,<3"),
        ("~1.2.3", ">=1.2.3,<1.3"),
        ("~1", ">=1,<2"),
        ("2.0.3", "==2.0.3"),
        (">=1.0,<2.0", ">=1.0,<2.0"),
        ("*", None),
    ],
)
def test_poetry_constraints(poetry: str, pep440: str | None) -> None:
    assert poetry_specifier(poetry) == pep440


def test_poetry_dependencies_table(tmp_path: Path) -> None:
    text = (
        "[tool.poetry]\n"
        'name = "demo"\n'
        "[tool.poetry.dependencies]\n"
        'python = "^3.10"\n'
        'flask = "^2.0.3"\n'
        'requests = { version = "~2.31", optional = true }\n'
        'broken = "^^x"\n'
    )
    result = declared(tmp_path, {"pyproject.toml": text})
    by_name = {r.name: r for r in result.requirements}
    assert by_name["flask"].requirement.specifier == SpecifierSet(">=2.0.3,<3")
    assert where(by_name["flask"])[:2] == (4, 0)
    assert not by_name["requests"].primary
    assert [str(p.specifier) for p in result.python] == [str(SpecifierSet(">=3.10,<4"))]
    assert [p.range.start.line for p in result.problems] == [6]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=40),
            st.sampled_from(
                [
                    "-r",
                    "-r x.txt",
                    "-c",
                    "-e",
                    "--hash=sha256:0",
                    "\\",
                    "flask ; python_version",
                    "a @ ",
                    "[",
                    "pkg[extra]>=1; os_name=='nt'",
                    "#",
                    " # x",
                    "\t",
                    "\r",
                ]
            ),
        ),
        max_size=12,
    )
)
def test_any_requirements_text_is_read_without_raising(tmp_path: Path, lines: list[str]) -> None:
    text = "\n".join(lines)
    project = Project(
        tmp_path, overrides={"requirements.txt": text, "x.txt": "-r requirements.txt\n"}
    )
    result = declared_requirements(project)
    line_count = len(text.splitlines()) or 1
    for item in [*result.requirements, *result.problems]:
        assert 0 <= item.range.start.line <= item.range.end.line <= line_count


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.sampled_from(
            [
                "[project]",
                "dependencies = [",
                '"flask>=2",',
                "'bad ((',",
                "]",
                "requires-python = '>=3.9'",
                "requires-python = 'x'",
                "[tool.poetry.dependencies]",
                'python = "^3.10"',
                'flask = "^^"',
                'req = { version = "~1.2", python = "^3.8", markers = "os_name == \'nt\'" }',
                "[project.optional-dependencies]",
                'dev = ["pytest"]',
                "x = [1, 2",
                '"',
                "optional-dependencies = 3",
            ]
        ),
        max_size=14,
    )
)
def test_any_pyproject_is_read_without_raising(tmp_path: Path, lines: list[str]) -> None:
    project = Project(tmp_path, overrides={"pyproject.toml": "\n".join(lines)})
    text = "\n".join(lines)
    result = declared_requirements(project)
    # Whatever it makes of the file, everything it reports points into that file: a line
    # that exists, a range that is not reversed, and the text found there.
    source_lines = text.splitlines() or [""]
    for item in (*result.requirements, *result.problems, *result.python):
        assert item.path == "pyproject.toml"
        start, end = item.range.start, item.range.end
        assert 0 <= start.line <= end.line < len(source_lines), (item, text)
        assert (start.line, start.character) <= (end.line, end.character), item
    # A readable TOML file with a [project] table is always listed as read.
    if result.requirements or result.python:
        assert result.files == ["pyproject.toml"]
