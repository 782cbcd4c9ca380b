"""HR signals: turnover and absence, and whether a team's differ from the rest of the company.

Rates follow the published formulas (SHRM/BLS separations over average headcount; CIPD's lost-time
rate). A team is singled out only when a test on its people says the difference is unlikely to be
chance (`smbkit.decisions.gate`): an exact test of two rates for leavers, a permutation test of
people's absence for absence. Notebooks 01 and 05 show these.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import privacy
from .data import Company
from .decisions import comparisons_table
from .people import DAYS_PER_YEAR, employees_only
from .stats import mean_difference_test, rate_ratio_test
from .text import count

# A hidden team's days absent must stay uncertain over at least this many days a person: a total of the
# hidden teams smaller than that would tell their people had (almost) no sick leave.
ABSENCE_PROTECT_DAYS = 1.0

__all__ = ["turnover", "absence_rate", "turnover_comparisons", "absence_comparisons", "turnover_takeaway", "absence_takeaway"]


def _pct(part, whole) -> float:
    return float(part) / float(whole) * 100 if whole else float("nan")


def _month_ends(as_of: pd.Timestamp, months: int) -> list[pd.Timestamp]:
    return [as_of - pd.DateOffset(months=k) for k in range(months, -1, -1)]


def _average_headcount(emp: pd.DataFrame, as_of, months: int) -> float:
    """Mean of the headcounts at the start of the window and at each month end (SHRM/BLS method)."""
    counts = []
    for d in _month_ends(as_of, months):
        counts.append(int(((emp["hire_date"] <= d) & (emp["exit_date"].isna() | (emp["exit_date"] > d))).sum()))
    return float(np.mean(counts))


def turnover(company: Company, *, months: int = 12, by: str | None = None, on=None) -> pd.DataFrame:
    """Separation rates over the last ``months``, by kind of exit.

    rate_pct = leavers in the window / average headcount x 100, annualised when the window is not
    12 months; average headcount is the mean of the head counts at the start of the window and
    at each month end (SHRM's turnover formula: separations / average number of employees; BLS
    JOLTS uses the same ratio). Only employees (full and part time) count.

    Parameters
    ----------
    months : int, default=12
    by : str, optional
        Also split by this employees.csv column (e.g. ``"team"``).
    on : date, optional
        End of the window; default the analysis date ``as_of``.

    Returns
    -------
    DataFrame
        Columns: (``by``,) ``people`` (employed at some time in the window), ``average_headcount``,
        ``leavers``, ``voluntary``, ``involuntary``, ``other`` (retired, other or no reason),
        ``rate_pct``, ``voluntary_rate_pct``. With ``by``, a last row ``All`` covers everyone and a
        column ``hidden`` marks groups whose figures are hidden by `privacy.suppress` (who left a
        team of three is no one else's business).
    """
    out = _turnover_table(company, months=months, by=by, on=on)
    if by is None:
        return out
    groups = privacy.suppress(out.iloc[:-1], count="people", by=[by], min_size=company.settings.min_group_size)
    return pd.concat([groups, out.iloc[-1:].assign(hidden=False)], ignore_index=True)


def _turnover_table(company: Company, *, months: int, by: str | None, on) -> pd.DataFrame:
    if months < 1:
        raise ValueError(f"months must be at least 1; got: {months!r}")
    as_of = company.settings.as_of if on is None else pd.Timestamp(on)
    start = as_of - pd.DateOffset(months=months)
    emp = employees_only(company.employees)
    groups = [("All", emp)] if by is None else [*emp.groupby(by, sort=True), ("All", emp)]
    rows = []
    for name, g in groups:
        left = g[(g["exit_date"] > start) & (g["exit_date"] <= as_of)]
        present = int(((g["hire_date"] <= as_of) & (g["exit_date"].isna() | (g["exit_date"] > start))).sum())
        avg = _average_headcount(g, as_of, months)
        reason = left["exit_reason"].fillna("other")
        vol = int((reason == "voluntary").sum())
        inv = int((reason == "involuntary").sum())
        annualise = 12 / months
        rows.append({**({by: name} if by else {}), "people": present, "average_headcount": avg, "leavers": len(left), "voluntary": vol,
                     "involuntary": inv, "other": len(left) - vol - inv,
                     "rate_pct": _pct(len(left), avg) * annualise, "voluntary_rate_pct": _pct(vol, avg) * annualise})
    return pd.DataFrame(rows)


def _absence_by_person(company: Company, *, months: int, on=None) -> pd.DataFrame:
    """Per person in employees.csv: working days available and absent in the window, FTE-years, employed in it."""
    if company.absences is None:
        raise ValueError("absence_rate needs absences.csv, which this company folder does not have")
    as_of = company.settings.as_of if on is None else pd.Timestamp(on)
    start = as_of - pd.DateOffset(months=months)
    emp = company.employees
    first = emp["hire_date"].where(emp["hire_date"] > start, start)
    last = emp["exit_date"].fillna(as_of).where(emp["exit_date"].fillna(as_of) < as_of, as_of)
    employed_days = (last - first).dt.days.clip(lower=0)
    weeks = company.settings.weeks_per_year
    ab = company.absences
    ab = ab[(ab["start_date"] > start) & (ab["start_date"] <= as_of)]
    days = ab.groupby("employee_id")["days"].sum()
    return pd.DataFrame({"team": emp["team"], "available": emp["fte"] * 5 * weeks * employed_days / DAYS_PER_YEAR,
                         "fte_years": emp["fte"] * employed_days / DAYS_PER_YEAR,
                         "absent": emp["employee_id"].map(days).fillna(0.0), "present": employed_days > 0})


def absence_rate(company: Company, *, months: int = 12, by: str | None = None, on=None) -> pd.DataFrame:
    """Share of available working days lost to absence over the last ``months``.

    rate_pct = days absent / days available x 100 (CIPD's lost-time rate). Days available per
    person = fte x 5 days x weeks_per_year x (days employed in the window / 365.25). Spells count
    in the window where they start. The window ends at ``on`` (default ``as_of``).

    Returns
    -------
    DataFrame
        Columns: (``by``,) ``people`` (employed at some time in the window), ``days_absent``,
        ``days_available``, ``rate_pct``, ``days_per_fte`` (days absent per full-time equivalent
        per year). With ``by``, a last row ``All`` and a column ``hidden``: absence is health
        data, so groups under min_group_size are hidden with `privacy.suppress`.
    """
    per = _absence_by_person(company, months=months, on=on)
    per["key"] = per[by] if by else "All"
    groups = [("All", per)] if by is None else [*per.groupby("key", sort=True), ("All", per)]
    rows = []
    for name, g in groups:
        rows.append({**({by: name} if by else {}), "people": int(g["present"].sum()),
                     "days_absent": g["absent"].sum(), "days_available": g["available"].sum(),
                     "rate_pct": _pct(g["absent"].sum(), g["available"].sum()),
                     "days_per_fte": g["absent"].sum() / g["fte_years"].sum() * (12 / months) if g["fte_years"].sum() else np.nan})
    out = pd.DataFrame(rows)
    if by is None:
        return out
    # Absence is health data: a team rate for two people is two people's sick leave. The hidden teams'
    # days (All less the shown teams) must not pin a hidden team near zero days either.
    teams = privacy.suppress(out.iloc[:-1], count="people", by=[by], min_size=company.settings.min_group_size,
                             amounts=(privacy.Amount("days_absent", cap="days_available", width=0.0,
                                                     per_person=ABSENCE_PROTECT_DAYS),))
    return pd.concat([teams, out.iloc[-1:].assign(hidden=False)], ignore_index=True)


def turnover_comparisons(company: Company, *, months: int = 12) -> pd.DataFrame:
    """Does any team lose people by choice faster than the rest of the company? One comparison per team.

    Voluntary leavers in the window against person-years at risk (the average headcount over the
    window), team against the rest of the company, by the exact test of two rates
    (`smbkit.stats.rate_ratio_test`), one-sided: the action it could raise is "hold stay interviews".
    Only teams whose turnover `turnover` shows are compared.

    Returns
    -------
    DataFrame
        A `smbkit.decisions.comparisons_table` (family ``turnover``).
    """
    t = _turnover_table(company, months=months, by="team", on=None)
    published = turnover(company, months=months, by="team")
    shown = set(published.loc[~published["hidden"], "team"]) - {"All"}
    total = t.iloc[-1]
    years = months / 12
    rows = []
    for r in t.iloc[:-1].itertuples():
        if r.team not in shown:  # a statement about a team whose figures are hidden would single people out
            continue
        exposure = r.average_headcount * years
        test = rate_ratio_test(int(r.voluntary), exposure, int(total["voluntary"] - r.voluntary),
                               (total["average_headcount"] - r.average_headcount) * years)
        if np.isnan(test.p_value):
            continue
        rest_years = (total["average_headcount"] - r.average_headcount) * years
        at_rest_rate = exposure * (total["voluntary"] - r.voluntary) / rest_years if rest_years > 0 else np.nan
        rows.append(("01", "turnover", r.team,
                     f"{r.team}: {int(r.voluntary)} of about {r.average_headcount:.0f} people chose to leave in {months} months, "
                     f"against {at_rest_rate:.1f} expected at the rate of the rest of the company",
                     "person-years", exposure, test.ratio, test.p_value))
    return comparisons_table(rows)


def absence_comparisons(company: Company, *, months: int = 12) -> pd.DataFrame:
    """Does any team lose more working days to absence than the rest? One comparison per team that is shown.

    Each person's share of working days lost is one unit; a team's people against everyone else's by
    a permutation test (`smbkit.stats.mean_difference_test`), one-sided. Teams hidden by the privacy
    rule in `absence_rate` are not compared (absence is health data).

    Returns
    -------
    DataFrame
        A `smbkit.decisions.comparisons_table` (family ``absence``).
    """
    if not company.has("absences"):
        return comparisons_table([])
    per = _absence_by_person(company, months=months)
    per = per[per["present"] & (per["available"] > 0)]
    share = 100 * per["absent"] / per["available"]
    shown = absence_rate(company, months=months, by="team")
    shown = shown.iloc[:-1][~shown.iloc[:-1]["hidden"]]
    rows = []
    for r in shown.itertuples():
        mine = per["team"] == r.team
        rest = share[~mine]
        rest_rate = 100 * per.loc[~mine, "absent"].sum() / per.loc[~mine, "available"].sum() if (~mine).any() else np.nan
        p = mean_difference_test(share[mine], rest, alternative="greater")
        if np.isnan(p):
            continue
        rows.append(("01", "absence", r.team, f"{r.team}: {r.rate_pct:.1f}% of working days lost to absence, against "
                     f"{rest_rate:.1f}% in the rest of the company", "people", int(mine.sum()),
                     r.rate_pct / rest_rate if rest_rate else np.nan, p))
    return comparisons_table(rows)


def turnover_takeaway(by_team: pd.DataFrame, evidence: pd.DataFrame | None = None) -> str:
    """Sentence for `turnover` split by team; a team is named only when the evidence rule finds it clear."""
    total = by_team.iloc[-1]
    text = (f"In the last 12 months {count(total['leavers'], 'employee')} left, {total['rate_pct']:.0f}% of the average headcount of "
            f"{total['average_headcount']:.0f}; {int(total['voluntary'])} of them chose to go.")
    return text + _named_teams(evidence, "turnover", "loses people by choice faster than the rest of the company",
                               "No team loses people by choice faster than chance would explain.")


def _named_teams(evidence: pd.DataFrame | None, family: str, clear_text: str, none_text: str) -> str:
    """The teams the evidence rule finds clear in ``family``, in a sentence; else ``none_text`` (when any was tested)."""
    if evidence is None or "family" not in evidence:
        return ""
    tested = evidence[evidence["family"] == family]
    clear = tested[tested["clear"]]
    if len(clear):
        return " " + "; ".join(f"{t} {clear_text}" for t in clear["subject"]) + ", more than chance would explain."
    return f" {none_text}" if len(tested) else ""


def absence_takeaway(by_team: pd.DataFrame, evidence: pd.DataFrame | None = None) -> str:
    """Sentence for `absence_rate` split by team; a team is named only when the evidence rule finds it clear."""
    total = by_team.iloc[-1]
    text = (f"People were absent on {total['rate_pct']:.1f}% of their working days, about {total['days_per_fte']:.1f} days "
            "a year for each full-time equivalent.")
    return text + _named_teams(evidence, "absence", "loses more working days to absence than the rest of the company",
                               "No team loses more days to absence than chance would explain.")
