"""The committed benchmark report as saved outputs of nbs/benchmarks/report.ipynb, so that JupyterLab (`make lab`, rooted at
nbs/) shows it on a fresh clone without running anything.

`python .ci/report_outputs.py` copies the outputs of the rendered copy `reports/cpu/report.ipynb` (which `heimdall-bench` and
`make report-render` write with papermill) into the code cells of nbs/benchmarks/report.ipynb with the same id; the notebook's
sources stay as they are, and they must be the ones that rendered the copy.

`python .ci/report_outputs.py --check` (part of `make sync-check`, so of `make test`) fails when those saved outputs are missing
or stale against reports/cpu: the notebook's code differs from the code that rendered reports/cpu/report.ipynb; the text of its
markdown outputs differs from reports/cpu/README.md (figure links aside); or the figures it shows are not, one for one and in
order, the PNG files under reports/cpu/figures (each inline figure names its file and the file's SHA-256 in its output metadata)."""
import argparse, hashlib, json, pathlib, sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / 'nbs' / 'benchmarks' / 'report.ipynb'
REPORT = ROOT / 'reports' / 'cpu'  # the notebook's default report_dir

def _code(nb:dict) -> dict:
    "{cell id: source} of the code cells, papermill's injected parameters aside."
    return {c['id']: ''.join(c['source']) for c in nb['cells']
            if c['cell_type'] == 'code' and 'injected-parameters' not in c.get('metadata', {}).get('tags', [])}

def _lines(text:str) -> list:
    "The non-blank lines of markdown `text`, without figure links, right-stripped."
    return [line.rstrip() for line in text.splitlines() if line.strip() and not line.startswith('![')]

def problems(nb_path:pathlib.Path=NOTEBOOK, report:pathlib.Path=REPORT) -> list:
    "What is missing or stale in the saved outputs of `nb_path` against `report` (empty: in sync)."
    nb = json.loads(nb_path.read_text(encoding='utf-8'))
    outputs = [o for c in nb['cells'] if c['cell_type'] == 'code' for o in c.get('outputs', [])]
    if not outputs: return [f'{nb_path.relative_to(ROOT)} has no saved outputs: run `python .ci/report_outputs.py` (or `make report-render`)']
    bad = []
    rendered = report / 'report.ipynb'
    if not rendered.is_file(): bad.append(f'{rendered.relative_to(ROOT)} is missing: `make report-render` writes it')
    elif _code(json.loads(rendered.read_text(encoding='utf-8'))) != _code(nb):
        bad.append(f'the code of {nb_path.relative_to(ROOT)} is not the code that rendered {report.relative_to(ROOT)}: `make report-render`')
    shown = '\n'.join(''.join(o['data']['text/markdown']) for o in outputs if 'text/markdown' in o.get('data', {}))
    readme = (report / 'README.md').read_text(encoding='utf-8')
    a, b = _lines(shown), _lines(readme)
    if a != b:
        i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        bad.append(f'the markdown outputs differ from {(report / "README.md").relative_to(ROOT)} at line {i + 1} of its text: '
                   f'{(a[i] if i < len(a) else "<end>")[:100]!r} shown, {(b[i] if i < len(b) else "<end>")[:100]!r} in the report')
    figures = [o['metadata']['heimdall_figure'] for o in outputs if 'image/png' in o.get('data', {})
               and 'heimdall_figure' in o.get('metadata', {})]
    unlabelled = sum('image/png' in o.get('data', {}) for o in outputs) - len(figures)
    if unlabelled: bad.append(f'{unlabelled} inline figure(s) without the heimdall_figure label (file, sha256) in their metadata')
    files = sorted(p.name for p in (report / 'figures').glob('*.png'))
    if sorted(pathlib.Path(f['file']).name for f in figures) != files:
        bad.append(f'the figures shown ({len(figures)}) are not the {len(files)} PNG files of {(report / "figures").relative_to(ROOT)}')
    for f in figures:
        path = report / f['file']
        if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() != f['sha256']:
            bad.append(f'{path.relative_to(ROOT)} changed since the notebook showed it')
    linked = [line[line.index('](') + 2:-1] for line in readme.splitlines() if line.startswith('![')]
    if linked != [f['file'] for f in figures]: bad.append('README.md links other figures, or in another order, than the notebook shows')
    return bad

def copy_outputs(nb_path:pathlib.Path=NOTEBOOK, report:pathlib.Path=REPORT) -> int:
    "Copy the outputs of `report`/report.ipynb into the code cells of `nb_path` with the same id and source; the number of cells filled."
    nb = json.loads(nb_path.read_text(encoding='utf-8'))
    rendered = {c['id']: c for c in json.loads((report / 'report.ipynb').read_text(encoding='utf-8'))['cells']}
    filled = 0
    for c in nb['cells']:
        if c['cell_type'] != 'code': continue
        r = rendered.get(c['id'])
        if r is None or ''.join(r['source']) != ''.join(c['source']):
            sys.exit(f'cell {c["id"]} of {nb_path.relative_to(ROOT)} is not the cell that rendered {report.relative_to(ROOT)}: '
                     'render again (`make report-render`)')
        c['outputs'] = [{k: v for k, v in o.items() if k != 'execution_count'} | ({'execution_count': None} if o['output_type'] == 'execute_result' else {})
                        for o in r.get('outputs', [])]
        c['execution_count'] = None
        filled += bool(c['outputs'])
    nb_path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
    return filled

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true', help='fail when the saved outputs are missing or stale against reports/cpu')
    parser.add_argument('report', nargs='?', default=str(REPORT), help='the rendered report folder (default reports/cpu)')
    a = parser.parse_args()
    report = pathlib.Path(a.report).resolve()
    if report != REPORT:  # the notebook shows its default report only
        print(f'{a.report}: not reports/cpu, the report nbs/benchmarks/report.ipynb shows; nothing to do')
        sys.exit(0)
    if a.check:
        bad = problems(NOTEBOOK, report)
        for line in bad: print(line)
        if bad: sys.exit(f'{len(bad)} problem(s): nbs/benchmarks/report.ipynb does not show reports/cpu')
        print('nbs/benchmarks/report.ipynb shows reports/cpu (tables and every figure)')
    else:
        print(f'{NOTEBOOK.relative_to(ROOT)}: outputs of {copy_outputs(NOTEBOOK, report)} cells copied from {(report / "report.ipynb").relative_to(ROOT)}')
