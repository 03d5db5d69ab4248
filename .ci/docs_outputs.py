"""Execute notebooks the way `nbdev_test` does (cells marked `#| eval: false` or with a flag of settings.ini's
`tst_flags` are skipped, their outputs cleared) and save them with their outputs: the committed notebooks are the
docs. Figures are PNG at the notebooks' own dpi. Then `nbdev_clean` strips execution counts and metadata and
`.ci/check_outputs.py` refuses machine paths in the outputs.

Usage: `make docs-outputs` (every numbered notebook and index, two at a time), or
`python .ci/docs_outputs.py nbs/07c_dcf77.ipynb ...`."""
import os, pathlib, re, sys, time
from concurrent.futures import ProcessPoolExecutor

ROOT = pathlib.Path(__file__).resolve().parent.parent

def _flags() -> set:
    text = (ROOT / 'settings.ini').read_text()
    m = re.search(r'^tst_flags\s*=\s*(.*)$', text, re.M)
    return set(m.group(1).split()) if m else set()

def _directives(source:str) -> dict:
    "The cell's leading `#| key: value` lines as {key: value}."
    out = {}
    for line in source.splitlines():
        if not line.startswith('#|'): break
        key, _, value = line[2:].strip().partition(' ')
        out[key.rstrip(':')] = value.strip()
    return out

def _portable(text:str) -> str:
    "`text` with this machine's repository, environment and temporary-folder paths replaced by `<repo>`, `<venv>`, `<tmp>`."
    import tempfile
    for prefix, name in ((sys.prefix, '<venv>'), (str(ROOT), '<repo>')): text = text.replace(prefix, name)
    return re.sub(re.escape(tempfile.gettempdir()) + r'/[\w.-]+', '<tmp>', text)

def execute(path:str) -> tuple:
    "Run every cell of the notebook at `path` that nbdev_test would run and write the outputs into it; (path, seconds)."
    from execnb.nbio import read_nb, write_nb
    from execnb.shell import CaptureShell
    from fastcore.xtras import working_directory
    import multiprocessing
    multiprocessing.set_start_method('fork', force=True)  # this process was spawned: give the notebooks' DataLoader workers Linux's default back
    path, flags, started = pathlib.Path(path).resolve(), _flags(), time.perf_counter()
    nb = read_nb(path)
    def skip(cell):
        if cell.cell_type != 'code': return True
        cell.outputs = []  # a cell that now prints nothing must not keep its old outputs
        d = _directives(cell.source)
        if d.get('eval', '').lower() == 'false' or flags & d.keys(): return True
        return False
    shell = CaptureShell(path, mpl_format='png')
    with working_directory(path.parent):
        shell.run_all(nb, exc_stop=True, preproc=skip)
    for cell in nb.cells:  # printed temporary folders and library paths in warnings are this machine's: say what they are instead
        for out in cell.get('outputs', []):
            if out.get('output_type') == 'stream': out['text'] = _portable(''.join(out['text']))
            for key in ('text/plain', 'text/html', 'text/markdown'):
                if key in out.get('data', {}): out['data'][key] = _portable(''.join(out['data'][key]))
    write_nb(nb, path)
    return str(path.relative_to(ROOT)), time.perf_counter() - started

if __name__ == '__main__':
    os.environ.setdefault('OMP_NUM_THREADS', '1')
    os.environ['IN_TEST'] = '1'  # as under nbdev_test
    paths = sys.argv[1:] or [str(p) for p in sorted((ROOT / 'nbs').glob('[0-9]*.ipynb'))] + [str(ROOT / 'nbs' / 'index.ipynb')]
    # a fresh process per notebook (as nbdev_test): IPython's shell replaces sys.modules['__main__'], so a reused one can't unpickle the next task
    with ProcessPoolExecutor(2, max_tasks_per_child=1) as pool:
        for name, seconds in pool.map(execute, paths):
            print(f'{name}: {seconds:.0f} s', flush=True)
