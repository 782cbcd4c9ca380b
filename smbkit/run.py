"""Running a set of notebooks on one company, or on many: the output contract of `smbkit run`.

``OUT/notebooks/NN_name.ipynb``  every executed notebook (kept, up to the failing cell, on failure)
``OUT/report.html``              one self-contained page, no code, nothing loaded from the network
``OUT/tables/NN_name__key.csv``  every table a notebook showed, and ``OUT/tables.xlsx`` with them all
``OUT/logs/kernels.log``         what the kernel processes said (for diagnosing failures)

`prepare` checks a company and makes its `NotebookJob` list; a `NotebookPool` (worker processes,
each keeping a warm kernel) or this process runs the jobs; `finish` writes the workbook and the
report. `run` does all three for one company; `smbkit.batch` feeds many companies' jobs to one pool.
"""

from __future__ import annotations

import shutil
import sys
from concurrent.futures import Future, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from . import runcache
from ._runner import DEFAULT_CELL_TIMEOUT, execute, skip_slow_iri_checker, start_warm_kernel
from .data import Company, InputError, load_company
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
    """What a pool worker runs: one job on the worker's warm kernel."""
    return job.run(warm=True, log=log)


@dataclass
class PreparedRun:
    """A company checked and its output folder made, with the notebooks to run (nothing executed yet)."""

    company: Company
    out_dir: Path
    jobs: list[NotebookJob]


@dataclass
class RunResult:
    """Everything one `run` produced."""

    out_dir: Path
    notebooks: list[NotebookResult]
    report: Path | None = None
    workbook: Path | None = None
    tables: list[Path] = field(default_factory=list)

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
            cell_timeout: float = DEFAULT_CELL_TIMEOUT) -> PreparedRun:
    """Validate a company folder and the parameters, make the output folders; return the jobs to run.

    Each parameter goes only to the notebooks that declare it; a ``scenario`` must name one of the
    company's scenarios.

    Raises
    ------
    InputError
        The company folder breaks the input contract.
    UsageError
        Folders that overlap, unknown notebooks, parameters or scenario.
    """
    data_dir = Path(data_dir).resolve()
    out_dir = Path(out_dir).resolve()
    check_folders(data_dir, out_dir)
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
    (out_dir / "notebooks").mkdir(parents=True, exist_ok=True)
    tables_dir = out_dir / "tables"
    tables_dir.mkdir(exist_ok=True)
    for n in chosen:  # results of an earlier run of the same notebook must not linger
        for old in tables_dir.glob(f"{n}__*.csv"):
            old.unlink()
    report_evidence(company)  # the report's tests, done once here while the kernels start; carried in the run cache
    runcache.write(company, out_dir)
    jobs = []
    for n in chosen:
        params = {"data_dir": str(data_dir), "out_dir": str(out_dir)}
        params |= {k: v for k, v in extra.items() if k in declared[n]}
        jobs.append(NotebookJob(n, source / f"{n}.ipynb", out_dir / "notebooks" / f"{n}.ipynb", params, cell_timeout))
    return PreparedRun(company, out_dir, jobs)


def finish(prepared: PreparedRun, results: list[NotebookResult], *, workbook: Workbook | None = None) -> RunResult:
    """Write the workbook and the report of a run whose notebooks have finished (or failed).

    ``workbook`` is tables.xlsx already begun while the notebooks ran (`Workbook.notebook_done`).
    """
    from .report import write_report

    out_dir = prepared.out_dir
    runcache.remove(out_dir)
    result = RunResult(out_dir, results)
    result.tables = sorted((out_dir / "tables").glob("*.csv"))
    workbook = workbook or Workbook(out_dir / "tables.xlsx", tables_dir=out_dir / "tables")
    result.workbook = workbook.close()
    result.report = write_report([r.output for r in results if r.output.exists()], out_dir / "report.html", prepared.company,
                                 rendered={r.output: r.html for r in results if r.html is not None})
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
                                         initializer=start_warm_kernel, initargs=(self.log,))
        self._pool.submit(int)  # a first task makes the pool start every worker now (forked pools start them all at once)

    def submit(self, job: NotebookJob) -> Future:
        """Run ``job`` on the next free worker; the future's result is its `NotebookResult`."""
        return self._pool.submit(_run_job, job, self.log)

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop the workers (their kernels shut down with them); jobs not yet started are cancelled."""
        self._pool.shutdown(wait=wait, cancel_futures=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.shutdown()


def run(data_dir, out_dir, *, notebooks: list[str] | None = None, parameters: dict | None = None,
        workers: int | None = None, progress: bool = False, cell_timeout: float = DEFAULT_CELL_TIMEOUT) -> RunResult:
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

    Raises
    ------
    InputError
        The company folder breaks the input contract (nothing is executed).
    UsageError
        Folders that overlap, unknown notebooks or parameters.
    """
    out_dir = Path(out_dir).resolve()
    check_folders(Path(data_dir).resolve(), out_dir)
    count = len(notebooks or names())
    workers = max(1, min(workers or count, count))
    existed, logs_existed = out_dir.exists(), (out_dir / "logs").exists()
    # Workers and their kernels start first, on the core that validating the company leaves idle
    # (workers == 1, e.g. inside a Dask worker whose daemonic process may not fork: none).
    pool = NotebookPool(workers, out_dir / "logs" / "kernels.log") if workers > 1 else None
    try:
        try:
            prepared = prepare(data_dir, out_dir, notebooks=notebooks, parameters=parameters, cell_timeout=cell_timeout)
        except (InputError, UsageError):
            if pool is not None:
                pool.shutdown()
            if not existed:  # nothing of a refused run stays behind, not even the kernels' log
                shutil.rmtree(out_dir, ignore_errors=True)
            elif not logs_existed:
                shutil.rmtree(out_dir / "logs", ignore_errors=True)
            raise
        book = Workbook(out_dir / "tables.xlsx", tables_dir=out_dir / "tables", notebooks=[j.name for j in prepared.jobs])
        try:
            results = _execute(prepared.jobs, pool, progress, on_done=book.notebook_done)
        except BaseException:
            book.close()
            raise
        finally:  # interrupted or not, the cached company (it holds names) never stays behind
            runcache.remove(out_dir)
        if pool is not None:
            pool.shutdown(wait=False)  # the kernels shut down while the report is written
        return finish(prepared, [results[j.name] for j in prepared.jobs], workbook=book)
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
