# Heimdall: the two commands are `make report` (main job) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# report profile: smoke (CI-sized), cpu (the full report on a 2-core machine)
PROFILE ?= cpu

.PHONY: install export sync-check test test-nb test-py report report-simulator report-baselines report-train report-export report-registry clean-store

$(STAMP): settings.ini setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q torch==2.14.1 torchvision==0.29.1
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

# training benchmark: every architecture of TRAIN_ARCHS on the profile's websdr_gnss store
TRAIN_ARCHS := triangulation_mlp iq_resnet18 tdoa_gccnet
EPOCHS_smoke := 1
EPOCHS_cpu := 8
EPOCHS_gpu := 30
SIZE_smoke := tiny
SIZE_cpu := small
SIZE_gpu := full
# iq_resnet18 'small' trains at a few dozen samples/s on 2 cores: the cpu report uses 'tiny'
SIZE_cpu_iq_resnet18 := tiny
train_size = $(or $(SIZE_$(PROFILE)_$(1)),$(SIZE_$(PROFILE)))

report-train: $(addprefix report-train-,$(TRAIN_ARCHS))

report-train-%: install report-simulator
	mkdir -p reports/$(PROFILE)/train/$*
	$(PAPERMILL) nbs/benchmarks/train_arch.ipynb reports/$(PROFILE)/train/$*/train_arch.ipynb \
	  -p arch $* -p size $(call train_size,$*) -p store ../../data/websdr_gnss_$(PROFILE).zarr -p n_samples $(N_SAMPLES) \
	  -p epochs $(EPOCHS_$(PROFILE)) -p out ../../reports/$(PROFILE)/train

report-export: install
	mkdir -p reports/$(PROFILE)/export
	$(PAPERMILL) nbs/benchmarks/export_latency.ipynb reports/$(PROFILE)/export/export_latency.ipynb \
	  -p archs $(shell echo $(TRAIN_ARCHS) | tr ' ' ',') -p size $(SIZE_$(PROFILE)) -p report_dir ../../reports/$(PROFILE)/export

report-registry: install
	$(BIN)/heimdall-models --sizes tiny small full --results-dir reports/$(PROFILE) > reports/$(PROFILE)/registry.md
	cat reports/$(PROFILE)/registry.md

report: install report-simulator report-baselines report-train report-export
	$(MAKE) report-registry PROFILE=$(PROFILE)

clean-store:
	rm -rf data/*.zarr
