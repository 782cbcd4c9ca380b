"""Notebook 05 part 1: survey metrics against hand and independent calculations, and privacy."""

import numpy as np
import pandas as pd
import pytest
from conftest import person, write_company
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import smbkit
from smbkit import belonging as b
from smbkit.synthetic import make_company

ITEMS4 = [  # a 4-point scale with one reverse-coded item, and a 7-point item
    {"item_id": "a1", "text": "I am respected.", "dimension": "respect", "reverse_coded": "false", "scale_max": 4},
    {"item_id": "a2", "text": "I am ignored.", "dimension": "respect", "reverse_coded": "true", "scale_max": 4},
    {"item_id": "c1", "text": "I have friends here.", "dimension": "connection", "reverse_coded": "false", "scale_max": 7},
]


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


def test_enps_by_hand():
    assert b.enps([10, 9, 8, 7, 6, 0]) == pytest.approx((2 / 6 - 2 / 6) * 100)
    assert b.enps([10, 10, 3, None]) == pytest.approx((2 / 3 - 1 / 3) * 100)
    assert b.enps([9] * 4) == 100 and b.enps([0, 6]) == -100
    assert np.isnan(b.enps([None]))


def test_reverse_coding_favourable_and_scaling_on_4_and_7_points(survey):
    r = b.scored_responses(survey)
    assert len(r) == 8  # consent=false dropped
    assert r["a2"].tolist()[:4] == [4.0, 3.0, 2.0, 1.0]  # 4 + 1 - x
    # top-two-box on a 4-point scale: 3 and 4 favourable
    assert r["fav__a1"].tolist()[:4] == [True, True, False, False]
    # top-two-box on a 7-point scale: 6 and 7
    assert r["fav__c1"].tolist()[:3] == [True, False, False]
    # respondent 1: a1 = 4 -> 100, a2 reversed 4 -> 100; respect 100; c1 = 7 -> 100
    assert r.loc[0, "dim__respect"] == 100 and r.loc[0, "belonging_index"] == 100
    # respondent 3: a1 2 -> 33.3, a2 3 reversed 2 -> 33.3; c1 4 -> 50; index (33.3 + 50) / 2
    assert r.loc[2, "belonging_index"] == pytest.approx((100 / 3 + 50) / 2)
    # a blank answer is left out, not counted as low: respondent 5 has respect from a1 only
    assert r.loc[4, "dim__respect"] == 100


def test_company_results_by_hand(survey):
    res = b.survey_results(survey).set_index("measure")
    r = b.scored_responses(survey)
    assert res.loc["belonging_index", "n"] == 8
    assert res.loc["belonging_index", "score"] == pytest.approx(r["belonging_index"].mean())
    # eNPS over 7 answers: promoters 10, 9, 10 (3); detractors 3, 6 (2)
    assert res.loc["enps", "n"] == 7
    assert res.loc["enps", "score"] == pytest.approx((3 - 2) / 7 * 100)
    # respect favourable: a1 in {3,4}: 4,3,4,3,4 of 8 -> 5; a2 reversed in {3,4}: 4,3,4,3 (blank skipped) of 7 -> 4
    assert res.loc["respect", "favourable_pct"] == pytest.approx(9 / 15 * 100)
    assert not res["hidden"].any()


def test_small_teams_are_hidden_with_their_complement(survey):
    res = b.survey_results(survey, by="team")
    bi = res[res["measure"] == "belonging_index"].set_index("team")
    # Desk has 2 respondents (< 5): hidden; Shop (6) is hidden too, or Desk = company - Shop
    assert bi.loc["Desk", "hidden"] and bi.loc["Shop", "hidden"]
    assert bi[["n", "score", "favourable_pct"]].isna().all().all()


def test_wave_summary_response_rate_and_small_waves(survey, tmp_path):
    s = b.wave_summary(survey).iloc[0]
    assert s["headcount"] == 9 and s["responses"] == 8
    assert s["response_rate_pct"] == pytest.approx(8 / 9 * 100)
    emp = [person(f"E{i}") for i in range(9)]
    tiny = smbkit.load_company(write_company(tmp_path / "t", employees=emp, survey_items=ITEMS4,
                                             survey_responses=[response("A", 4, 1, 7, 10)] * 3, settings={"as_of": "2025-12-31"}))
    w = b.wave_summary(tiny).iloc[0]
    assert w["hidden"] and np.isnan(w["belonging_index"]) and np.isnan(w["enps"])


def test_cronbach_alpha_equals_hoyts_anova_and_feldts_interval():
    from scipy.stats import f
    from statsmodels.formula.api import ols
    from statsmodels.stats.anova import anova_lm

    rng = np.random.default_rng(4)
    latent = rng.normal(0, 1, 40)
    data = pd.DataFrame({f"i{k}": np.clip(np.round(3 + latent + rng.normal(0, 0.8, 40)), 1, 5) for k in range(4)})
    got = b.cronbach_alpha(data)
    # Hoyt (1941): alpha = 1 - MS(residual) / MS(persons) in a persons x items two-way ANOVA
    long = data.reset_index().melt(id_vars="index", var_name="item", value_name="y")
    table = anova_lm(ols("y ~ C(index) + C(item)", data=long).fit())
    ms_person = table.loc["C(index)", "mean_sq"]
    ms_resid = table.loc["Residual", "mean_sq"]
    assert got["alpha"] == pytest.approx(1 - ms_resid / ms_person, rel=1e-9)
    n, k = 40, 4
    assert got["ci_low"] == pytest.approx(1 - (1 - got["alpha"]) * f.ppf(0.975, n - 1, (n - 1) * (k - 1)))
    assert got["ci_low"] < got["alpha"] < got["ci_high"]


def test_cronbach_alpha_edge_cases():
    assert np.isnan(b.cronbach_alpha(pd.DataFrame({"a": [1, 2, 3]}))["alpha"])  # one item
    perfect = pd.DataFrame({"a": [1, 2, 3, 4], "b": [1, 2, 3, 4]})
    assert b.cronbach_alpha(perfect)["alpha"] == pytest.approx(1.0)


def test_reliability_flags_weak_dimensions(sample):
    rel = b.reliability(sample).set_index("dimension")
    assert set(rel.index) == {"psychological_safety", "fairness", "recognition", "connection"}
    assert (rel["weak"] == (rel["alpha"] < 0.7)).all()


def test_key_drivers_against_an_independent_spearman(sample):
    kd = b.key_drivers(sample).set_index("item_id")
    r = b.scored_responses(sample)
    last = r[r["wave"] == r["wave"].max()]
    pair = last[["fa3", "enps"]].astype(float).dropna()
    assert kd.loc["fa3", "spearman"] == pytest.approx(pair["fa3"].corr(pair["enps"], method="spearman"))
    assert set(kd["quadrant"]) <= {"priority", "strength", "maintain", "monitor"}
    assert b.key_drivers(sample, outcome="belonging_index")["spearman"].notna().all()
    with pytest.raises(ValueError, match="outcome must be"):
        b.key_drivers(sample, outcome="sales")


def test_key_drivers_need_25_responses(survey):
    assert b.key_drivers(survey).empty
    assert "fewer than 25" in b.drivers_takeaway(b.key_drivers(survey), survey)


def test_trend_test_matches_statsmodels_welch(sample):
    from statsmodels.stats.weightstats import ttest_ind

    tr = b.dimension_trends(sample).set_index("measure")
    r = b.scored_responses(sample)
    waves = sorted(r["wave"].unique())
    x = r.loc[r["wave"] == waves[-2], "dim__fairness"].dropna()
    y = r.loc[r["wave"] == waves[-1], "dim__fairness"].dropna()
    assert tr.loc["fairness", "p_value"] == pytest.approx(ttest_ind(x, y, usevar="unequal")[1])
    assert tr.loc["fairness", "change"] == pytest.approx(y.mean() - x.mean())
    e = r.loc[r["wave"] == waves[-1], "enps"].dropna().astype(float)
    assert tr.loc["enps", "latest"] == pytest.approx(b.enps(e))  # the +100/0/-100 scoring averages to eNPS


def test_team_alerts_p_chart_by_hand(sample):
    alerts = b.team_alerts(sample).set_index("team")
    r = b.scored_responses(sample)
    last = r[r["wave"] == r["wave"].max()]
    fav = [c for c in r.columns if c.startswith("fav__")]
    team = last[last["team"] == "Retail"][fav].astype(float)
    p, n = team.stack().mean(), team.notna().sum().sum()
    pc = last[fav].astype(float).stack().mean()
    assert alerts.loc["Retail", "favourable_pct"] == pytest.approx(p * 100)
    assert alerts.loc["Retail", "company_lower"] == pytest.approx((pc - 3 * np.sqrt(pc * (1 - pc) / n)) * 100)
    assert set(alerts.index) <= {"Production", "Retail"}  # only teams shown in the latest wave


def test_forecast_needs_four_waves(sample, survey):
    fc = b.belonging_forecast(sample)
    assert len(fc) == 1 and fc.iloc[0]["lo95"] < fc.iloc[0]["lo80"] < fc.iloc[0]["mean"] < fc.iloc[0]["hi80"] < fc.iloc[0]["hi95"]
    assert b.belonging_forecast(survey).empty


def test_comments_are_scrubbed_and_only_labelled_for_shown_teams(sample):
    c = b.survey_comments(sample, limit=1000)
    names = sample.employees["name"].dropna().str.split().explode().unique()
    for text in c["comment"]:
        assert not any(f" {n} " in f" {text} " for n in names)
    res = b.survey_results(sample, by="team")
    shown = set(res[(res["wave"] == res["wave"].max()) & ~res["hidden"]]["team"])
    assert set(c["team"]) <= shown | {"other teams"}
    assert list(c.columns) == ["team", "comment"]  # never demographics


def test_scrub_names():
    from smbkit.privacy import scrub_names

    assert scrub_names("Thanks to maria and Tom Okafor!", ["Maria Silva", "Tom Okafor"]) == "Thanks to [name] and [name] [name]!"
    assert scrub_names("Tomorrow", ["Tom Okafor"]) == "Tomorrow"


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
    r = b.scored_responses(c)
    # one-way breakdowns: no shown group under k; where a breakdown hides some groups and shows
    # others, the hidden ones hold at least k people together (so total - shown reveals no small group)
    for by in ("team", "demo_gender", "demo_age_band"):
        res = b.survey_results(c, by=by)
        bi = res[res["measure"] == "belonging_index"].copy()
        true = r[r["belonging_index"].notna()].groupby(["wave", r[by].fillna("not recorded")]).size()
        bi["n_true"] = [true.get((w, g), 0) for w, g in zip(bi["wave"], bi[by])]
        shown = bi[~bi["hidden"]]
        assert (shown["n"] == shown["n_true"]).all()
        assert ((shown["n"] == 0) | (shown["n"] >= k)).all()
        for _, part in bi.groupby("wave"):
            hidden_n = part.loc[part["hidden"], "n_true"].sum()
            if (part.loc[~part["hidden"], "n_true"] > 0).any():
                assert hidden_n == 0 or hidden_n >= k
    # crossed table: consistent with both one-way tables and closed under row/column subtraction
    crossed = b.survey_results(c, by=["team", "demo_gender"])
    rb = r[r["belonging_index"].notna()]
    true = rb.groupby(["wave", "team", rb["demo_gender"].fillna("not recorded")]).size()
    bi = crossed[crossed["measure"] == "belonging_index"].copy()
    bi["n_true"] = [true.get((w, t, g), 0) for w, t, g in zip(bi["wave"], bi["team"], bi["demo_gender"])]
    assert not _crossed_disclosures(bi, "team", "demo_gender", k)
    team = b.survey_results(c, by="team")
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
