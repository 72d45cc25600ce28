#!/usr/bin/env bash
# The main job on the bundled examples: what Flask Preflight finds in each of them.
#
# Each example is checked against a real virtualenv with that example's requirements.txt
# installed (as its developer would have it), so what shows is the example's own problem,
# not "nothing is installed". The venvs live in .cache/demo-venvs, one per distinct set of
# requirements, and are built once.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap-python.sh
fp=.venv/bin/flask-preflight
cache=.cache/demo-venvs
mkdir -p "$cache"

demo_venv() {
  # Same requirements (case and order aside) share one venv.
  local requirements=$1 key venv
  key=$(tr 'A-Z' 'a-z' < "$requirements" | grep -v '^\s*\(#\|$\)' | sort | sha256sum | cut -c1-12)
  venv="$cache/$key"
  if [ ! -f "$venv/.complete" ]; then
    echo "   (installing $(tr '\n' ' ' < "$requirements")into a demo venv, once)" >&2
    rm -rf "$venv"
    python3 -m venv "$venv" >&2
    "$venv/bin/python" -m pip install -qq --disable-pip-version-check -r "$requirements" >&2
    touch "$venv/.complete"
  fi
  echo "$venv/bin/python"
}

for example in examples/*/; do
  example=${example%/}
  echo "== $example"
  python=$(demo_venv "$example/requirements.txt")
  # Exit 1 means "found problems": that is the point of the demo, not a failure.
  "$fp" check "$example" --python "$python" --color=always || [ $? -eq 1 ]
  echo
done

echo "== flask-preflight entrypoints examples/factory-without-call"
"$fp" entrypoints examples/factory-without-call
echo
echo "Try: $fp check examples/unguarded-run --fix   (on a copy: it edits files)"
echo "     $fp rules APP001"
