"""What to decide: the table every notebook ends with, its sentence, and the brief that gathers them.

A decision row says what to do and why, and where a notebook can state them, what it costs, what it
should achieve and what could go wrong, in plain words.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["PRIORITIES", "DECISION_COLUMNS", "BRIEF_SIZE", "decisions_table", "decisions_takeaway", "decision_brief"]

PRIORITIES = ("high", "medium", "low")
DECISION_COLUMNS = ("priority", "action", "why", "cost", "effect", "risk")
# The brief holds at most this many actions: enough for a month of work, few enough to read in a minute.
BRIEF_SIZE = 7
BRIEF_COLUMNS = ["priority", "action", "cost", "effect", "risk", "why", "notebook"]


def decisions_table(rows) -> pd.DataFrame:
    """A "What to decide" table: high first, order kept within a priority.

    Each row is (priority, action, why) or (priority, action, why, cost, effect, risk); the last three,
    in plain words, feed the decision brief and are left blank where a notebook cannot put a number on them.

    Examples
    --------
    >>> decisions_table([("low", "Tidy up", "small"), ("high", "Hire", "big")])["action"].tolist()
    ['Hire', 'Tidy up']
    """
    rows = [tuple(r) + ("",) * (len(DECISION_COLUMNS) - len(r)) for r in rows]
    out = pd.DataFrame(rows, columns=list(DECISION_COLUMNS))
    unknown = set(out["priority"]) - set(PRIORITIES)
    if unknown:
        raise ValueError(f"priority must be one of {PRIORITIES}; got: {sorted(unknown)!r}")
    rank = out["priority"].map({p: k for k, p in enumerate(PRIORITIES)})
    return out.iloc[np.argsort(rank.to_numpy(), kind="stable")].reset_index(drop=True)


def decisions_takeaway(decisions: pd.DataFrame) -> str:
    """Sentence for a "What to decide" table (columns priority, action, why)."""
    if decisions.empty:
        return "Nothing in these numbers calls for action."
    high = decisions[decisions["priority"] == "high"]
    text = f"{len(decisions)} actions come out of these numbers, {len(high)} of them urgent."
    if len(high):
        first = high.iloc[0]["action"]
        text += f" Start with: {first[:1].lower() + first[1:]}."
    return text


def decision_brief(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The few actions that matter most, from every notebook's "What to decide" table.

    ``tables`` maps a notebook's name to its decisions (as `decisions_table` returns them, or as read
    back from its CSV). Rule: the first high-priority action of each notebook (so every part of the
    business is heard), then the other high-priority actions in notebook order, then medium ones,
    up to `BRIEF_SIZE`.

    Returns
    -------
    DataFrame
        Columns: ``priority``, ``action``, ``cost``, ``effect``, ``risk``, ``why``, ``notebook``.
    """
    parts = [t.assign(notebook=name) for name, t in sorted(tables.items())]
    if not parts:
        return pd.DataFrame(columns=BRIEF_COLUMNS)
    allrows = pd.concat(parts, ignore_index=True)
    for c in BRIEF_COLUMNS:
        if c not in allrows:
            allrows[c] = ""
    high = allrows[allrows["priority"] == "high"]
    first = high.groupby("notebook", sort=True).head(1)
    rest = high.drop(first.index)
    medium = allrows[allrows["priority"] == "medium"]
    picked = pd.concat([first, rest, medium]).head(BRIEF_SIZE)
    return picked[BRIEF_COLUMNS].reset_index(drop=True)
