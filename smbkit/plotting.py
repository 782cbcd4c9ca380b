"""Every smbkit chart. Each takes the table a domain function returned and ``ax=None``, and
returns the matplotlib Axes, so a notebook cell is one line and tests need no display.

One theme and the Okabe-Ito palette, which stays distinguishable for the common forms of colour
blindness (Okabe & Ito, "Color Universal Design", 2008).
"""

from __future__ import annotations

import matplotlib
import matplotlib.patches
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd

from .show import text_as_typed
from .workforce import NARROW_SPAN, WIDE_SPAN

__all__ = [
    "PALETTE",
    "headcount_chart",
    "tenure_chart",
    "span_chart",
    "skills_heatmap",
    "coverage_chart",
    "turnover_chart",
    "absence_chart",
    "representation_chart",
    "okr_chart",
    "scenario_chart",
    "forecast_chart",
    "belonging_trend_chart",
    "score_heatmap",
    "drivers_chart",
    "skill_gap_heatmap",
    "quadrant_chart",
    "sensitivity_heatmap",
    "hours_shift_chart",
    "mps_chart",
    "retention_chart",
    "profiles_chart",
]

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
MUTED = "#BBBBBB"
THEME = {
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titleweight": "bold",
    "axes.titlesize": 12,
    "axes.labelsize": 10,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "figure.dpi": 100,
    "font.size": 10,
}


def _axes(ax, size=(8, 4)):
    if ax is not None:
        return ax
    with plt.rc_context(THEME):
        _, ax = plt.subplots(figsize=size, layout="constrained")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


def _legend(ax, **kwargs):
    """The legend beside the plot, never over it: to the right of the axes, which the figure's
    constrained layout makes room for."""
    return ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, fontsize=8, **kwargs)


def _counts(axis):
    """Ticks on whole numbers only: an axis that counts people never shows 2.5 of them."""
    axis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))


def _groups(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of a grouped table without its ``All`` total row."""
    key = table.columns[0]
    return table[table[key] != "All"]


@text_as_typed
def headcount_chart(table: pd.DataFrame, *, ax=None):
    """Horizontal bars: FTE per group, labelled with its share of the total cost."""
    ax = _axes(ax, (8, 0.5 * len(table) + 1.5))
    g = _groups(table).iloc[::-1]
    key = table.columns[0]
    bars = ax.barh(g[key].astype(str), g["fte"], color=PALETTE[0])
    for bar, share in zip(bars, g["cost_share_pct"]):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f"  {share:.0f}% of cost", va="center", fontsize=9)
    ax.set_xlabel("full-time equivalents (FTE)")
    ax.set_title(f"People by {key.replace('_', ' ')}")
    ax.set_xlim(0, g["fte"].max() * 1.35 if len(g) else 1)
    return ax


@text_as_typed
def tenure_chart(bands: pd.DataFrame, *, ax=None):
    """Bars: people per tenure band."""
    ax = _axes(ax, (7, 3.5))
    ax.bar(bands["tenure_band"], bands["headcount"], color=PALETTE[2])
    for x, (n, share) in enumerate(zip(bands["headcount"], bands["share_pct"])):
        ax.text(x, n, f"{share:.0f}%", ha="center", va="bottom", fontsize=9)
    ax.set_ylabel("people")
    _counts(ax.yaxis)
    ax.set_title("How long people have been here")
    return ax


SPAN_BARS = 40  # a chart of more managers is unreadable: the widest spans are drawn


@text_as_typed
def span_chart(spans: pd.DataFrame, *, ax=None):
    """Bars: direct reports per manager (the `SPAN_BARS` widest when there are more), with the range of McKinsey's manager archetypes shaded."""
    shown = spans if len(spans) <= SPAN_BARS else spans.sort_values("direct_reports", ascending=False, kind="stable").head(SPAN_BARS)
    ax = _axes(ax, (8, 0.45 * len(shown) + 1.5))
    s = shown.iloc[::-1]
    colors = [PALETTE[5] if f else PALETTE[0] for f in s["span_flag"]]
    # a span outside the usual range is striped as well as orange: the colour is not the only sign
    ax.barh([f"{m} ({r})" for m, r in zip(s["manager"], s["role"])], s["direct_reports"], color=colors,
            hatch=["///" if f else "" for f in s["span_flag"]], edgecolor="white")
    ax.axvspan(NARROW_SPAN, WIDE_SPAN, color=PALETTE[4], alpha=0.12, label=f"{NARROW_SPAN}-{WIDE_SPAN} reports: usual range")
    ax.set_xlabel("direct reports")
    _counts(ax.xaxis)
    ax.set_title("Span of control" + (f" (the {SPAN_BARS} widest of {len(spans)} managers)" if len(spans) > SPAN_BARS else "")
                 + "; orange, striped = outside the usual range")
    _legend(ax)
    return ax


def _heatmap(grid: pd.DataFrame, ax, *, cmap, vmin: float, vmax: float, labels=None, hidden=None, colorbar: str = "",
             ticks=None, ticklabels=None, linewidth: float = 1.0, small_rows: bool = False):
    """One heatmap style for every grid (seaborn's, which picks a readable text colour on each cell).

    ``labels`` are the cell texts (blank for none); ``hidden`` cells are drawn hatched and say
    "hidden", never a value; missing cells stay blank.
    """
    import seaborn as sns

    values = grid.to_numpy(dtype=float)
    hidden = np.zeros(values.shape, dtype=bool) if hidden is None else np.asarray(hidden, dtype=bool)
    cbar = {"fraction": 0.04, "label": colorbar} | ({"ticks": ticks} if ticks is not None else {})
    sns.heatmap(grid.astype(float), ax=ax, cmap=cmap, vmin=vmin, vmax=vmax, mask=np.isnan(values) | hidden,
                annot=np.asarray(labels, dtype=object) if labels is not None else False, fmt="", linewidths=linewidth,
                linecolor="white", cbar_kws=cbar, xticklabels=True, yticklabels=True, annot_kws={"fontsize": 8})
    for i, j in zip(*np.nonzero(hidden)):
        ax.add_patch(matplotlib.patches.Rectangle((j, i), 1, 1, facecolor="#eeeeee", hatch="///", edgecolor="#bbbbbb", lw=0))
        ax.text(j + 0.5, i + 0.5, "hidden", ha="center", va="center", fontsize=8, color="#555555")
    if ticklabels is not None:
        ax.collections[0].colorbar.set_ticklabels(ticklabels)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(length=0)
    if small_rows:
        ax.tick_params(axis="y", labelsize=7)
    return ax


@text_as_typed
def skills_heatmap(matrix: pd.DataFrame, *, ax=None):
    """Heatmap of proficiency (0 none to 4 expert) by person or group and skill."""
    ax = _axes(ax, (max(6, 0.45 * matrix.shape[1] + 3), max(3, 0.22 * matrix.shape[0] + 1.5)))
    _heatmap(matrix, ax, cmap=matplotlib.colormaps["cividis"].resampled(5), vmin=-0.5, vmax=4.5, linewidth=0.3,
             ticks=[0, 1, 2, 3, 4], ticklabels=["0 none", "1 basic", "2 working", "3 advanced", "4 expert"],
             small_rows=matrix.shape[0] > 30)
    ax.tick_params(axis="x", rotation=90)
    ax.set_title("Skills matrix")
    return ax


@text_as_typed
def coverage_chart(coverage: pd.DataFrame, *, ax=None):
    """Bars: people at advanced level per skill; single points of failure and uncovered critical skills stand out."""
    ax = _axes(ax, (8, 0.32 * len(coverage) + 1.5))
    c = coverage.sort_values("people_at_level").reset_index(drop=True)
    colors = np.where(c["single_point_of_failure"], PALETTE[5], np.where(c["people_at_level"] == 0, PALETTE[3], PALETTE[0]))
    labels = [f"{s} *" if crit else s for s, crit in zip(c["skill"], c["critical"])]
    # colour and pattern both carry "one person only", for readers who cannot tell the colours apart
    ax.barh(labels, c["people_at_level"], color=colors, hatch=["///" if f else "" for f in c["single_point_of_failure"]],
            edgecolor="white")
    ax.barh(labels, c["people_one_below"], left=c["people_at_level"], color=MUTED, label="one level below (could be trained)")
    ax.set_xlabel("people at advanced level or above")
    _counts(ax.xaxis)
    ax.set_title("Skill coverage (* = critical for a role; orange, striped = one person only)")
    _legend(ax)
    return ax


@text_as_typed
def turnover_chart(by_team: pd.DataFrame, *, ax=None):
    """Stacked bars: yearly turnover rate per team, split into voluntary and other exits."""
    ax = _axes(ax, (8, 0.5 * len(by_team) + 1.5))
    key = by_team.columns[0]
    t = by_team.iloc[::-1]
    vol = t["voluntary_rate_pct"]
    rest = t["rate_pct"] - vol
    names = t[key].astype(str)
    ax.barh(names, vol, color=PALETTE[5], label="chose to leave")
    ax.barh(names, rest, left=vol, color=PALETTE[0], label="dismissed, retired or other")
    ax.set_xlabel("leavers as % of average headcount, last 12 months")
    ax.set_title("Turnover")
    _legend(ax)
    return ax


@text_as_typed
def absence_chart(by_team: pd.DataFrame, *, ax=None):
    """Bars: absence rate per team; hidden (small) teams drawn as a labelled gap."""
    ax = _axes(ax, (8, 0.5 * len(by_team) + 1.5))
    key = by_team.columns[0]
    t = by_team.iloc[::-1].reset_index(drop=True)
    hidden = t["hidden"] if "hidden" in t else pd.Series(False, index=t.index)
    values = t["rate_pct"].fillna(0)
    colors = [PALETTE[7] if name == "All" else PALETTE[0] for name in t[key]]
    ax.barh(t[key].astype(str), values, color=colors)
    for y, h in enumerate(hidden):
        if h:
            ax.text(0, y, "  hidden: fewer than the minimum group size", va="center", fontsize=8, color="#555555")
    ax.set_xlabel("% of working days lost to absence, last 12 months")
    ax.set_title("Absence")
    return ax


@text_as_typed
def representation_chart(table: pd.DataFrame, *, ax=None):
    """Bars: share of people per demographic group; hidden groups labelled, never drawn."""
    ax = _axes(ax, (7, 0.4 * len(table) + 1.5))
    t = table.iloc[::-1].reset_index(drop=True)
    labels = [f"{c}: {g}" for c, g in zip(t["characteristic"], t["group"])]
    colors = [PALETTE[k % len(PALETTE)] for k in pd.factorize(t["characteristic"])[0]]
    ax.barh(labels, t["share_pct"].astype("float64").fillna(0), color=colors)
    for y, h in enumerate(t["hidden"]):
        if h:
            ax.text(0, y, "  hidden to protect small groups", va="center", fontsize=8, color="#555555")
    ax.set_xlabel("% of people")
    ax.set_title("Who works here")
    return ax


BAND_COLORS = {"green": PALETTE[2], "yellow": PALETTE[1], "red": PALETTE[5], "not scored": MUTED}


@text_as_typed
def okr_chart(tree: pd.DataFrame, *, ax=None):
    """Bars: score of every key result in tree order, coloured by band, with the band limits drawn."""
    from .goals import GREEN, YELLOW

    ax = _axes(ax, (9, 0.42 * len(tree) + 1.5))
    t = tree.iloc[::-1]
    labels = [f"{g}  {kr.strip()}"[:60] for g, kr in zip(t["goal_id"], t["tree"])]
    ax.barh(labels, t["score"].fillna(0), color=[BAND_COLORS[b] for b in t["band"]])
    for y, score in enumerate(t["score"]):
        ax.text(0 if pd.isna(score) else score, y, "  not scored" if pd.isna(score) else f" {score:.2f}", va="center", fontsize=8)
    for x in (YELLOW, GREEN):
        ax.axvline(x, color="#777777", lw=0.8, ls="--")
    ax.set_xlim(0, 1.1)
    ax.set_xlabel(f"score (red < {YELLOW}, yellow < {GREEN}, green from {GREEN})")
    ax.set_title("Key results: progress from baseline to target")
    return ax


@text_as_typed
def scenario_chart(table: pd.DataFrame, *, ax=None):
    """Grouped bars: FTE per role today and planned under each scenario (roles whose need changes)."""
    changing = table.groupby("role", sort=False)["change_fte"].apply(lambda s: (s.abs() > 1e-9).any())
    roles = [r for r in changing.index if changing[r]]
    t = table[table["role"].isin(roles)]
    scenarios = list(dict.fromkeys(t["scenario"]))
    ax = _axes(ax, (9, 0.55 * len(roles) * (len(scenarios) + 1) / 3 + 1.5))
    height = 0.8 / (len(scenarios) + 1)
    ypos = np.arange(len(roles))[::-1]
    current = t.drop_duplicates("role").set_index("role").loc[roles, "current_fte"]
    ax.barh(ypos + 0.4 - height / 2, current, height, color=MUTED, label="today")
    for k, name in enumerate(scenarios):
        s = t[t["scenario"] == name].set_index("role").loc[roles, "planned_fte"]
        ax.barh(ypos + 0.4 - height * (k + 1.5), s, height, color=PALETTE[k % len(PALETTE)], label=name)
    ax.set_yticks(ypos, roles)
    ax.set_xlabel("FTE at the horizon")
    ax.set_title("People each scenario needs, by role")
    _legend(ax)
    return ax


@text_as_typed
def forecast_chart(forecasts: dict, *, ax=None):
    """Lines: each driver's history and forecast, indexed to its last 12 months' monthly average = 100, with 80% bands."""
    ax = _axes(ax, (9, 4.5))
    for k, (name, f) in enumerate((n, f) for n, f in forecasts.items() if f is not None):
        color = PALETTE[k % len(PALETTE)]
        base = f.history.iloc[-12:].mean() / 100
        ax.plot(f.history.index, f.history / base, color=color, lw=1.5, label=name)  # the model is named in the folded table
        ax.plot(f.forecast["month"], f.forecast["mean"] / base, color=color, lw=1.5, ls="--")
        ax.fill_between(f.forecast["month"], f.forecast["lo80"] / base, f.forecast["hi80"] / base, color=color, alpha=0.15)
    ax.axhline(100, color="#999999", lw=0.8)
    ax.set_ylabel("index: last 12 months' average = 100")
    ax.set_title("Drivers: history, forecast (dashed) and 80% range")
    _legend(ax)
    return ax


@text_as_typed
def belonging_trend_chart(summary: pd.DataFrame, forecast: pd.DataFrame | None = None, *, ax=None):
    """Lines: Belonging Index and each dimension per wave; the next wave's forecast with its 80% and 95% ranges."""
    ax = _axes(ax, (9, 4.5))
    s = summary[~summary["hidden"]]
    skip = {"wave", "headcount", "responses", "response_rate_pct", "belonging_index", "enps", "favourable_pct", "hidden"}
    for k, dim in enumerate(c for c in s.columns if c not in skip):
        ax.plot(s["wave"], s[dim], color=PALETTE[(k + 1) % len(PALETTE)], lw=1, alpha=0.8, label=dim.replace("_", " "))
    ax.plot(s["wave"], s["belonging_index"], color=PALETTE[7], lw=2.5, marker="o", label="Belonging Index")
    if forecast is not None and len(forecast):
        f = forecast.iloc[0]
        ax.errorbar([f["wave"]], [f["mean"]], yerr=[[f["mean"] - f["lo95"]], [f["hi95"] - f["mean"]]], fmt="none", ecolor=MUTED, lw=6)
        ax.errorbar([f["wave"]], [f["mean"]], yerr=[[f["mean"] - f["lo80"]], [f["hi80"] - f["mean"]]], fmt="o", color=PALETTE[7],
                    ecolor=PALETTE[4], lw=3, label="next wave: forecast, 80% and 95% range")
    ax.set_ylabel("score (0-100)")
    ax.set_title("Belonging over the survey waves")
    _legend(ax)
    return ax


@text_as_typed
def score_heatmap(results: pd.DataFrame, by: str, *, wave=None, ax=None):
    """Heatmap: one wave's Belonging Index and dimension scores per group; hidden cells drawn hatched and labelled.

    ``wave`` is the survey wave to show (a date); default the latest in ``results``. The title names
    the wave shown, and says when it is the latest.
    """
    waves = pd.to_datetime(results["wave"])
    shown = waves.max() if wave is None else pd.Timestamp(wave)
    latest = results[(waves == shown) & (results["measure"] != "enps")]
    measures = list(dict.fromkeys(latest["measure"]))
    groups = list(dict.fromkeys(latest[by]))
    grid = latest.pivot_table(index=by, columns="measure", values="score", aggfunc="first", dropna=False).reindex(index=groups, columns=measures)
    hidden = latest.pivot_table(index=by, columns="measure", values="hidden", aggfunc="first").reindex(index=groups, columns=measures)
    ax = _axes(ax, (max(6, 1.3 * len(measures) + 3), 0.5 * len(groups) + 1.8))
    values = grid.to_numpy(dtype=float)
    labels = np.where(np.isnan(values), "", np.vectorize(lambda v: f"{v:.0f}")(np.nan_to_num(values)))
    _heatmap(grid.set_axis([m.replace("_", " ") for m in measures], axis=1), ax, cmap="cividis", vmin=0, vmax=100, labels=labels,
             hidden=hidden.fillna(False).to_numpy(dtype=bool), colorbar="score (0-100)")
    ax.tick_params(axis="x", rotation=20)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
    ax.tick_params(axis="y", rotation=0)
    which = "latest wave" if shown == waves.max() else "wave"
    ax.set_title(f"Belonging by {by.removeprefix('demo_').replace('_', ' ')}, {which} of {shown.date()}")
    return ax


@text_as_typed
def drivers_chart(drivers: pd.DataFrame, *, ax=None):
    """Scatter: each item's favourable share against its link with eNPS; the medians split priorities from strengths."""
    ax = _axes(ax, (8, 5))
    colors = {"priority": PALETTE[5], "strength": PALETTE[2], "maintain": PALETTE[0], "monitor": MUTED}
    impact = drivers["spearman"].abs()
    for q, grp in drivers.groupby("quadrant"):
        ax.scatter(grp["favourable_pct"], grp["spearman"].abs(), s=60, color=colors[q], label=q)
    for r, y in zip(drivers.itertuples(), impact):
        ax.annotate(r.item_id, (r.favourable_pct, y), textcoords="offset points", xytext=(5, 3), fontsize=8)
    ax.axvline(drivers["favourable_pct"].median(), color="#999999", lw=0.8, ls="--")
    ax.axhline(impact.median(), color="#999999", lw=0.8, ls="--")
    ax.set_xlabel("favourable answers (%)")
    ax.set_ylabel("link with eNPS (|Spearman|)")
    ax.set_title("Key drivers: fix the low-score, high-link questions first")
    _legend(ax)
    return ax


@text_as_typed
def skill_gap_heatmap(gaps: pd.DataFrame, *, ax=None):
    """Heatmap: people missing at the required level, by role and skill (blank where the role does not need the skill)."""
    grid = gaps.pivot_table(index="role", columns="skill", values="gap", aggfunc="sum")
    ax = _axes(ax, (max(6, 0.5 * grid.shape[1] + 3), 0.4 * grid.shape[0] + 2))
    values = grid.to_numpy(dtype=float)
    top = max(1.0, float(np.nanmax(values)) if np.isfinite(values).any() else 1.0)
    labels = np.where(np.nan_to_num(values) > 0, np.vectorize(lambda v: f"{v:.0f}")(np.nan_to_num(values)), "")
    _heatmap(grid, ax, cmap="Oranges", vmin=0, vmax=top, labels=labels, colorbar="people missing at the required level")
    ax.tick_params(axis="x", rotation=60)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
    ax.tick_params(axis="y", rotation=0)
    ax.set_title("Skill gaps by role")
    return ax


QUADRANT_COLOURS = {"automate": PALETTE[0], "augment": PALETTE[1], "keep human": PALETTE[5], "review": MUTED}


@text_as_typed
def quadrant_chart(scores: pd.DataFrame, *, cut: float = 50.0, ax=None):
    """Scatter of tasks: automation potential against human judgement, one colour per quadrant, task ids as labels."""
    ax = _axes(ax, (8, 6))
    for quadrant, colour in QUADRANT_COLOURS.items():
        part = scores[scores["quadrant"] == quadrant]
        if len(part):
            ax.scatter(part["potential"], part["human"], s=30 + 6 * part["hours_per_week"], color=colour, alpha=0.8,
                       edgecolor="white", label=f"{quadrant} ({len(part)})", marker="s" if quadrant == "augment" else "o")
    for r in scores.itertuples():
        ax.annotate(r.task_id, (r.potential, r.human), xytext=(4, 4), textcoords="offset points", fontsize=8)
    ax.axvline(cut, color=MUTED, lw=1)
    ax.axhline(cut, color=MUTED, lw=1)
    for x, y, text in ((97, 3, "automate"), (97, 97, "augment: person in the loop"), (3, 97, "keep human"), (3, 3, "review")):
        ax.text(x, y, text, ha="right" if x > 50 else "left", va="bottom" if y < 50 else "top", fontsize=9, color="#555555")
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.set_xlabel("automation potential (0-100)")
    ax.set_ylabel("human judgement needed (0-100)")
    _legend(ax, title="dot size = hours a week")
    ax.set_title("Which tasks to hand to tools")
    return ax


@text_as_typed
def sensitivity_heatmap(grid: pd.DataFrame, *, currency: str = "", ax=None):
    """Heatmap of the plan's NPV as the tools take more or less of the work and cost more or less."""
    ax = _axes(ax, (7, 4.5))
    values = grid.to_numpy(dtype=float)
    limit = float(np.nanmax(np.abs(values))) or 1.0
    labels = np.vectorize(lambda v: f"{v / 1000:,.0f}k")(values)
    shown = pd.DataFrame(values, index=[f"{f:.0%}" for f in grid.index], columns=[f"{c:.0%}" for c in grid.columns])
    _heatmap(shown, ax, cmap="PuOr", vmin=-limit, vmax=limit, labels=labels,
             colorbar=f"NPV over 3 years ({currency})".replace(" ()", ""))
    ax.invert_yaxis()  # the smallest share at the bottom, as on an axis
    ax.tick_params(axis="y", rotation=0)
    ax.set_xlabel("costs, as a share of the stated costs")
    ax.set_ylabel("work the tools take, as a share of the stated share")
    ax.set_title("How sure is the payoff?")
    return ax


@text_as_typed
def hours_shift_chart(table: pd.DataFrame, *, ax=None):
    """Stacked bars per role, before and after the plan: hours a week by kind of work."""
    roles = list(dict.fromkeys(table["role"]))
    cats = list(dict.fromkeys(table["category"]))
    ax = _axes(ax, (9, 0.8 * len(roles) + 1.8))
    colours = dict(zip(cats, [PALETTE[0], PALETTE[2], PALETTE[1], PALETTE[3], PALETTE[4], MUTED]))
    y = np.arange(len(roles)) * 2.6
    for offset, stage in ((0.0, "before"), (1.0, "after")):
        left = np.zeros(len(roles))
        wide = table.pivot_table(index="role", columns="category", values=stage, aggfunc="sum").reindex(index=roles, columns=cats).fillna(0)
        for c in cats:
            ax.barh(y + offset, wide[c].to_numpy(), left=left, height=0.9, color=colours[c], label=c if stage == "before" else None)
            left += wide[c].to_numpy()
    ax.set_yticks(np.concatenate([y, y + 1.0]), [f"{r} - before" for r in roles] + ["after" for _ in roles], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("hours a week (all of the role's people)")
    _legend(ax)
    ax.set_title("Where the hours go: work shifts, it does not vanish")
    return ax


@text_as_typed
def mps_chart(table: pd.DataFrame, *, ax=None):
    """Motivating potential per role before and after; estimates drawn hatched; hidden roles left out."""
    shown = table.dropna(subset=["mps"])
    roles = list(dict.fromkeys(shown["role"]))
    ax = _axes(ax, (8, 0.5 * len(roles) + 1.8))
    y = np.arange(len(roles))
    before = shown[shown["stage"] == "before"].set_index("role").reindex(roles)
    after = shown[shown["stage"] == "after"].set_index("role").reindex(roles)
    ax.barh(y - 0.2, before["mps"], height=0.4, color=PALETTE[4], label="today")
    estimate = after["source"].fillna("").str.startswith("estimate").to_numpy()
    ax.barh(y[~estimate] + 0.2, after["mps"][~estimate], height=0.4, color=PALETTE[0], label="after (rated, or no change planned)")
    ax.barh(y[estimate] + 0.2, after["mps"][estimate], height=0.4, color="white", edgecolor=PALETTE[0], hatch="///",
            label="after (estimate)")
    ax.set_yticks(y, roles)
    ax.invert_yaxis()
    ax.set_xlabel("motivating potential score (1-343)")
    _legend(ax)
    ax.set_title("How motivating each job is, before and after")
    return ax


@text_as_typed
def retention_chart(curves: pd.DataFrame, *, ax=None):
    """Kaplan-Meier step curves: share of people still employed by years of tenure, company and groups."""
    ax = _axes(ax, (8, 4.5))
    for k, (group, g) in enumerate(curves.groupby("group", sort=False)):
        company = group == "company"
        ax.step(g["time"], g["survival"], where="post", lw=2.6 if company else 1.4,
                color="black" if company else PALETTE[k % len(PALETTE)], label=f"{group} ({int(g['people'].iloc[0])} people)")
    ax.axhline(0.5, color=MUTED, lw=1, ls="--")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel("years since joining")
    ax.set_ylabel("still here (chose not to leave)")
    _legend(ax)
    ax.set_title("How long people stay")
    return ax


@text_as_typed
def profiles_chart(profiles: pd.DataFrame, *, ax=None):
    """Grouped bars: each belonging profile's mean score per dimension."""
    dims = [c for c in profiles.columns if c not in ("profile", "people", "share_pct", "description", "silhouette")]
    ax = _axes(ax, (8, 4))
    width = 0.8 / max(1, len(profiles))
    x = np.arange(len(dims))
    # by position, not attribute: a dimension may be called "team spirit", which no attribute can be
    for k, (label, people, scores) in enumerate(zip(profiles["profile"], profiles["people"], profiles[dims].to_numpy())):
        ax.bar(x + k * width, scores, width=width, color=PALETTE[k % len(PALETTE)], label=f"{label}: {people} people")
    ax.set_xticks(x + width * (len(profiles) - 1) / 2, [d.replace("_", " ") for d in dims])
    ax.set_ylim(0, 100)
    ax.set_ylabel("score (0-100)")
    _legend(ax)
    ax.set_title("Belonging profiles")
    return ax
