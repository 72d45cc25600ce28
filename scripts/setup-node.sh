#!/usr/bin/env bash
# Installs the extension's npm packages from package-lock.json (npm ci). Idempotent: a stamp of
# the lock file skips npm when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v node >/dev/null 2>&1 || { echo "setup-node: Node.js 20+ is needed (apt-get install nodejs npm)" >&2; exit 2; }
stamp=node_modules/.flask-preflight-stamp
want=$(cat package-lock.json | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || [ ! -x node_modules/.bin/esbuild ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
