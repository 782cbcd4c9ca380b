"""Checks across columns and files of a company folder: references, date order, loops, sums, survey linkage.

They run once every file has passed its own checks (`smbkit._validation`), and add their problems
to the same `smbkit._validation.Collector`, so the user still gets one list.
"""

from __future__ import annotations

from ._files import shown
from ._schema import RESERVED_MEASURES, Column, file_spec
from ._validation import PROBABILITY_TOLERANCE

__all__ = ["survey_item_columns", "check_links"]


def survey_item_columns(raw, out) -> dict[str, Column]:
    """Columns of survey_responses.csv that hold answers: one per item of survey_items.csv."""
    items = raw.get("survey_items")
    if items is None or "item_id" not in items.columns:
        return {}
    cols = {}
    ids = items.columns["item_id"].values()
    tops = items.columns["scale_max"].values() if "scale_max" in items.columns else [""] * len(ids)
    # an item may not take the name of a column survey_responses.csv already has, or of a measure
    taken = set(file_spec("survey_responses").columns_by_name) | set(RESERVED_MEASURES)
    for row, (item, text) in enumerate(zip(ids, tops), start=2):
        if item in taken or item.startswith("demo_"):
            if out is not None:
                out.add(items.source, row, "item_id", f"{shown(item)}, which names a column or measure smbkit already has",
                        f"an item_id of its own (not {', '.join(sorted(taken))} or demo_*), e.g. q1", kind="reserved")
            continue
        top = 5
        if text:
            try:
                top = int(float(text))
            except (ValueError, OverflowError):
                continue  # reported by the survey_items checks
        cols[item] = Column(item, "int", "answer", blank_ok=True, min=1, max=top)
    return cols


def _rows(frame, mask):
    """Spreadsheet row numbers (header = 1) of the rows where mask is true."""
    return [i + 2 for i in frame.index[mask.fillna(False).to_numpy(dtype=bool)]]


def check_links(tables, sources, settings, out):
    """Checks across columns and files: references, date order, sums."""
    emp = tables["employees"]
    src = sources["employees"]
    ids = set(emp["employee_id"])
    as_of = settings.as_of

    def refs(name, column, known, what):
        t = tables.get(name)
        if t is None:
            return
        bad = t[column].notna() & ~t[column].isin(known)
        for i in t.index[bad.to_numpy(dtype=bool)]:
            out.add(sources[name], i + 2, column, repr(t.at[i, column]), what, kind="reference")

    refs("employees", "manager_id", ids, "an employee_id from employees.csv, or blank")
    for row in _rows(emp, emp["manager_id"] == emp["employee_id"]):
        out.add(src, row, "manager_id", "the person as their own manager", "another person's employee_id, or blank", kind="self-manager")
    for row, who in _manager_cycles(emp):
        out.add(src, row, "manager_id", f"a management loop ({who})", "a chain of managers that ends at someone with a blank manager_id", kind="cycle")
    for row in _rows(emp, emp["exit_date"] < emp["hire_date"]):
        out.add(src, row, "exit_date", f"{emp.loc[row - 2, 'exit_date'].date()} before hire_date {emp.loc[row - 2, 'hire_date'].date()}",
                "a date on or after hire_date", kind="order")
    for row in _rows(emp, emp["exit_date"] > as_of):
        out.add(src, row, "exit_date", f"{emp.loc[row - 2, 'exit_date'].date()}, after as_of {as_of.date()}",
                "a date on or before as_of in company.yaml (leave future exits blank)", kind="future")
    for row in _rows(emp, emp["exit_reason"].notna() & emp["exit_date"].isna()):
        out.add(src, row, "exit_reason", f"{emp.loc[row - 2, 'exit_reason']!r} but no exit_date",
                "an exit_reason only for people with an exit_date", kind="order")

    for name in ("skills", "absences", "learning"):
        refs(name, "employee_id", ids, "an employee_id from employees.csv")
    refs("interactions", "source_id", ids, "an employee_id from employees.csv")
    refs("interactions", "target_id", ids, "an employee_id from employees.csv")

    roles = tables.get("roles")
    drivers = tables.get("drivers")
    driver_names = set(drivers["driver"]) if drivers is not None else set()
    if roles is not None:
        s = sources["roles"]
        needs = roles["driver"].notna()
        if needs.any() and drivers is None:
            out.add(s, None, "driver", "roles with a driver but no drivers.csv", "a drivers.csv listing each driver", kind="missing")
        elif drivers is not None:
            refs("roles", "driver", driver_names, "a driver from drivers.csv, or blank for a fixed role")
        for row in _rows(roles, needs & roles["units_per_fte"].isna()):
            out.add(s, row, "units_per_fte", "a blank cell for a role with a driver", "a number > 0", kind="units")
        for row in _rows(roles, ~needs & roles["fixed_fte"].isna()):
            out.add(s, row, "fixed_fte", "a blank cell for a role without a driver", "a number >= 0", kind="fixed")
    known_roles = set(emp["role"]) | (set(roles["role"]) if roles is not None else set())
    refs("role_skills", "role", known_roles, "a role from roles.csv or employees.csv")
    refs("tasks", "role", known_roles, "a role from roles.csv or employees.csv")
    refs("job_design", "role", known_roles, "a role from roles.csv or employees.csv")
    for name in ("scenarios", "driver_history"):
        if name in tables:
            if drivers is None:
                out.add(sources[name], None, "driver", f"{name} but no drivers.csv", "a drivers.csv listing each driver", kind="missing")
            else:
                refs(name, "driver", driver_names, "a driver from drivers.csv")
    if "scenarios" in tables:
        _check_probabilities(tables["scenarios"], sources["scenarios"], out)
    if "automation_options" in tables:
        known = set(tables["tasks"]["task_id"]) if "tasks" in tables else set()
        refs("automation_options", "task_id", known, "a task_id from tasks.csv")
    goals = tables.get("goals")
    if goals is not None:
        refs("goals", "parent_goal_id", set(goals["goal_id"]), "a goal_id from goals.csv, or blank")
    events = tables.get("events")
    if events is not None:
        for row in _rows(events, events["attended"] > events["invited"]):
            out.add(sources["events"], row, "attended", f"{events.loc[row - 2, 'attended']} attended of {events.loc[row - 2, 'invited']} invited",
                    "at most the number invited", kind="attended")
    inter = tables.get("interactions")
    if inter is not None:
        for row in _rows(inter, inter["source_id"] == inter["target_id"]):
            out.add(sources["interactions"], row, "target_id", "a tie from a person to themselves", "two different people", kind="self-tie")
    _check_survey(tables, sources, settings, out)


def _manager_cycles(emp):
    boss = dict(zip(emp["employee_id"], emp["manager_id"]))
    index = {e: i for i, e in enumerate(emp["employee_id"])}
    reported = set()
    for start in emp["employee_id"]:
        chain, node = [], start
        while isinstance(node, str) and node in boss and node not in chain:
            chain.append(node)
            node = boss[node]
        if isinstance(node, str) and node in chain:
            loop = chain[chain.index(node):]
            key = frozenset(loop)
            if key not in reported and len(loop) > 1:
                reported.add(key)
                yield index[loop[0]] + 2, " -> ".join(loop + [node])


def _check_probabilities(sc, source, out):
    per = sc.groupby("scenario", sort=False)["probability"]
    given = sc["probability"].notna()
    if not given.any():
        return
    if not given.all():
        for row in _rows(sc, ~given):
            out.add(source, row, "probability", "a blank cell while other rows have one",
                    "a probability on every row, or on none", kind="probability")
        return
    for name, values in per:
        if values.nunique() > 1:
            out.add(source, None, "probability", f"different probabilities for scenario {name!r} ({', '.join(f'{x:g}' for x in values.unique())})",
                    "one probability per scenario, repeated on each of its rows", kind="probability")
            return
    total = per.first().sum()
    if abs(total - 1) > PROBABILITY_TOLERANCE:
        out.add(source, None, "probability", f"probabilities that add up to {total:g}", "probabilities that add up to 1", kind="probability")


def _check_survey(tables, sources, settings, out):
    resp = tables.get("survey_responses")
    if resp is None:
        return
    s = sources["survey_responses"]
    items = tables.get("survey_items")
    if items is None:
        out.add(s, None, None, "survey answers but no survey_items.csv", "a survey_items.csv describing each question", kind="missing")
        return
    for item in items["item_id"]:
        if item not in resp.columns:
            out.add(s, 1, item, f"no column for item {item!r} of survey_items.csv",
                    "one column per item_id (cells may be blank)", kind="missing-column")
    for row in _rows(resp, resp["wave"] > settings.as_of):
        out.add(s, row, "wave", f"{resp.loc[row - 2, 'wave'].date()}, after as_of {settings.as_of.date()}",
                "a date on or before as_of", kind="future")
    if settings.survey_linkage != "confidential":
        for row in _rows(resp, resp["employee_id"].notna()):
            out.add(s, row, "employee_id", "an employee_id in an anonymous survey",
                    "blank, unless company.yaml sets survey_linkage: confidential and people consented", kind="linkage")
    else:
        ids = set(tables["employees"]["employee_id"])
        bad = resp["employee_id"].notna() & ~resp["employee_id"].isin(ids)
        for row in _rows(resp, bad):
            out.add(s, row, "employee_id", repr(resp.loc[row - 2, "employee_id"]), "an employee_id from employees.csv, or blank", kind="reference")
    # one answer sheet per person and wave: a repeated respondent would count twice in every test
    for key in ("respondent_id", "employee_id"):
        if key in resp.columns and resp[key].notna().any():
            dup = resp[key].notna() & resp.duplicated(["wave", key], keep="first")
            for row in _rows(resp, dup):
                out.add(s, row, key, f"{resp.loc[row - 2, key]!r} again in wave {resp.loc[row - 2, 'wave'].date()}",
                        f"one row per {key} and wave (remove the repeated answers)", kind="duplicate")
