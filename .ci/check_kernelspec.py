"""Fail when a notebook under nbs/ has no kernelspec: JupyterLab would open it with a "Select Kernel" dialog.
Every notebook names the `python3` kernel, which is the Python of the environment JupyterLab runs in (`make lab`)."""
import json
import sys
from pathlib import Path

EXPECTED = {'name': 'python3', 'language': 'python'}


def missing(root: Path) -> list:
    "Notebooks under `root` whose kernelspec is absent or does not name the python3 kernel."
    bad = []
    for path in sorted(root.rglob('*.ipynb')):
        if '.ipynb_checkpoints' in path.parts: continue
        spec = json.loads(path.read_text()).get('metadata', {}).get('kernelspec') or {}
        if any(spec.get(k) != v for k, v in EXPECTED.items()): bad.append(f'{path}: kernelspec {spec or None!r}, expected {EXPECTED}')
    return bad


if __name__ == '__main__':
    bad = missing(Path(sys.argv[1] if len(sys.argv) > 1 else 'nbs'))
    for line in bad: print(line)
    if bad: sys.exit(f'{len(bad)} notebook(s) without the python3 kernelspec')
    print('every notebook has the python3 kernelspec')
