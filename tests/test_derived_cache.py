"""Per-file derived data: an edit re-recognises that module and what imports from it, and
keeps what was derived from the other modules."""

from __future__ import annotations

from pathlib import Path

from flask_preflight.analysis.flask_apps import find_flask_apps
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import run_checks

from .conftest import write_tree

FACTORY = "from flask import Flask\n\n\ndef make_site():\n    return Flask(__name__)\n"
NOT_A_FACTORY = "def make_site():\n    return 1\n"
RUN = "from myapp import make_site\n\napp = make_site()\napp.run()\n"


def app001_paths(project: Project) -> list[str]:
    return [f.path for f in run_checks(project, select={"APP001"})]


def test_editing_an_imported_module_changes_the_importer(tmp_path: Path) -> None:
    write_tree(tmp_path, {"myapp/__init__.py": FACTORY, "run.py": RUN})
    project = Project(tmp_path)
    assert app001_paths(project) == ["run.py"]
    project.set_override("myapp/__init__.py", NOT_A_FACTORY)
    assert app001_paths(project) == []
    project.set_override("myapp/__init__.py", FACTORY)
    assert app001_paths(project) == ["run.py"]


def test_a_change_two_imports_away_reaches_the_importer(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "core.py": "from flask import Flask\n\napp = Flask(__name__)\n",
            "myapp/__init__.py": "from core import app\n",
            "run.py": "from myapp import app\n\napp.run()\n",
        },
    )
    project = Project(tmp_path)
    assert app001_paths(project) == ["run.py"]
    (tmp_path / "core.py").write_text("app = object()\n")
    project.file_changed("core.py")
    assert app001_paths(project) == []


def test_a_new_module_is_seen_by_imports_that_could_not_resolve(tmp_path: Path) -> None:
    write_tree(tmp_path, {"run.py": RUN})
    project = Project(tmp_path)
    assert app001_paths(project) == []
    project.set_override("myapp/__init__.py", FACTORY)
    assert app001_paths(project) == ["run.py"]


def test_an_edit_keeps_what_was_derived_from_other_modules(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"myapp/__init__.py": FACTORY, "run.py": RUN, "other.py": "x = 1\n"},
    )
    project = Project(tmp_path)
    run_checks(project)
    kept = find_flask_apps(project, "myapp/__init__.py")
    importer = find_flask_apps(project, "run.py")
    project.set_override("other.py", "x = 2\n")
    assert find_flask_apps(project, "myapp/__init__.py") is kept
    assert find_flask_apps(project, "run.py") is importer
    project.set_override("myapp/__init__.py", FACTORY + "\n")
    assert find_flask_apps(project, "myapp/__init__.py") is not kept
    assert find_flask_apps(project, "run.py") is not importer
