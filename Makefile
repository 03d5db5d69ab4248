# Heimdall: the two commands are `make report` (main job) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# report profile: smoke (CI-sized), cpu (the full report on a 2-core machine), gpu (a lab's GPU run: the small sizes on 300k-sample
# stores for 60 epochs), gpu-full (the full sizes on 100k-sample stores). `heimdall-bench --profile gpu --dry-run` plans both: about 14 and
# 640 GPU-hours for the two sync modes, 17 and 685 with the robustness scenarios that `make report` adds (at --gpu-speedup 50)
PROFILE ?= cpu

.PHONY: install export sync-check test test-graphs test-nb test-py report report-render report-budget report-simulator report-bench report-registry report-recordings report-measured report-scheduler report-headline lab clean-store docs docs-outputs browser

$(STAMP): settings.ini setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# uv installs what pip would (the same sources: .ci/uv_args.py passes it pip's configuration) in about 1.5 minutes instead of 4.5;
	# pip does it where uv cannot be had. --compile-bytecode as pip does: where PYTHONDONTWRITEBYTECODE is set, a venv without .pyc
	# files compiles torch's sources again in every process (imports 9 -> 23 s)
	$(BIN)/pip install -q uv && $(BIN)/uv pip install -q --compile-bytecode --python $(PY) $$($(PY) .ci/uv_args.py) torch==2.14.1 torchvision==0.29.1 \
	  -e ".[dev,mlflow]" || { $(BIN)/pip install -q torch==2.14.1 torchvision==0.29.1 && $(BIN)/pip install -q -e ".[dev,mlflow]"; }
	# jsonschema's optional IRI format checker (rfc3987-syntax, from jupyter-events' format-nongpl extra) builds a lark grammar when
	# imported: 2 s of every papermill process, i.e. of every benchmark run; nothing here validates IRIs, and nothing requires it
	$(BIN)/pip uninstall -q -y rfc3987-syntax
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
	$(PY) .ci/check_kernelspec.py nbs
	$(PY) .ci/check_outputs.py nbs
	$(PY) .ci/report_outputs.py --check

test-nb: install
	OMP_NUM_THREADS=1 $(BIN)/nbdev_test --n_workers 2 --timing

# pytest: the smoke benchmark end to end (tests/), then every other benchmark notebook at its default, smoke-sized parameters (nbval);
# report.ipynb defaults to the committed cpu report, which tests/ re-render from a copy (nbval would rewrite it in place); run_arch,
# baselines and simulate_store run through papermill in tests/ already (every smoke run of test_bench_smoke, test_simulate_store_smoke
# at the same sizes), so nbval does not execute them a second time
test-py: install docs browser
	$(BIN)/pytest -q --durations=15 tests
	$(BIN)/pytest -q --durations=10 --nbval-lax -p no:cacheprovider nbs/benchmarks --ignore=nbs/benchmarks/report.ipynb \
	  --ignore=nbs/benchmarks/run_arch.ipynb --ignore=nbs/benchmarks/baselines.ipynb --ignore=nbs/benchmarks/simulate_store.ipynb

# one folder of traced ONNX graphs for the whole suite (heimdall.export, $$HEIMDALL_GRAPH_CACHE), emptied at its start: the first notebook
# or benchmark run that exports an architecture at a size traces it, the others reuse that trace with their own weights (checked
# against torch at each reuse) instead of tracing it again
TEST_GRAPHS := $(CURDIR)/data/test_graphs
test-nb test-py: export HEIMDALL_GRAPH_CACHE = $(TEST_GRAPHS)
test-graphs:
	rm -rf $(TEST_GRAPHS)

test: install sync-check test-graphs test-nb test-py

# `make report`: the simulator report, then the benchmark of PROFILE (every registered architecture and the classical
# estimators on the training and held-out test stores of both sync modes), then the registry with the measured columns.
N_SAMPLES_smoke := 500
N_SAMPLES_cpu := 4000
# the simulator report's store (maps, SNR and CRLB statistics; simulated at about 6,000 samples/s), not the benchmark's stores
# (heimdall.profiles.PROFILES); a dash is fine in a make variable name (N_SAMPLES_gpu-full)
N_SAMPLES_gpu := 100000
N_SAMPLES_gpu-full := 100000
N_SAMPLES ?= $(N_SAMPLES_$(PROFILE))
PAPERMILL := $(BIN)/papermill -k python3 --cwd nbs/benchmarks --no-progress-bar

report-simulator: install
	mkdir -p reports/$(PROFILE)/simulator
	$(PAPERMILL) nbs/benchmarks/simulate_store.ipynb reports/$(PROFILE)/simulator/simulate_store.ipynb \
	  -p preset websdr_gnss -p n_samples $(N_SAMPLES) -p out ../../data/$(PROFILE)/websdr_gnss_simulator.zarr \
	  -p report_dir ../../reports/$(PROFILE)/simulator -p throughput_samples 2000 -p throughput_repeats 3 -p map_grid 60

# heimdall-bench skips finished runs: after an interruption, `make report` resumes; BENCH_ARGS=--force re-runs them.
# The robustness scenarios (heavier multipath; trained on random layouts, tested on NW-Italy) run the architectures
# they name in heimdall.bench.SCENARIOS (tdoa_unrolled, and ensemble_timing with its members) in the same call.
report-bench: install
	$(BIN)/heimdall-bench --profile $(PROFILE) --modes gnss none multipath transfer $(BENCH_ARGS)

report-registry: install
	$(BIN)/heimdall-models --sizes tiny small full --results-dir reports/$(PROFILE) > reports/$(PROFILE)/registry.md
	cat reports/$(PROFILE)/registry.md

# heimdall-locate on the shipped DCF77 recordings: whole-process wall time (median of 5), import floor, profiled stages, accuracy
report-recordings: install
	mkdir -p reports/$(PROFILE)/recordings
	$(PAPERMILL) nbs/benchmarks/locate_recordings.ipynb reports/$(PROFILE)/recordings/locate_recordings.ipynb \
	  -p report_dir ../../reports/$(PROFILE)/recordings -p repeats 5

# heimdall-bench's scheduler overhead (issue 19): a benchmark retrained under the thread pool, local:1 and local:2, and the
# scheduling cost per run; SCHED_PROFILE=smoke (default): the whole smoke profile (gnss, none), about 15 min on 2 cores;
# SCHED_PROFILE=cpu: the cpu profile's gnss scenario (15 architectures x 3 seeds and the 2 classical runs: 47 runs), 68 min.
# Not part of `make report`; writes reports/$(SCHED_PROFILE)/scheduler/ (git-ignored)
SCHED_PROFILE ?= smoke
SCHED_MODES_smoke := [gnss, none]
SCHED_MODES_cpu := [gnss]
SCHED_MODES ?= $(SCHED_MODES_$(SCHED_PROFILE))
ifneq ($(filter report-scheduler,$(MAKECMDGOALS)),)
ifeq ($(strip $(SCHED_MODES)),)
$(error SCHED_PROFILE=$(SCHED_PROFILE): expected smoke or cpu, or name the scenarios to measure, e.g. SCHED_MODES='[gnss]')
endif
endif
report-scheduler: install
	mkdir -p reports/$(SCHED_PROFILE)/scheduler
	$(PAPERMILL) nbs/benchmarks/scheduler_overhead.ipynb reports/$(SCHED_PROFILE)/scheduler/scheduler_overhead.ipynb \
	  -y '{profile: $(SCHED_PROFILE), archs: [], modes: $(SCHED_MODES), schedulers: ["threads:2", "local:1", "local:2"], noop_tasks: 100}' \
	  -p report_dir ../../reports/$(SCHED_PROFILE)/scheduler

# the headline gains (issue 16 items 6-7) on test stores of the gpu profile's size: tdoa_unrolled and ensemble_timing (every
# seed's ONNX) and the classical chain on 32,000 new samples per GNSS scenario; 37 min on 2 cores after `make report`,
# so not part of it; writes reports/$(PROFILE)/headline/ (git-ignored)
N_HEADLINE ?= 32000
report-headline: install
	mkdir -p reports/$(PROFILE)/headline
	$(PAPERMILL) nbs/benchmarks/headline.ipynb reports/$(PROFILE)/headline/headline.ipynb \
	  -p report ../../reports/$(PROFILE) -p n_test $(N_HEADLINE) -y '{scenarios: [gnss, multipath]}' -p out ../../reports/$(PROFILE)/headline

# learning curves (issue 36): one representative per family at 1x, 4x and 16x the profile's training samples x epochs (4x: twice the
# samples for twice the epochs; 16x: 4x and 4x), scored on the same test store; budget 1 is reports/$(PROFILE)'s own runs (committed),
# the others one seed each under reports/$(PROFILE)/budget/x<k>/ with their stores under data/$(PROFILE)-x<k>/. Not part of `make report`:
# about 70 min on 2 cores; writes reports/$(PROFILE)/budget/ (curves, slope fits, figure, README) that the report's tables then cite.
BUDGETS ?= 1 4 16
BUDGET_ARCHS ?= iq_resnet18 localization_net_vit iq_transformer triangulation_mlp tdoa_unrolled ensemble_timing
report-budget: install
	$(PY) -m heimdall.budget --profile $(PROFILE) --budgets $(BUDGETS) --archs $(BUDGET_ARCHS)

# the shipped measured datasets (data/real/): classical rows raw and calibrated on held-out aircraft / days, paired intervals,
# coverage, the per-message bound, and the MLAT solver's messages per second; about a minute on 2 cores
report-measured: install
	mkdir -p reports/$(PROFILE)/measured
	$(PAPERMILL) nbs/benchmarks/measured.ipynb reports/$(PROFILE)/measured/measured.ipynb -p report_dir ../../reports/$(PROFILE)/measured \
	  -p profile $(PROFILE) -p seeds 3

report: install report-simulator report-bench report-recordings report-measured
	$(MAKE) report-registry PROFILE=$(PROFILE)
	$(PY) .ci/report_outputs.py reports/$(PROFILE)
	$(BIN)/nbdev_clean --fname nbs/benchmarks/report.ipynb

# re-render reports/$(PROFILE) from its committed runs (metrics.json, predictions.parquet: no store, no training; about 2 min on
# 2 cores) as heimdall-bench does after the runs; for cpu, nbs/benchmarks/report.ipynb then shows it as saved outputs
report-render: install
	$(PAPERMILL) nbs/benchmarks/report.ipynb reports/$(PROFILE)/report.ipynb -p report_dir ../../reports/$(PROFILE)
	sed -i 's|$(CURDIR)|<repo>|g' reports/$(PROFILE)/report.ipynb
	$(PY) .ci/report_outputs.py reports/$(PROFILE)
	$(BIN)/nbdev_clean --fname nbs/benchmarks/report.ipynb

# the documentation site: the numbered notebooks with their committed outputs, the benchmark report, the API reference;
# open _docs/site/index.html from disk (search works offline)
docs: install
	$(PY) .ci/docs.py --profile $(PROFILE)

# re-execute the numbered notebooks and index as nbdev_test does (two at a time) and save their outputs: the notebooks are the docs
docs-outputs: install
	$(PY) .ci/docs_outputs.py
	$(BIN)/nbdev_clean
	$(PY) .ci/check_outputs.py nbs

# headless Chromium and its driver (Debian packages) for the site's browser test (tests/test_docs.py); installed when run as root
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then echo "chromium and chromedriver found"; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	else echo "chromium/chromedriver missing and not root: the browser test is skipped (apt-get install chromium chromium-driver)"; fi

# JupyterLab on the notebooks
lab: install
	$(BIN)/jupyter lab --notebook-dir nbs

# the generated stores; data/recordings/ (shipped real recordings) stays
clean-store:
	find data -mindepth 1 -maxdepth 1 -type d ! -name recordings -exec rm -rf {} +
	rm -rf data/*.zarr
