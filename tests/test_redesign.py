"""Notebook 04, part 2: where freed hours go, job redesign, MPS and pathways, by hand."""

import numpy as np
import pandas as pd
import pytest
from conftest import automation_company, option, person, task
from hypothesis import given, settings
from hypothesis import strategies as st

import smbkit
from smbkit import automation as A
from smbkit import redesign as R
from smbkit import widgets as W


def _plan(company, *, release=True, **kw):
    """Scores, options and gap hours; the toy companies have no roles.csv, so their freed hours count only when released."""
    scores = A.task_scores(company)
    options = A.automation_options(company, release=release, **kw)
    gh = smbkit.staffing.gap_hours(company, smbkit.demand.likely_scenario(company))
    return scores, options, gh


@pytest.fixture(scope="module")
def basis(sample):
    return W.automation_basis(sample)


@settings(max_examples=40, deadline=None)
@given(share=st.floats(0.2, 2.0), keep=st.lists(st.booleans(), min_size=15, max_size=15), gap_scale=st.floats(0, 3))
def test_redistribution_conserves_hours(basis, share, keep, gap_scale):
    c = basis.company
    ids = list(c.automation_options["option_id"])
    options = A.evaluate_options(basis.inputs, c, share_factor=share, selected=[i for i, k in zip(ids, keep) if k])
    redist = R.redistribution(c, options, basis.scores, basis.gaps_hours * gap_scale)
    if not any(keep):
        assert redist.empty and R.hours_by_category(redist).empty
        return
    assert np.allclose(redist["automated"], redist["review"] + redist["to_gap"] + redist["to_higher_value"] + redist["released"])
    assert (redist["to_gap"] <= redist["gap_hours"] + 1e-9).all() and (redist[["to_gap", "to_higher_value"]] >= 0).all().all()
    hours = R.hours_by_category(redist)
    per_role = hours.groupby("role")[["before", "after"]].sum()
    assert np.allclose(per_role["before"], per_role["after"])
    assert np.allclose(per_role["before"], redist.set_index("role").loc[per_role.index, "role_hours"])
    assert (hours.loc[hours["category"] != "other work (not in tasks.csv)", "after"] >= -1e-9).all()


def test_redistribution_by_hand(tmp_path):
    # one role, 2 FTE, judgement task 20 h/FTE (40 h in all) and a routine task 10 h/FTE automated at 50% -> 10 h a week
    tasks = [task("T1", hours=10, rep=5, rule=5, dig=5, vol=5), task("T2", hours=20, rep=1, rule=1, judg=5, emp=5)]
    c = automation_company(tmp_path, tasks, [option("A1", "T1", share=0.5, oversight=1.0)])
    scores, options, _ = _plan(c)
    r = R.redistribution(c, options, scores, pd.Series({"Clerk": 4.0})).iloc[0]
    assert (r["automated"], r["review"], r["to_gap"]) == pytest.approx((10.0, 1.0, 4.0))
    assert r["to_higher_value"] == pytest.approx(min(10 - 1 - 4, R.HIGHER_VALUE_GROWTH * 40))
    assert r["released"] == pytest.approx(0.0)
    no_gap = R.redistribution(c, options, scores, pd.Series(dtype=float)).iloc[0]
    assert no_gap["to_gap"] == 0 and no_gap["to_higher_value"] == pytest.approx(9.0)


def test_redesign_rules(tmp_path):
    tasks = [task("T1", "Clerk", hours=30, rep=5, rule=5, dig=5, vol=5), task("T2", "Clerk", hours=10, rep=1, rule=1, judg=5, emp=5),
             task("T3", "Agent", hours=10, rep=5, rule=5, dig=5, vol=5), task("T4", "Agent", hours=30, rep=1, rule=1, judg=5, emp=5),
             task("T5", "Checker", hours=10, rep=5, rule=5, dig=5, vol=5)]
    emp = [person("E1", role="Clerk"), person("E2", role="Clerk"), person("E3", role="Agent"), person("E4", role="Checker")]
    opts = [option("A1", "T1", share=0.9, oversight=0.5), option("A2", "T3", share=0.5, oversight=0.0),
            option("A3", "T5", share=0.5, oversight=3.0, annual=0)]
    c = automation_company(tmp_path, tasks, opts, emp=emp)
    scores, options, _ = _plan(c)
    redist = R.redistribution(c, options, scores, pd.Series(dtype=float))
    jobs = R.job_redesign(c, redist).set_index("role")
    # Clerk: 54 of 80 h to tools, nothing absorbs them -> expansion; Checker: review 3 of 5 h -> hybrid;
    # Agent: 5 h freed, up to 25% of 30 judgement hours may grow -> enrichment
    assert jobs["redesign"].to_dict() == {"Clerk": "expansion", "Agent": "enrichment", "Checker": "hybrid"}
    assert jobs.loc["Clerk", "routine_before"] == pytest.approx(60 / 80)
    assert jobs.loc["Clerk", "routine_after"] == pytest.approx((60 - 54) / 80)


def test_a_new_role_appears_when_review_adds_up_to_half_a_job(tmp_path):
    tasks = [task("T1", hours=30, rep=5, rule=5, dig=5, vol=5)]
    emp = [person(f"E{i}") for i in range(4)]
    c = automation_company(tmp_path, tasks, [option("A1", "T1", share=0.9, oversight=25.0, annual=0)], emp=emp)
    scores, options, _ = _plan(c)
    jobs = R.job_redesign(c, R.redistribution(c, options, scores, pd.Series(dtype=float)))
    assert jobs["redesign"].iloc[-1] == "new role"


def _job(role, kind, *, before=0.6, after=0.3, taken=0.0, review=0.1):
    return {"role": role, "redesign": kind, "routine_before": before, "routine_after": after, "people_work_taken": taken,
            "review_share": review}


def test_mps_formula_and_before_after(tmp_path):
    assert R.mps(4, 5, 6, 3, 2) == pytest.approx((4 + 5 + 6) / 3 * 3 * 2)
    assert R.mps(7, 7, 7, 7, 7) == 343 and R.mps(1, 1, 1, 1, 1) == 1
    tasks = [task("T1", "Clerk", rep=5, rule=5, dig=5, vol=5), task("T2", "Agent", rep=5, rule=5, dig=5, vol=5)]
    emp = [person("E1", role="Clerk"), person("E2", role="Agent"), person("E3", role="Other")]
    jd = pd.DataFrame([("Clerk", "before", "owner", 3, 4, 5, 4, 2), ("Agent", "before", "owner", 2, 2, 2, 2, 2),
                       ("Agent", "after", "owner", 4, 4, 4, 3, 3), ("Other", "before", "survey", 5, 5, 5, 5, 5)],
                      columns=["role", "stage", "rated_by", *R.JCM_COLUMNS])
    c = automation_company(tmp_path, tasks, [option("A1", "T1"), option("A2", "T2")], emp=emp, job_design=jd)
    jobs = pd.DataFrame([_job("Clerk", "hybrid")])
    m = R.motivating_potential(c, jobs).set_index(["role", "stage"])
    assert m.loc[("Clerk", "before"), "mps"] == pytest.approx(4 * 4 * 2)
    # by hand from the stated slopes: routine share 0.6 -> 0.3 gives skill variety +4 x 0.3 = +1.2; a tenth of
    # the time checking tools: autonomy -2 x 0.1, feedback +2 x 0.1; no people work taken, not an expansion
    assert m.loc[("Clerk", "after"), "mps"] == pytest.approx((4.2 + 4 + 5) / 3 * 3.8 * 2.2)
    assert m.loc[("Clerk", "after"), "source"].startswith("estimate")
    assert m.loc[("Agent", "after"), "mps"] == pytest.approx(4 * 3 * 3) and m.loc[("Agent", "after"), "source"] == "rated"
    # survey ratings of a one-person role are hidden
    assert m.loc[("Other", "before"), "hidden"] and np.isnan(m.loc[("Other", "before"), "mps"])
    assert np.isnan(m.loc[("Other", "before"), "skill_variety"])


def test_estimates_stay_within_the_scale(tmp_path):
    tasks = [task("T1", rep=5, rule=5, dig=5, vol=5)]
    jd = pd.DataFrame([("Clerk", "before", "owner", 7, 7, 7, 7, 7)], columns=["role", "stage", "rated_by", *R.JCM_COLUMNS])
    c = automation_company(tmp_path, tasks, [option("A1", "T1")], job_design=jd)
    for kind in ("augmentation", "enrichment", "expansion", "hybrid"):
        m = R.motivating_potential(c, pd.DataFrame([_job("Clerk", kind, before=0.9, after=0.0, review=0.5)]))
        assert m["mps"].max() == pytest.approx(343)
        assert m[list(R.JCM_COLUMNS)].max().max() <= 7


def test_a_redesign_can_lower_the_job(tmp_path):
    # tools take the varied, judgement-heavy work and leave the routine: variety and identity fall, and so does MPS
    tasks = [task("T1", rep=1, rule=1, judg=5, emp=5)]
    jd = pd.DataFrame([("Clerk", "before", "owner", 4, 4, 4, 4, 4)], columns=["role", "stage", "rated_by", *R.JCM_COLUMNS])
    c = automation_company(tmp_path, tasks, [option("A1", "T1")], job_design=jd)
    m = R.motivating_potential(c, pd.DataFrame([_job("Clerk", "augmentation", before=0.5, after=0.75, taken=0.25, review=0.0)]))
    after = m.set_index("stage").loc["after"]
    assert after["skill_variety"] == pytest.approx(4 - 4 * 0.25) and after["task_identity"] == pytest.approx(4 - 4 * 0.25)
    assert after["mps"] == pytest.approx((3 + 3 + 4) / 3 * 4 * 4)
    assert after["mps"] < m.set_index("stage").loc["before", "mps"]
    # and the floor of the scale holds
    low = pd.DataFrame([("Clerk", "before", "owner", 1, 1, 1, 1, 1)], columns=["role", "stage", "rated_by", *R.JCM_COLUMNS])
    c1 = automation_company(tmp_path / "low", tasks, [option("A1", "T1")], job_design=low)
    m1 = R.motivating_potential(c1, pd.DataFrame([_job("Clerk", "augmentation", before=0.0, after=1.0, taken=1.0)]))
    assert m1[list(R.JCM_COLUMNS)].min().min() >= 1 and m1["mps"].min() == pytest.approx(1)


def test_every_affected_person_gets_one_pathway_and_never_a_step_down(sample):
    # with no growth to absorb them (no gaps in the role's own demand), the tools' hours are released; the
    # people move towards the roles that do have gaps
    scores, options, gh = _plan(sample)
    redist = R.redistribution(sample, options, scores, pd.Series(dtype=float))
    paths = R.reskilling_pathways(sample, redist, gh)
    hpw = sample.settings.hours_per_fte_week
    affected = redist.loc[redist["released"] >= smbkit.gaps.MIN_ACTION_FTE * hpw, "role"]
    assert len(affected), "with released hours the sample has roles whose people need a path"
    cur = smbkit.people.current_employees(sample)
    assert sorted(paths["person"]) == sorted(cur.loc[cur["role"].isin(affected), "employee_id"])
    pay = smbkit.costs.role_costs(sample).per_role
    for p in paths.itertuples():
        if p.to_role == p.role:  # no role to move to: grow within the role
            continue
        assert pay[p.to_role] >= smbkit.staffing.MOVE_PAY_FLOOR * pay[p.role]
        assert gh[p.to_role] >= smbkit.gaps.MIN_ACTION_FTE * sample.settings.hours_per_fte_week
    assert not paths["person"].str.contains("Name").any()


def test_pathway_levels_by_hand(tmp_path):
    tasks = [task("T1", "Clerk", hours=30, rep=5, rule=5, dig=5, vol=5)]
    emp = [person("E1", role="Clerk"), person("E2", role="Analyst", cost=70000)]
    skills = [{"employee_id": "E1", "skill": "excel", "proficiency": 1}]
    role_skills = [{"role": "Analyst", "skill": "excel", "required_proficiency": 3, "importance": 3},
                   {"role": "Analyst", "skill": "sql", "required_proficiency": 1, "importance": 2}]
    c = automation_company(tmp_path, tasks, [option("A1", "T1", share=0.9)], emp=emp, skills=skills, role_skills=role_skills)
    scores, options, _ = _plan(c)
    gh = pd.Series({"Analyst": 40.0})
    p = R.reskilling_pathways(c, R.redistribution(c, options, scores, gh), gh).iloc[0]
    assert (p["person"], p["to_role"], p["skills_to_build"], p["levels"]) == ("E1", "Analyst", "excel +2, sql +1", 3)
    assert p["months"] == 2 * smbkit.costs.BUILD_MONTHS
    hourly = 50000 / (40 * 47)
    assert p["cost"] == pytest.approx(3 * (smbkit.costs.BUILD_DEFAULT_COST + smbkit.costs.BUILD_DEFAULT_HOURS * hourly))


def test_decisions_pilot_first_and_fix_unchecked_tools(sample):
    scores, options, gh = _plan(sample, release=False)
    redist = R.redistribution(sample, options, scores, gh)
    flags = A.guardrail_flags(options, scores)
    jobs = R.job_redesign(sample, redist)
    d = R.automation_decisions(sample, options, flags, jobs, R.reskilling_pathways(sample, redist, gh))
    review = d[d["action"].str.startswith("Add a human review step")]  # A08 has no oversight in the sample
    assert len(review) == 1 and review["priority"].iloc[0] == "high"
    assert d["action"].str.startswith("Pilot").sum() == R.PILOTS
    assert d["priority"].tolist() == sorted(d["priority"], key=["high", "medium", "low"].index)
    assert not d["action"].str.contains("cut|lay off|fire", case=False).any()


def test_sections_work_without_roles_and_drivers(tmp_path):
    c = automation_company(tmp_path, [task("T1", rep=5, rule=5, dig=5, vol=5)], [option("A1", "T1")])
    scores, options, gh = _plan(c)
    assert gh.empty
    redist = R.redistribution(c, options, scores, gh)
    assert (redist["to_gap"] == 0).all() and "0 go to the gaps found in notebook 03" in R.redistribution_takeaway(redist)
    assert R.reskilling_pathways(c, redist, gh).empty or (R.reskilling_pathways(c, redist, gh)["levels"] == 0).all()
