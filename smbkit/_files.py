"""Reading a company folder's files, as an attacker might have prepared them.

Only regular files inside the company folder are opened: a symbolic link that leads out of the
folder, a named pipe (which would make a reader wait for ever), a device or a folder in a file's
place is refused without reading it. Every file has a size limit, every cell a length limit, and
company.yaml is read without letting YAML aliases multiply it (a "billion laughs" file). The
limits live in `smbkit._schema.LIMITS`, which the data dictionary lists.

A table is read into columns, not rows: each column is its distinct texts and, for every row, the
position of its text among them (`RawColumn`). A million rows of interactions between five hundred
people hold five hundred strings per id column, not a million, and the checks of
`smbkit._validation` parse each distinct text once.

Problems go to the ``out`` collector given by the caller (`smbkit._validation.Collector`).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import os
import stat
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ._schema import FILES, MAX_CELL_CHARS, MAX_COLUMNS, MAX_FILE_BYTES, MAX_YAML_BYTES, MAX_YAML_NODES

__all__ = ["RawColumn", "RawTable", "csv_records", "read_input_file", "locate_files", "read_raw", "read_yaml", "shown",
           "mebibytes"]

# How much of a refused value a message echoes: enough to find it, never a whole essay
SHOWN_CHARS = 60
# Read in slices of this size when checking that a file is UTF-8 (no second copy of a large file)
DECODE_CHUNK = 1 << 20


def shown(value) -> str:
    """``repr`` of a value for a message, cut to a readable length.

    Examples
    --------
    >>> shown("abc")
    "'abc'"
    >>> shown("x" * 100)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' (100 characters)"
    """
    text = value if isinstance(value, str) else repr(value)
    if len(text) <= SHOWN_CHARS:
        return repr(value)
    return f"{text[:SHOWN_CHARS]!r}"[:-1] + f"…' ({len(text):,} characters)"


def mebibytes(n: int) -> str:
    """A size in words: ``268435456`` -> ``'256 MiB'``."""
    return f"{n / 2 ** 20:,.0f} MiB" if n >= 2 ** 20 else f"{n / 2 ** 10:,.0f} KiB"


_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def _not_regular(mode: int) -> str:
    return next((words for test, words in _KINDS if test(mode)), "something that is not a regular file")


def read_input_file(path: Path, out, *, label: str | None = None, inside: Path | None = None,
                    limit: int = MAX_FILE_BYTES) -> bytes | None:
    """The bytes of one input file, or None after saying why it cannot be read.

    Refuses, without opening it for reading: a link whose target is outside ``inside`` (the
    company folder) or missing, anything but a regular file (a named pipe, a device, a socket, a
    folder), and a file over ``limit`` bytes. The file is opened without following a link and
    without waiting (``O_NOFOLLOW | O_NONBLOCK``), and checked again once open, so it cannot be
    swapped for a pipe between the check and the read.
    """
    label = label or path.name
    allowed = "a regular file in the company folder (copy the file in rather than linking to it)"
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            target = path.resolve()
            if inside is not None and not target.is_relative_to(inside.resolve()):
                out.add(label, None, None, "a link to a file outside the company folder (not read)", allowed, kind="file-type")
                return None
            path, info = target, os.stat(target)
        if not stat.S_ISREG(info.st_mode):
            out.add(label, None, None, f"{_not_regular(info.st_mode)}, not a file (not read)", allowed, kind="file-type")
            return None
        if info.st_size > limit:
            out.add(label, None, None, f"a file of {mebibytes(info.st_size)}", f"at most {mebibytes(limit)}; split the data "
                    "or leave out old rows", kind="size")
            return None
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        out.add(label, None, None, "a link to a file that does not exist", allowed, kind="file-type")
        return None
    except OSError as e:
        out.add(label, None, None, f"a file that cannot be read ({e.strerror})", allowed, kind="file-type")
        return None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            out.add(label, None, None, "something that is not a regular file (not read)", allowed, kind="file-type")
            return None
        data = f.read(limit + 1)
    if len(data) > limit:  # it grew after the check
        out.add(label, None, None, f"a file of more than {mebibytes(limit)}", f"at most {mebibytes(limit)}", kind="size")
        return None
    return data


def _present(path: Path) -> bool:
    """True when anything is at ``path``, even a link that leads nowhere (it is then refused, not ignored)."""
    return os.path.lexists(path)


# ---------------------------------------------------------------------------------------------
# Columns of a table
# ---------------------------------------------------------------------------------------------


@dataclass
class RawColumn:
    """One column as text: its distinct texts (stripped of surrounding spaces) and each row's position among them."""

    codes: np.ndarray  # one integer per row (the smallest integer type that holds the distinct texts)
    texts: np.ndarray  # object array of str, the distinct texts (may repeat after stripping: harmless)

    def __len__(self) -> int:
        return len(self.codes)

    def cell(self, i: int) -> str:
        """The text of row ``i`` (0 = the first row after the header)."""
        return self.texts[self.codes[i]]

    def values(self) -> np.ndarray:
        """Every row's text (an object array whose equal texts are one shared string)."""
        return self.texts[self.codes]

    def blank(self) -> np.ndarray:
        """True for each row whose cell is empty."""
        return (self.texts == "")[self.codes]

    def take(self, rows: np.ndarray) -> RawColumn:
        return RawColumn(self.codes[rows], self.texts)


@dataclass
class RawTable:
    """A file as text columns: its header and, for every header column read, a `RawColumn`."""

    source: str  # what the user calls it: "skills.csv" or "company.xlsx, sheet skills"
    header: list[str]
    columns: dict[str, RawColumn]
    nrows: int


def _check_cells(label: str, header: list[str], columns: dict[str, RawColumn], out) -> bool:
    """Every cell within `MAX_CELL_CHARS`; False after reporting the ones that are not."""
    ok = True
    for name in header:
        if name not in columns:
            continue
        col = columns[name]
        lengths = np.fromiter(map(len, col.texts), dtype=np.int64, count=len(col.texts))
        long = np.flatnonzero((lengths > MAX_CELL_CHARS)[col.codes])  # judged per distinct text, found per row
        for i in long:
            out.add(label, int(i) + 2, name, f"a cell of {lengths[col.codes[i]]:,} characters",
                    f"at most {MAX_CELL_CHARS:,} characters (Excel's limit for one cell)", kind="cell-size")
        ok &= not len(long)
    return ok


def _header(label: str, first: list[str], out) -> tuple[list[str], bool]:
    """The column names of a header record; ok is False when a name is missing or repeated."""
    header = [h.strip() for h in first]
    while header and header[-1] == "":
        header.pop()
    ok = True
    if len(header) > MAX_COLUMNS:
        out.add(label, 1, None, f"{len(header):,} columns", f"at most {MAX_COLUMNS:,} columns (Excel's limit)", kind="header")
        return header, False
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if len(name) > MAX_CELL_CHARS:
            out.add(label, 1, f"#{i + 1}", f"a column name of {len(name):,} characters", f"at most {MAX_CELL_CHARS:,} characters",
                    kind="header")
            ok = False
        elif name == "":
            out.add(label, 1, f"#{i + 1}", "a column without a name", "a name for every column with data", kind="header")
            ok = False
        elif name in seen:
            out.add(label, 1, name, f"the column {shown(name)} twice (columns {seen[name] + 1} and {i + 1})",
                    "each column once", kind="header")
            ok = False
        else:
            seen[name] = i
    return header, ok


def _trim_blank_tail(columns: dict[str, RawColumn], nrows: int) -> int:
    """Number of rows once trailing rows with no text at all are dropped (spreadsheets often export them)."""
    if not columns or nrows == 0:
        return nrows
    filled = np.zeros(nrows, dtype=bool)
    for col in columns.values():
        filled |= ~col.blank()
    rows = np.flatnonzero(filled)
    return int(rows[-1]) + 1 if len(rows) else 0


def _table(label: str, header: list[str], columns: dict[str, RawColumn], nrows: int, out) -> RawTable | None:
    n = _trim_blank_tail(columns, nrows)
    if n < nrows:
        columns = {k: c.take(np.arange(n)) for k, c in columns.items()}
    if not _check_cells(label, header, columns, out):
        return None
    return RawTable(label, header, columns, n)


def _empty(label: str, out) -> None:
    out.add(label, None, None, "an empty file", "a header row with the column names, then one row per record", kind="empty")


def _from_records(label: str, records: Iterable[list], out, keep: Callable[[str], bool] | None) -> RawTable | None:
    """Columns from records one at a time (Excel sheets, and CSV files with rows wider than the header).

    Each column keeps a dictionary of its distinct texts, so memory grows with the distinct texts
    and one integer per cell, not with a string per cell.
    """
    records = iter(records)
    first = next(records, None)
    if first is None:
        _empty(label, out)
        return None
    first = [str(c) for c in first]
    header, ok = _header(label, first, out)
    if not header:
        if any(any(str(c).strip() for c in rec) for rec in records):
            out.add(label, 1, None, "an empty first row", "the column names in the first row", kind="header")
        else:
            _empty(label, out)
        return None
    if not ok:
        return None
    width = len(header)
    wanted = [j for j, h in enumerate(header) if keep is None or keep(h)]
    seen: list[dict[str, int]] = [{} for _ in wanted]
    codes: list[list[int]] = [[] for _ in wanted]
    wide = False
    n = 1
    for n, rec in enumerate(records, start=2):
        cells = [str(c).strip() for c in rec]
        if len(cells) > width and any(cells[width:]):
            extra = next(c for c in cells[width:] if c)
            out.add(label, n, None, f"{len(cells)} cells but the header has {width} columns (extra: {shown(extra)})",
                    "one value per header column; quote values that contain commas", kind="width")
            wide = True
        for k, j in enumerate(wanted):
            text = cells[j] if j < len(cells) else ""
            codes[k].append(seen[k].setdefault(text, len(seen[k])))
    if wide:
        return None
    columns = {header[j]: RawColumn(np.asarray(codes[k], dtype=np.intp), np.array(list(seen[k]) or [""], dtype=object))
               for k, j in enumerate(wanted)}
    return _table(label, header, columns, n - 1, out)


def csv_records(data: bytes) -> list[list[str]]:
    r"""The records of a CSV file's bytes: UTF-8 with or without a byte-order mark, any line ending.

    Raises UnicodeDecodeError for bytes that are not UTF-8, and ValueError (with the line) for a
    cell longer than the csv module reads (callers say where, in their words).

    Examples
    --------
    >>> csv_records(b"\xef\xbb\xbfa,b\r\n1,\"x, y\"\r\n")
    [['a', 'b'], ['1', 'x, y']]
    """
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    try:
        return list(reader)
    except csv.Error as e:
        raise ValueError(f"line {reader.line_num}: {e}") from None


def _utf8_problem(data: bytes) -> tuple[int, int] | None:
    """(line, byte offset) of the first byte that is not UTF-8, checked slice by slice; None when all is text."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    for start in range(0, len(data), DECODE_CHUNK):
        pending = len(decoder.getstate()[0])  # bytes of a character cut by the previous slice
        try:
            decoder.decode(data[start:start + DECODE_CHUNK], final=start + DECODE_CHUNK >= len(data))
        except UnicodeDecodeError as e:
            at = start - pending + e.start
            return data.count(b"\n", 0, at) + 1, at
    return None


def _read_csv(data: bytes, label: str, out, keep: Callable[[str], bool] | None) -> RawTable | None:
    bad = _utf8_problem(data)
    if bad is not None:
        line, at = bad
        out.add(label, line, None, f"bytes that are not UTF-8 text ({data[at:at + 1]!r} at byte {at})",
                "UTF-8 text; in Excel use 'Save as: CSV UTF-8', in LibreOffice choose the UTF-8 character set", kind="encoding")
        return None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    if not data.strip(b"\r\n\t ,\""):
        _empty(label, out)
        return None
    first_line = data[: data.find(b"\n") if b"\n" in data else len(data)]
    if first_line.count(b",") >= MAX_COLUMNS:  # a cheap upper bound before asking the parser for columns
        header = _first_record(data, label, out)
        if header is None:
            return None
        _, ok = _header(label, header, out)
        if not ok:
            return None
    return _csv_columns(data, label, out, keep)


def _first_record(data: bytes, label: str, out) -> list[str] | None:
    try:
        return next(csv.reader(io.StringIO(data[:1 << 20].decode("utf-8", errors="replace"), newline="")), [])
    except csv.Error:
        out.add(label, 1, None, "a header row that cannot be read as CSV", "the column names, separated by commas", kind="header")
        return None


def _csv_columns(data: bytes, label: str, out, keep) -> RawTable | None:
    """Read with pandas' C parser into categorical text columns; rows wider than the header go the slow, exact way."""
    try:
        top = pd.read_csv(io.BytesIO(data), header=None, nrows=1, dtype=str, keep_default_na=False, na_filter=False,
                          skip_blank_lines=False, encoding="utf-8")
    except pd.errors.EmptyDataError:
        _empty(label, out)
        return None
    except pd.errors.ParserError:
        return _csv_slow(data, label, out, keep)
    first = ["" if isinstance(v, float) and math.isnan(v) else str(v) for v in top.iloc[0].tolist()]
    header, ok = _header(label, first, out)
    if not header:
        out.add(label, 1, None, "an empty first row", "the column names in the first row", kind="header")
        return None
    if not ok:
        return None
    wanted = [j for j, h in enumerate(header) if keep is None or keep(h)]
    spare = list(range(len(header), len(first)))  # unnamed columns at the end: must stay empty
    try:
        # every column is read (pandas' usecols would silently drop the extra cells of a wide row), each as
        # categorical text: its distinct texts once, and a small integer per cell
        frame = pd.read_csv(io.BytesIO(data), header=None, names=range(len(first)), dtype="category", keep_default_na=False,
                            na_filter=False, skip_blank_lines=False, encoding="utf-8", engine="c")
    except pd.errors.ParserError:  # a row with more cells than the header: say which, exactly
        return _csv_slow(data, label, out, keep)
    frame = frame[wanted + spare]
    nrows = len(frame) - 1
    for j in spare:
        col = _raw(frame[j])
        filled = np.flatnonzero(~col.blank()[1:])
        for i in filled:
            out.add(label, int(i) + 2, None, f"{len(first)} cells but the header has {len(header)} columns "
                    f"(extra: {shown(col.cell(int(i) + 1))})", "one value per header column; quote values that contain commas",
                    kind="width")
        if len(filled):
            return None
    columns = {header[j]: _raw(frame[j]).take(np.arange(1, nrows + 1)) for j in wanted}
    return _table(label, header, columns, nrows, out)


def _raw(s: pd.Series) -> RawColumn:
    cat = s.cat
    texts = np.asarray(cat.categories.astype(object), dtype=object)
    texts = np.array([t.strip() for t in texts] or [""], dtype=object)
    return RawColumn(np.asarray(cat.codes), texts)  # int8/16/32 as pandas chose: a byte or two per row, not eight


def _csv_slow(data: bytes, label: str, out, keep) -> RawTable | None:
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))

    def records():
        try:
            yield from reader
        except csv.Error:
            out.add(label, reader.line_num, None, "a cell that cannot be read (longer than the CSV reader takes)",
                    f"at most {MAX_CELL_CHARS:,} characters in a cell", kind="cell-size")

    return _from_records(label, records(), out, keep)


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


def _workbook(data: bytes, label: str, out):
    """An openpyxl workbook from bytes, once the zip it is has been checked against the size limit unpacked."""
    from openpyxl import load_workbook

    allowed = "an .xlsx workbook saved by Excel, LibreOffice or Google Sheets"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        out.add(label, None, None, f"a file that cannot be opened as an Excel workbook ({type(e).__name__})", allowed, kind="workbook")
        return None
    if unpacked > MAX_FILE_BYTES:  # a small zip can unpack to gigabytes
        out.add(label, None, None, f"a workbook of {mebibytes(unpacked)} unpacked", f"at most {mebibytes(MAX_FILE_BYTES)} "
                "unpacked; save large tables as CSV", kind="size")
        return None
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for a damaged file
        out.add(label, None, None, f"a file that cannot be opened as an Excel workbook ({type(e).__name__})", allowed, kind="workbook")
        return None


def _read_sheet(data: bytes, stem: str, sheet: str | None, label: str, out, keep) -> RawTable | None:
    wb = _workbook(data, label if sheet is None else "company.xlsx", out)
    if wb is None:
        return None
    try:
        # a workbook per file: the sheet named like the file if there is one, else the first sheet
        name = sheet or stem
        ws = wb[name] if name in wb.sheetnames else wb.worksheets[0]
        return _from_records(label, ([_cell_to_text(v) for v in row] for row in ws.iter_rows(values_only=True)), out, keep)
    finally:
        wb.close()


def locate_files(folder: Path, out) -> dict[str, tuple]:
    """Find where each contract file lives: ``{name: ("csv"|"xlsx"|"book", path, sheet)}``."""
    found: dict[str, tuple] = {}
    book = folder / "company.xlsx"
    book_sheets: list[str] = []
    if _present(book):
        data = read_input_file(book, out, inside=folder)
        wb = _workbook(data, "company.xlsx", out) if data is not None else None
        if wb is not None:
            book_sheets = list(wb.sheetnames)
            wb.close()
    for spec in FILES:
        places = []
        for ext in ("csv", "xlsx"):
            if _present(folder / f"{spec.name}.{ext}"):
                places.append((ext, folder / f"{spec.name}.{ext}", None))
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


def read_raw(place, out, *, inside: Path, keep: Callable[[str], bool] | None = None) -> RawTable | None:
    """One located file as text columns (only the columns whose header ``keep`` accepts, when given)."""
    kind, path, sheet = place
    data = read_input_file(path, out, label=path.name, inside=inside)
    if data is None:
        return None
    if kind == "csv":
        return _read_csv(data, _label(place), out, keep)
    return _read_sheet(data, path.stem, sheet, _label(place), out, keep)


# ---------------------------------------------------------------------------------------------
# company.yaml
# ---------------------------------------------------------------------------------------------


def _bounded_loader():
    """A YAML SafeLoader that counts the values aliases stand for and keeps dates as text.

    An alias (``*a``) repeats the value of its anchor (``&a``); nested, ten lines can stand for
    billions of values. The loader adds up, for every alias, the values it repeats, and stops past
    `MAX_YAML_NODES`. Dates stay text, so that smbkit's own date check words the message (PyYAML
    would raise a bare ValueError for ``2026-13-45``).
    """
    import yaml

    timestamp = "tag:yaml.org,2002:timestamp"

    class BoundedLoader(yaml.SafeLoader):
        yaml_implicit_resolvers = {k: [(tag, rx) for tag, rx in v if tag != timestamp]
                                   for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}

        def __init__(self, stream):
            super().__init__(stream)
            self.expanded = 0
            self.sizes: dict[int, int] = {}

        def size(self, node) -> int:
            key = id(node)
            if key not in self.sizes:
                self.sizes[key] = 1  # a node that contains itself counts once
                if isinstance(node, yaml.SequenceNode):
                    self.sizes[key] = 1 + sum(self.size(n) for n in node.value)
                elif isinstance(node, yaml.MappingNode):
                    self.sizes[key] = 1 + sum(self.size(k) + self.size(v) for k, v in node.value)
            return self.sizes[key]

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                node = self.anchors.get(event.anchor)
                if node is not None:
                    self.expanded += self.size(node)
                    if self.expanded > MAX_YAML_NODES:
                        raise yaml.composer.ComposerError(None, None, f"aliases (*name) that repeat more than {MAX_YAML_NODES:,} values",
                                                          event.start_mark)
            return super().compose_node(parent, index)

    BoundedLoader.add_constructor(timestamp, yaml.SafeLoader.construct_yaml_str)
    return BoundedLoader


def read_yaml(folder: Path, out) -> tuple[str, object] | None:
    """(file name, parsed content) of company.yaml (or company.yml); None after reporting why it cannot be read."""
    import yaml

    path = folder / "company.yaml"
    if not _present(path) and _present(folder / "company.yml"):
        path = folder / "company.yml"
    if not _present(path):
        out.add("company.yaml", None, None, "no such file",
                "a company.yaml with at least `name: Your company` (run `smbkit init` for a template)", kind="missing")
        return None
    data = read_input_file(path, out, inside=folder, limit=MAX_YAML_BYTES)
    if data is None:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        out.add(path.name, None, None, f"bytes that are not UTF-8 text (at byte {e.start})", "UTF-8 text", kind="encoding")
        return None
    try:
        loader = _bounded_loader()(text)
        try:
            raw = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(e, "problem", None) or str(e).splitlines()[0]
        out.add(path.name, line, None, f"text that is not valid YAML ({what})",
                "lines of `key: value`, e.g. `name: Rosemary Bakery`", kind="yaml")
        return None
    except RecursionError:
        out.add(path.name, None, None, "values nested too deeply", "lines of `key: value`, e.g. `name: Rosemary Bakery`", kind="yaml")
        return None
    return path.name, raw
