"""The owner's view in a real browser: Playwright drives Debian's Chromium against servers the tests start.

Nothing may leave the machine. Chromium sends every request for another host to a proxy on
127.0.0.1 that only writes down what was asked and answers nothing (localhost is not proxied), and
every page's requests are watched too: a test fails if either saw a request that would have left
127.0.0.1. (Blocking with Playwright's request routing is not used: with routing on, Chromium drops
the request a closing page sends to shut its kernel down.) Screenshots go to ``test-artifacts/``
(``SMBKIT_ARTIFACTS`` moves it); README's app picture is the 02 explorer screenshot.
"""

from __future__ import annotations

import os
import re
import socketserver
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import SAMPLE, folder_digest, make_clients

from smbkit.app import free_port
from smbkit.notebooks import EDITOR, START, names
from smbkit.report import find_chromium

NOTEBOOKS = names()

ARTIFACTS = Path(os.environ.get("SMBKIT_ARTIFACTS", Path(__file__).resolve().parent.parent / "test-artifacts"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic",
                 # fewer of Chromium's own calls home (see BROWSER_ITSELF)
                 "--disable-features=AutofillServerCommunication,OptimizationHints,OptimizationHintsFetching"]
RENDER_TIMEOUT_MS = 240_000  # a notebook page is done when all its cells have run; notebook 05 is the longest (and a
# company switch refills six pages at once on two cores)
SHUTDOWN_SECONDS = 15  # a closed page's kernel is gone within this
LOCAL = {"127.0.0.1", "localhost"}
# Chromium's own services, which it calls whatever page is open and despite --disable-component-update
# and --disable-background-networking (its update check and downloads, clock, sign-in, optimisation
# hints): not the app's requests, so the proxy lets these domains pass unrecorded. A page asking one
# of them is still caught, by the watch on the pages' own requests.
BROWSER_ITSELF = ("googleapis.com", "google.com", "gvt1.com")


# axe-core's impact levels that fail a page (issue 17: zero serious or critical violations)
AXE_BLOCKING = ("serious", "critical")
# the sample report at 1280 px with every table and chart in full, as issue 17 measured it; folded, it must
# be under a third of that
REPORT_HEIGHT_BEFORE = 70_000


def _axe(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])} nodes, e.g. {[n['target'] for n in v['nodes'][:3]]})"
            for v in found if v["impact"] in AXE_BLOCKING]


def _browser_itself(host: str) -> bool:
    return any(host == d or host.endswith("." + d) for d in BROWSER_ITSELF)


def _local(url: str) -> bool:
    u = urlparse(url)
    return u.scheme in ("file", "data", "blob", "about") or u.hostname in LOCAL


def _chromium() -> str:
    found = find_chromium()
    assert found, "the browser tests need Chromium: apt-get install chromium (.ci/run does)"
    return found


class _Recorder(socketserver.BaseRequestHandler):
    def handle(self):
        first = self.request.recv(4096).split(b"\r\n", 1)[0].decode("latin-1")
        parts = first.split()
        if len(parts) < 2:
            return
        target = parts[1]  # "cdn.jsdelivr.net:443" (CONNECT) or "http://host/path"
        host = (urlparse(target).hostname if "//" in target else target.rsplit(":", 1)[0]) or target
        if not _browser_itself(host):
            self.server.asked.append(first)


class OffMachine(socketserver.ThreadingTCPServer):
    """The proxy every off-machine request of the browser goes to: it records the request line and closes."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Recorder)
        self.asked: list[str] = []


@pytest.fixture(scope="module")
def off_machine():
    server = OffMachine()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(off_machine):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=_chromium(), headless=True, args=CHROMIUM_ARGS,
                              proxy={"server": f"http://127.0.0.1:{off_machine.server_address[1]}", "bypass": "127.0.0.1,localhost"})
        yield b
        b.close()


class Visit:
    """A page in a fresh browser context, with every request it made off the machine and every error it logged."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1200, "height": 900})
        self.page = self.context.new_page()
        self.outside: list[str] = []
        self.console_errors: list[str] = []
        self.context.on("request", lambda r: None if _local(r.url) else self.outside.append(r.url))
        self.context.on("page", self._watch)
        self._watch(self.page)

    def _watch(self, page):
        page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))

    def shot(self, name: str, page=None):
        (page or self.page).screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def close(self):
        # leave every page as an owner closing a tab would: each asks the server to shut its kernel down
        # (closing the browser context alone sends nothing, and the app's bound on open pages would fill)
        for page in self.context.pages:
            if not page.is_closed() and page.url.startswith("http"):
                page.goto("about:blank")
        self.context.close()


@pytest.fixture
def visit(browser, off_machine):
    v = Visit(browser)
    asked_before = len(off_machine.asked)
    yield v
    v.close()
    leaked = v.outside + off_machine.asked[asked_before:]
    assert not leaked, f"requests that would have left the machine: {leaked}"


def test_the_guard_fails_a_page_that_asks_the_internet(browser, off_machine):
    """The check above must be able to fail: a page asking a CDN is caught by both the watch and the proxy."""
    v = Visit(browser)
    before = len(off_machine.asked)
    try:
        v.page.set_content("<link rel='stylesheet' href='https://cdn.example.invalid/x.css'><img src='http://203.0.113.9/x.png'>")
        v.page.wait_for_timeout(1500)
    finally:
        v.close()
    assert any("cdn.example.invalid" in u for u in v.outside) and any("203.0.113.9" in u for u in v.outside)
    assert any("cdn.example.invalid" in a for a in off_machine.asked[before:])


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
def clients(tmp_path_factory):
    """A consultant's folder: bakery (the sample), cafe (the sample renamed), broken (one bad cell)."""
    return make_clients(tmp_path_factory.mktemp("clients"))


@pytest.fixture(scope="module")
def app(clients):
    """`smbkit app --clients` as a consultant starts it (preheated kernels on); it opens bakery, the first valid company."""
    start = time.perf_counter()
    # pages these tests leave open (and kernels still shutting down) must not meet the page bound, which
    # test_appserver checks on its own
    proc, address = _start(["app", "--port", str(free_port()), "--clients", str(clients), "--max-pages", "40"])
    print(f"smbkit app answered after {time.perf_counter() - start:.1f} s")
    yield address.rsplit("/", 1)[0]  # .../voila/render
    _stop(proc)


def _rendered(visit: Visit, url: str | None = None, page=None):
    """Open a Voila page (or wait for one opened) until every cell has run (Voila's progress indicator is gone)."""
    page = page or visit.page
    if url:
        page.goto(url, timeout=RENDER_TIMEOUT_MS)
    page.wait_for_selector(".jp-OutputArea, .voila-error", state="attached", timeout=RENDER_TIMEOUT_MS)
    if page.locator(".voila-error").count():
        pytest.fail(f"{page.url} answered: {page.inner_text('.voila-error')}")
    page.wait_for_function("() => !document.querySelector('#loading') || "
                           "getComputedStyle(document.querySelector('#loading')).display === 'none'",
                           timeout=RENDER_TIMEOUT_MS)
    page.wait_for_load_state("networkidle", timeout=RENDER_TIMEOUT_MS)
    return page


def _no_code_and_no_errors(visit: Visit, page=None):
    page = page or visit.page
    text = page.inner_text("body")
    assert "There was an error when executing cell" not in text and "Traceback" not in text
    assert page.locator(".jp-InputArea-editor, .cm-editor, .CodeMirror").count() == 0  # no code on the page
    assert page.locator("[data-mime-type='application/vnd.jupyter.stderr']").count() == 0  # no error or warning output
    assert "import smbkit" not in text


def test_app_start_page_names_the_company_and_links_the_five_notebooks(app, visit):
    _rendered(visit, f"{app}/{START}.ipynb")
    body = visit.page.inner_text("body")
    assert "Company open: Rosemary & Rye Bakery" in body
    links = visit.page.locator(".smbkit-notebooks a")
    assert links.count() == len(NOTEBOOKS)
    assert [links.nth(k).get_attribute("href") for k in range(links.count())] == [f"{n}.ipynb" for n in NOTEBOOKS]
    assert visit.page.locator(".smbkit-edit a").get_attribute("href") == f"{EDITOR}.ipynb"
    _no_code_and_no_errors(visit)
    assert _axe(visit.page) == []
    visit.shot("app-start")
    with visit.context.expect_page(timeout=RENDER_TIMEOUT_MS) as opened:  # a link opens its notebook in a new tab
        links.nth(0).click()
    assert opened.value.url == f"{app}/{NOTEBOOKS[0]}.ipynb"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_app_renders_each_notebook_without_code_or_errors(app, visit, name):
    _rendered(visit, f"{app}/{name}.ipynb")
    _no_code_and_no_errors(visit)
    assert visit.page.locator("img[alt^='Chart:']").count() > 0  # charts arrived, with their alt text
    assert _axe(visit.page) == []
    visit.shot(f"app-{name}")


def _kernel_id(page) -> str:
    return page.evaluate("() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")


def _kernel_alive(app: str, kernel_id: str) -> bool:
    try:
        urllib.request.urlopen(f"{app.split('/voila/', 1)[0]}/api/kernels/{kernel_id}", timeout=10)
    except urllib.error.HTTPError as e:
        assert e.code == 404
        return False
    return True


@pytest.mark.parametrize("name", [START, NOTEBOOKS[0], NOTEBOOKS[1]])  # no widget, no widget, widgets
def test_leaving_a_page_shuts_its_kernel_down(app, visit, name):
    """Each page's shutdown request used to get 403 (no _xsrf cookie), and pages without widgets sent none."""
    _rendered(visit, f"{app}/{name}.ipynb")
    kernel = _kernel_id(visit.page)
    assert _kernel_alive(app, kernel)
    answers = []
    visit.page.on("response", lambda r: answers.append(r.status) if "/voila/api/shutdown/" in r.url else None)
    visit.page.goto("about:blank")
    deadline = time.monotonic() + SHUTDOWN_SECONDS
    while _kernel_alive(app, kernel) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _kernel_alive(app, kernel), f"the kernel of {name} outlived its page"
    assert 403 not in answers


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


def _dropdown(page, label: str):
    return page.locator(".widget-dropdown", has=page.locator(f"label:has-text('{label}')")).first.locator("select")


def _takeaway(page) -> str:
    return page.locator(".smbkit-panel .smbkit-takeaway").first.inner_text()


def test_moving_a_growth_slider_in_02_changes_the_people_needed(app, visit):
    _rendered(visit, f"{app}/02_define_goals.ipynb")
    before, after = _panel_after_moving(visit, "Store transactions", 4, "app-02-explorer")
    assert before != after
    assert re.search(r"\d", after)
    assert _dropdown(visit.page, "Scenario").input_value().startswith("custom")  # a moved slider is a custom scenario
    assert _takeaway(visit.page).startswith("Under the custom scenario")


def test_02_says_the_scenario_the_drop_down_shows(app, visit):
    """The sentence used to start "Under the custom scenario" whatever the drop-down showed."""
    page = _rendered(visit, f"{app}/02_define_goals.ipynb")
    picker = _dropdown(page, "Scenario")
    assert picker.input_value() == "moderate" and _takeaway(page).startswith("Under the moderate scenario (50% likely)")
    for name in ("growth", "downturn", "moderate"):
        old = _takeaway(page)
        picker.select_option(name)
        page.wait_for_function("(old) => document.querySelector('.smbkit-panel .smbkit-takeaway').innerText !== old",
                               arg=old, timeout=30_000)
        said = _takeaway(page)
        assert said.startswith(f"Under the {name} scenario (") and "custom" not in said, said


def test_02_sliders_line_up_and_read_like_the_company(app, visit):
    page = _rendered(visit, f"{app}/02_define_goals.ipynb")
    labels = ["Store transactions", "Catering events", "Online orders", "Deliveries"]
    boxes = [page.locator(".widget-slider", has=page.locator(f"label:has-text('{t}')")).first.bounding_box() for t in labels]
    tracks = [page.locator(".widget-slider", has=page.locator(f"label:has-text('{t}')")).first.locator(".noUi-target")
              .bounding_box() for t in labels]
    assert len({round(b["x"]) for b in boxes}) == 1 and len({round(b["width"]) for b in boxes}) == 1  # one left edge, one width
    assert len({round(t["x"]) for t in tracks}) == 1  # the tracks start together: every label has the same width
    assert page.locator(".smbkit-unit", has_text="today 210,000 transactions per year").count() == 1
    assert "store_transactions" not in page.locator(".widget-vbox").first.inner_text()


def test_moving_the_automation_share_in_04_changes_the_money(app, visit):
    _rendered(visit, f"{app}/04_plan_automation.ipynb")
    before, after = _panel_after_moving(visit, "Work the tools really take", 3, "app-04-explorer")
    money = re.compile(r"[\d,]+")
    assert money.findall(before) != money.findall(after)


def test_05_chart_title_names_the_wave_chosen(app, visit):
    """The chart kept saying "latest wave" after an older wave was chosen."""
    page = _rendered(visit, f"{app}/05_measure_belonging.ipynb")
    wave = _dropdown(page, "Survey wave")
    explorer = wave.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
    chart = explorer.locator(".smbkit-panel img")
    options = wave.locator("option").all_inner_texts()
    assert options[-1].endswith("(latest)") and "latest wave" in chart.get_attribute("alt")
    oldest = options[0]
    wave.select_option(label=oldest)
    # the panel's content is replaced as a whole: ask for its image afresh each time
    page.wait_for_function("(t) => [...document.querySelectorAll('.smbkit-panel img')].some(i => i.alt.includes(t))",
                           arg=f"wave of {oldest}.", timeout=30_000)
    assert f"wave of {oldest}." in chart.get_attribute("alt") and "latest" not in chart.get_attribute("alt")
    assert f"Survey wave of {oldest}" in explorer.locator(".smbkit-panel").inner_text()
    explorer.screenshot(path=str(ARTIFACTS / "app-05-explorer.png"))


def test_a_consultant_picks_another_company_without_restarting(app, visit, clients):
    page = _rendered(visit, f"{app}/{START}.ipynb")
    picker = page.locator(".smbkit-picker")
    assert "Rosemary & Rye Bakery (bakery, 60 people): open now" in picker.inner_text()
    broken = picker.locator(".smbkit-invalid")
    assert "broken: not opened, 1 problem" in broken.inner_text() and "column employment_type" in broken.inner_text()
    assert broken.locator(f"a[href^='{START}']").count() == 0  # listed with its problem, never opened
    visit.shot("app-picker")
    with visit.context.expect_page(timeout=RENDER_TIMEOUT_MS) as opened:
        picker.get_by_role("link", name="Corner Cafe").click()
    cafe = _rendered(visit, page=opened.value)
    assert cafe.url == f"{app}/{START}.ipynb?company=cafe"
    assert "Company open: Corner Cafe" in cafe.inner_text(".smbkit-landing") and str(clients / "cafe") in cafe.inner_text(".smbkit-landing")
    links = cafe.locator(".smbkit-notebooks a")
    assert [links.nth(k).get_attribute("href") for k in range(links.count())] == [f"{n}.ipynb?company=cafe" for n in NOTEBOOKS]
    # the pages opened from here show the cafe, whether their kernel was preheated for the bakery or not
    for k in (0, 1):
        with visit.context.expect_page(timeout=RENDER_TIMEOUT_MS) as opened:
            links.nth(k).click()
        nb = _rendered(visit, page=opened.value)
        text = nb.inner_text("body")
        assert "Corner Cafe" in text and "Rosemary & Rye Bakery" not in text, NOTEBOOKS[k]
        _no_code_and_no_errors(visit, nb)
        nb.close()
    # meanwhile the bakery's own tab and address still show the bakery
    assert "Company open: Rosemary & Rye Bakery" in _rendered(visit, f"{app}/{START}.ipynb").inner_text("body")


def _focused(page) -> dict:
    return page.evaluate("""() => { const a = document.activeElement; const box = a.closest('.widget-text');
        return {tag: a.tagName, value: a.value || a.textContent.trim(), label: box ? box.querySelector('label').textContent : ''}; }""")


def _wait_status(page, text: str):
    page.wait_for_function("(t) => document.querySelector('.smbkit-status').innerText.includes(t)", arg=text, timeout=30_000)


def test_the_data_editor_checks_edits_and_saves_a_new_copy_from_the_keyboard(app, visit, clients):
    before = folder_digest(clients / "bakery")
    page = _rendered(visit, f"{app}/{START}.ipynb")
    with visit.context.expect_page(timeout=RENDER_TIMEOUT_MS) as opened:
        page.locator(".smbkit-edit a").click()
    page = _rendered(visit, page=opened.value)
    page.wait_for_selector(".smbkit-grid input", timeout=RENDER_TIMEOUT_MS)
    _wait_status(page, "No problems")
    assert _axe(page) == []
    # edit a cell: a bad value is named beside its row and the cell is marked
    cell = page.locator(".widget-text", has=page.locator("label", has_text=re.compile(r"^employment_type, row 3$"))).locator("input")
    cell.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("half time")
    page.keyboard.press("Enter")
    _wait_status(page, "1 problem")
    message = page.locator(".smbkit-rowmsg:visible")
    assert message.inner_text() == ("Row 3: employment_type: found 'half time'; allowed: one of full_time, part_time, "
                                    "contractor, freelancer")
    assert page.locator(".smbkit-bad input").input_value() == "half time"
    visit.shot("app-editor-problem", page)
    # fix it from the keyboard: the button goes to the flagged cell, typing fixes it
    page.get_by_role("button", name="Go to the next problem").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.value === 'half time'", timeout=30_000)
    assert _focused(page)["label"] == "employment_type, row 3"
    page.keyboard.press("Control+A")
    page.keyboard.type("full_time")
    page.keyboard.press("Enter")
    _wait_status(page, "No problems")
    assert page.locator(".smbkit-bad").count() == 0 and page.locator(".smbkit-rowmsg:visible").count() == 0
    # add a row from the keyboard, start filling it in, then delete it from the keyboard
    page.get_by_role("button", name="Add a row").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.tagName === 'INPUT' && document.activeElement.value === ''", timeout=30_000)
    assert _focused(page)["label"] == "employee_id, row 111"
    page.keyboard.type("E0999")
    page.keyboard.press("Tab")
    _wait_status(page, "6 problems")
    page.keyboard.press("Shift+Tab")  # back to employee_id, row 111
    page.keyboard.press("Shift+Tab")  # its row's Delete button
    assert _focused(page) == {"tag": "BUTTON", "value": "Delete", "label": ""}
    page.keyboard.press("Enter")
    _wait_status(page, "No problems")
    assert "row 110 of 110 (header = row 1)" in page.inner_text(".smbkit-editor")
    # a real change, then save: a new dated copy, the input untouched
    name = page.locator(".widget-text", has=page.locator("label", has_text=re.compile(r"^name, row 110$"))).locator("input")
    name.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Hana Brennan-Ito")
    page.keyboard.press("Enter")
    _wait_status(page, "No problems")
    page.get_by_role("button", name="Save as a new copy").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Open the saved copy", timeout=30_000)
    saved = [p for p in clients.iterdir() if p.name.startswith("bakery-")]
    assert len(saved) == 1 and str(saved[0]) in page.inner_text(".smbkit-editor")
    assert folder_digest(clients / "bakery") == before
    assert "Hana Brennan-Ito" in (saved[0] / "employees.csv").read_text(encoding="utf-8")
    visit.shot("app-editor-saved", page)
    # the saved copy opens like any other company
    with visit.context.expect_page(timeout=RENDER_TIMEOUT_MS) as opened:
        page.get_by_role("link", name="Open the saved copy").click()
    copy = _rendered(visit, page=opened.value)
    if "Company open:" not in copy.inner_text("body"):
        # Known, not yet understood (see the closing note of stop 21): in CI the new copy's start page has twice come
        # back with its two cell outputs missing, the page otherwise complete; a reload shows it. Reloaded once here
        # so the rest of the editor is still tested; a page that stays empty still fails below.
        print("the saved copy's start page came without its outputs; reloading once")
        copy = _rendered(visit, copy.url)
    visit.shot("app-editor-copy", copy)
    assert copy.url.endswith(f"{START}.ipynb?company={saved[0].name}")
    body = copy.inner_text("body")
    assert "Company open: Rosemary & Rye Bakery" in body and str(saved[0]) in body, body
    with visit.context.expect_page(timeout=RENDER_TIMEOUT_MS) as opened:
        copy.locator(".smbkit-notebooks a").first.click()
    first = _rendered(visit, page=opened.value)
    _no_code_and_no_errors(visit, first)


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


@pytest.mark.parametrize("width", [1280, 390])
def test_the_report_fits_the_screen_folded_and_open_with_no_serious_accessibility_problem(sample_report, visit, width):
    """Desktop and phone: the brief and the report never scroll sideways, folded or with every detail open; the
    folded report is under a third of the height it had in full; axe-core finds nothing serious or critical."""
    page = visit.context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    for name in ("report.html", "brief.html"):
        page.goto((sample_report.parent / name).as_uri())
        page.wait_for_load_state("networkidle")
        size = lambda: page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")  # noqa: E731
        wide, high = size()
        assert wide <= width, (name, width, wide)
        assert _axe(page) == [], name
        page.screenshot(path=str(ARTIFACTS / f"{name.split('.')[0]}-{width}-folded.png"), full_page=True)
        if name == "report.html":
            print(f"report.html at {width} px: {high:,} px tall folded")
            if width == 1280:
                assert high < REPORT_HEIGHT_BEFORE / 3, high
            details = page.locator("details").count()
            assert details > 20
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            wide_open, high_open = size()
            print(f"report.html at {width} px: {high_open:,} px tall with its {details} details open")
            assert wide_open <= width and high_open > 3 * high
            assert _axe(page) == []
    assert visit.outside == [] and visit.console_errors == []
