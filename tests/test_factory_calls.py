"""A target's call of an app factory is bound as Python binds it (entrypoints/factory_calls.py):
the message is Python's own TypeError, checked here against this interpreter calling the same
function, and the verdict follows (gunicorn and flask refuse exactly the calls that raise)."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest

from flask_preflight.analysis.edits import apply_edits
from flask_preflight.analysis.entrypoints import check_declaration, find_declarations
from flask_preflight.analysis.entrypoints.factory_calls import call_error
from flask_preflight.analysis.flask_apps import find_flask_apps
from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import run_checks
from tests.conftest import the_verdict, write_tree

# (signature, positional arguments, keyword arguments)
CALLS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("", (), {}),
    ("", (1,), {}),
    ("", (1, 2), {}),
    ("", (), {"mode": 1}),
    ("config", (), {}),
    ("config", ("x",), {}),
    ("config", (), {"config": "x"}),
    ("config", ("x",), {"config": "y"}),
    ("a, b", (), {}),
    ("a, b", (1, 2, 3), {}),
    ("a, b, c, d", (), {}),
    ("a, b, /", (), {"a": 1, "b": 2}),
    ("*, x, y", (), {}),
    ("a, b, c", (), {}),
    ("a, b, c", (1,), {"c": 3}),
    ("config='default', debug=False", ("a", True, 3), {}),
    ("config='default', debug=False", ("a",), {"debug": True}),
    ("config='default', debug=False", (), {"mode": "x"}),
    ("config=None", (1, 2), {}),
    ("a, b=2", (1, 2, 3), {}),
    ("*args, **kwargs", (1, "x"), {"debug": True}),
    ("config, *args", (), {}),
    ("config, *args", (1, 2, 3), {}),
    ("**kwargs", (1,), {}),
    ("**kwargs", (), {"anything": 1}),
    ("*, config", (), {}),
    ("*, config", (), {"config": 1}),
    ("*, config='x'", (), {"other": 1}),
    ("a, *, b, c", (1,), {}),
    ("a, /, b=2", (), {"a": 1}),
    ("a, /, **kwargs", (1,), {"a": 2}),
    ("a, /", (1,), {}),
]


def _python_says(signature: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
    namespace: dict[str, Any] = {}
    exec(f"def create_app({signature}):\n    return None\n", namespace)
    try:
        namespace["create_app"](*args, **kwargs)
    except TypeError as error:
        return str(error)
    return None


@pytest.mark.parametrize(("signature", "args", "kwargs"), CALLS)
def test_the_binding_error_is_pythons_own(
    tmp_path: Path, signature: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    write_tree(
        tmp_path,
        {"shop.py": f"from flask import Flask\n\n\ndef create_app({signature}):\n"
         "    return Flask(__name__)\n"},
    )  # fmt: skip
    apps = find_flask_apps(Project(tmp_path), "shop.py")
    assert apps is not None
    factory = apps.factories["create_app"]
    assert call_error(factory, args, list(kwargs)) == _python_says(signature, args, kwargs)


STAR = "from flask import Flask\n\n\ndef create_app(*args, **kwargs):\n    return Flask(__name__)\n"
NONE = "from flask import Flask\n\n\ndef create_app():\n    return Flask(__name__)\n"


def test_a_factory_taking_star_args_accepts_any_call(tmp_path: Path) -> None:
    verdict = the_verdict(
        tmp_path, {"shop.py": STAR, "Procfile": "web: gunicorn 'shop:create_app(1, debug=True)'\n"}
    )
    assert verdict.ok, verdict.message


def test_too_many_arguments_is_pythons_type_error_for_gunicorn_and_flask(tmp_path: Path) -> None:
    gunicorn = the_verdict(
        tmp_path / "g", {"shop.py": NONE, "Procfile": "web: gunicorn 'shop:create_app(1)'\n"}
    )
    assert (gunicorn.rule, gunicorn.message) == (
        "SRV003",
        "gunicorn calls `create_app(1)` and gets TypeError: "
        "create_app() takes 0 positional arguments but 1 was given",
    )
    flask = the_verdict(
        tmp_path / "f", {"shop.py": NONE, "Procfile": "web: flask --app 'shop:create_app(1)' run\n"}
    )
    assert flask.rule == "SRV006"
    assert flask.message.startswith(
        "flask stops with: Error: The factory 'create_app(1)' in module 'shop' could not be "
        "called with the specified arguments"
    )


def test_a_decorated_factory_that_seems_not_to_bind_is_unknown_not_an_error(
    tmp_path: Path,
) -> None:
    decorated = NONE.replace("def create_app", "@register\ndef create_app")
    verdict = the_verdict(
        tmp_path, {"shop.py": decorated, "Procfile": "web: gunicorn 'shop:create_app(1)'\n"}
    )
    assert verdict.status == "unknown"
    assert "decorated" in verdict.message
    assert not [f for f in run_checks(Project(tmp_path)) if f.rule == "SRV003"]


@pytest.mark.parametrize(
    "word", ["myapp:create_app'(1, 2, 3)'", "'myapp:create_app('\"'\"'a'\"'\"', True, 3)'"]
)
def test_a_target_quoted_in_parts_is_replaced_by_a_quoted_target(tmp_path: Path, word: str) -> None:
    """The range of a word quoted in parts is raw shell text: the replacement is quoted, or
    the shell would stop on its `(`."""
    factory = (
        "from flask import Flask\n\n\ndef create_app(config='x'):\n    return Flask(__name__)\n"
    )
    write_tree(tmp_path, {"myapp/__init__.py": factory, "Procfile": f"web: gunicorn {word}\n"})
    [finding] = [f for f in run_checks(Project(tmp_path)) if f.rule == "SRV003"]
    [edit] = finding.fixes[0].edits
    fixed = apply_edits((tmp_path / "Procfile").read_text(), [edit])
    assert shlex.split(fixed.split(":", 1)[1]) == ["gunicorn", "myapp:create_app()"]
    (tmp_path / "Procfile").write_text(fixed)
    project = Project(tmp_path)
    [declaration] = find_declarations(project)
    assert check_declaration(project, declaration).ok
