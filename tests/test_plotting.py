"""Every chart: drawn from the table its domain function returns, titled, on a given Axes, hiding what privacy hides."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import smbkit
from smbkit import plotting as P


@pytest.fixture(scope="module")
def charts(sample):
    """Every chart the notebooks draw, on the sample company."""
    c = sample
    opts = smbkit.automation.automation_options(c)
    scores = smbkit.automation.task_scores(c)
    redist = smbkit.redesign.redistribution(c, opts, scores, smbkit.staffing.gap_hours(c, "moderate"))
    retention = smbkit.retention.retention_curves(c)
    return {
        "headcount_chart": lambda: P.headcount_chart(smbkit.workforce.headcount(c)),
        "tenure_chart": lambda: P.tenure_chart(smbkit.workforce.tenure_bands(c)),
        "span_chart": lambda: P.span_chart(smbkit.workforce.span_of_control(c)),
        "skills_heatmap": lambda: P.skills_heatmap(smbkit.workforce.skills_matrix(c)),
        "coverage_chart": lambda: P.coverage_chart(smbkit.workforce.skill_coverage(c)),
        "turnover_chart": lambda: P.turnover_chart(smbkit.signals.turnover(c, by="team")),
        "absence_chart": lambda: P.absence_chart(smbkit.signals.absence_rate(c, by="team")),
        "representation_chart": lambda: P.representation_chart(smbkit.workforce.representation(c)),
        "okr_chart": lambda: P.okr_chart(smbkit.goals.okr_tree(c)),
        "scenario_chart": lambda: P.scenario_chart(smbkit.demand.role_demand(c)),
        "forecast_chart": lambda: P.forecast_chart(smbkit.demand.forecast_drivers(c)),
        "belonging_trend_chart": lambda: P.belonging_trend_chart(smbkit.belonging.wave_summary(c), smbkit.belonging.belonging_forecast(c)),
        "score_heatmap": lambda: P.score_heatmap(smbkit.survey.survey_results(c, by="team"), "team"),
        "drivers_chart": lambda: P.drivers_chart(smbkit.belonging.key_drivers(c)),
        "skill_gap_heatmap": lambda: P.skill_gap_heatmap(smbkit.gaps.skill_gaps(c)),
        "quadrant_chart": lambda: P.quadrant_chart(scores),
        "sensitivity_heatmap": lambda: P.sensitivity_heatmap(smbkit.automation.sensitivity(smbkit.automation.option_inputs(c), c, opts)),
        "hours_shift_chart": lambda: P.hours_shift_chart(smbkit.redesign.hours_by_category(redist)),
        "mps_chart": lambda: P.mps_chart(smbkit.redesign.motivating_potential(c, smbkit.redesign.job_redesign(c, redist))),
        "retention_chart": lambda: P.retention_chart(retention),
        "profiles_chart": lambda: P.profiles_chart(smbkit.listening.belonging_profiles(c)),
    }


def test_every_chart_is_covered_here(charts):
    assert set(charts) == {n for n in P.__all__ if n != "PALETTE"}


@pytest.mark.parametrize("name", [n for n in P.__all__ if n != "PALETTE"])
def test_every_chart_is_titled_and_returns_its_axes(charts, name):
    ax = charts[name]()
    try:
        assert isinstance(ax, plt.Axes) and ax.get_title(), name
        assert ax.has_data() or ax.collections or ax.patches, name
    finally:
        plt.close(ax.figure)


def test_a_chart_draws_on_the_axes_it_is_given(sample):
    fig, ax = plt.subplots()
    try:
        assert P.tenure_chart(smbkit.workforce.tenure_bands(sample), ax=ax) is ax
        assert len(fig.axes) == 1
    finally:
        plt.close(fig)


def test_a_hidden_cell_shows_the_word_hidden_and_never_its_number():
    results = pd.DataFrame({"wave": pd.Timestamp("2025-06-30"), "team": ["A", "A", "B", "B"],
                            "measure": ["belonging_index", "fairness"] * 2, "n": [9, 9, 3, 3],
                            "score": [61.0, 52.0, np.nan, np.nan], "favourable_pct": [50.0, 40.0, np.nan, np.nan],
                            "hidden": [False, False, True, True]})
    ax = P.score_heatmap(results, "team")
    try:
        texts = [t.get_text() for t in ax.texts]
        assert sorted(texts) == ["52", "61", "hidden", "hidden"]
    finally:
        plt.close(ax.figure)


def test_charts_use_the_colour_blind_safe_palette():
    # Okabe & Ito (2008): the eight colours of Color Universal Design
    assert P.PALETTE == ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def test_a_name_with_dollar_signs_is_drawn_as_typed_not_as_tex():
    from smbkit.show import chart_png

    table = pd.DataFrame({"team": ["$\\frac{1$", "B $5 and $10", "All"], "headcount": [3, 4, 7], "fte": [3.0, 4.0, 7.0],
                          "annual_cost": [1.0, 2.0, 3.0], "cost_share_pct": [33.0, 67.0, 100.0], "cost_per_fte": [1.0, 1.0, 1.0]})
    png, img = chart_png(P.headcount_chart(table))
    assert len(png) > 1000 and img.startswith('<img src="data:image/png;base64,')


def test_the_heatmap_shows_and_names_the_wave_asked_for(sample):
    results = smbkit.survey.survey_results(sample, by="team")
    waves = sorted(pd.to_datetime(results["wave"]).unique())
    ax = P.score_heatmap(results, "team")
    try:
        assert ax.get_title() == f"Belonging by team, latest wave of {waves[-1].date()}"
    finally:
        plt.close(ax.figure)
    ax = P.score_heatmap(results, "team", wave=waves[0])
    try:
        assert ax.get_title() == f"Belonging by team, wave of {waves[0].date()}"
        oldest = results[(pd.to_datetime(results["wave"]) == waves[0]) & (results["measure"] == "belonging_index") & ~results["hidden"]]
        shown = {t.get_text() for t in ax.texts}
        assert {f"{v:.0f}" for v in oldest["score"]} <= shown  # the oldest wave's numbers, not the latest's
    finally:
        plt.close(ax.figure)


@pytest.mark.parametrize("name", [n for n in P.__all__ if n != "PALETTE"])
def test_no_legend_covers_the_plot(charts, name):
    """A legend sits beside the plot area, never on it: its box, as drawn, does not overlap the axes' box."""
    ax = charts[name]()
    try:
        fig = ax.figure
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        legends = [a.get_legend() for a in fig.axes if a.get_legend() is not None]
        for legend in legends:
            box, area = legend.get_window_extent(renderer), ax.get_window_extent(renderer)
            overlap_w = min(box.x1, area.x1) - max(box.x0, area.x0)
            overlap_h = min(box.y1, area.y1) - max(box.y0, area.y0)
            assert overlap_w <= 1 or overlap_h <= 1, (name, box, area)
            assert box.x1 <= fig.bbox.x1 + 1 and box.y0 >= -1  # and it is on the figure, not cut off
    finally:
        plt.close(ax.figure)


@pytest.mark.parametrize("name, axis", [("tenure_chart", "y"), ("span_chart", "x"), ("coverage_chart", "x")])
def test_axes_that_count_people_show_whole_numbers(charts, name, axis):
    ax = charts[name]()
    try:
        ax.figure.canvas.draw()
        ticks = (ax.get_yticks() if axis == "y" else ax.get_xticks())
        lo, hi = (ax.get_ylim() if axis == "y" else ax.get_xlim())
        shown = [t for t in ticks if lo <= t <= hi]
        assert len(shown) >= 2 and all(float(t).is_integer() for t in shown), (name, ticks)
    finally:
        plt.close(ax.figure)
