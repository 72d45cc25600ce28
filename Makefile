# The two quick-start commands: `make demo` and `make test`. Each sets up what it needs.
.PHONY: demo test lint bench vsix clean eval eval-venvs mutate

demo:
	@scripts/demo.sh

test:
	@scripts/test.sh

lint:
	@scripts/bootstrap-python.sh
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy

bench:
	@scripts/bootstrap-python.sh
	.venv/bin/python bench/run_all.py

eval:
	@scripts/bootstrap-python.sh
	.venv/bin/python eval/corpus.py --mode no-venv --counts

eval-venvs:
	@scripts/bootstrap-python.sh
	.venv/bin/python eval/corpus.py --mode venv --build-venvs --counts

vsix:
	@scripts/build-vsix.sh

clean:
	rm -rf .venv node_modules dist out bundled .cache

# Mutation testing of the engine (mutmut): slow, not part of `make test`. MUTATE=checks limits it.
mutate:
	@MUTATE="$(MUTATE)" MUTATE_SAMPLE="$(MUTATE_SAMPLE)" MUTATE_SEED="$(MUTATE_SEED)" scripts/mutate.sh
