"""`smbkit run` end to end: the output contract of DESIGN.md, privacy of every output, exit codes."""

import json
import re
import zipfile

import numpy as np
import pandas as pd
import pytest
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
    # each notebook says once, at the top, which files would show more and what each unlocks; no note per section
    expected = {"01_assess_workforce": ["skills", "absences"], "02_define_goals": ["goals", "roles", "drivers", "driver_history"],
                "03_find_gaps": ["roles", "drivers", "skills", "role_skills", "learning"],
                "04_plan_automation": ["tasks", "automation_options", "job_design"],
                "05_measure_belonging": ["survey_items", "survey_responses", "outcomes", "interactions"]}
    for name, files in expected.items():
        nb = (out / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8")
        assert nb.count("To see more in this step, fill in") == 1, name
        for f in files:
            assert f"`{f}.csv`" in nb, (name, f)
        assert "this section needs" not in nb, name


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


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _live_html(page: str) -> list[str]:
    """Elements and attributes of an HTML page that would run script or load from elsewhere."""
    from html.parser import HTMLParser

    found = []

    class Finder(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag in ("script", "iframe", "object", "embed", "link", "base", "form"):
                found.append(f"<{tag}>")
            for key, value in attrs:
                value = (value or "").strip().lower()
                if key.startswith("on"):
                    found.append(f"{tag} {key}")
                elif key in ("src", "srcset", "data", "poster") and not value.startswith("data:"):
                    found.append(f"{tag} {key}={value[:40]}")
                elif key in ("href", "action", "formaction", "xlink:href") and not (value.startswith("#") or value.startswith("report.html#")
                                                                                    or value == "report.html"):
                    found.append(f"{tag} {key}={value[:40]}")

    Finder().feed(page)
    return found


def test_hostile_names_come_out_as_inert_text_everywhere(tmp_path):
    """Teams, skills, roles, dimensions and programmes named with HTML, Markdown images and links,
    script and spreadsheet formulas: the run succeeds and nothing of them is live in any output."""
    import csv

    from conftest import hostile_company
    from nbconvert.filters.markdown_mistune import markdown2html_mistune
    from openpyxl import load_workbook

    from smbkit.report import CONTENT_SECURITY_POLICY

    data = hostile_company(tmp_path / "evil")
    out = tmp_path / "out"
    result = run_cli("run", "--data", data, "--out", out, "--workers", "2")
    assert result.returncode == 0, result.stderr
    for name in ("report.html", "brief.html"):
        page = (out / name).read_text(encoding="utf-8")
        assert f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">' in page
        assert "default-src 'none'; img-src data:; style-src 'unsafe-inline'" in CONTENT_SECURITY_POLICY
        assert not _live_html(page), (name, _live_html(page)[:3])
    assert "&lt;img src=" in (out / "report.html").read_text(encoding="utf-8")  # the name is there, as text
    markdown_seen = 0
    for path in (out / "notebooks").glob("*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            for o in cell.get("outputs", []):
                data_ = o.get("data", {})
                if "text/markdown" in data_:
                    markdown_seen += 1
                    html_ = markdown2html_mistune("".join(data_["text/markdown"]))
                    assert not re.search(r"<(img|a|script|iframe)\b", html_), (path.name, html_[:300])
                if "text/html" in data_:
                    assert not _live_html("".join(data_["text/html"])), path.name
                assert "application/javascript" not in data_
    assert markdown_seen > 40
    for path in (out / "tables").glob("*.csv"):
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.reader(f):
                bad = [c for c in row if c.startswith(("=", "+", "-", "@", "\t", "\r")) and not _number(c)]
                assert not bad, (path.name, bad)
    book = load_workbook(out / "tables.xlsx")
    quoted = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@", "\t", "\r")):
                    assert c.quotePrefix, (ws.title, c.coordinate, c.value)
                    quoted += 1
    assert quoted > 0  # the formula-like names are there, stored as text
    headers = {c.value for ws in book.worksheets for c in ws[1]}
    assert any(str(h).startswith("=HYPERLINK") for h in headers)  # a dimension as a column name, quoted


def _copy_sample(folder):
    import shutil

    shutil.copytree(SAMPLE, folder)
    return folder


def _edit(folder, name, fn):
    path = folder / f"{name}.csv"
    fn(pd.read_csv(path, dtype=str, keep_default_na=False)).to_csv(path, index=False)


def test_unusual_survey_dimension_names_run_and_explain_themselves(tmp_path):
    data = _copy_sample(tmp_path / "co")
    _edit(data, "survey_items", lambda t: t.assign(dimension=t["dimension"].replace({"connection": "team spirit",
                                                                                   "recognition": "belonging_index"})))
    out = tmp_path / "out"
    result = run_cli("run", "--data", data, "--out", out, "--notebooks", "05")
    assert result.returncode == 0, result.stderr
    nb = (out / "notebooks" / "05_measure_belonging.ipynb").read_text(encoding="utf-8")
    assert "About your data:** Your survey has a dimension named 'belonging\\\\_index'" in nb
    assert "shown as 'belonging\\\\_index (dimension)'" in nb
    table = pd.read_csv(out / "tables" / "05_measure_belonging__results_by_team_latest.csv")
    assert {"team spirit", "belonging_index (dimension)", "belonging_index"} <= set(table.columns)


def test_a_company_where_everyone_has_left_runs_and_says_what_it_cannot_show(tmp_path):
    data = _copy_sample(tmp_path / "co")

    def all_left(t):
        staying = t["exit_date"] == ""
        t.loc[staying, "exit_date"], t.loc[staying, "exit_reason"] = "2026-09-01", "voluntary"
        return t

    _edit(data, "employees", all_left)
    out = tmp_path / "out"
    result = run_cli("run", "--data", data, "--out", out, "--workers", "2")
    assert result.returncode == 0, result.stderr
    for name in ("01_assess_workforce", "03_find_gaps"):
        nb = (out / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8")
        assert "**Skipped:** nobody is on the books on the analysis date (2026-09-30)" in nb, name


# ---------------------------------------------------------------------------------------------
# Runs that cannot lose or leak: signals, a second run, files of your own, the run cache
# ---------------------------------------------------------------------------------------------


def _tree(pid: int) -> list[int]:
    """Every process below ``pid``, from /proc (the test's own reading, not smbkit's)."""
    import os

    kids = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                kids.setdefault(int(f.read().rsplit(")", 1)[1].split()[1]), []).append(int(entry))
        except OSError:
            pass
    out, todo = [], list(kids.get(pid, []))
    while todo:
        out.append(todo.pop())
        todo += kids.get(out[-1], [])
    return out


def _alive(pids) -> list[int]:
    out = []
    for p in pids:
        try:
            with open(f"/proc/{p}/stat", encoding="ascii") as f:
                if f.read().rsplit(")", 1)[1].split()[0] != "Z":
                    out.append(p)
        except OSError:
            pass
    return out


def _kill(pids) -> None:
    """Test hygiene: whatever a failing test left running is ended here."""
    import os
    import signal

    for p in _alive(pids):
        try:
            os.killpg(p, signal.SIGKILL) if os.getsid(p) == p else os.kill(p, signal.SIGKILL)
        except OSError:
            pass


def _start_run(data, out, *args):
    import subprocess
    import sys

    return subprocess.Popen([sys.executable, "-m", "smbkit.cli", "run", "--data", str(data), "--out", str(out), *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_kernels(proc, timeout=60.0) -> list[int]:
    """The run's process tree once kernels are running in it."""
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        tree = _tree(proc.pid)
        cmds = []
        for p in tree:
            try:
                cmds.append(open(f"/proc/{p}/cmdline", "rb").read())
            except OSError:
                pass
        if sum(b"ipykernel_launcher" in c for c in cmds) >= 2:
            return tree
        time.sleep(0.2)
    pytest.fail(f"no kernels started (exit {proc.poll()}): {proc.stderr.read() if proc.poll() is not None else ''}")


def _visible(out) -> dict:
    """What a reader of OUT sees: every file outside .smbkit, with its content's digest."""
    return {k: v for k, v in folder_digest(out).items() if not k.startswith(".smbkit")}


def _previous_output(sample_runs, tmp_path):
    import shutil

    _, _, [(done, _), _] = sample_runs
    out = tmp_path / "out"
    shutil.copytree(done, out)
    return out, _visible(out)


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT"])
def test_a_stopped_run_stops_its_workers_and_kernels_and_keeps_the_previous_output(sample_runs, tmp_path, how):
    import signal
    import time

    out, before = _previous_output(sample_runs, tmp_path)
    proc = _start_run(SAMPLE, out)
    tree = []
    try:
        tree = _wait_for_kernels(proc)
        time.sleep(2)  # notebooks under way
        proc.send_signal(getattr(signal, how))
        code = proc.wait(timeout=10)
        end = time.monotonic() + 10
        while _alive(tree) and time.monotonic() < end:
            time.sleep(0.2)
        assert not _alive(tree), f"still running 10 s after {how}: {_alive(tree)}"
    finally:
        _kill([proc.pid, *tree])
    err = proc.stderr.read()
    assert code == 128 + getattr(signal, how), err[-3000:]
    assert "stopped" in err and "Traceback" not in err
    assert not list(out.rglob("company.pickle")) and not list(out.rglob("company.ref"))
    assert _visible(out) == before  # the last complete output, untouched
    assert not list((out / ".smbkit").glob("run-*"))  # the stopped run's staging is gone


def test_a_killed_run_leaves_no_process_and_no_names_behind(sample_runs, tmp_path):
    import signal
    import time

    out, before = _previous_output(sample_runs, tmp_path)
    proc = _start_run(SAMPLE, out)
    tree = []
    try:
        tree = _wait_for_kernels(proc)
        time.sleep(2)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        end = time.monotonic() + 10
        while _alive(tree) and time.monotonic() < end:
            time.sleep(0.2)
        assert not _alive(tree), f"still running 10 s after SIGKILL of the run: {_alive(tree)}"
    finally:
        _kill([proc.pid, *tree])
    assert not list(out.rglob("company.pickle"))  # the cache had no name: it went with the process
    assert _visible(out) == before
    result = run_cli("run", "--data", SAMPLE, "--out", out, "--notebooks", "01")  # the dead run's lock and staging are taken over
    assert result.returncode == 0, result.stderr
    assert not list((out / ".smbkit").glob("run-*")) and not (out / "INCOMPLETE-RUN.txt").exists()


def test_a_second_run_into_the_same_folder_is_refused_naming_the_lock(tmp_path):
    import time

    out = tmp_path / "out"
    first = _start_run(SAMPLE, out, "--notebooks", "01")
    tree = []
    try:
        end = time.monotonic() + 30
        while not (out / ".smbkit" / "lock").exists() and time.monotonic() < end:
            time.sleep(0.1)
        tree = _tree(first.pid)
        second = run_cli("run", "--data", SAMPLE, "--out", out, "--notebooks", "02")
        assert second.returncode == 2, second.stderr
        assert f"process {first.pid}" in second.stderr and str(out / ".smbkit" / "lock") in second.stderr
        assert "Traceback" not in second.stderr
        assert first.wait(timeout=120) == 0, first.stderr.read()  # the first run is not disturbed
    finally:
        _kill([first.pid, *tree])
    assert [p.name for p in (out / "notebooks").iterdir()] == ["01_assess_workforce.ipynb"]


def test_files_smbkit_did_not_write_are_left_alone_and_stale_ones_go(sample_runs, tmp_path):
    import json as json_

    from openpyxl import load_workbook

    out, _ = _previous_output(sample_runs, tmp_path)
    (out / ".smbkit").mkdir(exist_ok=True)
    (out / ".smbkit" / "lock").write_text(json_.dumps({"pid": 2 ** 22 + 7, "since": "long ago"}), encoding="utf-8")  # a dead run's
    mine = out / "tables" / "my_numbers.csv"
    mine.write_text("what,value\n=1+1,3\n", encoding="utf-8")
    (out / "notes.txt").write_text("my notes\n", encoding="utf-8")
    result = run_cli("run", "--data", SAMPLE, "--out", out, "--notebooks", "01")
    assert result.returncode == 0, result.stderr
    assert mine.read_text(encoding="utf-8") == "what,value\n=1+1,3\n" and (out / "notes.txt").exists()
    assert [p.name for p in (out / "notebooks").iterdir()] == ["01_assess_workforce.ipynb"]  # no stale 02-05
    tables = sorted(p.name for p in (out / "tables").iterdir())
    assert "my_numbers.csv" in tables and all(t.startswith("01_") for t in tables if t != "my_numbers.csv")
    contents = pd.read_excel(out / "tables.xlsx", sheet_name="contents")
    assert "my_numbers.csv" not in set(contents["File"]) and all(f.startswith("01_") for f in contents["File"])
    assert not any("my_numbers" in s for s in load_workbook(out / "tables.xlsx", read_only=True).sheetnames)


def test_an_output_folder_of_a_run_with_names_shown_gets_no_names_into_the_next_run(tmp_path):
    import zipfile

    data = _copy_sample(tmp_path / "co")
    yaml = data / "company.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("show_names: false", "show_names: true"), encoding="utf-8")
    out = tmp_path / "out"
    assert run_cli("run", "--data", data, "--out", out, "--notebooks", "01").returncode == 0
    names = pd.read_csv(data / "employees.csv")["name"].dropna().unique()
    assert any(n in (out / "tables.xlsx").read_bytes().decode("latin-1") or
               any(n in p.read_text(encoding="utf-8") for p in (out / "tables").glob("*.csv")) for n in names)
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("show_names: true", "show_names: false"), encoding="utf-8")
    assert run_cli("run", "--data", data, "--out", out, "--notebooks", "02").returncode == 0
    for path in out.rglob("*"):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                text = " ".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
        elif path.suffix in (".csv", ".html", ".ipynb"):
            text = path.read_text(encoding="utf-8")
        else:
            continue
        leaked = [n for n in names if n in text]
        assert not leaked, f"{path.relative_to(out)} prints {leaked[:3]}"


def test_a_commit_stopped_half_way_is_marked_and_the_next_one_cleans_up(tmp_path, monkeypatch):
    import os

    from smbkit import _output
    from smbkit._output import INCOMPLETE_FILE, Output

    out = tmp_path / "out"
    first = Output.open(out)
    for rel in ("report.html", "tables/01_a__x.csv", "tables/01_a__y.csv"):
        (first.staging / rel).parent.mkdir(parents=True, exist_ok=True)
        (first.staging / rel).write_text("old", encoding="utf-8")
    first.commit()
    (out / "tables" / "mine.csv").write_text("mine", encoding="utf-8")
    second = Output.open(out)
    for rel in ("report.html", "tables/01_a__z.csv"):
        (second.staging / rel).parent.mkdir(parents=True, exist_ok=True)
        (second.staging / rel).write_text("new", encoding="utf-8")
    moves = []

    def replace(src, dst):
        if len(moves) == 4:  # the old files are out of the way, one new file is in: then the machine stops
            raise KeyboardInterrupt
        moves.append(dst)
        real(src, dst)

    real = os.replace
    monkeypatch.setattr(_output.os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        second.commit()
    monkeypatch.undo()
    assert (out / INCOMPLETE_FILE).exists()  # a reader is told
    second.lock.release()
    third = Output.open(out)
    (third.staging / "report.html").write_text("third", encoding="utf-8")
    third.commit()
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and ".smbkit" not in p.parts) == \
        ["report.html", "tables/mine.csv"]
    assert (out / "report.html").read_text(encoding="utf-8") == "third"
