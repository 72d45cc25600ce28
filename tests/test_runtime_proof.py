"""The runtime consequences, shown with real Flask: what the examples do before and after
`check --fix`. Each test runs real processes on a free loopback port and waits on conditions
(the port answers, the process exits) with deadlines."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import EXAMPLES
from .venvs import make_venv, venv_python

pytestmark = pytest.mark.oracle

DEADLINE = 60.0
IMPORTED = "IMPORT RETURNED"


@pytest.fixture(scope="module")
def flask_python() -> Path:
    return venv_python(make_venv("flask", ["flask==3.1.3"]))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def copy_example(name: str, tmp_path: Path) -> tuple[Path, int]:
    """A copy of the example whose port is a free one (the example says 5000)."""
    root = tmp_path / name
    shutil.copytree(EXAMPLES / name, root)
    port = free_port()
    app = root / "app.py"
    text = app.read_text()
    assert "port=5000" in text
    app.write_text(text.replace("port=5000", f"port={port}"))
    return root, port


def fix(root: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "flask_preflight", "check", str(root), "--fix", "--select", "APP"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "fixed app.py" in result.stderr
    return (root / "app.py").read_text()


class Running:
    """A process in its own session (Werkzeug's reloader forks a child), killed as a group."""

    def __init__(self, argv: list[str], cwd: Path):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "WERKZEUG_"))}
        self.proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

    def wait_for(self, condition: object, what: str, deadline: float = DEADLINE) -> None:
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if condition():  # type: ignore[operator]
                return
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"exited ({self.proc.returncode}) before {what}:\n{self.output()}"
                )
            time.sleep(0.05)  # polling interval of the wait, not a wait in itself
        raise AssertionError(f"no {what} within {deadline} s:\n{self.kill()}")

    def finish(self, timeout: float = DEADLINE) -> tuple[int, str]:
        try:
            out, _ = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as error:
            raise AssertionError(f"still running after {timeout} s:\n{self.kill()}") from error
        return self.proc.returncode, out

    def output(self) -> str:
        out, _ = self.proc.communicate(timeout=10)
        return out

    def kill(self) -> str:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        out, _ = self.proc.communicate(timeout=10)
        return out


@pytest.fixture
def running() -> Iterator[list[Running]]:
    started: list[Running] = []
    yield started
    for process in started:
        if process.proc.poll() is None:
            process.kill()


def start(started: list[Running], argv: list[str], cwd: Path) -> Running:
    process = Running(argv, cwd)
    started.append(process)
    return process


def get(port: int, path: str) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def import_app(python: Path) -> list[str]:
    """What `flask run` and gunicorn do first: import the module to find the app."""
    return [str(python), "-c", f"import app; print({IMPORTED!r}, flush=True)"]


def test_unguarded_run_blocks_on_import_until_fixed(
    flask_python: Path, tmp_path: Path, running: list[Running]
) -> None:
    root, port = copy_example("unguarded-run", tmp_path)

    importer = start(running, import_app(flask_python), root)
    importer.wait_for(lambda: port_open(port), "the development server on import")
    assert importer.proc.poll() is None  # the import has not returned: it is serving
    assert get(port, "/") == 200
    output = importer.kill()
    assert IMPORTED not in output

    fixed = fix(root)
    assert 'if __name__ == "__main__":\n    app.run(debug=True' in fixed
    status, output = start(running, import_app(flask_python), root).finish()
    assert status == 0, output
    assert IMPORTED in output
    assert not port_open(port)


def test_flask_cli_is_the_one_importer_that_skips_the_call(
    flask_python: Path, tmp_path: Path, running: list[Running]
) -> None:
    """What the APP001 message says about `flask run`: Flask's own command line ignores the
    unguarded call with a warning (and the fix makes the warning go away)."""
    root, port = copy_example("unguarded-run", tmp_path)
    flask = [str(flask_python), "-m", "flask", "--app", "app", "routes"]

    status, output = start(running, flask, root).finish()
    assert status == 0, output
    assert "Ignoring a call to 'app.run()'" in output
    assert not port_open(port)

    fix(root)
    status, output = start(running, flask, root).finish()
    assert status == 0, output
    assert "Ignoring a call" not in output and "hello" in output


def test_gunicorn_never_serves_the_unguarded_app_until_fixed(
    tmp_path: Path, running: list[Running]
) -> None:
    """The deployment case: gunicorn's worker imports the module, the import starts Flask's
    development server on the example's port and never returns, so gunicorn's own port never
    serves the app. After the fix gunicorn serves it."""
    python = venv_python(make_venv("flask-gunicorn", ["flask==3.1.3", "gunicorn==23.0.0"]))
    root, dev_port = copy_example("unguarded-run", tmp_path)
    bind = free_port()
    gunicorn = [
        str(python), "-m", "gunicorn", "--bind", f"127.0.0.1:{bind}", "--workers", "1",
        "--timeout", "30", "app:app",
    ]  # fmt: skip

    server = start(running, gunicorn, root)
    server.wait_for(lambda: port_open(dev_port), "the development server inside the worker")
    # (Not asked for a page: with debug=True Werkzeug's reloader re-executes gunicorn itself.)
    # gunicorn's listening socket accepts, but its worker is stuck in the import: no answer.
    with pytest.raises((urllib.error.URLError, OSError)):
        urllib.request.urlopen(f"http://127.0.0.1:{bind}/", timeout=3)
    server.kill()

    fix(root)
    server = start(running, gunicorn, root)
    server.wait_for(lambda: port_open(bind), "gunicorn's port")
    end = time.monotonic() + DEADLINE
    status = 0
    while time.monotonic() < end and status != 200:
        try:
            status = get(bind, "/")
        except (urllib.error.URLError, OSError):
            time.sleep(0.05)  # the worker is still booting
    assert status == 200
    assert not port_open(dev_port)


def test_guard_typo_exits_at_once_until_fixed(
    flask_python: Path, tmp_path: Path, running: list[Running]
) -> None:
    root, port = copy_example("guard-typo", tmp_path)
    run_file = [str(flask_python), "app.py"]

    status, output = start(running, run_file, root).finish()
    assert status == 0, output
    assert "Running on" not in output
    assert not port_open(port)

    fixed = fix(root)
    assert 'if __name__ == "__main__":' in fixed
    server = start(running, run_file, root)
    server.wait_for(lambda: port_open(port), "the server of `python app.py`")
    assert get(port, "/") == 200


def test_routes_after_run_answer_404_until_fixed(
    flask_python: Path, tmp_path: Path, running: list[Running]
) -> None:
    root, port = copy_example("routes-after-run", tmp_path)
    run_file = [str(flask_python), "app.py"]

    server = start(running, run_file, root)
    server.wait_for(lambda: port_open(port), "the server of `python app.py`")
    assert get(port, "/") == 200
    assert get(port, "/about") == 404
    server.kill()

    fixed = fix(root)
    assert fixed.rstrip().endswith(f'if __name__ == "__main__":\n    app.run(port={port})')
    server = start(running, run_file, root)
    server.wait_for(lambda: port_open(port), "the server of the fixed `python app.py`")
    assert get(port, "/about") == 200
    assert get(port, "/") == 200


def test_the_interpreter_is_real_flask(flask_python: Path) -> None:
    result = subprocess.run(
        [str(flask_python), "-c", "import importlib.metadata as m; print(m.version('flask'))"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "3.1.3"
