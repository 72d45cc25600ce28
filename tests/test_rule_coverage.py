"""Every catalog rule has a check that declares it, a docs entry, a project that fires it
and a near-identical one that must not. A new rule without these fails here, by name.

The table below is the per-rule fixture list (bad files, good files, interpreter); rules'
detailed behaviour is tested in the family test files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from flask_preflight.analysis import RULES, Project, analyze
from flask_preflight.analysis.registry import CHECKS
from tests.conftest import write_tree
from tests.test_environment import bare_venv, base_python, broken_venv
from tests.venvs import make_venv, venv_python

REPO = Path(__file__).resolve().parent.parent
APP = "from flask import Flask\n\napp = Flask(__name__)\n"
GUARDED = APP + '\nif __name__ == "__main__":\n    app.run()\n'
DOCKERFILE = "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
WINDOWS = "C:\\Users\\me\\proj\\.venv\\Scripts\\python.exe"


def flask3(tmp: Path) -> str:
    return str(venv_python(make_venv("flask", ["flask==3.1.3"])))


def flask203(tmp: Path) -> str:
    return str(venv_python(make_venv("flask203-wz3", ["Flask==2.0.3"])))


def conflict(tmp: Path) -> str:
    return str(
        venv_python(make_venv("pipcheck-conflict", ["Flask==3.0.3"], no_deps=["Werkzeug==2.3.8"]))
    )


def system(tmp: Path) -> str:
    return base_python()


def other_than_project_venv(tmp: Path) -> str:
    bare_venv(tmp / ".venv")
    return flask3(tmp)


def project_venv(tmp: Path) -> str:
    return str(venv_python(bare_venv(tmp / ".venv")))


def broken(tmp: Path) -> str:
    return str(venv_python(broken_venv(tmp.parent, tmp / ".venv")))


def windows(tmp: Path) -> str:
    return WINDOWS


Interpreter = Callable[[Path], str]

#: Rules no check declares, and what reports them instead.
NOT_FROM_CHECKS = {
    "ENV005": "the root-cause post-pass (analysis/causes.py), over the other findings",
    "RUN001": "a failed run seen in the terminal (analysis/explain), not the files",
}
#: Rules that no project's files can fire (their own tests: tests/test_explain.py and
#: tests/lsp/test_terminal_runs.py run real broken apps).
NO_FILE_FIXTURE = {"RUN001"}


@dataclass(frozen=True)
class Case:
    bad: dict[str, str]
    good: dict[str, str]
    interpreter: Interpreter | None = None
    #: the good project's interpreter when it differs from the bad one's
    good_interpreter: Interpreter | None = None
    settings: dict[str, str] = field(default_factory=dict)


CASES: dict[str, Case] = {
    "ENV001": Case(
        {"requirements.txt": "flask\n", "app.py": APP},
        {"requirements.txt": "flask\n", "app.py": APP},
        system,
        good_interpreter=flask3,
    ),
    "ENV002": Case(
        {"requirements.txt": "flask\n"},
        {"requirements.txt": "flask\n"},
        other_than_project_venv,
        good_interpreter=flask3,
        settings={"interpreter_source": "explicit"},
    ),
    "ENV003": Case(
        {"requirements.txt": "flask\n", "app.py": "import os\n"},
        {"requirements.txt": "flask\n", "app.py": "import os\n"},
        broken,
        good_interpreter=project_venv,
    ),
    "ENV004": Case(
        {"pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=4"\n'},
        {"pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.8"\n'},
        flask3,
    ),
    "DEP001": Case(
        {"requirements.txt": "flask\nsurely-not-installed-anywhere\n"},
        {"requirements.txt": "flask\n"},
        flask3,
    ),
    "DEP002": Case(
        {"requirements.txt": "flask==2.0.3\n"}, {"requirements.txt": "flask==3.1.3\n"}, flask3
    ),
    "DEP003": Case(
        {"requirements.txt": "flask\n"},
        {"requirements.txt": "flask\n"},
        conflict,
        good_interpreter=flask3,
    ),
    "DEP004": Case(
        {"requirements.txt": "Flask==2.0.3\n", "app.py": APP},
        {"requirements.txt": "Flask==3.1.3\n", "app.py": APP},
        flask203,
        good_interpreter=flask3,
    ),
    "DEP005": Case(
        {"requirements.txt": "flask\n", "app.py": APP + "import requests\n"},
        {"requirements.txt": "flask\n", "app.py": APP + "import json\n"},
        flask3,
    ),
    "DEP006": Case(
        {"app.py": "from flask import Flask, escape\n\napp = Flask(__name__)\n"},
        {
            "app.py": "from flask import Flask\nfrom markupsafe import escape\n\napp = Flask(__name__)\n"
        },
        flask3,
    ),
    "DEP007": Case(
        {"requirements.txt": "flask\n", ".flaskenv": "FLASK_APP=app\n", "app.py": APP},
        {"requirements.txt": "flask\n", "app.py": APP},
        flask3,
    ),
    "DEP008": Case(
        {"requirements.txt": "flask>=2.0,,<3\n"}, {"requirements.txt": "flask>=2.0,<3\n"}
    ),
    "APP001": Case({"app.py": APP + "app.run()\n"}, {"app.py": GUARDED}),
    "APP002": Case(
        {"app.py": APP + 'if __name__ == "main":\n    app.run()\n'}, {"app.py": GUARDED}
    ),
    "APP003": Case({"app.py": APP + 'if __name__ == "__main__":\n    pass\n'}, {"app.py": GUARDED}),
    "APP004": Case(
        {"app.py": GUARDED + '\n@app.route("/")\ndef index():\n    return "hi"\n'},
        {
            "app.py": APP
            + '\n@app.route("/")\ndef index():\n    return "hi"\n'
            + '\nif __name__ == "__main__":\n    app.run()\n'
        },
    ),
    "APP005": Case(
        {"app.py": APP + 'if __name__ == "__main__":\n    app.run(host="0.0.0.0", debug=True)\n'},
        {"app.py": APP + 'if __name__ == "__main__":\n    app.run(host="0.0.0.0")\n'},
    ),
    "APP006": Case(
        {"flask.py": "x = 1\n", "app.py": APP}, {"helpers.py": "x = 1\n", "app.py": APP}
    ),
    "APP007": Case(
        {
            "app.py": "import threading\n"
            + APP
            + "threading.Thread(target=print).start()\n"
            + 'if __name__ == "__main__":\n    app.run(debug=True)\n'
        },
        {
            "app.py": "import threading\n"
            + APP
            + "threading.Thread(target=print).start()\n"
            + 'if __name__ == "__main__":\n    app.run(debug=True, use_reloader=False)\n'
        },
    ),
    "SRV001": Case(
        {"app.py": APP, "Procfile": "web: gunicorn nowhere:app\n"},
        {"app.py": APP, "Procfile": "web: gunicorn app:app\n"},
    ),
    "SRV002": Case(
        {"app.py": APP, "Procfile": "web: gunicorn app:application\n"},
        {"app.py": APP, "Procfile": "web: gunicorn app:app\n"},
    ),
    "SRV003": Case(
        {
            "app.py": "from flask import Flask\n\n\ndef create_app():\n    return Flask(__name__)\n",
            "Procfile": "web: gunicorn app:create_app\n",
        },
        {
            "app.py": "from flask import Flask\n\n\ndef create_app():\n    return Flask(__name__)\n",
            "Procfile": "web: gunicorn 'app:create_app()'\n",
        },
    ),
    "SRV004": Case(
        {"app.py": APP, "Procfile": "web: gunicorn app:app-x\n"},
        {"app.py": APP, "Procfile": "web: gunicorn app:app\n"},
    ),
    "SRV005": Case(
        {"app.py": APP, "requirements.txt": "flask\n", "Procfile": "web: gunicorn app:app\n"},
        {"app.py": APP, "requirements.txt": "flask\n", "Procfile": "web: flask run\n"},
        flask3,
    ),
    "SRV006": Case(
        {"app.py": APP, ".flaskenv": "FLASK_APP=nowhere\n"},
        {"app.py": APP, ".flaskenv": "FLASK_APP=app\n"},
    ),
    "SRV007": Case(
        {"app.py": APP, "Dockerfile": DOCKERFILE + 'CMD ["flask", "--app", "app", "run"]\n'},
        {
            "app.py": APP,
            "Dockerfile": DOCKERFILE
            + 'CMD ["flask", "--app", "app", "run", "--host", "0.0.0.0"]\n',
        },
    ),
    "SRV008": Case(
        {"app.py": APP, "Procfile": "web: flask --app app run\n"},
        {"app.py": APP, "Procfile": "web: flask --app app run --host 0.0.0.0 --port $PORT\n"},
    ),
    "SRV009": Case(
        {"app.py": APP, "Procfile": "web: gunicorn app:app\n"},
        {"app.py": APP, "Procfile": "web: waitress-serve app:app\n"},
        windows,
    ),
    "ENV005": Case(
        {"requirements.txt": "flask\nrequests\nredis\n", "app.py": APP},
        {"requirements.txt": "flask\n", "app.py": APP},
        project_venv,
    ),
    "DEP009": Case(
        {"app.py": "from werkzeug.urls import url_quote\n" + APP},
        {"app.py": "from werkzeug.utils import secure_filename\n" + APP},
        flask3,
    ),
    "SRV010": Case(
        {"app.py": APP, ".flaskenv": "FLASK_APP=app\nFLASK_ENV=development\n"},
        {"app.py": APP, ".flaskenv": "FLASK_APP=app\nFLASK_DEBUG=1\n"},
        flask3,
    ),
}


def _fired(
    tmp: Path,
    files: dict[str, str],
    interpreter: Interpreter | None,
    rule: str,
    settings: dict[str, str],
) -> list[str]:
    root = write_tree(tmp, files)
    python = interpreter(root) if interpreter is not None else None
    project = Project(root, interpreter=python, settings=dict(settings))
    # A post-pass rule needs the findings it is about: run everything, keep that rule.
    analysis = analyze(project, select=None if rule in NOT_FROM_CHECKS else {rule})
    assert not analysis.errors, analysis.errors
    return [f"{f.path}:{f.range.start.line + 1}" for f in analysis.findings if f.rule == rule]


def test_every_rule_has_a_check_docs_and_fixtures() -> None:
    """One message naming each rule and what it lacks."""
    declared = {rule for spec in CHECKS for rule in spec.rules}
    docs = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    missing = []
    for rule in RULES:
        lacks = []
        if rule not in declared and rule not in NOT_FROM_CHECKS:
            lacks.append("a check declaring it (@module_check/@project_check)")
        if f"### {rule} " not in docs:
            lacks.append("a docs/rules.md entry (scripts/gen-rules-doc.py)")
        if rule not in CASES and rule not in NO_FILE_FIXTURE:
            lacks.append("fixtures in tests/test_rule_coverage.py CASES")
        if lacks:
            missing.append(f"{rule}: lacks {', '.join(lacks)}")
    assert not missing, "\n".join(missing)
    assert set(CASES) <= set(RULES), set(CASES) - set(RULES)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_fires_on_its_bad_fixture_and_not_on_its_good_one(rule: str, tmp_path: Path) -> None:
    case = CASES[rule]
    bad = _fired(tmp_path / "bad", case.bad, case.interpreter, rule, case.settings)
    assert bad, f"{rule} did not fire on its bad fixture {sorted(case.bad)}"
    good_interpreter = case.good_interpreter or case.interpreter
    good = _fired(tmp_path / "good", case.good, good_interpreter, rule, case.settings)
    assert good == [], f"{rule} fired on its good fixture: {good}"
