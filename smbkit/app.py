"""The owner's view: `smbkit app` (Voila, no code) and `smbkit lab` (JupyterLab), both on localhost.

Both check the company folder first (bad input is reported exactly as by `smbkit validate`, and no
server starts), then start the server as a child process with ``SMBKIT_DATA`` set, so every
notebook opens that company (`smbkit.data.company_dir`), and print the address once the server
answers. Nothing is fetched from the network: Voila and JupyterLab serve their own scripts.
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
from pathlib import Path

from .data import DATA_ENV, Company
from .notebooks import NOTEBOOKS, START, notebooks_dir
from .people import current_employees

__all__ = ["landing", "free_port", "port_is_free", "app_command", "lab_command", "prepare_workspace", "serve", "new_token"]

SERVER_START_SECONDS = 60  # how long to wait for the server to answer before giving up


def landing(company: Company, *, links: bool = True):
    """The start page's body: which company is open and a link to each notebook with what it answers."""
    from IPython.display import HTML

    s = company.settings
    people = len(current_employees(company))
    items = []
    for nb in NOTEBOOKS:
        number, title = nb.name.split("_", 1)
        label = f"{number} · {title.replace('_', ' ').capitalize()}"
        head = f"<a href='{nb.name}.ipynb'>{html.escape(label)}</a>" if links else html.escape(label)
        items.append(f"<li><b>{head}</b>: {html.escape(nb.summary)}</li>")
    return HTML(f"<div class='smbkit-landing'><p><b>Company open:</b> {html.escape(s.name)}, {people} people, "
                f"analysis date {s.as_of.date()} (folder: <code>{html.escape(str(company.path))}</code>).</p>"
                f"<ol style='list-style:none;padding-left:0'>{''.join(items)}</ol></div>")


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


def app_command(port: int, host: str = "127.0.0.1") -> list[str]:
    """Voila on the shipped notebooks folder: tree mode (every notebook reachable), code never sent."""
    return [sys.executable, "-m", "voila", str(notebooks_dir()), "--no-browser", f"--port={port}", f"--Voila.ip={host}",
            "--VoilaConfiguration.show_tracebacks=False", "--VoilaConfiguration.strip_sources=True",
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


def serve(command: list[str], data_dir: Path, port: int, address: str, host: str = "127.0.0.1", out=sys.stdout) -> int:
    """Start a server, print its address once it answers, and wait until it stops or Ctrl+C is pressed.

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
    env = dict(os.environ, **{DATA_ENV: str(data_dir)})
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
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
