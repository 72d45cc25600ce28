#!/usr/bin/env bash
# Installs Debian's Neovim (a second real LSP client, driven headless by tests/e2e).
# Idempotent: does nothing when nvim is already there.
set -euo pipefail

if command -v nvim >/dev/null 2>&1; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends neovim >/dev/null
command -v nvim >/dev/null
