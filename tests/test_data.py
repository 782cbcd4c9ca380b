"""Templates, the data dictionary, the sample generator and the notebooks as stored files."""

from pathlib import Path

import smbkit
from smbkit import cli
from smbkit._schema import FILES, SETTINGS
from smbkit.data import data_dictionary_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_data_dictionary_is_current():
    assert (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8") == data_dictionary_markdown()


def test_dictionary_lists_every_column_and_setting():
    dd = smbkit.data_dictionary()
    assert len(dd) == len(SETTINGS) + sum(len(f.columns) for f in FILES)
    fte = dd[(dd["file"] == "employees.csv") & (dd["column"] == "fte")].iloc[0]
    assert fte["allowed"] == "a number from 0.01 to 1"


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
    capsys.readouterr()
    assert cli.main(["validate", str(folder)]) == 0
    said = capsys.readouterr().out
    read, _, empty = said.partition("(no rows yet:")
    assert "read employees.csv" in read and "skills.csv" not in read and "skills.csv" in empty  # the empty templates apart
