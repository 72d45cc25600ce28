#!/usr/bin/env bash
# The main job on the bundled examples: what Flask Preflight finds in each of them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap-python.sh
fp=.venv/bin/flask-preflight
for example in examples/*/; do
  echo "== ${example%/}"
  # Exit 1 means "found problems": that is the point of the demo, not a failure.
  "$fp" check "$example" --color=always || [ $? -eq 1 ]
  echo
done
