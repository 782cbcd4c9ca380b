"""smbkit's warnings: raised where statistics get weak, never silenced."""

import warnings

import numpy as np
import pytest

from smbkit.errors import NoConvergenceWarning, SmbkitWarning, fit_and_check, warn


def test_fit_and_check_reports_a_fit_that_did_not_converge():
    from statsmodels.discrete.discrete_model import Logit

    rng = np.random.default_rng(0)
    X = np.column_stack([np.ones(200), rng.normal(size=200)])
    y = (X[:, 1] + rng.normal(size=200) > 0).astype(float)
    res, ok = fit_and_check(Logit(y, X).fit, disp=0)
    assert ok and np.isfinite(res.params).all()
    _, stopped = fit_and_check(Logit(y, X).fit, disp=0, maxiter=1)  # one Newton step cannot converge
    assert not stopped


def test_fit_and_check_passes_other_warnings_on():
    def fit():
        warnings.warn("overflow in exp", RuntimeWarning, stacklevel=2)
        return object()

    with pytest.warns(RuntimeWarning, match="overflow"):
        fit_and_check(fit)


def test_warn_raises_a_smbkit_warning_at_the_caller():
    def analysis():
        warn(NoConvergenceWarning, "did not settle")

    with pytest.warns(SmbkitWarning, match="did not settle") as caught:
        analysis()
    assert caught[0].filename == __file__
