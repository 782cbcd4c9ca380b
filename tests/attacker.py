"""An attacker for the outputs of ``smbkit run`` (issue 16). A helper module: it holds no tests.

Given an output folder (``OUT/tables/*.csv``, ``OUT/tables.xlsx``, ``OUT/report.html``,
``OUT/brief.html``, ``OUT/notebooks``) and the company folder it was made from, `audit` returns
every `Leak` it finds:

- ``lp``: a linear-programming audit (scipy ``linprog``, HiGHS). Every published count, sum,
  mean and share that describes survey respondents or employees becomes a linear constraint
  over unknown per-cell aggregates ("atoms": one per wave x team x demographic value for the
  survey, per team x demo_* values for employees), with the natural bounds (counts whole and
  >= 0, answers within their scale, favourable answers among the answers, ...). Each hidden
  quantity is then minimised and maximised; a hidden count of a small population pinned to one
  value, or a hidden group's total pinned to within `PROTECT_POINTS` points a person, is a leak.
- ``difference``: two published figures of the same quantity whose populations are nested and
  differ by 1 to min_group_size - 1 people (their difference describes those people).
- the subtraction families of issue 16: ``history`` (team_alerts pooling hidden waves),
  ``pooled`` (the Belonging Index favourable share pooling a hidden dimension), ``profiles``
  (belonging profiles leaving out fewer than min_group_size respondents), ``fairness`` (leavers
  by group beside the model's total), ``hidden_wave`` (alpha, comment themes for a wave the wave
  or comment-tone table hides), ``crossed_line`` (a line of a crossed table with one hidden cell
  beside a shown margin).
- ``population``: a figure published for a population under min_group_size.
- ``name``: an employee name, or a word of one, anywhere in the outputs (accents, Unicode forms
  and possessives folded) unless show_names is true.
- ``sentence``: a sentence or chart text of the report naming a hidden group with its true value.
- ``model``: the attacker's model of a table disagrees with the input (a published figure is not
  what the table says it is). Not a leak by itself; it means the audit of that table is void.

What it cannot see is listed in `LIMITS`.
"""

from __future__ import annotations

import html
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["PROTECT_POINTS", "LIMITS", "Leak", "Outputs", "Truth", "Model", "build_model", "lp_audit", "difference_audit",
           "population_audit", "history_family", "pooled_family", "profiles_family", "fairness_family", "hidden_wave_family",
           "crossed_line_family", "name_audit", "sentence_audit", "audit", "fold", "format_leaks"]

# A hidden group's total must stay uncertain over at least this many points a person on the 0-100 scale
# (10% of the scale; on an item's own 1..m scale, 10% of m - 1). Narrower, and its mean is as good as shown.
PROTECT_POINTS = 10.0
# Hidden days of absence are "pinned" when known to within this many days a person.
PROTECT_DAYS = 1.0
# Hidden mean leaving risk is "pinned" when known to within this share a person (10 percentage points).
PROTECT_RISK = 0.10
# A MILP (integer counts) is tried where the LP leaves a count at most this many whole values, or a total within
# this many protection widths a person; each MILP gets at most MILP_SECONDS (else the LP's range stands).
MILP_COUNT_CANDIDATES, MILP_SUM_FACTOR, MILP_SECONDS = 2, 2.0, 2.0

LIMITS = """\
Covered: every survey table of notebook 05 (waves, results by team / demographic / team x demographic, items,
reliability n, trends, team alerts, belonging profiles, comment tone, themes, themes by team, comment examples,
comments per team label), and the employee tables with protected groups (representation, fairness audit and
risk model totals, leaving risk by team, absence by team, headcount by team). Counts are whole numbers in the MILP.
Not modelled as constraints (read only for the population rule): Cronbach's alpha and its interval, p-values,
correlations, regression weights, control limits (standard deviations), medians (team anomalies), silhouette,
flag rates and true-positive rates, the VADER tone of one theme, hr_signals' windows before as_of, turnover by
team (not protected), connectedness by work mode, job ratings (notebook 04), learning feedback (only the
population rule), numbers inside sentences (only checked against a hidden group's true value).
A respondent's dimension score is the mean of the items answered, so a dimension total is only bounded by its
items' sums (exact for one-item dimensions); the Belonging Index total is tied to the dimension totals only for
respondents who answered every dimension. Published figures are read at the precision printed (%.6g): a leak
that needs more digits is missed, and rounding makes some exact recoveries show up as narrow intervals.
Charts are images: their points are not read; their alt text and sentences are.
Not counted as leaks: a hidden team's absence bounded only by the company's own total (every team hidden),
a crossed cell recovered as 0 from a shown margin of 0 (the margin already says the line holds nobody), and a crossed
cell recovered as its shown margin when it is the only cell its line lists (it is that margin)."""


@dataclass(frozen=True)
class Leak:
    """One thing the attacker found: ``kind`` (see the module docstring), ``where`` (tables), ``what`` (how)."""

    kind: str
    where: str
    what: str

    def __str__(self):
        return f"[{self.kind}] {self.where}: {self.what}"


def format_leaks(leaks: list[Leak], limit: int = 40) -> str:
    """The leaks as lines, grouped by kind, at most ``limit`` per kind (then how many more)."""
    lines = []
    for kind in dict.fromkeys(x.kind for x in leaks):
        of = [x for x in leaks if x.kind == kind]
        lines += [str(x) for x in of[:limit]]
        if len(of) > limit:
            lines.append(f"[{kind}] ... and {len(of) - limit} more")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The published outputs
# ---------------------------------------------------------------------------------------------


def _number(text: str) -> tuple[float, float]:
    """A published number as printed (%.6g) and half a unit of its last significant digit."""
    text = str(text).strip()
    if text == "":
        return math.nan, math.nan
    try:
        v = float(text)
    except ValueError:
        return math.nan, math.nan
    if v == 0 or not math.isfinite(v):
        return v, 1e-12
    e = math.floor(math.log10(abs(v)))
    digits = len(re.sub(r"[^0-9]", "", text.split("e")[0].lstrip("-0.").replace(".", ""))) or 1
    # %.6g keeps 6 significant digits; a shorter print (trailing zeros dropped) is as exact as 6 digits
    return v, 0.5 * 10 ** (e - max(digits, 6) + 1) * 1.0001 + 1e-12


class Outputs:
    """Everything ``smbkit run`` published into ``folder``: tables as printed, the two pages, the notebooks."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.tables: dict[str, pd.DataFrame] = {}
        for p in sorted((self.folder / "tables").glob("*.csv")):
            self.tables[p.stem] = pd.read_csv(p, dtype=str, keep_default_na=False)
        self.report = _read_text(self.folder / "report.html")
        self.brief = _read_text(self.folder / "brief.html")

    def get(self, key: str) -> pd.DataFrame | None:
        """The table whose file ends in ``__key.csv`` (None when not published)."""
        for stem, t in self.tables.items():
            if stem.endswith(f"__{key}"):
                return t
        return None

    def name_of(self, key: str) -> str:
        for stem in self.tables:
            if stem.endswith(f"__{key}"):
                return stem
        return key

    def texts(self):
        """(where, text) for every piece of published text: table cells and headers, workbook cells,
        report and brief text (with attribute values such as alt text), notebook outputs and sources."""
        for stem, t in self.tables.items():
            yield f"tables/{stem}.csv header", " | ".join(t.columns)
            for i, row in enumerate(t.itertuples(index=False), start=2):
                yield f"tables/{stem}.csv row {i}", " | ".join(map(str, row))
        xlsx = self.folder / "tables.xlsx"
        if xlsx.exists():
            from openpyxl import load_workbook

            book = load_workbook(xlsx, read_only=True)
            for ws in book.worksheets:
                for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
                    cells = [str(c) for c in row if c is not None]
                    if cells:
                        yield f"tables.xlsx sheet {ws.title} row {i}", " | ".join(cells)
            book.close()
        for name, page in (("report.html", self.report), ("brief.html", self.brief)):
            for k, chunk in enumerate(page_text(page)):
                yield f"{name} text {k}", chunk
        for nb in sorted((self.folder / "notebooks").glob("*.ipynb")):
            try:
                cells = json.loads(nb.read_text(encoding="utf-8")).get("cells", [])
            except ValueError:
                continue
            for j, cell in enumerate(cells):
                yield f"notebooks/{nb.name} cell {j + 1} source", "".join(cell.get("source", ""))
                for out in cell.get("outputs", []):
                    texts = [out.get("text", "")] + [out.get("data", {}).get(m, "") for m in ("text/plain", "text/markdown", "text/html")]
                    text = "".join("".join(t) if isinstance(t, list) else str(t) for t in texts)
                    yield f"notebooks/{nb.name} cell {j + 1} output", _strip_data_uris(text)

    def sentences(self):
        """(where, text) for the prose of report.html and brief.html (tables left out) and every alt text."""
        for name, page in (("report.html", self.report), ("brief.html", self.brief)):
            body = re.sub(r"<table.*?</table>", " ", page, flags=re.S | re.I)
            for alt in re.findall(r'\balt="([^"]*)"', body):
                yield f"{name} alt text", html.unescape(alt)
            for k, chunk in enumerate(page_text(body)):
                yield f"{name} sentence {k}", chunk


def _read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _strip_data_uris(text: str) -> str:
    return re.sub(r"data:[a-z/+.-]+;base64,[A-Za-z0-9+/=]+", "data:…", text)


def page_text(page: str) -> list[str]:
    """The visible text of an HTML page in block-sized chunks, with attribute values (alt, title) kept."""
    page = _strip_data_uris(page)
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S | re.I)
    attrs = re.findall(r'\b(?:alt|title|aria-label)="([^"]*)"', page)
    page = re.sub(r"</?(p|div|li|tr|h[1-6]|section|header|table|br|td|th)\b[^>]*>", "\n", page, flags=re.I)
    page = re.sub(r"<[^>]+>", " ", page)
    chunks = [re.sub(r"\s+", " ", html.unescape(c)).strip() for c in page.split("\n")]
    return [c for c in chunks if c] + [html.unescape(a) for a in attrs]


# ---------------------------------------------------------------------------------------------
# The ground truth, from the input folder
# ---------------------------------------------------------------------------------------------

NA = "<NA>"  # a blank demographic or team: "not recorded" in survey and representation tables, "not given" in the fairness audit
TOP_POINTS = 2  # favourable = the top two points, as smbkit documents
PROMOTER_MIN, DETRACTOR_MAX = 9, 6
TONE_CUT = 0.05  # VADER's thresholds


class Truth:
    """What the attacker must not learn, from the company folder: one row per survey response (after
    consent) and per person in employees.csv, with every per-unit quantity the outputs aggregate.

    The input files are parsed by smbkit's loader (the input contract); everything computed from
    them here is computed independently of smbkit's analyses.
    """

    def __init__(self, company_dir):
        import smbkit

        self.dir = Path(company_dir)
        self.company = c = smbkit.load_company(self.dir)
        s = c.settings
        self.k, self.show_names, self.as_of, self.weeks = int(s.min_group_size), bool(s.show_names), pd.Timestamp(s.as_of), float(s.weeks_per_year)
        emp = c.employees
        self.names = [n for n in (emp["name"].dropna().astype(str) if "name" in emp else []) if n.strip()]
        self.employee_ids = list(emp["employee_id"].astype(str))
        self.survey = self._survey() if c.has("survey_items", "survey_responses") else None
        self.people = self._people()

    # --- survey --------------------------------------------------------------------------
    def _survey(self) -> pd.DataFrame:
        c = self.company
        items = c.survey_items.copy()
        items["scale_max"] = items["scale_max"].fillna(5).astype(int)
        self.items = items
        self.dims = list(dict.fromkeys(items["dimension"]))
        r = c.survey_responses
        keep = r["consent"].astype("object").map(lambda v: not (v is False or str(v).strip().lower() == "false")) if "consent" in r else True
        r = r[keep].reset_index(drop=True)
        demo = [col for col in r.columns if col.startswith("demo_")]
        self.survey_demo = demo[0] if demo else None
        u = pd.DataFrame({"uid": [f"response {i + 1}" for i in range(len(r))], "wave": pd.to_datetime(r["wave"]).dt.normalize(),
                          "team": r["team"].astype("object").where(r["team"].notna(), NA).astype(str)})
        u["demo"] = r[self.survey_demo].astype("object").where(r[self.survey_demo].notna(), NA).astype(str) if demo else NA
        u["R"] = 1
        norm = {}
        for it in items.itertuples():
            m = int(it.scale_max)
            x = pd.to_numeric(r[it.item_id], errors="coerce").astype(float)
            if bool(it.reverse_coded):
                x = m + 1 - x
            u[f"NI:{it.item_id}"] = x.notna().astype(int)
            u[f"SI:{it.item_id}"] = x.fillna(0.0)
            u[f"FI:{it.item_id}"] = (x >= m - TOP_POINTS + 1).astype(int)
            norm[it.item_id] = (x - 1) / (m - 1) * 100
        dimscore = {}
        for d in self.dims:
            ids = list(items.loc[items["dimension"] == d, "item_id"])
            score = pd.DataFrame({i: norm[i] for i in ids}).mean(axis=1)
            dimscore[d] = score
            u[f"N:{d}"] = score.notna().astype(int)
            u[f"S:{d}"] = score.fillna(0.0)
            u[f"F:{d}"] = sum(u[f"FI:{i}"] for i in ids)
            u[f"A:{d}"] = sum(u[f"NI:{i}"] for i in ids)
            u[f"K:{d}"] = (sum(u[f"NI:{i}"] for i in ids) == len(ids)).astype(int)
        bi = pd.DataFrame(dimscore).mean(axis=1)
        u["N:belonging_index"] = bi.notna().astype(int)
        u["S:belonging_index"] = bi.fillna(0.0)
        u["Q"] = pd.DataFrame(dimscore).notna().all(axis=1).astype(int)
        for d in self.dims:
            u[f"SQ:{d}"] = u[f"S:{d}"] * u["Q"]
        e = pd.to_numeric(r["enps"], errors="coerce").astype(float) if "enps" in r else pd.Series(np.nan, index=r.index)
        u["E:n"] = e.notna().astype(int)
        u["E:pro"] = (e >= PROMOTER_MIN).astype(int)
        u["E:det"] = (e <= DETRACTOR_MAX).astype(int)
        text = r["comment"].astype("object") if "comment" in r else pd.Series([None] * len(r))
        has = text.map(lambda t: isinstance(t, str) and t.strip() != "")
        u["C"] = has.astype(int)
        u["comment"] = text.where(has, "")
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        analyzer = SentimentIntensityAnalyzer()
        comp = u["comment"].map(lambda t: analyzer.polarity_scores(t)["compound"] if t else 0.0)
        u["SC"] = comp * u["C"]
        u["P"] = ((comp >= TONE_CUT) & has).astype(int)
        u["G"] = ((comp <= -TONE_CUT) & has).astype(int)
        self.themes = _themes()
        for theme, pattern in self.themes.items():
            u[f"T:{theme}"] = u["comment"].map(lambda t, p=pattern: bool(t) and bool(p.search(t))).astype(int)
        return u

    # --- employees -----------------------------------------------------------------------
    def _people(self) -> pd.DataFrame:
        c = self.company
        e = c.employees
        as_of = self.as_of
        hire, leave = pd.to_datetime(e["hire_date"]), pd.to_datetime(e["exit_date"])
        is_emp = e["employment_type"].isin(["full_time", "part_time"])
        self.people_demo = [col for col in e.columns if col.startswith("demo_")]
        p = pd.DataFrame({"uid": e["employee_id"].astype(str), "team": e["team"].astype(str)})
        for col in self.people_demo:
            p[col] = e[col].astype("object").where(e[col].notna(), NA).astype(str)
        p["CUR"] = ((hire <= as_of) & (leave.isna() | (leave > as_of))).astype(int)
        p["CURE"] = (p["CUR"].astype(bool) & is_emp).astype(int)
        snap = as_of - pd.DateOffset(months=12)
        trn = is_emp & (hire <= snap) & (leave.isna() | (leave > snap))
        p["TRN"] = trn.astype(int)
        p["LFT"] = (trn & (leave <= as_of) & (e["exit_reason"] == "voluntary")).astype(int)
        start = as_of - pd.DateOffset(months=12)
        first = hire.where(hire > start, start)
        last = leave.fillna(as_of).where(leave.fillna(as_of) < as_of, as_of)
        days = (last - first).dt.days.clip(lower=0)
        p["ABP"] = (days > 0).astype(int)
        p["ABV"] = e["fte"] * 5 * self.weeks * days / 365.25
        p["ABF"] = e["fte"] * days / 365.25
        absent = pd.Series(0.0, index=p.index)
        if c.has("absences"):
            ab = c.absences
            ab = ab[(ab["start_date"] > start) & (ab["start_date"] <= as_of)]
            absent = p["uid"].map(ab.groupby(ab["employee_id"].astype(str))["days"].sum()).fillna(0.0)
        p["ABD"] = absent.astype(float)
        p["RSK"] = np.nan  # the model's scores: unknown to the attacker's truth
        return p


def _themes() -> dict:
    """smbkit's shipped theme keywords (an input of the analysis, like the lexicon of any text tool)."""
    import smbkit

    path = Path(smbkit.__file__).with_name("comment_themes.csv")
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    return {r.theme: re.compile(r"\b(?:" + "|".join(re.escape(k.strip().lower()) for k in r.keywords.split(";") if k.strip()) + r")",
                                re.IGNORECASE) for r in t.itertuples()}


# ---------------------------------------------------------------------------------------------
# The linear model: unknown aggregates per atom, published figures as constraints
# ---------------------------------------------------------------------------------------------

# Quantities that are not whole numbers (all others are counts).
_CONTINUOUS = re.compile(r"^(S:|SQ:|SC$|ABD$|ABV$|ABF$|RSK$)")


@dataclass
class Figure:
    """A published figure (``value`` known) or a hidden one (a target), as linear expressions over atoms.

    ``expr`` (and ``den`` for a share) are dicts {variable index: coefficient}. ``pop`` is the
    expression counting the figure's population (people or responses it is computed over);
    ``family`` names the quantity, so that two figures of one family over nested populations can
    be compared (the difference rule). ``width`` is the uncertainty a person a target must keep.
    """

    where: str
    expr: dict | None
    den: dict | None
    pop: dict | None
    value: float = math.nan
    tol: float = 0.0
    family: tuple | None = None
    kind: str = "count"  # count | sum
    width: float = 1.0
    source: str = "survey"
    pop_value: float | None = None  # a published population size (profiles), when no expression can give it
    protected: bool = True  # False for figures the privacy rule does not cover (headcount by team, model totals)
    groups: tuple = ()  # the group labels a hidden target describes (team, demographic value), and its wave


class Model:
    """Variables (one per atom and quantity), structural bounds, published constraints and hidden targets."""

    def __init__(self, truth: Truth):
        self.truth = truth
        self.k = truth.k
        self.index: dict[tuple, int] = {}
        self.x_true: list[float] = []
        self.names: list[str] = []
        self.keys: list[tuple] = []
        self.rows: list[tuple[dict, float, str]] = []  # a . x <= b, with where it comes from
        self.atoms: dict[str, list[tuple]] = {}
        self.attrs: dict[str, list[str]] = {}
        self.truth_by_atom: dict[str, pd.DataFrame] = {}
        self.figures: list[Figure] = []
        self.targets: list[Figure] = []
        self.notes: list[str] = []

    # --- atoms and variables -------------------------------------------------------------
    def add_source(self, source: str, units: pd.DataFrame, attrs: list[str], labels: dict[str, list[str]]):
        """Atoms of ``source``: every combination of the attributes' labels (the attacker sees them all)."""
        from itertools import product

        self.attrs[source] = attrs
        combos = list(product(*[labels[a] for a in attrs]))
        self.atoms[source] = combos
        units = units.copy()
        units["_atom"] = list(zip(*[units[a] for a in attrs])) if attrs else [()] * len(units)
        self.truth_by_atom[source] = units

    def atoms_labels(self, source: str, attr: str) -> list:
        i = self.attrs[source].index(attr)
        return sorted({a[i] for a in self.atoms[source]})

    def v(self, source: str, atom: tuple, var: str) -> int:
        key = (source, atom, var)
        if key not in self.index:
            units = self.truth_by_atom[source]
            col = units[var] if var in units else None
            true = float(col[units["_atom"] == atom].sum()) if col is not None and not col.isna().all() else math.nan
            self.index[key] = len(self.x_true)
            self.x_true.append(true)
            self.names.append(f"{var}{list(atom)}")
            self.keys.append(key)
        return self.index[key]

    def match(self, source: str, **sel) -> list[tuple]:
        attrs = self.attrs[source]
        out = []
        for atom in self.atoms[source]:
            ok = True
            for a, want in sel.items():
                val = atom[attrs.index(a)]
                if callable(want):
                    ok = want(val)
                elif isinstance(want, (set, frozenset, list, tuple)):
                    ok = val in want
                else:
                    ok = val == want
                if not ok:
                    break
            if ok:
                out.append(atom)
        return out

    def sum(self, source: str, var, coef: float = 1.0, **sel) -> dict:
        """The expression summing ``var`` (a name, or a list of names) over the atoms matching ``sel``."""
        out: dict[int, float] = {}
        for atom in self.match(source, **sel):
            for name in ([var] if isinstance(var, str) else var):
                j = self.v(source, atom, name)
                out[j] = out.get(j, 0.0) + coef
        return out

    # --- constraints ---------------------------------------------------------------------
    def le(self, a: dict, b: float, where: str):
        a = {j: c for j, c in a.items() if c != 0}
        if a:
            self.rows.append((a, float(b), where))

    def eq(self, a: dict, b: float, where: str, tol: float = 0.0):
        self.le(a, b + tol, where)
        self.le({j: -c for j, c in a.items()}, -(b - tol), where)

    def publish(self, where: str, *, expr: dict, value: float, tol: float, den: dict | None = None, pop: dict | None = None,
                family=None, source: str = "survey", protected: bool = True):
        """A published figure: a count or sum (``expr`` = value) or a share (``expr`` / ``den`` = value)."""
        if expr is None or not math.isfinite(value):
            return
        if den is None:
            self.eq(expr, value, where, tol)
        else:  # expr - value x den within +- tol x den (den >= 0)
            self.le(_lin(expr, 1.0, den, -(value + tol)), 0.0, where)
            self.le(_lin(expr, -1.0, den, value - tol), 0.0, where)
        self.figures.append(Figure(where, expr, den, pop if pop is not None else (den if den is not None else expr), value, tol,
                                   family, source=source, protected=protected))

    def population_only(self, where: str, pop: dict | None, *, family=None, source="survey", pop_value=None):
        """A published figure that is not linear (alpha, a p-value): only its population is checked."""
        self.figures.append(Figure(where, None, None, pop, 0.0, 0.0, family, source=source, pop_value=pop_value))

    def hide(self, where: str, expr: dict, pop: dict, *, kind: str = "count", width: float = 1.0, source: str = "survey",
             groups: tuple = ()):
        """A hidden quantity the audit tries to pin down."""
        if expr:
            self.targets.append(Figure(where, expr, None, pop, kind=kind, width=width, source=source, groups=groups))

    def true(self, expr: dict | None) -> float:
        if not expr:
            return 0.0
        return float(sum(c * self.x_true[j] for j, c in expr.items()))

    def units_of(self, source: str, pop: dict) -> frozenset:
        """The units (response or employee ids) a population expression counts, + for positive and - for negative terms."""
        inv = {j: key for key, j in self.index.items()}
        plus, minus = set(), set()
        units = self.truth_by_atom[source]
        for j, c in pop.items():
            src, atom, var = inv[j]
            ids = units.loc[(units["_atom"] == atom) & (units[var] > 0), "uid"]
            (plus if c > 0 else minus).update(ids)
        return frozenset(plus - minus)


def _lin(a: dict, ca: float, b: dict, cb: float) -> dict:
    out = {j: ca * c for j, c in a.items()}
    for j, c in b.items():
        out[j] = out.get(j, 0.0) + cb * c
    return out


def _scaled(a: dict, c: float) -> dict:
    return {j: c * x for j, x in a.items()}


def _add(*exprs: dict) -> dict:
    out: dict[int, float] = {}
    for e in exprs:
        for j, c in e.items():
            out[j] = out.get(j, 0.0) + c
    return out


def _structure(m: Model):
    """Natural bounds inside every atom: what any set of people could have answered."""
    t = m.truth
    if t.survey is not None and "survey" in m.atoms:
        items, dims = t.items, t.dims
        for atom in m.atoms["survey"]:
            V = lambda name, atom=atom: m.v("survey", atom, name)  # noqa: E731
            w = f"bounds of {list(atom)}"
            R = V("R")
            measures = ["belonging_index", *dims]
            for mm in measures:
                m.le({V(f"N:{mm}"): 1, R: -1}, 0, w)
                m.le({V(f"S:{mm}"): 1, V(f"N:{mm}"): -100}, 0, w)
            m.le({V("N:belonging_index"): 1, **{V(f"N:{d}"): -1 for d in dims}}, 0, w)
            for d in dims:
                m.le({V(f"N:{d}"): 1, V("N:belonging_index"): -1}, 0, w)
                ids = list(items.loc[items["dimension"] == d, "item_id"])
                n_i = len(ids)
                A, F, N, K = V(f"A:{d}"), V(f"F:{d}"), V(f"N:{d}"), V(f"K:{d}")
                m.le({N: 1, A: -1}, 0, w)
                m.le({A: 1, N: -n_i}, 0, w)
                m.le({F: 1, A: -1}, 0, w)
                m.eq({A: 1, **{V(f"NI:{i}"): -1 for i in ids}}, 0, w)
                m.eq({F: 1, **{V(f"FI:{i}"): -1 for i in ids}}, 0, w)
                m.le({K: 1, N: -1}, 0, w)
                # complete answerers answer every item, the others at least one and at most n_i - 1
                m.le({K: n_i - 1, N: 1, A: -1}, 0, w)
                m.le({A: 1, K: -1, N: -(n_i - 1)}, 0, w)
                for it in items[items["dimension"] == d].itertuples():
                    hi = int(it.scale_max)
                    NI, SI, FI = V(f"NI:{it.item_id}"), V(f"SI:{it.item_id}"), V(f"FI:{it.item_id}")
                    m.le({NI: 1, N: -1}, 0, w)
                    m.le({K: 1, NI: -1}, 0, w)
                    m.le({FI: 1, NI: -1}, 0, w)
                    # answers 1..hi; favourable ones at least hi - 1, the others at most hi - 2
                    m.le({NI: 1, FI: hi - 2, SI: -1}, 0, w)
                    m.le({SI: 1, FI: -2, NI: -(hi - 2)}, 0, w)
                    if n_i == 1:  # a one-item dimension's score is that answer on 0-100
                        m.eq({V(f"S:{d}"): 1, SI: -100 / (hi - 1), NI: 100 / (hi - 1)}, 0, w)
                Q, SQ, S = V("Q"), V(f"SQ:{d}"), V(f"S:{d}")
                m.le({Q: 1, N: -1}, 0, w)
                m.le({SQ: 1, S: -1}, 0, w)
                m.le({SQ: 1, Q: -100}, 0, w)
                m.le({S: 1, SQ: -1, N: -100, Q: 100}, 0, w)
            Q = V("Q")
            # respondents with every dimension: at least sum(N_d) - (D - 1) N_bi of them
            m.le({**{V(f"N:{d}"): 1 for d in dims}, V("N:belonging_index"): -(len(dims) - 1), Q: -1} if len(dims) > 1 else
                 {V(f"N:{dims[0]}"): 1, Q: -1}, 0, w)
            # the Belonging Index of those who answered every dimension is the mean of their dimension scores
            SB, NB = V("S:belonging_index"), V("N:belonging_index")
            m.le({**{V(f"SQ:{d}"): 1 / len(dims) for d in dims}, SB: -1}, 0, w)
            m.le({SB: 1, **{V(f"SQ:{d}"): -1 / len(dims) for d in dims}, NB: -100, Q: 100}, 0, w)
            En, Ep, Ed = V("E:n"), V("E:pro"), V("E:det")
            m.le({En: 1, R: -1}, 0, w)
            m.le({Ep: 1, Ed: 1, En: -1}, 0, w)
            C, P, G, SC = V("C"), V("P"), V("G"), V("SC")
            m.le({C: 1, R: -1}, 0, w)
            m.le({P: 1, G: 1, C: -1}, 0, w)
            # tone: positive comments score at least 0.05, negative at most -0.05, neutral in between
            m.le({SC: -1, P: 2 * TONE_CUT, G: -1 + TONE_CUT, C: -TONE_CUT}, 0, w)
            m.le({SC: 1, P: -1 + TONE_CUT, G: 2 * TONE_CUT, C: -TONE_CUT}, 0, w)
            m.le({SC: 1, C: -1}, 0, w)
            m.le({SC: -1, C: -1}, 0, w)
            for theme in t.themes:
                m.le({V(f"T:{theme}"): 1, C: -1}, 0, w)
    if "people" in m.atoms:
        for atom in m.atoms["people"]:
            V = lambda name, atom=atom: m.v("people", atom, name)  # noqa: E731
            w = f"bounds of people {list(atom)}"
            m.le({V("CURE"): 1, V("CUR"): -1}, 0, w)
            m.le({V("LFT"): 1, V("TRN"): -1}, 0, w)
            m.le({V("RSK"): 1, V("CURE"): -1}, 0, w)
            m.eq({V("ABV"): 1, V("ABF"): -5 * t.weeks}, 0, w)
            m.le({V("ABF"): 1, V("ABP"): -366 / 365.25}, 0, w)


# ---------------------------------------------------------------------------------------------
# Reading each published table into the model
# ---------------------------------------------------------------------------------------------


def _num(row, col) -> tuple[float, float]:
    return _number(row.get(col, "")) if hasattr(row, "get") else _number(getattr(row, col, ""))


def combined_of(combined: set, wave) -> list[frozenset]:
    """The combined groups (frozensets of categories) listed for ``wave``."""
    return [g for w, g in combined if w == wave]


def _label(text: str):
    """A published group label as the input's category; a combined group ("non-binary + not recorded",
    `privacy.combine_rare`) as the frozenset of its categories."""
    if isinstance(text, str) and " + " in text:
        return frozenset(_label(part) for part in text.split(" + "))
    return NA if text in ("not recorded", "not given") else text


def _is_hidden(row) -> bool:
    return str(row.get("hidden", "")).strip() == "True"


def _rows(t: pd.DataFrame | None):
    return [] if t is None else [dict(r) for _, r in t.iterrows()]


def _ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(str(text)[:10])


def _n(m: Model, meas: str, **sel) -> dict:
    return m.sum("survey", "E:n" if meas == "enps" else f"N:{meas}", **sel)


def _score(m: Model, meas: str, **sel) -> tuple[dict, dict]:
    if meas == "enps":
        return _add(m.sum("survey", "E:pro", 100, **sel), m.sum("survey", "E:det", -100, **sel)), m.sum("survey", "E:n", **sel)
    return m.sum("survey", f"S:{meas}", **sel), m.sum("survey", f"N:{meas}", **sel)


def _fav(m: Model, meas: str, **sel) -> tuple[dict, dict]:
    if meas == "enps":
        return m.sum("survey", "E:pro", 100, **sel), m.sum("survey", "E:n", **sel)
    dims = m.truth.dims if meas == "belonging_index" else [meas]
    return m.sum("survey", [f"F:{d}" for d in dims], 100, **sel), m.sum("survey", [f"A:{d}" for d in dims], **sel)


def _family(kind: str, meas: str) -> tuple:
    return ("enps", kind) if meas == "enps" else (kind, meas)


def _hide_cell(m: Model, where: str, meas: str, *, score=True, **sel):
    """Targets for one hidden survey cell: its respondents, total score, favourable answers (or promoters/detractors)."""
    pop = _n(m, meas, **sel)
    groups = tuple(sel.values())
    m.hide(f"{where} respondents", pop, pop, groups=groups)
    if meas == "enps":
        m.hide(f"{where} promoters", m.sum("survey", "E:pro", **sel), pop, groups=groups)
        m.hide(f"{where} detractors", m.sum("survey", "E:det", **sel), pop, groups=groups)
        return
    if score:
        m.hide(f"{where} total score", m.sum("survey", f"S:{meas}", **sel), pop, kind="sum", width=PROTECT_POINTS, groups=groups)
    dims = m.truth.dims if meas == "belonging_index" else [meas]
    m.hide(f"{where} favourable answers", m.sum("survey", [f"F:{d}" for d in dims], **sel), pop, groups=groups)


def _publish_cell(m: Model, where: str, meas: str, row: dict, *, n_col="n", score_col="score", fav_col="favourable_pct", **sel):
    if n_col and n_col in row:
        v, tol = _number(row[n_col])
        m.publish(f"{where} n", expr=_n(m, meas, **sel), value=v, tol=tol)
    if score_col in row:
        v, tol = _number(row[score_col])
        num, den = _score(m, meas, **sel)
        m.publish(f"{where} {'score' if score_col == 'score' else ''}".strip(), expr=num, den=den, value=v, tol=tol,
                  family=_family("score", meas))
    if fav_col and fav_col in row:
        v, tol = _number(row[fav_col])
        num, den = _fav(m, meas, **sel)
        m.publish(f"{where} favourable_pct", expr=num, den=den, value=v, tol=tol, pop=_n(m, meas, **sel),
                  family=_family("fav", meas))


def _waves(m: Model, out: Outputs):
    t = out.get("waves")
    name = out.name_of("waves")
    for row in _rows(t):
        w = _ts(row["wave"])
        where = f"{name} {w.date()}"
        R = m.sum("survey", "R", wave=w)
        v, tol = _number(row.get("responses", ""))
        m.publish(f"{where} responses", expr=R, value=v, tol=tol)
        measures = [c for c in t.columns if c not in ("wave", "headcount", "responses", "response_rate_pct", "favourable_pct", "hidden")]
        for meas in measures:
            _publish_cell(m, f"{where} {meas}", meas, {"score": row[meas]}, n_col=None, fav_col=None, wave=w)
        if "favourable_pct" in row:
            _publish_cell(m, f"{where} belonging_index", "belonging_index", {"favourable_pct": row["favourable_pct"]}, n_col=None,
                          score_col="-", wave=w)
        if _is_hidden(row):
            m.hide(f"{where} responses", R, R)
            for meas in measures:
                _hide_cell(m, f"{where} {meas}", meas, wave=w)


def _long(m: Model, out: Outputs, key: str, demo: str | None):
    """results_by_team or results_by_team_and_demographic: every wave, group and measure."""
    t = out.get(key)
    if t is None:
        return
    name = out.name_of(key)
    present = set()
    for row in _rows(t):
        w = _ts(row["wave"])
        sel = {"wave": w, "team": _label(row["team"])}
        if demo:
            sel["demo"] = _label(row[demo])
        present.add(tuple(sel.values()))
        meas = row["measure"]
        where = f"{name} {w.date()} {'/'.join(str(x) for x in list(sel.values())[1:])} {meas}"
        if _is_hidden(row):
            _hide_cell(m, where, meas, **sel)
        else:
            _publish_cell(m, where, meas, row, **sel)
    # a group missing from the table has no responses in that wave; a listed one has at least one
    waves = {p[0] for p in present}
    keys = ["team", "demo"] if demo else ["team"]
    labels = {a: sorted({atom[m.attrs["survey"].index(a)] for atom in m.atoms["survey"]}) for a in keys}
    from itertools import product

    combined = {(p[0], x) for p in present for x in p[1:] if isinstance(x, frozenset)}
    for w in waves:
        for combo in product(*[labels[a] for a in keys]):
            sel = dict(zip(keys, combo))
            R = m.sum("survey", "R", wave=w, **sel)
            if any(c in g for c in combo for g in combined_of(combined, w)):
                continue  # part of a combined group: only the group is listed, with at least one respondent
            if (w, *combo) in present:
                m.le(_scaled(R, -1), -1, f"{name}: {w.date()} {combo} is listed")
            else:
                m.eq(R, 0, f"{name}: {w.date()} {combo} is not listed")


def _wide_latest(m: Model, out: Outputs, key: str):
    """results_by_demographic_latest: one row per group of the survey's demographic, latest wave."""
    t = out.get(key)
    if t is None or m.truth.survey_demo is None:
        return
    name = out.name_of(key)
    col = t.columns[0]
    latest = max(m.atoms_labels("survey", "wave"))
    measures = [c for c in t.columns if c not in (col, "n", "hidden")]
    for row in _rows(t):
        sel = {"wave": latest, "demo": _label(row[col])}
        where = f"{name} {row[col]}"
        v, tol = _number(row["n"])
        N = _n(m, "belonging_index", **sel)
        if math.isfinite(v):
            m.publish(f"{where} n", expr=N, value=v, tol=tol)
        elif _is_hidden(row):
            m.hide(f"{where} respondents", N, N)
        for meas in measures:
            v, tol = _number(row[meas])
            if math.isfinite(v):
                num, den = _score(m, meas, **sel)
                m.publish(f"{where} {meas}", expr=num, den=den, value=v, tol=tol, family=_family("score", meas))
            elif _is_hidden(row):
                _hide_cell(m, f"{where} {meas}", meas, **sel)


def _items(m: Model, out: Outputs):
    t = out.get("items_latest")
    name = out.name_of("items_latest")
    latest = max(m.atoms_labels("survey", "wave")) if t is not None else None
    scale = dict(zip(m.truth.items["item_id"], m.truth.items["scale_max"])) if t is not None else {}
    for row in _rows(t):
        i = row["item_id"]
        if f"NI:{i}" not in m.truth.survey:
            continue
        where = f"{name} {i}"
        NI, SI, FI = (m.sum("survey", f"{p}:{i}", wave=latest) for p in ("NI", "SI", "FI"))
        v, tol = _number(row["n"])
        m.publish(f"{where} n", expr=NI, value=v, tol=tol)
        v, tol = _number(row["mean"])
        m.publish(f"{where} mean", expr=SI, den=NI, value=v, tol=tol, family=("item", i))
        v, tol = _number(row["favourable_pct"])
        m.publish(f"{where} favourable_pct", expr=_scaled(FI, 100), den=NI, value=v, tol=tol, family=("item fav", i))
        if _is_hidden(row):
            m.hide(f"{where} answers", NI, NI)
            m.hide(f"{where} total of answers", SI, NI, kind="sum", width=PROTECT_POINTS / 100 * (int(scale[i]) - 1))
            m.hide(f"{where} favourable answers", FI, NI)


def _reliability(m: Model, out: Outputs):
    t = out.get("reliability")
    name = out.name_of("reliability")
    latest = max(m.atoms_labels("survey", "wave")) if t is not None else None
    for row in _rows(t):
        d = row["dimension"]
        if f"K:{d}" not in m.truth.survey:
            continue
        K = m.sum("survey", f"K:{d}", wave=latest)
        v, tol = _number(row["n"])
        m.publish(f"{name} {d} n", expr=K, value=v, tol=tol)
        for col in ("alpha", "ci_low", "ci_high", "p_below_flag"):
            if math.isfinite(_number(row.get(col, ""))[0]):
                m.population_only(f"{name} {d} {col}", K)


def _trends(m: Model, out: Outputs):
    t = out.get("trends")
    if t is None or not len(t):
        return
    name = out.name_of("trends")
    waves = sorted(m.atoms_labels("survey", "wave"))
    if len(waves) < 2:
        return
    for row in _rows(t):
        meas = row["measure"]
        for when, w in (("previous", waves[-2]), ("latest", waves[-1])):
            _publish_cell(m, f"{name} {meas} {when}", meas, {"n": row[f"{when}_n"], "score": row[when]}, fav_col=None, wave=w)


def _alerts(m: Model, out: Outputs):
    t = out.get("team_alerts")
    by_team = out.get("results_by_team")
    if t is None or not len(t) or by_team is None:
        return
    name = out.name_of("team_alerts")
    waves = sorted(m.atoms_labels("survey", "wave"))
    latest = waves[-1]
    bi = by_team[by_team["measure"] == "belonging_index"]
    for row in _rows(t):
        team = _label(row["team"])
        where = f"{name} {row['team']}"
        _publish_cell(m, where, "belonging_index", {"n": row["respondents"], "score": row["belonging_index"]}, fav_col=None,
                      wave=latest, team=team)
        v, tol = _number(row["rest_of_company"])
        S, N = _score(m, "belonging_index", wave=latest)
        St, Nt = _score(m, "belonging_index", wave=latest, team=team)
        m.publish(f"{where} rest_of_company", expr=_add(S, _scaled(St, -1)), den=_add(N, _scaled(Nt, -1)), value=v, tol=tol,
                  family=("score", "belonging_index"))
        v, tol = _number(row["history"])
        hn, hn_tol = _number(row["history_respondents"])
        if not math.isfinite(v):
            continue
        mine = bi[(bi["team"] == row["team"]) & (bi["hidden"] != "True")]
        shown = {_ts(w): _number(n)[0] for w, n in zip(mine["wave"], mine["n"]) if _ts(w) < latest}
        pooled = list(shown)
        if abs(sum(shown.values()) - hn) > 0.5:  # the history holds more than the shown waves: it pools every earlier wave
            pooled = [w for w in waves if w < latest]
        S, N = _score(m, "belonging_index", wave=set(pooled), team=team)
        m.publish(f"{where} history", expr=S, den=N, value=v, tol=tol, family=("score", "belonging_index"))
        m.publish(f"{where} history_respondents", expr=N, value=hn, tol=hn_tol)


def _profiles(m: Model, out: Outputs):
    t = out.get("belonging_profiles")
    if t is None or not len(t):
        return
    name = out.name_of("belonging_profiles")
    latest = max(m.atoms_labels("survey", "wave"))
    people = [_number(x)[0] for x in t["people"]]
    Q = m.sum("survey", "Q", wave=latest)
    m.publish(f"{name} people (all profiles)", expr=Q, value=sum(people), tol=1e-9)
    for k, row in enumerate(_rows(t)):
        m.population_only(f"{name} {row['profile']}", None, pop_value=people[k])
    for d in m.truth.dims:
        if d not in t.columns:
            continue
        vals = [_number(x) for x in t[d]]
        total = sum(p * v for p, (v, _) in zip(people, vals))
        tol = sum(p * e for p, (_, e) in zip(people, vals))
        m.publish(f"{name} {d} (people x mean, all profiles)", expr=m.sum("survey", f"SQ:{d}", wave=latest), value=total, tol=tol,
                  pop=Q, family=("score", d))


def _tone(m: Model, out: Outputs):
    t = out.get("comment_tone")
    name = out.name_of("comment_tone")
    for row in _rows(t):
        w = _ts(row["wave"])
        where = f"{name} {w.date()}"
        C, P, G, SC = (m.sum("survey", x, wave=w) for x in ("C", "P", "G", "SC"))
        v, tol = _number(row["comments"])
        m.publish(f"{where} comments", expr=C, value=v, tol=tol)
        for col, e, fam in (("positive_pct", _scaled(P, 100), "positive"), ("negative_pct", _scaled(G, 100), "negative"),
                            ("mean_compound", SC, "compound")):
            v, tol = _number(row[col])
            m.publish(f"{where} {col}", expr=e, den=C, value=v, tol=tol, family=("tone", fam))
        if _is_hidden(row):
            m.hide(f"{where} comments", C, C)
            m.hide(f"{where} positive comments", P, C)
            m.hide(f"{where} negative comments", G, C)


def _themes_table(m: Model, out: Outputs, key: str, by_team: bool):
    t = out.get(key)
    if t is None:
        return
    name = out.name_of(key)
    present = set()
    for row in _rows(t):
        w = _ts(row["wave"])
        sel = {"wave": w} | ({"team": _label(row["team"])} if by_team else {})
        present.add(tuple(sel.values()))
        theme = row["theme"]
        if theme not in m.truth.themes:
            m.notes.append(f"{name}: theme {theme!r} is not in smbkit's lexicon")
            continue
        where = f"{name} {' '.join(str(x) for x in [w.date(), *list(sel.values())[1:]])} {theme}"
        R, C, T = (m.sum("survey", x, **sel) for x in ("R", "C", f"T:{theme}"))
        v, tol = _number(row["respondents"])
        m.publish(f"{where} respondents", expr=R, value=v, tol=tol)
        if "comments" in row:
            v, tol = _number(row["comments"])
            m.publish(f"{where} comments", expr=C, value=v, tol=tol, pop=C)
        v, tol = _number(row["mentions"])
        m.publish(f"{where} mentions", expr=T, value=v, tol=tol, pop=C)
        v, tol = _number(row["share_pct"])
        m.publish(f"{where} share_pct", expr=_scaled(T, 100), den=C, value=v, tol=tol, family=("theme", theme))
        if math.isfinite(_number(row["mean_compound"])[0]):
            m.population_only(f"{where} mean_compound", T)
        if _is_hidden(row):
            m.hide(f"{where} respondents", R, R)
            m.hide(f"{where} comments", C, C)
            m.hide(f"{where} mentions", T, R)
    # a wave (or wave and team) missing from the table had no respondent (every group that answered is listed)
    keys = ["wave", "team"] if by_team else ["wave"]
    from itertools import product

    waves = sorted(m.atoms_labels("survey", "wave"))
    labels = [waves] + ([sorted(m.atoms_labels("survey", "team"))] if by_team else [])
    for combo in product(*labels):
        sel = dict(zip(keys, combo))
        R = m.sum("survey", "R", **sel)
        if combo in present:
            m.le(_scaled(R, -1), -1, f"{name}: {combo} is listed")
        else:
            m.eq(R, 0, f"{name}: {combo} is not listed")


def _examples(m: Model, out: Outputs):
    t = out.get("comment_examples")
    if t is None or not len(t):
        return
    name = out.name_of("comment_examples")
    waves = sorted(m.atoms_labels("survey", "wave"))
    recent = {w for w in waves if w > waves[-1] - pd.DateOffset(years=1)}
    themes = out.get("comment_themes")  # the examples pool only the waves whose themes are shown (published flags)
    if themes is not None:
        recent -= {_ts(r["wave"]) for r in _rows(themes) if _is_hidden(r)}
    for row in _rows(t):
        theme = row["theme"]
        if theme not in m.truth.themes:
            continue
        T = m.sum("survey", f"T:{theme}", wave=recent)
        v, tol = _number(row["mentions"])
        m.publish(f"{name} {theme} mentions", expr=T, value=v, tol=tol)


def _comments(m: Model, out: Outputs):
    t = out.get("comments")
    by_team = out.get("results_by_team")
    if t is None or by_team is None:
        return
    name = out.name_of("comments")
    latest = max(m.atoms_labels("survey", "wave"))
    teams = set(m.atoms_labels("survey", "team"))
    counts = t["team"].value_counts()
    # a team keeps its own label only when shown with enough comments; every other team's comments are
    # "other teams". Unsampled, the labels seen are exactly the labelled teams; sampled, the rest is a
    # superset of the pooled teams, which keeps the lower bound below true.
    labelled = {_label(x) for x in counts.index if x != "other teams"}
    sampled = len(t) >= 12  # survey_comments shows at most 12, a sample
    for label, n in counts.items():
        group = teams - labelled if label == "other teams" else {_label(label)}
        C = m.sum("survey", "C", wave=latest, team=group)
        R = m.sum("survey", "R", wave=latest, team=group)
        where = f"{name} comments labelled {label!r}"
        if sampled:
            m.le(_scaled(C, -1), -float(n), where)
            m.population_only(where, R)
        else:
            m.publish(where, expr=C, value=float(n), tol=1e-9, pop=R)


def _people_sel(col: str, group: str) -> dict:
    return {col: _label(group)}


def _representation(m: Model, out: Outputs):
    t = out.get("representation")
    name = out.name_of("representation")
    for row in _rows(t):
        col = f"demo_{row['characteristic']}"
        if col not in m.attrs["people"]:
            continue
        sel = _people_sel(col, row["group"])
        where = f"{name} {row['characteristic']} {row['group']}"
        CUR = m.sum("people", "CUR", **sel)
        v, tol = _number(row["headcount"])
        m.publish(f"{where} headcount", expr=CUR, value=v, tol=tol, source="people")
        v, tol = _number(row["share_pct"])
        m.publish(f"{where} share_pct", expr=_scaled(CUR, 100), den=m.sum("people", "CUR"), value=v, tol=tol, pop=CUR, source="people")
        if _is_hidden(row):
            m.hide(f"{where} headcount", CUR, CUR, source="people")


def _headcount(m: Model, out: Outputs):
    t = out.get("headcount_by_team")
    name = out.name_of("headcount_by_team")
    for row in _rows(t):
        sel = {} if row["team"] == "All" else {"team": row["team"]}
        if sel and row["team"] not in m.atoms_labels("people", "team"):
            continue
        v, tol = _number(row["headcount"])
        m.publish(f"{name} {row['team']} headcount", expr=m.sum("people", "CUR", **sel), value=v, tol=tol, source="people",
                  protected=False)


def _fairness(m: Model, out: Outputs):
    model = out.get("risk_model")
    name = out.name_of("risk_model")
    for row in _rows(model):
        var = {"people in the training year": "TRN", "chose to leave within the year": "LFT",
               "expected leavers among today's employees": "RSK"}.get(row["measure"])
        if var:
            v, tol = _number(row["value"])
            m.publish(f"{name} {row['measure']}", expr=m.sum("people", var), value=v, tol=tol, source="people", protected=False)
    t = out.get("fairness_audit")
    name = out.name_of("fairness_audit")
    for row in _rows(t):
        col = row["column"]
        if col not in m.attrs["people"]:
            continue
        sel = _people_sel(col, row["group"])
        where = f"{name} {col} {row['group']}"
        TRN, LFT = m.sum("people", "TRN", **sel), m.sum("people", "LFT", **sel)
        v, tol = _number(row["people"])
        m.publish(f"{where} people", expr=TRN, value=v, tol=tol, source="people")
        v, tol = _number(row["leavers"])
        m.publish(f"{where} leavers", expr=LFT, value=v, tol=tol, source="people", family=("leavers",), pop=TRN)
        if math.isfinite(v):
            m.population_only(f"{where} leavers (as a count of leavers)", LFT, source="people")
        if math.isfinite(_number(row.get("tpr_pct", ""))[0]):
            m.population_only(f"{where} tpr_pct", LFT, source="people")
        if math.isfinite(_number(row.get("flag_rate_pct", ""))[0]):
            m.population_only(f"{where} flag_rate_pct", TRN, source="people")
        if _is_hidden(row):
            m.hide(f"{where} people", TRN, TRN, source="people")
        if not math.isfinite(v):
            m.hide(f"{where} leavers", LFT, LFT, source="people")


def _risk_teams(m: Model, out: Outputs):
    t = out.get("risk_by_team")
    name = out.name_of("risk_by_team")
    for row in _rows(t):
        if row["team"] not in m.atoms_labels("people", "team"):
            continue
        sel = {"team": row["team"]}
        where = f"{name} {row['team']}"
        CURE, RSK = m.sum("people", "CURE", **sel), m.sum("people", "RSK", **sel)
        v, tol = _number(row["people"])
        m.publish(f"{where} people", expr=CURE, value=v, tol=tol, source="people")
        v, tol = _number(row["expected_leavers"])
        m.publish(f"{where} expected_leavers", expr=RSK, value=v, tol=tol, pop=CURE, source="people", family=("risk",))
        v, tol = _number(row["risk_pct"])
        m.publish(f"{where} risk_pct", expr=_scaled(RSK, 100), den=CURE, value=v, tol=tol, source="people", family=("risk",))
        if _is_hidden(row):
            m.hide(f"{where} expected leavers", RSK, CURE, kind="sum", width=PROTECT_RISK, source="people")


def _absence(m: Model, out: Outputs):
    t = out.get("absence_by_team")
    name = out.name_of("absence_by_team")
    # with every team hidden only the company's own total bounds a team: no suppression can do more than that
    some_team_shown = any(r["team"] != "All" and not _is_hidden(r) for r in _rows(t))
    for row in _rows(t):
        team = row["team"]
        if team != "All" and team not in m.atoms_labels("people", "team"):
            continue
        sel = {} if team == "All" else {"team": team}
        where = f"{name} {team}"
        P, D, V, F = (m.sum("people", x, **sel) for x in ("ABP", "ABD", "ABV", "ABF"))
        for col, e, den, fam in (("people", P, None, None), ("days_absent", D, None, ("absence days",)),
                                 ("days_available", V, None, None), ("rate_pct", _scaled(D, 100), V, ("absence rate",)),
                                 ("days_per_fte", D, F, ("absence per fte",))):
            v, tol = _number(row[col])
            m.publish(f"{where} {col}", expr=e, den=den, value=v, tol=tol, pop=P, family=fam, source="people",
                      protected=team != "All")
        if _is_hidden(row) and some_team_shown:
            m.hide(f"{where} days absent", D, P, kind="sum", width=PROTECT_DAYS, source="people")


def _learning(m: Model, out: Outputs):
    """learning_evaluation: a programme's feedback and test scores are a few people's personal answers."""
    t = out.get("learning_evaluation")
    name = out.name_of("learning_evaluation")
    for row in _rows(t):
        n = _number(row.get("participants", ""))[0]
        for col in ("reaction", "pre", "post", "gain", "gain_p_value", "behaviour"):
            if math.isfinite(_number(row.get(col, ""))[0]):
                m.population_only(f"{name} {row['programme']} {col}", None, source="people", pop_value=n)


def build_model(out: Outputs, truth: Truth) -> Model:
    """The attacker's model of everything published: atoms, bounds, constraints and hidden targets."""
    m = Model(truth)
    if truth.survey is not None:
        u = truth.survey
        m.add_source("survey", u, ["wave", "team", "demo"],
                     {"wave": sorted(pd.DatetimeIndex(u["wave"].unique())), "team": sorted(u["team"].unique()),
                      "demo": sorted(u["demo"].unique())})
    p = truth.people
    attrs = ["team", *truth.people_demo]
    m.add_source("people", p, attrs, {a: sorted(p[a].unique()) for a in attrs})
    _structure(m)
    if truth.survey is not None:
        _waves(m, out)
        _long(m, out, "results_by_team", None)
        _long(m, out, "results_by_team_and_demographic", truth.survey_demo)
        _wide_latest(m, out, "results_by_demographic_latest")
        _items(m, out)
        _reliability(m, out)
        _trends(m, out)
        _alerts(m, out)
        _profiles(m, out)
        _tone(m, out)
        _themes_table(m, out, "comment_themes", False)
        _themes_table(m, out, "comment_themes_by_team", True)
        _examples(m, out)
        _comments(m, out)
    _representation(m, out)
    _headcount(m, out)
    _fairness(m, out)
    _risk_teams(m, out)
    _absence(m, out)
    _learning(m, out)
    return m


# ---------------------------------------------------------------------------------------------
# The LP audit
# ---------------------------------------------------------------------------------------------


def check_model(m: Model) -> tuple[list[Leak], list[int]]:
    """Rows the input itself breaks (the attacker misread a table, or the table is not what it says): reported, then dropped."""
    leaks, bad = [], []
    x = np.asarray(m.x_true)
    for r, (a, b, where) in enumerate(m.rows):
        vals = [c * x[j] for j, c in a.items()]
        if any(not math.isfinite(v) for v in vals):
            continue
        lhs = sum(vals)
        if lhs > b + 1e-7 * (1 + abs(b) + sum(abs(v) for v in vals)):
            bad.append(r)
            if not where.startswith("bounds"):
                leaks.append(Leak("model", where, f"the input gives {lhs - b:+.6g} beyond the published figure: this table is not "
                                                  "what the attacker takes it to be (its constraint is dropped)"))
            else:
                leaks.append(Leak("model", where, f"a natural bound fails on the input ({lhs:.6g} > {b:.6g}): attacker bug"))
    return leaks, bad


class _Components:
    """Variables linked by constraints, so that each target is solved over its own part of the model."""

    def __init__(self, n: int, rows):
        parent = list(range(n))

        def find(i):
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for a, _, _ in rows:
            js = list(a)
            for j in js[1:]:
                ri, rj = find(js[0]), find(j)
                if ri != rj:
                    parent[ri] = rj
        self.find = find
        self.members: dict[int, list[int]] = {}
        for i in range(n):
            self.members.setdefault(find(i), []).append(i)
        self.rows: dict[int, list[int]] = {}
        for r, (a, _, _) in enumerate(rows):
            self.rows.setdefault(find(next(iter(a))), []).append(r)


class _Solver:
    def __init__(self, m: Model, drop: set[int]):
        self.m = m
        self.rows = [r for i, r in enumerate(m.rows) if i not in drop]
        self.n = len(m.x_true)
        self.comp = _Components(self.n, self.rows)
        self.cache: dict = {}
        self.integer = np.array([0 if _CONTINUOUS.match(name.split("[")[0]) else 1 for name in m.names])
        self.lower = np.array([-np.inf if name.startswith("SC[") else 0.0 for name in m.names])

    def part(self, expr: dict):
        from scipy.sparse import csr_matrix

        roots = tuple(sorted({self.comp.find(j) for j in expr}))
        if roots not in self.cache:
            cols = sorted(j for r in roots for j in self.comp.members[r])
            pos = {j: i for i, j in enumerate(cols)}
            rows = [self.rows[i] for r in roots for i in self.comp.rows.get(r, [])]
            data, ri, ci = [], [], []
            for k, (a, _, _) in enumerate(rows):
                for j, c in a.items():
                    data.append(c)
                    ri.append(k)
                    ci.append(pos[j])
            A = csr_matrix((data, (ri, ci)), shape=(len(rows), len(cols))) if rows else None
            b = np.array([r[1] for r in rows])
            where = [r[2] for r in rows]
            self.cache[roots] = (cols, pos, A, b, where)
        return self.cache[roots]

    def range(self, expr: dict, *, integer: bool = False):
        """Min and max of ``expr`` over everything published (None where unbounded), and the tables that bind it."""
        from scipy.optimize import linprog

        cols, pos, A, b, where = self.part(expr)
        c = np.zeros(len(cols))
        for j, coef in expr.items():
            c[pos[j]] += coef
        bounds = [(self.lower[j], None) for j in cols]
        integrality = self.integer[cols] if integer else None
        out, binding = [], set()
        for sign in (1, -1):
            res = linprog(sign * c, A_ub=A, b_ub=b if A is not None else None, bounds=bounds, method="highs",
                          integrality=integrality, options={"time_limit": MILP_SECONDS} if integer else {})
            if res.status == 0:
                out.append(sign * res.fun)
                if not integer and res.ineqlin is not None:
                    binding |= {where[i].split(" ")[0].rstrip(":") for i in np.flatnonzero(np.abs(res.ineqlin.marginals) > 1e-9)}
            elif res.status == 3:
                out.append(None)
            elif res.status == 2:
                return None, None, {"infeasible"}
            else:  # time limit: no proven bound
                return math.nan, math.nan, set()
        lo, hi = out
        return lo, (hi if hi is not None else None), binding


# For a count pinned at "all", the count it is part of: favourable answers among answers, promoters among eNPS answers...
_WHOLE = {"F": "A", "FI": "NI", "E:pro": "E:n", "E:det": "E:n", "P": "C", "G": "C", "T": "C", "LFT": "TRN"}


def _whole_of(var: str) -> str | None:
    """The count a counted quantity is part of (favourable answers of the answers, promoters of the eNPS answers, ...)."""
    if var in _WHOLE:
        return _WHOLE[var]
    head, _, rest = var.partition(":")
    if head in _WHOLE:
        return _WHOLE[head] if head in ("T",) else f"{_WHOLE[head]}:{rest}"
    if head == "S":
        return f"N:{rest}"
    return None


def _uniform(m: Model, solver, t: Figure, value: float, pop: float) -> str | None:
    """A shown group (at least min_group_size) holding the target in which the same quantity is itself pinned at
    none or all: the target is then pinned by the group's homogeneity, which no minimum group size prevents.
    Returns where that group is shown, or None."""
    var = m.keys[next(iter(t.expr))][2]
    whole = _whole_of(var)
    scale = 100.0 if t.kind == "sum" else 1.0
    whole_true = sum(m.x_true[m.index[(k[0], k[1], whole)]] for k in (m.keys[j] for j in t.expr)
                     if whole and (k[0], k[1], whole) in m.index)
    if abs(value) < 1e-6 * scale * pop + 0.01:
        none = True
    elif whole and abs(value - scale * whole_true) < 1e-6 * scale * pop + 0.01:
        none = False
    else:
        return None
    mine = m.units_of(t.source, t.pop)
    for f in m.figures:
        if f.expr is None or not f.pop or f.source != t.source:
            continue
        cont = m.units_of(f.source, f.pop)
        if len(cont) < m.k or not mine < cont:
            continue
        expr: dict[int, float] = {}
        for a in {m.keys[j][1] for j, c in f.pop.items() if c > 0}:
            key, wkey = (t.source, a, var), (t.source, a, whole)
            if key not in m.index or (not none and wkey not in m.index):
                continue
            if none:  # the group's own total of the quantity can only be 0
                expr[m.index[key]] = 1.0
            else:  # the group's shortfall from "all" can only be 0
                expr[m.index[key]] = -1.0
                expr[m.index[wkey]] = expr.get(m.index[wkey], 0.0) + scale
        if not expr:
            continue
        _, hi, _ = solver.range(expr)
        if hi is not None and math.isfinite(hi) and hi < (1 - 1e-6 if t.kind == "count" else 1e-4 * len(cont)):
            return f.where
    return None



def lp_audit(m: Model, *, drop: set[int] | None = None) -> list[Leak]:
    """Minimise and maximise every hidden quantity subject to everything published (HiGHS); report those pinned down.

    A target pinned only because a shown group holding it answered all alike is reported as kind ``uniform``.
    """
    solver = _Solver(m, drop or set())
    leaks, seen = [], set()
    for t in m.targets:
        key = tuple(sorted(t.expr.items()))
        if key in seen:
            continue
        seen.add(key)
        pop = m.true(t.pop)
        true = m.true(t.expr)
        if not (1 <= pop <= m.k - 1) or not math.isfinite(pop):
            continue  # nobody, or a group large enough to stand on its own (a complement)
        lo, hi, binding = solver.range(t.expr)
        if lo is None and hi is None:
            leaks.append(Leak("model", t.where, "the published figures cannot all hold (infeasible): attacker bug"))
            continue
        if lo is None or hi is None or not math.isfinite(lo) or not math.isfinite(hi):
            continue
        exact = False
        if t.kind == "count":
            pinned = hi - lo < 1 - 1e-6
            if not pinned and math.floor(hi + 1e-6) - math.ceil(lo - 1e-6) <= MILP_COUNT_CANDIDATES - 1:
                ilo, ihi, _ = solver.range(t.expr, integer=True)
                if ilo is not None and ihi is not None and math.isfinite(ilo) and math.isfinite(ihi):
                    lo, hi, exact = max(lo, ilo), min(hi, ihi), True
                    pinned = hi - lo < 0.5
            if pinned:
                same = _uniform(m, solver, t, round((lo + hi) / 2), pop)
                leaks.append(Leak("uniform" if same else "lp", t.where, f"hidden, yet the published figures pin it to {round((lo + hi) / 2):g} (true {true:g}; "
                                                 f"population {pop:g} < {m.k}){' with whole counts' if exact else ''}; "
                                                 f"bound by: {', '.join(sorted(binding)) or 'the bounds'}"
                                 + (f"; so is the same quantity of the shown group in {same.rpartition(' ')[0]!r}, which holds it: homogeneity, not suppression" if same else "")))
        else:
            width = (hi - lo) / pop
            if width >= t.width and width < MILP_SUM_FACTOR * t.width:
                ilo, ihi, _ = solver.range(t.expr, integer=True)
                if ilo is not None and ihi is not None and math.isfinite(ilo) and math.isfinite(ihi):
                    lo, hi, exact = max(lo, ilo), min(hi, ihi), True
                    width = (hi - lo) / pop
            if width < t.width:
                same = _uniform(m, solver, t, (lo + hi) / 2, pop)
                leaks.append(Leak("uniform" if same else "lp", t.where, f"hidden, yet the published figures put its mean a person within "
                                                 f"[{lo / pop:.4g}, {hi / pop:.4g}] (true {true / pop:.4g}; population {pop:g} < {m.k})"
                                                 f"{' with whole counts' if exact else ''}; bound by: {', '.join(sorted(binding)) or 'the bounds'}"
                                 + (f"; so is the same quantity of the shown group in {same.rpartition(' ')[0]!r}, which holds it: homogeneity, not suppression" if same else "")))
    return leaks


# ---------------------------------------------------------------------------------------------
# Populations: too small, or two figures of one quantity differing by a few people
# ---------------------------------------------------------------------------------------------


def population_audit(m: Model) -> list[Leak]:
    """Every published figure of a protected kind whose population is 1 to min_group_size - 1 people.

    Figures of one row that differ only by their column or comment theme are reported together."""
    themes = sorted(getattr(m.truth, "themes", {}) or {}, key=len, reverse=True)
    groups: dict[tuple, list[str]] = {}
    for f in m.figures:
        if not f.protected:
            continue
        size = f.pop_value if f.pop_value is not None else m.true(f.pop)
        if math.isfinite(size) and 1 <= size <= m.k - 1:
            head, _, col = f.where.rpartition(" ")
            for t in themes:
                if head.endswith(" " + t):
                    head, col = head[: -len(t) - 1], f"{t}: {col}"
                    break
            groups.setdefault((head or f.where, size, f.source), []).append(col)
    return [Leak("population", head, f"published for {size:g} {'answers' if source == 'survey' else 'people'} (under {m.k}): "
                                     + (", ".join(cols) if len(cols) <= 6 else f"{', '.join(cols[:6])} and {len(cols) - 6} more"))
            for (head, size, source), cols in groups.items()]


def difference_audit(m: Model) -> list[Leak]:
    """Two published figures of the same quantity over nested populations that differ by 1 to min_group_size - 1."""
    leaks, seen = [], set()
    by_family: dict[tuple, dict[frozenset, str]] = {}
    for f in m.figures:
        if f.family is None or f.expr is None or not f.pop:
            continue
        units = m.units_of(f.source, f.pop)
        if units:
            by_family.setdefault((f.source, f.family), {}).setdefault(units, f.where)
    for (source, family), pops in by_family.items():
        sets = sorted(pops, key=len)
        for i, a in enumerate(sets):
            for b in sets[i + 1:]:
                d = len(b) - len(a)
                if d > m.k - 1:
                    break
                if 1 <= d and a < b and (a, b) not in seen:
                    seen.add((a, b))
                    leaks.append(Leak("difference", f"{pops[b]} vs {pops[a]}",
                                      f"the same quantity ({' '.join(family)}) over {len(b)} and {len(a)} "
                                      f"{'answers' if source == 'survey' else 'people'}: the difference describes {d} "
                                      f"(under {m.k})"))
    return leaks


# ---------------------------------------------------------------------------------------------
# The subtraction families of issue 16, each worked as an attacker would, with the value recovered
# ---------------------------------------------------------------------------------------------


def _mean(u: pd.DataFrame, var: str, mask) -> float:
    sel = u[mask & (u[f"N:{var}"] > 0)]
    return float(sel[f"S:{var}"].mean()) if len(sel) else math.nan


def history_family(out: Outputs, truth: Truth) -> list[Leak]:
    """team_alerts' history against the team's earlier waves in results_by_team: does it pool a hidden wave?"""
    t, by = out.get("team_alerts"), out.get("results_by_team")
    if t is None or by is None or truth.survey is None or not len(t):
        return []
    u = truth.survey
    bi = by[by["measure"] == "belonging_index"]
    latest = max(_ts(w) for w in bi["wave"])
    leaks = []
    for row in _rows(t):
        h, _ = _number(row["history"])
        hn, _ = _number(row["history_respondents"])
        if not math.isfinite(h):
            continue
        mine = bi[(bi["team"] == row["team"]) & (bi["wave"].map(_ts) < latest)]
        shown = mine[mine["hidden"] != "True"]
        n = shown["n"].map(lambda x: _number(x)[0])
        s = shown["score"].map(lambda x: _number(x)[0])
        extra = hn - n.sum()
        if extra > 0.5:
            hidden_waves = [_ts(w) for w in mine.loc[mine["hidden"] == "True", "wave"]]
            got = (h * hn - (n * s).sum()) / extra
            true = _mean(u, "belonging_index", (u["team"] == _label(row["team"])) & u["wave"].isin(hidden_waves))
            leaks.append(Leak("history", f"{out.name_of('team_alerts')} + {out.name_of('results_by_team')}",
                              f"{row['team']}: history ({h:g} over {hn:g} respondents) pools {extra:g} respondents of waves "
                              f"results_by_team hides ({', '.join(str(w.date()) for w in hidden_waves)}); history x respondents minus "
                              f"the shown waves' n x score gives their Belonging Index {got:.4g} (true {true:.4g})"))
    return leaks


def pooled_family(out: Outputs, truth: Truth) -> list[Leak]:
    """A shown Belonging Index favourable share (it pools every item) beside a hidden dimension of the same group.

    Recovery assumes what an attacker would: whoever answered a dimension answered all its items.
    """
    if truth.survey is None:
        return []
    u = truth.survey
    per_dim = truth.items.groupby("dimension")["item_id"].size().to_dict()
    leaks = []
    for key, cols in (("results_by_team", ["team"]), ("results_by_team_and_demographic", ["team", truth.survey_demo])):
        t = out.get(key)
        if t is None or (len(cols) > 1 and cols[1] is None):
            continue
        for grp, g in t.groupby(["wave", *cols], sort=False):
            rows = {r["measure"]: r for r in _rows(g)}
            b = rows.get("belonging_index")
            if b is None or b["hidden"] == "True" or not math.isfinite(_number(b["favourable_pct"])[0]):
                continue
            hidden = [d for d in truth.dims if d in rows and (rows[d]["hidden"] == "True" or _number(rows[d]["n"])[0] < truth.k)
                      and _number(rows[d]["n"] or "1")[0] != 0]
            if not hidden:
                continue
            label = " / ".join(map(str, grp))
            mask = (u["wave"] == _ts(grp[0])) & (u["team"] == _label(grp[1]))
            if len(cols) > 1:
                mask &= u["demo"] == _label(grp[2])
            note = ""
            if len(hidden) == 1:
                h = hidden[0]
                n_bi = _number(b["n"])[0]
                A = {d: _number(rows[d]["n"])[0] * per_dim[d] for d in truth.dims if d != h}
                F = {d: _number(rows[d]["favourable_pct"])[0] / 100 * A[d] for d in A}
                found = []
                for n_h in range(1, int(n_bi) + 1):
                    a_h = n_h * per_dim[h]
                    f_h = _number(b["favourable_pct"])[0] / 100 * (sum(A.values()) + a_h) - sum(F.values())
                    if abs(f_h - round(f_h)) < 0.01 and -0.01 <= f_h <= a_h + 0.01:
                        found.append((n_h, round(f_h)))
                true = (int(u.loc[mask, f"N:{h}"].sum()), int(u.loc[mask, f"F:{h}"].sum()))
                note = (f"; BI favourable x answers minus the shown dimensions' favourable answers leaves {h}: "
                        + (f"{found[0][1]} favourable of {found[0][0]} respondents' answers (true {true[1]} of {true[0]})" if len(found) == 1
                           else f"{len(found)} solutions ({found[:4]}), true {true[1]} favourable of {true[0]} respondents"))
            leaks.append(Leak("pooled", out.name_of(key), f"{label}: the Belonging Index favourable share is shown while "
                                                          f"{', '.join(hidden)} (pooled into it) is hidden{note}"))
    return leaks


def profiles_family(out: Outputs, truth: Truth) -> list[Leak]:
    """Belonging profiles against the wave's dimension means: how many respondents do they leave out?"""
    t, waves, trends = out.get("belonging_profiles"), out.get("waves"), out.get("trends")
    if t is None or not len(t) or waves is None or truth.survey is None:
        return []
    u = truth.survey
    latest = max(_ts(w) for w in waves["wave"])
    last = waves[waves["wave"].map(_ts) == latest].iloc[0]
    people = t["people"].map(lambda x: _number(x)[0])
    covered = people.sum()
    n_known = {}
    if trends is not None:
        n_known = {r["measure"]: _number(r["latest_n"])[0] for r in _rows(trends)}
    leaks = []
    for d in truth.dims:
        if d not in t.columns or not math.isfinite(_number(last.get(d, ""))[0]):
            continue
        if not all(math.isfinite(_number(x)[0]) for x in t[d]):  # the profiles do not show this dimension's means
            continue
        n_d = n_known.get(d, _number(last["responses"])[0])
        left = n_d - covered
        if 1 <= left <= truth.k - 1:
            got = (_number(last[d])[0] * n_d - (people * t[d].map(lambda x: _number(x)[0])).sum()) / left
            mask = (u["wave"] == latest) & (u["Q"] == 0)
            true = _mean(u, d, mask)
            leaks.append(Leak("profiles", f"{out.name_of('belonging_profiles')} + {out.name_of('waves')}",
                              f"profiles cover {covered:g} of the {n_d:g} respondents with a {d} score in {latest.date()}: "
                              f"the wave's mean x {n_d:g} minus the profiles' people x means gives the other {left:g} "
                              f"respondent(s)' {d} {got:.4g} (true {true:.4g})"))
    return leaks


def fairness_family(out: Outputs, truth: Truth) -> list[Leak]:
    """The fairness audit's leavers and people per group against the model's totals."""
    fa, rm = out.get("fairness_audit"), out.get("risk_model")
    if fa is None or rm is None or not len(fa):
        return []
    totals = {r["measure"]: _number(r["value"])[0] for r in _rows(rm)}
    p = truth.people
    leaks = []
    for col, g in fa.groupby("column", sort=False):
        for what, total, var in (("leavers", totals.get("chose to leave within the year"), "LFT"),
                                 ("people", totals.get("people in the training year"), "TRN")):
            if total is None or not math.isfinite(total) or col not in p:
                continue
            vals = g[what].map(lambda x: _number(x)[0])
            gone = g[~np.isfinite(vals)]
            if len(gone) == 1:
                grp = gone.iloc[0]["group"]
                got = total - vals[np.isfinite(vals)].sum()
                true = int(p.loc[p[col] == _label(grp), var].sum())
                if true < truth.k or what == "leavers":
                    leaks.append(Leak("fairness", f"{out.name_of('fairness_audit')} + {out.name_of('risk_model')}",
                                      f"{col} {grp}: {what} hidden, but the model's total {total:g} minus the other groups' "
                                      f"{vals[np.isfinite(vals)].sum():g} gives {got:g} (true {true})"))
    return leaks


def hidden_wave_family(out: Outputs, truth: Truth) -> list[Leak]:
    """Figures for a wave (or a wave's comments) that the wave table or the comment-tone table hides."""
    leaks = []
    waves, rel = out.get("waves"), out.get("reliability")
    if waves is not None and rel is not None and len(rel):
        latest = waves[waves["wave"].map(_ts) == max(waves["wave"].map(_ts))].iloc[0]
        shown = [r["dimension"] for r in _rows(rel) if math.isfinite(_number(r["alpha"])[0])]
        if latest["hidden"] == "True" and shown:
            leaks.append(Leak("hidden_wave", f"{out.name_of('reliability')} + {out.name_of('waves')}",
                              f"Cronbach's alpha shown for {', '.join(shown)} of the latest wave {latest['wave']}, which the wave "
                              f"table hides ({_number(latest['headcount'])[0]:g} people on the books)"))
    tone = out.get("comment_tone")
    u = truth.survey
    for key in ("comment_themes", "comment_themes_by_team"):
        t = out.get(key)
        if t is None or tone is None or u is None:
            continue
        hidden_waves = {r["wave"] for r in _rows(tone) if r["hidden"] == "True"}
        by_team = key.endswith("by_team")
        for grp, g in t[t["hidden"] != "True"].groupby(["wave", "team"] if by_team else ["wave"], sort=False):
            grp = grp if isinstance(grp, tuple) else (grp,)
            mask = u["wave"] == _ts(grp[0])
            if by_team:
                mask &= u["team"] == _label(grp[1])
            c = int(u.loc[mask, "C"].sum())
            if grp[0] in hidden_waves or c < truth.k:
                mentions = int(g["mentions"].map(lambda x: _number(x)[0]).fillna(0).sum())
                leaks.append(Leak("hidden_wave", out.name_of(key),
                                  f"{' / '.join(grp)}: themes, mentions ({mentions} in all) and shares shown for {c} comment(s)"
                                  + (" while comment_tone hides the wave" if grp[0] in hidden_waves else "")))
    return leaks


def crossed_line_family(out: Outputs, truth: Truth) -> list[Leak]:
    """Lines of the team x demographic table with exactly one hidden cell beside a shown margin, worked until nothing changes."""
    crossed, by_team = out.get("results_by_team_and_demographic"), out.get("results_by_team")
    demo = truth.survey_demo
    if crossed is None or by_team is None or demo is None or truth.survey is None:
        return []
    by_demo = out.get("results_by_demographic_latest")
    u = truth.survey
    latest = max(crossed["wave"].map(_ts)) if len(crossed) else None
    teams, groups = sorted(u["team"].unique()), sorted(u["demo"].unique())
    leaks = []
    categories = groups
    for (wave, meas), g in crossed.groupby(["wave", "measure"], sort=False):
        w = _ts(wave)
        cells = {(_label(r["team"]), _label(r[demo])): r for r in _rows(g)}
        # a combined group (privacy.combine_rare) stands for its categories in this wave's lines
        merged = {d for d in (c[1] for c in cells) if isinstance(d, frozenset)}
        groups = [d for d in categories if not any(d in x for x in merged)] + sorted(merged, key=sorted)
        known: dict[tuple, float] = {(t, d): 0.0 for t in teams for d in groups}  # cells not listed have nobody
        for c, r in cells.items():
            known.pop(c, None)
            if r["hidden"] != "True":
                known[c] = _number(r["n"])[0]
        margins = {}
        trow = by_team[(by_team["wave"] == wave) & (by_team["measure"] == meas) & (by_team["hidden"] != "True")]
        for r in _rows(trow):
            margins[("team", _label(r["team"]))] = _number(r["n"])[0]
        if by_demo is not None and w == latest and meas == "belonging_index":
            for r in _rows(by_demo):
                v = _number(r["n"])[0]
                if math.isfinite(v):
                    margins[("demo", _label(r[by_demo.columns[0]]))] = v
        changed = True
        step = 0
        while changed:
            changed = False
            for (axis, label), total in margins.items():
                line = [(t, label) for t in teams] if axis == "demo" else [(label, d) for d in groups]
                unknown = [c for c in line if c not in known]
                if len(unknown) == 1:
                    c = unknown[0]
                    got = total - sum(known[x] for x in line if x != c)
                    known[c] = got
                    if total == 0 or not any(x in cells for x in line if x != c):
                        # the shown margin already says the line holds nobody, or the cell is the only one the line
                        # lists (the others hold nobody): it is the margin itself, published; it tells nothing more
                        changed = True
                        continue
                    step += 1
                    changed = True
                    true = int(u.loc[(u["wave"] == w) & (u["team"] == c[0]) & u["demo"].isin(c[1] if isinstance(c[1], frozenset) else {c[1]}),
                                     "E:n" if meas == "enps" else f"N:{meas}"].sum())
                    leaks.append(Leak("crossed_line", f"{out.name_of('results_by_team_and_demographic')} + margins",
                                      f"{wave} {meas}: the {axis} line {label!r} has one hidden cell, {c[0]} x {c[1]}; its margin "
                                      f"{total:g} minus the line's other cells gives n = {got:g} (true {true})"
                                      f"{f' (step {step} of a chain)' if step > 1 else ''}"
                                      f"{f' -- a population under {truth.k}' if 0 < true < truth.k else ''}"))
    return leaks


# ---------------------------------------------------------------------------------------------
# Names, sentences, the workbook
# ---------------------------------------------------------------------------------------------

_LETTERS = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "đ": "d", "Đ": "D",
                          "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D", "ı": "i", "ħ": "h", "ŋ": "ng"})
_WORDS = re.compile(r"[^\W\d_]+")


def fold(text: str) -> str:
    """Text with accents and Unicode variants folded away, case-folded: 'Zoë', 'Zoe\\u0308', 'ZOE' -> 'zoe'."""
    t = unicodedata.normalize("NFKC", str(text)).translate(_LETTERS)
    t = unicodedata.normalize("NFKD", t)
    return "".join(ch for ch in t if not unicodedata.combining(ch)).casefold()


def name_audit(out: Outputs, truth: Truth) -> list[Leak]:
    """Any word (three letters or more) of an employee's name in any output, folded, possessives included."""
    if truth.show_names:
        return []
    words = {}
    for name in truth.names:
        for w in _WORDS.findall(fold(name)):
            if len(w) >= 3:
                words.setdefault(w, name)
    leaks, seen = [], set()
    for where, text in out.texts():
        text = unicodedata.normalize("NFC", text)
        for found in _WORDS.finditer(text):
            tok = fold(found.group(0))
            hit = tok if tok in words else (tok[:-1] if len(tok) > 3 and tok.endswith("s") and tok[:-1] in words else None)
            if hit and (where, words[hit]) not in seen:
                seen.add((where, words[hit]))
                a, b = found.span()
                leaks.append(Leak("name", where, f"{words[hit]!r} appears as {text[max(0, a - 30):b + 30]!r}"))
    return leaks


_TOPIC = re.compile(r"belong|enps|favourable|score|absen|risk|comment|theme|alpha", re.I)


def sentence_audit(out: Outputs, m: Model) -> list[Leak]:
    """Report sentences (and alt text) naming a group hidden in the latest wave beside its true mean (0 or 1 decimals)."""
    if "survey" not in m.atoms:
        return []
    latest = max(m.atoms_labels("survey", "wave"))
    groups = []
    for t in m.targets:
        pop = m.true(t.pop)
        if t.kind != "sum" or t.source != "survey" or not (1 <= pop <= m.k - 1) or not t.groups or t.groups[0] != latest:
            continue
        labels = [g for g in t.groups[1:] if isinstance(g, str) and g != NA and len(g) > 2]
        if labels:
            groups.append((t, labels, m.true(t.expr) / pop))
    leaks = []
    for where, text in out.sentences():
        if not _TOPIC.search(text):
            continue
        numbers = {float(x) for x in re.findall(r"(?<![\w.])[-+]?\d+(?:\.\d+)?", text)}
        for t, labels, mean in groups:
            if all(re.search(rf"(?<!\w){re.escape(lab)}(?!\w)", text) for lab in labels) and (
                    round(mean) in numbers or round(mean, 1) in numbers):
                leaks.append(Leak("sentence", where, f"{text[:160]!r} names {' / '.join(labels)} beside {round(mean, 1):g}, the true "
                                                     f"value of the hidden {t.where}"))
    return leaks


def workbook_audit(out: Outputs) -> list[Leak]:
    """Every sheet of tables.xlsx is a table this run wrote (nothing stale or foreign)."""
    xlsx = out.folder / "tables.xlsx"
    if not xlsx.exists():
        return []
    contents = pd.read_excel(xlsx, sheet_name="contents")
    contents.columns = [str(c).lower() for c in contents.columns]
    files = {p.name for p in (out.folder / "tables").glob("*.csv")}
    return [Leak("workbook", "tables.xlsx", f"sheet {r.sheet!r} holds {r.file!r}, which is not a table of this run")
            for r in contents.itertuples() if r.file not in files]


def audit(out_dir, company_dir, *, lp: bool = True) -> list[Leak]:
    """Every leak the attacker finds in one run's outputs (see the module docstring)."""
    out, truth = Outputs(out_dir), Truth(company_dir)
    m = build_model(out, truth)
    model_leaks, bad = check_model(m)
    leaks = list(model_leaks)
    if lp:
        leaks += lp_audit(m, drop=set(bad))
    leaks += difference_audit(m) + population_audit(m)
    leaks += (history_family(out, truth) + pooled_family(out, truth) + profiles_family(out, truth) + fairness_family(out, truth)
              + hidden_wave_family(out, truth) + crossed_line_family(out, truth))
    leaks += name_audit(out, truth) + sentence_audit(out, m) + workbook_audit(out)
    return leaks
