"""The explorers: each starts from the notebook's parameters and recomputes what the notebook shows."""

import pandas as pd

import smbkit
from smbkit import automation as A
from smbkit import redesign as R
from smbkit import widgets as W


def test_demand_explorer_presets_and_custom(sample):
    from smbkit.widgets import demand_explorer

    box = demand_explorer(sample, scenario="growth")
    _, picker, *sliders, panel = box.children
    assert picker.value == "growth"
    assert {s.description.split(":")[0]: s.value for s in sliders}["catering_events"] == 60
    assert all("(%" in s.description for s in sliders)  # every slider says its unit
    growth = panel.value
    picker.value = "downturn"
    assert {s.description.split(":")[0]: s.value for s in sliders}["catering_events"] == -10
    sliders[0].value = 40
    assert picker.value == "custom"
    assert panel.value != growth and "Under the custom scenario" in panel.value and "<img" in panel.value


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
    _, share, _, grid, panel = box.children
    boxes = {b.description.split()[0]: b for b in grid.children}
    plan = A.automation_options(sample, exclude="A05")
    assert {k for k, b in boxes.items() if b.value} == set(plan.loc[plan["in_plan"], "option_id"])
    assert share.value == 100 and "%" in share.description
    before = panel.value
    boxes["A05"].value = True  # observers run synchronously: a failing recompute would raise here
    share.value = 60
    assert panel.value != before and "<img" in panel.value and "Where the hours go" in panel.value
