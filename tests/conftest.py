"""Fixtures shared by the test modules."""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from heimdall.bench import bench
from heimdall.samples import STORE_FILE, load_predictions, load_samples

ROOT = Path(__file__).resolve().parent.parent

SMOKE_ARGS = dict(profile='smoke', archs=['triangulation_mlp'], modes=['gnss'])  # one cheap learned run and the classical runs
TIMING = ('seconds', 'train_seconds', 'run_seconds', 'train_samples_per_s', 'latency', 'samples_per_s')


@pytest.fixture(scope='session')
def smoke_local() -> tuple[Path, Path]:
    """The runs of `SMOKE_ARGS` in this process's thread pool, stores on the local disk: the reference that runs on a cluster
    or on S3 must equal. They sit where `test_bench_smoke` and the notebooks' defaults put the smoke profile (reports/smoke,
    data/smoke; both git-ignored): after that test they are all reused, alone they are trained here.
    Returns (report folder, data folder)."""
    reports, data = ROOT / 'reports' / 'smoke', ROOT / 'data'
    bench(**SMOKE_ARGS, report_dir=reports, data_dir=data, progress=False, render=False)
    return reports, data


def numeric(metrics: dict) -> dict:
    "The numbers of a run's metrics.json that must match between two runs of it: no timings, no resumed epoch (1 where a kill came after an epoch)."
    return {k: v for k, v in metrics.items() if isinstance(v, (int, float)) and not isinstance(v, bool) and k != 'resumed_from_epoch'
            and not any(t in k for t in TIMING)}


def assert_same_results(reference: Path, reports: Path):
    "The runs of `SMOKE_ARGS` in the report folder `reports` have the results of those in `reference`: classical predictions exactly, the learned run's predictions and metrics to float tolerance."
    for split in ('classical', 'classical_val'):
        a, b = (load_samples(d / 'runs' / 'gnss' / split / 'baselines_samples.parquet') for d in (reference, reports))
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    run = Path('runs') / 'gnss' / 'triangulation_mlp' / 'seed0'
    a, b = (load_predictions(d / run, d / run.parent.parent / STORE_FILE) for d in (reference, reports))
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-5, atol=1e-6)
    na, nb = (numeric(json.loads((d / run / 'metrics.json').read_text())) for d in (reference, reports))
    assert na.keys() == nb.keys()
    for k in na: np.testing.assert_allclose(nb[k], na[k], rtol=1e-5, atol=1e-6, err_msg=k)
