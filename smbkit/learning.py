"""Notebook 03's learning side: which learning ecosystem fits, who to train, and whether training paid.

Evaluation follows Kirkpatrick's four levels (reaction, learning, behaviour, results) and Phillips'
fifth, return on investment.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import privacy
from .costs import BUILD_MONTHS, build_cost, person_hourly_cost, role_costs
from .data import Company
from .gaps import open_skill_gaps, skill_gaps, trainees
from .people import current_employees
from .staffing import recommended_plan
from .workforce import single_points_of_failure

__all__ = ["ISOLATION_SHARE", "BENEFIT_YEARS", "ecosystem_fit", "learning_plan", "learning_evaluation", "ecosystem_takeaway",
           "evaluation_takeaway"]

SMALL, MID = 50, 100  # headcounts at which a company stops being small / mid-sized for these rules
REMOTE_SHARE = 0.3  # share of hybrid or remote people from which distance learning matters
RICH_LEARNING_DATA = 20  # learning.csv rows with evaluations before analytics can steer learning


def ecosystem_fit(company: Company, *, scenario: str | None = None) -> pd.DataFrame:
    """Score the four kinds of learning ecosystem against the company, with the reasons.

    Rules (points), from the source material's guidance that small retail-like firms fit blended or
    social learning and fast-moving, distributed firms fit performance support or data-driven:

    - blended: +2 under 100 people; +1 when at least half work onsite; +1 when skill gaps span 3+ roles.
    - social: +2 under 50 people; +1 when 2+ skills hang on one person (peers spread know-how);
      +1 when at least half work onsite.
    - performance support: +2 when most skill gaps need basic or working level (job aids suffice);
      +1 when 30%+ work hybrid or remote.
    - data-driven: +2 with 20+ evaluated trainings in learning.csv; +1 from 100 people; +1 when 30%+
      work hybrid or remote.

    Returns
    -------
    DataFrame
        Columns: ``kind``, ``points``, ``reasons``, ``recommended`` (the highest score; ties keep
        the order above).
    """
    cur = current_employees(company)
    n = len(cur)
    remote = cur["work_mode"].isin(["hybrid", "remote"]).mean() if n else 0.0
    onsite = cur["work_mode"].eq("onsite").mean() if n else 0.0
    gaps = skill_gaps(company, scenario=scenario) if company.has("role_skills", "skills", "roles", "drivers") else pd.DataFrame()
    open_gaps = open_skill_gaps(gaps) if len(gaps) else gaps
    spof = len(single_points_of_failure(company)) if company.has("skills") else 0
    evaluated = 0
    if company.has("learning"):
        ln = company.learning
        evaluated = int((ln["reaction"].notna() | ln["post_score"].notna() | ln["behavior"].notna()).sum())
    rules = {
        "blended": [(n < MID, 2, f"{n} people: small enough for in-person sessions"),
                    (onsite >= 0.5, 1, f"{onsite:.0%} work onsite"),
                    (len(open_gaps) and open_gaps["role"].nunique() >= 3, 1, "skill gaps span several roles")],
        "social": [(n < SMALL, 2, f"{n} people: everyone can learn from everyone"),
                   (spof >= 2, 1, f"{spof} skills hang on one person: peer learning spreads them"),
                   (onsite >= 0.5, 1, f"{onsite:.0%} work onsite")],
        "performance support": [(len(open_gaps) and (open_gaps["required"] <= 2).mean() > 0.5, 2,
                                 "most gaps need basic or working level: checklists and job aids suffice"),
                                (remote >= REMOTE_SHARE, 1, f"{remote:.0%} work hybrid or remote")],
        "data-driven": [(evaluated >= RICH_LEARNING_DATA, 2, f"{evaluated} evaluated trainings to learn from"),
                        (n >= MID, 1, f"{n} people"),
                        (remote >= REMOTE_SHARE, 1, f"{remote:.0%} work hybrid or remote")],
    }
    rows = []
    for kind, checks in rules.items():
        hits = [(pts, why) for ok, pts, why in checks if ok]
        rows.append({"kind": kind, "points": sum(p for p, _ in hits), "reasons": "; ".join(w for _, w in hits) or "no rule applies"})
    out = pd.DataFrame(rows)
    out["recommended"] = False
    out.loc[out["points"].idxmax(), "recommended"] = True
    return out


def learning_plan(company: Company, *, scenario: str | None = None, prefer: str = "people",
                  plan: pd.DataFrame | None = None) -> pd.DataFrame:
    """Who to train in what, from the skill ``build`` steps of `smbkit.staffing.recommended_plan`
    (people moving in from other roles are listed by `smbkit.staffing.internal_movers`).

    For each build step the role's people nearest to the required level are chosen (the same
    choice the plan made; pass ``plan`` to reuse one already made). The programme is the one
    learning.csv used most for that skill, or
    "to choose" when there is none. Hours and cost are per level, times the levels to climb.

    Returns
    -------
    DataFrame
        Columns: ``person`` (employee_id, or name when show_names), ``role``, ``skill``,
        ``from_level``, ``to_level``, ``programme``, ``hours``, ``cost``, ``months``.
    """
    plan = recommended_plan(company, scenario=scenario, prefer=prefer) if plan is None else plan
    build = plan[(plan["action"] == "build") & (plan["skill"] != "")]
    cols = ["person", "role", "skill", "from_level", "to_level", "programme", "hours", "cost", "months"]
    if build.empty:
        return pd.DataFrame(columns=cols)
    cur = current_employees(company)
    labels = privacy.person_labels(cur, show_names=company.settings.show_names)
    hourly = role_costs(company, hourly=True)
    required = company.role_skills.set_index(["role", "skill"])["required_proficiency"]
    rows = []
    for b in build.itertuples():
        need = int(required[(b.role, b.skill)])
        training = build_cost(company, b.skill, hourly.of(b.role))
        programme = "to choose (no past programme for this skill)"
        if company.has("learning"):
            used = company.learning.loc[company.learning["skill"] == b.skill, "program"]
            if len(used):
                programme = str(used.value_counts().index[0])
        for emp, level in trainees(company, b.role, b.skill, need)[: int(b.fte)]:
            steps = need - level
            rows.append({"person": labels[emp], "role": b.role, "skill": b.skill, "from_level": level, "to_level": need,
                         "programme": programme, "hours": training.hours * steps, "cost": training.per_level * steps,
                         "months": BUILD_MONTHS * steps})
    return pd.DataFrame(rows, columns=cols)


def _paired_p(diffs: pd.Series) -> float:
    """Two-sided p-value of a paired t-test: t = mean(d) / (sd(d) / sqrt(n)) on n - 1 degrees of freedom.

    Student's t distribution from scipy.special (scipy.stats costs a second to import).
    """
    from scipy.special import stdtr

    d = diffs.dropna().to_numpy(dtype=float)
    if len(d) < 2 or d.std(ddof=1) == 0:
        return float("nan")
    t = d.mean() / (d.std(ddof=1) / np.sqrt(len(d)))
    return float(2 * stdtr(len(d) - 1, -abs(t)))


# Phillips' isolation step: without a control group, the share of a measured result credited to the
# programme (Phillips' participants' estimate, adjusted for their confidence, is typically about half;
# Phillips & Phillips, Show Me the Money, 2007). Set it from your own control group where you have one.
ISOLATION_SHARE = 0.5
# The years of benefit counted: one, as Phillips advises for short programmes (the result_value of
# learning.csv is a yearly figure).
BENEFIT_YEARS = 1.0


def learning_evaluation(company: Company, *, isolation: float = ISOLATION_SHARE, benefit_years: float = BENEFIT_YEARS) -> pd.DataFrame:
    """Each programme at Kirkpatrick's four levels and Phillips' ROI.

    Level 1: mean reaction (1-5). Level 2: mean pre and post test score, the mean gain and a paired
    t-test of post against pre (`_paired_p`). Level 3: mean behaviour (1-5). Level 4: the yearly money
    results recorded in result_value for the participants whose result was measured. Level 5
    (Phillips): benefits = measured results x ``isolation`` (the share credited to the programme, not
    to other causes) x ``benefit_years``; costs = the same measured participants' programme costs plus
    their time (hours x their loaded hourly cost), so both sides count the same people; ROI % =
    (benefits - costs) / costs x 100 and benefit-cost ratio = benefits / costs. ``costs`` is the
    programme's full cost for all participants, reported beside it. Programmes with fewer participants
    than min_group_size show nothing but their name (`smbkit.privacy.suppress`): a few people's answers
    are personal and their costs would give away their pay.

    Returns
    -------
    DataFrame
        Columns: ``programme``, ``participants``, ``reaction``, ``pre``, ``post``, ``gain``,
        ``gain_p_value``, ``behaviour``, ``measured`` (participants with a result), ``benefits`` (isolated, over
        the benefit years), ``measured_costs``, ``costs`` (all participants), ``roi_pct``, ``benefit_cost_ratio``,
        ``negative_roi``, ``not_monetised`` (what to report beside ROI), ``hidden`` (a programme with fewer than
        min_group_size participants, or hidden with them so that totals give nothing away: every figure blank).
        Money from measured results is blank when fewer than min_group_size results were measured.
    """
    if not 0 < isolation <= 1:
        raise ValueError(f"isolation must be a share above 0 and at most 1; got: {isolation!r}")
    cols = ["programme", "participants", "reaction", "pre", "post", "gain", "gain_p_value", "behaviour", "measured", "benefits",
            "measured_costs", "costs", "roi_pct", "benefit_cost_ratio", "negative_roi", "not_monetised"]
    if not company.has("learning"):
        return pd.DataFrame(columns=cols)
    s = company.settings
    ln = company.learning.merge(company.employees[["employee_id", "annual_cost", "fte"]], on="employee_id", how="left")
    hourly = person_hourly_cost(ln, s)
    ln = ln.assign(time_cost=ln["hours"] * hourly.fillna(hourly.median()))
    rows = []
    for prog, g in ln.groupby("program", sort=True):
        pair = g[["pre_score", "post_score"]].dropna()
        p = _paired_p(pair["post_score"] - pair["pre_score"])
        has = g["result_value"].notna()
        measured = int(has.sum())
        benefits = float(g.loc[has, "result_value"].sum()) * isolation * benefit_years if measured else np.nan
        costs = float(g["cost"].sum() + g["time_cost"].sum())
        spent = float(g.loc[has, "cost"].sum() + g.loc[has, "time_cost"].sum()) if measured else np.nan
        roi = (benefits - spent) / spent * 100 if measured and spent else np.nan
        intangible = []
        if g["reaction"].notna().any():
            intangible.append(f"reaction {g['reaction'].mean():.1f}/5")
        if g["behavior"].notna().any():
            intangible.append(f"applied at work {g['behavior'].mean():.1f}/5")
        if measured < len(g):
            intangible.append(f"results not measured for {len(g) - measured} of {len(g)} people")
        rows.append({"programme": prog, "participants": len(g), "reaction": g["reaction"].mean(), "pre": pair["pre_score"].mean(),
                     "post": pair["post_score"].mean(), "gain": (pair["post_score"] - pair["pre_score"]).mean(), "gain_p_value": p,
                     "behaviour": g["behavior"].mean(), "measured": measured, "benefits": benefits, "measured_costs": spent,
                     "costs": costs, "roi_pct": roi, "benefit_cost_ratio": benefits / spent if measured and spent else np.nan,
                     "negative_roi": bool(measured and roi < 0), "not_monetised": "; ".join(intangible)})
    out = pd.DataFrame(rows, columns=cols)
    # A programme of a handful of people shows nothing: their scores are personal, and its costs (course fees plus
    # hours x pay) would give away their pay. The next smallest programmes are hidden too while the hidden ones hold
    # fewer than min_group_size people, so the totals cannot be used to subtract them back.
    k = company.settings.min_group_size
    out = privacy.suppress(out, count="participants", by=["programme"], min_size=k)
    few = ~out["hidden"] & np.asarray(privacy.too_few(out["measured"].fillna(0).to_numpy(dtype=float), k), dtype=bool) & out["measured"].gt(0)
    out.loc[few, ["benefits", "measured_costs", "roi_pct", "benefit_cost_ratio"]] = np.nan
    out.loc[few, "negative_roi"] = False
    out.loc[few, "not_monetised"] = out.loc[few, "not_monetised"].astype(str) + f"; results of fewer than {k} people are not shown"
    return out


def ecosystem_takeaway(fit: pd.DataFrame) -> str:
    """Sentence for `ecosystem_fit`."""
    best = fit[fit["recommended"]].iloc[0]
    return f"A {best['kind']} learning ecosystem fits best ({best['points']} points): {best['reasons']}."


def evaluation_takeaway(ev: pd.DataFrame, company: Company) -> str:
    """Sentence for `learning_evaluation`."""
    if ev.empty:
        return "There is no learning.csv, so past training cannot be evaluated."
    cur = company.settings.currency
    scored = ev.dropna(subset=["roi_pct"])
    shown = ev[~ev["hidden"]]
    text = f"{len(ev)} programmes"
    if len(shown):
        text += (f"; the {len(shown)} shown had {int(shown['participants'].sum())} participations and cost {cur} "
                 f"{shown['costs'].sum():,.0f} in fully loaded costs")
    hidden = len(ev) - len(shown)
    text += (f"; {hidden} {'is' if hidden == 1 else 'are'} hidden to protect the few people in {'it' if hidden == 1 else 'them'}."
             if hidden else ".")
    if len(scored):
        best = scored.loc[scored["roi_pct"].idxmax()]
        text += f" Best measured return: {best['programme']} ({best['roi_pct']:.0f}% ROI)."
        neg = scored[scored["negative_roi"]]
        if len(neg):
            text += f" {len(neg)} programme{'s' if len(neg) > 1 else ''} did not pay back what {'they' if len(neg) > 1 else 'it'} cost: {', '.join(neg['programme'])}."
    return text
