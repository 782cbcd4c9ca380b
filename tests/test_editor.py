"""The data editor: the tables as text, every change checked by load_company, saving a new dated copy only.
tests/test_browser.py drives the page with the keyboard in Chromium."""

import datetime as dt
import shutil

import pandas as pd
import pytest
from conftest import SAMPLE, folder_digest

import smbkit
from smbkit.editor import ROWS_PER_PAGE, Draft, _Editor, copy_name, data_editor

DAY = dt.date(2026, 10, 5)


@pytest.fixture
def company(tmp_path):
    folder = tmp_path / "bakery"
    shutil.copytree(SAMPLE, folder)
    return folder


def test_the_draft_holds_every_table_as_the_loader_reads_it(company):
    draft = Draft(company)
    loaded = smbkit.load_company(company)
    assert list(draft.tables) == list(loaded.tables)  # the contract's order, employees first
    employees = draft.tables["employees"]
    assert employees.header == list(pd.read_csv(company / "employees.csv", nrows=0).columns)
    assert employees.rows[0][:2] == ["E0001", "Sofia Novak"] and len(employees.rows) == len(loaded.employees)
    assert draft.check() == [] and draft.unreadable == []


def test_an_edit_is_checked_with_the_rules_of_smbkit_validate(company):
    draft = Draft(company)
    draft.set("employees", 0, "employment_type", "fulltime")
    problems = draft.check()
    with pytest.raises(smbkit.InputError) as refused:  # the same folder edited by hand: the same message
        bad = company.parent / "by-hand"
        shutil.copytree(company, bad)
        emp = bad / "employees.csv"
        emp.write_text(emp.read_text(encoding="utf-8").replace(",full_time,", ",fulltime,", 1), encoding="utf-8")
        smbkit.load_company(bad)
    assert [str(p) for p in problems] == [str(p) for p in refused.value.problems]
    assert (problems[0].file, problems[0].row, problems[0].column) == ("employees.csv", 2, "employment_type")
    draft.set("employees", 0, "employment_type", "full_time")
    assert draft.check() == []


def test_links_between_files_are_checked_too(company):
    draft = Draft(company)
    draft.set("skills", 0, "employee_id", "NOBODY")
    problems = draft.check()
    assert [(p.file, p.row, p.column) for p in problems] == [("skills.csv", 2, "employee_id")]
    assert "NOBODY" in problems[0].found and draft.problems_of("skills") == problems and draft.problems_of("employees") == []


def test_rows_are_added_and_deleted(company):
    draft = Draft(company)
    n = len(draft.tables["skills"].rows)
    i = draft.add_row("skills")
    assert i == n and draft.check() == []  # an empty last row is ignored, as in a spreadsheet
    draft.set("skills", i, "employee_id", "E0001")
    assert {p.column for p in draft.check()} == {"skill", "proficiency"}  # a started row must be complete
    draft.set("skills", i, "skill", "sourdough")
    draft.set("skills", i, "proficiency", "3")
    assert draft.check() == []
    draft.delete_row("skills", 0)
    assert len(draft.tables["skills"].rows) == n and draft.check() == []


def test_saving_writes_a_new_dated_copy_and_never_touches_the_original(company, tmp_path):
    before = folder_digest(company)
    draft = Draft(company)
    draft.set("employees", 1, "fte", "0.5")
    first = draft.save(tmp_path / "saved", day=DAY)
    second = draft.save(tmp_path / "saved", day=DAY)
    assert (first.name, second.name) == ("bakery-2026-10-05", "bakery-2026-10-05-2")
    assert folder_digest(company) == before  # the folder opened is never written to
    copy = smbkit.load_company(first)
    assert copy.employees["fte"].iloc[1] == 0.5 and smbkit.load_company(company).employees["fte"].iloc[1] == 0.6
    assert sorted(p.name for p in first.iterdir()) == sorted(p.name for p in company.iterdir())
    again = Draft(first).save(tmp_path / "saved", day=dt.date(2026, 10, 6))
    assert again.name == "bakery-2026-10-06"  # a copy of a copy is named after the company, not the copy


def test_saving_is_refused_with_problems_or_inside_the_company_folder(company, tmp_path):
    draft = Draft(company)
    draft.set("employees", 0, "hire_date", "2014/09/30")
    with pytest.raises(ValueError, match=r"1 problem; fix it before saving \(first: employees.csv, row 2, column hire_date"):
        draft.save(tmp_path / "saved", day=DAY)
    draft.set("employees", 0, "hire_date", "2014-09-30")
    with pytest.raises(ValueError, match="cannot save inside the company folder"):
        draft.save(company / "edits", day=DAY)
    assert not (tmp_path / "saved").exists() and not (company / "edits").exists()


def test_excel_tables_are_edited_and_saved_as_csv(company, tmp_path):
    skills = pd.read_csv(company / "skills.csv")
    (company / "skills.csv").unlink()
    skills.to_excel(company / "skills.xlsx", index=False)
    draft = Draft(company)
    assert draft.tables["skills"].rows[0] == [str(v) for v in skills.iloc[0]]
    draft.set("skills", 0, "proficiency", "9")
    assert [(p.file, p.row, p.column) for p in draft.check()] == [("skills.csv", 2, "proficiency")]
    draft.set("skills", 0, "proficiency", "2")
    copy = draft.save(tmp_path / "saved", day=DAY)
    assert (copy / "skills.csv").exists() and not (copy / "skills.xlsx").exists()  # one place per table
    assert smbkit.load_company(copy).skills["proficiency"].iloc[0] == 2


def test_copy_names_carry_the_day():
    assert copy_name("acme", DAY) == "acme-2026-10-05"
    assert copy_name("acme-2026-10-01-3", DAY) == "acme-2026-10-05"


def _editor(company, tmp_path):
    return _Editor(Draft(company), tmp_path / "saved")


def _box(editor, row_shown, column):
    header = editor.draft.tables[editor.table].header
    return editor.rows[row_shown][1][header.index(column)]


def test_the_page_marks_a_bad_cell_and_says_why_beside_its_row(company, tmp_path):
    ed = _editor(company, tmp_path)
    assert "No problems" in ed.status.value and ed.picker.value == "employees"
    cell = _box(ed, 0, "employment_type")
    cell.value = "fulltime"
    assert "smbkit-bad" in cell._dom_classes and "allowed: one of full_time" in cell.tooltip
    label, _, _, message = ed.rows[0]
    assert "Row 2: employment_type: found &#x27;fulltime&#x27;" in message.value and message.layout.display is None
    assert "1 problem</b> to fix before saving" in ed.status.value
    assert ed.picker.options[0][0] == "employees (109 rows, 1 problem)"
    cell.value = "full_time"
    assert "smbkit-bad" not in cell._dom_classes and message.layout.display == "none" and "No problems" in ed.status.value


def test_the_page_goes_to_the_next_problem_in_any_table(company, tmp_path):
    ed = _editor(company, tmp_path)
    ed.draft.set("skills", 30, "proficiency", "7")
    ed.draft.set("employees", 0, "fte", "2")
    ed._recheck()
    ed._to_next_problem(None)
    assert (ed.table, ed.first, ed.cursor[1:]) == ("employees", 0, (2, ed.draft.tables["employees"].header.index("fte")))
    ed._to_next_problem(None)  # the next one is in another table, on another page of rows
    assert ed.table == "skills" and ed.first == 30 // ROWS_PER_PAGE * ROWS_PER_PAGE
    assert _box(ed, 30 - ed.first, "proficiency").value == "7" and "smbkit-bad" in _box(ed, 30 - ed.first, "proficiency")._dom_classes


def test_the_page_adds_deletes_pages_and_saves(company, tmp_path):
    ed = _editor(company, tmp_path)
    n = len(ed.draft.tables["employees"].rows)
    ed._add(None)
    assert len(ed.draft.tables["employees"].rows) == n + 1 and ed.first == n // ROWS_PER_PAGE * ROWS_PER_PAGE
    _box(ed, n - ed.first, "employee_id").value = "E9999"
    assert "6 problems" in ed.status.value  # the other required cells of the new row
    ed._save(None)
    assert "Not saved" in ed.saved.value and not (tmp_path / "saved").exists()
    ed._delete(n - ed.first)(None)
    assert len(ed.draft.tables["employees"].rows) == n and "No problems" in ed.status.value
    ed._page(0)
    assert ed.previous.disabled and not ed.next.disabled and "rows 2–13 of 110" in ed.where.value
    _box(ed, 1, "name").value = "Felix Larsen-Berg"
    ed._save(None)
    saved = [p for p in (tmp_path / "saved").iterdir()]
    assert len(saved) == 1 and "Saved</b> as a new folder" in ed.saved.value and str(saved[0]) in ed.saved.value
    assert smbkit.load_company(saved[0]).employees["name"].iloc[1] == "Felix Larsen-Berg"


def test_the_saved_copy_is_offered_when_the_app_lists_its_folder(company, tmp_path, monkeypatch):
    monkeypatch.setenv("SMBKIT_DATA", str(company))
    monkeypatch.setenv("SMBKIT_SAVE", str(tmp_path / "saved"))
    box = data_editor(company)
    buttons = [b for c in box.children for b in getattr(c, "children", ()) if getattr(b, "description", "") == "Save as a new copy"]
    buttons[0].click()
    link = box.children[-1].value
    assert "Open the saved copy" in link and "00_start_here.ipynb?company=bakery-" in link


def test_an_invalid_company_opens_in_the_editor_with_its_problems(company, tmp_path):
    emp = company / "employees.csv"
    emp.write_text(emp.read_text(encoding="utf-8").replace(",full_time,", ",fulltime,", 1), encoding="utf-8")
    ed = _editor(company, tmp_path)
    assert "1 problem</b>" in ed.status.value and "smbkit-bad" in _box(ed, 0, "employment_type")._dom_classes
