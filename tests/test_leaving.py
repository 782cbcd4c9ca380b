"""What the retention models are fed: the survival frame, inputs measured before each exit, belonging episodes."""

import pandas as pd
import pytest
from conftest import ITEMS4, person, response, write_company

import smbkit
from smbkit import leaving as L

AS_OF = pd.Timestamp("2025-12-31")
DAYS = smbkit.people.DAYS_PER_YEAR


def _company(tmp_path, emp, **more):
    return smbkit.load_company(write_company(tmp_path / "c", employees=emp, settings={"as_of": AS_OF.date()}, **more))


def test_survival_frame_by_hand(tmp_path):
    start = smbkit.people.years_before(AS_OF, L.WINDOW_YEARS)
    emp = [person("OLD", hire="2015-01-01"),  # hired before the window: enters late, at its tenure on the window's start
           person("NEW", hire="2024-01-01"),
           person("GONE", hire="2015-01-01", exit_date="2021-06-30", reason="voluntary"),  # left before the window
           person("QUIT", hire="2023-03-01", exit_date="2025-03-01", reason="voluntary"),
           person("LAID", hire="2023-03-01", exit_date="2025-03-01", reason="involuntary"),
           person("CON", etype="contractor"), person("LATER", hire="2026-02-01")]
    f = L.survival_frame(_company(tmp_path, emp)).set_index("employee_id")
    assert sorted(f.index) == ["LAID", "NEW", "OLD", "QUIT"]
    assert f.loc["OLD", "entry"] == pytest.approx((start - pd.Timestamp("2015-01-01")).days / DAYS)
    assert f.loc["OLD", "time"] == pytest.approx((AS_OF - pd.Timestamp("2015-01-01")).days / DAYS) and f.loc["OLD", "left"] == 0
    assert f.loc["QUIT", "time"] == pytest.approx(731 / DAYS) and f.loc["QUIT", "left"] == 1
    assert f.loc["LAID", "left"] == 0 and f.loc["LAID", "end"] == pd.Timestamp("2025-03-01")  # censored at the exit
    assert f.loc["NEW", "end"] == AS_OF and f.loc["NEW", "entry"] == 0
    anyone = L.survival_frame(_company(tmp_path / "any", emp), event="any").set_index("employee_id")
    assert anyone.loc["LAID", "left"] == 1
    with pytest.raises(ValueError, match="event must be"):
        L.survival_frame(_company(tmp_path / "e", emp), event="fired")


def test_a_leaver_is_compared_with_the_pay_of_the_role_on_their_last_day(tmp_path):
    # On 2023-06-30 the role had A (40k), B (50k) and the leaver L (45k): median 45k -> L at 0.
    # Today's role has B (50k) and C (70k, hired later): median 60k; against it L would look 25% underpaid.
    emp = [person("A", cost=40000, hire="2020-01-01", exit_date="2024-01-31", reason="voluntary"),
           person("B", cost=50000, hire="2020-01-01"), person("C", cost=70000, hire="2024-06-01"),
           person("L", cost=45000, hire="2020-01-01", exit_date="2023-06-30", reason="voluntary")]
    c = _company(tmp_path, emp)
    people = smbkit.people.employees_only(c.employees).set_index("employee_id", drop=False)
    at = L.pay_vs_role_at(c, people, pd.Series(pd.Timestamp("2023-06-30"), index=people.index))
    assert at["L"] == pytest.approx(0.0) and at["A"] == pytest.approx(40 / 45 - 1)
    f = L.survival_frame(c)
    X, _, _ = L.model_inputs(c, f, AS_OF, pay_on=f["end"])
    pay = dict(zip(f["employee_id"], X["pay_vs_role"]))
    # each person on their own last day: L as above; A on 2024-01-31 among A and B (C not yet hired): median 45k
    assert pay["L"] == pytest.approx(0.0) and pay["A"] == pytest.approx(40 / 45 - 1)
    assert pay["B"] == pytest.approx(50 / 60 - 1) and pay["C"] == pytest.approx(70 / 60 - 1)


def test_absence_is_counted_over_the_last_year_before_leaving(tmp_path):
    emp = [person("L", hire="2020-01-01", exit_date="2024-06-30", reason="voluntary"), person("S", hire="2025-07-01")]
    absences = [{"employee_id": "L", "start_date": "2022-01-10", "days": 30, "type": "sick"},  # more than a year before leaving
                {"employee_id": "L", "start_date": "2024-03-01", "days": 4, "type": "sick"},
                {"employee_id": "S", "start_date": "2025-09-01", "days": 3, "type": "sick"}]
    c = _company(tmp_path, emp, absences=absences)
    f = L.survival_frame(c)
    X, _, _ = L.model_inputs(c, f, AS_OF, pay_on=f["end"])
    days = dict(zip(f["employee_id"], X["absence_days"]))
    # L: 4 days over the year 2023-06-30 .. 2024-06-30 (a leap year, 366 days); S: 3 days in half a year at work;
    # everyone's rate r = 7 days / (366 + 183 days); each rate pulled towards r as if a quarter year more were seen
    yl, ys = 366 / DAYS, 183 / DAYS
    r = 7 / (yl + ys)
    q = L.MIN_ABSENCE_YEARS
    assert days["L"] == pytest.approx((4 + r * q) / (yl + q)) and days["S"] == pytest.approx((3 + r * q) / (ys + q))


def test_collinear_and_constant_inputs_are_dropped_with_notes():
    X = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 4, 6, 8], "c": [1.0, 1, 1, 1], "d": [0.0, 1, 0, 1]})
    kept, notes = L.usable_inputs(X)
    assert list(kept.columns) == ["a", "d"]
    assert notes == ["b dropped: it is fully explained by the other inputs", "c dropped: the same for everyone"]


def test_rare_levels_are_pooled():
    col = pd.Series(["a"] * 12 + ["b"] * 3 + ["c"] * 10)
    assert L.pooled(col, 10).value_counts().to_dict() == {"a": 12, "c": 10, "other": 3}


def test_belonging_episodes_cut_at_waves_with_the_wave_before(tmp_path):
    waves = ["2024-06-30", "2025-06-30"]
    emp = ([person(f"S{i}", "Shop", hire="2023-01-01") for i in range(6)] + [person(f"D{i}", "Desk", hire="2023-01-01") for i in range(6)]
           + [person("Q", "Shop", hire="2023-01-01", exit_date="2025-03-01", reason="voluntary"), person("T", "Tiny", hire="2023-01-01")])
    rows = []
    for w, shop in zip(waves, (4, 2)):
        rows += [response("Shop", shop, 1, 6, 9, wave=w) for _ in range(6)] + [response("Desk", 4 if i % 2 else 2, 3, 6 if i % 2 else 3, 9 if i % 2 else 5, wave=w) for i in range(6)]
        # one person: hidden, the company's score is used. Desk, hidden beside Tiny, answers both ways, so the
        # hidden pair's favourable answers and promoters pin neither of them (privacy.Amount)
        rows += [response("Tiny", 1, 4, 1, 0, wave=w)]
    c = _company(tmp_path, emp, survey_items=ITEMS4, survey_responses=rows)
    f = L.survival_frame(c)
    ep = L.belonging_episodes(c, f)
    team = smbkit.survey.survey_results(c, by="team")
    bi = team[team["measure"] == "belonging_index"].set_index(["wave", "team"])["score"]
    whole = smbkit.survey.survey_results(c)
    whole = whole[whole["measure"] == "belonging_index"].set_index("wave")["score"]
    w1, w2 = (pd.Timestamp(w) for w in waves)
    cut1, cut2 = ((w - pd.Timestamp("2023-01-01")).days / DAYS for w in (w1, w2))
    s0 = ep[ep["employee_id"] == "S0"]
    end = (AS_OF - pd.Timestamp("2023-01-01")).days / DAYS
    assert s0[["entry", "time"]].to_numpy().ravel().tolist() == pytest.approx([cut1, cut2, cut2, end])
    assert s0["team_belonging"].tolist() == pytest.approx([bi[(w1, "Shop")], bi[(w2, "Shop")]])
    assert s0["team_belonging"].iloc[0] != s0["team_belonging"].iloc[1] and (s0["left"] == 0).all()
    q = ep[ep["employee_id"] == "Q"]  # left before the second wave: one piece, ending with the exit
    assert len(q) == 1 and q["left"].tolist() == [1] and q["team_belonging"].iloc[0] == pytest.approx(bi[(w1, "Shop")])
    t = ep[ep["employee_id"] == "T"]
    assert t["team_belonging"].tolist() == pytest.approx([whole[w1], whole[w2]])
    per_person = ep.groupby("employee_id")["left"].sum()
    assert per_person.equals(f.set_index("employee_id")["left"].reindex(per_person.index))  # each exit counted once


def test_absence_before_the_absence_records_start_is_unknown_not_zero(tmp_path):
    # absences.csv starts in 2025: a leaver of 2023 was not "never absent", we do not know; the median is used
    emp = [person("OLD", hire="2020-01-01", exit_date="2023-06-30", reason="voluntary"), person("A", hire="2020-01-01"),
           person("B", hire="2020-01-01"), person("C", hire="2020-01-01")]
    absences = [{"employee_id": e, "start_date": "2025-02-01", "days": d, "type": "sick"} for e, d in (("A", 2), ("B", 4), ("C", 9))]
    c = _company(tmp_path, emp, absences=absences)
    f = L.survival_frame(c)
    X, notes, _ = L.model_inputs(c, f, AS_OF, pay_on=f["end"])
    days = dict(zip(f["employee_id"], X["absence_days"]))
    # today's people: per year over the covered part of their last year (2025-02-01 .. 2025-12-31, 333 days), pulled
    # towards everyone's rate; OLD gets the median of the known, B's
    y, q = 333 / DAYS, L.MIN_ABSENCE_YEARS
    r = 15 / (3 * y)
    assert days["C"] == pytest.approx((9 + r * q) / (y + q)) and days["OLD"] == pytest.approx((4 + r * q) / (y + q))
    assert any("absence unknown for 1 people" in n and "2025-02-01" in n for n in notes)
