"""Privacy in one place: minimum group size, complementary suppression and pseudonymous labels.

Every smbkit function that groups people for display (survey results, demographics) passes its
table through `suppress`, so a rule changed here changes everywhere.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["MIN_GROUP_FLOOR", "HIDDEN_LABEL", "suppress", "person_labels", "check_min_group_size"]

# Survey products hide groups under 5 by default and never allow fewer than 3 (Culture Amp, Peakon,
# Qualtrics EX); smbkit follows the same floor.
MIN_GROUP_FLOOR = 3
HIDDEN_LABEL = "hidden"


def check_min_group_size(min_size) -> int:
    """Return ``min_size`` as an int, refusing values below the floor of 3."""
    if isinstance(min_size, bool) or not isinstance(min_size, int) or min_size < MIN_GROUP_FLOOR:
        raise ValueError(
            f"min_group_size must be a whole number of at least {MIN_GROUP_FLOOR}; got: {min_size!r}"
        )
    return min_size


def suppress(table: pd.DataFrame, *, count: str, by: list[str], min_size: int, within: list[str] | None = None) -> pd.DataFrame:
    """Hide every row of a breakdown that describes fewer than ``min_size`` people.

    A row is hidden when its ``count`` is below ``min_size`` (primary suppression). Because the
    total of a breakdown is usually known, one hidden row could be worked out by subtraction; so
    while the hidden rows of a breakdown describe fewer than ``min_size`` people together, the
    smallest visible row is hidden too (complementary suppression). Rows sharing the values of
    ``within`` (for example one survey wave) form one breakdown.

    Parameters
    ----------
    table : DataFrame
        One row per group, with a column of head counts.
    count : str
        Name of the column holding the number of people in each group.
    by : list of str
        Columns that name the group (kept visible). Every other column is hidden on hidden rows.
    min_size : int
        The company's ``min_group_size`` (at least 3).
    within : list of str, optional
        Columns that split the table into separate breakdowns.

    Returns
    -------
    DataFrame
        A copy with every column other than ``by`` and ``within`` set to missing on hidden rows,
        and a boolean column ``hidden``.

    Examples
    --------
    >>> t = pd.DataFrame({"team": ["a", "b", "c"], "n": [10, 4, 6], "score": [1.0, 2.0, 3.0]})
    >>> suppress(t, count="n", by=["team"], min_size=5)["hidden"].tolist()
    [False, True, True]
    """
    min_size = check_min_group_size(min_size)
    if count not in table.columns:
        raise ValueError(f"count column {count!r} is not in the table; columns: {list(table.columns)}")
    out = table.copy()
    hidden = pd.Series(False, index=out.index)
    groups = [out.index] if not within else [out.index[pos] for pos in out.groupby(within, sort=False, dropna=False).indices.values()]
    for idx in groups:
        n = out.loc[idx, count].fillna(0)
        hide = n < min_size
        # n == 0 rows describe nobody; hiding them protects nobody and they do not help subtraction
        hide &= n > 0
        while hide.any() and n[hide].sum() < min_size and (~hide & (n > 0)).any():
            smallest = n[~hide & (n > 0)].idxmin()
            hide[smallest] = True
        hidden[idx] = hide
    missing = [c for c in [*by, *(within or [])] if c not in out.columns]
    if missing:
        raise ValueError(f"group columns {missing!r} are not in the table; columns: {list(out.columns)}")
    labels = set(by) | set(within or [])
    values = [c for c in out.columns if c not in labels]
    for c in values:
        if hidden.any():
            if out[c].dtype == "str":
                out[c] = out[c].astype("object")
            out.loc[hidden, c] = pd.NA
    out["hidden"] = hidden.astype(bool)
    return out


def person_labels(employees: pd.DataFrame, *, show_names: bool) -> pd.Series:
    """Label of each person for reports: the name only when the company allows it.

    Returns a Series indexed by employee_id. Without ``show_names`` the label is the employee_id,
    the company's own pseudonym, so a report never carries a name the company did not allow.
    """
    ids = employees["employee_id"]
    if show_names and "name" in employees and employees["name"].notna().any():
        labels = employees["name"].fillna(ids)
    else:
        labels = ids
    return pd.Series(labels.to_numpy(), index=ids.to_numpy(), name="person")
