"""The documentation site as a reader sees it, opened from disk (file://) in headless Chromium at a laptop's window size:
figures load, search answers, the navigation names every notebook with its number and title, no nbdev directive is shown,
and the report page shows a results table on its first screen. `make docs` builds the site first; `make test` runs both.
Also: nbs/benchmarks/report.ipynb shows the committed report as saved outputs (`.ci/report_outputs.py --check`)."""
import importlib.util, json, pathlib, shutil

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SITE = ROOT / '_docs' / 'site'
CHROMIUM, DRIVER = shutil.which('chromium'), shutil.which('chromedriver')

@pytest.fixture(scope='module')
def browser():
    webdriver = pytest.importorskip('selenium.webdriver')
    if not (CHROMIUM and DRIVER):
        pytest.skip('no chromium/chromedriver (Debian packages chromium chromium-driver; `make browser` installs them as root)')
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--allow-file-access-from-files',
                '--window-size=1366,768'):  # a laptop's screen
        options.add_argument(arg)
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=DRIVER), options=options)  # no driver download
    yield driver
    driver.quit()

def page_images(driver, path:pathlib.Path) -> list:
    "Open `path` and wait for it to load; [(src, natural width, complete)] of its img elements."
    from selenium.webdriver.support.ui import WebDriverWait
    assert path.is_file(), f'{path.relative_to(ROOT)} was not built'
    driver.get(path.as_uri())
    WebDriverWait(driver, 30).until(lambda d: d.execute_script('return document.readyState') == 'complete')
    WebDriverWait(driver, 30).until(lambda d: d.execute_script('return Array.from(document.images).every(i => i.complete)'))
    return driver.execute_script('return Array.from(document.images).map(i => [i.src.slice(0, 80), i.naturalWidth, i.complete])')

def test_site_built():
    assert (SITE / 'index.html').is_file(), f'{SITE.relative_to(ROOT)}/index.html missing: run `make docs` first'

def test_index_links_every_notebook(browser):
    page_images(browser, SITE / 'index.html')
    links = browser.execute_script('return Array.from(document.querySelectorAll("nav a")).map(a => a.getAttribute("href"))')
    notebooks = sorted(p.stem for p in (ROOT / 'nbs').glob('[0-9]*.ipynb'))
    linked = {pathlib.Path(h).stem for h in links if h and 'notebooks/' in h}
    assert set(notebooks) <= linked, sorted(set(notebooks) - linked)
    assert 'Heimdall' in browser.title
    report = browser.execute_script('return Array.from(document.querySelectorAll("article a")).map(a => a.href).filter(h => h.includes("report/"))')
    assert report and all(pathlib.Path(h.removeprefix('file://')).is_file() for h in report), report  # the results summary's links land

@pytest.mark.parametrize('page', ['notebooks/07c_dcf77.html', 'report/index.html'])
def test_page_shows_its_figures(browser, page):
    images = page_images(browser, SITE / page)
    assert len(images) >= 4, images
    broken = [src for src, width, complete in images if not (complete and width > 0)]
    assert not broken, broken

def test_search_works_from_disk(browser):
    "The search box of the page opened from file:// answers: a hit for CRLB (mkdocs-material's offline plugin)."
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait
    page_images(browser, SITE / 'index.html')
    box = browser.find_element(By.CSS_SELECTOR, 'input.md-search__input')
    assert box.is_displayed(), 'the search box is hidden'
    box.click(); box.send_keys('CRLB')
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, '.md-search-result__item'))
    hits = browser.execute_script('return Array.from(document.querySelectorAll(".md-search-result__item a")).map(a => a.getAttribute("href"))')
    assert hits and any(h for h in hits), hits
    box.send_keys(Keys.ESCAPE)

def test_navigation_keeps_numbers_and_titles(browser):
    "Every numbered notebook is in the navigation as `<number> <its # Title>` (e.g. `02a Bounds`), and each entry is there once."
    spec = importlib.util.spec_from_file_location('docs', ROOT / '.ci' / 'docs.py')
    docs = importlib.util.module_from_spec(spec); spec.loader.exec_module(docs)
    page_images(browser, SITE / 'index.html')
    entries = browser.execute_script("""return Array.from(document.querySelectorAll('nav.md-nav--primary a.md-nav__link'))
        .map(a => [a.getAttribute('href'), a.textContent.trim().replace(/\\s+/g, ' ')])""")
    names = {pathlib.Path(h).stem: t for h, t in entries if h and 'notebooks/' in h}
    for p in sorted((ROOT / 'nbs').glob('[0-9]*.ipynb')):
        assert names.get(p.stem) == docs.nav_title(p), (p.stem, names.get(p.stem), docs.nav_title(p))
        assert names[p.stem].startswith(p.stem.split('_')[0] + ' ')
    report = [t for h, t in entries if h and h.startswith('report/')]
    assert report == ['Benchmark report'], report

@pytest.mark.parametrize('page', ['notebooks/00_geo.html', 'notebooks/20_report.html', 'index.html'])
def test_no_nbdev_directives_shown(browser, page):
    page_images(browser, SITE / page)
    text = browser.execute_script('return document.body.innerText')
    for directive in ('#| export', '#| hide', '#| default_exp', '#|export', '#|hide'):
        assert directive not in text, (page, directive)

def test_report_first_screen_shows_a_results_table(browser):
    "On a laptop's screen the report page shows a results table (P68, the bound, the gains) without scrolling, and no headline table is cut off."
    page_images(browser, SITE / 'report' / 'index.html')
    browser.execute_script('window.scrollTo(0, 0)')
    tables = browser.execute_script("""const figures = document.getElementById('figures');
        return Array.from(document.querySelectorAll('article table'))
          .filter(t => !figures || (t.compareDocumentPosition(figures) & Node.DOCUMENT_POSITION_FOLLOWING))
          .map(t => { const r = t.getBoundingClientRect(), box = t.closest('.md-typeset__scrollwrap') || t.parentElement;
                      return [r.top, window.innerHeight, Array.from(t.querySelectorAll('th')).map(h => h.textContent.trim()), box.scrollWidth, box.clientWidth]; })""")
    assert len(tables) >= 2, f'{len(tables)} results table(s) before the figures'
    top, height, headers, _, _ = tables[0]
    assert top < height - 100, f'the first table starts at {top:.0f} px, below the first screen ({height} px)'
    assert any('P68' in h for h in headers) and any('err/CRLB' in h for h in headers) and any('gain' in h for h in headers), headers
    cut = [(k, needed, shown) for k, (_, _, _, needed, shown) in enumerate(tables) if needed > shown + 1]
    assert not cut, f'headline tables wider than the content column (table, px needed, px shown): {cut}'

def test_report_notebook_shows_the_committed_report():
    "nbs/benchmarks/report.ipynb holds the committed report (reports/cpu) as saved outputs: its tables and every figure, not stale."
    spec = importlib.util.spec_from_file_location('report_outputs', ROOT / '.ci' / 'report_outputs.py')
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    assert mod.problems() == []

def saved_warnings(path:pathlib.Path) -> list:
    "The stderr outputs of the notebook at `path` that are warnings, logged export errors or progress bars."
    bad = []
    for cell in json.loads(path.read_text(encoding='utf-8'))['cells']:
        for out in cell.get('outputs', []):
            text = ''.join(out.get('text', '')) if out.get('output_type') == 'stream' and out.get('name') == 'stderr' else ''
            if 'Warning' in text or 'is unsupported' in text or '%|' in text:
                bad.append(f'cell {cell.get("id")}: {text.strip().splitlines()[0][:120]}')
    return bad

@pytest.mark.parametrize('path', [pytest.param(p, id=p.stem) for p in sorted((ROOT / 'nbs').rglob('*.ipynb')) if '.ipynb_checkpoints' not in p.parts])
def test_no_warning_saved(path):
    "No saved output of a notebook is a warning: fix the cause, or filter that one warning in its cell, with a reason."
    assert not saved_warnings(path), saved_warnings(path)
