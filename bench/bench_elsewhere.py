"""Installed elsewhere: looking up missing packages in 30 environments (project venvs,
~/.virtualenvs, conda envs, pyenv versions), cold and warm, against `pip list` of one venv and
our own reader on one venv, in the same run.

The environments hold the metadata of real installs (copied from real venvs); package code is
left out because the lookup never reads it.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.venvs import make_venv, venv_python  # noqa: E402

from flask_preflight.analysis import installed_elsewhere  # noqa: E402
from flask_preflight.analysis.environment import probe, reading  # noqa: E402
from flask_preflight.analysis.environment.reading import read_environment  # noqa: E402

ENVIRONMENTS = 30
COLD_TARGET_MS = 300.0
WARM_TARGET_MS = 10.0
PIP_LIST_OVER_COLD = 4.0  # 1.2 s / 300 ms
WARM_OVER_READ_ONE = 2.5  # 10 ms / 4 ms
REPEAT = 7
SITE = f"lib/python{sys.version_info[0]}.{sys.version_info[1]}/site-packages"
SOURCES = {
    "elsewhere-requests": ["flask==3.1.3", "requests==2.32.3"],
    "flask": ["flask==3.1.3"],
}
#: What a fresh clone misses: some found elsewhere, some nowhere.
DISTRIBUTIONS = [
    "flask",
    "requests",
    "werkzeug",
    "jinja2",
    "click",
    "idna",
    "certifi",
    "urllib3",
    "gunicorn",
    "flask-sqlalchemy",
    "flask-login",
    "celery",
    "redis",
    "psycopg2-binary",
    "python-dotenv",
]
MODULES = ["requests", "flask", "charset_normalizer", "sqlalchemy", "redis", "yaml", "jwt"]


def copy_metadata(venv: Path, target: Path, *, as_venv: bool) -> None:
    """An environment with `venv`'s installed metadata (a venv, or a prefix like pyenv's)."""
    site = target / SITE
    site.mkdir(parents=True)
    for entry in (venv / SITE).iterdir():
        if entry.name.endswith((".dist-info", ".egg-info")):
            shutil.copytree(entry, site / entry.name, symlinks=True)
    (target / "bin").mkdir(exist_ok=True)
    if as_venv:
        shutil.copy(venv / "pyvenv.cfg", target / "pyvenv.cfg")
        for link in (venv / "bin").iterdir():
            if link.is_symlink():
                os.symlink(os.readlink(link), target / "bin" / link.name)
    else:
        (target / "bin" / "python3").write_text("#!/bin/sh\nexit 1\n")


def build(base: Path) -> tuple[Path, dict[str, str]]:
    sources = [make_venv(name, requirements) for name, requirements in SOURCES.items()]
    home, workspace = base / "home", base / "workspace"
    workspace.mkdir(parents=True)
    places = (
        [(workspace / f"venv-{i:02}", True) for i in range(15)]
        + [(home / ".virtualenvs" / f"v{i:02}", True) for i in range(10)]
        + [(home / "miniconda3" / "envs" / f"c{i}", False) for i in range(3)]
        + [(home / ".pyenv" / "versions" / f"3.11.{i}", False) for i in range(2)]
    )
    for index, (place, as_venv) in enumerate(places):
        copy_metadata(sources[index % len(sources)], place, as_venv=as_venv)
    (base / "empty-bin").mkdir()
    environ = {"HOME": str(home), "PATH": str(base / "empty-bin")}
    return workspace, environ


def timed(func: Callable[[], object], repeat: int = REPEAT) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def clear_caches() -> None:
    reading._env_cache.clear()
    probe._probe_cache.clear()
    installed_elsewhere._site_cache.clear()
    installed_elsewhere._env_cache.clear()


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        workspace, environ = build(Path(tmp))
        os.environ.update(environ)
        for name in ("PYENV_ROOT", "PYENV_VERSION", "CONDA_PREFIX"):
            os.environ.pop(name, None)
        scanned = installed_elsewhere.candidate_environments(workspace)
        print(f"environments scanned: {len(scanned)} (want {ENVIRONMENTS})")
        if len(scanned) != ENVIRONMENTS:
            print("FAIL: the benchmark does not scan the environments it built")
            return 1

        def look() -> int:
            found = installed_elsewhere.find_installed_elsewhere(
                DISTRIBUTIONS, root=workspace, exclude=None
            )
            found |= installed_elsewhere.find_installed_elsewhere(
                MODULES, root=workspace, exclude=None, kind="module"
            )
            return sum(len(hits) for hits in found.values())

        hits = look()
        cold = timed(lambda: (clear_caches(), look()))
        look()
        warm = timed(look)
        one = str(venv_python(workspace / "venv-00"))
        read_one = timed(
            lambda: (clear_caches(), read_environment(one, allow_exec=False).import_names())
        )
        real = str(venv_python(make_venv("elsewhere-requests", SOURCES["elsewhere-requests"])))
        pip_list = timed(
            lambda: subprocess.run(
                [real, "-m", "pip", "list", "--format", "json", "--disable-pip-version-check"],
                capture_output=True,
                check=False,
            ),
            3,
        )
    names = len(DISTRIBUTIONS) + len(MODULES)
    print(f"{names} names looked up in {ENVIRONMENTS} environments ({hits} hits), medians:")
    rows = [
        ("all 30 environments, cold (caches cleared)", cold),
        ("all 30 environments, warm (nothing changed)", warm),
        ("baseline: our reader on one venv + its import names", read_one),
        ("baseline: python -m pip list of one venv", pip_list),
    ]
    for label, seconds in rows:
        print(f"  {label:<50} {seconds * 1000:8.1f} ms")
    ratios = [
        ("pip list of one venv / ours cold on 30", pip_list / cold),
        ("pip list of one venv / ours warm on 30", pip_list / warm),
        ("ours cold on 30 / reader on one venv", cold / read_one),
    ]
    for label, ratio in ratios:
        print(f"  {label:<50} {ratio:8.1f}x")
    # The targets (<= 300 ms cold, <= 10 ms warm) were set on a quiet machine where
    # `pip list` of one venv takes about 1.2 s and our reader about 4 ms: the verdict is on the
    # same-run ratios those targets correspond to, so a loaded machine does not fail it.
    cold_ok = pip_list / cold >= PIP_LIST_OVER_COLD
    warm_ok = warm <= WARM_OVER_READ_ONE * read_one
    print(
        f"  (absolute: {cold * 1000:.0f} ms cold, {warm * 1000:.1f} ms warm; the issue's targets "
        f"on a quiet machine: <= {COLD_TARGET_MS:.0f} ms, <= {WARM_TARGET_MS:.0f} ms)"
    )
    if not cold_ok:
        print(f"FAIL: cold on 30 environments is not {PIP_LIST_OVER_COLD:.0f}x under one pip list")
    if not warm_ok:
        print(f"FAIL: warm on 30 environments costs over {WARM_OVER_READ_ONE}x reading one venv")
    if cold_ok and warm_ok:
        print(
            f"OK: cold on 30 environments >= {PIP_LIST_OVER_COLD:.0f}x under one pip list; "
            f"warm <= {WARM_OVER_READ_ONE}x reading one venv cold"
        )
    return 0 if cold_ok and warm_ok else 1


if __name__ == "__main__":
    sys.exit(main())
