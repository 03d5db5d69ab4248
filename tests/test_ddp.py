"""`heimdall.train.fit` with DDP on CPU (gloo, two processes) against a one-process run of the same model and store."""
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from heimdall.simulate import get_preset
from heimdall.store import build_store

ARCH = 'triangulation_mlp'

# Lightning's DDP launcher starts rank 1 by running this script again, so it must be a file (not `python -c`).
SCRIPT = '''
import json, pathlib, sys
import torch
from pytorch_lightning.utilities import rank_zero_only
from heimdall.train import fit

if __name__ == '__main__':
    torch.set_num_threads(1)
    store, out, mode = sys.argv[1:4]
    parallel = dict(strategy='ddp', devices=2) if mode == 'ddp' else dict(devices=1)
    r = fit(ARCH, store, epochs=2, batch_size=32, lr=3e-3, out=out, seed=0, accelerator='cpu', **parallel)
    if rank_zero_only.rank == 0:
        ckpt = torch.load(r.last_ckpt, map_location='cpu', weights_only=False)
        (pathlib.Path(out) / 'result.json').write_text(json.dumps(dict(
            best_ckpt=str(r.best_ckpt), last_ckpt=str(r.last_ckpt), metrics=r.metrics, epochs=r.epochs,
            global_step=ckpt['global_step'], train_samples_per_s=r.train_samples_per_s)))
'''.replace('ARCH', repr(ARCH))


@pytest.fixture(scope='module')
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp('ddp') / 'small.zarr'
    return build_store(path, get_preset('websdr_gnss').replace(n_time=256), 512, seed=0, chunk_size=64, progress=False)


def train(store: Path, out: Path, mode: str) -> dict:
    "Run the training script in a fresh interpreter in `mode` 'ddp' or 'single'; return rank 0's result."
    script = out.parent / 'train_script.py'
    script.write_text(SCRIPT)
    r = subprocess.run([sys.executable, str(script), str(store), str(out), mode], capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stderr[-4000:]
    return json.loads((out / 'result.json').read_text())


def test_ddp_two_processes_on_cpu(store, tmp_path):
    single = train(store, tmp_path / 'single', 'single')
    ddp = train(store, tmp_path / 'ddp', 'ddp')
    for r in (single, ddp):
        assert Path(r['best_ckpt']).is_file() and Path(r['last_ckpt']).is_file()
        assert r['epochs'] == 2
        assert math.isfinite(r['metrics']['val_loss']) and math.isfinite(r['metrics']['val_p50_m'])
    # each of the two processes trains on half of the training split per epoch: half the optimiser steps
    assert ddp['global_step'] * 2 in (single['global_step'], single['global_step'] + 2), (ddp['global_step'], single['global_step'])
    # same model, store, seeds and epochs: the validation loss is of the same order
    assert abs(ddp['metrics']['val_loss'] - single['metrics']['val_loss']) < 1.0 + 0.5 * abs(single['metrics']['val_loss']), \
        (ddp['metrics'], single['metrics'])
