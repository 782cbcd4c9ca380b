"""The shipped notebooks: one list with each notebook's title, the question it answers and what it shows.

The runner, the report and the app all read this list; a test checks it against the notebooks'
own headings. The app's own pages (the start page, the data editor) are listed apart, in
`APP_PAGES`: they are not analyses, so `smbkit run` and the report never run them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError

__all__ = ["Notebook", "NOTEBOOKS", "START", "EDITOR", "AppPage", "APP_PAGES", "app_page", "names", "notebook", "notebooks_dir",
           "select_notebooks"]


@dataclass(frozen=True)
class Notebook:
    """One shipped notebook: its file name (without .ipynb), title, the owner's question, a one-line summary,
    and what each optional input file unlocks in it (file name without extension, what an owner gets)."""

    name: str
    title: str
    question: str
    summary: str
    unlocks: tuple[tuple[str, str], ...] = ()

    @property
    def number(self) -> str:
        """``"01"`` for ``01_assess_workforce``."""
        return self.name.split("_", 1)[0]


NOTEBOOKS: tuple[Notebook, ...] = (
    Notebook("01_assess_workforce", "01 · Assess your workforce", "What people, skills and costs do you have today?",
             "Who works here: headcount, tenure, skills and where the business hangs on one person.",
             (("skills", "the skills matrix and the skills that hang on one person"),
              ("absences", "absence by team"))),
    Notebook("02_define_goals", "02 · Define goals and the work they create", "Where are you going, and what work will that take?",
             "Where the business is going: goals, the work they create and the people each scenario needs.",
             (("goals", "your goals and key results, scored and checked"),
              ("roles", "the people each role needs in each scenario (with drivers.csv)"),
              ("drivers", "what moves the work: sales, orders, customers (with roles.csv)"),
              ("driver_history", "a forecast of each driver from its past"))),
    Notebook("03_find_gaps", "03 · Find the gaps and how to close them", "What is missing, and how do you close it?",
             "What is missing: people and skills short, and how to close each gap (hire, train, contract, automate).",
             (("roles", "the people missing per role and the plan to close each gap (with drivers.csv)"),
              ("drivers", "the demand each gap is measured against (with roles.csv)"),
              ("skills", "skill gaps and who could grow into them (with role_skills.csv)"),
              ("role_skills", "the skills each role needs (with skills.csv)"),
              ("learning", "whether past training paid"))),
    Notebook("04_plan_automation", "04 · Plan automation without losing people or oversight",
             "Which tasks should machines take, and what happens to the people?",
             "Which tasks tools can take, what that is worth, and how jobs change without losing oversight.",
             (("tasks", "which tasks to hand to tools"),
              ("automation_options", "what each tool pays, where the freed hours go and how jobs change (with tasks.csv)"),
              ("job_design", "whether the changed jobs still motivate"))),
    Notebook("05_measure_belonging", "05 · Measure belonging", "Do people feel they belong, and where is it at risk?",
             "Whether people feel they belong, where it is at risk, and who may be thinking of leaving.",
             (("survey_items", "the belonging survey's questions (with survey_responses.csv)"),
              ("survey_responses", "belonging by wave, team and group, what drives it and what people say"),
              ("outcomes", "how belonging goes with each team's results"),
              ("interactions", "who works with whom"))),
)
START = "00_start_here"  # the app's start page: which company is open, the five notebooks, the company picker
EDITOR = "00_edit_data"  # the app's data editor


@dataclass(frozen=True)
class AppPage:
    """A page of the app that is not an analysis: its file name (without .ipynb), title and a one-line summary."""

    name: str
    title: str
    summary: str


APP_PAGES: tuple[AppPage, ...] = (
    AppPage(START, "smbkit · Start here", "Which company is open, the five notebooks, and the other companies the app can open."),
    AppPage(EDITOR, "Edit your data", "Change the company's tables here, checked as you type; saving makes a new dated copy "
            "of the folder and never changes the original."),
)
_BY_NAME = {n.name: n for n in NOTEBOOKS}


def app_page(name: str) -> AppPage:
    """The `AppPage` called ``name``."""
    for page in APP_PAGES:
        if page.name == name:
            return page
    raise UsageError(f"unknown app page {name!r}; the app pages are {', '.join(p.name for p in APP_PAGES)}")


def names() -> list[str]:
    """The names of the five notebooks, in order."""
    return [n.name for n in NOTEBOOKS]


def notebook(name: str) -> Notebook:
    """The `Notebook` called ``name``."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise UsageError(f"unknown notebook {name!r}; the notebooks are {', '.join(names())}") from None


def notebooks_dir() -> Path:
    """Folder of the shipped notebooks (inside the installed package, or the source checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "notebooks", here.parent / "notebooks"):
        if (candidate / f"{NOTEBOOKS[0].name}.ipynb").exists():
            return candidate
    raise FileNotFoundError("the smbkit notebooks are not installed; reinstall smbkit")


def select_notebooks(spec: str | None) -> list[str]:
    """``"01,03"`` -> the names of notebooks 01 and 03; ``None`` -> all five.

    Examples
    --------
    >>> select_notebooks("3, 01")
    ['03_find_gaps', '01_assess_workforce']
    """
    if not spec:
        return names()
    chosen = []
    for part in spec.split(","):
        part = part.strip()
        match = [n.name for n in NOTEBOOKS if n.name == part or n.number == part.zfill(2)]
        if not match:
            raise UsageError(f"unknown notebook {part!r}; choose from {', '.join(n.number for n in NOTEBOOKS)}")
        chosen += [m for m in match if m not in chosen]
    return chosen
