"""Running one notebook with papermill: kernel set-up, retries, the hang watchdog and warm kernels.

`smbkit.report.run` and `smbkit.batch` call `execute` in worker processes, one notebook at a time
per process. A worker keeps its kernel between notebooks (a "warm" kernel): starting a kernel and
importing pandas, matplotlib, statsmodels and smbkit costs about 2.5 s of CPU, which a batch of
many companies would otherwise pay five times per company. Between notebooks the kernel's
namespace, figures and widgets are cleared, so a notebook never sees another one's variables.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

__all__ = ["DEFAULT_CELL_TIMEOUT", "KERNEL_START_ATTEMPTS", "STOP_GRACE_SECONDS", "skip_slow_iri_checker", "kernel_manager_class",
           "failed_cell", "shutdown_warm", "has_warm_kernel", "warm_kernel", "start_warm_kernel", "execute", "kill_kernels",
           "descendants", "stop_processes", "guard_worker", "worker_signals", "signal_handlers_kept",
           "process_started"]

# A kernel that dies while starting (most often two kernels racing for the same port when
# notebooks start in parallel, papermill issue #711) is started again; so is one that hangs.
KERNEL_START_ATTEMPTS = 3
# No cell of the shipped notebooks takes more than a few seconds on a 5,000-person company; a cell
# still waiting after this long is treated as a hung kernel and the notebook is run again.
DEFAULT_CELL_TIMEOUT = 300.0
# Seconds a stopped run gives its workers and kernels to end after SIGTERM before SIGKILL
STOP_GRACE_SECONDS = 3.0
# How often a worker checks that the run that started it is still there (where the system cannot tell it)
PARENT_POLL_SECONDS = 0.5

_kernels: set[int] = set()  # process ids of the kernels this process started (each leads its own session)


def kill_kernels() -> None:
    """Kill every kernel this process started, with whatever it started in turn.

    A kernel is started in a session of its own (jupyter_client), so signals to the run's
    process group miss it; it is killed by its process group here. Nothing in a kernel is worth
    keeping once its run is stopped.
    """
    for pid in list(_kernels):
        _kernels.discard(pid)
        try:
            if os.getsid(pid) == pid:  # still that kernel's session, not a stranger that got its number
                os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass  # already gone


def process_started(pid) -> str:
    """When process ``pid`` started (clock ticks since boot, /proc/PID/stat field 22): tells a process
    from a later one given the same id. ``"gone"`` when there is no such process (or no /proc)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return "gone"


def _parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] == "Z" else int(fields[1])  # a zombie has ended already


def descendants(pid: int) -> list[int]:
    """Every living process below ``pid`` (children first), from /proc; empty where there is no /proc."""
    if not Path("/proc").is_dir():
        return []
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            parent = _parent_of(int(entry))
            if parent is not None:
                kids.setdefault(parent, []).append(int(entry))
    out, todo = [], list(kids.get(pid, []))
    while todo:
        p = todo.pop(0)
        out.append(p)
        todo += kids.get(p, [])
    return out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return _parent_of(pid) is not None or not Path("/proc").is_dir()


def stop_processes(pids, grace: float = STOP_GRACE_SECONDS) -> None:
    """SIGTERM each process, then SIGKILL whatever still runs after ``grace`` seconds."""
    pids = [p for p in pids if p != os.getpid()]
    for p in pids:
        try:
            os.kill(p, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.05)
    for p in pids:
        if _alive(p):
            try:
                os.kill(p, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def _end_worker(code: int) -> None:
    """A worker's last act: its kernels killed, the process gone at once (no pool machinery to wait for)."""
    kill_kernels()
    os._exit(code)


def worker_signals() -> None:
    """A worker ignores Ctrl+C and ends, with its kernels, on SIGTERM.

    nbclient puts handlers of its own in place while a notebook runs (it shuts its kernel down on
    either signal) and leaves Python's defaults behind; a worker calls this again after each
    notebook. A worker that goes on after SIGTERM is killed by its run a few seconds later.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda signum, frame: _end_worker(128 + signum))


@contextlib.contextmanager
def signal_handlers_kept():
    """Put back this process's SIGINT, SIGTERM and SIGHUP handlers after the block (nbclient, which
    runs notebooks, replaces them while it runs one and leaves Python's defaults behind)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    names = [n for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)]
    kept = {n: signal.getsignal(getattr(signal, n)) for n in names}
    try:
        yield
    finally:
        for n, handler in kept.items():
            if handler is not None:
                signal.signal(getattr(signal, n), handler)


def guard_worker(parent: int) -> None:
    """Make a worker process end, with its kernels, when its run ends or is stopped.

    Ctrl+C reaches every process of the terminal's group: the run decides what stops, so the
    worker ignores it. SIGTERM (sent by a run that is stopping) kills the worker's kernels and
    ends it. If the run dies without a word (SIGKILL), Linux sends the worker SIGTERM
    (``prctl(PR_SET_PDEATHSIG)``); elsewhere, and as a second guard, a thread sees the parent
    change. The kernels also watch their parent (ipykernel's parent poller) and end within a
    second of it.
    """
    worker_signals()
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watching thread below still guards
    if os.getppid() != parent:  # the run ended before the guard was set
        _end_worker(1)

    def watch():
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        _end_worker(1)

    threading.Thread(target=watch, name="smbkit-parent-watch", daemon=True).start()


def skip_slow_iri_checker() -> None:
    """Keep jsonschema from importing rfc3987_syntax in this process.

    nbformat (through papermill and nbconvert) imports jsonschema, whose format checkers import
    rfc3987_syntax if it is installed; that package compiles some 35 Lark grammars at import, about
    2 seconds (python-jsonschema issue #1428). It only checks the "iri" formats, which no notebook
    schema uses. A None entry in sys.modules makes that optional import fail fast, as if absent.
    """
    sys.modules.setdefault("rfc3987_syntax", None)


def kernel_manager_class(log_path: Path):
    """A kernel manager that starts the kernel with this very Python, whatever kernelspecs say.

    The kernel process's own messages (start-up warnings, shutdown notices; never notebook output)
    go to ``log_path`` instead of the terminal. Kernels talk over TCP on loopback; a port race at
    start-up is retried by `execute`.
    """
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    class HereKernelManager(AsyncKernelManager):
        _last_client = None

        def client(self, **kw):
            # nbclient makes a new client per notebook and leaves it open when it does not own the
            # manager (a warm kernel): close the previous one's channels so none pile up.
            if self._last_client is not None:
                self._last_client.stop_channels()
            self._last_client = super().client(**kw)
            return self._last_client

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            log_path.parent.mkdir(parents=True, exist_ok=True)
            with open(log_path, "ab") as log:
                kw["stderr"] = log
                kw["stdout"] = log
                launched = await super()._async_launch_kernel(kernel_cmd, **kw)
            process = getattr(self.provisioner, "process", None)
            _kernels.difference_update([k for k in _kernels if not _alive(k)])  # kernels that have ended
            if process is not None:  # known, so that a stopped run can kill it (`kill_kernels`)
                _kernels.add(process.pid)
            return launched

        @property
        def kernel_spec(self):
            return KernelSpec(argv=[sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                              display_name="Python 3 (smbkit)", language="python",
                              env={"PYDEVD_DISABLE_FILE_VALIDATION": "1", "SMBKIT_BATCH": "1"})

    return HereKernelManager


def failed_cell(path: Path) -> int | None:
    """1-based position of the first cell with an error output, if any."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return None
    for i, c in enumerate(cells, start=1):
        if c.get("cell_type") == "code" and any(o.get("output_type") == "error" for o in c.get("outputs", [])):
            return i
    return None


# Run before each notebook on a warm kernel, outside the notebook (nothing of it is stored):
# figures and widgets of the previous notebook closed, every name it defined removed, and the
# execution counter back at 1, as on a new kernel. Imported modules stay: that is the saving.
RESET_CODE = """\
import sys as _sys
if 'matplotlib.pyplot' in _sys.modules:
    _sys.modules['matplotlib.pyplot'].close('all')
if 'ipywidgets' in _sys.modules:
    _sys.modules['ipywidgets'].Widget.close_all()
get_ipython().run_line_magic('reset', '-f')
get_ipython().execution_count = 1
__import__('gc').collect()
"""
RESET_TIMEOUT = 60.0

_warm = None  # this process's warm kernel manager, if any


def shutdown_warm() -> None:
    """Shut this process's warm kernel down (nothing happens when there is none)."""
    global _warm
    km, _warm = _warm, None
    if km is None:
        return
    from jupyter_core.utils import run_sync

    try:
        if km._last_client is not None:
            km._last_client.stop_channels()
        run_sync(km.shutdown_kernel)(now=False)
    except Exception:  # already gone
        pass


def has_warm_kernel() -> bool:
    """True while this process keeps a warm kernel."""
    return _warm is not None


def _run_quietly(kc, code: str, timeout: float) -> dict:
    """Run code on a kernel outside any notebook (no history, output dropped); the execute reply."""
    from jupyter_core.utils import run_sync

    return run_sync(kc.execute_interactive)(code, silent=True, store_history=False, timeout=timeout, output_hook=lambda msg: None)


def _reset(km) -> bool:
    """Clear a warm kernel for the next notebook; False when it does not answer (it is then replaced).

    Uses the client the previous notebook left connected, so nothing waits for a new connection.
    """
    kc = km._last_client
    if kc is None:
        return False
    try:
        return _run_quietly(kc, RESET_CODE, RESET_TIMEOUT)["content"]["status"] == "ok"
    except Exception:
        return False


def warm_kernel(log: Path):
    """This process's kernel manager, started by the first notebook and cleared before each later one.

    The kernel is shut down when the worker process ends (a multiprocessing finaliser, which forked
    pool workers run on exit where atexit handlers are not). A kernel that died or does not answer
    the reset is replaced by a new one.
    """
    global _warm
    from jupyter_core.utils import run_sync

    if _warm is not None:
        alive = _warm.has_kernel and run_sync(_warm.is_alive)()
        if alive and _reset(_warm):
            return _warm
        shutdown_warm()
    import multiprocessing.util

    _warm = kernel_manager_class(log)(kernel_name="python3")
    multiprocessing.util.Finalize(None, shutdown_warm, exitpriority=20)
    return _warm


# What every notebook imports first; a pre-started kernel imports it before any notebook arrives
WARM_UP_CODE = "import smbkit\nimport matplotlib.pyplot\nimport seaborn\n"
WARM_UP_TIMEOUT = 120.0


def start_warm_kernel(log: Path, parent: int | None = None) -> None:
    """Worker-pool initializer: guard the worker (`guard_worker`), then start its kernel and import
    smbkit in it straight away.

    `smbkit run` starts its workers before it validates the company, so the kernels start on the
    core the validation leaves idle. Any failure here is left for `execute` to meet: the kernel is
    dropped and the first notebook starts a new one as usual.
    """
    from jupyter_core.utils import run_sync

    if parent is not None:
        guard_worker(parent)
    try:
        km = warm_kernel(log)
        run_sync(km.start_kernel)(extra_arguments=["--HistoryManager.hist_file=:memory:"])  # as nbclient starts one
        kc = km.client()
        kc.start_channels()
        run_sync(kc.wait_for_ready)(timeout=WARM_UP_TIMEOUT)
        _run_quietly(kc, WARM_UP_CODE, WARM_UP_TIMEOUT)
    except Exception:
        shutdown_warm()


def execute(source: Path, target: Path, params: dict, cell_timeout: float = DEFAULT_CELL_TIMEOUT, *,
            warm: bool = False, log: Path | None = None) -> dict:
    """Run one notebook with papermill; start it again on a fresh kernel when the kernel fails.

    A cell error is the notebook's own failure and is reported at once. A kernel that does not
    start (a port race), dies, or stops answering (a cell outliving ``cell_timeout`` seconds) is a
    failure of the machinery, so the notebook runs again, up to `KERNEL_START_ATTEMPTS` times.

    Parameters
    ----------
    warm : bool, default=False
        Run on this process's warm kernel (`warm_kernel`) instead of a kernel of its own. Only for
        worker processes that run one notebook at a time.
    log : Path, optional
        File for the kernel process's own messages; default ``logs/kernels.log`` beside the
        output's folder.

    Returns ``{"ok", "failed_cell", "error", "seconds"}``.
    """
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()
    last_error: Exception | None = None
    log = log or target.parent.parent / "logs" / "kernels.log"
    for attempt in range(KERNEL_START_ATTEMPTS):
        kernel = {"km": warm_kernel(log)} if warm else {"kernel_manager_class": kernel_manager_class(log)}
        try:
            papermill.execute_notebook(str(source), str(target), parameters=params, kernel_name="python3",
                                       progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                                       execution_timeout=cell_timeout, **kernel)
            return {"ok": True, "failed_cell": None, "error": "", "seconds": time.perf_counter() - start}
        except PapermillExecutionError as e:
            return {"ok": False, "failed_cell": failed_cell(target), "error": f"{e.ename}: {e.evalue}",
                    "seconds": time.perf_counter() - start}
        except (CellTimeoutError, DeadKernelError, RuntimeError, TimeoutError) as e:
            last_error = e
            if warm:  # a hung or dead kernel is never reused
                shutdown_warm()
            time.sleep(0.5 * (attempt + 1))
    what = (f"a cell ran longer than the cell timeout of {cell_timeout:g} seconds" if isinstance(last_error, CellTimeoutError)
            else f"{type(last_error).__name__}: {last_error}")
    return {"ok": False, "failed_cell": failed_cell(target) if target.exists() else None,
            "error": f"the notebook could not run after {KERNEL_START_ATTEMPTS} tries ({what})", "seconds": time.perf_counter() - start}
