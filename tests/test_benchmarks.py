"""The papermill benchmark notebooks, executed end to end at smoke size (nbdev_test skips nbs/benchmarks)."""
import json, math
from pathlib import Path

import papermill as pm
import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / 'nbs' / 'benchmarks'


def run_benchmark(name: str, out_dir: Path, **parameters) -> Path:
    "Execute `nbs/benchmarks/{name}.ipynb` with papermill into `out_dir`; return the executed notebook."
    out = out_dir / f'{name}.ipynb'
    pm.execute_notebook(BENCH / f'{name}.ipynb', out, parameters=parameters, kernel_name='python3', cwd=str(BENCH), progress_bar=False)
    return out


def test_simulate_store_smoke(tmp_path):
    report = tmp_path / 'report'
    run_benchmark('simulate_store', tmp_path, preset='websdr_gnss', n_samples=300, out=str(tmp_path / 'store.zarr'),
                  report_dir=str(report), throughput_samples=256, throughput_repeats=1, map_grid=12)
    text = (report / 'simulator.md').read_text()
    assert '## Simulator throughput' in text and 'websdr_unsynced' in text
    for name in ('crlb_map', 'network_map', 'snr_histograms', 'example_iq'):
        assert (report / f'{name}.png').stat().st_size > 1000
        assert (report / f'{name}.pdf').stat().st_size > 1000


def test_baselines_smoke(tmp_path):
    report = tmp_path / 'report'
    run_benchmark('baselines', tmp_path, stores=[str(tmp_path / 'g.zarr'), str(tmp_path / 'u.zarr')],
                  presets=['websdr_gnss', 'websdr_unsynced'], n_samples=256, out=str(report))
    text = (report / 'baselines.md').read_text()
    for method in ('tdoa', 'rss', 'combined', 'centroid'):
        assert method in text
    for name in ('error_cdf', 'error_vs_crlb', 'error_vs_snr', 'error_vs_receivers'):
        assert (report / f'{name}.png').stat().st_size > 1000


def test_train_arch_smoke(tmp_path):
    report = tmp_path / 'report'
    run_benchmark('train_arch', tmp_path, arch='tdoa_gccnet', size='tiny', store=str(tmp_path / 'g.zarr'), n_samples=300,
                  epochs=1, latency_repeats=2, out=str(report))
    metrics = json.loads((report / 'tdoa_gccnet' / 'metrics.json').read_text())
    assert metrics['val_samples'] > 0 and metrics['onnx_max_rel_diff'] <= 1e-4
    for key in ('val_p68_m', 'crlb_rmse_m', 'baseline_p68_m', 'val_p68_m_on_baseline_fixed', 'onnx_latency_ms_b1', 'train_samples_per_s'):
        assert math.isfinite(metrics[key]), key
    assert (report / 'tdoa_gccnet' / 'tdoa_gccnet_tiny.onnx').exists()


def test_export_latency_smoke(tmp_path):
    report = tmp_path / 'report'
    run_benchmark('export_latency', tmp_path, archs='triangulation_mlp', repeats=2, warmup=1, report_dir=str(report))
    assert 'triangulation_mlp' in (report / 'latency.md').read_text()
