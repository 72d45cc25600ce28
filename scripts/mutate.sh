#!/usr/bin/env bash
# Mutation testing of the engine with mutmut (requirements/mutation.txt): each package of
# server/flask_preflight/analysis is mutated in turn and the fast in-process tests must notice.
# Not part of `make test` or CI (hours on 2 cores): run it before a release.
#
#   make mutate                           every package (analysis, checks, entrypoints)
#   make mutate MUTATE=checks             one package
#   make mutate MUTATE=checks/main_guard.py   one module (a slice)
#   make mutate MUTATE=checks MUTATE_SAMPLE=100 MUTATE_SEED=2   a uniformly random sample of 100
#                                         mutants of the package (an estimate with its 95 % CI)
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

# The fast subset: in-process engine tests (no language server). mutmut runs, for each mutant,
# only the tests that reach the mutated function, so one slow test makes every mutant it
# reaches slow: the tests that take more than about a second (an interpreter probe of a fresh
# venv, a CLI subprocess, a hypothesis search over every format) are left out below.
FAST_TESTS=(
  tests/test_main_guard.py
  tests/test_entrypoints_parsing.py
  tests/test_entrypoints_rules.py
  tests/test_entrypoints_projects.py
  tests/test_entrypoints_deploy.py
  tests/test_requirements.py
  tests/test_mutation_survivors*.py
  tests/test_factory_calls.py
  tests/test_derived_cache.py
  tests/test_app_scope.py
  tests/test_causes.py
  tests/test_file_kinds.py
  tests/test_startup_imports.py
  tests/test_installed_elsewhere.py
  tests/test_rule_coverage.py
  tests/test_dependencies.py
  tests/test_environment.py
)
SLOW_TESTS=(
  tests/test_entrypoints_rules.py::test_srv005_server_missing_from_the_local_interpreter
  tests/test_entrypoints_parsing.py::test_garbage_never_crashes_and_is_never_ok
  tests/test_installed_elsewhere.py::test_a_module_missing_from_venv_is_found_in_the_projects_other_venv
  tests/test_installed_elsewhere.py::test_cli_reports_where_and_the_select_fix_works
  "tests/test_rule_coverage.py::test_rule_fires_on_its_bad_fixture_and_not_on_its_good_one[DEP003]"
  tests/test_causes.py::test_the_projects_own_venv_missing_requirements_gets_env005_with_pip
  tests/test_causes.py::test_cli_shows_the_headline_first_and_show_all_expands
  tests/test_dependencies.py::test_dep001_missing_requirement_really_cannot_be_imported
  tests/test_dependencies.py::test_dep002_version_mismatch_is_what_pip_would_change
  "tests/test_dependencies.py::test_dep003_reports_what_pip_check_reports[flask-requirements2-no_deps2]"
  "tests/test_dependencies.py::test_dep003_reports_what_pip_check_reports[pipcheck-missing-requirements1-no_deps1]"
  tests/test_dependencies.py::test_dep004_flask_sqlalchemy_3_0_1_works_with_sqlalchemy_2
  tests/test_dependencies.py::test_dep004_is_silent_on_a_working_pair
  tests/test_dependencies.py::test_dep004_old_flask_with_werkzeug_3_really_fails_and_is_reported_on_its_line
  tests/test_dependencies.py::test_dep005_flags_exactly_the_imports_that_fail_in_that_interpreter
  tests/test_dependencies.py::test_dep006_removed_apis_fail_in_the_installed_flask_only
  tests/test_dependencies.py::test_dep007_flask_really_ignores_flaskenv_without_python_dotenv
  tests/test_dependencies.py::test_dep008_unparseable_line_is_what_pip_refuses
  tests/test_dependencies.py::test_example_dotenv_missing
  tests/test_dependencies.py::test_example_old_flask_werkzeug3
  tests/test_environment.py::test_a_custom_named_project_venv_is_picked_automatically
  tests/test_environment.py::test_env001_global_python_without_project_venv
  tests/test_environment.py::test_env002_only_when_another_interpreter_is_chosen_explicitly
  tests/test_environment.py::test_env003_broken_venv_is_reported_and_really_cannot_start
  tests/test_environment.py::test_env004_installed_package_requires_another_python
  tests/test_environment.py::test_env004_requires_python_agrees_with_pip
  tests/test_environment.py::test_env_command_text_and_json
  tests/test_environment.py::test_env_names_the_environment_tools_the_project_uses
  tests/test_environment.py::test_static_read_of_a_real_venv_agrees_with_pip_list_and_the_interpreter
  # a child process of mutmut's trampolined copy re-imports the stage: the test's in-process
  # guard trips during mutmut's stats run
  tests/test_startup_imports.py::test_a_big_source_is_read_in_a_child_process_with_the_same_facts
  # these read the repository's client/ and docs/, which the stage does not hold
  tests/test_file_kinds.py::test_generated_client_parts_are_fresh
  tests/test_file_kinds.py::test_client_uses_the_generated_selector
  tests/test_rule_coverage.py::test_every_rule_has_a_check_docs_and_fixtures
)

mutate() {
  local target=$1 name stage glob skip='"src/flask_preflight/analysis/data/*"'
  name=${target//\//-}
  stage="$repo/.cache/mutation/$name"
  rm -rf "$stage"
  mkdir -p "$stage/src"
  cp -r "$repo/server/flask_preflight" "$stage/src/flask_preflight"
  find "$stage/src" -name __pycache__ -prune -exec rm -rf {} +
  cp -r "$repo/tests" "$repo/examples" "$stage/"
  case $target in
    # the top-level modules only: fnmatch's * crosses folders, so the subpackages are skipped
    analysis) glob='"src/flask_preflight/analysis/*.py"'
      skip='"src/flask_preflight/analysis/*/*"' ;;
    *.py) glob="\"src/flask_preflight/analysis/$target\"" ;;
    *) glob="\"src/flask_preflight/analysis/$target/*\"" ;;
  esac
  local tests="" deselect=""
  for t in "${FAST_TESTS[@]}"; do tests+="\"$t\", "; done
  for t in "${SLOW_TESTS[@]}"; do deselect+="\"--deselect\", \"$t\", "; done
  cat >"$stage/pyproject.toml" <<TOML
[tool.mutmut]
source_paths = ["src"]
only_mutate = [$glob]
do_not_mutate = [$skip]
also_copy = ["examples"]
pytest_add_cli_args_test_selection = [${tests%, }]
pytest_add_cli_args = [${deselect}"-p", "no:cacheprovider", "-q", "-p", "no:randomly"]
timeout_multiplier = 5.0
TOML
  (
    cd "$stage"
    if [ -n "${MUTATE_SAMPLE:-}" ]; then
      # Generate the mutants and the test map only: a name that matches no mutant stops mutmut
      # after generation (it then refuses the empty filter), then run the drawn sample.
      "$repo/.venv/bin/mutmut" run "no-such-mutant-generate-only" >generate.log 2>&1 || true
      "$repo/.venv/bin/python" "$repo/scripts/mutation_sample.py" "$MUTATE_SAMPLE" \
        "${MUTATE_SEED:-1}" >sample.txt
      xargs -a sample.txt "$repo/.venv/bin/mutmut" run --max-children "${MUTATE_JOBS:-2}" \
        >mutmut.log 2>&1 || true
    else
      "$repo/.venv/bin/mutmut" run --max-children "${MUTATE_JOBS:-2}" >mutmut.log 2>&1 || true
    fi
    "$repo/.venv/bin/python" "$repo/scripts/mutation_score.py" "$target" | tee score.txt
  )
}

targets=${MUTATE:-"analysis checks entrypoints"}
for target in $targets; do
  mutate "$target"
done
