"""Notebook 05 part 2: survival curves, Cox, risk model and fairness, profiles, comments, networks."""

import numpy as np
import pandas as pd
import pytest
from conftest import person, write_company
from scipy.optimize import minimize_scalar

import smbkit
from smbkit import retention as T

AS_OF = pd.Timestamp("2025-12-31")


def test_kaplan_meier_by_hand_with_late_entry():
    # times 2, 3, 5, 6 (events at 3 and 5); person C enters at 4, so is not at risk at 3
    km = T.kaplan_meier([2, 3, 5, 6], [0, 1, 1, 0], entry=[0, 0, 4, 0])
    # at t=3: at risk A? no (left at 2, censored) -> B, D = 2 at risk, 1 event -> 0.5
    # at t=5: at risk C, D = 2, 1 event -> 0.5 x 0.5
    assert km["time"].tolist() == [3, 5]
    assert km["at_risk"].tolist() == [2, 2]
    assert km["survival"].tolist() == pytest.approx([0.5, 0.25])


def _hire(years_ago):
    return (AS_OF - pd.Timedelta(days=int(years_ago * 365.25))).strftime("%Y-%m-%d")


def _simulated_company(tmp_path, n=600, ratio=2.0, seed=1):
    """People hired inside the 3-year window; exponential time to leaving, hybrid at ``ratio`` x the onsite rate."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        mode = "hybrid" if i % 2 else "onsite"
        hired = rng.uniform(0.05, 2.95)
        t = rng.exponential(1 / (0.4 * (ratio if mode == "hybrid" else 1.0)))
        left = t < hired
        exit_date = _hire(hired - t) if left else ""
        rows.append(person(f"E{i:04d}", hire=_hire(hired), exit_date=exit_date, reason="voluntary" if left else "",
                           work_mode=mode))
    return smbkit.load_company(write_company(tmp_path / "sim", employees=rows, settings={"as_of": AS_OF.date()}))


def test_cox_recovers_a_simulated_hazard_ratio_of_two(tmp_path):
    c = _simulated_company(tmp_path)
    factors = T.leaving_factors(c)
    drivers, notes = factors.table, factors.notes
    hybrid = drivers.set_index("input").loc["work_mode: hybrid"]
    assert hybrid["low"] < 2.0 < hybrid["high"]
    assert hybrid["low"] > 1.0  # and the difference is clear
    assert any("pay_vs_role dropped: the same for everyone" in n for n in notes)  # constant input dropped with a note


def test_km_retention_matches_the_exponential_it_was_drawn_from(tmp_path):
    c = _simulated_company(tmp_path, n=1000, ratio=1.0, seed=3)
    m = T.retention_milestones(T.retention_curves(c, by=None)).set_index("group")
    assert m.loc["company", "stay_1y"] == pytest.approx(np.exp(-0.4), abs=0.05)
    assert m.loc["company", "stay_2y"] == pytest.approx(np.exp(-0.8), abs=0.07)


def test_too_few_leavers_gives_a_reason_not_a_model(tmp_path):
    emp = [person(f"E{i}", hire="2020-01-01") for i in range(20)] + [person("X", hire="2020-01-01", exit_date="2025-06-01", reason="voluntary")]
    c = smbkit.load_company(write_company(tmp_path / "c", employees=emp, settings={"as_of": AS_OF.date()}))
    factors = T.leaving_factors(c)
    drivers, notes = factors.table, factors.notes
    assert drivers.empty and "a model needs at least 10" in notes[-1]
    risk = smbkit.leaving_risk.leave_risk(c)
    assert risk.summary.empty and "risk model needs" in smbkit.leaving_risk.risk_takeaway(risk)


def test_retention_sections_run_on_a_large_generated_company(tmp_path):
    c = smbkit.load_company(smbkit.synthetic.make_company(tmp_path / "big", people=1500, waves=4))
    m = T.retention_milestones(T.retention_curves(c))
    assert m["people"].iloc[0] > 1500
    assert not T.leaving_factors(c).table.empty
    risk = smbkit.leaving_risk.leave_risk(c)
    assert not risk.summary.empty
    assert (risk.teams.loc[~risk.teams["hidden"], "people"] >= 5).all()


def _partial_likelihood_hr(time, event, entry, x, *, strict=True):
    """Hazard ratio of a 0/1 (or numeric) input maximising Cox's partial likelihood, written out by hand (no tied
    exits). strict: a person who enters at t is not at risk at t (lifelines' and Kaplan-Meier's risk set)."""
    def minus_loglik(b):
        total = 0.0
        for i in np.flatnonzero(event):
            at_risk = ((entry < time[i]) if strict else (entry <= time[i])) & (time >= time[i])
            total += x[i] * b - np.log(np.exp(x[at_risk] * b).sum())
        return -total
    return float(np.exp(minimize_scalar(minus_loglik, bounds=(-50, 50), method="bounded", options={"xatol": 1e-10}).x))


def test_cox_risk_sets_match_kaplan_meier_when_an_entry_ties_an_exit(tmp_path):
    # every leaver has a twin hired before the window whose tenure at the window's start equals the leaver's tenure
    # at exit: the twin enters the risk set at that very time, and must not be counted at risk for that exit
    start = smbkit.people.years_before(AS_OF, smbkit.leaving.WINDOW_YEARS)
    rng = np.random.default_rng(4)
    rows = []
    for i in range(60):
        mode = "hybrid" if i % 2 else "onsite"
        hire = start + pd.Timedelta(days=int(rng.integers(10, 700)))
        tenure = int(rng.integers(30, 400))
        if rng.random() < (0.6 if mode == "hybrid" else 0.35) and hire + pd.Timedelta(days=tenure) <= AS_OF:
            rows.append(person(f"L{i}", hire=hire.date(), exit_date=(hire + pd.Timedelta(days=tenure)).date(), reason="voluntary",
                               work_mode=mode))
            rows.append(person(f"T{i}", hire=(start - pd.Timedelta(days=tenure)).date(), work_mode="hybrid" if i % 4 < 2 else "onsite"))
        else:
            rows.append(person(f"S{i}", hire=hire.date(), work_mode=mode))
    c = smbkit.load_company(write_company(tmp_path / "ties", employees=rows, settings={"as_of": AS_OF.date()}))
    f = smbkit.leaving.survival_frame(c)
    t, e, entry = f["time"].to_numpy(), f["left"].to_numpy(), f["entry"].to_numpy()
    assert np.isin(entry[entry > 0], t[e == 1]).sum() >= 20  # the ties are really there
    row = T.leaving_factors(c).table.set_index("input").filter(like="work_mode: ", axis=0)
    assert len(row) == 1  # the less common mode, compared with the most common one
    x = (f["work_mode"] == row.index[0].removeprefix("work_mode: ")).astype(float).to_numpy()
    strict, loose = _partial_likelihood_hr(t, e, entry, x), _partial_likelihood_hr(t, e, entry, x, strict=False)
    hr = row["hazard_ratio"].iloc[0]
    assert hr == pytest.approx(strict, rel=1e-5)
    assert abs(hr - loose) > 100 * abs(hr - strict)  # the other convention would give a different answer


def test_a_numeric_input_is_reported_per_interquartile_step(tmp_path):
    # one role, pay varies; the hazard ratio is per step = the input's interquartile range, rounded
    rng = np.random.default_rng(8)
    rows = []
    for i in range(200):
        pay = rng.normal(50000, 5000)
        tenure = rng.exponential(2.0 * np.exp((pay - 50000) / 5000))
        hired = rng.uniform(0.1, 2.9)
        left = tenure < hired
        rows.append(person(f"E{i:03d}", cost=round(pay), hire=_hire(hired), exit_date=_hire(hired - tenure) if left else "",
                           reason="voluntary" if left else ""))
    c = smbkit.load_company(write_company(tmp_path / "pay", employees=rows, settings={"as_of": AS_OF.date()}))
    f = smbkit.leaving.survival_frame(c)
    X, _, _ = smbkit.leaving.model_inputs(c, f, AS_OF, pay_on=f["end"])
    iqr = float(X["pay_vs_role"].quantile(0.75) - X["pay_vs_role"].quantile(0.25))
    row = T.leaving_factors(c).table.set_index("input").loc["pay_vs_role"]
    assert row["step"] == pytest.approx(iqr, rel=0.06)  # rounded to two significant figures
    per_unit = _partial_likelihood_hr(f["time"].to_numpy(), f["left"].to_numpy(), f["entry"].to_numpy(), X["pay_vs_role"].to_numpy())
    assert row["hazard_ratio"] == pytest.approx(per_unit ** row["step"], rel=1e-3) and row["hazard_ratio"] < 1  # better paid, stay longer
    assert row["low"] < row["hazard_ratio"] < row["high"]


def test_no_survival_is_shown_beyond_the_time_people_were_followed(tmp_path):
    # everyone joined within the last 18 months: the share still here after 2 or 3 years is not known
    rows = [person(f"E{i}", hire=_hire(0.1 + 1.4 * i / 40), exit_date=_hire(0.05) if i % 5 == 0 else "",
                   reason="voluntary" if i % 5 == 0 else "") for i in range(40)]
    c = smbkit.load_company(write_company(tmp_path / "short", employees=rows, settings={"as_of": AS_OF.date()}))
    m = T.retention_milestones(T.retention_curves(c, by=None)).iloc[0]
    assert not np.isnan(m["stay_1y"]) and np.isnan(m["stay_2y"])
    assert m["followed_years"] < 2
