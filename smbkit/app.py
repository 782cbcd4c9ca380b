"""The owner's view: `smbkit app` (Voila, no code) and `smbkit lab` (JupyterLab), both on localhost.

Both check the company folder first (bad input is reported exactly as by `smbkit validate`, and no
server starts), then start the server as a child process and print the address once it answers.
Nothing is fetched from the network: Voila and JupyterLab serve their own scripts.

Which company a page shows. The server is told three folders through the environment: the company
it was started with (``SMBKIT_DATA``), the folder of client companies (``SMBKIT_CLIENTS``, from
``smbkit app --clients``) and where the data editor saves its copies (``SMBKIT_SAVE``). A page's
address may name a company by its folder name, ``?company=<name>``; the server
(`smbkit.appserver`) looks the name up in `Companies` and starts the page's kernel with
``SMBKIT_DATA`` set to that folder and ``SMBKIT_COMPANY`` to the name, so `smbkit.company_dir`
opens it and every link on the page keeps it. The choice lives in the address, not on the server:
two consultants' tabs on one server each keep their own company, and a reloaded page shows the
same company again.
"""

from __future__ import annotations

import filecmp
import html
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .data import DATA_ENV, Company, InputError, load_company, sample_dir
from .notebooks import EDITOR, NOTEBOOKS, START, app_page, notebooks_dir
from .people import current_employees

__all__ = ["landing", "start_page", "company_picker", "Companies", "company_link", "free_port", "port_is_free", "app_command",
           "lab_command", "prepare_workspace", "serve", "new_token", "CLIENTS_ENV", "SAVE_ENV", "COMPANY_ENV",
           "DEFAULT_SAVE_DIR", "MAX_PAGES", "IDLE_MINUTES", "POOL_SIZE"]

SERVER_START_SECONDS = 60  # how long to wait for the server to answer before giving up
CLIENTS_ENV = "SMBKIT_CLIENTS"  # the folder of client companies, `smbkit app --clients`
SAVE_ENV = "SMBKIT_SAVE"  # where the data editor writes its dated copies
COMPANY_ENV = "SMBKIT_COMPANY"  # the name (``?company=``) a page was opened for; empty for the app's own company
DEFAULT_SAVE_DIR = "smbkit-companies"  # in the current folder, when there is no --clients folder
# Pages open at once, each with its own kernel (~180 MB for notebook 05 on the sample): beyond
# this the server refuses a new page with advice instead of filling the machine's memory.
MAX_PAGES = 12
# A kernel whose page has gone (no browser connected) is shut down after this long without
# activity. It backs up the shutdown a closed page asks for, which a crashed browser never sends;
# a page that is still open is never culled, however long it sits.
IDLE_MINUTES = 10
POOL_SIZE = 1  # kernels kept ready per page, each with the page already run (Voila's preheated pool)
# How long the server waits for a cell's output once the cell has run. nbclient waits only until the
# kernel says it is idle, which normally comes at once; the wait is long because what arrives after
# it is dropped (the page then shows the cell with nothing under it), and with a consultant's
# company switch refilling six pages' kernels on two cores the server's loop fell that far behind.
IOPUB_SECONDS = 600


@dataclass(frozen=True)
class Companies:
    """The companies the app can open: the one it was started with, and those under its folders.

    Parameters
    ----------
    default : Path
        The company a page shows when its address names none.
    roots : tuple of Path
        Folders whose sub-folders holding a ``company.yaml`` are companies, named by their folder
        name (the first root wins when two hold the same name): the ``--clients`` folder and the
        folder where the editor saves.
    save_root : Path
        Where the data editor writes its copies.
    """

    default: Path
    roots: tuple[Path, ...] = ()
    save_root: Path = Path(DEFAULT_SAVE_DIR)

    @classmethod
    def from_env(cls, env=None) -> Companies:
        """The companies described by ``SMBKIT_DATA``, ``SMBKIT_CLIENTS`` and ``SMBKIT_SAVE`` (default: this process's environment)."""
        env = os.environ if env is None else env
        default = Path(env[DATA_ENV]) if env.get(DATA_ENV, "").strip() else sample_dir()
        clients = env.get(CLIENTS_ENV, "").strip()
        save = env.get(SAVE_ENV, "").strip() or clients or str(Path.cwd() / DEFAULT_SAVE_DIR)
        roots = tuple(dict.fromkeys(Path(p) for p in (clients, save) if p))
        return cls(Path(default), roots, Path(save))

    def folders(self) -> dict[str, Path]:
        """``{name: folder}`` for every company under the roots, sorted by name."""
        found: dict[str, Path] = {}
        for root in self.roots:
            if not root.is_dir():
                continue
            for sub in sorted(root.iterdir()):
                if sub.is_dir() and (sub / "company.yaml").is_file() and sub.name not in found:
                    found[sub.name] = sub
        return found

    def folder(self, name: str) -> Path | None:
        """The folder called ``name`` (``""``: the app's own company), or None when there is none.

        Only names found by listing the roots are accepted, so an address cannot point the app at
        any other folder of the machine.
        """
        if not name:
            return self.default
        return self.folders().get(name)

    def name_of(self, folder) -> str:
        """The name under which ``folder`` is listed (``""`` for the app's own company)."""
        folder = Path(folder).resolve()
        if folder == self.default.resolve():
            return ""
        for name, path in self.folders().items():
            if path.resolve() == folder:
                return name
        return ""


def company_link(page: str, name: str = "") -> str:
    """The relative address of an app page (``02_define_goals``) for the company called ``name``."""
    return f"{page}.ipynb" + (f"?company={quote(name)}" if name else "")


def _opened_as() -> str:
    return os.environ.get(COMPANY_ENV, "")


def landing(company: Company, *, links: bool = True):
    """The start page's body: which company is open and a link to each notebook with what it answers.

    The links keep the company the page was opened for (``?company=``), and a last link opens the
    data editor on it.
    """
    from IPython.display import HTML

    s = company.settings
    people = len(current_employees(company))
    name = _opened_as()
    items = []
    for nb in NOTEBOOKS:
        label = f"{nb.number} · {nb.title.split(' · ', 1)[1]}"
        head = f"<a href='{company_link(nb.name, name)}'>{html.escape(label)}</a>" if links else html.escape(label)
        items.append(f"<li><b>{head}</b>: {html.escape(nb.summary)}</li>")
    editor = app_page(EDITOR)
    edit = (f"<p class='smbkit-edit'><a href='{company_link(editor.name, name)}'>{html.escape(editor.title)}</a>: "
            f"{html.escape(editor.summary)}</p>") if links else ""
    return HTML(f"<div class='smbkit-landing'><p><b>Company open:</b> {html.escape(s.name)}, {people} people, "
                f"analysis date {s.as_of.date()} (folder: <code>{html.escape(str(company.path))}</code>).</p>"
                f"<ol class='smbkit-notebooks' style='list-style:none;padding-left:0'>{''.join(items)}</ol>{edit}</div>")


def _problems_html(error: InputError, limit: int = 5) -> str:
    shown = "".join(f"<li>{html.escape(str(p))}</li>" for p in error.problems[:limit])
    more = len(error.problems) - limit
    rest = f"<li>and {more} more</li>" if more > 0 else ""
    return f"<ul>{shown}{rest}</ul>"


def start_page(folder):
    """The start page for a company folder: `landing` when it is valid, else its problems and a link to fix them."""
    from IPython.display import HTML

    try:
        company = load_company(folder)
    except InputError as e:
        editor = app_page(EDITOR)
        return HTML(f"<div class='smbkit-landing'><p><b>This company cannot be opened yet:</b> "
                    f"<code>{html.escape(str(folder))}</code> has {len(e.problems)} problem"
                    f"{'s' if len(e.problems) != 1 else ''}.</p>{_problems_html(e)}"
                    f"<p><a href='{company_link(editor.name, _opened_as())}'>Fix them in the data editor</a>, "
                    f"or choose another company below.</p></div>")
    return landing(company)


def company_picker(current=None, companies: Companies | None = None):
    """The companies the app can switch to, each a link to its start page; invalid ones with their problems.

    Parameters
    ----------
    current : str or Path, optional
        The folder open now (marked in the list).
    companies : Companies, optional
        Default: `Companies.from_env`, the folders the app was started with.
    """
    from IPython.display import HTML

    companies = companies or Companies.from_env()
    here = Path(current).resolve() if current else None
    rows = [_picker_row("", companies.default, here)] + [_picker_row(n, f, here) for n, f in companies.folders().items()
                                                          if f.resolve() != companies.default.resolve()]
    where = ", ".join(f"<code>{html.escape(str(r))}</code>" for r in companies.roots if r.is_dir()) or "no folder yet"
    note = ("" if companies.roots and any(r.is_dir() for r in companies.roots) else
            "<p>Start the app with <code>smbkit app --clients FOLDER</code> to list every company in a folder here.</p>")
    return HTML(f"<div class='smbkit-picker'><p>Companies the app can open (from {where}); choosing one opens its "
                f"start page, and every page you open from there shows that company.</p>"
                f"<ul style='list-style:none;padding-left:0'>{''.join(rows)}</ul>{note}</div>")


def _picker_row(name: str, folder: Path, here: Path | None) -> str:
    label = html.escape(folder.name)
    try:
        company = load_company(folder)
    except InputError as e:
        editor = app_page(EDITOR)
        return (f"<li class='smbkit-invalid'><b>{label}</b>: not opened, {len(e.problems)} problem"
                f"{'s' if len(e.problems) != 1 else ''} to fix first "
                f"(<a href='{company_link(editor.name, name)}'>fix them in the data editor</a>){_problems_html(e, 3)}</li>")
    title = html.escape(company.settings.name)
    people = len(current_employees(company))
    if here is not None and folder.resolve() == here:
        return f"<li class='smbkit-current'><b>{title}</b> ({label}, {people} people): open now</li>"
    return f"<li><a href='{company_link(START, name)}'>{title}</a> ({label}, {people} people)</li>"


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the operating system picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when nothing listens on ``port`` (so a server started there answers, not another one)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
        return True


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def app_command(port: int, host: str = "127.0.0.1", *, preheat: bool = True, max_pages: int = MAX_PAGES,
                idle_minutes: float = IDLE_MINUTES) -> list[str]:
    """smbkit's Voila (`smbkit.appserver`) on the shipped notebooks folder: every page reachable, code never sent.

    Parameters
    ----------
    preheat : bool, default=True
        Keep `POOL_SIZE` kernels per page with the page already run, so a page opens at once.
    max_pages : int, default=MAX_PAGES
        Pages open at once; one more is refused with advice.
    idle_minutes : float, default=IDLE_MINUTES
        A kernel without a browser connected is shut down after this long idle.
    """
    pool = [f"--VoilaConfiguration.preheat_kernel={preheat}", f"--VoilaConfiguration.default_pool_size={POOL_SIZE if preheat else 0}"]
    cull = [f"--MappingKernelManager.cull_idle_timeout={round(idle_minutes * 60)}",
            f"--MappingKernelManager.cull_interval={max(10, min(60, round(idle_minutes * 60) // 2))}",
            "--MappingKernelManager.cull_connected=False"]
    return [sys.executable, "-m", "smbkit.appserver", str(notebooks_dir()), "--no-browser", f"--port={port}",
            f"--Voila.ip={host}", "--VoilaConfiguration.show_tracebacks=False", "--VoilaConfiguration.strip_sources=True",
            "--VoilaConfiguration.template=smbkit", f"--SmbkitVoila.max_pages={max_pages}", *pool, *cull,
            # nbclient stops waiting for a cell's output after 4 s by default and drops what comes later: with
            # seven pages preheating at once on two cores, a page's widgets came after that and never showed
            f"--VoilaExecutor.iopub_timeout={IOPUB_SECONDS}",
            "--ServerApp.open_browser=False", *_root_flag()]


def lab_command(workspace: Path, port: int, token: str, host: str = "127.0.0.1", browser: bool = True) -> list[str]:
    """JupyterLab on the workspace folder, opening the start notebook."""
    return [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={workspace}", f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0", f"--ServerApp.ip={host}", f"--IdentityProvider.token={token}",
            f"--ServerApp.open_browser={browser}", f"--LabApp.default_url=/lab/tree/{START}.ipynb",
            # no announcements feed and no update check: both would call the internet
            "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly", *_root_flag()]


def _root_flag() -> list[str]:
    # Jupyter servers refuse to start as root unless told; containers and CI machines often are root
    return ["--ServerApp.allow_root=True"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []


def prepare_workspace(folder) -> tuple[Path, list[str]]:
    """Copy the shipped notebooks into ``folder`` for JupyterLab, where they may be run and saved.

    The shipped notebooks are never opened for editing (JupyterLab saves outputs into them). A copy
    the owner has changed is kept; returns the folder and the names of the kept copies.
    """
    folder = Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    kept = []
    for src in sorted(notebooks_dir().glob("*.ipynb")):
        target = folder / src.name
        if target.exists() and not filecmp.cmp(src, target, shallow=False):
            kept.append(src.name)
            continue
        shutil.copyfile(src, target)
    return folder, kept


def serve(command: list[str], data_dir: Path, port: int, address: str, host: str = "127.0.0.1", out=sys.stdout, *,
          env: dict | None = None) -> int:
    """Start a server, print its address once it answers, and wait until it stops or Ctrl+C is pressed.

    The server gets ``SMBKIT_DATA=data_dir`` and ``env`` on top of this process's environment.
    Returns the server's exit status (0 after Ctrl+C). The server's own messages are kept in a
    temporary file and shown only when it fails to start: the owner needs the address, not a page
    of server log.
    """
    import signal
    import tempfile

    def stop(signum, frame):  # `kill` and a closed terminal stop the server too, not only Ctrl+C
        raise KeyboardInterrupt

    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None:
            signal.signal(sig, stop)
    full_env = dict(os.environ, **{DATA_ENV: str(data_dir)}, **(env or {}))
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(command, env=full_env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + SERVER_START_SECONDS
            while not _answers(host, port):
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    said = log.read().decode("utf-8", "replace").strip().splitlines()[-15:]
                    why = (f"stopped while starting (exit status {proc.returncode})" if proc.poll() is not None
                           else f"did not answer within {SERVER_START_SECONDS} seconds")
                    print(f"the server {why}; its last messages:\n  " + "\n  ".join(said), file=sys.stderr)
                    return proc.returncode or 1
                time.sleep(0.2)
            print(f"Open {address} in your browser (press Ctrl+C here to stop).", file=out, flush=True)
            return proc.wait()
        except KeyboardInterrupt:
            return 0
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()


def new_token() -> str:
    """A fresh JupyterLab access token for one session."""
    return secrets.token_hex(16)
