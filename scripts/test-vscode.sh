#!/usr/bin/env bash
# The VS Code extension's checks: types, client unit tests, the VSIX build, and the end-to-end
# test in a real VS Code (code-server driven by Chromium). Sets up what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap-python.sh
scripts/setup-node.sh
scripts/setup-code-server.sh

echo "== tsc --noEmit"
npx --no-install tsc --noEmit -p .

echo "== client unit tests"
rm -rf out/tests/client
node esbuild.mjs --tests
node --test out/tests/client/

echo "== VSIX"
version=$(node -p "require('./package.json').version")
rm -f "flask-preflight-$version.vsix"
scripts/build-vsix.sh 2>&1 | grep -v "is ignored: it is neither a file nor a directory"
[ -f "flask-preflight-$version.vsix" ] || { echo "VSIX build failed" >&2; exit 1; }

echo "== the packaged server on the oldest and newest Python it supports"
# What ships is the VSIX: unpack it and run its server exactly as the extension does
# (-S, PYTHONPATH = bundled libs + server), on Python 3.9 and on the newest Python 3 found or
# installable from Debian's packages (3.13 where pyenv or Debian 13 has it; 3.11 on a stock
# Debian 12). Without a CPython 3.9, Debian's pypy3 (Python 3.9) stands in.
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
python3 -m zipfile -e "flask-preflight-$version.vsix" "$unpacked"
ext="$unpacked/extension"
proved=()
for want in 3.9 newest; do
  py=$(scripts/provision-python.sh "$want" 2>/dev/null) || { echo "no Python $want found or installable: the packaged server cannot be checked on it" >&2; exit 1; }
  name=$("$py" -c 'import platform; print(platform.python_implementation(), platform.python_version())')
  PYTHONPATH="$ext/bundled/libs:$ext/server" "$py" -S -c "import flask_preflight.lsp.server"
  set +e
  report=$(PYTHONPATH="$ext/bundled/libs:$ext/server" "$py" -S -m flask_preflight check examples/unguarded-run --python "$py" --format json)
  status=$?
  set -e
  [ "$status" -eq 1 ] || { echo "$name: check exited $status, expected 1 (findings)" >&2; exit 1; }
  grep -q '"rule": "APP001"' <<<"$report" || { echo "$name: no APP001 in the report" >&2; exit 1; }
  echo "$name: the packaged server imports and reports APP001"
  proved+=("$name")
done
echo "packaged server proved on: ${proved[0]} and ${proved[1]}"

echo "== VS Code end to end (code-server + Chromium; screenshots in test-artifacts/vscode/)"
node --test --test-concurrency=1 --test-timeout=600000 tests/e2e/vscode/
