"""The evidence behind a report: every comparison all five notebooks make, gated together.

Each notebook module states its comparisons (`smbkit.decisions.comparisons_table`); this module
gathers them for the whole report and applies the one evidence rule (`smbkit.decisions.gate`), so
that the chance of a false alarm is controlled across everything one report could say, whichever
notebooks run. The result is computed once per company (and carried by `smbkit run`'s run cache).
"""

from __future__ import annotations

import pandas as pd

from .belonging import driver_comparisons, reliability_comparisons, team_comparisons, trend_comparisons
from .data import Company
from .decisions import comparisons_table, gate
from .retention import retention_comparisons
from .signals import absence_comparisons, turnover_comparisons

__all__ = ["report_evidence", "notebook_evidence"]


# Every kind of comparison the report makes, in notebook order.
SOURCES = (turnover_comparisons, absence_comparisons, team_comparisons, driver_comparisons, trend_comparisons,
           reliability_comparisons, retention_comparisons)


def _gather(company: Company) -> pd.DataFrame:
    parts = [p for p in (source(company) for source in SOURCES) if len(p)]
    return gate(pd.concat(parts, ignore_index=True) if parts else comparisons_table([]))


def report_evidence(company: Company) -> pd.DataFrame:
    """Every comparison of the report with its verdict (`smbkit.decisions.gate`), computed once per company.

    Returns
    -------
    DataFrame
        The comparisons (notebook, family, subject, statement, units, n, effect, p_value) with
        ``p_adjusted``, ``clear``, ``evidence`` and ``more_data``.
    """
    return company.remember("evidence", lambda: _gather(company))


def notebook_evidence(company: Company, notebook: str) -> pd.DataFrame:
    """The comparisons of one notebook ("01".."05"), gated with the whole report's."""
    ev = report_evidence(company)
    return ev[ev["notebook"] == notebook].reset_index(drop=True)
