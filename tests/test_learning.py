"""Notebook 03's learning side: ecosystem fit, the learning plan, Kirkpatrick and Phillips ROI, by hand."""

import numpy as np
import pytest
from conftest import person, write_company

import smbkit
from smbkit import learning as ln

AS_OF = "2025-12-31"


def test_phillips_roi_and_paired_test_against_independent_computation(tmp_path):
    from statsmodels.stats.weightstats import DescrStatsW

    emp = [person(f"E{i}", cost=47000) for i in range(10)]  # hourly cost 47,000 / (40 x 47) = 25
    scores = [(40, 60, 1500), (50, 55, ""), (45, 70, 900), (60, 62, ""), (30, 50, 600), (55, 65, ""),
              (20, 40, 300), (35, 45, ""), (50, 52, 700), (44, 58, "")]
    rows = [{"employee_id": f"E{i}", "program": "Till", "skill": "till", "start_date": "2025-03-01", "cost": 200, "hours": 10,
             "reaction": 4, "pre_score": pre, "post_score": post, "behavior": 3, "result_value": rv}
            for i, (pre, post, rv) in enumerate(scores)]
    c = smbkit.load_company(write_company(tmp_path / "l", employees=emp, learning=rows, settings={"as_of": AS_OF}))
    ev = ln.learning_evaluation(c).iloc[0]
    assert ev["costs"] == pytest.approx(10 * 200 + 10 * 10 * 25)  # every participant's fee and time, shown beside ROI
    # Phillips: the same 5 measured people on both sides; results credited at the isolation share, for the benefit years
    spent = 5 * (200 + 10 * 25)
    benefits = (1500 + 900 + 600 + 300 + 700) * ln.ISOLATION_SHARE * ln.BENEFIT_YEARS
    assert ev["measured"] == 5 and ev["measured_costs"] == pytest.approx(spent)
    assert ev["roi_pct"] == pytest.approx((benefits - spent) / spent * 100)
    assert ev["benefit_cost_ratio"] == pytest.approx(benefits / spent)
    assert ev["negative_roi"]  # 4,000 of results, half credited to the training: 2,000 against 2,250 spent
    diffs = np.array([post - pre for pre, post, _ in scores], dtype=float)
    assert ev["gain"] == pytest.approx(diffs.mean())
    # a paired t-test is a one-sample t-test of the differences (statsmodels, independently of scipy)
    assert ev["gain_p_value"] == pytest.approx(DescrStatsW(diffs).ttest_mean(0)[1])
    assert "results not measured for 5 of 10 people" in ev["not_monetised"]
    # with results for only 3 people, the money they would give away is not shown
    few = [dict(r, result_value="") if r["employee_id"] in ("E6", "E8") else r for r in rows]
    c3 = smbkit.load_company(write_company(tmp_path / "l3", employees=emp, learning=few, settings={"as_of": AS_OF}))
    ev3 = ln.learning_evaluation(c3).iloc[0]
    assert np.isnan(ev3["roi_pct"]) and np.isnan(ev3["benefits"]) and not ev3["hidden"] and ev3["costs"] > 0


def test_small_programmes_show_nothing_and_cannot_be_subtracted(tmp_path):
    emp = [person(f"E{i}") for i in range(12)]
    def rows(program, people):
        return [{"employee_id": f"E{i}", "program": program, "skill": "x", "start_date": "2025-03-01", "cost": 100, "hours": 2,
                 "reaction": 2, "pre_score": 10, "post_score": 90, "behavior": 1, "result_value": ""} for i in people]
    c = smbkit.load_company(write_company(tmp_path / "t", employees=emp,
                                          learning=rows("Tiny", range(2)) + rows("Mid", range(2, 8)) + rows("Big", range(12))))
    ev = ln.learning_evaluation(c).set_index("programme")
    # Tiny (2 people) is hidden, and so is the next smallest, Mid, so that totals cannot give Tiny away
    assert ev["hidden"].to_dict() == {"Big": False, "Mid": True, "Tiny": True}
    assert ev.loc[["Mid", "Tiny"]].drop(columns="hidden").isna().all().all()
    text = ln.evaluation_takeaway(ev.reset_index(), c)
    assert "the 1 shown had 12 participations" in text and "2 are hidden" in text


def test_ecosystem_rules_on_the_sample(sample):
    fit = ln.ecosystem_fit(sample).set_index("kind")
    assert fit["recommended"].sum() == 1
    assert fit.loc["blended", "points"] == 4  # 60 people, mostly onsite, gaps across roles
    assert "evaluated trainings" in fit.loc["data-driven", "reasons"]
