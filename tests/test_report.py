"""report.html, brief.html and the PDF: self-contained, no code, the brief first, alt text everywhere."""

import re

from conftest import SAMPLE, person, run_cli, write_company

from smbkit.notebooks import NOTEBOOKS as SHIPPED
from smbkit.notebooks import names
from smbkit.report import find_chromium

NOTEBOOKS = names()


def test_report_is_self_contained_without_code(sample_runs):
    _, _, [(out, _), _] = sample_runs
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?https?:", page, re.I)
    assert "smbkit.load_company" not in page and "page.table(" not in page  # no code cells
    assert page.count("<img") >= 8 and "data:image/png;base64," in page
    for name in NOTEBOOKS:
        assert f"id='{name}'" in page
    assert "Rosemary &amp; Rye Bakery" in page and "2026-09-30" in page


def test_report_opens_with_the_decision_brief_and_every_chart_has_alt_text(sample_runs):
    _, _, [(out, _), _] = sample_runs
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.index("id='brief'") < page.index(f"id='{NOTEBOOKS[0]}'")
    assert page.count("<img") == page.count('alt="Chart: ') >= 8
    assert page.count("analysis date 2026-09-30</p>") >= len(NOTEBOOKS) + 1  # a stamp on every section
    brief = (out / "brief.html").read_text(encoding="utf-8")
    rows = re.findall(r"<td class='n'>(\d+)</td>", brief)
    assert 3 <= len(rows) <= 7
    sources = set(re.findall(r"href='report.html#(\d\d_[a-z_]+)'", brief))
    assert len(sources) >= 4  # the brief hears every part of the business
    assert "<script" not in brief.lower() and "Add a human review step" in brief


def test_pdf_needs_chromium_and_says_so(tmp_path):
    import os
    import subprocess
    import sys

    data = write_company(tmp_path / "co", employees=[person(f"E{i}") for i in range(6)])
    env = dict(os.environ, PATH=os.path.dirname(sys.executable))  # no browser on this PATH
    r = subprocess.run([sys.executable, "-m", "smbkit.cli", "run", "--data", str(data), "--out", str(tmp_path / "out"),
                        "--notebooks", "01", "--pdf"], capture_output=True, text=True, env=env)
    assert r.returncode == 1 and "apt-get install chromium" in r.stderr and "Traceback" not in r.stderr
    assert (tmp_path / "out" / "report.html").exists()


def test_pdf_is_printed_with_chromium(tmp_path):
    assert find_chromium(), "the PDF test needs Chromium: apt-get install chromium (.ci/run does)"
    data = write_company(tmp_path / "co", employees=[person(f"E{i}") for i in range(6)])
    r = run_cli("run", "--data", data, "--out", tmp_path / "out", "--notebooks", "01", "--pdf")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out" / "report.pdf").read_bytes()[:5] == b"%PDF-"


def test_report_and_brief_forbid_scripts_and_any_network_load(sample_runs):
    from smbkit.report import CONTENT_SECURITY_POLICY

    _, _, [(out, _), _] = sample_runs
    assert CONTENT_SECURITY_POLICY.startswith("default-src 'none'; img-src data:; style-src 'unsafe-inline'")
    for name in ("report.html", "brief.html"):
        head = (out / name).read_text(encoding="utf-8").split("</head>")[0]
        assert f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">' in head


def test_a_report_section_drops_scripts_a_notebook_output_carries(tmp_path):
    import nbformat

    from smbkit.report import section

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"application/javascript": "alert(1)", "text/plain": "js"}),
                    nbformat.v4.new_output("display_data", data={"text/html": "<b>ok</b><script>alert(2)</script><SCRIPT src=x>"})]
    nb.cells = [nbformat.v4.new_markdown_cell("# T"), cell]
    path = tmp_path / "09_test.ipynb"
    nbformat.write(nb, str(path))
    _, body = section(path)
    assert "<script" not in body.lower() and "alert" not in body and "<b>ok</b>" in body


def test_every_table_is_folded_under_a_summary_and_the_brief_is_not(sample_runs):
    """Layers: sentences and charts first, each shown table folded under a <details> naming it and its rows; the
    print style opens them."""
    _, _, [(out, _), _] = sample_runs
    page = (out / "report.html").read_text(encoding="utf-8")
    folds = re.findall(r'<details class="detail"><summary>(.*?) \((\d+) rows?\)</summary>(.*?)</details>', page, re.S)
    tables = page.count('class="dataframe smbkit-table"')
    assert tables > 20 and len(folds) == tables
    for _, rows, inner in folds:
        assert inner.count("<tr") - 1 == int(rows)
    brief = page[page.index("id='brief'"):page.index("</section>")]
    assert "<details" not in brief and "<table" in brief
    assert "details.detail::details-content,details.layer::details-content{display:block" in page  # open when printed


def test_each_notebook_opens_with_its_summary_and_folds_its_details(sample_runs):
    """Layers: the brief, then per notebook its question, key findings and key charts; every section of the
    notebook (each table folded again) under one <details> that names what it holds."""
    _, _, [(out, _), _] = sample_runs
    page = (out / "report.html").read_text(encoding="utf-8")
    for nb in SHIPPED:
        start = page.index(f"id='{nb.name}'>")
        part = page[start:page.index("</section>", start)]
        summary = part[:part.index("<details class='layer'")]
        details = part[part.index("<details class='layer'"):]
        charts_in_details = details.count("<img ")
        m = re.search(r"every section, with (\d+) charts? and (\d+) tables?,", details)
        assert m and int(m.group(1)) == charts_in_details and int(m.group(2)) == details.count('class="dataframe smbkit-table"')
        assert nb.question in summary and "<table" not in summary  # sentences and charts only; tables are details
        assert summary.count("<p>") >= 1 and summary.count("<img ") <= 2
        assert re.search(r"actions? comes? out of these numbers|Nothing in these numbers calls for action", summary)
        assert "href='#brief'" in part  # back to the brief
    assert page.index("id='glossary'") > page.index(f"id='{SHIPPED[-1].name}'")
    assert "full-time equivalent" in page


def test_the_sentences_smbkit_writes_read_at_grade_8_or_below(sample_runs):
    """Every sentence computed from the data (the notebooks' sentences and notes, the actions and their reasons),
    pooled, at a Flesch-Kincaid grade of 8 or below on the sample company."""
    import json

    import pandas as pd
    from readability import grade, sentences

    _, _, [(out, _), _] = sample_runs
    said = []
    for path in sorted((out / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for o in cell.get("outputs", []):
                said += sentences(re.sub(r"[*`\\]", "", "".join(o.get("data", {}).get("text/markdown", ""))))
    for path in sorted((out / "tables").glob("*__what_to_decide.csv")):
        actions = pd.read_csv(path, keep_default_na=False)
        said += [f"{a}." for a in actions["action"]] + [f"{w[:1].upper()}{w[1:]}." for w in actions["why"]]
    assert len(said) > 100
    level = grade(said)
    print(f"{len(said)} sentences, Flesch-Kincaid grade {level:.1f}")
    assert level <= 8, sorted(said, key=lambda s: -grade([s]))[:10]


def test_a_company_with_only_the_two_required_files_gets_a_short_report_and_a_useful_brief(tmp_path):
    """Sparse data: one 'to see more, fill in' list per notebook that could use more (file, what it unlocks), no
    skipped-section note per section, no table without rows, and a brief with the actions those files support
    followed by what to fill in."""
    import shutil

    data = tmp_path / "two"
    data.mkdir()
    for name in ("company.yaml", "employees.csv"):
        shutil.copy(SAMPLE / name, data / name)
    out = tmp_path / "out"
    r = run_cli("run", "--data", data, "--out", out)
    assert r.returncode == 0, r.stderr
    page = (out / "report.html").read_text(encoding="utf-8")
    for nb in SHIPPED:
        start = page.index(f"id='{nb.name}'>")
        part = page[start:page.index("</section>", start)]
        assert part.count("To see more in this step, fill in") == 1, nb.name  # every notebook can use more files
        for file, _ in nb.unlocks:
            assert part.count(f"<code>{file}.csv</code>") >= 1, (nb.name, file)
        skipped = re.findall(r"Skipped:</strong>(.*?)</p>", part, re.S)
        assert len(skipped) == len(set(skipped)) and len(skipped) <= 2, (nb.name, skipped)
    rows = [int(n) for n in re.findall(r'<details class="detail"><summary>.*? \((\d+) rows?\)</summary>', page)]
    assert rows and min(rows) >= 1  # no table with a header and nothing under it
    assert page.count("<img ") >= 4  # the charts employees.csv supports (headcount, tenure, turnover, retention)
    brief = (out / "brief.html").read_text(encoding="utf-8")
    assert "Review the load of" in brief  # the span-of-control action employees.csv supports
    fill = brief[brief.index("To see more, fill in"):]
    assert fill.index("skills.csv") < fill.index("goals.csv") < fill.index("tasks.csv") < fill.index("survey_items.csv")
