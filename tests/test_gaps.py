"""Notebook 03: supply projection, gaps, the recommended plan and learning evaluation, by hand."""

import math

import pandas as pd
import pytest
from conftest import person, plan_company

from smbkit import gaps as g

AS_OF = "2025-12-31"


_company = plan_company


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
    assert hg.loc[("up", "Seller"), "gap_fte"] == pytest.approx(4.8 - supply)  # FTE as needed, not rounded up to people
    pool = g.talent_pool(c, g.skill_gaps(c, scenario="up"))
    assert pool["person"].tolist() == ["S1"]  # one level below
