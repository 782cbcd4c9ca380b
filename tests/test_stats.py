"""The tests behind the evidence rule, against independent computations."""

import itertools
import math

import numpy as np
import pytest

from smbkit import stats as S


def test_holm_matches_statsmodels():
    from statsmodels.stats.multitest import multipletests

    p = np.random.default_rng(3).uniform(0, 0.2, 25)
    assert S.holm(p) == pytest.approx(multipletests(p, method="holm")[1])
    assert np.isnan(S.holm([0.01, np.nan])[1]) and S.holm([0.01, np.nan])[0] == pytest.approx(0.01)  # a family of one


def test_rate_ratio_test_matches_the_exact_conditional_test():
    from statsmodels.stats.rates import test_poisson_2indep

    for args in [(5, 9.4, 12, 48.0), (0, 3.0, 7, 40.0), (9, 4.0, 2, 30.0)]:
        got = S.rate_ratio_test(*args)
        ref = test_poisson_2indep(*args, method="exact-cond", alternative="larger").pvalue
        assert got.p_value == pytest.approx(ref, rel=1e-9)
    t = S.rate_ratio_test(5, 10.0, 5, 30.0)
    assert (t.expected, t.ratio) == (pytest.approx(2.5), pytest.approx(3.0))  # 10 events, a quarter of the exposure


def test_a_permutation_test_is_exact_for_small_groups():
    a, b = [3.0, 1.0, 2.0], [6.0, 5.0, 2.5, 7.0]
    pooled = a + b
    diffs = [np.mean([pooled[i] for i in idx]) - np.mean([pooled[i] for i in range(7) if i not in idx])
             for idx in itertools.combinations(range(7), 3)]
    observed = np.mean(a) - np.mean(b)
    exact = np.mean([d <= observed + 1e-12 for d in diffs])  # all 35 relabellings
    assert S.mean_difference_test(a, b, alternative="less") == pytest.approx(exact)
    assert S.mean_difference_test([5, 5, 5], [5, 5, 5]) == 1.0  # nothing differs
    assert math.isnan(S.mean_difference_test([1], [2, 3]))  # one unit is no comparison
    with pytest.raises(ValueError, match="alternative must be"):
        S.mean_difference_test(a, b, alternative="lower")


def test_proportion_test_is_fishers_exact_test_by_hand():
    from math import comb

    # 4 of 6 against 1 of 8; two-sided: sum of hypergeometric probabilities no larger than the observed one
    total, hits, n = 14, 5, 6
    prob = [comb(hits, k) * comb(total - hits, n - k) / comb(total, n) for k in range(0, 6)]
    observed = prob[4]
    expected = sum(p for p in prob if p <= observed * (1 + 1e-7))
    assert S.proportion_test(4, 6, 1, 8) == pytest.approx(expected)


def test_delong_interval_covers_the_bootstrap():
    rng = np.random.default_rng(7)
    y = np.r_[np.ones(40, int), np.zeros(60, int)]
    score = rng.normal(0, 1, 100) + 0.9 * y
    auc, low, high = S.auc_interval(y, score)
    pairs = np.mean([(a > b) + 0.5 * (a == b) for a in score[y == 1] for b in score[y == 0]])
    assert auc == pytest.approx(pairs)
    boot = []
    for _ in range(2000):
        i = np.r_[rng.choice(np.flatnonzero(y == 1), 40), rng.choice(np.flatnonzero(y == 0), 60)]
        yi, si = y[i], score[i]
        boot.append(np.mean((si[yi == 1][:, None] > si[yi == 0][None, :]) + 0.5 * (si[yi == 1][:, None] == si[yi == 0][None, :])))
    assert (high - low) / (2 * 1.96) == pytest.approx(np.std(boot), rel=0.15)  # DeLong's SE against the bootstrap's


def test_more_data_makes_the_same_effect_clear_as_predicted():
    from scipy.stats import norm

    p, needed = 0.04, 0.001
    m = S.data_multiplier(p, needed)
    assert norm.sf(norm.isf(p) * math.sqrt(m)) == pytest.approx(needed)
    assert math.isnan(S.data_multiplier(0.7, 0.01))  # the other way round: no amount of data helps this claim


def test_large_groups_are_compared_by_welchs_test():
    from scipy.stats import ttest_ind

    rng = np.random.default_rng(5)
    a, b = rng.normal(50, 10, 40), rng.normal(55, 14, 300)
    assert S.mean_difference_test(a, b) == pytest.approx(ttest_ind(a, b, equal_var=False, alternative="less").pvalue)
    # at the boundary the two methods agree closely on normal data
    a, b = rng.normal(50, 10, 29), rng.normal(54, 10, 60)
    perm = S.mean_difference_test(a, b)
    assert perm == pytest.approx(ttest_ind(a, b, equal_var=False, alternative="less").pvalue, abs=0.02)
