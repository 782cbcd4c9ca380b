"""Running the notebooks and writing the report: the output contract of `smbkit run`.

``OUT/notebooks/NN_name.ipynb``  every executed notebook (kept, up to the failing cell, on failure)
``OUT/report.html``              one self-contained page, no code, nothing loaded from the network
``OUT/tables/NN_name__key.csv``  every table a notebook showed, and ``OUT/tables.xlsx`` with them all
``OUT/logs/kernels.log``         what the kernel processes said (for diagnosing failures)
"""

from __future__ import annotations

import copy
import html
import re
import shutil
import sys
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ._runner import DEFAULT_CELL_TIMEOUT, execute, skip_slow_iri_checker, start_warm_kernel
from .data import Company, InputError, load_company, remove_run_cache, write_run_cache
from .show import FORMULA_PREFIXES, TABLE_CSS, WIDGET_NOTE

__all__ = ["skip_slow_iri_checker", "DEFAULT_CELL_TIMEOUT", "NOTEBOOKS", "NotebookResult", "RunResult", "UsageError", "notebooks_dir",
           "prepare", "notebook_job", "finish", "run", "write_report", "write_workbook", "find_chromium"]

NOTEBOOKS = ("01_assess_workforce", "02_define_goals", "03_find_gaps", "04_plan_automation", "05_measure_belonging")
_WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


class UsageError(ValueError):
    """The command was asked for something it cannot do (bad folders, unknown notebook or parameter)."""


@dataclass
class NotebookResult:
    """How one notebook's run ended."""

    name: str
    ok: bool
    seconds: float
    output: Path
    failed_cell: int | None = None  # 1-based position among the notebook's cells
    error: str = ""
    html: str | None = field(default=None, repr=False)  # the notebook's report section, rendered

    @property
    def failure(self) -> str:
        """What went wrong, in one line (empty when the notebook ran)."""
        if self.ok:
            return ""
        where = f" at cell {self.failed_cell}" if self.failed_cell else ""
        return f"notebook {self.name} failed{where}: {self.error}"


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


def notebooks_dir() -> Path:
    """Folder of the shipped notebooks (inside the installed package, or the source checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "notebooks", here.parent / "notebooks"):
        if (candidate / f"{NOTEBOOKS[0]}.ipynb").exists():
            return candidate
    raise FileNotFoundError("the smbkit notebooks are not installed; reinstall smbkit")


def select_notebooks(spec: str | None) -> list[str]:
    """``"01,03"`` -> the names of notebooks 01 and 03; ``None`` -> all five."""
    if not spec:
        return list(NOTEBOOKS)
    chosen = []
    for part in spec.split(","):
        part = part.strip()
        match = [n for n in NOTEBOOKS if n == part or n.split("_")[0] == part.zfill(2)]
        if not match:
            raise UsageError(f"unknown notebook {part!r}; choose from {', '.join(n.split('_')[0] for n in NOTEBOOKS)}")
        chosen += [m for m in match if m not in chosen]
    return chosen


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


def prepare(data_dir, out_dir, *, notebooks: list[str] | None = None, parameters: dict | None = None) -> tuple[Company, dict]:
    """Validate a company folder and the parameters, make the output folders; return the company and
    the parameters of each notebook to run (nothing is executed).

    Raises
    ------
    InputError
        The company folder breaks the input contract.
    UsageError
        Folders that overlap, unknown notebooks or parameters.
    """
    data_dir = Path(data_dir).resolve()
    out_dir = Path(out_dir).resolve()
    check_folders(data_dir, out_dir)
    company = load_company(data_dir)
    names = list(notebooks or NOTEBOOKS)
    source = notebooks_dir()
    declared = {n: _parameters_of(source / f"{n}.ipynb") for n in names}
    extra = dict(parameters or {})
    unknown = [k for k in extra if not any(k in d for d in declared.values())]
    if unknown:
        allowed = sorted(set().union(*declared.values()) - {"data_dir", "out_dir"})
        raise UsageError(f"unknown parameter {unknown[0]!r}; the chosen notebooks take: {', '.join(allowed)}")
    (out_dir / "notebooks").mkdir(parents=True, exist_ok=True)
    tables_dir = out_dir / "tables"
    tables_dir.mkdir(exist_ok=True)
    for n in names:  # results of an earlier run of the same notebook must not linger
        for old in tables_dir.glob(f"{n}__*.csv"):
            old.unlink()
    write_run_cache(company, out_dir)
    jobs = {}
    for n in names:
        params = {"data_dir": str(data_dir), "out_dir": str(out_dir)}
        params |= {k: v for k, v in extra.items() if k in declared[n]}
        jobs[n] = params
    return company, jobs


def notebook_job(out_dir, name: str, params: dict, cell_timeout: float):
    """The arguments of `_child` for one notebook of a prepared run."""
    return notebooks_dir() / f"{name}.ipynb", Path(out_dir).resolve() / "notebooks" / f"{name}.ipynb", params, cell_timeout


def finish(company: Company, out_dir, results: list[NotebookResult], *, workbook: Workbook | None = None) -> RunResult:
    """Write the workbook and the report of a run whose notebooks have finished (or failed).

    ``workbook`` is tables.xlsx already begun while the notebooks ran (`Workbook.notebook_done`).
    """
    out_dir = Path(out_dir).resolve()
    remove_run_cache(out_dir)
    result = RunResult(out_dir, results)
    result.tables = sorted((out_dir / "tables").glob("*.csv"))
    workbook = workbook or Workbook(out_dir / "tables.xlsx", tables_dir=out_dir / "tables")
    result.workbook = workbook.close()
    result.report = write_report([r.output for r in results if r.output.exists()], out_dir / "report.html", company,
                                 rendered={r.output: r.html for r in results if r.html is not None},
                                 brief=decision_brief(out_dir / "tables"))
    return result


def _result(name: str, output: Path, child: tuple) -> NotebookResult:
    r, section = child
    return NotebookResult(name, r["ok"], r["seconds"], output, r["failed_cell"], r["error"], section)


def run(data_dir, out_dir, *, notebooks: list[str] | None = None, parameters: dict | None = None,
        workers: int | None = None, progress: bool = False, cell_timeout: float = DEFAULT_CELL_TIMEOUT) -> RunResult:
    """Validate a company folder, execute the notebooks in parallel and write the report.

    Parameters
    ----------
    data_dir, out_dir : str or Path
        The company folder (read only) and the output folder (created).
    notebooks : list of str, optional
        Names from `NOTEBOOKS`; by default all.
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
    count = len(notebooks or NOTEBOOKS)
    workers = max(1, min(workers or count, count))
    existed, logs_existed = out_dir.exists(), (out_dir / "logs").exists()
    # Workers and their kernels start first, on the core that validating the company leaves idle
    # (workers == 1, e.g. inside a Dask worker whose daemonic process may not fork: none).
    pool = _pool(workers, warm_log=out_dir / "logs" / "kernels.log") if workers > 1 else None
    try:
        try:
            company, jobs = prepare(data_dir, out_dir, notebooks=notebooks, parameters=parameters)
        except (InputError, UsageError):
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
            if not existed:  # nothing of a refused run stays behind, not even the kernels' log
                shutil.rmtree(out_dir, ignore_errors=True)
            elif not logs_existed:
                shutil.rmtree(out_dir / "logs", ignore_errors=True)
            raise
        book = Workbook(out_dir / "tables.xlsx", tables_dir=out_dir / "tables", notebooks=list(jobs))
        try:
            results = _execute(jobs, out_dir, pool, progress, cell_timeout, on_done=book.notebook_done)
        except BaseException:
            book.close()
            raise
        finally:  # interrupted or not, the cached company (it holds names) never stays behind
            remove_run_cache(out_dir)
        if pool is not None:
            pool.shutdown(wait=False)  # the kernels shut down while the report is written
        return finish(company, out_dir, [results[n] for n in jobs], workbook=book)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _execute(jobs: dict, out_dir, pool, progress: bool, cell_timeout: float, on_done=None) -> dict[str, NotebookResult]:
    """Run the prepared notebooks (in ``pool``, or here one after another); ``on_done(name)`` after each."""
    names = list(jobs)
    results: dict[str, NotebookResult] = {}
    bar = _progress(len(names), progress)
    if pool is None:
        for n in names:
            args = notebook_job(out_dir, n, jobs[n], cell_timeout)
            results[n] = _result(n, args[1], _child(*args))
            _tick(bar, results[n])
            if on_done is not None:
                on_done(n)
    else:
        futures = {}
        for n in names:
            args = notebook_job(out_dir, n, jobs[n], cell_timeout)
            futures[pool.submit(_child, *args, warm=True)] = (n, args[1])
        for fut in as_completed(futures):
            n, output = futures[fut]
            results[n] = _result(n, output, fut.result())
            _tick(bar, results[n])
            if on_done is not None:  # e.g. its sheets into tables.xlsx while the slowest notebook runs
                on_done(n)
    if bar is not None:
        bar.close()
    return results


def _tick(bar, res: NotebookResult):
    if bar is not None:
        bar.set_postfix_str(f"{res.name} {'done' if res.ok else 'FAILED'}")
        bar.update(1)


def _progress(total: int, enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc="notebooks", unit="nb", file=sys.stderr)


def _child(source: Path, target: Path, params: dict, cell_timeout: float, *, warm: bool = False,
           log: Path | None = None) -> tuple[dict, tuple[str, str] | None]:
    """Run one notebook, then render its report section (in a worker: while others still run).

    ``warm`` runs it on the worker process's kept kernel (see `smbkit._runner.warm_kernel`).
    """
    result = execute(source, target, params, cell_timeout, warm=warm, log=log)
    section = None
    if target.exists():
        try:
            section = _section(target)
        except Exception:  # an unreadable partial notebook is left out of the report, not fatal
            section = None
    return result, section


def _pool(workers: int, *, warm_log: Path | None = None):
    """Worker processes for the notebooks, one notebook at a time each, started at once.

    Several papermill clients in one process now and then lost a kernel's reply and waited for
    ever (about one run in twelve under load here, the family of papermill issue #711); one client
    per process did not in 24 runs under the same load. Where the platform can fork, workers are
    forked from this process after papermill and nbconvert are imported, so they start in
    milliseconds without importing them again. With ``warm_log``, each worker starts its kernel
    (`smbkit._runner.start_warm_kernel`) as soon as it exists, logging to that file.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    skip_slow_iri_checker()
    import nbconvert  # noqa: F401  (imported once here, inherited by forked workers)
    import papermill  # noqa: F401

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method),
                               initializer=start_warm_kernel if warm_log else None, initargs=(warm_log,) if warm_log else ())
    pool.submit(int)  # a first task makes the pool start every worker now (forked pools start them all at once)
    return pool


def _read_nb(path: Path):
    import nbformat

    return nbformat.read(str(path), as_version=4)


# ---------------------------------------------------------------------------------------------
# Workbook
# ---------------------------------------------------------------------------------------------


def _header(name: str) -> str:
    """A readable column header: ``npv_3y`` -> ``Npv 3y``, ``share_pct`` -> ``Share %``."""
    text = str(name).replace("_pct", " %").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def write_workbook(tables: list[Path], target: Path) -> Path:
    """All table CSVs as sheets of one workbook, for owners.

    Sheet names are the table names cut to Excel's 31 characters; headers are readable, bold and
    frozen; whole-number columns show thousands separators, other numbers two decimals (one for
    percentages). Text that a spreadsheet would run as a formula (it begins with = + - @, and was
    written to the CSV behind an apostrophe) is stored as text with Excel's quote prefix, so it is
    shown as typed and never executed. Written with XlsxWriter, row by row in constant memory
    (openpyxl took 8 s for the tables of a 5,000-person company).
    """
    book = Workbook(target)
    book.add(tables)
    return book.close()


class Workbook:
    """tables.xlsx written a few sheets at a time: `smbkit run` adds each notebook's tables as soon as
    it and the notebooks before it have finished, while the slowest notebook still runs."""

    def __init__(self, target: Path, *, tables_dir: Path | None = None, notebooks=()):
        import xlsxwriter

        self.target, self.tables_dir = Path(target), tables_dir
        self.book = xlsxwriter.Workbook(str(target), {"constant_memory": True, "strings_to_formulas": False,
                                                      "strings_to_urls": False, "strings_to_numbers": False})
        self.head = self.book.add_format({"bold": True, "bg_color": "#EEF3F7"})
        self.formats = {f: self.book.add_format({"num_format": f}) for f in ("#,##0", "#,##0.0", "#,##0.00")}
        self.quoted = self.book.add_format({"quote_prefix": True})
        self.used: set[str] = set()
        self.index: list[tuple] = []
        self.written: set[Path] = set()
        self.waiting, self.finished = list(notebooks), set()

    def add(self, tables) -> None:
        """Add each table (a CSV written by `Page.table`) as a sheet, in the order given."""
        for path in tables:
            frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
            sheet = _sheet_name(path.stem, self.used)
            self._sheet(sheet, frame)
            self.index.append((sheet, path.name, len(frame)))
            self.written.add(path)

    def notebook_done(self, name: str) -> None:
        """A notebook has finished: add the tables of every finished notebook no earlier one waits for."""
        self.finished.add(name)
        while self.waiting and self.waiting[0] in self.finished:
            self.add(sorted(self.tables_dir.glob(f"{self.waiting.pop(0)}__*.csv")))

    def close(self) -> Path:
        """Add every table not yet in (all of them when none was added), the contents sheet, and save."""
        try:
            if self.tables_dir is not None:
                self.add([p for p in sorted(self.tables_dir.glob("*.csv")) if p not in self.written])
            self._sheet("contents", pd.DataFrame(self.index, columns=["sheet", "file", "rows"]))
        finally:
            self.book.close()
        return self.target

    def _sheet(self, name: str, frame: pd.DataFrame) -> None:
        """One table on one worksheet: the header, then every row; each column with its number format."""
        ws = self.book.add_worksheet(name)
        kinds = []
        for j, col in enumerate(frame.columns):
            values = frame[col]
            kind = None
            if pd.api.types.is_integer_dtype(values) or (pd.api.types.is_float_dtype(values) and (values.dropna() == values.dropna().round()).all()):
                kind = self.formats["#,##0"]
            elif pd.api.types.is_float_dtype(values):
                kind = self.formats["#,##0.0" if str(col).endswith("_pct") else "#,##0.00"]
            kinds.append(kind)
            width = max([len(_header(col)), *values.dropna().astype("str").str.len()])
            ws.set_column(j, j, min(60, max(10, width + 2)))
            ws.write_string(0, j, _header(col), self.head)
        ws.freeze_panes(1, 0)
        columns = [frame[c].to_numpy(dtype=object) for c in frame.columns]
        for i in range(len(frame)):
            r = i + 1
            for j, column in enumerate(columns):
                v = column[i]
                if v is None or (isinstance(v, float) and v != v):
                    continue  # an empty cell (a hidden figure stays empty)
                if kinds[j] is not None:
                    ws.write_number(r, j, float(v), kinds[j])
                elif isinstance(v, str):
                    if v[:1] == "'" and v[1:].startswith(FORMULA_PREFIXES):  # neutralised by Page.table: stored as typed
                        ws.write_string(r, j, v[1:], self.quoted)
                    else:
                        ws.write_string(r, j, v)
                elif isinstance(v, (bool, np.bool_)):
                    ws.write_boolean(r, j, bool(v))
                else:
                    ws.write_number(r, j, float(v))


CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """Path of the system's Chromium or Chrome (the PDF printer and the browser tests' browser), if any."""
    return next((found for found in map(shutil.which, CHROMIUM_NAMES) if found), None)


def print_pdf(report: Path, target: Path, *, timeout: float = 120) -> Path:
    """Print ``report`` to PDF with the system's Chromium (headless); FileNotFoundError with advice when there is none."""
    import subprocess
    import tempfile

    browser = find_chromium()
    if browser is None:
        raise FileNotFoundError("no Chromium or Chrome found to print the PDF (on Debian or Ubuntu: apt-get install chromium); "
                                f"report.html is written and any browser can print it: {report}")
    with tempfile.TemporaryDirectory() as profile:
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
               "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}", "--no-pdf-header-footer",
               f"--print-to-pdf={target}", Path(report).resolve().as_uri()]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if not target.exists() or target.stat().st_size == 0:
        raise RuntimeError(f"Chromium did not write the PDF ({done.stderr.strip().splitlines()[-1:] or 'no message'})")
    return target


def _sheet_name(stem: str, used: set[str]) -> str:
    nb, _, key = stem.partition("__")
    base = f"{nb[:2]}_{key}"[:31]
    name, k = base, 2
    while name.lower() in used:
        suffix = f"~{k}"
        name = base[: 31 - len(suffix)] + suffix
        k += 1
    used.add(name.lower())
    return name


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------

_CSS = TABLE_CSS + """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2733;line-height:1.5;background:#fafafa}
header.page{background:#0b3d5c;color:#fff;padding:1rem 2rem}
header.page h1{margin:0;font-size:1.5rem} header.page p{margin:.2rem 0 0}
nav{position:sticky;top:0;background:#fff;border-bottom:1px solid #ddd;padding:.5rem 2rem;z-index:2}
nav a{margin-right:1.2rem;color:#0b3d5c;text-decoration:none;font-weight:600}
main{max-width:1000px;margin:0 auto;padding:1rem 2rem 4rem}
section.notebook{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:1rem 2rem;margin:1.5rem 0}
section.failed{border-color:#D55E00}
.run-note{background:#fff4e5;border-left:4px solid #D55E00;padding:.5rem 1rem}
img{max-width:100%;height:auto}
pre{white-space:pre-wrap}
footer{color:#666;font-size:.85rem;text-align:center;padding:1rem}
.stamp{color:#666;font-size:.8rem;margin:0 0 .5rem;text-align:right}
table.brief td{vertical-align:top} table.brief td.n{font-weight:700;color:#0b3d5c}
.why{color:#444;font-size:.85rem} .muted{color:#999}
@media print{nav{display:none} section.notebook{border:none;page-break-before:always} body{background:#fff}}
"""


def _clean(nb):
    """Drop what an owner should not see in a report: code, warnings on stderr, live widgets."""
    import nbformat

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream" and o.get("name") == "stderr":
                continue
            data = o.get("data")
            if data is not None and _WIDGET_MIME in data:
                # an interactive control means nothing on a static page: say where it lives
                outputs.append(nbformat.v4.new_output("display_data", data={"text/markdown": WIDGET_NOTE}))
                continue
            outputs.append(o)
        cell["outputs"] = outputs
    nb.metadata.pop("widgets", None)
    return nb


def _body(nb) -> str:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, anchor_link_text="")
    body, _ = exporter.from_notebook_node(_clean(nb))
    return body


def _title(nb, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if m:
                return m.group(1).strip()
    return fallback


def _section(path: Path) -> tuple[str, str]:
    """The report section of one executed notebook: (navigation title, HTML)."""
    nb = _read_nb(path)
    anchor = path.stem
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    note = ""
    if errors:
        note = (f"<p class='run-note'>This notebook stopped with an error ({html.escape(errors[0].get('ename', ''))}); "
                "what it showed before the error is below.</p>")
    body = f"<section class='notebook{' failed' if errors else ''}' id='{anchor}'>{note}{_body(nb)}</section>"
    return _title(nb, path.stem), body


BRIEF_SIZE = 7


def decision_brief(tables_dir: Path) -> pd.DataFrame:
    """The few actions that matter most, gathered from every notebook's "What to decide" table.

    Rule: the first high-priority action of each notebook (so every part of the business is heard),
    then the other high-priority actions in notebook order, then medium ones, up to `BRIEF_SIZE`.

    Returns
    -------
    DataFrame
        Columns: ``priority``, ``action``, ``cost``, ``effect``, ``risk``, ``why``, ``notebook``.
    """
    cols = ["priority", "action", "cost", "effect", "risk", "why", "notebook"]
    parts = []
    for path in sorted(Path(tables_dir).glob("*__what_to_decide.csv")):
        t = pd.read_csv(path, keep_default_na=False, dtype=str)
        parts.append(t.assign(notebook=path.stem.split("__")[0], order=range(len(t))))
    if not parts:
        return pd.DataFrame(columns=cols)
    allrows = pd.concat(parts, ignore_index=True)
    for c in cols:
        if c not in allrows:
            allrows[c] = ""
    high = allrows[allrows["priority"] == "high"]
    first = high.groupby("notebook", sort=True).head(1)
    rest = high.drop(first.index)
    medium = allrows[allrows["priority"] == "medium"]
    picked = pd.concat([first, rest, medium]).head(BRIEF_SIZE)
    return picked[cols].reset_index(drop=True)


def _stamp(company: Company) -> str:
    """The company name and analysis date that head every section (and every printed page)."""
    s = company.settings
    return f"<p class='stamp'>{html.escape(s.name)} · analysis date {s.as_of.date()}</p>"


def _brief_section(brief: pd.DataFrame, company: Company, titles: dict) -> str:
    s = company.settings
    if brief.empty:
        return ("<section class='notebook brief' id='brief'><h1>Decision brief</h1><p>No notebook produced a "
                "recommended action for this company.</p></section>")
    urgent = int((brief["priority"] == "high").sum())
    rows = []
    for k, r in enumerate(brief.itertuples(), start=1):
        cell = lambda v: html.escape(v) if v else "<span class='muted'>not costed</span>"  # noqa: E731
        rows.append(f"<tr><td class='n'>{k}</td><td><strong>{html.escape(r.action)}</strong>"
                    f"<br><span class='why'>{html.escape(r.why)}</span></td><td>{cell(r.cost)}</td><td>{cell(r.effect)}</td>"
                    f"<td>{cell(r.risk)}</td><td><a href='#{r.notebook}'>{html.escape(titles.get(r.notebook, r.notebook))}</a></td></tr>")
    return (f"<section class='notebook brief' id='brief'>{_stamp(company)}"
            f"<h1>Decision brief</h1><p>The {len(brief)} actions that matter most for {html.escape(s.name)}, {urgent} of them urgent, "
            "gathered from the notebooks' \"What to decide\" lists: the first urgent action of each part of the business, then the "
            "other urgent ones, then the important ones. Every action links to the analysis behind it. The numbers inform; "
            "you decide.</p><table class='smbkit-table brief'><thead><tr><th>#</th><th>action and why</th><th>cost</th>"
            "<th>expected effect</th><th>risk</th><th>from</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></section>")


def _page(company: Company, links: list[str], sections: list[str]) -> str:
    s = company.settings
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(s.name)}: smbkit report, {s.as_of.date()}</title>
<style>{_CSS}</style></head>
<body>
<header class="page"><h1>{html.escape(s.name)}</h1><p>Workforce report for the analysis date {s.as_of.date()}. Groups smaller than {s.min_group_size} people are hidden.</p></header>
<nav>{''.join(links)}</nav>
<main>
{''.join(sections)}
</main>
<footer>{html.escape(s.name)} · analysis date {s.as_of.date()} · made with smbkit</footer>
</body></html>
"""


def write_report(notebooks: list[Path], target: Path, company: Company, *, rendered: dict | None = None,
                 brief: pd.DataFrame | None = None) -> Path:
    """Write one self-contained HTML page from executed notebooks (no code, images embedded, no network).

    ``rendered`` maps notebook paths to sections already made by `_section`. With ``brief`` (see
    `decision_brief`) the page opens with the decision brief, which is also written on its own
    as ``brief.html`` beside ``target``.
    """
    sections, links, titles = [], [], {}
    for path in notebooks:
        title, body = (rendered or {}).get(path) or _section(path)
        titles[path.stem] = title
        sections.append(body.replace(f"id='{path.stem}'>", f"id='{path.stem}'>{_stamp(company)}", 1))
        links.append(f"<a href='#{path.stem}'>{html.escape(title)}</a>")
    if brief is not None:
        section = _brief_section(brief, company, titles)
        sections.insert(0, section)
        links.insert(0, "<a href='#brief'>Decision brief</a>")
        standalone = section.replace("href='#", "href='report.html#")
        (target.parent / "brief.html").write_text(_page(company, ["<a href='report.html'>Full report</a>"], [standalone]), encoding="utf-8")
    target.write_text(_page(company, links, sections), encoding="utf-8")
    return target
