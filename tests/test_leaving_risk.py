"""The leaving-risk model: AUC by pair counting, accuracy on planted and random data, the accuracy gate, fairness."""

import numpy as np
import pandas as pd
import pytest
from conftest import person, write_company

import smbkit
from smbkit import leaving_risk as T

AS_OF = pd.Timestamp("2025-12-31")


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


def test_only_a_model_shown_to_be_accurate_is_acted_on(tmp_path):
    strong = T.leave_risk(_risk_company(tmp_path, True))
    assert strong.auc_low < strong.auc < strong.auc_high and strong.good_enough
    noisy_company = _risk_company(tmp_path / "noise", False)
    noise = T.leave_risk(noisy_company)
    assert noise.fitted and not noise.good_enough and noise.auc_low <= T.AUC_FLOOR
    fairness = T.fairness_audit(noisy_company, noise.oof)
    # whatever the audit finds, nothing from a model that is not accurate enough reaches the evidence or the actions
    assert T.risk_comparisons(noisy_company, noise, fairness).empty
    evidence = smbkit.evidence.report_evidence(noisy_company)
    d = smbkit.retention.retention_decisions(noisy_company, evidence=evidence, risk=noise, fairness=fairness)
    assert "Do not act on the leaving-risk model yet" in d["action"].tolist()
    assert not d["action"].str.contains("Check in with|individuals").any()
    assert "not good enough to act on" in T.risk_takeaway(noise)


def test_team_risk_is_tested_over_people(tmp_path):
    # two teams, the model's signal (low pay) concentrated in team b: b's people are at clearly higher risk
    rng = np.random.default_rng(5)
    rows = []
    for i in range(300):
        team = "b" if i % 3 == 0 else "a"
        pay = rng.normal(44000 if team == "b" else 52000, 4000)
        left = rng.random() < 1 / (1 + np.exp((pay - 46000) / 1500))
        rows.append(person(f"E{i:04d}", team=team, cost=round(pay), hire="2022-01-01", exit_date="2025-06-30" if left else "",
                           reason="voluntary" if left else ""))
    rows += [person(f"N{i:04d}", team="b" if i % 3 == 0 else "a", cost=round(rng.normal(48000, 5000)), hire="2024-06-01")
             for i in range(60)]
    c = smbkit.load_company(write_company(tmp_path / "teams", employees=rows, settings={"as_of": AS_OF.date()}))
    risk = T.leave_risk(c)
    assert risk.good_enough
    comp = T.risk_comparisons(c, risk, T.fairness_audit(c, risk.oof)).set_index("subject")
    assert comp.loc["b", "p_value"] < 0.01 < comp.loc["a", "p_value"]
    assert (comp["units"] == "people").all()
