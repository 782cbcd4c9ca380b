"""The loader against a corpus of broken company folders, and the formats it must accept."""

import re

import pandas as pd
import pytest
from conftest import SAMPLE, folder_digest, person, run_cli, write_company

import smbkit
from smbkit import cli
from smbkit._schema import FILES
from smbkit.data import InputError


def _edit_csv(folder, name, fn):
    path = folder / f"{name}.csv"
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    t = fn(t)
    t.to_csv(path, index=False)


def _set(name, row, column, value):
    def fn(folder):
        def edit(t):
            t.loc[row, column] = value
            return t

        _edit_csv(folder, name, edit)

    return fn


def _replace_text(filename, old, new):
    def fn(folder):
        path = folder / filename
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")

    return fn


def _write(filename, data: bytes):
    def fn(folder):
        (folder / filename).write_bytes(data)

    return fn


def _drop_column(name, column):
    return lambda folder: _edit_csv(folder, name, lambda t: t.drop(columns=[column]))


def _duplicate_row(name, row):
    return lambda folder: _edit_csv(folder, name, lambda t: pd.concat([t, t.iloc[[row]]], ignore_index=True))


def _manager_loop(folder):
    def edit(t):
        t.loc[0, "manager_id"] = t.loc[5, "employee_id"]
        t.loc[5, "manager_id"] = t.loc[0, "employee_id"]
        return t

    _edit_csv(folder, "employees", edit)


def _latin1(folder):
    path = folder / "employees.csv"
    text = path.read_text(encoding="utf-8").replace("Sofia Novak", "Sofía Novák")
    path.write_bytes(text.encode("latin-1"))


def _xlsx_and_csv(folder):
    pd.read_csv(folder / "drivers.csv").to_excel(folder / "drivers.xlsx", index=False)


def _probabilities(folder):
    _edit_csv(folder, "scenarios", lambda t: t.assign(probability=t["probability"].replace("0.25", "0.3")))


# (id, how to break the sample, the message must match this regex)
CORPUS = [
    ("no-employees", lambda f: (f / "employees.csv").unlink(), r"employees\.csv: found no such file"),
    ("no-yaml", lambda f: (f / "company.yaml").unlink(), r"company\.yaml: found no such file"),
    ("broken-yaml", _write("company.yaml", b"name: [Rosemary\nas_of: 2026-09-30\n"), r"company\.yaml, row \d+: found text that is not valid YAML"),
    ("yaml-list", _write("company.yaml", b"- name\n- as_of\n"), r"company\.yaml: found a list instead of key: value lines"),
    ("yaml-no-name", _replace_text("company.yaml", "name: Rosemary & Rye Bakery\n", ""), r"company\.yaml, column name: found no value"),
    ("min-group-2", _replace_text("company.yaml", "min_group_size: 5", "min_group_size: 2"), r"column min_group_size: found 2; allowed: .*never below 3"),
    ("bad-as-of", _replace_text("company.yaml", "as_of: 2026-09-30", "as_of: 30.09.2026"), r"column as_of: found '30\.09\.2026'; allowed: a date YYYY-MM-DD"),
    ("missing-column", _drop_column("employees", "team"), r"employees\.csv, row 1, column team: found no column 'team'"),
    ("duplicate-id", _duplicate_row("employees", 1), r"employees\.csv, row 111, column employee_id: found 'E0002' again \(first at row 3\)"),
    ("fte-too-big", _set("employees", 3, "fte", "1.5"), r"employees\.csv, row 5, column fte: found '1\.5'; allowed: a number from 0\.01 to 1"),
    ("fte-text", _set("employees", 0, "fte", "full"), r"employees\.csv, row 2, column fte: found 'full'"),
    ("negative-cost", _set("employees", 2, "annual_cost", "-5"), r"row 4, column annual_cost: found '-5'; allowed: a number from 0 to 1,000,000,000,000,000"),
    ("bad-choice", _set("employees", 4, "employment_type", "intern"), r"row 6, column employment_type: found 'intern'; allowed: one of full_time, part_time, contractor, freelancer"),
    ("bad-date-format", _set("employees", 6, "hire_date", "31/12/2020"), r"row 8, column hire_date: found '31/12/2020'; allowed: a date YYYY-MM-DD"),
    ("impossible-date", _set("employees", 7, "hire_date", "2021-02-30"), r"row 9, column hire_date: found '2021-02-30'"),
    ("blank-required", _set("employees", 8, "team", ""), r"row 10, column team: found a blank cell; allowed: text"),
    ("exit-before-hire", _set("employees", 9, "exit_date", "2001-01-01"), r"row 11, column exit_date: found 2001-01-01 before hire_date"),
    ("exit-after-as-of", _set("employees", 10, "exit_date", "2027-01-01"), r"row 12, column exit_date: found 2027-01-01, after as_of 2026-09-30"),
    ("unknown-manager", _set("employees", 11, "manager_id", "E9999"), r"row 13, column manager_id: found 'E9999'; allowed: an employee_id from employees\.csv"),
    ("manager-loop", _manager_loop, r"employees\.csv, row 2, column manager_id: found a management loop"),
    ("no-people", lambda f: _edit_csv(f, "employees", lambda t: t.iloc[0:0]), r"employees\.csv, row 2: found no people"),
    ("skills-unknown-person", _set("skills", 0, "employee_id", "X1"), r"skills\.csv, row 2, column employee_id: found 'X1'"),
    ("proficiency-5", _set("skills", 1, "proficiency", "5"), r"skills\.csv, row 3, column proficiency: found '5'; allowed: a whole number from 0 to 4"),
    ("skills-duplicate-key", _duplicate_row("skills", 0), r"skills\.csv, row \d+, column employee_id, skill: found .* again"),
    ("unknown-driver", _set("roles", 4, "driver", "weather"), r"roles\.csv, row 6, column driver: found 'weather'; allowed: a driver from drivers\.csv"),
    ("driver-without-units", _set("roles", 4, "units_per_fte", ""), r"roles\.csv, row 6, column units_per_fte: found a blank cell for a role with a driver"),
    ("probabilities", _probabilities, r"scenarios\.csv, column probability: found probabilities that add up to 1\.1"),
    ("history-month", _set("driver_history", 0, "month", "2024-13"), r"driver_history\.csv, row 2, column month: found '2024-13'; allowed: a month YYYY-MM"),
    ("unknown-task", _set("automation_options", 0, "task_id", "T99"), r"automation_options\.csv, row 2, column task_id: found 'T99'"),
    ("reverse-coded", _set("survey_items", 0, "reverse_coded", "maybe"), r"survey_items\.csv, row 2, column reverse_coded: found 'maybe'; allowed: true or false"),
    ("answer-out-of-scale", _set("survey_responses", 0, "ps1", "6"), r"survey_responses\.csv, row 2, column ps1: found '6'; allowed: a whole number from 1 to 5"),
    ("linked-anonymous-survey", (lambda f: _edit_csv(f, "survey_responses", lambda t: t.assign(employee_id=["E0002"] + [""] * (len(t) - 1)))),
     r"survey_responses\.csv, row 2, column employee_id: found an employee_id in an anonymous survey"),
    ("repeated-respondent", _set("survey_responses", 1, "respondent_id", "R01-58836"),
     r"survey_responses\.csv, row 3, column respondent_id: found 'R01-58836' again in wave 2025-03-31; allowed: one row per respondent_id and wave"),
    ("attended-more-than-invited", _set("events", 0, "attended", "999"), r"events\.csv, row 2, column attended: found 999 attended of \d+ invited"),
    ("goal-parent", _set("goals", 1, "parent_goal_id", "G42"), r"goals\.csv, row 3, column parent_goal_id: found 'G42'"),
    ("self-tie", lambda f: _edit_csv(f, "interactions", lambda t: t.assign(target_id=t["source_id"]).iloc[:1]), r"interactions\.csv, row 2, column target_id: found a tie from a person to themselves"),
    ("empty-file", _write("learning.csv", b""), r"learning\.csv: found an empty file"),
    ("latin-1", _latin1, r"employees\.csv, row 2: found bytes that are not UTF-8 text"),
    ("duplicate-header", _write("drivers.csv", b"driver,driver,unit\na,1,x\n"), r"drivers\.csv, row 1, column driver: found the column 'driver' twice"),
    ("too-many-cells", _write("drivers.csv", b"driver,current_value,unit\na,1,x,surplus\n"), r"drivers\.csv, row 2: found 4 cells but the header has 3 columns"),
    ("csv-and-xlsx", _xlsx_and_csv, r"drivers\.csv: found the same data in 2 places \(drivers\.csv, drivers\.xlsx\)"),
]


@pytest.mark.parametrize("case", CORPUS, ids=[c[0] for c in CORPUS])
def test_broken_folder_is_refused_with_a_precise_message(case, sample_copy, capsys):
    _, breaker, pattern = case
    breaker(sample_copy)
    before = folder_digest(sample_copy)
    with pytest.raises(InputError) as err:
        smbkit.load_company(sample_copy)
    assert re.search(pattern, str(err.value)), str(err.value)
    # the command says the same, exits 2, prints no traceback and changes nothing
    assert cli.main(["validate", str(sample_copy)]) == 2
    captured = capsys.readouterr()
    assert re.search(pattern, captured.err)
    assert "Traceback" not in captured.err + captured.out
    assert folder_digest(sample_copy) == before


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 20


def test_every_problem_is_reported_at_once(sample_copy):
    _set("employees", 3, "fte", "2")(sample_copy)
    _set("skills", 1, "proficiency", "9")(sample_copy)
    _replace_text("company.yaml", "min_group_size: 5", "min_group_size: 1")(sample_copy)
    with pytest.raises(InputError) as err:
        smbkit.load_company(sample_copy)
    assert len(err.value.problems) == 3
    assert str(err.value).startswith(f"3 problems in company folder {sample_copy}:")


def test_a_systematic_mistake_is_summarised_not_repeated(sample_copy):
    _edit_csv(sample_copy, "absences", lambda t: t.assign(start_date="01.02.2025"))
    with pytest.raises(InputError) as err:
        smbkit.load_company(sample_copy)
    problems = err.value.problems
    assert sum(p.column == "start_date" and p.row is not None for p in problems) == 10
    assert any(p.row is None and p.found.endswith("more rows with the same problem") for p in problems)


def test_cli_validate_in_a_real_process_exits_2_without_traceback(sample_copy):
    _set("employees", 3, "fte", "1.5")(sample_copy)
    result = run_cli("validate", sample_copy)
    assert result.returncode == 2
    assert "employees.csv, row 5, column fte: found '1.5'" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_validate_accepts_the_sample():
    result = run_cli("validate", SAMPLE)
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


def test_minimal_folder_loads_with_optional_tables_absent(tmp_path):
    c = smbkit.load_company(write_company(tmp_path / "c", employees=[person("A")]))
    assert c.skills is None and not c.has("skills")
    assert c.settings.min_group_size == 5 and c.settings.currency == "USD" and c.settings.weeks_per_year == 47
    assert c.employees.loc[0, "fte"] == 1.0


def test_csv_with_byte_order_mark_loads(tmp_path):
    folder = write_company(tmp_path / "c", employees=[person("A")])
    path = folder / "employees.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert smbkit.load_company(folder).employees["employee_id"].tolist() == ["A"]


def test_unknown_columns_are_kept_and_ignored(tmp_path):
    c = smbkit.load_company(write_company(tmp_path / "c", employees=[person("A", shoe_size="44")]))
    assert c.employees.loc[0, "shoe_size"] == "44"


def test_xlsx_files_load_like_csv(tmp_path, sample):
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "company.yaml").write_text((SAMPLE / "company.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    for name in ("employees", "skills", "drivers", "driver_history"):
        pd.read_csv(SAMPLE / f"{name}.csv", dtype=str, keep_default_na=False).to_excel(folder / f"{name}.xlsx", index=False)
    c = smbkit.load_company(folder)
    pd.testing.assert_frame_equal(c.employees, sample.employees)
    pd.testing.assert_frame_equal(c.skills, sample.skills)
    pd.testing.assert_frame_equal(c.driver_history, sample.driver_history)
    assert c.sources["employees"] == "employees.xlsx"


def test_xlsx_typed_cells_dates_and_numbers(tmp_path):
    folder = write_company(tmp_path / "c", employees=[person("A")])
    (folder / "employees.csv").unlink()
    frame = pd.DataFrame([person("A", fte=0.5)])
    frame["hire_date"] = pd.Timestamp("2020-01-01")  # a real Excel date cell
    frame.to_excel(folder / "employees.xlsx", index=False)
    c = smbkit.load_company(folder)
    assert c.employees.loc[0, "hire_date"] == pd.Timestamp("2020-01-01")
    assert c.employees.loc[0, "fte"] == 0.5


def test_one_workbook_with_a_sheet_per_file(tmp_path, sample):
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "company.yaml").write_text((SAMPLE / "company.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    with pd.ExcelWriter(folder / "company.xlsx") as xw:
        for name in ("employees", "roles", "drivers"):
            pd.read_csv(SAMPLE / f"{name}.csv", dtype=str, keep_default_na=False).to_excel(xw, sheet_name=name, index=False)
    c = smbkit.load_company(folder)
    pd.testing.assert_frame_equal(c.roles, sample.roles)
    assert c.sources["roles"] == "company.xlsx, sheet roles"


def test_problem_in_a_workbook_names_the_sheet(tmp_path):
    folder = write_company(tmp_path / "c", employees=[person("A")])
    with pd.ExcelWriter(folder / "company.xlsx") as xw:
        pd.DataFrame({"employee_id": ["A"], "skill": ["x"], "proficiency": [7]}).to_excel(xw, sheet_name="skills", index=False)
    with pytest.raises(InputError, match=r"company\.xlsx, sheet skills, row 2, column proficiency: found '7'"):
        smbkit.load_company(folder)


def test_missing_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such folder"):
        smbkit.load_company(tmp_path / "nope")


def test_confidential_survey_may_carry_employee_ids(sample_copy):
    _replace_text("company.yaml", "survey_linkage: anonymous", "survey_linkage: confidential")(sample_copy)
    _edit_csv(sample_copy, "survey_responses", lambda t: t.assign(employee_id=["E0002"] + [""] * (len(t) - 1)))
    assert smbkit.load_company(sample_copy).survey_responses.loc[0, "employee_id"] == "E0002"


def test_every_contract_file_is_in_the_sample(sample):
    assert set(sample.tables) == {f.name for f in FILES}
    assert all(not t.empty for t in sample.tables.values())


# ---------------------------------------------------------------------------------------------
# Hostile input: files that are not files, sizes, YAML aliases, values beyond what the analyses hold
# ---------------------------------------------------------------------------------------------


def _refused(folder, pattern, capsys):
    """load_company and `smbkit validate` both refuse ``folder`` with a message matching ``pattern``."""
    before = folder_digest(folder)
    with pytest.raises(InputError) as err:
        smbkit.load_company(folder)
    assert re.search(pattern, str(err.value)), str(err.value)
    assert cli.main(["validate", str(folder)]) == 2
    captured = capsys.readouterr()
    assert re.search(pattern, captured.err) and "Traceback" not in captured.err + captured.out
    assert folder_digest(folder) == before
    return str(err.value)


def test_a_date_beyond_what_the_analyses_can_count_with_is_refused(sample_copy, capsys):
    _set("employees", 3, "hire_date", "9999-12-31")(sample_copy)
    _set("absences", 0, "start_date", "1066-10-14")(sample_copy)
    _set("driver_history", 0, "month", "2263-01")(sample_copy)
    _refused(sample_copy, r"employees\.csv, row 5, column hire_date: found '9999-12-31'; allowed: a date YYYY-MM-DD from 1900-01-01 "
             r"to 2199-12-31", capsys)
    message = str(pytest.raises(InputError, smbkit.load_company, sample_copy).value)
    assert "absences.csv, row 2, column start_date: found '1066-10-14'" in message
    assert "driver_history.csv, row 2, column month: found '2263-01'; allowed: a month YYYY-MM from 1900-01 to 2199-12" in message


@pytest.mark.parametrize("as_of, found", [("9999-12-31", "'9999-12-31'"), ("2026-13-45", "'2026-13-45'"),
                                          ("!!timestamp 2026-13-45", "'2026-13-45'"), ("1800-01-01", "'1800-01-01'")])
def test_an_analysis_date_that_is_no_date_or_out_of_range_is_refused(sample_copy, capsys, as_of, found):
    _replace_text("company.yaml", "as_of: 2026-09-30", f"as_of: {as_of}")(sample_copy)
    _refused(sample_copy, rf"company\.yaml, column as_of: found {found}; allowed: a date YYYY-MM-DD from 1900-01-01 to 2199-12-31", capsys)


@pytest.mark.parametrize("file, column, value", [("employees", "annual_cost", "1e308"), ("automation_options", "annual_cost", "1e308"),
                                                 ("drivers", "current_value", "1e300"), ("scenarios", "change_pct", "1e300"),
                                                 ("events", "invited", "1e30"), ("goals", "target", "-1e300"),
                                                 ("interactions", "weight", "1e-320"), ("employees", "fte", "1e-300")])
def test_a_number_that_would_overflow_the_analyses_is_refused(sample_copy, capsys, file, column, value):
    _set(file, 0, column, value)(sample_copy)
    _refused(sample_copy, rf"{file}\.csv, row 2, column {column}: found '{re.escape(value)}'; allowed: a (whole )?number from", capsys)


def test_a_huge_whole_number_in_company_yaml_is_refused(sample_copy, capsys):
    _replace_text("company.yaml", "min_group_size: 5", "min_group_size: 1" + "0" * 400)(sample_copy)
    _replace_text("company.yaml", "horizon_months: 12", "horizon_months: .inf")(sample_copy)
    message = _refused(sample_copy, r"company\.yaml, column min_group_size: found 1000.*; allowed: a whole number from 3 to 100", capsys)
    assert "column horizon_months: found inf; allowed: a whole number from 1 to 60" in message


def test_a_setting_given_a_list_or_mapping_is_refused(sample_copy, capsys):
    _replace_text("company.yaml", "name: Rosemary & Rye Bakery", "name: [Rosemary, Rye]")(sample_copy)
    _refused(sample_copy, r"company\.yaml, column name: found a list of values; allowed: one value: text", capsys)


def _alias_bomb(depth: int) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for k in range(1, depth):
        lines.append(f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 9) + "]")
    return "name: Bakery\n" + "\n".join(lines) + f"\nindustry: *a{depth - 1}\n"


def test_a_yaml_alias_bomb_is_refused_before_it_grows(sample_copy, capsys):
    import time

    (sample_copy / "company.yaml").write_text(_alias_bomb(4), encoding="utf-8")  # 6,561 values: harmless, still refused
    _refused(sample_copy, r"company\.yaml, row \d+: found text that is not valid YAML \(aliases \(\*name\) that repeat more than 1,000 "
             r"values\)", capsys)
    (sample_copy / "company.yaml").write_text(_alias_bomb(12), encoding="utf-8")  # 9**12 values if expanded
    start = time.perf_counter()
    with pytest.raises(InputError, match="aliases"):
        smbkit.load_company(sample_copy)
    assert time.perf_counter() - start < 5


def test_a_few_yaml_aliases_are_fine(tmp_path):
    folder = write_company(tmp_path / "c", employees=[person("A")])
    (folder / "company.yaml").write_text("name: &n Test Co\nindustry: *n\nas_of: 2025-12-31\n", encoding="utf-8")
    assert smbkit.load_company(folder).settings.industry == "Test Co"


@pytest.mark.parametrize("length", [131_073, 40_000])
def test_a_cell_longer_than_excel_holds_is_refused_with_its_row_and_column(sample_copy, capsys, length):
    _set("survey_responses", 2, "comment", "x" * length)(sample_copy)
    message = _refused(sample_copy, rf"survey_responses\.csv, row 4, column comment: found a cell of {length:,} characters; allowed: "
                       r"at most 32,767 characters", capsys)
    assert "x" * 100 not in message  # the cell is not echoed


def test_a_long_refused_value_is_echoed_cut(sample_copy, capsys):
    _set("employees", 0, "fte", "9" * 200)(sample_copy)
    message = _refused(sample_copy, r"employees\.csv, row 2, column fte: found '9{60}…' \(200 characters\)", capsys)
    assert "9" * 61 not in message


def test_a_header_wider_than_excel_is_refused(sample_copy, capsys):
    (sample_copy / "events.csv").write_text(",".join(f"c{k}" for k in range(20_000)) + "\n", encoding="utf-8")
    _refused(sample_copy, r"events\.csv, row 1: found 20,000 columns; allowed: at most 16,384 columns", capsys)


def test_a_named_pipe_in_place_of_a_file_is_refused_without_waiting(sample_copy):
    import os

    (sample_copy / "absences.csv").unlink()
    os.mkfifo(sample_copy / "absences.csv")
    import subprocess
    import sys

    try:
        r = subprocess.run([sys.executable, "-m", "smbkit.cli", "validate", str(sample_copy)], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("smbkit validate waited for ever on a named pipe")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "absences.csv: found a named pipe (FIFO), not a file (not read); allowed: a regular file in the company folder" in r.stderr


def test_a_link_out_of_the_company_folder_is_neither_followed_nor_echoed(sample_copy, tmp_path, capsys):
    secret = tmp_path / "secret.csv"
    secret.write_text("TOP_SECRET_TOKEN,hunter2\nx,y\n", encoding="utf-8")
    (sample_copy / "absences.csv").unlink()
    (sample_copy / "absences.csv").symlink_to(secret)
    message = _refused(sample_copy, r"absences\.csv: found a link to a file outside the company folder \(not read\)", capsys)
    assert "TOP_SECRET" not in message and "hunter2" not in message and str(secret) not in message


def test_a_link_inside_the_company_folder_is_read(sample_copy):
    (sample_copy / "absences.csv").rename(sample_copy / "absences.data")
    (sample_copy / "absences.csv").symlink_to("absences.data")
    assert smbkit.load_company(sample_copy).has("absences")


def test_a_dangling_link_and_a_folder_in_place_of_a_file_are_refused(sample_copy, capsys):
    (sample_copy / "absences.csv").unlink()
    (sample_copy / "absences.csv").symlink_to(sample_copy / "gone.csv")
    (sample_copy / "events.csv").unlink()
    (sample_copy / "events.csv").mkdir()
    message = _refused(sample_copy, r"absences\.csv: found a link to a file that does not exist", capsys)
    assert "events.csv: found a folder, not a file (not read)" in message


def test_a_file_over_the_size_limit_is_refused_unread(sample_copy, capsys):
    with open(sample_copy / "interactions.csv", "r+b") as f:
        f.truncate(300 * 2 ** 20)  # sparse: no disk is used, and nothing reads it
    _refused(sample_copy, r"interactions\.csv: found a file of 300 MiB; allowed: at most 256 MiB", capsys)


def test_a_workbook_that_unpacks_past_the_limit_is_refused(tmp_path, monkeypatch):
    from smbkit import _files

    monkeypatch.setattr(_files, "MAX_FILE_BYTES", 2 ** 20)
    folder = write_company(tmp_path / "c", employees=[person("A")])
    pd.DataFrame({"event_id": [f"E{k}" for k in range(40_000)], "date": "2025-01-01", "invited": 5, "attended": 3}).to_excel(
        folder / "events.xlsx", index=False)
    assert (folder / "events.xlsx").stat().st_size < 2 ** 20
    with pytest.raises(InputError, match=r"events\.xlsx: found a workbook of \d+ MiB unpacked; allowed: at most 1 MiB unpacked"):
        smbkit.load_company(folder)


def test_blank_lines_inside_and_at_the_end_keep_spreadsheet_row_numbers(tmp_path):
    folder = write_company(tmp_path / "c", employees=[person("A"), person("B")])
    path = folder / "employees.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0], lines[1], "", lines[2].replace(",1.0,", ",7,")]) + "\n\n\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        smbkit.load_company(folder)
    text = str(err.value)
    assert "employees.csv, row 3, column employee_id: found a blank cell" in text
    assert "employees.csv, row 4, column fte: found '7'" in text


def test_a_device_in_place_of_a_file_is_refused(sample_copy, capsys):
    import os
    import socket
    import stat

    (sample_copy / "events.csv").unlink()
    try:
        os.mknod(sample_copy / "events.csv", stat.S_IFCHR | 0o600, os.makedev(1, 3))  # /dev/null's numbers
        kind = "a character device"
    except PermissionError:  # without CAP_MKNOD: a socket, which anyone may make, is no regular file either
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(sample_copy / "events.csv"))
        sock.close()
        kind = "a socket"
    _refused(sample_copy, rf"events\.csv: found {kind}, not a file \(not read\)", capsys)


def test_a_misspelt_column_is_named_with_a_suggestion_and_the_rest_still_checked(sample_copy):
    """One pass: the misspelt header, a bad cell in another column of the same file and a bad cell in another file."""
    _replace_text("employees.csv", "employment_type", "employmnet_type")(sample_copy)
    _set("employees", 3, "fte", "2")(sample_copy)
    _set("skills", 1, "proficiency", "9")(sample_copy)
    with pytest.raises(InputError) as err:
        smbkit.load_company(sample_copy)
    text = [str(p) for p in err.value.problems]
    assert any("no column 'employment_type'" in t and "(is it 'employmnet_type'?)" in t for t in text), text
    assert any("employees.csv, row 5, column fte" in t for t in text), text
    assert any(t.startswith("skills.csv, row 3, column proficiency") for t in text), text
    assert [p.file for p in err.value.problems] == sorted(p.file for p in err.value.problems)


def test_headers_match_ignoring_case_and_spaces_with_a_note(sample_copy):
    _replace_text("employees.csv", "employee_id,", " Employee_ID ,")(sample_copy)
    c = smbkit.load_company(sample_copy)
    assert "employee_id" in c.employees.columns
    assert "employees.csv: column 'Employee_ID' read as 'employee_id'" in c.notes  # the reader strips the spaces


def test_an_allowed_value_misspelt_gets_a_did_you_mean(sample_copy):
    _set("employees", 0, "employment_type", "fulltime")(sample_copy)
    with pytest.raises(InputError) as err:
        smbkit.load_company(sample_copy)
    assert "found 'fulltime' (did you mean 'full_time'?)" in str(err.value)


def test_a_table_given_twice_is_not_also_called_missing(sample_copy):
    pd.read_csv(sample_copy / "employees.csv", dtype=str).to_excel(sample_copy / "employees.xlsx", index=False)
    with pytest.raises(InputError) as err:
        smbkit.load_company(sample_copy)
    text = str(err.value)
    assert "the same data in 2 places" in text and "no such file" not in text


def test_problems_across_files_are_found_in_the_same_pass_as_bad_cells(sample_copy):
    """One pass: a bad cell, a reference to nobody in another file and a manager loop, all in one validate; the row
    with the bad cell is not checked again across files (its bad cell would only be echoed)."""
    _set("employees", 3, "fte", "2")(sample_copy)
    _set("employees", 3, "exit_date", "not a date")(sample_copy)  # same row: reported once, as the bad date
    _set("skills", 1, "employee_id", "E9999")(sample_copy)
    with pytest.raises(InputError) as err:
        smbkit.load_company(sample_copy)
    text = [str(p) for p in err.value.problems]
    assert any(t.startswith("employees.csv, row 5, column fte") for t in text), text
    assert any(t.startswith("employees.csv, row 5, column exit_date") for t in text), text
    assert any(t.startswith("skills.csv, row 3, column employee_id") and "E9999" in t for t in text), text
    assert not any(t.startswith("employees.csv, row 5, column exit_reason") for t in text), text
