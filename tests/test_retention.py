"""Notebook 05 part 2: survival curves, Cox, risk model and fairness, profiles, comments, networks."""

import numpy as np
import pandas as pd
import pytest
from conftest import person, write_company

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


def test_collinear_and_constant_inputs_are_dropped_with_notes():
    X = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 4, 6, 8], "c": [1.0, 1, 1, 1], "d": [0.0, 1, 0, 1]})
    kept, notes = T._usable(X)
    assert list(kept.columns) == ["a", "d"]
    assert notes == ["b dropped: it is fully explained by the other inputs", "c dropped: the same for everyone"]


def test_too_few_leavers_gives_a_reason_not_a_model(tmp_path):
    emp = [person(f"E{i}", hire="2020-01-01") for i in range(20)] + [person("X", hire="2020-01-01", exit_date="2025-06-01", reason="voluntary")]
    c = smbkit.load_company(write_company(tmp_path / "c", employees=emp, settings={"as_of": AS_OF.date()}))
    factors = T.leaving_factors(c)
    drivers, notes = factors.table, factors.notes
    assert drivers.empty and "a model needs at least 10" in notes[-1]
    risk = T.leave_risk(c)
    assert risk.summary.empty and "risk model needs" in T.risk_takeaway(risk)


def test_auc_equals_pair_counting():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 60)
    s = rng.normal(size=60).round(1)  # with ties
    pairs = [(1.0 if a > b else 0.5 if a == b else 0.0) for a, ya in zip(s, y) for b, yb in zip(s, y) if ya == 1 and yb == 0]
    assert T.auc(y, s) == pytest.approx(np.mean(pairs))
    assert T.auc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert np.isnan(T.auc([1, 1], [0.2, 0.3]))


def _risk_company(tmp_path, signal, seed=0, n=300):
    """People employed a year ago; those with low pay for their role chose to leave (signal) or leave at random."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        pay = rng.normal(50000, 6000)
        p = 1 / (1 + np.exp((pay - 46000) / 1500)) if signal else 0.3
        left = rng.random() < p
        rows.append(person(f"E{i:04d}", cost=round(pay), hire="2022-01-01", exit_date="2025-06-30" if left else "",
                           reason="voluntary" if left else "", demo_group="a" if i % 3 else "b"))
    return smbkit.load_company(write_company(tmp_path / f"r{signal}", employees=rows, settings={"as_of": AS_OF.date()}))


def test_risk_model_accuracy_on_separable_and_random_data(tmp_path):
    strong = T.leave_risk(_risk_company(tmp_path, True))
    auc = dict(zip(strong.summary["measure"], strong.summary["value"]))["accuracy: cross-validated AUC (0.5 = guessing, 1 = perfect)"]
    assert auc > 0.9
    noise = T.leave_risk(_risk_company(tmp_path, False))
    auc0 = dict(zip(noise.summary["measure"], noise.summary["value"]))["accuracy: cross-validated AUC (0.5 = guessing, 1 = perfect)"]
    assert 0.35 < auc0 < 0.65
    cal = strong.calibration
    assert cal["people"].sum() == len(strong.oof) and cal["observed_pct"].iloc[-1] > cal["observed_pct"].iloc[0]
    assert strong.individuals.empty  # only when asked for
    again = T.leave_risk(_risk_company(tmp_path, True))
    pd.testing.assert_frame_equal(strong.summary, again.summary)  # seeded folds: the same answer twice


def test_individual_scores_only_on_request_and_without_names(tmp_path):
    c = _risk_company(tmp_path, True)
    risk = T.leave_risk(c, individual=True)
    assert len(risk.individuals) == len(smbkit.people.current_employees(c))
    assert not risk.individuals["person"].str.startswith("Name").any()


def test_fairness_metrics_by_hand():
    company = smbkit.load_company(smbkit.sample_dir())
    oof = pd.DataFrame({"risk": [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.04, 0.03],
                        "left": [1, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0],
                        "demo_x": ["a", "a", "b", "a", "a", "b", "a", "b", "b", "b", "a", "b"]})
    oof = oof.assign(**{c: np.nan for c in company.employees.columns if c.startswith("demo_")})
    # 4 leavers -> the top 4 risks are flagged: rows 0-3 -> a: rows 0,1,3 ; b: row 2
    audit = T.fairness_audit(type("C", (), {"employees": oof.drop(columns=["risk", "left"]), "settings": company.settings})(), oof)
    x = audit[audit["column"] == "demo_x"].set_index("group")
    assert x.loc["a", "people"] == 6 and x.loc["a", "flag_rate_pct"] == pytest.approx(300 / 6)
    assert x.loc["b", "flag_rate_pct"] == pytest.approx(100 / 6)
    assert x.loc["b", "flag_ratio"] == pytest.approx((100 / 6) / (300 / 6))
    assert "under four fifths" in x.loc["b", "concern"]
    assert np.isnan(x.loc["a", "tpr_pct"])  # 3 leavers < min_group_size 5: hidden


def test_fairness_hides_small_groups(sample):
    risk = T.leave_risk(sample)
    audit = T.fairness_audit(sample, risk.oof)
    assert (audit.loc[~audit["hidden"], "people"] >= sample.settings.min_group_size).all()
    assert audit.loc[audit["hidden"], ["people", "flag_rate_pct", "leavers", "tpr_pct"]].isna().all().all()


def test_retention_sections_run_on_a_large_generated_company(tmp_path):
    c = smbkit.load_company(smbkit.synthetic.make_company(tmp_path / "big", people=1500, waves=4))
    m = T.retention_milestones(T.retention_curves(c))
    assert m["people"].iloc[0] > 1500
    assert not T.leaving_factors(c).table.empty
    risk = T.leave_risk(c)
    assert not risk.summary.empty
    assert (risk.teams.loc[~risk.teams["hidden"], "people"] >= 5).all()
