"""Properties over arbitrary input: checks never raise, safe fixes parse and converge, garbage
never crashes the engine or the CLI; the bounded atheris run of every fuzz target.

The default run is bounded (~30 s). `FLASK_PREFLIGHT_HYPOTHESIS=long` runs many more examples.
"""

from __future__ import annotations

import ast
import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import hypothesmith
import libcst
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from flask_preflight.analysis.edits import apply_edits
from flask_preflight.analysis.fixing import fix_project
from flask_preflight.analysis.flask_apps import find_flask_apps
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import run_checks

from .conftest import REPO
from .fuzz.workspace import FORMATS, CheckFailed, analyse

settings.register_profile(
    "default",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=True,
)
settings.register_profile(
    "long",
    max_examples=3000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
PROFILE = os.environ.get("FLASK_PREFLIGHT_HYPOTHESIS", "default")
EMPTY_ROOT = Path(tempfile.mkdtemp(prefix="fp-props-"))
atexit.register(shutil.rmtree, EMPTY_ROOT, True)


def _checks_of(text: str, path: str = "app.py") -> tuple[Project, list[str]]:
    """Run every check on one module held in memory; return the project and any failures."""
    errors: list[str] = []
    project = Project(EMPTY_ROOT, overrides={path: text})
    run_checks(project, on_error=lambda where, _e, detail: errors.append(f"{where}: {detail}"))
    return project, errors


def _assert_fixes_sound(text: str) -> None:
    """Every safe fix parses on its own; fixing to the end parses; fixing again is a no-op."""
    project = Project(EMPTY_ROOT, overrides={"app.py": text})
    for finding in run_checks(project):
        for fix in finding.fixes:
            if not fix.safe or not fix.edits:
                continue
            new = apply_edits(text, [e for e in fix.edits if e.path == "app.py"])
            assert new != text, f"{finding.rule} fix {fix.title!r} changes nothing"
            try:
                ast.parse(new)
            except SyntaxError as error:
                raise AssertionError(f"{finding.rule} fix {fix.title!r} broke:\n{new}") from error
    result = fix_project(project)
    final = result.texts.get("app.py", text)
    ast.parse(final)
    again = fix_project(project)
    assert again.texts == {}, f"second --fix changed:\n{final}\n->\n{again.texts}"
    errors: list[str] = []
    run_checks(project, on_error=lambda where, _e, detail: errors.append(detail))
    assert not errors


# --- arbitrary valid programs ------------------------------------------------------------------


@settings(settings.get_profile(PROFILE))
@given(hypothesmith.from_grammar())
def test_no_check_raises_on_arbitrary_valid_programs(source: str) -> None:
    _, errors = _checks_of(source)
    assert not errors, errors[0]


@settings(settings.get_profile(PROFILE))
@given(hypothesmith.from_node(libcst.Module))
def test_no_check_raises_on_arbitrary_syntax_trees(source: str) -> None:
    _, errors = _checks_of(source)
    assert not errors, errors[0]
    _assert_fixes_sound(source)


# --- Flask-shaped programs: the fixes' territory ------------------------------------------------

HEADERS = [
    "from flask import Flask\napp = Flask(__name__)\n",
    "import flask\napp = flask.Flask(__name__)\n",
    "from flask import Flask as F\n\n\ndef create_app():\n    a = F(__name__)\n    return a\n\n\n"
    "app = create_app()\n",
    "from flask import Flask\nfrom flask_socketio import SocketIO\napp = Flask(__name__)\n"
    "socketio = SocketIO(app)\n",
]

#: fragments holding an unguarded, module-level app.run() (APP001 wherever they land)
MODULE_LEVEL_RUNS = (
    "app.run()\n",
    "app.run(\n    debug=True,  # local only\n    port=5000,\n)\n",
    "x = app.run()\n",
    "app.run(); y = 1\n",
    's = """\nmultiline\n"""; app.run()\n',
)

FRAGMENTS = [
    "app.run()\n",
    "app.run(\n    debug=True,  # local only\n    port=5000,\n)\n",
    "x = app.run()\n",
    "app.run(); y = 1\n",
    's = """\nmultiline\n"""; app.run()\n',
    "socketio.run(app)\n",
    'if __name__ == "__main__":\n    app.run()\n',
    'if __name__ == "__main__":\n    pass\n',
    'if __name__ == "__main__": print("hi")\n',
    'if __name__ == "__main__": pass\n',
    'if __name__ == "__main__":\n    print("x")\nelse:\n    print("imported")\n',
    'if "__main__" == __name__:\n    main()\n',
    'if __name__ == "main":\n    app.run()\n',
    "if name == '__main__':\n    app.run()\n",
    'if __name__ is "__main__":\n    app.run()\n',
    'if __name__ == "__main__" and not DEBUG:\n    app.run()\nelse:\n    pass\n',
    'if __name__ != "__main__":\n    pass\nelse:\n    app.run()\n',
    '@app.route("/a")\ndef a():\n    return "a"\n',
    '@app.get("/b")\n@other\ndef b():\n    return "b"\n',
    'app.add_url_rule("/c", "c", lambda: "c")\n',
    "app.register_blueprint(bp)\n",
    "def main():\n    app.run()\n",
    "main()\n",
    "try:\n    app.run()\nexcept Exception:\n    pass\n",
    "for _ in range(1):\n    app.run()\n",
    "with ctx:\n    app.run()\n",
    "class Server:\n    def run(self):\n        app.run()\n",
    "import threading\nthreading.Thread(target=f).run()\n",
    "# app.run()\n",
    "\n",
    "   \n",
]


BLOCKS = [
    ('if __name__ == "__main__":\n', ""),
    ("if DEBUG:\n", ""),
    ("if DEBUG:\n    pass\nelse:\n", ""),
    ("with ctx:\n", ""),
    ("for i in range(2):\n", ""),
    ("try:\n", "except Exception:  # keep going\n    raise\n"),
    ("def later():\n", ""),
    ("class Holder:\n", ""),
]


@st.composite
def nested_fragment(draw: st.DrawFn) -> str:
    """A fragment (or a nested block of them) inside another block."""
    head, tail = draw(st.sampled_from(BLOCKS))
    inner = draw(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=3))
    body = "".join(inner)
    if draw(st.booleans()):
        body = draw(nested_fragment())
    indented = "".join(f"    {line}" if line.strip() else line for line in body.splitlines(True))
    return head + indented + tail


@st.composite
def flask_programs(draw: st.DrawFn) -> str:
    parts = [draw(st.sampled_from(HEADERS))]
    parts += draw(
        st.lists(st.one_of(st.sampled_from(FRAGMENTS), nested_fragment()), min_size=1, max_size=8)
    )
    text = "".join(parts)
    indent = draw(st.sampled_from(["    ", "  ", "\t"]))
    text = text.replace("    ", indent)
    if draw(st.booleans()):
        text = text.rstrip("\n")
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = text.replace("\n", newline)
    if draw(st.booleans()):
        text = "# -*- coding: utf-8 -*-" + newline + "π = 'ü'" + newline + text
    return text


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


@settings(
    settings.get_profile(PROFILE), max_examples=max(settings.get_profile(PROFILE).max_examples, 250)
)
@given(flask_programs())
def test_safe_fixes_parse_and_converge_on_flask_programs(text: str) -> None:
    assume(_parses(text))
    _, errors = _checks_of(text)
    assert not errors, errors[0]
    _assert_fixes_sound(text)


# --- regressions found while proving the fixes --------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # The move into the guard landed in the guard's `else:` branch, so the server never
        # started at all after "fixing".
        (
            'from flask import Flask\napp = Flask(__name__)\napp.run()\nif __name__ == "__main__":'
            '\n    print("x")\nelse:\n    print("imported")\n',
            'from flask import Flask\napp = Flask(__name__)\nif __name__ == "__main__":\n'
            '    print("x")\n    app.run()\nelse:\n    print("imported")\n',
        ),
        # A one-line guard has no block to move into: the "move" left the call at module level.
        (
            'from flask import Flask\napp = Flask(__name__)\napp.run()\nif __name__ == "__main__":'
            ' print("hi")\n',
            'from flask import Flask\napp = Flask(__name__)\nif __name__ == "__main__":\n'
            '    app.run()\nif __name__ == "__main__": print("hi")\n',
        ),
    ],
)
def test_regression_app001_moves(source: str, expected: str) -> None:
    project = Project(EMPTY_ROOT, overrides={"app.py": source})
    assert fix_project(project).texts["app.py"] == expected
    assert run_checks(project) == []


def test_regression_app003_on_a_one_line_guard_stays_inside_it() -> None:
    source = (
        'from flask import Flask\napp = Flask(__name__)\nif __name__ == "__main__": print("hi")\n'
    )
    project = Project(EMPTY_ROOT, overrides={"app.py": source})
    (finding,) = run_checks(project)
    assert finding.rule == "APP003"
    new = apply_edits(source, finding.fixes[0].edits)
    assert new.endswith('if __name__ == "__main__": print("hi"); app.run()\n')
    project.set_override("app.py", new)
    assert run_checks(project) == []


# --- invalid input: bytes and text in every format ---------------------------------------------


def _mutations(seed: bytes) -> st.SearchStrategy[bytes]:
    """Near-valid inputs: the seed with random bytes spliced in, or cut short."""
    return st.tuples(st.integers(0, len(seed)), st.binary(max_size=16), st.booleans()).map(
        lambda t: seed[: t[0]] + t[1] + (b"" if t[2] else seed[t[0] :])
    )


@pytest.mark.parametrize("format_name", sorted(FORMATS))
@settings(
    settings.get_profile(PROFILE), max_examples=min(settings.get_profile(PROFILE).max_examples, 25)
)
@given(data=st.data())
def test_garbage_in_any_format_never_crashes(format_name: str, data: st.DataObject) -> None:
    fmt = FORMATS[format_name]
    blob = data.draw(
        st.one_of(
            st.binary(max_size=512),
            st.text(max_size=256).map(lambda t: t.encode("utf-8", "surrogatepass")),
            _mutations(fmt.seed),
        )
    )
    analyse(fmt, blob, with_cli=data.draw(st.booleans()))


@pytest.mark.parametrize(
    ("format_name", "parser"),
    [
        ("procfile", "procfile"),
        ("compose", "compose"),
        ("uwsgi_ini", "uwsgi_ini"),
        ("launch_json", "launch_json"),
    ],
)
def test_the_harness_fails_on_a_parser_that_raises(
    monkeypatch: pytest.MonkeyPatch, format_name: str, parser: str
) -> None:
    """A deploy-file parser that raises is caught by the engine (the other files still get
    checked) and recorded: the fuzz harness must fail on it, not only on a raising check."""
    from flask_preflight.analysis import file_kinds
    from flask_preflight.analysis.entrypoints import readers

    def planted(*args: object) -> list[object]:
        raise RuntimeError("planted parser bug")

    analyse(FORMATS[format_name], FORMATS[format_name].seed)  # the seed alone is fine
    # The reader the file-kinds table names for this format (loaded on first use).
    monkeypatch.setattr(readers, parser, planted)
    monkeypatch.setattr(file_kinds, "_loaded", {})
    with pytest.raises(CheckFailed, match="planted parser bug"):
        analyse(FORMATS[format_name], FORMATS[format_name].seed)


# --- the fuzz targets themselves ----------------------------------------------------------------


def _atheris_available() -> bool:
    try:
        import atheris  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.parametrize("format_name", sorted(FORMATS))
def test_fuzz_target_bounded_run(format_name: str, tmp_path: Path) -> None:
    """A short coverage-guided run of each target (the long run is in the README). Without an
    atheris wheel for this platform the same target runs a seeded mutation loop instead."""
    target = REPO / "tests" / "fuzz" / f"fuzz_{format_name}.py"
    assert target.exists()
    if _atheris_available():
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        (corpus / "seed").write_bytes(FORMATS[format_name].seed)
        args = ["-runs=200", "-seed=1", str(corpus)]
    else:
        args = ["--no-atheris", "150"]
    result = subprocess.run(
        [sys.executable, str(target), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Done 200 runs" in result.stderr or "no failure" in result.stdout


@pytest.mark.parametrize(
    ("source", "line"),
    [
        # The text prefilter (bench: analysis/ast.parse was 1.7x) must not lose any call:
        # identifiers NFKC-folded from other spellings, a call split over lines, a starter
        # called from inside a multi-line expression or a nested block.
        (
            "from flask import Flask\napp = Flask(__name__)\n\uff41\uff50\uff50.\uff52\uff55\uff4e()\n",
            3,
        ),
        ("from flask import Flask\napp = Flask(__name__)\n(app\n .\n run)()\n", 3),
        (
            "from flask import Flask\napp = Flask(__name__)\ndef serve():\n    app.run()\n"
            "x = [\n  serve()\n]\n",
            6,
        ),
        (
            "from flask import Flask\napp = Flask(__name__)\ndef s():\n    (app.\n    run())\n"
            "if True:\n    s()\n",
            7,
        ),
    ],
)
def test_regression_run_calls_found_however_spelled(source: str, line: int) -> None:
    findings = run_checks(Project(EMPTY_ROOT, overrides={"app.py": source}))
    assert [(f.rule, f.range.start.line + 1) for f in findings] == [("APP001", line)]


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        # A guard combined with `and` only runs as a script: it was reported as unguarded.
        ('if __name__ == "__main__" and not DEBUG:\n    app.run()\n', []),
        ('while __name__ == "__main__":\n    app.run()\n', []),
        # ... but its `else:` runs on import, and `or` does not guard at all.
        ('if __name__ == "__main__" and X:\n    pass\nelse:\n    app.run()\n', [6]),
        ('if X or __name__ == "__main__":\n    app.run()\n', [4]),
    ],
)
def test_regression_guards_combined_with_and(tail: str, expected: list[int]) -> None:
    source = "from flask import Flask\napp = Flask(__name__)\n" + tail
    findings = run_checks(Project(EMPTY_ROOT, overrides={"app.py": source}))
    assert [f.range.start.line + 1 for f in findings if f.rule == "APP001"] == expected


def test_regression_app004_move_that_cannot_help_is_not_offered() -> None:
    """Found by the property above: routes after the run inside the guard itself. Moving the
    guard to the end made the other guard's run the first one, and the next pass moved that
    one back: the fix never reached a fixed point."""
    source = (
        'from flask import Flask\napp = Flask(__name__)\nif __name__ == "__main__":\n'
        '    app.run()\n    @app.route("/a")\n    def a():\n        return "a"\n'
        'if __name__ == "__main__":\n    @app.route("/a")\n    def a():\n        return "a"\n'
        "    app.run()\n"
    )
    project = Project(EMPTY_ROOT, overrides={"app.py": source})
    findings = [f for f in run_checks(project) if f.rule == "APP004"]
    assert [f.range.start.line + 1 for f in findings] == [9]
    assert not any(fix.safe for f in findings for fix in f.fixes)
    assert fix_project(project).texts == {}


def test_regression_app004_no_move_with_several_blocking_blocks() -> None:
    """Also found by the property: with two guards that each start the server, moving one to
    the end left the other first, and the fix loop kept swapping them."""
    source = (
        'from flask import Flask\napp = Flask(__name__)\napp.run()\napp.run()\nif __name__ == "__main__":\n'
        '    @app.route("/a")\n    def a():\n        return "a"\n    app.run()\n'
        'if __name__ == "__main__":\n    @app.route("/a")\n    def a():\n        return "a"\n'
    )
    project = Project(EMPTY_ROOT, overrides={"app.py": source})
    fix_project(project)
    assert fix_project(project).texts == {}


@pytest.mark.parametrize(
    ("pyproject", "reported"),
    [
        # The project's own name was read from the first `name =` line anywhere, with any
        # trailing comment: Flask's own repository was flagged, other projects were not.
        ('[project]\nname = "flask"  # the real one\n', False),
        ('[tool.other]\nname = "flask"\n[project]\nname = "myapp"\n', True),
        ('[tool.poetry]\nname = "Flask"\n', False),
        ("garbage = = =", True),
    ],
)
def test_regression_app006_own_name_read_as_toml(pyproject: str, reported: bool) -> None:
    project = Project(EMPTY_ROOT, overrides={"flask.py": "", "pyproject.toml": pyproject})
    assert bool(run_checks(project, select={"APP006"})) is reported


FIX_ROOT = Path(tempfile.mkdtemp(prefix="fp-fix-props-"))
atexit.register(shutil.rmtree, FIX_ROOT, True)


@settings(settings.get_profile(PROFILE))
@given(flask_programs(), st.booleans())
def test_check_fix_on_disk_keeps_line_endings_and_bom(text: str, bom: bool) -> None:
    """`check --fix` through the CLI on real files: the result parses, CRLF stays CRLF (no
    bare LF sneaks in), a BOM stays, and a second `--fix` changes nothing."""
    assume(_parses(text))
    from contextlib import redirect_stderr, redirect_stdout
    from io import StringIO

    from flask_preflight import cli

    path = FIX_ROOT / "app.py"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    crlf = "\r\n" in text

    def fix() -> str:
        err = StringIO()
        with redirect_stdout(StringIO()), redirect_stderr(err):
            status = cli.main(["check", str(FIX_ROOT), "--fix", "--select", "APP"])
        assert status in (0, 1), err.getvalue()
        return err.getvalue()

    fix()
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") is bom
    fixed = data.decode("utf-8-sig")
    ast.parse(fixed)
    if crlf:
        assert fixed.count("\n") == fixed.count("\r\n"), repr(fixed)
    assert "fixed" not in fix()
    assert path.read_bytes() == data


@settings(settings.get_profile(PROFILE))
@given(hypothesmith.from_node(libcst.Module), st.sampled_from(FRAGMENTS))
def test_arbitrary_programs_around_a_flask_app(program: str, fragment: str) -> None:
    """Arbitrary syntax between an app and a run call: the checks see an app there."""
    text = HEADERS[0] + program.rstrip("\n\r") + "\n" + fragment
    assume(_parses(text))
    # (a program that rebinds `app` or star-imports may hide it: not this property)
    assume(re.search(r"\bapp\b", program) is None and not re.search(r"import\s*\*", program))
    project, errors = _checks_of(text)
    assert not errors, errors[0]
    apps = find_flask_apps(project, "app.py")
    assert apps is not None and [(a.name, a.line) for a in apps.apps] == [("app", 1)]
    if fragment in MODULE_LEVEL_RUNS:
        run_line = text.count("\n") - fragment.count("\n")
        app001 = [f for f in run_checks(project, select={"APP001"}) if f.path == "app.py"]
        assert [f.range.start.line for f in app001][-1:] != [], text
        assert run_line <= app001[-1].range.end.line, (run_line, app001, text)
    _assert_fixes_sound(text)


@pytest.mark.parametrize(
    ("source", "quote"),
    [
        ("x = 'a'\ny = 'b'\nz = \"c\"\n", "'"),
        ("x = \"don't\"\ny = 'a'\n", '"'),  # the apostrophe inside a string is not a quote
        ("# it's 'quoted'\nx = \"a\"\n", '"'),  # nor are quotes in comments
        ("s = '''doc'''\nt = 'x'\n", "'"),
        ("", '"'),
    ],
)
def test_quote_style_of_inserted_guards(source: str, quote: str) -> None:
    """The text scan that replaced a tree walk (the walk cost more than the parse of a
    2,000-line module on every edit) keeps choosing the file's own quote style."""
    from flask_preflight.analysis.python_edits import main_test
    from flask_preflight.analysis.source import PythonModule

    assert main_test(PythonModule.parse("app.py", source)) == f"__name__ == {quote}__main__{quote}"
