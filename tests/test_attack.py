"""The attacker of issue 16: what a determined reader recovers from the outputs of `smbkit run`.

Two fixed companies reproduce the findings of issue 16 one by one, and Hypothesis builds small
companies (5, 12 and 40 people) that `tests/attacker.py` attacks with everything it has: the
linear-programming audit (scipy HiGHS), the subtraction families, the population and difference
rules, and the name search. A failing test prints each leak: which tables, how the value is
recovered and its true value.

Runs go through the ``smbkit`` command in a fresh process, as a user's would; only the notebooks
that publish the figures under attack run (01 and 05; 02 and 03 too where goals and programmes are
attacked).
"""

from __future__ import annotations

import os
import shutil
import unicodedata
from pathlib import Path

import attacker
import numpy as np
import pandas as pd
import pytest
from conftest import ITEMS4, person, response, run_cli, write_company
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

import smbkit

AS_OF = "2025-12-31"
WAVES = ["2025-03-31", "2025-06-30", "2025-09-30"]
FIRST = ["Zoë", "Siobhán", "José", "Søren", "Łukasz", "François", "Anaïs", "Mårten", "Chloé", "Björn", "Eoghan", "Ngozi",
         "Thandiwe", "Yusuf", "Priyanka", "Kenji", "Ximena", "Oluwaseun", "Radhika", "Tadeusz"]
LAST = ["Ångström", "Ó Briain", "Núñez", "Kierkegård", "Wójcik", "Dupré", "Lefèvre", "Ødegaard", "Brontë", "Þórsson",
        "Okonkwo", "Nakamura", "Haddad", "Castañeda", "Müller", "Ferreira", "Quispe", "Adeyemi", "Venkataraman", "Grzybowski"]


def full_name(i: int) -> str:
    return f"{FIRST[i % len(FIRST)]} {LAST[(i * 7 + i // len(FIRST)) % len(LAST)]}"


def mentions(name: str, style: int) -> str:
    """A comment naming someone as people type: plain, without accents, decomposed (NFD), possessive, upper case."""
    first = name.split()[0]
    plain = "".join(c for c in unicodedata.normalize("NFKD", first) if not unicodedata.combining(c)).replace("ø", "o").replace("Ø", "O").replace("ł", "l").replace("Ł", "L")
    return [f"Thanks to {first} for covering my shift.",
            f"{plain} helps a lot with the rota.",
            unicodedata.normalize("NFD", f"Ask {name} about training, she knows the new tools."),
            f"{first}'s feedback on my workload was fair.",
            f"{first}’s team meeting updates are useful.",
            f"Pay is fine but {name.split()[-1].upper()} shouts at us."][style % 6]


def run(company: Path, out: Path, notebooks: str) -> Path:
    result = run_cli("run", "--data", company, "--out", out, "--notebooks", notebooks, "--workers", "2")
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def failing(leaks, *kinds):
    chosen = [x for x in leaks if x.kind in kinds]
    return chosen, "\n" + attacker.format_leaks(chosen)


# ---------------------------------------------------------------------------------------------
# The findings of issue 16, one company built to show each of them
# ---------------------------------------------------------------------------------------------


def findings_company(folder: Path) -> Path:
    """34 people today in four teams plus a two-person team that never answers, 11 who chose to leave this year.

    Latest wave (2025-09-30), team x gender: Bakery 4 women + 6 men, Shop 6 + 7, Delivery 6 men, Office 5 men
    (one Office man skips the connection question). Delivery has 6, 3 and 6 respondents over the waves;
    2025-06-30 has two comments. Goals and a programme name people; comments name them in every spelling.
    """
    emp, n = [], 0

    def add(team, gender, k, **kw):
        nonlocal n
        for _ in range(k):
            emp.append(person(f"E{n + 1:02d}", team, "Clerk", name=full_name(n), demo_gender=gender,
                              demo_age_band=["18-34", "35-54", "55+"][n % 3], **kw))
            n += 1

    add("Bakery", "woman", 4)
    add("Bakery", "man", 6)
    add("Shop", "woman", 6)
    add("Shop", "man", 7)
    add("Delivery", "man", 6)
    add("Office", "man", 5)
    add("Studio", "woman", 2)
    for k, (team, gender) in enumerate([("Bakery", "man")] * 2 + [("Shop", "man")] + [("Bakery", "woman")] * 4
                                       + [("Shop", "woman")] * 4):
        add(team, gender, 1, exit_date=f"2025-{k % 11 + 1:02d}-15", reason="voluntary")
    rng = np.random.default_rng(16)

    def answers(team, gender, wave, *, skip_connection=False, comment=""):
        a1, a2, c1 = (int(x) for x in rng.integers(1, [5, 5, 8]))
        return response(team, a1, a2, "" if skip_connection else c1, int(rng.integers(0, 11)), wave=wave, comment=comment,
                        demo_gender=gender)

    rows = []
    sizes = {WAVES[0]: {"Bakery": (3, 5), "Shop": (4, 6), "Delivery": (0, 6), "Office": (0, 5)},
             WAVES[1]: {"Bakery": (3, 5), "Shop": (4, 6), "Delivery": (0, 3), "Office": (0, 5)},
             WAVES[2]: {"Bakery": (4, 6), "Shop": (6, 7), "Delivery": (0, 6), "Office": (0, 5)}}
    themes = ["The rota changes too often.", "More training on the new tools, please.", "Pay is fair here.",
              "Good communication in the huddle.", "Too much overtime lately."]
    for wave, teams in sizes.items():
        k = 0
        for team, (women, men) in teams.items():
            for j in range(women + men):
                gender = "woman" if j < women else "man"
                comment = ""
                if wave == WAVES[1] and k < 2:
                    comment = themes[k]
                elif wave != WAVES[1] and k % 3 == 0:
                    comment = mentions(full_name(k % 20), k // 3) if wave == WAVES[2] else themes[k % 5]
                rows.append(answers(team, gender, wave, skip_connection=(wave == WAVES[2] and team == "Office" and j == 0),
                                    comment=comment))
                k += 1
    absences = [{"employee_id": e["employee_id"], "start_date": "2025-05-02", "days": 1 + i % 4}
                for i, e in enumerate(emp) if i % 3 == 0]
    goals = [{"goal_id": "G1", "objective": "Grow the shop", "key_result": "Support Søren's onboarding", "metric": "sales",
              "baseline": 0, "target": 10, "current": 4, "due_date": "2026-06-30", "owner": "Shop", "parent_goal_id": ""},
             {"goal_id": "G1.1", "objective": "Grow the shop", "key_result": "Open on Sundays", "metric": "days", "baseline": 0,
              "target": 1, "current": 0, "due_date": "2026-03-31", "owner": full_name(0), "parent_goal_id": "G1"}]
    learning = [{"employee_id": f"E{i:02d}", "program": f"Mentoring with {full_name(2)}", "skill": "selling",
                 "start_date": "2025-04-01", "cost": 300, "hours": 6, "reaction": 4, "pre_score": 50, "post_score": 70,
                 "behavior": 4, "result_value": 500} for i in range(1, 8)]
    return write_company(folder, employees=emp, survey_items=ITEMS4, survey_responses=rows, absences=absences, goals=goals,
                         learning=learning, settings={"as_of": AS_OF})


def tiny_wave_company(folder: Path) -> Path:
    """Eight people; 7 answer in June (two comments), 4 in September, the latest wave."""
    emp = [person(f"T{i}", "Shop" if i < 5 else "Desk", name=full_name(i + 3), demo_gender=["woman", "man"][i % 2])
           for i in range(8)]
    rng = np.random.default_rng(4)
    rows = []
    for wave, k in ((WAVES[1], 7), (WAVES[2], 4)):
        for j in range(k):
            a1, a2, c1 = (int(x) for x in rng.integers(1, [5, 5, 8]))
            comment = ["The rota is fair.", "Too much overtime."][j] if wave == WAVES[1] and j < 2 else ""
            rows.append(response("Shop" if j < 4 else "Desk", a1, a2, c1, int(rng.integers(0, 11)), wave=wave,
                                 comment=comment, demo_gender=["woman", "man"][j % 2]))
    return write_company(folder, employees=emp, survey_items=ITEMS4, survey_responses=rows, settings={"as_of": AS_OF})


@pytest.fixture(scope="module")
def findings(tmp_path_factory):
    base = tmp_path_factory.mktemp("findings")
    company = findings_company(base / "company")
    out = run(company, base / "out", "01,02,03,05")
    return out, company, attacker.audit(out, company)


@pytest.fixture(scope="module")
def tiny_wave(tmp_path_factory):
    base = tmp_path_factory.mktemp("tiny_wave")
    company = tiny_wave_company(base / "company")
    out = run(company, base / "out", "05")
    return out, company, attacker.audit(out, company)


def test_attacker_reads_every_table_as_the_input_gives_it(findings, tiny_wave):
    """The attacker's model holds on the input itself; otherwise its other verdicts mean nothing."""
    for _, _, leaks in (findings, tiny_wave):
        bad, text = failing(leaks, "model")
        assert not bad, text


def test_team_history_pools_only_waves_the_team_is_shown_in(findings):
    bad, text = failing(findings[2], "history")
    assert not bad, text


def test_belonging_index_favourable_share_pools_only_shown_dimensions(findings):
    bad, text = failing(findings[2], "pooled")
    assert not bad, text


def test_belonging_profiles_leave_out_no_handful_of_respondents(findings):
    bad, text = failing(findings[2], "profiles")
    assert not bad, text


def test_fairness_audit_leavers_cannot_be_worked_out_from_the_total(findings):
    bad, text = failing(findings[2], "fairness")
    assert not bad, text


def test_comment_themes_hidden_for_a_wave_with_two_comments(findings):
    bad, text = failing(findings[2], "hidden_wave")
    assert not bad, text


def test_alpha_and_themes_hidden_for_a_wave_the_wave_table_hides(tiny_wave):
    bad, text = failing(tiny_wave[2], "hidden_wave")
    assert not bad, text


def test_crossed_table_keeps_no_line_with_one_hidden_cell_beside_a_shown_margin(findings):
    bad, text = failing(findings[2], "crossed_line")
    assert not bad, text


def test_names_in_comments_are_replaced_without_accents_in_nfd_and_possessive(findings):
    leaks = [x for x in findings[2] if x.kind == "name" and "comment" in x.where.lower() or
             x.kind == "name" and "05_measure_belonging" in x.where]
    assert not leaks, "\n" + attacker.format_leaks(leaks)


def test_goal_owners_and_programme_names_typed_as_names_are_not_printed(findings):
    leaks = [x for x in findings[2] if x.kind == "name" and ("02_define_goals" in x.where or "03_find_gaps" in x.where
                                                             or "02_" in x.where or "03_" in x.where)]
    assert not leaks, "\n" + attacker.format_leaks(leaks)


def test_no_employee_name_anywhere_in_the_outputs(findings, tiny_wave):
    for _, _, leaks in (findings, tiny_wave):
        bad, text = failing(leaks, "name")
        assert not bad, text


def test_linear_programming_audit_pins_no_hidden_cell(findings, tiny_wave):
    for _, _, leaks in (findings, tiny_wave):
        bad, text = failing(leaks, "lp")
        assert not bad, text


def test_no_figure_is_published_for_fewer_than_min_group_size(findings, tiny_wave):
    for _, _, leaks in (findings, tiny_wave):
        bad, text = failing(leaks, "population")
        assert not bad, text


def test_no_two_figures_of_one_quantity_differ_by_a_few_people(findings, tiny_wave):
    for _, _, leaks in (findings, tiny_wave):
        bad, text = failing(leaks, "difference", "sentence", "workbook")
        assert not bad, text


# ---------------------------------------------------------------------------------------------
# The attacker itself: it must find a leak planted in outputs, and fold names as people type them
# ---------------------------------------------------------------------------------------------


def test_attacker_recovers_a_group_hidden_beside_a_shown_total(tmp_path):
    """Outputs written by hand, each hiding one small group beside a total that gives it away: the LP must pin it."""
    emp = [person(f"E{i}", "Shop" if i < 6 else "Desk", name=full_name(i), demo_gender="woman" if i < 6 else "man")
           for i in range(8)]
    rows = [response("Shop" if i < 6 else "Desk", 1 + i % 4, 1 + (i * 3) % 4, 1 + i % 7, i, wave=wave)
            for wave in WAVES[1:] for i in range(8)]
    company = write_company(tmp_path / "company", employees=emp, survey_items=ITEMS4, survey_responses=rows,
                            settings={"as_of": AS_OF})
    truth = attacker.Truth(company)
    u = truth.survey
    tables = tmp_path / "out" / "tables"
    tables.mkdir(parents=True)
    last, prev = (u[u["wave"] == pd.Timestamp(w)] for w in (WAVES[2], WAVES[1]))
    shop = last[last["team"] == "Shop"]
    mean = lambda g: g["S:belonging_index"].sum() / g["N:belonging_index"].sum()  # noqa: E731
    pd.DataFrame([{"wave": WAVES[2], "team": "Desk", "measure": "belonging_index", "n": "", "score": "", "favourable_pct": "",
                   "hidden": True},
                  {"wave": WAVES[2], "team": "Shop", "measure": "belonging_index", "n": len(shop), "score": mean(shop),
                   "favourable_pct": "", "hidden": False}]).to_csv(tables / "05_x__results_by_team.csv", index=False, float_format="%.6g")
    pd.DataFrame([{"measure": "belonging_index", "previous": mean(prev), "latest": mean(last), "change": 0, "previous_n": len(prev),
                   "latest_n": len(last), "p_value": 1, "p_fell": 1}]).to_csv(tables / "05_x__trends.csv", index=False, float_format="%.6g")
    pd.DataFrame([{"characteristic": "gender", "group": "man", "headcount": "", "share_pct": "", "hidden": True},
                  {"characteristic": "gender", "group": "woman", "headcount": 6, "share_pct": 75, "hidden": False}]
                 ).to_csv(tables / "01_x__representation.csv", index=False)
    pd.DataFrame([{"team": "Shop", "headcount": 6}, {"team": "Desk", "headcount": 2}, {"team": "All", "headcount": 8}]
                 ).to_csv(tables / "01_x__headcount_by_team.csv", index=False)
    leaks = attacker.audit(tmp_path / "out", company)
    pinned = {x.where for x in leaks if x.kind == "lp"}
    assert "05_x__results_by_team 2025-09-30 Desk belonging_index respondents" in pinned, attacker.format_leaks(leaks)
    assert "05_x__results_by_team 2025-09-30 Desk belonging_index total score" in pinned, attacker.format_leaks(leaks)
    assert "01_x__representation gender man headcount" in pinned, attacker.format_leaks(leaks)
    assert not [x for x in leaks if x.kind == "model"], attacker.format_leaks(leaks)


def test_name_folding_catches_accents_nfd_possessives_and_case():
    folded = attacker.fold(unicodedata.normalize("NFD", "ZOË’s Ångström Søren ŁUKASZ"))
    assert folded == "zoe’s angstrom soren lukasz"


# ---------------------------------------------------------------------------------------------
# Generated companies
# ---------------------------------------------------------------------------------------------


@st.composite
def companies(draw, scale: int):
    """A small company as a dict of input tables: uneven teams (some tiny), demographics, 2-3 waves (one may be
    tiny), skipped answers, comments naming people, leavers and absences."""
    n_teams = draw(st.integers(2, {5: 2, 12: 3, 40: 4}[scale]))
    sizes, left = [], scale
    for i in range(n_teams - 1):
        s = draw(st.integers(1, max(1, min(left - (n_teams - 1 - i), max(2, scale // 3)))))
        sizes.append(s)
        left -= s
    sizes = [left, *sizes]
    teams = ["Bakery", "Shop", "Delivery", "Office"][:n_teams]
    genders = draw(st.lists(st.sampled_from(["woman", "woman", "man", "man", "non-binary"]), min_size=scale, max_size=scale))
    leavers = draw(st.integers(0, max(1, scale // 3)))
    n_waves = draw(st.integers(2, 3))
    tiny = draw(st.sampled_from([None, *range(n_waves)]))
    rate = draw(st.floats(0.4, 1.0))
    skip = draw(st.sampled_from([0.0, 0.1, 0.3]))
    seed = draw(st.integers(0, 2 ** 16))
    k = draw(st.sampled_from([3, 5, 5]))
    rng = np.random.default_rng(seed)
    emp = []
    for t, size in zip(teams, sizes):
        for _ in range(size):
            i = len(emp)
            emp.append(person(f"P{i + 1:02d}", t, "Clerk", name=full_name(i), demo_gender=genders[i],
                              demo_age_band=["18-34", "35-54", "55+"][int(rng.integers(0, 3))],
                              hire="2020-01-01" if rng.random() < 0.8 else "2025-02-01"))
    for j in range(leavers):
        i = len(emp)
        emp.append(person(f"P{i + 1:02d}", teams[j % n_teams], "Clerk", name=full_name(i), demo_gender=genders[j % scale],
                          demo_age_band="35-54", exit_date=f"2025-{j % 11 + 1:02d}-20",
                          reason="voluntary" if rng.random() < 0.8 else "involuntary"))
    rows = []
    for w, wave in enumerate(WAVES[-n_waves:]):
        on = pd.Timestamp(wave)
        present = [e for e in emp if pd.Timestamp(e["hire_date"]) <= on and (not e["exit_date"] or pd.Timestamp(e["exit_date"]) > on)]
        n_resp = max(1, int(round(rate * len(present))))
        if w == tiny:
            n_resp = min(n_resp, int(rng.integers(1, 5)))
        for e in [present[i] for i in sorted(rng.choice(len(present), size=min(n_resp, len(present)), replace=False))]:
            a = [int(x) for x in rng.integers(1, [5, 5, 8])]
            a = ["" if rng.random() < skip else x for x in a]
            comment = ""
            if rng.random() < 0.5:
                comment = mentions(full_name(int(rng.integers(0, len(emp)))), int(rng.integers(0, 6)))
            rows.append(response(e["team"], *a, int(rng.integers(0, 11)) if rng.random() > skip else "", wave=wave,
                                 comment=comment, demo_gender=e["demo_gender"]))
    absences = [{"employee_id": e["employee_id"], "start_date": f"2025-{int(rng.integers(1, 12)):02d}-03",
                 "days": int(rng.integers(1, 6))} for e in emp if rng.random() < 0.4]
    return {"settings": {"as_of": AS_OF, "min_group_size": k}, "employees": emp, "survey_items": ITEMS4,
            "survey_responses": rows, "absences": absences or [{"employee_id": emp[0]["employee_id"], "start_date": "2025-05-05",
                                                                 "days": 2}]}


@pytest.mark.parametrize("scale", [5, 12, 40])
def test_generated_companies_leak_nothing(scale, tmp_path_factory):
    """Two companies per scale (no shrinking: each example is a full run). Pinned values that follow from a shown
    group answering all alike (kind ``uniform``) are not failures: no minimum group size can prevent them."""
    done = {}  # Hypothesis runs a failing example once more to report it: reuse the run

    # CI tries the same companies every time (derandomised); SMBKIT_ATTACK_EXAMPLES=N explores N fresh ones a scale.
    explore = int(os.environ.get("SMBKIT_ATTACK_EXAMPLES", "0"))

    @settings(max_examples=explore or 2, derandomize=not explore, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(spec=companies(scale))
    def attack(spec):
        key = repr(spec)
        if key not in done:
            base = tmp_path_factory.mktemp(f"generated{scale}")
            company = write_company(base / "company", settings=spec["settings"],
                                    **{k: v for k, v in spec.items() if k != "settings"})
            out = run(company, base / "out", "01,05")
            done[key] = company, attacker.audit(out, company)
        company, leaks = done[key]
        note(f"company folder: {company} (min_group_size {spec['settings']['min_group_size']})")
        bad = [x for x in leaks if x.kind != "uniform"]
        assert not bad, "\n" + attacker.format_leaks(bad, limit=8)

    attack()


# Companies the exploring attacker (SMBKIT_ATTACK_EXAMPLES=N) generated and found leaking, kept as they were
# written, with what it found: each must now leak nothing.
EXPLORED = Path(__file__).resolve().parent / "explored"


@pytest.mark.parametrize("name", sorted(p.name for p in EXPLORED.iterdir() if p.is_dir()))
def test_companies_the_explorer_found_leaking_leak_nothing(name, tmp_path):
    """listing-pins-singletons-k3: a gender group of 3 respondents shown (its respect n) while the crossed table
    listed 3 cells for it, each holding at least one: every cell pinned to 1. crossed-promoters-pool-of-zero-k5: a
    team line of the crossed table whose hidden cells held no promoter, the team's promoters shown: the
    one-person cell pinned to 0 (the crossed table protected counts, not amounts). team-nested-in-a-gender-k5: all of
    Delivery's answers to a question came from men, and the men had 2 answers more: men minus Delivery gave those
    two. wave-index-pools-a-hidden-dimension-k5: the company's index and favourable share of a wave pooled a
    dimension hidden for 4 answers (the company-level rule "index hidden where a dimension is" never matched).
    item-hidden-beside-its-dimension-k3: an item with 2 answers hidden beside its dimension's other item, shown: the
    dimension's pooled answers and favourable share minus the shown item gave it. two-way-promoters-k3: each line of
    the team x gender table left its hidden cells a range of promoters, but two teams with no promoter fixed their
    cells at 0 and the gender line then pinned Shop's cells to 1 (ranges are now narrowed across both lines)."""
    company = tmp_path / "company"
    shutil.copytree(EXPLORED / name, company)
    leaks = [x for x in attacker.audit(run(company, tmp_path / "out", "01,05"), company) if x.kind != "uniform"]
    assert not leaks, "\n" + attacker.format_leaks(leaks, limit=8)


def test_a_trend_is_not_shown_for_an_index_that_pools_a_hidden_dimension(tmp_path):
    """The index's latest mean pools the connection answers of 4 people (k = 5) that the wave table hides."""
    company = smbkit.load_company(EXPLORED / "wave-index-pools-a-hidden-dimension-k5")
    trends = smbkit.belonging.dimension_trends(company)
    assert "respect" in set(trends["measure"]) and not {"belonging_index", "connection"} & set(trends["measure"])
