#!/usr/bin/env bash
# Mutation testing of the engine with mutmut (requirements/mutation.txt): each package of
# server/flask_preflight/analysis is mutated in turn and the fast in-process tests must notice.
# Not part of `make test` or CI (hours on 2 cores): run it before a release.
#
#   make mutate                           every package (analysis, checks, entrypoints)
#   make mutate MUTATE=checks             one package
#   make mutate MUTATE=checks/main_guard.py   one module (a slice)
#
# mutmut expects an importable src/ layout: the package and the tests are staged in
# .cache/mutation/<name>/ (the tests import the staged, mutated copy, never server/). The score
# of each run is printed last and written to .cache/mutation/<name>/score.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap-python.sh >/dev/null
.venv/bin/python -m pip install -q -r requirements/mutation.txt
export FLASK_PREFLIGHT_TEST_CACHE="${FLASK_PREFLIGHT_TEST_CACHE:-$PWD/.cache/test-venvs}"
repo=$PWD

# The fast subset: in-process engine tests (no language server, no CLI subprocesses).
FAST_TESTS=(
  tests/test_main_guard.py
  tests/test_entrypoints_parsing.py
  tests/test_entrypoints_rules.py
  tests/test_entrypoints_projects.py
  tests/test_requirements.py
  tests/test_mutation_survivors.py
  tests/test_derived_cache.py
)

mutate() {
  local target=$1 name stage glob
  name=${target//\//-}
  stage="$repo/.cache/mutation/$name"
  rm -rf "$stage"
  mkdir -p "$stage/src"
  cp -r "$repo/server/flask_preflight" "$stage/src/flask_preflight"
  find "$stage/src" -name __pycache__ -prune -exec rm -rf {} +
  cp -r "$repo/tests" "$repo/examples" "$stage/"
  case $target in
    analysis) glob='"src/flask_preflight/analysis/*.py"' ;;
    *.py) glob="\"src/flask_preflight/analysis/$target\"" ;;
    *) glob="\"src/flask_preflight/analysis/$target/*\"" ;;
  esac
  local tests=""
  for t in "${FAST_TESTS[@]}"; do tests+="\"$t\", "; done
  cat >"$stage/pyproject.toml" <<TOML
[tool.mutmut]
source_paths = ["src"]
only_mutate = [$glob]
also_copy = ["examples"]
pytest_add_cli_args_test_selection = [${tests%, }]
pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-p", "no:randomly"]
TOML
  (
    cd "$stage"
    "$repo/.venv/bin/mutmut" run --max-children "${MUTATE_JOBS:-2}" >mutmut.log 2>&1 || true
    "$repo/.venv/bin/python" "$repo/scripts/mutation_score.py" "$target" | tee score.txt
  )
}

targets=${MUTATE:-"analysis checks entrypoints"}
for target in $targets; do
  mutate "$target"
done
