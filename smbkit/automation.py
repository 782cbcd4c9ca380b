"""Notebook 04, part 1 — which tasks machines should take, what each option pays, and where people must stay.

Tasks are scored for automation potential and for the human judgement they need; options are
priced from the hours they free at the role's loaded cost; guardrails keep a person reviewing
every task where judgement, empathy or compliance matter.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .costs import NPV_YEARS, npv, payback_months, role_costs
from .data import Company
from .demand import resolve_scenario
from .people import current_employees
from .staffing import gap_hours

__all__ = [
    "POTENTIAL_WEIGHTS",
    "HUMAN_WEIGHTS",
    "QUADRANT_CUT",
    "GUARD_RATING",
    "MAX_GUARDED_SHARE",
    "REVIEW_SHARE",
    "task_scores",
    "tool_catalogue",
    "catalogue_suggestions",
    "option_inputs",
    "evaluate_options",
    "automation_options",
    "guardrail_flags",
    "sensitivity",
    "scores_takeaway",
    "options_takeaway",
    "guardrails_takeaway",
    "sensitivity_takeaway",
]

# Automation potential weights the four ratings of tasks.csv. They follow the questions UiPath's
# Automation Hub asks of an idea (rules, input type, input structure, process stability; each rated
# 1-5): clear rules matter most, digital structured input and repetition next, stability last.
# smbkit's own weights; they add up to 1 and can be edited here.
POTENTIAL_WEIGHTS = {"rule_based": 0.30, "repetitive": 0.25, "digital_input": 0.25, "volume_stability": 0.20}
# The human-judgement score weights judgement highest: it is what tools do worst.
HUMAN_WEIGHTS = {"judgment": 0.40, "empathy": 0.30, "compliance_risk": 0.30}
QUADRANT_CUT = 50.0  # both scores run 0-100; 50 is the middle of the scale
QUADRANTS = ("automate", "augment", "keep human", "review")
# Guardrail: a task rated this high on judgement, empathy or compliance risk is never fully
# automated. The plan caps the tool's share and keeps a person checking a share of its output.
GUARD_RATING = 4
MAX_GUARDED_SHARE = 0.8
REVIEW_SHARE = 0.2  # review hours at least this share of the hours the tool takes over
_CATALOGUE = Path(__file__).with_name("tool_catalogue.csv")


def _scale(frame: pd.DataFrame, weights: dict) -> pd.Series:
    """Weighted 1-5 ratings on a 0-100 scale: 100 x sum(w x (rating - 1) / 4)."""
    return sum(w * (frame[c].astype(float) - 1) / 4 for c, w in weights.items()) * 100


def task_scores(company: Company) -> pd.DataFrame:
    """Automation potential and human-judgement score of every task, its quadrant and guardrail.

    potential = 100 x sum over `POTENTIAL_WEIGHTS` of w x (rating - 1) / 4; human = the same over
    `HUMAN_WEIGHTS`. Quadrant: potential >= 50 and human < 50 -> automate; both >= 50 -> augment
    (the tool helps, a human stays in the loop); potential < 50 and human >= 50 -> keep human;
    both < 50 -> review (little to gain from tools: simplify the task first). A task rated
    >= `GUARD_RATING` on judgment, empathy or compliance_risk is guarded: never "automate", at most
    "augment".

    Returns
    -------
    DataFrame
        Columns: ``task_id``, ``role``, ``task``, ``function``, ``hours_per_week``, ``potential``, ``human``,
        ``quadrant``, ``guarded``, ``guard_reason``.

    """
    t = company.tasks
    out = t[["task_id", "role", "task", "function", "hours_per_week"]].copy()
    out["hours_per_week"] = out["hours_per_week"].astype(float)
    out["potential"] = _scale(t, POTENTIAL_WEIGHTS).round(1)
    out["human"] = _scale(t, HUMAN_WEIGHTS).round(1)
    high_p, high_h = out["potential"] >= QUADRANT_CUT, out["human"] >= QUADRANT_CUT
    out["quadrant"] = np.select([high_p & ~high_h, high_p & high_h, ~high_p & high_h], QUADRANTS[:3], QUADRANTS[3])
    reasons = [", ".join(f"{c.replace('_', ' ')} {int(r[c])}" for c in HUMAN_WEIGHTS if r[c] >= GUARD_RATING)
               for _, r in t.iterrows()]
    out["guarded"] = [bool(r) for r in reasons]
    out["guard_reason"] = reasons
    out.loc[out["guarded"] & (out["quadrant"] == "automate"), "quadrant"] = "augment"
    return out


def tool_catalogue(path=None) -> pd.DataFrame:
    """The catalogue of tool categories by business function (smbkit ships an editable CSV).

    Pass ``path`` to read your own edited copy; its columns are ``function``, ``tool_category``,
    ``automation_type``, ``example_tools``, ``typical_tasks``.
    """
    table = pd.read_csv(path or _CATALOGUE, dtype=str, keep_default_na=False)
    missing = [c for c in ("function", "tool_category", "example_tools") if c not in table.columns]
    if missing:
        raise ValueError(f"the tool catalogue {path} has no column {missing[0]!r}; it needs function, tool_category, example_tools "
                         "(copy smbkit's tool_catalogue.csv and edit its rows)")
    return table


def catalogue_suggestions(company: Company, scores: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Tasks that could be automated or augmented but have no priced option yet, with tool categories to look at.

    Returns
    -------
    DataFrame
        Columns: ``task_id``, ``role``, ``task``, ``quadrant``, ``tool_categories``, ``example_tools``.
    """
    priced = set(company.automation_options["task_id"]) if company.has("automation_options") else set()
    todo = scores[scores["quadrant"].isin(["automate", "augment"]) & ~scores["task_id"].isin(priced)]
    rows = []
    for r in todo.itertuples():
        cat = catalogue[catalogue["function"] == r.function]
        rows.append((r.task_id, r.role, r.task, r.quadrant, "; ".join(cat["tool_category"]) or "none listed for this function",
                     "; ".join(cat["example_tools"])))
    return pd.DataFrame(rows, columns=["task_id", "role", "task", "quadrant", "tool_categories", "example_tools"])




def option_inputs(company: Company) -> pd.DataFrame:
    """Everything an option's value depends on, gathered once (the widget re-evaluates from it).

    fte is the current FTE of the task's role; hourly is the role's loaded yearly cost per FTE
    divided by hours_per_fte_week x weeks_per_year (company median for a role nobody holds).

    Returns
    -------
    DataFrame
        One row per option of automation_options.csv, with its task's role, quadrant and guardrail.
    """
    scores = task_scores(company)
    opt = company.automation_options.merge(scores, on="task_id", how="left")
    fte = current_employees(company).groupby("role")["fte"].sum()
    opt["fte"] = opt["role"].map(fte).fillna(0.0).astype(float)
    opt["hourly_cost"] = role_costs(company, hourly=True).map(opt["role"])
    opt["example_tool"] = opt["example_tool"].fillna("")
    return opt.reset_index(drop=True)


def _useful_hours(net: np.ndarray, roles: np.ndarray, order: np.ndarray, gap: dict, taking: np.ndarray) -> np.ndarray:
    """Hours a week of each option that meet its role's demand gap: the role's gap hours go to the
    ``taking`` options in ``order`` (cheapest per hour first), each option's share once."""
    left = dict(gap)
    out = np.zeros(len(net))
    for i in order:
        if taking[i] and net[i] > 0:
            out[i] = min(net[i], max(0.0, left.get(roles[i], 0.0)))
            left[roles[i]] = left.get(roles[i], 0.0) - out[i]
    return out


def evaluate_options(inputs: pd.DataFrame, company: Company, *, gap_hours: pd.Series | None = None, release: bool = False,
                     share_factor: float = 1.0, cost_factor: float = 1.0, exclude=(), selected=None) -> pd.DataFrame:
    """What each option frees, costs and returns; which ones the plan takes.

    Per option, with W = weeks_per_year and h the role's loaded hourly cost: share =
    automatable_share x share_factor (at most 1; at most `MAX_GUARDED_SHARE` on a guarded task);
    automated hours/week = task hours per FTE x FTE in the role x share; review hours/week =
    oversight_hours_per_week, and on a guarded task at least `REVIEW_SHARE` x automated hours; freed
    = automated - review. Freed hours are worth money only where they meet demand or are released,
    and each hour is counted once: the hours a role lacks at the horizon (``gap_hours``, from
    `smbkit.gaps.gap_hours`) go to its options cheapest per freed hour first (``to_demand_hours_week``);
    the rest (``spare_hours_week``) is capacity to redeploy, worth money only with ``release=True``
    (the owner reduces paid hours, e.g. by not replacing a leaver). value_year = counted hours x W x h;
    net_year = value_year - annual_cost (and minus the extra time when review takes more than the tool
    saves); payback and NPV by `smbkit.costs.payback_months` and `smbkit.costs.npv` over the horizon
    and `NPV_YEARS` years at discount_rate. ``cost_factor`` scales both costs (sensitivity).

    The plan takes an option when its task is not "keep human", it is worth most of its task's options
    on its own and its NPV over `NPV_YEARS` years is positive with the others in the plan, unless it is
    in ``exclude`` (option ids, as a list or as one comma-separated string); options that do not pay
    give their share of the gap back to the others, until the plan is stable. Passing ``selected`` (option ids) overrides the
    rule: exactly those are in the plan (and share the gap).

    Returns
    -------
    DataFrame
        Columns: ``option_id``, ``task_id``, ``role``, ``task``, ``quadrant``, ``guarded``, ``tool_category``,
        ``example_tool``, ``share``, ``automated_hours_week``, ``review_hours_week``, ``to_demand_hours_week``,
        ``spare_hours_week``, ``hours_saved_year``, ``value_year``, ``annual_cost``, ``net_year``, ``one_time_cost``,
        ``months_to_implement``, ``payback_months``, ``npv_horizon``, ``npv_3y``, ``in_plan``, ``why``.
    """
    s = company.settings
    o = inputs
    W = s.weeks_per_year
    guarded = o["guarded"].to_numpy(dtype=bool)
    share = np.clip(o["automatable_share"].to_numpy(dtype=float) * share_factor, 0, 1)
    share = np.where(guarded, np.minimum(share, MAX_GUARDED_SHARE), share)
    automated = o["hours_per_week"].to_numpy(dtype=float) * o["fte"].to_numpy(dtype=float) * share
    review = o["oversight_hours_per_week"].to_numpy(dtype=float)
    review = np.where(guarded, np.maximum(review, REVIEW_SHARE * automated), review)
    freed = automated - review
    h = o["hourly_cost"].to_numpy(dtype=float)
    annual = o["annual_cost"].to_numpy(dtype=float) * cost_factor
    one_time = o["one_time_cost"].to_numpy(dtype=float) * cost_factor
    months = o["months_to_implement"].to_numpy(dtype=float)
    roles = o["role"].to_numpy()
    gap = {} if gap_hours is None else {k: float(v) for k, v in gap_hours.items()}
    per_hour = (annual + one_time / NPV_YEARS) / np.where(freed > 0, freed, np.nan)
    order = np.argsort(np.nan_to_num(per_hour, nan=np.inf), kind="stable")
    if isinstance(exclude, str):  # "A05, A11" as typed in a notebook's parameters
        exclude = [x.strip() for x in exclude.split(",") if x.strip()]
    excluded = o["option_id"].isin(set(exclude)).to_numpy()
    human = (o["quadrant"] == "keep human").to_numpy()

    def value(taking):
        useful = _useful_hours(freed, roles, order, gap, taking)
        spare = np.clip(freed, 0, None) - useful
        counted = useful + (spare if release else 0.0)
        net = counted * W * h + np.minimum(freed, 0) * W * h - annual
        return useful, spare, counted * W * h, net, npv(one_time, net, months, 12 * NPV_YEARS, s.discount_rate)

    if selected is not None:
        taking = o["option_id"].isin(set(selected)).to_numpy()
        useful, spare, worth, net, npv3 = value(taking)
    else:
        # per task, the option worth most on its own (against its role's whole gap) competes; of those, the ones
        # that do not pay drop out, giving their share of the gap back, until the plan is stable
        eligible = ~excluded & ~human
        alone = np.array([value(np.arange(len(o)) == i)[4][i] for i in range(len(o))])
        ranked = pd.DataFrame({"task": o["task_id"].to_numpy(), "npv": np.where(eligible, alone, -np.inf)})
        best = ranked.sort_values("npv", ascending=False, kind="stable").drop_duplicates("task").index.to_numpy()
        taking = np.isin(np.arange(len(o)), best) & eligible
        for _ in range(len(o) + 1):
            useful, spare, worth, net, npv3 = value(taking)
            keep = taking & (npv3 > 0)
            if (keep == taking).all():
                break
            taking = keep
        # an option not taking part is valued on what is left of its role's gap, as if it were added
        for i in np.flatnonzero(~taking):
            trial = taking.copy()
            trial[i] = True
            u, sp, wo, ne, n3 = value(trial)
            useful[i], spare[i], worth[i], net[i], npv3[i] = u[i], sp[i], wo[i], ne[i], n3[i]
    out = pd.DataFrame({
        "option_id": o["option_id"], "task_id": o["task_id"], "role": o["role"], "task": o["task"], "quadrant": o["quadrant"],
        "guarded": guarded, "tool_category": o["tool_category"], "example_tool": o["example_tool"], "share": share,
        "automated_hours_week": automated, "review_hours_week": review, "to_demand_hours_week": useful, "spare_hours_week": spare,
        "hours_saved_year": automated * W, "value_year": worth, "annual_cost": annual, "net_year": net, "one_time_cost": one_time,
        "months_to_implement": months, "payback_months": payback_months(one_time, net, months),
        "npv_horizon": npv(one_time, net, months, s.horizon_months, s.discount_rate), "npv_3y": npv3,
    })
    if selected is not None:
        out["in_plan"] = taking
        out["why"] = np.where(taking, "switched on", "switched off")
        return out
    out["in_plan"] = taking
    nothing_to_meet = (useful <= 0) & ~(release & (spare > 0))
    out["why"] = np.select(
        [excluded, human, taking & guarded, taking, freed <= 0, nothing_to_meet, npv3 <= 0],
        ["switched off", "the task needs people (keep human)", "pays back; a person keeps reviewing (guarded task)", "pays back",
         f"does not pay back within {NPV_YEARS} years: checking its work would take more time than it saves",
         "no role's demand needs the hours it frees (they would be spare capacity, worth no money unless released)",
         f"does not pay back within {NPV_YEARS} years"],
        "another option for the same task costs more per hour freed")
    return out


def automation_options(company: Company, *, scenario: str | None = None, **kwargs) -> pd.DataFrame:
    """`evaluate_options` on the company's options, with the demand gaps of ``scenario`` (default: the likely one)."""
    return evaluate_options(option_inputs(company), company, gap_hours=gap_hours(company, resolve_scenario(company, scenario)), **kwargs)


def guardrail_flags(options: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """Where the plan must keep people in the loop, in plain words.

    Flags: a guarded task with an option (the plan caps the tool's share and keeps review hours);
    an option in the plan whose review hours are zero (no human checks the tool's work); an option
    for a task that should stay human (not planned).

    Returns
    -------
    DataFrame
        Columns: ``task_id``, ``task``, ``option_id``, ``finding``, ``what_the_plan_does``, ``severity``
        (``fix`` when the owner must act, ``kept`` when the plan already keeps the guardrail).
    """
    reason = scores.set_index("task_id")["guard_reason"]
    rows = []
    for o in options.itertuples():
        if o.guarded:
            rows.append((o.task_id, o.task, o.option_id, f"rated {reason[o.task_id]}: a mistake here needs a person to catch it",
                         f"tool takes at most {o.share:.0%} of the task; a person reviews {o.review_hours_week:.1f} h a week",
                         "kept"))
        if o.in_plan and o.review_hours_week <= 0:
            rows.append((o.task_id, o.task, o.option_id, "no person reviews the tool's work on this task",
                         "nothing yet: add a review step and an owner before switching the tool on", "fix"))
        if o.quadrant == "keep human":
            rows.append((o.task_id, o.task, o.option_id, "the task needs judgement or personal contact more than speed",
                         "not planned: tools may support people here but should not take the work", "kept"))
    return pd.DataFrame(rows, columns=["task_id", "task", "option_id", "finding", "what_the_plan_does", "severity"])


def sensitivity(inputs: pd.DataFrame, company: Company, options: pd.DataFrame, *, gap_hours: pd.Series | None = None,
                release: bool = False, share_factors=(0.5, 0.75, 1.0, 1.25, 1.5), cost_factors=(0.5, 0.75, 1.0, 1.5, 2.0)) -> pd.DataFrame:
    """NPV over `NPV_YEARS` years of the options in the plan (``options["in_plan"]``, from
    `evaluate_options` with the same ``gap_hours`` and ``release``) as the tools take more or less of the
    work and cost more or less.

    Returns
    -------
    DataFrame
        Index: share factor (share of the stated automatable share that really happens); columns:
        cost factor (multiple of the stated costs); values: total NPV of the plan's options.
    """
    selected = options.loc[options["in_plan"], "option_id"]
    grid = {c: [float(evaluate_options(inputs, company, gap_hours=gap_hours, release=release, share_factor=f, cost_factor=c,
                                       selected=selected).query("in_plan")["npv_3y"].sum()) for f in share_factors] for c in cost_factors}
    out = pd.DataFrame(grid, index=pd.Index(share_factors, name="share_factor"))
    out.columns.name = "cost_factor"
    return out


def scores_takeaway(scores: pd.DataFrame, company: Company) -> str:
    """Sentence for `task_scores`."""
    n = scores["quadrant"].value_counts()
    fte = current_employees(company).groupby("role")["fte"].sum()
    hours = (scores["hours_per_week"] * scores["role"].map(fte).fillna(0)).groupby(scores["quadrant"]).sum()
    guarded = int(scores["guarded"].sum())
    review = f" {n['review']} more gain little from tools as they are: simplify them first." if n.get("review", 0) else ""
    return (f"Of {len(scores)} tasks, {n.get('automate', 0)} can be handed to tools, {n.get('augment', 0)} can be helped by tools "
            f"with a person in the loop, and {n.get('keep human', 0)} should stay with people.{review} {guarded} tasks carry high "
            "judgement, empathy or compliance risk, so they are never fully automated. "
            f"Across today's team, {hours.get('automate', 0):.0f} hours a week go to tasks tools can take and "
            f"{hours.get('augment', 0):.0f} to tasks tools can help with.")


def options_takeaway(options: pd.DataFrame, company: Company) -> str:
    """Sentence for `evaluate_options`."""
    cur = company.settings.currency
    plan = options[options["in_plan"]]
    if plan.empty:
        return "No automation option pays back within three years at today's figures."
    freed = plan["automated_hours_week"].sum() - plan["review_hours_week"].sum()
    quick = plan.sort_values("payback_months").iloc[0]
    return (f"{len(plan)} of {len(options)} options pay back within {NPV_YEARS} years. Together they cost {cur} "
            f"{plan['one_time_cost'].sum():,.0f} to set up and {cur} {plan['annual_cost'].sum():,.0f} a year. They free {freed:.0f} hours "
            f"a week after review time. In today's money they are worth {cur} {plan['npv_3y'].sum():,.0f} over {NPV_YEARS} years. "
            f"The quickest to pay back is {quick['tool_category']} for \"{quick['task']}\" ({quick['payback_months']:.0f} months).")


def guardrails_takeaway(flags: pd.DataFrame) -> str:
    """Sentence for `guardrail_flags`."""
    fix = flags[flags["severity"] == "fix"]
    kept = flags[flags["severity"] == "kept"]
    one = len(fix) == 1
    first = (f"{len(fix)} planned tool{'' if one else 's'} would run with nobody checking {'its' if one else 'their'} work: add a review "
             f"step before switching {'it' if one else 'them'} on. " if len(fix) else "Every planned tool has a person reviewing its work. ")
    return first + f"{len(kept)} guardrail{'' if len(kept) == 1 else 's'} {'is' if len(kept) == 1 else 'are'} already built into the plan."


def sensitivity_takeaway(grid: pd.DataFrame, company: Company) -> str:
    """Sentence for `sensitivity`."""
    cur = company.settings.currency
    base = float(grid.loc[1.0, 1.0]) if 1.0 in grid.index and 1.0 in grid.columns else float("nan")
    negative = int((grid < 0).to_numpy().sum())
    worst = float(grid.to_numpy().min())
    tail = ("it stays positive in every case tried, even when the tools take half of what is promised and cost twice as much."
            if negative == 0 else f"it turns negative in {negative} of {grid.size} cases (worst {cur} {worst:,.0f}): pilot first and "
            "measure what the tools really take before rolling out.")
    return f"At the stated figures the plan is worth {cur} {base:,.0f} over {NPV_YEARS} years; " + tail
