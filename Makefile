# Heimdall: the two commands are `make report` (main job) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# report profile: smoke (CI-sized), cpu (the full report on a 2-core machine)
PROFILE ?= cpu

.PHONY: install export sync-check test test-nb test-py report report-simulator report-baselines clean-store

$(STAMP): settings.ini setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q torch==2.14.1
	$(BIN)/pip install -q -e ".[dev,mlflow]"
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
	OMP_NUM_THREADS=1 $(BIN)/nbdev_test --n_workers 2

test-py: install
	$(BIN)/pytest -q tests

test: install sync-check test-nb test-py

# store size per profile: smoke is CI-sized, cpu is the full report on a 2-core machine
N_SAMPLES_smoke := 500
N_SAMPLES_cpu := 10000
N_SAMPLES_gpu := 100000
N_SAMPLES ?= $(N_SAMPLES_$(PROFILE))
PAPERMILL := $(BIN)/papermill -k python3 --cwd nbs/benchmarks --no-progress-bar

report-simulator: install
	mkdir -p reports/$(PROFILE)/simulator
	$(PAPERMILL) nbs/benchmarks/simulate_store.ipynb reports/$(PROFILE)/simulator/simulate_store.ipynb \
	  -p preset websdr_gnss -p n_samples $(N_SAMPLES) -p out ../../data/websdr_gnss_$(PROFILE).zarr \
	  -p report_dir ../../reports/$(PROFILE)/simulator

N_BASELINE_smoke := 300
N_BASELINE_cpu := 2000
N_BASELINE_gpu := 10000
N_BASELINE ?= $(N_BASELINE_$(PROFILE))

report-baselines: install
	mkdir -p reports/$(PROFILE)/baselines
	$(PAPERMILL) nbs/benchmarks/baselines.ipynb reports/$(PROFILE)/baselines/baselines.ipynb \
	  -y "{stores: [../../data/websdr_gnss_$(PROFILE).zarr, ../../data/websdr_unsynced_$(PROFILE).zarr], presets: [websdr_gnss, websdr_unsynced], n_samples: $(N_BASELINE), out: ../../reports/$(PROFILE)/baselines}"

report: install report-simulator report-baselines

clean-store:
	rm -rf data/*.zarr
