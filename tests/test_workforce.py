"""Notebook 01's formulas against values worked out by hand on small companies."""

import pytest
from conftest import person, write_company

import smbkit
from smbkit import workforce as w


def test_headcount_by_team_sums_fte_and_cost(tiny):
    hc = w.headcount(tiny, by="team").set_index("team")
    assert list(hc.columns) == ["headcount", "fte", "annual_cost", "cost_share_pct", "cost_per_fte"]
    assert hc.loc["Shop", "headcount"] == 2
    assert hc.loc["Shop", "fte"] == pytest.approx(1.5)
    assert hc.loc["Shop", "annual_cost"] == pytest.approx(60000)
    total = 100000 + 20000 + 40000 + 45000 + 60000
    assert hc.loc["All", "annual_cost"] == pytest.approx(total)
    assert hc.loc["Shop", "cost_share_pct"] == pytest.approx(60000 / total * 100)
    assert hc.loc["Shop", "cost_per_fte"] == pytest.approx(60000 / 1.5)
    assert hc.index[0] == "Kitchen"  # 105,000: sorted by cost, total last
    assert hc.index[-1] == "All"


def test_tenure_bands_by_hand(tiny):
    t = w.tenure(tiny).set_index("employee_id")
    assert t.loc["P2", "tenure_years"] == pytest.approx(731 / 365.25)
    assert t.loc["P1", "tenure_band"] == "under 1 year"
    assert t.loc["P2", "tenure_band"] == "2-5 years"  # 2.001 years
    assert t.loc["B", "tenure_band"] == "10+ years"
    bands = w.tenure_bands(tiny).set_index("tenure_band")["headcount"]
    assert bands.to_dict() == {"under 1 year": 1, "1-2 years": 1, "2-5 years": 1, "5-10 years": 1, "10+ years": 1}


def test_span_of_control_counts_only_current_reports(tiny):
    spans = w.span_of_control(tiny).set_index("manager")
    # B manages P1, P2, K1 (P3 left); K1 manages K2 (F1 not started yet)
    assert spans.loc["B", "direct_reports"] == 3
    assert spans.loc["K1", "direct_reports"] == 1
    assert spans.loc["B", "layer"] == 0 and spans.loc["K1", "layer"] == 1
    assert spans.loc["K1", "span_flag"] == "narrow"
    summary = dict(zip(*w.org_summary(tiny).T.values))
    assert summary["layers"] == 3
    assert summary["median span"] == 2


def test_skill_coverage_and_single_points_of_failure(tiny):
    cov = w.skill_coverage(tiny).set_index("skill")
    assert cov.loc["baking", "people_at_level"] == 1
    assert cov.loc["baking", "people_one_below"] == 1
    assert bool(cov.loc["baking", "critical"]) and bool(cov.loc["baking", "single_point_of_failure"])
    assert cov.loc["selling", "people_at_level"] == 2
    assert cov.loc["hygiene", "people_at_level"] == 0  # required by a role, held by nobody
    spof = w.single_points_of_failure(tiny)
    assert spof["skill"].tolist() == ["baking", "accounts"]  # critical first
    assert spof.iloc[0]["holder"] == "K1"


def test_skills_matrix_person_and_role(tiny):
    m = w.skills_matrix(tiny, by="person")
    assert m.shape == (5, 3)
    assert m.loc["K1 · Cook", "baking"] == 4
    assert m.loc["P1 · Seller", "baking"] == 0
    by_role = w.skills_matrix(tiny, by="role")
    assert by_role.loc["Cook", "baking"] == pytest.approx(3.0)  # (4 + 2) / 2
    with pytest.raises(ValueError, match="by must be"):
        w.skills_matrix(tiny, by="desk")


def test_representation_suppresses_small_and_complementary_groups(tmp_path):
    genders = ["w"] * 6 + ["m"] * 7 + ["x"] * 2
    emp = [person(f"E{i}", demo_gender=g) for i, g in enumerate(genders)]
    c = smbkit.load_company(write_company(tmp_path / "c", employees=emp))
    r = w.representation(c).set_index("group")
    assert r.loc["x", "hidden"] and r.loc["w", "hidden"]  # x < 5; w hidden so x can't be subtracted out
    assert not r.loc["m", "hidden"]
    assert r.loc["m", "share_pct"] == pytest.approx(7 / 15 * 100)
    text = w.representation_takeaway(w.representation(c), 5)
    assert "2 groups are hidden" in text and "m (47% of people)" in text


def test_representation_rejects_non_demographic_columns(sample):
    with pytest.raises(ValueError, match="demo_"):
        w.representation(sample, "team")


def test_data_quality_and_decisions_on_tiny(tiny):
    dq = w.data_quality(tiny).set_index("check")
    assert dq.loc["people starting after the analysis date", "affected"] == 1
    assert dq.loc["people with no performance rating", "affected"] == 5
    assert dq.loc["roles.csv not provided", "affected"] == 0
    dec = w.workforce_decisions(tiny, evidence=smbkit.evidence.report_evidence(tiny))
    assert dec.iloc[0]["action"] == "Cross-train a backup for baking"
    assert dec.iloc[0]["priority"] == "high"
    assert list(dec["priority"]) == sorted(dec["priority"], key=["high", "medium", "low"].index)


def test_wide_span_becomes_a_decision(tmp_path):
    emp = [person("M")] + [person(f"R{i}", manager="M") for i in range(16)]
    c = smbkit.load_company(write_company(tmp_path / "c", employees=emp))
    dec = w.workforce_decisions(c, evidence=smbkit.evidence.report_evidence(c))
    assert "Review the load of M (Clerk)" in dec["action"].tolist()
    assert "M (Clerk) has the most, 16." in w.span_takeaway(w.span_of_control(c), w.org_summary(c))


def test_names_appear_only_when_allowed(tmp_path):
    emp = [person("B", "Office", "Boss"), person("K", manager="B")]
    skills = [{"employee_id": "B", "skill": "x", "proficiency": 4}]
    hidden = smbkit.load_company(write_company(tmp_path / "a", employees=emp, skills=skills))
    shown = smbkit.load_company(write_company(tmp_path / "b", employees=emp, skills=skills, settings={"show_names": "true"}))
    assert w.single_points_of_failure(hidden)["holder"].tolist() == ["B"]
    assert w.single_points_of_failure(shown)["holder"].tolist() == ["Name B"]
    assert w.span_of_control(shown)["manager"].tolist() == ["Name B"]


def test_takeaways_quote_the_numbers(sample):
    hc = w.headcount(sample)
    text = w.headcount_takeaway(hc, sample)
    assert text.startswith(f"{int(hc.iloc[-1]['headcount'])} people ({hc.iloc[-1]['fte']:.1f} FTE)")
    to = smbkit.signals.turnover(sample, by="team")
    assert f"{int(to.iloc[-1]['leavers'])} employees left" in smbkit.signals.turnover_takeaway(to)
