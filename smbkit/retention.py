"""Notebook 05, part 2 — who stays, and what goes with leaving.

Kaplan-Meier retention curves, and a Cox proportional-hazards model (statsmodels PHReg) of people
choosing to leave on inputs measured before each exit (`smbkit.leaving`). Both use one risk-set
convention, lifelines': a person entering at time t is not at risk at t. No survival figure is given
past the longest time anyone was followed. The leaving-risk model is in `smbkit.leaving_risk`;
`retention_findings` gathers everything notebook 05 shows, and `retention_decisions` the actions,
each tested under the report's evidence rule (`smbkit.decisions.gate`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .data import Company
from .decisions import Decision, comparisons_table, decisions_table
from .errors import fit_and_check
from .leaving import (
    ENTRY_TIE_SHIFT,
    RARE_LEVEL,
    WINDOW_YEARS,
    belonging_episodes,
    model_inputs,
    pooled,
    survival_frame,
    usable_inputs,
)
from .leaving_risk import AUC_FLOOR, MIN_EVENTS, LeaveRisk, fairness_audit, leave_risk, risk_comparisons
from .text import count

__all__ = [
    "MILESTONES",
    "ONBOARDING_TARGET",
    "kaplan_meier",
    "retention_curves",
    "retention_milestones",
    "LeavingFactors",
    "leaving_factors",
    "retention_comparisons",
    "RetentionFindings",
    "retention_findings",
    "retention_decisions",
    "notes_sentence",
    "retention_takeaway",
    "leaving_factors_takeaway",
]

MILESTONES = (0.5, 1.0, 2.0, 5.0)  # years of tenure at which retention is read off the curves
# A business keeps at least four in five newcomers past their first year when onboarding works;
# below that, how people are welcomed and trained is the first thing to look at (smbkit's stated bar).
ONBOARDING_TARGET = 0.8
# What one step of a numeric input means in words; the step itself is the input's interquartile
# range in the data (the middle half of people differ by about this much), rounded.
# What one step of each numeric input means: (the words after the step, the step's unit; "%" for a share)
MEANING = {"pay_vs_role": ("pay above the role's median", "%"), "absence_days": ("more days absent a year", ""),
           "performance": ("higher performance rating", "point"), "team_belonging": ("more team belonging", "point")}


def kaplan_meier(time, event, entry=None) -> pd.DataFrame:
    """Kaplan-Meier product-limit estimate (statsmodels SurvfuncRight), with late entry allowed.

    S(t) = product over event times t_i <= t of (1 - d_i / n_i), n_i the people at risk at t_i
    (entered before t_i and not yet left), d_i the events at t_i (Kaplan & Meier, 1958).

    Returns
    -------
    DataFrame
        Columns: ``time``, ``at_risk``, ``events``, ``survival``, ``se``; one row per event time.

    Examples
    --------
    >>> kaplan_meier([1, 2, 2, 3, 4], [1, 1, 0, 1, 0])["survival"].round(2).tolist()
    [0.8, 0.6, 0.3]
    """
    from statsmodels.duration.survfunc import SurvfuncRight

    sf = SurvfuncRight(np.asarray(time, dtype=float), np.asarray(event, dtype=float),
                       entry=None if entry is None else np.asarray(entry, dtype=float))
    return pd.DataFrame({"time": sf.surv_times, "at_risk": sf.n_risk, "events": sf.n_events, "survival": sf.surv_prob,
                         "se": sf.surv_prob_se})


def _survival_at(km: pd.DataFrame, t: float, followed: float) -> float:
    """S(t) read off a curve; missing past ``followed``, the longest time anyone in the group was followed."""
    if t > followed:
        return float("nan")
    before = km[km["time"] <= t]
    return 1.0 if before.empty else float(before["survival"].iloc[-1])


def _median(km: pd.DataFrame) -> float:
    below = km[km["survival"] <= 0.5]
    return float(below["time"].iloc[0]) if len(below) else float("nan")


def retention_curves(company: Company, *, by: str | None = "team", event: str = "voluntary") -> pd.DataFrame:
    """Kaplan-Meier retention curve of the whole company and of each group in ``by``.

    Groups with fewer than `smbkit.leaving.RARE_LEVEL` people in the data are pooled as ``other``
    (their own curves would be mostly noise). ``followed_years`` is the longest time anyone in the
    group was followed; nothing is read off a curve beyond it.

    Returns
    -------
    DataFrame
        Columns: ``group``, ``people``, ``leavers``, ``followed_years``, ``time``, ``survival``, ``se``, ``median_years``.
    """
    f = survival_frame(company, event=event)
    groups = {"company": f}
    if by:
        label = pooled(f[by], RARE_LEVEL)
        groups |= {g: f[label == g] for g in sorted(label.unique(), key=lambda x: (x == "other", x))}
    rows = []
    for name, part in groups.items():
        if part.empty:
            continue
        km = kaplan_meier(part["time"], part["left"], part["entry"])
        curve = pd.concat([pd.DataFrame({"time": [0.0], "survival": [1.0], "se": [0.0]}), km[["time", "survival", "se"]]],
                          ignore_index=True)
        rows.append(curve.assign(group=name, people=len(part), leavers=int(part["left"].sum()),
                                 followed_years=float(part["time"].max()), median_years=_median(km)))
    cols = ["group", "people", "leavers", "followed_years", "time", "survival", "se", "median_years"]
    return pd.concat(rows, ignore_index=True)[cols] if rows else pd.DataFrame(columns=cols)


def retention_milestones(curves: pd.DataFrame) -> pd.DataFrame:
    """Share still employed at each tenure milestone (`MILESTONES`), per group of `retention_curves`.

    A milestone past the group's longest follow-up is left blank: the data say nothing about it.

    Returns
    -------
    DataFrame
        Columns: ``group``, ``people``, ``leavers``, ``followed_years``, ``median_years``, one ``stay_<t>y`` column per
        milestone, and ``stay_1y_se`` (Greenwood's standard error at one year).
    """
    rows = []
    for group, g in curves.groupby("group", sort=False):
        followed = float(g["followed_years"].iloc[0])
        row = {"group": group, "people": int(g["people"].iloc[0]), "leavers": int(g["leavers"].iloc[0]), "followed_years": followed,
               "median_years": float(g["median_years"].iloc[0])}
        row |= {f"stay_{t:g}y": _survival_at(g, t, followed) for t in MILESTONES}
        before = g[g["time"] <= 1.0]
        row["stay_1y_se"] = float(before["se"].iloc[-1]) if followed >= 1.0 and len(before) else float("nan")
        rows.append(row)
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# What goes with leaving: the Cox model
# ---------------------------------------------------------------------------------------------


@dataclass
class LeavingFactors:
    """What goes with leaving (`leaving_factors`): hazard ratios per input, and how the model was built."""

    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)


FACTOR_COLUMNS = ["input", "meaning", "step", "hazard_ratio", "low", "high", "p_value", "reading"]


def _step(values: pd.Series) -> float:
    """A readable step for a numeric input: its interquartile range rounded to one or two significant figures."""
    spread = float(values.quantile(0.75) - values.quantile(0.25)) or float(values.max() - values.min())
    if not spread:
        return float("nan")
    digits = -int(np.floor(np.log10(abs(spread))))
    return float(round(spread, digits + (1 if round(spread, digits) < 2 * 10 ** -digits else 0)))


def _meaning(name: str, step: float) -> str:
    if name in MEANING:
        what, unit = MEANING[name]
        if unit == "%":
            return f"{step:.0%} {what}"
        return f"{step:g}" + (f" {unit}{'' if step == 1 else 's'}" if unit else "") + f" {what}"
    col, _, level = name.partition(": ")
    return f"{col.replace('_', ' ')} {level} rather than the most common"


def _fit_cox(time, status, entry, X: pd.DataFrame) -> tuple[pd.DataFrame | None, str]:
    """PHReg (Efron ties) with entries shifted by `ENTRY_TIE_SHIFT`; (table of coefficients, problem)."""
    from statsmodels.duration.hazard_regression import PHReg

    shifted = np.where(np.asarray(entry) > 0, np.asarray(entry) + ENTRY_TIE_SHIFT, 0.0)
    try:
        res, converged = fit_and_check(PHReg(np.asarray(time), X.to_numpy(), status=np.asarray(status), entry=shifted,
                                             ties="efron").fit, disp=False)
    except (np.linalg.LinAlgError, ValueError) as err:
        return None, f"the model could not be fitted ({err}); too few leavers for this many inputs"
    if not converged or not np.all(np.isfinite(res.bse)):
        return None, ("the model did not converge: some inputs separate leavers from stayers almost perfectly in this small "
                      "sample, so its numbers would mislead")
    b, se = np.asarray(res.params), np.asarray(res.bse)
    return pd.DataFrame({"input": X.columns, "b": b, "se": se, "p_value": np.asarray(res.pvalues)}), ""


def _factor_rows(coef: pd.DataFrame, steps: dict) -> pd.DataFrame:
    step = coef["input"].map(steps).fillna(1.0).to_numpy()
    b, se = coef["b"].to_numpy() * step, coef["se"].to_numpy() * step  # per step of the input
    out = pd.DataFrame({"input": coef["input"], "meaning": [_meaning(c, s) for c, s in zip(coef["input"], step)], "step": step,
                        "hazard_ratio": np.exp(b), "low": np.exp(b - 1.96 * se), "high": np.exp(b + 1.96 * se),
                        "p_value": coef["p_value"].to_numpy()})
    out["reading"] = [_reading(r) for r in out.itertuples()]
    return out


def leaving_factors(company: Company) -> LeavingFactors:
    """Cox proportional-hazards models of voluntary leaving (statsmodels PHReg, Efron ties, late entry).

    Inputs, each measured before the exit it may explain (`smbkit.leaving.model_inputs`): pay against
    the role's median among the people in the role on the person's last day, absence days in the
    person's last year at work, performance, role and work mode (rare levels pooled). Tenure is the
    model's clock, so it is not also an input. Team belonging enters a second model over the time
    the survey covers, in pieces cut at each wave, each carrying the team's Belonging Index from the
    wave before it (`smbkit.leaving.belonging_episodes`; anonymous answers are never joined to
    people). Constant and collinear inputs are dropped with a note; a model that does not converge
    is reported, not shown. Hazard ratio = exp(coefficient x step), the step of a numeric input being
    its interquartile range in the data; 95% interval exp(step x (b +/- 1.96 se)).

    Returns
    -------
    LeavingFactors
        ``table`` with columns ``input``, ``meaning``, ``step``, ``hazard_ratio``, ``low``, ``high``, ``p_value``,
        ``reading``; and ``notes`` (what was pooled, filled in or dropped, or why no model is shown).
    """
    def compute():
        f = survival_frame(company)
        events = int(f["left"].sum())
        if events < MIN_EVENTS:
            return LeavingFactors(pd.DataFrame(columns=FACTOR_COLUMNS), [f"only {count(events, 'person')} chose to leave in the last "
                                                                          f"{WINDOW_YEARS:g} years; a model needs at least {MIN_EVENTS}"])
        X, notes, _ = model_inputs(company, f, company.settings.as_of, pay_on=f["end"])
        X, dropped = usable_inputs(X)
        notes += dropped
        for c in [c for c in X.columns if ": " in c]:  # a group with no leavers (or only leavers) has no finite hazard ratio
            left = f.loc[X[c] == 1, "left"]
            if left.sum() in (0, len(left)):
                X = X.drop(columns=c)
                notes.append(f"{_meaning(c, 1.0).removesuffix(' rather than the most common')} dropped: "
                             f"{'nobody' if left.sum() == 0 else 'everyone'} in it left, so no rate can be compared")
        coef, problem = _fit_cox(f["time"], f["left"], f["entry"], X)
        if coef is None:
            return LeavingFactors(pd.DataFrame(columns=FACTOR_COLUMNS), notes + [problem])
        steps = {c: _step(X[c]) for c in X.columns if c in MEANING}
        table = _factor_rows(coef, steps)
        episodes = belonging_episodes(company, f)
        if len(episodes) and int(episodes["left"].sum()) >= MIN_EVENTS and episodes["team_belonging"].nunique() > 1:
            bcoef, bproblem = _fit_cox(episodes["time"], episodes["left"], episodes["entry"], episodes[["team_belonging"]])
            if bcoef is not None:
                table = pd.concat([table, _factor_rows(bcoef, {"team_belonging": _step(episodes["team_belonging"])})],
                                  ignore_index=True)
                notes.append("team belonging is tested in its own model over the time the survey covers, each stretch of time "
                             "with the team's score from the wave before")
            else:
                notes.append(f"team belonging: {bproblem}")
        elif len(episodes):
            notes.append(f"team belonging not tested: fewer than {MIN_EVENTS} people chose to leave while the survey ran")
        return LeavingFactors(table.sort_values("p_value", kind="stable").reset_index(drop=True)[FACTOR_COLUMNS], notes)

    return company.remember("leaving_factors", compute)


TOPICS = {"pay_vs_role": "how pay compares with the role", "absence_days": "absence and what lies behind it",
          "performance": "how performance ratings go with leaving", "team_belonging": "how people feel in their teams"}


def _topic(name: str) -> str:
    """What a Cox input is about, for an action ("Look into ...")."""
    if name in TOPICS:
        return TOPICS[name]
    col, _, level = name.partition(": ")
    return f"why people in {col.replace('_', ' ')} {level} leave more often"


def _reading(r) -> str:
    clear = r.low > 1 or r.high < 1
    how = (f"{r.hazard_ratio:.1f} times the rate" if r.hazard_ratio >= 1
           else f"{r.hazard_ratio:.2f} times the rate ({1 - r.hazard_ratio:.0%} less)")
    return f"{r.meaning}: people leave at {how}" + ("" if clear else ", but the range includes no difference, so it may be chance")


# ---------------------------------------------------------------------------------------------
# Comparisons, decisions and findings
# ---------------------------------------------------------------------------------------------


def retention_comparisons(company: Company) -> pd.DataFrame:
    """The retention comparisons of the report: onboarding, each Cox input, and the risk model's outputs.

    Onboarding: the company's share still here after a year against `ONBOARDING_TARGET`, one-sided
    (a normal test on the Kaplan-Meier estimate with Greenwood's standard error). Cox inputs: Wald
    p-values, two-sided (``sides`` 2): the action "look into it" holds whichever way the input goes.
    The risk model's team and fairness comparisons only when the model is good
    enough (`smbkit.leaving_risk.risk_comparisons`).

    Returns
    -------
    DataFrame
        A `smbkit.decisions.comparisons_table` (families ``onboarding``, ``leaving_factor``, ``team_risk``, ``fairness``).
    """
    from scipy.stats import norm

    rows = []
    m = retention_milestones(retention_curves(company, by=None))
    c = m.iloc[0] if len(m) else None
    if c is not None and not np.isnan(c["stay_1y_se"]) and c["stay_1y_se"] > 0:
        p = float(norm.sf((ONBOARDING_TARGET - c["stay_1y"]) / c["stay_1y_se"]))
        rows.append(("05", "onboarding", "first year", f"{c['stay_1y']:.0%} of newcomers are still here after a year, against a "
                     f"target of {ONBOARDING_TARGET:.0%} ({c['people']} people)", "people", c["people"], c["stay_1y"], p))
    for r in leaving_factors(company).table.itertuples():
        rows.append(("05", "leaving_factor", r.input, f"{r.reading}".split(", but")[0], "people", np.nan, r.hazard_ratio, r.p_value, 2))
    out = comparisons_table(rows)
    risk = _risk(company)
    extra = risk_comparisons(company, risk, fairness_audit(company, risk.oof))
    return pd.concat([out, extra], ignore_index=True) if len(extra) else out


def _risk(company: Company, individual: bool = False) -> LeaveRisk:
    return company.remember(f"leave_risk_{individual}", lambda: leave_risk(company, individual=individual))


def retention_decisions(company: Company, *, evidence: pd.DataFrame, risk: LeaveRisk, fairness: pd.DataFrame) -> pd.DataFrame:
    """Actions from retention (shown in notebook 05's "What to decide"), each passing the evidence rule.

    Onboarding below target, clearly -> look at how newcomers are welcomed (high); a Cox input
    clearly linked with leaving -> look into it (medium); a model that is not good enough -> do not
    act on it (low, a fact); a good enough model: a team clearly higher at risk -> check in
    (medium), groups clearly flagged unevenly -> never use it for individuals (high).

    Returns
    -------
    DataFrame
        A `smbkit.decisions.decisions_table`.
    """
    clear = evidence[evidence["clear"]]
    rows = []
    for r in clear[clear["family"] == "onboarding"].itertuples():
        rows.append(Decision("high", "Look at how new people are welcomed and trained", "fewer newcomers stay past their first year than "
                             "a business should expect", r.evidence, "a few hours per newcomer (a buddy, a first-month plan)",
                             "more newcomers stay past their first year", "onboarding helps even where it is not the cause", "low",
                             need="onboarding"))
    for r in clear[clear["family"] == "leaving_factor"].itertuples():
        rows.append(Decision("medium", f"Look into {_topic(r.subject)}", "it goes with people choosing to leave", r.evidence,
                             risk="going together is not proof of cause", risk_level="medium", need=f"leaving:{r.subject}"))
    if risk.fitted and not risk.good_enough:
        rows.append(Decision("low", "Do not act on the leaving-risk model yet", "it is not accurate enough on people it has not seen",
                             f"a fact in the data: its AUC could be as low as {risk.auc_low:.2f}, at or under the {AUC_FLOOR} needed",
                             risk_level="low", need="model:leaving_risk"))
    for r in clear[clear["family"] == "team_risk"].itertuples():
        rows.append(Decision("medium", f"Check in with {r.subject} about workload and prospects", "the model, shown to be accurate "
                             "enough, puts this team's people at higher risk", r.evidence, risk="a person, not the model, decides",
                             risk_level="medium", need=f"team:{r.subject}:leaving"))
    if len(clear[clear["family"] == "fairness"]):
        rows.append(Decision("high", "Do not use the leaving-risk model for decisions about individuals",
                             "it flags some demographic groups unevenly (see the fairness audit)",
                             "; ".join(clear.loc[clear["family"] == "fairness", "evidence"]), risk_level="low", need="model:leaving_risk"))
    return decisions_table(rows)


@dataclass
class RetentionFindings:
    """Everything notebook 05 shows about who stays and who may leave (`retention_findings`)."""

    curves: pd.DataFrame
    milestones: pd.DataFrame
    factors: LeavingFactors
    risk: LeaveRisk
    fairness: pd.DataFrame
    decisions: pd.DataFrame


def retention_findings(company: Company, *, evidence: pd.DataFrame, individual: bool = False) -> RetentionFindings:
    """Retention curves and milestones, the Cox models, the leaving-risk model, its fairness audit and
    the actions they call for under ``evidence`` (`smbkit.evidence.report_evidence`), computed once."""
    curves = retention_curves(company)
    milestones = retention_milestones(curves)
    factors = leaving_factors(company)
    risk = _risk(company, individual)
    fairness = fairness_audit(company, risk.oof)
    return RetentionFindings(curves, milestones, factors, risk, fairness,
                             retention_decisions(company, evidence=evidence, risk=risk, fairness=fairness))


def notes_sentence(notes: list[str]) -> str:
    """How a model was built, from its notes (what was pooled, filled in or dropped): one short sentence each."""
    if not notes:
        return "The model used every input as given."
    said = " ".join(f"{n[:1].upper()}{n[1:]}." for n in notes)
    return f"How the model was built, step by step. {said}"


def retention_takeaway(milestones: pd.DataFrame) -> str:
    """Sentence for `retention_milestones`; nothing is said past the longest follow-up."""
    c = milestones[milestones["group"] == "company"].iloc[0]
    median = (f"half of new people stay longer than {c['median_years']:.1f} years" if pd.notna(c["median_years"])
              else f"more than half of people were still here after the longest time observed ({c['followed_years']:.1f} years)")
    if pd.isna(c["stay_1y"]):
        return f"Nobody has been followed for a full year yet ({c['followed_years']:.1f} years at most), so there is no retention figure yet."
    text = f"Of everyone employed in the last {WINDOW_YEARS:g} years, {c['stay_1y']:.0%} stay past their first year"
    text += f" and {c['stay_2y']:.0%} past two; {median}." if pd.notna(c["stay_2y"]) else f"; {median}."
    teams = milestones[~milestones["group"].isin(["company", "other"])].dropna(subset=["stay_1y"])
    if len(teams) >= 2:
        text += (" The curves by team differ, as small groups always do; no team's curve is tested against the rest, so "
                 "none is singled out here (the tested comparisons are in \"What the data can tell\").")
    return text


def leaving_factors_takeaway(factors: LeavingFactors, evidence: pd.DataFrame) -> str:
    """Sentence for `leaving_factors`, naming only inputs the evidence rule finds clear."""
    drivers, notes = factors.table, factors.notes
    if drivers.empty:
        return "No model of leaving is shown: " + "; ".join(notes[-1:]) + "."
    clear = evidence[(evidence["family"] == "leaving_factor") & evidence["clear"]]
    if clear.empty:
        return ("None of the inputs goes with leaving clearly enough to rule out chance; with a small company that is "
                "common, and it means no single factor stands out.")
    readings = drivers.set_index("input").loc[list(clear["subject"]), "reading"]
    return "What goes with people choosing to leave: " + "; ".join(readings.head(3)) + ". Going together is not proof of cause."
