"""Every smbkit chart. Each takes the table a domain function returned and ``ax=None``, and
returns the matplotlib Axes, so a notebook cell is one line and tests need no display.

One theme and the Okabe-Ito palette, which stays distinguishable for the common forms of colour
blindness (Okabe & Ito, "Color Universal Design", 2008).
"""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

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
    "savefig.bbox": "tight",
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


def _groups(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of a grouped table without its ``All`` total row."""
    key = table.columns[0]
    return table[table[key] != "All"]


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


def tenure_chart(bands: pd.DataFrame, *, ax=None):
    """Bars: people per tenure band."""
    ax = _axes(ax, (7, 3.5))
    ax.bar(bands["tenure_band"], bands["headcount"], color=PALETTE[2])
    for x, (n, share) in enumerate(zip(bands["headcount"], bands["share_pct"])):
        ax.text(x, n, f"{share:.0f}%", ha="center", va="bottom", fontsize=9)
    ax.set_ylabel("people")
    ax.set_title("How long people have been here")
    return ax


def span_chart(spans: pd.DataFrame, *, ax=None):
    """Bars: direct reports per manager, with the range of McKinsey's manager archetypes shaded."""
    ax = _axes(ax, (8, 0.45 * len(spans) + 1.5))
    s = spans.iloc[::-1]
    colors = [PALETTE[5] if f else PALETTE[0] for f in s["span_flag"]]
    ax.barh([f"{m} ({r})" for m, r in zip(s["manager"], s["role"])], s["direct_reports"], color=colors)
    ax.axvspan(NARROW_SPAN, WIDE_SPAN, color=PALETTE[4], alpha=0.12, label=f"{NARROW_SPAN}-{WIDE_SPAN} reports: usual range")
    ax.set_xlabel("direct reports")
    ax.set_title("Span of control")
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    return ax


def skills_heatmap(matrix: pd.DataFrame, *, ax=None):
    """Heatmap of proficiency (0 none to 4 expert) by person or group and skill."""
    import seaborn as sns

    ax = _axes(ax, (max(6, 0.45 * matrix.shape[1] + 2), max(3, 0.22 * matrix.shape[0] + 1.5)))
    sns.heatmap(matrix, ax=ax, cmap="cividis", vmin=0, vmax=4, linewidths=0.3, linecolor="white",
                cbar_kws={"label": "proficiency (0 none - 4 expert)", "ticks": [0, 1, 2, 3, 4]},
                yticklabels=True, xticklabels=True)
    ax.set_title("Skills matrix")
    ax.set_xlabel("")
    ax.tick_params(axis="y", labelsize=7 if matrix.shape[0] > 30 else 9)
    return ax


def coverage_chart(coverage: pd.DataFrame, *, ax=None):
    """Bars: people at advanced level per skill; single points of failure and uncovered critical skills stand out."""
    ax = _axes(ax, (8, 0.32 * len(coverage) + 1.5))
    c = coverage.sort_values("people_at_level").reset_index(drop=True)
    colors = np.where(c["single_point_of_failure"], PALETTE[5], np.where(c["people_at_level"] == 0, PALETTE[3], PALETTE[0]))
    labels = [f"{s} *" if crit else s for s, crit in zip(c["skill"], c["critical"])]
    ax.barh(labels, c["people_at_level"], color=colors)
    ax.barh(labels, c["people_one_below"], left=c["people_at_level"], color=MUTED, label="one level below (could be trained)")
    ax.set_xlabel("people at advanced level or above")
    ax.set_title("Skill coverage (* = critical for a role; orange = one person only)")
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    return ax


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
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    return ax


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
