# Two commands do all set-up on a fresh machine (Graphviz's `dot` aside):
#   make demo   train the demo network and write its pictures to out/
#   make test   the whole test suite: lint, types, unit and property tests, doctests, notebooks, docs
# and, once set up:
#   make lab            JupyterLab on notebooks/, from the same .venv
#   make test-versions  the core suite on every Python 3.10-3.13 found (.venv-pyXY each)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_STAMP := $(VENV)/.installed-demo
LAB_STAMP  := $(VENV)/.installed-lab

.PHONY: demo test test-versions lab bench bench-quick docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Each stamp installs one extra into .venv; they add up (`make demo`, then `make test`).
$(DEMO_STAMP): pyproject.toml | $(BIN)/python
	@echo "Installing autograd-lite and matplotlib into $(VENV) (once, under a minute)..."
	$(BIN)/python -m pip install --quiet -e '.[demo]'
	touch $@

$(STAMP): pyproject.toml | $(BIN)/python
	@echo "Installing autograd-lite and its development tools into $(VENV) (once, a few minutes)..."
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(LAB_STAMP): pyproject.toml | $(BIN)/python
	@echo "Installing autograd-lite, the notebooks' packages and JupyterLab into $(VENV) (once)..."
	$(BIN)/python -m pip install --quiet -e '.[lab]'
	touch $@

demo: $(DEMO_STAMP)
	$(BIN)/autograd-lite demo
	@echo "Next: .venv/bin/autograd-lite --help, 'source .venv/bin/activate', or 'make lab' for the notebooks."

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest tests autograd_lite nn --doctest-modules
	$(BIN)/python -m pytest --nbmake notebooks/
	$(BIN)/sphinx-build -E -W --keep-going -n -q -b html docs docs/_build/html

# The core suite (no notebooks, no docs build) on each Python 3.10-3.13 found.
test-versions:
	.ci/pyversions

# (--allow-root only when run as root, e.g. in a container; LAB_ARGS adds options: --no-browser --port 8890)
lab: $(LAB_STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# The documentation alone, as strict as in `make test` (-E: every page is read
# and executed again, so a warning is never hidden by an up-to-date page).
docs: $(STAMP)
	$(BIN)/sphinx-build -E -W --keep-going -n -b html docs docs/_build/html

bench: $(STAMP)
	$(BIN)/python -m benchmarks --json benchmarks/results.json

bench-quick: $(STAMP)
	$(BIN)/python -m benchmarks --quick

clean:
	rm -rf $(VENV) .venv-py3* out build dist docs/_build .pytest_cache .hypothesis
