"""What people, hires, contractors, training and tools cost: the money rules every notebook shares.

All costs are fully loaded (pay plus employer costs), as employees.csv's ``annual_cost``. Hours
of one FTE in a year are ``hours_per_fte_week x weeks_per_year`` from company.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .data import Company, Settings
from .people import current_employees

__all__ = [
    "RECRUITING_COST_SHARE",
    "MONTHS_TO_HIRE",
    "CONTRACTOR_PREMIUM",
    "MONTHS_TO_CONTRACT",
    "BUILD_DEFAULT_COST",
    "BUILD_DEFAULT_HOURS",
    "BUILD_MONTHS",
    "NPV_YEARS",
    "RAMP_UP_MONTHS",
    "RAMP_UP_PRODUCTIVITY",
    "RoleCosts",
    "BuildCost",
    "hours_per_fte_year",
    "role_costs",
    "person_hourly_cost",
    "hire_cost",
    "replacement_cost",
    "contract_cost",
    "build_cost",
    "cost_over",
    "npv",
    "payback_months",
]

# Editable hiring assumptions. Recruiting cost: contingency agency fees commonly run 15-25% of
# first-year pay; 20% is the middle of that range. Time to hire: SHRM's Human Capital Benchmarking
# Report (2016) puts the average time to fill at 42 days; with a notice period, two months is a
# fair planning figure.
RECRUITING_COST_SHARE = 0.20
MONTHS_TO_HIRE = 2.0
# Contractors and agency staff cost more per hour than employees; 1.35x is a common planning
# premium (the sample's own contractors run 1.35x an employee's loaded cost). Editable.
CONTRACTOR_PREMIUM = 1.35
MONTHS_TO_CONTRACT = 0.5
# Without learning.csv history for a skill: one level of a skill takes about 20 hours of
# training costing 1,000 in the company currency and three months to show at work. Editable.
BUILD_DEFAULT_COST = 1000.0
BUILD_DEFAULT_HOURS = 20.0
BUILD_MONTHS = 3.0
# A newcomer reaches full speed after about RAMP_UP_MONTHS, working at RAMP_UP_PRODUCTIVITY of it on
# average until then (a planning figure: the Center for American Progress puts the whole cost of
# replacing someone in a job paying under USD 75,000 at a median of about a fifth of a year's pay,
# Boushey & Glynn, "There Are Significant Business Costs to Replacing Employees", 2012). Editable.
RAMP_UP_MONTHS = 2.0
RAMP_UP_PRODUCTIVITY = 0.5
# Tools and pathways are judged over three years as well as over the planning horizon: most
# small-business software is bought on one- to three-year terms.
NPV_YEARS = 3


@dataclass(frozen=True)
class RoleCosts:
    """Loaded cost of one FTE per role (a year, or an hour), with the company median for roles nobody holds."""

    per_role: pd.Series
    fallback: float

    def of(self, role) -> float:
        """The cost of one FTE of ``role`` (the company median when nobody holds the role today)."""
        return float(self.per_role.get(role, self.fallback))

    def map(self, roles: pd.Series) -> pd.Series:
        """`of` for every role of a Series."""
        return roles.map(self.per_role).fillna(self.fallback).astype(float)


@dataclass(frozen=True)
class BuildCost:
    """Training one person one level in a skill: cost (course plus time away from work), hours, and where the figures come from."""

    per_level: float
    hours: float
    source: str


def hours_per_fte_year(settings: Settings) -> float:
    """Working hours of one FTE in a year: hours_per_fte_week x weeks_per_year."""
    return settings.hours_per_fte_week * settings.weeks_per_year


def role_costs(company: Company, *, hourly: bool = False) -> RoleCosts:
    """Loaded cost of one FTE per role: the median over today's employees in the role (annual_cost / fte).

    With ``hourly`` the yearly cost is divided by `hours_per_fte_year`. Roles nobody holds today
    take the median over roles (``fallback``).

    Examples
    --------
    >>> from smbkit.data import load_company, sample_dir
    >>> costs = role_costs(load_company(sample_dir()))
    >>> costs.of("a role nobody holds") == costs.fallback
    True
    """
    emp = current_employees(company, employees=True)
    per_fte = emp["annual_cost"] / emp["fte"]
    cost = per_fte.groupby(emp["role"]).median().fillna(float(per_fte.median()))
    if hourly:
        cost = cost / hours_per_fte_year(company.settings)
    return RoleCosts(cost, float(cost.median()) if len(cost) else 0.0)


def person_hourly_cost(people: pd.DataFrame, settings: Settings) -> pd.Series:
    """Each person's loaded cost of an hour: annual_cost / (fte x `hours_per_fte_year`)."""
    return people["annual_cost"] / (people["fte"] * hours_per_fte_year(settings))


def hire_cost(yearly_cost: float, months: float) -> float:
    """Cost of hiring one FTE for a horizon of ``months``: pay from the start date plus the recruiting fee.

    hire_cost = C x (months - MONTHS_TO_HIRE) / 12 + RECRUITING_COST_SHARE x C, C the yearly loaded cost.

    Examples
    --------
    >>> hire_cost(60000, 12)
    62000.0
    """
    return yearly_cost * max(0.0, months - MONTHS_TO_HIRE) / 12 + RECRUITING_COST_SHARE * yearly_cost


def replacement_cost(yearly_cost: float) -> float:
    """What replacing one leaver costs beyond the pay already in the budget.

    replacement = RECRUITING_COST_SHARE x C (the fee) + (CONTRACTOR_PREMIUM - 1) x C x MONTHS_TO_HIRE / 12
    (cover while the post is empty: the premium over the pay not paid) + (1 - RAMP_UP_PRODUCTIVITY) x C x
    RAMP_UP_MONTHS / 12 (output lost while the newcomer learns). The leaver's pay is not counted: the
    newcomer is paid from the same budget.

    Examples
    --------
    >>> round(replacement_cost(60000))  # 12,000 fee + 3,500 cover + 5,000 learning
    20500
    """
    return yearly_cost * (RECRUITING_COST_SHARE + (CONTRACTOR_PREMIUM - 1) * MONTHS_TO_HIRE / 12
                          + (1 - RAMP_UP_PRODUCTIVITY) * RAMP_UP_MONTHS / 12)


def contract_cost(yearly_cost: float, months: float) -> float:
    """Cost of one FTE of contractors for a horizon of ``months``, from the day they can start.

    contract_cost = CONTRACTOR_PREMIUM x C x (months - MONTHS_TO_CONTRACT) / 12.

    Examples
    --------
    >>> contract_cost(40000, 12)
    51750.0
    """
    return CONTRACTOR_PREMIUM * yearly_cost * (months - MONTHS_TO_CONTRACT) / 12


def build_cost(company: Company, skill: str, hourly: float) -> BuildCost:
    """Training cost per level per person: the mean course cost and hours of past trainings in the skill
    (learning.csv) plus the hours at the trainee's ``hourly`` cost; else the stated defaults."""
    ln = company.learning
    if ln is not None:
        rows = ln[ln["skill"] == skill]
        if len(rows):
            hours = float(rows["hours"].mean())
            return BuildCost(float(rows["cost"].mean()) + hours * hourly, hours, f"average of {len(rows)} past trainings in learning.csv")
    return BuildCost(BUILD_DEFAULT_COST + BUILD_DEFAULT_HOURS * hourly, BUILD_DEFAULT_HOURS,
                     "stated default (no learning history for this skill)")


def cost_over(options: pd.DataFrame, months: float) -> pd.Series:
    """What each tool option costs over ``months`` from the decision: set-up, plus the yearly cost for the
    months it is in use (from go-live, after months_to_implement)."""
    return options["one_time_cost"] + options["annual_cost"] * (months - options["months_to_implement"]).clip(lower=0) / 12


def npv(one_time, net_year, months_to_implement, months, rate):
    """Net present value of an investment over ``months``.

    Cash flows: -one_time now; from the month after go-live (month t > months_to_implement) to
    ``months``, net_year / 12 a month, discounted monthly at (1 + rate) ^ (t / 12) (the annual
    rate compounded monthly). Works on scalars or numpy arrays.

    Examples
    --------
    >>> round(float(npv(1200, 1200, 0, 12, 0.0)), 6)
    0.0
    """
    t = np.arange(1, int(months) + 1)
    m = np.asarray(months_to_implement, dtype=float)[..., None]
    factors = ((t > m) / (1 + rate) ** (t / 12)).sum(axis=-1)
    return -np.asarray(one_time, dtype=float) + np.asarray(net_year, dtype=float) / 12 * factors


def payback_months(one_time, net_year, months_to_implement):
    """Months from the decision until the savings have repaid the set-up cost (undiscounted).

    payback = months_to_implement + one_time / (net_year / 12); missing (never) when net_year <= 0.

    Examples
    --------
    >>> float(payback_months(1200, 2400, 2))
    8.0
    """
    net = np.asarray(net_year, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.asarray(months_to_implement, dtype=float) + np.asarray(one_time, dtype=float) / (net / 12)
    return np.where(net > 0, out, np.nan)
