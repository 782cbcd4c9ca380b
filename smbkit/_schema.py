"""The input contract as data: every file, column and setting smbkit reads.

This module is the single source of truth. The validator (`_validation.py`), the blank templates
written by ``smbkit init`` and the data dictionary (``docs/data-dictionary.md``) are all generated
from these specs, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Column", "FileSpec", "Setting", "FILES", "SETTINGS", "LIMITS", "file_spec", "number_words", "MAX_FILE_BYTES",
           "MAX_YAML_BYTES", "MAX_YAML_NODES", "MAX_CELL_CHARS", "MAX_COLUMNS", "FIRST_DATE", "LAST_DATE", "MAX_AMOUNT",
           "RESERVED_MEASURES"]

PROFICIENCY_LEVELS = "0 none, 1 basic, 2 working, 3 advanced, 4 expert"

# Limits on what smbkit reads. A file that is not meant for it (or is made to hurt it) is refused
# with a message instead of filling the memory or stopping the analyses part way.
MAX_FILE_BYTES = 256 * 2 ** 20  # a CSV file, or an .xlsx once unpacked; ~10 million interactions rows
MAX_YAML_BYTES = 64 * 2 ** 10  # company.yaml holds a dozen keys
MAX_YAML_NODES = 1_000  # values YAML aliases (*name) may repeat in company.yaml ("billion laughs")
MAX_CELL_CHARS = 32_767  # Excel's limit for one cell (Microsoft, "Excel specifications and limits")
MAX_COLUMNS = 16_384  # Excel's limit of columns on a sheet (the same source)
# Dates smbkit can count with: pandas keeps dates in nanoseconds, from 1677-09-21 to 2262-04-11;
# horizons of up to 5 years and histories of decades stay inside it from any date in this range.
FIRST_DATE, LAST_DATE = "1900-01-01", "2199-12-31"
# The largest amount of money, driver value or metric: a quadrillion, above any company's figure in
# any currency (a year's pay in Iranian rial is about 1e10) and, summed over all the rows a file
# can hold, still far from the largest number a float holds (1.8e308, where sums become "inf").
MAX_AMOUNT = 1e15
MAX_PEOPLE = 1_000_000  # people invited to an event, FTE of one role
# Divisors: an FTE, a workload per FTE or a tie's strength this small would turn a cost per FTE or
# a distance (1 / weight) into a figure without meaning, or past the largest float
MIN_SHARE = 0.01
MAX_CHANGE_PCT = 100_000  # a thousandfold growth of a driver over the horizon
HOURS_PER_WEEK = 168
HOURS_PER_YEAR = 8_784  # a leap year
MAX_MONTHS = 120  # a tool ten years from use is not a plan
# Names smbkit gives its own survey measures (benchmarks.csv's measure column uses them too)
RESERVED_MEASURES = ("belonging_index", "enps")


def number_words(x: float) -> str:
    """A limit as an owner reads it: ``1e15`` -> ``'1,000,000,000,000,000'``, ``0.5`` -> ``'0.5'``.

    Examples
    --------
    >>> number_words(1e15), number_words(-100), number_words(0.01)
    ('1,000,000,000,000,000', '-100', '0.01')
    """
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:g}"


LIMITS: tuple[tuple[str, str], ...] = (
    ("file size", f"at most {MAX_FILE_BYTES // 2 ** 20} MiB per CSV file, and per .xlsx workbook once unpacked; "
                  f"company.yaml at most {MAX_YAML_BYTES // 2 ** 10} KiB"),
    ("cell", f"at most {MAX_CELL_CHARS:,} characters (Excel's limit for one cell), column names included"),
    ("columns", f"at most {MAX_COLUMNS:,} columns per file (Excel's limit)"),
    ("dates and months", f"from {FIRST_DATE} to {LAST_DATE}, as_of included"),
    ("amounts", f"money, driver values and goal metrics from {number_words(-MAX_AMOUNT)} to {number_words(MAX_AMOUNT)}"),
    ("YAML aliases", f"company.yaml may repeat at most {MAX_YAML_NODES:,} values through aliases (*name)"),
    ("files", "only regular files in the company folder are read: a link to a file outside it, a named pipe or a device "
              "in a file's place is refused, never read"),
)


@dataclass(frozen=True)
class Column:
    """One column of an input file.

    kind is one of: ``str``, ``int``, ``float``, ``date`` (YYYY-MM-DD), ``month`` (YYYY-MM),
    ``bool`` (true/false), ``choice`` (one of ``choices``).
    """

    name: str
    kind: str
    meaning: str
    required: bool = True  # the column must be present in the file
    blank_ok: bool = False  # a cell may be left empty
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False
    unique: bool = False
    default: object = None  # used for blank cells when blank_ok

    def allowed(self) -> str:
        """Plain-words description of what a cell may hold, used in messages and the dictionary."""
        if self.kind == "choice":
            text = "one of " + ", ".join(self.choices)
        elif self.kind == "date":
            text = f"a date YYYY-MM-DD from {FIRST_DATE} to {LAST_DATE}"
        elif self.kind == "month":
            text = f"a month YYYY-MM from {FIRST_DATE[:7]} to {LAST_DATE[:7]}"
        elif self.kind == "bool":
            text = "true or false"
        elif self.kind in ("int", "float"):
            text = "a whole number" if self.kind == "int" else "a number"
            if self.min is not None and self.max is not None:
                low = f"more than {number_words(self.min)}" if self.min_exclusive else f"from {number_words(self.min)}"
                text += f" {low} to {number_words(self.max)}"
            elif self.min is not None:
                text += f" > {number_words(self.min)}" if self.min_exclusive else f" >= {number_words(self.min)}"
            elif self.max is not None:
                text += f" <= {number_words(self.max)}"
        else:
            text = "text"
        if self.blank_ok:
            text += " (or blank)"
        return text


@dataclass(frozen=True)
class FileSpec:
    """One input file: its columns, whether it is required and what it switches on."""

    name: str
    meaning: str
    columns: tuple[Column, ...]
    required: bool = False
    key: tuple[str, ...] = ()  # combination of columns that must be unique per row
    enables: str = ""
    extra_note: str = ""  # for pattern columns such as demo_* or one column per survey item
    columns_by_name: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "columns_by_name", {c.name: c for c in self.columns})


@dataclass(frozen=True)
class Setting:
    """One key of company.yaml."""

    key: str
    kind: str
    default: object
    meaning: str
    required: bool = False
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None


def _rating(name: str, meaning: str) -> Column:
    return Column(name, "int", meaning + " (1 low to 5 high)", min=1, max=5)


def _jcm(name: str, meaning: str) -> Column:
    # the Job Diagnostic Survey rates each characteristic on 7 points (Hackman & Oldham, 1975)
    return Column(name, "float", meaning + " (1 low to 7 high)", min=1, max=7)


EMPLOYMENT_TYPES = ("full_time", "part_time", "contractor", "freelancer")
EXIT_REASONS = ("voluntary", "involuntary", "retired", "other")
WORK_MODES = ("onsite", "hybrid", "remote")
FUNCTIONS = ("marketing", "sales", "customer_service", "finance", "operations", "hr", "other")

FILES: tuple[FileSpec, ...] = (
    FileSpec(
        "employees",
        "One row per person: everyone employed now and everyone who left in the last 3 years.",
        (
            Column("employee_id", "str", "Your own identifier for the person; never shown with a name unless show_names is on.", unique=True),
            Column("name", "str", "The person's name; only printed in reports when show_names is true.", required=False, blank_ok=True),
            Column("team", "str", "Team or department."),
            Column("role", "str", "Job role; match the role names used in roles.csv."),
            Column("manager_id", "str", "employee_id of the person's manager; blank for the top of the organisation.", required=False, blank_ok=True),
            Column("employment_type", "choice", "How the person is engaged.", choices=EMPLOYMENT_TYPES),
            Column("fte", "float", "Full-time equivalent: 1 = full time, 0.5 = half time (at least 0.01, about 24 minutes a week).",
                   min=MIN_SHARE, max=1),
            Column("annual_cost", "float", "Fully loaded yearly cost (pay, taxes, benefits) in the company currency.", min=0, max=MAX_AMOUNT),
            Column("hire_date", "date", "First day of work."),
            Column("exit_date", "date", "Last day of work; blank while the person is still employed.", required=False, blank_ok=True),
            Column("exit_reason", "choice", "Why the person left; blank while employed.", required=False, blank_ok=True, choices=EXIT_REASONS),
            Column("location", "str", "Site or city.", required=False, blank_ok=True),
            Column("work_mode", "choice", "Where the person works.", required=False, blank_ok=True, choices=WORK_MODES),
            Column("performance", "float", "Latest performance rating.", required=False, blank_ok=True, min=1, max=5),
        ),
        required=True,
        key=("employee_id",),
        enables="every notebook",
        extra_note="Optional demo_* columns (for example demo_gender, demo_age_band) hold categorical "
        "demographics; they are only ever shown for groups of at least min_group_size people.",
    ),
    FileSpec(
        "skills",
        "Skills inventory: one row per person and skill.",
        (
            Column("employee_id", "str", "A person in employees.csv."),
            Column("skill", "str", "Skill name; match the names used in role_skills.csv."),
            Column("proficiency", "int", f"Level held: {PROFICIENCY_LEVELS}.", min=0, max=4),
        ),
        key=("employee_id", "skill"),
        enables="skills matrix, coverage and single points of failure (01), skill gaps (03)",
    ),
    FileSpec(
        "roles",
        "Future demand per role: what drives the workload of each role.",
        (
            Column("role", "str", "Role name.", unique=True),
            Column("driver", "str", "A driver from drivers.csv, or blank for a fixed-size role.", blank_ok=True),
            Column("units_per_fte", "float", "Driver units one FTE handles over the horizon; required when driver is set.", blank_ok=True,
                   min=MIN_SHARE, max=MAX_AMOUNT),
            Column("fixed_fte", "float", "FTE the role needs regardless of drivers; required when driver is blank.", blank_ok=True, min=0,
                   max=MAX_PEOPLE),
        ),
        key=("role",),
        enables="demand per role (02), gaps (03)",
    ),
    FileSpec(
        "role_skills",
        "Skills each role needs.",
        (
            Column("role", "str", "A role in roles.csv or employees.csv."),
            Column("skill", "str", "Skill name."),
            Column("required_proficiency", "int", f"Level the role needs: {PROFICIENCY_LEVELS}.", min=0, max=4),
            Column("importance", "int", "1 nice to have, 2 important, 3 critical.", min=1, max=3),
        ),
        key=("role", "skill"),
        enables="critical single points of failure (01), skill gaps (03)",
    ),
    FileSpec(
        "drivers",
        "Business drivers that create work (orders, customers, revenue).",
        (
            Column("driver", "str", "Driver name.", unique=True),
            Column("current_value", "float", "Value today, per horizon.", min=0, max=MAX_AMOUNT),
            Column("unit", "str", "Unit of the driver, for labels.", blank_ok=True),
        ),
        key=("driver",),
        enables="demand per role (02)",
    ),
    FileSpec(
        "scenarios",
        "How each driver changes over the horizon under each scenario.",
        (
            Column("scenario", "str", "Scenario name, e.g. growth, moderate, downturn."),
            Column("driver", "str", "A driver from drivers.csv."),
            Column("change_pct", "float", "Change over the horizon in percent: 30 = +30%, -10 = -10%.", min=-100,
                   max=MAX_CHANGE_PCT),
            Column("probability", "float", "Optional likelihood of the scenario; the values of all scenarios sum to 1.", required=False, blank_ok=True, min=0, max=1),
        ),
        key=("scenario", "driver"),
        enables="scenario demand (02, 03)",
    ),
    FileSpec(
        "driver_history",
        "Monthly history of the drivers, for statistical forecasts.",
        (
            Column("month", "month", "Month of the value."),
            Column("driver", "str", "A driver from drivers.csv."),
            Column("value", "float", "Value in that month.", min=0, max=MAX_AMOUNT),
        ),
        key=("month", "driver"),
        enables="statistical forecast (02)",
    ),
    FileSpec(
        "goals",
        "Objectives and key results, cascaded company -> team -> person.",
        (
            Column("goal_id", "str", "Identifier of the key result.", unique=True),
            Column("objective", "str", "The objective this key result belongs to."),
            Column("key_result", "str", "The measurable result."),
            Column("metric", "str", "What is measured; match a driver name to use its history.", blank_ok=True),
            Column("baseline", "float", "Value when the goal was set.", blank_ok=True, min=-MAX_AMOUNT, max=MAX_AMOUNT),
            Column("target", "float", "Value to reach by the due date.", blank_ok=True, min=-MAX_AMOUNT, max=MAX_AMOUNT),
            Column("current", "float", "Latest value.", required=False, blank_ok=True, min=-MAX_AMOUNT, max=MAX_AMOUNT),
            Column("due_date", "date", "When the target is due.", blank_ok=True),
            Column("owner", "str", "A team name or an employee_id.", blank_ok=True),
            Column("parent_goal_id", "str", "goal_id of the goal this one supports; blank at the top.", required=False, blank_ok=True),
        ),
        key=("goal_id",),
        enables="OKR tree and scores (02)",
    ),
    FileSpec(
        "tasks",
        "The tasks each role does, rated for automation.",
        (
            Column("task_id", "str", "Identifier of the task.", unique=True),
            Column("role", "str", "Role that does the task."),
            Column("task", "str", "Short description."),
            Column("function", "choice", "Business function.", choices=FUNCTIONS),
            Column("hours_per_week", "float", "Hours per week one FTE of the role spends on it.", min=0, max=60),
            _rating("repetitive", "How repetitive the task is"),
            _rating("rule_based", "How far clear rules decide it"),
            _rating("digital_input", "How far its inputs are digital and structured"),
            _rating("volume_stability", "How stable its volume and steps are"),
            _rating("judgment", "How much human judgement it needs"),
            _rating("empathy", "How much empathy or personal contact it needs"),
            _rating("compliance_risk", "How costly a mistake is (legal, safety, money)"),
            Column("error_rate_pct", "float", "Share of cases with errors today, in percent.", required=False, blank_ok=True, min=0, max=100),
        ),
        key=("task_id",),
        enables="automation plan and job redesign (04)",
    ),
    FileSpec(
        "automation_options",
        "Tools that could take over part of a task.",
        (
            Column("option_id", "str", "Identifier of the option.", unique=True),
            Column("task_id", "str", "A task in tasks.csv."),
            Column("tool_category", "str", "E.g. CRM, accounting, helpdesk, RPA."),
            Column("example_tool", "str", "An example product.", blank_ok=True),
            Column("automatable_share", "float", "Share of the task's hours the tool takes over.", min=0, max=1),
            Column("one_time_cost", "float", "Set-up cost.", min=0, max=MAX_AMOUNT),
            Column("annual_cost", "float", "Yearly licence and running cost.", min=0, max=MAX_AMOUNT),
            Column("oversight_hours_per_week", "float", "Hours per week a person spends reviewing the tool's work.", min=0,
                   max=HOURS_PER_WEEK),
            Column("months_to_implement", "float", "Months until the tool is in use.", min=0, max=MAX_MONTHS),
        ),
        key=("option_id",),
        enables="automation options, ROI and payback (04)",
    ),
    FileSpec(
        "job_design",
        "How each role's job rates on the Job Characteristics Model, before and (if known) after automation.",
        (
            Column("role", "str", "A role from roles.csv or employees.csv."),
            Column("stage", "choice", "before: the job today; after: the job once the automation plan is in place.",
                   choices=("before", "after")),
            Column("rated_by", "choice", "owner: your own assessment of the job; survey: the average of the role's people's "
                   "answers (hidden for roles with fewer people than min_group_size).", required=False, blank_ok=True,
                   choices=("owner", "survey"), default="owner"),
            _jcm("skill_variety", "How many different skills and talents the job uses"),
            _jcm("task_identity", "How far the job is a whole, identifiable piece of work from start to finish"),
            _jcm("task_significance", "How much the job affects other people's lives or work"),
            _jcm("autonomy", "How much freedom the job gives to decide how and when to do the work"),
            _jcm("feedback", "How far doing the job itself shows how well it is done"),
        ),
        key=("role", "stage"),
        enables="motivating potential before and after redesign (04)",
    ),
    FileSpec(
        "survey_items",
        "The questions of the belonging survey.",
        (
            Column("item_id", "str", "Column name of the item in survey_responses.csv.", unique=True),
            Column("text", "str", "The question as people saw it."),
            Column("dimension", "str", "Dimension it measures, e.g. psychological_safety, fairness, recognition, connection."),
            Column("reverse_coded", "bool", "true when agreeing means less belonging."),
            Column("scale_max", "int", "Top of the answer scale.", required=False, blank_ok=True, min=2, max=11, default=5),
        ),
        key=("item_id",),
        enables="belonging metrics (05)",
    ),
    FileSpec(
        "survey_responses",
        "Survey answers, one row per response.",
        (
            Column("wave", "date", "Date of the survey wave."),
            Column("respondent_id", "str", "Optional pseudonym of the respondent.", required=False, blank_ok=True),
            Column("team", "str", "Team the respondent chose."),
            Column("enps", "int", "How likely to recommend the company as a place to work.", required=False, blank_ok=True, min=0, max=10),
            Column("comment", "str", "Open answer.", required=False, blank_ok=True),
            Column("consent", "bool", "false drops the row before any analysis.", required=False, blank_ok=True),
            Column("employee_id", "str", "Only when survey_linkage is confidential.", required=False, blank_ok=True),
        ),
        enables="belonging metrics (05)",
        extra_note="Plus one column per item_id of survey_items.csv holding an answer from 1 to that "
        "item's scale_max (or blank), and optional demo_* columns. Other columns are not read.",
    ),
    FileSpec(
        "benchmarks",
        "Benchmarks you trust for the survey measures (from a survey provider, an industry body or your own past).",
        (
            Column("measure", "str", "belonging_index, enps, or a survey dimension."),
            Column("value", "float", "The benchmark value on the measure's scale (0-100; eNPS -100 to 100).", min=-100, max=100),
            Column("source", "str", "Where the number comes from; shown next to every comparison."),
        ),
        key=("measure",),
        enables="benchmark comparison (05)",
    ),
    FileSpec(
        "absences",
        "Absence spells.",
        (
            Column("employee_id", "str", "A person in employees.csv."),
            Column("start_date", "date", "First day absent."),
            Column("days", "float", "Working days absent.", min=0, min_exclusive=True, max=366),
        ),
        enables="absence rate (01, 05)",
    ),
    FileSpec(
        "events",
        "Company events and who came.",
        (
            Column("event_id", "str", "Identifier of the event.", unique=True),
            Column("date", "date", "Date of the event."),
            Column("invited", "int", "People invited.", min=0, max=MAX_PEOPLE),
            Column("attended", "int", "People who came; at most invited.", min=0, max=MAX_PEOPLE),
        ),
        key=("event_id",),
        enables="event participation (05)",
    ),
    FileSpec(
        "learning",
        "Training taken, with its evaluation at Kirkpatrick's four levels.",
        (
            Column("employee_id", "str", "A person in employees.csv."),
            Column("program", "str", "Name of the programme."),
            Column("skill", "str", "Skill it builds.", blank_ok=True),
            Column("start_date", "date", "Start of the programme."),
            Column("cost", "float", "Fully loaded cost for this person.", min=0, max=MAX_AMOUNT),
            Column("hours", "float", "Hours spent.", min=0, max=HOURS_PER_YEAR),
            Column("reaction", "float", "Level 1: how useful the person found it.", blank_ok=True, min=1, max=5),
            Column("pre_score", "float", "Level 2: test score before.", blank_ok=True, min=0, max=100),
            Column("post_score", "float", "Level 2: test score after.", blank_ok=True, min=0, max=100),
            Column("behavior", "float", "Level 3: how far the person applies it at work.", blank_ok=True, min=1, max=5),
            Column("result_value", "float", "Level 4: yearly money value of the result for this person, if measured, before "
                   "isolating the programme's part (notebook 03 credits a stated share of it to the programme).", required=False,
                   blank_ok=True, min=-MAX_AMOUNT, max=MAX_AMOUNT),
        ),
        enables="learning plan and evaluation (03)",
    ),
    FileSpec(
        "interactions",
        "Who works with whom (from chat, e-mail or meeting metadata).",
        (
            Column("source_id", "str", "A person in employees.csv."),
            Column("target_id", "str", "A person in employees.csv."),
            Column("weight", "float", "Strength of the tie, e.g. messages or meetings.", min=MIN_SHARE, max=MAX_AMOUNT),
            Column("period", "month", "Month of the interactions."),
        ),
        enables="collaboration network (05)",
        extra_note="Other columns are not read.",
    ),
    FileSpec(
        "outcomes",
        "Business results per team, for linking belonging to outcomes.",
        (
            Column("team", "str", "Team name."),
            Column("period", "month", "Month."),
            Column("metric", "str", "E.g. customer_satisfaction, sales."),
            Column("value", "float", "Value in that month.", min=-MAX_AMOUNT, max=MAX_AMOUNT),
        ),
        key=("team", "period", "metric"),
        enables="belonging and outcomes (05)",
    ),
)

_BY_NAME = {f.name: f for f in FILES}


def file_spec(name: str) -> FileSpec:
    """Return the spec of one input file by name (without extension)."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown input file {name!r}; known: {', '.join(_BY_NAME)}") from None


SETTINGS: tuple[Setting, ...] = (
    Setting("name", "str", None, "Company name shown in reports.", required=True),
    Setting("industry", "str", "", "Free text."),
    Setting("currency", "str", "USD", "ISO 4217 code used to format money."),
    Setting("as_of", "date", "today", "The analysis date; tenure, turnover windows and horizons count from it."),
    Setting("hours_per_fte_week", "float", 40.0, "Working hours of one full-time person per week.", min=1, max=80),
    Setting("weeks_per_year", "float", 47.0, "Working weeks per FTE per year.", min=1, max=52),
    Setting("horizon_months", "int", 12, "Planning horizon in months.", min=1, max=60),
    Setting("discount_rate", "float", 0.08, "Annual discount rate for NPV.", min=0, max=1),
    Setting("min_group_size", "int", 5, "No survey or demographic figure is shown for fewer people (never below 3).", min=3, max=100),
    Setting("survey_linkage", "choice", "anonymous", "confidential lets survey rows carry employee_id (with consent).", choices=("anonymous", "confidential")),
    Setting("show_names", "bool", False, "Whether reports may print employee names."),
)
