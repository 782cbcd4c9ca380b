"""The company: loading a folder, its settings and tables, blank templates and the data dictionary.

`load_company` is the only function in smbkit that reads input files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import _validation as v
from ._schema import FILES, SETTINGS, Column, file_spec
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
]


@dataclass(frozen=True)
class Settings:
    """The keys of company.yaml, typed, with the contract's defaults filled in."""

    name: str
    industry: str = ""
    currency: str = "USD"
    as_of: pd.Timestamp = field(default_factory=lambda: pd.Timestamp.today().normalize())
    hours_per_fte_week: float = 40.0
    weeks_per_year: float = 47.0
    horizon_months: int = 12
    discount_rate: float = 0.08
    min_group_size: int = 5
    survey_linkage: str = "anonymous"
    show_names: bool = False


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


CACHE_FILE = Path(".smbkit") / "company.pickle"


def _fingerprint(folder: Path) -> tuple:
    """What the company folder holds now: every file's name, size and modification time, and smbkit's version."""
    from . import __version__

    files = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir() if p.is_file())
    return (str(folder.resolve()), __version__, tuple(files))


def write_run_cache(company: Company, out_dir) -> Path:
    """Keep the validated company in ``out_dir`` for the notebooks of one `smbkit run` (removed at its end)."""
    import pickle

    target = Path(out_dir) / CACHE_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as f:
        pickle.dump((_fingerprint(company.path), company), f, protocol=pickle.HIGHEST_PROTOCOL)
    return target


def remove_run_cache(out_dir) -> None:
    """Delete the run's cached company (it holds names, which never stay in an output folder)."""
    target = Path(out_dir) / CACHE_FILE
    target.unlink(missing_ok=True)
    if target.parent.exists() and not any(target.parent.iterdir()):
        target.parent.rmdir()


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
        cached = Path(run_cache) / CACHE_FILE
        if cached.is_file() and folder.is_dir():
            import pickle

            with open(cached, "rb") as f:
                fingerprint, company = pickle.load(f)
            if fingerprint == _fingerprint(folder):
                return company
    if not folder.is_dir():
        raise InputError(folder, [Problem(str(folder), None, None, "no such folder", "a company folder (see `smbkit init`)")])
    out = v._Collector()
    settings_raw = v.read_settings(folder, out)
    places = v.locate_files(folder, out)
    if "employees" not in places:
        out.add("employees.csv", None, None, "no such file",
                "an employees.csv (or .xlsx) with one row per person (run `smbkit init` for a template)", kind="missing")
    raw = {}
    for name, place in places.items():
        table = v.read_raw(place, out)
        if table is not None:
            raw[name] = table
    tables: dict[str, pd.DataFrame] = {}
    for name, table in raw.items():
        spec = file_spec(name)
        extra = _survey_item_columns(raw, out) if name == "survey_responses" else None
        typed = v.type_table(spec, table, out, extra_columns=extra)
        if typed is not None:
            tables[name] = typed
    if "employees" in tables and tables["employees"].empty:
        out.add(raw["employees"].source, 2, None, "no people (only a header row)",
                "one row per person employed now or in the last 3 years", kind="empty")
    problems_before_links = list(out.problems)
    if not problems_before_links and "name" in settings_raw:
        settings = Settings(**settings_raw)
        _check_links(tables, {n: t.source for n, t in raw.items()}, settings, out)
    problems = out.finish()
    if problems:
        raise InputError(folder, problems)
    return Company(folder, settings, tables, {n: t.source for n, t in raw.items()})


def _survey_item_columns(raw, out) -> dict[str, Column]:
    """Columns of survey_responses.csv that hold answers: one per item of survey_items.csv."""
    items = raw.get("survey_items")
    if items is None or "item_id" not in items.header:
        return {}
    cols = {}
    j_id = items.header.index("item_id")
    j_max = items.header.index("scale_max") if "scale_max" in items.header else None
    for r in items.rows:
        top = 5
        if j_max is not None and r[j_max].strip():
            try:
                top = int(float(r[j_max]))
            except ValueError:
                continue  # reported by the survey_items checks
        cols[r[j_id]] = Column(r[j_id], "int", "answer", blank_ok=True, min=1, max=top)
    return cols


def _rows(frame, mask):
    """Spreadsheet row numbers (header = 1) of the rows where mask is true."""
    return [i + 2 for i in frame.index[mask.fillna(False).to_numpy(dtype=bool)]]


def _check_links(tables, sources, settings: Settings, out):
    """Checks across columns and files: references, date order, sums."""
    emp = tables["employees"]
    src = sources["employees"]
    ids = set(emp["employee_id"])
    as_of = settings.as_of

    def refs(name, column, known, what):
        t = tables.get(name)
        if t is None:
            return
        bad = t[column].notna() & ~t[column].isin(known)
        for i in t.index[bad.to_numpy(dtype=bool)]:
            out.add(sources[name], i + 2, column, repr(t.at[i, column]), what, kind="reference")

    refs("employees", "manager_id", ids, "an employee_id from employees.csv, or blank")
    for row in _rows(emp, emp["manager_id"] == emp["employee_id"]):
        out.add(src, row, "manager_id", "the person as their own manager", "another person's employee_id, or blank", kind="self-manager")
    for row, who in _manager_cycles(emp):
        out.add(src, row, "manager_id", f"a management loop ({who})", "a chain of managers that ends at someone with a blank manager_id", kind="cycle")
    for row in _rows(emp, emp["exit_date"] < emp["hire_date"]):
        out.add(src, row, "exit_date", f"{emp.loc[row - 2, 'exit_date'].date()} before hire_date {emp.loc[row - 2, 'hire_date'].date()}",
                "a date on or after hire_date", kind="order")
    for row in _rows(emp, emp["exit_date"] > as_of):
        out.add(src, row, "exit_date", f"{emp.loc[row - 2, 'exit_date'].date()}, after as_of {as_of.date()}",
                "a date on or before as_of in company.yaml (leave future exits blank)", kind="future")
    for row in _rows(emp, emp["exit_reason"].notna() & emp["exit_date"].isna()):
        out.add(src, row, "exit_reason", f"{emp.loc[row - 2, 'exit_reason']!r} but no exit_date",
                "an exit_reason only for people with an exit_date", kind="order")

    for name in ("skills", "absences", "learning"):
        refs(name, "employee_id", ids, "an employee_id from employees.csv")
    refs("interactions", "source_id", ids, "an employee_id from employees.csv")
    refs("interactions", "target_id", ids, "an employee_id from employees.csv")

    roles = tables.get("roles")
    drivers = tables.get("drivers")
    driver_names = set(drivers["driver"]) if drivers is not None else set()
    if roles is not None:
        s = sources["roles"]
        needs = roles["driver"].notna()
        if needs.any() and drivers is None:
            out.add(s, None, "driver", "roles with a driver but no drivers.csv", "a drivers.csv listing each driver", kind="missing")
        elif drivers is not None:
            refs("roles", "driver", driver_names, "a driver from drivers.csv, or blank for a fixed role")
        for row in _rows(roles, needs & roles["units_per_fte"].isna()):
            out.add(s, row, "units_per_fte", "a blank cell for a role with a driver", "a number > 0", kind="units")
        for row in _rows(roles, ~needs & roles["fixed_fte"].isna()):
            out.add(s, row, "fixed_fte", "a blank cell for a role without a driver", "a number >= 0", kind="fixed")
    known_roles = set(emp["role"]) | (set(roles["role"]) if roles is not None else set())
    refs("role_skills", "role", known_roles, "a role from roles.csv or employees.csv")
    refs("tasks", "role", known_roles, "a role from roles.csv or employees.csv")
    refs("job_design", "role", known_roles, "a role from roles.csv or employees.csv")
    for name in ("scenarios", "driver_history"):
        if name in tables:
            if drivers is None:
                out.add(sources[name], None, "driver", f"{name} but no drivers.csv", "a drivers.csv listing each driver", kind="missing")
            else:
                refs(name, "driver", driver_names, "a driver from drivers.csv")
    if "scenarios" in tables:
        _check_probabilities(tables["scenarios"], sources["scenarios"], out)
    if "automation_options" in tables:
        known = set(tables["tasks"]["task_id"]) if "tasks" in tables else set()
        refs("automation_options", "task_id", known, "a task_id from tasks.csv")
    goals = tables.get("goals")
    if goals is not None:
        refs("goals", "parent_goal_id", set(goals["goal_id"]), "a goal_id from goals.csv, or blank")
    events = tables.get("events")
    if events is not None:
        for row in _rows(events, events["attended"] > events["invited"]):
            out.add(sources["events"], row, "attended", f"{events.loc[row - 2, 'attended']} attended of {events.loc[row - 2, 'invited']} invited",
                    "at most the number invited", kind="attended")
    inter = tables.get("interactions")
    if inter is not None:
        for row in _rows(inter, inter["source_id"] == inter["target_id"]):
            out.add(sources["interactions"], row, "target_id", "a tie from a person to themselves", "two different people", kind="self-tie")
    _check_survey(tables, sources, settings, out)


def _manager_cycles(emp):
    boss = dict(zip(emp["employee_id"], emp["manager_id"]))
    index = {e: i for i, e in enumerate(emp["employee_id"])}
    reported = set()
    for start in emp["employee_id"]:
        chain, node = [], start
        while isinstance(node, str) and node in boss and node not in chain:
            chain.append(node)
            node = boss[node]
        if isinstance(node, str) and node in chain:
            loop = chain[chain.index(node):]
            key = frozenset(loop)
            if key not in reported and len(loop) > 1:
                reported.add(key)
                yield index[loop[0]] + 2, " -> ".join(loop + [node])


def _check_probabilities(sc, source, out):
    per = sc.groupby("scenario", sort=False)["probability"]
    given = sc["probability"].notna()
    if not given.any():
        return
    if not given.all():
        for row in _rows(sc, ~given):
            out.add(source, row, "probability", "a blank cell while other rows have one",
                    "a probability on every row, or on none", kind="probability")
        return
    for name, values in per:
        if values.nunique() > 1:
            out.add(source, None, "probability", f"different probabilities for scenario {name!r} ({', '.join(f'{x:g}' for x in values.unique())})",
                    "one probability per scenario, repeated on each of its rows", kind="probability")
            return
    total = per.first().sum()
    if abs(total - 1) > v.PROBABILITY_TOLERANCE:
        out.add(source, None, "probability", f"probabilities that add up to {total:g}", "probabilities that add up to 1", kind="probability")


def _check_survey(tables, sources, settings, out):
    resp = tables.get("survey_responses")
    if resp is None:
        return
    s = sources["survey_responses"]
    items = tables.get("survey_items")
    if items is None:
        out.add(s, None, None, "survey answers but no survey_items.csv", "a survey_items.csv describing each question", kind="missing")
        return
    for item in items["item_id"]:
        if item not in resp.columns:
            out.add(s, 1, item, f"no column for item {item!r} of survey_items.csv",
                    "one column per item_id (cells may be blank)", kind="missing-column")
    for row in _rows(resp, resp["wave"] > settings.as_of):
        out.add(s, row, "wave", f"{resp.loc[row - 2, 'wave'].date()}, after as_of {settings.as_of.date()}",
                "a date on or before as_of", kind="future")
    if settings.survey_linkage != "confidential":
        for row in _rows(resp, resp["employee_id"].notna()):
            out.add(s, row, "employee_id", "an employee_id in an anonymous survey",
                    "blank, unless company.yaml sets survey_linkage: confidential and people consented", kind="linkage")
    else:
        ids = set(tables["employees"]["employee_id"])
        bad = resp["employee_id"].notna() & ~resp["employee_id"].isin(ids)
        for row in _rows(resp, bad):
            out.add(s, row, "employee_id", repr(resp.loc[row - 2, "employee_id"]), "an employee_id from employees.csv, or blank", kind="reference")


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
        allowed = {"str": "text", "bool": "true or false", "date": "a date YYYY-MM-DD",
                   "choice": "one of " + ", ".join(s.choices)}.get(s.kind)
        if allowed is None:
            allowed = ("a whole number" if s.kind == "int" else "a number") + f" from {s.min:g} to {s.max:g}"
        default = "required" if s.required else f"default {s.default}"
        rows.append(("company.yaml", s.key, True, s.required, f"{allowed} ({default})", s.meaning))
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
    return "\n".join(out) + "\n"
