# Two commands do all set-up on a fresh machine (Graphviz's `dot` aside):
#   make demo   train the demo network and write its pictures to out/
#   make test   the whole test suite: unit and property tests, doctests, notebooks, docs
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench bench-quick docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/autograd-lite demo

test: $(STAMP)
	$(BIN)/python -m pytest tests autograd_lite nn --doctest-modules
	$(BIN)/python -m pytest --nbmake notebooks/
	$(BIN)/sphinx-build -E -W --keep-going -n -q -b html docs docs/_build/html

# The documentation alone, as strict as in `make test` (-E: every page is read
# and executed again, so a warning is never hidden by an up-to-date page).
docs: $(STAMP)
	$(BIN)/sphinx-build -E -W --keep-going -n -b html docs docs/_build/html

bench: $(STAMP)
	$(BIN)/python -m benchmarks --json benchmarks/results.json

bench-quick: $(STAMP)
	$(BIN)/python -m benchmarks --quick

clean:
	rm -rf $(VENV) out build dist docs/_build .pytest_cache .hypothesis
