"""Who is employed on a date, and as what."""

import pandas as pd
import pytest

from smbkit import people as p


def test_current_employees_excludes_leavers_and_future_starters(tiny):
    assert sorted(p.current_employees(tiny)["employee_id"]) == ["B", "K1", "K2", "P1", "P2"]


def test_current_employees_counts_exit_day_as_gone(tiny):
    assert "P3" in set(p.current_employees(tiny, on="2025-06-29")["employee_id"])
    assert "P3" not in set(p.current_employees(tiny, on="2025-06-30")["employee_id"])


def test_employees_are_full_and_part_time_staff(tiny):
    e = tiny.employees.set_index("employee_id")
    assert p.is_employee(e).to_dict() == {"B": True, "P1": True, "P2": True, "P3": True, "K1": True, "K2": False, "F1": True}
    assert sorted(p.current_employees(tiny, employees=True)["employee_id"]) == ["B", "K1", "P1", "P2"]
    assert list(p.employees_only(tiny.employees)["employee_id"]) == ["B", "P1", "P2", "P3", "K1", "F1"]


def test_years_count_whole_days():
    start = pd.Series(pd.to_datetime(["2024-01-01", "2020-03-01"]))
    assert p.years_between(start, pd.Timestamp("2025-01-01")).tolist() == pytest.approx([366 / 365.25, 1767 / 365.25])
    assert p.years_before("2025-12-31", 3) == pd.Timestamp("2025-12-31") - pd.Timedelta(days=1096)
