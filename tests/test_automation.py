"""Notebook 04: task scores, option values, guardrails, redistribution, redesign and MPS, by hand."""

import numpy as np
import pandas as pd
import pytest
from conftest import person, write_company
from hypothesis import given, settings
from hypothesis import strategies as st

import smbkit
from smbkit import automation as A
from smbkit import redesign as R
from smbkit import widgets as W

RATINGS = ["repetitive", "rule_based", "digital_input", "volume_stability", "judgment", "empathy", "compliance_risk"]


def task(tid, role="Clerk", hours=10, *, rep=3, rule=3, dig=3, vol=3, judg=1, emp=1, comp=1, function="finance"):
    return {"task_id": tid, "role": role, "task": f"task {tid}", "function": function, "hours_per_week": hours,
            "repetitive": rep, "rule_based": rule, "digital_input": dig, "volume_stability": vol,
            "judgment": judg, "empathy": emp, "compliance_risk": comp}


def option(oid, tid, share=0.5, one_time=1000, annual=1000, oversight=1.0, months=2, category="accounting"):
    return {"option_id": oid, "task_id": tid, "tool_category": category, "example_tool": "", "automatable_share": share,
            "one_time_cost": one_time, "annual_cost": annual, "oversight_hours_per_week": oversight, "months_to_implement": months}


def _company(tmp_path, tasks, options, *, emp=None, settings=None, **more):
    # 40 h x 47 weeks = 1,880 h a year; 56,400 a year -> 30 an hour
    emp = emp or [person("E1", cost=56400), person("E2", cost=56400)]
    conf = {"hours_per_fte_week": 40, "weeks_per_year": 47, "discount_rate": 0.08, "horizon_months": 12} | (settings or {})
    return smbkit.load_company(write_company(tmp_path / "c", employees=emp, tasks=tasks, automation_options=options,
                                             settings=conf, **more))


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


def test_npv_matches_the_annuity_formula():
    one_time, net, m, n, r = 5000.0, 12000.0, 2, 36, 0.08
    i = (1 + r) ** (1 / 12) - 1
    v = 1 / (1 + i)
    annuity = v ** (m + 1) * (1 - v ** (n - m)) / (1 - v)  # sum of v^t for t = m+1 .. n
    assert float(A.npv(one_time, net, m, n, r)) == pytest.approx(-one_time + net / 12 * annuity)
    assert float(A.npv(one_time, net, 0, 12, 0.0)) == pytest.approx(12000 - 5000)


def test_payback_by_hand_and_never_when_it_loses_money():
    assert float(A.payback_months(3000, 6000, 3)) == pytest.approx(3 + 3000 / 500)
    assert np.isnan(A.payback_months(3000, -10, 3))
    assert np.isnan(A.payback_months(3000, 0, 3))


def test_option_value_by_hand(tmp_path):
    c = _company(tmp_path, [task("T1", hours=10, rep=5, rule=5, dig=5, vol=5)],
                 [option("A1", "T1", share=0.5, one_time=2000, annual=1000, oversight=1.0, months=2)])
    o = A.automation_options(c).iloc[0]
    hourly = 56400 / (40 * 47)
    assert hourly == 30
    automated = 10 * 2 * 0.5  # hours per FTE x FTE x share
    assert o["automated_hours_week"] == pytest.approx(automated)
    assert o["hours_saved_year"] == pytest.approx(automated * 47)
    assert o["value_year"] == pytest.approx(automated * 47 * 30)
    net = automated * 47 * 30 - 1.0 * 47 * 30 - 1000
    assert o["net_year"] == pytest.approx(net)
    assert o["payback_months"] == pytest.approx(2 + 2000 / (net / 12))
    assert o["npv_3y"] == pytest.approx(float(A.npv(2000, net, 2, 36, 0.08)))
    assert o["npv_horizon"] == pytest.approx(float(A.npv(2000, net, 2, 12, 0.08)))
    assert o["in_plan"]


def test_the_plan_takes_the_best_paying_option_per_task_and_never_a_human_task(tmp_path):
    tasks = [task("T1", rep=5, rule=5, dig=5, vol=5), task("T2", rep=1, rule=1, judg=5, emp=5)]
    opts = [option("A1", "T1", share=0.3), option("A2", "T1", share=0.6), option("A3", "T1", share=0.01, annual=9000),
            option("A4", "T2", share=0.9)]
    o = A.automation_options(_company(tmp_path, tasks, opts)).set_index("option_id")
    assert o["in_plan"].to_dict() == {"A1": False, "A2": True, "A3": False, "A4": False}
    assert o.loc["A3", "npv_3y"] < 0 and "does not pay back" in o.loc["A3", "why"]
    assert "keep human" in o.loc["A4", "why"]
    excluded = A.automation_options(_company(tmp_path, tasks, opts), exclude="A2, A9").set_index("option_id")
    assert excluded.loc["A1", "in_plan"] and not excluded.loc["A2", "in_plan"]


def test_a_guarded_task_keeps_a_person_reviewing_and_an_unchecked_tool_is_flagged(tmp_path):
    tasks = [task("T1", rep=5, rule=5, dig=5, vol=5, comp=5), task("T2", rep=5, rule=5, dig=5, vol=5)]
    opts = [option("A1", "T1", share=1.0, oversight=0.0), option("A2", "T2", share=0.5, oversight=0.0)]
    c = _company(tmp_path, tasks, opts)
    o = A.automation_options(c).set_index("option_id")
    assert o.loc["A1", "share"] == A.MAX_GUARDED_SHARE
    assert o.loc["A1", "review_hours_week"] == pytest.approx(A.REVIEW_SHARE * 10 * 2 * A.MAX_GUARDED_SHARE)
    flags = A.guardrail_flags(o.reset_index(), A.task_scores(c))
    assert set(zip(flags["option_id"], flags["severity"])) == {("A1", "kept"), ("A2", "fix")}
    assert "no person reviews" in flags.loc[flags["option_id"] == "A2", "finding"].iloc[0]
    assert "1 planned tool would run with nobody checking its work" in A.guardrails_takeaway(flags)


def test_sensitivity_grid_is_the_plan_value_at_each_factor(sample):
    inputs = A.option_inputs(sample)
    base = A.evaluate_options(inputs, sample)
    chosen = base.loc[base["in_plan"], "option_id"]
    grid = A.sensitivity(inputs, sample, base)
    assert grid.loc[1.0, 1.0] == pytest.approx(base.loc[base["in_plan"], "npv_3y"].sum())
    half = A.evaluate_options(inputs, sample, share_factor=0.5, cost_factor=2.0, selected=chosen)
    assert grid.loc[0.5, 2.0] == pytest.approx(half.loc[half["in_plan"], "npv_3y"].sum())
    assert (np.diff(grid.to_numpy(), axis=0) > 0).all()  # the more the tools take, the more they are worth
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


def _plan(company, **kw):
    scores = A.task_scores(company)
    options = A.automation_options(company, **kw)
    gh = R.gap_hours(company, smbkit.likely_scenario(company))
    return scores, options, gh


@pytest.fixture(scope="module")
def basis(sample):
    return W.automation_basis(sample)


@settings(max_examples=40, deadline=None)
@given(share=st.floats(0.2, 2.0), keep=st.lists(st.booleans(), min_size=15, max_size=15), gap_scale=st.floats(0, 3))
def test_redistribution_conserves_hours(basis, share, keep, gap_scale):
    c = basis.company
    ids = list(c.automation_options["option_id"])
    options = A.evaluate_options(basis.inputs, c, share_factor=share, selected=[i for i, k in zip(ids, keep) if k])
    redist = R.redistribution(c, options, basis.scores, basis.gaps_hours * gap_scale)
    if not any(keep):
        assert redist.empty and R.hours_by_category(redist).empty
        return
    assert np.allclose(redist["automated"], redist["review"] + redist["to_gap"] + redist["to_higher_value"] + redist["released"])
    assert (redist["to_gap"] <= redist["gap_hours"] + 1e-9).all() and (redist[["to_gap", "to_higher_value"]] >= 0).all().all()
    hours = R.hours_by_category(redist)
    per_role = hours.groupby("role")[["before", "after"]].sum()
    assert np.allclose(per_role["before"], per_role["after"])
    assert np.allclose(per_role["before"], redist.set_index("role").loc[per_role.index, "role_hours"])
    assert (hours.loc[hours["category"] != "other work (not in tasks.csv)", "after"] >= -1e-9).all()


def test_redistribution_by_hand(tmp_path):
    # one role, 2 FTE, judgement task 20 h/FTE (40 h in all) and a routine task 10 h/FTE automated at 50% -> 10 h a week
    tasks = [task("T1", hours=10, rep=5, rule=5, dig=5, vol=5), task("T2", hours=20, rep=1, rule=1, judg=5, emp=5)]
    c = _company(tmp_path, tasks, [option("A1", "T1", share=0.5, oversight=1.0)])
    scores, options, _ = _plan(c)
    r = R.redistribution(c, options, scores, pd.Series({"Clerk": 4.0})).iloc[0]
    assert (r["automated"], r["review"], r["to_gap"]) == pytest.approx((10.0, 1.0, 4.0))
    assert r["to_higher_value"] == pytest.approx(min(10 - 1 - 4, R.HIGHER_VALUE_GROWTH * 40))
    assert r["released"] == pytest.approx(0.0)
    no_gap = R.redistribution(c, options, scores, pd.Series(dtype=float)).iloc[0]
    assert no_gap["to_gap"] == 0 and no_gap["to_higher_value"] == pytest.approx(9.0)


def test_capacity_comparison_by_hand(tmp_path):
    tasks = [task("T1", hours=20, rep=5, rule=5, dig=5, vol=5)]
    c = _company(tmp_path, tasks, [option("A1", "T1", share=0.5, one_time=1000, annual=1200, oversight=0.0, months=3)])
    scores, options, _ = _plan(c)
    gh = pd.Series({"Clerk": 40.0})  # one FTE missing
    redist = R.redistribution(c, options, scores, gh)
    cap = R.capacity_comparison(c, options, redist, gh).set_index("role")
    hire = 56400 * (12 - 2) / 12 + 0.2 * 56400
    auto = 20 * 2 * 0.5 / 40  # 20 freed hours a week = 0.5 FTE
    tools = 1000 + 1200 * (12 - 3) / 12
    bridge = auto * 1.35 * 56400 * 3 / 12
    assert cap.loc["Clerk", "hire_only_cost"] == pytest.approx(hire)
    assert cap.loc["Clerk", "automation_fte"] == pytest.approx(auto)
    assert cap.loc["Clerk", "with_automation_cost"] == pytest.approx((1 - auto) * hire + tools + bridge)
    assert cap.loc["all roles", "saving"] == pytest.approx(cap.loc["Clerk", "saving"])


def test_redesign_rules(tmp_path):
    tasks = [task("T1", "Clerk", hours=30, rep=5, rule=5, dig=5, vol=5), task("T2", "Clerk", hours=10, rep=1, rule=1, judg=5, emp=5),
             task("T3", "Agent", hours=10, rep=5, rule=5, dig=5, vol=5), task("T4", "Agent", hours=30, rep=1, rule=1, judg=5, emp=5),
             task("T5", "Checker", hours=10, rep=5, rule=5, dig=5, vol=5)]
    emp = [person("E1", role="Clerk"), person("E2", role="Clerk"), person("E3", role="Agent"), person("E4", role="Checker")]
    opts = [option("A1", "T1", share=0.9, oversight=0.5), option("A2", "T3", share=0.5, oversight=0.0),
            option("A3", "T5", share=0.5, oversight=3.0, annual=0)]
    c = _company(tmp_path, tasks, opts, emp=emp)
    scores, options, _ = _plan(c)
    redist = R.redistribution(c, options, scores, pd.Series(dtype=float))
    jobs = R.job_redesign(c, redist).set_index("role")
    # Clerk: 54 of 80 h to tools, nothing absorbs them -> expansion; Checker: review 3 of 5 h -> hybrid;
    # Agent: 5 h freed, up to 25% of 30 judgement hours may grow -> enrichment
    assert jobs["redesign"].to_dict() == {"Clerk": "expansion", "Agent": "enrichment", "Checker": "hybrid"}
    assert jobs.loc["Clerk", "routine_before"] == pytest.approx(60 / 80)
    assert jobs.loc["Clerk", "routine_after"] == pytest.approx((60 - 54) / 80)


def test_a_new_role_appears_when_review_adds_up_to_half_a_job(tmp_path):
    tasks = [task("T1", hours=30, rep=5, rule=5, dig=5, vol=5)]
    emp = [person(f"E{i}") for i in range(4)]
    c = _company(tmp_path, tasks, [option("A1", "T1", share=0.9, oversight=25.0, annual=0)], emp=emp)
    scores, options, _ = _plan(c)
    jobs = R.job_redesign(c, R.redistribution(c, options, scores, pd.Series(dtype=float)))
    assert jobs["redesign"].iloc[-1] == "new role"


def test_mps_formula_and_before_after(tmp_path):
    assert R.mps(4, 5, 6, 3, 2) == pytest.approx((4 + 5 + 6) / 3 * 3 * 2)
    assert R.mps(7, 7, 7, 7, 7) == 343 and R.mps(1, 1, 1, 1, 1) == 1
    tasks = [task("T1", "Clerk", rep=5, rule=5, dig=5, vol=5), task("T2", "Agent", rep=5, rule=5, dig=5, vol=5)]
    emp = [person("E1", role="Clerk"), person("E2", role="Agent"), person("E3", role="Other")]
    jd = pd.DataFrame([("Clerk", "before", "owner", 3, 4, 5, 4, 2), ("Agent", "before", "owner", 2, 2, 2, 2, 2),
                       ("Agent", "after", "owner", 4, 4, 4, 3, 3), ("Other", "before", "survey", 5, 5, 5, 5, 5)],
                      columns=["role", "stage", "rated_by", *R.JCM_COLUMNS])
    c = _company(tmp_path, tasks, [option("A1", "T1"), option("A2", "T2")], emp=emp, job_design=jd)
    jobs = pd.DataFrame({"role": ["Clerk"], "redesign": ["hybrid"]})
    m = R.motivating_potential(c, jobs).set_index(["role", "stage"])
    assert m.loc[("Clerk", "before"), "mps"] == pytest.approx(4 * 4 * 2)
    # hybrid estimate: skill variety +0.5, feedback +1
    assert m.loc[("Clerk", "after"), "mps"] == pytest.approx((3.5 + 4 + 5) / 3 * 4 * 3)
    assert m.loc[("Clerk", "after"), "source"].startswith("estimate")
    assert m.loc[("Agent", "after"), "mps"] == pytest.approx(4 * 3 * 3) and m.loc[("Agent", "after"), "source"] == "rated"
    # survey ratings of a one-person role are hidden
    assert m.loc[("Other", "before"), "hidden"] and np.isnan(m.loc[("Other", "before"), "mps"])
    assert np.isnan(m.loc[("Other", "before"), "skill_variety"])


def test_estimates_stay_within_the_scale(tmp_path):
    tasks = [task("T1", rep=5, rule=5, dig=5, vol=5)]
    jd = pd.DataFrame([("Clerk", "before", "owner", 7, 7, 7, 7, 7)], columns=["role", "stage", "rated_by", *R.JCM_COLUMNS])
    c = _company(tmp_path, tasks, [option("A1", "T1")], job_design=jd)
    for kind in R.ESTIMATE_CHANGES:
        m = R.motivating_potential(c, pd.DataFrame({"role": ["Clerk"], "redesign": [kind]}))
        assert m["mps"].max() == pytest.approx(343)


def test_every_affected_person_gets_one_pathway_and_never_a_step_down(sample):
    scores, options, gh = _plan(sample)
    redist = R.redistribution(sample, options, scores, gh)
    paths = R.reskilling_pathways(sample, redist, gh)
    affected = redist.loc[redist["automated_share"] > R.RESKILL_SHARE, "role"]
    cur = smbkit.current_employees(sample)
    assert sorted(paths["person"]) == sorted(cur.loc[cur["role"].isin(affected), "employee_id"])
    pay = smbkit.gaps._role_costs(sample)
    for p in paths.itertuples():
        assert pay[p.to_role] >= R.PATHWAY_PAY_FLOOR * pay[p.role]
        assert gh[p.to_role] >= smbkit.gaps.MIN_ACTION_FTE * sample.settings.hours_per_fte_week
    assert not paths["person"].str.contains("Name").any()


def test_pathway_levels_by_hand(tmp_path):
    tasks = [task("T1", "Clerk", hours=30, rep=5, rule=5, dig=5, vol=5)]
    emp = [person("E1", role="Clerk"), person("E2", role="Analyst", cost=70000)]
    skills = [{"employee_id": "E1", "skill": "excel", "proficiency": 1}]
    role_skills = [{"role": "Analyst", "skill": "excel", "required_proficiency": 3, "importance": 3},
                   {"role": "Analyst", "skill": "sql", "required_proficiency": 1, "importance": 2}]
    c = _company(tmp_path, tasks, [option("A1", "T1", share=0.9)], emp=emp, skills=skills, role_skills=role_skills)
    scores, options, _ = _plan(c)
    gh = pd.Series({"Analyst": 40.0})
    p = R.reskilling_pathways(c, R.redistribution(c, options, scores, gh), gh).iloc[0]
    assert (p["person"], p["to_role"], p["skills_to_build"], p["levels"]) == ("E1", "Analyst", "excel +2, sql +1", 3)
    assert p["months"] == 2 * smbkit.gaps.BUILD_MONTHS
    hourly = 50000 / (40 * 47)
    assert p["cost"] == pytest.approx(3 * (smbkit.gaps.BUILD_DEFAULT_COST + smbkit.gaps.BUILD_DEFAULT_HOURS * hourly))


def test_decisions_pilot_first_and_fix_unchecked_tools(sample):
    scores, options, gh = _plan(sample)
    redist = R.redistribution(sample, options, scores, gh)
    flags = A.guardrail_flags(options, scores)
    jobs = R.job_redesign(sample, redist)
    d = R.automation_decisions(sample, options, flags, jobs, R.reskilling_pathways(sample, redist, gh),
                               R.capacity_comparison(sample, options, redist, gh))
    assert d["action"].iloc[0].startswith("Add a human review step")  # A08 has no oversight in the sample
    assert d["action"].str.startswith("Pilot").sum() == R.PILOTS
    assert d["priority"].tolist() == sorted(d["priority"], key=["high", "medium", "low"].index)
    assert not d["action"].str.contains("cut|lay off|fire", case=False).any()


def test_widget_recompute_matches_the_notebook_functions(sample):
    basis = W.automation_basis(sample)
    chosen = list(basis.default[:5])
    options, redist = W.automation_for(basis, chosen, 80)
    again = A.evaluate_options(A.option_inputs(sample), sample, share_factor=0.8, selected=chosen)
    pd.testing.assert_frame_equal(options, again)
    scores, _, gh = _plan(sample)
    pd.testing.assert_frame_equal(redist, R.redistribution(sample, again, scores, gh))
    assert set(redist["role"]) == set(options.loc[options["in_plan"], "role"])


def test_sections_work_without_roles_and_drivers(tmp_path):
    c = _company(tmp_path, [task("T1", rep=5, rule=5, dig=5, vol=5)], [option("A1", "T1")])
    scores, options, gh = _plan(c)
    assert gh.empty
    redist = R.redistribution(c, options, scores, gh)
    cap = R.capacity_comparison(c, options, redist, gh)
    assert list(cap["role"]) == ["all roles"] and cap["gap_fte"].iloc[0] == 0
    assert "nothing to compare" in R.capacity_takeaway(cap, c)
    assert R.reskilling_pathways(c, redist, gh).empty or (R.reskilling_pathways(c, redist, gh)["levels"] == 0).all()


def test_automation_explorer_starts_from_the_plan_and_responds(sample):
    box = W.automation_explorer(sample, exclude="A05")
    _, share, _, grid, panel = box.children
    boxes = {b.description.split()[0]: b for b in grid.children}
    plan = A.automation_options(sample, exclude="A05")
    assert {k for k, b in boxes.items() if b.value} == set(plan.loc[plan["in_plan"], "option_id"])
    assert share.value == 100 and "%" in share.description
    before = panel.value
    boxes["A05"].value = True  # observers run synchronously: a failing recompute would raise here
    share.value = 60
    assert panel.value != before and "<img" in panel.value and "Where the hours go" in panel.value
