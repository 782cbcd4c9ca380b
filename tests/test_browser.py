"""The owner's view in a real browser: Playwright drives Debian's Chromium against servers the tests start.

Every page is opened with the network cut off except localhost (requests elsewhere are aborted and
recorded), as on an owner's machine without internet. Screenshots go to ``test-artifacts/``
(``SMBKIT_ARTIFACTS`` moves it); README's app picture is the landing page screenshot.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import SAMPLE

from smbkit.app import free_port
from smbkit.notebooks import names
from smbkit.report import find_chromium

NOTEBOOKS = names()

ARTIFACTS = Path(os.environ.get("SMBKIT_ARTIFACTS", Path(__file__).resolve().parent.parent / "test-artifacts"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
RENDER_TIMEOUT_MS = 120_000  # a notebook page is done when all its cells have run; notebook 05 is the longest
LOCAL = {"127.0.0.1", "localhost"}


def _local(url: str) -> bool:
    u = urlparse(url)
    return u.scheme in ("file", "data", "blob", "about") or u.hostname in LOCAL


def _chromium() -> str:
    found = find_chromium()
    assert found, "the browser tests need Chromium: apt-get install chromium (.ci/run does)"
    return found


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=_chromium(), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Visit:
    """A page in a fresh browser context, offline but for localhost and files, with what it tried and said."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1200, "height": 900})
        self.page = self.context.new_page()
        self.outside: list[str] = []
        self.console_errors: list[str] = []
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        # only requests leaving the machine are intercepted (and aborted): local ones pass untouched
        self.context.route(lambda url: not _local(url), self._abort)

    def _abort(self, route):
        self.outside.append(route.request.url)
        route.abort()

    def shot(self, name: str):
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser):
    v = Visit(browser)
    yield v
    v.close()


def _start(args: list[str], env: dict | None = None) -> tuple[subprocess.Popen, str]:
    """Start ``smbkit ARGS`` and return the process and the address it prints once its server answers."""
    proc = subprocess.Popen([sys.executable, "-m", "smbkit.cli", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    line = proc.stdout.readline()
    match = re.search(r"Open (\S+) in your browser", line)
    if not match:
        proc.kill()
        raise AssertionError(f"smbkit {args[0]} printed {line!r}; stderr: {proc.stderr.read()[-2000:]}")
    return proc, match.group(1)


def _stop(proc: subprocess.Popen):
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def app():
    start = time.perf_counter()
    proc, address = _start(["app", "--port", str(free_port())])
    print(f"smbkit app answered after {time.perf_counter() - start:.1f} s")
    yield address.rsplit("/", 1)[0]  # .../voila/render
    _stop(proc)


def _rendered(visit: Visit, url: str):
    """Open a Voila page and wait until every cell has run (Voila's progress indicator is gone)."""
    visit.page.goto(url, timeout=RENDER_TIMEOUT_MS)
    visit.page.wait_for_selector(".jp-OutputArea", state="attached", timeout=RENDER_TIMEOUT_MS)
    visit.page.wait_for_function("() => !document.querySelector('#loading') || "
                                 "getComputedStyle(document.querySelector('#loading')).display === 'none'",
                                 timeout=RENDER_TIMEOUT_MS)
    visit.page.wait_for_load_state("networkidle", timeout=RENDER_TIMEOUT_MS)


def _no_code_and_no_errors(visit: Visit):
    page = visit.page
    text = page.inner_text("body")
    assert "There was an error when executing cell" not in text and "Traceback" not in text
    assert page.locator(".jp-InputArea-editor, .cm-editor, .CodeMirror").count() == 0  # no code on the page
    assert page.locator("[data-mime-type='application/vnd.jupyter.stderr']").count() == 0  # no error or warning output
    assert "import smbkit" not in text


def test_app_start_page_names_the_company_and_links_the_five_notebooks(app, visit):
    _rendered(visit, f"{app}/00_start_here.ipynb")
    body = visit.page.inner_text("body")
    assert "Company open: Rosemary & Rye Bakery" in body
    links = visit.page.locator(".smbkit-landing a")
    assert links.count() == len(NOTEBOOKS)
    assert [links.nth(k).get_attribute("href") for k in range(links.count())] == [f"{n}.ipynb" for n in NOTEBOOKS]
    _no_code_and_no_errors(visit)
    visit.shot("app-start")
    with visit.context.expect_page(timeout=RENDER_TIMEOUT_MS) as opened:  # a link opens its notebook in a new tab
        links.nth(0).click()
    assert opened.value.url == f"{app}/{NOTEBOOKS[0]}.ipynb"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_app_renders_each_notebook_without_code_or_errors(app, visit, name):
    _rendered(visit, f"{app}/{name}.ipynb")
    _no_code_and_no_errors(visit)
    assert visit.page.locator("img[alt^='Chart:']").count() > 0  # charts arrived, with their alt text
    visit.shot(f"app-{name}")


def _panel_after_moving(visit: Visit, slider_label: str, presses: int, shot: str) -> tuple[str, str]:
    """The result panel's text before and after moving the labelled slider with the keyboard."""
    page = visit.page
    slider = page.locator(".widget-slider", has=page.locator(f"label:has-text('{slider_label}')")).first
    slider.scroll_into_view_if_needed()
    explorer = slider.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
    panel = explorer.locator(".smbkit-panel")
    before = panel.inner_text()
    handle = slider.locator(".noUi-handle")
    handle.focus()
    for _ in range(presses):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("([el, old]) => el.innerText !== old", arg=[panel.element_handle(), before], timeout=30_000)
    explorer.screenshot(path=str(ARTIFACTS / f"{shot}.png"))
    return before, panel.inner_text()


def test_moving_a_growth_slider_in_02_changes_the_people_needed(app, visit):
    _rendered(visit, f"{app}/02_define_goals.ipynb")
    before, after = _panel_after_moving(visit, "change by the horizon", 4, "app-02-explorer")
    assert before != after
    assert re.search(r"\d", after)
    scenario = visit.page.locator(".widget-dropdown", has=visit.page.locator("label:has-text('Scenario')")).first
    assert scenario.locator("select").input_value() == "custom"  # a moved slider is a custom scenario


def test_moving_the_automation_share_in_04_changes_the_money(app, visit):
    _rendered(visit, f"{app}/04_plan_automation.ipynb")
    before, after = _panel_after_moving(visit, "Work the tools really take", 3, "app-04-explorer")
    money = re.compile(r"[\d,]+")
    assert money.findall(before) != money.findall(after)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("lab") / "notebooks"
    proc, address = _start(["lab", "--no-browser", "--port", str(free_port()), "--dir", str(workspace)],
                           env=dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path_factory.mktemp("jupyter-config"))))
    yield address, workspace
    _stop(proc)


def _saved_cells(path: Path) -> list[dict]:
    import json

    try:
        return [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    except (OSError, ValueError):
        return []


def test_jupyterlab_runs_every_cell_of_notebook_01(lab, visit):
    address, workspace = lab
    token = address.split("token=", 1)[1]
    saved = workspace / f"{NOTEBOOKS[0]}.ipynb"
    n = len(_saved_cells(saved))
    page = visit.page
    page.goto(f"{address.split('/lab/', 1)[0]}/lab/tree/{NOTEBOOKS[0]}.ipynb?token={token}", timeout=RENDER_TIMEOUT_MS)
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=RENDER_TIMEOUT_MS)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", state="attached", timeout=RENDER_TIMEOUT_MS)
    page.locator(".jp-NotebookPanel .jp-Cell").first.click()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
    # Run All on a new kernel numbers the cells 1..n; the page scrolls along to the last one
    page.wait_for_function("(n) => [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt')]"
                           ".some(e => e.textContent.trim() === `[${n}]:`)", arg=n, timeout=RENDER_TIMEOUT_MS)
    assert page.locator(".jp-NotebookPanel [data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    visit.shot("lab-01-run-all")
    # Every cell, also those scrolled out of the page: save, then read what JupyterLab wrote
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", state="attached", timeout=RENDER_TIMEOUT_MS)
    want = list(range(1, n + 1))
    for _ in range(3):  # a save asked for while the last outputs still arrive can be dropped: ask again
        page.locator(".jp-NotebookPanel-toolbar [data-command='docmanager:save']").first.click()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and [c.get("execution_count") for c in _saved_cells(saved)] != want:
            time.sleep(0.5)
        if [c.get("execution_count") for c in _saved_cells(saved)] == want:
            break
    cells = _saved_cells(saved)
    assert [c.get("execution_count") for c in cells] == list(range(1, n + 1))
    outputs = [o for c in cells for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error" or o.get("name") == "stderr"]
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 5  # the charts were drawn
    assert "Rosemary & Rye Bakery" in str(outputs)  # the company `smbkit lab` was started with (the sample)


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "out"
    r = subprocess.run([sys.executable, "-m", "smbkit.cli", "run", "--data", str(SAMPLE), "--out", str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return out / "report.html"


def test_report_opened_from_disk_asks_the_network_for_nothing(sample_report, visit):
    visit.page.goto(sample_report.as_uri())
    visit.page.wait_for_load_state("networkidle")
    assert visit.outside == []
    assert visit.console_errors == []
    assert visit.page.locator("img[alt^='Chart:']").count() > 10
    assert all(visit.page.evaluate("[...document.images].map(i => i.complete && i.naturalWidth > 0)"))
    visit.shot("report")
