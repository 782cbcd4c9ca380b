"""Showing results in a notebook and saving every shown table for the report.

A notebook makes one `Page` and shows its tables through it, so that the same table the owner
sees is the one written to ``out_dir/tables/NN_name__table.csv``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .data import Company
from .errors import SmbkitWarning
from .text import header, humanise

__all__ = ["Page", "safe_for_spreadsheet", "neutralise", "escape_markdown", "html_table", "chart_png", "chart_alt", "text_as_typed",
           "FORMULA_PREFIXES", "KEY_METADATA", "TABLE_CSS", "TEXT_AS_TYPED", "WIDGET_NOTE"]

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Google Sheets
# (OWASP "CSV injection"); smbkit prefixes such text with an apostrophe.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Characters that start Markdown anywhere in a line (CommonMark and GitHub's extensions: emphasis,
# code, links and images, strike-through, math in Jupyter): each is put behind a backslash, which
# CommonMark allows before any ASCII punctuation. HTML's own characters become entities.
_MARKDOWN_INLINE = re.compile(r"([\\`*_~\[\]$#|])")
_HTML_CHARS = {"<": "&lt;", ">": "&gt;"}
# "&" only needs care where it would start an entity ("&lt;" typed in a name stays "&lt;"); elsewhere it shows as typed
_ENTITY_START = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# Bare addresses that GitHub-flavoured Markdown would turn into live links by themselves
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(:)(?=//)|(?<=www)(\.)|(@)")
# What starts a block at the beginning of a line: a heading, quote, list item or rule
_BLOCK_START = re.compile(r"^([-+=>]|\d+[.)])")
# Text in charts is drawn as typed: matplotlib would typeset "$...$" in a team or skill name as
# TeX, or stop with a parse error on it (a name is data, never markup)
TEXT_AS_TYPED = {"text.parse_math": False}
_KEY_RE = re.compile(r"^[a-z0-9_]+$")
_SNAKE_WORD = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")
CHART_DPI = 100
# Said where interactive controls would stand, in batch runs and in the static report.
WIDGET_NOTE = ("*The controls of this section are interactive: open the app (`smbkit app`) or the notebook "
               "(`smbkit lab`) to move them. This report shows the plan for the chosen scenario.*")


# How smbkit's tables look wherever notebook styles do not reach (the report, the explorers' panels)
TABLE_CSS = """
table.smbkit-table{border-collapse:collapse;font-size:.9rem;margin:.5rem 0 1rem}
table.smbkit-table th{background:#eef3f7;text-align:left;padding:.3rem .6rem;border-bottom:2px solid #c9d6e0}
table.smbkit-table td{padding:.25rem .6rem;border-bottom:1px solid #eee}
td.smbkit-hidden{color:#666;font-style:italic;background:repeating-linear-gradient(45deg,#f4f4f4,#f4f4f4 4px,#fff 4px,#fff 8px)}
.smbkit-caption{font-weight:600;margin-bottom:0}
details.detail>summary{cursor:pointer;font-weight:600}
"""


def neutralise(value):
    """``value`` as a spreadsheet shows it and never runs: text that a spreadsheet would take for a
    formula gets an apostrophe in front (what Excel itself writes for typed text); anything else is
    returned as it is.

    Examples
    --------
    >>> neutralise("=HYPERLINK(1)"), neutralise("Shop"), neutralise(-5)
    ("'=HYPERLINK(1)", 'Shop', -5)
    """
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) else value


def safe_for_spreadsheet(table: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``table`` whose text cells and column names cannot be run as spreadsheet formulas."""
    out = table.copy()
    for c in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[c]) or pd.api.types.is_datetime64_any_dtype(out[c])):
            out[c] = out[c].map(neutralise)  # text, and mixed columns: every string in them
    out.columns = [neutralise(c) for c in out.columns]  # a survey dimension becomes a column name
    return out


def escape_markdown(text) -> str:
    r"""Text from data made inert for Markdown and HTML: it shows as typed, and nothing in it
    renders (no tag, image, link, emphasis or heading), whatever a team or skill is called.

    Line breaks and tabs become spaces and the text starts at the margin, so it stays one
    paragraph; smbkit's sentences are one paragraph.

    Examples
    --------
    >>> print(escape_markdown('<img src=x onerror="alert(1)">Retail'))
    &lt;img src=x onerror="alert(1)"&gt;Retail
    >>> print(escape_markdown("![x](https://x/y.png) and [link](javascript:alert(1))"))
    !\[x\](https\://x/y.png) and \[link\](javascript:alert(1))
    >>> print(escape_markdown("# top_team"), escape_markdown("1. first"), escape_markdown("- item"))
    \# top\_team 1\. first \- item
    """
    text = " ".join(str(text).split())
    text = _ENTITY_START.sub("&amp;", text)
    text = "".join(_HTML_CHARS.get(ch, ch) for ch in text)
    text = _MARKDOWN_INLINE.sub(r"\\\1", text)
    text = _AUTOLINK.sub(lambda m: "\\" + m.group(0), text)
    return _BLOCK_START.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], text)  # "- x" -> "\\- x", "1. x" -> "1\\. x"


class Page:
    """The output side of one notebook.

    Parameters
    ----------
    notebook : str
        The notebook's name, e.g. ``"01_assess_workforce"``; prefixes the table files.
    out_dir : str or Path, optional
        Where `smbkit run` collects results. Without it tables are shown but not saved.
    company : Company, optional
        Used for the minimum group size shown next to hidden cells.
    """

    def __init__(self, notebook: str, out_dir=None, company: Company | None = None):
        self.notebook = notebook
        self.company = company
        self.tables_dir = Path(out_dir) / "tables" if out_dir else None
        self.saved: list[Path] = []
        self._said: set[str] = set()  # files and reasons a skipped section has named: each is said once
        self._show_smbkit_warnings()
        for note in company.notes if company is not None else ():
            self._markdown(f"**About your data:** {escape_markdown(note)}")
        if company is not None:
            self._to_see_more()

    def _to_see_more(self):
        """One list, at the top, of the optional files this notebook could use and the company has not
        filled in, each with what it unlocks (`smbkit.notebooks.Notebook.unlocks`); the sections they
        switch on are then skipped without a note each."""
        from .notebooks import NOTEBOOKS

        shipped = {n.name: n for n in NOTEBOOKS}.get(self.notebook)
        missing = [(f, what) for f, what in (shipped.unlocks if shipped else ()) if not self.company.has(f)]
        if not missing:
            return
        self._said.update(f for f, _ in missing)
        lines = "\n".join(f"- `{f}.csv`: {escape_markdown(what)}" for f, what in missing)
        from IPython.display import Markdown

        _display(Markdown(f"**To see more in this step, fill in:**\n\n{lines}\n\nThe templates come from `smbkit init`; "
                          "the sections that need these files are left out until then."), key=SUMMARY_ONLY)

    def _show_smbkit_warnings(self):
        """From now on in this kernel, a `smbkit.errors.SmbkitWarning` is shown on the page as a plain note
        (every time it is raised); other warnings keep Python's usual handling."""
        import warnings

        previous = warnings.showwarning
        if getattr(previous, "_smbkit_page", False):  # a later Page in the same kernel takes over
            previous = previous._previous

        def show(message, category, filename, lineno, file=None, line=None):
            if issubclass(category, SmbkitWarning):
                self.note(str(message))
            else:
                previous(message, category, filename, lineno, file, line)

        show._smbkit_page, show._previous = True, previous
        warnings.showwarning = show
        warnings.filterwarnings("always", category=SmbkitWarning)

    def decisions(self, decisions: pd.DataFrame):
        """Show a "What to decide" table: its sentence, the first actions, and the full list when it is longer.

        Saved as ``what_to_decide`` (the first `smbkit.decisions.SHORTLIST`) and ``all_decisions``
        (every action, which the brief ranks across notebooks).
        """
        from .decisions import SHORTLIST, decisions_takeaway, shortlist

        columns = ["priority", "action", "why", "evidence", "cost", "effect", "risk"]
        self.say(decisions_takeaway(decisions), key=True)
        self.table(shortlist(decisions), "what_to_decide", columns=columns)
        if len(decisions) > SHORTLIST:
            self.table(decisions, "all_decisions", columns=columns, caption="Every action, in the same order")
        else:
            self.save(decisions, "all_decisions")

    def evidence(self, evidence: pd.DataFrame):
        """Show what the tests behind this notebook's actions could not yet tell, and save every test."""
        from .decisions import unclear, unclear_takeaway

        open_questions = unclear(evidence)
        self.say(unclear_takeaway(open_questions), key=True)
        if len(open_questions):
            self.table(open_questions, "not_yet_clear")
        self.save(evidence, "evidence")

    def note(self, text: str):
        """Show a caution about the result just above (a small sample, a weak fit), in plain words."""
        self._markdown(f"*Read with care:* {escape_markdown(text)}")

    def table(self, table: pd.DataFrame, key: str, *, caption: str | None = None, index: bool = False,
              columns: list[str] | None = None):
        """Show ``table`` and save it as ``NN_name__key.csv``; hidden rows are marked, not blank.

        ``columns`` limits what is shown on the page to the columns an owner needs; the saved file
        keeps them all.
        """
        from .text import identifiers

        self.save(table, key, index=index)
        if table.empty:  # saved for the record; a header with no rows tells an owner nothing (the sentence says why)
            return
        shown = table if columns is None else table[[*columns, *(["hidden"] if "hidden" in table.columns else [])]]
        caption = caption or header(key)  # every table is named (the report folds it under its name)
        _display(_HtmlTable(shown, caption, index=index, min_size=self.company.settings.min_group_size if self.company else None,
                            known=identifiers(self.company) if self.company is not None else frozenset(), fold=True))

    def save(self, table: pd.DataFrame, key: str, *, index: bool = False):
        """Save ``table`` as ``NN_name__key.csv`` without showing it (detail behind a shown summary)."""
        if not _KEY_RE.match(key):
            raise ValueError(f"table key must be lower-case letters, digits and _; got: {key!r}")
        if self.tables_dir is not None:
            self.tables_dir.mkdir(parents=True, exist_ok=True)
            path = self.tables_dir / f"{self.notebook}__{key}.csv"
            data = table.reset_index() if index else table
            safe_for_spreadsheet(data).to_csv(path, index=False, lineterminator="\n", float_format="%.6g")
            self.saved.append(path)

    def chart(self, ax, *, key: bool = False):
        """Show a chart now (so it stays next to its sentence) and free its memory.

        The chart is drawn once, straight to PNG: smbkit's figures lay themselves out
        (constrained layout), so the notebook's usual second "tight" drawing pass is not needed.
        A chart with nothing drawn on it (no data to show) is not shown: empty axes tell an owner
        nothing. ``key`` puts it in the notebook's summary in the report (`smbkit.report`).
        """
        if not any(a.has_data() for a in ax.figure.axes):
            import matplotlib.pyplot as plt

            plt.close(ax.figure)
            return
        from matplotlib.text import Text

        for text in ax.figure.findobj(Text):  # tick labels, legends and titles: names read with spaces
            shown = text.get_text()
            if "_" in shown:
                text.set_text(self._readable(shown, capital=True))
        png, img = chart_png(ax)
        _display_bundle({"image/png": png, "text/html": img}, key=key)

    def show(self, obj):
        """Show an object as it is (a widget, for instance)."""
        _display(obj)

    def say(self, text: str, *, key: bool = False):
        """Show a sentence or paragraph computed from the data, as plain text.

        The sentence is shown exactly as written: team, skill or dimension names in it cannot
        become HTML, images, links or formatting (`escape_markdown`), in the notebook, the app
        or the report. ``key`` marks one of the notebook's few findings that matter: the report
        shows it in the notebook's summary, above the folded details.
        """
        self._markdown(escape_markdown(self._readable(text)), key=key)

    def _readable(self, text: str, *, capital: bool = False) -> str:
        """``text`` with the company's snake_case names (skills, drivers, ...) written with spaces."""
        from .text import humanise, identifiers

        return humanise(text, identifiers(self.company), capital=capital) if self.company is not None else str(text)

    def _markdown(self, markdown: str, *, key: bool = False):
        """Show Markdown that smbkit wrote itself; any data in it has been through `escape_markdown`."""
        from IPython.display import Markdown

        _display(Markdown(markdown), key=key)

    def interactive(self) -> bool:
        """False in a batch run (`smbkit run` sets SMBKIT_BATCH=1 for its kernels): controls would
        render nothing on a static page, so the section says where to find them instead."""
        import os

        if os.environ.get("SMBKIT_BATCH") == "1":
            self._markdown(WIDGET_NOTE)
            return False
        return True

    def check(self, condition: bool, reason: str) -> bool:
        """``condition``, saying in plain words that the section is skipped (and why) when it is false."""
        if not condition and reason not in self._said:  # the same reason is said once per notebook
            self._said.add(reason)
            self._markdown(f"**Skipped:** {escape_markdown(reason)}.")
        return bool(condition)

    def needs_people(self) -> bool:
        """True when someone is on the books on the analysis date; otherwise say in plain words that
        the section, which is about today's people, is skipped."""
        from .people import current_employees

        if self.company is None:
            raise ValueError("Page.needs_people requires the Page to be made with company=...")
        return self.check(len(current_employees(self.company)) > 0,
                          f"nobody is on the books on the analysis date ({self.company.settings.as_of.date()}): everyone in "
                          "employees.csv has left, so there is no one to count here")

    def needs(self, *names: str) -> bool:
        """True when the page's company has every named file; otherwise say in plain words what is skipped."""
        if self.company is None:
            raise ValueError("Page.needs requires the Page to be made with company=...")
        missing = [n for n in names if not self.company.has(n)]
        if missing:
            if set(missing) <= self._said:  # named already, in the list at the top or by an earlier section
                return False
            self._said.update(missing)
            files = ", ".join(f"{n}.csv" for n in missing)  # the contract's names (company.has refuses others)
            self._markdown(f"**Skipped:** this section needs {files}, which {'is' if len(missing) == 1 else 'are'} not in "
                     f"the company folder (or empty). Fill in the template from `smbkit init` to switch it on.")
            return False
        return True


def text_as_typed(chart):
    """Decorate a chart function so that the text it draws is never read as TeX (`TEXT_AS_TYPED`)."""
    import functools

    @functools.wraps(chart)
    def drawn(*args, **kwargs):
        import matplotlib.pyplot as plt

        with plt.rc_context(TEXT_AS_TYPED):
            return chart(*args, **kwargs)

    return drawn


def chart_png(ax) -> tuple[str, str]:
    """Draw a chart once to PNG and close its figure: the PNG (base64) and an ``<img>`` tag with alt text."""
    import base64
    import io

    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    fig = ax.figure
    buf = io.BytesIO()
    with plt.rc_context(TEXT_AS_TYPED):  # tick labels made while drawing
        for text in fig.findobj(Text):  # titles, labels and legends made before
            text.set_parse_math(False)
        fig.savefig(buf, format="png", dpi=CHART_DPI, bbox_inches=None)
    plt.close(fig)
    png = base64.b64encode(buf.getvalue()).decode("ascii")
    return png, f'<img src="data:image/png;base64,{png}" alt="{html.escape(chart_alt(ax), quote=True)}">'


def chart_alt(ax) -> str:
    """Alternative text of a chart for screen readers: its title and what its axes show."""
    parts = [f"Chart: {ax.get_title() or 'untitled'}."]
    if ax.get_xlabel():
        parts.append(f"Across: {ax.get_xlabel()}.")
    if ax.get_ylabel():
        parts.append(f"Up: {ax.get_ylabel()}.")
    parts.append("The sentence next to it says what it means.")
    return " ".join(parts)


def html_table(table: pd.DataFrame, *, caption: str | None = None, index: bool = False, min_size: int | None = None) -> str:
    """A table as the HTML owners see: readable numbers, hidden cells labelled as hidden."""
    return _HtmlTable(table, caption, index=index, min_size=min_size)._repr_html_()


# Output metadata marking one of a notebook's key findings (`Page.say`, `Page.chart` with key=True);
# the report lifts these into the notebook's summary.
KEY_METADATA = {"smbkit": {"layer": "summary"}}
# ... and one said in the summary only (the list of files to fill in), not again in the details
SUMMARY_ONLY = "summary only"


def _metadata(key) -> dict | None:
    if key == SUMMARY_ONLY:
        return {"smbkit": {"layer": "summary", "only": True}}
    return KEY_METADATA if key else None


def _display_bundle(data: dict, *, key: bool = False):
    from IPython.display import display

    display(data, raw=True, metadata=_metadata(key))


def _display(obj, *, key=False):
    from IPython.display import display

    display(obj, metadata=_metadata(key))


class _HtmlTable:
    """A table rendered for owners: readable numbers, hidden cells labelled as hidden."""

    # columns that name a file, a column or a setting of the company's files: kept as typed there, so
    # the owner can find them
    _AS_TYPED = frozenset({"file", "column", "columns", "field", "setting", "key", "table", "source_file"})

    def __init__(self, table: pd.DataFrame, caption, *, index: bool, min_size: int | None, known=frozenset(), fold: bool = False):
        self.table, self.caption, self.index, self.min_size, self.known, self.fold = table, caption, index, min_size, known, fold

    def _formatted(self) -> pd.DataFrame:
        t = self.table.reset_index() if self.index else self.table.copy()
        hidden = t.pop("hidden") if "hidden" in t.columns else pd.Series(False, index=t.index)
        note = "hidden"
        out = pd.DataFrame(index=t.index)
        for c in t.columns:
            col = t[c]
            if pd.api.types.is_bool_dtype(col):
                text = pd.Series(["" if pd.isna(v) else ("yes" if v else "no") for v in col], index=col.index, dtype="object")
            elif pd.api.types.is_numeric_dtype(col):
                text = _fmt_numbers(col)
            elif pd.api.types.is_datetime64_any_dtype(col):
                text = col.dt.strftime("%Y-%m-%d").fillna("")
            else:
                text = col.astype("object").where(col.notna(), "")
                if str(c) not in self._AS_TYPED:
                    text = self._readable(text)
            text = text.astype("object")
            text[hidden.to_numpy(dtype=bool) & col.isna().to_numpy()] = note
            out[header(c)] = text
        return out

    def _readable(self, text: pd.Series) -> pd.Series:
        """Text cells with snake_case names written with spaces: the company's names anywhere in a cell,
        and a cell that is one such name (smbkit's own categories too) with a capital."""
        known = set(self.known) | {v for v in text if isinstance(v, str) and _SNAKE_WORD.fullmatch(v)}
        if not known:
            return text
        return text.map(lambda v: humanise(v, known, capital=True) if isinstance(v, str) and "_" in v else v)

    def _repr_html_(self):
        body = self._formatted().to_html(index=False, escape=True, classes="smbkit-table", border=0)
        # a table wider than its card scrolls inside it: keyboard users reach it with Tab (WCAG 2.1.1)
        body = body.replace("<table ", '<table tabindex="0" ', 1)
        body = body.replace("<td>hidden", '<td class="smbkit-hidden">hidden')
        note = f"<p class='smbkit-note'>{html.escape(self._hidden_note())}</p>" if self._any_hidden() else ""
        if self.fold:
            # detail behind the sentences and charts: folded under its name and size (opened by a click, and in
            # print by the report's style), in the notebook, the app and the report alike
            rows = len(self.table)
            name = html.escape(self.caption or "The table behind this")
            return (f'<details class="detail"><summary>{name} ({rows} row{"" if rows == 1 else "s"})</summary>'
                    f"{body}{note}</details>")
        cap = f"<p class='smbkit-caption'>{html.escape(self.caption)}</p>" if self.caption else ""
        return cap + body + note

    def _any_hidden(self) -> bool:
        return "hidden" in self.table.columns and bool(self.table["hidden"].any())

    def _hidden_note(self) -> str:
        size = f"{self.min_size} people" if self.min_size else "the minimum group size"
        return (f"Hidden: groups smaller than {size}, and groups hidden with them so that a small group "
                "cannot be worked out by subtraction from the total.")

    def __repr__(self):
        text = self._formatted().to_string(index=False)
        return text + ("\n" + self._hidden_note() if self._any_hidden() else "")


def _fmt_numbers(col: pd.Series) -> pd.Series:
    """One number format per column: whole numbers plain, others with the decimals their size needs."""
    values = pd.to_numeric(col, errors="coerce").astype("float64")
    finite = values.dropna()
    if finite.empty or (finite == finite.round()).all() or finite.abs().max() >= 1000:
        digits = 0
    elif finite.abs().max() >= 10:
        digits = 1
    else:
        digits = 2
    # whole numbers in a mixed column (counts beside rates in a measure/value table) print without decimals
    return values.map(lambda v: "" if np.isnan(v) else f"{v:,.0f}" if v == round(v) else f"{v:,.{digits}f}").astype("object")
