"""The papermill benchmarks end to end at smoke size: the simulator report, and `heimdall-bench --profile smoke`
(stores, classical estimators, one architecture per input kind plus the ensembles (with their members) in both sync modes, the report)."""
import json, shutil
from pathlib import Path

import pandas as pd
import papermill as pm

from heimdall.bench import Run, bench, execute, get_profile, select_archs
from heimdall.samples import STORE_FILE, load_predictions, load_samples

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


def test_bench_smoke():
    "The smoke profile through the same code path as `make report`; written where the notebooks' defaults (nbval) look."
    report, data = ROOT / 'reports' / 'smoke', ROOT / 'data'
    record = bench('smoke', report_dir=report, data_dir=data, progress=False)
    archs = select_archs(get_profile('smoke'))
    assert record['overheads']['n_runs'] == len(record['runs']) and all({'train_s', 'outside_cells_s'} <= r.keys() for r in record['runs'].values())
    assert {'iq', 'features', 'gcc'} <= {json.loads((report / 'runs' / 'gnss' / a / 'seed0' / 'metrics.json').read_text())['input_kind'] for a in archs}
    for mode in ('gnss', 'none'):
        for arch in archs:
            m = json.loads((report / 'runs' / mode / arch / 'seed0' / 'metrics.json').read_text())
            assert m['status'] == 'ok', (mode, arch, m.get('error'))
            assert m['onnx_max_rel_diff'] <= 1e-4 and m['test_n'] == get_profile('smoke').n_test and m['coverage_scale'] > 0
            assert len(load_predictions(report / 'runs' / mode / arch / 'seed0', report / 'runs' / mode / STORE_FILE)) == m['test_n']
        for split in ('classical', 'classical_val'):
            assert 'prior' in set(load_samples(report / 'runs' / mode / split / 'baselines_samples.parquet').method)
    results = pd.read_csv(report / 'results.csv')
    for mode in ('gnss', 'none'):
        assert set(archs) | {'rss', 'centroid', 'prior', 'CRLB'} <= set(results[results.sync_mode == mode].method)
    assert {'tdoa', 'combined'} <= set(results[results.sync_mode == 'gnss'].method)
    gnss = results[(results.sync_mode == 'gnss') & (results.kind == 'learned')]
    assert gnss.p68_on_tdoa_fixed_m.notna().all() and gnss.tier.notna().all() and (gnss.seed == 0).all()
    assert results[results.kind == 'classical'].seed.isna().all()
    summary = pd.read_csv(report / 'summary.csv')
    learned = summary[(summary.kind == 'learned') & (summary.scenario == 'gnss')]
    for col in ('n_seeds', 'p68_m_mean', 'p68_m_std', 'median_error_over_crlb_mean', 'coverage_68_mean', 'coverage_95_mean', 'coverage_68_raw_mean',
                'gain_on_chain_fixed_pct', 'gain_on_chain_fixed_ci_low_pct', 'gain_on_chain_fixed_ci_high_pct', 'gain_on_tdoa_fixed_ci_low_pct',
                'gain_on_prior_ci_high_pct', 'beats_prior'):
        assert col in summary, col
    assert (learned.gain_on_chain_fixed_ci_low_pct <= learned.gain_on_chain_fixed_pct).all() and (learned.n_seeds == 1).all()
    assert 'gain_on_power_pct' in summary and summary[summary.scenario == 'none'].query("kind == 'learned'").gain_on_power_pct.notna().all()
    text = (report / 'README.md').read_text()
    assert '## Setup' in text and 'Within 2x of the bound' in text and '\\toprule' in (report / 'tables.tex').read_text()
    for name in ('error_cdf', 'tiers', 'scorecard', 'calibration', 'map', 'error_vs_crlb', 'pareto', 'error_vs_snr', 'error_vs_receivers'):
        for mode in ('gnss', 'none'):
            assert (report / 'figures' / f'{name}_{mode}.png').stat().st_size > 1000, (name, mode)
            assert (report / 'figures' / f'{name}_{mode}.pdf').is_file()
    # committed files name no absolute path of this machine
    assert not list((report / 'runs').rglob('predictions.csv')) and not list((report / 'runs').rglob('baselines_samples.csv'))  # per-sample tables are Parquet
    committed = [f for f in report.rglob('*') if f.is_file() and f.suffix in ('.ipynb', '.json', '.csv', '.md', '.tex') and f.name != 'fingerprint.json']
    assert committed and not [f for f in committed if str(ROOT) in f.read_text()], [f for f in committed if str(ROOT) in f.read_text()]
    # resume: a second call finds every run finished and executes none
    again = bench('smoke', report_dir=report, data_dir=data, progress=False, render=False)
    assert again['executed'] == [] and again['runs'] == record['runs'] and again['stages'].get('runs_s') == record['stages'].get('runs_s')


def test_failed_run_is_recorded(tmp_path):
    "A run that raises becomes a metrics.json row with status 'failed' and the error, instead of stopping the benchmark."
    run = Run('triangulation_mlp', 'gnss', tmp_path / 'run', 'run_arch',
              dict(arch='triangulation_mlp', train_store=str(tmp_path / 'missing_train.zarr'), test_store=str(tmp_path / 'missing_test.zarr'),
                   preset='no_such_preset', out=str(tmp_path / 'run')))
    res = execute(run)
    assert res['status'] == 'failed' and 'no_such_preset' in res['error']
    m = json.loads((tmp_path / 'run' / 'metrics.json').read_text())
    assert m['status'] == 'failed' and 'no_such_preset' in m['error'] and not run.done


def test_report_renders_the_committed_cpu_report(tmp_path):
    "report.ipynb defaults to the committed cpu report and re-renders it from the committed runs alone (a fresh clone has no store and no checkpoint), writing only in its report_dir."
    committed = ROOT / 'reports' / 'cpu'
    cells = json.loads((BENCH / 'report.ipynb').read_text())['cells']
    parameters = next(''.join(c['source']) for c in cells if 'parameters' in c.get('metadata', {}).get('tags', []))
    assert "report_dir = '../../reports/cpu'" in parameters and (BENCH / '../../reports/cpu/runs').is_dir()
    copy = tmp_path / 'cpu'
    shutil.copytree(committed, copy, ignore=shutil.ignore_patterns('*.ckpt', '*.onnx', 'fit', 'checkpoints', 'fingerprint.json', 'figures'))
    before = sorted(BENCH.rglob('*'))
    out = run_benchmark('report', tmp_path, report_dir=str(copy), n_boot=50)
    assert sorted(BENCH.rglob('*')) == before  # nothing written beside the notebooks
    figures = {p.name for p in (copy / 'figures').glob('*.png')}
    assert figures == {p.name for p in (committed / 'figures').glob('*.png')} and all((copy / 'figures' / f).stat().st_size > 1000 for f in figures)
    outputs = [o for c in json.loads(out.read_text())['cells'] for o in c.get('outputs', [])]
    assert len([o for o in outputs if 'image/png' in o.get('data', {})]) == len(figures)  # every figure inline
    assert sum('text/markdown' in o.get('data', {}) for o in outputs) >= 2  # the tables and the report text
    fresh, saved = pd.read_csv(copy / 'summary.csv'), pd.read_csv(committed / 'summary.csv')
    assert list(fresh[['scenario', 'method']].itertuples(index=False)) == list(saved[['scenario', 'method']].itertuples(index=False))
    assert (fresh.p68_m_mean - saved.p68_m_mean).abs().max() < 1e-6 * saved.p68_m_mean.abs().max()  # point estimates do not depend on n_boot
