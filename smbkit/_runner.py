"""Running one notebook with papermill: kernel set-up, retries and the hang watchdog.

`smbkit.report.run` calls `execute` in worker processes, one notebook per process.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

# A kernel that dies while starting (most often two kernels racing for the same port when
# notebooks start in parallel, papermill issue #711) is started again; so is one that hangs.
KERNEL_START_ATTEMPTS = 3
# No cell of the shipped notebooks takes more than a few seconds on a 5,000-person company; a cell
# still waiting after this long is treated as a hung kernel and the notebook is run again.
DEFAULT_CELL_TIMEOUT = 300.0


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
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            log_path.parent.mkdir(parents=True, exist_ok=True)
            with open(log_path, "ab") as log:
                kw["stderr"] = log
                kw["stdout"] = log
                return await super()._async_launch_kernel(kernel_cmd, **kw)

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


def execute(source: Path, target: Path, params: dict, cell_timeout: float = DEFAULT_CELL_TIMEOUT) -> dict:
    """Run one notebook with papermill; start it again on a fresh kernel when the kernel fails.

    A cell error is the notebook's own failure and is reported at once. A kernel that does not
    start (a port race), dies, or stops answering (a cell outliving ``cell_timeout`` seconds) is a
    failure of the machinery, so the notebook runs again, up to `KERNEL_START_ATTEMPTS` times.

    Returns ``{"ok", "failed_cell", "error", "seconds"}``.
    """
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()
    last_error: Exception | None = None
    log = target.parent.parent / "logs" / f"{source.stem}.kernel.log"
    for attempt in range(KERNEL_START_ATTEMPTS):
        try:
            papermill.execute_notebook(str(source), str(target), parameters=params, kernel_name="python3",
                                       progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                                       execution_timeout=cell_timeout, kernel_manager_class=kernel_manager_class(log))
            return {"ok": True, "failed_cell": None, "error": "", "seconds": time.perf_counter() - start}
        except PapermillExecutionError as e:
            return {"ok": False, "failed_cell": failed_cell(target), "error": f"{e.ename}: {e.evalue}",
                    "seconds": time.perf_counter() - start}
        except (CellTimeoutError, DeadKernelError, RuntimeError, TimeoutError) as e:
            last_error = e
            time.sleep(0.5 * (attempt + 1))
    what = (f"a cell ran longer than the cell timeout of {cell_timeout:g} seconds" if isinstance(last_error, CellTimeoutError)
            else f"{type(last_error).__name__}: {last_error}")
    return {"ok": False, "failed_cell": failed_cell(target) if target.exists() else None,
            "error": f"the notebook could not run after {KERNEL_START_ATTEMPTS} tries ({what})", "seconds": time.perf_counter() - start}
