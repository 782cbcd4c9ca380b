"""`smbkit app` and `smbkit lab` without a browser: the company they open, the companies a consultant can
switch to, refusals, the start page, the server command. tests/test_browser.py drives both in Chromium."""

import shutil
import socket

import pytest
from conftest import SAMPLE, make_clients, run_cli

import smbkit
from smbkit.app import Companies, app_command, company_link, company_picker, landing, port_is_free, prepare_workspace, start_page
from smbkit.notebooks import APP_PAGES, EDITOR, START, names, notebooks_dir

NOTEBOOKS = names()


def _clients(tmp_path):
    """bakery and cafe (valid), broken (an employment type the contract does not know), notes (no company.yaml)."""
    root = make_clients(tmp_path / "clients")
    (root / "notes").mkdir()
    (root / "notes" / "todo.txt").write_text("not a company", encoding="utf-8")
    return root


def test_notebooks_open_the_company_the_app_was_started_with(tmp_path, monkeypatch):
    monkeypatch.delenv("SMBKIT_DATA", raising=False)
    assert smbkit.company_dir("") == smbkit.sample_dir()
    monkeypatch.setenv("SMBKIT_DATA", str(tmp_path))
    assert smbkit.company_dir("") == tmp_path
    assert smbkit.company_dir(str(SAMPLE)) == SAMPLE  # a parameter (smbkit run's --data) always wins


def test_start_page_names_the_company_and_links_every_notebook_and_the_editor(sample, monkeypatch):
    monkeypatch.delenv("SMBKIT_COMPANY", raising=False)
    page = landing(sample).data
    assert "Rosemary &amp; Rye Bakery" in page and "analysis date 2026-09-30" in page
    assert [f"href='{n}.ipynb'" in page for n in NOTEBOOKS] == [True] * len(NOTEBOOKS)
    assert f"href='{EDITOR}.ipynb'" in page


def test_a_page_opened_for_a_client_links_on_to_the_same_client(sample, monkeypatch):
    monkeypatch.setenv("SMBKIT_COMPANY", "cafe")
    page = landing(sample).data
    assert [f"href='{n}.ipynb?company=cafe'" in page for n in [*NOTEBOOKS, EDITOR]] == [True] * (len(NOTEBOOKS) + 1)
    assert company_link("02_define_goals", "a b&c") == "02_define_goals.ipynb?company=a%20b%26c"


def test_companies_are_the_subfolders_with_a_company_yaml_and_nothing_else(tmp_path):
    root = _clients(tmp_path)
    companies = Companies.from_env({"SMBKIT_DATA": str(SAMPLE), "SMBKIT_CLIENTS": str(root)})
    assert list(companies.folders()) == ["bakery", "broken", "cafe"]  # sorted; notes/ has no company.yaml
    assert companies.folder("cafe") == root / "cafe" and companies.folder("") == SAMPLE
    assert companies.save_root == root  # the editor saves beside the clients by default
    for name in ("notes", "../clients/cafe", str(root / "cafe"), "..", "nowhere"):  # only names the listing found
        assert companies.folder(name) is None, name
    assert companies.name_of(root / "cafe") == "cafe" and companies.name_of(SAMPLE) == ""


def test_without_a_clients_folder_copies_go_to_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    companies = Companies.from_env({"SMBKIT_DATA": str(SAMPLE)})
    assert companies.save_root == tmp_path / "smbkit-companies" and companies.roots == (tmp_path / "smbkit-companies",)
    assert companies.folders() == {}  # the folder does not exist until the editor saves
    assert Companies.from_env({}).default == smbkit.sample_dir()


def test_the_picker_lists_valid_companies_as_links_and_invalid_ones_with_their_problem(tmp_path):
    root = _clients(tmp_path)
    companies = Companies(root / "bakery", (root,), root)
    page = company_picker(root / "bakery", companies).data
    assert "Rosemary &amp; Rye Bakery</b> (bakery, 60 people): open now" in page  # the one open is marked, not linked
    assert f"<a href='{START}.ipynb?company=cafe'>Corner Cafe</a> (cafe, 60 people)" in page
    broken = page[page.index("<li class='smbkit-invalid'>"):]
    assert "<b>broken</b>: not opened, 1 problem" in broken and "employees.csv, row 2, column employment_type" in broken
    assert f"href='{START}.ipynb?company=broken'" not in page  # never opened ...
    assert f"href='{EDITOR}.ipynb?company=broken'" in broken  # ... but it can be fixed in the editor
    assert "notes" not in page


def test_the_start_page_of_an_invalid_company_shows_its_problems_and_the_way_to_fix_them(tmp_path, monkeypatch):
    root = _clients(tmp_path)
    monkeypatch.setenv("SMBKIT_COMPANY", "broken")
    page = start_page(root / "broken").data
    assert "cannot be opened yet" in page and "found &#x27;fulltime&#x27;" in page
    assert f"<a href='{EDITOR}.ipynb?company=broken'>Fix them in the data editor</a>" in page
    assert "Company open" in start_page(root / "cafe").data


def test_app_command_preheats_culls_idle_kernels_and_bounds_the_pages():
    command = app_command(8866, max_pages=5, idle_minutes=2)
    assert command[1:3] == ["-m", "smbkit.appserver"] and str(notebooks_dir()) in command
    for flag in ("--VoilaConfiguration.preheat_kernel=True", "--VoilaConfiguration.default_pool_size=1",
                 "--MappingKernelManager.cull_idle_timeout=120", "--MappingKernelManager.cull_interval=60",
                 "--MappingKernelManager.cull_connected=False", "--SmbkitVoila.max_pages=5",
                 "--VoilaConfiguration.template=smbkit", "--VoilaConfiguration.strip_sources=True"):
        assert flag in command, flag
    cold = app_command(8866, preheat=False)
    assert "--VoilaConfiguration.preheat_kernel=False" in cold and "--VoilaConfiguration.default_pool_size=0" in cold


def test_app_and_lab_refuse_a_broken_company_before_starting_anything(tmp_path):
    shutil.copytree(SAMPLE, tmp_path / "co")
    emp = tmp_path / "co" / "employees.csv"
    emp.write_text(emp.read_text(encoding="utf-8").replace(",full_time,", ",fulltime,", 1), encoding="utf-8")
    for command in ("app", "lab"):
        r = run_cli(command, "--data", tmp_path / "co", "--port", "0")
        assert r.returncode == 2 and "employees.csv, row 2, column employment_type" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("app", "--data", tmp_path / "nowhere")
    assert r.returncode == 2 and "is not a folder" in r.stderr


@pytest.mark.parametrize("args, message", [
    (["--clients", "nowhere"], "--clients"),
    (["--max-pages", "0"], "--max-pages must be at least 1"),
    (["--idle-minutes", "0"], "--idle-minutes more than 0"),
    (["--data", str(SAMPLE), "--save-dir", str(SAMPLE / "edits")], "inside the company folder"),
])
def test_app_refuses_options_it_cannot_honour(tmp_path, args, message):
    r = run_cli("app", "--port", "0", *args, cwd=tmp_path)
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr


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
    assert sorted(p.name for p in folder.glob("*.ipynb")) == shipped and {f"{p.name}.ipynb" for p in APP_PAGES} <= set(shipped)
    assert kept == []
    mine = folder / f"{NOTEBOOKS[0]}.ipynb"
    mine.write_text(mine.read_text(encoding="utf-8").replace("skill_level = 3", "skill_level = 4"), encoding="utf-8")
    (folder / f"{NOTEBOOKS[1]}.ipynb").unlink()
    _, kept = prepare_workspace(folder)
    assert kept == [f"{NOTEBOOKS[0]}.ipynb"] and "skill_level = 4" in mine.read_text(encoding="utf-8")
    assert (folder / f"{NOTEBOOKS[1]}.ipynb").exists()  # a deleted copy comes back
