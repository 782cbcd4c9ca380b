"""`smbkit batch`: many companies, one broken, one summary."""

import shutil

import pandas as pd
from conftest import SAMPLE, folder_digest, run_cli


def test_batch_runs_the_good_companies_and_records_the_broken_one(tmp_path):
    clients = tmp_path / "clients"
    for name in ("alpha", "beta", "broken"):
        shutil.copytree(SAMPLE, clients / name)
    emp = clients / "broken" / "employees.csv"
    emp.write_text(emp.read_text(encoding="utf-8").replace(",full_time,", ",fulltime,", 1), encoding="utf-8")
    (clients / "notes").mkdir()  # a folder without company.yaml is not a company
    before = folder_digest(clients)
    out = tmp_path / "out"
    result = run_cli("batch", clients, "--out", out, "--notebooks", "01,04")
    assert result.returncode == 1, result.stderr
    summary = pd.read_csv(out / "batch_summary.csv", keep_default_na=False)
    assert summary["company"].tolist() == ["alpha", "beta", "broken"]
    assert summary["status"].tolist() == ["ok", "ok", "invalid"]
    assert "employees.csv, row 2, column employment_type" in summary.loc[2, "message"]
    for name in ("alpha", "beta"):
        assert (out / name / "report.html").exists() and (out / name / "tables" / "04_plan_automation__task_scores.csv").exists()
    assert "found 'fulltime'" in (out / "broken" / "errors.txt").read_text(encoding="utf-8")
    assert not (out / "broken" / "report.html").exists()
    assert "2 of 3 companies ran" in result.stdout and "invalid" in result.stdout
    assert folder_digest(clients) == before  # inputs untouched


def test_batch_refuses_overlapping_or_empty_folders(tmp_path):
    (tmp_path / "empty").mkdir()
    r = run_cli("batch", tmp_path / "empty", "--out", tmp_path / "out")
    assert r.returncode == 2 and "no company folders" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("batch", tmp_path, "--out", tmp_path / "empty" / "out")
    assert r.returncode == 2 and "overlap" in r.stderr


def test_batch_on_a_dask_cluster(tmp_path):
    from distributed import LocalCluster

    from smbkit.batch import batch

    clients = tmp_path / "clients"
    shutil.copytree(SAMPLE, clients / "alpha")
    shutil.copytree(SAMPLE, clients / "broken")
    emp = clients / "broken" / "employees.csv"
    emp.write_text(emp.read_text(encoding="utf-8").replace(",full_time,", ",fulltime,", 1), encoding="utf-8")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1") as cluster:
        results = batch(clients, tmp_path / "out", notebooks=["01_assess_workforce"], scheduler=cluster.scheduler_address)
    assert [(r.company, r.status) for r in results] == [("alpha", "ok"), ("broken", "invalid")]
    assert (tmp_path / "out" / "alpha" / "report.html").exists()
    assert (tmp_path / "out" / "broken" / "errors.txt").exists()
    assert pd.read_csv(tmp_path / "out" / "batch_summary.csv")["status"].tolist() == ["ok", "invalid"]


def test_an_unreachable_scheduler_is_a_usage_error(tmp_path):
    shutil.copytree(SAMPLE, tmp_path / "clients" / "alpha")
    r = run_cli("batch", tmp_path / "clients", "--out", tmp_path / "out", "--scheduler", "tcp://127.0.0.1:9")
    assert r.returncode == 2 and "cannot reach the Dask scheduler" in r.stderr and "Traceback" not in r.stderr
