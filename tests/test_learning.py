"""Notebook 03's learning side: ecosystem fit, the learning plan, Kirkpatrick and Phillips ROI, by hand."""

import numpy as np
import pytest
from conftest import person, write_company

import smbkit
from smbkit import learning as ln

AS_OF = "2025-12-31"


def test_phillips_roi_and_paired_test_against_independent_computation(tmp_path):
    from statsmodels.stats.weightstats import DescrStatsW

    emp = [person(f"E{i}", cost=47000) for i in range(6)]  # hourly cost 47,000 / (40 x 47) = 25
    rows = [{"employee_id": f"E{i}", "program": "Till", "skill": "till", "start_date": "2025-03-01", "cost": 200, "hours": 10,
             "reaction": 4, "pre_score": pre, "post_score": post, "behavior": 3, "result_value": rv}
            for i, (pre, post, rv) in enumerate([(40, 60, 1500), (50, 55, ""), (45, 70, 900), (60, 62, ""), (30, 50, 600), (55, 65, "")])]
    c = smbkit.load_company(write_company(tmp_path / "l", employees=emp, learning=rows, settings={"as_of": AS_OF}))
    ev = ln.learning_evaluation(c).iloc[0]
    costs = 6 * 200 + 6 * 10 * 25  # programme costs + participants' time
    benefits = 1500 + 900 + 600  # only measured results count
    assert ev["costs"] == pytest.approx(costs)
    assert ev["roi_pct"] == pytest.approx((benefits - costs) / costs * 100)
    assert ev["benefit_cost_ratio"] == pytest.approx(benefits / costs)
    assert not ev["negative_roi"]
    diffs = np.array([20, 5, 25, 2, 20, 10], dtype=float)
    assert ev["gain"] == pytest.approx(diffs.mean())
    # a paired t-test is a one-sample t-test of the differences (statsmodels, independently of scipy)
    assert ev["gain_p_value"] == pytest.approx(DescrStatsW(diffs).ttest_mean(0)[1])
    assert "results not measured for 3 of 6 people" in ev["not_monetised"]


def test_small_programmes_hide_feedback(tmp_path):
    emp = [person(f"E{i}") for i in range(2)]
    rows = [{"employee_id": f"E{i}", "program": "Tiny", "skill": "x", "start_date": "2025-03-01", "cost": 100, "hours": 2,
             "reaction": 2, "pre_score": 10, "post_score": 90, "behavior": 1, "result_value": ""} for i in range(2)]
    ev = ln.learning_evaluation(smbkit.load_company(write_company(tmp_path / "t", employees=emp, learning=rows))).iloc[0]
    assert np.isnan(ev["reaction"]) and np.isnan(ev["gain"]) and np.isnan(ev["behaviour"])
    assert "feedback hidden" in ev["not_monetised"]


def test_ecosystem_rules_on_the_sample(sample):
    fit = ln.ecosystem_fit(sample).set_index("kind")
    assert fit["recommended"].sum() == 1
    assert fit.loc["blended", "points"] == 4  # 60 people, mostly onsite, gaps across roles
    assert "evaluated trainings" in fit.loc["data-driven", "reasons"]
