"""Notebook 03's plan: backfill against growth, people first, whole hires only above a stated share, one decision per role."""

import pytest
from conftest import person, plan_company

import smbkit
from smbkit import costs as C
from smbkit import gaps as g
from smbkit import learning as ln
from smbkit import staffing as P

AS_OF = "2025-12-31"


_company = plan_company


def test_growth_is_hired_in_whole_people_and_backfill_is_replacement_not_new_pay(tmp_path):
    # 2 Sellers today, nobody left in three years (no expected leavers); demand 1000 / 250 = 4 (flat) or 6 (up)
    emp = [person(f"S{i}", role="Seller", cost=40000) for i in range(2)]
    c = _company(tmp_path, emp, roles=[{"role": "Seller", "driver": "orders", "units_per_fte": 350, "fixed_fte": ""}],
                 scenarios=[{"scenario": "up", "driver": "orders", "change_pct": 50, "probability": 0.5},
                            {"scenario": "flat", "driver": "orders", "change_pct": 0, "probability": 0.5}])
    gaps = g.headcount_gaps(c).set_index(["scenario", "role"])
    up, flat = gaps.loc[("up", "Seller")], gaps.loc[("flat", "Seller")]
    # up: 1500 / 350 = 4.3 -> growth 2.3; flat: 1000 / 350 = 2.9 -> growth 0.9 shared by every scenario
    assert (round(up["growth_fte"], 1), round(flat["growth_fte"], 1)) == (2.3, 0.9)
    assert up["gap_fte"] == pytest.approx(up["growth_fte"] + up["backfill_fte"])
    plan = P.recommended_plan(c, scenario="up").set_index("action")
    # the shared 0.9 is at least 0.8 of a person: one hire; the rest (2.3 - 1 = 1.3) only under "up": contracted
    assert plan.loc["buy", "fte"] == 1 and plan.loc["borrow", "fte"] == pytest.approx(up["growth_fte"] - 1)
    # buy: C x (12 - 2) / 12 + 20% x C per person; borrow: 1.35 x C x (12 - 0.5) / 12 per FTE
    assert plan.loc["buy", "cost"] == pytest.approx(40000 * 10 / 12 + 0.2 * 40000)
    assert plan.loc["borrow", "cost"] == pytest.approx((up["growth_fte"] - 1) * 1.35 * 40000 * 11.5 / 12)


def test_expected_leavers_are_replaced_as_they_go_at_replacement_cost(tmp_path):
    # 8 Bakers, 4 of whom left by choice in the last three years: about a sixth leave a year, nobody has left yet
    emp = [person(f"B{i}", role="Baker", cost=36000, hire="2018-01-01") for i in range(8)]
    emp += [person(f"X{i}", role="Baker", cost=36000, hire="2018-01-01", exit_date=f"202{3 + i % 2}-06-30", reason="voluntary")
            for i in range(4)]
    c = _company(tmp_path, emp, roles=[{"role": "Baker", "driver": "", "units_per_fte": "", "fixed_fte": 8}])
    gap = g.headcount_gaps(c).iloc[0]
    assert gap["growth_fte"] == 0 and gap["backfill_fte"] == pytest.approx(8 - gap["supply_fte"])
    plan = P.recommended_plan(c)
    assert plan["action"].tolist() == ["backfill"]  # no "hire at month 2" for people who have not left
    assert plan["cost"].iloc[0] == pytest.approx(gap["backfill_fte"] * C.replacement_cost(36000))
    assert C.replacement_cost(36000) < 0.5 * 36000  # not a new salary: the pay is already in the budget
    dec = P.staffing_decisions(c, plan=plan)
    assert dec["action"].iloc[0].startswith("Staff Baker: replace about") and dec["priority"].iloc[0] == "medium"


def test_a_shortfall_of_part_of_a_person_never_becomes_a_whole_hire(tmp_path):
    # the case: 0.6 FTE needed in every scenario
    c = _company(tmp_path, [person("S0", role="Seller")], roles=[{"role": "Seller", "driver": "", "units_per_fte": "", "fixed_fte": 1.6}])
    plan = P.recommended_plan(c)
    assert plan["action"].tolist() == ["buy"]  # a part-time post: needed whatever happens, never rounded up to a person
    post = plan.iloc[0]
    assert post["fte"] == pytest.approx(0.6) and "part-time post" in post["why"]
    assert post["cost"] == pytest.approx(0.6 * C.hire_cost(50000, 12))
    assert "hire part-time (0.6 FTE)" in P.staffing_decisions(c, plan=plan)["action"].iloc[0]
    assert P._whole(0.79) == (0, pytest.approx(0.79)) and P._whole(0.8) == (1, 0.0) and P._whole(2.6) == (2, pytest.approx(0.6))


def test_plan_never_leaves_an_uncovered_critical_skill_to_contractors(tmp_path):
    emp = [person(f"S{i}", role="Seller", cost=40000) for i in range(2)]
    c = _company(tmp_path, emp, roles=[{"role": "Seller", "driver": "orders", "units_per_fte": 250, "fixed_fte": ""}],
                 scenarios=[{"scenario": "up", "driver": "orders", "change_pct": 50, "probability": 0.5},
                            {"scenario": "flat", "driver": "orders", "change_pct": 0, "probability": 0.5}],
                 skills=[{"employee_id": "S0", "skill": "till", "proficiency": 1}],
                 role_skills=[{"role": "Seller", "skill": "till", "required_proficiency": 3, "importance": 3}])
    plan = P.recommended_plan(c, scenario="up")
    assert "borrow" not in set(plan["action"])
    assert plan[(plan["action"] == "buy") & (plan["skill"] == "")]["why"].str.contains("critical skill").any()


def test_a_new_role_with_a_critical_skill_and_part_of_a_person_gets_a_part_time_employee(tmp_path):
    emp = [person("S0", role="Seller")]
    c = _company(tmp_path, emp, roles=[{"role": "Chef", "driver": "", "units_per_fte": "", "fixed_fte": 0.6}],
                 skills=[{"employee_id": "S0", "skill": "menus", "proficiency": 1}],
                 role_skills=[{"role": "Chef", "skill": "menus", "required_proficiency": 3, "importance": 3}])
    plan = P.recommended_plan(c)
    hire = plan[(plan["action"] == "buy") & (plan["skill"] == "")].iloc[0]
    assert hire["fte"] == pytest.approx(0.6) and "part-time post" in hire["why"] and "borrow" not in set(plan["action"])
    assert "hire part-time (0.6 FTE)" in P.staffing_decisions(c, plan=plan)["action"].iloc[0]


def test_plan_trains_nearest_people_when_cheaper_than_hiring(tmp_path):
    emp = [person(f"S{i}", role="Seller", cost=40000) for i in range(3)]
    skills = [{"employee_id": "S0", "skill": "till", "proficiency": 2}, {"employee_id": "S1", "skill": "till", "proficiency": 1}]
    c = _company(tmp_path, emp, roles=[{"role": "Seller", "driver": "", "units_per_fte": "", "fixed_fte": 3}],
                 skills=skills, role_skills=[{"role": "Seller", "skill": "till", "required_proficiency": 2, "importance": 3}])
    plan = P.recommended_plan(c, prefer="cost")
    build = plan[plan["action"] == "build"].iloc[0]
    # S1 needs 1 level and S2 (no till) 2 levels: 3 levels at the default 1,000 + 20 h of their time each
    hourly = 40000 / (40 * 47)
    assert build["fte"] == 2 and build["months"] == 6
    assert build["cost"] == pytest.approx(3 * (1000 + 20 * hourly))
    assert g.trainees(c, "Seller", "till", 2) == [("S1", 1), ("S2", 0)]
    lp = ln.learning_plan(c)
    assert lp[["person", "from_level", "to_level"]].values.tolist() == [["S1", 1, 2], ["S2", 0, 2]]
    with pytest.raises(ValueError, match="prefer must be one of people, cost"):
        P.recommended_plan(c, prefer="cheap")


def test_sample_plan_closes_every_shortfall_of_half_an_fte(sample):
    capacity = smbkit.redesign.freed_capacity(sample)
    plan = P.recommended_plan(sample, capacity=capacity)
    gaps = g.headcount_gaps(sample)
    gaps = gaps[(gaps["scenario"] == "moderate") & (gaps["gap_fte"] >= g.MIN_ACTION_FTE)]
    covered = plan[plan["skill"] == ""].groupby("role")["fte"].sum()
    for r in gaps.itertuples():
        # filled up to the whole-person rule: at most 0.2 of a person more than the gap, never less
        assert r.gap_fte - 1e-9 <= covered[r.role] <= r.gap_fte + 1 - P.WHOLE_PERSON_SHARE + 1e-9, r.role
    assert set(plan["action"]) <= {"backfill", "buy", "borrow", "bot", "build"}
    dec = P.staffing_decisions(sample, plan=plan)
    assert dec["need"].is_unique and dec["need"].str.startswith("staff:").all()  # one decision per role


def test_bot_option_follows_the_automation_plan_and_its_guardrails(tmp_path):
    # one Clerk (56,400 a year: 30 an hour at 40 h x 47 weeks); a guarded task: the tool may take at most 80%
    from smbkit.automation import MAX_GUARDED_SHARE, REVIEW_SHARE

    task = {"task_id": "T1", "role": "Clerk", "task": "t", "function": "finance", "hours_per_week": 20, "repetitive": 5,
            "rule_based": 5, "digital_input": 5, "volume_stability": 5, "judgment": 1, "empathy": 1, "compliance_risk": 5}
    opts = [{"option_id": "A1", "task_id": "T1", "tool_category": "x", "example_tool": "", "automatable_share": 1.0, "one_time_cost": 100,
             "annual_cost": 1200, "oversight_hours_per_week": 0.0, "months_to_implement": 3},
            {"option_id": "A2", "task_id": "T1", "tool_category": "y", "example_tool": "", "automatable_share": 0.1, "one_time_cost": 100,
             "annual_cost": 1200, "oversight_hours_per_week": 0.0, "months_to_implement": 1}]
    c = _company(tmp_path, [person("E1", role="Clerk", cost=56400)], roles=[{"role": "Clerk", "driver": "", "units_per_fte": "", "fixed_fte": 2}],
                 tasks=[task], automation_options=opts)
    cap = smbkit.redesign.freed_capacity(c).set_index("role").loc["Clerk"]
    automated = 20 * MAX_GUARDED_SHARE
    assert cap["to_gap_fte"] == pytest.approx((automated - REVIEW_SHARE * automated) / 40)  # A1 is cheaper per hour freed
    assert cap["tasks"] == "T1" and cap["months"] == 3
    row = P.closure_options(c, capacity=cap.to_frame().T.reset_index(names="role")).query("option == 'bot'").iloc[0]
    assert row["months"] == 3 and row["cost"] == 0  # the tool's money is counted once, in notebook 04
    plan = P.recommended_plan(c, capacity=smbkit.redesign.freed_capacity(c))
    assert plan.set_index("action").loc["bot", "fte"] == pytest.approx(cap["to_gap_fte"])


def test_people_first_moves_someone_whose_role_has_spare_capacity(tmp_path):
    # Counter: 4 people, demand 2 (spare 2); Kitchen: 1 person, demand 2 (growth 1). C0 is one level short of cooking.
    emp = [person(f"C{i}", role="Counter", cost=30000) for i in range(4)] + [person("K0", role="Cook", cost=32000)]
    skills = [{"employee_id": "C0", "skill": "cooking", "proficiency": 1}, {"employee_id": "K0", "skill": "cooking", "proficiency": 3}]
    roles = [{"role": "Counter", "driver": "", "units_per_fte": "", "fixed_fte": 2}, {"role": "Cook", "driver": "", "units_per_fte": "", "fixed_fte": 2}]
    c = _company(tmp_path, emp, roles=roles, skills=skills,
                 role_skills=[{"role": "Cook", "skill": "cooking", "required_proficiency": 2, "importance": 3}])
    movers = P.internal_movers(c)
    assert movers[["person", "from_role", "to_role", "levels", "months"]].values.tolist() == [["C0", "Counter", "Cook", 1, 3.0]]
    plan = P.recommended_plan(c)
    cook = plan[(plan["role"] == "Cook") & (plan["skill"] == "")]
    assert cook["action"].tolist() == ["build"] and cook["fte"].sum() == pytest.approx(1.0)  # no hire: a colleague moves in
    hold = P.staffing_decisions(c, plan=plan)
    assert "Hold back on replacing leavers in Counter" in hold["action"].tolist()


def test_a_nice_to_have_skill_never_creates_a_gap_and_an_important_one_is_needed_by_half(tmp_path):
    emp = [person(f"S{i}", role="Seller") for i in range(4)]
    rs = [{"role": "Seller", "skill": "latte_art", "required_proficiency": 3, "importance": 1},
          {"role": "Seller", "skill": "till", "required_proficiency": 2, "importance": 2},
          {"role": "Seller", "skill": "safety", "required_proficiency": 2, "importance": 3}]
    c = _company(tmp_path, emp, roles=[{"role": "Seller", "driver": "", "units_per_fte": "", "fixed_fte": 4}],
                 skills=[{"employee_id": "S0", "skill": "till", "proficiency": 2}], role_skills=rs)
    sg = g.skill_gaps(c).set_index("skill")
    assert (sg.loc["latte_art", "needed"], sg.loc["latte_art", "gap"]) == (0, 0)
    assert (sg.loc["till", "needed"], sg.loc["till", "gap"]) == (2, 1)  # half of 4 people; S0 has it
    assert (sg.loc["safety", "needed"], sg.loc["safety", "gap"]) == (4, 4)
    plan = P.recommended_plan(c)
    assert not (plan["skill"] == "latte_art").any()
    assert not ((plan["skill"] == "till") & (plan["action"] == "buy")).any()  # an important skill is trained, never hired for


def test_one_decision_per_role_high_only_for_no_regret_hires(tmp_path):
    # Sellers: 2 today, flat needs 1000 / 350 = 2.9, up 4.3: the hire shared by every scenario is no-regret (high).
    # Packers: 3 today and no scenario needs more than 1500 / 750 = 2: hold back on replacing leavers (medium)
    emp = [person(f"S{i}", role="Seller", cost=40000) for i in range(2)] + [person(f"P{i}", role="Packer") for i in range(3)]
    roles = [{"role": "Seller", "driver": "orders", "units_per_fte": 350, "fixed_fte": ""},
             {"role": "Packer", "driver": "orders", "units_per_fte": 750, "fixed_fte": ""}]
    c = _company(tmp_path, emp, roles=roles,
                 scenarios=[{"scenario": "up", "driver": "orders", "change_pct": 50, "probability": 0.5},
                            {"scenario": "flat", "driver": "orders", "change_pct": 0, "probability": 0.5}])
    d = P.staffing_decisions(c, plan=P.recommended_plan(c, scenario="up"), scenario="up")
    assert d["need"].tolist() == ["staff:Seller", "staff:Packer"]
    seller, packer = d.iloc[0], d.iloc[1]
    assert seller["priority"] == "high" and seller["action"].startswith("Staff Seller: hire 1")
    assert "4.3 FTE needed" in seller["why"] and "(people)" in seller["cost"]
    assert packer["priority"] == "medium" and packer["action"] == "Hold back on replacing leavers in Packer"
    # a shortfall only the high scenario has is covered without hiring and is never high priority
    only_up = _company(tmp_path / "u", emp[:2], roles=roles[:1],
                       scenarios=[{"scenario": "up", "driver": "orders", "change_pct": 50, "probability": 0.5},
                                  {"scenario": "flat", "driver": "orders", "change_pct": -40, "probability": 0.5}])
    d2 = P.staffing_decisions(only_up, plan=P.recommended_plan(only_up, scenario="up"), scenario="up")
    assert (d2["priority"] == "medium").all() and not d2["action"].str.contains("hire").any()
