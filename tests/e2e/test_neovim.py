"""A second real LSP client: headless Neovim starts our server, shows its diagnostics through
`vim.diagnostic.get()`, and applies a quick fix with its own workspace-edit code."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import EXAMPLES, REPO
from tests.venvs import make_venv, venv_python

LUA = Path(__file__).with_name("nvim") / "lsp_check.lua"
NVIM_TIMEOUT = 120


@pytest.mark.e2e
def test_neovim_shows_diagnostics_and_applies_the_quick_fix(tmp_path: Path) -> None:
    nvim = shutil.which("nvim")
    assert nvim, "nvim is missing: scripts/setup-neovim.sh installs it"
    python = str(venv_python(make_venv("lsp-examples", ("Flask==3.1.3", "gunicorn==23.0.0"))))
    root = tmp_path / "unguarded-run"
    shutil.copytree(EXAMPLES / "unguarded-run", root)
    out = tmp_path / "nvim-result.json"
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO / "server"),
        "FP_ROOT": str(root),
        "FP_FILE": str(root / "app.py"),
        "FP_OUT": str(out),
        "FP_SERVER": json.dumps([sys.executable, "-m", "flask_preflight", "lsp"]),
        "FP_INIT": json.dumps(
            {
                "trusted": True,
                "interpreters": {root.as_uri(): {"path": python, "source": "explicit"}},
                "settings": {},
            }
        ),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    completed = subprocess.run(
        [nvim, "--headless", "-n", "-i", "NONE", "--noplugin", "-u", str(LUA)],
        env=env,
        cwd=root,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=NVIM_TIMEOUT,
        check=False,
    )
    assert out.exists(), f"nvim wrote nothing: {completed.stdout!r} {completed.stderr!r}"
    result = json.loads(out.read_text())
    assert result["ok"], result["error"]
    assert result["got_diagnostics"]
    [diagnostic] = result["diagnostics"]
    assert diagnostic["code"] == "APP001"
    assert diagnostic["source"] == "Flask Preflight"
    assert (diagnostic["lnum"], diagnostic["col"]) == (11, 0)
    assert (diagnostic["end_lnum"], diagnostic["end_col"]) == (11, 30)
    assert diagnostic["severity"] == 2  # vim.diagnostic.severity.WARN
    assert result["action_titles"][0].startswith("Wrap in")
    assert result["fixed_clean"], "the diagnostic stayed after Neovim applied the fix"
    assert 'if __name__ == "__main__":\n    app.run(debug=True, port=5000)' in result["fixed_text"]
    assert result["stopped"]
