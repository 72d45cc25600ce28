"""APP001-APP004: positives, the negatives precision demands, and each fix re-checked."""

from __future__ import annotations

import ast

import pytest

from flask_preflight.analysis.fixing import fix_project
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import run_checks

from .conftest import apply_first_fix, check_files

APP = """\
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!"
"""

GUARD_RULES = {"APP001", "APP002", "APP003", "APP004"}


def rules_of(findings):  # type: ignore[no-untyped-def]
    return [(f.rule, f.range.start.line + 1) for f in findings]


# --- APP001 ------------------------------------------------------------------------------


def test_seed_snippet_two_unguarded_run_is_reported_on_the_call(tmp_path):  # type: ignore[no-untyped-def]
    findings = check_files(tmp_path, {"app.py": APP + "\napp.run(debug=True, port=5000)\n"})
    assert rules_of(findings) == [("APP001", 10)]
    finding = findings[0]
    assert finding.range.start.character == 0
    assert finding.range.end.character == len("app.run(debug=True, port=5000)")
    assert "gunicorn" in finding.message and "__main__" in finding.message


@pytest.mark.parametrize(
    "header",
    [
        "import flask\napp = flask.Flask(__name__)\n",
        "from flask import Flask as F\napp = F(__name__)\n",
        "from flask import Flask\nclass MyApp(Flask):\n    pass\napp = MyApp(__name__)\n",
        "from flask import Flask\ndef create_app():\n    a = Flask(__name__)\n    return a\napp = create_app()\n",
        "from flask import Flask\nmain_app = Flask(__name__)\napp = main_app\n",
        "from apiflask import APIFlask\napp = APIFlask(__name__)\n",
    ],
)
def test_app_recognition_forms(tmp_path, header):  # type: ignore[no-untyped-def]
    findings = check_files(tmp_path, {"app.py": header + "app.run()\n"}, GUARD_RULES)
    assert [f.rule for f in findings] == ["APP001"]


def test_app_imported_from_another_project_module(tmp_path):  # type: ignore[no-untyped-def]
    files = {
        "myapp/__init__.py": "from flask import Flask\n\ndef create_app():\n    return Flask(__name__)\n",
        "run.py": "from myapp import create_app\n\napp = create_app()\napp.run(debug=True)\n",
    }
    findings = check_files(tmp_path, files, GUARD_RULES)
    assert [(f.rule, f.path) for f in findings] == [("APP001", "run.py")]


def test_socketio_run_is_a_server_start(tmp_path):  # type: ignore[no-untyped-def]
    src = (
        "from flask_socketio import SocketIO\n"
        + APP
        + "socketio = SocketIO(app)\nsocketio.run(app)\n"
    )
    findings = check_files(tmp_path, {"app.py": src}, GUARD_RULES)
    assert [f.rule for f in findings] == ["APP001"]


@pytest.mark.parametrize(
    "tail",
    [
        "import threading\nt = threading.Thread(target=print)\nt.run()\n",
        'import subprocess\nsubprocess.run(["true"])\n',
        "import asyncio\nasync def main():\n    pass\nasyncio.run(main())\n",
        'def main():\n    app.run()\n\nif __name__ == "__main__":\n    main()\n',
        'if "__main__" == __name__:\n    app.run()\n',
        "def test_runs():\n    app.run()\n",
        'if __name__ != "__main__":\n    pass\nelse:\n    app.run()\n',
    ],
)
def test_no_false_positives(tmp_path, tail):  # type: ignore[no-untyped-def]
    findings = check_files(tmp_path, {"app.py": APP + "\n" + tail}, GUARD_RULES)
    assert [f.rule for f in findings if f.rule == "APP001"] == []


def test_unguarded_call_of_function_that_runs_is_reported_at_the_call(tmp_path):  # type: ignore[no-untyped-def]
    src = APP + "\ndef main():\n    app.run()\n\n\nmain()\n"
    findings = check_files(tmp_path, {"app.py": src}, GUARD_RULES)
    assert rules_of(findings) == [("APP001", 14)]
    assert "main()" in findings[0].message


def test_run_on_unknown_object_is_not_reported(tmp_path):  # type: ignore[no-untyped-def]
    src = "from somewhere import server\nserver.run()\n"
    assert check_files(tmp_path, {"app.py": src}, GUARD_RULES) == []


def test_app001_wrap_fix_keeps_comments_and_is_idempotent(tmp_path):  # type: ignore[no-untyped-def]
    src = APP + "\n# start it\napp.run(\n    debug=True,  # local only\n    port=5000,\n)\n"
    findings = check_files(tmp_path, {"app.py": src}, GUARD_RULES)
    project = Project(tmp_path)
    new = apply_first_fix(project, findings[0])
    assert (
        '# start it\nif __name__ == "__main__":\n    app.run(\n        debug=True,  # local only\n'
        in new
    )
    assert run_checks(project, select=GUARD_RULES) == []
    again = fix_project(project, select=GUARD_RULES)
    assert again.texts == {}


def test_app001_moves_into_existing_guard_after_it(tmp_path):  # type: ignore[no-untyped-def]
    src = APP + '\napp.run(port=5001)\n\nif __name__ == "__main__":\n    pass\n'
    findings = check_files(tmp_path, {"app.py": src}, GUARD_RULES)
    assert [f.rule for f in findings] == ["APP001"]
    project = Project(tmp_path)
    new = apply_first_fix(project, findings[0])
    assert new.endswith('if __name__ == "__main__":\n    app.run(port=5001)\n')
    assert new.count("app.run") == 1
    assert run_checks(project, select=GUARD_RULES) == []


def test_app001_keeps_single_quote_style(tmp_path):  # type: ignore[no-untyped-def]
    src = "from flask import Flask\napp = Flask('x')\napp.run()\n"
    findings = check_files(tmp_path, {"app.py": src}, GUARD_RULES)
    new = apply_first_fix(Project(tmp_path), findings[0])
    assert "if __name__ == '__main__':\n    app.run()\n" in new


def test_no_fix_offered_when_statement_shares_its_line(tmp_path):  # type: ignore[no-untyped-def]
    src = APP + "\nx = 1; app.run()\n"
    findings = check_files(tmp_path, {"app.py": src}, GUARD_RULES)
    assert [f.rule for f in findings] == ["APP001"]
    assert findings[0].fixes == ()


# --- APP002 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("test", "fixed"),
    [
        ('__name__ == "main"', '__name__ == "__main__"'),
        ('__name__ == "__main"', '__name__ == "__main__"'),
        ('name == "__main__"', '__name__ == "__main__"'),
        ('__name__ is "__main__"', '__name__ == "__main__"'),
        ('__main__ == "__name__"', '__name__ == "__main__"'),
        ('_name_ == "__main__"', '__name__ == "__main__"'),
    ],
)
def test_app002_malformed_guards_are_rewritten(tmp_path, test, fixed):  # type: ignore[no-untyped-def]
    src = APP + f"\nif {test}:\n    app.run()\n"
    findings = check_files(tmp_path, {"app.py": src}, GUARD_RULES)
    assert [f.rule for f in findings] == ["APP002"]
    project = Project(tmp_path)
    new = apply_first_fix(project, findings[0])
    assert f"if {fixed}:\n    app.run()" in new
    assert run_checks(project, select=GUARD_RULES) == []


def test_app002_ignores_ordinary_comparisons(tmp_path):  # type: ignore[no-untyped-def]
    src = APP + '\nmode = "x"\nif mode == "main":\n    pass\n'
    assert check_files(tmp_path, {"app.py": src}, GUARD_RULES) == []


# --- APP003 ------------------------------------------------------------------------------


def test_app003_seed_snippet_three_is_a_hint_with_fix(tmp_path):  # type: ignore[no-untyped-def]
    src = APP + '\nif __name__ == "__main__":\n    # app.run(debug=True, port=5000)\n    pass\n'
    findings = check_files(tmp_path, {"app.py": src}, GUARD_RULES)
    assert [(f.rule, f.severity.label) for f in findings] == [("APP003", "hint")]
    project = Project(tmp_path)
    new = apply_first_fix(project, findings[0])
    assert "    # app.run(debug=True, port=5000)\n    app.run()\n" in new
    assert run_checks(project, select=GUARD_RULES) == []


def test_app003_not_when_guard_calls_something(tmp_path):  # type: ignore[no-untyped-def]
    src = APP + '\ndef main():\n    pass\n\nif __name__ == "__main__":\n    main()\n'
    assert check_files(tmp_path, {"app.py": src}, GUARD_RULES) == []


def test_app003_not_without_an_app(tmp_path):  # type: ignore[no-untyped-def]
    src = 'if __name__ == "__main__":\n    pass\n'
    assert check_files(tmp_path, {"tool.py": src}, GUARD_RULES) == []


# --- APP004 ------------------------------------------------------------------------------


def test_app004_routes_after_guarded_run(tmp_path):  # type: ignore[no-untyped-def]
    src = APP + (
        '\nif __name__ == "__main__":\n    app.run()\n\n\n@app.route("/about")\n'
        'def about():\n    return "a"\n\napp.register_blueprint(bp)\n'
    )
    findings = check_files(tmp_path, {"app.py": src}, GUARD_RULES)
    assert [f.rule for f in findings] == ["APP004", "APP004"]
    assert "/about" in findings[0].message
    project = Project(tmp_path)
    result = fix_project(project, select=GUARD_RULES)
    new = result.texts["app.py"]
    ast.parse(new)
    assert new.rstrip().endswith('if __name__ == "__main__":\n    app.run()')
    assert run_checks(project, select=GUARD_RULES) == []


def test_app004_and_app001_together_converge(tmp_path):  # type: ignore[no-untyped-def]
    src = APP + '\napp.run()\n\n@app.get("/late")\ndef late():\n    return "l"\n'
    findings = check_files(tmp_path, {"app.py": src}, GUARD_RULES)
    assert sorted(f.rule for f in findings) == ["APP001", "APP004"]
    project = Project(tmp_path)
    new = fix_project(project, select=GUARD_RULES).texts["app.py"]
    assert run_checks(project, select=GUARD_RULES) == []
    assert new.count("app.run()") == 1


# --- bad input ---------------------------------------------------------------------------


def test_syntax_error_gives_no_findings_and_no_crash(tmp_path):  # type: ignore[no-untyped-def]
    src = APP + "\napp.run(\n"
    assert check_files(tmp_path, {"app.py": src}, GUARD_RULES) == []


def test_non_ascii_columns_are_code_points(tmp_path):  # type: ignore[no-untyped-def]
    src = APP + '\nπ = "ü"; app.run()\n'
    findings = check_files(tmp_path, {"app.py": src}, GUARD_RULES)
    assert findings[0].range.start.character == len('π = "ü"; ')
