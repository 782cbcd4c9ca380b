"""Reading and checking a company folder against the input contract.

Every problem becomes one `Problem` naming the file, the spreadsheet row (header = row 1), the
column, what was found and what is allowed. All problems of a folder are gathered and raised
together as one `InputError`, so the user fixes everything in one pass.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ._schema import FILES, SETTINGS, Column, FileSpec

__all__ = ["InputError", "Problem", "Collector", "RawTable", "MAX_MESSAGES_PER_COLUMN", "PROBABILITY_TOLERANCE", "locate_files", "read_raw",
           "read_settings", "type_table", "csv_records"]

# One systematic mistake (a column of dates in the wrong format) should not bury the others:
# after this many messages for one file, column and kind of problem, the rest are counted.
MAX_MESSAGES_PER_COLUMN = 10
# Probabilities of scenarios must add up to 1 within this tolerance (they are typed by hand).
PROBABILITY_TOLERANCE = 0.011

_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f"}
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH_RE = re.compile(r"^\d{4}-\d{2}(-01)?$")


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
        self._counts: dict[tuple, int] = {}

    def add(self, file, row, column, found, allowed, *, kind="value"):
        key = (file, column, kind)
        self._counts[key] = self._counts.get(key, 0) + 1
        if self._counts[key] <= MAX_MESSAGES_PER_COLUMN:
            self.problems.append(Problem(file, row, column, found, allowed))

    def finish(self) -> list[Problem]:
        out = list(self.problems)
        for (file, column, _kind), n in self._counts.items():
            if n > MAX_MESSAGES_PER_COLUMN:
                out.append(
                    Problem(file, None, column, f"{n - MAX_MESSAGES_PER_COLUMN} more rows with the same problem",
                            "fix the rows above the same way")
                )
        return out


# ---------------------------------------------------------------------------------------------
# Reading raw text tables
# ---------------------------------------------------------------------------------------------


def _cell_to_text(value) -> str:
    """Turn an Excel cell into the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value).strip()


@dataclass
class RawTable:
    """A file as text: its header and rows (each row the same length as the header)."""

    source: str  # what the user calls it: "skills.csv" or "company.xlsx, sheet skills"
    header: list[str]
    rows: list[list[str]]


def csv_records(data: bytes) -> list[list[str]]:
    r"""The records of a CSV file's bytes: UTF-8 with or without a byte-order mark, any line ending.

    Raises UnicodeDecodeError for bytes that are not UTF-8 (callers say where, in their words).

    Examples
    --------
    >>> csv_records(b"\xef\xbb\xbfa,b\r\n1,\"x, y\"\r\n")
    [['a', 'b'], ['1', 'x, y']]
    """
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _read_csv(path: Path, out: Collector) -> RawTable | None:
    label = path.name
    data = path.read_bytes()
    try:
        records = csv_records(data)
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        out.add(label, line, None, f"bytes that are not UTF-8 text ({data[e.start:e.start + 1]!r} at byte {e.start})",
                "UTF-8 text; in Excel use 'Save as: CSV UTF-8', in LibreOffice choose the UTF-8 character set",
                kind="encoding")
        return None
    return _raw_from_records(label, records, out)


def _read_sheet(path: Path, sheet: str | None, label: str, out: Collector) -> RawTable | None:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for a damaged file
        out.add(path.name, None, None, f"a file that cannot be opened as an Excel workbook ({type(e).__name__})",
                "an .xlsx workbook saved by Excel, LibreOffice or Google Sheets", kind="workbook")
        return None
    try:
        # a workbook per file: the sheet named like the file if there is one, else the first sheet
        name = sheet or path.stem
        ws = wb[name] if name in wb.sheetnames else wb.worksheets[0]
        records = [[_cell_to_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    return _raw_from_records(label, records, out)


def _raw_from_records(label: str, records: list[list[str]], out: Collector) -> RawTable | None:
    # drop trailing fully empty records (spreadsheets often export them)
    while records and not any(c.strip() for c in records[-1]):
        records.pop()
    if not records:
        out.add(label, None, None, "an empty file", "a header row with the column names, then one row per record",
                kind="empty")
        return None
    header = [h.strip() for h in records[0]]
    while header and header[-1] == "":
        header.pop()
    seen: dict[str, int] = {}
    ok = True
    for i, name in enumerate(header):
        if name == "":
            out.add(label, 1, f"#{i + 1}", "a column without a name", "a name for every column with data", kind="header")
            ok = False
        elif name in seen:
            out.add(label, 1, name, f"the column {name!r} twice (columns {seen[name] + 1} and {i + 1})",
                    "each column once", kind="header")
            ok = False
        else:
            seen[name] = i
    if not ok:
        return None
    rows = []
    width = len(header)
    strip = str.strip
    for n, rec in enumerate(records[1:], start=2):
        cells = list(map(strip, rec))
        if len(cells) != width:  # the common case (as wide as the header) skips both checks
            if len(cells) > width and any(cells[width:]):
                extra = [c for c in cells[width:] if c]
                out.add(label, n, None, f"{len(cells)} cells but the header has {width} columns (extra: {extra[0]!r})",
                        "one value per header column; quote values that contain commas", kind="width")
                continue
            cells = (cells + [""] * width)[:width]
        rows.append(cells)
    return RawTable(label, header, rows)


def locate_files(folder: Path, out: Collector) -> dict[str, tuple]:
    """Find where each contract file lives: ``{name: ("csv"|"xlsx"|"book", path, sheet)}``."""
    found: dict[str, tuple] = {}
    book = folder / "company.xlsx"
    book_sheets: list[str] = []
    if book.exists():
        from openpyxl import load_workbook

        try:
            wb = load_workbook(book, read_only=True)
            book_sheets = list(wb.sheetnames)
            wb.close()
        except Exception as e:
            out.add("company.xlsx", None, None, f"a file that cannot be opened as an Excel workbook ({type(e).__name__})",
                    "an .xlsx workbook with one sheet per input file", kind="workbook")
    for spec in FILES:
        places = []
        if (folder / f"{spec.name}.csv").exists():
            places.append(("csv", folder / f"{spec.name}.csv", None))
        if (folder / f"{spec.name}.xlsx").exists():
            places.append(("xlsx", folder / f"{spec.name}.xlsx", None))
        if spec.name in book_sheets:
            places.append(("book", book, spec.name))
        if len(places) > 1:
            names = [_label(p) for p in places]
            out.add(names[0], None, None, f"the same data in {len(places)} places ({', '.join(names)})",
                    "one of them; remove or rename the others", kind="duplicate-file")
        elif places:
            found[spec.name] = places[0]
    return found


def _label(place) -> str:
    kind, path, sheet = place
    return f"company.xlsx, sheet {sheet}" if kind == "book" else path.name


def read_raw(place, out: Collector) -> RawTable | None:
    kind, path, sheet = place
    if kind == "csv":
        return _read_csv(path, out)
    return _read_sheet(path, sheet, _label(place), out)


# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------


def read_settings(folder: Path, out: Collector) -> dict:
    import yaml

    path = folder / "company.yaml"
    if not path.exists():
        alt = folder / "company.yml"
        if alt.exists():
            path = alt
        else:
            out.add("company.yaml", None, None, "no such file",
                    "a company.yaml with at least `name: Your company` (run `smbkit init` for a template)", kind="missing")
            return {}
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as e:
        out.add(path.name, None, None, f"bytes that are not UTF-8 text (at byte {e.start})", "UTF-8 text", kind="encoding")
        return {}
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(e, "problem", None) or str(e).splitlines()[0]
        out.add(path.name, line, None, f"text that is not valid YAML ({what})",
                "lines of `key: value`, e.g. `name: Rosemary Bakery`", kind="yaml")
        return {}
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        out.add(path.name, None, None, f"a {type(raw).__name__} instead of key: value lines",
                "lines of `key: value`, e.g. `name: Rosemary Bakery`", kind="yaml")
        return {}
    settings = {}
    for s in SETTINGS:
        value = raw.get(s.key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if s.required:
                out.add(path.name, None, s.key, "no value", f"{s.meaning} (text)", kind="setting")
                continue
            value = s.default
            if s.key == "as_of":
                value = pd.Timestamp.today().normalize()  # the contract's default, "today"
            settings[s.key] = value
            continue
        parsed, problem = _parse_setting(s, value)
        if problem:
            out.add(path.name, None, s.key, f"{value!r}", problem, kind="setting")
        else:
            settings[s.key] = parsed
    return settings


def _parse_setting(s, value):
    if s.kind == "str":
        return str(value).strip(), None
    if s.kind == "bool":
        if isinstance(value, bool):
            return value, None
        text = str(value).strip().lower()
        if text in _TRUE | _FALSE:
            return text in _TRUE, None
        return None, "true or false"
    if s.kind == "choice":
        text = str(value).strip()
        return (text, None) if text in s.choices else (None, "one of " + ", ".join(s.choices))
    if s.kind == "date":
        if isinstance(value, dt.date):
            return pd.Timestamp(value).normalize(), None
        ts = _parse_date(str(value))
        return (ts, None) if ts is not None else (None, "a date YYYY-MM-DD")
    number_words = "a whole number" if s.kind == "int" else "a number"
    rng = f" from {s.min:g} to {s.max:g}"
    if isinstance(value, bool):
        return None, number_words + rng
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None, number_words + rng
    if s.kind == "int" and not number.is_integer():
        return None, number_words + rng
    if not (s.min <= number <= s.max):
        extra = " (never below 3, so a single person is never singled out)" if s.key == "min_group_size" else ""
        return None, number_words + rng + extra
    return (int(number) if s.kind == "int" else number), None


# ---------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------


def _parse_date(text: str):
    if not _DATE_RE.match(text):
        return None
    try:
        return pd.Timestamp(dt.date.fromisoformat(text))
    except ValueError:
        return None


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
        ts = _parse_date(text)
        return ts, ts is not None
    if kind == "month":
        if not _MONTH_RE.match(text):
            return None, False
        try:
            return pd.Timestamp(dt.date(int(text[:4]), int(text[5:7]), 1)), True
        except ValueError:
            return None, False
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
    """Parse a whole column at once; returns (typed values, ok). Cells not ok (and not blank) go
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
        return parsed.astype("datetime64[ns]"), shaped & parsed.notna().to_numpy()
    number = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)  # refuses "1_000" as _parse_cell does
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


def type_table(spec: FileSpec, raw: RawTable, out: Collector, *, extra_columns: dict[str, Column] | None = None
               ) -> pd.DataFrame | None:
    """Check every cell of one file and return it typed; ``None`` when columns are missing."""
    header = raw.header
    missing = [c.name for c in spec.columns if c.required and c.name not in header]
    for name in missing:
        out.add(raw.source, 1, name, f"no column {name!r} (the header has: {', '.join(header) or 'nothing'})",
                f"a column {name!r} holding {spec.columns_by_name[name].allowed()}", kind="missing-column")
    if missing:
        return None
    columns = dict(spec.columns_by_name)
    if extra_columns:
        columns.update(extra_columns)
    data: dict[str, list] = {}
    for j, name in enumerate(header):
        col = columns.get(name)
        texts = [r[j] for r in raw.rows]
        if col is None:
            # unknown columns are kept as text (demo_* and anything the user adds) and ignored
            data[name] = [t if t != "" else None for t in texts]
            continue
        series = pd.Series(texts, dtype=object)
        blank = (series == "").to_numpy(dtype=bool)
        parsed, good = _vector_parse(col, series)
        todo = np.flatnonzero(blank | ~good)
        if not len(todo):  # every cell parsed at once: the typed column is ready
            data[name] = parsed
            continue
        values = parsed.astype(object).where(parsed.notna(), None).tolist()
        for i in todo:  # blanks and cells the fast path could not take: one by one, in row order
            if blank[i]:
                if not col.blank_ok:
                    out.add(raw.source, i + 2, name, "a blank cell", col.allowed(), kind="blank")
                values[i] = col.default
                continue
            value, ok = _parse_cell(col, texts[i])
            if not ok:
                out.add(raw.source, i + 2, name, repr(texts[i]), col.allowed(), kind="value")
            values[i] = value if ok else None
        data[name] = values
    frame = pd.DataFrame(
        {name: (vals if isinstance(vals, pd.Series) else _typed_series(columns[name], vals) if name in columns
                else pd.Series(vals, dtype="str"))
         for name, vals in data.items()}
    )
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
                shown = value[0] if len(value) == 1 else dict(zip(key, value))
                out.add(raw.source, i + 2, ", ".join(key), f"{shown!r} again (first at row {seen[value]})",
                        f"each {' + '.join(key)} once", kind="duplicate")
            else:
                seen[value] = i + 2
