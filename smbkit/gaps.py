"""Notebook 03 — what is missing at the horizon, and the cheapest credible way to close it.

Supply is projected with a stay/leave Markov chain per role; demand comes from
`smbkit.demand.role_demand` (the same function notebook 02 shows). Gaps are closed by building (training), buying (hiring),
borrowing (contractors) or bots (automation), under rules an owner can read.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import privacy
from .automation import automation_options
from .costs import (
    BUILD_MONTHS,
    MONTHS_TO_CONTRACT,
    MONTHS_TO_HIRE,
    build_cost,
    contract_cost,
    cost_over,
    hire_cost,
    role_costs,
)
from .data import Company
from .decisions import decisions_table
from .demand import for_scenario, resolve_scenario, role_demand
from .people import EMPLOYEE_TYPES, current_employees, employees_only, is_employee, years_before, years_between

__all__ = [
    "PRIOR_PERSON_YEARS",
    "MIN_ACTION_FTE",
    "exit_rates",
    "supply_projection",
    "headcount_gaps",
    "skill_gaps",
    "open_skill_gaps",
    "talent_pool",
    "trainees",
    "talent_pool_summary",
    "closure_options",
    "recommended_plan",
    "gaps_decisions",
    "supply_takeaway",
    "gaps_takeaway",
    "skill_gaps_takeaway",
    "plan_takeaway",
]

# Small roles have few exits to learn from: their rate is shrunk towards the company's as if the
# role had this many extra person-years at the company rate (a gamma-Poisson prior; Gelman et al.,
# Bayesian Data Analysis, 3rd ed., 2.6).
PRIOR_PERSON_YEARS = 2.0
# Hiring, contracting and training assumptions live in `smbkit.costs`, shared with notebook 04.
SIMULATIONS = 4000
# A shortfall under half an FTE is a risk to watch (backfill if someone leaves), not a hire to make.
MIN_ACTION_FTE = 0.5


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

    Returns
    -------
    DataFrame
        Columns: ``scenario``, ``probability``, ``role``, ``demand_fte``, ``supply_fte``, ``gap_fte``,
        ``gap_high_fte``.
    """
    d = role_demand(company)
    sup = supply_projection(company).set_index("role")
    out = d[["scenario", "probability", "role", "planned_fte"]].rename(columns={"planned_fte": "demand_fte"})
    out["supply_fte"] = out["role"].map(sup["expected_fte"]).fillna(0.0)
    out["gap_fte"] = out["demand_fte"] - out["supply_fte"]
    out["gap_high_fte"] = out["demand_fte"] - out["role"].map(sup["low_fte"]).fillna(0.0)
    return out.reset_index(drop=True)




def skill_gaps(company: Company, *, scenario: str | None = None) -> pd.DataFrame:
    """People each role needs at the required level of each skill, against those it has.

    needed = whole people the role needs under the scenario (planned FTE rounded up); have = the
    role's current people at or above the required proficiency; gap = max(0, needed - have);
    priority = importance x gap x urgency, where urgency is 2 when the gap exists even in the
    scenario with the least demand (needed whatever happens) and 1 otherwise.

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
        needed = int(need.get(r.role, 0))
        gap = max(0, needed - have)
        urgency = 2 if max(0, int(least.get(r.role, 0)) - have) > 0 else 1
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




def _automation_fte(company: Company) -> pd.DataFrame:
    """FTE the automation plan of notebook 04 frees per role, its cost over the horizon and its months.

    The options are those `automation.automation_options` puts in the plan, with its guardrails:
    freed FTE = (automated - review hours a week) / hours_per_fte_week; cost = one-time + yearly
    cost for the months the tools are in use within the horizon.
    """
    cols = ["role", "bot_fte", "bot_cost", "months", "tasks"]
    if not company.has("tasks", "automation_options"):
        return pd.DataFrame(columns=cols)
    s = company.settings
    opt = automation_options(company)
    opt = opt[opt["in_plan"]]
    opt = opt.assign(freed=opt["automated_hours_week"] - opt["review_hours_week"], cost=cost_over(opt, s.horizon_months))
    g = opt.groupby("role").agg(freed=("freed", "sum"), bot_cost=("cost", "sum"), months=("months_to_implement", "max"),
                                tasks=("task_id", lambda t: ", ".join(sorted(t))))
    g["bot_fte"] = (g["freed"] / s.hours_per_fte_week).clip(lower=0)
    return g.reset_index()[cols]


def closure_options(company: Company, *, scenario: str | None = None) -> pd.DataFrame:
    """Ways to close each role's headcount gap under a scenario, with cost over the horizon and time.

    Per FTE, over the horizon of H months, with C the role's yearly loaded cost per FTE:
    buy = C x (H - MONTHS_TO_HIRE) / 12 + RECRUITING_COST_SHARE x C (paid from the start date,
    plus the recruiting fee); borrow = CONTRACTOR_PREMIUM x C x (H - MONTHS_TO_CONTRACT) / 12;
    bot = the role's options in notebook 04's automation plan (set-up plus yearly
    cost while in use), good for the FTE their freed hours add up to (net of human review). Build (training) closes skill gaps, not
    headcount: see `recommended_plan`.

    Returns
    -------
    DataFrame
        Columns: ``role``, ``gap_fte`` (expected shortfall, > 0 only), ``option`` (buy, borrow, bot),
        ``fte`` (how much it can close), ``cost`` (over the horizon), ``months`` (to close), ``note``.
    """
    s = company.settings
    scenario = resolve_scenario(company, scenario)
    gaps = headcount_gaps(company)
    gaps = for_scenario(gaps, scenario)
    gaps = gaps[gaps["gap_fte"] > 0.05]
    cost = role_costs(company)
    bots = _automation_fte(company).set_index("role")
    rows = []
    h = s.horizon_months
    for g in gaps.itertuples():
        c = cost.of(g.role)
        rows.append((g.role, g.gap_fte, "buy", g.gap_fte, g.gap_fte * hire_cost(c, h),
                     MONTHS_TO_HIRE, "hire employees"))
        rows.append((g.role, g.gap_fte, "borrow", g.gap_fte, g.gap_fte * contract_cost(c, h),
                     MONTHS_TO_CONTRACT, "contractors or agency staff"))
        if g.role in bots.index and bots.loc[g.role, "bot_fte"] > 0:
            b = bots.loc[g.role]
            rows.append((g.role, g.gap_fte, "bot", min(g.gap_fte, b["bot_fte"]), b["bot_cost"], float(b["months"]),
                         f"automate tasks {b['tasks']} (notebook 04)"))
    return pd.DataFrame(rows, columns=["role", "gap_fte", "option", "fte", "cost", "months", "note"])


def trainees(company: Company, role: str, skill: str, required: int) -> list[tuple[str, int]]:
    """The role's current people below ``required`` in ``skill``: (employee_id, level), nearest first."""
    cur = current_employees(company)
    people = cur.loc[cur["role"] == role, "employee_id"]
    sk = company.skills
    level = sk[(sk["skill"] == skill) & sk["employee_id"].isin(people)].set_index("employee_id")["proficiency"]
    found = [(e, int(level.get(e, 0))) for e in people if int(level.get(e, 0)) < required]
    return sorted(found, key=lambda t: (required - t[1], t[0]))


def _uncovered_critical(company: Company) -> dict[str, str]:
    """Roles with a critical skill (importance 3) that none of the role's employees holds at the required level."""
    if not company.has("role_skills", "skills"):
        return {}
    emp = current_employees(company, employees=True)
    sk = company.skills.merge(emp[["employee_id", "role"]], on="employee_id")
    out = {}
    for r in company.role_skills[company.role_skills["importance"] == 3].itertuples():
        held = ((sk["role"] == r.role) & (sk["skill"] == r.skill) & (sk["proficiency"] >= r.required_proficiency)).any()
        if not held and r.role not in out:
            out[r.role] = r.skill
    return out




def recommended_plan(company: Company, *, scenario: str | None = None, prefer: str = "cost") -> pd.DataFrame:
    """The cheapest credible mix that closes every gap within the horizon, with its rules.

    Rules, in order:
    1. Headcount: the shortfall every scenario shares (the smallest gap over scenarios) is hired
       (buy): it is needed whatever happens. The rest, needed only under the chosen scenario, is
       contracted (borrow) because it may not come, unless no employee of the role holds one of
       its critical skills (importance 3): then it is hired, since contractors alone should never
       carry a critical skill. Where automation (bot) frees hours in the role and costs less than
       the people it replaces, it takes that part first. Shortfalls under `MIN_ACTION_FTE` are left
       to backfilling.
    2. Skills: newcomers (hired or contracted) bring the role's skills, so each skill gap shrinks by them;
       what remains is built by training the role's own people, nearest level first, each level
       taking `BUILD_MONTHS` (preferred when the training fits in the horizon and costs less than a
       hire); what training cannot reach in time is bought (hire for the skill).
    ``prefer="build"`` lets training take a skill gap even when a hire would be cheaper.

    Returns
    -------
    DataFrame
        Columns: ``role``, ``action`` (buy, borrow, bot, build), ``skill`` (for build), ``fte``
        (people or FTE), ``cost`` (over the horizon), ``months``, ``why``.
    """
    if prefer not in ("cost", "build"):
        raise ValueError(f"prefer must be 'cost' or 'build'; got: {prefer!r}")
    s = company.settings
    scenario = resolve_scenario(company, scenario)
    h = s.horizon_months
    gaps = headcount_gaps(company)
    least = gaps.groupby("role")["gap_fte"].min()
    options = closure_options(company, scenario=scenario)
    uncovered = _uncovered_critical(company)
    rows = []
    hires = {}
    for role, opts in options.groupby("role", sort=False):
        gap = float(opts["gap_fte"].iloc[0])
        if gap < MIN_ACTION_FTE:
            continue
        per = opts.set_index("option")
        unit = {o: per.loc[o, "cost"] / per.loc[o, "fte"] for o in ("buy", "borrow") if o in per.index}
        left = gap
        if "bot" in per.index and per.loc["bot", "cost"] < unit["buy"] * per.loc["bot", "fte"]:
            take = min(left, float(per.loc["bot", "fte"]))
            rows.append((role, "bot", "", take, float(per.loc["bot", "cost"]), float(per.loc["bot", "months"]),
                         f"{per.loc['bot', 'note']}: frees {take:.1f} FTE for less than hiring"))
            left -= take
        certain = min(left, max(0.0, float(least.get(role, 0.0))))
        if certain > 0.05:
            rows.append((role, "buy", "", certain, certain * unit["buy"], MONTHS_TO_HIRE, "needed in every scenario"))
        rest = left - certain
        if rest > 0.05:
            if role in uncovered:
                rows.append((role, "buy", "", rest, rest * unit["buy"], MONTHS_TO_HIRE,
                             f"needed under {scenario}; no employee in the role holds {uncovered[role]}, "
                             "and contractors alone should never carry a critical skill"))
            else:
                rows.append((role, "borrow", "", rest, rest * unit["borrow"], MONTHS_TO_CONTRACT,
                             "needed only under some scenarios: contract it so it can stop if growth does not come"))
        hires[role] = math.ceil(round(certain + max(rest, 0.0), 9))  # hired or contracted, newcomers bring the skills
    if company.has("role_skills", "skills"):
        cost = role_costs(company)
        hourly = role_costs(company, hourly=True)
        for g in open_skill_gaps(skill_gaps(company, scenario=scenario)).itertuples():
            residual = max(0, g.gap - hires.get(g.role, 0))
            if not residual:
                continue
            # the role's own people below the level, nearest first; a level takes BUILD_MONTHS
            steps = [g.required - level for _, level in trainees(company, g.role, g.skill, g.required)]
            steps = [k for k in steps if k * BUILD_MONTHS <= h][:residual]
            training = build_cost(company, g.skill, hourly.of(g.role))
            buy_one = hire_cost(cost.of(g.role), h)
            build_total = sum(steps) * training.per_level
            if steps and (prefer == "build" or build_total <= buy_one * len(steps)):
                rows.append((g.role, "build", g.skill, len(steps), build_total, max(steps) * BUILD_MONTHS,
                             f"train {len(steps)} of the role's people, {sum(steps)} level{'s' if sum(steps) > 1 else ''} in all "
                             f"({training.hours:.0f} h a level; {training.source})"))
                residual -= len(steps)
            if residual:
                rows.append((g.role, "buy", g.skill, residual, residual * buy_one, MONTHS_TO_HIRE,
                             f"no one else in the role can reach level {g.required} within the horizon: hire {residual} with {g.skill}"))
    out = pd.DataFrame(rows, columns=["role", "action", "skill", "fte", "cost", "months", "why"])
    return out


def gaps_decisions(company: Company, *, scenario: str | None = None, plan: pd.DataFrame | None = None) -> pd.DataFrame:
    """Actions from notebook 03: the plan's steps, largest cost first within each kind.

    Hires needed in every scenario and critical-skill hires are high priority; contracts, bots and
    training are medium; a total line is not added (the plan table holds it). Pass ``plan`` to
    reuse a `recommended_plan` already made.

    Returns
    -------
    DataFrame
        Columns: ``priority``, ``action``, ``why``.
    """
    plan = recommended_plan(company, scenario=scenario) if plan is None else plan
    cur = company.settings.currency
    rows = []
    for p in plan.sort_values("cost", ascending=False).itertuples():
        what = {"buy": "Hire", "borrow": "Contract", "bot": "Automate work of", "build": "Train"}[p.action]
        subject = f"{p.fte:.1f} FTE of {p.role}" if p.action in ("buy", "borrow") and not p.skill else (
            f"{p.role}" if p.action == "bot" else f"{p.fte:.0f} {p.role} in {p.skill}" if p.action == "build" else f"{p.fte:.0f} {p.role} with {p.skill}")
        priority = "high" if p.action == "buy" and ("every scenario" in p.why or "critical" in p.why) else "medium"
        effect = (f"{p.fte:.1f} FTE more capacity for {p.role} within {p.months:g} months" if p.action in ("buy", "borrow", "bot") and not p.skill
                  else f"{p.fte:.0f} more {p.role} people at the level {p.skill} needs within {p.months:g} months")
        rows.append((priority, f"{what} {subject}", f"{p.why}; about {cur} {p.cost:,.0f} over the horizon, {p.months:g} months to close",
                     f"{cur} {p.cost:,.0f} over the horizon", effect, _RISKS[p.action]))
    return decisions_table(rows)


_RISKS = {"buy": "a hire is slow to make and hard to undo if growth does not come",
          "borrow": "contractors cost more per hour and take their know-how with them when they go",
          "bot": "tools may take less work than promised: pilot before relying on them",
          "build": "training can take longer than planned, and trained people may leave"}


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


def plan_takeaway(plan: pd.DataFrame, company: Company) -> str:
    """Sentence for `recommended_plan`."""
    if plan.empty:
        return "No gap needs closing under this scenario."
    by = plan.groupby("action")["cost"].sum()
    cur = company.settings.currency
    parts = ", ".join(f"{a} {cur} {by[a]:,.0f}" for a in ("buy", "borrow", "bot", "build") if a in by.index)
    return f"Closing every gap costs about {cur} {plan['cost'].sum():,.0f} over the horizon: {parts}."


def skill_gaps_takeaway(gaps: pd.DataFrame) -> str:
    """Sentence for `skill_gaps`."""
    open_ = gaps[gaps["gap"] > 0]
    if open_.empty:
        return "Every role's people hold the skills it needs at the required level."
    top = open_.iloc[0]
    return (f"{len(open_)} role-skill pairs fall short, {int(open_['gap'].sum())} people in all; the top priority is "
            f"{top['skill']} for {top['role']} ({int(top['have'])} of {int(top['needed'])} people at level {int(top['required'])}).")
