"""Optional interactive controls over the domain functions (never required for a run).

Each builder returns an ipywidgets container; in a batch run it is displayed but nobody moves it,
so it changes nothing, and the report leaves it out.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .data import Company
from .goals import demand, demand_takeaway, likely_scenario

__all__ = ["demand_explorer", "demand_for_changes", "plan_explorer", "AutomationBasis", "automation_basis", "automation_for",
           "automation_explorer"]

SLIDER_RANGE = (-50.0, 150.0)  # % change of a driver over the horizon


def demand_for_changes(company: Company, changes: dict) -> pd.DataFrame:
    """The recompute behind `demand_explorer`: demand per role for custom driver changes.

    Returns the `demand` table for one scenario named ``custom`` (bench/widget_speed.py times it).
    """
    return demand(company, changes=changes)


def demand_explorer(company: Company, *, scenario: str | None = None):
    """A scenario picker and one growth slider per driver; the demand table updates in place."""
    import ipywidgets as w
    from IPython.display import HTML, display

    from .show import _HtmlTable

    drivers = list(company.drivers["driver"])
    units = dict(zip(company.drivers["driver"], company.drivers["unit"].fillna("")))
    sc = company.scenarios
    presets = {} if sc is None else {n: dict(zip(g["driver"], g["change_pct"])) for n, g in sc.groupby("scenario", sort=False)}
    start = scenario or (likely_scenario(company) if presets else None)
    picker = w.Dropdown(options=list(presets) + ["custom"], value=start if start in presets else "custom",
                        description="Scenario", style={"description_width": "initial"})
    sliders = {d: w.FloatSlider(value=float(presets.get(start, {}).get(d, 0.0)), min=SLIDER_RANGE[0], max=SLIDER_RANGE[1],
                                step=5, description=f"{d} (% change{', ' + units[d] if units[d] else ''})",
                                style={"description_width": "initial"}, layout=w.Layout(width="560px"),
                                continuous_update=False, readout_format=".0f")
               for d in drivers}
    out = w.Output()
    busy = {"preset": False}

    def redraw(*_):
        table = demand_for_changes(company, {d: s.value for d, s in sliders.items()})
        shown = table.loc[table["change_fte"].abs() > 1e-9, ["role", "driver", "current_fte", "required_fte", "planned_fte", "change_fte"]]
        out.clear_output(wait=True)
        with out:
            display(HTML(f"<p>{demand_takeaway(table, 'custom', company)}</p>"))
            display(_HtmlTable(shown, None, index=False, min_size=None))

    def pick(change):
        if change["new"] in presets:
            busy["preset"] = True
            for d, s in sliders.items():
                s.value = float(presets[change["new"]].get(d, 0.0))
            busy["preset"] = False
            redraw()

    def moved(_):
        if not busy["preset"]:
            picker.value = "custom"
            redraw()

    picker.observe(pick, names="value")
    for s in sliders.values():
        s.observe(moved, names="value")
    redraw()
    return w.VBox([picker, *sliders.values(), out])


def plan_explorer(company: Company, *, scenario: str | None = None):
    """A scenario picker and a build-or-cheapest preference; the recommended plan updates in place."""
    import ipywidgets as w
    from IPython.display import HTML, display

    from .gaps import plan_takeaway, recommended_plan
    from .show import _HtmlTable

    sc = company.scenarios
    names = list(dict.fromkeys(sc["scenario"])) if sc is not None else ["today"]
    picker = w.Dropdown(options=names, value=scenario or likely_scenario(company), description="Scenario",
                        style={"description_width": "initial"})
    prefer = w.ToggleButtons(options=[("Cheapest option", "cost"), ("Prefer training our people", "build")], value="cost",
                             description="Closing skill gaps", style={"description_width": "initial"})
    out = w.Output()

    def redraw(*_):
        plan = recommended_plan(company, scenario=picker.value, prefer=prefer.value)
        out.clear_output(wait=True)
        with out:
            display(HTML(f"<p>{plan_takeaway(plan, company)}</p>"))
            display(_HtmlTable(plan, None, index=False, min_size=None))

    picker.observe(redraw, names="value")
    prefer.observe(redraw, names="value")
    redraw()
    return w.VBox([picker, prefer, out])


@dataclass
class AutomationBasis:
    """What `automation_explorer` computes once; a control move only re-evaluates from it."""

    company: Company
    inputs: pd.DataFrame
    scores: pd.DataFrame
    gaps_hours: pd.Series
    default: tuple
    base: pd.DataFrame


def automation_basis(company: Company, *, scenario: str | None = None, exclude=()) -> AutomationBasis:
    """Gather the options, task scores and notebook 03's gap hours once, for `automation_for`."""
    from .automation import evaluate_options, option_inputs, task_scores
    from .redesign import gap_hours, role_base

    inputs = option_inputs(company)
    plan = evaluate_options(inputs, company, exclude=exclude)
    gaps = gap_hours(company, scenario or likely_scenario(company))
    scores = task_scores(company)
    return AutomationBasis(company, inputs, scores, gaps, tuple(plan.loc[plan["in_plan"], "option_id"]), role_base(company, scores))


def automation_for(basis: AutomationBasis, selected, share_pct: float = 100.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The recompute behind `automation_explorer`: options and redistribution for the options switched on.

    ``share_pct`` is the share of each option's stated automatable_share that really happens (100 =
    as stated). bench/widget_speed.py times it.
    """
    from .automation import evaluate_options
    from .redesign import redistribution

    options = evaluate_options(basis.inputs, basis.company, share_factor=share_pct / 100, selected=selected)
    return options, redistribution(basis.company, options, basis.scores, basis.gaps_hours, base=basis.base)


def automation_explorer(company: Company, *, scenario: str | None = None, exclude=()):
    """A switch per automation option and a slider for how much of the work tools really take; ROI and hours update in place."""
    import ipywidgets as w
    from IPython.display import HTML, display

    from .automation import options_takeaway
    from .redesign import redistribution_takeaway
    from .show import _HtmlTable

    basis = automation_basis(company, scenario=scenario, exclude=exclude)
    style = {"description_width": "initial"}
    boxes = {r.option_id: w.Checkbox(value=r.option_id in basis.default, description=f"{r.option_id} {r.task} ({r.tool_category})",
                                     style=style, layout=w.Layout(width="520px"), indent=False)
             for r in basis.inputs.itertuples()}
    share = w.IntSlider(value=100, min=50, max=150, step=5, description="Work the tools really take (% of the stated share)",
                        style=style, layout=w.Layout(width="560px"), continuous_update=False)
    out = w.Output()
    cur = company.settings.currency

    def redraw(*_):
        options, redist = automation_for(basis, [k for k, b in boxes.items() if b.value], share.value)
        shown = options.loc[options["in_plan"], ["option_id", "task", "share", "review_hours_week", "net_year", "payback_months", "npv_3y"]]
        shown = shown.rename(columns={"net_year": f"net_year_{cur}", "npv_3y": f"npv_3y_{cur}"})
        out.clear_output(wait=True)
        with out:
            display(HTML(f"<p>{options_takeaway(options, company)}</p><p>{redistribution_takeaway(redist)}</p>"))
            display(_HtmlTable(shown, None, index=False, min_size=None))

    share.observe(redraw, names="value")
    for b in boxes.values():
        b.observe(redraw, names="value")
    redraw()
    return w.VBox([share, w.HTML("<b>Options switched on</b>"), w.GridBox(list(boxes.values()),
                   layout=w.Layout(grid_template_columns="repeat(2, 520px)")), out])
