"""Survey exports from Google Forms and SurveyMonkey into the contract's survey_responses.csv."""

import shutil

import pandas as pd
import pytest
from conftest import SAMPLE

import smbkit
from smbkit import cli
from smbkit.data import InputError
from smbkit.importers import read_google_forms, read_surveymonkey

ITEMS = pd.DataFrame({"item_id": ["ps1", "co1"], "text": ["I can speak up here.", "I feel part of the team."],
                      "dimension": ["safety", "connection"], "reverse_coded": [False, False], "scale_max": [5, 5]})


def test_google_forms_maps_titles_to_items_and_drops_identifying_columns(tmp_path):
    path = tmp_path / "form.csv"
    path.write_text(
        "Timestamp,Email Address,Which team are you in?,I can speak up here.,I feel part of the team. ,"
        "How likely are you to recommend us as a place to work?,Anything else?\n"
        "2025/06/30 10:01:02,a@x.org,Shop,4,Agree,9,Great\n"
        "2025/06/30 11:01:02,b@x.org,Kitchen,2,Strongly disagree,3,\n", encoding="utf-8")
    got = read_google_forms(path, ITEMS, wave="2025-06-30", columns={
        "Which team are you in?": "team", "How likely are you to recommend us as a place to work?": "enps",
        "Anything else?": "comment"})
    r = got.responses
    assert list(r.columns) == ["wave", "team", "ps1", "co1", "enps", "comment"]
    assert r["ps1"].tolist() == [4, 2] and r["co1"].tolist() == [4, 1] and r["enps"].tolist() == [9, 3]
    assert set(got.ignored) == {"Timestamp", "Email Address"}
    assert "a@x.org" not in r.to_csv()


def test_surveymonkey_two_header_rows_and_matrix_questions(tmp_path):
    path = tmp_path / "sm.csv"
    path.write_text(
        "Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,Last Name,Custom Data 1,"
        "team,How much do you agree?,,How likely are you to recommend us?,demo_gender\n"
        ",,,,,,,,,Response,I can speak up here.,I feel part of the team.,Response,Response\n"
        "1141,9,06/30/2025,06/30/2025,10.0.0.1,,,,,Shop,5,Agree,10,woman\n"
        "1142,9,06/30/2025,06/30/2025,10.0.0.2,,,,,Kitchen,1,Neutral,6,man\n", encoding="utf-8")
    got = read_surveymonkey(path, ITEMS, wave="2025-06-30", columns={"How likely are you to recommend us?": "enps"})
    r = got.responses
    assert list(r.columns) == ["wave", "team", "demo_gender", "ps1", "co1", "enps"]
    assert r["ps1"].tolist() == [5, 1] and r["co1"].tolist() == [4, 3]
    assert "IP Address" in got.ignored and "Respondent ID" in got.ignored
    assert "10.0.0.1" not in r.to_csv()


def test_unmatched_items_and_bad_answers_are_reported_by_row_and_column(tmp_path):
    path = tmp_path / "form.csv"
    path.write_text("team,I can speak up here.\nShop,7\nShop,maybe\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_google_forms(path, ITEMS, wave="2025-06-30")
    text = str(err.value)
    assert "no column for item 'co1' ('I feel part of the team.')" in text
    assert "form.csv, row 2, column I can speak up here.: found '7'; allowed: a whole number from 1 to 5" in text
    assert "row 3, column I can speak up here.: found 'maybe'" in text


def test_cli_import_writes_a_file_the_loader_accepts(tmp_path, capsys):
    company = tmp_path / "co"
    shutil.copytree(SAMPLE, company)
    items = pd.read_csv(company / "survey_items.csv")
    header = ["Which team?", *items["text"], "eNPS"]
    rows = [["Retail", *[4] * len(items), 8], ["Production", *[2] * len(items), 5]]
    export = tmp_path / "form.csv"
    pd.DataFrame(rows, columns=header).to_csv(export, index=False)
    out = tmp_path / "wave.csv"
    code = cli.main(["import-survey", "google-forms", str(export), "--items", str(company / "survey_items.csv"),
                     "--wave", "2026-09-30", "--out", str(out), "--map", "Which team?=team", "--map", "eNPS=enps"])
    assert code == 0, capsys.readouterr().err
    (company / "survey_responses.csv").unlink()
    shutil.copy(out, company / "survey_responses.csv")
    c = smbkit.load_company(company)
    assert len(c.survey_responses) == 2 and c.survey_responses["enps"].tolist() == [8, 5]
    assert cli.main(["import-survey", "google-forms", str(export), "--items", str(company / "survey_items.csv"),
                     "--wave", "2026-09-30", "--out", str(out)]) == 2  # never overwrites
    assert "exists already" in capsys.readouterr().err


def test_an_export_that_is_a_named_pipe_or_has_a_giant_cell_is_refused(tmp_path, capsys):
    import os

    items = tmp_path / "items.csv"
    ITEMS.to_csv(items, index=False)
    os.mkfifo(tmp_path / "pipe.csv")
    args = ["import-survey", "google-forms", str(tmp_path / "pipe.csv"), "--items", str(items), "--wave", "2025-06-30",
            "--out", str(tmp_path / "wave.csv")]
    import subprocess
    import sys

    try:  # in a process of its own: reading a pipe would wait for ever
        r = subprocess.run([sys.executable, "-m", "smbkit.cli", *args], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("smbkit import-survey waited for ever on a named pipe")
    assert r.returncode == 2 and "pipe.csv: found a named pipe (FIFO), not a file (not read)" in r.stderr
    (tmp_path / "big.csv").write_text("team,I can speak up here.,I feel part of the team.,comment\nShop,4,4," + "x" * 200_000 + "\n",
                                      encoding="utf-8")
    args[2] = str(tmp_path / "big.csv")
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert "big.csv: found a cell that cannot be read" in err and "Traceback" not in err
    assert not (tmp_path / "wave.csv").exists()
