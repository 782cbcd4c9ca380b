"""Reading and checking a company folder against the input contract.

Every problem becomes one `Problem` naming the file, the spreadsheet row (header = row 1), the
column, what was found and what is allowed. All problems of a folder are gathered and raised
together as one `InputError`, so the user fixes everything in one pass.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ._files import RawColumn, RawTable, read_yaml, shown
from ._schema import FIRST_DATE, LAST_DATE, SETTINGS, Column, FileSpec, number_words

__all__ = ["InputError", "Problem", "Collector", "MAX_MESSAGES_PER_COLUMN", "PROBABILITY_TOLERANCE", "read_settings", "type_table",
           "parse_date", "setting_words"]

# One systematic mistake (a column of dates in the wrong format) should not bury the others:
# after this many messages for one file, column and kind of problem, the rest are counted.
MAX_MESSAGES_PER_COLUMN = 10
# Probabilities of scenarios must add up to 1 within this tolerance (they are typed by hand).
PROBABILITY_TOLERANCE = 0.011

_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f"}
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH_RE = re.compile(r"^\d{4}-\d{2}(-01)?$")
_FIRST, _LAST = pd.Timestamp(FIRST_DATE), pd.Timestamp(LAST_DATE)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, in the words the user needs to fix it."""

    file: str
    row: int | None
    column: str | None
    found: str
    allowed: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: found {self.found}; allowed: {self.allowed}"


class InputError(ValueError):
    """The company folder breaks the input contract; ``problems`` lists every problem found."""

    def __init__(self, folder, problems: list[Problem]):
        self.folder = str(folder)
        self.problems = list(problems)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in company folder {self.folder}:"
        super().__init__("\n".join([head] + [f"  - {p}" for p in self.problems]))


class Collector:
    """Gathers problems and folds long runs of the same problem into a count."""

    def __init__(self):
        self.problems: list[Problem] = []
        self.notes: list[str] = []  # what was read other than as written, though valid (a header's case)
        self._counts: dict[tuple, int] = {}

    def add(self, file, row, column, found, allowed, *, kind="value"):
        key = (file, column, kind)
        self._counts[key] = self._counts.get(key, 0) + 1
        if self._counts[key] <= MAX_MESSAGES_PER_COLUMN:
            self.problems.append(Problem(file, row, column, found, allowed))

    def add_rows(self, file, rows, column, found, allowed, *, kind="value"):
        """One problem per row of ``rows`` (0-based data rows), ``found(i)`` wording each: the first few
        in full, the others only counted (a whole column of one mistake costs no time)."""
        key = (file, column, kind)
        already = self._counts.get(key, 0)
        for i in rows[: max(0, MAX_MESSAGES_PER_COLUMN - already)]:
            self.problems.append(Problem(file, int(i) + 2, column, found(int(i)), allowed))
        self._counts[key] = already + len(rows)

    def finish(self) -> list[Problem]:
        """Every problem, by file and then row (a file's own problems, without a row, first; the counts of
        rows not listed one by one at the end of their file)."""
        out = list(self.problems)
        for (file, column, _kind), n in self._counts.items():
            if n > MAX_MESSAGES_PER_COLUMN:
                out.append(
                    Problem(file, None, column, f"{n - MAX_MESSAGES_PER_COLUMN} more rows with the same problem",
                            "fix the rows above the same way")
                )
        more = {id(p) for p in out if p.found.endswith("more rows with the same problem")}
        return sorted(out, key=lambda p: (p.file, id(p) in more, p.row if p.row is not None else 0))


# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------


def read_settings(folder: Path, out: Collector) -> dict:
    """The keys of company.yaml, each parsed and checked against its `smbkit._schema.SETTINGS` entry."""
    read = read_yaml(folder, out)
    if read is None:
        return {}
    name, raw = read
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        out.add(name, None, None, f"a {type(raw).__name__} instead of key: value lines",
                "lines of `key: value`, e.g. `name: Rosemary Bakery`", kind="yaml")
        return {}
    settings = {}
    for s in SETTINGS:
        value = raw.get(s.key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if s.required:
                out.add(name, None, s.key, "no value", f"{s.meaning} (text)", kind="setting")
                continue
            value = s.default
            if s.key == "as_of":
                value = pd.Timestamp.today().normalize()  # the contract's default, "today"
            settings[s.key] = value
            continue
        if isinstance(value, (list, dict, set, tuple, bytes)):
            out.add(name, None, s.key, f"a {type(value).__name__} of values", f"one value: {setting_words(s)}", kind="setting")
            continue
        parsed, problem = _parse_setting(s, value)
        if problem:
            out.add(name, None, s.key, shown(value) if isinstance(value, str) else repr(value), problem, kind="setting")
        else:
            settings[s.key] = parsed
    return settings


def setting_words(s) -> str:
    """What a company.yaml key may hold, in words (messages and the data dictionary)."""
    if s.kind == "str":
        return "text"
    if s.kind == "bool":
        return "true or false"
    if s.kind == "choice":
        return "one of " + ", ".join(s.choices)
    if s.kind == "date":
        return f"a date YYYY-MM-DD from {FIRST_DATE} to {LAST_DATE}"
    return ("a whole number" if s.kind == "int" else "a number") + f" from {number_words(s.min)} to {number_words(s.max)}"


def _parse_setting(s, value):
    if s.kind == "str":
        return str(value).strip(), None
    if s.kind == "bool":
        if isinstance(value, bool):
            return value, None
        text = str(value).strip().lower()
        if text in _TRUE | _FALSE:
            return text in _TRUE, None
        return None, setting_words(s)
    if s.kind == "choice":
        text = str(value).strip()
        return (text, None) if text in s.choices else (None, setting_words(s))
    if s.kind == "date":
        ts = parse_date(value.isoformat() if isinstance(value, dt.date) else str(value).strip())
        return (ts, None) if ts is not None else (None, setting_words(s))
    words = setting_words(s)
    if isinstance(value, bool):
        return None, words
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: a whole number too large for a float
        return None, words
    if s.kind == "int" and not number.is_integer():
        return None, words
    if not (s.min <= number <= s.max):
        extra = " (never below 3, so a single person is never singled out)" if s.key == "min_group_size" else ""
        return None, words + extra
    return (int(number) if s.kind == "int" else number), None


# ---------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------


def parse_date(text: str) -> pd.Timestamp | None:
    """A ``YYYY-MM-DD`` date within `smbkit._schema.FIRST_DATE` .. `LAST_DATE`, else None.

    Examples
    --------
    >>> parse_date("2026-09-30"), parse_date("2026-13-45"), parse_date("9999-12-31")
    (Timestamp('2026-09-30 00:00:00'), None, None)
    """
    if not _DATE_RE.match(text):
        return None
    try:
        ts = pd.Timestamp(dt.date.fromisoformat(text))
    except ValueError:
        return None
    return ts if _FIRST <= ts <= _LAST else None


def _parse_cell(col: Column, text: str):
    """Return (value, ok). ``text`` is non-blank."""
    kind = col.kind
    if kind in ("str",):
        return text, True
    if kind == "choice":
        low = text.lower()
        return (low, True) if low in col.choices else (None, False)
    if kind == "bool":
        low = text.lower()
        if low in _TRUE:
            return True, True
        if low in _FALSE:
            return False, True
        return None, False
    if kind == "date":
        ts = parse_date(text)
        return ts, ts is not None
    if kind == "month":
        if not _MONTH_RE.match(text):
            return None, False
        try:
            ts = pd.Timestamp(dt.date(int(text[:4]), int(text[5:7]), 1))
        except ValueError:
            return None, False
        return (ts, True) if _FIRST <= ts <= _LAST else (None, False)
    # numbers
    try:
        number = float(text.replace("_", "x"))  # no digit separators: "1_000" is refused
    except ValueError:
        return None, False
    if not math.isfinite(number):
        return None, False
    if kind == "int" and not number.is_integer():
        return None, False
    if col.min is not None and (number < col.min or (col.min_exclusive and number == col.min)):
        return None, False
    if col.max is not None and number > col.max:
        return None, False
    return (int(number) if kind == "int" else number), True


def _vector_parse(col: Column, s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Parse many texts at once; returns (typed values, ok). Texts not ok (and not blank) go
    through `_parse_cell`, which stays the authority on what is allowed and words the message."""
    kind = col.kind
    if kind == "str":
        return s.astype("str"), np.ones(len(s), dtype=bool)
    if kind in ("choice", "bool"):
        low = s.str.lower()
        if kind == "choice":
            return low.astype("str"), low.isin(col.choices).to_numpy()
        return low.isin(_TRUE).astype("boolean"), low.isin(_TRUE | _FALSE).to_numpy()
    if kind in ("date", "month"):
        pattern = _DATE_RE if kind == "date" else _MONTH_RE
        shaped = s.str.match(pattern.pattern).fillna(False).to_numpy(dtype=bool)
        text = s if kind == "date" else s.str[:7]
        parsed = pd.to_datetime(text.where(shaped), format="%Y-%m-%d" if kind == "date" else "%Y-%m", errors="coerce")
        # outside the range nanosecond dates can hold, a date would crash the analyses (9999-12-31)
        inside = (parsed >= _FIRST) & (parsed <= _LAST)
        ok = shaped & inside.fillna(False).to_numpy(dtype=bool)
        return parsed.where(ok).astype("datetime64[ns]"), ok
    number = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)  # refuses "1_000" as _parse_cell does
    with np.errstate(invalid="ignore"):  # NaN compares False: it is refused, as intended
        ok = np.isfinite(number)
        if kind == "int":
            ok &= np.floor(number) == number
        if col.min is not None:
            ok &= (number > col.min) if col.min_exclusive else (number >= col.min)
        if col.max is not None:
            ok &= number <= col.max
    if kind == "int":
        return pd.Series(np.where(ok, number, np.nan)).astype("Int64"), ok
    return pd.Series(number, dtype="float64"), ok


def _typed_series(col: Column, values: list) -> pd.Series:
    if col.kind in ("date", "month"):
        return pd.to_datetime(pd.Series(values, dtype="object"), errors="raise").astype("datetime64[ns]")
    if col.kind == "int":
        return pd.Series(values, dtype="Int64")
    if col.kind == "float":
        return pd.Series([math.nan if v is None else v for v in values], dtype="float64")
    if col.kind == "bool":
        return pd.Series(values, dtype="boolean")
    return pd.Series(values, dtype="str")


_TEXT = Column("", "str", "")  # how an unknown column is kept: text, blank cells missing


def _typed_column(col: Column | None, name: str, raw: RawColumn, source: str, out: Collector) -> pd.Series:
    """One column checked and typed: each distinct text parsed once, every row then takes its value.

    Problems name every row (in order) whose text is refused, or blank where a value is needed.
    """
    known = col is not None
    col = col or _TEXT
    texts = pd.Series(raw.texts, dtype=object)
    blank = (raw.texts == "")
    parsed, good = _vector_parse(col, texts) if known else (texts, np.ones(len(texts), dtype=bool))
    values = parsed.astype(object).where(parsed.notna(), None).tolist()
    bad = np.zeros(len(texts), dtype=bool)
    for k in np.flatnonzero(blank | ~good):  # blanks and texts the fast path could not take: one by one
        if blank[k]:
            values[k] = col.default if known else None
            continue
        value, ok = _parse_cell(col, raw.texts[k])
        values[k], bad[k] = (value if ok else None), not ok
    if known and blank.any() and not col.blank_ok:
        rows = np.flatnonzero(blank[raw.codes])
        out.add_rows(source, rows, name, lambda i: "a blank cell", col.allowed(), kind="blank")
    if bad.any():
        rows = np.flatnonzero(bad[raw.codes])
        out.add_rows(source, rows, name, lambda i: shown(raw.cell(i)) + _did_you_mean(raw.cell(i), col.choices),
                     col.allowed(), kind="value")
    return _typed_series(col, values).take(raw.codes).reset_index(drop=True)


def _did_you_mean(text: str, choices) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices`` to a refused ``text`` (difflib's ratio), else ''."""
    import difflib

    if not choices:
        return ""
    folded = {str(c).strip().casefold(): str(c) for c in choices}
    close = difflib.get_close_matches(str(text).strip().casefold(), list(folded), n=1, cutoff=0.6)
    return f" (did you mean {folded[close[0]]!r}?)" if close else ""


def match_headers(spec: FileSpec, raw: RawTable, out: Collector, extra: tuple[str, ...] = ()) -> RawTable:
    """``raw`` with headers that differ from the contract's column names only in case or surrounding
    spaces renamed to them (each rename noted); exact names win over such matches."""
    known = [c.name for c in spec.columns] + list(extra)
    exact = set(raw.header)
    by_fold = {k.casefold(): k for k in known}
    rename = {}
    for h in raw.header:
        target = by_fold.get(h.strip().casefold())
        if h not in known and target is not None and target not in exact and target not in rename.values():
            rename[h] = target
    if not rename:
        return raw
    for h, target in rename.items():
        out.notes.append(f"{raw.source}: column {h!r} read as {target!r}")
    return RawTable(raw.source, [rename.get(h, h) for h in raw.header],
                    {rename.get(h, h): c for h, c in raw.columns.items()}, raw.nrows)


def type_table(spec: FileSpec, raw: RawTable, out: Collector, *, extra_columns: dict[str, Column] | None = None
               ) -> pd.DataFrame | None:
    """Check every cell of one file and return it typed; ``None`` when columns are missing.

    Headers are matched ignoring case and surrounding spaces (noted in ``out.notes``). A missing
    column is named with the closest header (did you mean), and every other column is still checked,
    so one pass finds every problem of the file.
    """
    raw = match_headers(spec, raw, out, tuple(extra_columns or ()))
    header = [h for h in raw.header if h in raw.columns]
    missing = [c.name for c in spec.columns if c.required and c.name not in raw.header]
    unknown = [h for h in raw.header if h not in spec.columns_by_name]
    for name in missing:
        out.add(raw.source, 1, name, f"no column {name!r} (the header has: {', '.join(map(shown, raw.header)) or 'nothing'})"
                + _did_you_mean(name, unknown).replace("did you mean", "is it"),
                f"a column {name!r} holding {spec.columns_by_name[name].allowed()}", kind="missing-column")
    columns = dict(spec.columns_by_name)
    if extra_columns:
        columns.update(extra_columns)
    # unknown columns are kept as text (demo_* and anything the user adds) and ignored
    frame = pd.DataFrame({name: _typed_column(columns.get(name), name, raw.columns[name], raw.source, out) for name in header},
                         index=pd.RangeIndex(raw.nrows))
    if missing:
        return None  # the other columns were checked all the same
    # absent optional columns are added empty so that analyses can rely on them
    for col in spec.columns:
        if col.name not in frame:
            frame[col.name] = _typed_series(col, [col.default] * len(frame))
    _check_unique(spec, raw, frame, out)
    return frame


def _check_unique(spec: FileSpec, raw: RawTable, frame: pd.DataFrame, out: Collector):
    keys = [spec.key] if spec.key else []
    keys += [(c.name,) for c in spec.columns if c.unique and (c.name,) not in keys]
    for key in keys:
        seen: dict[tuple, int] = {}
        values = frame[list(key)].astype("object").itertuples(index=False, name=None)
        for i, value in enumerate(values):
            if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in value):
                continue
            if value in seen:
                what = shown(value[0]) if len(value) == 1 else shown(dict(zip(key, value)))
                out.add(raw.source, i + 2, ", ".join(key), f"{what} again (first at row {seen[value]})",
                        f"each {' + '.join(key)} once", kind="duplicate")
            else:
                seen[value] = i + 2
