"""DEP009's engine on small fake environments: facts, resolution, the linker's rules for what
is certain and what is unknown, the disk cache, and the check's findings."""

from __future__ import annotations

import os
import sys
import textwrap
import time
from pathlib import Path

import pytest

from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import run_checks
from flask_preflight.analysis.startup_imports import (
    explain_missing_name,
    predict_startup_failures,
)
from flask_preflight.analysis.startup_imports.facts import Target, extract_facts
from flask_preflight.analysis.startup_imports.facts_cache import FactsCache
from tests.conftest import write_tree

VERSION = sys.version_info[:3]
TARGET = Target(VERSION)


def facts(text: str, version: tuple[int, int, int] = VERSION):  # type: ignore[no-untyped-def]
    return extract_facts(textwrap.dedent(text), Target(version))


def fake_venv(root: Path, packages: dict[str, str]) -> str:
    """A venv whose site-packages holds `packages` (path -> text); its base is the Python
    running the tests (so the standard library is real)."""
    venv = root / "venv"
    version = f"{VERSION[0]}.{VERSION[1]}"
    site = venv / "lib" / f"python{version}" / "site-packages"
    site.mkdir(parents=True)
    base = Path(getattr(sys, "_base_executable", sys.executable)).resolve()
    (venv / "pyvenv.cfg").write_text(
        f"home = {base.parent}\nversion = {'.'.join(map(str, VERSION))}\n"
    )
    (venv / "bin").mkdir()
    os.symlink(base, venv / "bin" / "python")
    write_tree(site, packages)
    return str(venv / "bin" / "python")


def predict(tmp_path: Path, app: str, packages: dict[str, str], **files: str):  # type: ignore[no-untyped-def]
    python = fake_venv(tmp_path, packages)
    root = write_tree(tmp_path / "project", {"app.py": app, **files})
    project = Project(root, interpreter=python)
    prediction = predict_startup_failures(
        project, FactsCache(str(tmp_path / "cache")), modules=["app.py"]
    )
    assert prediction is not None
    return prediction.failures


# --- facts ----------------------------------------------------------------------------------


def test_facts_list_every_binding_and_the_module_level_imports_in_order() -> None:
    found = facts(
        """
        import os, a.b as c
        from x import y as z
        def f():
            from never import run
        class K: pass
        for i in range(3): pass
        try:
            from fast import thing
        except ImportError:
            thing = None
        __all__ = ["K", "f"]
        """
    )
    assert {"os", "c", "z", "f", "K", "i", "thing"} <= found.defined
    assert found.all_names == ["K", "f"]
    events = [(e.kind, e.module, e.names, e.guarded, e.conditional) for e in found.events]
    assert ("from", "never", ("run",), False, False) not in events
    assert events[:3] == [
        ("import", "os", (), False, False),
        ("import", "a.b", (), False, False),
        ("from", "x", ("y",), False, False),
    ]
    assert ("from", "fast", ("thing",), True, False) in events


def test_version_conditions_are_decided_for_the_target_python() -> None:
    text = """
    import sys
    PY2 = sys.version_info[0] == 2
    if sys.version_info >= (3, 10):
        from new import a
    else:
        from old import a
    if PY2:
        from py2only import b
    if sys.platform == "win32":
        import winreg
    """
    on_39 = {e.module for e in facts(text, (3, 9, 0)).events if not e.conditional}
    on_311 = {e.module for e in facts(text, (3, 11, 0)).events if not e.conditional}
    assert "old" in on_39 and "new" not in on_39
    assert "new" in on_311 and "old" not in on_311
    assert "py2only" not in on_311
    assert "winreg" not in on_311 or sys.platform == "win32"


def test_a_bounded_module_getattr_adds_its_names_and_an_open_one_makes_the_module_unknown() -> None:
    bounded = facts(
        """
        def __getattr__(name):
            if name == "__version__":
                return "1"
            raise AttributeError(name)
        """
    )
    assert not bounded.open and "__version__" in bounded.defined
    assert facts("def __getattr__(name):\n    return 1\n").open
    assert facts("globals().update({'x': 1})\n").open
    assert facts("import enum\n@enum.global_enum\nclass F(enum.IntFlag):\n    A = 1\n").open


def test_namespace_writes_are_read_as_precisely_as_their_keys_allow() -> None:
    # inspect.py: `mod_dict = globals()` then `mod_dict["CO_" + v] = k` in a loop
    prefixed = facts(
        """
        import dis
        mod_dict = globals()
        for k, v in dis.COMPILER_FLAG_NAMES.items():
            mod_dict["CO_" + v] = k
        globals()[f"TP_{1}"] = 1
        globals()["LITERAL"] = 2
        del k, v, mod_dict
        """
    )
    assert not prefixed.open and prefixed.open_prefixes == ["CO_", "TP_"]
    assert "LITERAL" in prefixed.defined
    assert prefixed.may_define("CO_NESTED") and not prefixed.may_define("getargspec")
    # a key we cannot bound, or the namespace handed to code we do not follow: anything
    assert facts("def f(name):\n    globals()[name] = 1\n").open
    assert facts("ns = globals()\nregister(ns)\n").open
    assert facts("import sys\ndef f(name, v):\n    setattr(sys.modules[__name__], name, v)\n").open
    assert facts("import sys\nsys.modules['me'] = object()\n").open
    # another object's namespace, another module read by reflection: not this module's
    assert not facts("def f(obj):\n    return dict(vars(obj))\n").open
    assert not facts("import sys\ndef f(obj):\n    return sys.modules[obj.__module__]\n").open


def test_a_name_outside_the_computed_prefixes_is_missing(tmp_path: Path) -> None:
    lib = 'ns = globals()\nfor n in ("A", "B"):\n    ns["CO_" + n] = n\n'
    assert predict(tmp_path / "a", "from lib import CO_A\n", {"lib.py": lib}) == ()
    (failure,) = predict(
        tmp_path / "b", "import ext\n", {"ext.py": "from lib import getargspec\n", "lib.py": lib}
    )
    assert failure.error.startswith("ImportError: cannot import name 'getargspec' from 'lib'")


def test_a_module_that_cannot_parse_has_no_claims() -> None:
    found = facts("print 'hello'\n")
    assert found.open and found.syntax_error and found.syntax_error.startswith("SyntaxError")


# --- the linker ---------------------------------------------------------------------------


def test_a_name_removed_from_a_dependency_fails_with_the_chain(tmp_path: Path) -> None:
    (failure,) = predict(
        tmp_path,
        "import os\nfrom ext import Ext\n",
        {
            "ext/__init__.py": "from .core import Ext\n",
            "ext/core.py": "import os\nfrom lib.urls import url_quote\nclass Ext: pass\n",
            "lib/__init__.py": "",
            "lib/urls.py": "def quote(): pass\n",
        },
    )
    assert failure.exception == "ImportError"
    assert failure.detail.startswith("cannot import name 'url_quote' from 'lib.urls' (")
    assert [(f.module, f.line) for f in failure.frames] == [
        ("app", 2),
        ("ext", 1),
        ("ext.core", 2),
    ]


def test_a_missing_submodule_is_module_not_found(tmp_path: Path) -> None:
    (failure,) = predict(
        tmp_path,
        "import ext\n",
        {"ext/__init__.py": "from lib._compat import text_type\n", "lib/__init__.py": ""},
    )
    assert failure.error == "ModuleNotFoundError: No module named 'lib._compat'"


def test_a_module_level_attribute_read_of_a_removed_name_is_an_attribute_error(
    tmp_path: Path,
) -> None:
    (failure,) = predict(
        tmp_path,
        "import ext\n",
        {"ext.py": "import lib\nclass M(lib.Mapping):\n    pass\n", "lib.py": "X = 1\n"},
    )
    assert failure.error == "AttributeError: module 'lib' has no attribute 'Mapping'"


@pytest.mark.parametrize(
    ("ext", "lib"),
    [
        # a fallback for the missing name
        ("try:\n    from lib import gone\nexcept ImportError:\n    gone = None\n", "X = 1\n"),
        # only inside a function: runs when called, not at start
        ("def later():\n    from lib import gone\n", "X = 1\n"),
        # a condition we cannot decide
        ("import os\nif os.environ.get('X'):\n    from lib import gone\n", "X = 1\n"),
        # star import that brings the name
        ("from lib import gone\n", "from lib_impl import *\n"),
        # a namespace we cannot read
        ("from lib import gone\n", "def __getattr__(name):\n    return name\n"),
        # a shim sets the name before it is used
        ("import lib\nlib.gone = 1\nfrom lib import gone\n", "X = 1\n"),
        # a name another module puts into sys.modules
        ("import sys\nsys.modules['lib.gone'] = sys\nimport lib.gone\n", "X = 1\n"),
    ],
)
def test_what_cannot_be_certain_is_never_a_failure(tmp_path: Path, ext: str, lib: str) -> None:
    packages = {"ext.py": ext, "lib.py": lib, "lib_impl.py": "gone = 1\n"}
    assert predict(tmp_path, "import ext\n", packages) == ()


def test_compiled_extensions_and_namespace_packages_are_unknown(tmp_path: Path) -> None:
    packages = {
        "ext.py": "from fast import gone\nfrom ns.part import gone2\nimport ns.other\n",
        "fast.cpython-311-x86_64-linux-gnu.so": "",
        "ns/part.py": "X = 1\n",
    }
    failures = predict(tmp_path, "import ext\n", packages)
    # ns.part is readable: its missing name is certain
    assert [f.error for f in failures] == [
        f"ImportError: cannot import name 'gone2' from 'ns.part' "
        f"({tmp_path / 'venv/lib' / f'python{VERSION[0]}.{VERSION[1]}' / 'site-packages/ns/part.py'})"
    ]
    packages["ns/part.py"] = "gone2 = 1\n"
    assert predict(tmp_path / "again", "import ext\n", packages) == ()


def test_stdlib_names_are_read_from_the_target_pythons_own_library(tmp_path: Path) -> None:
    (failure,) = predict(tmp_path, "import ext\n", {"ext.py": "from json import no_such_name\n"})
    assert failure.error.startswith("ImportError: cannot import name 'no_such_name' from 'json'")
    assert (
        predict(tmp_path / "ok", "import ext\n", {"ext.py": "from json import loads, decoder\n"})
        == ()
    )


def test_the_apps_own_missing_top_level_module_is_left_to_dep005(tmp_path: Path) -> None:
    assert predict(tmp_path, "import not_installed_anywhere\n", {}) == ()


def test_facts_are_cached_on_disk_by_path_size_and_mtime(tmp_path: Path) -> None:
    python = fake_venv(tmp_path, {"ext.py": "from lib import gone\n", "lib.py": "X = 1\n"})
    root = write_tree(tmp_path / "project", {"app.py": "import ext\n"})
    cold = FactsCache(str(tmp_path / "cache"))
    first = predict_startup_failures(Project(root, interpreter=python), cold, ["app.py"])
    assert first is not None and len(first.failures) == 1 and cold.computed >= 2
    warm = FactsCache(str(tmp_path / "cache"))  # a new session
    again = predict_startup_failures(Project(root, interpreter=python), warm, ["app.py"])
    assert again is not None and again.failures == first.failures
    assert warm.computed == 0 and warm.loaded >= 2
    lib = Path(python).parent.parent / "lib"
    site = next(lib.glob("python*/site-packages"))
    (site / "lib.py").write_text("X = 1\ngone = 2\n")  # size changes: read again
    fixed = FactsCache(str(tmp_path / "cache"))
    after = predict_startup_failures(Project(root, interpreter=python), fixed, ["app.py"])
    assert after is not None and after.failures == () and fixed.computed == 1


def test_a_warm_recheck_reuses_the_replay_until_something_it_read_changes(
    tmp_path: Path,
) -> None:
    python = fake_venv(tmp_path, {"ext/__init__.py": "from lib import gone\n", "lib.py": "X = 1\n"})
    root = write_tree(tmp_path / "project", {"app.py": "import ext\n", "other.py": ""})
    cache = FactsCache(str(tmp_path / "cache"))

    def failures() -> tuple[str, ...]:
        found = predict_startup_failures(Project(root, interpreter=python), cache, ["app.py"])
        assert found is not None
        return tuple(f.error for f in found.failures)

    broken = ("ImportError: cannot import name 'gone' from 'lib' (",)
    assert [e[: len(broken[0])] for e in failures()] == list(broken)
    computed = cache.computed
    assert [e[: len(broken[0])] for e in failures()] == list(broken)
    assert cache.reused == 1 and cache.computed == computed  # nothing replayed or read
    # an installed file edited in place (the site-packages directory does not change)
    site = next((Path(python).parent.parent / "lib").glob("python*/site-packages"))
    (site / "lib.py").write_text("X = 1\ngone = 2\n")
    assert failures() == ()
    (site / "lib.py").write_text("X = 1\n")
    assert len(failures()) == 1
    # a project module that now shadows the installed one
    (root / "lib.py").write_text("gone = 1\n")
    assert failures() == ()
    (root / "lib.py").unlink()
    assert len(failures()) == 1
    # the app's own import changed
    (root / "app.py").write_text("import os\n")
    assert failures() == ()
    assert cache.reused == 1


def test_the_linker_starts_from_every_root_of_the_apps_code(tmp_path: Path) -> None:
    python = fake_venv(
        tmp_path,
        {
            "flask/__init__.py": "class Flask:\n    def __init__(self, name): pass\n",
            "ext.py": "from lib import gone\n",
            "lib.py": "X = 1\n",
        },
    )
    files = {
        "site_app.py": "from flask import Flask\napp = Flask(__name__)\n",
        # a launcher a server finds by its name: it defines no app, it re-exports one
        "wsgi.py": "import os\nimport ext\nfrom site_app import app\n",
        # imported only inside a function: does not run at start
        "jobs.py": "def run():\n    import ext\n",
        "tools/report.py": "import ext\n",  # a script the app never imports
    }
    root = write_tree(tmp_path / "project", files)
    project = Project(root, interpreter=python)
    prediction = predict_startup_failures(project, FactsCache(str(tmp_path / "cache")))
    assert prediction is not None
    assert [
        (f.frames[0].path, f.frames[0].line, f.module, f.name) for f in prediction.failures
    ] == [("wsgi.py", 2, "lib", "gone")]


def test_a_big_source_is_read_in_a_child_process_with_the_same_facts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flask_preflight.analysis.startup_imports import facts_cache

    source = tmp_path / "big.py"
    text = "import os\nfrom a.b import c as d\nmod_dict = globals()\nmod_dict['CO_' + d] = 1\n"
    source.write_text(text)
    expected = extract_facts(text, TARGET, str(source))

    def in_process(*args: object) -> None:
        raise AssertionError("parsed in the server's process")

    monkeypatch.setattr(facts_cache, "BIG_SOURCE", 10)
    monkeypatch.setattr(facts_cache, "extract_facts", in_process)
    cache = FactsCache(str(tmp_path / "cache"))
    found = cache.facts(str(source), TARGET)
    assert found == expected and found is not None and found.open_prefixes == ["CO_"]
    again = tmp_path / "again.py"
    again.write_text("from x import y\n")  # the same child answers the next one
    child = cache._child._process
    assert cache.facts(str(again), TARGET) == extract_facts("from x import y\n", TARGET)
    assert child is not None and cache._child._process is child
    cache.finish()  # the end of a run stops it
    assert cache._child._process is None and child.poll() is not None


@pytest.mark.skipif(os.name == "nt", reason="reading ahead polls a pipe: POSIX only")
def test_modules_named_ahead_are_read_by_the_child_while_the_caller_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flask_preflight.analysis.startup_imports import facts_cache

    texts = {f"m{i}.py": f"import os\nfrom pkg{i} import name{i}\nvalue{i} = 1\n" for i in range(4)}
    for name, text in texts.items():
        (tmp_path / name).write_text(text)
    expected = {name: extract_facts(text, TARGET) for name, text in texts.items()}
    cache = FactsCache(str(tmp_path / "cache"))
    for name in reversed(list(texts)):  # the last named is wanted first
        cache.prefetch(str(tmp_path / name), TARGET)
    child = cache._child
    assert child._process is not None and len(child._in_flight) == child.WINDOW
    deadline = time.monotonic() + 60
    while len(child._ready) < len(texts) and time.monotonic() < deadline:
        with child._lock:
            child._feed()  # what every lookup does: collect the answers, send the next wish
        time.sleep(0.01)  # a poll interval while the condition is not met
    assert len(child._ready) == len(texts)

    def in_process(*args: object) -> None:
        raise AssertionError("read again in the server's process")

    monkeypatch.setattr(facts_cache, "extract_facts", in_process)
    for name in texts:
        assert cache.facts(str(tmp_path / name), TARGET) == expected[name]
    assert cache.computed == len(texts)
    cache.finish()


def test_a_module_needed_before_the_child_read_it_is_read_here(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("from a import b\n")
    cache = FactsCache(str(tmp_path / "cache"))
    cache.prefetch(str(source), TARGET)
    # Asked for at once: the answer is the same whoever read it, and nothing waits on it.
    assert cache.facts(str(source), TARGET) == extract_facts("from a import b\n", TARGET)
    assert not cache._child._wanted
    cache.finish()
    assert cache._child._process is None


def test_the_cache_directory_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flask_preflight.analysis.startup_imports.facts_cache import cache_dir

    monkeypatch.delenv("FLASK_PREFLIGHT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == str(tmp_path / "flask-preflight")
    monkeypatch.setenv("FLASK_PREFLIGHT_CACHE_DIR", str(tmp_path / "x"))
    assert cache_dir() == str(tmp_path / "x")


# --- the check ------------------------------------------------------------------------------


def test_dep009_is_reported_at_the_apps_import_and_the_requirement_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLASK_PREFLIGHT_CACHE_DIR", str(tmp_path / "cache"))
    python = fake_venv(
        tmp_path,
        {
            "flask_thing/__init__.py": "from flask_base._compat import text_type\n",
            "flask_thing-1.0.dist-info/METADATA": "Name: flask-thing\nVersion: 1.0\n",
            "flask_thing-1.0.dist-info/top_level.txt": "flask_thing\n",
            "flask_base/__init__.py": "class Flask: pass\n",
            "flask_base-3.0.dist-info/METADATA": "Name: flask-base\nVersion: 3.0\n",
            "flask_base-3.0.dist-info/top_level.txt": "flask_base\n",
        },
    )
    root = write_tree(
        tmp_path / "project",
        {
            "app.py": "from flask_base import Flask\nimport flask_thing\napp = Flask()\n",
            "requirements.txt": "flask-base==3.0\nflask-thing==1.0\n",
            "Procfile": "web: gunicorn app:app\n",
        },
    )
    project = Project(root, interpreter=python, settings={"interpreter_source": "explicit"})
    found = run_checks(project, select={"DEP009"})
    assert [(f.path, f.range.start.line) for f in found] == [
        ("app.py", 1),
        ("requirements.txt", 1),
    ]
    message = found[0].message
    assert message.startswith(
        "app.py:2 imports flask_thing -> flask_thing/__init__.py:1 "
        "`from flask_base._compat import text_type` -> flask-base 3.0 has no module "
        "flask_base._compat: the app fails at start with "
        "`ModuleNotFoundError: No module named 'flask_base._compat'`."
    )
    assert found[0].data["file"].endswith("site-packages/flask_thing/__init__.py")
    assert found[0].data["line"] == 1
    assert all(not fix.safe for f in found for fix in f.fixes)


def test_dep009_a_python_2_entry_module_is_an_error(tmp_path: Path) -> None:
    python = fake_venv(tmp_path, {})
    root = write_tree(
        tmp_path / "project",
        {"Procfile": "web: gunicorn legacy:app\n", "legacy.py": "print 'hello'\napp = 1\n"},
    )
    project = Project(root, interpreter=python, settings={"interpreter_source": "explicit"})
    (found,) = run_checks(project, select={"DEP009"})
    assert found.path == "Procfile"
    assert "SyntaxError" in found.message and "legacy.py" in found.message


def test_explain_missing_name_names_the_distribution(tmp_path: Path) -> None:
    python = fake_venv(
        tmp_path,
        {
            "lib/__init__.py": "X = 1\n",
            "lib-2.0.dist-info/METADATA": "Name: lib\nVersion: 2.0\n",
            "lib-2.0.dist-info/top_level.txt": "lib\n",
        },
    )
    text = explain_missing_name(python, "lib", "gone")
    assert text is not None and text.startswith("lib 2.0 has no `gone` in `lib`")
    assert explain_missing_name(python, "lib", "X") is None


def test_a_project_namespace_package_is_followed_not_reported(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/ns/impl.py": "from lib import gone\n",
        "pkg/user.py": "from pkg.ns.impl import gone\n",
    }
    (failure,) = predict(tmp_path, "import pkg.user\n", {"lib.py": "X = 1\n"}, **files)
    assert failure.error.startswith("ImportError: cannot import name 'gone' from 'lib'")
    files["pkg/ns/impl.py"] = "gone = 1\n"
    assert predict(tmp_path / "ok", "import pkg.user\n", {"lib.py": "X = 1\n"}, **files) == ()


def test_a_compiled_module_wins_over_its_pure_python_twin(tmp_path: Path) -> None:
    # the import system loads the extension; what the .py beside it lacks proves nothing
    packages = {
        "ext.py": "from speedy import only_in_the_extension\n",
        "speedy.py": "X = 1\n",
        f"speedy.cpython-{VERSION[0]}{VERSION[1]}-x86_64-linux-gnu.so": "",
    }
    assert predict(tmp_path, "import ext\n", packages) == ()
