"""Notebook 03 — what will be missing at the horizon: people per role, and skills.

Supply is projected with a stay/leave Markov chain per role; demand comes from
`smbkit.demand.role_demand` (the same function notebook 02 shows). How each gap is closed
(build, buy, borrow, bot) is `smbkit.staffing`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import privacy
from .data import Company
from .demand import for_scenario, resolve_scenario, role_demand
from .people import EMPLOYEE_TYPES, current_employees, employees_only, is_employee, years_before, years_between
from .text import count

__all__ = [
    "PRIOR_PERSON_YEARS",
    "MIN_ACTION_FTE",
    "COVERAGE",
    "exit_rates",
    "supply_projection",
    "headcount_gaps",
    "skill_gaps",
    "open_skill_gaps",
    "talent_pool",
    "trainees",
    "talent_pool_summary",
    "supply_takeaway",
    "gaps_takeaway",
    "skill_gaps_takeaway",
]

# Small roles have few exits to learn from: their rate is shrunk towards the company's as if the
# role had this many extra person-years at the company rate (a gamma-Poisson prior; Gelman et al.,
# Bayesian Data Analysis, 3rd ed., 2.6).
PRIOR_PERSON_YEARS = 2.0
# Hiring, contracting and training assumptions live in `smbkit.costs`, shared with notebook 04.
SIMULATIONS = 4000
# A shortfall under half an FTE is a risk to watch (backfill if someone leaves), not a hire to make.
MIN_ACTION_FTE = 0.5
# Share of a role's people who must hold a skill, by its importance in role_skills.csv: a critical
# skill every one of them, an important one at least half (someone is always there who has it), a
# nice-to-have one nobody (it is development, never a requirement that creates a hire).
COVERAGE = {3: 1.0, 2: 0.5, 1: 0.0}


def exit_rates(company: Company, *, years: float = 3.0) -> pd.DataFrame:
    """Yearly exit rate of employees per role, from the last ``years`` of employees.csv.

    rate = exits / person-years at risk (a constant hazard), shrunk towards the company's rate:
    (exits_role + PRIOR_PERSON_YEARS x rate_company) / (person_years_role + PRIOR_PERSON_YEARS).
    The probability of leaving within a year is 1 - exp(-rate).

    Returns
    -------
    DataFrame
        Columns: ``role``, ``exits``, ``person_years``, ``rate``, ``leave_prob_year``.
    """
    as_of = company.settings.as_of
    start = years_before(as_of, years)
    e = employees_only(company.employees)
    first = e["hire_date"].where(e["hire_date"] > start, start)
    last = e["exit_date"].fillna(as_of).clip(upper=as_of)
    exposure = years_between(first, last).clip(lower=0).rename("py")
    left = (e["exit_date"] > start) & (e["exit_date"] <= as_of)
    per = pd.DataFrame({"role": e["role"], "py": exposure, "exit": left.astype(int)})
    total_rate = per["exit"].sum() / per["py"].sum() if per["py"].sum() else 0.0
    g = per.groupby("role").agg(exits=("exit", "sum"), person_years=("py", "sum")).reset_index()
    g["rate"] = (g["exits"] + PRIOR_PERSON_YEARS * total_rate) / (g["person_years"] + PRIOR_PERSON_YEARS)
    g["leave_prob_year"] = 1 - np.exp(-g["rate"])
    return g


def supply_projection(company: Company, *, seed: int = 0) -> pd.DataFrame:
    """Expected FTE per role at the horizon, and the range small teams carry.

    Each month n(t+1) = n(t) x (1 - q) + planned entrants, with q = 1 - exp(-rate / 12) the monthly
    leave probability of the role (a two-state stay/leave Markov chain; leavers are not replaced).
    Planned entrants are people in employees.csv whose hire_date falls inside the horizon. The range
    comes from simulating each person's stay or leave ``SIMULATIONS`` times (seeded): 10th and 90th
    percentiles of FTE. Contractors and freelancers are assumed to stay to the horizon.

    Returns
    -------
    DataFrame
        Columns: ``role``, ``current_fte``, ``rate``, ``entrants_fte``, ``expected_fte``, ``low_fte``
        (10th percentile), ``high_fte`` (90th percentile).
    """
    s = company.settings
    months = s.horizon_months
    table = exit_rates(company)
    rates = table.set_index("role")["rate"]
    company_rate = float(table["exits"].sum() / table["person_years"].sum()) if table["person_years"].sum() else 0.0
    cur = current_employees(company)
    end = s.as_of + pd.DateOffset(months=months)
    future = company.employees[(company.employees["hire_date"] > s.as_of) & (company.employees["hire_date"] <= end)]
    rng = np.random.default_rng(seed)
    roles = sorted(set(cur["role"]) | set(future["role"]))
    rows = []
    for role in roles:
        people = cur[cur["role"] == role]
        rate = float(rates.get(role, company_rate))
        q = 1 - math.exp(-rate / 12)
        at_risk = is_employee(people).to_numpy()
        fte = people["fte"].to_numpy(dtype=float)
        stay_p = (1 - q) ** months
        expected = float(fte[at_risk].sum() * stay_p + fte[~at_risk].sum())
        stays = rng.random((SIMULATIONS, len(fte))) < np.where(at_risk, stay_p, 1.0)
        sims = stays @ fte
        newcomers = future[future["role"] == role]
        entrants = 0.0
        for r in newcomers.itertuples():  # an entrant joins at hire_date and faces the same risk after
            left = max(0, (end.year - r.hire_date.year) * 12 + end.month - r.hire_date.month)
            p = (1 - q) ** left if r.employment_type in EMPLOYEE_TYPES else 1.0
            entrants += r.fte
            expected += r.fte * p
            sims = sims + (rng.random(SIMULATIONS) < p) * r.fte
        rows.append({"role": role, "current_fte": float(fte.sum()), "rate": rate, "entrants_fte": entrants,
                     "expected_fte": expected, "low_fte": float(np.quantile(sims, 0.1)), "high_fte": float(np.quantile(sims, 0.9))})
    return pd.DataFrame(rows, columns=["role", "current_fte", "rate", "entrants_fte", "expected_fte", "low_fte", "high_fte"])


def headcount_gaps(company: Company) -> pd.DataFrame:
    """FTE each role will lack (or have spare) at the horizon, per scenario.

    gap_fte = planned demand (`smbkit.demand.role_demand`) - expected supply (`supply_projection`); positive means
    people are missing. ``gap_high`` uses the low end of supply (what you may lack if exits run high).
    A positive gap has two parts that are filled differently: ``growth_fte`` = demand above today's
    FTE (new posts) and ``backfill_fte`` = the expected leavers still needed (replacements as people
    go, up to the demand): gap_fte = growth_fte + backfill_fte whenever the gap is positive.

    Returns
    -------
    DataFrame
        Columns: ``scenario``, ``probability``, ``role``, ``demand_fte``, ``current_fte``, ``supply_fte``, ``gap_fte``,
        ``gap_high_fte``, ``growth_fte``, ``backfill_fte``.
    """
    d = role_demand(company)
    sup = supply_projection(company).set_index("role")
    out = d[["scenario", "probability", "role", "planned_fte", "current_fte"]].rename(columns={"planned_fte": "demand_fte"})
    out["supply_fte"] = out["role"].map(sup["expected_fte"]).fillna(0.0)
    out["gap_fte"] = out["demand_fte"] - out["supply_fte"]
    out["gap_high_fte"] = out["demand_fte"] - out["role"].map(sup["low_fte"]).fillna(0.0)
    out["growth_fte"] = (out["demand_fte"] - out["current_fte"]).clip(lower=0)
    out["backfill_fte"] = (np.minimum(out["demand_fte"], out["current_fte"]) - out["supply_fte"]).clip(lower=0)
    return out.reset_index(drop=True)




def skill_gaps(company: Company, *, scenario: str | None = None) -> pd.DataFrame:
    """People each role needs at the required level of each skill, against those it has.

    needed = the share of the role's people that must hold the skill, by its importance
    (`COVERAGE`: every person for a critical skill, half for an important one, nobody for a
    nice-to-have one, which never creates a gap), of the people the role needs under the scenario
    (planned FTE rounded up to people); have = the role's current people at or above the required
    proficiency; gap = max(0, needed - have); priority = importance x gap x urgency, where urgency is 2
    when the gap exists even in the scenario with the least demand (needed whatever happens) and 1 otherwise.

    Returns
    -------
    DataFrame
        Columns: ``role``, ``skill``, ``required``, ``importance``, ``needed``, ``have``, ``gap``,
        ``urgency``, ``priority``; sorted by priority, largest first.
    """
    if company.role_skills is None or company.skills is None:
        raise ValueError("skill_gaps needs role_skills.csv and skills.csv, which this company folder does not have both of")
    d = role_demand(company)
    scenario = resolve_scenario(company, scenario)
    need = for_scenario(d, scenario).set_index("role")["planned_fte"].apply(lambda x: math.ceil(round(x, 9)))
    least = d.groupby("role")["planned_fte"].min().apply(lambda x: math.ceil(round(x, 9)))
    cur = current_employees(company)
    sk = company.skills.merge(cur[["employee_id", "role"]], on="employee_id")
    rows = []
    for r in company.role_skills.itertuples():
        have = int(((sk["role"] == r.role) & (sk["skill"] == r.skill) & (sk["proficiency"] >= r.required_proficiency)).sum())
        share = COVERAGE[int(r.importance)]
        needed = math.ceil(round(share * int(need.get(r.role, 0)), 9))
        gap = max(0, needed - have)
        urgency = 2 if max(0, math.ceil(round(share * int(least.get(r.role, 0)), 9)) - have) > 0 else 1
        rows.append({"role": r.role, "skill": r.skill, "required": int(r.required_proficiency), "importance": int(r.importance),
                     "needed": needed, "have": have, "gap": gap, "urgency": urgency, "priority": r.importance * gap * urgency})
    out = pd.DataFrame(rows)
    return out.sort_values(["priority", "role", "skill"], ascending=[False, True, True], kind="stable").reset_index(drop=True)


def open_skill_gaps(gaps: pd.DataFrame) -> pd.DataFrame:
    """The rows of `skill_gaps` where people are missing (gap > 0)."""
    return gaps[gaps["gap"] > 0]


def talent_pool(company: Company, gaps: pd.DataFrame) -> pd.DataFrame:
    """Current people one proficiency level below what a skill gap needs: upskilling candidates.

    Returns
    -------
    DataFrame
        Columns: ``role``, ``skill``, ``person`` (employee_id, or name when show_names), ``person_role``,
        ``level``, ``required``. Only gaps with gap > 0.
    """
    cur = current_employees(company)
    labels = privacy.person_labels(cur, show_names=company.settings.show_names)
    sk = company.skills.merge(cur[["employee_id", "role"]], on="employee_id")
    rows = []
    for g in open_skill_gaps(gaps).itertuples():
        cand = sk[(sk["skill"] == g.skill) & (sk["proficiency"] == g.required - 1)]
        for c in cand.itertuples():
            rows.append({"role": g.role, "skill": g.skill, "person": labels[c.employee_id], "person_role": c.role,
                         "level": int(c.proficiency), "required": int(g.required)})
    return pd.DataFrame(rows, columns=["role", "skill", "person", "person_role", "level", "required"])


def talent_pool_summary(pool: pd.DataFrame, *, show: int = 5) -> pd.DataFrame:
    """`talent_pool` with one row per gap: how many candidates, and the first few of them.

    Returns
    -------
    DataFrame
        Columns: ``role``, ``skill``, ``candidates``, ``from_own_role``, ``people``.
    """
    rows = []
    for (role, skill), g in pool.groupby(["role", "skill"], sort=False):
        names = list(g["person"])
        more = f" and {len(names) - show} more" if len(names) > show else ""
        rows.append({"role": role, "skill": skill, "candidates": len(g), "from_own_role": int((g["person_role"] == role).sum()),
                     "people": ", ".join(names[:show]) + more})
    return pd.DataFrame(rows, columns=["role", "skill", "candidates", "from_own_role", "people"])




def trainees(company: Company, role: str, skill: str, required: int) -> list[tuple[str, int]]:
    """The role's current people below ``required`` in ``skill``: (employee_id, level), nearest first."""
    cur = current_employees(company)
    people = cur.loc[cur["role"] == role, "employee_id"]
    sk = company.skills
    level = sk[(sk["skill"] == skill) & sk["employee_id"].isin(people)].set_index("employee_id")["proficiency"]
    found = [(e, int(level.get(e, 0))) for e in people if int(level.get(e, 0)) < required]
    return sorted(found, key=lambda t: (required - t[1], t[0]))


def supply_takeaway(supply: pd.DataFrame, company: Company) -> str:
    """Sentence for `supply_projection`."""
    now, then = supply["current_fte"].sum(), supply["expected_fte"].sum()
    lo, hi = supply["low_fte"].sum(), supply["high_fte"].sum()
    worst = supply.assign(loss=supply["current_fte"] - supply["expected_fte"]).sort_values("loss", ascending=False).iloc[0]
    return (f"If nobody is replaced, today's {now:.1f} FTE shrink to about {then:.1f} by the horizon "
            f"(role by role, likely between {lo:.1f} and {hi:.1f}). {worst['role']} loses most: about "
            f"{worst['current_fte'] - worst['expected_fte']:.1f} FTE.")


def gaps_takeaway(gaps: pd.DataFrame, scenario: str) -> str:
    """Sentence for `headcount_gaps` under one scenario."""
    g = for_scenario(gaps, scenario)
    short = g[g["gap_fte"] > 0.05].sort_values("gap_fte", ascending=False)
    return (f"Under {scenario}, {short['gap_fte'].sum():.1f} FTE will be missing at the horizon across {len(short)} roles; "
            "the largest gaps: " + ", ".join(f"{r.role} ({r.gap_fte:.1f})" for r in short.head(3).itertuples()) + ".")


def skill_gaps_takeaway(gaps: pd.DataFrame) -> str:
    """Sentence for `skill_gaps`."""
    open_ = gaps[gaps["gap"] > 0]
    if open_.empty:
        return "Every role's people hold the skills it needs at the required level."
    top = open_.iloc[0]
    return (f"{count(len(open_), 'role-skill pair')} fall short, {count(open_['gap'].sum(), 'person')} in all; the top priority is "
            f"{top['skill']} for {top['role']} ({int(top['have'])} of {int(top['needed'])} people at level {int(top['required'])}).")
