"""`flask-preflight check` as a pre-commit hook (see .pre-commit-hooks.yaml).

pre-commit runs a Python hook inside an environment of its own, with that environment in
$VIRTUAL_ENV and first on PATH. It holds Flask Preflight, not the app: the CLI would take it
for the app's interpreter (an explicit choice). The hook removes that environment from both
before choosing, so the app's interpreter is chosen as on the command line without --python:
the project's own venv, else python3/python on PATH. `--python` in the hook's args still wins.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping, Sequence

from .cli import main as cli_main


def _without_own_environment(environ: MutableMapping[str, str], prefix: str) -> None:
    own = os.path.realpath(prefix)
    if os.path.realpath(environ.get("VIRTUAL_ENV", "") or os.sep + "nowhere") == own:
        del environ["VIRTUAL_ENV"]
    entries = environ.get("PATH", "").split(os.pathsep)
    kept = [p for p in entries if not p or os.path.realpath(os.path.dirname(p) or p) != own]
    environ["PATH"] = os.pathsep.join(kept)


def main(argv: Sequence[str] | None = None) -> int:
    _without_own_environment(os.environ, sys.prefix)
    return cli_main(["check", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
