"""`smbkit batch`: every company folder under one folder, run in parallel, one summary.

Locally, one pool of worker processes runs the notebooks of all companies (one notebook per worker
at a time, the same isolation as `smbkit run`), so the machine stays busy while a company's slowest
notebook finishes. With a Dask scheduler address, each company is sent to the cluster as one task
that runs `smbkit.run.run` there. A company whose input is invalid or whose notebook fails is
recorded with its message; its partial output is kept and the others go on.
"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ._output import OutputLock
from ._runner import DEFAULT_CELL_TIMEOUT
from .data import InputError
from .errors import UsageError
from .run import NotebookPool, NotebookResult, finish, prepare, progress_bar, run

__all__ = ["CompanyResult", "company_folders", "batch", "run_company", "summary_table", "print_summary", "SUMMARY_FILE", "ERRORS_FILE"]

SUMMARY_FILE = "batch_summary.csv"
ERRORS_FILE = "errors.txt"
CONNECT_SECONDS = 10  # how long to wait for a Dask scheduler to answer


@dataclass
class CompanyResult:
    """How one company's run ended: ``ok``, ``failed`` (a notebook failed) or ``invalid`` (bad input)."""

    company: str
    status: str
    seconds: float
    message: str
    out: Path


def company_folders(clients_dir) -> list[Path]:
    """Sub-folders of ``clients_dir`` that hold a company (a company.yaml or company.xlsx), by name."""
    root = Path(clients_dir)
    return sorted(p for p in root.iterdir() if p.is_dir() and ((p / "company.yaml").exists() or (p / "company.xlsx").exists()))


def _check(clients_dir: Path, out_dir: Path) -> list[Path]:
    if not clients_dir.is_dir():
        raise UsageError(f"{clients_dir} is not a folder")
    if out_dir == clients_dir or out_dir.is_relative_to(clients_dir) or clients_dir.is_relative_to(out_dir):
        raise UsageError(f"the output folder {out_dir} and the clients folder {clients_dir} overlap; choose an output folder outside it")
    folders = company_folders(clients_dir)
    if not folders:
        raise UsageError(f"no company folders in {clients_dir}: each client needs its own sub-folder with a company.yaml")
    return folders


def _invalid(name: str, out: Path, error: InputError) -> CompanyResult:
    out.mkdir(parents=True, exist_ok=True)
    (out / ERRORS_FILE).write_text(str(error) + "\n", encoding="utf-8")
    n = len(error.problems)
    head = str(error.problems[0]) if error.problems else str(error)
    return CompanyResult(name, "invalid", 0.0, f"{n} input problem{'s' if n != 1 else ''}, first: {head} (all in {out / ERRORS_FILE})", out)


def _outcome(name: str, out: Path, notebooks: list[NotebookResult], seconds: float) -> CompanyResult:
    failed = [r for r in notebooks if not r.ok]
    if not failed:
        return CompanyResult(name, "ok", seconds, "", out)
    return CompanyResult(name, "failed", seconds, failed[0].failure, out)


def batch(clients_dir, out_dir, *, notebooks: list[str] | None = None, parameters: dict | None = None,
          workers: int | None = None, progress: bool = False, cell_timeout: float = DEFAULT_CELL_TIMEOUT,
          scheduler: str | None = None) -> list[CompanyResult]:
    """Run every company folder under ``clients_dir`` into ``out_dir/<folder name>`` and write a summary.

    Parameters
    ----------
    workers : int, optional
        Worker processes (notebooks run at once) on this machine; default: the number of CPUs.
    scheduler : str, optional
        Address of a Dask distributed scheduler (``tcp://host:8786``): each company becomes one
        task there, running `smbkit.run.run` with its notebooks one after another.

    Returns
    -------
    list of CompanyResult
        One per company folder, in name order; the same table is written to ``out_dir/batch_summary.csv``.
    """
    clients_dir, out_dir = Path(clients_dir).resolve(), Path(out_dir).resolve()
    folders = _check(clients_dir, out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"the output folder {out_dir} is a file; choose a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        lock = OutputLock(out_dir)  # one batch at a time here; each company's folder has its own lock too
    except OSError as e:
        raise UsageError(f"cannot write into the output folder {out_dir}: {e.strerror or e}") from None
    try:
        if scheduler:
            results = _on_dask(folders, out_dir, scheduler, notebooks, parameters, cell_timeout)
        else:
            results = _local(folders, out_dir, notebooks, parameters, workers or os.cpu_count() or 1, progress, cell_timeout)
        summary_table(results).to_csv(out_dir / SUMMARY_FILE, index=False)
    finally:
        lock.release()
    return results


def _local(folders, out_dir, notebooks, parameters, workers, progress, cell_timeout) -> list[CompanyResult]:
    done: dict[str, CompanyResult] = {}
    prepared = {}
    pending: dict[str, dict[str, NotebookResult]] = {}
    started = {}
    bar = None
    # the workers start their kernels while the companies are checked; each company's notebooks are
    # handed out as soon as it has passed, so the first companies finish first
    with NotebookPool(max(1, workers), out_dir / "logs" / "kernels.log") as pool, _stopped_cleanly(pool, prepared, done):
        futures = {}
        for f in folders:
            out = out_dir / f.name
            try:
                prepared[f.name] = prepare(f, out, notebooks=notebooks, parameters=parameters, cell_timeout=cell_timeout)
            except InputError as e:
                done[f.name] = _invalid(f.name, out, e)
                continue
            pending[f.name] = {}
            started[f.name] = time.perf_counter()
            for job in prepared[f.name].jobs:
                futures[pool.submit(job)] = (f.name, job)
        bar = progress_bar(len(folders), progress, unit="company", desc="companies")
        if bar is not None:
            bar.update(len(done))
        for fut in as_completed(futures):
            name, job = futures[fut]
            try:
                pending[name][job.name] = fut.result()
            except Exception as e:  # a worker that died: record it for this company, go on with the others
                pending[name][job.name] = NotebookResult(job.name, False, 0.0, job.target, None, f"{type(e).__name__}: {e}")
            run_ = prepared[name]
            if len(pending[name]) == len(run_.jobs):
                ordered = [pending[name][j.name] for j in run_.jobs]
                try:
                    finish(run_, ordered)
                    done[name] = _outcome(name, run_.out_dir, ordered, time.perf_counter() - started[name])
                except Exception as e:  # a report that cannot be written fails this company only
                    done[name] = CompanyResult(name, "failed", time.perf_counter() - started[name], f"writing the report failed: {e}",
                                               run_.out_dir)
                if bar is not None:
                    bar.set_postfix_str(f"{name} {done[name].status}")
                    bar.update(1)
    if bar is not None:
        bar.close()
    return [done[f.name] for f in folders]


@contextmanager
def _stopped_cleanly(pool: NotebookPool, prepared: dict, done: dict):
    """Stopped or failed part way: workers and kernels stopped, every unfinished company's folder left as it was."""
    try:
        yield
    except BaseException:
        pool.terminate()
        for name, run_ in prepared.items():
            if name not in done:
                run_.abandon()
        raise


def run_company(data_dir: str, out_dir: str, notebooks, parameters, cell_timeout: float) -> dict:
    """One company, start to end, in one process (what a Dask worker runs); never raises for the company's own faults."""
    from ._runner import skip_slow_iri_checker

    skip_slow_iri_checker()
    start = time.perf_counter()
    name, out = Path(data_dir).name, Path(out_dir)
    try:
        result = run(data_dir, out_dir, notebooks=notebooks, parameters=parameters, workers=1, cell_timeout=cell_timeout)
    except InputError as e:
        r = _invalid(name, out, e)
    except Exception as e:
        r = CompanyResult(name, "failed", time.perf_counter() - start, f"{type(e).__name__}: {e}", out)
    else:
        r = _outcome(name, out, result.notebooks, time.perf_counter() - start)
    return {"company": r.company, "status": r.status, "seconds": r.seconds, "message": r.message, "out": str(r.out)}


def _on_dask(folders, out_dir, scheduler, notebooks, parameters, cell_timeout) -> list[CompanyResult]:
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise UsageError("--scheduler needs Dask: pip install \"smbkit[dask]\"") from None
    try:
        client = Client(scheduler, timeout=CONNECT_SECONDS)
    except OSError as e:
        raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {e}") from None
    done = {}
    with client:
        futures = {client.submit(run_company, str(f), str(out_dir / f.name), notebooks, parameters, cell_timeout, pure=False): f.name
                   for f in folders}
        for fut in dask_completed(list(futures)):
            name = futures[fut]
            try:
                r = fut.result()
                done[name] = CompanyResult(name, r["status"], r["seconds"], r["message"], Path(r["out"]))
            except Exception as e:  # the task itself was lost (worker died)
                done[name] = CompanyResult(name, "failed", 0.0, f"the Dask task failed: {e}", out_dir / name)
    return [done[f.name] for f in folders]


def summary_table(results: list[CompanyResult]) -> pd.DataFrame:
    """The batch summary: ``company``, ``status``, ``seconds``, ``message``, ``report``."""
    return pd.DataFrame([(r.company, r.status, round(r.seconds, 1), r.message,
                          str(r.out / "report.html") if (r.out / "report.html").exists() else "") for r in results],
                        columns=["company", "status", "seconds", "message", "report"])


def print_summary(results: list[CompanyResult], out_dir, file=sys.stdout) -> None:
    """The summary on screen, with a count line."""
    t = summary_table(results)
    with pd.option_context("display.max_colwidth", 90, "display.width", 200):
        print(t.drop(columns="report").to_string(index=False), file=file)
    ok = int((t["status"] == "ok").sum())
    print(f"{ok} of {len(t)} companies ran; summary: {Path(out_dir) / SUMMARY_FILE}", file=file)
