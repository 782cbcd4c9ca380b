"""Notebook 05 — do people feel they belong, and where is it at risk?

Per wave: response rate, the headline measures and the HR signals beside them; every question;
how far each dimension's questions hang together (reliability); which questions go with eNPS
(key drivers); what changed since the last wave and which teams need attention; a forecast;
business outcomes and benchmarks; comments. The scoring and the privacy-safe results by group
are in `smbkit.survey`.
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pandas as pd

from . import privacy
from .data import Company
from .decisions import DECISION_COLUMNS, Decision, comparisons_table, decisions_table
from .errors import NoConvergenceWarning, SmbkitWarning, WeakFitWarning, fit_and_check, warn
from .people import current_employees
from .signals import absence_rate, turnover
from .stats import mean_difference_test
from .survey import (
    DETRACTOR_MAX,
    FAVORABLE_TOP_POINTS,
    PROMOTER_MIN,
    cronbach_alpha,
    scored_responses,
    survey_items,
    survey_results,
)
from .text import count

__all__ = [
    "ALPHA_FLAG",
    "MIN_DRIVER_RESPONSES",
    "wave_summary",
    "item_results",
    "reliability",
    "hr_signals",
    "driver_outcome",
    "key_drivers",
    "driver_comparisons",
    "dimension_trends",
    "trend_comparisons",
    "team_alerts",
    "team_comparisons",
    "reliability_comparisons",
    "belonging_forecast",
    "belonging_outcomes",
    "benchmark_comparison",
    "survey_comments",
    "comments_takeaway",
    "belonging_decisions",
    "wave_takeaway",
    "reliability_takeaway",
    "key_drivers_takeaway",
    "trends_takeaway",
    "outcomes_takeaway",
]

# Cronbach's alpha below 0.7 is weak internal consistency (Nunnally, Psychometric Theory, 1978).
ALPHA_FLAG = 0.7
# Driver analysis needs about 25 responses before correlations mean much (survey products' rule).
MIN_DRIVER_RESPONSES = 25
# Shewhart p-chart limits: 3 standard errors.
CONTROL_SIGMAS = 3.0


def wave_summary(company: Company) -> pd.DataFrame:
    """One row per wave: people on the books, responses, response rate and the headline measures.

    Returns
    -------
    DataFrame
        Columns: ``wave``, ``headcount`` (people employed on the wave date), ``responses`` (after
        consent=false rows are dropped), ``response_rate_pct`` (missing, with a warning, when there are
        more responses than people: the rate would mean nothing), ``belonging_index``, ``enps``,
        ``favourable_pct`` and one column per dimension (mean score 0-100), ``hidden`` (a wave with
        fewer responses than min_group_size shows no figures).
    """
    r = scored_responses(company)
    res = survey_results(company)
    wide = res.pivot_table(index="wave", columns="measure", values="score", aggfunc="first", dropna=False)
    fav = res[res["measure"] == "belonging_index"].set_index("wave")["favourable_pct"]
    rows = []
    k = company.settings.min_group_size
    for wave, grp in r.groupby("wave", sort=True):
        head = len(current_employees(company, on=wave))
        if len(grp) > head:
            warn(SmbkitWarning, f"wave {wave.date()}: {len(grp)} answers but only {head} people on the books that day; no response "
                                "rate is shown (look for duplicate rows, or people missing from employees.csv)")
        row = {"wave": wave, "headcount": head, "responses": len(grp),
               "response_rate_pct": len(grp) / head * 100 if 0 < len(grp) <= head else np.nan,
               "belonging_index": wide.loc[wave].get("belonging_index"), "enps": wide.loc[wave].get("enps"),
               "favourable_pct": fav.get(wave)}
        for dim in survey_items(company)["dimension"].unique():
            row[dim] = wide.loc[wave].get(dim)
        rows.append(row)
    out = pd.DataFrame(rows)
    values = [c for c in out.columns if c not in ("wave", "headcount")]
    return privacy.hide_small(out, count="responses", columns=values, min_size=k)


def item_results(company: Company, *, wave=None, top_points: int = FAVORABLE_TOP_POINTS) -> pd.DataFrame:
    """Every item in one wave (default: the latest): answers, mean on its own scale and favourable %.

    Returns
    -------
    DataFrame
        Columns: ``item_id``, ``text``, ``dimension``, ``reverse_coded``, ``n``, ``mean`` (after
        reverse coding, on the item's scale), ``favourable_pct``, ``hidden`` (fewer answers than
        min_group_size).
    """
    r = scored_responses(company, top_points=top_points)
    wave = r["wave"].max() if wave is None else pd.Timestamp(wave)
    r = r[r["wave"] == wave]
    items = survey_items(company)
    rows = []
    for it in items.itertuples():
        x = r[it.item_id].dropna()
        fav = r[f"fav__{it.item_id}"].dropna().astype(float)
        rows.append({"item_id": it.item_id, "text": it.text, "dimension": it.dimension, "reverse_coded": bool(it.reverse_coded),
                     "n": len(x), "mean": x.mean(), "favourable_pct": fav.mean() * 100, "_fav": fav.sum()})
    table = pd.DataFrame(rows)
    # a dimension's figures pool its items: within a dimension a hidden item is complemented, favourable answers kept in doubt
    shown = privacy.suppress(table, count="n", by=["item_id"], within=["dimension"], min_size=company.settings.min_group_size,
                             amounts=(privacy.Amount("_fav", cap="n"),))
    shown[["text", "reverse_coded"]] = table[["text", "reverse_coded"]]
    return shown.drop(columns="_fav")


def reliability(company: Company, *, wave=None) -> pd.DataFrame:
    """Cronbach's alpha per dimension in one wave (default: the latest), flagged below `ALPHA_FLAG`.

    Returns
    -------
    DataFrame
        Columns: ``dimension``, ``items``, ``n``, ``alpha``, ``ci_low``, ``ci_high``, ``p_below_flag`` (one-sided
        p-value that the true alpha is below `ALPHA_FLAG`, Feldt's F test), ``weak`` (alpha under `ALPHA_FLAG`),
        ``hidden`` (the wave or the dimension's complete answers are fewer than min_group_size: figures blank).
    """
    r = scored_responses(company)
    wave = r["wave"].max() if wave is None else pd.Timestamp(wave)
    r = r[r["wave"] == wave]
    from scipy.stats import f

    rows = []
    for dim, grp in survey_items(company).groupby("dimension", sort=False):
        a = cronbach_alpha(r[list(grp["item_id"])])
        # Feldt (1965): (1 - alpha) / (1 - alpha-hat) ~ F(n - 1, (n - 1)(k - 1)); small when alpha is below ALPHA_FLAG
        p = (float(f.cdf((1 - ALPHA_FLAG) / (1 - a.alpha), a.n - 1, (a.n - 1) * (a.items - 1)))
             if not np.isnan(a.alpha) and a.alpha < 1 else np.nan)
        rows.append({"dimension": dim, **asdict(a), "p_below_flag": p})
    out = pd.DataFrame(rows)
    out["weak"] = out["alpha"] < ALPHA_FLAG
    # a wave the wave table hides shows nothing here either, nor does a dimension with too few complete answers
    k = company.settings.min_group_size
    few = privacy.too_few(out["n"].to_numpy(dtype=float), k) | bool(privacy.too_few(len(r), k))
    out = privacy.hide_small(out.assign(_n=np.where(few, 0, out["n"])), count="_n",
                             columns=["n", "alpha", "ci_low", "ci_high", "p_below_flag"], min_size=k).drop(columns="_n")
    out["weak"] = out["weak"] & ~out["hidden"]
    return out


def hr_signals(company: Company) -> pd.DataFrame:
    """HR signals in the 12 months up to each wave date, to read beside the survey.

    Returns
    -------
    DataFrame
        Columns: ``wave``, ``turnover_pct`` (annual, employees), ``voluntary_turnover_pct``,
        ``absence_rate_pct`` (missing without absences.csv), ``event_participation_pct``
        (attended / invited; missing without events.csv).
    """
    waves = sorted(scored_responses(company)["wave"].unique())
    rows = []
    for wave in waves:
        t = turnover(company, on=wave).iloc[0]
        row = {"wave": pd.Timestamp(wave), "turnover_pct": t["rate_pct"], "voluntary_turnover_pct": t["voluntary_rate_pct"],
               "absence_rate_pct": np.nan, "event_participation_pct": np.nan}
        if company.has("absences"):
            row["absence_rate_pct"] = absence_rate(company, on=wave).iloc[0]["rate_pct"]
        if company.has("events"):
            ev = company.events
            ev = ev[(ev["date"] > pd.Timestamp(wave) - pd.DateOffset(months=12)) & (ev["date"] <= wave)]
            row["event_participation_pct"] = ev["attended"].sum() / ev["invited"].sum() * 100 if ev["invited"].sum() else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def driver_outcome(company: Company, *, wave=None) -> str:
    """What key drivers are measured against: eNPS when the wave has `MIN_DRIVER_RESPONSES` eNPS answers, else the Belonging Index."""
    r = scored_responses(company)
    wave = r["wave"].max() if wave is None else pd.Timestamp(wave)
    answers = r.loc[r["wave"] == wave, "enps"].notna().sum()
    return "enps" if answers >= MIN_DRIVER_RESPONSES else "belonging_index"


def key_drivers(company: Company, *, outcome: str = "auto", wave=None) -> pd.DataFrame:
    """Which items go with the outcome most strongly, in one wave (default: the latest).

    For each item: Spearman's rank correlation with the outcome over respondents (pairwise complete
    answers) with its one-sided p-value for a positive link (scipy), and the standardised coefficient
    of a least-squares regression of the outcome on all items (complete rows, every variable z-scored;
    statsmodels OLS). ``outcome="auto"`` uses eNPS when the wave has enough eNPS answers, else the
    Belonging Index (`driver_outcome`); with ``outcome="belonging_index"`` each item is compared with
    the index of the *other* dimensions (of the other questions when there is one dimension), so it
    is correlated neither with itself nor with the questions written to measure the same thing. ``quadrant`` describes
    where an item sits (favourable share and |Spearman| against their medians); whether an item's
    link is clear enough to act on is the evidence rule's call (`driver_comparisons`).

    Returns
    -------
    DataFrame
        Columns: ``item_id``, ``text``, ``dimension``, ``outcome``, ``n``, ``favourable_pct``, ``spearman``,
        ``p_value``, ``beta``, ``quadrant``. Empty when the wave has fewer than `MIN_DRIVER_RESPONSES`
        responses with the outcome.
    """
    from scipy.stats import spearmanr
    from statsmodels.regression.linear_model import OLS
    from statsmodels.tools.tools import add_constant

    if outcome == "auto":
        outcome = driver_outcome(company, wave=wave)
    if outcome not in ("enps", "belonging_index"):
        raise ValueError(f"outcome must be 'auto', 'enps' or 'belonging_index'; got: {outcome!r}")
    r = scored_responses(company)
    wave = r["wave"].max() if wave is None else pd.Timestamp(wave)
    r = r[r["wave"] == wave]
    items = survey_items(company)
    cols = ["item_id", "text", "dimension", "outcome", "n", "favourable_pct", "spearman", "p_value", "beta", "quadrant"]
    y_all = r["enps"].astype("float64") if outcome == "enps" else r["belonging_index"]
    if privacy.too_few(y_all.notna().sum(), MIN_DRIVER_RESPONSES):
        return pd.DataFrame(columns=cols)
    rows = []
    for it in items.itertuples():
        if outcome == "enps":
            y = y_all
        else:  # rest score: the index of the other dimensions (or, with one dimension, of its other questions)
            others = items[items["dimension"] != it.dimension]
            others = others if len(others) else items[items["item_id"] != it.item_id]
            norm = pd.DataFrame({o.item_id: (r[o.item_id] - 1) / (o.scale_max - 1) * 100 for o in others.itertuples()})
            y = pd.DataFrame({d: norm[list(g["item_id"])].mean(axis=1) for d, g in others.groupby("dimension")}).mean(axis=1)
        pair = pd.DataFrame({"x": r[it.item_id], "y": y}).dropna()
        ok = len(pair) > 2 and pair["x"].nunique() > 1 and pair["y"].nunique() > 1
        rho, p = spearmanr(pair["x"], pair["y"], alternative="greater") if ok else (np.nan, np.nan)
        rows.append({"item_id": it.item_id, "text": it.text, "dimension": it.dimension, "outcome": outcome, "n": len(pair),
                     "favourable_pct": r[f"fav__{it.item_id}"].dropna().astype(float).mean() * 100,
                     "spearman": float(rho), "p_value": float(p)})
    out = pd.DataFrame(rows)
    data = pd.concat([r[list(items["item_id"])], y_all.rename("__y")], axis=1).dropna()
    z = (data - data.mean()) / data.std(ddof=1)
    z = z.loc[:, z.notna().all()]
    X = add_constant(z.drop(columns="__y")) if "__y" in z else None
    if X is not None and len(z) > X.shape[1] and np.linalg.matrix_rank(X.to_numpy()) == X.shape[1]:
        out["beta"] = out["item_id"].map(OLS(z["__y"], X).fit().params)
    else:
        out["beta"] = np.nan
        if X is not None and len(z) > X.shape[1]:
            warn(WeakFitWarning, "Some questions were answered so alike that their separate effects cannot be told apart, so the "
                                 "regression weights are left out; the rank correlations still stand.")
    impact = out["spearman"].abs()
    hi_imp, hi_fav = impact >= impact.median(), out["favourable_pct"] >= out["favourable_pct"].median()
    out["quadrant"] = np.select([~hi_fav & hi_imp, hi_fav & hi_imp, hi_fav & ~hi_imp], ["priority", "strength", "maintain"], "monitor")
    return out[cols]


def driver_comparisons(company: Company) -> pd.DataFrame:
    """Is an item's link with the outcome clear? One comparison per item whose favourable share is in the lower half.

    Only the lower half of items can become "act on this question" actions (fixing what already
    scores well is not the advice), so only they enter the report's family of comparisons; the
    p-value is Spearman's one-sided test over respondents (`key_drivers`).

    Returns
    -------
    DataFrame
        A `smbkit.decisions.comparisons_table` (family ``key_driver``, subject the item's text).
    """
    if not company.has("survey_items", "survey_responses"):
        return comparisons_table([])
    d = key_drivers(company)
    if d.empty:
        return comparisons_table([])
    low = d[d["favourable_pct"] < d["favourable_pct"].median()]
    measure = "eNPS" if (d["outcome"] == "enps").all() else "the Belonging Index"
    return comparisons_table(("05", "key_driver", r.text, f"'{r.text}': {r.favourable_pct:.0f}% favourable, and people who answer it "
                              + ("more favourably score higher" if r.spearman > 0 else "more favourably do not score higher")
                              + f" on {measure} (rank correlation {r.spearman:.2f} over {r.n} respondents)",
                              "respondents", r.n, r.spearman, r.p_value) for r in low.itertuples())


def dimension_trends(company: Company) -> pd.DataFrame:
    """Change of every measure from the previous wave to the latest, with a test on respondents.

    Respondents' scores (dimension and index scores 0-100; for eNPS each answer scored +100 promoter,
    0 passive, -100 detractor, whose mean is the eNPS) of the two waves are compared by a permutation
    test of the difference in means (`smbkit.stats.mean_difference_test`, two-sided): waves are
    independent samples, as anonymous answers are never linked across waves. ``p_fell`` is the
    one-sided p-value of a fall, what the action "find out why it fell" claims. Company level only;
    a wave with fewer than min_group_size answers to a measure is not compared.

    Returns
    -------
    DataFrame
        Columns: ``measure``, ``previous``, ``latest``, ``change``, ``previous_n``, ``latest_n``, ``p_value``,
        ``p_fell``. Empty with fewer than two waves.
    """
    r = scored_responses(company)
    waves = sorted(r["wave"].unique())
    cols = ["measure", "previous", "latest", "change", "previous_n", "latest_n", "p_value", "p_fell"]
    if len(waves) < 2:
        return pd.DataFrame(columns=cols)
    a, b = r[r["wave"] == waves[-2]], r[r["wave"] == waves[-1]]
    e = lambda s: np.select([s >= PROMOTER_MIN, s <= DETRACTOR_MAX], [100.0, -100.0], 0.0)  # noqa: E731
    series = {"belonging_index": lambda d: d["belonging_index"]}
    series |= {dim: (lambda d, c=f"dim__{dim}": d[c]) for dim in survey_items(company)["dimension"].unique()}
    series["enps"] = lambda d: pd.Series(e(d["enps"].dropna().astype(float).to_numpy()))
    rows = []
    k = company.settings.min_group_size
    # a measure the company's results hide in either wave is not compared (the index pools a hidden dimension)
    res = survey_results(company)
    hidden = set(res.loc[res["hidden"] & res["wave"].isin(waves[-2:]), "measure"])
    for name, get in series.items():
        x, y = get(a).dropna(), get(b).dropna()
        if privacy.too_few(min(len(x), len(y)), k) or name in hidden:
            continue
        rows.append({"measure": name, "previous": x.mean(), "latest": y.mean(), "change": y.mean() - x.mean(),
                     "previous_n": len(x), "latest_n": len(y), "p_value": mean_difference_test(y, x, alternative="two-sided"),
                     "p_fell": mean_difference_test(y, x, alternative="less")})
    return pd.DataFrame(rows, columns=cols)


def trend_comparisons(company: Company) -> pd.DataFrame:
    """Did a measure fall since the previous wave? One comparison per measure (`dimension_trends`)."""
    if not company.has("survey_items", "survey_responses"):
        return comparisons_table([])
    t = dimension_trends(company)
    return comparisons_table(("05", "trend", r.measure, f"{_label(r.measure)} moved {r.change:+.1f} points since the previous wave "
                              f"({r.previous:.0f} to {r.latest:.0f}; {r.latest_n} and {r.previous_n} respondents)",
                              "respondents", r.latest_n + r.previous_n, r.change, r.p_fell) for r in t.itertuples())


def _label(measure: str) -> str:
    return "eNPS" if measure == "enps" else measure.replace("_", " ").capitalize()


def team_alerts(company: Company) -> pd.DataFrame:
    """How each team shown in the latest wave compares with the rest of the company and with its own history.

    Units are respondents: each respondent's Belonging Index (0-100) is one observation. Against
    the company: the team's respondents against everyone else's in the same wave. Against its history:
    the team's latest respondents against its respondents in earlier waves where the team was itself
    shown (a hidden wave is never pooled in). Each comparison is a permutation test of the difference
    in means, one-sided (the team is lower), done by `team_comparisons` for the evidence rule. The
    control limits shown are the other group's mean minus 3 standard errors of a mean of the team's
    size (Shewhart's x-bar chart with the respondents' spread), for reading, not for deciding.
    Only teams shown in the latest wave (at or above min_group_size and not hidden as a complement) appear.

    Returns
    -------
    DataFrame
        Columns: ``team``, ``respondents``, ``belonging_index``, ``rest_of_company``, ``company_lower``,
        ``p_vs_company``, ``history``, ``history_respondents``, ``history_lower``, ``p_vs_history``.
    """
    r = scored_responses(company)
    r = r[r["belonging_index"].notna()]
    latest = r["wave"].max()
    shown = survey_results(company, by="team")
    shown = shown[(shown["measure"] == "belonging_index") & ~shown["hidden"]]
    now = r[r["wave"] == latest]
    rows = []
    for team in shown.loc[shown["wave"] == latest, "team"]:
        mine = now.loc[now["team"] == team, "belonging_index"]
        rest = now.loc[now["team"] != team, "belonging_index"]
        shown_before = set(shown.loc[(shown["team"] == team) & (shown["wave"] < latest), "wave"])
        past = r.loc[(r["team"] == team) & r["wave"].isin(shown_before), "belonging_index"]
        margin = CONTROL_SIGMAS * np.nanstd(np.r_[mine, rest], ddof=1) / np.sqrt(len(mine))  # 3 standard errors of the team's mean
        rows.append({"team": team, "respondents": len(mine), "belonging_index": mine.mean(), "rest_of_company": rest.mean(),
                     "company_lower": rest.mean() - margin, "p_vs_company": mean_difference_test(mine, rest, alternative="less"),
                     "history": past.mean() if len(past) else np.nan, "history_respondents": len(past),
                     "history_lower": past.mean() - margin if len(past) else np.nan,
                     "p_vs_history": mean_difference_test(mine, past, alternative="less") if len(past) else np.nan})
    return pd.DataFrame(rows, columns=["team", "respondents", "belonging_index", "rest_of_company", "company_lower", "p_vs_company",
                                       "history", "history_respondents", "history_lower", "p_vs_history"])


def team_comparisons(company: Company) -> pd.DataFrame:
    """Is a team's belonging lower than the rest of the company's, or than its own history? (`team_alerts`)"""
    if not company.has("survey_items", "survey_responses"):
        return comparisons_table([])
    rows = []
    for t in team_alerts(company).itertuples():
        rows.append(("05", "team_belonging", t.team, f"{t.team}: Belonging Index {t.belonging_index:.0f} from {t.respondents} "
                     f"respondents, against {t.rest_of_company:.0f} in the rest of the company", "respondents", t.respondents,
                     t.belonging_index - t.rest_of_company, t.p_vs_company))
        if not np.isnan(t.p_vs_history):
            rows.append(("05", "team_history", t.team, f"{t.team}: Belonging Index {t.belonging_index:.0f} now, against "
                         f"{t.history:.0f} in its earlier waves ({t.history_respondents} answers)", "respondents", t.respondents,
                         t.belonging_index - t.history, t.p_vs_history))
    return comparisons_table(rows)


def reliability_comparisons(company: Company) -> pd.DataFrame:
    """Do a dimension's questions fail to hang together? One comparison per dimension (`reliability`, Feldt's test)."""
    if not company.has("survey_items", "survey_responses"):
        return comparisons_table([])
    rel = reliability(company)
    return comparisons_table(("05", "reliability", r.dimension, f"the questions on {r.dimension.replace('_', ' ')} hang together with "
                              f"Cronbach's alpha {r.alpha:.2f} ({r.n} complete answers; under {ALPHA_FLAG} is weak)",
                              "respondents", r.n, r.alpha, r.p_below_flag)
                             for r in rel.itertuples() if not np.isnan(r.p_below_flag))


def belonging_forecast(company: Company) -> pd.DataFrame:
    """Forecast of the company's Belonging Index at the next wave, with 80% and 95% intervals.

    Simple exponential smoothing (statsmodels ETSModel, additive errors, no trend or season: the
    model for a level that drifts; Hyndman & Athanasopoulos, FPP3 8.1) on the waves' index values.
    Needs at least 4 waves; the next wave is dated one median wave interval after the latest.

    Returns
    -------
    DataFrame
        Columns: ``wave``, ``mean``, ``lo80``, ``hi80``, ``lo95``, ``hi95``; empty with fewer than 4 waves.
    """
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    s = wave_summary(company)
    s = s[~s["hidden"]]
    cols = ["wave", "mean", "lo80", "hi80", "lo95", "hi95"]
    if len(s) < 4:
        return pd.DataFrame(columns=cols)
    y = pd.Series(s["belonging_index"].to_numpy(dtype="float64"))
    res, converged = fit_and_check(ETSModel(y, error="add").fit, disp=False)
    if not converged:
        warn(NoConvergenceWarning, "The model behind the next wave's forecast did not fully settle when it was fitted, "
                                   "so its range may be too narrow or too wide; read it as a rough guide.")
    pred = res.get_prediction(start=len(y), end=len(y))
    f80, f95 = pred.summary_frame(alpha=0.2), pred.summary_frame(alpha=0.05)
    step = pd.Series(s["wave"]).diff().median()
    return pd.DataFrame({"wave": [(s["wave"].iloc[-1] + step).normalize()], "mean": f80["mean"].to_numpy(),
                         "lo80": f80["pi_lower"].to_numpy(), "hi80": f80["pi_upper"].to_numpy(),
                         "lo95": f95["pi_lower"].to_numpy(), "hi95": f95["pi_upper"].to_numpy()})[cols]


def belonging_outcomes(company: Company, *, months: int = 3) -> pd.DataFrame:
    """Team Belonging Index in the latest wave beside each team's business outcomes.

    Outcomes are averaged over the ``months`` months up to the wave. Only teams shown in the
    latest wave take part. Spearman's rank correlation across teams is given per metric with the
    number of teams: with few teams it is weak evidence, and the notebook says so.

    Returns
    -------
    DataFrame
        Columns: ``metric``, ``team``, ``belonging_index``, ``value``, ``teams``, ``spearman``.
    """
    from scipy.stats import spearmanr

    cols = ["metric", "team", "belonging_index", "value", "teams", "spearman"]
    if not company.has("outcomes"):
        return pd.DataFrame(columns=cols)
    res = survey_results(company, by="team")
    latest = res["wave"].max()
    bi = res[(res["wave"] == latest) & (res["measure"] == "belonging_index") & ~res["hidden"]].set_index("team")["score"]
    o = company.outcomes
    o = o[(o["period"] > latest - pd.DateOffset(months=months)) & (o["period"] <= latest) & o["team"].isin(bi.index)]
    rows = []
    for metric, grp in o.groupby("metric", sort=True):
        vals = grp.groupby("team")["value"].mean()
        teams = [t for t in vals.index if t in bi.index]
        rho = spearmanr(bi[teams], vals[teams]).statistic if len(teams) >= 3 else np.nan
        for t in teams:
            rows.append({"metric": metric, "team": t, "belonging_index": bi[t], "value": vals[t], "teams": len(teams),
                         "spearman": float(rho)})
    return pd.DataFrame(rows, columns=cols)


def benchmark_comparison(company: Company) -> pd.DataFrame:
    """Latest company figures against the benchmarks the company supplied (benchmarks.csv) and
    each shown team against the company (internal benchmark). smbkit ships no external numbers.

    Returns
    -------
    DataFrame
        Columns: ``measure``, ``group``, ``value``, ``benchmark``, ``source``, ``difference``.
    """
    res = survey_results(company)
    latest = res["wave"].max()
    comp = res[(res["wave"] == latest) & ~res["hidden"]].set_index("measure")["score"]
    rows = []
    if company.has("benchmarks"):
        for b in company.benchmarks.itertuples():
            if b.measure in comp.index:
                rows.append({"measure": b.measure, "group": "company", "value": comp[b.measure], "benchmark": b.value,
                             "source": b.source, "difference": comp[b.measure] - b.value})
    teams = survey_results(company, by="team")
    teams = teams[(teams["wave"] == latest) & (teams["measure"] == "belonging_index") & ~teams["hidden"]]
    for t in teams.itertuples():
        rows.append({"measure": "belonging_index", "group": t.team, "value": t.score, "benchmark": comp.get("belonging_index"),
                     "source": "company average (internal)", "difference": t.score - comp.get("belonging_index", np.nan)})
    return pd.DataFrame(rows, columns=["measure", "group", "value", "benchmark", "source", "difference"])


def survey_comments(company: Company, *, wave=None, limit: int = 12, seed: int = 0) -> pd.DataFrame:
    """Example comments from one wave (default: the latest), privacy-safe.

    A comment is labelled with its team only when that team is shown in the wave (at least
    min_group_size respondents and not hidden as a complement); comments of hidden teams are
    labelled ``other teams`` (together they are at least min_group_size people, by the
    complement rule). A team label also needs min_group_size comments: the people who wrote
    them are the population it describes. No demographics are ever attached. Employee names are replaced with
    ``[name]``. Nothing is shown when the wave has fewer respondents, or fewer comments, than
    min_group_size.

    Returns
    -------
    DataFrame
        Columns: ``team``, ``comment``; at most ``limit`` rows, a seeded sample.
    """
    r = scored_responses(company)
    wave = r["wave"].max() if wave is None else pd.Timestamp(wave)
    r = r[r["wave"] == wave]
    if privacy.too_few(len(r), company.settings.min_group_size) or "comment" not in r:
        return pd.DataFrame(columns=["team", "comment"])
    k = company.settings.min_group_size
    c = r[r["comment"].notna() & (r["comment"].str.strip() != "")]
    if privacy.too_few(len(c), k):
        return pd.DataFrame(columns=["team", "comment"])
    res = survey_results(company, by="team")
    shown = set(res[(res["wave"] == wave) & (res["measure"] == "belonging_index") & ~res["hidden"]]["team"])
    # The population of a team's comments is the people who wrote them: a team label needs
    # min_group_size comments as well as a shown team, and the teams that lose their label pool
    # into "other teams" until that pool holds min_group_size comments too (complement rule).
    per_team = c["team"].value_counts()
    unshown = np.array([t not in shown for t in per_team.index], dtype=bool)
    hide = privacy.complementary(per_team.to_numpy(), unshown | privacy.too_few(per_team.to_numpy(), k), k)
    labelled = set(per_team.index[~hide])
    names = privacy.employee_name_words(company.employees)
    out = pd.DataFrame({"team": np.where(c["team"].isin(labelled), c["team"], "other teams"),
                        "comment": [privacy.scrub_names(t, names) for t in c["comment"]]})
    if len(out) > limit:
        out = out.sample(n=limit, random_state=seed)
    return out.sort_values("team", kind="stable").reset_index(drop=True).astype({"team": "str", "comment": "str"})


# Acting on every clearly linked question at once is no plan: at most this many question actions.
MAX_QUESTION_ACTIONS = 3
# Fewer answers than this share of the people invited, and the survey itself needs attention (survey products' rule of thumb).
LOW_RESPONSE_PCT = 60


def belonging_decisions(company: Company, *, evidence: pd.DataFrame, retention: pd.DataFrame | None = None) -> pd.DataFrame:
    """Actions from notebook 05, most urgent first.

    Tested differences, only where ``evidence`` (`smbkit.evidence.report_evidence`) finds them
    clear: a team whose belonging is lower than the rest of the company's, or than its own earlier
    waves -> talk with the team (high); a question in the lower half of favourable shares whose link
    with the outcome is clear -> act on it company-wide (high for the strongest, then medium, at most
    `MAX_QUESTION_ACTIONS`); a measure that fell since the previous wave -> find out why (medium); a
    dimension whose questions do not hang together -> review them (low). A fact: a response rate
    under `LOW_RESPONSE_PCT`% -> explain how results are used and protected (medium). ``retention``
    adds the decisions of `smbkit.retention.retention_findings`; without a survey only they are shown.

    Returns
    -------
    DataFrame
        A `smbkit.decisions.decisions_table`.
    """
    rows = [] if retention is None else [Decision(*r) for r in retention[list(DECISION_COLUMNS)].itertuples(index=False, name=None)]
    if not company.has("survey_items", "survey_responses"):
        return decisions_table(rows)
    clear = evidence[evidence["clear"]]
    teams = clear[clear["family"].isin(["team_belonging", "team_history"])]
    for team, g in teams.groupby("subject", sort=False):
        what = ("what has changed" if "team_history" in set(g["family"]) else "what would help people there feel they belong")
        rows.append(Decision("high", f"Talk with {team} about {what}", "this team's belonging is lower than the comparison",
                             "; ".join(g["evidence"]), "an hour of the team's time", "find what to fix while it is still small",
                             "people expect action after being asked; keep what they say anonymous", "low",
                             need=f"team:{team}:belonging"))
    questions = clear[clear["family"] == "key_driver"].sort_values("effect", ascending=False).head(MAX_QUESTION_ACTIONS)
    # against eNPS a link is outside evidence; against the other questions it partly reflects people's general mood
    outside = driver_outcome(company) == "enps"
    for k, q in enumerate(questions.itertuples()):
        rows.append(Decision("high" if k == 0 and outside else "medium", f"Work on what lies behind '{q.subject}'",
                             "few people answer it favourably, and those who do "
                             + ("are more likely to recommend working here" if outside else "answer the rest of the survey more warmly"),
                             q.evidence, "depends on the fix; start with the team's own ideas",
                             "more people feel they belong if the link holds", "linked is not proof of cause: check with people first",
                             "medium", need=f"question:{q.subject}"))
    for t in clear[clear["family"] == "trend"].itertuples():
        rows.append(Decision("medium", f"Find out why {_label(t.subject).lower() if t.subject != 'enps' else 'eNPS'} fell",
                             "a measure fell since the previous wave", t.evidence, risk_level="low", need=f"trend:{t.subject}"))
    for rel in clear[clear["family"] == "reliability"].itertuples():
        rows.append(Decision("low", f"Review the questions on {rel.subject.replace('_', ' ')}",
                             "the questions may not measure one thing, so its score mixes different things", rel.evidence,
                             risk_level="low", need=f"questions:{rel.subject}"))
    s = wave_summary(company)
    last = s.iloc[-1]
    if last["response_rate_pct"] < LOW_RESPONSE_PCT:
        rows.append(Decision("medium", "Explain how survey results are used and protected",
                             f"only {last['response_rate_pct']:.0f}% answered the latest wave", "a fact in the data", risk_level="low",
                             need="survey:response"))
    return decisions_table(rows)


# ---------------------------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------------------------


def wave_takeaway(summary: pd.DataFrame, signals: pd.DataFrame | None = None, evidence: pd.DataFrame | None = None) -> str:
    """Sentence for `wave_summary` (and `hr_signals`); a change is called real only when the evidence rule finds it clear."""
    shown = summary[~summary["hidden"]]
    if shown.empty:
        return "No wave has enough responses to show results without exposing individuals."
    last = shown.iloc[-1]
    rate = (f"{int(last['responses'])} of {int(last['headcount'])} people answered ({last['response_rate_pct']:.0f}%)"
            if pd.notna(last["response_rate_pct"]) else
            f"there were {int(last['responses'])} answers, more than the {int(last['headcount'])} people on the books, so no response "
            "rate is shown")
    enps = f" and eNPS is {last['enps']:+.0f}" if pd.notna(last.get("enps")) else ""
    text = f"In the latest wave ({last['wave'].date()}) {rate}. The Belonging Index is {last['belonging_index']:.0f} out of 100{enps}."
    if len(shown) > 1:
        previous = shown.iloc[-2]
        move = last["belonging_index"] - previous["belonging_index"]
        tested = None if evidence is None else evidence[(evidence["family"] == "trend") & (evidence["subject"] == "belonging_index")]
        verdict = ("" if tested is None or tested.empty else
                   ", a fall unlikely to be chance" if bool(tested["clear"].iloc[0]) else
                   ", a change the data cannot yet tell from chance")
        text += f" Since the previous wave ({previous['wave'].date()}) it has moved {move:+.1f} points{verdict}."
    if signals is not None and len(signals):
        s = signals.iloc[-1]
        text += f" Over the same 12 months, {s['voluntary_turnover_pct']:.0f}% of employees chose to leave."
    return text


def reliability_takeaway(rel: pd.DataFrame) -> str:
    """Sentence for `reliability`."""
    weak = rel[rel["weak"]]
    if weak.empty:
        return f"Every dimension's questions hang together well (Cronbach's alpha at least {ALPHA_FLAG})."
    return (f"{len(weak)} dimension{'s' if len(weak) > 1 else ''} ({', '.join(weak['dimension'])}) "
            f"{'have' if len(weak) > 1 else 'has'} questions that do not agree well enough (Cronbach's alpha under {ALPHA_FLAG}): "
            f"read {'their' if len(weak) > 1 else 'its'} scores with care.")


def key_drivers_takeaway(drivers: pd.DataFrame, evidence: pd.DataFrame) -> str:
    """Sentence for `key_drivers`, with the evidence rule's verdict on the lower-scoring questions."""
    if drivers.empty:
        return (f"The latest wave has fewer than {MIN_DRIVER_RESPONSES} answers, too few to say which questions go with how "
                "people feel; the section is skipped.")
    measure = "eNPS" if (drivers["outcome"] == "enps").all() else "the Belonging Index"
    if drivers["spearman"].max() > 0:
        top = drivers.loc[drivers["spearman"].idxmax()]
        text = f"The question that goes most with {measure} is \"{top['text']}\" (rank correlation {top['spearman']:.2f})."
    else:
        text = f"No question goes with a higher {measure}."
    clear = evidence[(evidence["family"] == "key_driver") & evidence["clear"]]
    if len(clear):
        text += f" Among the lower-scoring questions, {len(clear)} {'has' if len(clear) == 1 else 'have'} a link clear enough to act on."
    else:
        text += " No lower-scoring question has a link clear enough to act on yet: with this many answers it could be chance."
    return text


def trends_takeaway(trends: pd.DataFrame, evidence: pd.DataFrame) -> str:
    """Sentence for `dimension_trends`, naming only the falls the evidence rule finds clear."""
    if trends.empty:
        return "There is only one wave with enough answers, so no trend yet."
    fell = evidence[(evidence["family"] == "trend") & evidence["clear"]]
    if fell.empty:
        return "No measure fell by more than chance would explain since the previous wave."
    moved = trends.set_index("measure")["change"]
    return "Since the previous wave, more than chance would explain: " + "; ".join(
        f"{_label(m).lower() if m != 'enps' else 'eNPS'} fell {-moved[m]:.1f} points" for m in fell["subject"]) + "."


def outcomes_takeaway(outcomes: pd.DataFrame) -> str:
    """Sentence for `belonging_outcomes`, with the warning that few teams make weak evidence."""
    if outcomes.empty:
        return "No business outcomes to compare with (outcomes.csv is absent or covers no shown team)."
    parts = []
    for metric, grp in outcomes.groupby("metric"):
        rho = grp["spearman"].iloc[0]
        parts.append(f"{metric.replace('_', ' ')}: Spearman {rho:.2f} over {grp['teams'].iloc[0]} teams" if not np.isnan(rho)
                     else f"{metric.replace('_', ' ')}: too few teams to compare")
    return ("Team belonging against outcomes — " + "; ".join(parts) + ". With this few teams any pattern is weak evidence; "
            "treat it as a question to explore, not a finding.")


def comments_takeaway(comments: pd.DataFrame) -> str:
    """Sentence for `survey_comments`."""
    if comments.empty:
        return "No comments can be shown for this wave without risking that someone is recognised."
    return (f"{count(len(comments), 'comment')} from the latest wave, chosen at random. A comment carries its team only where the team "
            "is large enough to stay anonymous; names are replaced with [name].")
