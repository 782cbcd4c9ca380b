"""Who may choose to leave within a year: a logistic model that shows its workings, and is only used when good enough.

The model learns from last year who chose to leave and is judged on people it did not learn from
(cross-validation). Its output is acted on only when the lower end of its AUC's 95% interval
(DeLong) is above `AUC_FLOOR`; otherwise the notebook shows its accuracy and says it is not used.
Results are at team level by default; individual scores only when asked for, always beside the
model's accuracy and a fairness audit across demographic groups. A person decides, never the model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import privacy
from .data import Company
from .decisions import comparisons_table
from .errors import fit_and_check
from .leaving import model_inputs, usable_inputs
from .people import current_employees, employees_only, years_between
from .stats import auc_interval, mean_difference_test, proportion_test

__all__ = ["MIN_EVENTS", "CV_FOLDS", "AUC_FLOOR", "FOUR_FIFTHS", "auc", "RiskData", "risk_dataset", "LeaveRisk", "leave_risk",
           "fairness_audit", "risk_comparisons", "risk_takeaway", "fairness_takeaway"]

MIN_EVENTS = 10  # fewer leavers (or stayers) than this and no model is fitted: it would describe noise
CV_FOLDS = 5
# A model's output is acted on only when the lower bound of its cross-validated AUC's 95% interval is
# above this: 0.7 is where "acceptable discrimination" starts (Hosmer, Lemeshow & Sturdivant, Applied
# Logistic Regression, 3rd ed., 2013, 5.2.4).
AUC_FLOOR = 0.7
# The four-fifths rule (US EEOC Uniform Guidelines on Employee Selection, 1978): a group flagged at
# under 80% of the most-flagged group's rate is treated as a sign of adverse impact.
FOUR_FIFTHS = 0.8
AUC_MEASURE = "accuracy: cross-validated AUC (0.5 = guessing, 1 = perfect)"


def auc(y, score) -> float:
    """Area under the ROC curve by the Mann-Whitney statistic: P(score of a leaver > score of a stayer), ties half.

    Examples
    --------
    >>> auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    y = np.asarray(y, dtype=int)
    s = pd.Series(np.asarray(score, dtype=float)).rank().to_numpy()
    n1, n0 = y.sum(), len(y) - y.sum()
    if n1 == 0 or n0 == 0:
        return float("nan")
    return float((s[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


@dataclass
class RiskData:
    """The rows a leaving-risk model learns from and scores (`risk_dataset`)."""

    train: pd.DataFrame  # people employed ``months`` before as_of (employees only)
    X_train: pd.DataFrame  # their model inputs
    y: pd.Series  # 1 when they chose to leave since
    X_score: pd.DataFrame  # today's employees' inputs, clipped to the training range
    notes: list[str]


def risk_dataset(company: Company, *, months: int = 12) -> RiskData:
    """Training rows (people employed ``months`` before as_of, labelled 1 if they chose to leave since)
    and scoring rows (people employed today), with the same model inputs, each measured on its own date.

    Scoring people are `smbkit.people.current_employees` restricted to employees.
    """
    s = company.settings
    snap = s.as_of - pd.DateOffset(months=months)
    e = employees_only(company.employees)
    train = e[(e["hire_date"] <= snap) & (e["exit_date"].isna() | (e["exit_date"] > snap))].reset_index(drop=True)
    y = ((train["exit_date"] <= s.as_of) & (train["exit_reason"] == "voluntary")).astype(int)
    # team belonging is left out: with a handful of teams it acts as a team label and shifts between waves
    Xt, notes, levels = model_inputs(company, train, snap)
    Xt["tenure_years"] = years_between(train["hire_date"], snap).to_numpy()
    cur = current_employees(company, employees=True).reset_index(drop=True)
    Xs, _, _ = model_inputs(company, cur, s.as_of, levels=levels)
    Xs["tenure_years"] = years_between(cur["hire_date"], s.as_of).to_numpy()
    Xs = Xs.reindex(columns=Xt.columns, fill_value=0.0).clip(Xt.min(), Xt.max(), axis=1)  # no extrapolation beyond training
    return RiskData(train, Xt, y, Xs, notes)


def _fit_logit(X: np.ndarray, y: np.ndarray):
    """Logit by maximum likelihood; L1-regularised (alpha 1) when that fails, does not converge or separates perfectly."""
    import warnings

    from statsmodels.discrete.discrete_model import Logit
    from statsmodels.tools.sm_exceptions import PerfectSeparationError, PerfectSeparationWarning

    design = np.column_stack([np.ones(len(X)), X])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PerfectSeparationWarning)  # separation is an answer: take the regularised fit
            res, converged = fit_and_check(Logit(y, design).fit, disp=0, maxiter=200)
        ok = converged and np.all(np.isfinite(res.params)) and np.abs(res.params).max() < 15
    except (PerfectSeparationWarning, PerfectSeparationError, np.linalg.LinAlgError, ValueError):
        ok = False
    if ok:
        return res, "maximum likelihood"
    alpha = np.r_[0.0, np.ones(X.shape[1])]  # the intercept is not penalised
    res, converged = fit_and_check(Logit(y, design).fit_regularized, method="l1", alpha=alpha, disp=0)
    return res, "regularised (L1, alpha 1)" + ("" if converged else "; its fit did not fully converge")


def _predict(res, X: np.ndarray) -> np.ndarray:
    return np.asarray(res.predict(np.column_stack([np.ones(len(X)), X])))


@dataclass
class LeaveRisk:
    """A leaving-risk model's results (`leave_risk`); every table is empty when no model could be fitted."""

    summary: pd.DataFrame  # measure, value
    calibration: pd.DataFrame
    teams: pd.DataFrame
    individuals: pd.DataFrame  # empty unless asked for
    oof: pd.DataFrame  # training people with their out-of-fold risk, for `fairness_audit`
    notes: list[str]
    auc: float = float("nan")
    auc_low: float = float("nan")
    auc_high: float = float("nan")
    scores: pd.Series | None = None  # today's employees' risk (0-1) by employee_id; never published as it is

    @property
    def fitted(self) -> bool:
        """True when a model was fitted (enough leavers and stayers)."""
        return not self.summary.empty

    @property
    def good_enough(self) -> bool:
        """True when the lower bound of the AUC's 95% interval is above `AUC_FLOOR`: only then is the model acted on."""
        return self.fitted and self.auc_low > AUC_FLOOR


def leave_risk(company: Company, *, months: int = 12, seed: int = 0, individual: bool = False) -> LeaveRisk:
    """Who may choose to leave within ``months``: a logistic model, its accuracy, and team-level risk.

    Trained on the people employed ``months`` before as_of (label: chose to leave since), inputs
    as in `smbkit.leaving.model_inputs` plus tenure, standardised, without team belonging (with a handful
    of teams it would act as a team label); today's inputs are clipped to the training range. Accuracy:
    AUC of out-of-fold predictions from `CV_FOLDS`-fold cross-validation stratified on the label
    (seeded) with DeLong's 95% interval (`smbkit.stats.auc_interval`), beside the base rate and a
    calibration table (predicted against observed by fifths of predicted risk). Scores for today's
    employees come from a model fitted on all training rows. Team results are hidden for teams under
    min_group_size (a small team's average is nearly a person's score); individual scores only when
    ``individual=True``.

    Returns
    -------
    LeaveRisk
    """
    min_size = privacy.check_min_group_size(company.settings.min_group_size)
    data = risk_dataset(company, months=months)
    train, Xt, y, Xs, notes = data.train, data.X_train, data.y, data.X_score, data.notes
    pos, neg = int(y.sum()), int((1 - y).sum())
    if pos < MIN_EVENTS or neg < MIN_EVENTS:
        return LeaveRisk(pd.DataFrame(columns=["measure", "value"]), pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), pd.DataFrame(),
                         notes + [f"{pos} of {len(y)} people chose to leave in the last {months} months; a risk model needs "
                                  f"at least {MIN_EVENTS} leavers and {MIN_EVENTS} stayers"])
    Xt, dropped = usable_inputs(Xt)
    notes += dropped
    Xs = Xs[Xt.columns]
    mu, sd = Xt.mean(), Xt.std(ddof=0).replace(0, 1)
    A, B = ((Xt - mu) / sd).to_numpy(), ((Xs - mu) / sd).to_numpy()
    yv = y.to_numpy()
    rng = np.random.default_rng(seed)
    fold = np.empty(len(yv), dtype=int)
    for label in (0, 1):  # stratified folds: leavers and stayers spread evenly
        idx = np.flatnonzero(yv == label)
        fold[rng.permutation(idx)] = np.arange(len(idx)) % CV_FOLDS
    oof = np.empty(len(yv))
    methods = set()
    for k in range(CV_FOLDS):
        res, method = _fit_logit(A[fold != k], yv[fold != k])
        methods.add(method)
        oof[fold == k] = _predict(res, A[fold == k])
    res, method = _fit_logit(A, yv)
    methods.add(method)
    score = _predict(res, B)
    bins = pd.qcut(pd.Series(oof).rank(method="first"), 5, labels=False)
    cal = pd.DataFrame({"bin": bins, "predicted": oof, "observed": yv}).groupby("bin").agg(
        people=("observed", "size"), predicted_pct=("predicted", "mean"), observed_pct=("observed", "mean"))
    cal[["predicted_pct", "observed_pct"]] *= 100
    cal.index = [f"fifth {i + 1} ({'lowest' if i == 0 else 'highest' if i == 4 else ''} risk)".replace(" ( risk)", "")
                 for i in cal.index]
    cal = cal.rename_axis("predicted risk").reset_index()
    cur = current_employees(company, employees=True).reset_index(drop=True)
    teams = pd.DataFrame({"team": cur["team"], "risk": score}).groupby("team").agg(people=("risk", "size"), risk_pct=("risk", "mean"),
                                                                                   expected_leavers=("risk", "sum")).reset_index()
    teams["risk_pct"] *= 100
    teams = privacy.suppress(teams, count="people", by=["team"], min_size=min_size)
    value, low, high = auc_interval(yv, oof)
    summary = pd.DataFrame([
        ("people in the training year", len(yv)), ("chose to leave within the year", pos),
        ("base rate: share who left (%)", 100 * pos / len(yv)),
        (AUC_MEASURE, auc(yv, oof)), ("AUC, low end of its 95% range", low), ("AUC, high end of its 95% range", high),
        (f"good enough to act on (low end above {AUC_FLOOR})", "yes" if low > AUC_FLOOR else "no"),
        ("method", " and ".join(sorted(methods))), ("expected leavers among today's employees", float(score.sum()))],
        columns=["measure", "value"]).astype({"value": "object"})
    individuals = pd.DataFrame()
    if individual:
        labels = privacy.person_labels(cur, show_names=company.settings.show_names)
        individuals = pd.DataFrame({"person": cur["employee_id"].map(labels), "team": cur["team"], "role": cur["role"],
                                    "risk_pct": 100 * score}).sort_values("risk_pct", ascending=False).reset_index(drop=True)
    return LeaveRisk(summary, cal, teams, individuals, train.assign(risk=oof, left=yv), notes, value, low, high,
                     pd.Series(score, index=cur["employee_id"].to_numpy()))


def fairness_audit(company: Company, oof: pd.DataFrame) -> pd.DataFrame:
    """Does the risk model treat demographic groups alike? Flag rates and true-positive rates per group.

    The people with the highest out-of-fold risk are flagged, as many as actually left (so the flag
    rate overall equals the base rate). Per demo_* group of employees.csv: flag_rate = flagged /
    people; tpr = flagged leavers / leavers (equal opportunity, Hardt et al., 2016); ``p_value``:
    Fisher's exact test of the group's flag rate against everyone else's (people are the units).
    Groups under min_group_size are hidden, with complementary suppression; the number of leavers
    and the tpr are hidden where a group has fewer leavers than min_group_size, and beside them as many
    others as it takes for the hidden leavers to add up to none or to min_group_size (the total is shown). ``concern`` names a
    flag-rate ratio under `FOUR_FIFTHS` (the four-fifths rule) or a tpr gap over 20 points; whether it
    is clear enough to act on is the evidence rule's call (`risk_comparisons`).

    Returns
    -------
    DataFrame
        Columns: ``column``, ``group``, ``people``, ``flag_rate_pct``, ``leavers``, ``tpr_pct``, ``p_value``,
        ``hidden``, ``flag_ratio`` (group flag rate / highest shown), ``concern``.
    """
    cols = ["column", "group", "people", "flag_rate_pct", "leavers", "tpr_pct", "p_value", "hidden", "flag_ratio", "concern"]
    demo = [c for c in company.employees.columns if c.startswith("demo_")]
    if oof.empty or not demo:
        return pd.DataFrame(columns=cols)
    min_size = privacy.check_min_group_size(company.settings.min_group_size)
    k = int(oof["left"].sum())
    flagged = np.zeros(len(oof), dtype=bool)
    flagged[np.argsort(-oof["risk"].to_numpy(), kind="stable")[:k]] = True
    d = oof.assign(flagged=flagged)
    parts = []
    for col in demo:
        g = d.assign(group=d[col].astype("object").fillna("not given").astype(str)).groupby("group").agg(
            people=("flagged", "size"), flagged=("flagged", "sum"), leavers=("left", "sum"),
            hits=("flagged", lambda s: int((s & d.loc[s.index, "left"].astype(bool)).sum()))).reset_index()
        g["flag_rate_pct"] = 100 * g["flagged"] / g["people"]
        few_leavers = privacy.too_few(g["leavers"], min_size)
        g["tpr_pct"] = np.where(~few_leavers, 100 * g["hits"] / g["leavers"].where(g["leavers"] > 0, 1), np.nan)
        total_flagged, total = int(g["flagged"].sum()), int(g["people"].sum())
        g["p_value"] = [proportion_test(int(r.flagged), int(r.people), total_flagged - int(r.flagged), total - int(r.people))
                        for r in g.itertuples()]
        g = privacy.suppress(g.drop(columns=["flagged", "hits"]), count="people", by=["group"], min_size=min_size)
        # a handful of leavers could be named; the model's total of leavers is published, so the hidden ones must add up
        # to none or to min_group_size (complementary suppression over the groups' leaver counts)
        leavers = d.assign(group=d[col].astype("object").fillna("not given").astype(str)).groupby("group")["left"].sum()
        n_left = g["group"].map(leavers).fillna(0).to_numpy(dtype=float)
        few = g["hidden"].to_numpy(dtype=bool) | (np.asarray(privacy.too_few(n_left, min_size), dtype=bool) & (n_left > 0))
        few = privacy.complementary(n_left, few, min_size)
        g.loc[few, ["leavers", "tpr_pct"]] = np.nan
        shown = g[~g["hidden"]]
        top = shown["flag_rate_pct"].max() if len(shown) else np.nan
        g["flag_ratio"] = g["flag_rate_pct"] / top if top and top > 0 else np.nan
        tpr_gap = shown["tpr_pct"].max() - shown["tpr_pct"].min() if shown["tpr_pct"].notna().sum() >= 2 else 0.0
        g["concern"] = [
            "" if r.hidden else "; ".join(x for x in (
                f"flagged at {r.flag_ratio:.0%} of the most-flagged group's rate (under four fifths)" if r.flag_ratio < FOUR_FIFTHS else "",
                f"true-positive rates differ by {tpr_gap:.0f} points across groups" if tpr_gap > 20 and pd.notna(r.tpr_pct) else "")
                if x)
            for r in g.itertuples()]
        parts.append(g.assign(column=col))
    return pd.concat(parts, ignore_index=True)[cols]


def risk_comparisons(company: Company, risk: LeaveRisk, fairness: pd.DataFrame) -> pd.DataFrame:
    """The model's outputs an action could single out, as comparisons for the evidence rule.

    Only for a model that is `LeaveRisk.good_enough`: for each team shown, its people's predicted
    risk against everyone else's (a permutation test over people, one-sided), and for each shown
    demographic group with a concern, its flag rate against everyone else's (Fisher's exact test).

    Returns
    -------
    DataFrame
        A `smbkit.decisions.comparisons_table` (families ``team_risk`` and ``fairness``).
    """
    if not risk.good_enough:
        return comparisons_table([])
    rows = []
    cur = current_employees(company, employees=True).reset_index(drop=True)
    per_person = cur["employee_id"].map(risk.scores).astype(float)
    for t in risk.teams[~risk.teams["hidden"]].itertuples():
        mine = (cur["team"] == t.team).to_numpy()
        p = mean_difference_test(per_person[mine], per_person[~mine], alternative="greater")
        rows.append(("05", "team_risk", t.team, f"{t.team}: the model expects about {t.expected_leavers:.1f} of its {int(t.people)} "
                     f"people to choose to leave within a year ({t.risk_pct:.0f}% each on average)", "people", int(t.people),
                     t.risk_pct, p))
    for g in fairness[(~fairness["hidden"]) & fairness["concern"].astype(bool)].itertuples():
        rows.append(("05", "fairness", f"{g.column.removeprefix('demo_')} {g.group}", f"the model flags {g.flag_rate_pct:.0f}% of "
                     f"{g.column.removeprefix('demo_')} {g.group}: {g.concern}", "people", g.people, g.flag_ratio, g.p_value))
    return comparisons_table(rows)


def risk_takeaway(risk: LeaveRisk) -> str:
    """Sentence for `leave_risk`: its accuracy, and whether it is good enough to act on."""
    s = risk.summary
    if s.empty:
        return "No leaving-risk model is shown: " + "; ".join(risk.notes[-1:]) + "."
    v = dict(zip(s["measure"], s["value"]))
    a = float(v[AUC_MEASURE])
    text = (f"Of the {v['people in the training year']} people employed a year ago, {v['chose to leave within the year']} chose to "
            f"leave within the year ({float(v['base rate: share who left (%)']):.0f}%; notebook 01's turnover divides leavers by the "
            "average headcount instead, so it differs a little). On people it had not seen, the model ranks a leaver above a stayer "
            f"{a:.0%} of the time (likely between {risk.auc_low:.0%} and {risk.auc_high:.0%}).")
    if risk.good_enough:
        return text + " That is good enough to ask questions of teams, never to judge a person: a person decides."
    return (text + f" That is not good enough to act on (the low end would need to be above {AUC_FLOOR:.0%}), so nothing below "
            "is used for a decision.")


def fairness_takeaway(audit: pd.DataFrame) -> str:
    """Sentence for `fairness_audit`."""
    if audit.empty:
        return "No fairness audit: the model was not fitted or employees.csv has no demo_* columns."
    concerns = audit[audit["concern"].astype(bool)]
    hidden = int(audit["hidden"].sum())
    text = ("The model flags the shown groups at similar rates." if concerns.empty else
            f"The model treats groups unevenly: {concerns['column'].iloc[0].removeprefix('demo_')} {concerns['group'].iloc[0]}: "
            f"{concerns['concern'].iloc[0]}.")
    return text + (f" {hidden} group{'s are' if hidden != 1 else ' is'} hidden to protect small groups." if hidden else "")
