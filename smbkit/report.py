"""report.html and brief.html: one self-contained page per run, and the decision brief on its own.

No code, images embedded, nothing loaded from the network. `print_pdf` prints the report with the
system's Chromium.
"""

from __future__ import annotations

import copy
import html
import re
import shutil
from pathlib import Path

import pandas as pd

from .data import Company
from .decisions import decision_brief
from .notebooks import NOTEBOOKS
from .show import TABLE_CSS, WIDGET_NOTE
from .text import GLOSSARY, count, humanise, identifiers

__all__ = ["section", "write_report", "read_decisions", "find_chromium", "print_pdf", "CONTENT_SECURITY_POLICY"]

_WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
# Outputs nbconvert would write as <script> elements: a report runs no code
_SCRIPT_MIMES = ("application/javascript", "text/javascript", "application/x-javascript")
_SCRIPT_RE = re.compile(r"<script\b.*?(</script\s*>|$)", re.I | re.S)
# The report and the brief may not run a script or load anything from anywhere (W3C CSP level 3):
# images only from data: URIs (the charts are embedded), styles only those written in the page.
CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
_TITLES = {n.name: n.title for n in NOTEBOOKS}


def _read_nb(path: Path):
    import nbformat

    return nbformat.read(str(path), as_version=4)


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------

_CSS = TABLE_CSS + """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2733;line-height:1.5;background:#fafafa}
header.page{background:#0b3d5c;color:#fff;padding:1rem 2rem}
header.page h1{margin:0;font-size:1.5rem} header.page p{margin:.2rem 0 0}
nav{position:sticky;top:0;background:#fff;border-bottom:1px solid #ddd;padding:.5rem 2rem;z-index:2}
nav a{margin-right:1.2rem;color:#0b3d5c;text-decoration:none;font-weight:600}
main{max-width:1000px;margin:0 auto;padding:1rem 2rem 4rem}
section.notebook{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:1rem 2rem;margin:1.5rem 0}
section.failed{border-color:#D55E00}
.run-note{background:#fff4e5;border-left:4px solid #D55E00;padding:.5rem 1rem}
img{max-width:100%;height:auto}
pre{white-space:pre-wrap}
footer{color:#666;font-size:.85rem;text-align:center;padding:1rem}
.stamp{color:#666;font-size:.8rem;margin:0 0 .5rem;text-align:right}
table.brief td{vertical-align:top} table.brief td.n{font-weight:700;color:#0b3d5c}
.why,.evidence{color:#444;font-size:.85rem} .muted{color:#999}
table{display:block;max-width:100%;overflow-x:auto} pre,code{overflow-wrap:anywhere}
@media (max-width:640px){main{padding:.5rem} section.notebook{padding:.5rem .8rem} nav{padding:.5rem}
header.page{padding:.8rem}}
details.detail{margin:.5rem 0 1rem;border:1px solid #e3e3e3;border-radius:4px;padding:.3rem .8rem;overflow-x:auto}
details.detail>summary,details.layer>summary{cursor:pointer;color:#0b3d5c;font-weight:600}
details.layer{margin:1rem 0 .5rem;border-top:2px solid #c9d6e0;padding-top:.5rem}
details.layer>summary{font-size:1.05rem;padding:.3rem 0}
.layer-nav{font-size:.85rem;text-align:right;margin:.3rem 0 0}
.glossary dt{font-weight:700} .glossary dd{margin:0 0 .5rem 1rem}
@media print{nav{display:none} section.notebook{border:none;page-break-before:always} body{background:#fff}
details.detail::details-content,details.layer::details-content{display:block;content-visibility:visible}
details.detail>summary,details.layer>summary{list-style:none} .layer-nav{display:none}}
"""

# A shown table (`Page.table`) comes folded under its name (`smbkit.show`); the report counts them by this mark.
_TABLE_MARK = 'class="dataframe smbkit-table"'


def _clean(nb):
    """Drop what an owner should not see in a report: code, warnings on stderr, live widgets."""
    import nbformat

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream" and o.get("name") == "stderr":
                continue
            data = o.get("data")
            if data is not None and _WIDGET_MIME in data:
                # an interactive control means nothing on a static page: say where it lives
                outputs.append(nbformat.v4.new_output("display_data", data={"text/markdown": WIDGET_NOTE}))
                continue
            if data is not None:
                for mime in _SCRIPT_MIMES:
                    data.pop(mime, None)
                if "text/html" in data:
                    data["text/html"] = _SCRIPT_RE.sub("", "".join(data["text/html"]))
                if not data:
                    continue
            outputs.append(o)
        cell["outputs"] = outputs
    nb.metadata.pop("widgets", None)
    return nb


def _body(nb) -> str:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, exclude_anchor_links=True)  # an empty link names nothing (WCAG 2.4.4)
    body, _ = exporter.from_notebook_node(_clean(nb))
    return _SCRIPT_RE.sub("", body)  # nothing else can bring one in; the policy would block it anyway


def _title(nb, name: str) -> str:
    """The notebook's title: from the shipped list, else its first heading, else its file name."""
    if name in _TITLES:
        return _TITLES[name]
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if m:
                return m.group(1).strip()
    return name


def _layer(output) -> dict:
    """What `smbkit.show` marked on an output (``{"layer": "summary"}``, ``"only"`` too for the summary alone)."""
    return output.get("metadata", {}).get("smbkit", {})


def _is_key(output) -> bool:
    return _layer(output).get("layer") == "summary"


def _layers(nb):
    """The two layers of a notebook: its summary (the opening text and the outputs marked as key
    findings, `smbkit.show.KEY_METADATA`, in order) and its details (every other cell, as run).

    Returns (summary notebook, details notebook, number of charts, number of tables in the details).
    """
    import nbformat

    summary, details = copy.deepcopy(nb), copy.deepcopy(nb)
    first = next((k for k, c in enumerate(nb.cells) if c.cell_type == "markdown"), None)
    key_outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if _is_key(o)]
    summary.cells = ([nb.cells[first]] if first is not None else []) + [
        nbformat.v4.new_code_cell(source="", outputs=key_outputs)]
    details.cells = [c for k, c in enumerate(nb.cells) if k != first]
    for cell in details.cells:  # what is said in the summary only (the files to fill in) is not said twice
        if cell.cell_type == "code":
            cell["outputs"] = [o for o in cell.get("outputs", []) if not _layer(o).get("only")]
    outputs = [o for c in details.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    charts = sum(1 for o in outputs if "image/png" in o.get("data", {}))
    tables = sum(1 for o in outputs if _TABLE_MARK in "".join(o.get("data", {}).get("text/html", "")))
    return summary, details, charts, tables


def section(path: Path) -> tuple[str, str]:
    """The report section of one executed notebook: (navigation title, HTML).

    Two layers: the summary (the notebook's question, its key findings in sentences with their
    numbers, and its key charts) and, folded under it, the details: every section as run, with
    each table folded again and the method notes. Both open when printed.
    """
    nb = _read_nb(path)
    anchor = path.stem
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    note = ""
    if errors:
        note = (f"<p class='run-note'>This notebook stopped with an error ({html.escape(errors[0].get('ename', ''))}); "
                "what it showed before the error is in the details below.</p>")
    summary, details, charts, tables = _layers(nb)
    held = " and ".join(count(n, word) for n, word in ((charts, "chart"), (tables, "table")) if n)
    fold = (f"<details class='layer' id='{anchor}-details'><summary>The full analysis: every section"
            f"{f', with {held},' if held else ''} and how each number is made</summary>{_body(details)}</details>")
    back = "<p class='layer-nav'><a href='#brief'>Back to the decision brief</a></p>"
    body = (f"<section class='notebook{' failed' if errors else ''}' id='{anchor}'>{note}"
            f"<div class='summary-layer'>{_body(summary)}</div>{fold}{back}</section>")
    return _title(nb, path.stem), body


def read_decisions(tables_dir: Path) -> dict[str, pd.DataFrame]:
    """Every notebook's "What to decide" table as written to ``tables_dir``, by notebook name."""
    return {path.stem.split("__")[0]: pd.read_csv(path, keep_default_na=False, dtype=str)
            for path in sorted(Path(tables_dir).glob("*__what_to_decide.csv"))}


def _stamp(company: Company) -> str:
    """The company name and analysis date that head every section (and every printed page)."""
    s = company.settings
    return f"<p class='stamp'>{html.escape(s.name)} · analysis date {s.as_of.date()}</p>"


def _lead(n: int, urgent: int) -> str:
    """ "The 7 actions that matter most ..., 2 of them urgent" in the right number."""
    if n == 1:
        return f"The one action that matters most{', and it is urgent,' if urgent else ' (not urgent)'}"
    return f"The {n} actions that matter most{f', {urgent} of them urgent,' if urgent else ' (none of them urgent)'}"


def _brief_section(brief: pd.DataFrame, company: Company, titles: dict) -> str:
    s = company.settings
    if brief.empty:
        return (f"<section class='notebook brief' id='brief'>{_stamp(company)}<h1>Decision brief</h1><p>No notebook found an "
                f"action the data supports yet.</p>{_fill_in_first(company, 'To get actions, fill in these files first')}</section>")
    urgent = int((brief["priority"] == "high").sum())
    rows = []
    known = identifiers(company)
    say = lambda v: html.escape(humanise(v, known, capital=True))  # noqa: E731  the company's names with spaces
    for k, r in enumerate(brief.itertuples(), start=1):
        cell = lambda v: say(v) if v else "<span class='muted'>not costed</span>"  # noqa: E731
        rows.append(f"<tr><td class='n'>{k}</td><td><strong>{say(r.action)}</strong>"
                    f"<br><span class='why'>{say(r.why)}</span>"
                    + (f"<br><span class='evidence'>Evidence: {say(r.evidence)}</span>" if r.evidence else "")
                    + f"</td><td>{cell(r.cost)}</td><td>{cell(r.effect)}</td>"
                    f"<td>{cell(r.risk)}</td><td><a href='#{r.notebook}'>{html.escape(titles.get(r.notebook, r.notebook))}</a></td></tr>")
    return (f"<section class='notebook brief' id='brief'>{_stamp(company)}"
            f"<h1>Decision brief</h1><p>{_lead(len(brief), urgent)} for {html.escape(s.name)}, "
            "gathered from the notebooks' \"What to decide\" lists: urgent before important, and among those the safest "
            "first, then those worth most; at most two from each part of the business, and the same need only once. "
            "Each action says what it rests on and links to the analysis behind it. The numbers inform; you decide.</p><table tabindex='0' class='smbkit-table brief'><thead><tr><th>#</th><th>Action and why</th><th>Cost</th>"
            "<th>Expected effect</th><th>Risk</th><th>From</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
            + _fill_in_first(company, "To see more, fill in") + "</section>")


def _fill_in_first(company: Company, lead: str) -> str:
    """What to fill in first, when the files given support no action: each optional file the
    notebooks could use and the company has not filled in, with what it unlocks, in notebook order."""
    lines, seen = [], set()
    for nb in NOTEBOOKS:
        for name, what in nb.unlocks:
            if name not in seen and not company.has(name):
                seen.add(name)
                lines.append(f"<li><code>{name}.csv</code>: {html.escape(what)} ({html.escape(nb.title)})</li>")
    if not lines:
        return ""
    return (f"<p>{lead} (templates from <code>smbkit init</code>); each switches on "
            f"part of the report:</p><ul class='fill-in'>{''.join(lines)}</ul>")


def _glossary() -> str:
    """The few terms the report keeps (`smbkit.text.GLOSSARY`), in plain words."""
    terms = "".join(f"<dt>{html.escape(t)}</dt><dd>{html.escape(d)}</dd>" for t, d in GLOSSARY.items())
    return f"<section class='notebook glossary' id='glossary'><h2>Words used</h2><dl>{terms}</dl></section>"


def _page(company: Company, links: list[str], sections: list[str]) -> str:
    s = company.settings
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(s.name)}: smbkit report, {s.as_of.date()}</title>
<style>{_CSS}</style></head>
<body>
<header class="page"><h1>{html.escape(s.name)}</h1><p>Workforce report for the analysis date {s.as_of.date()}. Groups smaller than {s.min_group_size} people are hidden.</p></header>
<nav>{''.join(links)}</nav>
<main>
{''.join(sections)}
{_glossary()}
</main>
<footer>{html.escape(s.name)} · analysis date {s.as_of.date()} · made with smbkit</footer>
</body></html>
"""


def write_report(notebooks: list[Path], target: Path, company: Company, *, rendered: dict | None = None,
                 brief: bool = True) -> Path:
    """Write one self-contained HTML page from executed notebooks (no code, images embedded, no network).

    ``rendered`` maps notebook paths to sections already made by `section`. With ``brief`` the page
    opens with the decision brief (`smbkit.decisions.decision_brief` over the "What to decide" tables in
    ``tables/`` beside ``target``), which is also written on its own as ``brief.html``.
    """
    sections, links, titles = [], [], {}
    for path in notebooks:
        title, body = (rendered or {}).get(path) or section(path)
        titles[path.stem] = title
        sections.append(body.replace(f"id='{path.stem}'>", f"id='{path.stem}'>{_stamp(company)}", 1))
        links.append(f"<a href='#{path.stem}'>{html.escape(title)}</a>")
    if brief:
        first = _brief_section(decision_brief(read_decisions(target.parent / "tables")), company, titles)
        sections.insert(0, first)
        links.insert(0, "<a href='#brief'>Decision brief</a>")
        standalone = first.replace("href='#", "href='report.html#")
        (target.parent / "brief.html").write_text(_page(company, ["<a href='report.html'>Full report</a>"], [standalone]), encoding="utf-8")
    target.write_text(_page(company, links, sections), encoding="utf-8")
    return target


CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """Path of the system's Chromium or Chrome (the PDF printer and the browser tests' browser), if any."""
    return next((found for found in map(shutil.which, CHROMIUM_NAMES) if found), None)


def print_pdf(report: Path, target: Path, *, timeout: float = 120) -> Path:
    """Print ``report`` to PDF with the system's Chromium (headless); FileNotFoundError with advice when there is none."""
    import subprocess
    import tempfile

    browser = find_chromium()
    if browser is None:
        raise FileNotFoundError("no Chromium or Chrome found to print the PDF (on Debian or Ubuntu: apt-get install chromium); "
                                f"report.html is written and any browser can print it: {report}")
    with tempfile.TemporaryDirectory() as profile:
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
               "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}", "--no-pdf-header-footer",
               f"--print-to-pdf={target}", Path(report).resolve().as_uri()]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if not target.exists() or target.stat().st_size == 0:
        raise RuntimeError(f"Chromium did not write the PDF ({done.stderr.strip().splitlines()[-1:] or 'no message'})")
    return target
