"""Where demand for people comes from: scenarios, the FTE each role needs, and forecasts of the drivers.

A driver is a business quantity that creates work (orders, events, deliveries; drivers.csv). Each
role with a driver needs ``driver value / units_per_fte`` FTE at the horizon; other roles need a
fixed FTE. Scenarios (scenarios.csv) move the drivers; the statistical forecast reads their history
(driver_history.csv). Notebook 02 shows these; notebooks 03 and 04 build on them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .data import Company
from .errors import NoConvergenceWarning, UsageError, WeakFitWarning, fit_and_check, warn
from .people import current_employees

__all__ = [
    "MIN_FORECAST_MONTHS",
    "TODAY",
    "likely_scenario",
    "scenario_names",
    "resolve_scenario",
    "for_scenario",
    "role_demand",
    "expected_demand",
    "demand_pivot",
    "DriverForecast",
    "forecast_driver",
    "forecast_drivers",
    "backtest_table",
    "forecast_table",
    "demand_band",
    "demand_takeaway",
    "forecast_takeaway",
]

# Below a year of monthly history no forecast is attempted; scenarios only.
MIN_FORECAST_MONTHS = 12
SEASON = 12
SIMULATIONS = 2000
LEVELS = (0.80, 0.95)
# The one scenario there is without scenarios.csv: drivers as they are today.
TODAY = "today"


def likely_scenario(company: Company) -> str:
    """The scenario with the highest probability; without probabilities ``moderate`` if present, else the first.

    Without scenarios.csv it is ``today``, the single scenario `role_demand` then computes (drivers as they are).
    """
    sc = company.scenarios
    if sc is None or sc.empty:
        return TODAY
    if sc["probability"].notna().all():
        p = sc.groupby("scenario", sort=False)["probability"].first()
        return str(p.idxmax())
    names = list(dict.fromkeys(sc["scenario"]))
    return "moderate" if "moderate" in names else names[0]


def scenario_names(company: Company) -> list[str]:
    """The scenarios of scenarios.csv in file order; ``["today"]`` without it."""
    sc = company.scenarios
    if sc is None or sc.empty:
        return [TODAY]
    return list(dict.fromkeys(sc["scenario"]))


def resolve_scenario(company: Company, scenario: str | None = "") -> str:
    """The scenario a notebook plans for: ``scenario`` when given, else `likely_scenario`.

    Raises
    ------
    UsageError
        ``scenario`` names no scenario of scenarios.csv.

    Examples
    --------
    >>> from smbkit.data import load_company, sample_dir
    >>> resolve_scenario(load_company(sample_dir()), "")
    'moderate'
    """
    name = str(scenario or "").strip()
    if not name:
        return likely_scenario(company)
    known = scenario_names(company)
    if name not in known:
        raise UsageError(f"unknown scenario {name!r}; the scenarios are {', '.join(known)} "
                         "(leave the scenario empty for the most likely one)")
    return name


def for_scenario(table: pd.DataFrame, scenario: str) -> pd.DataFrame:
    """The rows of a per-scenario table (`role_demand`, `smbkit.gaps.headcount_gaps`) for one scenario."""
    return table[table["scenario"] == scenario].reset_index(drop=True)


def _role_supply(company: Company) -> pd.DataFrame:
    cur = current_employees(company)
    return pd.DataFrame({"current_fte": cur.groupby("role")["fte"].sum(), "current_headcount": cur.groupby("role").size()})


def role_demand(company: Company, *, changes: dict | None = None) -> pd.DataFrame:
    """FTE each role needs at the horizon under every scenario (or under custom driver changes).

    For a role with a driver: required FTE = driver value at the horizon / units_per_fte, with the
    driver value = current_value x (1 + change_pct / 100). For a fixed role: fixed_fte. A driver a
    scenario does not mention keeps its current value. The planned FTE is the required FTE rounded
    to 0.1; it is not rounded up to whole people here, since a shortfall of part of a person is met
    by a part-time post, overtime or a contractor (`smbkit.staffing` decides how each gap is filled).

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
        raise ValueError("role_demand needs roles.csv and drivers.csv, which this company folder does not have both of")
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
        scenarios = {TODAY: (math.nan, {})}
    supply = _role_supply(company)
    current = supply["current_fte"].reindex(roles["role"]).fillna(0.0).to_numpy()
    has_driver = roles["driver"].notna().to_numpy()
    units = roles["units_per_fte"].to_numpy()
    fixed = roles["fixed_fte"].to_numpy()
    frames = []
    for name, (prob, change) in scenarios.items():
        values = drivers * (1 + pd.Series(change, dtype="float64").reindex(drivers.index).fillna(0.0) / 100)
        dvalue = roles["driver"].map(values).to_numpy(dtype="float64")
        required = np.where(has_driver, dvalue / units, fixed)
        planned = np.round(required, 1)
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
    """`role_demand` as one row per role: today's FTE, the planned FTE of each scenario and the expected FTE.

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
    """Fit one of the ETS candidates; returns the fit and whether its optimiser converged.

    A candidate that fits poorly loses the backtest; a chosen model that did not converge is
    reported by `forecast_driver`.
    """
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    seasonal = name.endswith("seasonal")
    # seasonal models start from Hyndman et al.'s heuristic initial states (Forecasting with
    # Exponential Smoothing, 2008, 2.6.1): about 15 times faster than estimating all 14 of
    # them, and as accurate in smbkit's backtests
    model = ETSModel(y, error="add", trend="add", damped_trend=name.startswith("ETS damped"),
                     seasonal="add" if seasonal else None, seasonal_periods=SEASON if seasonal else None,
                     initialization_method="heuristic" if seasonal else "estimated")
    return fit_and_check(model.fit, disp=False)


def _paths(name: str, y: np.ndarray, steps: int, rng: np.random.Generator, reps: int = SIMULATIONS) -> tuple[np.ndarray, bool]:
    """Simulated future paths (reps x steps) of one of the candidate models fitted on y, and whether its fit converged."""
    if name == "seasonal naive":
        # seasonal random walk: y[t] = y[t-12] + e, e ~ N(0, sd of the seasonal differences)
        sd = np.std(y[SEASON:] - y[:-SEASON], ddof=1)
        last_season = y[-SEASON:]
        out = np.empty((reps, steps))
        for k in range(steps):
            base = last_season[k] if k < SEASON else out[:, k - SEASON]
            out[:, k] = base + rng.normal(0, sd, reps)
        return out, True
    if name == "naive":
        sd = np.std(np.diff(y), ddof=1)
        return y[-1] + np.cumsum(rng.normal(0, sd, (reps, steps)), axis=1), True
    res, converged = _fit_ets(y, name)
    sims = res.simulate(steps, anchor="end", repetitions=reps, rng=rng)
    return np.asarray(sims).reshape(steps, reps).T, converged


def _point(name: str, y: np.ndarray, steps: int) -> np.ndarray:
    if name == "seasonal naive":
        return np.array([y[len(y) - SEASON + (k % SEASON)] for k in range(steps)])
    if name == "naive":
        return np.repeat(y[-1], steps)
    return np.asarray(_fit_ets(y, name)[0].forecast(steps))


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
        except (ValueError, np.linalg.LinAlgError, FloatingPointError) as err:
            warn(WeakFitWarning, f"The {name} model could not be fitted to the history of {driver} ({err}), "
                                 "so it was left out of the comparison.")
            continue
        err = np.abs(pred - test)
        rows.append((name, float(err.mean()), float(np.mean(err / np.abs(test)) * 100) if (test != 0).all() else np.nan))
    backtest = pd.DataFrame(rows, columns=["model", "mae", "mape_pct"])
    chosen = str(backtest.loc[backtest["mae"].idxmin(), "model"])
    backtest["chosen"] = backtest["model"] == chosen
    steps = company.settings.horizon_months
    rng = np.random.default_rng(seed)
    paths, converged = _paths(chosen, y, steps, rng)
    if not converged:
        warn(NoConvergenceWarning, f"The {chosen} model chosen for {driver} did not fully settle when it was fitted, "
                                   "so its range may be too narrow or too wide; read it as a rough guide.")
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
        parts.append(f"For {name}, {f.ratio['mean'] - 1:+.0%}, likely between {f.ratio['lo80'] - 1:+.0%} "
                     f"and {f.ratio['hi80'] - 1:+.0%}.")
    text = ""
    if parts:
        text = ("Here is where the past points, for the 12 months up to the horizon against the last 12 months "
                "(likely: 8 times in 10). " + " ".join(parts))
    if short:
        text += (f" {', '.join(short)} {'has' if len(short) == 1 else 'have'} fewer than {MIN_FORECAST_MONTHS} months of history, "
                 "so only the scenarios speak for them.")
    return text.strip()
