"""The statistical tests behind smbkit's evidence rule, each at the level of independent units.

Small businesses have small groups, so the tests are exact or distribution-free where counts are
small: an exact conditional test for two rates, a permutation test for two groups of people, Fisher's
exact test for two proportions, DeLong's interval for a model's AUC. `holm` controls the chance of
any false alarm across all the comparisons one report makes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ALPHA", "PERMUTATIONS", "LARGE_GROUP", "holm", "RateTest", "rate_ratio_test", "mean_difference_test", "proportion_test",
           "auc_interval", "data_multiplier"]

# The chance of at least one false alarm in a whole report (family-wise error rate, controlled by
# Holm's step-down procedure): one in twenty, the usual scientific convention.
ALPHA = 0.05
# Random relabellings of a permutation test (seeded): the smallest p-value it can give is about 1/10,000.
PERMUTATIONS = 9999
# From this many units in each group, a difference in means is tested with Welch's t-test: with 30 or
# more the central limit theorem makes it accurate (Lumley et al., "The importance of the normality
# assumption in large public health data sets", 2002), and a permutation test would cost memory for nothing.
LARGE_GROUP = 30


def holm(pvalues) -> np.ndarray:
    """Holm's step-down adjusted p-values (Holm, 1979): compare each with the family's alpha.

    Sorted p_(1) <= ... <= p_(m): adjusted p_(i) = max over j <= i of min(1, (m - j + 1) p_(j)).
    Missing p-values are left out of the family and stay missing.

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03, 0.2]).round(2).tolist()
    [0.04, 0.09, 0.09, 0.2]
    """
    p = np.asarray(pvalues, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if not m:
        return out
    order = np.argsort(p[ok], kind="stable")
    scaled = np.minimum(1.0, (m - np.arange(m)) * p[ok][order])
    adjusted = np.maximum.accumulate(scaled)
    values = np.empty(m)
    values[order] = adjusted
    out[ok] = values
    return out


@dataclass(frozen=True)
class RateTest:
    """Events of a group against the rest at equal rates: the ratio of rates and a one-sided p-value."""

    events: int
    expected: float  # events the group would have at the rest's rate
    ratio: float  # group rate / rest rate
    p_value: float  # chance of this many events or more if the rates were equal


def rate_ratio_test(events: int, exposure: float, other_events: int, other_exposure: float) -> RateTest:
    """Is a group's event rate (e.g. people leaving per person-year) higher than the rest's?

    Exact conditional test of two Poisson rates (Przyborowski & Wilenski, 1940): given the n events
    of both groups, the group's count is Binomial(n, exposure / (exposure + other_exposure)) when
    the rates are equal; p = P(X >= events). The same as statsmodels' ``test_poisson_2indep``
    with ``method="exact-cond"``, one-sided.

    Examples
    --------
    >>> round(rate_ratio_test(5, 10.0, 5, 30.0).p_value, 4)
    0.0781
    """
    from scipy.stats import binom

    n = int(events) + int(other_events)
    share = exposure / (exposure + other_exposure) if exposure + other_exposure > 0 else np.nan
    if n == 0 or not 0 < share < 1:
        return RateTest(int(events), float("nan"), float("nan"), float("nan"))
    other_rate = other_events / other_exposure if other_exposure > 0 else np.nan
    expected = n * share  # the group's share of all events at equal rates
    ratio = (events / exposure) / other_rate if other_rate and other_rate > 0 else float("inf") if events else 1.0
    return RateTest(int(events), float(expected), float(ratio), float(binom.sf(int(events) - 1, n, share)))


def mean_difference_test(group, rest, *, alternative: str = "less", seed: int = 0) -> float:
    """p-value that the group's mean is lower (or higher, or different) than the rest's by chance alone.

    On independent units (people, respondents). While either group has fewer than `LARGE_GROUP`
    units, a permutation test: the group's labels are shuffled `PERMUTATIONS` times (seeded) and the
    difference in means recomputed (Good, Permutation Tests, 2005), exact for small groups with no
    assumption of normal scores; beyond, Welch's t-test (scipy). ``alternative`` is ``"less"`` (the
    group is lower), ``"greater"`` or ``"two-sided"``.

    Examples
    --------
    >>> mean_difference_test([1, 2, 3], [10, 11, 12, 13], alternative="less") < 0.05
    True
    """
    from scipy.stats import permutation_test, ttest_ind

    if alternative not in ("less", "greater", "two-sided"):
        raise ValueError(f"alternative must be 'less', 'greater' or 'two-sided'; got: {alternative!r}")
    a = np.asarray(group, dtype=float)
    b = np.asarray(rest, dtype=float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if len(a) < 2 or len(b) < 2 or np.ptp(np.r_[a, b]) == 0:
        return float("nan") if len(a) < 2 or len(b) < 2 else 1.0
    if min(len(a), len(b)) >= LARGE_GROUP:
        return float(ttest_ind(a, b, equal_var=False, alternative=alternative).pvalue)
    result = permutation_test((a, b), lambda x, y, axis: np.mean(x, axis=axis) - np.mean(y, axis=axis), vectorized=True,
                              n_resamples=PERMUTATIONS, alternative=alternative, rng=np.random.default_rng(seed), batch=1000)
    return float(result.pvalue)


def proportion_test(hits: int, n: int, other_hits: int, other_n: int) -> float:
    """Two-sided p-value that two shares (hits / n) differ by chance alone: Fisher's exact test (scipy)."""
    from scipy.stats import fisher_exact

    if n == 0 or other_n == 0:
        return float("nan")
    return float(fisher_exact([[hits, n - hits], [other_hits, other_n - other_hits]]).pvalue)


def auc_interval(y, score, *, confidence: float = 0.95) -> tuple[float, float, float]:
    """A model's AUC with DeLong's confidence interval (DeLong, DeLong & Clarke-Pearson, 1988).

    AUC = P(score of a leaver > score of a stayer), ties half. Its variance is S10 / m + S01 / n from
    the structural components V10 (per leaver) and V01 (per stayer). Returns (auc, low, high).

    Examples
    --------
    >>> [round(v, 3) for v in auc_interval([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])]
    [0.75, 0.057, 1.0]
    """
    from scipy.stats import norm

    y = np.asarray(y, dtype=int)
    s = np.asarray(score, dtype=float)
    pos, neg = s[y == 1], s[y == 0]
    m, n = len(pos), len(neg)
    if m < 2 or n < 2:
        return float("nan"), float("nan"), float("nan")
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    auc = float(psi.mean())
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    se = float(np.sqrt(v10.var(ddof=1) / m + v01.var(ddof=1) / n))
    z = norm.ppf(1 - (1 - confidence) / 2)
    return auc, float(max(0.0, auc - z * se)), float(min(1.0, auc + z * se))


def data_multiplier(p_value: float, needed: float) -> float:
    """Roughly how many times as much data would make a difference like this one clear, if it held.

    A test statistic grows with the square root of the data, so a one-sided p-value p becomes
    ``needed`` after about (z(needed) / z(p))^2 times the data, z the standard normal quantile.
    Missing when the data show no sign of a difference in the tested direction (p >= 0.5).

    Examples
    --------
    >>> round(data_multiplier(0.05, 0.0025), 1)
    2.9
    """
    from scipy.stats import norm

    if not (0 < p_value < 0.5) or not (0 < needed < 0.5):
        return float("nan")
    return float(max(1.0, (norm.isf(needed) / norm.isf(p_value)) ** 2))
