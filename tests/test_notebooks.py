"""The shipped notebooks: one list of them, stored clean, literals in their parameters, no logic in cells."""

import json
import re

import pytest

import smbkit
from smbkit.notebooks import APP_PAGES, NOTEBOOKS, names, notebooks_dir, select_notebooks

APP = [p.name for p in APP_PAGES]


@pytest.mark.parametrize("name", [*APP, *names()])
def test_notebooks_are_stored_clean(name):
    nb = json.loads((notebooks_dir() / f"{name}.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    params = [c for c in code if "parameters" in c["metadata"].get("tags", [])]
    assert len(params) == 1
    source = "".join(params[0]["source"])
    assert re.search(r'^data_dir = ""', source, re.M)
    assert name in APP or re.search(r'^out_dir = ""', source, re.M)  # the app's pages write no tables
    for c in code:
        text = "".join(c["source"])
        assert not re.search(r"^\s*(def|class)\s", text, re.M), f"{name} defines code; it belongs in smbkit"
        assert not re.search(r"^\s*(for|while)\s.*:\s*$", text, re.M), f"{name} has a multi-line loop"
    assert nb["cells"][0]["cell_type"] == "markdown" and nb["cells"][0]["source"][0].startswith("# ")


SHIPPED = [*APP, *names()]


def _code(name):
    nb = json.loads((notebooks_dir() / f"{name}.ipynb").read_text(encoding="utf-8"))
    return nb, ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


@pytest.mark.parametrize("name", SHIPPED)
def test_parameters_hold_plain_literals_only(name):
    """papermill replaces the parameters cell's values; a derived value there would never be recomputed."""
    import ast

    nb, _ = _code(name)
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    for node in ast.parse("".join(cell["source"])).body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1, ast.dump(node)
        ast.literal_eval(node.value)  # raises on anything but a literal


ENTRY_POINTS = {"load_company", "company_dir", "Page"}


@pytest.mark.parametrize("name", SHIPPED)
def test_notebooks_call_smbkit_one_way(name):
    """Entry points by name (smbkit.load_company, smbkit.Page); every analysis through its module."""
    import smbkit

    _, code = _code(name)
    text = "\n".join(code)
    assert not re.search(r"^\s*(from smbkit|import smbkit\.)", text, re.M), "notebooks import smbkit only as `import smbkit`"
    for attr, rest in re.findall(r"\bsmbkit\.(\w+)(\.\w+)?", text):
        if attr in smbkit.MODULES:
            assert rest, f"smbkit.{attr} used without a function"
            assert hasattr(getattr(smbkit, attr), rest[1:]), f"smbkit.{attr}{rest} does not exist"
        else:
            assert attr in ENTRY_POINTS, f"smbkit.{attr}: analyses are reached through their module"


def test_the_list_of_notebooks_matches_their_headings():
    for nb_info in NOTEBOOKS:
        nb, _ = _code(nb_info.name)
        first = "".join(nb["cells"][0]["source"])
        assert first.startswith(f"# {nb_info.title}\n"), nb_info.name
        assert f"**{nb_info.question}**" in first, nb_info.name
    assert sorted(p.stem for p in notebooks_dir().glob("*.ipynb")) == sorted(SHIPPED)


def test_app_pages_are_listed_apart_and_never_run_as_analyses():
    """The start page and the data editor are pages of the app, not notebooks of `smbkit run` or the report."""
    assert not set(APP) & set(names())
    assert select_notebooks(None) == names()
    with pytest.raises(smbkit.UsageError, match="unknown notebook '00'"):
        select_notebooks("00")
    for page in APP_PAGES:
        nb, _ = _code(page.name)
        assert "".join(nb["cells"][0]["source"]).startswith(f"# {page.title}\n"), page.name
