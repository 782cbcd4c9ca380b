"""Notebook 02 — where the company is going: objectives and key results, and whether they are SMART.

The work those goals create (people per role under each scenario, the drivers' forecast) is in
`smbkit.demand`, which notebooks 02, 03 and 04 share.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import privacy
from .data import Company
from .decisions import Decision, decisions_table
from .people import current_employees

__all__ = [
    "GREEN",
    "YELLOW",
    "PACE_FACTOR",
    "REVIEW_WITHIN_MONTHS",
    "kr_score",
    "score_band",
    "okr_tree",
    "objective_scores",
    "smart_checks",
    "smart_summary",
    "goals_decisions",
    "okr_takeaway",
    "smart_takeaway",
]

# OKR grading as John Doerr describes Google's practice (Measure What Matters, 2018): 0.7-1.0
# green (delivered), 0.4-0.6 yellow (progress, fell short), 0.0-0.3 red (failed to make progress).
GREEN = 0.7
YELLOW = 0.4
# A key result is flagged as not achievable when the yearly pace it needs is more than this many
# times the best yearly pace its metric reached in its own history.
PACE_FACTOR = 2.0
# A red key result becomes a decision only when it is due within this many months: earlier in the
# period a low score mostly means the period is young.
REVIEW_WITHIN_MONTHS = 3
# The best year-on-year pace is read off rolling 12-month totals.
SEASON = 12


# ---------------------------------------------------------------------------------------------
# OKRs
# ---------------------------------------------------------------------------------------------


def kr_score(baseline, target, current) -> float:
    """Progress of a key result from baseline to target, 0.0-1.0.

    score = (current - baseline) / (target - baseline), clipped to [0, 1]. The same formula works
    for metrics that should fall (cost, error rate): moving from 9 towards a target of 2 gives a
    positive score. Missing values, or a target equal to the baseline, give NaN.

    Examples
    --------
    >>> kr_score(180, 270, 195)
    0.16666666666666666
    >>> kr_score(9, 2, 6)  # a metric that should fall
    0.42857142857142855
    """
    if any(v is None or pd.isna(v) for v in (baseline, target, current)) or target == baseline:
        return float("nan")
    return float(min(1.0, max(0.0, (current - baseline) / (target - baseline))))


def score_band(score: float) -> str:
    """``green`` (>= 0.7), ``yellow`` (>= 0.4), ``red`` (< 0.4) or ``not scored`` (NaN)."""
    if pd.isna(score):
        return "not scored"
    return "green" if score >= GREEN else ("yellow" if score >= YELLOW else "red")


def _depths(goals: pd.DataFrame) -> tuple[dict, list]:
    parent = dict(zip(goals["goal_id"], goals["parent_goal_id"]))
    children: dict = {}
    for g, p in parent.items():
        children.setdefault(p if isinstance(p, str) else None, []).append(g)
    order, depth = [], {}

    def walk(node, d, seen):
        for child in children.get(node, []):
            if child in seen:
                continue
            depth[child] = d
            order.append(child)
            walk(child, d + 1, seen | {child})

    walk(None, 0, frozenset())
    for g in goals["goal_id"]:  # goals in a parent loop never reach the root: list them at the end
        if g not in depth:
            depth[g] = 0
            order.append(g)
    return depth, order


def okr_tree(company: Company) -> pd.DataFrame:
    """Key results in tree order (each under its parent) with their scores.

    Returns
    -------
    DataFrame
        Columns: ``goal_id``, ``parent_goal_id``, ``depth`` (0 = top), ``level`` (``company`` for
        top goals, else ``team`` or ``person`` from the owner), ``tree`` (the key result indented by
        depth), ``objective``, ``owner`` (team, or person label), ``baseline``, ``target``,
        ``current``, ``due_date``, ``score``, ``band``.
    """
    g = company.goals
    if g is None:
        raise ValueError("okr_tree needs goals.csv, which this company folder does not have")
    depth, order = _depths(g)
    g = g.set_index("goal_id").loc[order].reset_index()
    ids = set(company.employees["employee_id"])
    labels = privacy.person_labels(company.employees, show_names=company.settings.show_names)
    g["depth"] = g["goal_id"].map(depth).astype(int)
    is_person = g["owner"].isin(ids)
    g["level"] = np.where(g["depth"] == 0, "company", np.where(is_person, "person", "team"))
    g["owner"] = g["owner"].where(~is_person, g["owner"].map(labels)).astype("str")
    g["tree"] = ["    " * d + ("└ " if d else "") + kr for d, kr in zip(g["depth"], g["key_result"])]
    g["score"] = [kr_score(b, t, c) for b, t, c in zip(g["baseline"], g["target"], g["current"])]
    g["band"] = g["score"].map(score_band).astype("str")
    cols = ["goal_id", "parent_goal_id", "depth", "level", "tree", "objective", "owner", "baseline", "target", "current",
            "due_date", "score", "band"]
    return g[cols]


def objective_scores(tree: pd.DataFrame) -> pd.DataFrame:
    """Objective score = mean of its scored key results.

    Returns
    -------
    DataFrame
        Columns: ``objective``, ``key_results``, ``scored``, ``score``, ``band``; in the order the
        objectives first appear.
    """
    grouped = tree.groupby("objective", sort=False)["score"]
    out = pd.DataFrame({"key_results": grouped.size(), "scored": grouped.count(), "score": grouped.mean()}).reset_index()
    out["band"] = out["score"].map(score_band).astype("str")
    return out


def _best_yearly_pace(history: pd.Series, direction: float) -> float | None:
    """Best year-on-year change of rolling 12-month totals in the given direction (needs 24 months)."""
    if len(history) < 2 * SEASON:
        return None
    totals = history.rolling(SEASON).sum().dropna().to_numpy()
    yoy = totals[SEASON:] / totals[:-SEASON] - 1
    if not len(yoy):
        return None
    return float(np.max(direction * yoy))


def smart_checks(company: Company) -> pd.DataFrame:
    """SMART checks of every key result, each with the reason when it fails.

    Checks: ``numeric baseline and target`` (measurable); ``target differs from baseline``
    (specific); ``owner exists`` (a current team or person: someone is accountable); ``due inside
    the horizon`` (time-bound: after as_of and within horizon_months); ``pace within history``
    (achievable: when the metric is a driver with at least 24 months of history, the yearly pace
    the key result needs, (target / start) ** (12 / months left) - 1 with start the current value
    or the baseline, must not exceed `PACE_FACTOR` times the best year-on-year change of the
    driver's rolling 12-month total in the same direction).

    Returns
    -------
    DataFrame
        Columns: ``goal_id``, ``check``, ``passed`` (boolean; missing when the check cannot be
        made), ``reason``.
    """
    g = company.goals
    if g is None:
        raise ValueError("smart_checks needs goals.csv, which this company folder does not have")
    s = company.settings
    cur = current_employees(company)
    owners = set(cur["team"]) | set(cur["employee_id"])
    horizon_end = s.as_of + pd.DateOffset(months=s.horizon_months)
    history = company.driver_history
    rows = []
    for r in g.itertuples(index=False):
        numeric = not (pd.isna(r.baseline) or pd.isna(r.target))
        rows.append((r.goal_id, "numeric baseline and target", numeric,
                     "" if numeric else "baseline or target is blank, so progress cannot be measured"))
        if numeric:
            differs = r.target != r.baseline
            rows.append((r.goal_id, "target differs from baseline", differs,
                         "" if differs else f"target equals baseline ({r.target:g}): say how much better, or track it as a health metric"))
        else:
            rows.append((r.goal_id, "target differs from baseline", pd.NA, "needs a baseline and a target"))
        exists = isinstance(r.owner, str) and r.owner in owners
        rows.append((r.goal_id, "owner exists", exists,
                     "" if exists else f"owner {r.owner!r} is not a current team or employee_id" if isinstance(r.owner, str) else "no owner"))
        if pd.isna(r.due_date):
            rows.append((r.goal_id, "due inside the horizon", False, "no due date"))
        elif r.due_date <= s.as_of:
            rows.append((r.goal_id, "due inside the horizon", False, f"due {r.due_date.date()} is already past"))
        elif r.due_date > horizon_end:
            rows.append((r.goal_id, "due inside the horizon", False,
                         f"due {r.due_date.date()} is after the {s.horizon_months}-month horizon ({horizon_end.date()}): add a milestone inside it"))
        else:
            rows.append((r.goal_id, "due inside the horizon", True, ""))
        rows.append((r.goal_id, "pace within history", *_pace_check(r, history, s.as_of)))
    out = pd.DataFrame(rows, columns=["goal_id", "check", "passed", "reason"])
    out["passed"] = out["passed"].astype("boolean")
    return out


def smart_summary(checks: pd.DataFrame) -> pd.DataFrame:
    """One row per key result: how many SMART checks pass and fail, and the reasons for failing.

    Returns
    -------
    DataFrame
        Columns: ``goal_id``, ``passed``, ``failed``, ``not_checked``, ``problems``.
    """
    p = checks["passed"]
    t = checks.assign(ok=p.eq(True).fillna(False), bad=p.eq(False).fillna(False), na=p.isna())
    out = t.groupby("goal_id", sort=False).agg(passed=("ok", "sum"), failed=("bad", "sum"), not_checked=("na", "sum")).reset_index()
    reasons = t[t["bad"]].groupby("goal_id", sort=False)["reason"].agg("; ".join)
    out["problems"] = out["goal_id"].map(reasons).fillna("").astype("str")
    return out.astype({"passed": int, "failed": int, "not_checked": int})


def _pace_check(r, history, as_of):
    if history is None or not isinstance(r.metric, str) or r.metric not in set(history["driver"]):
        return pd.NA, "no history of this metric to compare with"
    if pd.isna(r.baseline) or pd.isna(r.target) or r.target == r.baseline or pd.isna(r.due_date) or r.due_date <= as_of:
        return pd.NA, "needs a baseline, a different target and a future due date"
    series = history[history["driver"] == r.metric].sort_values("month")["value"].reset_index(drop=True)
    direction = 1.0 if r.target > r.baseline else -1.0
    best = _best_yearly_pace(series, direction)
    if best is None:
        return pd.NA, "fewer than 24 months of history"
    start = r.current if not pd.isna(r.current) else r.baseline
    if start <= 0 or r.target <= 0:
        return pd.NA, "pace is measured on positive values only"
    months = max((r.due_date - as_of).days / 30.4375, 1.0)
    needed = direction * ((r.target / start) ** (12 / months) - 1)
    if needed <= 0:
        return True, "already at or past the target"
    if best <= 0:
        return False, f"needs {needed:.0%} a year in this direction; the history never moved this way"
    if needed > PACE_FACTOR * best:
        return False, f"needs {needed:.0%} a year, more than {PACE_FACTOR:g} times the best in its history ({best:.0%})"
    return True, f"needs {needed:.0%} a year; the best year in its history was {best:.0%}"


# ---------------------------------------------------------------------------------------------
# Decisions and sentences
# ---------------------------------------------------------------------------------------------


def goals_decisions(company: Company) -> pd.DataFrame:
    """Actions from notebook 02, most urgent first.

    Facts about the goals: a key result in the red band and due within `REVIEW_WITHIN_MONTHS` months
    -> review its plan (medium); a key result that fails a SMART check -> fix how it is written (low).
    The people each scenario needs are decided once, with their options, in notebook 03
    (`smbkit.staffing.staffing_decisions`).

    Returns
    -------
    DataFrame
        A `smbkit.decisions.decisions_table`.
    """
    rows = []
    s = company.settings
    if company.has("goals"):
        tree = okr_tree(company)
        soon = tree["due_date"] <= s.as_of + pd.DateOffset(months=REVIEW_WITHIN_MONTHS)
        for r in tree[(tree["band"] == "red") & soon].itertuples():
            rows.append(Decision("medium", f"Review the plan for '{r.tree.strip().lstrip('└ ')}'",
                                 f"score {r.score:.2f} with the due date {r.due_date.date()} close: little progress from {r.baseline:g} "
                                 f"towards {r.target:g}", "a fact in the goals", risk_level="low", need=f"goal:{r.goal_id}"))
        checks = smart_checks(company)
        failed = checks[checks["passed"].eq(False).fillna(False)]
        for goal, grp in failed.groupby("goal_id", sort=False):
            rows.append(Decision("low", f"Rewrite key result {goal} so it is SMART", "; ".join(grp["reason"]), "a fact in the goals",
                                 risk_level="low", need=f"goal:{goal}:smart"))
    return decisions_table(rows)


def okr_takeaway(tree: pd.DataFrame, objectives: pd.DataFrame) -> str:
    """Sentence for the OKR tree and objective scores."""
    scored = tree[tree["band"] != "not scored"]
    counts = scored["band"].value_counts()
    text = (f"{len(tree)} key results under {len(objectives)} objectives; {len(scored)} can be scored: "
            f"{counts.get('green', 0)} green, {counts.get('yellow', 0)} yellow and {counts.get('red', 0)} red.")
    ranked = objectives.dropna(subset=["score"]).sort_values("score")
    if len(ranked):
        low = ranked.iloc[0]
        text += f" The objective furthest behind is \"{low['objective']}\" at {low['score']:.2f}."
    text += " Scores measure progress so far, so early in a period low scores are normal; look at them against the due dates."
    return text


def smart_takeaway(checks: pd.DataFrame) -> str:
    """Sentence for `smart_checks`."""
    failed = checks[checks["passed"].eq(False).fillna(False)]
    goals = checks["goal_id"].nunique()
    if failed.empty:
        return f"All {goals} key results pass every SMART check that could be made."
    worst = failed["check"].value_counts()
    return (f"{failed['goal_id'].nunique()} of {goals} key results fail at least one SMART check; the most common problem is "
            f"'{worst.index[0]}' ({worst.iloc[0]} key result{'s' if worst.iloc[0] > 1 else ''}).")
