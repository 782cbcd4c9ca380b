"""Running a set of notebooks on one company, or on many: the output contract of `smbkit run`.

``OUT/notebooks/NN_name.ipynb``  every executed notebook (kept, up to the failing cell, on failure)
``OUT/report.html``              one self-contained page, no code, nothing loaded from the network
``OUT/tables/NN_name__key.csv``  every table a notebook showed, and ``OUT/tables.xlsx`` with them all
``OUT/logs/kernels.log``         what the kernel processes said (for diagnosing failures)

Everything is written into a staging folder inside OUT and put in place when the run is done
(`smbkit._output.Output`): one run at a time writes an OUT, a stopped run leaves the last complete
output (or a marked incomplete one), and files that smbkit did not write are left alone.

`prepare` checks a company and makes its `NotebookJob` list; a `NotebookPool` (worker processes,
each keeping a warm kernel) or this process runs the jobs; `finish` writes the workbook and the
report and puts them in place. `run` does all three for one company; `smbkit.batch` feeds many
companies' jobs to one pool.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import Future, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import runcache
from ._output import Output
from ._runner import (
    DEFAULT_CELL_TIMEOUT,
    descendants,
    execute,
    kill_kernels,
    signal_handlers_kept,
    skip_slow_iri_checker,
    start_warm_kernel,
    stop_processes,
    worker_signals,
)
from .data import Company, load_company
from .demand import resolve_scenario
from .errors import UsageError
from .evidence import report_evidence
from .notebooks import names, notebooks_dir
from .workbook import Workbook

__all__ = ["UsageError", "NotebookJob", "NotebookResult", "PreparedRun", "RunResult", "NotebookPool", "check_folders", "prepare",
           "finish", "run", "progress_bar", "DEFAULT_CELL_TIMEOUT"]


@dataclass
class NotebookResult:
    """How one notebook's run ended."""

    name: str
    ok: bool
    seconds: float
    output: Path
    failed_cell: int | None = None  # 1-based position among the notebook's cells
    error: str = ""
    html: tuple[str, str] | None = field(default=None, repr=False)  # the notebook's report section: (title, HTML)

    @property
    def failure(self) -> str:
        """What went wrong, in one line (empty when the notebook ran)."""
        if self.ok:
            return ""
        where = f" at cell {self.failed_cell}" if self.failed_cell else ""
        return f"notebook {self.name} failed{where}: {self.error}"


@dataclass(frozen=True)
class NotebookJob:
    """One notebook to run for one company: where it comes from, where it goes, its parameters."""

    name: str
    source: Path
    target: Path
    params: dict
    cell_timeout: float = DEFAULT_CELL_TIMEOUT

    def run(self, *, warm: bool = False, log: Path | None = None) -> NotebookResult:
        """Execute the notebook, then render its report section (in a worker: while others still run).

        ``warm`` runs it on the worker process's kept kernel (see `smbkit._runner.warm_kernel`).
        """
        from .report import section

        r = execute(self.source, self.target, self.params, self.cell_timeout, warm=warm, log=log)
        rendered = None
        if self.target.exists():
            try:
                rendered = section(self.target)
            except (OSError, ValueError):  # an unreadable partial notebook is left out of the report, not fatal
                rendered = None
        return NotebookResult(self.name, r["ok"], r["seconds"], self.target, r["failed_cell"], r["error"], rendered)


def _run_job(job: NotebookJob, log: Path | None) -> NotebookResult:
    """What a pool worker runs: one job on the worker's warm kernel (then the worker's own signal handling back)."""
    try:
        return job.run(warm=True, log=log)
    finally:
        worker_signals()


@dataclass
class PreparedRun:
    """A company checked and its output folder locked, with the notebooks to run (nothing executed yet).

    The jobs write into ``output.staging``; `finish` puts what they wrote in place.
    """

    company: Company
    out_dir: Path
    jobs: list[NotebookJob]
    output: Output
    cache: runcache.RunCache

    def abandon(self) -> None:
        """Forget the run: the cached company and the staged files go, OUT stays as it was."""
        self.cache.remove()
        self.output.abandon()


@dataclass
class RunResult:
    """Everything one `run` produced."""

    out_dir: Path
    notebooks: list[NotebookResult]
    report: Path | None = None
    workbook: Path | None = None
    tables: list[Path] = field(default_factory=list)
    pdf_error: str = ""  # why report.pdf could not be printed, when it was asked for

    @property
    def ok(self) -> bool:
        return all(n.ok for n in self.notebooks)


def check_folders(data_dir: Path, out_dir: Path):
    """Refuse an output folder that holds the input, or lies inside it."""
    if out_dir == data_dir or data_dir.is_relative_to(out_dir):
        raise UsageError(f"the output folder {out_dir} contains the input folder {data_dir}; choose an output folder outside it")
    if out_dir.is_relative_to(data_dir):
        raise UsageError(f"the output folder {out_dir} is inside the input folder {data_dir}; "
                         "smbkit never writes into the input, so choose an output folder outside it")


def _parameters_of(path: Path) -> set[str]:
    import papermill

    return set(papermill.inspect_notebook(str(path)).keys())


def prepare(data_dir, out_dir, *, notebooks: list[str] | None = None, parameters: dict | None = None,
            cell_timeout: float = DEFAULT_CELL_TIMEOUT, output: Output | None = None) -> PreparedRun:
    """Validate a company folder and the parameters, lock the output folder; return the jobs to run.

    Each parameter goes only to the notebooks that declare it; a ``scenario`` must name one of the
    company's scenarios. ``output`` is the output folder already opened (`Output.open`), which the
    caller abandons if this raises; without it, it is opened here and left as it was when anything
    is refused.

    Raises
    ------
    InputError
        The company folder breaks the input contract.
    UsageError
        Folders that overlap or cannot be written, a run already writing there, unknown notebooks,
        parameters or scenario.
    """
    data_dir = Path(data_dir).resolve()
    out_dir = Path(out_dir).resolve()
    check_folders(data_dir, out_dir)
    owner = output is None  # a caller that opened the output folder also closes it
    output = output or Output.open(out_dir)
    try:
        company = load_company(data_dir)
        chosen = list(notebooks or names())
        source = notebooks_dir()
        declared = {n: _parameters_of(source / f"{n}.ipynb") for n in chosen}
        extra = dict(parameters or {})
        unknown = [k for k in extra if not any(k in d for d in declared.values())]
        if unknown:
            allowed = sorted(set().union(*declared.values()) - {"data_dir", "out_dir"})
            raise UsageError(f"unknown parameter {unknown[0]!r}; the chosen notebooks take: {', '.join(allowed)}")
        if extra.get("scenario"):
            resolve_scenario(company, str(extra["scenario"]))  # an unknown scenario is refused before anything runs
        stage = output.staging
        (stage / "notebooks").mkdir(parents=True, exist_ok=True)
        (stage / "tables").mkdir(exist_ok=True)
        report_evidence(company)  # the report's tests, done once here while the kernels start; carried in the run cache
        cache = runcache.write(company, stage)
    except BaseException:
        if owner:
            output.abandon()
        raise
    jobs = []
    for n in chosen:
        params = {"data_dir": str(data_dir), "out_dir": str(stage)}
        params |= {k: v for k, v in extra.items() if k in declared[n]}
        jobs.append(NotebookJob(n, source / f"{n}.ipynb", stage / "notebooks" / f"{n}.ipynb", params, cell_timeout))
    return PreparedRun(company, out_dir, jobs, output, cache)


def finish(prepared: PreparedRun, results: list[NotebookResult], *, workbook: Workbook | None = None,
           pdf: bool = False) -> RunResult:
    """Write the workbook and the report of a run whose notebooks have finished (or failed), then put
    the run's files in place of the previous run's.

    ``workbook`` is tables.xlsx already begun while the notebooks ran (`Workbook.notebook_done`).
    With ``pdf`` the report is also printed to report.pdf (`RunResult.pdf_error` says why not).
    """
    from .report import print_pdf, write_report

    out_dir, stage = prepared.out_dir, prepared.output.staging
    prepared.cache.remove()
    try:
        workbook = workbook or Workbook(stage / "tables.xlsx", tables_dir=stage / "tables")
        workbook.close()
        write_report([r.output for r in results if r.output.exists()], stage / "report.html", prepared.company,
                     rendered={r.output: r.html for r in results if r.html is not None})
        pdf_error = ""
        if pdf:
            try:
                print_pdf(stage / "report.html", stage / "report.pdf")
            except (FileNotFoundError, RuntimeError, OSError) as e:
                pdf_error = str(e).replace(str(stage), str(out_dir))  # where report.html will be
        placed = prepared.output.commit()
    except BaseException:
        prepared.output.abandon()
        raise
    moved = [replace(r, output=out_dir / r.output.relative_to(stage)) for r in results]
    result = RunResult(out_dir, moved, out_dir / "report.html", out_dir / "tables.xlsx",
                       [out_dir / p for p in placed if p.startswith("tables/")], pdf_error)
    return result


class NotebookPool:
    """Worker processes that run notebooks, one at a time each, every worker keeping a warm kernel.

    Several papermill clients in one process now and then lost a kernel's reply and waited for
    ever (about one run in twelve under load here, the family of papermill issue #711); one client
    per process did not in 24 runs under the same load. Where the platform can fork, workers are
    forked from this process after papermill and nbconvert are imported, so they start in
    milliseconds without importing them again. Each worker starts its kernel as soon as it exists
    (`smbkit._runner.start_warm_kernel`), writing the kernels' own messages to ``log``.
    """

    def __init__(self, workers: int, log: Path):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        skip_slow_iri_checker()
        import nbconvert  # noqa: F401  (imported once here, inherited by forked workers)
        import papermill  # noqa: F401

        self.log = Path(log)
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method),
                                         initializer=start_warm_kernel, initargs=(self.log, os.getpid()))
        self.workers: list[int] = []
        try:
            self._pool.submit(int)  # a first task makes the pool start every worker now (forked pools start them all at once)
            self.workers = list(self._pool._processes)  # as the executor records them (no public list): to stop them
        except BaseException:  # stopped while the workers start: none of them outlives the pool that was never returned
            self.workers = list(self._pool._processes)
            self.terminate()
            raise

    def submit(self, job: NotebookJob) -> Future:
        """Run ``job`` on the next free worker; the future's result is its `NotebookResult`."""
        return self._pool.submit(_run_job, job, self.log)

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop the workers (their kernels shut down with them); jobs not yet started are cancelled."""
        self._pool.shutdown(wait=wait, cancel_futures=True)

    def terminate(self) -> None:
        """Stop now: every worker and every kernel below them, running notebooks or not.

        Everything below the workers is collected first (kernels lead sessions of their own, so
        only the process tree finds them), then sent SIGTERM, then SIGKILL after
        `smbkit._runner.STOP_GRACE_SECONDS`; a worker kills its own kernel on SIGTERM.
        """
        tree = [p for w in self.workers for p in (w, *descendants(w))]
        stop_processes(tree)
        self._pool.shutdown(wait=False, cancel_futures=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.shutdown()


def run(data_dir, out_dir, *, notebooks: list[str] | None = None, parameters: dict | None = None,
        workers: int | None = None, progress: bool = False, cell_timeout: float = DEFAULT_CELL_TIMEOUT,
        pdf: bool = False) -> RunResult:
    """Validate a company folder, execute the notebooks in parallel and write the report.

    Parameters
    ----------
    data_dir, out_dir : str or Path
        The company folder (read only) and the output folder (created).
    notebooks : list of str, optional
        Names from `smbkit.notebooks.NOTEBOOKS`; by default all.
    parameters : dict, optional
        Extra notebook parameters; each must be declared by at least one chosen notebook and is
        passed only to the notebooks that declare it.
    workers : int, optional
        Notebooks run at once (worker processes, each with its own kernel); default: all of them.
        With 1, the notebooks run one after another in this process (no worker processes).
    progress : bool, default=False
        Show a progress bar on stderr.
    cell_timeout : float, default=300
        Seconds a cell may run before its kernel is taken to be hung and the notebook is run again.
    pdf : bool, default=False
        Also print report.pdf with the system's Chromium (`RunResult.pdf_error` says why not).

    Raises
    ------
    InputError
        The company folder breaks the input contract (nothing is executed).
    UsageError
        Folders that overlap or cannot be written, another run writing into ``out_dir``, unknown
        notebooks or parameters.
    KeyboardInterrupt
        Stopped by Ctrl+C or SIGTERM (`smbkit.errors.Stopped`): workers and kernels are stopped,
        and ``out_dir`` holds what it held before.
    """
    out_dir = Path(out_dir).resolve()
    check_folders(Path(data_dir).resolve(), out_dir)
    count = len(notebooks or names())
    workers = max(1, min(workers or count, count))
    output = Output.open(out_dir)  # refused at once when another run writes there
    pool = prepared = None
    try:
        # Workers and their kernels start first, on the core that validating the company leaves idle
        # (workers == 1, e.g. inside a Dask worker whose daemonic process may not fork: none).
        pool = NotebookPool(workers, output.staging / "logs" / "kernels.log") if workers > 1 else None
        prepared = prepare(data_dir, out_dir, notebooks=notebooks, parameters=parameters, cell_timeout=cell_timeout, output=output)
        book = Workbook(output.staging / "tables.xlsx", tables_dir=output.staging / "tables", notebooks=[j.name for j in prepared.jobs])
        try:
            results = _execute(prepared.jobs, pool, progress, on_done=book.notebook_done)
        except BaseException:
            book.close()
            raise
        finally:  # interrupted or not, the cached company (it holds names) goes now
            prepared.cache.remove()
        if pool is not None:
            pool.shutdown(wait=False)  # the kernels shut down while the report is written
        return finish(prepared, [results[j.name] for j in prepared.jobs], workbook=book, pdf=pdf)
    except BaseException:
        # refused, failed or stopped (Ctrl+C, SIGTERM): no worker or kernel outlives it, and OUT
        # keeps what it held (a refused or stopped run leaves nothing of its own)
        if pool is not None:
            pool.terminate()
        kill_kernels()
        if prepared is not None:
            prepared.abandon()
        else:
            output.abandon()
        raise
    finally:
        if pool is not None:
            pool.shutdown()


def _execute(jobs: list[NotebookJob], pool: NotebookPool | None, progress: bool, on_done=None) -> dict[str, NotebookResult]:
    """Run the jobs (in ``pool``, or here one after another); ``on_done(name)`` after each."""
    results: dict[str, NotebookResult] = {}
    bar = progress_bar(len(jobs), progress, unit="nb", desc="notebooks")

    def done(res: NotebookResult):
        results[res.name] = res
        if bar is not None:
            bar.set_postfix_str(f"{res.name} {'done' if res.ok else 'FAILED'}")
            bar.update(1)
        if on_done is not None:  # e.g. its sheets into tables.xlsx while the slowest notebook runs
            on_done(res.name)

    if pool is None:
        for job in jobs:
            with signal_handlers_kept():  # Ctrl+C and SIGTERM still stop the whole run after a notebook
                done(job.run())
    else:
        for fut in as_completed([pool.submit(job) for job in jobs]):
            done(fut.result())
    if bar is not None:
        bar.close()
    return results


def progress_bar(total: int, enabled: bool, *, unit: str, desc: str):
    """A progress bar on stderr, or None when not ``enabled``."""
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr)
