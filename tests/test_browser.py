"""The kernel-free stepper in a real browser: headless Chromium driven by selenium.

Opens an exported ``steps.html`` and a documentation page built from
notebook 01, presses Next, moves the slider and the arrow keys, and checks
that the frame changes, that no node moves, and that the picture fits the
window.  Skipped only when Chromium, its driver or selenium cannot be had.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
DRIVER = shutil.which("chromedriver")

webdriver = pytest.importorskip(
    "selenium.webdriver", reason="selenium is not installed (pip install selenium)"
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="no Chromium and chromedriver on PATH (Debian: apt-get install chromium chromium-driver)",
)


@pytest.fixture(scope="module")
def browser():
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1000,900",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


_STATE = """
const root = arguments[0];
const frame = root.querySelector('.agl-frame');
const svg = frame.querySelector('svg');
const nodes = {};
for (const g of svg.querySelectorAll('g.node')) {
  const shape = g.querySelector('polygon, path, ellipse');
  const r = shape.getBoundingClientRect();
  const f = frame.getBoundingClientRect();
  nodes[g.querySelector('title').textContent] =
    [r.left - f.left + frame.scrollLeft, r.top - f.top + frame.scrollTop, r.width, r.height]
      .map(v => Math.round(v * 10) / 10);
}
const texts = Array.from(svg.querySelectorAll('text')).map(t => t.textContent).join('|');
const hot = svg.querySelector('g.hot');
let hotVisible = null;
if (hot) {
  const h = hot.getBoundingClientRect(), f = frame.getBoundingClientRect();
  hotVisible = h.right > f.left && h.left < f.right && h.bottom > f.top && h.top < f.bottom;
}
return {
  step: root.dataset.step, caption: root.querySelector('.agl-caption').textContent,
  row: root.querySelector('.agl-row').textContent, texts: texts, nodes: nodes,
  svgWidth: svg.getBoundingClientRect().width, frameWidth: frame.getBoundingClientRect().width,
  pageWidth: document.documentElement.scrollWidth, windowWidth: window.innerWidth,
  controls: getComputedStyle(root.querySelector('.agl-controls')).display,
  underline: getComputedStyle(svg.querySelector('text')).textDecorationLine,
  fontPx: Math.min(...Array.from(svg.querySelectorAll('text')).map(t => t.getBoundingClientRect().height)),
  hotVisible: hotVisible,
};
"""


def _state(driver, root):
    return driver.execute_script(_STATE, root)


def _check_stepping(driver, root):
    """Next, the slider and the arrow keys move one step; the picture changes, the nodes stay put."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    start = _state(driver, root)
    assert start["controls"] == "flex"  # the script ran
    assert start["step"] == "-1" and start["caption"].startswith("Before step 0")
    assert start["svgWidth"] <= start["frameWidth"] + 1  # the picture fits its box...
    assert start["pageWidth"] <= start["windowWidth"]  # ...and the page the window
    assert start["underline"] == "none"

    root.find_element(By.CSS_SELECTOR, ".agl-next").click()
    after_next = _state(driver, root)
    assert after_next["step"] == "0" and after_next["caption"].startswith("Step 0 (of 0-")
    assert after_next["texts"] != start["texts"] and after_next["row"].strip()
    assert after_next["nodes"] == start["nodes"]  # nothing moved
    assert after_next["hotVisible"] is True

    slider = root.find_element(By.CSS_SELECTOR, "input[type=range]")
    slider.send_keys(Keys.ARROW_RIGHT)
    slider.send_keys(Keys.ARROW_RIGHT)
    moved = _state(driver, root)
    assert moved["step"] == "2" and moved["caption"].startswith("Step 2 (of 0-")
    assert moved["texts"] not in (start["texts"], after_next["texts"])
    assert moved["nodes"] == start["nodes"] and moved["hotVisible"] is True

    root.find_element(By.CSS_SELECTOR, ".agl-prev").click()
    assert _state(driver, root)["step"] == "1"
    return start


def test_exported_steps_page_steps_in_a_browser(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from autograd_lite import Value, trace_backward

    x1, x2 = 0.1, 0.3
    w1, w2, W = Value(0.4, label="w1"), Value(-0.2, label="w2"), Value(0.1, label="W")
    y = (W * (w1 * x1 + w2 * x2).sigmoid()).sigmoid()
    E = 0.5 * (1.0 - y) ** 2
    page = trace_backward(E).save(tmp_path / "steps.html")
    browser.get(page.as_uri())
    root = browser.find_element(By.CSS_SELECTOR, ".agl-stepper")
    start = _check_stepping(browser, root)
    assert start["fontPx"] >= 8.5  # text stays readable at this width
    # the arrow keys work anywhere on the exported page
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
    assert _state(browser, root)["step"] == "2"
    # a narrow window: the picture shrinks with it, still within the page
    browser.set_window_size(600, 900)
    narrow = _state(browser, root)
    assert narrow["pageWidth"] <= narrow["windowWidth"] and narrow["svgWidth"] <= narrow["frameWidth"] + 1
    browser.set_window_size(1000, 900)


def _docs_page(tmp_path) -> Path:
    """Notebook 01 as a page of the documentation: the built site's, or a one-page build of it."""
    built = ROOT / "docs" / "_build" / "html" / "notebooks" / "01_chain_rule.html"
    notebook = ROOT / "notebooks" / "01_chain_rule.ipynb"
    if built.exists() and built.stat().st_mtime >= notebook.stat().st_mtime:
        return built
    pytest.importorskip("myst_nb", reason="the documentation tools are not installed")
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(notebook, src / "index.ipynb")
    (src / "conf.py").write_text(
        'extensions = ["myst_nb"]\nhtml_theme = "furo"\nnb_execution_mode = "off"\n'
        'myst_enable_extensions = ["dollarmath", "amsmath"]\n'
    )
    out = tmp_path / "html"
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        pytest.fail(f"building the page failed:\n{done.stderr}")
    return out / "index.html"


def test_the_documentation_page_of_notebook_01_steps_in_a_browser(browser, tmp_path):
    from selenium.webdriver.common.by import By

    browser.set_window_size(1000, 900)
    browser.get(_docs_page(tmp_path).as_uri())
    steppers = browser.find_elements(By.CSS_SELECTOR, ".agl-stepper")
    assert steppers, "the page has no stepper"
    root = steppers[0]
    # the theme scrolls smoothly; the test wants the stepper in view at once
    browser.execute_script(
        "document.documentElement.style.scrollBehavior = 'auto';"
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})",
        root,
    )
    # the stepper was saved at step 1; go back to the start first
    for _ in range(5):
        if _state(browser, root)["step"] == "-1":
            break
        root.find_element(By.CSS_SELECTOR, ".agl-prev").click()
    _check_stepping(browser, root)
    # every picture on the page fits the column
    widths = browser.execute_script("""
        return Array.from(document.querySelectorAll('.agl-picture')).map(s => {
          const box = s.parentElement.getBoundingClientRect();
          return [s.getBoundingClientRect().width, box.width];
        });""")
    assert widths and all(w <= box + 1 for w, box in widths)


def test_without_scripts_the_page_still_shows_the_frame_as_an_image(browser, tmp_path):
    from selenium.webdriver.common.by import By

    from autograd_lite import Value, trace_backward

    x = Value(2.0, label="x")
    page = trace_backward(x * x + x).save(tmp_path / "steps.html", step=1)
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.get(page.as_uri())
        root = browser.find_element(By.CSS_SELECTOR, ".agl-stepper")
        assert root.find_elements(By.CSS_SELECTOR, ".agl-controls") == []  # no script, no controls
        img = root.find_element(By.CSS_SELECTOR, ".agl-frame img")
        assert img.size["width"] > 100 and img.get_attribute("alt") == "the graph at step 1"
        assert root.find_element(By.CSS_SELECTOR, ".agl-caption").text.startswith("Step 1 (of 0-3)")
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
