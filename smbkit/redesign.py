"""Notebook 04, part 2 — where freed hours go, how jobs change, and a path for every person affected.

Work redistributes rather than vanishes: hours a tool takes go first to reviewing its work, then to
the demand gaps of notebook 03, then to the role's judgement and people work; only what is left is
capacity to redeploy. Jobs are redesigned by stated rules and rated on the Job Characteristics Model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import privacy
from .automation import QUADRANT_CUT, automation_options, task_scores
from .costs import BUILD_MONTHS, build_cost, role_costs
from .data import Company
from .decisions import Decision, decisions_table
from .demand import resolve_scenario
from .gaps import MIN_ACTION_FTE
from .people import current_employees
from .staffing import MOVE_PAY_FLOOR, gap_hours
from .text import count

__all__ = [
    "HIGHER_VALUE_GROWTH",
    "RESKILL_SHARE",
    "HYBRID_REVIEW_SHARE",
    "NEW_ROLE_HOURS",
    "PILOTS",
    "ESTIMATE_SLOPES",
    "estimated_change",
    "freed_capacity",
    "JCM_COLUMNS",
    "role_base",
    "redistribution",
    "hours_by_category",
    "hours_that_move",
    "job_redesign",
    "mps",
    "motivating_potential",
    "reskilling_pathways",
    "automation_decisions",
    "redistribution_takeaway",
    "redesign_takeaway",
    "mps_takeaway",
    "pathways_takeaway",
]

# A role's judgement and people work may grow by up to a quarter with freed time (more time with
# customers, on quality, on coaching); the rest is capacity to redeploy. A planning choice: edit it.
HIGHER_VALUE_GROWTH = 0.25
# A role that loses more than a fifth of its hours to tools changes enough that its people are
# offered a reskilling pathway (Eloundou et al., 2023, count "affected" jobs from 10% of tasks and
# "heavily affected" from 50%; a fifth sits between and is smbkit's stated choice).
RESKILL_SHARE = 0.20
HYBRID_REVIEW_SHARE = 0.40  # review takes at least this share of what the tools do: people and tools side by side
PILOTS = 3  # start small: the first options to pilot before rolling out the rest
NEW_ROLE_HOURS = 20.0  # review hours a week across roles that justify a (part-time) automation coordinator
JCM_COLUMNS = ("skill_variety", "task_identity", "task_significance", "autonomy", "feedback")
# How the Job Characteristics Model ratings (1-7) are estimated to move when no "after" rating is
# given: stated rules, labelled as estimates wherever shown, that can lower a job as well as raise it
# (deskilling is the risk the source material warns about). Points per share of the job:
# skill variety moves with the share of the job that leaves routine work (routine_before -
# routine_after; negative when tools take the varied work and leave the routine); task identity falls
# with the share of judgement and people work that tools take (the job is cut into pieces); checking
# tools' output shows how well the work is done (feedback up) but sets its pace (autonomy down);
# an expanded job touches more of the business (task significance, a flat step).
ESTIMATE_SLOPES = {"skill_variety": 4.0, "task_identity": -4.0, "autonomy": -2.0, "feedback": 2.0}
EXPANSION_SIGNIFICANCE = 0.5
# What each kind of redesign means, in the words the decisions use.
REDESIGN_MEANING = {
    "augmentation": "tools take routine parts of the job and the freed time covers work the role will be short of",
    "enrichment": "freed time goes into the job's more challenging judgement and people work",
    "expansion": "the job broadens: its people cross-train and take on work from roles that need them",
    "hybrid": "people and tools work side by side, with a real share of time spent checking the tools",
    "new role": "someone runs, checks and improves the tools",
}
CATEGORIES = ("routine tasks", "judgement and people tasks", "reviewing tools' work", "work the demand gap needs",
              "capacity to redeploy", "other work (not in tasks.csv)")


def role_base(company: Company, scores: pd.DataFrame) -> pd.DataFrame:
    """Per role with tasks: FTE, weekly hours, and listed task hours split into routine and judgement/people."""
    hpw = company.settings.hours_per_fte_week
    fte = current_employees(company).groupby("role")["fte"].sum()
    t = scores.assign(fte=scores["role"].map(fte).fillna(0.0))
    t["hours"] = t["hours_per_week"] * t["fte"]
    t["people_work"] = t["human"] >= QUADRANT_CUT
    base = t.groupby("role").agg(fte=("fte", "first")).astype(float)
    base["role_hours"] = base["fte"] * hpw
    base["routine"] = t[~t["people_work"]].groupby("role")["hours"].sum().reindex(base.index).fillna(0.0)
    base["judgement"] = t[t["people_work"]].groupby("role")["hours"].sum().reindex(base.index).fillna(0.0)
    base["other"] = (base["role_hours"] - base["routine"] - base["judgement"]).clip(lower=0)
    return base


def redistribution(company: Company, options: pd.DataFrame, scores: pd.DataFrame, gaps_hours: pd.Series, *,
                   base: pd.DataFrame | None = None) -> pd.DataFrame:
    """Where the hours the plan's tools take go, per role, in hours a week.

    automated = hours the tools take; review = hours people spend checking them (stays in the role);
    net = automated - review; to_gap = min(net, the role's gap hours from notebook 03); to_higher_value
    = min(what is left, `HIGHER_VALUE_GROWTH` x the role's judgement and people task hours);
    released = the rest (capacity to redeploy, never a cut by itself). By construction
    automated = review + to_gap + to_higher_value + released. Freed hours are counted on today's FTE.
    ``base`` is `role_base` made once (the widget passes it so a move recomputes less).

    Returns
    -------
    DataFrame
        Columns: ``role``, ``fte``, ``role_hours``, ``routine``, ``judgement``, ``other`` (the role's hours a week
        before the plan, from `role_base`), ``automated``, ``from_people_tasks`` (the part of automated taken from
        judgement and people tasks), ``review``, ``net``, ``gap_hours``, ``to_gap``, ``to_higher_value``,
        ``released``, ``automated_share`` (automated / role_hours); roles with a planned option.
    """
    plan = options[options["in_plan"]].merge(scores[["task_id", "human"]], on="task_id")
    base = role_base(company, scores) if base is None else base
    per = plan.groupby("role").agg(automated=("automated_hours_week", "sum"), review=("review_hours_week", "sum"))
    people = plan["automated_hours_week"].where(plan["human"] >= QUADRANT_CUT, 0.0)
    per["from_people_tasks"] = people.groupby(plan["role"]).sum()
    out = base.join(per, how="inner")
    out["net"] = out["automated"] - out["review"]
    out["gap_hours"] = out.index.map(gaps_hours).fillna(0.0) if len(gaps_hours) else 0.0
    free = out["net"].clip(lower=0)
    out["to_gap"] = np.minimum(free, out["gap_hours"])
    out["to_higher_value"] = np.minimum(free - out["to_gap"], HIGHER_VALUE_GROWTH * out["judgement"])
    out["released"] = out["net"] - out["to_gap"] - out["to_higher_value"]
    out["automated_share"] = np.where(out["role_hours"] > 0, out["automated"] / out["role_hours"].where(out["role_hours"] > 0, 1), 0.0)
    cols = ["fte", "role_hours", "routine", "judgement", "other", "automated", "from_people_tasks", "review", "net", "gap_hours", "to_gap", "to_higher_value", "released", "automated_share"]
    return out.reset_index()[["role", *cols]].sort_values("automated", ascending=False, kind="stable").reset_index(drop=True)


def hours_by_category(redist: pd.DataFrame) -> pd.DataFrame:
    """Hours a week per role by kind of work, before and after the plan: work shifts, it does not vanish.

    Before: routine tasks (human score < 50), judgement and people tasks (>= 50), other work (the
    role's hours not listed in tasks.csv). After: tools take their hours from the tasks they
    automate; review, the demand gap and released capacity appear; judgement work grows by what
    `redistribution` gives it. Each role's total is the same before and after; where checking the
    tools takes more time than they save, the extra time comes out of other work.

    Returns
    -------
    DataFrame
        Columns: ``role``, ``category``, ``before``, ``after``, ``change``.
    """
    rows = []
    for r in redist.itertuples():
        tp = r.from_people_tasks
        before = [r.routine, r.judgement, 0.0, 0.0, 0.0, r.other]
        # when checking a tool takes more time than it saves (released < 0), the extra time crowds out other work
        after = [r.routine - (r.automated - tp), r.judgement - tp + r.to_higher_value, r.review, r.to_gap,
                 max(r.released, 0.0), r.other + min(r.released, 0.0)]
        rows += [(r.role, c, x, y, y - x) for c, x, y in zip(CATEGORIES, before, after)]
    return pd.DataFrame(rows, columns=["role", "category", "before", "after", "change"])


def hours_that_move(hours: pd.DataFrame) -> pd.DataFrame:
    """The rows of `hours_by_category` whose hours change by more than 0.05 a week (what the owner needs to see)."""
    return hours[hours["change"].abs() > 0.05].reset_index(drop=True)


def freed_capacity(company: Company, scenario: str | None = None) -> pd.DataFrame:
    """What notebook 04's automation plan frees per role, for notebook 03's staffing plan.

    to_gap_fte = hours the tools free that meet the role's own demand gap (`redistribution`'s
    to_gap) / hours_per_fte_week; released_fte = hours not needed by the role's work, its gap or its
    higher-value work, likewise in FTE (people who could move to roles that need them); months until
    the role's tools are in use; the tasks automated. The tools' costs and savings stay in notebook 04.

    Returns
    -------
    DataFrame
        Columns: ``role``, ``to_gap_fte``, ``released_fte``, ``months``, ``tasks``; empty without tasks and options.
    """
    cols = ["role", "to_gap_fte", "released_fte", "months", "tasks"]
    if not company.has("tasks", "automation_options"):
        return pd.DataFrame(columns=cols)
    scenario = resolve_scenario(company, scenario)
    scores = task_scores(company)
    options = automation_options(company, scenario=scenario)
    redist = redistribution(company, options, scores, gap_hours(company, scenario))
    plan = options[options["in_plan"]]
    hpw = company.settings.hours_per_fte_week
    per = plan.groupby("role").agg(months=("months_to_implement", "max"), tasks=("task_id", lambda t: ", ".join(sorted(t))))
    out = redist.set_index("role")[["to_gap", "released"]].join(per, how="inner")
    out["to_gap_fte"] = out["to_gap"] / hpw
    out["released_fte"] = out["released"].clip(lower=0) / hpw
    return out.reset_index()[cols]


def job_redesign(company: Company, redist: pd.DataFrame) -> pd.DataFrame:
    """How each role's job changes, by stated rules, in the order they are tried.

    1. expansion: the role loses more than `RESKILL_SHARE` of its hours and at least half an FTE is
       left after review, the gap and higher-value work: broaden the job, cross-train into roles
       that need people. 2. hybrid: review takes at least `HYBRID_REVIEW_SHARE` of what the tools do:
       people and tools side by side. 3. enrichment: more freed time goes to the role's judgement and
       people work than to its demand gap. 4. augmentation: tools take routine parts and the freed
       time covers work the role will be short of (new posts, or leavers not replaced). A final "new role" row appears when review across roles
       reaches `NEW_ROLE_HOURS` a week: someone to run and improve the tools.

    Returns
    -------
    DataFrame
        Columns: ``role``, ``hours_to_tools``, ``share_of_hours``, ``routine_before``, ``routine_after``,
        ``people_work_taken`` (judgement and people work tools take), ``review_share`` (time spent checking
        tools), all shares of the role's hours, ``redesign``, ``why``.
    """
    hpw = company.settings.hours_per_fte_week
    rows = []
    for r in redist.itertuples():
        if r.role_hours <= 0:
            continue
        routine = r.routine
        if r.automated_share > RESKILL_SHARE and r.released >= 0.5 * hpw:
            kind, why = "expansion", (f"tools take {r.automated_share:.0%} of the role's hours and {r.released:.0f} h a week are not needed "
                                      "by its own work: broaden the job and cross-train its people into roles that need them")
        elif r.automated > 0 and r.review >= HYBRID_REVIEW_SHARE * r.automated:
            kind, why = "hybrid", f"checking the tools takes {r.review / r.automated:.0%} of the time they save: people and tools side by side"
        elif r.to_higher_value > r.to_gap:
            kind, why = "enrichment", f"{r.to_higher_value:.0f} h a week move into judgement and people work"
        else:
            kind, why = "augmentation", f"tools take routine parts; {r.to_gap:.0f} h a week cover work the role will be short of"
        rows.append((r.role, r.automated, r.automated_share, routine / r.role_hours,
                     (routine - (r.automated - r.from_people_tasks)) / r.role_hours, r.from_people_tasks / r.role_hours,
                     r.review / r.role_hours, kind, why))
    total_review = float(redist["review"].sum()) if len(redist) else 0.0
    if total_review >= NEW_ROLE_HOURS:
        rows.append(("automation coordinator (new role)", np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, "new role",
                     f"{total_review:.0f} h a week of reviewing tools across {len(redist)} roles: consider a part-time role that "
                     "runs, checks and improves the tools, filled from within"))
    return pd.DataFrame(rows, columns=["role", "hours_to_tools", "share_of_hours", "routine_before", "routine_after", "people_work_taken",
                                       "review_share", "redesign", "why"])


def estimated_change(row) -> dict[str, float]:
    """How a redesigned job's JCM ratings are estimated to move (`ESTIMATE_SLOPES`), from a `job_redesign` row.

    Examples
    --------
    >>> import types
    >>> job = types.SimpleNamespace(routine_before=0.5, routine_after=0.75, people_work_taken=0.25, review_share=0.1,
    ...                             redesign="augmentation")
    >>> {k: round(v, 2) for k, v in estimated_change(job).items()}  # tools took the varied work: the job loses variety
    {'skill_variety': -1.0, 'task_identity': -1.0, 'autonomy': -0.2, 'feedback': 0.2, 'task_significance': 0.0}
    """
    shares = {"skill_variety": row.routine_before - row.routine_after, "task_identity": row.people_work_taken,
              "autonomy": row.review_share, "feedback": row.review_share}
    out = {k: ESTIMATE_SLOPES[k] * float(v) for k, v in shares.items()}
    out["task_significance"] = EXPANSION_SIGNIFICANCE if row.redesign == "expansion" else 0.0
    return out


def mps(skill_variety, task_identity, task_significance, autonomy, feedback):
    """Motivating potential score (Hackman & Oldham, 1975): ((SV + TI + TS) / 3) x A x F.

    Examples
    --------
    >>> mps(4, 5, 6, 3, 2)
    30.0
    """
    return (skill_variety + task_identity + task_significance) / 3 * autonomy * feedback


def motivating_potential(company: Company, redesign: pd.DataFrame) -> pd.DataFrame:
    """Job Characteristics Model ratings and MPS per role, before and after the plan.

    "After" is the rating in job_design.csv when given (source "rated"); otherwise, for a role the plan
    redesigns, the before rating moved by `estimated_change` and kept within 1-7 (source "estimate");
    a role the plan does not touch keeps its rating ("no change planned"). Ratings from a survey of
    the role's people are hidden when the role has fewer than min_group_size people today.

    Returns
    -------
    DataFrame
        Columns: ``role``, ``stage``, ``source``, the five JCM columns, ``mps``, ``hidden``.
    """
    jd = company.job_design
    min_size = privacy.check_min_group_size(company.settings.min_group_size)
    headcount = current_employees(company).groupby("role").size()
    changes = {r.role: (r.redesign, estimated_change(r)) for r in redesign.itertuples() if r.redesign != "new role"}
    rows = []
    for role, g in jd.groupby("role", sort=False):
        by_stage = g.set_index("stage")
        hide = bool((g["rated_by"] == "survey").any()) and bool(privacy.too_few(int(headcount.get(role, 0)), min_size))
        if "before" not in by_stage.index:
            continue
        before = by_stage.loc["before", list(JCM_COLUMNS)].astype(float)
        rows.append((role, "before", "rated", *before, hide))
        if "after" in by_stage.index:
            rows.append((role, "after", "rated", *by_stage.loc["after", list(JCM_COLUMNS)].astype(float), hide))
        elif role in changes:
            kind, delta = changes[role]
            moved = before + pd.Series(delta).reindex(before.index).fillna(0.0)
            rows.append((role, "after", f"estimate ({kind})", *moved.clip(1, 7), hide))
        else:
            rows.append((role, "after", "no change planned", *before, hide))
    out = pd.DataFrame(rows, columns=["role", "stage", "source", *JCM_COLUMNS, "hidden"])
    out["mps"] = mps(*(out[c] for c in JCM_COLUMNS))
    out.loc[out["hidden"], [*JCM_COLUMNS, "mps"]] = np.nan
    return out[["role", "stage", "source", *JCM_COLUMNS, "mps", "hidden"]]


def reskilling_pathways(company: Company, redist: pd.DataFrame, gaps_hours: pd.Series) -> pd.DataFrame:
    """A pathway for the people of every role whose hours the tools release: hours its own work,
    its demand gap and its higher-value work do not need, at least `MIN_ACTION_FTE` of a person.

    A role whose own growth absorbs what the tools free keeps its people: nobody needs a way out.
    Every person of a releasing role is offered a path (the move is their choice); ``places`` says how
    many moves the released hours make room for. The target is the role with a gap of at least
    `MIN_ACTION_FTE` (notebook 03), paying at least `smbkit.staffing.MOVE_PAY_FLOOR` of the person's
    current role, that the person is nearest to: fewest proficiency levels short of its required skills
    (skills.csv, role_skills.csv), larger gap first on ties. A level takes `BUILD_MONTHS`; skills are
    learned side by side, so the months are those of the largest step. Cost per level as in notebook
    03 (learning history, else the stated default). Without a reachable gap role the pathway is to grow
    within the role.

    Returns
    -------
    DataFrame
        Columns: ``person``, ``role``, ``share_of_hours``, ``places``, ``to_role``, ``skills_to_build``, ``levels``,
        ``months``, ``cost``, ``note``.
    """
    cols = ["person", "role", "share_of_hours", "places", "to_role", "skills_to_build", "levels", "months", "cost", "note"]
    s = company.settings
    affected = redist[redist["released"] >= MIN_ACTION_FTE * s.hours_per_fte_week]
    if affected.empty:
        return pd.DataFrame(columns=cols)
    cur = current_employees(company)
    labels = privacy.person_labels(cur, show_names=s.show_names)
    targets = gaps_hours[gaps_hours >= MIN_ACTION_FTE * s.hours_per_fte_week].sort_values(ascending=False)
    have_skills = company.has("skills", "role_skills")
    pay = role_costs(company).per_role
    hourly = role_costs(company, hourly=True)
    levels = (company.skills.pivot_table(index="employee_id", columns="skill", values="proficiency", aggfunc="max")
              if have_skills else pd.DataFrame())
    needs = {role: g.set_index("skill")["required_proficiency"] for role, g in company.role_skills.groupby("role")} if have_skills else {}
    per_level = {}
    rows = []
    for r in affected.itertuples():
        places = int(round(r.released / s.hours_per_fte_week))
        note = f"{r.released:.0f} h a week of the role are free after review, its demand and higher-value work"
        people = cur.loc[cur["role"] == r.role, "employee_id"]
        options = [role for role in targets.index if role != r.role and role in needs
                   and pay.get(role, 0.0) >= MOVE_PAY_FLOOR * pay.get(r.role, 0.0)]
        # levels short of each target role's required skills, for all the role's people at once
        have = levels.reindex(index=people) if len(levels) else pd.DataFrame(index=people)
        short = {role: (needs[role] - have.reindex(columns=needs[role].index).fillna(0)).clip(lower=0) for role in options}
        for e in people:
            best = None
            for role in options:  # in order of gap size: the first of equally near roles wins
                gap = short[role].loc[e]
                if best is None or gap.sum() < best[1].sum():
                    best = (role, gap)
            if best is not None:
                best = (best[0], {k: int(v) for k, v in best[1].items() if v > 0})
            if best is None:
                rows.append((labels[e], r.role, r.automated_share, places, r.role, "", 0, 0.0, 0.0,
                             note + "; no role with a gap to move to: grow within the role's judgement and people work"))
                continue
            role, steps = best
            for k in steps:
                if (k, r.role) not in per_level:
                    per_level[(k, r.role)] = build_cost(company, k, hourly.of(r.role)).per_level
            per = {k: per_level[(k, r.role)] for k in steps}
            months = max(steps.values(), default=0) * BUILD_MONTHS
            late = "; longer than the planning horizon" if months > s.horizon_months else ""
            rows.append((labels[e], r.role, r.automated_share, places, role, ", ".join(f"{k} +{v}" for k, v in steps.items()) or "none",
                         sum(steps.values()), months, sum(per[k] * v for k, v in steps.items()), note + late))
    return pd.DataFrame(rows, columns=cols)


def automation_decisions(company: Company, options: pd.DataFrame, flags: pd.DataFrame, redesign: pd.DataFrame,
                         pathways: pd.DataFrame) -> pd.DataFrame:
    """Actions from notebook 04, most urgent first.

    High: add a review step wherever a planned tool has none; pilot the `PILOTS` options worth most
    (start small, measure, then scale). Medium: roll out the other paying options after the pilots,
    redesign each kind of job with its people, offer the pathways of roles whose hours are released.
    Low: options that do not pay back, or that free hours no role needs. Each tool's money is its
    NPV over `smbkit.costs.NPV_YEARS` years from the hours that meet demand (or are released): the
    same hours are not counted again in notebook 03, where the staffing decisions count people's costs.

    Returns
    -------
    DataFrame
        A `smbkit.decisions.decisions_table`.
    """
    cur = company.settings.currency
    rows = []
    for f in flags[flags["severity"] == "fix"].itertuples():
        rows.append(Decision("high", f"Add a human review step to \"{f.task}\" ({f.option_id})", f"{f.finding}; decide who checks and how often",
                             "a fact in the plan: no review hours are set", "an hour or two of a person's time a week",
                             "mistakes are caught before customers see them", "without it, errors go out unchecked", "low",
                             need=f"tool:{f.option_id}:review"))
    plan = options[options["in_plan"]].sort_values("npv_3y", ascending=False)
    for o in plan.head(PILOTS).itertuples():
        tool = f"{o.tool_category}" + (f" ({o.example_tool})" if o.example_tool else "")
        use = (f"{o.to_demand_hours_week:.1f} of them cover work {o.role} will be short of (new posts, or leavers not replaced)"
               if o.to_demand_hours_week > 0 else "released hours")
        rows.append(Decision("high", f"Pilot {tool} on \"{o.task}\" for {o.role}",
                             f"frees {o.automated_hours_week - o.review_hours_week:.1f} h a week after review; {use}",
                             "a calculation from your own task hours and the supplier's figures: measure before scaling",
                             f"{cur} {o.one_time_cost:,.0f} to set up and {cur} {o.annual_cost:,.0f} a year",
                             f"worth {cur} {o.npv_3y:,.0f} over 3 years, paid back in {o.payback_months:.0f} months",
                             "the tool may take less work than promised" + ("; a person must keep checking its work" if o.guarded else ""),
                             "medium", value=float(o.npv_3y), need=f"tool:{o.option_id}"))
    rest = plan.iloc[PILOTS:]
    if len(rest):
        rows.append(Decision("medium", f"Roll out the other {len(rest)} paying options once the pilots have shown their hours",
                             "; ".join(f"{o.task} ({o.tool_category})" for o in rest.itertuples()),
                             "a calculation from your own task hours and the suppliers' figures",
                             f"{cur} {rest['one_time_cost'].sum():,.0f} to set up and {cur} {rest['annual_cost'].sum():,.0f} a year",
                             f"worth {cur} {rest['npv_3y'].sum():,.0f} over 3 years", "the pilots may show less than promised", "medium",
                             value=float(rest["npv_3y"].sum()), need="tools:rollout"))
    for kind, g in redesign.groupby("redesign", sort=False):
        rows.append(Decision("medium", f"Redesign jobs with the people who do them ({kind}): {', '.join(g['role'])}", REDESIGN_MEANING[kind],
                             "a rule on the plan's hours", risk_level="low", need=f"jobs:{kind}"))
    for role, g in pathways.groupby("role", sort=False):
        to = ", ".join(sorted(set(g["to_role"]) - {role})) or "higher-value work in the role"
        places = int(g["places"].iloc[0])
        rows.append(Decision("medium", f"Offer {role} people a path to {to}",
                             f"the tools release about {places} {'person' if places == 1 else 'people'}'s worth of hours; {g['note'].iloc[0]}",
                             "a rule on the plan's hours", f"training, {cur} {g['cost'].median():,.0f} a person (typical)",
                             f"up to {places} {'person moves' if places == 1 else 'people move'} into work that needs them",
                             "people choose: a path is an offer, never a push", "low", need=f"people:{role}"))
    for o in options[~options["in_plan"] & (options["npv_3y"] <= 0)].itertuples():
        rows.append(Decision("low", f"Do not automate \"{o.task}\" with {o.tool_category} yet", o.why,
                             f"a calculation: worth {cur} {o.npv_3y:,.0f} over 3 years at the stated costs",
                             risk="revisit if prices fall or demand grows", risk_level="low", need=f"tool:{o.option_id}"))
    return decisions_table(rows)


def redistribution_takeaway(redist: pd.DataFrame) -> str:
    """Sentence for `redistribution`."""
    if redist.empty:
        return "The plan automates nothing, so no hours move."
    t = redist[["automated", "review", "to_gap", "to_higher_value", "released"]].sum()
    worse = redist.loc[redist["net"] < 0, "role"]
    warn = (f" Watch {', '.join(worse)}: checking the tools there takes more time than they save." if len(worse) else "")
    return (f"Tools take {t['automated']:.0f} hours a week. People keep {t['review']:.0f} of them to check the tools' work. "
            f"Of the rest, {t['to_gap']:.0f} go to the gaps found in notebook 03, {t['to_higher_value']:.0f} to judgement and people work, and "
            f"{t['released']:.0f} are time to use elsewhere. The work shifts; it does not vanish." + warn)


def redesign_takeaway(redesign: pd.DataFrame) -> str:
    """Sentence for `job_redesign`."""
    if redesign.empty:
        return "No job changes under the plan."
    n = redesign["redesign"].value_counts()
    parts = ", ".join(f"{k} {v}" for k, v in n.items())
    top = redesign.dropna(subset=["share_of_hours"]).sort_values("share_of_hours", ascending=False).iloc[0]
    return (f"{len(redesign)} jobs change ({parts}). The biggest change is for {top['role']}: tools take "
            f"{top['share_of_hours']:.0%} of its hours, and its routine share falls from {top['routine_before']:.0%} to "
            f"{top['routine_after']:.0%}.")


def mps_takeaway(table: pd.DataFrame) -> str:
    """Sentence for `motivating_potential`."""
    shown = table.dropna(subset=["mps"])
    if shown.empty:
        return "No job ratings can be shown."
    wide = shown.pivot_table(index="role", columns="stage", values="mps")
    wide = wide.dropna()
    lowest = shown[shown["stage"] == "before"].sort_values("mps").iloc[0]
    text = (f"Motivating potential runs from 1 to 343; the lowest today is {lowest['role']} at {lowest['mps']:.0f}. ")
    if len(wide):
        up = wide.assign(change=wide["after"] - wide["before"]).sort_values("change", ascending=False).iloc[0]
        text += (f"The plan raises it most for {up.name}, from {up['before']:.0f} to {up['after']:.0f}. "
                 "Values marked estimate follow stated rules: ask the people in the role before relying on them.")
    hidden = int(table.loc[table["stage"] == "before", "hidden"].sum())
    if hidden:
        text += f" {hidden} role{'s are' if hidden > 1 else ' is'} hidden: too few people answered for their survey ratings to stay anonymous."
    return text


def pathways_takeaway(pathways: pd.DataFrame) -> str:
    """Sentence for `reskilling_pathways`."""
    if pathways.empty:
        return "No role loses enough of its hours to tools to need a reskilling pathway."
    moves = pathways[pathways["to_role"] != pathways["role"]]
    roles = ", ".join(dict.fromkeys(pathways["role"]))
    text = f"{count(len(pathways), 'person')} in {roles} {'is' if len(pathways) == 1 else 'are'} offered a pathway, never just a cut"
    if len(moves):
        text += (f"; {len(moves)} could move to a role that needs people, typically in {moves['months'].median():.0f} months "
                 f"of training")
    return text + "."
