"""What bench/app_speed.py and bench/app_kernels.py share: start `smbkit app`, drive Chromium, count kernels.

A page counts as open when Voila's progress indicator is gone and what the owner came for is on
the screen (`READY`): the company picker, the charts, an explorer's result, the editor's grid.
Chromium is Debian's, offline: every request for another host goes to a dead proxy.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from contextlib import contextmanager

import psutil

from smbkit.app import free_port
from smbkit.notebooks import EDITOR, NOTEBOOKS, START

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PAGES = [START, *(n.name for n in NOTEBOOKS), EDITOR]
# what shows that a page is ready to use
READY = {START: ".smbkit-picker", EDITOR: ".smbkit-grid input", "01_assess_workforce": "img[alt^='Chart:']"}
READY_EXPLORER = ".smbkit-panel p"  # 02-05: the explorer has drawn its first result
TIMEOUT_MS = 180_000


def start_app(*args: str):
    """Start ``smbkit app ARGS`` on a free port; returns the process, the render address and the seconds until it answered."""
    port = free_port()
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "smbkit.cli", "app", "--port", str(port), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    match = re.search(r"Open (\S+) in your browser", line)
    if not match:
        proc.kill()
        raise SystemExit(f"smbkit app did not start: {line!r} {proc.stderr.read()[-2000:]}")
    return proc, match.group(1).rsplit("/", 1)[0], time.perf_counter() - started


def stop_app(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def kernels(proc) -> list[psutil.Process]:
    """The kernel processes of the app's server (its `smbkit.appserver` child's children running ipykernel)."""
    found = []
    for p in psutil.Process(proc.pid).children(recursive=True):
        try:
            if "ipykernel" in " ".join(p.cmdline()):
                found.append(p)
        except psutil.NoSuchProcess:
            continue
    return found


def memory_mb(proc) -> float:
    """Resident memory of the app: the command, its server and every kernel (MB, RSS summed)."""
    total = 0
    for p in [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total / 2**20


def wait_until_idle(proc, *, quiet_seconds: float = 4.0, limit: float = 300.0) -> float:
    """Wait until the server and its kernels use under 10% of a core for ``quiet_seconds`` (pools heated); returns seconds waited."""
    start = time.perf_counter()
    quiet = 0.0
    while time.perf_counter() - start < limit:
        procs = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
        for p in procs:
            try:
                p.cpu_percent(None)
            except psutil.NoSuchProcess:
                pass
        time.sleep(1.0)
        busy = 0.0
        for p in procs:
            try:
                busy += p.cpu_percent(None)
            except psutil.NoSuchProcess:
                pass
        quiet = quiet + 1.0 if busy < 10 else 0.0
        if quiet >= quiet_seconds:
            break
    return time.perf_counter() - start


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                                    proxy={"server": "http://127.0.0.1:9", "bypass": "127.0.0.1,localhost"})
        try:
            yield browser
        finally:
            browser.close()


def tab_browser(browser):
    """One browser profile for many tabs: its cache holds Voila's scripts after the first page, as an owner's browser does."""
    return browser.new_context(viewport={"width": 1200, "height": 900})


def open_page(context, base: str, page_name: str) -> float:
    """Seconds from asking for a page in a new tab until it is ready (`READY`); the tab is then closed.

    The tab is left for about:blank first, which runs what closing a tab runs: the page asks the
    server to shut its kernel down.
    """
    page = context.new_page()
    ready = READY.get(page_name, READY_EXPLORER)
    start = time.perf_counter()
    page.goto(f"{base}/{page_name}.ipynb", timeout=TIMEOUT_MS)
    page.wait_for_function("() => !document.querySelector('#loading') || "
                           "getComputedStyle(document.querySelector('#loading')).display === 'none'", timeout=TIMEOUT_MS)
    page.wait_for_selector(ready, state="attached", timeout=TIMEOUT_MS)
    seconds = time.perf_counter() - start
    page.goto("about:blank")
    page.wait_for_timeout(300)
    page.close()
    return seconds
