"""Stores on S3: a local S3 server (moto in server mode on 127.0.0.1, started and stopped here) holds a store whose build
is killed, resumed and opened there, and it ends bit-identical to the same store built on the local disk. `heimdall-bench
--data-dir s3://...` builds its stores there on a dask cluster and every run reads them from there, with the results of
a local run. A missing bucket, missing credentials and a bucket the credentials may not access are one-line errors, in the
library and in the CLIs."""
import contextlib, io, json, logging, os, signal, subprocess, sys


import pytest
import zarr

from conftest import assert_same_results
from heimdall.bench import bench_main
from heimdall.cli import simulate_main
from heimdall.simulate import PRESETS
from heimdall.store import StoreError, _read_progress, _root_attrs, store_location, build_store, open_store, store_fingerprint

CFG = PRESETS['websdr_gnss'].replace(n_time=64)  # a small store of 8 chunks: several before and after the kill
N, CHUNK, SEED = 128, 16, 3
BUCKET = 'heimdall-test'
NO_CREDENTIALS = 'no credentials were found (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)'


def _clear_s3fs_cache():
    "s3fs caches its clients, with the endpoint and credentials they were made with."
    import s3fs
    s3fs.S3FileSystem.clear_instance_cache()


@pytest.fixture(scope='module')
def endpoint():
    "The address of a moto S3 server on 127.0.0.1, for this module's tests."
    from moto.server import ThreadedMotoServer
    logging.getLogger('werkzeug').setLevel(logging.ERROR)  # no line per request
    server = ThreadedMotoServer(ip_address='127.0.0.1', port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try: yield f'http://{host}:{port}'
    finally: server.stop()


@pytest.fixture
def s3(endpoint, monkeypatch, tmp_path):
    "The URL of the bucket `BUCKET` on the moto server; fake credentials and its endpoint only in this test's environment."
    for var in ('AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL_S3'): monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv('AWS_SHARED_CREDENTIALS_FILE', str(tmp_path / 'no-credentials'))  # never the user's ~/.aws
    monkeypatch.setenv('AWS_CONFIG_FILE', str(tmp_path / 'no-config'))
    monkeypatch.setenv('AWS_EC2_METADATA_DISABLED', 'true')
    monkeypatch.setenv('AWS_ACCESS_KEY_ID', 'testing')
    monkeypatch.setenv('AWS_SECRET_ACCESS_KEY', 'testing')
    monkeypatch.setenv('AWS_DEFAULT_REGION', 'us-east-1')
    monkeypatch.setenv('AWS_ENDPOINT_URL', endpoint)
    _clear_s3fs_cache()
    fs = store_location(f's3://{BUCKET}').fs
    if not fs.exists(BUCKET): fs.mkdir(BUCKET)
    try: yield f's3://{BUCKET}'
    finally: _clear_s3fs_cache()


@pytest.fixture(scope='module')
def local(tmp_path_factory):
    "The reference store, built on the local disk."
    return build_store(tmp_path_factory.mktemp('local') / 'local.zarr', CFG, N, SEED, chunk_size=CHUNK, progress=False)


def _variables_and_attrs(ds) -> dict:
    "Every variable's values and the attributes but the creation time, to compare two stores."
    return {'attrs': {k: v for k, v in ds.attrs.items() if k != 'created_utc'},
            **{name: ds[name].values for name in ds.variables}}


def _assert_same(a: dict, b: dict):
    assert a.keys() == b.keys()
    assert a['attrs'] == b['attrs']
    for name in a:
        if name != 'attrs': assert a[name].dtype == b[name].dtype and (a[name].tobytes() == b[name].tobytes()), name


def test_killed_build_on_s3_resumes_bit_identical(s3, local):
    url = f'{s3}/stores/killed.zarr'
    # the build SIGKILLs itself right after its progress record says 2 chunks: a real kill mid-build, at a point no machine's speed moves
    code = (f"import os, signal; import heimdall.store as hs; from heimdall.simulate import PRESETS\n"
            f"record = hs._write_progress\n"
            f"def write_then_die(path, done, n):\n"
            f"    record(path, done, n)\n"
            f"    if len(done) >= 2: os.kill(os.getpid(), signal.SIGKILL)\n"
            f"hs._write_progress = write_then_die\n"
            f"hs.build_store({url!r}, PRESETS['websdr_gnss'].replace(n_time=64), {N}, {SEED}, chunk_size={CHUNK}, progress=False)")
    proc = subprocess.run([sys.executable, '-c', code], env=os.environ.copy(), timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.returncode
    path = store_location(url)
    done = len(_read_progress(path)['chunks_done'])
    assert 2 <= done < N // CHUNK and _root_attrs(path)['complete'] is False
    with pytest.raises(StoreError, match=f"{url}: incomplete store \\({done} of {N // CHUNK} chunks written\\)"): open_store(url)
    with pytest.raises(StoreError, match='seed: store 3 != asked 4'): build_store(url, CFG, N, SEED + 1, chunk_size=CHUNK, progress=False)
    assert str(build_store(url, CFG, N, SEED, chunk_size=CHUNK, progress=False)) == url
    assert not (path / 'heimdall_progress.json').exists()
    _assert_same(_variables_and_attrs(open_store(url)), _variables_and_attrs(open_store(local)))
    assert store_fingerprint(url) == store_fingerprint(local)  # every array file byte for byte


def test_skeleton_cut_short_on_s3_is_built_again(s3, local):
    "A build killed while it created the store in place (Heimdall attributes, no progress record yet) starts over there."
    url = f'{s3}/stores/cut.zarr'
    zarr.open_group(url, mode='w', zarr_format=3, attributes={**_root_attrs(local), 'complete': False})
    with pytest.raises(StoreError, match='incomplete store'): open_store(url)
    build_store(url, CFG, N, SEED, chunk_size=CHUNK, progress=False)
    assert store_fingerprint(url) == store_fingerprint(local)


def _main(*args, main=simulate_main) -> tuple[int, str]:
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        try: code = main(list(args))
        except SystemExit as e: code = e.code
    return code, stderr.getvalue()


def test_cli_writes_to_s3(s3):
    url = f'{s3}/cli.zarr'
    assert _main('--preset', 'websdr_gnss', '--n', '16', '--out', url, '--quiet', '--chunk-size', '8') == (0, '')
    assert open_store(url).sizes['sample'] == 16


def test_missing_bucket_and_no_credentials(s3, monkeypatch):
    url = 's3://no-such-bucket/x.zarr'
    why = "the bucket 'no-such-bucket' does not exist"
    for call in (lambda: build_store(url, CFG, 8, 0, progress=False), lambda: open_store(url)):
        with pytest.raises(StoreError) as e: call()
        assert str(e.value) == f"path={url!r}: {why}"
    code, stderr = _main('--preset', 'websdr_gnss', '--n', '4', '--out', url, '--quiet')
    assert (code, stderr) == (2, f'heimdall-simulate: error: argument --out: {url} cannot be written: {why}\n')
    code, stderr = _main('--profile', 'smoke', '--no-report', '--data-dir', url, main=bench_main)
    assert (code, stderr) == (2, f'heimdall-bench: error: argument --data-dir: {url} cannot be written: {why}\n')

    monkeypatch.delenv('AWS_ACCESS_KEY_ID'); monkeypatch.delenv('AWS_SECRET_ACCESS_KEY')
    _clear_s3fs_cache()
    url = f'{s3}/x.zarr'
    with pytest.raises(StoreError) as e: build_store(url, CFG, 8, 0, progress=False)
    assert str(e.value) == f"path={url!r}: {NO_CREDENTIALS}"
    code, stderr = _main('--preset', 'websdr_gnss', '--n', '4', '--out', url, '--quiet')
    assert (code, stderr) == (2, f'heimdall-simulate: error: argument --out: {url} cannot be written: {NO_CREDENTIALS}\n')


def test_bucket_the_credentials_may_not_access(s3, endpoint, monkeypatch):
    "A bucket that exists but that these credentials may not access (an IAM user without permissions, moto enforcing IAM): one line that says so, not 'does not exist'."
    import boto3, requests
    iam = boto3.client('iam', endpoint_url=endpoint, region_name='us-east-1')
    iam.create_user(UserName='no-permissions')
    key = iam.create_access_key(UserName='no-permissions')['AccessKey']
    requests.post(f'{endpoint}/moto-api/reset-auth', data=b'0', timeout=30).raise_for_status()  # from now on moto checks every request against IAM
    try:
        monkeypatch.setenv('AWS_ACCESS_KEY_ID', key['AccessKeyId']); monkeypatch.setenv('AWS_SECRET_ACCESS_KEY', key['SecretAccessKey'])
        _clear_s3fs_cache()
        url = f'{s3}/denied.zarr'
        why = f"these credentials may not access the bucket {BUCKET!r} (access denied)"
        for call in (lambda: build_store(url, CFG, 8, 0, progress=False), lambda: open_store(url)):
            with pytest.raises(StoreError) as e: call()
            assert str(e.value) == f"path={url!r}: {why}"
        code, stderr = _main('--preset', 'websdr_gnss', '--n', '4', '--out', url, '--quiet')
        assert (code, stderr) == (2, f'heimdall-simulate: error: argument --out: {url} cannot be written: {why}\n')
    finally:
        requests.post(f'{endpoint}/moto-api/reset-auth', data=b'inf', timeout=30)  # the other tests' server: no IAM checks
        _clear_s3fs_cache()


def test_bench_with_stores_on_s3(s3, smoke_local, tmp_path):
    "`heimdall-bench --data-dir s3://...` on a local dask cluster: stores built there by the workers, runs reading them there, the results of the local run; a second call reuses every run."
    data = f'{s3}/bench-data'
    argv = ['--profile', 'smoke', '--archs', 'triangulation_mlp', '--modes', 'gnss', '--no-report', '--report-dir', str(tmp_path / 'reports'), '--data-dir', data]
    assert _main(*argv, '--scheduler', 'local:1', main=bench_main)[0] == 0
    record = json.loads((tmp_path / 'reports' / 'bench.json').read_text())
    assert record['stores']['gnss'] == {'train': f'{data}/smoke/websdr_gnss_train.zarr', 'test': f'{data}/smoke/websdr_gnss_test.zarr',
                                       'calib': f'{data}/smoke/websdr_gnss_calib.zarr'}
    assert {k: r['status'] for k, r in record['runs'].items()} == {
        'gnss/classical': 'ok', 'gnss/classical_val': 'ok', 'gnss/triangulation_mlp/seed0': 'ok'}, record['runs']
    local_reports, local_data = smoke_local
    for name in ('websdr_gnss_train.zarr', 'websdr_gnss_test.zarr', 'websdr_gnss_calib.zarr'):
        assert store_fingerprint(f'{data}/smoke/{name}') == store_fingerprint(local_data / 'smoke' / name)
    assert_same_results(local_reports, tmp_path / 'reports')
    metrics = json.loads((tmp_path / 'reports' / 'runs' / 'gnss' / 'triangulation_mlp' / 'seed0' / 'metrics.json').read_text())
    assert metrics['test_store'] == f'{data}/smoke/websdr_gnss_test.zarr'  # the run read its stores on S3
    assert _main(*argv, main=bench_main)[0] == 0  # this machine's thread pool now: the stores on S3 carry the same fingerprints
    assert json.loads((tmp_path / 'reports' / 'bench.json').read_text())['executed'] == []
