"""Notebook 01 — what people, skills and costs the company has today.

Pure functions: a `Company` in, a tidy DataFrame out. The ``*_takeaway`` functions turn a table
into the plain sentence a notebook prints under its chart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import privacy
from ._schema import FILES
from .data import Company
from .decisions import Decision, decisions_table
from .people import DAYS_PER_YEAR, current_employees
from .text import count, money

__all__ = [
    "TENURE_BANDS",
    "ADVANCED",
    "NARROW_SPAN",
    "WIDE_SPAN",
    "headcount",
    "tenure",
    "tenure_bands",
    "span_of_control",
    "org_summary",
    "skills_matrix",
    "skill_coverage",
    "single_points_of_failure",
    "representation",
    "data_quality",
    "workforce_decisions",
    "company_summary",
    "skills_matrix_takeaway",
    "data_quality_takeaway",
    "headcount_takeaway",
    "tenure_takeaway",
    "span_takeaway",
    "coverage_takeaway",
    "representation_takeaway",
]

# (label, lower bound in years inclusive, upper bound exclusive)
TENURE_BANDS = (("under 1 year", 0, 1), ("1-2 years", 1, 2), ("2-5 years", 2, 5), ("5-10 years", 5, 10), ("10+ years", 10, np.inf))
# Proficiency at which someone can do the work unsupervised and cover for others (3 = advanced).
ADVANCED = 3
# Spans of control: McKinsey's manager archetypes run from player-coach (3-5 reports) to
# coordinator (15+) ("How to identify the right 'spans of control' for your organization", 2017).
# Fewer than 3 reports or more than 15 is outside every archetype.
NARROW_SPAN = 3
WIDE_SPAN = 15
# Above this many people a person-by-skill heatmap is no longer readable on a page.
MATRIX_MAX_PEOPLE = 80




def _pct(part, whole) -> float:
    return float(part) / float(whole) * 100 if whole else float("nan")




def headcount(company: Company, *, by="team", total: bool = True) -> pd.DataFrame:
    """Headcount, FTE and yearly cost of today's people per group.

    Parameters
    ----------
    by : str or list of str, default="team"
        Column(s) of employees.csv to group by, e.g. ``"role"`` or ``"employment_type"``.
    total : bool, default=True
        Add a last row ``All`` over everyone.

    Returns
    -------
    DataFrame
        Columns: the ``by`` column(s), ``headcount``, ``fte``, ``annual_cost``, ``cost_share_pct``
        (share of the total cost), ``cost_per_fte``. Sorted by cost, largest first.

    Examples
    --------
    >>> from smbkit.data import load_company, sample_dir
    >>> hc = headcount(load_company(sample_dir()))
    >>> list(hc.columns)
    ['team', 'headcount', 'fte', 'annual_cost', 'cost_share_pct', 'cost_per_fte']
    """
    keys = [by] if isinstance(by, str) else list(by)
    cur = current_employees(company)
    out = (cur.groupby(keys, sort=False)
           .agg(headcount=("employee_id", "size"), fte=("fte", "sum"), annual_cost=("annual_cost", "sum"))
           .reset_index()
           .sort_values(["annual_cost", *keys], ascending=[False] + [True] * len(keys), kind="stable"))
    if total:
        row = {k: "All" for k in keys} | {"headcount": len(cur), "fte": cur["fte"].sum(), "annual_cost": cur["annual_cost"].sum()}
        out = pd.concat([out, pd.DataFrame([row])], ignore_index=True)
    grand = cur["annual_cost"].sum()
    out["cost_share_pct"] = out["annual_cost"] / grand * 100 if grand else np.nan
    out["cost_per_fte"] = out["annual_cost"] / out["fte"]
    out["headcount"] = out["headcount"].astype(int)
    return out.reset_index(drop=True)


def tenure(company: Company) -> pd.DataFrame:
    """Years of service of each current person at ``as_of``.

    Returns
    -------
    DataFrame
        Columns: ``employee_id``, ``team``, ``role``, ``tenure_years``, ``tenure_band``.
    """
    cur = current_employees(company)
    years = (company.settings.as_of - cur["hire_date"]).dt.days / DAYS_PER_YEAR
    labels = [b[0] for b in TENURE_BANDS]
    edges = [b[1] for b in TENURE_BANDS] + [np.inf]
    band = pd.cut(years, bins=edges, right=False, labels=labels)
    return pd.DataFrame({"employee_id": cur["employee_id"], "team": cur["team"], "role": cur["role"],
                         "tenure_years": years, "tenure_band": band.astype("str")}).reset_index(drop=True)


def tenure_bands(company: Company) -> pd.DataFrame:
    """How many people fall in each tenure band.

    Returns
    -------
    DataFrame
        Columns: ``tenure_band`` (in the order of `TENURE_BANDS`), ``headcount``, ``share_pct``.
    """
    t = tenure(company)
    counts = t["tenure_band"].value_counts().reindex([b[0] for b in TENURE_BANDS], fill_value=0)
    out = pd.DataFrame({"tenure_band": counts.index.astype("str"), "headcount": counts.to_numpy().astype(int)})
    out["share_pct"] = out["headcount"] / max(len(t), 1) * 100
    return out


def _layers(cur: pd.DataFrame) -> pd.Series:
    """Depth of each current person below the top (0 = reports to nobody who is still here)."""
    boss = dict(zip(cur["employee_id"], cur["manager_id"]))
    depth: dict[str, int] = {}
    for start in boss:
        chain, node = [], start
        while node in boss and node not in depth and node not in chain:
            chain.append(node)
            node = boss[node]
        base = depth.get(node, -1) if node in boss else -1
        for k, person in enumerate(reversed(chain)):
            depth[person] = base + 1 + k
    return pd.Series(depth)


def span_of_control(company: Company) -> pd.DataFrame:
    """Direct reports of every current manager.

    Returns
    -------
    DataFrame
        Columns: ``manager`` (label: employee_id, or name when show_names), ``team``, ``role``,
        ``layer`` (0 = top), ``direct_reports``, ``span_flag`` (``narrow`` under `NARROW_SPAN`,
        ``wide`` over `WIDE_SPAN`, else blank). Sorted by layer, then most reports first.
    """
    cur = current_employees(company)
    reports = cur["manager_id"].dropna()
    reports = reports[reports.isin(cur["employee_id"])].value_counts()
    managers = cur.set_index("employee_id").loc[reports.index]
    labels = privacy.person_labels(cur, show_names=company.settings.show_names)
    layers = _layers(cur)
    out = pd.DataFrame({
        "manager": labels.loc[reports.index].to_numpy(),
        "team": managers["team"].to_numpy(),
        "role": managers["role"].to_numpy(),
        "layer": layers.loc[reports.index].to_numpy().astype(int),
        "direct_reports": reports.to_numpy().astype(int),
    })
    flag = np.where(out["direct_reports"] < NARROW_SPAN, "narrow", np.where(out["direct_reports"] > WIDE_SPAN, "wide", ""))
    out["span_flag"] = pd.Series(flag, dtype="str")
    return out.sort_values(["layer", "direct_reports", "manager"], ascending=[True, False, True], kind="stable").reset_index(drop=True)


def org_summary(company: Company) -> pd.DataFrame:
    """Shape of the organisation in a few numbers.

    Returns
    -------
    DataFrame
        Columns: ``measure``, ``value``. Measures: people, managers, layers, median span,
        mean span, narrow spans, wide spans, people without a manager.
    """
    cur = current_employees(company)
    spans = span_of_control(company)
    layers = _layers(cur)
    no_manager = int((cur["manager_id"].isna() | ~cur["manager_id"].isin(cur["employee_id"])).sum())
    rows = [
        ("people", len(cur)),
        ("managers", len(spans)),
        ("layers", int(layers.max()) + 1 if len(layers) else 0),
        ("median span", float(spans["direct_reports"].median()) if len(spans) else np.nan),
        ("mean span", float(spans["direct_reports"].mean()) if len(spans) else np.nan),
        (f"managers with fewer than {NARROW_SPAN} reports", int((spans["span_flag"] == "narrow").sum())),
        (f"managers with more than {WIDE_SPAN} reports", int((spans["span_flag"] == "wide").sum())),
        ("people with no current manager", no_manager),
    ]
    return pd.DataFrame(rows, columns=["measure", "value"]).astype({"value": "float64"})


def skills_matrix(company: Company, *, by: str = "auto") -> pd.DataFrame:
    """Proficiency of today's people in each skill, as a matrix.

    Parameters
    ----------
    by : {"auto", "person", "role", "team"}, default="auto"
        ``person``: one row per person (label as in `privacy.person_labels`), 0 where the skill
        is not listed. ``role``/``team``: the mean proficiency of the group's people. ``auto``:
        ``person`` up to `MATRIX_MAX_PEOPLE` people, else ``role`` (a chart stays readable).

    Returns
    -------
    DataFrame
        Index: person label (sorted by team, role) or group; columns: skills (alphabetical).
    """
    if by not in ("auto", "person", "role", "team"):
        raise ValueError(f"by must be 'auto', 'person', 'role' or 'team'; got: {by!r}")
    cur = current_employees(company)
    if by == "auto":
        by = "person" if len(cur) <= MATRIX_MAX_PEOPLE else "role"
    sk = company.skills if company.skills is not None else pd.DataFrame(columns=["employee_id", "skill", "proficiency"])
    sk = sk[sk["employee_id"].isin(cur["employee_id"])]
    skills = sorted(set(sk["skill"]))
    wide = (sk.pivot_table(index="employee_id", columns="skill", values="proficiency", aggfunc="max")
            .reindex(index=cur["employee_id"], columns=skills).fillna(0).astype(float))
    if by == "person":
        order = cur.sort_values(["team", "role", "employee_id"])["employee_id"]
        labels = privacy.person_labels(cur, show_names=company.settings.show_names)
        wide = wide.loc[order]
        roles = cur.set_index("employee_id")["role"]
        wide.index = pd.Index([f"{labels[e]} · {roles[e]}" for e in order], name="person")
    else:
        groups = cur.set_index("employee_id")[by]
        wide = wide.groupby(groups.loc[wide.index].to_numpy()).mean()
        wide.index.name = by
    wide.columns.name = "skill"
    return wide


def skill_coverage(company: Company, *, level: int = ADVANCED) -> pd.DataFrame:
    """How many of today's people hold each skill, and which skills hang on one person.

    Parameters
    ----------
    level : int, default=3
        Proficiency that counts as able to cover the work (3 advanced).

    Returns
    -------
    DataFrame
        Columns: ``skill``, ``people_at_level`` (proficiency >= level), ``people_one_below``
        (exactly level - 1: the bench that could be trained), ``roles_needing``
        (roles in role_skills.csv that list it), ``critical`` (some role rates it importance 3),
        ``single_point_of_failure`` (exactly one person at level). Skills from skills.csv and
        role_skills.csv; sorted with single points of failure first.
    """
    cur = current_employees(company)
    sk = company.skills if company.skills is not None else pd.DataFrame(columns=["employee_id", "skill", "proficiency"])
    sk = sk[sk["employee_id"].isin(cur["employee_id"])]
    rs = company.role_skills
    skills = set(sk["skill"]) | (set(rs["skill"]) if rs is not None else set())
    at = sk[sk["proficiency"] >= level].groupby("skill")["employee_id"].nunique()
    below = sk[sk["proficiency"] == level - 1].groupby("skill")["employee_id"].nunique()
    if rs is not None:
        needing = rs.groupby("skill")["role"].nunique()
        critical = rs[rs["importance"] == 3].groupby("skill")["role"].nunique() > 0
    else:
        needing, critical = pd.Series(dtype=int), pd.Series(dtype=bool)
    out = pd.DataFrame({"skill": sorted(skills)})
    out["people_at_level"] = out["skill"].map(at).fillna(0).astype(int)
    out["people_one_below"] = out["skill"].map(below).fillna(0).astype(int)
    out["roles_needing"] = out["skill"].map(needing).fillna(0).astype(int)
    out["critical"] = out["skill"].map(critical).astype("boolean").fillna(False).astype(bool)
    out["single_point_of_failure"] = out["people_at_level"] == 1
    return out.sort_values(["single_point_of_failure", "critical", "people_at_level", "skill"],
                           ascending=[False, False, True, True], kind="stable").reset_index(drop=True)


def single_points_of_failure(company: Company, *, level: int = ADVANCED) -> pd.DataFrame:
    """Skills held at ``level`` or above by exactly one current person, with that person.

    Returns
    -------
    DataFrame
        Columns: ``skill``, ``holder`` (label), ``team``, ``role``, ``critical``,
        ``people_one_below`` (candidates to train as backup). Critical skills first.
    """
    cov = skill_coverage(company, level=level)
    spof = cov[cov["single_point_of_failure"]]
    cur = current_employees(company)
    sk = company.skills
    if sk is None or spof.empty:
        return pd.DataFrame(columns=["skill", "holder", "team", "role", "critical", "people_one_below"])
    holders = sk[sk["skill"].isin(spof["skill"]) & (sk["proficiency"] >= level) & sk["employee_id"].isin(cur["employee_id"])]
    holders = holders.merge(cur[["employee_id", "team", "role"]], on="employee_id")
    labels = privacy.person_labels(cur, show_names=company.settings.show_names)
    holders["holder"] = holders["employee_id"].map(labels)
    out = spof[["skill", "critical", "people_one_below"]].merge(holders[["skill", "holder", "team", "role"]], on="skill")
    return (out[["skill", "holder", "team", "role", "critical", "people_one_below"]]
            .sort_values(["critical", "skill"], ascending=[False, True], kind="stable").reset_index(drop=True))


def representation(company: Company, column: str | None = None) -> pd.DataFrame:
    """Headcount and share of today's people per value of the ``demo_*`` columns, privacy-safe.

    Groups under ``min_group_size`` are hidden, and so is the next smallest group of the same
    characteristic when needed to stop a hidden group being worked out by subtraction
    (`privacy.suppress`). Blank answers form the group ``not recorded``. Rare groups that together
    hold min_group_size people are shown as one (`privacy.combine_rare`), named by all of them.

    Parameters
    ----------
    column : str, optional
        One ``demo_*`` column; by default all of them.

    Returns
    -------
    DataFrame
        Columns: ``characteristic`` (the column without ``demo_``), ``group``, ``headcount``,
        ``share_pct``, ``hidden``. Empty when employees.csv has no demo_* column.
    """
    columns = company.demographic_columns if column is None else [column]
    for c in columns:
        if c not in company.demographic_columns:
            raise ValueError(f"column must be one of the demo_* columns {company.demographic_columns}; got: {c!r}")
    cur = current_employees(company)
    parts = []
    for c in columns:
        counts = privacy.combine_rare(cur[c].fillna("not recorded"), company.settings.min_group_size).value_counts().sort_index()
        parts.append(pd.DataFrame({"characteristic": c.removeprefix("demo_"), "group": counts.index.astype("str"),
                                   "headcount": counts.to_numpy().astype(int)}))
    if not parts:
        return pd.DataFrame(columns=["characteristic", "group", "headcount", "share_pct", "hidden"])
    t = pd.concat(parts, ignore_index=True)
    t["share_pct"] = t["headcount"] / max(len(cur), 1) * 100
    return privacy.suppress(t, count="headcount", by=["group"], within=["characteristic"],
                            min_size=company.settings.min_group_size)


def data_quality(company: Company) -> pd.DataFrame:
    """Gaps in the data that weaken the analyses, each with what it affects.

    Returns
    -------
    DataFrame
        Columns: ``check``, ``affected`` (rows or people), ``what_it_means``. Only checks that
        found something are listed; optional files that are absent are listed with affected 0.
    """
    e = company.employees
    cur = current_employees(company)
    rows = []

    def add(check, n, meaning):
        if n:
            rows.append((check, int(n), meaning))

    add("people with no performance rating", cur["performance"].isna().sum(),
        "retention and gap analyses treat their performance as unknown")
    add("people with no work_mode", cur["work_mode"].isna().sum(), "remote and hybrid comparisons leave them out")
    add("leavers with no exit_reason", (e["exit_date"].notna() & e["exit_reason"].isna()).sum(),
        "their exits count as 'other', not as voluntary or involuntary")
    add("people whose manager has left", (cur["manager_id"].notna() & ~cur["manager_id"].isin(cur["employee_id"])).sum(),
        "they show as having no current manager in the org structure")
    add("people starting after the analysis date", (e["hire_date"] > company.settings.as_of).sum(),
        "planned starters are not counted in today's headcount")
    if company.skills is not None:
        add("people with no skills listed", (~cur["employee_id"].isin(company.skills["employee_id"])).sum(),
            "their skills are missing from the skills matrix and coverage")
    if company.roles is not None:
        add("people whose role is not in roles.csv", (~cur["role"].isin(company.roles["role"])).sum(),
            "no future demand is planned for their role")
    if company.role_skills is not None and company.skills is not None:
        unused = set(company.skills["skill"]) - set(company.role_skills["skill"])
        add("skills no role asks for", len(unused), "fine for hidden talent; check spelling against role_skills.csv")
    for spec in FILES:
        if spec.name not in company.tables:
            rows.append((f"{spec.name}.csv not provided", 0, f"skipped: {spec.enables}"))
    return pd.DataFrame(rows, columns=["check", "affected", "what_it_means"])




def _clear(evidence: pd.DataFrame, family: str) -> pd.DataFrame:
    """The comparisons of one family that pass the evidence rule."""
    return evidence[(evidence["family"] == family) & evidence["clear"]]


def workforce_decisions(company: Company, *, evidence: pd.DataFrame) -> pd.DataFrame:
    """The actions notebook 01 recommends, most urgent first.

    Facts in the data: a critical skill held by one person -> cross-train a backup (high); other
    single points of failure -> document and cross-train (medium); more than `WIDE_SPAN` reports ->
    review the manager's load (medium); data gaps -> fill them in (low). Tested differences, only
    where ``evidence`` (`smbkit.evidence.report_evidence`) finds them clear: a team losing people by
    choice faster than the rest -> stay interviews (high); a team losing more days to absence ->
    look at workload and wellbeing (medium).

    Returns
    -------
    DataFrame
        A `smbkit.decisions.decisions_table`.
    """
    rows = []
    spof = single_points_of_failure(company)
    for r in spof[spof["critical"]].itertuples():
        backup = {0: "nobody is one level below", 1: "1 person is one level below"}.get(
            r.people_one_below, f"{r.people_one_below} people are one level below")
        rows.append(Decision("high", f"Cross-train a backup for {r.skill.replace('_', ' ')}",
                             f"only {r.holder} ({r.role}) holds it at advanced level and a role rates it critical; {backup}",
                             "a fact in the data: one person holds a critical skill",
                             "training time for the backup and some of the holder's time",
                             "the work goes on when the one holder is away or leaves",
                             "the backup needs months of practice before they can stand in", "medium", need=f"skill:{r.skill}"))
    other = spof[~spof["critical"]]
    if len(other):
        rows.append(Decision("medium", "Document and cross-train: " + ", ".join(other["skill"].str.replace("_", " ")),
                             f"{len(other)} more skill{'s' if len(other) > 1 else ''} held at advanced level by one person",
                             "a fact in the data", risk_level="low"))
    for r in _clear(evidence, "turnover").itertuples():
        rows.append(Decision("high", f"Hold stay interviews in {r.subject}", "more people choose to leave this team than the rest",
                             r.evidence, "half an hour per person", "learn why people leave before more do",
                             "people expect action after being asked", "low", need=f"team:{r.subject}:leaving"))
    spans = span_of_control(company)
    for r in spans[spans["span_flag"] == "wide"].itertuples():
        rows.append(Decision("medium", f"Review the load of {r.manager} ({r.role})", f"{r.direct_reports} direct reports, more than {WIDE_SPAN}",
                             "a fact in the data", risk_level="low", need=f"manager:{r.manager}"))
    for r in _clear(evidence, "absence").itertuples():
        rows.append(Decision("medium", f"Look at workload and wellbeing in {r.subject}", "this team loses more working days to absence",
                             r.evidence, risk_level="low", need=f"team:{r.subject}:absence"))
    dq = data_quality(company)
    dq = dq[dq["affected"] > 0]
    if len(dq):
        rows.append(Decision("low", "Fill the data gaps listed in the data-quality table",
                             "; ".join(f"{r.affected} {r.check}" for r in dq.itertuples()), "a fact in the data", risk_level="low"))
    return decisions_table(rows)


# ---------------------------------------------------------------------------------------------
# Takeaways: one computed sentence per chart
# ---------------------------------------------------------------------------------------------


def company_summary(company: Company) -> str:
    """One line naming the company, the analysis date and today's headcount."""
    s = company.settings
    n = len(current_employees(company))
    return f"{s.name} has {count(n, 'person')} on the books on {s.as_of.date()}, the date of this analysis."


def headcount_takeaway(table: pd.DataFrame, company: Company) -> str:
    """Sentence for `headcount`: size, cost and the largest group."""
    by = table.columns[0]
    total = table.iloc[-1]
    groups = table.iloc[:-1]
    top = groups.iloc[0]
    return (f"{count(total['headcount'], 'person')} ({total['fte']:.1f} FTE) cost {money(total['annual_cost'], company.settings.currency)} a year. "
            f"{top[by]} is the biggest cost with {count(top['headcount'], 'person')} and {top['cost_share_pct']:.0f}% of the total; "
            f"the average cost of a full-time equivalent is {money(total['cost_per_fte'], company.settings.currency)}.")


def tenure_takeaway(bands: pd.DataFrame) -> str:
    """Sentence for `tenure_bands`: how new the team is."""
    n = int(bands["headcount"].sum())
    new = int(bands.iloc[0]["headcount"])
    long = int(bands[bands["tenure_band"].isin(["5-10 years", "10+ years"])]["headcount"].sum())
    text = f"{new} of {n} people ({_pct(new, n):.0f}%) joined less than a year ago, and {long} have been here five years or more."
    if _pct(new, n) >= 25:
        text += " With this many newcomers, onboarding and passing on know-how are worth planning for."
    return text


def span_takeaway(spans: pd.DataFrame, summary: pd.DataFrame) -> str:
    """Sentence for `span_of_control`."""
    if spans.empty:
        return "Nobody has direct reports recorded: fill in manager_id to see the organisation's structure."
    value = dict(zip(summary["measure"], summary["value"]))
    top = spans.sort_values("direct_reports", ascending=False).iloc[0]
    text = (f"{count(value['managers'], 'manager')} lead {count(value['people'], 'person')} over {count(value['layers'], 'layer')}; "
            f"a typical manager has {value['median span']:.0f} direct reports, and {top['manager']} ({top['role']}) has the most, {int(top['direct_reports'])}.")
    wide = int((spans["span_flag"] == "wide").sum())
    if wide:
        text += f" {wide} manager{'s have' if wide > 1 else ' has'} more than {WIDE_SPAN} reports, more than one person can coach well."
    return text


def coverage_takeaway(spof: pd.DataFrame, coverage: pd.DataFrame) -> str:
    """Sentence for `skill_coverage` and `single_points_of_failure`."""
    none = coverage[(coverage["people_at_level"] == 0) & coverage["critical"]]
    if spof.empty:
        text = "No skill depends on a single person at advanced level."
    else:
        crit = spof[spof["critical"]]
        text = (f"{len(spof)} skill{'s are' if len(spof) > 1 else ' is'} held at advanced level by one person only"
                f" ({', '.join(f'{r.skill}: {r.holder}' for r in spof.itertuples())}); "
                f"{len(crit)} of them {'are' if len(crit) != 1 else 'is'} critical for a role. If that person is away or leaves, the work stops.")
    if len(none):
        text += f" Nobody holds {', '.join(none['skill'])} at advanced level although a role rates it critical."
    return text


def representation_takeaway(table: pd.DataFrame, min_size: int) -> str:
    """Sentence for `representation`, mentioning hidden groups without their size."""
    if table.empty:
        return "employees.csv has no demo_* columns, so representation is not shown."
    parts = []
    for name, t in table.groupby("characteristic", sort=False):
        shown = t[~t["hidden"]]
        if shown.empty:
            parts.append(f"no {name} group is shown")
            continue
        big = shown.sort_values("headcount", ascending=False).iloc[0]
        parts.append(f"the largest {name} group is {big['group']} ({big['share_pct']:.0f}% of people)")
    hidden = int(table["hidden"].sum())
    text = "; ".join(parts).capitalize() + "."
    if hidden:
        text += (f" {hidden} group{'s are' if hidden > 1 else ' is'} hidden: smaller than {min_size} people, or hidden so that "
                 "a smaller group cannot be worked out by subtraction from the total.")
    return text


def skills_matrix_takeaway(matrix: pd.DataFrame, *, level: int = ADVANCED) -> str:
    """Sentence for `skills_matrix`: breadth and depth of skills."""
    if matrix.empty:
        return "No skills are recorded for today's people."
    held = (matrix >= level).sum()
    rows = "people" if matrix.index.name == "person" else f"{matrix.index.name}s"
    widest = held.idxmax()
    thin = held[held < 2]
    text = (f"The matrix covers {matrix.shape[0]} {rows} and {matrix.shape[1]} skills. "
            f"The most widely held skill at advanced level is {widest} ({int(held.max())} {rows}).")
    if len(thin):
        text += f" {len(thin)} skills have fewer than two {rows} at advanced level: {', '.join(thin.index)}."
    return text


def data_quality_takeaway(dq: pd.DataFrame) -> str:
    """Sentence for `data_quality`."""
    found = dq[dq["affected"] > 0]
    absent = dq[dq["affected"] == 0]
    text = ("The data has no gaps that weaken this notebook." if found.empty else
            f"{len(found)} data gap{'s' if len(found) > 1 else ''} weaken{'' if len(found) > 1 else 's'} the analysis a little: "
            + "; ".join(f"{r.affected} {r.check}" for r in found.itertuples()) + ".")
    if len(absent):
        text += f" {len(absent)} optional file{'s are' if len(absent) > 1 else ' is'} not provided, so some sections are skipped."
    return text
