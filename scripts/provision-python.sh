#!/usr/bin/env bash
# Print the path of a Python X.Y for the packaged-server check, installing one from Debian's
# packages when none is found (the package registries are the only source a fresh machine
# has: CPython builds from elsewhere cannot be downloaded).
#
#   scripts/provision-python.sh 3.9     CPython 3.9 (PATH, pyenv, Debian's python3.9), else
#                                       PyPy 3.9 (Debian 12's pypy3: the same language and
#                                       standard library, another implementation)
#   scripts/provision-python.sh 3.13    CPython 3.13 (PATH, pyenv, Debian's python3.13)
#   scripts/provision-python.sh newest  the newest CPython of 3.14..3.10 found or installable
#
# Exits 1 when nothing fits. The chosen interpreter's version goes to stderr.
set -euo pipefail

works() { "$1" -c pass >/dev/null 2>&1; }

found() {
  # A working pythonX.Y on PATH, else one that pyenv installed (its shims refuse to run a
  # version that is not activated).
  local want=$1 candidate
  if works "python$want"; then command -v "python$want"; return; fi
  if command -v pyenv >/dev/null 2>&1; then
    for candidate in "$(pyenv root)"/versions/"$want".*/bin/"python$want"; do
      if [ -x "$candidate" ] && works "$candidate"; then echo "$candidate"; return; fi
    done
  fi
  return 1
}

from_debian() {
  # Debian's package of that name, when apt knows one and we may install it.
  local package=$1 program=$2
  command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ] || return 1
  apt-cache policy "$package" 2>/dev/null | grep -q 'Candidate: [0-9]' || return 1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$package" >/dev/null 2>&1 || return 1
  works "$program" && command -v "$program"
}

cpython() { found "$1" || from_debian "python$1" "python$1"; }

pypy39() {
  local py
  py=$(command -v pypy3 2>/dev/null) || py=$(from_debian pypy3 pypy3) || return 1
  [ "$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" = 3.9 ] && echo "$py"
}

want=${1:?usage: provision-python.sh 3.9|3.13|newest}
case $want in
  3.9) py=$(cpython 3.9 || pypy39) ;;
  newest)
    py=""
    for version in 3.14 3.13 3.12 3.11 3.10; do
      if py=$(cpython "$version"); then break; fi
    done
    [ -n "$py" ] ;;
  *) py=$(cpython "$want") ;;
esac || { echo "no Python $want found or installable" >&2; exit 1; }
"$py" -c 'import platform, sys; sys.stderr.write("%s %s\n" % (platform.python_implementation(), platform.python_version()))'
echo "$py"
