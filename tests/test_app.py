"""`smbkit app` and `smbkit lab` without a browser: the company they open, refusals, the start page, the
belonging explorer. tests/test_browser.py drives both in Chromium."""

import shutil
import socket

import pandas as pd
from conftest import SAMPLE, run_cli

import smbkit
from smbkit.app import landing, port_is_free, prepare_workspace
from smbkit.notebooks import START, names, notebooks_dir

NOTEBOOKS = names()


def test_notebooks_open_the_company_the_app_was_started_with(tmp_path, monkeypatch):
    monkeypatch.delenv("SMBKIT_DATA", raising=False)
    assert smbkit.company_dir("") == smbkit.sample_dir()
    monkeypatch.setenv("SMBKIT_DATA", str(tmp_path))
    assert smbkit.company_dir("") == tmp_path
    assert smbkit.company_dir(str(SAMPLE)) == SAMPLE  # a parameter (smbkit run's --data) always wins


def test_start_page_names_the_company_and_links_every_notebook(sample):
    page = landing(sample).data
    assert "Rosemary &amp; Rye Bakery" in page and "analysis date 2026-09-30" in page
    assert [f"href='{n}.ipynb'" in page for n in NOTEBOOKS] == [True] * len(NOTEBOOKS)


def test_app_and_lab_refuse_a_broken_company_before_starting_anything(tmp_path):
    shutil.copytree(SAMPLE, tmp_path / "co")
    emp = tmp_path / "co" / "employees.csv"
    emp.write_text(emp.read_text(encoding="utf-8").replace(",full_time,", ",fulltime,", 1), encoding="utf-8")
    for command in ("app", "lab"):
        r = run_cli(command, "--data", tmp_path / "co", "--port", "0")
        assert r.returncode == 2 and "employees.csv, row 2, column employment_type" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("app", "--data", tmp_path / "nowhere")
    assert r.returncode == 2 and "is not a folder" in r.stderr


def test_a_port_in_use_is_refused_with_advice():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert not port_is_free(port)
        r = run_cli("app", "--port", port)
    assert r.returncode == 2 and f"port {port} is in use" in r.stderr and "--port" in r.stderr


def test_lab_works_on_copies_and_keeps_the_owners_changes(tmp_path):
    folder, kept = prepare_workspace(tmp_path / "ws")
    shipped = sorted(p.name for p in notebooks_dir().glob("*.ipynb"))
    assert sorted(p.name for p in folder.glob("*.ipynb")) == shipped and f"{START}.ipynb" in shipped and kept == []
    mine = folder / f"{NOTEBOOKS[0]}.ipynb"
    mine.write_text(mine.read_text(encoding="utf-8").replace("skill_level = 3", "skill_level = 4"), encoding="utf-8")
    (folder / f"{NOTEBOOKS[1]}.ipynb").unlink()
    _, kept = prepare_workspace(folder)
    assert kept == [f"{NOTEBOOKS[0]}.ipynb"] and "skill_level = 4" in mine.read_text(encoding="utf-8")
    assert (folder / f"{NOTEBOOKS[1]}.ipynb").exists()  # a deleted copy comes back


def test_belonging_explorer_switches_grouping_and_wave_and_keeps_small_groups_hidden(sample):
    from smbkit.survey import results_table, survey_results
    from smbkit.widgets import belonging_explorer

    box = belonging_explorer(sample, demographic="demo_age_band")
    _, by, wave, panel = box.children
    assert by.value == "demo_age_band" and wave.value == max(wave.options)[1]
    first = panel.value
    by.value = "team"
    assert panel.value != first and "By team" in panel.value and "<img" in panel.value
    oldest = wave.options[0][1]
    wave.value = oldest
    assert f"Survey wave of {oldest}" in panel.value
    expected = results_table(survey_results(sample, by="team"), "team", wave=pd.Timestamp(oldest))
    assert expected["hidden"].any()  # the sample has teams under the threshold ...
    assert panel.value.count('<td class="smbkit-hidden">hidden') == int(expected.drop(columns=["team", "hidden"]).isna().sum().sum())
