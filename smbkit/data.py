"""The company: loading a folder, its settings and tables, blank templates and the data dictionary.

`load_company` is the only function in smbkit that reads input files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import _validation as v
from . import privacy, runcache
from ._files import locate_files, read_raw
from ._links import check_links, survey_item_columns
from ._schema import FILES, LIMITS, RESERVED_MEASURES, SETTINGS, file_spec
from ._validation import InputError, Problem

__all__ = [
    "Company",
    "Settings",
    "InputError",
    "Problem",
    "load_company",
    "write_templates",
    "data_dictionary",
    "data_dictionary_markdown",
    "sample_dir",
    "company_dir",
    "today",
]


_DEFAULT = {s.key: s.default for s in SETTINGS}  # the contract's defaults, written once in _schema.py


def today() -> pd.Timestamp:
    """Today's date at midnight: the analysis date when company.yaml gives none."""
    return pd.Timestamp.today().normalize()


@dataclass(frozen=True)
class Settings:
    """The keys of company.yaml, typed, with the contract's defaults (`smbkit._schema.SETTINGS`) filled in."""

    name: str
    industry: str = _DEFAULT["industry"]
    currency: str = _DEFAULT["currency"]
    as_of: pd.Timestamp = field(default_factory=today)
    hours_per_fte_week: float = _DEFAULT["hours_per_fte_week"]
    weeks_per_year: float = _DEFAULT["weeks_per_year"]
    horizon_months: int = _DEFAULT["horizon_months"]
    discount_rate: float = _DEFAULT["discount_rate"]
    min_group_size: int = _DEFAULT["min_group_size"]
    survey_linkage: str = _DEFAULT["survey_linkage"]
    show_names: bool = _DEFAULT["show_names"]


@dataclass
class Company:
    """A validated company folder.

    Every table of the contract is an attribute named like its file (``company.employees``,
    ``company.skills``, ...); an optional file that is absent is ``None``. Use `has` to ask.
    """

    path: Path
    settings: Settings
    tables: dict[str, pd.DataFrame]
    sources: dict[str, str]
    notes: tuple[str, ...] = ()  # what the loader adjusted in valid but unusual data, in plain words
    memo: dict = field(default_factory=dict, repr=False, compare=False)  # results computed once per company (see `remember`)

    def remember(self, key: str, compute):
        """``compute()`` the first time ``key`` is asked for, the same object after that.

        For results several notebooks need (the report's evidence, the leaving models): a company's
        data never change once loaded, and `smbkit run` carries what was computed in its run cache.
        """
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    def __getattr__(self, name):
        if name in _FILE_NAMES:
            return self.tables.get(name)
        raise AttributeError(name)

    def has(self, *names: str) -> bool:
        """True when every named table is present and has at least one row."""
        for name in names:
            file_spec(name)
            t = self.tables.get(name)
            if t is None or t.empty:
                return False
        return True

    @property
    def demographic_columns(self) -> list[str]:
        """The optional ``demo_*`` columns of employees.csv."""
        return [c for c in self.employees.columns if c.startswith("demo_")]

    def __repr__(self):
        present = ", ".join(f"{k} ({len(t)})" for k, t in self.tables.items())
        return f"Company({self.settings.name!r}, as_of={self.settings.as_of.date()}, tables: {present})"


_FILE_NAMES = {f.name for f in FILES}


DATA_ENV = "SMBKIT_DATA"  # set by `smbkit app --data` and `smbkit lab --data` for the notebooks they open


def company_dir(data_dir="") -> Path:
    """The company folder a notebook opens: ``data_dir`` when given, else the folder that `smbkit app`
    or `smbkit lab` was started with (the ``SMBKIT_DATA`` environment variable), else the sample."""
    import os

    chosen = str(data_dir or "").strip() or os.environ.get(DATA_ENV, "").strip()
    return Path(chosen) if chosen else sample_dir()


def sample_dir() -> Path:
    """Folder of the fictional sample company shipped with smbkit."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "sample_data", here.parent / "data" / "sample"):
        if (candidate / "company.yaml").exists():
            return candidate
    raise FileNotFoundError("the sample company is not installed; reinstall smbkit")




# Files that can hold millions of rows: only the columns of the contract are read from them
# (and demo_* and the survey's item columns); other files keep every column, as text.
LARGE_FILES = ("interactions", "survey_responses")


def _columns_kept(name: str, raw: dict):
    """Which header names of file ``name`` are read (None: all of them)."""
    if name not in LARGE_FILES:
        return None
    known = set(file_spec(name).columns_by_name)
    if name == "survey_responses":
        known |= set(survey_item_columns(raw, None))
    folded = {k.casefold() for k in known}  # headers are matched ignoring case and surrounding spaces
    return lambda h: h.strip().casefold() in folded or h.startswith("demo_")


def load_company(path, *, run_cache=None) -> Company:
    """Read and validate a company folder.

    Parameters
    ----------
    path : str or Path
        Folder holding ``company.yaml``, ``employees.csv`` and any optional files, as CSV or XLSX.
    run_cache : str or Path, optional
        The output folder of a running `smbkit run`: the company it validated a moment ago is
        reused when the folder has not changed since (same files, sizes and times), so five
        notebooks do not check the same files five times. Empty or absent: read and validate.

    Returns
    -------
    Company

    Raises
    ------
    InputError
        Listing every problem found, each with file, spreadsheet row, column, found and allowed.

    Examples
    --------
    >>> company = load_company(sample_dir())
    >>> company.settings.min_group_size
    5
    """
    folder = Path(path)
    if run_cache:
        cached = runcache.read(run_cache, folder)
        if cached is not None:
            return cached
    if not folder.is_dir():
        raise InputError(folder, [Problem(str(folder), None, None, "no such folder", "a company folder (see `smbkit init`)")])
    out = v.Collector()
    settings_raw = v.read_settings(folder, out)
    settings_ok = not out.problems and "name" in settings_raw  # the links need as_of and the other settings
    places = locate_files(folder, out)
    twice = any(p.file.startswith("employees.") and p.found.startswith("the same data in") for p in out.problems)
    if "employees" not in places and not twice:  # a table given twice is named as that, not as missing
        out.add("employees.csv", None, None, "no such file",
                "an employees.csv (or .xlsx) with one row per person (run `smbkit init` for a template)", kind="missing")
    raw = {}
    # survey_items first: it says which columns of survey_responses hold answers, so that only the
    # columns smbkit uses are kept from the two files that can be large
    for name in sorted(places, key=lambda n: n != "survey_items"):
        table = read_raw(places[name], out, inside=folder, keep=_columns_kept(name, raw))
        if table is not None:
            raw[name] = table
    raw = {name: raw[name] for name in places if name in raw}  # back in the contract's order
    tables: dict[str, pd.DataFrame] = {}
    for name, table in raw.items():
        spec = file_spec(name)
        extra = survey_item_columns(raw, out) if name == "survey_responses" else None
        typed = v.type_table(spec, table, out, extra_columns=extra)
        if typed is not None:
            tables[name] = typed
    if "employees" in tables and tables["employees"].empty:
        out.add(raw["employees"].source, 2, None, "no people (only a header row)",
                "one row per person employed now or in the last 3 years", kind="empty")
    if settings_ok:
        settings = Settings(**settings_raw)
    if settings_ok and "employees" in tables:
        # checked in the same pass as the cells (one `smbkit validate` finds every problem), over the tables
        # whose columns are all there; a row with a bad cell of its own is not checked again here
        check_links(tables, {n: t.source for n, t in raw.items()}, settings, _BesideCellProblems(out))
    problems = out.finish()
    if problems:
        raise InputError(folder, problems)
    notes = out.notes + _rename_reserved_dimensions(tables)
    tables = privacy.protect_free_text(tables, show_names=settings.show_names)
    return Company(folder, settings, tables, {n: t.source for n, t in raw.items()}, tuple(notes))


class _BesideCellProblems:
    """The collector `check_links` writes to: its problems go to ``out``, except on a row that already
    has a problem of its own (a bad cell is read as blank, and a check across files would only echo it)."""

    def __init__(self, out: v.Collector):
        self.out = out
        self.flagged = {(p.file, p.row) for p in out.problems if p.row is not None}
        self.broken_files = {p.file for p in out.problems if p.row is None}  # a file-wide problem: its rows were not all read

    def add(self, file, row, column, found, allowed, *, kind="value"):
        if (file, row) not in self.flagged and not (row is not None and file in self.broken_files):
            self.out.add(file, row, column, found, allowed, kind=kind)


def _rename_reserved_dimensions(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Give a survey dimension named like one of smbkit's own measures (the Belonging Index, eNPS) a
    name of its own, so the two are never mixed up; return what was renamed, in plain words."""
    items = tables.get("survey_items")
    if items is None:
        return []
    notes = []
    for name in RESERVED_MEASURES:
        if (items["dimension"] == name).any():
            new = f"{name} (dimension)"
            items["dimension"] = items["dimension"].where(items["dimension"] != name, new)
            notes.append(f"Your survey has a dimension named {name!r}, the name smbkit gives its own measure "
                         f"({'the mean of every dimension' if name == 'belonging_index' else 'the Net Promoter question'}); "
                         f"it is shown as {new!r} so that the two are never mixed up.")
    return notes


# ---------------------------------------------------------------------------------------------
# Templates and the data dictionary
# ---------------------------------------------------------------------------------------------

_GUIDE = """\
# Filling in your company folder

Only company.yaml and employees.csv are required. Every other file switches on the analyses
that need it; leave a file out (delete it) and the notebooks say which sections they skip.

- Keep the file and column names. Extra columns are kept and ignored.
- Dates are YYYY-MM-DD, months YYYY-MM. Save CSV as UTF-8 (Excel: "CSV UTF-8").
- You may use .xlsx instead: one workbook per file, or one company.xlsx with a sheet per file.
- Check your folder with `smbkit validate THIS_FOLDER`; every problem is listed with its row.

See data-dictionary.md beside this guide for every column.
"""


def write_templates(folder) -> list[Path]:
    """Write blank input files (header rows only), a commented company.yaml and a guide.

    Refuses to overwrite existing files. Returns the paths written.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    targets = {folder / "company.yaml": _yaml_template(), folder / "README.md": _GUIDE,
               folder / "data-dictionary.md": data_dictionary_markdown()}
    for spec in FILES:
        targets[folder / f"{spec.name}.csv"] = ",".join(c.name for c in spec.columns) + "\n"
    clash = [p.name for p in targets if p.exists()]
    if clash:
        raise FileExistsError(f"{folder} already holds {', '.join(clash)}; choose an empty folder")
    for path, text in targets.items():
        path.write_text(text, encoding="utf-8")
    return list(targets)


def _yaml_template() -> str:
    lines = ["# Company settings for smbkit. Only `name` is required."]
    for s in SETTINGS:
        lines.append(f"# {s.meaning}")
        if s.required:
            lines.append(f"{s.key}: Your company name")
        else:
            default = {True: "true", False: "false"}.get(s.default, s.default)
            lines.append(f"# {s.key}: {default}")
    return "\n".join(lines) + "\n"


def data_dictionary() -> pd.DataFrame:
    """Every input file and column with its meaning and allowed values.

    Returns
    -------
    DataFrame
        Columns: ``file``, ``column``, ``required_file``, ``required_column``, ``allowed``, ``meaning``.
        company.yaml keys are listed with file ``company.yaml``.
    """
    rows = []
    for s in SETTINGS:
        default = "required" if s.required else f"default {s.default}"
        rows.append(("company.yaml", s.key, True, s.required, f"{v.setting_words(s)} ({default})", s.meaning))
    for spec in FILES:
        for c in spec.columns:
            rows.append((f"{spec.name}.csv", c.name, spec.required, c.required, c.allowed(), c.meaning))
    return pd.DataFrame(rows, columns=["file", "column", "required_file", "required_column", "allowed", "meaning"])


def data_dictionary_markdown() -> str:
    """The data dictionary as Markdown (what docs/data-dictionary.md holds)."""
    out = ["# smbkit data dictionary", "",
           "Generated from `smbkit/_schema.py`, the same specs the validator uses. "
           "Regenerate with `smbkit dictionary > docs/data-dictionary.md`.", "",
           "Only company.yaml and employees.csv are required. Files may be .csv (UTF-8) or .xlsx; "
           "dates are YYYY-MM-DD and months YYYY-MM. Unknown extra columns are kept and ignored.", "",
           "## company.yaml", "", "| key | allowed | meaning |", "|---|---|---|"]
    dd = data_dictionary()
    for r in dd[dd["file"] == "company.yaml"].itertuples():
        out.append(f"| {r.column} | {r.allowed} | {r.meaning} |")
    for spec in FILES:
        flag = "required" if spec.required else "optional"
        out += ["", f"## {spec.name}.csv ({flag})", "", spec.meaning + (f" Enables: {spec.enables}." if spec.enables else ""), ""]
        if spec.key:
            out += [f"Each {' + '.join(spec.key)} appears once.", ""]
        out += ["| column | column required | allowed | meaning |", "|---|---|---|---|"]
        for c in spec.columns:
            out.append(f"| {c.name} | {'yes' if c.required else 'no'} | {c.allowed()} | {c.meaning} |")
        if spec.extra_note:
            out += ["", spec.extra_note]
    out += ["", "## Limits", "", "What smbkit reads, at most; beyond it a file or cell is refused with a message "
            "naming it (never read in part).", "", "| what | limit |", "|---|---|"]
    out += [f"| {what} | {limit} |" for what, limit in LIMITS]
    return "\n".join(out) + "\n"
