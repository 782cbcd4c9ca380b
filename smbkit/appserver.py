"""The app's web server: Voila with what `smbkit app` needs on top (run as ``python -m smbkit.appserver``).

- **A closed page shuts its kernel down.** Voila's page asks for that on ``beforeunload`` with a
  ``POST /voila/api/shutdown/<kernel>`` whose form carries the ``_xsrf`` cookie, but Voila's page
  handler never sets that cookie, so Jupyter Server refuses the request with 403 ("'_xsrf'
  argument missing from POST", voila-dashboards/voila#1458) and every kernel lived until the
  server stopped. `PageHandler` sets the cookie when it serves a page; the check itself stays on.
  Voila sends the request only from pages that show a widget, so the ``smbkit`` template sends it
  from every page, and `ShutdownHandler` takes a second request for a kernel already gone as done.
- **Pages open for the company their address names** (``?company=<name>``, see `smbkit.app`):
  `AppKernelManager` starts each kernel with that company's folder in ``SMBKIT_DATA``.
- **Preheated kernels follow the company in use.** Voila keeps one kernel per page with the page
  already run (its preheated pool), started with the server's company. A page asked for another
  company is run afresh and the pool of that page is refilled for the new company; opening a
  company's start page refills every page's pool, so the pages opened from it are ready in turn.
- **A bound on pages**: with `SmbkitVoila.max_pages` pages open, one more is refused with a page
  that says what to do. Idle kernels without a browser are culled by Jupyter Server (`smbkit.app`
  sets the timeout).
- **Nothing from the internet**: the ``smbkit`` template (``share/voila/templates/smbkit``) is
  Voila's lab template without its links to Font Awesome on a CDN.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import tornado.web
from jupyter_core.utils import ensure_async
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Integer
from voila.app import Voila
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.utils import ENV_VARIABLE

from .app import COMPANY_ENV, Companies
from .data import DATA_ENV, InputError, load_company
from .notebooks import NOTEBOOKS, START

__all__ = ["AppKernelManager", "PageHandler", "ShutdownHandler", "SmbkitVoila", "Heat", "company_asked", "run_server", "TEMPLATES"]

TEMPLATES = Path(__file__).resolve().parent / "share"  # a Jupyter data folder holding voila/templates/smbkit
TEMPLATE = "smbkit"
ANALYSIS_FILL_DELAY = 4.0  # seconds after start before the analysis pages are preheated (the start page comes first)


def company_asked(env) -> str:
    """The company name a kernel's page asked for (``?company=``), from the environment Voila starts it with.

    A kernel started for a request carries the request's ``QUERY_STRING``; a preheated kernel that
    refills the pool carries the address of the request that emptied it (``VOILA_REQUEST_URL``);
    the first preheated kernels carry neither and open the app's own company.

    Examples
    --------
    >>> company_asked({"QUERY_STRING": "company=bakery-2026-05-01"})
    'bakery-2026-05-01'
    >>> company_asked({"VOILA_REQUEST_URL": "http://127.0.0.1:8866/voila/render/01_assess_workforce.ipynb?company=acme"})
    'acme'
    >>> company_asked({})
    ''
    """
    query = env.get(ENV_VARIABLE.QUERY_STRING)
    if query is None:
        query = urlsplit(env.get(ENV_VARIABLE.VOILA_REQUEST_URL, "")).query
    return parse_qs(query).get("company", [""])[0]


class AppKernelManager(AsyncMappingKernelManager):
    """Jupyter Server's kernel manager, starting each kernel on the company its page asked for."""

    async def start_kernel(self, *args, **kwargs):
        """Start a kernel with ``SMBKIT_DATA`` set to the folder of the company asked for (`company_asked`)."""
        env = dict(kwargs.get("env") or os.environ)
        name = company_asked(env)
        companies = Companies.from_env(env)
        folder = companies.folder(name)
        if folder is None:  # the folder went away between the request and this refill: the app's own company
            self.log.warning("no company called %r any more; the kernel opens %s", name, companies.default)
            name, folder = "", companies.default
        env[DATA_ENV] = str(folder)
        env[COMPANY_ENV] = name
        kwargs["env"] = env
        return await super().start_kernel(*args, **kwargs)


class Heat:
    """Which company each page's preheated kernels were started for, and the refills under way.

    Voila fills every page's pool when the server starts, with the server's own company; after
    that a pool is refilled only through `reheat`, so this record stays true.
    """

    def __init__(self, default: Path, log=None):
        self.default = Path(default).resolve()
        self.companies: dict[str, Path] = {}
        self.tasks: set[asyncio.Task] = set()  # kept so that a running refill is not garbage-collected
        self.log = log

    def company(self, page: str) -> Path:
        """The folder the preheated kernels of ``page`` (``"02_define_goals.ipynb"``) have open."""
        return self.companies.get(page, self.default)

    def start(self, coroutine) -> None:
        """Run a refill in the background, keeping a reference until it is done."""
        task = asyncio.ensure_future(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None and self.log is not None:
            # the page still opens (afresh) for that company; only its preheating failed
            self.log.error("refilling a page's preheated kernel failed", exc_info=task.exception())

    async def reheat(self, kernels, page: str, folder: Path, name: str) -> None:
        """Refill the pool of ``page`` for the company ``name``: the kernel heated for another company goes.

        Voila refills a pool when a kernel is taken from it, with the address of the request that
        took it; taking it here with an address naming the company makes the refill open that
        company (`company_asked`). The kernel taken is stopped once its running cell is done.
        """
        folder = Path(folder).resolve()
        if self.company(page) == folder or kernels.get_pool_size(page) == 0:
            return
        self.companies[page] = folder
        query = f"?company={name}" if name else ""
        render, _, kernel_id = await kernels.get_rendered_notebook(
            notebook_name=page, extra_kernel_env_variables={ENV_VARIABLE.VOILA_REQUEST_URL: f"http://127.0.0.1/voila/render/{page}{query}"})
        _, rest = await render  # Voila stops rendering a taken kernel's page after its running cell
        await rest.aclose()
        await kernels.shutdown_kernel(kernel_id)


class PageHandler(TornadoVoilaHandler):
    """Voila's page handler: sets the XSRF cookie, opens the company asked for, refuses pages beyond the bound."""

    @tornado.web.authenticated
    async def get(self, path=None):
        """Serve a page (``/voila/render/<path>?company=<name>``)."""
        # Reading the token sets the ``_xsrf`` cookie; the page sends it back with its request to
        # shut its kernel down when it closes (voila-dashboards/voila#1458).
        self.xsrf_token  # noqa: B018
        app: SmbkitVoila = self.settings["smbkit_app"]
        name = self.get_argument("company", "")
        folder = app.companies().folder(name)
        if folder is None:
            raise tornado.web.HTTPError(404, f"No company called {name!r} in the app's folders; go back to the start page "
                                             f"and choose one from its list.")
        page = (path or self.notebook_path or "").lstrip("/")
        open_now = app.open_pages()
        if open_now >= app.max_pages:
            raise tornado.web.HTTPError(503, f"{open_now} pages are open, the most this app serves at once "
                                             f"(smbkit app --max-pages). Close a page you no longer need, then reload this one.")
        self._company = Path(folder).resolve()
        self._page = page
        await super().get(path=path)
        heat = app.heat
        heat.start(heat.reheat(self.kernel_manager, page, self._company, name))
        if page == f"{START}.ipynb":
            heat.start(app.reheat_all(self._company, name))

    def should_use_rendered_notebook(self, notebook_data, pool_size, template_name, theme, request_args):
        """Voila's conditions, and the pool's kernel has the company asked for open."""
        return (super().should_use_rendered_notebook(notebook_data, pool_size, template_name, theme, request_args)
                and self.settings["smbkit_app"].heat.company(self._page) == self._company)


class ShutdownHandler(VoilaShutdownKernelHandler):
    """Voila's shutdown of a closed page's kernel, answering "done" when it is gone or going already.

    A page may ask twice (Voila's widget manager and the ``smbkit`` template both ask), and a
    kernel may have been culled since; neither is an error.
    """

    @tornado.web.authenticated
    async def post(self, kernel_id):
        """Shut the kernel down unless it is gone or going; 204 either way."""
        closing = self.settings["smbkit_app"].closing
        if kernel_id in self.kernel_manager and kernel_id not in closing:
            closing.add(kernel_id)
            try:
                await ensure_async(self.kernel_manager.shutdown_kernel(kernel_id))
            finally:
                closing.discard(kernel_id)
        self.set_status(204)
        self.finish()


class SmbkitVoila(Voila):
    """Voila with `PageHandler`, `AppKernelManager`, the ``smbkit`` template and a bound on open pages."""

    max_pages = Integer(12, config=True, help="Pages open at once (each has a kernel); one more is refused with advice.")

    def initialize(self, argv=None):
        """Find the ``smbkit`` template (a Jupyter data folder of the package) and use smbkit's kernel manager."""
        os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(TEMPLATES), os.environ.get("JUPYTER_PATH", "")) if p)
        super().initialize(argv)
        self.voila_configuration.multi_kernel_manager_class = AppKernelManager
        self.heat = Heat(self.companies().default, self.log)
        self.closing: set[str] = set()  # kernels being shut down

    def companies(self) -> Companies:
        """The companies this server can open (from its environment, read afresh: new copies appear)."""
        return Companies.from_env()

    def pages(self) -> list[str]:
        """Every page of the app (``"02_define_goals.ipynb"``), as Voila names their pools."""
        return sorted(p.name for p in Path(self.root_dir).glob("*.ipynb"))

    def open_pages(self) -> int:
        """Kernels serving a page now: every kernel but those waiting, preheated, in a pool."""
        km = self.kernel_manager
        return len(km.list_kernel_ids()) - sum(km.get_pool_size(p) for p in self.pages())

    async def reheat_all(self, folder: Path, name: str) -> None:
        """Refill every page's pool for a valid company (a consultant just chose it on the start page)."""
        try:
            await asyncio.get_running_loop().run_in_executor(None, load_company, folder)
        except InputError:
            return  # its pages would only show its problems; keep the pools as they are
        for page in self.pages():
            if page != f"{START}.ipynb":
                self.heat.start(self.heat.reheat(self.kernel_manager, page, folder, name))

    def init_settings(self):
        """Voila's settings, and this app for the handlers; the app's own pages are preheated first.

        Voila starts every page's preheated kernel at once, and seven pages running together on two
        cores made the start page wait ~8 s after a cold start. The analysis pages are kept off
        Voila's first fill (its ``preheat_denylist``) and filled `ANALYSIS_FILL_DELAY` seconds later.
        """
        analysis = [f"{n.name}.ipynb" for n in NOTEBOOKS]
        if self.voila_configuration.preheat_kernel:
            # Voila tests each entry as a substring of the notebook's full path (and as a regex from its start)
            self.config.VoilaKernelManager.preheat_denylist = analysis
        settings = super().init_settings()
        settings["smbkit_app"] = self
        if self.voila_configuration.preheat_kernel:
            for name in analysis:
                self.kernel_manager.fill_if_needed(delay=ANALYSIS_FILL_DELAY, notebook_name=name)
        return settings

    def init_handlers(self):
        """Voila's handlers with `PageHandler` serving the pages and `ShutdownHandler` shutting their kernels down."""
        ours = {TornadoVoilaHandler: PageHandler, VoilaShutdownKernelHandler: ShutdownHandler}
        return [(route, ours.get(handler, handler), *rest) for route, handler, *rest in super().init_handlers()]


def run_server(argv=None):
    """Run the app's server (arguments as for ``voila``)."""
    SmbkitVoila.launch_instance(argv)


if __name__ == "__main__":
    run_server()
