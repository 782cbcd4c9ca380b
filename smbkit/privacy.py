"""Privacy in one place: minimum group size, complementary suppression and pseudonymous labels.

Every smbkit function that groups people for display (survey results, demographics, comments,
job ratings, model results by group) decides what to hide here: `suppress` and `suppress_crossed`
for breakdowns whose total is known, `too_few` and `hide_small` for a population on its own. No
other module compares a count with ``min_group_size``, so a rule changed here changes everywhere.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["MIN_GROUP_FLOOR", "HIDDEN_LABEL", "suppress", "suppress_crossed", "too_few", "hide_small", "groups_that_fit",
           "person_labels", "check_min_group_size", "scrub_names", "name_words"]

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


def too_few(n, min_size: int):
    """True where a population of ``n`` people (or answers) is too small to publish a figure for.

    ``n`` may be a number, an array or a Series; so may the result.

    Examples
    --------
    >>> too_few(4, 5), too_few(5, 5)
    (True, False)
    """
    min_size = check_min_group_size(min_size)
    return n < min_size


def groups_that_fit(n: int, min_size: int) -> int:
    """How many groups of at least ``min_size`` people ``n`` people can be split into.

    Examples
    --------
    >>> groups_that_fit(12, 5)
    2
    """
    return int(n) // check_min_group_size(min_size)


def hide_small(table: pd.DataFrame, *, count: str, columns: list[str], min_size: int) -> pd.DataFrame:
    """Blank ``columns`` on every row whose population (``count``) is too small, and mark it ``hidden``.

    For populations published on their own (a survey wave, a programme's participants, the
    comments of a wave), whose total is not shown beside them. Breakdowns of a shown total need
    `suppress`, which also hides complements.

    Examples
    --------
    >>> t = pd.DataFrame({"wave": [1, 2], "n": [3, 8], "score": [50.0, 60.0]})
    >>> hide_small(t, count="n", columns=["n", "score"], min_size=5)["score"].tolist()
    [nan, 60.0]
    """
    hidden = pd.Series(np.asarray(too_few(table[count].fillna(0).to_numpy(dtype=float), min_size), dtype=bool), index=table.index)
    out = table.copy()
    return _blank(out, hidden, set(out.columns) - set(columns))


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
    missing = [c for c in [*by, *(within or [])] if c not in table.columns]
    if missing:
        raise ValueError(f"group columns {missing!r} are not in the table; columns: {list(table.columns)}")
    out = table.copy()
    counts = out[count].fillna(0).to_numpy(dtype=float)
    mask = np.zeros(len(out), dtype=bool)
    parts = [np.arange(len(out))] if not within else list(out.groupby(within, sort=False, dropna=False).indices.values())
    for pos in parts:
        n = counts[pos]
        mask[pos] = _complement(n, (n > 0) & too_few(n, min_size), min_size)
    return _blank(out, pd.Series(mask, index=out.index), set(by) | set(within or []))


def _complement(n: np.ndarray, hide: np.ndarray, min_size: int) -> np.ndarray:
    """Hide the smallest visible groups until the hidden ones describe 0 or at least min_size people.

    Groups of 0 people describe nobody; hiding them protects nobody and they cannot help a subtraction.
    """
    hide = hide.copy()
    while hide.any() and too_few(n[hide].sum(), min_size):
        candidates = np.flatnonzero(~hide & (n > 0))
        if not len(candidates):
            break
        hide[candidates[np.argmin(n[candidates])]] = True
    return hide


def _blank(out: pd.DataFrame, hidden: pd.Series, keep: set[str]) -> pd.DataFrame:
    for c in [c for c in out.columns if c not in keep]:
        if hidden.any():
            if out[c].dtype == "str":
                out[c] = out[c].astype("object")
            elif out[c].dtype == bool:
                out[c] = out[c].astype("boolean")  # a hidden yes/no is missing, not False
            out.loc[hidden, c] = pd.NA
    out["hidden"] = hidden.astype(bool)
    return out


def suppress_crossed(table: pd.DataFrame, *, count: str, rows: str, cols: str, min_size: int,
                     within: list[str] | None = None, hidden_rows=None, hidden_cols=None) -> pd.DataFrame:
    """Suppress a two-way breakdown (e.g. team x gender) whose row and column totals are shown elsewhere.

    Cells under ``min_size`` are hidden; every cell of a row or column whose own total is hidden in
    its one-way table (``hidden_rows``/``hidden_cols``: callables ``(within values) -> set``) is
    hidden; then, in every row and every column, the smallest visible cells are hidden until the
    hidden cells of that row or column describe 0 or at least ``min_size`` people, repeated until
    nothing changes. So no cell can be worked out by subtracting visible cells from a shown total.

    Returns
    -------
    DataFrame
        A copy with every column other than ``rows``, ``cols`` and ``within`` blank on hidden
        cells, and a boolean column ``hidden``.
    """
    min_size = check_min_group_size(min_size)
    out = table.copy()
    parts = [((), out.index)] if not within else [
        (key if isinstance(key, tuple) else (key,), out.index[pos])
        for key, pos in out.groupby(within, sort=False, dropna=False).indices.items()]
    counts = out[count].fillna(0).to_numpy(dtype=float)
    row_codes = pd.factorize(out[rows])[0]
    col_codes = pd.factorize(out[cols])[0]
    mask = np.zeros(len(out), dtype=bool)
    for key, idx in parts:
        pos = out.index.get_indexer(idx)
        n = counts[pos]
        hide = (n > 0) & too_few(n, min_size)
        if hidden_rows is not None:
            hide |= np.isin(out[rows].to_numpy()[pos], list(hidden_rows(key)))
        if hidden_cols is not None:
            hide |= np.isin(out[cols].to_numpy()[pos], list(hidden_cols(key)))
        lines = [np.flatnonzero(row_codes[pos] == c) for c in np.unique(row_codes[pos])]
        lines += [np.flatnonzero(col_codes[pos] == c) for c in np.unique(col_codes[pos])]
        changed = True
        while changed:
            changed = False
            for line in lines:
                before = hide[line].sum()
                hide[line] = _complement(n[line], hide[line], min_size)
                changed |= hide[line].sum() != before
        mask[pos] = hide
    hidden = pd.Series(mask, index=out.index)
    return _blank(out, hidden, {rows, cols, *(within or [])})


_WORD = re.compile(r"\b[^\W\d_]{2,}\b")


def scrub_names(text: str, names) -> str:
    """Replace every word of the given names in ``text`` with ``[name]`` (whole words, any case).

    ``names`` may be a list of names or a set made by `name_words` (reuse it for many texts: a
    company of thousands has thousands of name words, and a set lookup per word stays fast).

    Examples
    --------
    >>> scrub_names("Thanks to anna and Bo!", ["Anna Berg", "Bo Li"])
    'Thanks to [name] and [name]!'
    """
    if not isinstance(text, str):
        return text
    words = names if isinstance(names, (set, frozenset)) else name_words(names)
    if not words:
        return text
    return _WORD.sub(lambda m: "[name]" if m.group(0).casefold() in words else m.group(0), text)


def name_words(names) -> frozenset:
    """The words (two letters or more) of the given names, case-folded, for `scrub_names`."""
    return frozenset(w.casefold() for name in names if isinstance(name, str) for w in _WORD.findall(name))


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
