"""tables.xlsx: one sheet per table, readable headers and formats, formula-like text never runs."""

import re

import pandas as pd
from openpyxl import load_workbook

from smbkit.show import Page
from smbkit.text import header
from smbkit.workbook import write_workbook


def test_tables_are_csv_and_xlsx_and_at_least_ten(sample_runs):
    _, _, [(out, _), _] = sample_runs
    csvs = sorted((out / "tables").glob("*.csv"))
    assert len(csvs) >= 10
    assert all(re.match(r"^\d\d_[a-z_]+__[a-z0-9_]+\.csv$", p.name) for p in csvs)
    wb = load_workbook(out / "tables.xlsx", read_only=True)
    assert len(wb.sheetnames) == len(csvs) + 1  # plus a contents sheet
    contents = pd.read_excel(out / "tables.xlsx", sheet_name="contents")
    assert sorted(contents["File"]) == [p.name for p in csvs]  # readable headers here too
    hc = pd.read_excel(out / "tables.xlsx", sheet_name="01_headcount_by_team")
    csv = pd.read_csv(out / "tables" / "01_assess_workforce__headcount_by_team.csv")
    pd.testing.assert_frame_equal(hc, csv.rename(columns=header), check_dtype=False)  # same values, readable headers


def test_workbook_is_readable_and_never_runs_a_formula(tmp_path):
    page = Page("09_test", tmp_path)
    page.save(pd.DataFrame({"comment": ["=HYPERLINK(\"http://x\",\"y\")", "@SUM(A1)", "fine"], "share_pct": [12.345, 50.0, 7.1],
                            "people": [3, 10, 1200]}), "risky")
    csv = (tmp_path / "tables" / "09_test__risky.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in csv and "'@SUM" in csv
    book = load_workbook(write_workbook(page.saved, tmp_path / "t.xlsx"))
    ws = book["09_risky"]
    assert [c.value for c in ws[1]] == ["Comment", "Share (%)", "People"]
    assert ws["A2"].value == '=HYPERLINK("http://x","y")' and ws["A2"].data_type == "s" and ws["A2"].quotePrefix
    assert ws["B2"].number_format == "#,##0.0" and ws["C4"].number_format == "#,##0"
    assert ws["A1"].font.bold


def test_a_column_named_like_a_formula_is_stored_as_text(tmp_path):
    page = Page("09_test", tmp_path)
    page.save(pd.DataFrame({"=HYPERLINK(\"http://x\",\"y\")": [1.5], "team": ["Shop"]}), "named")
    csv = (tmp_path / "tables" / "09_test__named.csv").read_text(encoding="utf-8")
    assert csv.startswith("\"'=HYPERLINK(") or csv.startswith("'=HYPERLINK(")
    ws = load_workbook(write_workbook(page.saved, tmp_path / "t.xlsx"))["09_named"]
    assert ws["A1"].value == '=HYPERLINK("http://x","y")' and ws["A1"].data_type == "s" and ws["A1"].quotePrefix
    assert ws["A1"].font.bold and not ws["B1"].quotePrefix


def test_an_infinite_figure_does_not_stop_the_workbook(tmp_path):
    page = Page("09_test", tmp_path)
    page.save(pd.DataFrame({"ratio": [1.5, float("inf"), -float("inf")]}), "ratios")
    ws = load_workbook(write_workbook(page.saved, tmp_path / "t.xlsx"))["09_ratios"]
    assert [ws[f"A{k}"].value for k in (2, 3, 4)] == [1.5, "inf", "-inf"]


def test_the_workbook_opens_on_its_contents_sheet(tmp_path):
    page = Page("09_test", tmp_path)
    page.save(pd.DataFrame({"a": [1, 2]}), "first")
    page.save(pd.DataFrame({"b": [3]}), "second")
    book = load_workbook(write_workbook(page.saved, tmp_path / "t.xlsx"))
    assert book.active.title == "contents"
    assert [r[0].value for r in book["contents"].iter_rows(min_row=2)] == ["09_first", "09_second"]
