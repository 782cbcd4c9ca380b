"""Interactive controls over the domain functions, for owners (never required for a run).

Each builder returns an ipywidgets container: a line saying what to try, labelled controls and one
result panel. Labels are the company's own names made readable ("Store transactions" for
``store_transactions``); the unit stands beside its control, and controls line up on one left
edge (`LABEL_WIDTH`). Starting values come from the notebook's parameters cell. A move
recomputes the numbers and replaces the panel's whole content (sentence, chart, table) in one
step, so the page never blanks or jumps while it updates. Batch runs do not show them (see
`smbkit.show.Page.interactive`).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from .data import Company
from .demand import demand_takeaway, resolve_scenario, role_demand, scenario_names
from .text import label

__all__ = ["demand_explorer", "demand_for_changes", "plan_explorer", "AutomationBasis", "automation_basis", "automation_for",
           "automation_explorer", "belonging_explorer", "Panel"]

SLIDER_RANGE = (-50.0, 150.0)  # % change of a driver over the horizon
LABEL_WIDTH = "13em"  # every control's label is this wide, so the controls of a page share one left edge
LABEL_STYLE = {"description_width": LABEL_WIDTH}
CONTROL_WIDTH = "560px"
CUSTOM = "custom"  # the scenario the sliders describe once one is moved


class Panel:
    """The result area of an explorer: one HTML widget whose content is replaced in one step.

    ``clear_output`` + ``display`` empties the area before drawing again, which makes the page
    jump; assigning the HTML widget's value swaps old for new at once.
    """

    def __init__(self, min_size: int | None = None):
        import ipywidgets as w

        self.min_size = min_size  # named in the note under a table with hidden groups
        self.widget = w.HTML(layout=w.Layout(min_height="120px"))
        self.widget.add_class("smbkit-panel")

    def update(self, sentences, *, chart=None, table: pd.DataFrame | None = None) -> None:
        """Show computed sentences (plain text), a chart (matplotlib Axes) and a table, in that order."""
        from .show import TABLE_CSS, chart_png, html_table

        parts = [f"<style>{TABLE_CSS}.smbkit-panel img{{max-width:100%;height:auto}}</style>"]
        parts += [f"<p class='smbkit-takeaway'>{html.escape(t)}</p>" for t in sentences if t]
        if chart is not None:
            parts.append(chart_png(chart)[1])
        if table is not None:
            parts.append(html_table(table, min_size=self.min_size))
        self.widget.value = "".join(parts)


def _hint(text: str):
    import ipywidgets as w

    return w.HTML(f"<p><b>Try it:</b> {html.escape(text)}</p>")


def demand_for_changes(company: Company, changes: dict) -> pd.DataFrame:
    """The recompute behind `demand_explorer`: demand per role for custom driver changes.

    Returns the `smbkit.demand.role_demand` table for one scenario named ``custom`` (bench/widget_speed.py times it).
    """
    return role_demand(company, changes=changes)


def _unit(text: str):
    """The unit beside a control, in the grid's second column."""
    import ipywidgets as w

    return w.HTML(f"<span class='smbkit-unit'>{html.escape(text)}</span>")


def _aligned(pairs):
    """Controls with their units in a two-column grid: every control starts and ends at the same place."""
    import ipywidgets as w

    return w.GridBox([c for pair in pairs for c in pair],
                     layout=w.Layout(grid_template_columns=f"minmax(0, {CONTROL_WIDTH}) auto", align_items="center",
                                     grid_gap="0 12px"))


def demand_explorer(company: Company, *, scenario: str | None = None):
    """A scenario picker and one growth slider per driver; the people each role needs update in place.

    The sentence names the scenario the drop-down shows; once a slider is moved the drop-down shows
    ``custom`` and the sentence speaks of the custom scenario.
    """
    import ipywidgets as w

    from .plotting import scenario_chart

    drivers = company.drivers.set_index("driver")
    s = company.settings
    by = (s.as_of + pd.DateOffset(months=s.horizon_months)).date()
    sc = company.scenarios
    presets = {} if sc is None else {n: dict(zip(g["driver"], g["change_pct"])) for n, g in sc.groupby("scenario", sort=False)}
    start = resolve_scenario(company, scenario) if presets else None
    picker = w.Dropdown(options=[(n, n) for n in presets] + [(f"{CUSTOM} (your own numbers)", CUSTOM)],
                        value=start if start in presets else CUSTOM, description="Scenario", style=LABEL_STYLE,
                        layout=w.Layout(width="30em"))
    sliders = {d: w.FloatSlider(value=float(presets.get(start, {}).get(d, 0.0)), min=SLIDER_RANGE[0], max=SLIDER_RANGE[1],
                                step=5, description=label(d), style=LABEL_STYLE, layout=w.Layout(width="100%"),
                                continuous_update=False, readout_format="+.0f")
               for d in drivers.index}
    units = {d: (f"% · today {drivers.at[d, 'current_value']:,.0f} {drivers.at[d, 'unit']}" if pd.notna(drivers.at[d, "unit"])
                 and str(drivers.at[d, "unit"]).strip() else f"% · today {drivers.at[d, 'current_value']:,.0f}")
             for d in drivers.index}
    panel = Panel()
    busy = {"preset": False}
    scenarios = {"table": None}  # every preset scenario's demand, computed once

    def redraw(*_):
        if picker.value in presets:
            if scenarios["table"] is None:
                scenarios["table"] = role_demand(company)
            table, name = scenarios["table"], picker.value
        else:
            table, name = demand_for_changes(company, {d: sl.value for d, sl in sliders.items()}), CUSTOM
        chosen = table[table["scenario"] == name]
        changed = chosen["change_fte"].abs() > 1e-9
        shown = chosen.loc[changed, ["role", "driver", "current_fte", "required_fte", "planned_fte", "change_fte"]]
        shown = shown.assign(driver=shown["driver"].map(label, na_action="ignore"))  # the sliders' own words
        panel.update([demand_takeaway(table, name, company)], chart=scenario_chart(chosen) if changed.any() else None,
                     table=shown)

    def pick(change):
        if busy["preset"]:
            return
        if change["new"] in presets:
            busy["preset"] = True
            for d, sl in sliders.items():
                sl.value = float(presets[change["new"]].get(d, 0.0))
            busy["preset"] = False
        redraw()

    def moved(_):
        if not busy["preset"]:
            if picker.value != CUSTOM:
                busy["preset"] = True  # the picker's own observer must not move the sliders back
                picker.value = CUSTOM
                busy["preset"] = False
            redraw()

    picker.observe(pick, names="value")
    for sl in sliders.values():
        sl.observe(moved, names="value")
    redraw()
    heading = w.HTML(f"<b>Growth of each driver of work by {by}</b> (% against today)")
    return w.VBox([_hint("pick a scenario, or move a slider to say how much each driver of work grows by the plan's "
                         "horizon; the people each role needs change below."), picker, heading,
                   _aligned([(sl, _unit(units[d])) for d, sl in sliders.items()]), panel.widget])


def plan_explorer(company: Company, *, scenario: str | None = None, prefer: str = "people"):
    """A scenario picker and a people-first-or-cheapest preference; the recommended plan updates in place."""
    import ipywidgets as w

    from .redesign import freed_capacity
    from .staffing import plan_takeaway, recommended_plan

    picker = w.Dropdown(options=scenario_names(company), value=resolve_scenario(company, scenario), description="Scenario",
                        style=LABEL_STYLE)
    choice = w.ToggleButtons(options=[("Our people first", "people"), ("Cheapest option", "cost")],
                             value=prefer if prefer in ("people", "cost") else "people",
                             description="Closing gaps", style=LABEL_STYLE)
    panel = Panel()

    def redraw(*_):
        plan = recommended_plan(company, scenario=picker.value, prefer=choice.value, capacity=freed_capacity(company, picker.value))
        panel.update([plan_takeaway(plan, company)], table=plan)

    picker.observe(redraw, names="value")
    choice.observe(redraw, names="value")
    redraw()
    return w.VBox([_hint("pick the scenario to plan for and whether to put your own people first; the plan below changes."),
                   picker, choice, panel.widget])


@dataclass
class AutomationBasis:
    """What `automation_explorer` computes once; a control move only re-evaluates from it."""

    company: Company
    inputs: pd.DataFrame
    scores: pd.DataFrame
    gaps_hours: pd.Series
    default: tuple
    base: pd.DataFrame
    release: bool = False


def automation_basis(company: Company, *, scenario: str | None = None, exclude=(), release: bool = False) -> AutomationBasis:
    """Gather the options, task scores and notebook 03's gap hours once, for `automation_for`."""
    from .automation import evaluate_options, option_inputs, task_scores
    from .redesign import role_base
    from .staffing import gap_hours

    inputs = option_inputs(company)
    gaps = gap_hours(company, resolve_scenario(company, scenario))
    plan = evaluate_options(inputs, company, gap_hours=gaps, release=release, exclude=exclude)
    scores = task_scores(company)
    return AutomationBasis(company, inputs, scores, gaps, tuple(plan.loc[plan["in_plan"], "option_id"]), role_base(company, scores),
                           release)


def automation_for(basis: AutomationBasis, selected, share_pct: float = 100.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The recompute behind `automation_explorer`: options and redistribution for the options switched on.

    ``share_pct`` is the share of each option's stated automatable_share that really happens (100 =
    as stated). bench/widget_speed.py times it.
    """
    from .automation import evaluate_options
    from .redesign import redistribution

    options = evaluate_options(basis.inputs, basis.company, gap_hours=basis.gaps_hours, release=basis.release,
                               share_factor=share_pct / 100, selected=selected)
    return options, redistribution(basis.company, options, basis.scores, basis.gaps_hours, base=basis.base)


def automation_explorer(company: Company, *, scenario: str | None = None, exclude=(), release: bool = False):
    """A switch per automation option and a slider for how much of the work tools really take; money and hours update in place."""
    import ipywidgets as w

    from .automation import options_takeaway
    from .plotting import hours_shift_chart
    from .redesign import hours_by_category, redistribution_takeaway

    basis = automation_basis(company, scenario=scenario, exclude=exclude, release=release)
    boxes = {r.option_id: w.Checkbox(value=r.option_id in basis.default, description=f"{r.option_id} · {r.task} ({r.tool_category})",
                                     style={"description_width": "initial"}, layout=w.Layout(width="100%"), indent=False)
             for r in basis.inputs.itertuples()}
    share = w.IntSlider(value=100, min=50, max=150, step=5, description="Work the tools really take",
                        style=LABEL_STYLE, layout=w.Layout(width="100%"), continuous_update=False)
    panel = Panel()
    cur = company.settings.currency

    def redraw(*_):
        options, redist = automation_for(basis, [k for k, b in boxes.items() if b.value], share.value)
        shown = options.loc[options["in_plan"], ["option_id", "task", "share", "review_hours_week", "net_year", "payback_months", "npv_3y"]]
        shown = shown.rename(columns={"net_year": f"net_year_{cur}", "npv_3y": f"npv_3y_{cur}"})
        hours = hours_by_category(redist)
        panel.update([options_takeaway(options, company), redistribution_takeaway(redist)],
                     chart=hours_shift_chart(hours) if not hours.empty else None, table=shown)

    share.observe(redraw, names="value")
    for b in boxes.values():
        b.observe(redraw, names="value")
    redraw()
    return w.VBox([_hint("switch tools on or off and say how much of the work they really take (100% = as the supplier "
                         "states); the money and the hours each role gains or loses change below."),
                   _aligned([(share, _unit("% of the share the supplier states"))]),
                   w.HTML("<b>Options switched on</b> (ticked: the plan's choice)"),
                   w.GridBox(list(boxes.values()), layout=w.Layout(grid_template_columns="repeat(2, minmax(0, 520px))",
                                                                   grid_gap="0 12px")), panel.widget])


def belonging_explorer(company: Company, *, demographic: str = "", top_points: int | None = None):
    """Break the Belonging Index down by team or a demographic question, for any survey wave; hidden groups stay hidden."""
    import ipywidgets as w

    from .plotting import score_heatmap
    from .survey import FAVORABLE_TOP_POINTS, heatmap_takeaway, results_table, survey_results

    demos = [c for c in company.survey_responses.columns if c.startswith("demo_")]
    groups = [("Team", "team")] + [(label(c), c) for c in demos]
    start = demographic if demographic in demos else "team"
    by = w.Dropdown(options=groups, value=start, description="Break down by", style=LABEL_STYLE)
    waves = sorted(pd.to_datetime(company.survey_responses["wave"]).dt.date.unique())
    wave = w.Dropdown(options=[(f"{d} (latest)" if d == waves[-1] else str(d), d) for d in waves], value=waves[-1],
                      description="Survey wave", style=LABEL_STYLE)
    panel = Panel(company.settings.min_group_size)
    cache: dict = {}
    points = top_points or FAVORABLE_TOP_POINTS

    def redraw(*_):
        if by.value not in cache:  # one computation per grouping; a wave change only filters it
            cache[by.value] = survey_results(company, by=by.value, top_points=points)
        results = cache[by.value]
        one = results[pd.to_datetime(results["wave"]).dt.date == wave.value]
        if one.empty:
            panel.update([f"No answers in the wave of {wave.value}."])
            return
        panel.update([f"Survey wave of {wave.value}. " + heatmap_takeaway(one, by.value)],
                     chart=score_heatmap(results, by.value, wave=wave.value), table=results_table(one, by.value))

    by.observe(redraw, names="value")
    wave.observe(redraw, names="value")
    redraw()
    return w.VBox([_hint("choose how to break the results down and which survey wave to look at; groups too small to "
                         "show stay hidden whatever you pick."), by, wave, panel.widget])
