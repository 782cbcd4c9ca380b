"""The explorers: each starts from the notebook's parameters and recomputes what the notebook shows."""

import html

import pandas as pd

import smbkit
from smbkit import automation as A
from smbkit import redesign as R
from smbkit import widgets as W


def _takeaway(panel) -> str:
    import re

    return re.search(r"<p class='smbkit-takeaway'>(.*?)</p>", panel.value).group(1)


def test_demand_explorer_presets_and_custom(sample):
    from smbkit.widgets import demand_explorer

    box = demand_explorer(sample, scenario="growth")
    _, picker, _, grid, panel = box.children
    sliders = grid.children[::2]
    assert picker.value == "growth"
    assert {s.description: s.value for s in sliders}["Catering events"] == 60
    growth = panel.value
    picker.value = "downturn"
    assert {s.description: s.value for s in sliders}["Catering events"] == -10
    sliders[0].value = 40
    assert picker.value == "custom"
    assert panel.value != growth and "<img" in panel.value


def test_the_demand_sentence_names_the_scenario_the_drop_down_shows(sample):
    """The sentence used to say "Under the custom scenario" whatever the drop-down showed."""
    from smbkit.demand import demand_takeaway, role_demand
    from smbkit.widgets import demand_explorer

    box = demand_explorer(sample, scenario="moderate")
    _, picker, _, grid, panel = box.children
    every = role_demand(sample)
    for name in ("moderate", "growth", "downturn"):
        picker.value = name
        said = _takeaway(panel)
        assert said.startswith(f"Under the {name} scenario (") and "custom" not in said
        assert said == html.escape(demand_takeaway(every, name, sample))  # the notebook's own sentence for it
    grid.children[0].value = 40  # a slider moved: the sliders describe no scenario of the file any more
    assert picker.value == "custom" and _takeaway(panel).startswith("Under the custom scenario you need")
    picker.value = "growth"  # and back: the sliders take growth's values again
    assert _takeaway(panel).startswith("Under the growth scenario") and grid.children[0].value == 5


def test_demand_sliders_read_like_the_company_and_line_up(sample):
    from smbkit.widgets import CONTROL_WIDTH, LABEL_WIDTH, demand_explorer

    _, picker, heading, grid, _ = demand_explorer(sample).children
    sliders, units = grid.children[::2], grid.children[1::2]
    assert [s.description for s in sliders] == ["Store transactions", "Catering events", "Online orders", "Deliveries"]
    assert all("_" not in s.description for s in sliders)
    assert "today 210,000 transactions per year" in units[0].value and all("%" in u.value for u in units)
    assert "by 2027-09-30" in heading.value  # the horizon, stated once for all sliders
    # one label width for every control and a two-column grid: the sliders start and end together
    assert {s.style.description_width for s in [*sliders, picker]} == {LABEL_WIDTH}
    assert grid.layout.grid_template_columns == f"minmax(0, {CONTROL_WIDTH}) auto" and {s.layout.width for s in sliders} == {"100%"}


def test_plan_explorer_reworks_the_plan(sample):
    from smbkit.widgets import plan_explorer

    box = plan_explorer(sample, scenario="moderate")
    _, picker, prefer, panel = box.children
    assert picker.value == "moderate" and prefer.value == "people"
    before = panel.value
    picker.value = "growth"
    prefer.value = "cost"
    assert picker.options == ("growth", "moderate", "downturn")
    assert panel.value != before and "<table" in panel.value
    assert plan_explorer(sample, scenario="moderate", prefer="cost").children[2].value == "cost"  # the parameter's value
    assert [v for _, v in prefer.options] == list(smbkit.staffing.PREFERENCES)


def test_widget_recompute_matches_the_notebook_functions(sample):
    basis = W.automation_basis(sample)
    chosen = list(basis.default[:5])
    options, redist = W.automation_for(basis, chosen, 80)
    gh = smbkit.staffing.gap_hours(sample, smbkit.demand.likely_scenario(sample))
    again = A.evaluate_options(A.option_inputs(sample), sample, gap_hours=gh, share_factor=0.8, selected=chosen)
    pd.testing.assert_frame_equal(options, again)
    scores = A.task_scores(sample)
    pd.testing.assert_frame_equal(redist, R.redistribution(sample, again, scores, gh))
    assert set(redist["role"]) == set(options.loc[options["in_plan"], "role"])


def test_automation_explorer_starts_from_the_plan_and_responds(sample):
    box = W.automation_explorer(sample, exclude="A05")
    _, aligned, _, grid, panel = box.children
    share = aligned.children[0]
    boxes = {b.description.split()[0]: b for b in grid.children}
    plan = A.automation_options(sample, exclude="A05")
    assert {k for k, b in boxes.items() if b.value} == set(plan.loc[plan["in_plan"], "option_id"])
    assert share.value == 100 and "%" in aligned.children[1].value  # the unit beside the slider
    before = panel.value
    boxes["A05"].value = True  # observers run synchronously: a failing recompute would raise here
    share.value = 60
    assert panel.value != before and "<img" in panel.value and "Where the hours go" in panel.value


def test_belonging_explorer_switches_grouping_and_wave_and_keeps_small_groups_hidden(sample):
    from smbkit.survey import results_table, survey_results
    from smbkit.widgets import belonging_explorer

    box = belonging_explorer(sample, demographic="demo_age_band")
    _, by, wave, panel = box.children
    assert by.value == "demo_age_band" and wave.value == max(wave.options)[1]
    assert {"Team", "Age band", "Gender"} <= {label for label, _ in by.options}  # readable, not demo_age_band
    first = panel.value
    by.value = "team"
    assert panel.value != first and "By team" in panel.value and "<img" in panel.value
    oldest = wave.options[0][1]
    wave.value = oldest
    assert f"Survey wave of {oldest}" in panel.value
    expected = results_table(survey_results(sample, by="team"), "team", wave=pd.Timestamp(oldest))
    assert expected["hidden"].any()  # the sample has teams under the threshold ...
    assert panel.value.count('<td class="smbkit-hidden">hidden') == int(expected.drop(columns=["team", "hidden"]).isna().sum().sum())


def test_the_belonging_chart_title_names_the_wave_chosen(sample):
    """The chart used to say "latest wave" after an older wave was chosen."""
    from smbkit.widgets import belonging_explorer

    _, by, wave, panel = belonging_explorer(sample).children
    latest, oldest = wave.options[-1][1], wave.options[0][1]
    assert f"Chart: Belonging by team, latest wave of {latest}." in panel.value and wave.options[-1][0] == f"{latest} (latest)"
    wave.value = oldest
    assert f"Chart: Belonging by team, wave of {oldest}." in panel.value and "latest" not in panel.value.split("alt=")[1][:80]
