"""The documentation site as a reader sees it: the built index and a notebook page opened in headless Chromium, whose
figures (img elements) must load. `make docs` builds the site first; `make test` runs both."""
import pathlib, shutil

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
    for arg in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--allow-file-access-from-files'):
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

@pytest.mark.parametrize('page', ['notebooks/07c_dcf77.html', 'report/index.html'])
def test_page_shows_its_figures(browser, page):
    images = page_images(browser, SITE / page)
    assert len(images) >= 4, images
    broken = [src for src, width, complete in images if not (complete and width > 0)]
    assert not broken, broken
