"""Notebook 04: task scores, option values, guardrails, redistribution, redesign and MPS, by hand."""

import numpy as np
import pandas as pd
import pytest
from conftest import automation_company, option, task

import smbkit
from smbkit import automation as A


def test_scores_follow_the_stated_weights():
    t = pd.DataFrame([task("T1", rep=3, rule=5, dig=4, vol=2, judg=2, emp=3, comp=1)])
    s = A.task_scores(type("C", (), {"tasks": t})()).iloc[0]
    # potential = 100 x (0.30 x 4/4 + 0.25 x 2/4 + 0.25 x 3/4 + 0.20 x 1/4); human = 100 x (0.4 x 1/4 + 0.3 x 2/4 + 0)
    assert s["potential"] == pytest.approx(100 * (0.30 + 0.125 + 0.1875 + 0.05), abs=0.05)
    assert s["human"] == pytest.approx(100 * (0.1 + 0.15), abs=0.05)
    assert s["quadrant"] == "automate" and not s["guarded"]


@pytest.mark.parametrize("ratings, quadrant, guarded", [
    ({"rep": 5, "rule": 5, "dig": 5, "vol": 5}, "automate", False),
    ({"rep": 5, "rule": 5, "dig": 5, "vol": 5, "judg": 3, "emp": 3, "comp": 3}, "augment", False),
    ({"rep": 5, "rule": 5, "dig": 5, "vol": 5, "comp": 4}, "augment", True),  # guardrail: never "automate"
    ({"rep": 1, "rule": 1, "judg": 5, "emp": 5, "comp": 3}, "keep human", True),
    ({"rep": 2, "rule": 2, "dig": 2, "vol": 2}, "review", False),
])
def test_quadrants_and_the_guardrail(ratings, quadrant, guarded):
    t = pd.DataFrame([task("T1", **ratings)])
    s = A.task_scores(type("C", (), {"tasks": t})()).iloc[0]
    assert (s["quadrant"], bool(s["guarded"])) == (quadrant, guarded)


def test_option_value_by_hand(tmp_path):
    c = automation_company(tmp_path, [task("T1", hours=10, rep=5, rule=5, dig=5, vol=5)],
                 [option("A1", "T1", share=0.5, one_time=2000, annual=1000, oversight=1.0, months=2)])
    o = A.automation_options(c, release=True).iloc[0]  # released: every freed hour is a saving
    hourly = 56400 / (40 * 47)
    assert hourly == 30
    automated = 10 * 2 * 0.5  # hours per FTE x FTE x share
    assert o["automated_hours_week"] == pytest.approx(automated)
    assert o["hours_saved_year"] == pytest.approx(automated * 47)
    assert o["value_year"] == pytest.approx((automated - 1.0) * 47 * 30)  # freed = automated - review
    net = automated * 47 * 30 - 1.0 * 47 * 30 - 1000
    assert o["net_year"] == pytest.approx(net)
    assert o["payback_months"] == pytest.approx(2 + 2000 / (net / 12))
    assert o["npv_3y"] == pytest.approx(float(smbkit.costs.npv(2000, net, 2, 36, 0.08)))
    assert o["npv_horizon"] == pytest.approx(float(smbkit.costs.npv(2000, net, 2, 12, 0.08)))
    assert o["in_plan"]


def test_the_plan_takes_the_best_paying_option_per_task_and_never_a_human_task(tmp_path):
    tasks = [task("T1", rep=5, rule=5, dig=5, vol=5), task("T2", rep=1, rule=1, judg=5, emp=5)]
    opts = [option("A1", "T1", share=0.3), option("A2", "T1", share=0.6), option("A3", "T1", share=0.01, annual=9000),
            option("A4", "T2", share=0.9)]
    o = A.automation_options(automation_company(tmp_path, tasks, opts), release=True).set_index("option_id")
    assert o["in_plan"].to_dict() == {"A1": False, "A2": True, "A3": False, "A4": False}
    assert o.loc["A3", "npv_3y"] < 0 and "does not pay back" in o.loc["A3", "why"]
    assert "keep human" in o.loc["A4", "why"]
    excluded = A.automation_options(automation_company(tmp_path, tasks, opts), release=True, exclude="A2, A9").set_index("option_id")
    assert excluded.loc["A1", "in_plan"] and not excluded.loc["A2", "in_plan"]


def test_a_guarded_task_keeps_a_person_reviewing_and_an_unchecked_tool_is_flagged(tmp_path):
    tasks = [task("T1", rep=5, rule=5, dig=5, vol=5, comp=5), task("T2", rep=5, rule=5, dig=5, vol=5)]
    opts = [option("A1", "T1", share=1.0, oversight=0.0), option("A2", "T2", share=0.5, oversight=0.0)]
    c = automation_company(tmp_path, tasks, opts)
    o = A.automation_options(c, release=True).set_index("option_id")
    assert o.loc["A1", "share"] == A.MAX_GUARDED_SHARE
    assert o.loc["A1", "review_hours_week"] == pytest.approx(A.REVIEW_SHARE * 10 * 2 * A.MAX_GUARDED_SHARE)
    flags = A.guardrail_flags(o.reset_index(), A.task_scores(c))
    assert set(zip(flags["option_id"], flags["severity"])) == {("A1", "kept"), ("A2", "fix")}
    assert "no person reviews" in flags.loc[flags["option_id"] == "A2", "finding"].iloc[0]
    assert "1 planned tool would run with nobody checking its work" in A.guardrails_takeaway(flags)


def test_freed_hours_are_worth_money_only_where_they_meet_demand_and_only_once(tmp_path):
    # two Clerks (30 an hour); the role lacks 20 h a week at the horizon (demand 2.5 FTE, nobody leaves)
    tasks = [task("T1", hours=20, rep=5, rule=5, dig=5, vol=5), task("T2", hours=20, rep=5, rule=5, dig=5, vol=5)]
    opts = [option("A1", "T1", share=0.6, one_time=0, annual=100, oversight=1.0, months=0),   # frees 23 h, cheap per hour
            option("A2", "T2", share=0.5, one_time=0, annual=3000, oversight=1.0, months=0)]  # frees 19 h, dear per hour
    c = automation_company(tmp_path, tasks, opts, roles=[{"role": "Clerk", "driver": "", "units_per_fte": "", "fixed_fte": 2.5}],
                           drivers=[{"driver": "orders", "current_value": 1, "unit": ""}])
    gap = smbkit.staffing.gap_hours(c, "today")
    assert gap["Clerk"] == pytest.approx(0.5 * 40)
    o = A.automation_options(c).set_index("option_id")
    assert o.loc["A1", "to_demand_hours_week"] == pytest.approx(20.0) and o.loc["A1", "spare_hours_week"] == pytest.approx(3.0)
    assert o.loc["A1", "value_year"] == pytest.approx(20 * 47 * 30)  # only the hours the gap needs
    # A2 finds the gap already met by A1: its hours would be spare capacity, worth no money, so it is not planned
    assert o.loc["A2", "to_demand_hours_week"] == 0 and o.loc["A2", "value_year"] == 0 and not o.loc["A2", "in_plan"]
    assert "no role's demand needs the hours" in o.loc["A2", "why"]
    released = A.automation_options(c, release=True).set_index("option_id")
    assert released.loc["A2", "value_year"] == pytest.approx(19 * 47 * 30)  # released hours count when you release them
    # a shortfall smaller than the plan acts on (under half a person) is no demand the tools can be paid by
    small = automation_company(tmp_path / "small", tasks, opts, roles=[{"role": "Clerk", "driver": "", "units_per_fte": "",
                                                                       "fixed_fte": 2.3}],
                               drivers=[{"driver": "orders", "current_value": 1, "unit": ""}])
    assert smbkit.staffing.gap_hours(small, "today").empty
    # and what notebook 04 counts is what notebook 03's plan lets the tools take
    cap = smbkit.redesign.freed_capacity(c, "today")
    plan = smbkit.staffing.recommended_plan(c, scenario="today", capacity=cap)
    assert plan.loc[plan["action"] == "bot", "fte"].sum() == pytest.approx(cap["to_gap_fte"].sum()) == pytest.approx(0.5)
    assert not (plan["action"] == "buy").any()


def test_sensitivity_grid_is_the_plan_value_at_each_factor(sample):
    inputs = A.option_inputs(sample)
    gap = smbkit.staffing.gap_hours(sample, "moderate")
    base = A.evaluate_options(inputs, sample, gap_hours=gap)
    chosen = base.loc[base["in_plan"], "option_id"]
    grid = A.sensitivity(inputs, sample, base, gap_hours=gap)
    assert grid.loc[1.0, 1.0] == pytest.approx(base.loc[base["in_plan"], "npv_3y"].sum())
    half = A.evaluate_options(inputs, sample, gap_hours=gap, share_factor=0.5, cost_factor=2.0, selected=chosen)
    assert grid.loc[0.5, 2.0] == pytest.approx(half.loc[half["in_plan"], "npv_3y"].sum())
    assert (np.diff(grid.to_numpy(), axis=0) >= 0).all()  # the more the tools take, the more they are worth (up to the gap)
    assert (np.diff(grid.to_numpy(), axis=1) < 0).all()  # the more they cost, the less


def test_an_edited_catalogue_without_its_columns_is_refused_clearly(tmp_path):
    bad = tmp_path / "mine.csv"
    bad.write_text("area,tool\nfinance,Xero\n", encoding="utf-8")
    with pytest.raises(ValueError, match="has no column 'function'"):
        A.tool_catalogue(bad)


def test_catalogue_is_shipped_and_suggests_by_function(sample):
    cat = A.tool_catalogue()
    assert {"marketing", "sales", "customer_service", "finance", "operations", "hr"} <= set(cat["function"])
    assert cat["example_tools"].str.contains("Mailchimp").any() and cat["example_tools"].str.contains("Xero").any()
    sug = A.catalogue_suggestions(sample, A.task_scores(sample), cat)
    assert not set(sug["task_id"]) & set(sample.automation_options["task_id"])
    assert (sug["tool_categories"] != "").all()
