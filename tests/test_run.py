"""`smbkit run` end to end: the output contract of DESIGN.md, privacy of every output, exit codes."""

import json
import re
import zipfile

import numpy as np
import pandas as pd
from conftest import SAMPLE, folder_digest, person, run_cli, write_company

import smbkit
from smbkit.notebooks import names

NOTEBOOKS = names()


def test_run_exits_0_and_writes_every_notebook(sample_runs):
    _, _, [(out, result), _] = sample_runs
    assert result.returncode == 0, result.stderr
    assert "5 of 5 notebooks ran" in result.stdout
    for name in NOTEBOOKS:
        nb = json.loads((out / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
        errors = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"] if o["output_type"] == "error"]
        assert not errors, name


def test_notebook_01_is_complete(sample_runs):
    _, _, [(out, _), _] = sample_runs
    nb = json.loads((out / "notebooks" / "01_assess_workforce.ipynb").read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 8  # every section's chart
    text = json.dumps(outputs)
    assert "Skipped" not in text  # the sample fills every file


def test_notebook_02_writes_its_tables(sample_runs):
    _, _, [(out, _), _] = sample_runs
    for key in ("okr_tree", "objective_scores", "smart_summary", "smart_checks", "demand_per_role", "demand_by_scenario",
                "forecast_backtest", "driver_forecast", "demand_band", "what_to_decide"):
        assert (out / "tables" / f"02_define_goals__{key}.csv").exists(), key
    fc = pd.read_csv(out / "tables" / "02_define_goals__driver_forecast.csv")
    assert {"lo80", "hi80", "lo95", "hi95"} <= set(fc.columns) and len(fc) == 4 * 12
    decide = pd.read_csv(out / "tables" / "02_define_goals__what_to_decide.csv")
    assert not decide["action"].str.contains("hire|Staff", case=False).any()  # people are decided once, in notebook 03
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "interactive: open the app (<code>smbkit app</code>)" in page or "interactive: open the app (`smbkit app`)" in page  # batch runs say where the controls are


def test_notebook_05_tables_hide_the_small_teams_everywhere(sample_runs):
    _, _, [(out, _), _] = sample_runs
    emp = pd.read_csv(SAMPLE / "employees.csv")
    current = emp[emp["exit_date"].isna()]
    small = set(current.groupby("team").size().loc[lambda n: n < 5].index)
    assert small  # the sample has teams under the threshold
    tables = sorted((out / "tables").glob("05_measure_belonging__*.csv"))
    for key in ("waves", "hr_signals", "results_by_team", "results_by_team_latest", "results_by_demographic_latest",
                "results_by_team_and_demographic", "items_latest", "reliability", "key_drivers", "trends", "team_alerts",
                "comments", "what_to_decide", "retention", "leaving_drivers", "risk_model", "risk_calibration", "risk_by_team",
                "fairness_audit", "belonging_profiles", "team_anomalies", "comment_tone", "comment_themes_latest",
                "comment_themes", "comment_themes_by_team", "comment_examples", "network_summary", "connectedness_by_work_mode",
                "communities", "team_ties"):
        assert out / "tables" / f"05_measure_belonging__{key}.csv" in tables, key
    for path in tables:
        t = pd.read_csv(path)
        if "team" not in t.columns:
            continue
        rows = t[t["team"].isin(small)]
        if len(rows):
            assert "hidden" in t.columns and rows["hidden"].all(), path.name
            figures = rows.select_dtypes(include="number")
            assert figures.isna().all().all(), path.name
    nb = (out / "notebooks" / "05_measure_belonging.ipynb").read_text(encoding="utf-8")
    for team in small:
        assert not re.search(rf"{team}\s*\(\d", nb)  # never "Catering (62)" in a sentence


def test_notebook_03_writes_its_tables(sample_runs):
    _, _, [(out, _), _] = sample_runs
    for key in ("supply_projection", "headcount_gaps", "skill_gaps", "talent_pool_summary", "talent_pool", "closure_options",
                "internal_movers", "recommended_plan", "learning_ecosystem", "learning_plan", "learning_evaluation", "what_to_decide",
                "all_decisions"):
        assert (out / "tables" / f"03_find_gaps__{key}.csv").exists(), key
    plan = pd.read_csv(out / "tables" / "03_find_gaps__recommended_plan.csv")
    assert set(plan["action"]) <= {"backfill", "buy", "borrow", "bot", "build"}
    # the tools' money is counted once, in notebook 04: their rows here cost nothing; every people step costs something
    assert (plan.loc[plan["action"] == "bot", "cost"] == 0).all() and plan.loc[plan["action"] != "bot", "cost"].gt(0).all()
    every = pd.read_csv(out / "tables" / "03_find_gaps__all_decisions.csv")
    staffed = every.loc[every["action"].str.startswith("Staff "), "need"]
    assert staffed.is_unique and set(staffed) == {f"staff:{r}" for r in plan["role"]}  # one decision per role


def test_notebook_04_writes_its_tables(sample_runs):
    _, _, [(out, _), _] = sample_runs
    t = out / "tables"
    for key in ("task_scores", "automation_options", "tool_suggestions", "tool_catalogue", "guardrail_flags", "sensitivity",
                "redistribution", "hours_by_category", "hours_that_move", "job_redesign", "motivating_potential",
                "reskilling_pathways", "what_to_decide"):
        assert (t / f"04_plan_automation__{key}.csv").exists(), key
    r = pd.read_csv(t / "04_plan_automation__redistribution.csv")
    assert np.allclose(r["automated"], r["review"] + r["to_gap"] + r["to_higher_value"] + r["released"])
    flags = pd.read_csv(t / "04_plan_automation__guardrail_flags.csv")
    assert "fix" in set(flags["severity"])  # the sample's newsletter tool has nobody checking it
    mps = pd.read_csv(t / "04_plan_automation__motivating_potential.csv")
    assert mps.loc[mps["role"] == "Customer Service Rep", "mps"].isna().all()  # survey ratings of 4 people: hidden


def test_two_runs_give_identical_tables(sample_runs):
    """Also: notebooks run on a kept (warm) kernel give exactly the tables of fresh kernels."""
    _, _, [(a, _), (b, _)] = sample_runs
    names = sorted(p.name for p in (a / "tables").glob("*.csv"))
    assert names == sorted(p.name for p in (b / "tables").glob("*.csv"))
    for name in names:
        assert (a / "tables" / name).read_bytes() == (b / "tables" / name).read_bytes(), name


def test_input_folder_is_never_modified(sample_runs):
    data, before, _ = sample_runs
    assert folder_digest(data) == before


def test_no_employee_name_in_any_output(sample_runs):
    _, _, [(out, _), _] = sample_runs
    names = pd.read_csv(SAMPLE / "employees.csv")["name"].dropna().unique()
    assert len(names) > 50
    texts = {}
    for path in out.rglob("*"):
        if path.suffix in (".csv", ".html", ".ipynb", ".log"):
            texts[path] = path.read_text(encoding="utf-8")
        elif path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                texts[path] = " ".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    assert len(texts) > 20
    for path, text in texts.items():
        leaked = [n for n in names if n in text]
        assert not leaked, f"{path.name} prints {leaked[:3]}"


def test_every_hidden_row_of_every_table_shows_no_figure(sample_runs):
    _, _, [(out, _), _] = sample_runs
    checked = 0
    for path in sorted((out / "tables").glob("*.csv")):
        t = pd.read_csv(path)
        if "hidden" not in t.columns or not t["hidden"].any():
            continue
        figures = t.loc[t["hidden"].astype(bool)].drop(columns="hidden").select_dtypes(include="number")
        assert figures.isna().all().all(), path.name
        for count in ("people", "respondents", "n", "headcount", "comments"):
            if count in t.columns:
                assert (t.loc[~t["hidden"].astype(bool), count].dropna() >= 5).all(), (path.name, count)
        checked += 1
    assert checked >= 8  # tables from notebooks 01, 04 and 05 hide small groups in the sample


def test_demographic_outputs_respect_min_group_size(sample_runs):
    _, _, [(out, _), _] = sample_runs
    rep = pd.read_csv(out / "tables" / "01_assess_workforce__representation.csv")
    shown = rep[~rep["hidden"]]
    assert (shown["headcount"] >= 5).all()
    assert rep["hidden"].any()  # the sample has small groups: they must be hidden, not dropped
    assert rep.loc[rep["hidden"], ["headcount", "share_pct"]].isna().all().all()
    absence = pd.read_csv(out / "tables" / "01_assess_workforce__absence_by_team.csv")
    assert (absence.loc[~absence["hidden"], "people"] >= 5).all()


def test_only_chosen_notebooks_run_with_parameters(tmp_path):
    out = tmp_path / "out"
    result = run_cli("run", "--data", SAMPLE, "--out", out, "--notebooks", "01", "-p", "skill_level=4")
    assert result.returncode == 0, result.stderr
    assert [p.name for p in (out / "notebooks").iterdir()] == ["01_assess_workforce.ipynb"]
    spof = pd.read_csv(out / "tables" / "01_assess_workforce__skill_coverage.csv")
    # at level 4 (expert) fewer people cover each skill than at level 3
    assert spof["people_at_level"].sum() < 60


def test_failing_notebook_exits_1_names_the_cell_and_keeps_its_work(tmp_path):
    out = tmp_path / "out"
    result = run_cli("run", "--data", SAMPLE, "--out", out, "--notebooks", "01,02", "-p", "skill_level=oops")
    assert result.returncode == 1
    assert re.search(r"notebook 01_assess_workforce failed at cell \d+: TypeError", result.stderr)
    assert "Traceback" not in result.stderr
    kept = json.loads((out / "notebooks" / "01_assess_workforce.ipynb").read_text(encoding="utf-8"))
    assert any(c.get("outputs") for c in kept["cells"] if c["cell_type"] == "code")
    assert (out / "notebooks" / "02_define_goals.ipynb").exists()  # the other notebook still ran
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "stopped with an error" in page
    assert (out / "tables" / "01_assess_workforce__headcount_by_team.csv").exists()


def test_invalid_input_exits_2_before_running_anything(tmp_path):
    data = write_company(tmp_path / "bad", employees=[person("A", fte=3)])
    out = tmp_path / "out"
    result = run_cli("run", "--data", data, "--out", out)
    assert result.returncode == 2
    assert "employees.csv, row 2, column fte: found '3'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()  # not even the log of the kernels started while the input was checked


def test_output_folder_may_not_contain_or_sit_inside_the_input(tmp_path):
    data = write_company(tmp_path / "co", employees=[person("A")])
    for out in (tmp_path, data, data / "out"):
        result = run_cli("run", "--data", data, "--out", out)
        assert result.returncode == 2, out
        assert "choose an output folder outside it" in result.stderr
    assert sorted(p.name for p in data.iterdir()) == ["company.yaml", "employees.csv"]


def test_minimal_company_runs_every_notebook_and_says_what_it_skips(tmp_path):
    emp = [person(f"E{i}", "Shop" if i % 2 else "Kitchen", manager="E0" if i else "") for i in range(12)]
    data = write_company(tmp_path / "mini", employees=emp)
    out = tmp_path / "out"
    result = run_cli("run", "--data", data, "--out", out)
    assert result.returncode == 0, result.stderr
    nb = (out / "notebooks" / "01_assess_workforce.ipynb").read_text(encoding="utf-8")
    assert "this section needs skills.csv" in nb and "this section needs absences.csv" in nb
    nb2 = (out / "notebooks" / "02_define_goals.ipynb").read_text(encoding="utf-8")
    assert "this section needs goals.csv" in nb2 and "this section needs roles.csv, drivers.csv" in nb2
    nb4 = (out / "notebooks" / "04_plan_automation.ipynb").read_text(encoding="utf-8")
    assert "this section needs tasks.csv" in nb4 and "this section needs tasks.csv, automation_options.csv" in nb4
    nb3 = (out / "notebooks" / "03_find_gaps.ipynb").read_text(encoding="utf-8")
    assert "this section needs roles.csv, drivers.csv" in nb3 and "this section needs learning.csv" in nb3
    nb5 = (out / "notebooks" / "05_measure_belonging.ipynb").read_text(encoding="utf-8")
    assert "this section needs survey_items.csv, survey_responses.csv" in nb5


def test_the_evidence_behind_the_report_is_one_family(sample_runs):
    """01's and 05's comparisons are adjusted together (Holm over the whole report), and every action that singles out a
    team, a question or a trend rests on a comparison the rule calls clear."""
    from statsmodels.stats.multitest import multipletests

    _, _, [(out, _), _] = sample_runs
    t = out / "tables"
    ev = pd.concat([pd.read_csv(t / f"{nb}__evidence.csv") for nb in ("01_assess_workforce", "05_measure_belonging")], ignore_index=True)
    assert len(ev) >= 20 and set(ev["units"]) <= {"people", "respondents", "person-years"}
    holm = multipletests(ev["p_value"], alpha=smbkit.stats.ALPHA, method="holm")[1]  # an independent implementation
    assert np.allclose(ev["p_adjusted"], holm) and (ev["clear"] == (holm < smbkit.stats.ALPHA)).all()
    clear = ev[ev["clear"]]
    for nb in ("01_assess_workforce", "05_measure_belonging"):
        decide = pd.read_csv(t / f"{nb}__all_decisions.csv", keep_default_na=False)
        for a in decide["action"]:
            for subject in ev["subject"]:
                if f"'{subject}'" in a or a.endswith(f" {subject}"):
                    assert subject in set(clear["subject"]), (a, subject)
    hints = pd.concat([pd.read_csv(t / f"{nb}__not_yet_clear.csv") for nb in ("01_assess_workforce", "05_measure_belonging")])
    assert set(hints["subject"]) <= set(ev.loc[~ev["clear"], "subject"])
