# Heimdall: the two commands are `make report` (main job) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# report profile: smoke (CI-sized), cpu (the full report on a 2-core machine)
PROFILE ?= cpu

.PHONY: install export sync-check test test-nb test-py report report-simulator clean-store

$(STAMP): settings.ini setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q torch==2.14.1
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

export: install
	$(BIN)/nbdev_clean
	$(BIN)/nbdev_export
	$(PY) .ci/make_readme.py

# notebooks and package must already be in sync: cleaning/exporting/README generation changes nothing
sync-check: export
	@changed=$$(git status --porcelain -- nbs heimdall README.md); \
	if [ -n "$$changed" ]; then echo "nbdev_clean/nbdev_export/README changed files (not in sync):"; echo "$$changed"; git diff --stat -- nbs heimdall README.md; exit 1; fi
	@echo "notebooks, package and README are in sync"

test-nb: install
	$(BIN)/nbdev_test --n_workers 2

test-py: install
	$(BIN)/pytest -q tests

test: install sync-check test-nb test-py

report-simulator: install
	$(PY) -m heimdall.benchmarks simulator --profile $(PROFILE)

report: install report-simulator

clean-store:
	rm -rf data/*.zarr
