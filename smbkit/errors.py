"""smbkit's own error and warning types.

Warnings say where a statistic gets weak (a small sample, a poor fit, a model that did not
converge). They are never silenced: `smbkit.show.Page` turns each one into a plain sentence on
the page, and outside a notebook they surface as ordinary Python warnings.
"""

from __future__ import annotations

import warnings

__all__ = ["SmbkitWarning", "SmallSampleWarning", "WeakFitWarning", "NoConvergenceWarning", "UsageError", "Stopped", "warn",
           "fit_and_check"]


class SmbkitWarning(UserWarning):
    """A result was computed, but read it with care; the message says why in plain words."""


class SmallSampleWarning(SmbkitWarning):
    """Too few people, answers or events for a statistic to say much."""


class WeakFitWarning(SmbkitWarning):
    """A model could not be fitted, or fits the data poorly; it was left out or is flagged."""


class NoConvergenceWarning(SmbkitWarning):
    """A model's fitting did not converge; its numbers may be unstable."""


class UsageError(ValueError):
    """A command or function was asked for something it cannot do (bad folders, unknown notebook,
    scenario or parameter)."""


class Stopped(KeyboardInterrupt):
    """A run was told to stop by a signal (SIGTERM, SIGHUP); handled wherever Ctrl+C is."""

    def __init__(self, signum: int):
        import signal

        self.signum = signum
        super().__init__(f"stopped by {signal.Signals(signum).name}")


def warn(category: type[SmbkitWarning], message: str) -> None:
    """Raise a smbkit warning pointing at smbkit's caller (the notebook cell), not at smbkit itself."""
    warnings.warn(message, category, stacklevel=3)


def fit_and_check(fit, *args, **kwargs):
    """Run a statsmodels ``fit(*args, **kwargs)``; return ``(result, converged)``.

    statsmodels reports an optimiser that stopped early with a ``ConvergenceWarning`` (and in the
    result's ``mle_retvals``). Those are taken as ``converged=False`` for the caller to judge and
    explain (a candidate forecast that fits poorly loses its backtest; a chosen model that did not
    converge is reported with `NoConvergenceWarning`). Every other warning passes through unchanged.
    """
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        result = fit(*args, **kwargs)
    retvals = getattr(result, "mle_retvals", None)
    converged = bool(retvals.get("converged", True)) if isinstance(retvals, dict) else True
    for w in caught:
        if issubclass(w.category, ConvergenceWarning):
            converged = False
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return result, converged
