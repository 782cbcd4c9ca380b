"""The app's server: the company each kernel opens, the preheated pools following the company in use,
and, over HTTP against a running server, the shutdown of a closed page's kernel and the bound on pages."""

import asyncio
import http.cookiejar
import json
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import SAMPLE
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

from smbkit.app import free_port
from smbkit.appserver import TEMPLATES, AppKernelManager, Heat, company_asked


def test_the_company_asked_for_comes_from_the_request_or_the_request_that_emptied_the_pool():
    assert company_asked({"QUERY_STRING": "company=cafe&theme=light"}) == "cafe"
    assert company_asked({"QUERY_STRING": "", "VOILA_REQUEST_URL": "http://x/y?company=old"}) == ""  # the request's own query wins
    assert company_asked({"VOILA_REQUEST_URL": "http://127.0.0.1:1/voila/render/a.ipynb?company=a%20b"}) == "a b"


def test_kernels_start_with_the_folder_of_the_company_asked_for(tmp_path, monkeypatch):
    for name in ("bakery", "cafe"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "company.yaml").write_text("name: x\n", encoding="utf-8")
    started = []

    async def fake_start(self, *args, **kwargs):
        started.append(kwargs["env"])
        return "k1"

    monkeypatch.setattr(AsyncMappingKernelManager, "start_kernel", fake_start)
    km = AppKernelManager()
    base = {"SMBKIT_DATA": str(SAMPLE), "SMBKIT_CLIENTS": str(tmp_path)}
    asyncio.run(km.start_kernel(kernel_name="python3", env={**base, "QUERY_STRING": "company=cafe"}))
    asyncio.run(km.start_kernel(kernel_name="python3", env={**base, "VOILA_REQUEST_URL": "http://h/p?company=bakery"}))
    asyncio.run(km.start_kernel(kernel_name="python3", env=dict(base)))
    asyncio.run(km.start_kernel(kernel_name="python3", env={**base, "QUERY_STRING": "company=../../etc"}))
    assert [(e["SMBKIT_DATA"], e["SMBKIT_COMPANY"]) for e in started] == [
        (str(tmp_path / "cafe"), "cafe"), (str(tmp_path / "bakery"), "bakery"), (str(SAMPLE), ""), (str(SAMPLE), "")]


class FakePools:
    """The part of Voila's preheating kernel manager that `Heat.reheat` uses."""

    def __init__(self, pages):
        self.pools = {p: 1 for p in pages}
        self.taken, self.stopped = [], []

    def get_pool_size(self, page):
        return self.pools.get(page, 0)

    async def get_rendered_notebook(self, notebook_name, extra_kernel_env_variables):
        self.taken.append((notebook_name, extra_kernel_env_variables["VOILA_REQUEST_URL"]))

        async def rest():
            yield "<div></div>", None

        async def render():
            return [], rest()

        return asyncio.ensure_future(render()), [], f"kernel-of-{notebook_name}"

    async def shutdown_kernel(self, kernel_id):
        self.stopped.append(kernel_id)


def test_a_pool_is_refilled_for_the_company_in_use_and_its_old_kernel_stopped(tmp_path):
    heat = Heat(SAMPLE)
    pools = FakePools(["01_assess_workforce.ipynb"])
    page = "01_assess_workforce.ipynb"
    assert heat.company(page) == SAMPLE.resolve()
    asyncio.run(heat.reheat(pools, page, SAMPLE, ""))  # already heated for it: nothing to do
    assert pools.taken == []
    asyncio.run(heat.reheat(pools, page, tmp_path, "cafe"))
    assert pools.taken == [(page, f"http://127.0.0.1/voila/render/{page}?company=cafe")]  # the refill opens cafe
    assert pools.stopped == [f"kernel-of-{page}"] and heat.company(page) == tmp_path.resolve()
    asyncio.run(heat.reheat(pools, "02_define_goals.ipynb", tmp_path, "cafe"))  # no pool (preheating off): nothing
    assert len(pools.taken) == 1


def test_the_template_asks_for_nothing_off_the_machine():
    for page in (TEMPLATES / "voila" / "templates" / "smbkit").iterdir():
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"(href|src)=[\"']?(https?:)?//", text), page.name
    assert "super.super()" in (TEMPLATES / "voila" / "templates" / "smbkit" / "index.html.j2").read_text(encoding="utf-8")


# --- a running server (no browser) ------------------------------------------------------------------


@pytest.fixture(scope="module")
def one_page_server():
    """`smbkit app` without preheated kernels and at most one page open at a time."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "smbkit.cli", "app", "--port", str(port), "--no-preheat", "--max-pages", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert "Open http://127.0.0.1" in line, proc.stderr.read()[-2000:]
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=15)


def _client():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)), jar


def _open_page(opener, base, page="00_start_here.ipynb", query=""):
    html = opener.open(f"{base}/voila/render/{page}{query}", timeout=120).read().decode("utf-8")
    config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', html, re.S).group(1))
    return html, config["kernelId"]


def _shutdown(opener, base, kernel_id, xsrf):
    data = urllib.parse.urlencode({"_xsrf": xsrf} if xsrf is not None else {}).encode()
    try:
        return opener.open(urllib.request.Request(f"{base}/voila/api/shutdown/{kernel_id}", data=data, method="POST"),
                           timeout=30).status
    except urllib.error.HTTPError as e:
        return e.code


def _alive(base, kernel_id) -> bool:
    try:
        urllib.request.urlopen(f"{base}/api/kernels/{kernel_id}", timeout=10)
    except urllib.error.HTTPError as e:
        assert e.code == 404
        return False
    return True


def test_a_closed_pages_shutdown_request_is_accepted_and_the_bound_on_pages_holds(one_page_server):
    base = one_page_server
    opener, jar = _client()
    html, kernel_id = _open_page(opener, base)
    assert "Company open:" in html and "Rosemary" in html
    xsrf = {c.name: c.value for c in jar}.get("_xsrf")
    assert xsrf, "the page sets the _xsrf cookie its shutdown request sends back"
    assert _alive(base, kernel_id)
    # a second page while one is open: refused, saying what to do
    try:
        opener.open(f"{base}/voila/render/01_assess_workforce.ipynb", timeout=60)
        pytest.fail("a page beyond --max-pages was served")
    except urllib.error.HTTPError as e:
        assert e.code == 503 and "Close a page you no longer need, then reload this one." in e.read().decode("utf-8")
    assert _shutdown(opener, base, kernel_id, None) == 403  # the XSRF check itself stays on
    assert _alive(base, kernel_id)
    assert _shutdown(opener, base, kernel_id, xsrf) == 204  # what the closing page sends
    assert not _alive(base, kernel_id)
    assert _shutdown(opener, base, kernel_id, xsrf) == 204  # asked twice (Voila's and smbkit's request): still fine
    _, second = _open_page(opener, base)  # a page closed: room for a new one
    assert _shutdown(opener, base, second, xsrf) == 204


def test_an_unknown_company_is_refused_with_a_way_back(one_page_server):
    opener, _ = _client()
    try:
        opener.open(f"{one_page_server}/voila/render/00_start_here.ipynb?company=..%2F..%2Fetc", timeout=60)
        pytest.fail("an unknown company was served")
    except urllib.error.HTTPError as e:
        page = e.read().decode("utf-8")
        assert e.code == 404 and "No company called &#39;../../etc&#39;" in page and "go back to the start page" in page
        assert "cdn." not in page and Path(__file__).exists()
