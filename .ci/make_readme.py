"""Render README.md from nbs/index.ipynb (markdown cells as they are, code cells as python blocks; cells tagged
`site-only` stay on the documentation site, where index.ipynb is the home page, and out of the README front page).

nbdev 2's own `nbdev_readme` needs Quarto, which cannot be installed on these machines."""
import json, pathlib

root = pathlib.Path(__file__).resolve().parent.parent
nb = json.loads((root / 'nbs' / 'index.ipynb').read_text(encoding='utf-8'))
parts = []
for cell in nb['cells']:
    src = ''.join(cell['source']).strip()
    if not src or src.startswith('#| hide') or 'site-only' in cell.get('metadata', {}).get('tags', []): continue
    parts.append(src if cell['cell_type'] == 'markdown' else f'```python\n{src}\n```')
text = '<!-- generated from nbs/index.ipynb by .ci/make_readme.py: edit the notebook, not this file -->\n\n'
(root / 'README.md').write_text(text + '\n\n'.join(parts) + '\n', encoding='utf-8')
