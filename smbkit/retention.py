"""Notebook 05, part 2 — who stays, what goes with leaving, and a risk model that shows its workings.

Kaplan-Meier retention curves and a Cox proportional-hazards model (statsmodels) on HR fields and
team belonging; a logistic model of leaving within a year with cross-validated accuracy, a
calibration table and a fairness audit across demographic groups. Results are at team level by
default; individual scores only when asked for, always with the model's accuracy beside them.

employees.csv holds everyone employed now and everyone who left in the last 3 years, so people
who joined before that window enter the analysis late (left truncation): they are counted at risk
only from the window's start, which keeps long-gone leavers from biasing the curves.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import privacy
from .data import Company
from .decisions import decisions_table
from .errors import fit_and_check
from .people import DAYS_PER_YEAR, current_employees, employees_only, years_before, years_between
from .survey import survey_results

__all__ = [
    "WINDOW_YEARS",
    "MIN_EVENTS",
    "RARE_LEVEL",
    "MILESTONES",
    "kaplan_meier",
    "survival_frame",
    "retention_curves",
    "retention_milestones",
    "LeavingFactors",
    "leaving_factors",
    "auc",
    "RiskData",
    "risk_dataset",
    "LeaveRisk",
    "leave_risk",
    "fairness_audit",
    "FOUR_FIFTHS",
    "RetentionFindings",
    "retention_findings",
    "retention_decisions",
    "notes_sentence",
    "retention_takeaway",
    "leaving_factors_takeaway",
    "risk_takeaway",
    "fairness_takeaway",
]

WINDOW_YEARS = 3.0  # employees.csv keeps leavers of the last 3 years (data contract)
MIN_EVENTS = 10  # fewer leavers than this and a model is not fitted: it would describe noise
RARE_LEVEL = 10  # roles or work modes with fewer people than this are pooled as "other"
MILESTONES = (0.5, 1.0, 2.0, 5.0)  # years of tenure at which retention is read off the curves
# The four-fifths rule (US EEOC Uniform Guidelines on Employee Selection, 1978): a group flagged at
# under 80% of the most-flagged group's rate, or over 1.25x, is treated as a sign of adverse impact.
FOUR_FIFTHS = 0.8
CV_FOLDS = 5
# Per-unit scaling of the model's numeric inputs, so hazard ratios read in owners' units.
UNITS = {"pay_vs_role": (0.1, "10% more pay than the role's median"), "absence_days": (5.0, "5 more days absent a year"),
         "performance": (1.0, "one point higher performance rating"), "team_belonging": (10.0, "10 points more team belonging"),
         "tenure_years": (1.0, "one more year of tenure")}


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


def _survival_at(km: pd.DataFrame, t: float) -> float:
    before = km[km["time"] <= t]
    return 1.0 if before.empty else float(before["survival"].iloc[-1])


def _median(km: pd.DataFrame) -> float:
    below = km[km["survival"] <= 0.5]
    return float(below["time"].iloc[0]) if len(below) else float("nan")


def survival_frame(company: Company, *, event: str = "voluntary") -> pd.DataFrame:
    """One row per employee (not contractors) with tenure in years, late entry and whether they left.

    time = years from hire to exit (or to as_of); entry = years of tenure at the window's start for
    people hired before it (0 otherwise); left = an exit inside the window with exit_reason
    voluntary (``event="voluntary"``, the default: people choosing to go) or any exit
    (``event="any"``); other exits count as still employed until they left (censored).
    """
    if event not in ("voluntary", "any"):
        raise ValueError(f"event must be 'voluntary' or 'any'; got: {event!r}")
    s = company.settings
    start = years_before(s.as_of, WINDOW_YEARS)
    e = employees_only(company.employees)
    e = e[e["hire_date"] <= s.as_of].copy()
    end = e["exit_date"].where(e["exit_date"] <= s.as_of, s.as_of).fillna(s.as_of)
    e["time"] = years_between(e["hire_date"], end).clip(lower=1 / DAYS_PER_YEAR)
    e["entry"] = years_between(e["hire_date"], start).clip(lower=0)
    exited = e["exit_date"].notna() & (e["exit_date"] <= s.as_of) & (e["exit_date"] > start)
    e["left"] = (exited & (e["exit_reason"] == "voluntary" if event == "voluntary" else exited)).astype(int)
    e = e[e["time"] > e["entry"]]
    return e.reset_index(drop=True)


def retention_curves(company: Company, *, by: str | None = "team", event: str = "voluntary") -> pd.DataFrame:
    """Kaplan-Meier retention curve of the whole company and of each group in ``by``.

    Groups with fewer than `RARE_LEVEL` people in the data are pooled as ``other`` (their own curves
    would be mostly noise).

    Returns
    -------
    DataFrame
        Columns: ``group``, ``people``, ``leavers``, ``time``, ``survival``, ``median_years``.
    """
    f = survival_frame(company, event=event)
    groups = {"company": f}
    if by:
        label = _pooled(f[by], RARE_LEVEL)
        groups |= {g: f[label == g] for g in sorted(label.unique(), key=lambda x: (x == "other", x))}
    rows = []
    for name, part in groups.items():
        if part.empty:
            continue
        km = kaplan_meier(part["time"], part["left"], part["entry"])
        median = _median(km)
        curve = pd.concat([pd.DataFrame({"time": [0.0], "survival": [1.0]}), km[["time", "survival"]]], ignore_index=True)
        rows.append(curve.assign(group=name, people=len(part), leavers=int(part["left"].sum()), median_years=median))
    out = pd.concat(rows, ignore_index=True)
    return out[["group", "people", "leavers", "time", "survival", "median_years"]]


def retention_milestones(curves: pd.DataFrame) -> pd.DataFrame:
    """Share still employed at each tenure milestone (`MILESTONES`), per group of `retention_curves`.

    Returns
    -------
    DataFrame
        Columns: ``group``, ``people``, ``leavers``, ``median_years``, then one ``stay_<t>y`` column per milestone.
    """
    rows = []
    for group, g in curves.groupby("group", sort=False):
        row = {"group": group, "people": int(g["people"].iloc[0]), "leavers": int(g["leavers"].iloc[0]),
               "median_years": float(g["median_years"].iloc[0])}
        row |= {f"stay_{t:g}y": _survival_at(g, t) for t in MILESTONES}
        rows.append(row)
    return pd.DataFrame(rows)


def _pooled(col: pd.Series, minimum: int) -> pd.Series:
    counts = col.value_counts()
    small = counts[counts < minimum].index
    return col.where(~col.isin(small), "other").astype(str)


def _team_belonging(company: Company, on=None) -> tuple[pd.Series, float]:
    """Belonging Index per team in the latest wave on or before ``on``, and the company's (hidden teams are missing)."""
    if not company.has("survey_items", "survey_responses"):
        return pd.Series(dtype=float), float("nan")
    res = survey_results(company, by="team")
    res = res[res["measure"] == "belonging_index"]
    whole = survey_results(company)
    whole = whole[whole["measure"] == "belonging_index"]
    if on is not None:
        res, whole = res[res["wave"] <= on], whole[whole["wave"] <= on]
    if whole.empty:
        return pd.Series(dtype=float), float("nan")
    wave = whole["wave"].max()
    company_value = float(whole.loc[whole["wave"] == wave, "score"].iloc[0])
    latest = res[res["wave"] == wave].set_index("team")["score"]
    return latest.astype(float), company_value


def _features(company: Company, people: pd.DataFrame, on, *, levels: dict | None = None,
              belonging: bool = True) -> tuple[pd.DataFrame, list[str], dict]:
    """Model inputs for ``people`` as of date ``on``: the table, notes on what was filled in, and the
    role and work-mode levels used (pass them back as ``levels`` to score other people alike)."""
    notes = []
    levels = {} if levels is None else levels
    cost = people["annual_cost"] / people["fte"]
    role_median = cost.groupby(people["role"]).transform("median")
    X = pd.DataFrame(index=people.index)
    X["pay_vs_role"] = cost / role_median - 1
    if company.has("absences"):
        # days absent per year over each person's last year at work before ``on`` (or before leaving),
        # so people who left earlier are not counted as never absent
        end = people["exit_date"].where(people["exit_date"] <= on, on).fillna(on)
        begin = np.maximum(people["hire_date"], end - pd.DateOffset(years=1))
        a = company.absences.merge(pd.DataFrame({"employee_id": people["employee_id"], "b": begin, "e": end}), on="employee_id")
        a = a[(a["start_date"] >= a["b"]) & (a["start_date"] <= a["e"])]
        years = years_between(begin, end).clip(lower=0.25)
        X["absence_days"] = (people["employee_id"].map(a.groupby("employee_id")["days"].sum()).fillna(0.0) / years).to_numpy()
    if "performance" in people and people["performance"].notna().any():
        missing = int(people["performance"].isna().sum())
        X["performance"] = people["performance"].fillna(people["performance"].median())
        if missing:
            notes.append(f"performance missing for {missing} people: the median used")
    by_team, company_value = _team_belonging(company, on) if belonging else (None, float("nan"))
    if not np.isnan(company_value):
        X["team_belonging"] = people["team"].map(by_team).fillna(company_value).to_numpy()
    for col in ("role", "work_mode"):
        if col not in people or not people[col].notna().any():
            continue
        if col in levels:
            ref, known = levels[col]
            raw = people[col].fillna("unknown")
            level = raw.where(raw.isin(known), "other" if "other" in known else ref)
        else:
            level = _pooled(people[col].fillna("unknown"), RARE_LEVEL)
            ref, known = level.value_counts().index[0], sorted(set(level))
            levels[col] = (ref, known)
            notes.append(f"{col} compared with {ref}")
        for v in sorted(set(known) - {ref}):
            X[f"{col}: {v}"] = (level == v).astype(float).to_numpy()
    return X.astype(float), notes, levels


def _usable(X: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
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


def _scaled(X: pd.DataFrame) -> pd.DataFrame:
    return X.apply(lambda c: c / UNITS[c.name][0] if c.name in UNITS else c)


def _plain(name: str) -> str:
    if name in UNITS:
        return UNITS[name][1]
    col, _, level = name.partition(": ")
    return f"{col.replace('_', ' ')} {level}"


@dataclass
class LeavingFactors:
    """What goes with leaving (`leaving_factors`): hazard ratios per input, and how the model was built."""

    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def leaving_factors(company: Company) -> LeavingFactors:
    """Cox proportional-hazards model of voluntary leaving (statsmodels PHReg, Efron ties, late entry).

    Inputs: pay relative to the role's median, absence days in the last year, performance, the
    team's Belonging Index (latest wave; teams hidden by the privacy rule get the company's value,
    and anonymous answers are never joined to people), role and work mode (rare levels pooled).
    Tenure is the model's clock, so it is not also an input. Constant and collinear inputs are
    dropped with a note; a model that does not converge is reported, not shown. Hazard ratio =
    exp(coefficient), per the unit in `UNITS`; 95% interval exp(b +/- 1.96 se).

    Returns
    -------
    LeavingFactors
        ``table`` with columns ``input``, ``meaning``, ``hazard_ratio``, ``low``, ``high``, ``p_value``,
        ``reading``; and ``notes`` (what was pooled, filled in or dropped, or why no model is shown).
    """
    from statsmodels.duration.hazard_regression import PHReg

    cols = ["input", "meaning", "hazard_ratio", "low", "high", "p_value", "reading"]
    f = survival_frame(company)
    events = int(f["left"].sum())
    if events < MIN_EVENTS:
        return LeavingFactors(pd.DataFrame(columns=cols), [f"only {events} people chose to leave in the last {WINDOW_YEARS:g} years; "
                                                           f"a model needs at least {MIN_EVENTS}"])
    X, notes, _ = _features(company, f, company.settings.as_of)
    X, dropped = _usable(_scaled(X))
    notes += dropped
    for c in [c for c in X.columns if ": " in c]:  # a group with no leavers (or only leavers) has no finite hazard ratio
        left = f.loc[X[c] == 1, "left"]
        if left.sum() in (0, len(left)):
            X = X.drop(columns=c)
            notes.append(f"{_plain(c)} dropped: {'nobody' if left.sum() == 0 else 'everyone'} in it left, so no rate can be compared")
    try:
        res, converged = fit_and_check(PHReg(f["time"].to_numpy(), X.to_numpy(), status=f["left"].to_numpy(),
                                             entry=f["entry"].to_numpy(), ties="efron").fit, disp=False)
    except (np.linalg.LinAlgError, ValueError) as err:
        return LeavingFactors(pd.DataFrame(columns=cols), notes + [f"the model could not be fitted ({err}); too few leavers for this many inputs"])
    if not converged or not np.all(np.isfinite(res.bse)):
        return LeavingFactors(pd.DataFrame(columns=cols), notes + ["the model did not converge: some inputs separate leavers from stayers "
                                                                   "almost perfectly in this small sample, so its numbers would mislead"])
    b, se = np.asarray(res.params), np.asarray(res.bse)
    out = pd.DataFrame({"input": X.columns, "meaning": [_plain(c) for c in X.columns], "hazard_ratio": np.exp(b),
                        "low": np.exp(b - 1.96 * se), "high": np.exp(b + 1.96 * se), "p_value": np.asarray(res.pvalues)})
    out["reading"] = [_reading(r) for r in out.itertuples()]
    return LeavingFactors(out.sort_values("p_value", kind="stable").reset_index(drop=True)[cols], notes)


def _reading(r) -> str:
    clear = r.low > 1 or r.high < 1
    if r.hazard_ratio >= 1:
        text = f"{r.meaning}: people leave at {r.hazard_ratio:.1f} times the rate"
    else:
        text = f"{r.meaning}: people leave at {r.hazard_ratio:.1f} times the rate ({1 - r.hazard_ratio:.0%} less)"
    return text + ("" if clear else " - but the range includes no difference, so it may be chance")


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
    and scoring rows (people employed today), with the same model inputs.

    Scoring people are `smbkit.people.current_employees` restricted to employees.
    """
    s = company.settings
    snap = s.as_of - pd.DateOffset(months=months)
    e = employees_only(company.employees)
    train = e[(e["hire_date"] <= snap) & (e["exit_date"].isna() | (e["exit_date"] > snap))].reset_index(drop=True)
    y = ((train["exit_date"] <= s.as_of) & (train["exit_reason"] == "voluntary")).astype(int)
    # team belonging is left out: with a handful of teams it acts as a team label and shifts between waves
    Xt, notes, levels = _features(company, train, snap, belonging=False)
    Xt["tenure_years"] = years_between(train["hire_date"], snap).to_numpy()
    cur = current_employees(company, employees=True).reset_index(drop=True)
    Xs, _, _ = _features(company, cur, s.as_of, levels=levels, belonging=False)
    Xs["tenure_years"] = years_between(cur["hire_date"], s.as_of).to_numpy()
    Xs = Xs.reindex(columns=Xt.columns, fill_value=0.0).clip(Xt.min(), Xt.max(), axis=1)  # no extrapolation beyond training
    return RiskData(train, Xt, y, Xs, notes)


def _fit_logit(X: np.ndarray, y: np.ndarray):
    """Logit by maximum likelihood; L1-regularised (alpha 1) when that fails, does not converge or separates perfectly."""
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

    @property
    def fitted(self) -> bool:
        """True when a model was fitted (enough leavers and stayers)."""
        return not self.summary.empty


def leave_risk(company: Company, *, months: int = 12, seed: int = 0, individual: bool = False) -> LeaveRisk:
    """Who may choose to leave within ``months``: a logistic model, its accuracy, and team-level risk.

    Trained on the people employed ``months`` before as_of (label: chose to leave since), inputs
    as in `leaving_factors` plus tenure, standardised, without team belonging (with a handful of
    teams it would act as a team label); today's inputs are clipped to the training range. Accuracy: AUC of out-of-fold predictions from
    `CV_FOLDS`-fold cross-validation stratified on the label (seeded), beside the base rate (share who
    left) and a calibration table (predicted against observed by fifths of predicted risk). Scores
    for today's employees come from a model fitted on all training rows. Team results are hidden for
    teams under min_group_size (a small team's average is nearly a person's score); individual
    scores only when ``individual=True``.

    Returns
    -------
    LeaveRisk
        ``summary`` (measure, value), ``calibration``, ``teams``, ``individuals`` (empty unless
        asked), ``oof`` (training people with out-of-fold risk, for `fairness_audit`), ``notes``.
    """
    min_size = privacy.check_min_group_size(company.settings.min_group_size)
    data = risk_dataset(company, months=months)
    train, Xt, y, Xs, notes = data.train, data.X_train, data.y, data.X_score, data.notes
    pos, neg = int(y.sum()), int((1 - y).sum())
    if pos < MIN_EVENTS or neg < MIN_EVENTS:
        return LeaveRisk(pd.DataFrame(columns=["measure", "value"]), pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), pd.DataFrame(),
                         notes + [f"{pos} of {len(y)} people chose to leave in the last {months} months; a risk model needs "
                                  f"at least {MIN_EVENTS} leavers and {MIN_EVENTS} stayers"])
    Xt, dropped = _usable(Xt)
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
    summary = pd.DataFrame([
        ("people in the training year", len(yv)), ("chose to leave within the year", pos),
        ("base rate: share who left (%)", 100 * pos / len(yv)),
        ("accuracy: cross-validated AUC (0.5 = guessing, 1 = perfect)", auc(yv, oof)),
        ("method", " and ".join(sorted(methods))), ("expected leavers among today's employees", float(score.sum()))],
        columns=["measure", "value"]).astype({"value": "object"})
    individuals = pd.DataFrame()
    if individual:
        labels = privacy.person_labels(cur, show_names=company.settings.show_names)
        individuals = pd.DataFrame({"person": cur["employee_id"].map(labels), "team": cur["team"], "role": cur["role"],
                                    "risk_pct": 100 * score}).sort_values("risk_pct", ascending=False).reset_index(drop=True)
    return LeaveRisk(summary, cal, teams, individuals, train.assign(risk=oof, left=yv), notes)


def fairness_audit(company: Company, oof: pd.DataFrame) -> pd.DataFrame:
    """Does the risk model treat demographic groups alike? Flag rates and true-positive rates per group.

    The people with the highest out-of-fold risk are flagged, as many as actually left (so the flag
    rate overall equals the base rate). Per demo_* group of employees.csv: flag_rate = flagged /
    people; tpr = flagged leavers / leavers (equal opportunity, Hardt et al., 2016). Groups under
    min_group_size are hidden, with complementary suppression; the number of leavers and the tpr are
    hidden where a group has fewer leavers than min_group_size. Gaps compare the shown groups: flag-rate ratio under
    `FOUR_FIFTHS` (the four-fifths rule) or a tpr gap over 0.2 is flagged.

    Returns
    -------
    DataFrame
        Columns: ``column``, ``group``, ``people``, ``flag_rate_pct``, ``leavers``, ``tpr_pct``, ``hidden``,
        ``flag_ratio`` (group flag rate / highest shown), ``concern``.
    """
    cols = ["column", "group", "people", "flag_rate_pct", "leavers", "tpr_pct", "hidden", "flag_ratio", "concern"]
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
        g = privacy.suppress(g.drop(columns=["flagged", "hits"]), count="people", by=["group"], min_size=min_size)
        g.loc[g["hidden"] | privacy.too_few(g["leavers"], min_size), "leavers"] = np.nan  # a handful of leavers could be named
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


def retention_decisions(company: Company, milestones: pd.DataFrame, factors: LeavingFactors, risk: LeaveRisk,
                        fairness: pd.DataFrame) -> pd.DataFrame:
    """Actions from retention (shown in notebook 05's "What to decide"): early leaving, clear factors, fairness.

    Returns
    -------
    DataFrame
        A `smbkit.decisions.decisions_table`.
    """
    rows = []
    whole = milestones[milestones["group"] == "company"]
    if len(whole) and whole["stay_1y"].iloc[0] < 0.8:
        rows.append(("high", "Look at how new people are welcomed and trained",
                     f"only {whole['stay_1y'].iloc[0]:.0%} of people are still here after their first year",
                     "a few hours per newcomer (a buddy, a first-month plan)", "more newcomers stay past their first year",
                     "low: onboarding helps even where it is not the cause"))
    drivers = factors.table
    for d in drivers[(drivers["low"] > 1) | (drivers["high"] < 1)].itertuples():
        rows.append(("medium", f"Look into {d.meaning.split(':')[0]}", d.reading))
    if len(fairness) and fairness["concern"].astype(bool).any():
        rows.append(("high", "Do not use the leaving-risk model for decisions about individuals",
                     "it flags some demographic groups unevenly (see the fairness audit)"))
    teams = risk.teams
    if len(teams) and teams["risk_pct"].notna().any():
        t = teams.sort_values("risk_pct", ascending=False).iloc[0]
        rows.append(("medium", f"Check in with {t['team']} about workload and prospects",
                     f"the model expects about {t['expected_leavers']:.1f} of its {int(t['people'])} people to leave within a year; "
                     "a person, not the model, decides what to do"))
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


def retention_findings(company: Company, *, individual: bool = False) -> RetentionFindings:
    """Retention curves and milestones, the Cox model, the leaving-risk model, its fairness audit and
    the actions they call for, computed once for notebook 05 (``individual`` as in `leave_risk`)."""
    curves = retention_curves(company)
    milestones = retention_milestones(curves)
    factors = leaving_factors(company)
    risk = leave_risk(company, individual=individual)
    fairness = fairness_audit(company, risk.oof)
    return RetentionFindings(curves, milestones, factors, risk, fairness,
                             retention_decisions(company, milestones, factors, risk, fairness))


def notes_sentence(notes: list[str]) -> str:
    """How a model was built, as one sentence from its notes (what was pooled, filled in or dropped)."""
    return ("How the model was built: " + "; ".join(notes) + ".") if notes else "The model used every input as given."


def retention_takeaway(milestones: pd.DataFrame) -> str:
    """Sentence for `retention_milestones`."""
    c = milestones[milestones["group"] == "company"].iloc[0]
    median = (f"half of new people stay longer than {c['median_years']:.1f} years" if pd.notna(c["median_years"])
              else "more than half of people stay beyond the longest tenure observed")
    teams = milestones[~milestones["group"].isin(["company", "other"])]
    text = (f"Of everyone employed in the last {WINDOW_YEARS:g} years, {c['stay_1y']:.0%} stay past their first year and "
            f"{c['stay_2y']:.0%} past two; {median}.")
    if len(teams) >= 2:
        low = teams.sort_values("stay_1y").iloc[0]
        text += f" {low['group']} keeps the fewest past the first year ({low['stay_1y']:.0%})."
    return text


def leaving_factors_takeaway(factors: LeavingFactors) -> str:
    """Sentence for `leaving_factors`."""
    drivers, notes = factors.table, factors.notes
    if drivers.empty:
        return "No model of leaving is shown: " + "; ".join(notes[-1:]) + "."
    clear = drivers[(drivers["low"] > 1) | (drivers["high"] < 1)]
    if clear.empty:
        return ("None of the inputs goes with leaving clearly enough to rule out chance; with a small company that is "
                "common, and it means no single factor stands out.")
    return "What goes with people choosing to leave: " + "; ".join(clear["reading"].head(3)) + ". Going together is not proof of cause."


def risk_takeaway(risk: LeaveRisk) -> str:
    """Sentence for `leave_risk`."""
    s = risk.summary
    if s.empty:
        return "No leaving-risk model is shown: " + "; ".join(risk.notes[-1:]) + "."
    v = dict(zip(s["measure"], s["value"]))
    a = float(v["accuracy: cross-validated AUC (0.5 = guessing, 1 = perfect)"])
    quality = ("useful" if a >= 0.75 else "modest" if a >= 0.65 else "weak, little better than guessing" if a >= 0.55
               else "no better than guessing")
    return (f"In the last year {v['chose to leave within the year']} of {v['people in the training year']} people chose to leave "
            f"({float(v['base rate: share who left (%)']):.0f}%). On people it had not seen, the model ranks a leaver above a stayer "
            f"{a:.0%} of the time: {quality}. Use it to ask questions of teams, never to judge a person: a person decides.")


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
