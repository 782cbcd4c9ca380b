"""Who left, and what was true of them before they left: the data the retention models share.

employees.csv holds everyone employed now and everyone who left in the last 3 years, so people who
joined before that window enter the analysis late (left truncation): they are counted at risk only
from the window's start. Every input of a model is measured before the exit it may explain: pay
against the role's median among the people in the role on the person's last day, absence in the
person's last year at work, team belonging from the survey wave before each stretch of time
(`belonging_episodes`). `smbkit.retention` (curves, the Cox model) and `smbkit.leaving_risk` (the
risk model) build on these.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import Company
from .people import DAYS_PER_YEAR, employees_only, years_before, years_between
from .survey import survey_results

__all__ = ["WINDOW_YEARS", "RARE_LEVEL", "ENTRY_TIE_SHIFT", "MIN_ABSENCE_YEARS", "survival_frame", "pay_vs_role_at", "model_inputs", "usable_inputs",
           "pooled", "belonging_episodes"]

WINDOW_YEARS = 3.0  # employees.csv keeps leavers of the last 3 years (data contract)
RARE_LEVEL = 10  # roles or work modes with fewer people than this are pooled as "other"
# lifelines' risk set (and statsmodels' Kaplan-Meier) count a person at risk at time t when they
# entered strictly before t; statsmodels' PHReg counts an entry at exactly t too. Entries are moved
# this far (about 3 seconds) later for PHReg so that both models use the same risk sets.
ENTRY_TIE_SHIFT = 1e-7
# Absence per year is pulled towards everyone's rate as if this much more time (a quarter) had been
# seen at that rate, so a short stretch neither blows up a rate nor reads as never absent; a person
# whose last year at work lies before absences.csv starts, with less than this much of it covered,
# has no known absence.
MIN_ABSENCE_YEARS = 0.25


def survival_frame(company: Company, *, event: str = "voluntary") -> pd.DataFrame:
    """One row per employee (not contractors) with tenure in years, late entry and whether they left.

    time = years from hire to exit (or to as_of); entry = years of tenure at the window's start for
    people hired before it (0 otherwise); left = an exit inside the window with exit_reason
    voluntary (``event="voluntary"``, the default: people choosing to go) or any exit
    (``event="any"``); other exits count as still employed until they left (censored); ``end`` is the
    person's last day in the data (exit or as_of).
    """
    if event not in ("voluntary", "any"):
        raise ValueError(f"event must be 'voluntary' or 'any'; got: {event!r}")
    s = company.settings
    start = years_before(s.as_of, WINDOW_YEARS)
    e = employees_only(company.employees)
    e = e[e["hire_date"] <= s.as_of].copy()
    e["end"] = e["exit_date"].where(e["exit_date"] <= s.as_of, s.as_of).fillna(s.as_of)
    e["time"] = years_between(e["hire_date"], e["end"]).clip(lower=1 / DAYS_PER_YEAR)
    e["entry"] = years_between(e["hire_date"], start).clip(lower=0)
    exited = e["exit_date"].notna() & (e["exit_date"] <= s.as_of) & (e["exit_date"] > start)
    e["left"] = (exited & (e["exit_reason"] == "voluntary" if event == "voluntary" else exited)).astype(int)
    e = e[e["time"] > e["entry"]]
    return e.reset_index(drop=True)


def pay_vs_role_at(company: Company, people: pd.DataFrame, on: pd.Series) -> pd.Series:
    """Each person's loaded cost per FTE against the median of their role among the employees in it on date ``on``.

    ``on`` is one date per person (their last day, for a leaver), so a leaver of three years ago is
    compared with the pay of the role at that time, not with today's. Returns cost / median - 1.
    """
    staff = employees_only(company.employees)
    per_fte = staff["annual_cost"] / staff["fte"]
    out = pd.Series(np.nan, index=people.index)
    for role, who in people.groupby("role"):
        mates = staff["role"] == role
        hire, leave, cost = staff.loc[mates, "hire_date"], staff.loc[mates, "exit_date"], per_fte[mates]
        for day, idx in who.groupby(on.loc[who.index]).groups.items():
            employed = (hire <= day) & (leave.isna() | (leave >= day))  # the person themselves counts on their last day
            median = cost[employed].median()
            out.loc[idx] = (people.loc[idx, "annual_cost"] / people.loc[idx, "fte"]) / median - 1
    return out


def pooled(col: pd.Series, minimum: int) -> pd.Series:
    """``col`` with values held by fewer than ``minimum`` rows replaced by "other"."""
    counts = col.value_counts()
    small = counts[counts < minimum].index
    return col.where(~col.isin(small), "other").astype(str)


def model_inputs(company: Company, people: pd.DataFrame, on, *, levels: dict | None = None,
                 pay_on: pd.Series | None = None) -> tuple[pd.DataFrame, list[str], dict]:
    """Model inputs for ``people``, each measured before date ``on`` (or before the person left).

    pay_vs_role: against the role's median among ``people`` (all seen on the same date ``on``), or
    with ``pay_on`` (a date per person) among the role's employees on that date (`pay_vs_role_at`);
    absence_days: days absent per year over the person's last year at work, (days + r x 0.25) /
    (years + 0.25) with r everyone's rate (`MIN_ABSENCE_YEARS`; unknown, and filled with the median
    with a note, when that year lies before absences.csv's first absence); performance (missing
    filled with the median, with a note); role and work mode as 0/1 columns against the most common
    level (rare levels pooled; pass the returned ``levels`` back to score other people alike).

    Returns
    -------
    (DataFrame, list of str, dict)
        The inputs, notes on what was filled in or pooled, and the levels used.
    """
    notes = []
    levels = {} if levels is None else levels
    X = pd.DataFrame(index=people.index)
    if pay_on is None:
        cost = people["annual_cost"] / people["fte"]
        X["pay_vs_role"] = cost / cost.groupby(people["role"]).transform("median") - 1
    else:
        X["pay_vs_role"] = pay_vs_role_at(company, people, pay_on)
    if company.has("absences") and len(company.absences):
        # days absent per year over each person's last year at work before ``on`` (or before leaving), so
        # people who left earlier are not counted as never absent; absences.csv is taken to cover the time
        # from its first absence on, so a last year before that is unknown (not zero) and filled with the median
        end = people["exit_date"].where(people["exit_date"] <= on, on).fillna(on)
        covered = company.absences["start_date"].min()
        last_year = np.maximum(people["hire_date"], end - pd.DateOffset(years=1))
        begin = last_year.where(last_year >= covered, covered)
        a = company.absences.merge(pd.DataFrame({"employee_id": people["employee_id"], "b": begin, "e": end}), on="employee_id")
        a = a[(a["start_date"] >= a["b"]) & (a["start_date"] <= a["e"])]
        years = years_between(begin, end).clip(lower=0)
        unknown = (begin > last_year) & (years < MIN_ABSENCE_YEARS)
        counted = people["employee_id"].map(a.groupby("employee_id")["days"].sum()).fillna(0.0)
        # a short stretch says little: each rate is pulled towards everyone's rate as if MIN_ABSENCE_YEARS more
        # had been seen at it (the Poisson-gamma, empirical Bayes estimate), so short stays are not read as ~0
        known = ~unknown
        overall = float(counted[known].sum() / years[known].sum()) if years[known].sum() > 0 else 0.0
        days = ((counted + overall * MIN_ABSENCE_YEARS) / (years + MIN_ABSENCE_YEARS)).where(known)
        if unknown.any():
            notes.append(f"absence unknown for {int(unknown.sum())} people whose last year at work was before absences.csv "
                         f"starts ({covered.date()}): the median used")
            days = days.fillna(days.median() if days.notna().any() else 0.0)
        X["absence_days"] = days.to_numpy()
    if "performance" in people and people["performance"].notna().any():
        missing = int(people["performance"].isna().sum())
        X["performance"] = people["performance"].fillna(people["performance"].median())
        if missing:
            notes.append(f"performance missing for {missing} people: the median used")
    for col in ("role", "work_mode"):
        if col not in people or not people[col].notna().any():
            continue
        if col in levels:
            ref, known = levels[col]
            raw = people[col].fillna("unknown")
            level = raw.where(raw.isin(known), "other" if "other" in known else ref)
        else:
            level = pooled(people[col].fillna("unknown"), RARE_LEVEL)
            ref, known = level.value_counts().index[0], sorted(set(level))
            levels[col] = (ref, known)
            notes.append(f"{col.replace('_', ' ')} compared with {ref}")
        for v in sorted(set(known) - {ref}):
            X[f"{col}: {v}"] = (level == v).astype(float).to_numpy()
    return X.astype(float), notes, levels


def usable_inputs(X: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Drop constant columns and columns that add nothing to the others (collinear), with a note each."""
    notes = []
    keep = []
    for c in X.columns:
        if X[c].nunique() < 2:
            notes.append(f"{c} dropped: the same for everyone")
            continue
        trial = np.column_stack([np.ones(len(X)), X[keep + [c]].to_numpy()])
        if np.linalg.matrix_rank(trial) < trial.shape[1]:
            notes.append(f"{c} dropped: it is fully explained by the other inputs")
            continue
        keep.append(c)
    return X[keep], notes


def belonging_episodes(company: Company, frame: pd.DataFrame) -> pd.DataFrame:
    """People's time at risk cut at each survey wave, with their team's belonging from the wave before.

    From the first wave on, each person's stretch (entry, time] is split at the wave dates; each
    piece carries the Belonging Index of the person's team in the latest wave on or before the
    piece's start (the company's, where the team is hidden by the privacy rule; anonymous answers
    are never joined to people). Time before the first wave has no measurement and is left out.
    Only the last piece of a leaver ends with the exit.

    Returns
    -------
    DataFrame
        Columns: ``employee_id``, ``entry``, ``time``, ``left``, ``team_belonging``; empty without survey waves.
    """
    cols = ["employee_id", "entry", "time", "left", "team_belonging"]
    if not company.has("survey_items", "survey_responses"):
        return pd.DataFrame(columns=cols)
    by_team = survey_results(company, by="team")
    by_team = by_team[(by_team["measure"] == "belonging_index") & ~by_team["hidden"]].set_index(["wave", "team"])["score"]
    whole = survey_results(company)
    whole = whole[(whole["measure"] == "belonging_index") & ~whole["hidden"]].set_index("wave")["score"].sort_index()
    if whole.empty:
        return pd.DataFrame(columns=cols)
    waves = list(whole.index)
    wave_days = np.asarray(waves, dtype="datetime64[D]")
    rows = []
    for r in frame.itertuples():
        cuts = list((wave_days - np.datetime64(r.hire_date, "D")).astype(float) / DAYS_PER_YEAR)
        bounds = [max(r.entry, cuts[0]), *[c for c in cuts[1:] if max(r.entry, cuts[0]) < c < r.time], r.time]
        for k in range(len(bounds) - 1):
            start, stop = bounds[k], bounds[k + 1]
            if stop <= start:
                continue
            wave = waves[max(j for j, c in enumerate(cuts) if c <= start + 1e-12)]
            value = by_team.get((wave, r.team), whole[wave])
            rows.append((r.employee_id, start, stop, int(r.left and k == len(bounds) - 2), float(value)))
    return pd.DataFrame(rows, columns=cols)
