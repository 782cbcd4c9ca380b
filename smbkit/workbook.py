"""tables.xlsx: every table a run wrote, as sheets of one workbook an owner can open in a spreadsheet.

Written with XlsxWriter, row by row in constant memory (openpyxl took 8 s for the tables of a
5,000-person company), a few sheets at a time while the slowest notebook still runs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .show import FORMULA_PREFIXES
from .text import header

__all__ = ["Workbook", "write_workbook"]


def write_workbook(tables: list[Path], target: Path) -> Path:
    """All table CSVs as sheets of one workbook, for owners.

    Sheet names are the table names cut to Excel's 31 characters; headers are readable, bold and
    frozen; whole-number columns show thousands separators, other numbers two decimals (one for
    percentages). Text that a spreadsheet would run as a formula (it begins with = + - @, and was
    written to the CSV behind an apostrophe) is stored as text with Excel's quote prefix, so it is
    shown as typed and never executed. Written with XlsxWriter, row by row in constant memory
    (openpyxl took 8 s for the tables of a 5,000-person company).
    """
    book = Workbook(target)
    book.add(tables)
    return book.close()


class Workbook:
    """tables.xlsx written a few sheets at a time: `smbkit run` adds each notebook's tables as soon as
    it and the notebooks before it have finished, while the slowest notebook still runs."""

    def __init__(self, target: Path, *, tables_dir: Path | None = None, notebooks=()):
        import xlsxwriter

        self.target, self.tables_dir = Path(target), tables_dir
        self.book = xlsxwriter.Workbook(str(target), {"constant_memory": True, "strings_to_formulas": False,
                                                      "strings_to_urls": False, "strings_to_numbers": False})
        self.head = self.book.add_format({"bold": True, "bg_color": "#EEF3F7"})
        self.formats = {f: self.book.add_format({"num_format": f}) for f in ("#,##0", "#,##0.0", "#,##0.00")}
        self.quoted = self.book.add_format({"quote_prefix": True})
        self.head_quoted = self.book.add_format({"bold": True, "bg_color": "#EEF3F7", "quote_prefix": True})
        self.used: set[str] = set()
        self.index: list[tuple] = []
        self.written: set[Path] = set()
        self.waiting, self.finished = list(notebooks), set()

    def add(self, tables) -> None:
        """Add each table (a CSV written by `Page.table`) as a sheet, in the order given."""
        for path in tables:
            frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
            sheet = _sheet_name(path.stem, self.used)
            self._sheet(sheet, frame)
            self.index.append((sheet, path.name, len(frame)))
            self.written.add(path)

    def notebook_done(self, name: str) -> None:
        """A notebook has finished: add the tables of every finished notebook no earlier one waits for."""
        self.finished.add(name)
        while self.waiting and self.waiting[0] in self.finished:
            self.add(sorted(self.tables_dir.glob(f"{self.waiting.pop(0)}__*.csv")))

    def close(self) -> Path:
        """Add every table not yet in (all of them when none was added), the contents sheet, and save."""
        try:
            if self.tables_dir is not None:
                self.add([p for p in sorted(self.tables_dir.glob("*.csv")) if p not in self.written])
            self._sheet("contents", pd.DataFrame(self.index, columns=["sheet", "file", "rows"]))
            self.book.get_worksheet_by_name("contents").activate()  # the workbook opens on what it holds
        finally:
            self.book.close()
        return self.target

    def _sheet(self, name: str, frame: pd.DataFrame) -> None:
        """One table on one worksheet: the header, then every row; each column with its number format."""
        ws = self.book.add_worksheet(name)
        kinds = []
        for j, col in enumerate(frame.columns):
            values = frame[col]
            kind = None
            if pd.api.types.is_integer_dtype(values) or (pd.api.types.is_float_dtype(values) and (values.dropna() == values.dropna().round()).all()):
                kind = self.formats["#,##0"]
            elif pd.api.types.is_float_dtype(values):
                kind = self.formats["#,##0.0" if str(col).endswith("_pct") else "#,##0.00"]
            kinds.append(kind)
            width = max([len(header(col)), *values.dropna().astype("str").str.len()])
            ws.set_column(j, j, min(60, max(10, width + 2)))
            name = header(col)  # a column may be named by data (a survey dimension): shown as typed, never run
            name = name[1:] if _neutralised(name) else name
            ws.write_string(0, j, name, self.head_quoted if name.startswith(FORMULA_PREFIXES) else self.head)
        ws.freeze_panes(1, 0)
        columns = [frame[c].to_numpy(dtype=object) for c in frame.columns]
        for i in range(len(frame)):
            r = i + 1
            for j, column in enumerate(columns):
                v = column[i]
                if v is None or (isinstance(v, float) and v != v):
                    continue  # an empty cell (a hidden figure stays empty)
                if isinstance(v, float) and v in (np.inf, -np.inf):  # no number in a spreadsheet: written as the CSV has it
                    ws.write_string(r, j, "inf" if v > 0 else "-inf", self.quoted)
                elif kinds[j] is not None:
                    ws.write_number(r, j, float(v), kinds[j])
                elif isinstance(v, str):
                    if _neutralised(v):  # neutralised by Page.table: stored as typed
                        ws.write_string(r, j, v[1:], self.quoted)
                    else:
                        ws.write_string(r, j, v)
                elif isinstance(v, (bool, np.bool_)):
                    ws.write_boolean(r, j, bool(v))
                else:
                    ws.write_number(r, j, float(v))



def _neutralised(text: str) -> bool:
    """True for text `smbkit.show.neutralise` put an apostrophe before (it would otherwise run as a formula)."""
    return text[:1] == "'" and text[1:].startswith(FORMULA_PREFIXES)


def _sheet_name(stem: str, used: set[str]) -> str:
    nb, _, key = stem.partition("__")
    base = f"{nb[:2]}_{key}"[:31]
    name, k = base, 2
    while name.lower() in used:
        suffix = f"~{k}"
        name = base[: 31 - len(suffix)] + suffix
        k += 1
    used.add(name.lower())
    return name
