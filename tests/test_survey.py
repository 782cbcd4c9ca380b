"""The survey: scoring, eNPS, results by group with small groups hidden, Cronbach's alpha, by hand."""

import numpy as np
import pandas as pd
import pytest

from smbkit import survey as S


def test_enps_by_hand():
    assert S.enps([10, 9, 8, 7, 6, 0]) == pytest.approx((2 / 6 - 2 / 6) * 100)
    assert S.enps([10, 10, 3, None]) == pytest.approx((2 / 3 - 1 / 3) * 100)
    assert S.enps([9] * 4) == 100 and S.enps([0, 6]) == -100
    assert np.isnan(S.enps([None]))


def test_reverse_coding_favourable_and_scaling_on_4_and_7_points(survey):
    r = S.scored_responses(survey)
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
    res = S.survey_results(survey).set_index("measure")
    r = S.scored_responses(survey)
    assert res.loc["belonging_index", "n"] == 8
    assert res.loc["belonging_index", "score"] == pytest.approx(r["belonging_index"].mean())
    # eNPS over 7 answers: promoters 10, 9, 10 (3); detractors 3, 6 (2)
    assert res.loc["enps", "n"] == 7
    assert res.loc["enps", "score"] == pytest.approx((3 - 2) / 7 * 100)
    # respect favourable: a1 in {3,4}: 4,3,4,3,4 of 8 -> 5; a2 reversed in {3,4}: 4,3,4,3 (blank skipped) of 7 -> 4
    assert res.loc["respect", "favourable_pct"] == pytest.approx(9 / 15 * 100)
    assert not res["hidden"].any()


def test_small_teams_are_hidden_with_their_complement(survey):
    res = S.survey_results(survey, by="team")
    bi = res[res["measure"] == "belonging_index"].set_index("team")
    # Desk has 2 respondents (< 5): hidden; Shop (6) is hidden too, or Desk = company - Shop
    assert bi.loc["Desk", "hidden"] and bi.loc["Shop", "hidden"]
    assert bi[["n", "score", "favourable_pct"]].isna().all().all()


def test_cronbach_alpha_equals_hoyts_anova_and_feldts_interval():
    from scipy.stats import f
    from statsmodels.formula.api import ols
    from statsmodels.stats.anova import anova_lm

    rng = np.random.default_rng(4)
    latent = rng.normal(0, 1, 40)
    data = pd.DataFrame({f"i{k}": np.clip(np.round(3 + latent + rng.normal(0, 0.8, 40)), 1, 5) for k in range(4)})
    got = S.cronbach_alpha(data)
    # Hoyt (1941): alpha = 1 - MS(residual) / MS(persons) in a persons x items two-way ANOVA
    long = data.reset_index().melt(id_vars="index", var_name="item", value_name="y")
    table = anova_lm(ols("y ~ C(index) + C(item)", data=long).fit())
    ms_person = table.loc["C(index)", "mean_sq"]
    ms_resid = table.loc["Residual", "mean_sq"]
    assert got.alpha == pytest.approx(1 - ms_resid / ms_person, rel=1e-9)
    n, k = 40, 4
    assert got.ci_low == pytest.approx(1 - (1 - got.alpha) * f.ppf(0.975, n - 1, (n - 1) * (k - 1)))
    assert got.ci_low < got.alpha < got.ci_high


def test_cronbach_alpha_edge_cases():
    assert np.isnan(S.cronbach_alpha(pd.DataFrame({"a": [1, 2, 3]})).alpha)  # one item
    perfect = pd.DataFrame({"a": [1, 2, 3, 4], "b": [1, 2, 3, 4]})
    assert S.cronbach_alpha(perfect).alpha == pytest.approx(1.0)
