"""What to decide: the evidence rule, the table every notebook ends with, and the brief that gathers them.

The evidence rule. An action that singles out a team, a group, a trend or a model output is only
raised when a stated test, done on independent units (people, respondents), says the difference is
unlikely to be chance. Every comparison one report makes (all five notebooks, whichever of them
run) is one family, and Holm's procedure keeps the chance of even one false alarm in the whole
report at `smbkit.stats.ALPHA` (5%). Holm rather than Benjamini-Hochberg: an owner acts on each
flagged item, so a single false alarm sends someone to a team for nothing; with the few dozen
comparisons of a small company's report, Holm's loss of power is small. Below the bar the notebook
says that the data cannot yet tell, and roughly how much more data would.

A decision row says what to do and why, the evidence in plain words, and where a notebook can state
them, what it costs, what it should achieve (``value``: expected net money over the horizon) and
what could go wrong (``risk`` in words, ``risk_level`` low, medium or high). ``need`` names what the action serves (a role's staffing, a team, a tool), so
the same need is decided once across notebooks.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

import numpy as np
import pandas as pd

from .stats import ALPHA, data_multiplier, holm

__all__ = ["PRIORITIES", "RISK_LEVELS", "DECISION_COLUMNS", "COMPARISON_COLUMNS", "SHORTLIST", "BRIEF_SIZE", "BRIEF_PER_NOTEBOOK",
           "Decision", "decisions_table", "shortlist", "decisions_takeaway", "comparisons_table", "gate", "unclear",
           "unclear_takeaway", "decision_brief"]

PRIORITIES = ("high", "medium", "low")
RISK_LEVELS = ("low", "medium", "high")
# A notebook shows this many actions first; the rest stand in its full table.
SHORTLIST = 7
# The brief holds at most this many actions: enough for a month of work, few enough to read in a minute,
# and at most BRIEF_PER_NOTEBOOK from one notebook so that every part of the business is heard.
BRIEF_SIZE = 7
BRIEF_PER_NOTEBOOK = 2
# "How much more data would tell" is said as a multiple up to this; beyond it, the difference is too small to chase.
MAX_MULTIPLIER = 10
# Differences listed as "not yet clear": those pointing the way an action would with a one-sided p under this
# (a hint worth watching); weaker ones are no sign of a difference at all.
HINT_P = 0.2


@dataclass(frozen=True)
class Decision:
    """One recommended action (see the module's description of the columns)."""

    priority: str
    action: str
    why: str
    evidence: str = ""
    cost: str = ""
    effect: str = ""
    risk: str = ""
    risk_level: str = ""
    value: float = math.nan
    need: str = ""


DECISION_COLUMNS = tuple(f.name for f in fields(Decision))


def decisions_table(rows) -> pd.DataFrame:
    """A "What to decide" table, most important first.

    Order: priority (high, medium, low); within a priority, the actions worth most money first
    (``value``), then those that cannot be put in money, in the order given. Rows are `Decision`
    objects (or tuples of their fields in order).

    Examples
    --------
    >>> decisions_table([Decision("low", "Tidy up", "small"), Decision("high", "Hire", "big")])["action"].tolist()
    ['Hire', 'Tidy up']
    """
    records = [asdict(r) if isinstance(r, Decision) else asdict(Decision(*r)) for r in rows]
    out = pd.DataFrame(records, columns=list(DECISION_COLUMNS)).astype({"value": "float64"})
    unknown = set(out["priority"]) - set(PRIORITIES)
    if unknown:
        raise ValueError(f"priority must be one of {PRIORITIES}; got: {sorted(unknown)!r}")
    bad_risk = set(out["risk_level"]) - set(RISK_LEVELS) - {""}
    if bad_risk:
        raise ValueError(f"risk_level must be one of {RISK_LEVELS} (or blank); got: {sorted(bad_risk)!r}")
    rank = out["priority"].map({p: k for k, p in enumerate(PRIORITIES)}).to_numpy()
    value = -out["value"].fillna(-np.inf).to_numpy()  # larger values first, unknown values last
    order = np.lexsort((np.arange(len(out)), value, rank))
    return out.iloc[order].reset_index(drop=True)


def shortlist(decisions: pd.DataFrame, size: int = SHORTLIST) -> pd.DataFrame:
    """The first ``size`` actions of a `decisions_table` (what a notebook shows first)."""
    return decisions.head(size).reset_index(drop=True)


def decisions_takeaway(decisions: pd.DataFrame) -> str:
    """Sentence for a "What to decide" table."""
    if decisions.empty:
        return "Nothing in these numbers calls for action."
    high = decisions[decisions["priority"] == "high"]
    n = len(decisions)
    text = f"{n} {'action comes' if n == 1 else 'actions come'} out of these numbers, {len(high)} of them urgent."
    if n > SHORTLIST:
        text += f" The first {SHORTLIST} are listed here; the full list follows."
    if len(high):
        first = high.iloc[0]["action"]
        text += f" Start with: {first[:1].lower() + first[1:]}."
    return text


# ---------------------------------------------------------------------------------------------
# The evidence rule
# ---------------------------------------------------------------------------------------------

COMPARISON_COLUMNS = ("notebook", "family", "subject", "statement", "units", "n", "effect", "p_value", "sides")


def comparisons_table(rows) -> pd.DataFrame:
    """Comparisons as the domain modules state them, one row each, before the evidence rule.

    Each row: ``notebook`` ("01".."05"), ``family`` (what kind of comparison, e.g. "turnover"),
    ``subject`` (the team, question or measure), ``statement`` (what the data show, in plain words),
    ``units`` (the independent units counted: "people", "respondents", "person-years"), ``n`` (how
    many of them the subject has), ``effect`` (the size of the difference: a ratio or a difference),
    ``p_value`` and, optionally, ``sides``: 1 (the default) for a one-sided p-value in the direction
    of the claim the action would make ("this team is lower"), 2 for a two-sided one where the
    claim has no direction ("this input goes with leaving, one way or the other").
    """
    rows = [tuple(r) + (1,) * (len(COMPARISON_COLUMNS) - len(tuple(r))) for r in rows]
    out = pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))
    return out.astype({"n": "float64", "effect": "float64", "p_value": "float64", "sides": "int64"})


def gate(comparisons: pd.DataFrame, *, alpha: float = ALPHA) -> pd.DataFrame:
    """Apply the evidence rule to every comparison of one report at once.

    Adds ``p_adjusted`` (Holm over the whole family), ``clear`` (p_adjusted < alpha), ``evidence``
    (the statement and the verdict in plain words) and ``more_data`` (for a comparison that is not
    clear: roughly how many times as many units would make a difference this size clear, using the
    strictest step of Holm's procedure, alpha / number of comparisons).
    """
    out = comparisons.copy()
    out["p_adjusted"] = holm(out["p_value"].to_numpy(dtype=float)) if len(out) else np.empty(0)
    out["clear"] = out["p_adjusted"] < alpha
    family = max(1, int(out["p_value"].notna().sum()))
    needed = alpha / family
    more = []
    for r in out.itertuples():
        if r.clear or np.isnan(r.p_value):
            more.append("")
            continue
        # a two-sided p-value and level are the one-sided ones doubled: compare them on the one-sided scale
        m = data_multiplier(r.p_value / r.sides, needed / r.sides)
        if np.isnan(m):
            more.append("no sign of a difference in the data")
        elif m > MAX_MULTIPLIER:
            more.append(f"a difference this small would need more than {MAX_MULTIPLIER} times as many {r.units} to show")
        else:
            more.append(f"about {max(2, math.ceil(m))} times as many {r.units} would tell, if the difference held")
    out["more_data"] = more
    out["evidence"] = [f"{r.statement}; unlikely to be chance" if r.clear
                       else f"{r.statement}; the data cannot yet tell this from chance" for r in out.itertuples()]
    return out


def unclear(gated: pd.DataFrame, notebook: str | None = None) -> pd.DataFrame:
    """Comparisons that point the way an action would, but not clearly enough to act on: what the data cannot yet tell.

    Returns
    -------
    DataFrame
        Columns: ``subject``, ``what_the_data_show``, ``how_much_more_data``; for one notebook when given.
    """
    t = gated if notebook is None else gated[gated["notebook"] == notebook]
    t = t[~t["clear"] & t["p_value"].lt(HINT_P)]
    return pd.DataFrame({"subject": t["subject"], "what_the_data_show": t["statement"],
                         "how_much_more_data": t["more_data"]}).reset_index(drop=True)


def unclear_takeaway(table: pd.DataFrame) -> str:
    """Sentence for `unclear`."""
    if table.empty:
        return "Every difference the analysis tested is either clear or shows no sign of being real."
    n = len(table)
    return (f"{n} {'difference points' if n == 1 else 'differences point'} the way an action would, but the data cannot yet "
            "tell them from chance, so no action is raised for them. The table says how much more data would settle each.")


# ---------------------------------------------------------------------------------------------
# The brief
# ---------------------------------------------------------------------------------------------

BRIEF_COLUMNS = ["priority", "action", "evidence", "cost", "effect", "risk", "risk_level", "value", "why", "need", "notebook"]


def decision_brief(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The few actions that matter most, from every notebook's "What to decide" table.

    ``tables`` maps a notebook's name to its decisions. The same need raised by two notebooks is
    kept once (the first by rank). Ranking: priority; then the action's own risk, lowest first (among
    equally urgent actions the ones least likely to go wrong, such as putting a check on a tool,
    come before bets on an estimate); then expected value in money (largest first; actions that
    cannot be put in money after those that can); at most `BRIEF_PER_NOTEBOOK` per notebook,
    `BRIEF_SIZE` in all.

    Returns
    -------
    DataFrame
        Columns: ``priority``, ``action``, ``evidence``, ``cost``, ``effect``, ``risk``, ``value``, ``why``,
        ``need``, ``notebook``.
    """
    parts = [t.assign(notebook=name) for name, t in sorted(tables.items()) if len(t)]
    if not parts:
        return pd.DataFrame(columns=BRIEF_COLUMNS)
    rows = pd.concat(parts, ignore_index=True)
    for c in BRIEF_COLUMNS:
        if c not in rows:
            rows[c] = ""
    rows = rows[rows["priority"].isin(("high", "medium"))].copy()
    rows["value"] = pd.to_numeric(rows["value"], errors="coerce")
    rank = rows["priority"].map({p: k for k, p in enumerate(PRIORITIES)})
    risk = rows["risk_level"].map({r: k for k, r in enumerate(RISK_LEVELS)}).fillna(len(RISK_LEVELS))
    rows = rows.assign(_rank=rank, _value=-rows["value"].fillna(-np.inf), _risk=risk, _order=range(len(rows)))
    rows = rows.sort_values(["_rank", "_risk", "_value", "_order"], kind="stable")
    need = rows["need"].fillna("").astype(str)
    rows = rows[(need == "") | ~need.duplicated()]
    rows = rows.groupby("notebook", sort=False).head(BRIEF_PER_NOTEBOOK).head(BRIEF_SIZE)
    return rows[BRIEF_COLUMNS].reset_index(drop=True)
