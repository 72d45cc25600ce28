#!/usr/bin/env bash
# Creates (or refreshes) the development venv in .venv: the package in editable mode plus the
# pinned dev tools. Idempotent: a stamp of the requirement inputs skips pip when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  for candidate in python3.12 python3.11 python3.10 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
      PY="$candidate"; break
    fi
  done
fi
[ -n "$PY" ] || { echo "bootstrap: need Python >= 3.10 for the dev tools" >&2; exit 2; }

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys' 2>/dev/null; then
  rm -rf .venv
  "$PY" -m venv .venv
fi

stamp=.venv/.flask-preflight-stamp
want=$(cat pyproject.toml requirements/dev.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install -qq --upgrade pip
  .venv/bin/python -m pip install -qq -e . -r requirements/dev.txt
  echo "$want" > "$stamp"
fi
