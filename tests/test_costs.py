"""Money rules: role costs, hires, contractors, training, tools over time, NPV and payback, by hand."""

import numpy as np
import pandas as pd
import pytest
from conftest import person, write_company

import smbkit
from smbkit import costs as C


def test_npv_matches_the_annuity_formula():
    one_time, net, m, n, r = 5000.0, 12000.0, 2, 36, 0.08
    i = (1 + r) ** (1 / 12) - 1
    v = 1 / (1 + i)
    annuity = v ** (m + 1) * (1 - v ** (n - m)) / (1 - v)  # sum of v^t for t = m+1 .. n
    assert float(C.npv(one_time, net, m, n, r)) == pytest.approx(-one_time + net / 12 * annuity)
    assert float(C.npv(one_time, net, 0, 12, 0.0)) == pytest.approx(12000 - 5000)


def test_payback_by_hand_and_never_when_it_loses_money():
    assert float(C.payback_months(3000, 6000, 3)) == pytest.approx(3 + 3000 / 500)
    assert np.isnan(C.payback_months(3000, -10, 3))
    assert np.isnan(C.payback_months(3000, 0, 3))


def test_role_costs_are_medians_per_fte_of_todays_employees(tmp_path):
    emp = [person("A", role="Cook", cost=40000), person("B", role="Cook", cost=30000, fte=0.5),  # 60,000 per FTE
           person("C", role="Cook", cost=50000), person("D", role="Clerk", cost=36000),
           person("K", role="Clerk", etype="contractor", cost=90000),  # contractors are not employees
           person("L", role="Clerk", cost=99000, exit_date="2025-01-31", reason="voluntary")]  # gone by as_of
    c = smbkit.load_company(write_company(tmp_path / "c", employees=emp))
    yearly = C.role_costs(c)
    assert yearly.of("Cook") == pytest.approx(50000)  # median of 40,000, 60,000 and 50,000
    assert yearly.of("Clerk") == pytest.approx(36000)
    assert yearly.of("Baker") == yearly.fallback == pytest.approx((50000 + 36000) / 2)  # median over roles
    hourly = C.role_costs(c, hourly=True)
    assert hourly.of("Cook") == pytest.approx(50000 / (40 * 47))
    assert C.hours_per_fte_year(c.settings) == 40 * 47


def test_hire_contract_and_tool_costs_by_hand():
    # a hire starts after MONTHS_TO_HIRE (2) and costs a 20% fee: 12 months -> 10/12 of pay + 20%
    assert C.hire_cost(48000, 12) == pytest.approx(48000 * 10 / 12 + 0.2 * 48000)
    assert C.hire_cost(48000, 1) == pytest.approx(0.2 * 48000)  # starts after the horizon: only the fee
    assert C.contract_cost(48000, 6) == pytest.approx(1.35 * 48000 * 5.5 / 12)
    tools = pd.DataFrame({"one_time_cost": [1000.0, 500.0], "annual_cost": [1200.0, 600.0], "months_to_implement": [3.0, 14.0]})
    assert C.cost_over(tools, 12).tolist() == pytest.approx([1000 + 1200 * 9 / 12, 500.0])  # the second is never in use


def test_training_cost_from_history_or_the_stated_default(tmp_path):
    emp = [person("A"), person("B")]
    blank = {"reaction": "", "pre_score": "", "post_score": "", "behavior": ""}
    learning = [{"employee_id": "A", "program": "P", "skill": "excel", "start_date": "2025-01-01", "cost": 300, "hours": 10} | blank,
                {"employee_id": "B", "program": "P", "skill": "excel", "start_date": "2025-02-01", "cost": 500, "hours": 30} | blank]
    c = smbkit.load_company(write_company(tmp_path / "c", employees=emp, learning=learning))
    got = C.build_cost(c, "excel", 25.0)
    assert (got.per_level, got.hours) == (pytest.approx(400 + 20 * 25.0), pytest.approx(20.0))
    assert "2 past trainings" in got.source
    default = C.build_cost(c, "welding", 25.0)
    assert default.per_level == pytest.approx(C.BUILD_DEFAULT_COST + C.BUILD_DEFAULT_HOURS * 25.0) and "default" in default.source
