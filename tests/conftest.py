"""Fixtures shared by the test modules."""
import pytest

from heimdall.bench import bench

SMOKE_ARGS = dict(profile='smoke', archs=['triangulation_mlp'], modes=['gnss'])  # one cheap learned run and the classical runs
TIMING = ('seconds', 'train_seconds', 'run_seconds', 'train_samples_per_s', 'latency', 'samples_per_s')


@pytest.fixture(scope='session')
def smoke_local(tmp_path_factory):
    "A smoke benchmark of `SMOKE_ARGS` in this process's thread pool, stores on the local disk: the reference that runs on a cluster or on S3 must equal."
    root = tmp_path_factory.mktemp('smoke_local')
    bench(**SMOKE_ARGS, report_dir=root / 'reports', data_dir=root / 'data', progress=False, render=False)
    return root


def numeric(metrics: dict) -> dict:
    "The numbers of a run's metrics.json that must match between two runs of it: no timings, no resumed epoch (1 where a kill came after an epoch)."
    return {k: v for k, v in metrics.items() if isinstance(v, (int, float)) and not isinstance(v, bool) and k != 'resumed_from_epoch'
            and not any(t in k for t in TIMING)}
