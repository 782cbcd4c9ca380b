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
from .decisions import DECISION_COLUMNS, decisions_table
from .errors import NoConvergenceWarning, fit_and_check, warn
from .people import current_employees
from .survey import (
    DETRACTOR_MAX,
    FAVORABLE_TOP_POINTS,
    PROMOTER_MIN,
    cronbach_alpha,
    scored_responses,
    survey_items,
    survey_results,
)
from .workforce import absence_rate, turnover

__all__ = [
    "ALPHA_FLAG",
    "MIN_DRIVER_RESPONSES",
    "wave_summary",
    "item_results",
    "reliability",
    "hr_signals",
    "key_drivers",
    "dimension_trends",
    "team_alerts",
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
        consent=false rows are dropped), ``response_rate_pct``, ``belonging_index``, ``enps``,
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
        row = {"wave": wave, "headcount": head, "responses": len(grp),
               "response_rate_pct": len(grp) / head * 100 if head else np.nan,
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
        rows.append({"item_id": it.item_id, "text": it.text, "dimension": it.dimension, "reverse_coded": bool(it.reverse_coded),
                     "n": len(x), "mean": x.mean(), "favourable_pct": r[f"fav__{it.item_id}"].dropna().astype(float).mean() * 100})
    return privacy.hide_small(pd.DataFrame(rows), count="n", columns=["n", "mean", "favourable_pct"],
                              min_size=company.settings.min_group_size)


def reliability(company: Company, *, wave=None) -> pd.DataFrame:
    """Cronbach's alpha per dimension in one wave (default: the latest), flagged below `ALPHA_FLAG`.

    Returns
    -------
    DataFrame
        Columns: ``dimension``, ``items``, ``n``, ``alpha``, ``ci_low``, ``ci_high``, ``weak``.
    """
    r = scored_responses(company)
    wave = r["wave"].max() if wave is None else pd.Timestamp(wave)
    r = r[r["wave"] == wave]
    rows = []
    for dim, grp in survey_items(company).groupby("dimension", sort=False):
        rows.append({"dimension": dim, **asdict(cronbach_alpha(r[list(grp["item_id"])]))})
    out = pd.DataFrame(rows)
    out["weak"] = out["alpha"] < ALPHA_FLAG
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


def key_drivers(company: Company, *, outcome: str = "enps", wave=None) -> pd.DataFrame:
    """Which items go with the outcome most strongly, in one wave (default: the latest).

    For each item: Spearman's rank correlation with the outcome (pairwise complete answers) and the
    standardised coefficient of a least-squares regression of the outcome on all items (complete
    rows, every variable z-scored; statsmodels OLS). With ``outcome="belonging_index"`` each item is
    compared with the index of the *other* items, so it is not correlated with itself. Impact =
    |Spearman|. Quadrants split at the medians: ``priority`` (below-median favourable, above-median
    impact), ``strength`` (above both), ``maintain`` (high score, low impact), ``monitor`` (low both).

    Returns
    -------
    DataFrame
        Columns: ``item_id``, ``text``, ``dimension``, ``n``, ``favourable_pct``, ``spearman``,
        ``p_value``, ``beta``, ``quadrant``. Empty when the wave has fewer than
        `MIN_DRIVER_RESPONSES` responses with an outcome.
    """
    from scipy.stats import spearmanr
    from statsmodels.regression.linear_model import OLS
    from statsmodels.tools.tools import add_constant

    if outcome not in ("enps", "belonging_index"):
        raise ValueError(f"outcome must be 'enps' or 'belonging_index'; got: {outcome!r}")
    r = scored_responses(company)
    wave = r["wave"].max() if wave is None else pd.Timestamp(wave)
    r = r[r["wave"] == wave]
    items = survey_items(company)
    cols = ["item_id", "text", "dimension", "n", "favourable_pct", "spearman", "p_value", "beta", "quadrant"]
    y_all = r["enps"].astype("float64") if outcome == "enps" else r["belonging_index"]
    if y_all.notna().sum() < MIN_DRIVER_RESPONSES:
        return pd.DataFrame(columns=cols)
    rows = []
    for it in items.itertuples():
        if outcome == "enps":
            y = y_all
        else:  # rest score: the index of the other items of the survey
            others = items[items["item_id"] != it.item_id]
            norm = pd.DataFrame({o.item_id: (r[o.item_id] - 1) / (o.scale_max - 1) * 100 for o in others.itertuples()})
            y = pd.DataFrame({d: norm[list(g["item_id"])].mean(axis=1) for d, g in others.groupby("dimension")}).mean(axis=1)
        pair = pd.DataFrame({"x": r[it.item_id], "y": y}).dropna()
        rho, p = spearmanr(pair["x"], pair["y"]) if len(pair) > 2 and pair["x"].nunique() > 1 else (np.nan, np.nan)
        rows.append({"item_id": it.item_id, "text": it.text, "dimension": it.dimension, "n": len(pair),
                     "favourable_pct": r[f"fav__{it.item_id}"].dropna().astype(float).mean() * 100,
                     "spearman": float(rho), "p_value": float(p)})
    out = pd.DataFrame(rows)
    data = pd.concat([r[list(items["item_id"])], y_all.rename("__y")], axis=1).dropna()
    z = (data - data.mean()) / data.std(ddof=1)
    z = z.loc[:, z.notna().all()]
    if "__y" in z and len(z) > z.shape[1] + 1:
        fit = OLS(z["__y"], add_constant(z.drop(columns="__y"))).fit()
        out["beta"] = out["item_id"].map(fit.params)
    else:
        out["beta"] = np.nan
    impact = out["spearman"].abs()
    hi_imp, hi_fav = impact >= impact.median(), out["favourable_pct"] >= out["favourable_pct"].median()
    out["quadrant"] = np.select([~hi_fav & hi_imp, hi_fav & hi_imp, hi_fav & ~hi_imp], ["priority", "strength", "maintain"], "monitor")
    return out[cols]


def dimension_trends(company: Company) -> pd.DataFrame:
    """Change of every measure from the previous wave to the latest, with a significance test.

    Welch's t-test on respondents' scores (dimension and index scores 0-100; for eNPS each answer
    scored +100 promoter, 0 passive, -100 detractor, whose mean is the eNPS). Waves are independent
    samples: anonymous answers are never linked across waves. Company level only; a wave with
    fewer than min_group_size answers to a measure is not compared.

    Returns
    -------
    DataFrame
        Columns: ``measure``, ``previous``, ``latest``, ``change``, ``p_value``, ``significant``
        (p < 0.05). Empty with fewer than two waves.
    """
    from scipy.stats import ttest_ind

    r = scored_responses(company)
    waves = sorted(r["wave"].unique())
    cols = ["measure", "previous", "latest", "change", "p_value", "significant"]
    if len(waves) < 2:
        return pd.DataFrame(columns=cols)
    a, b = r[r["wave"] == waves[-2]], r[r["wave"] == waves[-1]]
    e = lambda s: np.select([s >= PROMOTER_MIN, s <= DETRACTOR_MAX], [100.0, -100.0], 0.0)  # noqa: E731
    series = {"belonging_index": lambda d: d["belonging_index"]}
    series |= {dim: (lambda d, c=f"dim__{dim}": d[c]) for dim in survey_items(company)["dimension"].unique()}
    series["enps"] = lambda d: pd.Series(e(d["enps"].dropna().astype(float).to_numpy()))
    rows = []
    k = company.settings.min_group_size
    for name, get in series.items():
        x, y = get(a).dropna(), get(b).dropna()
        if privacy.too_few(min(len(x), len(y)), k):
            continue
        p = ttest_ind(x, y, equal_var=False).pvalue if x.std() > 0 or y.std() > 0 else np.nan
        rows.append({"measure": name, "previous": x.mean(), "latest": y.mean(), "change": y.mean() - x.mean(),
                     "p_value": float(p), "significant": bool(p < 0.05) if not np.isnan(p) else False})
    return pd.DataFrame(rows, columns=cols)


def team_alerts(company: Company) -> pd.DataFrame:
    """Teams whose favourable share in the latest wave falls below control limits.

    Two Shewhart p-chart tests (3 standard errors) on the share of favourable answers over all
    items: against the company in the same wave (p-bar +- 3 sqrt(p-bar (1 - p-bar) / n_team)), and
    against the team's own earlier waves. Only teams shown in the latest wave (at or above
    min_group_size and not hidden as a complement) are tested.

    Returns
    -------
    DataFrame
        Columns: ``team``, ``n`` (answers), ``favourable_pct``, ``company_pct``, ``company_lower``,
        ``history_pct``, ``history_lower``, ``below_company``, ``below_own_history``.
    """
    r = scored_responses(company)
    fav_cols = [c for c in r.columns if c.startswith("fav__")]
    waves = sorted(r["wave"].unique())
    latest = waves[-1]
    visible = survey_results(company, by="team")
    visible = visible[(visible["wave"] == latest) & (visible["measure"] == "belonging_index") & ~visible["hidden"]]["team"]
    counts = r.assign(fav=r[fav_cols].astype("float64").sum(axis=1), ans=r[fav_cols].notna().sum(axis=1))
    per = counts.groupby(["wave", "team"])[["fav", "ans"]].sum()
    comp = counts.groupby("wave")[["fav", "ans"]].sum()
    rows = []
    for team in visible:
        fav, n = per.loc[(latest, team)]
        p = fav / n
        pc = comp.loc[latest, "fav"] / comp.loc[latest, "ans"]
        lower_c = pc - CONTROL_SIGMAS * np.sqrt(pc * (1 - pc) / n)
        hist = per.loc[[(w, team) for w in waves[:-1] if (w, team) in per.index]]
        ph = hist["fav"].sum() / hist["ans"].sum() if len(hist) and hist["ans"].sum() else np.nan
        lower_h = ph - CONTROL_SIGMAS * np.sqrt(ph * (1 - ph) / n) if not np.isnan(ph) else np.nan
        rows.append({"team": team, "n": int(n), "favourable_pct": p * 100, "company_pct": pc * 100, "company_lower": lower_c * 100,
                     "history_pct": ph * 100, "history_lower": lower_h * 100, "below_company": bool(p < lower_c),
                     "below_own_history": bool(p < lower_h) if not np.isnan(lower_h) else False})
    return pd.DataFrame(rows, columns=["team", "n", "favourable_pct", "company_pct", "company_lower", "history_pct",
                                       "history_lower", "below_company", "below_own_history"])


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
    complement rule); no demographics are ever attached. Employee names are replaced with
    ``[name]``. Nothing is shown when the wave itself has fewer respondents than min_group_size.

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
    res = survey_results(company, by="team")
    shown = set(res[(res["wave"] == wave) & (res["measure"] == "belonging_index") & ~res["hidden"]]["team"])
    c = r[r["comment"].notna() & (r["comment"].str.strip() != "")]
    names = privacy.name_words(company.employees["name"].dropna()) if "name" in company.employees else frozenset()
    out = pd.DataFrame({"team": np.where(c["team"].isin(shown), c["team"], "other teams"),
                        "comment": [privacy.scrub_names(t, names) for t in c["comment"]]})
    if len(out) > limit:
        out = out.sample(n=limit, random_state=seed)
    return out.sort_values("team", kind="stable").reset_index(drop=True).astype({"team": "str", "comment": "str"})


def belonging_decisions(company: Company, *, retention: pd.DataFrame | None = None) -> pd.DataFrame:
    """Actions from notebook 05, most urgent first.

    Rules: a team below control limits (against the company or its own history) -> talk with the
    team (high); a priority driver (low score, high impact) -> act on it company-wide (high for the
    first, then medium); a significant drop of a measure since the previous wave -> find out why
    (medium); a dimension with weak reliability -> review its questions (low); a response rate
    under 60% -> explain how results are used and protected (medium). ``retention`` adds the
    decisions of `smbkit.retention.retention_findings`; without a survey only they are shown.

    Returns
    -------
    DataFrame
        A `smbkit.decisions.decisions_table`.
    """
    rows = [] if retention is None else list(retention[list(DECISION_COLUMNS)].itertuples(index=False, name=None))
    if not company.has("survey_items", "survey_responses"):
        return decisions_table(rows)
    for t in team_alerts(company).itertuples():
        if t.below_company or t.below_own_history:
            versus = "the company" if t.below_company else "its own earlier waves"
            rows.append(("high", f"Talk with {t.team} about what has changed",
                         f"{t.favourable_pct:.0f}% favourable, below the control limit against {versus}"))
    drivers = key_drivers(company)
    for k, d in enumerate(drivers[drivers["quadrant"] == "priority"].sort_values("spearman", key=abs, ascending=False).itertuples()):
        rows.append(("high" if k == 0 else "medium", f"Act on '{d.text}'",
                     f"only {d.favourable_pct:.0f}% favourable, and it goes with eNPS more than most items (rho {d.spearman:.2f})"))
    for t in dimension_trends(company).itertuples():
        if t.significant and t.change < 0:
            rows.append(("medium", f"Find out why {t.measure.replace('_', ' ')} fell", f"down {-t.change:.1f} points since the previous wave (p = {t.p_value:.3f})"))
    for rel in reliability(company).itertuples():
        if rel.weak:
            rows.append(("low", f"Review the questions on {rel.dimension.replace('_', ' ')}",
                         f"Cronbach's alpha {rel.alpha:.2f} is under {ALPHA_FLAG}: the items may not measure one thing"))
    s = wave_summary(company)
    last = s.iloc[-1]
    if last["response_rate_pct"] < 60:
        rows.append(("medium", "Explain how survey results are used and protected",
                     f"only {last['response_rate_pct']:.0f}% answered the latest wave"))
    return decisions_table(rows)


# ---------------------------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------------------------


def wave_takeaway(summary: pd.DataFrame, signals: pd.DataFrame | None = None) -> str:
    """Sentence for `wave_summary` (and `hr_signals`)."""
    shown = summary[~summary["hidden"]]
    if shown.empty:
        return "No wave has enough responses to show results without exposing individuals."
    last = shown.iloc[-1]
    text = (f"In the latest wave ({last['wave'].date()}) {int(last['responses'])} of {int(last['headcount'])} people answered "
            f"({last['response_rate_pct']:.0f}%). The Belonging Index is {last['belonging_index']:.0f} out of 100 and eNPS is {last['enps']:+.0f}.")
    if len(shown) > 1:
        first = shown.iloc[0]
        text += f" Since {first['wave'].date()} the index has moved {last['belonging_index'] - first['belonging_index']:+.1f} points."
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
            f"{'have' if len(weak) > 1 else 'has'} an alpha under {ALPHA_FLAG}: read {'their' if len(weak) > 1 else 'its'} scores with care.")


def key_drivers_takeaway(drivers: pd.DataFrame, company: Company) -> str:
    """Sentence for `key_drivers`."""
    if drivers.empty:
        return (f"The latest wave has fewer than {MIN_DRIVER_RESPONSES} answers with an eNPS, too few to say which "
                "questions drive it; the section is skipped.")
    pr = drivers[drivers["quadrant"] == "priority"].sort_values("spearman", key=abs, ascending=False)
    top = drivers.loc[drivers["spearman"].abs().idxmax()]
    text = f"The question that goes most with eNPS is \"{top['text']}\" (Spearman {top['spearman']:.2f})."
    if len(pr):
        text += f" Priorities (low score, high impact): {', '.join(pr['item_id'])}."
    return text


def trends_takeaway(trends: pd.DataFrame) -> str:
    """Sentence for `dimension_trends`."""
    if trends.empty:
        return "There is only one wave, so no trend yet."
    sig = trends[trends["significant"]]
    if sig.empty:
        return "No measure changed by more than chance would explain since the previous wave."
    return "Since the previous wave: " + "; ".join(
        f"{r.measure.replace('_', ' ')} {'rose' if r.change > 0 else 'fell'} {abs(r.change):.1f} points" for r in sig.itertuples()) + "."


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
    return (f"{len(comments)} comments from the latest wave, chosen at random. A comment carries its team only where the team "
            "is large enough to stay anonymous; names are replaced with [name].")
