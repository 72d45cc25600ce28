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
# (-S, PYTHONPATH = bundled libs + server), on Python 3.9 and 3.13.
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
python3 -m zipfile -e "flask-preflight-$version.vsix" "$unpacked"
ext="$unpacked/extension"
find_python() {
  # A working pythonX.Y on PATH, else one that pyenv installed (its shims refuse to run a
  # version that is not activated).
  local want=$1 candidate
  if "python$want" -c pass >/dev/null 2>&1; then command -v "python$want"; return; fi
  if command -v pyenv >/dev/null 2>&1; then
    for candidate in "$(pyenv root)"/versions/"$want".*/bin/"python$want"; do
      if [ -x "$candidate" ] && "$candidate" -c pass >/dev/null 2>&1; then echo "$candidate"; return; fi
    done
  fi
  return 1
}
for want in 3.9 3.13; do
  py=$(find_python "$want") || { echo "no Python $want found: the packaged server cannot be checked on it" >&2; exit 1; }
  PYTHONPATH="$ext/bundled/libs:$ext/server" "$py" -S -c "import flask_preflight.lsp.server"
  set +e
  report=$(PYTHONPATH="$ext/bundled/libs:$ext/server" "$py" -S -m flask_preflight check examples/unguarded-run --python "$py" --format json)
  status=$?
  set -e
  [ "$status" -eq 1 ] || { echo "Python $want: check exited $status, expected 1 (findings)" >&2; exit 1; }
  grep -q '"rule": "APP001"' <<<"$report" || { echo "Python $want: no APP001 in the report" >&2; exit 1; }
  echo "Python $want: the packaged server imports and reports APP001"
done

echo "== VS Code end to end (code-server + Chromium; screenshots in test-artifacts/vscode/)"
node --test --test-concurrency=1 --test-timeout=600000 tests/e2e/vscode/
