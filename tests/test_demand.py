"""Demand: scenarios, FTE per role, and the drivers' forecast, against hand-worked values."""

import math

import numpy as np
import pandas as pd
import pytest
from conftest import person, write_company

import smbkit
from smbkit import demand as D


def test_demand_by_hand(demand_company):
    d = D.role_demand(demand_company).set_index(["scenario", "role"])
    # up: 1300 orders. Sellers 1300 / 500 = 2.6; cooks 1300 / 800 = 1.625 -> 1.6; drivers fixed 1.5. Demand is
    # FTE to a tenth: whether a shortfall becomes a whole hire is notebook 03's staffing rule, not demand's.
    assert d.loc[("up", "Seller"), "required_fte"] == pytest.approx(2.6)
    assert d.loc[("up", "Seller"), "planned_fte"] == pytest.approx(2.6)
    assert d.loc[("up", "Cook"), "required_fte"] == pytest.approx(1.625)
    assert d.loc[("up", "Cook"), "planned_fte"] == pytest.approx(1.6)
    assert d.loc[("up", "Driver"), "planned_fte"] == pytest.approx(1.5)
    assert d.loc[("flat", "Seller"), "planned_fte"] == 2 and d.loc[("flat", "Seller"), "change_fte"] == 0
    assert d.loc[("up", "Cook"), "current_fte"] == pytest.approx(1.5)


def test_expected_demand_weights_by_probability(demand_company):
    e = D.expected_demand(D.role_demand(demand_company)).set_index("role")
    assert e.loc["Seller", "expected_fte"] == pytest.approx(0.25 * 2.6 + 0.75 * 2.0)
    assert e.loc["Seller", "change_fte"] == pytest.approx(0.25 * 2.6 + 0.75 * 2.0 - 2)
    assert D.likely_scenario(demand_company) == "flat"
    pivot = D.demand_pivot(D.role_demand(demand_company)).set_index("role")
    assert list(pivot.columns) == ["current_fte", "up", "flat", "expected_fte"]


def test_custom_changes_replace_the_scenarios(demand_company):
    d = D.role_demand(demand_company, changes={"orders": -50})
    assert set(d["scenario"]) == {"custom"}
    assert d.set_index("role").loc["Seller", "required_fte"] == pytest.approx(1.0)
    with pytest.raises(ValueError, match=r"unknown drivers \['weather'\]"):
        D.role_demand(demand_company, changes={"weather": 10})


def _synthetic(tmp_path, n, *, seed=0):
    months = pd.period_range(end="2025-12", periods=n, freq="M")
    t = np.arange(n)
    rng = np.random.default_rng(seed)
    y = 200 + 2.0 * t + 20 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1.5, n)
    hist = [{"month": str(m), "driver": "orders", "value": round(v, 3)} for m, v in zip(months, y)]
    c = smbkit.load_company(write_company(tmp_path / f"s{n}", employees=[person("A", role="Seller")], driver_history=hist,
                                          drivers=[{"driver": "orders", "current_value": 1, "unit": ""}],
                                          roles=[{"role": "Seller", "driver": "orders", "units_per_fte": 1, "fixed_fte": ""}]))
    return c, t, y


def test_forecast_recovers_trend_and_season_and_beats_seasonal_naive(tmp_path):
    c, t, y = _synthetic(tmp_path, 60)
    f = D.forecast_driver(c, "orders")
    assert f.model.startswith("ETS") and f.model.endswith("seasonal")
    bt = f.backtest.set_index("model")
    assert bt.loc[f.model, "mae"] < bt.loc["seasonal naive", "mae"]
    future = np.arange(60, 72)
    truth = 200 + 2.0 * future + 20 * np.sin(2 * np.pi * future / 12)
    # within 3% of the true level a whole year ahead (a damped trend, if chosen, bends slightly low)
    assert (np.abs(f.forecast["mean"].to_numpy() - truth) / truth).max() < 0.03
    # the season is recovered: forecast and truth move together month to month
    assert np.corrcoef(np.diff(f.forecast["mean"]), np.diff(truth))[0, 1] > 0.97
    # yearly trend: next 12 months' total over the last 12's, as the generating model says
    assert f.ratio["mean"] == pytest.approx(truth.sum() / (200 + 2.0 * np.arange(48, 60)).sum(), rel=0.02)
    assert f.ratio["lo95"] < f.ratio["lo80"] < f.ratio["mean"] < f.ratio["hi80"] < f.ratio["hi95"]
    assert (f.forecast["lo95"] <= f.forecast["lo80"]).all() and (f.forecast["hi80"] <= f.forecast["hi95"]).all()


def test_forecast_intervals_cover_the_truth_about_as_often_as_they_say(tmp_path):
    c, t, y = _synthetic(tmp_path, 48, seed=3)
    f = D.forecast_driver(c, "orders", seed=1)
    future = np.arange(48, 60)
    truth = 200 + 2.0 * future + 20 * np.sin(2 * np.pi * future / 12)
    inside = ((f.forecast["lo95"] <= truth) & (truth <= f.forecast["hi95"])).mean()
    assert inside >= 0.8


def test_forecast_is_seeded(tmp_path):
    c, _, _ = _synthetic(tmp_path, 36)
    a, b = D.forecast_driver(c, "orders", seed=5), D.forecast_driver(c, "orders", seed=5)
    pd.testing.assert_frame_equal(a.forecast, b.forecast)


def test_short_history_gives_no_forecast_and_says_so(tmp_path):
    c, _, _ = _synthetic(tmp_path, 11)
    fs = D.forecast_drivers(c)
    assert fs == {"orders": None}
    assert "fewer than 12 months of history" in D.forecast_takeaway(fs, c)
    assert D.demand_band(c, fs).empty


def test_seasonal_naive_paths_repeat_last_year_on_average():
    y = np.array([10.0, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120] * 3) + np.random.default_rng(2).normal(0, 2, 36)
    paths, converged = D._paths("seasonal naive", y, 24, np.random.default_rng(0), reps=4000)
    assert converged  # a seasonal random walk has nothing to fit
    assert paths.mean(axis=0)[:12] == pytest.approx(y[-12:], abs=0.2)
    assert paths.mean(axis=0)[12:] == pytest.approx(y[-12:], abs=0.3)
    # the spread grows with each year ahead: sd x sqrt(2) in the second year (Hyndman & Athanasopoulos, 5.5)
    assert paths[:, 12:].std(axis=0).mean() / paths[:, :12].std(axis=0).mean() == pytest.approx(math.sqrt(2), rel=0.1)


def test_demand_band_scales_current_demand_by_the_forecast_ratio(tmp_path):
    c, _, _ = _synthetic(tmp_path, 48)
    fs = D.forecast_drivers(c)
    band = D.demand_band(c, fs).iloc[0]
    assert band["mean"] == pytest.approx(fs["orders"].ratio["mean"])  # current_value 1, units 1


def test_sample_notebook_02_outputs(sample):
    d = D.role_demand(sample)
    assert set(d["scenario"]) == {"growth", "moderate", "downturn"}
    assert D.likely_scenario(sample) == "moderate"
    text = D.demand_takeaway(d, "moderate", sample)
    net = d[d["scenario"] == "moderate"]["change_fte"].sum()
    assert f"you need {abs(net):.1f} more FTE" in text


def test_the_scenario_a_notebook_plans_for(demand_company, tmp_path):
    assert D.resolve_scenario(demand_company, "") == D.resolve_scenario(demand_company, None) == "flat"  # the most likely
    assert D.resolve_scenario(demand_company, " up ") == "up"
    with pytest.raises(smbkit.UsageError, match="unknown scenario 'boom'; the scenarios are up, flat"):
        D.resolve_scenario(demand_company, "boom")
    bare = smbkit.load_company(write_company(tmp_path / "bare", employees=[person("A")]))
    assert D.scenario_names(bare) == ["today"] and D.resolve_scenario(bare, "") == "today"
