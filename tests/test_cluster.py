"""`heimdall-bench --scheduler` on a real dask cluster: a scheduler and two workers started as separate `dask` processes
on 127.0.0.1, one of them killed while it trains. Every run must still finish, the classical rows must equal a local
run's exactly and the learned rows must match them to float tolerance; the stores are built on the cluster."""
import json, os, signal, socket, subprocess, sys, threading, time
from pathlib import Path

import pytest

from conftest import assert_same_results
from heimdall.bench import bench_main
from heimdall.store import store_fingerprint


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def start(*args, cwd) -> subprocess.Popen:
    "A `dask` command in its own session (so the test can kill it alone), from another working directory than the client's."
    return subprocess.Popen([sys.executable, '-m', 'dask', *args], cwd=cwd, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture
def cluster(tmp_path):
    port = free_port()
    address = f'tcp://127.0.0.1:{port}'
    procs = [start('scheduler', '--host', '127.0.0.1', '--port', str(port), '--no-dashboard', cwd=tmp_path)]
    procs += [start('worker', address, '--nthreads', '1', '--no-nanny', '--no-dashboard', '--name', f'w{k}', cwd=tmp_path) for k in range(2)]
    try: yield address
    finally:
        for p in procs:
            try: os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError: pass
            p.wait()


def kill_worker_running(address: str, run_dir: Path, timeout_s=300.0) -> str:
    "Once the training of the run in `run_dir` has started, SIGKILL the worker process that runs it; its name."
    from distributed import Client
    t0 = time.monotonic()
    while not (run_dir / 'fit').is_dir():
        if time.monotonic() - t0 > timeout_s: raise TimeoutError(f'{run_dir} never started training')
        time.sleep(0.2)
    with Client(address, timeout=30) as client:
        busy = [w for w, keys in client.processing().items() if any('triangulation_mlp' in str(k) for k in keys)]
        assert len(busy) == 1, client.processing()
        info = client.scheduler_info(n_workers=-1)['workers'][busy[0]]
        pid = client.run(os.getpid, workers=busy)[busy[0]]
    os.kill(pid, signal.SIGKILL)
    return info['name']


def test_bench_on_dask_cluster(tmp_path, cluster, smoke_local):
    (local_reports, local_data), remote = smoke_local, tmp_path / 'cluster'

    outcome = {}
    argv = ['--profile', 'smoke', '--archs', 'triangulation_mlp', '--modes', 'gnss', '--no-report', '--scheduler', cluster,
            '--report-dir', str(remote / 'reports'), '--data-dir', str(remote / 'data')]
    runner = threading.Thread(target=lambda: outcome.setdefault('code', bench_main(argv)))
    runner.start()
    killed = kill_worker_running(cluster, remote / 'reports' / 'runs' / 'gnss' / 'triangulation_mlp' / 'seed0')
    runner.join(timeout=900)
    assert not runner.is_alive() and outcome['code'] == 0, outcome
    assert killed in ('w0', 'w1')

    record = json.loads((remote / 'reports' / 'bench.json').read_text())
    assert record['scheduler'] == cluster
    assert {k: r['status'] for k, r in record['runs'].items()} == {
        'gnss/classical': 'ok', 'gnss/classical_val': 'ok', 'gnss/triangulation_mlp/seed0': 'ok'}, record['runs']
    for name in ('websdr_gnss_train.zarr', 'websdr_gnss_test.zarr', 'websdr_gnss_calib.zarr'):  # built on the cluster, the same store
        assert store_fingerprint(remote / 'data' / 'smoke' / name) == store_fingerprint(local_data / 'smoke' / name)
    assert_same_results(local_reports, remote / 'reports')


def test_scheduler_errors(tmp_path, capsys):
    "Bad scheduler addresses: one line on stderr, exit 2, naming the address and what was expected."
    port = free_port()
    for address, expected in ((f'tcp://127.0.0.1:{port}', 'no dask scheduler answered there'), ('local:x', 'expected local:N')):
        with pytest.raises(SystemExit) as e:
            bench_main(['--profile', 'smoke', '--no-report', '--scheduler', address, '--report-dir', str(tmp_path / 'reports'), '--data-dir', str(tmp_path / 'data')])
        assert e.value.code == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and address in err and expected in err, err


def test_killed_run_resumes_from_its_last_checkpoint(tmp_path):
    "A run whose papermill is killed after an epoch is 'killed'; the next attempt of the same run resumes its training from last.ckpt."
    import dataclasses, psutil
    from heimdall.bench import ensure_stores, execute, get_profile, plan_runs
    profile = dataclasses.replace(get_profile('smoke'), epochs=3)
    stores = ensure_stores(profile, ['gnss'], tmp_path / 'data')
    run = [r for r in plan_runs(profile, stores, ['triangulation_mlp'], tmp_path / 'reports') if r.arch == 'triangulation_mlp'][0]
    result = {}
    attempt = threading.Thread(target=lambda: result.update(execute(run)))
    attempt.start()
    t0 = time.monotonic()
    while not list((run.out / 'fit').glob('*/version_*/checkpoints/last.ckpt')):
        assert attempt.is_alive() and time.monotonic() - t0 < 300, result
        time.sleep(0.05)
    for p in psutil.Process().children(recursive=True):
        if any('papermill' in part for part in p.cmdline()): p.send_signal(signal.SIGKILL)
    attempt.join(timeout=120)
    assert result['status'] == 'killed' and 'SIGKILL' in result['error'], result
    assert run.stale() == "status 'killed'"
    again = execute(run)
    assert again['status'] == 'ok' and again['resumed'], again
    metrics = json.loads((run.out / 'metrics.json').read_text())
    assert 1 <= metrics['resumed_from_epoch'] <= 3 and metrics['epochs'] == 3, metrics
    assert execute(run)['status'] == 'skipped'  # finished: never trained twice
