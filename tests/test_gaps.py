"""Notebook 03: supply projection, gaps, the recommended plan and learning evaluation, by hand."""

import math

import pandas as pd
import pytest
from conftest import person, write_company

import smbkit
from smbkit import gaps as g
from smbkit import learning as ln

AS_OF = "2025-12-31"


def _company(tmp_path, emp, *, roles, scenarios=None, drivers=None, **more):
    drivers = drivers or [{"driver": "orders", "current_value": 1000, "unit": "orders"}]
    scenarios = scenarios or [{"scenario": "flat", "driver": "orders", "change_pct": 0, "probability": 1}]
    return smbkit.load_company(write_company(tmp_path / "c", employees=emp, roles=roles, drivers=drivers, scenarios=scenarios,
                                             settings={"as_of": AS_OF}, **more))


def test_exit_rate_by_hand_with_shrinkage(tmp_path):
    # role A: 4 people over the full 3 years, 1 of whom left half-way -> 1 exit in 3 + 3 + 3 + 1.5 years
    emp = [person(f"A{i}", role="A", hire="2010-01-01") for i in range(3)]
    emp.append(person("A3", role="A", hire="2010-01-01", exit_date="2024-07-01", reason="voluntary"))
    emp += [person("B0", role="B", hire="2010-01-01")]  # role B: no exits, 3 person-years
    c = _company(tmp_path, emp, roles=[{"role": "A", "driver": "", "units_per_fte": "", "fixed_fte": 3},
                                       {"role": "B", "driver": "", "units_per_fte": "", "fixed_fte": 1}])
    r = g.exit_rates(c).set_index("role")
    start = pd.Timestamp(AS_OF) - pd.DateOffset(days=round(3 * 365.25))
    py_a = 3 * (pd.Timestamp(AS_OF) - start).days / 365.25 + (pd.Timestamp("2024-07-01") - start).days / 365.25
    py_b = (pd.Timestamp(AS_OF) - start).days / 365.25
    company_rate = 1 / (py_a + py_b)
    assert r.loc["A", "person_years"] == pytest.approx(py_a)
    assert r.loc["A", "rate"] == pytest.approx((1 + 2 * company_rate) / (py_a + 2))
    assert r.loc["B", "rate"] == pytest.approx((0 + 2 * company_rate) / (py_b + 2))
    assert r.loc["B", "leave_prob_year"] == pytest.approx(1 - math.exp(-r.loc["B", "rate"]))


def test_markov_projection_by_hand(tmp_path):
    emp = [person(f"A{i}", role="A", hire="2015-01-01") for i in range(4)]
    emp.append(person("A4", role="A", hire="2015-01-01", exit_date="2025-01-01", reason="voluntary"))
    emp.append(person("C", role="A", etype="contractor", hire="2024-01-01"))  # contractors are assumed to stay
    emp.append(person("N", role="A", hire="2026-07-01"))  # planned entrant, 5 months before the horizon ends
    c = _company(tmp_path, emp, roles=[{"role": "A", "driver": "", "units_per_fte": "", "fixed_fte": 6}])
    rate = g.exit_rates(c).set_index("role").loc["A", "rate"]
    q = 1 - math.exp(-rate / 12)
    # n(t+1) = n(t)(1 - q): 4 employees for 12 months, the entrant for 5 months, the contractor stays
    expected = 4 * (1 - q) ** 12 + 1.0 + 1 * (1 - q) ** 5
    sp = g.supply_projection(c).set_index("role")
    assert sp.loc["A", "current_fte"] == 5
    assert sp.loc["A", "entrants_fte"] == 1
    assert sp.loc["A", "expected_fte"] == pytest.approx(expected)
    assert sp.loc["A", "low_fte"] <= expected <= sp.loc["A", "high_fte"]


def test_gap_and_priority_arithmetic(tmp_path):
    emp = [person(f"S{i}", role="Seller") for i in range(3)]
    skills = [{"employee_id": "S0", "skill": "till", "proficiency": 3}, {"employee_id": "S1", "skill": "till", "proficiency": 2}]
    c = _company(tmp_path, emp, roles=[{"role": "Seller", "driver": "orders", "units_per_fte": 250, "fixed_fte": ""}],
                 scenarios=[{"scenario": "up", "driver": "orders", "change_pct": 20, "probability": 0.5},
                            {"scenario": "down", "driver": "orders", "change_pct": -50, "probability": 0.5}],
                 skills=skills, role_skills=[{"role": "Seller", "skill": "till", "required_proficiency": 3, "importance": 3}])
    sg = g.skill_gaps(c, scenario="up").iloc[0]
    # up: 1200 / 250 = 4.8 -> 5 people need till at 3; 1 has it -> gap 4; down: 500 / 250 = 2 -> still short -> urgency 2
    assert (sg["needed"], sg["have"], sg["gap"], sg["urgency"]) == (5, 1, 4, 2)
    assert sg["priority"] == 3 * 4 * 2
    hg = g.headcount_gaps(c).set_index(["scenario", "role"])
    supply = g.supply_projection(c).set_index("role").loc["Seller", "expected_fte"]
    assert hg.loc[("up", "Seller"), "gap_fte"] == pytest.approx(5 - supply)
    pool = g.talent_pool(c, g.skill_gaps(c, scenario="up"))
    assert pool["person"].tolist() == ["S1"]  # one level below


def test_plan_hires_shared_need_and_contracts_the_rest(tmp_path):
    emp = [person(f"S{i}", role="Seller", cost=40000) for i in range(2)]
    c = _company(tmp_path, emp, roles=[{"role": "Seller", "driver": "orders", "units_per_fte": 250, "fixed_fte": ""}],
                 scenarios=[{"scenario": "up", "driver": "orders", "change_pct": 50, "probability": 0.5},
                            {"scenario": "flat", "driver": "orders", "change_pct": 0, "probability": 0.5}])
    plan = g.recommended_plan(c, scenario="up").set_index("action")
    gaps = g.headcount_gaps(c).set_index(["scenario", "role"])["gap_fte"]
    shared, up = gaps[("flat", "Seller")], gaps[("up", "Seller")]
    assert plan.loc["buy", "fte"] == pytest.approx(shared)
    assert plan.loc["borrow", "fte"] == pytest.approx(up - shared)
    # buy: C x (12 - 2) / 12 + 20% x C per FTE; borrow: 1.35 x C x (12 - 0.5) / 12 per FTE
    assert plan.loc["buy", "cost"] == pytest.approx(shared * (40000 * 10 / 12 + 0.2 * 40000))
    assert plan.loc["borrow", "cost"] == pytest.approx((up - shared) * 1.35 * 40000 * 11.5 / 12)


def test_plan_never_leaves_an_uncovered_critical_skill_to_contractors(tmp_path):
    emp = [person(f"S{i}", role="Seller", cost=40000) for i in range(2)]
    c = _company(tmp_path, emp, roles=[{"role": "Seller", "driver": "orders", "units_per_fte": 250, "fixed_fte": ""}],
                 scenarios=[{"scenario": "up", "driver": "orders", "change_pct": 50, "probability": 0.5},
                            {"scenario": "flat", "driver": "orders", "change_pct": 0, "probability": 0.5}],
                 skills=[{"employee_id": "S0", "skill": "till", "proficiency": 1}],
                 role_skills=[{"role": "Seller", "skill": "till", "required_proficiency": 3, "importance": 3}])
    plan = g.recommended_plan(c, scenario="up")
    assert "borrow" not in set(plan["action"])
    assert plan[(plan["action"] == "buy") & (plan["skill"] == "")]["why"].str.contains("critical skill").any()


def test_plan_trains_nearest_people_when_cheaper_than_hiring(tmp_path):
    emp = [person(f"S{i}", role="Seller", cost=40000) for i in range(3)]
    skills = [{"employee_id": "S0", "skill": "till", "proficiency": 2}, {"employee_id": "S1", "skill": "till", "proficiency": 1}]
    c = _company(tmp_path, emp, roles=[{"role": "Seller", "driver": "", "units_per_fte": "", "fixed_fte": 3}],
                 skills=skills, role_skills=[{"role": "Seller", "skill": "till", "required_proficiency": 2, "importance": 2}])
    plan = g.recommended_plan(c)
    build = plan[plan["action"] == "build"].iloc[0]
    # S1 needs 1 level and S2 (no till) 2 levels: 3 levels at the default 1,000 + 20 h of their time each
    hourly = 40000 / (40 * 47)
    assert build["fte"] == 2 and build["months"] == 6
    assert build["cost"] == pytest.approx(3 * (1000 + 20 * hourly))
    assert g.trainees(c, "Seller", "till", 2) == [("S1", 1), ("S2", 0)]
    lp = ln.learning_plan(c)
    assert lp[["person", "from_level", "to_level"]].values.tolist() == [["S1", 1, 2], ["S2", 0, 2]]
    with pytest.raises(ValueError, match="prefer must be"):
        g.recommended_plan(c, prefer="cheap")


def test_sample_plan_closes_every_shortfall_of_half_an_fte(sample):
    plan = g.recommended_plan(sample)
    gaps = g.headcount_gaps(sample)
    gaps = gaps[(gaps["scenario"] == "moderate") & (gaps["gap_fte"] >= g.MIN_ACTION_FTE)]
    covered = plan[plan["skill"] == ""].groupby("role")["fte"].sum()
    for r in gaps.itertuples():
        assert covered[r.role] == pytest.approx(r.gap_fte), r.role
    assert set(plan["action"]) <= {"buy", "borrow", "bot", "build"}


def test_bot_option_follows_the_automation_plan_and_its_guardrails(tmp_path):
    # one Clerk (56,400 a year: 30 an hour at 40 h x 47 weeks); a guarded task: the tool may take at most 80%
    from smbkit.automation import MAX_GUARDED_SHARE, REVIEW_SHARE

    task = {"task_id": "T1", "role": "Clerk", "task": "t", "function": "finance", "hours_per_week": 20, "repetitive": 5,
            "rule_based": 5, "digital_input": 5, "volume_stability": 5, "judgment": 1, "empathy": 1, "compliance_risk": 5}
    opts = [{"option_id": "A1", "task_id": "T1", "tool_category": "x", "example_tool": "", "automatable_share": 1.0, "one_time_cost": 100,
             "annual_cost": 1200, "oversight_hours_per_week": 0.0, "months_to_implement": 3},
            {"option_id": "A2", "task_id": "T1", "tool_category": "y", "example_tool": "", "automatable_share": 0.1, "one_time_cost": 100,
             "annual_cost": 1200, "oversight_hours_per_week": 0.0, "months_to_implement": 1}]
    c = _company(tmp_path, [person("E1", role="Clerk", cost=56400)], roles=[{"role": "Clerk", "driver": "", "units_per_fte": "", "fixed_fte": 2}],
                 tasks=[task], automation_options=opts)
    bot = g._automation_fte(c).set_index("role").loc["Clerk"]
    automated = 20 * MAX_GUARDED_SHARE
    assert bot["bot_fte"] == pytest.approx((automated - REVIEW_SHARE * automated) / 40)  # A2 is not in the plan: A1 returns more
    assert bot["bot_cost"] == pytest.approx(100 + 1200 * (12 - 3) / 12) and bot["tasks"] == "T1" and bot["months"] == 3
    row = g.closure_options(c).query("option == 'bot'").iloc[0]
    assert row["months"] == 3 and row["cost"] == pytest.approx(bot["bot_cost"])
