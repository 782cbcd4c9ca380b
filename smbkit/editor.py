"""The data editor: a company's tables as text, checked like `smbkit validate`, saved as a new dated copy.

`Draft` is the editing itself, free of any widget: the tables as the reader of `smbkit.load_company`
sees them (every cell as text, whether the file is CSV or Excel), changes to cells and rows, a
check that writes the draft into a scratch folder and runs `load_company` on it (the same rules,
the same messages, nothing re-implemented), and `Draft.save`, which writes a new folder and never
touches the one it was read from. `data_editor` is the app page over it: a paged grid of text
boxes per table, each problem beside its row with its cell marked, and buttons to add and delete
rows, move to the next problem and save, all reachable with Tab and pressed with Enter or Space.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ._files import locate_files, read_raw
from ._schema import FILES, file_spec
from ._validation import Collector, InputError, Problem
from .data import load_company

__all__ = ["Table", "Draft", "data_editor", "copy_name", "ROWS_PER_PAGE"]

ROWS_PER_PAGE = 12  # rows shown at once: a page of text boxes stays quick to draw and fits a laptop screen
_DATED = re.compile(r"-\d{4}-\d{2}-\d{2}(-\d+)?$")


@dataclass
class Table:
    """One input table as text: its file name without extension, its header and its rows."""

    name: str
    header: list[str]
    rows: list[list[str]]

    @property
    def file(self) -> str:
        """The file the draft writes it to (and that problems name)."""
        return f"{self.name}.csv"


def copy_name(folder_name: str, day: dt.date) -> str:
    """The name of a dated copy of a company folder: its name (without an earlier copy's date) and the day.

    Examples
    --------
    >>> import datetime as dt
    >>> copy_name("bakery", dt.date(2026, 5, 1))
    'bakery-2026-05-01'
    >>> copy_name("bakery-2026-04-30-2", dt.date(2026, 5, 1))
    'bakery-2026-05-01'
    """
    return f"{_DATED.sub('', folder_name)}-{day.isoformat()}"


@dataclass
class Draft:
    """A company folder's tables being edited, checked with the rules of `smbkit.load_company`.

    Parameters
    ----------
    folder : Path
        The company folder. It is read once and never written to.
    """

    folder: Path
    tables: dict[str, Table] = field(default_factory=dict)
    unreadable: list[Problem] = field(default_factory=list)  # files the reader could not turn into a table
    problems: list[Problem] = field(default_factory=list)  # of the last `check`
    sources: list[Path] = field(default_factory=list)  # the files the tables came from (not copied on save)

    def __post_init__(self):
        self.folder = Path(self.folder)
        out = Collector()
        places = locate_files(self.folder, out)
        for spec in FILES:  # the contract's order: employees first
            if spec.name in places:
                raw = read_raw(places[spec.name], out, inside=self.folder)
                self.sources.append(places[spec.name][1])
                if raw is not None:
                    cols = [raw.columns.get(h) for h in raw.header]
                    rows = [[c.cell(i) if c is not None else "" for c in cols] for i in range(raw.nrows)]
                    self.tables[spec.name] = Table(spec.name, list(raw.header), rows)
        self.unreadable = out.finish()
        self._scratch = tempfile.TemporaryDirectory(prefix="smbkit-edit-")
        self._dirty = set(self.tables)

    # -- changes -------------------------------------------------------------------------------

    def set(self, table: str, row: int, column: str, value: str) -> None:
        """Set one cell (``row`` counts data rows from 0; the spreadsheet row is ``row + 2``)."""
        t = self.tables[table]
        t.rows[row][t.header.index(column)] = str(value).strip()
        self._dirty.add(table)

    def add_row(self, table: str) -> int:
        """Add an empty row at the end of a table; returns its index."""
        t = self.tables[table]
        t.rows.append([""] * len(t.header))
        self._dirty.add(table)
        return len(t.rows) - 1

    def delete_row(self, table: str, row: int) -> None:
        """Remove a row of a table."""
        del self.tables[table].rows[row]
        self._dirty.add(table)

    # -- checking ------------------------------------------------------------------------------

    def _write(self, target: Path, names) -> None:
        for name in names:
            t = self.tables[name]
            with open(target / t.file, "w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f, lineterminator="\n")
                writer.writerow(t.header)
                # an empty last row is what a spreadsheet leaves behind; the reader skips those too
                rows = list(t.rows)
                while rows and not any(c.strip() for c in rows[-1]):
                    rows.pop()
                writer.writerows(rows)

    def check(self) -> list[Problem]:
        """Every problem `smbkit.load_company` finds in the draft (empty when it would load).

        The draft is written as CSV files into a scratch folder beside a copy of company.yaml, so
        a problem names the table's CSV file, the spreadsheet row (header = row 1) and the column.
        """
        scratch = Path(self._scratch.name)
        if not (scratch / "company.yaml").exists() and (self.folder / "company.yaml").exists():
            shutil.copyfile(self.folder / "company.yaml", scratch / "company.yaml")
        self._write(scratch, sorted(self._dirty))
        self._dirty.clear()
        try:
            load_company(scratch)
        except InputError as e:
            self.problems = [p for p in e.problems if p.file != str(scratch)]
        else:
            self.problems = []
        return self.problems

    def problems_of(self, table: str) -> list[Problem]:
        """The problems of the last check that name ``table``'s file."""
        return [p for p in self.problems if p.file == self.tables[table].file]

    def other_problems(self) -> list[Problem]:
        """Problems of the last check that name no table being edited (company.yaml, a missing file)."""
        files = {t.file for t in self.tables.values()}
        return [p for p in self.problems if p.file not in files]

    # -- saving --------------------------------------------------------------------------------

    def save(self, root, *, day: dt.date | None = None) -> Path:
        """Write the draft as a new company folder under ``root`` and return it.

        The folder is named `copy_name` (``-2``, ``-3``, ... when that name is taken), holds every
        file of the original folder except the tables' own files, and each table as CSV. It is
        checked with `smbkit.load_company` once written.

        Raises
        ------
        ValueError
            The draft has problems (fix them first), or ``root`` lies inside the company folder.
        """
        problems = self.check() + self.unreadable
        if problems:
            raise ValueError(f"the data has {len(problems)} problem{'s' if len(problems) != 1 else ''}; "
                             f"fix {'them' if len(problems) != 1 else 'it'} before saving (first: {problems[0]})")
        root = Path(root).resolve()
        if root.is_relative_to(self.folder.resolve()):
            raise ValueError(f"cannot save inside the company folder {self.folder}: it is never changed; choose another folder")
        root.mkdir(parents=True, exist_ok=True)
        base = copy_name(self.folder.name, day or dt.date.today())
        target, n = root / base, 1
        while target.exists():
            n += 1
            target = root / f"{base}-{n}"
        sources = {p.resolve() for p in self.sources}
        shutil.copytree(self.folder, target, ignore=lambda d, names: [n for n in names if (Path(d) / n).resolve() in sources])
        self._write(target, list(self.tables))
        load_company(target)
        return target


# ---------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------

EDITOR_CSS = """
.smbkit-editor a { color: var(--jp-content-link-color, #1a5fb4); text-decoration: underline; }
.smbkit-editor .smbkit-bad input { outline: 2px solid #D55E00; background: #FFF1EA; }
.smbkit-editor .smbkit-rowmsg { grid-column: 1 / -1; color: #A33B00; padding: 0 0 4px 5.5em; line-height: 1.3; }
.smbkit-editor .smbkit-grid > *, .smbkit-editor .smbkit-grid .widget-html-content { min-width: 0; overflow: hidden; }
.smbkit-editor .smbkit-head { display: block; font-weight: bold; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.smbkit-editor .smbkit-cell .widget-label { width: 0; min-width: 0; margin: 0; padding: 0; overflow: hidden; }
.smbkit-editor .smbkit-cell input { min-width: 5em; }
"""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class _Editor:
    """The widgets of `data_editor` and what their buttons do."""

    def __init__(self, draft: Draft, save_root: Path):
        import ipywidgets as w

        self.draft, self.save_root, self.w = draft, save_root, w
        self.table = next(iter(draft.tables), None)
        self.first = 0  # index of the first row shown
        self.cursor = (-1, 0, -1)  # (table, spreadsheet row, column) of the last problem gone to
        self.loading = False
        draft.check()
        self.picker = w.Dropdown(description="Table", options=self._table_options(), value=self.table,
                                 style={"description_width": "initial"})
        self.status = w.HTML()
        self.status.add_class("smbkit-status")
        self.previous = w.Button(description="Previous rows", tooltip="Show the rows before these")
        self.next = w.Button(description="Next rows", tooltip="Show the rows after these")
        self.where = w.HTML()
        self.next_problem = w.Button(description="Go to the next problem", tooltip="Show the next flagged cell and put the cursor in it",
                                     layout=w.Layout(width="auto"))
        self.add = w.Button(description="Add a row", icon="plus", tooltip="Add an empty row at the end of this table",
                            layout=w.Layout(width="auto"))
        self.save = w.Button(description="Save as a new copy", icon="save", button_style="primary", layout=w.Layout(width="auto"),
                             tooltip="Write a new dated copy of the company folder; the folder you opened stays as it is")
        self.saved = w.HTML()
        self.grid = w.GridBox(layout=w.Layout(overflow="auto", grid_gap="2px 6px", align_items="center"))
        self.grid.add_class("smbkit-grid")
        self.picker.observe(self._pick, names="value")
        self.previous.on_click(lambda _: self._page(self.first - ROWS_PER_PAGE))
        self.next.on_click(lambda _: self._page(self.first + ROWS_PER_PAGE))
        self.next_problem.on_click(self._to_next_problem)
        self.add.on_click(self._add)
        self.save.on_click(self._save)
        self.box = w.VBox([w.HTML(f"<style>{EDITOR_CSS}</style>"), self.picker, self.status,
                           w.HBox([self.previous, self.where, self.next, self.next_problem]), self.grid,
                           w.HBox([self.add, self.save]), self.saved])
        self.box.add_class("smbkit-editor")
        self._build()

    # -- drawing -------------------------------------------------------------------------------

    def _table_options(self):
        out = []
        for name, t in self.draft.tables.items():
            bad = len(self.draft.problems_of(name))
            out.append((f"{name} ({_plural(len(t.rows), 'row')}{', ' + _plural(bad, 'problem') if bad else ''})", name))
        return out

    def _build(self) -> None:
        """Lay out the grid for the current table: a header, then a row of boxes per shown row."""
        w = self.w
        if self.table is None:
            self.grid.children = ()
            self._refresh()
            return
        t = self.draft.tables[self.table]
        columns = {c.name: c for c in file_spec(self.table).columns}
        # Widgets share their layout and style where they can: every model is sent to the browser
        # when the page opens, and a page of rows is a few hundred widgets (this made it 2.5x fewer).
        from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

        plain, cell_style, html_style = w.Layout(), TextStyle(description_width="0px"), HTMLStyle()
        heads = [w.HTML("<span class='smbkit-head'>row</span>", layout=plain, style=html_style),
                 w.HTML("", layout=plain, style=html_style)]
        for name in t.header:
            col = columns.get(name)
            what = col.meaning if col else "kept and ignored by smbkit"
            if col and col.choices:
                what += f" (one of: {', '.join(col.choices)})"
            heads.append(w.HTML(f"<span class='smbkit-head' title='{html.escape(what, quote=True)}'>{html.escape(name)}</span>",
                                layout=plain, style=html_style))
        self.rows, self.row_layouts = [], []
        cells = []
        button_style = w.ButtonStyle()
        for k in range(ROWS_PER_PAGE):
            row_layout, delete_layout, message_layout = w.Layout(width="auto"), w.Layout(width="7em"), w.Layout()
            label = w.HTML(layout=row_layout, style=html_style)
            boxes = []
            for name in t.header:
                box = w.Text(continuous_update=False, layout=row_layout, style=cell_style)
                box.add_class("smbkit-cell")
                box.observe(self._edited(k, name), names="value")
                boxes.append(box)
            delete = w.Button(description="Delete", icon="trash", layout=delete_layout, style=button_style)
            delete.on_click(self._delete(k))
            # the row's problems on a line of their own right under it, across the grid: in view
            # however wide the table, where the eye goes after the marked cell
            message = w.HTML(layout=message_layout, style=html_style)
            message.add_class("smbkit-rowmsg")
            self.rows.append((label, boxes, delete, message))
            self.row_layouts.append((row_layout, delete_layout, message_layout))
            cells += [label, delete, *boxes, message]
        self.grid.layout.grid_template_columns = f"4.5em 7em repeat({len(t.header)}, minmax(7em, 1fr))"
        self.grid.children = tuple(heads + cells)
        self._refresh()

    def _refresh(self) -> None:
        """Show the current rows' values, marks and messages, the page position and the status."""
        self.loading = True
        try:
            self.picker.options = self._table_options()
            self.picker.value = self.table
            if self.table is not None:
                self._fill_rows()
        finally:
            self.loading = False
        self.status.value = self._status_html()

    def _fill_rows(self) -> None:
        t = self.draft.tables[self.table]
        by_row: dict[int, list[Problem]] = {}
        for p in self.draft.problems_of(self.table):
            by_row.setdefault(p.row, []).append(p)
        self.first = int(max(0, min(self.first, max(0, len(t.rows) - 1) // ROWS_PER_PAGE * ROWS_PER_PAGE)))
        for k, (label, boxes, delete, message) in enumerate(self.rows):
            i = self.first + k
            shown = i < len(t.rows)
            sheet_row = i + 2
            row_layout, delete_layout, message_layout = self.row_layouts[k]
            row_layout.display = delete_layout.display = None if shown else "none"
            if not shown:
                message_layout.display = "none"
                continue
            label.value = f"row {sheet_row}"
            row_problems = by_row.get(sheet_row, [])
            bad = {p.column: p for p in row_problems}
            for name, box in zip(t.header, boxes):
                box.value = t.rows[i][t.header.index(name)]
                box.description = f"{name}, row {sheet_row}"
                if name in bad:
                    box.add_class("smbkit-bad")
                    box.tooltip = f"{name}: found {bad[name].found}; allowed: {bad[name].allowed}"
                else:
                    box.remove_class("smbkit-bad")
                    box.tooltip = None
            delete.tooltip = f"Delete row {sheet_row}"
            delete.description = "Delete"
            message.value = "".join(f"<div>Row {sheet_row}: {html.escape(self._say(p))}</div>" for p in row_problems)
            message_layout.display = None if row_problems else "none"
        last = min(len(t.rows), self.first + ROWS_PER_PAGE)
        shown_rows = f"rows {self.first + 2}–{last + 1}" if last > self.first + 1 else f"row {self.first + 2}"
        self.where.value = f"<span>{shown_rows} of {len(t.rows) + 1} (header = row 1)</span>" if t.rows else "no rows"
        self.previous.disabled = self.first == 0
        self.next.disabled = last >= len(t.rows)

    @staticmethod
    def _say(p: Problem) -> str:
        return (f"{p.column}: " if p.column else "") + f"found {p.found}; allowed: {p.allowed}"

    def _status_html(self) -> str:
        d = self.draft
        problems = d.problems + d.unreadable
        if not problems:
            return "<p role='status'><b>No problems:</b> the data passes every check of <code>smbkit validate</code>.</p>"
        mine = d.problems_of(self.table) if self.table else []
        beside = [p for p in mine if p.row is not None]
        listed = [p for p in problems if p not in beside]  # of other files, or of this table but no one row
        items = "".join(f"<li>{html.escape(str(p))}</li>" for p in listed[:6])
        rest = f"<li>and {len(listed) - 6} more</li>" if len(listed) > 6 else ""
        return (f"<p role='status'><b>{_plural(len(problems), 'problem')}</b> to fix before saving"
                f"{f', {len(beside)} beside their rows below' if beside else ''}.</p>"
                + (f"<ul>{items}{rest}</ul>" if listed else ""))

    # -- actions -------------------------------------------------------------------------------

    def _recheck(self) -> None:
        self.draft.check()
        self.saved.value = ""
        self._refresh()

    def _edited(self, k: int, column: str):
        def on_change(change):
            if self.loading:
                return
            self.draft.set(self.table, self.first + k, column, change["new"])
            self._recheck()
        return on_change

    def _delete(self, k: int):
        def on_click(_):
            t = self.draft.tables[self.table]
            i = self.first + k
            if i >= len(t.rows):
                return
            self.draft.delete_row(self.table, i)
            self._recheck()
            boxes = self.rows[min(k, max(0, len(t.rows) - 1 - self.first))][1]
            if t.rows and boxes:
                boxes[0].focus()
        return on_click

    def _add(self, _) -> None:
        i = self.draft.add_row(self.table)
        self.first = i // ROWS_PER_PAGE * ROWS_PER_PAGE
        self._recheck()
        self.rows[i - self.first][1][0].focus()

    def _pick(self, change) -> None:
        if self.loading or change["new"] is None:
            return
        self.table, self.first = change["new"], 0
        self._build()

    def _page(self, first: int) -> None:
        self.first = max(0, first)
        self._refresh()

    def _to_next_problem(self, _) -> None:
        """Show the flagged cell after the last one gone to (in the tables' order, wrapping round) and focus it."""
        d = self.draft
        order = list(d.tables)
        flagged = []
        for name in order:
            header = d.tables[name].header
            for p in d.problems_of(name):
                if p.row is not None:
                    flagged.append(((order.index(name), p.row, header.index(p.column) if p.column in header else -1), name, p))
        if not flagged:
            self.status.value = self._status_html() + "<p>No flagged cell to go to.</p>"
            return
        flagged.sort(key=lambda f: f[0])
        later = [f for f in flagged if f[0] > self.cursor]
        self.cursor, name, p = (later or flagged)[0]
        row = int(p.row)
        self.first = (row - 2) // ROWS_PER_PAGE * ROWS_PER_PAGE
        if name != self.table:
            self.table = name
            self._build()
        else:
            self._refresh()
        boxes = self.rows[row - 2 - self.first][1]
        boxes[max(0, self.cursor[2])].focus()

    def _save(self, _) -> None:
        from .app import START, Companies, company_link

        try:
            target = self.draft.save(self.save_root)
        except ValueError as e:
            self.saved.value = f"<p role='alert'><b>Not saved:</b> {html.escape(str(e))}</p>"
            return
        name = target.name
        listed = Companies.from_env().folder(name)
        link = (f" <a href='{company_link(START, name)}' target='_blank' rel='noopener'>Open the saved copy</a> (its start page, where every page shows it)."
                if listed is not None and listed.resolve() == target.resolve() else "")
        self.saved.value = (f"<p role='status'><b>Saved</b> as a new folder, <code>{html.escape(str(target))}</code>; "
                            f"the folder you opened is unchanged.{link}</p>")


def data_editor(folder, *, save_dir=""):
    """The data editor page for a company folder (valid or not): returns the widget to show.

    Parameters
    ----------
    folder : str or Path
        The company folder; read once, never written to.
    save_dir : str or Path, optional
        Where saved copies go; empty for the app's folder of companies (`smbkit.app.Companies`).
    """
    from .app import Companies

    root = Path(save_dir) if str(save_dir).strip() else Companies.from_env().save_root
    return _Editor(Draft(Path(folder)), root).box
