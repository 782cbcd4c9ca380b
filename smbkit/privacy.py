"""Privacy in one place: minimum group size, complementary suppression and pseudonymous labels.

Every smbkit function that groups people for display (survey results, demographics, comments,
job ratings, model results by group) decides what to hide here: `suppress` and `suppress_crossed`
for breakdowns whose total is known, `too_few` and `hide_small` for a population on its own. No
other module compares a count with ``min_group_size``, so a rule changed here changes everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Amount", "combine_rare", "MIN_GROUP_FLOOR", "HIDDEN_LABEL", "suppress", "suppress_crossed", "complementary", "too_few", "hide_small",
           "groups_that_fit",
           "person_labels", "check_min_group_size", "fold", "scrub_names", "name_words", "EVERYDAY_WORDS", "employee_name_words", "FREE_TEXT",
           "protect_free_text"]

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


@dataclass(frozen=True)
class Amount:
    """A quantity the rows of a breakdown add up to, whose total is published (see `suppress`).

    ``column`` holds each row's amount; ``cap`` names the column of the most a row could hold (the
    people who could be counted, the answers, the days available), or None for no upper limit. A
    hidden row must stay uncertain over at least ``width`` plus ``per_person`` times its people.
    ``floor`` names the column of the least a row is known to hold (a listed group holds at least
    one person, a group listed with three crossed cells at least three), or None for 0.
    """

    column: str
    cap: str | None = None
    width: float = 1.0
    per_person: float = 0.0
    floor: str | None = None


def suppress(table: pd.DataFrame, *, count: str, by: list[str], min_size: int, within: list[str] | None = None,
             force=None, amounts: tuple[Amount, ...] = ()) -> pd.DataFrame:
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
    force : array of bool, optional
        Rows to hide whatever their count (e.g. a figure that pools a hidden one); complements follow.
    amounts : tuple of Amount, optional
        Quantities the rows add up to whose totals are published (days absent, favourable answers,
        promoters). The published total less the shown rows gives the hidden rows' total, and with
        each row's cap that bounds every hidden row. Hiding goes on (smallest visible row first)
        until each hidden row keeps its protection interval (as in tau-ARGUS's protection levels):
        a hidden pool in which nobody, or everybody, was favourable would otherwise pin each of its
        rows. A quantity the whole breakdown holds alike (no promoter anywhere) is left out: then
        every shown group says as much, and no suppression can hide it.

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
    forced = np.zeros(len(out), dtype=bool) if force is None else np.asarray(force, dtype=bool)
    mask = np.zeros(len(out), dtype=bool)
    parts = [np.arange(len(out))] if not within else list(out.groupby(within, sort=False, dropna=False).indices.values())
    values = _amount_values(out, amounts)
    for pos in parts:
        n = counts[pos]
        hide = _complement(n, ((n > 0) & too_few(n, min_size)) | forced[pos], min_size)
        if values:
            hide = _protect_amounts(n, [(v[pos], c[pos], f[pos], a) for v, c, f, a in values], hide, min_size)
        mask[pos] = hide
    return _blank(out, pd.Series(mask, index=out.index), set(by) | set(within or []))


def complementary(n, hide, min_size: int) -> np.ndarray:
    """``hide`` widened with the smallest visible groups until the hidden ones describe 0 or at least ``min_size`` people.

    For any count of a breakdown whose total is published (people, leavers, comments): the hidden
    groups together can then only be recovered as a group of ``min_size`` or more. Groups of 0
    describe nobody; hiding them protects nobody and they cannot help a subtraction.

    Examples
    --------
    >>> complementary([4, 1, 6, 9], [False, True, False, False], 5).tolist()
    [True, True, False, False]
    """
    return _complement(np.asarray(n, dtype=float), np.asarray(hide, dtype=bool), check_min_group_size(min_size))


def _complement(n: np.ndarray, hide: np.ndarray, min_size: int) -> np.ndarray:
    """Hide the smallest visible groups until the hidden ones describe 0 or at least min_size people."""
    hide = hide.copy()
    while hide.any() and too_few(n[hide].sum(), min_size):
        candidates = np.flatnonzero(~hide & (n > 0))
        if not len(candidates):
            break
        hide[candidates[np.argmin(n[candidates])]] = True
    return hide


def _amount_values(table: pd.DataFrame, amounts) -> list:
    """(value, cap, floor, amount) arrays of each `Amount` over the rows of ``table``."""
    return [(table[a.column].fillna(0).to_numpy(dtype=float),
             np.full(len(table), np.inf) if a.cap is None else table[a.cap].fillna(0).to_numpy(dtype=float),
             np.zeros(len(table)) if a.floor is None else table[a.floor].fillna(0).to_numpy(dtype=float), a)
            for a in amounts]


def _crossed_pinned(lines: list, n: np.ndarray, amounts: list, hide: np.ndarray, rounds: int = 20):
    """A hidden cell of a crossed table whose range, on some amount, falls short of its interval once the ranges
    that every line's hidden total allows are narrowed against each other (interval propagation, as far as it
    goes in ``rounds``); None when every hidden cell keeps its doubt. Cells of a line that holds the amount alike
    (nobody, or everybody, in the whole line) are pinned by the published margin itself and are not counted."""
    for value, cap, floor, a in amounts:
        lo = np.where(hide, floor, value).astype(float)
        hi = np.where(hide, cap, value).astype(float)
        exempt = np.zeros(len(n), dtype=bool)
        for line in lines:
            if value[line].sum() <= 0 or value[line].sum() >= cap[line].sum():
                exempt[line] = True
        for _ in range(rounds):
            moved = False
            for line in lines:
                h = line[hide[line]]
                if len(h) == 0:
                    continue
                pool = value[h].sum()
                for i in h:
                    rest = h[h != i]
                    new_lo, new_hi = max(lo[i], pool - hi[rest].sum()), min(hi[i], pool - lo[rest].sum())
                    if new_lo > lo[i] + 1e-9 or new_hi < hi[i] - 1e-9:
                        lo[i], hi[i], moved = new_lo, new_hi, True
            if not moved:
                break
        short = hide & (n > 0) & ~exempt & (hi - lo < a.width + a.per_person * n - 1e-9)
        if short.any():
            return int(np.flatnonzero(short)[0])
    return None


def _pinned(n: np.ndarray, value: np.ndarray, cap: np.ndarray, floor: np.ndarray, hide: np.ndarray, a: Amount) -> bool:
    """Does some hidden row's range, from the hidden rows' total and the rows' caps and floors, fall short of its interval?"""
    if value.sum() <= 0 or value.sum() >= cap.sum():
        return False  # the whole breakdown holds it alike: every shown group says so too
    pool = value[hide].sum()
    for i in np.flatnonzero(hide & (n > 0)):
        others = hide.copy()
        others[i] = False
        lo = max(floor[i], pool - cap[others].sum())
        hi = min(cap[i], pool - floor[others].sum())
        if hi - lo < a.width + a.per_person * n[i] - 1e-9:
            return True
    return False


def _protect_amounts(n: np.ndarray, amounts: list, hide: np.ndarray, min_size: int) -> np.ndarray:
    """Hide the smallest visible rows until every hidden row keeps its protection interval on every amount."""
    hide = hide.copy()
    while hide.any() and any(_pinned(n, v, c, f, hide, a) for v, c, f, a in amounts):
        candidates = np.flatnonzero(~hide & (n > 0))
        if not len(candidates):
            break
        hide[candidates[np.argmin(n[candidates])]] = True
        hide = _complement(n, hide, min_size)
    return hide


def combine_rare(labels: pd.Series, min_size: int, *, within: pd.Series | None = None) -> pd.Series:
    """Roll the categories of fewer than ``min_size`` people into one group, where together they are enough.

    Hiding a rare category forces the next smallest one to be hidden too, however large, until the
    hidden ones hold ``min_size`` people; when the rare categories of a breakdown (of ``within``,
    e.g. one survey wave) hold ``min_size`` or more together, they are shown as one group instead,
    named by all of them (``"non-binary + not recorded"``), and no large group is lost. Rare
    categories that stay under ``min_size`` together are left as they are, for `suppress` to hide.

    Examples
    --------
    >>> g = pd.Series(["man"] * 30 + ["woman"] * 25 + ["non-binary"] * 3 + ["not recorded"] * 2)
    >>> combine_rare(g, 5).value_counts().to_dict()
    {'man': 30, 'woman': 25, 'non-binary + not recorded': 5}
    """
    min_size = check_min_group_size(min_size)
    out = labels.astype("object").copy()
    parts = [out.index] if within is None else [idx for _, idx in out.groupby(within, sort=False, dropna=False).groups.items()]
    for idx in parts:
        counts = out.loc[idx].value_counts()
        rare = counts[too_few(counts, min_size) & (counts > 0)]
        if len(rare) >= 2 and not too_few(int(rare.sum()), min_size):
            name = " + ".join(sorted(map(str, rare.index)))
            part = out.loc[idx]
            out.loc[idx] = part.where(~part.isin(rare.index), name)
    return out


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
                     within: list[str] | None = None, hidden_rows=None, hidden_cols=None, force=None,
                     amounts: tuple[Amount, ...] = ()) -> pd.DataFrame:
    """Suppress a two-way breakdown (e.g. team x gender) whose row and column totals are shown elsewhere.

    Cells under ``min_size`` are hidden; every cell of a row or column whose own total is hidden in
    its one-way table (``hidden_rows``/``hidden_cols``: callables ``(within values) -> set``) is
    hidden; then, in every row and every column, the smallest visible cells are hidden until the
    hidden cells of that row or column describe 0 or at least ``min_size`` people, and until no row
    or column has exactly one hidden cell (its margin minus the shown cells would give it exactly,
    whatever its size, and it could then open the line across: statistical agencies' rule that every
    suppressed cell has a partner in each of its lines, as in tau-ARGUS), repeated until nothing
    changes. So no cell can be worked out by subtracting visible cells from a shown total. ``force``
    marks cells to hide whatever their count (a figure that pools a hidden one). ``amounts`` (see
    `suppress`) are protected line by line too: in every row and column whose margin is shown, the
    hidden cells' total of each amount must leave every hidden cell its interval of doubt.

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
    forced = np.zeros(len(out), dtype=bool) if force is None else np.asarray(force, dtype=bool)
    values = _amount_values(out, amounts)
    for key, idx in parts:
        pos = out.index.get_indexer(idx)
        n = counts[pos]
        hide = ((n > 0) & too_few(n, min_size)) | forced[pos]
        if hidden_rows is not None:
            hide |= np.isin(out[rows].to_numpy()[pos], list(hidden_rows(key)))
        if hidden_cols is not None:
            hide |= np.isin(out[cols].to_numpy()[pos], list(hidden_cols(key)))
        lines = [np.flatnonzero(row_codes[pos] == c) for c in np.unique(row_codes[pos])]
        lines += [np.flatnonzero(col_codes[pos] == c) for c in np.unique(col_codes[pos])]
        # the only cell of a line whose margin is shown is that margin: it is published already, so hiding it
        # protects nothing and it can be no one's complement (count it as known, never as a hidden partner)
        known = np.zeros(len(pos), dtype=bool)
        for line in lines:
            alive = line[n[line] > 0]
            if len(alive) == 1 and not hide[alive[0]]:
                known[alive[0]] = True
        m = np.where(known, 0.0, n)
        changed = True
        while changed:
            changed = False
            for line in lines:
                before = hide[line].sum()
                hide[line] = _complement(m[line], hide[line], min_size)
                if (hide[line] & (m[line] > 0)).sum() == 1:  # a lone hidden cell is its margin minus the others
                    candidates = line[~hide[line] & (m[line] > 0)]
                    if len(candidates):
                        hide[candidates[np.argmin(m[candidates])]] = True
                changed |= hide[line].sum() != before
            if values and not changed:
                # amounts: each hidden cell's range from both its lines at once (what one line leaves open, the
                # other may close); the smallest visible cell of a pinned cell's lines is hidden, and round again
                cell = _crossed_pinned(lines, m, [(v[pos], c[pos], f[pos], a) for v, c, f, a in values], hide)
                if cell is not None:
                    near = np.concatenate([ln for ln in lines if cell in ln])
                    candidates = near[~hide[near] & (m[near] > 0)]
                    if len(candidates):
                        hide[candidates[np.argmin(m[candidates])]] = True
                        changed = True
        mask[pos] = hide
    hidden = pd.Series(mask, index=out.index)
    return _blank(out, hidden, {rows, cols, *(within or [])})


_WORD = re.compile(r"\b[^\W\d_]{2,}\b")
# Letters that Unicode does not split into a base letter and an accent, as people type them without one.
_PLAIN = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "đ": "d", "Đ": "D",
                        "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D", "ı": "i", "ħ": "h", "ŋ": "ng"})
# Names that are also everyday English words: replaced when capitalised ("Will helped"), kept in lower
# case ("I will"), so that scrubbing does not wreck the sentences it protects.
EVERYDAY_WORDS = frozenset("""will may mark bill pat rose grace hope joy faith frank rich summer june april august dawn
    art ray chase drew guy jack max miles nick page reed rob sue sky rain river stone wood king bishop
    young love star amber ruby pearl ivy iris holly heather daisy lily violet jade gay bell hunter""".split())


def fold(text: str) -> str:
    """Text as people type it without accents, in one Unicode form, case-folded: "Zoë", "Zoe\u0308" and "ZOE" give "zoe".

    Examples
    --------
    >>> fold("Søren ÅNGSTRÖM Łukasz")
    'soren angstrom lukasz'
    """
    t = unicodedata.normalize("NFKC", str(text)).translate(_PLAIN)
    return "".join(ch for ch in unicodedata.normalize("NFKD", t) if not unicodedata.combining(ch)).casefold()


def scrub_names(text: str, names) -> str:
    """Replace every word of the given names in ``text`` with ``[name]``.

    Words are compared folded (`fold`: any case, with or without accents, in any Unicode form), a
    possessive keeps its ending ("Zoë's" -> "[name]'s", "Zoes" -> "[name]"), and a name that is
    also an everyday word (`EVERYDAY_WORDS`) is replaced only when capitalised. The text comes back
    in its composed Unicode form (NFC). ``names`` may be a list of names or a set made by
    `name_words` (reuse it for many texts: a set lookup per word stays fast).

    Examples
    --------
    >>> scrub_names("Thanks to anna and Bo! Zoes rota; I will ask Will", ["Anna Berg", "Bo Li", "Zoë Ångström", "Will Hay"])
    'Thanks to [name] and [name]! [name] rota; I will ask [name]'
    """
    if not isinstance(text, str):
        return text
    words = names if isinstance(names, (set, frozenset)) else name_words(names)
    if not words:
        return text
    text = unicodedata.normalize("NFC", text)

    def replace(m):
        word = m.group(0)
        key = fold(word)
        if key not in words and not (len(key) > 3 and key.endswith("s") and key[:-1] in words):
            return word
        return word if word.islower() and key in EVERYDAY_WORDS else "[name]"

    return _WORD.sub(replace, text)


def name_words(names, *, keep=()) -> frozenset:
    """The words (two letters or more) of the given names, folded, for `scrub_names`.

    ``keep``: texts whose words are never taken for names (the company's team and role names: a
    surname "Baker" in a bakery is also the role).
    """
    kept = {fold(w) for t in keep if isinstance(t, str) for w in _WORD.findall(unicodedata.normalize("NFC", t))}
    return frozenset(fold(w) for name in names if isinstance(name, str) for w in _WORD.findall(unicodedata.normalize("NFC", name))
                     ) - kept


def employee_name_words(employees: pd.DataFrame) -> frozenset:
    """The words of employees.csv's names, less the company's team and role names, for `scrub_names`."""
    if "name" not in employees or not employees["name"].notna().any():
        return frozenset()
    return name_words(employees["name"].dropna(), keep=[*employees["team"].astype(str), *employees["role"].astype(str)])


# Columns of the input files that hold free text a person typed, where someone's name may turn up.
FREE_TEXT = {"goals": ("objective", "key_result", "metric", "owner"), "tasks": ("task",), "learning": ("program",),
             "survey_responses": ("comment",), "automation_options": ("example_tool",), "benchmarks": ("source",),
             "outcomes": ("metric",)}


def protect_free_text(tables: dict[str, pd.DataFrame], *, show_names: bool) -> dict[str, pd.DataFrame]:
    """The input tables with employees' names taken out of every free-text column (`FREE_TEXT`).

    Unless the company turns names on, a cell that is exactly an employee's name (as in a goal's owner)
    becomes that person's employee_id, and any other word of an employee's name becomes ``[name]``
    (`scrub_names`); team and role names are kept. Applied once, when the company is loaded, so no
    notebook, table or sentence can print a name from free text. The input files are not touched.
    """
    emp = tables.get("employees")
    if show_names or emp is None or "name" not in emp or not emp["name"].notna().any():
        return tables
    named = emp[emp["name"].notna()]
    words = employee_name_words(emp)
    ids = {fold(" ".join(_WORD.findall(n))): e for n, e in zip(named["name"], named["employee_id"])}
    out = dict(tables)
    for name, cols in FREE_TEXT.items():
        if name not in out:
            continue
        t = out[name].copy()
        for c in [c for c in cols if c in t.columns]:
            clean = [ids.get(fold(" ".join(_WORD.findall(v))), scrub_names(v, words)) if isinstance(v, str) else v for v in t[c]]
            if any(a != b for a, b in zip(clean, t[c]) if isinstance(a, str)):  # else the column stays as it was read
                t[c] = pd.Series(clean, index=t.index, dtype="str")
        out[name] = t
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
