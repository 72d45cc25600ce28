#!/usr/bin/env bash
# Every check and test: lint, format, types, the Python suite. Fails on zero tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap-python.sh
export PYTHONDONTWRITEBYTECODE=1

echo "== ruff check";  .venv/bin/ruff check .
echo "== ruff format"; .venv/bin/ruff format --check .
echo "== mypy";        .venv/bin/mypy

echo "== neovim (a real LSP client for tests/e2e)"; scripts/setup-neovim.sh

# Before pytest: the CLI tests validate SARIF against the schema shipped in an npm package.
echo "== npm packages"; scripts/setup-node.sh

echo "== pytest"
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: failing" >&2
  exit 1
fi

echo "== VS Code extension"
scripts/test-vscode.sh || status=1
exit "$status"
