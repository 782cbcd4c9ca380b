import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import smbkit  # noqa: E402

SAMPLE = Path(smbkit.sample_dir())


@pytest.fixture(scope="session")
def sample():
    return smbkit.load_company(SAMPLE)


@pytest.fixture
def sample_copy(tmp_path):
    """A writable copy of the sample company folder."""
    target = tmp_path / "company"
    shutil.copytree(SAMPLE, target)
    return target


def folder_digest(folder: Path) -> dict[str, str]:
    """Content hash of every file below a folder, to prove it was not modified."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def write_company(folder: Path, *, settings: dict | None = None, **tables: list[dict] | pd.DataFrame) -> Path:
    """Write a small company folder from Python values (rows as dicts)."""
    folder.mkdir(parents=True, exist_ok=True)
    conf = {"name": "Test Co", "as_of": "2025-12-31", "min_group_size": 5} | (settings or {})
    (folder / "company.yaml").write_text("".join(f"{k}: {v}\n" for k, v in conf.items()), encoding="utf-8")
    for name, rows in tables.items():
        frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


def person(eid, team="A", role="Clerk", *, manager="", etype="full_time", fte=1.0, cost=50000, hire="2020-01-01",
           exit_date="", reason="", **extra):
    return {"employee_id": eid, "name": f"Name {eid}", "team": team, "role": role, "manager_id": manager,
            "employment_type": etype, "fte": fte, "annual_cost": cost, "hire_date": hire, "exit_date": exit_date,
            "exit_reason": reason, **extra}


def run_cli(*args, cwd=None):
    """Run the installed smbkit command in a fresh process, as a user would."""
    return subprocess.run([sys.executable, "-m", "smbkit.cli", *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.fixture
def tiny(tmp_path):
    """Seven people on 2025-12-31: a boss, two teams, one leaver, one contractor, one future starter."""
    emp = [
        person("B", "Office", "Boss", cost=100000, hire="2010-06-01"),
        person("P1", "Shop", "Seller", manager="B", fte=0.5, cost=20000, hire="2025-07-01"),
        person("P2", "Shop", "Seller", manager="B", cost=40000, hire="2023-12-31"),
        person("P3", "Shop", "Seller", manager="B", cost=40000, hire="2022-01-01", exit_date="2025-06-30", reason="voluntary"),
        person("K1", "Kitchen", "Cook", manager="B", cost=45000, hire="2019-03-01"),
        person("K2", "Kitchen", "Cook", manager="K1", etype="contractor", cost=60000, hire="2024-01-01"),
        person("F1", "Kitchen", "Cook", manager="K1", cost=45000, hire="2026-02-01"),
    ]
    skills = [
        {"employee_id": "K1", "skill": "baking", "proficiency": 4},
        {"employee_id": "K2", "skill": "baking", "proficiency": 2},
        {"employee_id": "P2", "skill": "selling", "proficiency": 3},
        {"employee_id": "P1", "skill": "selling", "proficiency": 3},
        {"employee_id": "B", "skill": "accounts", "proficiency": 3},
    ]
    role_skills = [
        {"role": "Cook", "skill": "baking", "required_proficiency": 3, "importance": 3},
        {"role": "Seller", "skill": "selling", "required_proficiency": 2, "importance": 2},
        {"role": "Boss", "skill": "hygiene", "required_proficiency": 3, "importance": 3},
    ]
    absences = [
        {"employee_id": "P2", "start_date": "2025-03-01", "days": 4},
        {"employee_id": "K1", "start_date": "2025-11-10", "days": 2},
        {"employee_id": "K1", "start_date": "2024-11-10", "days": 9},  # before the window
    ]
    return smbkit.load_company(write_company(tmp_path / "tiny", employees=emp, skills=skills, role_skills=role_skills,
                                             absences=absences))


def task(tid, role="Clerk", hours=10, *, rep=3, rule=3, dig=3, vol=3, judg=1, emp=1, comp=1, function="finance"):
    return {"task_id": tid, "role": role, "task": f"task {tid}", "function": function, "hours_per_week": hours,
            "repetitive": rep, "rule_based": rule, "digital_input": dig, "volume_stability": vol,
            "judgment": judg, "empathy": emp, "compliance_risk": comp}


def option(oid, tid, share=0.5, one_time=1000, annual=1000, oversight=1.0, months=2, category="accounting"):
    return {"option_id": oid, "task_id": tid, "tool_category": category, "example_tool": "", "automatable_share": share,
            "one_time_cost": one_time, "annual_cost": annual, "oversight_hours_per_week": oversight, "months_to_implement": months}


def automation_company(tmp_path, tasks, options, *, emp=None, settings=None, **more):
    # 40 h x 47 weeks = 1,880 h a year; 56,400 a year -> 30 an hour
    emp = emp or [person("E1", cost=56400), person("E2", cost=56400)]
    conf = {"hours_per_fte_week": 40, "weeks_per_year": 47, "discount_rate": 0.08, "horizon_months": 12} | (settings or {})
    return smbkit.load_company(write_company(tmp_path / "c", employees=emp, tasks=tasks, automation_options=options,
                                             settings=conf, **more))


@pytest.fixture(scope="session")
def sample_runs(tmp_path_factory):
    """The sample company run twice into fresh folders, with the input's digest before and after.

    The first run gives every notebook a kernel of its own; the second runs them on two workers,
    each keeping its kernel from one notebook to the next (warm kernels, as `smbkit batch` does).
    """
    data = tmp_path_factory.mktemp("input") / "sample"
    shutil.copytree(SAMPLE, data)
    before = folder_digest(data)
    outs = []
    for k, workers in enumerate(([], ["--workers", "2"])):
        out = tmp_path_factory.mktemp(f"run{k}") / "out"
        result = run_cli("run", "--data", data, "--out", out, *workers)
        outs.append((out, result))
    return data, before, outs


@pytest.fixture
def demand_company(tmp_path):
    emp = [person("A1", "Shop", "Seller"), person("A2", "Shop", "Seller"),
           person("K1", "Kitchen", "Cook", etype="part_time", fte=0.5), person("K2", "Kitchen", "Cook")]
    roles = [
        {"role": "Seller", "driver": "orders", "units_per_fte": 500, "fixed_fte": ""},
        {"role": "Cook", "driver": "orders", "units_per_fte": 800, "fixed_fte": ""},
        {"role": "Driver", "driver": "", "units_per_fte": "", "fixed_fte": 1.5},
    ]
    scen = [
        {"scenario": "up", "driver": "orders", "change_pct": 30, "probability": 0.25},
        {"scenario": "flat", "driver": "orders", "change_pct": 0, "probability": 0.75},
    ]
    return smbkit.load_company(write_company(tmp_path / "d", employees=emp, roles=roles, scenarios=scen,
                                             drivers=[{"driver": "orders", "current_value": 1000, "unit": "orders"}]))


ITEMS4 = [  # a 4-point scale with one reverse-coded item, and a 7-point item
    {"item_id": "a1", "text": "I am respected.", "dimension": "respect", "reverse_coded": "false", "scale_max": 4},
    {"item_id": "a2", "text": "I am ignored.", "dimension": "respect", "reverse_coded": "true", "scale_max": 4},
    {"item_id": "c1", "text": "I have friends here.", "dimension": "connection", "reverse_coded": "false", "scale_max": 7},
]


def plan_company(tmp_path, emp, *, roles, scenarios=None, drivers=None, **more):
    """A company for notebook 03's tests: one driver (1000 orders) and one flat scenario unless given."""
    drivers = drivers or [{"driver": "orders", "current_value": 1000, "unit": "orders"}]
    scenarios = scenarios or [{"scenario": "flat", "driver": "orders", "change_pct": 0, "probability": 1}]
    return smbkit.load_company(write_company(tmp_path / "c", employees=emp, roles=roles, drivers=drivers, scenarios=scenarios,
                                             settings={"as_of": "2025-12-31"}, **more))


def make_clients(root: Path) -> Path:
    """A consultant's folder: bakery (the sample), cafe (the sample renamed), broken (an employment type the contract
    does not know)."""
    for name in ("bakery", "cafe", "broken"):
        shutil.copytree(SAMPLE, root / name)
    yaml = root / "cafe" / "company.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("Rosemary & Rye Bakery", "Corner Cafe"), encoding="utf-8")
    emp = root / "broken" / "employees.csv"
    emp.write_text(emp.read_text(encoding="utf-8").replace(",full_time,", ",fulltime,", 1), encoding="utf-8")
    return root


def response(team, a1, a2, c1, enps, *, wave="2025-06-30", consent="true", comment="", **extra):
    return {"wave": wave, "team": team, "a1": a1, "a2": a2, "c1": c1, "enps": enps, "consent": consent, "comment": comment, **extra}


@pytest.fixture
def survey(tmp_path):
    emp = [person(f"E{i}", "Shop" if i < 6 else "Desk") for i in range(9)]
    rows = [
        response("Shop", 4, 1, 7, 10), response("Shop", 3, 2, 5, 9), response("Shop", 2, 3, 4, 7),
        response("Shop", 1, 4, 1, 3), response("Shop", 4, "", 6, ""), response("Shop", 3, 1, 7, 10),
        response("Desk", 2, 2, 3, 6), response("Desk", 4, 4, 2, 8),
        response("Desk", 1, 1, 1, 0, consent="false"),  # dropped before anything
    ]
    return smbkit.load_company(write_company(tmp_path / "s", employees=emp, survey_items=ITEMS4, survey_responses=rows,
                                             settings={"as_of": "2025-12-31"}))


# Names an attacker might give teams, skills, roles, dimensions and programmes: markup, images and
# links that would load from the network or run script, spreadsheet formulas, TeX for the charts.
HOSTILE = {
    "Retail": '<img src="https://x.test/p.png" onerror="alert(1)">Retail',
    "Production": "![x](https://x.test/y.png)",
    "Catering": "[link](javascript:alert(1))",
    "Logistics": "=HYPERLINK(\"https://x.test\",\"click\")",
    "Online & Service": "<script>alert(1)</script> $\\frac{1$",
    "fairness": "=HYPERLINK(\"https://x.test\",\"dim\")",
    "connection": "team spirit",
    "sales": "@SUM(A1)<b>",
    "food_safety": "+cmd|' /C calc'!A0",
    "Sales Associate": "-2+3 <iframe src=https://x.test>",
    "Food safety level 2": "javascript:alert(1)",
    "woman": "=1+1",
}


def hostile_company(folder: Path, *, people: int = 40) -> Path:
    """A generated company whose names are the `HOSTILE` values, consistently across every file."""
    from smbkit.synthetic import make_company

    make_company(folder, people=people, waves=3)
    for path in folder.glob("*.csv"):
        t = pd.read_csv(path, dtype=str, keep_default_na=False)
        t = t.apply(lambda col: col if col.name == "function" else col.map(lambda v: HOSTILE.get(v, v)))  # function: a fixed list
        if "comment" in t.columns:
            t.loc[t.index[:5], "comment"] = '<img src=https://x.test/c.png onerror=alert(2)> [a](https://x.test) great team'
        t.to_csv(path, index=False, lineterminator="\n")
    yaml = (folder / "company.yaml").read_text(encoding="utf-8").replace("name: Rosemary & Rye Bakery",
                                                                       "name: '<b onmouseover=alert(3)>Rye</b> & Co'")
    (folder / "company.yaml").write_text(yaml, encoding="utf-8")
    return folder
