"""Templates, the data dictionary, the sample generator and the notebooks as stored files."""

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import SAMPLE

import smbkit
from smbkit import cli
from smbkit._schema import FILES, SETTINGS
from smbkit.app import START
from smbkit.data import data_dictionary_markdown
from smbkit.report import NOTEBOOKS, notebooks_dir
from smbkit.synthetic import make_company

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_data_dictionary_is_current():
    assert (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8") == data_dictionary_markdown()


def test_dictionary_lists_every_column_and_setting():
    dd = smbkit.data_dictionary()
    assert len(dd) == len(SETTINGS) + sum(len(f.columns) for f in FILES)
    fte = dd[(dd["file"] == "employees.csv") & (dd["column"] == "fte")].iloc[0]
    assert fte["allowed"] == "a number more than 0 to 1"


def test_init_writes_every_template_and_refuses_to_overwrite(tmp_path, capsys):
    folder = tmp_path / "new"
    assert cli.main(["init", str(folder)]) == 0
    for spec in FILES:
        header = (folder / f"{spec.name}.csv").read_text(encoding="utf-8").strip().split(",")
        assert header == [c.name for c in spec.columns]
    assert (folder / "README.md").exists() and (folder / "data-dictionary.md").exists()
    assert cli.main(["init", str(folder)]) == 2
    assert "already holds" in capsys.readouterr().err


def test_blank_templates_are_refused_until_people_are_filled_in(tmp_path, capsys):
    folder = tmp_path / "new"
    cli.main(["init", str(folder)])
    assert cli.main(["validate", str(folder)]) == 2
    assert "employees.csv, row 2: found no people" in capsys.readouterr().err
    with open(folder / "employees.csv", "a", encoding="utf-8") as f:
        f.write("E1,,Shop,Seller,,full_time,1,40000,2024-01-01,,,,,\n")
    assert cli.main(["validate", str(folder)]) == 0


def test_generator_is_seeded_and_reproduces_the_sample(tmp_path):
    make_company(tmp_path / "again")
    for path in SAMPLE.iterdir():
        assert (tmp_path / "again" / path.name).read_bytes() == path.read_bytes(), path.name


def test_generator_scales(tmp_path):
    c = smbkit.load_company(make_company(tmp_path / "big", people=300, waves=5, seed=1))
    assert len(smbkit.current_employees(c)) == 300
    assert c.survey_responses["wave"].nunique() == 5
    with pytest.raises(ValueError, match="at least 20"):
        make_company(tmp_path / "tiny", people=5)


def test_sample_meets_the_brief(sample):
    cur = smbkit.current_employees(sample)
    assert 40 <= len(cur) <= 80
    years = (sample.settings.as_of - sample.employees["hire_date"].min()).days / 365.25
    assert years >= 3 and sample.employees["exit_date"].notna().sum() > 10
    assert (cur.groupby("team").size() < sample.settings.min_group_size).any()
    assert set(sample.scenarios["scenario"]) == {"growth", "moderate", "downturn"}
    assert sample.driver_history["month"].nunique() >= 24
    assert sample.goals["parent_goal_id"].notna().any()
    assert sample.survey_responses["wave"].nunique() >= 4
    assert sample.survey_responses["comment"].notna().any() and sample.survey_responses["enps"].notna().any()
    assert set(sample.survey_items["scale_max"]) == {5}


@pytest.mark.parametrize("name", [START, *NOTEBOOKS])
def test_notebooks_are_stored_clean(name):
    nb = json.loads((notebooks_dir() / f"{name}.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    params = [c for c in code if "parameters" in c["metadata"].get("tags", [])]
    assert len(params) == 1
    source = "".join(params[0]["source"])
    assert re.search(r'^data_dir = ""', source, re.M)
    assert name == START or re.search(r'^out_dir = ""', source, re.M)  # the start page writes nothing
    for c in code:
        text = "".join(c["source"])
        assert not re.search(r"^\s*(def|class)\s", text, re.M), f"{name} defines code; it belongs in smbkit"
        assert not re.search(r"^\s*(for|while)\s.*:\s*$", text, re.M), f"{name} has a multi-line loop"
    assert nb["cells"][0]["cell_type"] == "markdown" and nb["cells"][0]["source"][0].startswith("# ")


def test_tables_neutralise_spreadsheet_formulas():
    from smbkit.show import safe_for_spreadsheet

    t = pd.DataFrame({"team": ["=HYPERLINK(1)", "+1", "@x", "Shop", "-2"], "n": [1, 2, 3, 4, -5]})
    out = safe_for_spreadsheet(t)
    assert out["team"].tolist() == ["'=HYPERLINK(1)", "'+1", "'@x", "Shop", "'-2"]
    assert out["n"].tolist() == [1, 2, 3, 4, -5]  # numbers are data, not formulas


def test_run_cache_is_reused_only_while_the_folder_is_unchanged(tmp_path, sample_copy):
    import os

    from smbkit.data import CACHE_FILE, remove_run_cache, write_run_cache

    company = smbkit.load_company(sample_copy)
    out = tmp_path / "out"
    write_run_cache(company, out)
    assert smbkit.load_company(sample_copy, run_cache=out).employees.equals(company.employees)
    emp = sample_copy / "employees.csv"
    emp.write_text(emp.read_text(encoding="utf-8").replace(",full_time,", ",fulltime,", 1), encoding="utf-8")
    os.utime(emp, ns=(1, 1))  # even with an old time stamp, the size changed
    with pytest.raises(smbkit.InputError):
        smbkit.load_company(sample_copy, run_cache=out)  # validated again, not taken from the cache
    remove_run_cache(out)
    assert not (out / CACHE_FILE).exists() and not (out / CACHE_FILE).parent.exists()
