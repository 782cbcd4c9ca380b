"""Optional interactive controls over the domain functions (never required for a run).

Each builder returns an ipywidgets container; in a batch run it is displayed but nobody moves it,
so it changes nothing, and the report leaves it out.
"""

from __future__ import annotations

import pandas as pd

from .data import Company
from .goals import demand, demand_takeaway, likely_scenario

__all__ = ["demand_explorer", "demand_for_changes", "plan_explorer"]

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
