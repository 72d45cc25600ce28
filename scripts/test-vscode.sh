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

echo "== VS Code end to end (code-server + Chromium; screenshots in test-artifacts/vscode/)"
node --test --test-concurrency=1 --test-timeout=600000 tests/e2e/vscode/
