"""Who is employed, on which date, and as what: the rules every analysis of people shares.

A person counts from ``hire_date`` up to the day before ``exit_date``. Employees are full- and
part-time staff; contractors and freelancers are people who work for the company without being
its employees (their engagements ending are not separations in the SHRM/BLS sense).
"""

from __future__ import annotations

import pandas as pd

from .data import Company

__all__ = ["EMPLOYEE_TYPES", "DAYS_PER_YEAR", "is_employee", "employees_only", "current_employees", "years_between",
           "years_before"]

# Turnover is measured on employees; contractors and freelancers ending an engagement are not
# separations in the SHRM/BLS sense.
EMPLOYEE_TYPES = ("full_time", "part_time")
# The mean length of a year in the Gregorian calendar, for turning days into years.
DAYS_PER_YEAR = 365.25


def is_employee(people: pd.DataFrame) -> pd.Series:
    """True for the rows of employees.csv that are employees (full or part time), not contractors or freelancers."""
    return people["employment_type"].isin(EMPLOYEE_TYPES)


def employees_only(people: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``people`` that are employees (see `is_employee`)."""
    return people[is_employee(people)]


def current_employees(company: Company, on=None, *, employees: bool = False) -> pd.DataFrame:
    """People on the books on a date (default: the analysis date ``as_of``).

    A person counts from ``hire_date`` up to the day before ``exit_date``: the exit date is the
    day they are no longer on the books at the end of the day. With ``employees=True`` only
    employees are kept (no contractors or freelancers).

    Examples
    --------
    >>> from smbkit.data import load_company, sample_dir
    >>> company = load_company(sample_dir())
    >>> len(current_employees(company)) >= len(current_employees(company, employees=True))
    True
    """
    on = company.settings.as_of if on is None else pd.Timestamp(on)
    e = company.employees
    mask = (e["hire_date"] <= on) & (e["exit_date"].isna() | (e["exit_date"] > on))
    if employees:
        mask &= is_employee(e)
    return e[mask]


def years_between(start, end):
    """Whole days from ``start`` to ``end`` in years (`DAYS_PER_YEAR`); works on Series of dates."""
    return (end - start).dt.days / DAYS_PER_YEAR


def years_before(date, years: float) -> pd.Timestamp:
    """The date ``years`` years before ``date``, counted in whole days (`DAYS_PER_YEAR`)."""
    return pd.Timestamp(date) - pd.DateOffset(days=int(round(years * DAYS_PER_YEAR)))
