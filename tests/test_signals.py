"""HR signals: turnover and absence rates by hand, and the team comparisons behind stay-interview and absence actions."""

import numpy as np
import pandas as pd
import pytest
from conftest import person, write_company

import smbkit
from smbkit import signals as H


def test_turnover_by_hand(tiny):
    to = H.turnover(tiny)
    # employees only (K2 is a contractor): month ends 2024-12-31 .. 2025-12-31 (13 points).
    # B and K1 all 13; P2 all 13; P3 on the books up to 2025-05-31 (6 points);
    # P1 from 2025-07-31 (6 points: Jul..Dec). Average = (3*13 + 6 + 6) / 13.
    avg = (3 * 13 + 6 + 6) / 13
    assert to.loc[0, "average_headcount"] == pytest.approx(avg)
    assert to.loc[0, "leavers"] == 1 and to.loc[0, "voluntary"] == 1
    assert to.loc[0, "rate_pct"] == pytest.approx(100 / avg)


def test_turnover_annualises_short_windows(tiny):
    # window (2025-06-30, 2025-12-31]: P3's exit on the window's first day is outside it
    assert H.turnover(tiny, months=6).loc[0, "leavers"] == 0
    seven = H.turnover(tiny, months=7)
    # month ends 2025-05-31 .. 2025-12-31 (8 points): B, K1, P2 8 each; P3 1 (May); P1 6 (Jul..Dec)
    avg = (3 * 8 + 1 + 6) / 8
    assert seven.loc[0, "average_headcount"] == pytest.approx(avg)
    assert seven.loc[0, "rate_pct"] == pytest.approx(1 / avg * 100 * 12 / 7)
    with pytest.raises(ValueError, match="months must be at least 1"):
        H.turnover(tiny, months=0)


def test_absence_rate_by_hand(tiny):
    ab = H.absence_rate(tiny)
    start, end = pd.Timestamp("2024-12-31"), pd.Timestamp("2025-12-31")
    employed = {  # days employed inside the window, fte
        "B": ((end - start).days, 1.0), "P1": ((end - pd.Timestamp("2025-07-01")).days, 0.5),
        "P2": ((end - start).days, 1.0), "P3": ((pd.Timestamp("2025-06-30") - start).days, 1.0),
        "K1": ((end - start).days, 1.0), "K2": ((end - start).days, 1.0), "F1": (0, 1.0),
    }
    available = sum(fte * 5 * 47 * d / 365.25 for d, fte in employed.values())
    assert ab.loc[0, "days_absent"] == pytest.approx(6)
    assert ab.loc[0, "days_available"] == pytest.approx(available)
    assert ab.loc[0, "rate_pct"] == pytest.approx(600 / available)


def test_absence_by_team_hides_small_teams(tiny):
    ab = H.absence_rate(tiny, by="team").set_index("team")
    assert ab["hidden"].loc[["Kitchen", "Office", "Shop"]].all()  # every team has fewer than 5 people
    assert ab.loc["Kitchen", "rate_pct"] is pd.NA or np.isnan(ab.loc["Kitchen", "rate_pct"])
    assert not ab.loc["All", "hidden"]


def test_absence_rate_without_file_says_what_is_missing(tmp_path):
    c = smbkit.load_company(write_company(tmp_path / "c", employees=[person("A")]))
    with pytest.raises(ValueError, match="needs absences.csv"):
        H.absence_rate(c)


def _leavers(tmp_path, name, teams):
    """A company with, per team, (people who stayed all year, voluntary leavers in the last 12 months)."""
    emp = []
    for team, (stay, left) in teams.items():
        emp += [person(f"{team}{i}", team, hire="2020-01-01") for i in range(stay)]
        emp += [person(f"{team}L{i}", team, hire="2020-01-01", exit_date="2025-06-30", reason="voluntary") for i in range(left)]
    return smbkit.load_company(write_company(tmp_path / name, employees=emp))


def test_a_team_losing_people_clearly_faster_gets_stay_interviews(tmp_path):
    from statsmodels.stats.rates import test_poisson_2indep

    c = _leavers(tmp_path, "hot", {"Shop": (6, 6), "Kitchen": (40, 2), "Office": (20, 1)})
    t = H.turnover(c, by="team").set_index("team")
    comp = H.turnover_comparisons(c).set_index("subject")
    shop = t.loc["Shop", ["voluntary", "average_headcount"]]
    rest = t.loc["All", ["voluntary", "average_headcount"]] - shop
    ref = test_poisson_2indep(6, shop["average_headcount"], 3, rest["average_headcount"], method="exact-cond", alternative="larger")
    assert comp.loc["Shop", "p_value"] == pytest.approx(ref.pvalue)
    dec = smbkit.workforce.workforce_decisions(c, evidence=smbkit.evidence.report_evidence(c))
    stay = dec[dec["action"].str.startswith("Hold stay interviews")]
    assert stay["action"].tolist() == ["Hold stay interviews in Shop"] and "unlikely to be chance" in stay["evidence"].iloc[0]


def test_a_difference_that_could_be_chance_raises_no_action_and_says_so(tmp_path):
    # the case: 5 leavers where about 3.9 would be expected at the rest's rate
    c = _leavers(tmp_path, "noise", {"Retail": (10, 5), "Production": (30, 11), "Office": (8, 2)})
    ev = smbkit.evidence.report_evidence(c)
    retail = ev[(ev["family"] == "turnover") & (ev["subject"] == "Retail")].iloc[0]
    assert 0.1 < retail["p_value"] < 0.6 and not retail["clear"]
    dec = smbkit.workforce.workforce_decisions(c, evidence=ev)
    assert not dec["action"].str.contains("stay interviews").any()
    assert "cannot yet tell" in retail["evidence"]


def test_absence_comparisons_use_people_as_units_and_only_shown_teams(tmp_path):
    sizes = {"Alpha": 12, "Beta": 8, "Gamma": 9, "Trio": 3}  # Trio is hidden, and Beta with it (the smallest other team)
    emp = [person(f"{t}{i}", t, hire="2020-01-01") for t, n in sizes.items() for i in range(n)]
    absences = [{"employee_id": e["employee_id"], "start_date": "2025-03-01", "days": 12 if e["team"] == "Alpha" else 1} for e in emp]
    c = smbkit.load_company(write_company(tmp_path / "ab", employees=emp, absences=absences))
    comp = H.absence_comparisons(c).set_index("subject")
    assert sorted(comp.index) == ["Alpha", "Gamma"] and comp.loc["Alpha", "n"] == 12
    # every Alpha person lost more days than anyone else: only the permutations that keep them together are as extreme
    assert comp.loc["Alpha", "p_value"] < 0.001 and comp.loc["Gamma", "p_value"] > 0.5


def test_the_expected_number_is_at_the_rest_of_the_companys_rate(tmp_path):
    # Shop: 6 of about 9 people chose to leave; the rest: 3 of about 62 -> 9 x 3 / 62, about 0.4, expected
    c = _leavers(tmp_path, "exp", {"Shop": (6, 6), "Kitchen": (40, 2), "Office": (20, 1)})
    t = H.turnover(c, by="team").set_index("team")
    shop, all_ = t.loc["Shop", "average_headcount"], t.loc["All", "average_headcount"]
    statement = H.turnover_comparisons(c).set_index("subject").loc["Shop", "statement"]
    assert f"against {shop * 3 / (all_ - shop):.1f} expected" in statement


def test_teams_under_the_minimum_show_no_turnover_and_are_never_named(tmp_path):
    c = _leavers(tmp_path, "tiny", {"Shop": (2, 1), "Kitchen": (40, 2), "Office": (20, 1)})
    t = H.turnover(c, by="team").set_index("team")
    assert t.loc["Shop", "hidden"] and t.loc[["Shop"], ["leavers", "voluntary", "rate_pct", "people"]].isna().all().all()
    # hiding Shop alone would let it be worked out from the total: the next smallest team is hidden too
    assert t.loc["Office", "hidden"] and not t.loc["Kitchen", "hidden"] and not t.loc["All", "hidden"]
    assert "Shop" not in set(H.turnover_comparisons(c)["subject"])
    ev = smbkit.evidence.report_evidence(c)
    assert "Shop" not in H.turnover_takeaway(t.reset_index(), ev)
