"""Bad input is skipped with a note (shown by `check -v`), never a traceback, in bounded time:
syntax errors mid-edit, undecodable, binary, empty and huge files, unreadable folders, broken
and looping links, huge and deep trees."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from flask_preflight.analysis.project import Project
from flask_preflight.analysis.registry import run_checks

from .conftest import write_tree

HEADER = "from flask import Flask\napp = Flask(__name__)\n"
UNGUARDED = """\
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!"


app.run(debug=True, port=5000)
"""


CHECK = [sys.executable, "-m", "flask_preflight", "check"]


def check_verbose(
    root: Path, *extra: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "flask_preflight", "check", str(root), "-v", *extra],
        capture_output=True,
        text=True,
        timeout=timeout,  # "bounded time": a hang fails the test instead of blocking it
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr
    return result


def checks_cleanly(project: Project) -> list[str]:
    errors: list[str] = []
    run_checks(project, on_error=lambda where, _e, detail: errors.append(f"{where}: {detail}"))
    return errors


@pytest.fixture
def root(tmp_path: Path) -> Path:
    path = tmp_path / "proj"
    path.mkdir()
    return path


# --- Python text that is not (yet) valid ----------------------------------------------------------


def test_every_prefix_of_a_module_being_typed(root: Path) -> None:
    """Typing the module character by character: no check ever raises; while the text does
    not parse the module has no APP findings (the server keeps the last good result)."""
    text = UNGUARDED + 'if __name__ == "main":\n    app.run()\n'
    project = Project(root)
    for end in range(len(text) + 1):
        prefix = text[:end]
        project.set_override("app.py", prefix)
        assert not checks_cleanly(project)
        module = project.module("app.py")
        assert module is not None
        if module.syntax_error is not None:
            assert [f for f in run_checks(project) if f.path == "app.py"] == []


@pytest.mark.parametrize(
    "source",
    [
        "",
        "\n\n\n",
        "\ufeff",
        "app.run(\n",
        "def f(:\n",
        "x = 1\x00\n",  # NUL inside text: ast.parse raises ValueError on some versions
        "if True:\n\tpass\n        pass\n",  # inconsistent tabs
        "(" * 250 + ")" * 250 + "\n",  # too many nested parentheses
        "x = " + "+".join(["1"] * 50_000) + "\n",  # a very long expression
        "#" + "x" * 900_000 + "\n",  # a single enormous line under the size cap
        "\r" * 1000,  # old Mac line ends only
        # Deep trees: the parser gives up (RecursionError) or the checks must not recurse.
        HEADER + "x = " + "not " * 3000 + "1\napp.run()\n",
        HEADER + "x = a" + ".b" * 50_000 + "\napp.run()\n",
        HEADER + "x = " + "lambda: " * 2000 + "1\napp.run()\n",
        HEADER + "if a:\n  pass\n" + "elif a:\n  pass\n" * 5000 + "app.run()\n",
        HEADER + "@d\n" * 5000 + "def f(): pass\napp.run()\n",
        "from flask import Flask\napp = Flask(__name__)\napp.run(" + "[" * 90 + "]" * 90 + ")\n",
    ],
)
def test_odd_python_text_never_raises(root: Path, source: str) -> None:
    project = Project(root, overrides={"app.py": source})
    assert not checks_cleanly(project)


# --- files that cannot be read as text ----------------------------------------------------------


def test_undecodable_binary_empty_and_huge_files_are_skipped_with_notes(root: Path) -> None:
    write_tree(root, {"ok/app.py": UNGUARDED, "empty.py": ""})
    (root / "latin1.py").write_bytes("# café\n".encode("latin-1") + UNGUARDED.encode())
    (root / "binary.py").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)))
    (root / "requirements.txt").write_bytes(b"\xff\xfe\x00\x00garbage")
    (root / "huge.py").write_bytes(b"x = 1\n" * 200_000)  # 1.2 MB, over the 1 MB cap
    result = check_verbose(root)
    assert result.returncode == 1
    assert result.stdout.startswith("ok/app.py:11:1: APP001")
    assert "latin1.py" not in result.stdout and "huge.py" not in result.stdout
    notes = result.stderr
    assert "note: latin1.py: skipped: not UTF-8 text" in notes
    assert "note: binary.py: skipped: binary file" in notes
    assert "note: huge.py: skipped: 1200000 bytes is over the size limit" in notes
    assert "empty.py" not in notes  # an empty module is fine, not skipped
    # Without -v the notes stay out of the way.
    quiet = subprocess.run(
        [sys.executable, "-m", "flask_preflight", "check", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "note:" not in quiet.stderr and quiet.returncode == 1


def test_a_fifo_named_like_a_module_does_not_block(root: Path) -> None:
    write_tree(root, {"ok/app.py": UNGUARDED})
    os.mkfifo(root / "app.py")
    result = check_verbose(root, timeout=60)
    assert result.stdout.startswith("ok/app.py:11:1: APP001")


def _unprivileged(argv: list[str]) -> list[str]:
    """As root, permissions do not stop reads (CAP_DAC_OVERRIDE). Dropping that capability
    from the bounding set before exec makes the process obey file modes like any user."""
    if os.geteuid() != 0:
        return argv
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) is needed to test unreadable folders as root"
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search", *argv]


@pytest.fixture
def locked_tree() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="fp-locked-"))
    root = base / "proj"
    write_tree(root, {"ok/app.py": UNGUARDED, "locked/app.py": UNGUARDED, "secret.py": UNGUARDED})
    (root / "locked").chmod(0)
    (root / "secret.py").chmod(0)
    try:
        yield root
    finally:
        (root / "locked").chmod(0o755)
        shutil.rmtree(base)


def test_unreadable_folder_and_file_are_skipped_with_notes(locked_tree: Path) -> None:
    result = subprocess.run(
        _unprivileged(
            [sys.executable, "-m", "flask_preflight", "check", str(locked_tree), "-v", "--fix"]
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert "note: locked: skipped unreadable directory" in result.stderr
    assert "note: secret.py: skipped: Permission denied" in result.stderr
    # The readable module is still checked and fixed.
    assert "fixed ok/app.py" in result.stderr
    assert result.returncode == 0, result.stdout + result.stderr


# --- links ------------------------------------------------------------------------------------------


def test_broken_links_loops_and_linked_folders(root: Path) -> None:
    write_tree(root, {"real/app.py": UNGUARDED})
    (root / "dangling.py").symlink_to(root / "nowhere.py")
    (root / "loop_a.py").symlink_to(root / "loop_b.py")
    (root / "loop_b.py").symlink_to(root / "loop_a.py")
    (root / "linked").symlink_to(root / "real", target_is_directory=True)
    (root / "real" / "up").symlink_to(root, target_is_directory=True)  # a cycle through a folder
    result = check_verbose(root, timeout=60)
    # The linked folder is not followed: one finding, not two (and no infinite walk).
    assert result.stdout.count("APP001") == 1
    assert "note: dangling.py: skipped symbolic link that does not resolve" in result.stderr
    assert "note: loop_a.py: skipped" in result.stderr
    assert "note: linked: skipped symbolic link to a directory (not followed)" in result.stderr


# --- size of the tree -------------------------------------------------------------------------------


def test_a_folder_of_100000_files_stops_at_the_scan_limit(tmp_path: Path) -> None:
    root = tmp_path / "many"
    root.mkdir()
    (root / "app.py").write_text(UNGUARDED)
    fd = os.open(root, os.O_RDONLY)
    try:
        for i in range(100_000):
            os.close(os.open(f"m{i:06d}.py", os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd))
    finally:
        os.close(fd)
    result = check_verbose(root, "--select", "APP001", timeout=300)
    assert "note: .: stopped after 20000 files (the scan limit)" in result.stderr
    assert result.stdout.startswith("app.py:11:1: APP001")


def test_entry_limit_bounds_trees_without_project_files(root: Path) -> None:
    for i in range(30):
        folder = root / f"data{i:02d}"
        folder.mkdir()
        for j in range(100):
            (folder / f"{j}.bin").write_bytes(b"")
    project = Project(root, max_entries=1000)
    assert project.files() == []
    assert any("stopped scanning after 1000 directory entries" in n.message for n in project.notes)


def test_nesting_deeper_than_the_os_path_limit(root: Path) -> None:
    """400 levels of 40-character folder names: about 16 KB of path, past PATH_MAX. The scan
    goes as deep as the OS allows and notes where it had to stop."""
    name = "d" * 40
    fd = os.open(root, os.O_RDONLY)
    try:
        for _ in range(400):
            os.mkdir(name, dir_fd=fd)
            inner = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        os.close(os.open("app.py", os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd))
    finally:
        os.close(fd)
    write_tree(root, {"app.py": UNGUARDED})
    try:
        result = check_verbose(root, timeout=120)
        assert result.stdout.startswith("app.py:11:1: APP001")
        assert "File name too long" in result.stderr
    finally:
        # rmtree cannot remove paths longer than PATH_MAX by name; walk down by descriptor.
        subprocess.run(["rm", "-rf", str(root / name)], check=True, timeout=120)


# --- faults in the environment ------------------------------------------------------------------


def _marker_interpreter(root: Path, marker: Path, sleep: float = 0) -> Path:
    """A workspace interpreter that is a script: it leaves a marker when run. Not in a venv
    (a venv is read from its files alone), so a trusted analysis does ask it its version."""
    python = root / "tools" / "python3"
    python.parent.mkdir(parents=True)
    python.write_text(f"#!/bin/sh\necho ran >> '{marker}'\nexec sleep {sleep}\n")
    python.chmod(0o755)
    return python


def test_untrusted_workspace_never_runs_its_interpreter(root: Path, tmp_path: Path) -> None:
    write_tree(root, {"app.py": UNGUARDED, "requirements.txt": "flask==3.1.3\n"})
    marker = tmp_path / "marker"
    python = _marker_interpreter(root, marker)
    project = Project(root, interpreter=str(python), trusted=False)
    assert not checks_cleanly(project)
    assert not marker.exists()
    # The same workspace, trusted: the probe does run it (so the marker test can see a run).
    trusted = Project(root, interpreter=str(python), trusted=True)
    assert not checks_cleanly(trusted)
    assert marker.exists()


def test_a_hanging_interpreter_does_not_hang_the_check(root: Path, tmp_path: Path) -> None:
    """A fake python that sleeps for ten minutes: the check still finishes (the probe has a
    timeout), with a result rather than a traceback."""
    write_tree(root, {"app.py": UNGUARDED, "requirements.txt": "flask==3.1.3\n"})
    python = _marker_interpreter(root, tmp_path / "marker", sleep=600)
    result = check_verbose(root, "--python", str(python), timeout=120)
    assert "app.py:11:1: APP001" in result.stdout


def _processes_with(token: str) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if token in cmdline:
            found.append(f"{proc.name}: {cmdline}")
    return found


def test_a_hanging_interpreter_leaves_no_process_behind(root: Path, tmp_path: Path) -> None:
    """A "python" that is a script starting another program and waiting on it: when the
    probe times out, the whole process group goes, not only the script."""
    write_tree(root, {"app.py": UNGUARDED, "requirements.txt": "flask==3.1.3\n"})
    token = "617.25"  # an unusual duration names the child among the machine's processes
    python = root / "tools" / "python3"
    python.parent.mkdir(parents=True)
    python.write_text(f"#!/bin/sh\nsleep {token} &\nwait\n")
    python.chmod(0o755)
    result = check_verbose(root, "--python", str(python), timeout=120)
    assert "app.py:11:1: APP001" in result.stdout
    assert _processes_with(f"sleep {token}") == []


def test_notes_do_not_grow_over_a_long_session(root: Path) -> None:
    """A server re-reads after every change: the same skip is noted once, and notes are
    bounded however many distinct problems come and go."""
    (root / "binary.py").write_bytes(b"\x00\x01")
    project = Project(root)
    for _ in range(50):
        project.file_changed("binary.py")
        run_checks(project)
    assert [n.message for n in project.notes].count("skipped: binary file") == 1
    for i in range(3000):
        project.notes.append(type(project.notes[0])(f"gone{i}.py", "skipped: binary file"))
    assert len(project.notes) <= 1000


def test_an_editor_buffer_over_the_size_cap_is_skipped(root: Path) -> None:
    huge = UNGUARDED + "x = 1\n" * 200_000
    project = Project(root, overrides={"app.py": huge})
    assert run_checks(project) == []
    assert any(n.path == "app.py" and "over the size limit" in n.message for n in project.notes)


def test_venv_deleted_mid_session(root: Path) -> None:
    """The project's venv disappears while a (server's) Project is alive: the next analysis
    says so or stays quiet, it never raises."""
    write_tree(root, {"app.py": UNGUARDED, "requirements.txt": "flask==3.1.3\n"})
    venv = root / ".venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120
    )
    python = venv / "bin" / "python"
    project = Project(root, interpreter=str(python), trusted=False)
    assert not checks_cleanly(project)
    before = {f.rule for f in run_checks(project)}
    shutil.rmtree(venv)
    project.file_changed(".venv/pyvenv.cfg", created_or_deleted=True)
    assert not checks_cleanly(project)
    after = {f.rule for f in run_checks(project)}
    assert "APP001" in before and "APP001" in after


def test_unreadable_site_packages(root: Path, tmp_path: Path) -> None:
    write_tree(root, {"app.py": UNGUARDED, "requirements.txt": "flask==3.1.3\n"})
    venv = tmp_path / "env"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120
    )
    site = next(venv.glob("lib/python3*/site-packages"))
    (site / "flask-3.1.3.dist-info").mkdir()
    (site / "flask-3.1.3.dist-info" / "METADATA").write_text("Name: Flask\nVersion: 3.1.3\n")
    site.chmod(0)
    try:
        result = subprocess.run(
            _unprivileged([*CHECK, str(root), "-v", "--python", str(venv / "bin" / "python")]),
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        site.chmod(0o755)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1
    assert "app.py:11:1: APP001" in result.stdout


def test_a_pathological_line_inside_a_string_stays_linear(root: Path) -> None:
    """Valid Python whose docstring holds a 800 KB line of escaped quotes, plus an unguarded
    run (so fixes, and the quote-style scan behind them, are computed). A scan that re-reads
    the line from every quote would take hours; the subprocess timeout bounds the test."""
    source = HEADER + 'x = """\n' + '"\\' * 400_000 + '\n"""\napp.run()\n'
    (root / "app.py").write_text(source)
    result = check_verbose(root, "--select", "APP", timeout=120)
    assert "app.py:6:1: APP001 [*]" in result.stdout
