"""Build the documentation site into _docs/site (git-ignored): the numbered notebooks with their committed outputs
(mkdocs-jupyter, not executed), the committed benchmark report, and the API reference of every exported name
(nbdev's own `show_doc` markdown: signature with its docments, docstring).

nbdev 2's site builder needs Quarto, which cannot be installed on these machines. Usage: `make docs`, then open
_docs/site/index.html from disk: mkdocs-material's `offline` plugin makes search work from file:// (no server needed);
`python .ci/docs.py --profile cpu` picks the report.

The notebooks are shown as a reader needs them: the navigation names each one with its number and its `# Title`,
cells marked `#| hide` are left out, and the other `#|` directives (`#| export`, `#| default_exp`, ...) are removed from
the code shown."""
import argparse, importlib, inspect, json, os, pathlib, re, shutil, subprocess, sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / '_docs'

def title(nb_path:pathlib.Path) -> str:
    "The notebook's `# Title` (its first markdown heading), else its file name."
    for cell in json.loads(nb_path.read_text(encoding='utf-8'))['cells']:
        m = re.search(r'^#\s+(.+)$', ''.join(cell['source']), re.M) if cell['cell_type'] == 'markdown' else None
        if m: return m.group(1).strip()
    return nb_path.stem

def _directive(line:str) -> bool: return line.lstrip().startswith('#|')

def reader_copy(src:pathlib.Path, dst:pathlib.Path):
    "Write the notebook `src` to `dst` as the site shows it: no `#| hide` cell, no `#|` directive line in the code shown."
    nb = json.loads(src.read_text(encoding='utf-8'))
    cells = []
    for cell in nb['cells']:
        if cell['cell_type'] == 'code':
            lines = ''.join(cell['source']).splitlines(keepends=True)
            head = [l.strip() for l in lines if _directive(l)]
            if any(h.replace(' ', '').startswith('#|hide') for h in head): continue
            body = [l for l in lines if not _directive(l)]
            if not ''.join(body).strip() and not cell.get('outputs'): continue
            cell = dict(cell, source=body)
        cells.append(cell)
    dst.write_text(json.dumps(dict(nb, cells=cells), ensure_ascii=False), encoding='utf-8')

def nav_title(nb_path:pathlib.Path) -> str:
    "The navigation entry of a numbered notebook: its number, then its title (`02a Bounds`, `16a Ensembles ...`)."
    return f'{nb_path.stem.split("_")[0]} {title(nb_path)}'

def api_page(module:str) -> str:
    "Markdown of every name in `heimdall.<module>.__all__`, rendered as nbdev's `show_doc` does in the notebooks."
    from nbdev.showdoc import BasicMarkdownRenderer
    mod = importlib.import_module(f'heimdall.{module}')
    parts = [f'# heimdall.{module}', (mod.__doc__ or '').strip()]
    for name in getattr(mod, '__all__', []):
        obj = getattr(mod, name)
        if not callable(obj): continue  # constants are documented in their notebook's prose
        try: md = BasicMarkdownRenderer(obj)._repr_markdown_()
        except ValueError:  # docments cannot compare an array default: the signature as Python prints it
            md = f'### {name}\n\n```python\n{name}{inspect.signature(obj)}\n```\n\n*{inspect.getdoc(obj) or ""}*'
        parts.append(re.sub(r'^\[source\]\(.*$\n?', '', md, flags=re.M).strip())  # no link to a repository host
    return '\n\n'.join(p for p in parts if p) + '\n'

# the report's tables on a laptop's screen: the page uses the window's width (material stops at 61rem, a 720 px content column
# at 1366 px), and tighter cells, so no headline table is cut off (tests/test_docs.py)
TABLE_CSS = '''.md-grid { max-width: 90rem; }
.md-typeset table:not([class]) { font-size: .6rem; }
.md-typeset table:not([class]) th, .md-typeset table:not([class]) td { padding: .4em .4em; }
'''

def build(profile:str='cpu') -> pathlib.Path:
    src = OUT / 'src'
    shutil.rmtree(OUT, ignore_errors=True)
    (src / 'notebooks').mkdir(parents=True)
    reader_copy(ROOT / 'nbs' / 'index.ipynb', src / 'index.ipynb')
    home = (src / 'index.ipynb').read_text(encoding='utf-8')  # the README's links to the committed report point at its page here
    home = re.sub(rf'\]\(reports/{profile}/((?:[\w-]+/)*)README\.md\)', r'](report/\1index.html)', home)  # mkdocs-jupyter keeps links as written
    (src / 'index.ipynb').write_text(home, encoding='utf-8')
    nbs = sorted(p for p in (ROOT / 'nbs').glob('[0-9]*.ipynb'))
    for p in nbs: reader_copy(p, src / 'notebooks' / p.name)
    nav = [{'Home': 'index.ipynb'}, {'Notebooks': [{nav_title(p): f'notebooks/{p.name}'} for p in nbs]}]
    report = ROOT / 'reports' / profile
    if (report / 'README.md').is_file():
        shutil.copytree(report, src / 'report', ignore=shutil.ignore_patterns('runs', '*.ipynb', '*.pdf', '*.csv', '*.json', '*.tex'))
        nav.append({'Benchmark report': f'report/README.md'})
    modules = sorted(m for m in json.loads(json.dumps(importlib.import_module('heimdall._modidx').d['syms'])) if m.startswith('heimdall.'))
    (src / 'api').mkdir()
    for m in modules:
        name = m[len('heimdall.'):]
        (src / 'api' / f'{name}.md').write_text(api_page(name), encoding='utf-8')
    nav.append({'API reference': [{m: f'api/{m[len("heimdall."):]}.md'} for m in modules]})
    (src / 'stylesheets').mkdir()
    (src / 'stylesheets' / 'extra.css').write_text(TABLE_CSS, encoding='utf-8')
    config = dict(site_name='Heimdall', docs_dir='src', site_dir='site', use_directory_urls=False, extra_css=['stylesheets/extra.css'],
                  theme=dict(name='material'), markdown_extensions=['tables', 'fenced_code', 'attr_list'],
                  # offline: the search index ships inside the pages, so search works when the site is opened from disk (file://)
                  plugins=['search', 'offline', {'mkdocs-jupyter': dict(execute=False, include_source=True, ignore_h1_titles=True)}], nav=nav)
    (OUT / 'mkdocs.yml').write_text(json.dumps(config, indent=1), encoding='utf-8')  # JSON is YAML
    env = dict(os.environ, NO_MKDOCS_2_WARNING='1')
    subprocess.run([sys.executable, '-m', 'mkdocs', 'build', '--quiet', '-f', 'mkdocs.yml'], check=True, env=env, cwd=OUT)  # its cache stays in _docs/
    return OUT / 'site'

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--profile', default='cpu', help='reports/<profile> is the benchmark report page (default cpu)')
    site = build(parser.parse_args().profile)
    print(f'{site.relative_to(ROOT)}/index.html: {sum(1 for _ in site.rglob("*.html"))} pages')
