"""The belonging survey: answers scored, and results by group that keep small groups hidden.

Reverse-coded items are turned round, answers rescaled to 0-100, dimensions and the Belonging
Index formed per respondent; `survey_results` gives every measure per wave and group through
`smbkit.privacy`. Notebook 05 (`smbkit.belonging`, `smbkit.listening`) and the leaving models
(`smbkit.retention`) build on these.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import privacy
from .data import Company

__all__ = [
    "FAVORABLE_TOP_POINTS",
    "PROMOTER_MIN",
    "DETRACTOR_MAX",
    "survey_items",
    "scored_responses",
    "demographic_column",
    "enps",
    "survey_results",
    "results_table",
    "CronbachAlpha",
    "cronbach_alpha",
    "heatmap_takeaway",
]

# Favourable = the top two points of the scale ("top-two-box"), as engagement survey products report it.
FAVORABLE_TOP_POINTS = 2
# eNPS: promoters answer 9-10, detractors 0-6 (Reichheld, "The One Number You Need to Grow", 2003).
PROMOTER_MIN, DETRACTOR_MAX = 9, 6


def survey_items(company: Company) -> pd.DataFrame:
    """survey_items.csv with ``scale_max`` filled in (5 when blank); refused without a survey."""
    if company.survey_items is None or company.survey_responses is None:
        raise ValueError("this analysis needs survey_items.csv and survey_responses.csv, which this company folder does not have")
    items = company.survey_items.copy()
    items["scale_max"] = items["scale_max"].fillna(5).astype(int)
    return items


def scored_responses(company: Company, *, top_points: int = FAVORABLE_TOP_POINTS) -> pd.DataFrame:
    """Survey rows ready for analysis: consent=false rows dropped, reverse-coded items turned round.

    Each item answer x on a 1..m scale becomes, for a reverse-coded item, m + 1 - x. Added columns:
    ``fav__<item>`` (True when the answer is in the top ``top_points`` points, missing when blank),
    ``dim__<dimension>`` (the respondent's mean of that dimension's answers on 0-100:
    (x - 1) / (m - 1) x 100), ``belonging_index`` (mean of the respondent's dimension scores, each
    dimension weighted equally) and ``wave`` as a date. Respondent ids and employee ids are dropped:
    analyses never need them.
    """
    items = survey_items(company)
    r = company.survey_responses
    r = r[r["consent"].ne(False).fillna(True)].drop(columns=["respondent_id", "employee_id"]).reset_index(drop=True)
    out = r.copy()
    norm = {}
    for it in items.itertuples():
        x = r[it.item_id].astype("float64")
        if it.reverse_coded:
            x = it.scale_max + 1 - x
        out[it.item_id] = x
        out[f"fav__{it.item_id}"] = (x >= it.scale_max - top_points + 1).where(x.notna())
        norm[it.item_id] = (x - 1) / (it.scale_max - 1) * 100
    for dim, grp in items.groupby("dimension", sort=False):
        out[f"dim__{dim}"] = pd.DataFrame({i: norm[i] for i in grp["item_id"]}).mean(axis=1)
    dims = [c for c in out.columns if c.startswith("dim__")]
    out["belonging_index"] = out[dims].mean(axis=1)
    return out


def demographic_column(company: Company, name: str = "") -> str | None:
    """The demo_* column of survey_responses.csv to break results down by: ``name`` if given
    (refused when the survey has no such column), else the first one, else ``None``."""
    r = company.survey_responses
    columns = [] if r is None else [c for c in r.columns if c.startswith("demo_")]
    if name:
        if name not in columns:
            raise ValueError(f"demographic must be one of the survey's demo_* columns {columns}; got: {name!r}")
        return name
    return columns[0] if columns else None


def enps(scores) -> float:
    """Employee Net Promoter Score: % promoters (9-10) - % detractors (0-6) of the answers given.

    Examples
    --------
    >>> enps([10, 9, 8, 7, 6, 0, None])
    0.0
    """
    s = pd.Series(scores, dtype="float64").dropna()
    if s.empty:
        return float("nan")
    return float(((s >= PROMOTER_MIN).mean() - (s <= DETRACTOR_MAX).mean()) * 100)


def _row_parts(r: pd.DataFrame, items: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Per-respondent pieces that add up to every measure of any group (so groups are a groupby-sum)."""
    parts = {"bi_n": r["belonging_index"].notna().astype(float), "bi_sum": r["belonging_index"].fillna(0.0)}
    fav_all, ans_all = 0.0, 0.0
    dims = list(dict.fromkeys(items["dimension"]))
    for dim in dims:
        ids = list(items.loc[items["dimension"] == dim, "item_id"])
        fav = r[[f"fav__{i}" for i in ids]].astype("float64")
        parts[f"{dim}_n"] = r[f"dim__{dim}"].notna().astype(float)
        parts[f"{dim}_sum"] = r[f"dim__{dim}"].fillna(0.0)
        parts[f"{dim}_fav"] = fav.sum(axis=1)
        parts[f"{dim}_ans"] = fav.notna().sum(axis=1).astype(float)
        fav_all = fav_all + parts[f"{dim}_fav"]
        ans_all = ans_all + parts[f"{dim}_ans"]
    parts["bi_fav"], parts["bi_ans"] = fav_all, ans_all
    e = r["enps"].astype("float64")
    parts["enps_n"] = e.notna().astype(float)
    parts["enps_pro"] = (e >= PROMOTER_MIN).astype(float)
    parts["enps_det"] = (e <= DETRACTOR_MAX).astype(float)
    return pd.DataFrame(parts), dims


# What a hidden pool adds up to, which the shown rows and the published total give away (`privacy.Amount`):
# favourable answers and promoters / detractors (whole counts: at least one of doubt) and the total of
# respondents' scores (at least 10 points a person on the 0-100 scale, as for a shown mean's rounding).
SURVEY_AMOUNTS = (privacy.Amount("_fav", cap="_ans"), privacy.Amount("_pro", cap="n"), privacy.Amount("_det", cap="n"),
                  privacy.Amount("_total", cap="_cap", width=0.0, per_person=10.0), privacy.Amount("n", floor="_listed"))
AMOUNT_COLUMNS = ["_total", "_fav", "_ans", "_pro", "_det", "_cap", "_listed"]


def _measures_from_sums(sums: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    """Long table of measures from the group sums of `_row_parts` (one row per group and measure)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        # the additive amounts behind each figure (underscored; `survey_results` protects and drops them)
        def amounts(total, fav, ans, pro=0.0, det=0.0):
            return {"_total": total, "_fav": fav, "_ans": ans, "_pro": pro, "_det": det}

        frames = [pd.DataFrame({"measure": "belonging_index", "n": sums["bi_n"], "score": sums["bi_sum"] / sums["bi_n"],
                                "favourable_pct": sums["bi_fav"] / sums["bi_ans"] * 100,
                                **amounts(sums["bi_sum"], sums["bi_fav"], sums["bi_ans"])})]
        for dim in dims:
            frames.append(pd.DataFrame({"measure": dim, "n": sums[f"{dim}_n"], "score": sums[f"{dim}_sum"] / sums[f"{dim}_n"],
                                        "favourable_pct": sums[f"{dim}_fav"] / sums[f"{dim}_ans"] * 100,
                                        **amounts(sums[f"{dim}_sum"], sums[f"{dim}_fav"], sums[f"{dim}_ans"])}))
        frames.append(pd.DataFrame({"measure": "enps", "n": sums["enps_n"],
                                    "score": (sums["enps_pro"] - sums["enps_det"]) / sums["enps_n"] * 100,
                                    "favourable_pct": sums["enps_pro"] / sums["enps_n"] * 100,
                                    **amounts(0.0, 0.0, 0.0, sums["enps_pro"], sums["enps_det"])}))
    out = pd.concat(frames)
    out["_cap"] = out["n"] * 100.0  # a respondent's score is 0-100
    out["n"] = out["n"].astype(int)
    return out


def survey_results(company: Company, *, by: str | list[str] | None = None, top_points: int = FAVORABLE_TOP_POINTS) -> pd.DataFrame:
    """Belonging measures per wave (and per group), with small groups hidden.

    Measures: ``belonging_index`` (0-100; its favourable_pct pools every item), one row per
    dimension (mean score 0-100 and favourable %) and ``enps`` (-100..100; favourable_pct is the
    share of promoters). ``n`` counts the respondents who answered that measure.

    Privacy: each measure of each wave is one breakdown; groups under min_group_size are hidden and
    complemented (`privacy.suppress`); a group hidden in a wave's Belonging Index (its respondents) is
    hidden in every measure of that wave. Rare answers of a demo_* column that together reach
    min_group_size in a wave are one group named by all of them (`privacy.combine_rare`). With two ``by`` columns (e.g. team and a demo_* column) the
    crossed table is protected against both one-way tables (`privacy.suppress_crossed`). A group's
    Belonging Index, which pools its dimensions, is hidden wherever one of its dimensions is.

    Returns
    -------
    DataFrame
        Columns: ``wave``, the ``by`` columns (absent for the company as a whole), ``measure``,
        ``n``, ``score``, ``favourable_pct``, ``hidden``.
    """
    return _survey_results(company, [] if by is None else ([by] if isinstance(by, str) else list(by)), top_points)[0]


def _survey_results(company: Company, keys: list[str], top_points: int) -> tuple[pd.DataFrame, set]:
    """`survey_results` and the (wave, group) pairs hidden for their respondents (too few, or complements)."""
    if len(keys) > 2:
        raise ValueError(f"by takes at most two columns; got: {keys!r}")
    r = scored_responses(company, top_points=top_points)
    for k in keys:
        if k not in r.columns:
            raise ValueError(f"survey_responses.csv has no column {k!r}; group by team or one of its demo_* columns")
    items = survey_items(company)
    parts, dims = _row_parts(r, items)
    labels = r[["wave", *keys]].copy()
    for k in keys:
        labels[k] = labels[k].astype("object").where(labels[k].notna(), "not recorded")
        if k.startswith("demo_"):  # rare answers that are enough together are one group, not a reason to hide a large one
            labels[k] = privacy.combine_rare(labels[k], company.settings.min_group_size, within=labels["wave"])
    sums = parts.groupby([labels[c] for c in labels.columns], sort=True).sum()
    long = _measures_from_sums(sums, dims).reset_index()
    order = {m: i for i, m in enumerate(["belonging_index", *dims, "enps"])}
    out = long.sort_values([*["wave", *keys]], kind="stable")
    out = out.assign(_o=out["measure"].map(order)).sort_values(["wave", *keys, "_o"], kind="stable").drop(columns="_o")
    out = out[["wave", *keys, "measure", "n", "score", "favourable_pct", *(c for c in AMOUNT_COLUMNS if c != "_listed")]].reset_index(drop=True)
    for k in keys:
        out[k] = out[k].astype("str")
    k_min = company.settings.min_group_size
    # the least each listed group is known to hold: one respondent, or one for each cell the team x demographic
    # table lists for it (the respondents of a hidden pool must not be pinned by these floors)
    out["_listed"] = np.minimum(out["n"], 1)
    partner = None
    if len(keys) == 1 and keys[0] == "team":
        partner = demographic_column(company)
    elif len(keys) == 1 and keys[0].startswith("demo_"):
        partner = "team"
    if partner is not None and partner in r.columns:
        cells = (labels.assign(_p=r[partner].astype("object").where(r[partner].notna(), "not recorded"))
                 .groupby(["wave", keys[0]])["_p"].nunique())
        listed = pd.Series([cells.get((w, g), 1) for w, g in zip(out["wave"], out[keys[0]])], index=out.index)
        out["_listed"] = np.minimum(out["n"], listed)
    nested = _nested_differences(r, parts, dims, labels, keys, partner, k_min) if partner in r.columns else None
    if len(keys) < 2:
        protect = lambda t, force=None: privacy.suppress(t, count="n", by=keys, within=["wave", "measure"],  # noqa: E731
                                                          min_size=k_min, force=force, amounts=SURVEY_AMOUNTS)
    else:
        margins = [_survey_results(company, [k], top_points) for k in keys]

        def hidden_of(margin, col):
            table = margin[margin["hidden"]]
            sets = table.groupby(["wave", "measure"])[col].agg(set).to_dict()
            return lambda key: sets.get(key, set())

        def respondents_hidden(pairs):
            sets: dict = {}
            for wave, label in pairs:
                sets.setdefault(wave, set()).add(label)
            return lambda key: sets.get(key[0], set())

        def crossed(t, force, rows_hidden, cols_hidden):
            return privacy.suppress_crossed(t, count="n", rows=keys[0], cols=keys[1], within=["wave", "measure"],
                                            min_size=k_min, force=force, hidden_rows=rows_hidden, hidden_cols=cols_hidden,
                                            amounts=SURVEY_AMOUNTS)

        protect = lambda t, force=None: crossed(t, force, hidden_of(margins[0][0], keys[0]),  # noqa: E731
                                                 hidden_of(margins[1][0], keys[1]))
        # which cells are hidden for their respondents follows the margins' groups hidden for theirs (not
        # those whose index is hidden only because it pools a hidden dimension)
        by_respondents = lambda t: crossed(t, None, respondents_hidden(margins[0][1]),  # noqa: E731
                                           respondents_hidden(margins[1][1]))
    group = ["wave", *keys]
    index = (out["measure"] == "belonging_index").to_numpy()
    # A group shown with no more respondents than the crossed cells listed for it (each holds at least one) would
    # pin every one of those cells to exactly one respondent: such a group is hidden, whatever its size.
    by_listing = ((out["_listed"] >= 2) & (out["n"] <= out["_listed"])).to_numpy() if len(keys) == 1 else np.zeros(len(out), bool)
    # A group whose respondents all fall in one group of the other breakdown (a team of men only) beside it, which
    # has fewer than min_group_size more answers: the two figures' difference would describe those few. It is hidden.
    if nested:
        by_listing = by_listing | np.array([(w, g, m) in nested for w, g, m in zip(out["wave"], out[keys[0]], out["measure"])], dtype=bool)
    # A group hidden in a wave (its respondents, the index's n, too few or a complement) is hidden in every
    # measure of that wave: a dimension's shown n would otherwise bound the group's respondents from below and,
    # with the wave's total, pin a smaller hidden group beside it.
    if len(keys) < 2:
        bi = protect(out[index].reset_index(drop=True), force=by_listing[index] if by_listing.any() else None)
    else:
        bi = by_respondents(out[index].reset_index(drop=True))
    hidden_groups = set(bi.loc[bi["hidden"], group].apply(tuple, axis=1)) if bi["hidden"].any() else set()
    in_hidden = out[group].apply(tuple, axis=1).isin(hidden_groups).to_numpy() if hidden_groups else np.zeros(len(out), bool)
    shown = protect(out, force=(in_hidden | by_listing) if (in_hidden | by_listing).any() else None)
    # The index and its favourable share pool every dimension: where one of a group's dimensions is hidden, the
    # index minus the shown dimensions would give it, so the group's index is hidden too (with its complements).
    dim_hidden = shown[shown["measure"].isin(dims)].groupby(group, sort=False)["hidden"].any()
    at = shown.loc[index, group]
    # (one key: the company as a whole by wave; a one-key groupby has a plain index, not tuples)
    at = pd.MultiIndex.from_frame(at) if len(group) > 1 else pd.Index(at[group[0]])
    pooled_hidden = dim_hidden.reindex(at).fillna(False).to_numpy(dtype=bool)
    if (pooled_hidden & ~shown.loc[index, "hidden"].to_numpy()).any():
        redone = protect(out[index].reset_index(drop=True), force=pooled_hidden | shown.loc[index, "hidden"].to_numpy())
        redone.index = shown.index[index]
        shown = pd.concat([shown[~index], redone]).sort_index()
    return shown.drop(columns=AMOUNT_COLUMNS), hidden_groups


def _nested_differences(r: pd.DataFrame, parts: pd.DataFrame, dims: list[str], labels: pd.DataFrame, keys: list[str],
                        partner: str | None, k_min: int) -> set:
    """(wave, group, measure) of the one-way table by ``keys[0]`` whose respondents all fall in one group of the
    ``partner`` breakdown that has 1 to min_group_size - 1 more answers to that measure: published side by side,
    the two figures would give those few people's figure by subtraction."""
    if partner is None or len(keys) != 1:
        return set()
    p = r[partner].astype("object").where(r[partner].notna(), "not recorded")
    if partner.startswith("demo_"):
        p = privacy.combine_rare(p, k_min, within=labels["wave"])
    p = p.rename("_partner")
    per_cell = _measures_from_sums(parts.groupby([labels["wave"], labels[keys[0]].rename("_g"), p], sort=True).sum(), dims).reset_index()
    answered = per_cell[per_cell["n"] > 0]  # nesting is per measure: who answered it (a skipped question is no answer)
    homes = answered.groupby(["wave", "_g", "measure"])["_partner"].agg(set)
    own = answered.groupby(["wave", "_g", "measure"])["n"].sum()
    theirs = answered.groupby(["wave", "_partner", "measure"])["n"].sum()
    found = set()
    for (wave, g, measure), home in homes.items():
        if len(home) != 1:
            continue
        more = theirs.get((wave, next(iter(home)), measure), 0) - own[(wave, g, measure)]
        if more > 0 and privacy.too_few(more, k_min):
            found.add((wave, g, measure))
    return found


def results_table(results: pd.DataFrame, by: str | list[str], *, wave=None) -> pd.DataFrame:
    """`survey_results` of one wave (default: the latest) as one row per group and one column per measure.

    Returns
    -------
    DataFrame
        Columns: the ``by`` column(s), ``n`` (respondents with a Belonging Index), ``belonging_index``,
        the dimensions, ``enps`` and ``hidden`` (true when any of the row's figures is hidden; hidden
        figures are blank).
    """
    keys = [by] if isinstance(by, str) else list(by)
    wave = results["wave"].max() if wave is None else pd.Timestamp(wave)
    r = results[results["wave"] == wave]
    measures = list(dict.fromkeys(r["measure"]))
    wide = r.pivot_table(index=keys, columns="measure", values="score", aggfunc="first", dropna=False, sort=False)
    wide = wide.reindex(columns=measures)
    n = r[r["measure"] == "belonging_index"].set_index(keys)["n"]
    hidden = r.groupby(keys, sort=False)["hidden"].any()
    out = wide.assign(n=n, hidden=hidden).reset_index()
    out.columns.name = None
    out = out[[*keys, "n", *measures, "hidden"]]
    # one row per group: a group with any figure hidden shows none (the long table keeps each measure's own rule)
    out.loc[out["hidden"].to_numpy(dtype=bool), ["n", *measures]] = np.nan
    return out


@dataclass(frozen=True)
class CronbachAlpha:
    """Cronbach's alpha of a set of items with its confidence interval (see `cronbach_alpha`)."""

    items: int
    n: int
    alpha: float = np.nan
    ci_low: float = np.nan
    ci_high: float = np.nan


def cronbach_alpha(answers: pd.DataFrame, *, confidence: float = 0.95) -> CronbachAlpha:
    """Cronbach's alpha of a set of items, with Feldt's confidence interval.

    alpha = k / (k - 1) x (1 - sum of item variances / variance of the total), on complete rows
    (Cronbach, 1951). The interval follows Feldt, Woodruff & Salih (1987):
    1 - (1 - alpha) x F(1 - g/2; n - 1, (n - 1)(k - 1)) to 1 - (1 - alpha) x F(g/2; ...), g = 1 - confidence.

    Returns
    -------
    CronbachAlpha
        ``items``, ``n`` (complete rows), ``alpha``, ``ci_low``, ``ci_high``; NaN where there are
        fewer than 2 items or 3 rows.
    """
    from scipy.stats import f

    data = answers.dropna().astype("float64")
    n, k = data.shape
    if k < 2 or n < 3:
        return CronbachAlpha(k, n)
    total_var = data.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return CronbachAlpha(k, n)
    alpha = k / (k - 1) * (1 - data.var(ddof=1).sum() / total_var)
    g = 1 - confidence
    df1, df2 = n - 1, (n - 1) * (k - 1)
    return CronbachAlpha(k, n, float(alpha), float(1 - (1 - alpha) * f.ppf(1 - g / 2, df1, df2)),
                         float(1 - (1 - alpha) * f.ppf(g / 2, df1, df2)))


def heatmap_takeaway(results: pd.DataFrame, by: str) -> str:
    """Sentence for a heatmap of `survey_results` by a group column (latest wave, Belonging Index)."""
    latest = results[results["wave"] == results["wave"].max()]
    bi = latest[latest["measure"] == "belonging_index"]
    shown = bi[~bi["hidden"]]
    hidden = int(bi["hidden"].sum())
    label = by.removeprefix("demo_").replace("_", " ")
    if shown.empty:
        return f"No {label} group is large enough to show on its own."
    lo, hi = shown.loc[shown["score"].idxmin()], shown.loc[shown["score"].idxmax()]
    if len(shown) == 1:
        text = f"By {label}, only {lo[by]} is large enough to show: Belonging Index {lo['score']:.0f}."
    else:
        text = f"By {label}, the Belonging Index runs from {lo['score']:.0f} ({lo[by]}) to {hi['score']:.0f} ({hi[by]})."
    if hidden:
        text += f" {hidden} group{'s are' if hidden > 1 else ' is'} hidden to protect small groups."
    return text
