"""Tests written to kill mutations that survived the suite (issue 13 and `make mutate`): each
names the change to the engine it catches. Every one was checked by applying that mutation
to a scratch copy and watching this test fail."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from flask_preflight.analysis.edits import apply_edits
from flask_preflight.analysis.entrypoints import (
    check_declaration,
    entrypoints_report,
    find_declarations,
)
from flask_preflight.analysis.environment import probe
from flask_preflight.analysis.flask_apps import find_flask_apps
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import run_checks
from tests.conftest import write_tree

# --- annotated app assignments (flask_apps: the AnnAssign branches) ---------------------------


def test_an_annotated_app_assignment_is_an_app(tmp_path: Path) -> None:
    """`app: Flask = Flask(__name__)`: recognised, its run call reported, its target served."""
    root = write_tree(
        tmp_path,
        {
            "app.py": "from flask import Flask\n\napp: Flask = Flask(__name__)\napp.run()\n",
            "Procfile": "web: gunicorn app:app\n",
        },
    )
    project = Project(root)
    apps = find_flask_apps(project, "app.py")
    assert apps is not None
    assert [(a.name, a.line, a.kind) for a in apps.apps] == [("app", 2, "instance")]
    assert [f.rule for f in run_checks(project, select={"APP001"})] == ["APP001"]
    [declaration] = find_declarations(project)
    assert check_declaration(project, declaration).status == "ok"


def test_an_annotated_app_inside_a_factory_makes_it_a_factory(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "shop.py": "from flask import Flask\n\n\ndef create_app():\n"
            "    app: Flask = Flask(__name__)\n    return app\n",
            "Procfile": "web: gunicorn 'shop:create_app()'\n",
        },
    )
    project = Project(root)
    apps = find_flask_apps(project, "shop.py")
    assert apps is not None and list(apps.factories) == ["create_app"]
    [declaration] = find_declarations(project)
    assert check_declaration(project, declaration).status == "ok"


# --- `import *` makes a missing name unknown, never SRV002/SRV006 (entrypoints/resolve) -------

# (a star import from a project module is followed statically: see test_entrypoints_deploy;
# from a module outside the project, what it brings is unknown)
STAR = "from flask import Flask\nfrom site_settings import *\n"


@pytest.mark.parametrize(
    ("files", "server"),
    [
        ({"web/app.py": STAR, "Procfile": "web: gunicorn web.app:application\n"}, "gunicorn"),
        ({"web/app.py": STAR, ".flaskenv": "FLASK_APP=web.app:application\n"}, "flask"),
        ({"web/app.py": STAR, ".flaskenv": "FLASK_APP=web.app\n"}, "flask"),
    ],
)
def test_a_star_import_makes_a_missing_name_unknown(
    tmp_path: Path, files: dict[str, str], server: str
) -> None:
    root = write_tree(tmp_path, {"web/__init__.py": "", "web/settings.py": "x = 1\n", **files})
    project = Project(root)
    [declaration] = find_declarations(project)
    assert declaration.server == server
    verdict = check_declaration(project, declaration)
    assert verdict.status == "unknown" and "dynamically" in verdict.message, verdict
    assert not [f for f in run_checks(project) if f.rule.startswith("SRV")]
    # Without the star import the same name is missing for certain.
    (root / "web" / "app.py").write_text("from flask import Flask\n")
    fresh = Project(root)
    assert check_declaration(fresh, find_declarations(fresh)[0]).rule in ("SRV002", "SRV006")


# --- DEP004: the version boundaries of every table entry ---------------------------------------

#: (package, last broken version, first fixed version, other, first breaking, last working):
#: written from each project's changelog, independently of known_incompatibilities.py.
BOUNDARIES = [
    ("flask", "2.2.3", "2.2.4", "werkzeug", "3.0.0", "2.3.8"),
    ("flask", "1.1.2", "1.1.3", "jinja2", "3.1.0", "3.0.3"),
    ("flask", "1.1.2", "1.1.3", "itsdangerous", "2.1.0", "2.0.1"),
    ("flask", "1.1.2", "1.1.3", "werkzeug", "2.1.0", "2.0.3"),
    ("jinja2", "2.11.3", "3.0.0", "markupsafe", "2.1.0", "2.0.1"),
    ("flask-login", "0.6.2", "0.6.3", "werkzeug", "3.0.0", "2.3.8"),
    ("flask-login", "0.5.0", "0.6.0", "werkzeug", "2.1.0", "2.0.3"),
    ("flask-wtf", "1.1.1", "1.2.0", "werkzeug", "3.0.0", "2.3.8"),
    ("flask-wtf", "1.1.1", "1.2.0", "flask", "3.0.0", "2.3.3"),
    ("flask-sqlalchemy", "2.5.1", "3.0.0", "sqlalchemy", "2.0.0", "1.4.52"),
    ("flask-sqlalchemy", "2.5.1", "3.0.0", "flask", "3.0.0", "2.3.3"),
]


def fake_venv(root: Path, installed: dict[str, str]) -> str:
    """A venv read from its files: pyvenv.cfg, a python link and one dist-info per package."""
    venv = root / ".venv"
    base = Path(getattr(sys, "_base_executable", sys.executable)).resolve()
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    site = venv / "lib" / f"python{version}" / "site-packages"
    site.mkdir(parents=True)
    (venv / "bin").mkdir()
    (venv / "bin" / "python").symlink_to(base)
    (venv / "pyvenv.cfg").write_text(
        f"home = {base.parent}\ninclude-system-site-packages = false\nversion = {version}.0\n"
    )
    for name, dist_version in installed.items():
        info = site / f"{name.replace('-', '_')}-{dist_version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {dist_version}\n"
        )
        (info / "RECORD").write_text("")
    return str(venv / "bin" / "python")


def dep004(tmp_path: Path, package: str, version: str, other: str, other_version: str) -> bool:
    root = tmp_path / f"{package}-{version}-{other}-{other_version}"
    write_tree(root, {"requirements.txt": f"{package}=={version}\n{other}=={other_version}\n"})
    python = fake_venv(root, {package: version, other: other_version})
    found = run_checks(Project(root, interpreter=python), select={"DEP004"})
    return any(f.data["package"] == package and f.data["other"] == other for f in found)


@pytest.mark.parametrize(("package", "broken", "fixed", "other", "breaking", "working"), BOUNDARIES)
def test_dep004_fires_exactly_inside_its_boundaries(
    tmp_path: Path,
    package: str,
    broken: str,
    fixed: str,
    other: str,
    breaking: str,
    working: str,
) -> None:
    assert dep004(tmp_path, package, broken, other, breaking)
    assert not dep004(tmp_path, package, fixed, other, breaking)
    assert not dep004(tmp_path, package, broken, other, working)


# --- the interpreter probe runs with -I ---------------------------------------------------------


def test_the_interpreter_probe_is_isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PYTHONPATH holding a sitecustomize (as a hostile environment or workspace could
    set) is neither imported nor on the probed sys.path: the probe runs `python -I`."""
    planted = tmp_path / "planted"
    planted.mkdir()
    marker = tmp_path / "sitecustomize-ran"
    (planted / "sitecustomize.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    monkeypatch.setenv("PYTHONPATH", str(planted))
    monkeypatch.setenv("PYTHONUSERBASE", str(planted))
    # A path of its own, so no cached probe answers for it.
    python = tmp_path / "bin" / "python3"
    python.parent.mkdir()
    python.symlink_to(Path(getattr(sys, "_base_executable", sys.executable)).resolve())
    facts = probe.ask_interpreter(str(python))
    assert facts is not None
    assert not marker.exists()
    assert str(planted) not in [os.path.normpath(p) for p in facts.get("path", [])]


def test_entrypoints_report_lists_a_star_import_target_as_unknown(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {"web/__init__.py": "", "web/app.py": STAR, "Procfile": "web: gunicorn web.app:x\n"},
    )
    [entry] = entrypoints_report(Project(root))["entrypoints"]
    assert entry["status"] == "unknown"


# --- APP001 with a guard that already starts the server (checks/main_guard, `make mutate`) ---


def test_app001_offers_to_remove_a_call_the_guard_already_makes(tmp_path: Path) -> None:
    text = (
        "from flask import Flask\napp = Flask(__name__)\napp.run()\n"
        'if __name__ == "__main__":\n    app.run()\n'
    )
    project = Project(tmp_path, overrides={"app.py": text})
    [finding] = run_checks(project, select={"APP001"})
    assert finding.message.startswith("app.run() runs on import")
    remove = finding.fixes[0]
    assert remove.title.startswith("Remove this call")
    [edit] = remove.edits
    fixed = apply_edits(text, [edit])
    assert fixed == (
        'from flask import Flask\napp = Flask(__name__)\nif __name__ == "__main__":\n    app.run()\n'
    )


def test_app001_names_a_long_call_generically(tmp_path: Path) -> None:
    name = "socketio_server_with_a_rather_long_name_indeed"
    text = (
        "from flask import Flask\nfrom flask_socketio import SocketIO\napp = Flask(__name__)\n"
        f"{name} = SocketIO(app)\n{name}.run(app)\n"
    )
    project = Project(tmp_path, overrides={"app.py": text})
    [finding] = run_checks(project, select={"APP001"})
    assert finding.message.startswith("the call runs on import"), finding.message


FACTORY = 'from flask import Flask\n\n\ndef create_app():\n    return Flask(__name__)\n\n\nif __name__ == "__main__":\n'


@pytest.mark.parametrize(
    ("body", "fixed_body"),
    [
        ("    pass\n", "    create_app().run()\n"),  # the lone `pass` is replaced
        ('    print("hi")\n', '    print("hi")\n    create_app().run()\n'),  # else appended
    ],
)
def test_app003_in_a_factory_module_calls_the_factory(
    tmp_path: Path, body: str, fixed_body: str
) -> None:
    text = FACTORY + body
    project = Project(tmp_path, overrides={"app.py": text})
    [finding] = run_checks(project, select={"APP003"})
    assert "call `create_app().run()` here" in finding.message
    [fix] = finding.fixes
    assert fix.title == "Call `create_app().run()` in the main guard"
    assert apply_edits(text, list(fix.edits)) == FACTORY + fixed_body


GUARDED = (
    "from flask import Flask\n"
    'if __name__ == "__main__":\n    application = Flask(__name__)\n'
    "app = Flask(__name__)\n"
)


def test_an_app_bound_only_under_the_main_guard_does_not_exist_for_a_server(
    tmp_path: Path,
) -> None:
    root = write_tree(tmp_path, {"app.py": GUARDED, "Procfile": "web: gunicorn app:application\n"})
    project = Project(root)
    [declaration] = find_declarations(project)
    assert check_declaration(project, declaration).rule == "SRV002"
