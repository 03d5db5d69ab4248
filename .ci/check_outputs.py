"""Fail when a committed notebook's outputs hold a machine's absolute path (a temporary directory, a home or the
checkout): the notebooks are the docs, and a reader's clone has none of them. Prints the size of nbs/ and of its
images."""
import base64, json, pathlib, re, sys

MACHINE_PATH = re.compile(r'(?<![\w.])/(?:tmp|work|home|root|Users|var/folders|private)/[\w.-]')

def scan(root:pathlib.Path) -> tuple:
    "([(notebook, cell id, the offending text)], total image bytes) of the notebooks under `root`."
    bad, image_bytes = [], 0
    for path in sorted(root.rglob('*.ipynb')):
        if '.ipynb_checkpoints' in path.parts: continue
        for cell in json.loads(path.read_text(encoding='utf-8')).get('cells', []):
            for out in cell.get('outputs', []):
                texts = [out.get('text', '')] + [v for k, v in out.get('data', {}).items() if k.startswith('text/')]
                texts += [out.get('evalue', '')] + out.get('traceback', [])
                for t in texts:
                    t = ''.join(t) if isinstance(t, list) else t
                    m = MACHINE_PATH.search(t)
                    if m: bad.append((str(path), cell.get('id'), t[max(0, m.start() - 40):m.end() + 40]))
                image_bytes += sum(len(base64.b64decode(v)) for k, v in out.get('data', {}).items() if k.startswith('image/'))
    return bad, image_bytes

if __name__ == '__main__':
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else 'nbs')
    bad, image_bytes = scan(root)
    for path, cid, text in bad: print(f'{path} cell {cid}: machine path in an output: {text!r}')
    size = sum(p.stat().st_size for p in root.rglob('*.ipynb'))
    print(f'{root}: notebooks {size / 2**20:.1f} MiB, of which images {image_bytes / 2**20:.1f} MiB')
    if bad: sys.exit(f'{len(bad)} output(s) with a machine path: print paths relative to the notebook')
