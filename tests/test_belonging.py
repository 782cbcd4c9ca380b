"""Notebook 05 part 1: survey metrics against hand and independent calculations, and privacy."""

import numpy as np
import pytest
from conftest import ITEMS4, person, response, write_company
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import smbkit
from smbkit import belonging as b
from smbkit import survey as S
from smbkit.synthetic import make_company


def test_wave_summary_response_rate_and_small_waves(survey, tmp_path):
    s = b.wave_summary(survey).iloc[0]
    assert s["headcount"] == 9 and s["responses"] == 8
    assert s["response_rate_pct"] == pytest.approx(8 / 9 * 100)
    emp = [person(f"E{i}") for i in range(9)]
    tiny = smbkit.load_company(write_company(tmp_path / "t", employees=emp, survey_items=ITEMS4,
                                             survey_responses=[response("A", 4, 1, 7, 10)] * 3, settings={"as_of": "2025-12-31"}))
    w = b.wave_summary(tiny).iloc[0]
    assert w["hidden"] and np.isnan(w["belonging_index"]) and np.isnan(w["enps"])


def test_reliability_flags_weak_dimensions(sample):
    rel = b.reliability(sample).set_index("dimension")
    assert set(rel.index) == {"psychological_safety", "fairness", "recognition", "connection"}
    assert (rel["weak"] == (rel["alpha"] < 0.7)).all()


def test_key_drivers_against_an_independent_spearman(sample):
    kd = b.key_drivers(sample).set_index("item_id")
    r = S.scored_responses(sample)
    last = r[r["wave"] == r["wave"].max()]
    pair = last[["fa3", "enps"]].astype(float).dropna()
    assert kd.loc["fa3", "spearman"] == pytest.approx(pair["fa3"].corr(pair["enps"], method="spearman"))
    from scipy.stats import spearmanr

    assert kd.loc["fa3", "p_value"] == pytest.approx(spearmanr(pair["fa3"], pair["enps"], alternative="greater").pvalue)
    assert set(kd["quadrant"]) <= {"priority", "strength", "maintain", "monitor"}
    assert b.key_drivers(sample, outcome="belonging_index")["spearman"].notna().all()
    with pytest.raises(ValueError, match="outcome must be"):
        b.key_drivers(sample, outcome="sales")


def test_key_drivers_need_25_responses(survey):
    assert b.key_drivers(survey).empty
    assert "fewer than 25" in b.key_drivers_takeaway(b.key_drivers(survey), smbkit.evidence.report_evidence(survey))


def test_without_enps_key_drivers_use_the_belonging_index(sample_copy):
    import pandas as pd

    path = sample_copy / "survey_responses.csv"
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    t.drop(columns="enps").to_csv(path, index=False)
    c = smbkit.load_company(sample_copy)
    assert b.driver_outcome(c) == "belonging_index"
    kd = b.key_drivers(c)
    assert len(kd) and (kd["outcome"] == "belonging_index").all()
    ev = smbkit.evidence.report_evidence(c)
    assert "the Belonging Index" in b.key_drivers_takeaway(kd, ev)
    # each question against the other dimensions' index, by hand for one: fa3 (fairness) against the other three dimensions
    r = S.scored_responses(c)
    last = r[r["wave"] == r["wave"].max()]
    items = S.survey_items(c)
    others = items[items["dimension"] != "fairness"]
    norm = pd.DataFrame({o.item_id: (last[o.item_id] - 1) / (o.scale_max - 1) * 100 for o in others.itertuples()})
    rest = pd.DataFrame({d: norm[list(g["item_id"])].mean(axis=1) for d, g in others.groupby("dimension")}).mean(axis=1)
    pair = pd.DataFrame({"x": last["fa3"], "y": rest}).dropna()
    assert kd.set_index("item_id").loc["fa3", "spearman"] == pytest.approx(pair["x"].corr(pair["y"], method="spearman"))
    # without an outside measure, a link is never high priority, and the sentence never shows "nan"
    acts = b.belonging_decisions(c, evidence=ev)
    assert (acts.loc[acts["action"].str.startswith("Work on what lies behind"), "priority"] != "high").all()
    assert "nan" not in b.wave_takeaway(b.wave_summary(c), evidence=ev)


def test_only_a_clearly_linked_low_scoring_question_becomes_an_action(sample):
    """A median split would make a quarter of all questions priorities; the evidence rule makes only clear ones actions."""
    ev = smbkit.evidence.report_evidence(sample)
    kd = ev[ev["family"] == "key_driver"]
    assert len(kd) == (b.key_drivers(sample)["favourable_pct"] < b.key_drivers(sample)["favourable_pct"].median()).sum()
    acts = b.belonging_decisions(sample, evidence=ev)
    acts = acts[acts["action"].str.startswith("Work on what lies behind")]
    assert len(acts) == kd["clear"].sum() <= b.MAX_QUESTION_ACTIONS


def test_trends_compare_respondents_of_two_waves(sample):
    from scipy.stats import ttest_ind

    tr = b.dimension_trends(sample).set_index("measure")
    r = S.scored_responses(sample)
    waves = sorted(r["wave"].unique())
    x = r.loc[r["wave"] == waves[-2], "dim__fairness"].dropna()
    y = r.loc[r["wave"] == waves[-1], "dim__fairness"].dropna()
    assert min(len(x), len(y)) >= 30  # large waves: Welch's test (smbkit.stats.LARGE_GROUP)
    assert tr.loc["fairness", "p_value"] == pytest.approx(ttest_ind(y, x, equal_var=False).pvalue)
    assert tr.loc["fairness", "p_fell"] == pytest.approx(ttest_ind(y, x, equal_var=False, alternative="less").pvalue)
    assert tr.loc["fairness", "change"] == pytest.approx(y.mean() - x.mean())
    e = r.loc[r["wave"] == waves[-1], "enps"].dropna().astype(float)
    assert tr.loc["enps", "latest"] == pytest.approx(S.enps(e))  # the +100/0/-100 scoring averages to eNPS


def test_team_alerts_count_respondents_not_answers(sample):
    """The issue's case: Retail's 9 respondents, not its 105 item answers, are the units."""
    alerts = b.team_alerts(sample).set_index("team")
    r = S.scored_responses(sample)
    last = r[(r["wave"] == r["wave"].max()) & r["belonging_index"].notna()]
    mine, rest = last.loc[last["team"] == "Retail", "belonging_index"], last.loc[last["team"] != "Retail", "belonging_index"]
    assert alerts.loc["Retail", "respondents"] == len(mine) == 9
    assert alerts.loc["Retail", "belonging_index"] == pytest.approx(mine.mean())
    sd = np.std(np.r_[mine, rest], ddof=1)
    assert alerts.loc["Retail", "company_lower"] == pytest.approx(rest.mean() - 3 * sd / np.sqrt(9))
    assert alerts.loc["Retail", "belonging_index"] > alerts.loc["Retail", "company_lower"]  # inside its limits, as the issue found
    assert set(alerts.index) <= {"Production", "Retail"}  # only teams shown in the latest wave
    ev = smbkit.evidence.report_evidence(sample)
    assert not ev.loc[ev["family"].isin(["team_belonging", "team_history"]), "clear"].any()
    dec = b.belonging_decisions(sample, evidence=ev)
    assert not dec["action"].str.startswith("Talk with").any()


def test_a_team_planted_far_below_the_rest_is_found(tmp_path):
    rows = [response("Low", 1, 4, 1, 2) for _ in range(8)] + [response(t, 4, 1, 6, 9) for t in ("A", "B") for _ in range(12)]
    emp = [person(f"E{i}") for i in range(40)]
    c = smbkit.load_company(write_company(tmp_path / "s", employees=emp, survey_items=ITEMS4, survey_responses=rows,
                                          settings={"as_of": "2025-12-31"}))
    ev = smbkit.evidence.report_evidence(c)
    low = ev[(ev["family"] == "team_belonging") & (ev["subject"] == "Low")].iloc[0]
    assert low["clear"] and low["n"] == 8
    dec = b.belonging_decisions(c, evidence=ev)
    assert "Talk with Low about what would help people there feel they belong" in dec["action"].tolist()


def test_forecast_needs_four_waves(sample, survey):
    fc = b.belonging_forecast(sample)
    assert len(fc) == 1 and fc.iloc[0]["lo95"] < fc.iloc[0]["lo80"] < fc.iloc[0]["mean"] < fc.iloc[0]["hi80"] < fc.iloc[0]["hi95"]
    assert b.belonging_forecast(survey).empty


def test_comments_are_scrubbed_and_only_labelled_for_shown_teams(sample):
    c = b.survey_comments(sample, limit=1000)
    names = sample.employees["name"].dropna().str.split().explode().unique()
    for text in c["comment"]:
        assert not any(f" {n} " in f" {text} " for n in names)
    res = S.survey_results(sample, by="team")
    shown = set(res[(res["wave"] == res["wave"].max()) & ~res["hidden"]]["team"])
    assert set(c["team"]) <= shown | {"other teams"}
    assert list(c.columns) == ["team", "comment"]  # never demographics


def test_benchmarks_come_only_from_the_company(sample, survey):
    bc = b.benchmark_comparison(sample)
    assert set(bc.loc[bc["group"] == "company", "source"]) == set(sample.benchmarks["source"])
    assert b.benchmark_comparison(survey).empty  # no benchmarks.csv, no shown team


def test_outcomes_warn_about_few_teams(sample):
    text = b.outcomes_takeaway(b.belonging_outcomes(sample))
    assert "weak evidence" in text


def _crossed_disclosures(table, rows, cols, k):
    """Cells under k that the shown numbers pin down: primary, or by subtraction along a row or column."""
    problems = []
    for (wave, measure), part in table.groupby(["wave", "measure"]):
        for axis in (rows, cols):
            for _, line in part.groupby(axis):
                hidden_n = line.loc[line["hidden"], "n_true"].sum()
                if 0 < hidden_n < k and (~line["hidden"] & (line["n_true"] > 0)).any():
                    problems.append((wave, measure, axis, hidden_n))
        shown = part[~part["hidden"]]
        if ((shown["n"] > 0) & (shown["n"] < k)).any():
            problems.append((wave, measure, "shown", shown["n"].min()))
    return problems


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), people=st.integers(20, 45), waves=st.integers(1, 4), k=st.integers(3, 8))
def test_no_output_reveals_a_small_group(tmp_path_factory, seed, people, waves, k):
    folder = make_company(tmp_path_factory.mktemp("rand"), people=people, waves=waves, seed=seed)
    text = (folder / "company.yaml").read_text(encoding="utf-8").replace("min_group_size: 5", f"min_group_size: {k}")
    (folder / "company.yaml").write_text(text, encoding="utf-8")
    c = smbkit.load_company(folder)
    r = S.scored_responses(c)
    # one-way breakdowns: no shown group under k; where a breakdown hides some groups and shows
    # others, the hidden ones hold at least k people together (so total - shown reveals no small group)
    for by in ("team", "demo_gender", "demo_age_band"):
        res = S.survey_results(c, by=by)
        bi = res[res["measure"] == "belonging_index"].copy()
        true = r[r["belonging_index"].notna()].groupby(["wave", r[by].fillna("not recorded")]).size()
        # a combined group of rare answers ("a + b", privacy.combine_rare) holds each of its answers
        bi["n_true"] = [sum(true.get((w, part), 0) for part in g.split(" + ")) for w, g in zip(bi["wave"], bi[by])]
        shown = bi[~bi["hidden"]]
        assert (shown["n"] == shown["n_true"]).all()
        assert ((shown["n"] == 0) | (shown["n"] >= k)).all()
        for _, part in bi.groupby("wave"):
            hidden_n = part.loc[part["hidden"], "n_true"].sum()
            if (part.loc[~part["hidden"], "n_true"] > 0).any():
                assert hidden_n == 0 or hidden_n >= k
    # crossed table: consistent with both one-way tables and closed under row/column subtraction
    crossed = S.survey_results(c, by=["team", "demo_gender"])
    rb = r[r["belonging_index"].notna()]
    true = rb.groupby(["wave", "team", rb["demo_gender"].fillna("not recorded")]).size()
    bi = crossed[crossed["measure"] == "belonging_index"].copy()
    bi["n_true"] = [sum(true.get((w, t, part), 0) for part in g.split(" + "))
                    for w, t, g in zip(bi["wave"], bi["team"], bi["demo_gender"])]
    assert not _crossed_disclosures(bi, "team", "demo_gender", k)
    team = S.survey_results(c, by="team")
    hidden_teams = team[(team["measure"] == "belonging_index") & team["hidden"]][["wave", "team"]]
    merged = bi.merge(hidden_teams, on=["wave", "team"])
    assert merged["hidden"].all()  # a team hidden on its own is hidden in every crossed cell
    # waves, items, reliability and drivers are company-wide: never shown under k
    ws = b.wave_summary(c)
    assert ws.loc[ws["responses"].notna(), "responses"].ge(k).all()
    items = b.item_results(c)
    assert items.loc[~items["hidden"], "n"].ge(k).all()
    comments = b.survey_comments(c, limit=1000)
    if len(comments):
        assert len(r[r["wave"] == r["wave"].max()]) >= k


def test_more_answers_than_people_gives_no_response_rate(tmp_path):
    emp = [person(f"E{i}", "Shop") for i in range(5)]
    rows = [response("Shop", 3, 2, 5, 8) for _ in range(7)]  # 7 answers from 5 people: duplicates, or people not listed
    c = smbkit.load_company(write_company(tmp_path / "dup", employees=emp, survey_items=ITEMS4, survey_responses=rows))
    with pytest.warns(smbkit.SmbkitWarning, match="7 answers but only 5 people"):
        s = b.wave_summary(c)
    assert np.isnan(s["response_rate_pct"].iloc[0]) and s["responses"].iloc[0] == 7
    assert "more than the 5 people on the books, so no response rate is shown" in b.wave_takeaway(s)
