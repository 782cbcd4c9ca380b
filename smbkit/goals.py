"""Notebook 02 — where the company is going and the work that creates.

OKRs (tree, scores, SMART checks), driver-based demand per role under each scenario, and a
statistical forecast of the drivers with the band of demand it implies.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import privacy
from .data import Company
from .workforce import current_employees, decisions_table

__all__ = [
    "GREEN",
    "YELLOW",
    "PACE_FACTOR",
    "REVIEW_WITHIN_MONTHS",
    "MIN_FORECAST_MONTHS",
    "kr_score",
    "score_band",
    "okr_tree",
    "objective_scores",
    "smart_checks",
    "demand",
    "expected_demand",
    "demand_pivot",
    "likely_scenario",
    "DriverForecast",
    "forecast_driver",
    "forecast_drivers",
    "demand_band",
    "smart_summary",
    "backtest_table",
    "forecast_table",
    "goals_decisions",
    "okr_takeaway",
    "smart_takeaway",
    "demand_takeaway",
    "forecast_takeaway",
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
# Below a year of monthly history no forecast is attempted; scenarios only.
MIN_FORECAST_MONTHS = 12
SEASON = 12
SIMULATIONS = 2000
LEVELS = (0.80, 0.95)


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
# Demand
# ---------------------------------------------------------------------------------------------


def likely_scenario(company: Company) -> str:
    """The scenario with the highest probability; without probabilities ``moderate`` if present, else the first.

    Without scenarios.csv it is ``today``, the single scenario `demand` then computes (drivers as they are).
    """
    sc = company.scenarios
    if sc is None or sc.empty:
        return "today"
    if sc["probability"].notna().all():
        p = sc.groupby("scenario", sort=False)["probability"].first()
        return str(p.idxmax())
    names = list(dict.fromkeys(sc["scenario"]))
    return "moderate" if "moderate" in names else names[0]


def _role_supply(company: Company) -> pd.DataFrame:
    cur = current_employees(company)
    full = (cur["employment_type"] == "full_time") & (cur["fte"] >= 1)
    return pd.DataFrame({"current_fte": cur.groupby("role")["fte"].sum(),
                         "current_headcount": cur.groupby("role").size(),
                         "all_full_time": full.groupby(cur["role"]).all()})


def demand(company: Company, *, changes: dict | None = None) -> pd.DataFrame:
    """FTE each role needs at the horizon under every scenario (or under custom driver changes).

    For a role with a driver: required FTE = driver value at the horizon / units_per_fte, with the
    driver value = current_value x (1 + change_pct / 100). For a fixed role: fixed_fte. A driver a
    scenario does not mention keeps its current value. The planned FTE is rounded up to whole people
    where the role is full-time (every current holder is full-time at fte 1, or nobody holds it yet);
    roles with part-timers keep the exact figure, rounded to 0.1.

    Parameters
    ----------
    changes : dict, optional
        ``{driver: change_pct}``; when given, one scenario named ``custom`` replaces scenarios.csv.

    Returns
    -------
    DataFrame
        Columns: ``scenario``, ``probability``, ``role``, ``driver``, ``driver_value``,
        ``required_fte``, ``planned_fte``, ``current_fte``, ``change_fte`` (planned - current).
    """
    roles = company.roles
    if roles is None or company.drivers is None:
        raise ValueError("demand needs roles.csv and drivers.csv, which this company folder does not have both of")
    drivers = company.drivers.set_index("driver")["current_value"]
    if changes is not None:
        unknown = set(changes) - set(drivers.index)
        if unknown:
            raise ValueError(f"changes name unknown drivers {sorted(unknown)!r}; drivers are {list(drivers.index)}")
        scenarios = {"custom": (math.nan, dict(changes))}
    elif company.scenarios is not None and not company.scenarios.empty:
        sc = company.scenarios
        scenarios = {name: (float(grp["probability"].iloc[0]), dict(zip(grp["driver"], grp["change_pct"])))
                     for name, grp in sc.groupby("scenario", sort=False)}
    else:
        scenarios = {"today": (math.nan, {})}
    supply = _role_supply(company)
    current = supply["current_fte"].reindex(roles["role"]).fillna(0.0).to_numpy()
    full_time = supply["all_full_time"].reindex(roles["role"]).fillna(True).astype(bool).to_numpy()
    has_driver = roles["driver"].notna().to_numpy()
    units = roles["units_per_fte"].to_numpy()
    fixed = roles["fixed_fte"].to_numpy()
    frames = []
    for name, (prob, change) in scenarios.items():
        values = drivers * (1 + pd.Series(change, dtype="float64").reindex(drivers.index).fillna(0.0) / 100)
        dvalue = roles["driver"].map(values).to_numpy(dtype="float64")
        required = np.where(has_driver, dvalue / units, fixed)
        planned = np.where(full_time, np.ceil(np.round(required, 9)), np.round(required, 1))
        frames.append(pd.DataFrame({"scenario": name, "probability": prob, "role": roles["role"].to_numpy(),
                                    "driver": roles["driver"].to_numpy(), "driver_value": dvalue,
                                    "required_fte": required, "planned_fte": planned, "current_fte": current,
                                    "change_fte": planned - current}))
    out = pd.concat(frames, ignore_index=True)
    out["scenario"] = out["scenario"].astype("str")
    return out


def expected_demand(table: pd.DataFrame) -> pd.DataFrame:
    """Probability-weighted demand per role: sum over scenarios of probability x required FTE.

    Returns
    -------
    DataFrame
        Columns: ``role``, ``expected_fte``, ``current_fte``, ``change_fte``. Empty when the
        scenarios carry no probabilities.
    """
    if table["probability"].isna().any():
        return pd.DataFrame(columns=["role", "expected_fte", "current_fte", "change_fte"])
    weighted = table.assign(w=table["probability"] * table["required_fte"]).groupby("role", sort=False)
    out = pd.DataFrame({"expected_fte": weighted["w"].sum(), "current_fte": weighted["current_fte"].first()}).reset_index()
    out["change_fte"] = out["expected_fte"] - out["current_fte"]
    return out


def demand_pivot(table: pd.DataFrame) -> pd.DataFrame:
    """`demand` as one row per role: today's FTE, the planned FTE of each scenario and the expected FTE.

    Returns
    -------
    DataFrame
        Columns: ``role``, ``current_fte``, one column per scenario (planned FTE), and
        ``expected_fte`` when the scenarios carry probabilities.
    """
    wide = table.pivot_table(index="role", columns="scenario", values="planned_fte", sort=False)
    wide = wide[list(dict.fromkeys(table["scenario"]))]
    wide.columns = [str(c) for c in wide.columns]
    out = table.drop_duplicates("role").set_index("role")[["current_fte"]].join(wide).reset_index()
    expected = expected_demand(table)
    if len(expected):
        out = out.merge(expected[["role", "expected_fte"]], on="role", how="left")
    return out


# ---------------------------------------------------------------------------------------------
# Forecast
# ---------------------------------------------------------------------------------------------


@dataclass
class DriverForecast:
    """A driver's monthly forecast to the horizon, the backtest that chose its model, and the
    ratio of the 12 months ending at the horizon to the last 12 months of history (with bands)."""

    driver: str
    model: str
    backtest: pd.DataFrame  # model, mae, mape_pct, chosen
    forecast: pd.DataFrame  # month, mean, lo80, hi80, lo95, hi95
    history: pd.Series  # indexed by month
    ratio: dict  # mean, lo80, hi80, lo95, hi95: next-12-months total / last-12-months total


def _fit_ets(y: np.ndarray, name: str):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    seasonal = name.endswith("seasonal")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter: a poor fit loses the backtest anyway
        # seasonal models start from Hyndman et al.'s heuristic initial states (Forecasting with
        # Exponential Smoothing, 2008, 2.6.1): about 15 times faster than estimating all 14 of
        # them, and as accurate in smbkit's backtests
        model = ETSModel(y, error="add", trend="add", damped_trend=name.startswith("ETS damped"),
                         seasonal="add" if seasonal else None, seasonal_periods=SEASON if seasonal else None,
                         initialization_method="heuristic" if seasonal else "estimated")
        return model.fit(disp=False)


def _paths(name: str, y: np.ndarray, steps: int, rng: np.random.Generator, reps: int = SIMULATIONS) -> np.ndarray:
    """Simulated future paths (reps x steps) of one of the candidate models fitted on y."""
    if name == "seasonal naive":
        # seasonal random walk: y[t] = y[t-12] + e, e ~ N(0, sd of the seasonal differences)
        sd = np.std(y[SEASON:] - y[:-SEASON], ddof=1)
        last_season = y[-SEASON:]
        out = np.empty((reps, steps))
        for k in range(steps):
            base = last_season[k] if k < SEASON else out[:, k - SEASON]
            out[:, k] = base + rng.normal(0, sd, reps)
        return out
    if name == "naive":
        sd = np.std(np.diff(y), ddof=1)
        return y[-1] + np.cumsum(rng.normal(0, sd, (reps, steps)), axis=1)
    res = _fit_ets(y, name)
    sims = res.simulate(steps, anchor="end", repetitions=reps, rng=rng)
    return np.asarray(sims).reshape(steps, reps).T


def _point(name: str, y: np.ndarray, steps: int) -> np.ndarray:
    if name == "seasonal naive":
        return np.array([y[len(y) - SEASON + (k % SEASON)] for k in range(steps)])
    if name == "naive":
        return np.repeat(y[-1], steps)
    return np.asarray(_fit_ets(y, name).forecast(steps))


def _candidates(n_train: int) -> list[str]:
    names = ["naive"]
    if n_train >= SEASON + 1:
        names.append("seasonal naive")
    if n_train >= 2 * SEASON:
        # with two full years the seasonal models compete; a series without a season gets
        # seasonal terms near zero, so the non-seasonal model adds cost, not a better choice
        names += ["ETS trend, seasonal", "ETS damped trend, seasonal"]
    elif n_train >= 10:
        names.append("ETS damped trend")
    return names


def forecast_driver(company: Company, driver: str, *, seed: int = 0) -> DriverForecast | None:
    """Forecast one driver to the horizon; ``None`` with fewer than `MIN_FORECAST_MONTHS` months.

    Candidates: naive, seasonal naive (the baseline to beat), and exponential smoothing (statsmodels
    ETSModel, additive errors; Hyndman & Athanasopoulos, Forecasting: Principles and Practice, 3rd
    ed., ch. 8): with at least 24 training months, additive trend (damped or not) with additive
    12-month seasonality; with fewer, a damped additive trend without season.
    The last min(12, n // 3) months are held out; the model with the lowest mean absolute error on
    them is refitted on all months. Intervals are quantiles of ``SIMULATIONS`` simulated paths
    (seeded), so the 12-month total's band accounts for how months move together.
    """
    h = company.driver_history
    if h is None:
        raise ValueError("forecast_driver needs driver_history.csv, which this company folder does not have")
    series = h[h["driver"] == driver].sort_values("month").set_index("month")["value"]
    if len(series) < MIN_FORECAST_MONTHS:
        return None
    y = series.to_numpy(dtype="float64")
    n_test = min(SEASON, len(y) // 3)
    train, test = y[:-n_test], y[-n_test:]
    rows = []
    for name in _candidates(len(train)):
        try:
            pred = _point(name, train, n_test)
        except Exception:  # a model that cannot be fitted on this series is left out of the race
            continue
        err = np.abs(pred - test)
        rows.append((name, float(err.mean()), float(np.mean(err / np.abs(test)) * 100) if (test != 0).all() else np.nan))
    backtest = pd.DataFrame(rows, columns=["model", "mae", "mape_pct"])
    chosen = str(backtest.loc[backtest["mae"].idxmin(), "model"])
    backtest["chosen"] = backtest["model"] == chosen
    steps = company.settings.horizon_months
    rng = np.random.default_rng(seed)
    paths = _paths(chosen, y, steps, rng)
    months = pd.date_range(series.index[-1] + pd.DateOffset(months=1), periods=steps, freq="MS")
    q = {f"lo{int(lv * 100)}": (1 - lv) / 2 for lv in LEVELS} | {f"hi{int(lv * 100)}": 1 - (1 - lv) / 2 for lv in LEVELS}
    fc = pd.DataFrame({"month": months, "mean": paths.mean(axis=0)})
    for col, p in q.items():
        fc[col] = np.quantile(paths, p, axis=0)
    fc = fc[["month", "mean", "lo80", "hi80", "lo95", "hi95"]]
    # total of the 12 months ending at the horizon (history fills in when the horizon is short)
    full = np.concatenate([np.tile(y, (paths.shape[0], 1)), paths], axis=1)[:, -SEASON:]
    totals = full.sum(axis=1) / y[-SEASON:].sum()
    ratio = {"mean": float(totals.mean())} | {col: float(np.quantile(totals, p)) for col, p in q.items()}
    return DriverForecast(driver, chosen, backtest, fc, series, ratio)


def forecast_drivers(company: Company, *, seed: int = 0) -> dict[str, DriverForecast | None]:
    """`forecast_driver` for every driver in drivers.csv (``None`` where history is too short)."""
    return {d: forecast_driver(company, d, seed=seed) for d in company.drivers["driver"]}


def backtest_table(forecasts: dict[str, DriverForecast | None]) -> pd.DataFrame:
    """The holdout errors of every candidate model for every driver.

    Returns
    -------
    DataFrame
        Columns: ``driver``, ``model``, ``mae``, ``mape_pct``, ``chosen``, ``beats_seasonal_naive``.
    """
    parts = []
    for name, f in forecasts.items():
        if f is None:
            continue
        b = f.backtest.copy()
        snaive = b.loc[b["model"] == "seasonal naive", "mae"]
        b["beats_seasonal_naive"] = (b["mae"] < snaive.iloc[0]) if len(snaive) else pd.NA
        parts.append(b.assign(driver=name))
    cols = ["driver", "model", "mae", "mape_pct", "chosen", "beats_seasonal_naive"]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)


def forecast_table(forecasts: dict[str, DriverForecast | None]) -> pd.DataFrame:
    """Monthly forecasts of every driver with 80% and 95% intervals.

    Returns
    -------
    DataFrame
        Columns: ``driver``, ``model``, ``month``, ``mean``, ``lo80``, ``hi80``, ``lo95``, ``hi95``.
    """
    parts = [f.forecast.assign(driver=name, model=f.model) for name, f in forecasts.items() if f is not None]
    cols = ["driver", "model", "month", "mean", "lo80", "hi80", "lo95", "hi95"]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)


def demand_band(company: Company, forecasts: dict[str, DriverForecast | None]) -> pd.DataFrame:
    """FTE per driver-based role implied by the forecast's 80% and 95% bands.

    Required FTE = current_value x ratio / units_per_fte, where ratio is the forecast total of the 12
    months ending at the horizon over the last 12 months of history.

    Returns
    -------
    DataFrame
        Columns: ``role``, ``driver``, ``current_fte``, ``lo95``, ``lo80``, ``mean``, ``hi80``, ``hi95``
        (FTE). Roles whose driver has no forecast are left out.
    """
    roles = company.roles[company.roles["driver"].notna()]
    drivers = company.drivers.set_index("driver")["current_value"]
    supply = _role_supply(company)["current_fte"]
    rows = []
    for r in roles.itertuples(index=False):
        f = forecasts.get(r.driver)
        if f is None:
            continue
        base = drivers[r.driver] / r.units_per_fte
        rows.append({"role": r.role, "driver": r.driver, "current_fte": float(supply.get(r.role, 0.0)),
                     **{k: base * f.ratio[k] for k in ("lo95", "lo80", "mean", "hi80", "hi95")}})
    return pd.DataFrame(rows, columns=["role", "driver", "current_fte", "lo95", "lo80", "mean", "hi80", "hi95"])


# ---------------------------------------------------------------------------------------------
# Decisions and sentences
# ---------------------------------------------------------------------------------------------


def goals_decisions(company: Company, *, scenario: str | None = None) -> pd.DataFrame:
    """Actions from notebook 02, most urgent first.

    Rules: a role that needs at least one more FTE under the chosen (default: likely) scenario ->
    plan the hires, high priority when it needs more in every scenario (a no-regret move), else
    medium; a role that needs at least one FTE less in every scenario -> hold back on replacing
    leavers (medium); a key result in the red band and due within `REVIEW_WITHIN_MONTHS` months ->
    review its plan (medium); a key result that fails a SMART check -> fix how it is written (low).

    Returns
    -------
    DataFrame
        Columns: ``priority``, ``action``, ``why``.
    """
    rows = []
    s = company.settings
    by = (s.as_of + pd.DateOffset(months=s.horizon_months)).date()
    if company.has("roles", "drivers"):
        d = demand(company)
        scenario = scenario or likely_scenario(company)
        if scenario not in set(d["scenario"]):
            raise ValueError(f"unknown scenario {scenario!r}; scenarios are {sorted(set(d['scenario']))}")
        chosen = d[d["scenario"] == scenario]
        least = d.groupby("role")["change_fte"].min()
        most = d.groupby("role")["change_fte"].max()
        for r in chosen.sort_values("change_fte", ascending=False).itertuples():
            if r.change_fte >= 1:
                everywhere = least[r.role] >= 1
                rows.append(("high" if everywhere else "medium", f"Plan {r.change_fte:.1f} more FTE of {r.role} by {by}",
                             f"{r.required_fte:.1f} FTE needed under {scenario} against {r.current_fte:.1f} today"
                             + ("; every scenario needs more" if everywhere else ""),
                             "costed in notebook 03 (hire, contract, train or automate)",
                             f"{r.required_fte:.1f} FTE of {r.role} ready for the {scenario} demand",
                             "low: every scenario needs it" if everywhere else "the demand may not come: keep part of it flexible"))
        for role in most[most <= -1].index:
            rows.append(("medium", f"Hold back on replacing leavers in {role}",
                         f"every scenario needs at least {-most[role]:.1f} FTE less than today"))
    if company.has("goals"):
        tree = okr_tree(company)
        soon = tree["due_date"] <= s.as_of + pd.DateOffset(months=REVIEW_WITHIN_MONTHS)
        for r in tree[(tree["band"] == "red") & soon].itertuples():
            rows.append(("medium", f"Review the plan for '{r.tree.strip().lstrip('└ ')}'",
                         f"score {r.score:.2f} with the due date {r.due_date.date()} close: little progress from {r.baseline:g} towards {r.target:g}"))
        checks = smart_checks(company)
        failed = checks[checks["passed"].eq(False).fillna(False)]
        for goal, grp in failed.groupby("goal_id", sort=False):
            rows.append(("low", f"Rewrite key result {goal} so it is SMART", "; ".join(grp["reason"])))
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


def demand_takeaway(table: pd.DataFrame, scenario: str, company: Company) -> str:
    """Sentence for `demand`: the net change under one scenario and its biggest movers."""
    s = company.settings
    chosen = table[table["scenario"] == scenario]
    net = chosen["change_fte"].sum()
    by = (s.as_of + pd.DateOffset(months=s.horizon_months)).date()
    up = chosen[chosen["change_fte"] > 0].sort_values("change_fte", ascending=False)
    prob = chosen["probability"].iloc[0]
    likely = f" ({prob:.0%} likely)" if not pd.isna(prob) else ""
    text = (f"Under the {scenario} scenario{likely} you need {abs(net):.1f} {'more' if net >= 0 else 'fewer'} FTE by {by} "
            f"than today's {chosen['current_fte'].sum():.1f}.")
    if len(up):
        text += " The biggest needs: " + ", ".join(f"{r.role} (+{r.change_fte:.1f})" for r in up.head(3).itertuples()) + "."
    others = table[table["scenario"] != scenario].groupby("scenario", sort=False)["change_fte"].sum()
    if len(others):
        text += " Other scenarios: " + ", ".join(f"{name} {v:+.1f} FTE" for name, v in others.items()) + "."
    return text


def forecast_takeaway(forecasts: dict[str, DriverForecast | None], company: Company) -> str:
    """Sentence for the forecasts: expected change of each driver and how sure it is."""
    parts, short = [], []
    for name, f in forecasts.items():
        if f is None:
            short.append(name)
            continue
        parts.append(f"{name} {f.ratio['mean'] - 1:+.0%} (80% range {f.ratio['lo80'] - 1:+.0%} to {f.ratio['hi80'] - 1:+.0%})")
    text = ""
    if parts:
        text = ("Over the 12 months ending at the horizon, history points to " + "; ".join(parts)
                + " against the last 12 months.")
    if short:
        text += (f" {', '.join(short)} {'has' if len(short) == 1 else 'have'} fewer than {MIN_FORECAST_MONTHS} months of history, "
                 "so only the scenarios speak for them.")
    return text.strip()

