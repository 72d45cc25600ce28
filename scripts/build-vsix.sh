#!/usr/bin/env bash
# Builds flask-preflight-<version>.vsix: the bundled client, the server package, and the
# server's own dependencies (hash-pinned, pure Python) under bundled/libs. Usage: make vsix
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap-python.sh
scripts/setup-node.sh

node esbuild.mjs --production

# Resolved for the oldest Python the server supports, so one bundle serves every user.
rm -rf bundled
.venv/bin/python -m pip install --quiet --disable-pip-version-check \
  --target bundled/libs --implementation py --python-version 3.9 --only-binary :all: \
  --no-deps --require-hashes -r requirements/runtime.txt
rm -rf bundled/libs/bin
find bundled/libs server -name __pycache__ -type d -prune -exec rm -rf {} +

version=$(node -p "require('./package.json').version")
out="flask-preflight-$version.vsix"
npx --no-install vsce package --no-dependencies --skip-license --allow-missing-repository \
  --readme-path client/README.md --changelog-path CHANGELOG.md --out "$out" >/dev/null
size=$(stat -c %s "$out")
echo "built $out ($((size / 1024)) KiB)"
