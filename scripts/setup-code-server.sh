#!/usr/bin/env bash
# Installs a real VS Code for the end-to-end test: code-server (from npm) under .cache/ plus
# Debian's Chromium to drive it. Idempotent: a stamp skips everything once it is complete.
set -euo pipefail
cd "$(dirname "$0")/.."

version=4.100.3
dest=.cache/code-server
stamp="$dest/.stamp-$version"
if [ -f "$stamp" ] && [ -x "$(command -v chromium || true)" ] && [ -x "$(command -v rg || true)" ]; then
  exit 0
fi

need_apt=()
for pkg in chromium ripgrep libkrb5-dev python3-venv build-essential; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need_apt+=("$pkg")
done
if [ "${#need_apt[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# code-server's own install scripts download ripgrep from a host we cannot reach and, as
# root, refuse to run: install without scripts and rebuild the native parts from source.
# Native rebuilds call `npx node-gyp`; let npx fetch it without a prompt.
export npm_config_yes=true
rm -rf "$dest"
mkdir -p "$dest"
echo '{"name": "code-server-for-tests", "private": true}' > "$dest/package.json"
npm install --prefix "$dest" --ignore-scripts --no-audit --no-fund --loglevel=error \
  "code-server@$version"
cs="$dest/node_modules/code-server"
(
  cd "$cs/lib/vscode"
  npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
  npm rebuild --loglevel=error @parcel/watcher @vscode/spdlog kerberos native-watchdog \
    node-pty @vscode/deviceid
  mkdir -p node_modules/@vscode/ripgrep/bin
  cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
  ln -sfn node_modules node_modules.asar
  cd extensions
  npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
)
# argon2 is hoisted to the top-level node_modules, so rebuild it from there.
(cd "$dest" && npm rebuild argon2 --build-from-source --loglevel=error)
touch "$stamp"
echo "code-server $version ready in $dest"
