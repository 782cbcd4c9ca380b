"""Notebook 03, part 2 — how to close each role's gap: the options, the plan and one decision per role.

A role's gap at the horizon has two parts that are filled differently (`smbkit.gaps.headcount_gaps`):
growth (new posts, paid from new money) and backfill (replacing people who are expected to leave,
as they leave, from pay already in the budget). The plan puts people first, as the source material
does: people whose own role will have spare capacity are retrained into it when a candidate exists and
the training fits in the horizon; then tools take what notebook 04's plan frees in the role; then
hiring for what every scenario needs (whole people only for a shortfall of at least
`WHOLE_PERSON_SHARE` of a person; less is a part-time post, or overtime or a contractor when under
`smbkit.gaps.MIN_ACTION_FTE`), and contracting
for what only some scenarios need. Money is counted once: people's costs here, tools' costs and
savings in notebook 04.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .costs import (
    BUILD_MONTHS,
    MONTHS_TO_CONTRACT,
    MONTHS_TO_HIRE,
    build_cost,
    contract_cost,
    hire_cost,
    replacement_cost,
    role_costs,
)
from .data import Company
from .decisions import Decision, decisions_table
from .demand import for_scenario, resolve_scenario
from .gaps import COVERAGE, MIN_ACTION_FTE, headcount_gaps, open_skill_gaps, skill_gaps, trainees
from .people import current_employees

__all__ = ["WHOLE_PERSON_SHARE", "MOVE_PAY_FLOOR", "PREFERENCES", "PLAN_COLUMNS", "gap_hours", "closure_options", "internal_movers",
           "recommended_plan", "staffing_decisions", "plan_takeaway"]

# A shortfall of at least this share of one person is a whole hire; less is met by a part-time post,
# overtime or a contractor, so that rounding never creates a hire (smbkit's stated planning choice).
WHOLE_PERSON_SHARE = 0.8
# A move into another role is offered only where that role pays at least this share of the person's
# current one: a move, not a step down.
MOVE_PAY_FLOOR = 0.9
# "people": train and move your own people first, then tools, then hires and contractors (the default,
# as the source material puts people first); "cost": the cheapest option for each part of a gap.
PREFERENCES = ("people", "cost")
PLAN_COLUMNS = ["role", "action", "skill", "fte", "cost", "months", "why"]
ACTIONS = {"build": "train or move our people", "bot": "tools", "buy": "hire", "borrow": "contract", "backfill": "replace leavers"}


def _whole(fte: float) -> tuple[int, float]:
    """Whole people to hire for a shortfall, and the part of a person left for part-time, overtime or contract."""
    people = int(math.floor(fte + 1 - WHOLE_PERSON_SHARE + 1e-9))
    return people, max(0.0, fte - people)


def closure_options(company: Company, *, scenario: str | None = None, capacity: pd.DataFrame | None = None) -> pd.DataFrame:
    """Ways to fill each role's growth under a scenario, with cost over the horizon and the months it takes.

    Per FTE, over the horizon of H months, with C the role's yearly loaded cost per FTE: buy =
    `smbkit.costs.hire_cost` (pay from the start date plus the recruiting fee); borrow =
    `smbkit.costs.contract_cost`; bot = the hours notebook 04's plan frees in the role that meet its
    demand (``capacity``, from `smbkit.redesign.freed_capacity`; the tools' cost is counted there);
    build = people moved in from roles with spare capacity (`internal_movers`). Backfill (replacing
    leavers) is not an option but a part of the gap: see `recommended_plan`.

    Returns
    -------
    DataFrame
        Columns: ``role``, ``growth_fte``, ``option``, ``fte`` (how much it can fill), ``cost`` (over the horizon),
        ``months`` (to fill), ``note``.
    """
    s = company.settings
    scenario = resolve_scenario(company, scenario)
    gaps = for_scenario(headcount_gaps(company), scenario)
    gaps = gaps[gaps["growth_fte"] > 0.05]
    cost = role_costs(company)
    bots = capacity.set_index("role") if capacity is not None and len(capacity) else pd.DataFrame()
    movers = internal_movers(company, scenario=scenario, capacity=capacity)
    h = s.horizon_months
    rows = []
    for g in gaps.itertuples():
        c = cost.of(g.role)
        mine = movers[movers["to_role"] == g.role]
        if len(mine):
            rows.append((g.role, g.growth_fte, "build", float(mine["fte"].sum()), float(mine["cost"].sum()), float(mine["months"].max()),
                         f"move {len(mine)} of our people in from roles with spare capacity"))
        if g.role in bots.index and bots.loc[g.role, "to_gap_fte"] > 0:
            b = bots.loc[g.role]
            rows.append((g.role, g.growth_fte, "bot", min(g.growth_fte, float(b["to_gap_fte"])), 0.0, float(b["months"]),
                         f"tools on tasks {b['tasks']} (notebook 04 counts their cost and savings)"))
        rows.append((g.role, g.growth_fte, "buy", g.growth_fte, g.growth_fte * hire_cost(c, h), MONTHS_TO_HIRE, "hire employees"))
        rows.append((g.role, g.growth_fte, "borrow", g.growth_fte, g.growth_fte * contract_cost(c, h), MONTHS_TO_CONTRACT,
                     "contractors or agency staff"))
    return pd.DataFrame(rows, columns=["role", "growth_fte", "option", "fte", "cost", "months", "note"])


def internal_movers(company: Company, *, scenario: str | None = None, capacity: pd.DataFrame | None = None) -> pd.DataFrame:
    """Our own people who could move into roles that need more people, nearest in skills first.

    Sources: roles with spare capacity at the horizon, where expected supply exceeds demand by at
    least `smbkit.gaps.MIN_ACTION_FTE` (spare FTE = supply - demand), or where notebook 04's plan
    releases hours (``capacity["released_fte"]``). A person may move to a role that needs more
    people, pays at least `MOVE_PAY_FLOOR` of their own, and whose critical and important skills
    (`smbkit.gaps.COVERAGE` > 0) they can reach within the horizon (each level takes
    `smbkit.costs.BUILD_MONTHS`, skills learned side by side). Roles needing the most people are
    filled first, each from its nearest candidates, until its growth or the sources' spare FTE runs out.

    Returns
    -------
    DataFrame
        Columns: ``person`` (employee_id), ``from_role``, ``to_role``, ``fte``, ``levels``, ``months``, ``cost``.
    """
    cols = ["person", "from_role", "to_role", "fte", "levels", "months", "cost"]
    if not company.has("skills", "role_skills", "roles", "drivers"):
        return pd.DataFrame(columns=cols)
    s = company.settings
    scenario = resolve_scenario(company, scenario)
    g = for_scenario(headcount_gaps(company), scenario).set_index("role")
    spare = (-g["gap_fte"]).where(-g["gap_fte"] >= MIN_ACTION_FTE, 0.0)
    if capacity is not None and len(capacity):
        spare = spare.add(capacity.set_index("role")["released_fte"], fill_value=0.0)
    spare = spare[spare >= MIN_ACTION_FTE]
    need = g["growth_fte"][g["growth_fte"] >= MIN_ACTION_FTE].sort_values(ascending=False)
    if spare.empty or need.empty:
        return pd.DataFrame(columns=cols)
    cur = current_employees(company, employees=True)
    pay = role_costs(company)
    hourly = role_costs(company, hourly=True)
    levels = company.skills.pivot_table(index="employee_id", columns="skill", values="proficiency", aggfunc="max")
    rs = company.role_skills[company.role_skills["importance"].map(COVERAGE) > 0]
    required = {role: grp.set_index("skill")["required_proficiency"] for role, grp in rs.groupby("role")}
    rows, moved = [], set()
    left = spare.to_dict()
    for role, want in need.items():
        if role not in required:
            continue
        pool = cur[cur["role"].isin([r for r, v in left.items() if v > 0 and r != role]) & ~cur["employee_id"].isin(moved)]
        pool = pool[[pay.of(role) >= MOVE_PAY_FLOOR * pay.of(r) for r in pool["role"]]]
        if pool.empty:
            continue
        have = levels.reindex(index=pool["employee_id"], columns=required[role].index).fillna(0)
        short = (required[role].to_numpy() - have.to_numpy()).clip(min=0)
        steps = pd.DataFrame({"person": pool["employee_id"].to_numpy(), "from_role": pool["role"].to_numpy(),
                              "fte": pool["fte"].to_numpy(), "levels": short.sum(axis=1), "months": short.max(axis=1) * BUILD_MONTHS,
                              "short": list(short)})
        steps = steps[steps["months"] <= s.horizon_months].sort_values(["levels", "person"], kind="stable")
        filled = 0.0
        for m in steps.itertuples():
            if filled >= want - 1e-9 or left[m.from_role] < m.fte - 1e-9:
                continue
            skills = required[role].index[np.asarray(m.short) > 0]
            cost = sum(build_cost(company, k, hourly.of(m.from_role)).per_level * int(v)
                       for k, v in zip(skills, np.asarray(m.short)[np.asarray(m.short) > 0]))
            rows.append((m.person, m.from_role, role, float(m.fte), int(m.levels), float(m.months), float(cost)))
            moved.add(m.person)
            left[m.from_role] -= m.fte
            filled += m.fte
    return pd.DataFrame(rows, columns=cols)


def gap_hours(company: Company, scenario: str | None = None) -> pd.Series:
    """Hours a week of work each role will be short of that tools may take over, under ``scenario``.

    For each role whose gap the plan acts on (at least `smbkit.gaps.MIN_ACTION_FTE`: new posts and
    leavers to replace, `smbkit.gaps.headcount_gaps`), the gap less what our own people moving in
    from roles with less work ahead fill (`internal_movers`), times hours_per_fte_week. Notebook 04
    counts freed hours as worth money only against these hours, and `recommended_plan` lets the
    tools take exactly them (new posts first, then leavers not replaced), so the same hours are
    valued once. Empty when the company has no roles.csv or drivers.csv to compute demand from.
    """
    if not company.has("roles", "drivers"):
        return pd.Series(dtype=float)
    scenario = resolve_scenario(company, scenario)
    g = for_scenario(headcount_gaps(company), scenario).set_index("role")["gap_fte"]
    g = g[g >= MIN_ACTION_FTE]
    moved = internal_movers(company, scenario=scenario).groupby("to_role")["fte"].sum()
    return (g - moved.reindex(g.index).fillna(0.0)).clip(lower=0) * company.settings.hours_per_fte_week


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


def recommended_plan(company: Company, *, scenario: str | None = None, prefer: str = "people",
                     capacity: pd.DataFrame | None = None) -> pd.DataFrame:
    """The plan that closes every role's gap within the horizon, with its rules.

    Per role with a gap of at least `smbkit.gaps.MIN_ACTION_FTE` under the scenario:

    1. Backfill: the expected leavers still needed are replaced as they leave (``backfill``),
       costed at `smbkit.costs.replacement_cost` each (the pay is already in the budget).
    2. Growth, people first (``prefer="people"``): our own people from roles with spare capacity
       (`internal_movers`, ``build``); then the hours tools free in the role (``bot``, from
       ``capacity``, `smbkit.redesign.freed_capacity`: exactly the hours notebook 04 valued, `gap_hours`),
       which take new posts first and then the work of leavers, who then need no replacing; then the
       growth every scenario shares is hired
       (``buy``; whole people only for a shortfall of at least `WHOLE_PERSON_SHARE`, the rest a
       part-time post when at least `smbkit.gaps.MIN_ACTION_FTE`, else overtime or contract), and what only the chosen scenario needs is contracted
       (``borrow``) so it can stop if growth does not come, unless no employee of the role holds one of
       its critical skills: then it is hired, since contractors alone should never carry a critical
       skill. With ``prefer="cost"`` each part goes to its cheapest option instead.
    3. Skills: newcomers bring the role's skills, so each skill gap shrinks by them; what remains is
       built by training the role's own people, nearest level first, when the training fits in the
       horizon (with ``prefer="cost"`` only when cheaper than a hire); what training cannot reach in
       time is hired for only when the skill is critical (an important skill is trained, never hired for).

    Returns
    -------
    DataFrame
        Columns: ``role``, ``action`` (backfill, build, bot, buy, borrow), ``skill`` (for skill steps), ``fte``
        (people or FTE), ``cost`` (over the horizon), ``months``, ``why``.
    """
    if prefer not in PREFERENCES:
        raise ValueError(f"prefer must be one of {', '.join(PREFERENCES)}; got: {prefer!r}")
    s = company.settings
    scenario = resolve_scenario(company, scenario)
    h = s.horizon_months
    gaps = headcount_gaps(company)
    shared = gaps.groupby("role")["growth_fte"].min()
    chosen = for_scenario(gaps, scenario).set_index("role")
    options = closure_options(company, scenario=scenario, capacity=capacity)
    bots = capacity.set_index("role") if capacity is not None and len(capacity) else pd.DataFrame()
    cost = role_costs(company)
    uncovered = _uncovered_critical(company)
    rows = []
    newcomers = {}
    for role, g in chosen.iterrows():
        if g["gap_fte"] < MIN_ACTION_FTE:
            continue
        c = cost.of(role)
        backfill, left = float(g["backfill_fte"]), float(g["growth_fte"])
        per = options[options["role"] == role].set_index("option")
        steps = []
        for option in ("build", "bot") if prefer == "people" else ("bot", "build"):
            if option == "bot":  # tools take new posts first, then the work of leavers who then need no replacing
                take = min(left + backfill, float(bots.loc[role, "to_gap_fte"])) if role in bots.index else 0.0
                if take <= 0.05:
                    continue
                from_growth = min(left, take)
                left, backfill = left - from_growth, backfill - (take - from_growth)
                steps.append((role, "bot", "", take, 0.0, float(bots.loc[role, "months"]),
                              f"tools on tasks {bots.loc[role, 'tasks']} (notebook 04 counts their cost and savings)"
                              + ("; some of it is the work of leavers who then need no replacing" if take > from_growth + 0.05 else "")))
                continue
            if option not in per.index or left <= 0.05:
                continue
            unit = float(per.loc[option, "cost"]) / float(per.loc[option, "fte"])
            if prefer == "cost" and unit > float(per.loc["buy", "cost"]) / float(per.loc["buy", "fte"]):
                continue  # with prefer="cost", a move only where it costs less than a hire
            take = min(left, float(per.loc[option, "fte"]))
            steps.append((role, option, "", take, unit * take, float(per.loc[option, "months"]), per.loc[option, "note"]))
            left -= take
        if backfill > 0.05:
            rows.append((role, "backfill", "", backfill, backfill * replacement_cost(c), MONTHS_TO_HIRE,
                         f"about {backfill:.1f} FTE are expected to leave and are still needed: replace each person as they go"))
        rows.extend(steps)
        certain = min(left, max(0.0, float(shared.get(role, 0.0))))
        hires, part = _whole(certain) if certain > 0.05 else (0, certain)
        if hires:
            rows.append((role, "buy", "", float(hires), hires * hire_cost(c, h), MONTHS_TO_HIRE,
                         f"needed in every scenario: hire {hires} {'person' if hires == 1 else 'people'}"))
        rest = left - hires
        if rest >= MIN_ACTION_FTE and role in uncovered:
            people, part = _whole(rest)
            fte = float(people) if people else rest  # a part-time employee when less than most of a person is missing
            rows.append((role, "buy", "", fte, fte * hire_cost(c, h), MONTHS_TO_HIRE,
                         f"no employee in the role holds {uncovered[role]}, and contractors alone should never carry a critical skill"
                         + ("" if people else ": a part-time post")))
            rest -= fte
        shared_part = min(rest, part)
        if shared_part >= MIN_ACTION_FTE:  # needed whatever happens, but less than most of a person: a part-time post
            rows.append((role, "buy", "", shared_part, shared_part * hire_cost(c, h), MONTHS_TO_HIRE,
                         "needed in every scenario, but less than most of a person: a part-time post"))
            rest -= shared_part
        if rest > 0.05:
            why = ("needed in every scenario, but too little for a post: overtime or a contractor" if rest <= part + 1e-9
                   else f"needed under {scenario} but not in every scenario: contract it so it can stop if growth does not come")
            rows.append((role, "borrow", "", rest, rest * contract_cost(c, h), MONTHS_TO_CONTRACT, why))
        newcomers[role] = math.ceil(round(float(g["growth_fte"]) - 0.05, 9)) if g["growth_fte"] > 0.05 else 0
    if company.has("role_skills", "skills"):
        hourly = role_costs(company, hourly=True)
        for gap in open_skill_gaps(skill_gaps(company, scenario=scenario)).itertuples():
            residual = max(0, gap.gap - newcomers.get(gap.role, 0))
            if not residual:
                continue
            # the role's own people below the level, nearest first; a level takes BUILD_MONTHS
            steps = [gap.required - level for _, level in trainees(company, gap.role, gap.skill, gap.required)]
            steps = [k for k in steps if k * BUILD_MONTHS <= h][:residual]
            training = build_cost(company, gap.skill, hourly.of(gap.role))
            buy_one = hire_cost(cost.of(gap.role), h)
            build_total = sum(steps) * training.per_level
            if steps and (prefer == "people" or build_total <= buy_one * len(steps)):
                rows.append((gap.role, "build", gap.skill, len(steps), build_total, max(steps) * BUILD_MONTHS,
                             f"train {len(steps)} of the role's people, {sum(steps)} level{'s' if sum(steps) > 1 else ''} in all "
                             f"({training.hours:.0f} h a level; {training.source})"))
                residual -= len(steps)
            if residual and gap.importance == 3:
                rows.append((gap.role, "buy", gap.skill, residual, residual * buy_one, MONTHS_TO_HIRE,
                             f"no one else in the role can reach level {gap.required} within the horizon: hire {residual} with {gap.skill}"))
    return pd.DataFrame(rows, columns=PLAN_COLUMNS)


_RISKS = {"buy": ("a hire is slow to make and hard to undo if growth does not come", "medium"),
          "borrow": ("contractors cost more per hour and take their know-how with them when they go", "medium"),
          "bot": ("tools may take less work than promised: pilot before relying on them", "medium"),
          "build": ("training can take longer than planned, and trained people may leave", "low"),
          "backfill": ("a post left empty for long puts the work on the others", "low")}


def staffing_decisions(company: Company, *, plan: pd.DataFrame, scenario: str | None = None) -> pd.DataFrame:
    """Notebook 03's actions: one decision per role, with all of the plan's steps for it, and roles to hold back.

    A role's decision is high priority when it hires for a critical skill (one the role needs and none
    of its people holds, or a skill gap training cannot close), or hires while even the
    scenario with the least demand leaves the role at least `MIN_ACTION_FTE` short (no regret);
    else medium; its cost is the people cost of its steps (tools are costed in
    notebook 04). A role whose demand falls below today's in every scenario -> hold back on replacing
    its leavers (medium).

    Returns
    -------
    DataFrame
        A `smbkit.decisions.decisions_table`.
    """
    s = company.settings
    scenario = resolve_scenario(company, scenario)
    cur = s.currency
    gaps = headcount_gaps(company)
    chosen = for_scenario(gaps, scenario).set_index("role")
    by = (s.as_of + pd.DateOffset(months=s.horizon_months)).date()
    every = gaps.groupby("role")["gap_fte"].min()  # the shortfall even the scenario with the least demand has
    uncovered = _uncovered_critical(company)
    rows = []
    for role, steps in plan.groupby("role", sort=False):
        parts = []
        for p in steps.itertuples():
            if p.action == "backfill":
                parts.append(f"replace about {p.fte:.0f} leaver{'s' if round(p.fte) != 1 else ''} as they go" if p.fte >= 0.5
                             else "replace a part-time leaver as they go")
            elif p.action == "build" and not p.skill:
                parts.append(f"move {p.fte:.1f} FTE of our own people in")
            elif p.action == "build":
                parts.append(f"train {p.fte:.0f} in {p.skill.replace('_', ' ')}")
            elif p.action == "bot":
                parts.append(f"let tools take {p.fte:.1f} FTE of the work")
            elif p.action == "buy" and p.fte != round(p.fte):
                parts.append(f"hire part-time ({p.fte:.1f} FTE)" + (f" with {uncovered[role].replace('_', ' ')}" if role in uncovered else ""))
            elif p.action == "buy":
                parts.append(f"hire {p.fte:.0f}" + (f" with {p.skill.replace('_', ' ')}" if p.skill else ""))
            else:
                parts.append(f"cover {p.fte:.1f} FTE part-time, by overtime or with a contractor")
        hires = steps[steps["action"] == "buy"]
        urgent = len(hires) > 0 and (bool((hires["skill"] != "").any()) or role in uncovered or bool(every.get(role, 0.0) >= MIN_ACTION_FTE))
        g = chosen.loc[role] if role in chosen.index else None
        why = (f"{g['demand_fte']:.1f} FTE needed by {by} under {scenario}, against {g['current_fte']:.1f} today and about "
               f"{g['supply_fte']:.1f} left after expected departures" if g is not None else "skills the role needs")
        risk, level = _RISKS[steps["action"].iloc[-1]]
        money = float(steps["cost"].sum())
        rows.append(Decision("high" if urgent else "medium", f"Staff {role}: " + ", ".join(parts), why,
                             "a plan from your scenarios and your own leaving rates", f"{cur} {money:,.0f} over the horizon (people)",
                             f"{steps.loc[steps['skill'] == '', 'fte'].sum():.1f} FTE ready by {by}" if (steps["skill"] == "").any()
                             else "the role's people at the levels it needs", risk, level, need=f"staff:{role}"))
    least = gaps.groupby("role")["demand_fte"].max() - gaps.groupby("role")["current_fte"].first()
    for role in least[least <= -MIN_ACTION_FTE].index:
        rows.append(Decision("medium", f"Hold back on replacing leavers in {role}",
                             f"every scenario needs at least {-least[role]:.1f} FTE less than today", "a plan from your scenarios",
                             risk="ask before leaving a post empty: the work may be there in other forms", risk_level="low",
                             need=f"staff:{role}"))
    return decisions_table(rows)


def plan_takeaway(plan: pd.DataFrame, company: Company) -> str:
    """Sentence for `recommended_plan`."""
    if plan.empty:
        return "No gap needs closing under this scenario."
    by = plan.groupby("action")["cost"].sum()
    cur = company.settings.currency
    parts = ", ".join(f"{ACTIONS[a]} {cur} {by[a]:,.0f}" for a in ("backfill", "build", "buy", "borrow") if a in by.index)
    tools = plan.loc[plan["action"] == "bot", "fte"].sum()
    text = f"Closing every gap costs about {cur} {plan['cost'].sum():,.0f} in people over the horizon: {parts}."
    if tools:
        text += f" Tools take {tools:.1f} FTE of the work; their cost and savings are in notebook 04."
    return text
